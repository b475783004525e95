package notify

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/i18n"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

// The kinds of the QMS reminders.
const (
	KindDocReview       Kind = "qms_doc_review"       // to the document's owner: its review is due within DocReviewWindow days or past
	KindActionOverdue   Kind = "qms_action_overdue"   // to the corrective action's owner: past its due day, not done
	KindObjectiveMissed Kind = "qms_objective_missed" // to the unit's QMS secretary and leader: last month missed
	KindRiskOverdue     Kind = "qms_risk_overdue"     // to the risk's owner: the treatment is past its due day
)

// What the QMS reminders are about (store.Notification.SubjectType).
const (
	subjectQMSDocument  = "qms_document"
	subjectQMSNC        = "qms_nonconformity"
	subjectQMSObjective = "qms_objective"
	subjectQMSRisk      = "qms_risk"
)

// DocReviewWindow is how many days before its next review day a document's owner is told.
const DocReviewWindow = 14

// QMSReminders is the daily reminders job of the QMS: each person is told, once per thing
// and stage (the dedup key holds the due day, so a new due day is a new reminder), of
//   - the documents in force whose next review day is within DocReviewWindow days or past
//     (their owner, else the unit's QMS secretary);
//   - the corrective actions past their due day and not done (their owner);
//   - the objectives that missed their target last month (the unit's QMS secretary and
//     leader, the nearest who hold those roles);
//   - the risks and opportunities whose treatment is past its due day (their owner, else
//     the QMS secretary);
//
// in-app, and by e-mail at once or in the daily digest as each chose.
func QMSReminders(ctx context.Context, db *store.DB, cat *i18n.Catalogs, now time.Time) (string, error) {
	n, err := newNotifier(ctx, db, cat, now)
	if err != nil {
		return "", err
	}
	today := unit.DateOf(now.In(calendar.Location()))
	found := 0
	for _, step := range []func(context.Context, unit.Date) (int, error){n.remindDocReviews, n.remindActions,
		n.remindObjectives, n.remindRisks} {
		k, err := step(ctx, today)
		found += k
		if err != nil {
			return n.summary("QMS items due", found), err
		}
	}
	return n.summary("QMS items due", found), nil
}

// ownerOr returns the active official ownerID, or when there is none (no owner, or one who
// left) the nearest QMS secretaries of the unit at path.
func (n *notifier) ownerOr(ctx context.Context, ownerID, path string) ([]store.Recipient, error) {
	if ownerID != "" {
		rs, err := n.db.Recipients(ctx, []string{ownerID})
		if err != nil || len(rs) > 0 {
			return rs, err
		}
	}
	return n.nearest(ctx, user.QMS, path)
}

func (n *notifier) remindDocReviews(ctx context.Context, today unit.Date) (int, error) {
	by := unit.DateOf(dayTime(today).AddDate(0, 0, DocReviewWindow))
	docs, err := n.db.DocumentsDueForReview(ctx, by)
	if err != nil {
		return 0, err
	}
	for _, d := range docs {
		to, err := n.ownerOr(ctx, d.OwnerID, d.UnitPath)
		if err != nil {
			return 0, err
		}
		if err := n.send(ctx, to, store.Notification{UnitID: d.UnitID, Kind: string(KindDocReview),
			SubjectType: subjectQMSDocument, SubjectID: d.ID, Link: "/qms/documents/" + d.ID,
			DedupKey: fmt.Sprintf("%s:%s:%s", KindDocReview, d.ID, d.NextReviewOn),
			Args:     map[string]string{"code": d.Code, "title": d.Title, "unit": d.UnitName, "review_on": d.NextReviewOn.String()}}); err != nil {
			return 0, err
		}
	}
	return len(docs), nil
}

func (n *notifier) remindActions(ctx context.Context, today unit.Date) (int, error) {
	ncs, err := n.db.Nonconformities(ctx, store.NCFilter{OverdueOn: today})
	if err != nil {
		return 0, err
	}
	for _, x := range ncs {
		to, err := n.db.Recipients(ctx, []string{x.ActionOwnerID})
		if err != nil {
			return 0, err
		}
		// One owner, whose language words an automatic record's title.
		for _, r := range to {
			if err := n.send(ctx, []store.Recipient{r}, store.Notification{UnitID: x.UnitID, Kind: string(KindActionOverdue),
				SubjectType: subjectQMSNC, SubjectID: x.ID, Link: "/qms/nonconformities/" + x.ID,
				DedupKey: fmt.Sprintf("%s:%s:%s", KindActionOverdue, x.ID, x.ActionDueOn),
				Args: map[string]string{"title": ncTitle(n.cat, r.Lang, x.Nonconformity), "unit": x.UnitName,
					"due_on": x.ActionDueOn.String()}}); err != nil {
				return 0, err
			}
		}
	}
	return len(ncs), nil
}

// ncTitle is a record's title, or for an automatic record the words of its cause and month.
func ncTitle(cat *i18n.Catalogs, lang string, x qms.Nonconformity) string {
	if x.Title != "" {
		return x.Title
	}
	key := "qms.nc_auto_" + string(x.Source)
	return cat.T(lang, key, x.Month.Display(), x.EvidenceCount)
}

func (n *notifier) remindObjectives(ctx context.Context, today unit.Date) (int, error) {
	last := qms.MonthOfDate(today).Prev()
	list, err := n.db.ObjectivesOfYear(ctx, last.Year)
	if err != nil {
		return 0, err
	}
	missed := 0
	for _, o := range list {
		rs, err := n.db.ObjectiveResults(ctx, o, today)
		if err != nil {
			return missed, err
		}
		r := rs[int(last.Month)-1]
		if !r.Missed {
			continue
		}
		missed++
		var to []store.Recipient
		for _, role := range []user.Role{user.QMS, user.Approver} {
			rs, err := n.nearest(ctx, role, o.UnitPath)
			if err != nil {
				return missed, err
			}
			to = appendNew(to, rs)
		}
		if err := n.send(ctx, to, store.Notification{UnitID: o.UnitID, Kind: string(KindObjectiveMissed),
			SubjectType: subjectQMSObjective, SubjectID: o.ID, Link: "/qms/objectives/" + o.ID,
			DedupKey: fmt.Sprintf("%s:%s:%s", KindObjectiveMissed, o.ID, last),
			Args: map[string]string{"title": o.Title, "unit": o.UnitName, "month": last.Display(),
				"result": figure(r.Value, o.UnitLabel), "target": o.Comparison.Symbol() + " " + figure(o.Target, o.UnitLabel)}}); err != nil {
			return missed, err
		}
	}
	return missed, nil
}

func (n *notifier) remindRisks(ctx context.Context, today unit.Date) (int, error) {
	risks, err := n.db.Risks(ctx, store.RiskFilter{OverdueOn: today})
	if err != nil {
		return 0, err
	}
	for _, x := range risks {
		to, err := n.ownerOr(ctx, x.OwnerID, x.UnitPath)
		if err != nil {
			return 0, err
		}
		if err := n.send(ctx, to, store.Notification{UnitID: x.UnitID, Kind: string(KindRiskOverdue),
			SubjectType: subjectQMSRisk, SubjectID: x.ID, Link: "/qms/risks/" + x.ID,
			DedupKey: fmt.Sprintf("%s:%s:%s", KindRiskOverdue, x.ID, x.DueOn),
			Args:     map[string]string{"title": x.Description, "unit": x.UnitName, "due_on": x.DueOn.String()}}); err != nil {
			return 0, err
		}
	}
	return len(risks), nil
}

// appendNew adds the recipients not yet in list.
func appendNew(list, more []store.Recipient) []store.Recipient {
	for _, r := range more {
		if !slices.ContainsFunc(list, func(x store.Recipient) bool { return x.UserID == r.UserID }) {
			list = append(list, r)
		}
	}
	return list
}

// figure writes a result with at most two decimals and what it counts ("99.5%", "1 buổi").
func figure(v float64, label string) string {
	s := strings.TrimSuffix(strings.TrimRight(strconv.FormatFloat(v, 'f', 2, 64), "0"), ".")
	if label != "" && label != "%" {
		s += " "
	}
	return s + label
}

// dayTime is midnight of a day in Vietnam.
func dayTime(d unit.Date) time.Time {
	t, _ := time.ParseInLocation(unit.DateLayout, d.String(), calendar.Location())
	return t
}
