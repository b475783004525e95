package web

import (
	"context"
	"slices"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// Reports under successor units (DOMAIN.md section 5). Since 1 July 2025 the districts are
// gone and most communes merged; their dossiers keep their agencies, and the rollups the
// agencies of the tree as it was. A retired unit belongs to any scope holding all of its
// successors (store.Predecessors): the overseer of today's province reads the figures of
// the former province, its districts and communes, and a unit's report adds up its
// predecessors' agencies. The breakdown shows the tree as it was: a predecessor of the
// same level (the former province of a province, the former communes merged into a
// commune) stands for the unit in its time, so its children are rows beside the unit's;
// a predecessor of another level is a row itself.

// lineageDepth bounds the mergers in a row that reading through successors follows.
const lineageDepth = 4

// canViewUnit reports whether the official may do a read action on the unit whose path
// is path: by a role over it, or, for a retired unit, because they may on every successor
// of the unit or of one of its ancestors (a former commune whose new commune they see, a
// former district all of whose communes they see).
func (s *Server) canViewUnit(ctx context.Context, a auth.Actor, action auth.Action, path string) (bool, error) {
	return s.canViewThrough(ctx, a, action, path, lineageDepth)
}

func (s *Server) canViewThrough(ctx context.Context, a auth.Actor, action auth.Action, path string, depth int) (bool, error) {
	if a.Can(action, path) {
		return true, nil
	}
	if depth == 0 || !a.SignedIn() || path == "" {
		return false, nil
	}
	ids := reportPathIDs(path)
	succ, err := s.db.SuccessorPaths(ctx, ids)
	if err != nil {
		return false, err
	}
	for _, id := range ids {
		if len(succ[id]) == 0 {
			continue
		}
		all := true
		for _, p := range succ[id] {
			ok, err := s.canViewThrough(ctx, a, action, p, depth-1)
			if err != nil {
				return false, err
			}
			if !ok {
				all = false
				break
			}
		}
		if all {
			return true, nil
		}
	}
	return false, nil
}

// adminLevel orders the kinds by tier: province, district, commune, agency.
func adminLevel(k unit.Kind) int {
	switch k {
	case unit.Province, unit.City:
		return 1
	case unit.District:
		return 2
	case unit.Commune, unit.Ward, unit.Town, unit.SpecialZone:
		return 3
	}
	return 4
}

// reportRows are the rows of a report's breakdown and the way every unit below the report
// falls into one of them.
type reportRows struct {
	Units []unit.Unit       // the candidate rows, in no particular order
	index map[string]int    // a row's unit ID → its index in Units
	paths map[string]string // every unit under the report: ID → materialised path
	names map[string]string // and its name
}

// reportRowsOf lists the rows of rq's breakdown: the unit's children, the children of its
// predecessors of the same level and its other predecessors (or, for every unit, the
// roots), and the paths of the units below, to place each agency in its row.
func (s *Server) reportRowsOf(ctx context.Context, rq reportQuery) (*reportRows, error) {
	t := &reportRows{index: map[string]int{}, paths: map[string]string{}, names: map[string]string{}}
	if rq.All {
		units, err := s.db.ListUnits(ctx, store.UnitFilter{Kinds: []unit.Kind{unit.Province, unit.City}})
		if err != nil {
			return nil, err
		}
		t.Units = units
	} else {
		parents := []string{rq.Unit.ID}
		for _, p := range rq.Predecessors {
			if adminLevel(p.Kind) == adminLevel(rq.Unit.Kind) {
				parents = append(parents, p.ID)
			} else {
				t.Units = append(t.Units, p)
			}
		}
		for _, id := range parents {
			units, err := s.db.ListUnits(ctx, store.UnitFilter{ParentID: id})
			if err != nil {
				return nil, err
			}
			t.Units = append(t.Units, units...)
		}
	}
	for i, u := range t.Units {
		t.index[u.ID] = i
	}
	below, err := s.db.ListUnits(ctx, store.UnitFilter{Under: rq.under()})
	if err != nil {
		return nil, err
	}
	for _, u := range below {
		t.paths[u.ID], t.names[u.ID] = u.Path, u.Name
	}
	return t, nil
}

// rowOfPath is the row holding the unit whose path is path, or -1 (the rest: the report's
// unit itself, or a unit outside every row).
func (t *reportRows) rowOfPath(path string) int {
	for _, id := range reportPathIDs(path) {
		if i, ok := t.index[id]; ok {
			return i
		}
	}
	return -1
}

// rowOf is the row holding the unit with this ID, or -1.
func (t *reportRows) rowOf(id string) int {
	p, ok := t.paths[id]
	if !ok {
		return -1
	}
	return t.rowOfPath(p)
}

// breakdownShows says whether a candidate row appears in the breakdown of a period: a unit with
// figures always does; one without only if it existed during the period (not the 148
// communes of 2025 in a 2022 report) and is not an agency (a steering committee receives
// no dossiers). The reports, the dashboards and the service index of Decision 766 show
// the same rows.
func breakdownShows(u unit.Unit, p report.Period, figures bool) bool {
	if figures {
		return true
	}
	from, to := reportUnitDate(p.From), reportUnitDate(p.To)
	existed := (u.ValidFrom.IsZero() || !to.Before(u.ValidFrom)) && (u.ValidTo.IsZero() || from.Before(u.ValidTo))
	return existed && !u.Kind.IsAgency()
}

// predecessorsOf lists the retired units whose figures a unit's reports include.
func (s *Server) predecessorsOf(ctx context.Context, u unit.Unit) ([]unit.Unit, error) {
	if u.Path == "" {
		return nil, nil
	}
	return s.db.Predecessors(ctx, u)
}

// lineagePaths are the paths of a unit and of its predecessors.
func lineagePaths(u unit.Unit, preds []unit.Unit) []string {
	out := []string{u.Path}
	for _, p := range preds {
		if !slices.Contains(out, p.Path) {
			out = append(out, p.Path)
		}
	}
	return out
}

// scopeLineage is a unit where the official reads reports, with its predecessors.
type scopeLineage struct {
	Unit         unit.Unit
	Predecessors []unit.Unit
}

// scopeLineages lists the units where the official reads reports with their
// predecessors; none for the system administrator, who reads everything.
func (s *Server) scopeLineages(ctx context.Context, a auth.Actor) ([]scopeLineage, error) {
	paths, everywhere := a.Scopes(auth.ViewReports)
	if everywhere {
		return nil, nil
	}
	var out []scopeLineage
	for _, p := range paths {
		u, err := s.db.Unit(ctx, reportPathUnitID(p))
		if err != nil {
			return nil, err
		}
		preds, err := s.predecessorsOf(ctx, u)
		if err != nil {
			return nil, err
		}
		out = append(out, scopeLineage{Unit: u, Predecessors: preds})
	}
	return out, nil
}
