package web

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/notify"
	"github.com/motcua/motcua/internal/store"
)

// homeWatchLimit is how many of the official's flagged dossiers the home page lists.
const homeWatchLimit = 10

// watchRow is a flagged step as the pages show it, durations in the reader's language.
type watchRow struct {
	notify.Watch
	IdleText, RemainingText string
}

// monitorView is what the home page's section and the monitoring page show.
type monitorView struct {
	Mine       []watchRow
	MineCounts notify.Counts
	MoreMine   bool
	Units      []notify.UnitCounts // the official's subtree, per unit (leaders, overseers)
	Scope      []watchRow          // the subtree's flagged steps (the monitoring page only)
	ScopeTotal notify.Counts
	UnitPath   string // the unit the subtree list is narrowed to
}

func (v *monitorView) empty() bool { return len(v.Mine) == 0 && len(v.Units) == 0 }

// monitorScope returns the units whose dossiers the official oversees: where they see
// reports (leaders, QMS secretaries, overseers, administrators). The system administrator
// oversees no unit in particular: the whole country is not a list.
func monitorScope(a auth.Actor) []string {
	paths, everywhere := a.Scopes(auth.ViewReports)
	if everywhere {
		return nil
	}
	return paths
}

func rowsFor(lang string, ws []notify.Watch) []watchRow {
	out := make([]watchRow, len(ws))
	for i, w := range ws {
		out[i] = watchRow{Watch: w, IdleText: workingTime(lang, w.Idle), RemainingText: workingTime(lang, w.Remaining)}
	}
	return out
}

// workingTime writes a working-time duration in the reader's language.
func workingTime(lang string, d time.Duration) string {
	vi, en := calendar.FormatWorkingTime(d)
	if lang == "en" {
		return en
	}
	return vi
}

// monitorFor gathers the official's flagged dossiers and, for those who oversee units,
// the counts per unit; with full, the subtree's flagged dossiers too (narrowed to the unit
// whose path is unitPath when it lies in the scope).
func (s *Server) monitorFor(ctx context.Context, lang string, a auth.Actor, full bool, unitPath string) (*monitorView, error) {
	v := &monitorView{}
	now := s.cfg.Now()
	if a.CanAnywhere(auth.ViewDossiers) && !a.SystemAdmin {
		mine, err := notify.Find(ctx, s.db, store.WatchFilter{Actor: &a}, now, true)
		if err != nil {
			return nil, err
		}
		v.MineCounts = notify.Count(mine)
		if !full && len(mine) > homeWatchLimit {
			mine, v.MoreMine = mine[:homeWatchLimit], true
		}
		v.Mine = rowsFor(lang, mine)
	}
	if scope := monitorScope(a); len(scope) > 0 {
		all, err := notify.Find(ctx, s.db, store.WatchFilter{Under: scope}, now, true)
		if err != nil {
			return nil, err
		}
		v.Units, v.ScopeTotal = notify.ByUnit(all), notify.Count(all)
		if full {
			if unitPath != "" && slices.ContainsFunc(scope, func(p string) bool { return strings.HasPrefix(unitPath, p) }) {
				v.UnitPath = unitPath
				all = slices.DeleteFunc(all, func(w notify.Watch) bool { return !strings.HasPrefix(w.StepUnitPath, unitPath) })
			}
			v.Scope = rowsFor(lang, all)
		}
	}
	return v, nil
}

// monitorHome is the home page's section: nil (and the error logged) when it cannot be
// built, so a monitoring fault never takes the home page down.
func (s *Server) monitorHome(r *http.Request) *monitorView {
	v, err := s.monitorFor(r.Context(), s.lang(r), actor(r), false, "")
	if err != nil {
		s.logger(r).Error("monitoring on the home page", "err", err)
		return nil
	}
	if v.empty() {
		return nil
	}
	return v
}

// monitorPage lists every flagged dossier of the official and of the units they oversee.
func (s *Server) monitorPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "monitor.title")
	p.Active = "nav.home"
	v, err := s.monitorFor(r.Context(), p.Lang, actor(r), true, r.URL.Query().Get("unit"))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Data = map[string]any{"Monitor": v, "Oversees": len(monitorScope(actor(r))) > 0,
		"Works": actor(r).CanAnywhere(auth.ViewDossiers), "SetsThresholds": actor(r).CanAnywhere(auth.ManageUnits)}
	s.render(w, r, http.StatusOK, "monitor", p)
}
