package notify

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/i18n"
	"github.com/motcua/motcua/internal/store"
)

// Kind is what a notification is about.
type Kind string

// The kinds of notification.
const (
	KindStale         Kind = "stale"          // to the responsible official: no progress recorded
	KindStaleLeader   Kind = "stale_leader"   // then to the leader of the step's unit
	KindStaleOverseer Kind = "stale_overseer" // then to the overseer above it
	KindDueSoon       Kind = "due_soon"       // to the responsible official: due within a working day
	KindOverdue       Kind = "overdue"        // to the responsible official: the appointment has passed
	KindOverdueLeader Kind = "overdue_leader" // to the leader, who signs the apology letter (DOMAIN.md rule 8)
	KindProcedureEnds Kind = "procedure_ends" // to administrators and QMS secretaries: a procedure expires soon
	KindReviewOverdue Kind = "review_overdue" // to administrators and QMS secretaries: a review plan is late
)

// What notifications are about (store.Notification.SubjectType).
const (
	subjectDossier     = "dossier"
	subjectPublication = "publication"
	subjectReviewPlan  = "review_plan"
)

// Kinds lists the notification kinds, for the message catalogs' test.
var Kinds = []Kind{KindStale, KindStaleLeader, KindStaleOverseer, KindDueSoon, KindOverdue, KindOverdueLeader,
	KindProcedureEnds, KindReviewOverdue, KindDocReview, KindActionOverdue, KindObjectiveMissed, KindRiskOverdue}

// kindArgs names, per kind, the arguments of its message in the order the message uses
// them. An argument ending in "_at" holds an instant (RFC 3339), one ending in "_minutes"
// a working time in minutes: both are written for the reader when the text is made.
var kindArgs = map[Kind][]string{
	KindStale:         {"code", "procedure", "idle_minutes"},
	KindStaleLeader:   {"code", "procedure", "unit", "officials", "idle_minutes"},
	KindStaleOverseer: {"code", "procedure", "unit", "officials", "idle_minutes"},
	KindDueSoon:       {"code", "procedure", "due_at"},
	KindOverdue:       {"code", "procedure", "due_at"},
	KindOverdueLeader: {"code", "procedure", "unit", "due_at"},
	KindProcedureEnds: {"code", "procedure", "unit", "ends_on"},
	KindReviewOverdue: {"title", "unit", "due_on", "done", "tasks"},
	// The QMS's (qms_remind.go).
	KindDocReview:       {"code", "title", "unit", "review_on"},
	KindActionOverdue:   {"title", "unit", "due_on"},
	KindObjectiveMissed: {"title", "unit", "month", "result", "target"},
	KindRiskOverdue:     {"title", "unit", "due_on"},
}

// Text is a notification's message in lang.
func Text(cat *i18n.Catalogs, lang string, n store.Notification) string {
	names := kindArgs[Kind(n.Kind)]
	args := make([]any, len(names))
	for i, name := range names {
		args[i] = argText(lang, name, n.Args[name])
	}
	return cat.T(lang, "notify.text_"+n.Kind, args...)
}

// Subject is a notification's e-mail subject in lang.
func Subject(cat *i18n.Catalogs, lang string, n store.Notification) string {
	first := n.Args["code"]
	if first == "" {
		first = n.Args["title"]
	}
	return cat.T(lang, "notify.subject_"+n.Kind, first)
}

// argText writes one argument for the reader.
func argText(lang, name, v string) string {
	switch {
	case strings.HasSuffix(name, "_at"):
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return v
		}
		return t.In(calendar.Location()).Format("15:04 02/01/2006")
	case strings.HasSuffix(name, "_minutes"):
		m, err := strconv.Atoi(v)
		if err != nil {
			return v
		}
		vi, en := calendar.FormatWorkingTime(time.Duration(m) * time.Minute)
		if lang == "en" {
			return en
		}
		return vi
	case strings.HasSuffix(name, "_on"):
		d, err := calendar.ParseDate(v)
		if err != nil {
			return v
		}
		return d.VietnameseString()
	}
	return v
}

func instant(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func minutes(d time.Duration) string { return strconv.Itoa(int(d / time.Minute)) }

// mailBody is the plain-text e-mail of one notification: the message, the link, and why
// the official receives it.
func mailBody(cat *i18n.Catalogs, lang, name, baseURL string, items []store.Notification) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", cat.T(lang, "notify.mail_greeting", name))
	for _, n := range items {
		fmt.Fprintf(&b, "- %s\n", Text(cat, lang, n))
		if baseURL != "" && n.Link != "" {
			fmt.Fprintf(&b, "  %s%s\n", strings.TrimRight(baseURL, "/"), n.Link)
		}
	}
	fmt.Fprintf(&b, "\n-- \n%s\n", cat.T(lang, "notify.mail_footer"))
	if baseURL != "" {
		fmt.Fprintf(&b, "%s/notifications\n", strings.TrimRight(baseURL, "/"))
	}
	return b.String()
}
