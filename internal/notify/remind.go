package notify

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/i18n"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

// E-mail choices of an official.
const (
	EmailImmediate = "immediate" // each notification by e-mail as it comes
	EmailDaily     = "digest"    // one digest a day of the day's notifications
	EmailOff       = "off"       // in-app only
	// DefaultEmailMode applies until an official chooses: a daily digest, so that nobody
	// is flooded on the first day.
	DefaultEmailMode = EmailDaily
)

// EmailModes lists the choices in display order.
var EmailModes = []string{EmailImmediate, EmailDaily, EmailOff}

// ValidEmailMode reports whether m is a known choice.
func ValidEmailMode(m string) bool { return slices.Contains(EmailModes, m) }

// modeOf is the recipient's e-mail choice, the default when never made.
func modeOf(r store.Recipient) string {
	if ValidEmailMode(r.EmailMode) {
		return r.EmailMode
	}
	return DefaultEmailMode
}

// notifier writes notifications for one pass of a job, with the e-mail settings read
// once and the role holders looked up once per unit.
type notifier struct {
	db      *store.DB
	cat     *i18n.Catalogs
	mail    store.MailSettings
	now     time.Time
	holders map[string][]store.Recipient
	created int
	mailed  int
}

func newNotifier(ctx context.Context, db *store.DB, cat *i18n.Catalogs, now time.Time) (*notifier, error) {
	ms, err := db.GetMailSettings(ctx)
	if err != nil {
		return nil, err
	}
	return &notifier{db: db, cat: cat, mail: ms, now: now, holders: map[string][]store.Recipient{}}, nil
}

// nearest returns the role's holders nearest the unit at path (remembered for the pass).
func (n *notifier) nearest(ctx context.Context, role user.Role, path string) ([]store.Recipient, error) {
	key := string(role) + " " + path
	if rs, ok := n.holders[key]; ok {
		return rs, nil
	}
	rs, err := n.db.NearestHolders(ctx, role, path)
	if err != nil {
		return nil, err
	}
	n.holders[key] = rs
	return rs, nil
}

// send notifies each recipient once per dedup key: in-app always; by e-mail at once
// (in the same transaction, through the outbox) or later in the digest, as each chose.
func (n *notifier) send(ctx context.Context, to []store.Recipient, note store.Notification) error {
	for _, r := range to {
		x := note
		x.UserID, x.CreatedAt = r.UserID, n.now
		var mail *store.OutboxMessage
		switch mode := modeOf(r); {
		case !n.mail.Ready() || mode == EmailOff || r.Email == "":
			x.Email = store.EmailNone
		case mode == EmailImmediate:
			x.Email = store.EmailQueued
			mail = &store.OutboxMessage{To: r.Email, Subject: mailSubject(n.cat, r.Lang, Subject(n.cat, r.Lang, x)),
				Body: mailBody(n.cat, r.Lang, r.FullName, n.mail.BaseURL, []store.Notification{x})}
		default:
			x.Email = store.EmailDigest
		}
		created, err := n.db.Notify(ctx, x, mail)
		if err != nil {
			return err
		}
		if created {
			n.created++
			if mail != nil {
				n.mailed++
			}
		}
	}
	return nil
}

func mailSubject(cat *i18n.Catalogs, lang, s string) string {
	return cat.T(lang, "notify.subject_prefix") + " " + s
}

func (n *notifier) summary(what string, found int) string {
	return fmt.Sprintf("%d %s, %d notifications, %d e-mails", found, what, n.created, n.mailed)
}

// Monitor is the reminders job on dossiers: it finds every flagged step at now and tells
// the responsible official (the step's assignee, else the holders of the step's role in
// the nearest unit that has any) that it is stale, due soon or overdue; when a stale step
// stays without progress, the leader (approver) of the step's unit is told, then the
// overseer; the leader is told of an overdue dossier too, since the apology letter is
// theirs to sign. Each reminder goes once per person, dossier, step and stage: a stale
// spell is keyed by the time of the last recorded action, so a new spell after progress is
// reminded again, the same spell never.
func Monitor(ctx context.Context, db *store.DB, cat *i18n.Catalogs, now time.Time) (string, error) {
	ws, err := Find(ctx, db, store.WatchFilter{}, now, true)
	if err != nil {
		return "", err
	}
	n, err := newNotifier(ctx, db, cat, now)
	if err != nil {
		return "", err
	}
	for _, w := range ws {
		if err := ctx.Err(); err != nil {
			return n.summary("flagged steps", len(ws)), err
		}
		if err := n.remindStep(ctx, w); err != nil {
			return n.summary("flagged steps", len(ws)), err
		}
	}
	return n.summary("flagged steps", len(ws)), nil
}

// responsible returns who must act on a step: its assignee if active, else the holders of
// its role in the nearest unit.
func (n *notifier) responsible(ctx context.Context, w Watch) ([]store.Recipient, error) {
	if w.Step.AssigneeID != "" {
		rs, err := n.db.Recipients(ctx, []string{w.Step.AssigneeID})
		if err != nil || len(rs) > 0 {
			return rs, err
		}
	}
	return n.nearest(ctx, w.Step.Role, w.StepUnitPath)
}

func (n *notifier) remindStep(ctx context.Context, w Watch) error {
	officials, err := n.responsible(ctx, w)
	if err != nil {
		return err
	}
	names := make([]string, len(officials))
	for i, r := range officials {
		names[i] = r.FullName
	}
	base := store.Notification{UnitID: w.UnitID, SubjectType: subjectDossier, SubjectID: w.DossierID,
		Link: "/dossiers/" + w.DossierID, Args: map[string]string{"code": w.Code, "procedure": w.ProcedureName,
			"unit": w.StepUnitName, "officials": strings.Join(names, ", "), "idle_minutes": minutes(w.Idle),
			"due_at": instant(w.Due)}}
	note := func(k Kind, key string) store.Notification {
		x := base
		x.Kind, x.DedupKey = string(k), fmt.Sprintf("%s:%s:%s", k, w.DossierID, key)
		return x
	}
	last := w.LastProgressAt
	if w.Step.StartedAt.After(last) {
		last = w.Step.StartedAt
	}
	spell := fmt.Sprintf("%d:%d", w.Step.Seq, last.Unix())
	due := fmt.Sprintf("%d:%d", w.Step.Seq, w.Due.Unix())
	if w.Stage >= StageOfficial {
		if err := n.send(ctx, officials, note(KindStale, spell)); err != nil {
			return err
		}
	}
	if w.Stage >= StageLeader {
		if err := n.escalate(ctx, user.Approver, w, officials, note(KindStaleLeader, spell)); err != nil {
			return err
		}
	}
	if w.Stage >= StageOverseer {
		if err := n.escalate(ctx, user.Overseer, w, officials, note(KindStaleOverseer, spell)); err != nil {
			return err
		}
	}
	if w.DueSoon {
		if err := n.send(ctx, officials, note(KindDueSoon, due)); err != nil {
			return err
		}
	}
	if w.Overdue {
		if err := n.send(ctx, officials, note(KindOverdue, due)); err != nil {
			return err
		}
		if err := n.escalate(ctx, user.Approver, w, officials, note(KindOverdueLeader, fmt.Sprint(w.Due.Unix()))); err != nil {
			return err
		}
	}
	return nil
}

// escalate tells the nearest holders of role above the step, leaving out the officials
// already told (a leader who holds the step is not told about themselves).
func (n *notifier) escalate(ctx context.Context, role user.Role, w Watch, told []store.Recipient, note store.Notification) error {
	to, err := n.nearest(ctx, role, w.StepUnitPath)
	if err != nil {
		return err
	}
	to = slices.DeleteFunc(slices.Clone(to), func(r store.Recipient) bool {
		return slices.ContainsFunc(told, func(t store.Recipient) bool { return t.UserID == r.UserID })
	})
	return n.send(ctx, to, note)
}

// Procedures is the daily reminders job on the catalog: the administrators and QMS
// secretaries of a unit (the nearest who hold those roles) are told of each procedure the
// unit publishes whose version in force ends within procedure.DefaultExpiryWindow days,
// and of each of its review plans past its due day with tasks left; once per
// publication and end date, and per plan and due day.
func Procedures(ctx context.Context, db *store.DB, cat *i18n.Catalogs, now time.Time) (string, error) {
	n, err := newNotifier(ctx, db, cat, now)
	if err != nil {
		return "", err
	}
	today := unit.DateOf(now.In(calendar.Location()))
	pubs, err := db.ExpiringPublications(ctx, store.PublicationFilter{}, today, procedure.DefaultExpiryWindow)
	if err != nil {
		return "", err
	}
	for _, p := range pubs {
		ends, _ := p.Procedure.EndsWithin(today, procedure.DefaultExpiryWindow)
		to, err := n.stewards(ctx, p.UnitPath)
		if err != nil {
			return "", err
		}
		if err := n.send(ctx, to, store.Notification{UnitID: p.UnitID, Kind: string(KindProcedureEnds),
			SubjectType: subjectPublication, SubjectID: p.ID, DedupKey: fmt.Sprintf("%s:%s:%s", KindProcedureEnds, p.ID, ends),
			Link: "/procedures/" + p.Code, Args: map[string]string{"code": p.Code, "procedure": p.Procedure.Name,
				"unit": p.UnitName, "ends_on": ends.String()}}); err != nil {
			return "", err
		}
	}
	plans, err := db.ReviewPlans(ctx, store.ReviewPlanFilter{OverdueOn: today})
	if err != nil {
		return "", err
	}
	for _, p := range plans {
		to, err := n.stewards(ctx, p.UnitPath)
		if err != nil {
			return "", err
		}
		if err := n.send(ctx, to, store.Notification{UnitID: p.UnitID, Kind: string(KindReviewOverdue),
			SubjectType: subjectReviewPlan, SubjectID: p.ID, DedupKey: fmt.Sprintf("%s:%s:%s", KindReviewOverdue, p.ID, p.DueOn),
			Link: "/procedures/reviews/" + p.ID, Args: map[string]string{"title": p.Title, "unit": p.UnitName,
				"due_on": p.DueOn.String(), "done": fmt.Sprint(p.Done), "tasks": fmt.Sprint(p.Tasks)}}); err != nil {
			return "", err
		}
	}
	return n.summary("procedure alerts", len(pubs)+len(plans)), nil
}

// stewards are who keep a unit's procedures: its nearest administrators and QMS
// secretaries.
func (n *notifier) stewards(ctx context.Context, path string) ([]store.Recipient, error) {
	var out []store.Recipient
	for _, role := range []user.Role{user.Admin, user.QMS} {
		rs, err := n.nearest(ctx, role, path)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if !slices.ContainsFunc(out, func(x store.Recipient) bool { return x.UserID == r.UserID }) {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// Digest is the daily e-mail job: each official who chose the digest gets one e-mail
// listing their notifications since the last one, written to the outbox in the
// transaction that marks them digested. With mail turned off the notifications wait.
func Digest(ctx context.Context, db *store.DB, cat *i18n.Catalogs, now time.Time) (string, error) {
	ms, err := db.GetMailSettings(ctx)
	if err != nil {
		return "", err
	}
	if !ms.Ready() {
		return "mail is off", nil
	}
	pending, err := db.PendingDigests(ctx)
	if err != nil {
		return "", err
	}
	byUser := map[string][]store.Notification{}
	var ids []string
	for _, p := range pending {
		if _, ok := byUser[p.UserID]; !ok {
			ids = append(ids, p.UserID)
		}
		byUser[p.UserID] = append(byUser[p.UserID], p)
	}
	people, err := db.Recipients(ctx, ids)
	if err != nil {
		return "", err
	}
	sent := 0
	for _, r := range people {
		items := byUser[r.UserID]
		noteIDs := make([]string, len(items))
		for i, it := range items {
			noteIDs[i] = it.ID
		}
		var mail *store.OutboxMessage
		if modeOf(r) != EmailOff && r.Email != "" {
			mail = &store.OutboxMessage{To: r.Email, CreatedAt: now,
				Subject: mailSubject(cat, r.Lang, cat.T(r.Lang, "notify.subject_digest", len(items))),
				Body:    mailBody(cat, r.Lang, r.FullName, ms.BaseURL, items)}
		}
		ok, err := db.WriteDigest(ctx, r.UserID, noteIDs, mail)
		if err != nil {
			return fmt.Sprintf("%d digests", sent), err
		}
		if ok && mail != nil {
			sent++
		}
	}
	return fmt.Sprintf("%d digests of %d notifications", sent, len(pending)), nil
}
