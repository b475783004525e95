package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/unit"
)

// The service index of Decision 766/QĐ-TTg (issue 7 part 4): versions of the definition
// (report.Definition, stored as the JSON uploaded), the scores officials enter for the
// indicators the system cannot compute, and the measures the formulas read, computed from
// the rollups, the ratings and the catalog, never from a scan of the dossiers.

// Index766NationalScope is the scope of the national definitions.
const Index766NationalScope = ""

// index766DefaultID is the ID of the embedded national default, so loading it twice
// changes nothing.
const index766DefaultID = "index766-national-default"

// Index766Version is a stored version of the index definition.
type Index766Version struct {
	ID          string
	ScopeUnitID string // Index766NationalScope, or a province's unit ID
	Definition  report.Definition
	Body        string // the JSON as uploaded
	// Closed says the effective end was set when a later version of the scope started
	// (Definition.EffectiveTo then differs from the body's).
	Closed               bool
	Default              bool // the embedded national default
	CreatedBy, UpdatedBy string
	CreatedAt, UpdatedAt time.Time
}

const index766Columns = `id, scope_unit_id, effective_to, body, COALESCE(created_by, ''), created_at,
	COALESCE(updated_by, ''), updated_at`

func scanIndex766Version(row interface{ Scan(...any) error }) (Index766Version, error) {
	var (
		v  Index766Version
		to sql.NullString
	)
	if err := row.Scan(&v.ID, &v.ScopeUnitID, &to, &v.Body, &v.CreatedBy, &v.CreatedAt, &v.UpdatedBy, &v.UpdatedAt); err != nil {
		return v, err
	}
	d, err := report.ParseDefinition([]byte(v.Body))
	if err != nil {
		return v, fmt.Errorf("index766 definition %s: %w", v.ID, err)
	}
	var end calendar.Date
	if to.Valid {
		if end, err = calendar.ParseDate(to.String); err != nil {
			return v, fmt.Errorf("index766 definition %s end: %w", v.ID, err)
		}
	}
	v.Closed = end != d.EffectiveTo
	d.EffectiveTo = end
	v.Definition, v.Default = d, v.ID == index766DefaultID
	return v, nil
}

// EnsureIndex766Default stores the embedded national definition unless it is there. It
// runs before every read of the definitions, so a new database has it at once.
func (db *DB) EnsureIndex766Default(ctx context.Context) error {
	d, err := report.ParseDefinition(report.DefaultDefinitionJSON)
	if err != nil {
		return fmt.Errorf("index766 default: %w", err)
	}
	now := db.Now()
	_, err = db.write.ExecContext(ctx, `INSERT INTO index766_definitions (id, scope_unit_id, version, effective_from,
		effective_to, body, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT DO NOTHING`,
		index766DefaultID, Index766NationalScope, d.Version, d.EffectiveFrom.String(), nullDate(d.EffectiveTo),
		string(report.DefaultDefinitionJSON), now)
	if err != nil {
		return fmt.Errorf("index766 default: %w", err)
	}
	return nil
}

func nullDate(d calendar.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// Index766Versions lists the national versions and those of the given provinces (none:
// every scope), newest start first within each scope, national first.
func (db *DB) Index766Versions(ctx context.Context, scopes ...string) ([]Index766Version, error) {
	if err := db.EnsureIndex766Default(ctx); err != nil {
		return nil, err
	}
	var c conds
	if len(scopes) > 0 {
		list := []string{c.arg(Index766NationalScope)}
		for _, s := range scopes {
			list = append(list, c.arg(s))
		}
		c.add("scope_unit_id IN (" + strings.Join(list, ", ") + ")")
	}
	return queryAll(ctx, db.read, "index766 versions", scanIndex766Version,
		finishQuery(`SELECT `+index766Columns+` FROM index766_definitions`, c.where, "scope_unit_id, effective_from DESC, id", 0),
		c.args...)
}

// Index766Version returns one version.
func (db *DB) Index766Version(ctx context.Context, id string) (Index766Version, error) {
	if err := db.EnsureIndex766Default(ctx); err != nil {
		return Index766Version{}, err
	}
	v, err := scanIndex766Version(db.read.QueryRowContext(ctx, `SELECT `+index766Columns+` FROM index766_definitions
		WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return v, failure.New(failure.NotFound, "", "index766.version_not_found")
	}
	if err != nil {
		return v, fmt.Errorf("index766 version %s: %w", id, err)
	}
	return v, nil
}

// Index766InForce returns the version that scores a unit of the province on a day: the
// province's own version in force that day, else the national one. None in force is
// NotFound.
func (db *DB) Index766InForce(ctx context.Context, provinceID string, day calendar.Date) (Index766Version, error) {
	all, err := db.Index766Versions(ctx, provinceID)
	if err != nil {
		return Index766Version{}, err
	}
	for _, scope := range []string{provinceID, Index766NationalScope} {
		for _, v := range all {
			if v.ScopeUnitID == scope && v.Definition.InForceOn(day) {
				return v, nil
			}
		}
	}
	return Index766Version{}, failure.New(failure.NotFound, "", "index766.none_in_force", day.VietnameseString())
}

// SaveIndex766Version validates a definition and stores it as a new version of a
// province's index (id empty) or as the new text of one of its versions not yet in force
// on day today. Versions of a scope may not overlap, except that an open-ended version
// that started earlier is closed on the day before the new one starts, as a new
// procedure version closes the previous one. National versions come from the binary and
// are not saved here.
func (db *DB) SaveIndex766Version(ctx context.Context, scopeUnitID, id string, body []byte, actorID string, today calendar.Date) (Index766Version, error) {
	if scopeUnitID == Index766NationalScope {
		return Index766Version{}, failure.New(failure.Forbidden, "", "index766.national_read_only")
	}
	d, err := report.ParseDefinition(body)
	if err != nil {
		return Index766Version{}, err
	}
	if err := db.EnsureIndex766Default(ctx); err != nil {
		return Index766Version{}, err
	}
	var saved string
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		others, err := queryAll(ctx, tx, "index766 versions", scanIndex766Version, `SELECT `+index766Columns+`
			FROM index766_definitions WHERE scope_unit_id = $1`, scopeUnitID)
		if err != nil {
			return err
		}
		if id != "" {
			i := slices.IndexFunc(others, func(v Index766Version) bool { return v.ID == id })
			switch {
			case i < 0:
				return failure.New(failure.NotFound, "", "index766.version_not_found")
			case !today.Before(others[i].Definition.EffectiveFrom):
				return failure.InvalidField("definition", "index766.version_in_force", others[i].Definition.Version,
					others[i].Definition.EffectiveFrom.VietnameseString())
			}
			others = slices.Delete(others, i, i+1)
		}
		var closes []Index766Version
		for _, o := range others {
			od := o.Definition
			switch {
			case od.Version == d.Version:
				return failure.InvalidField("definition", "index766.version_exists", d.Version)
			case od.EffectiveTo.IsZero() && od.EffectiveFrom.Before(d.EffectiveFrom):
				closes = append(closes, o) // open-ended and earlier: closed the day before
			case od.Overlaps(d):
				return failure.InvalidField("definition", "index766.version_overlap", d.Version, od.Version,
					od.EffectiveFrom.VietnameseString(), periodEnd(od))
			}
		}
		if len(closes) > 1 {
			return failure.InvalidField("definition", "index766.version_overlap", d.Version, closes[0].Definition.Version,
				closes[0].Definition.EffectiveFrom.VietnameseString(), periodEnd(closes[0].Definition))
		}
		now := db.Now()
		for _, o := range closes {
			if !d.EffectiveTo.IsZero() {
				// A bounded version inside an open one would leave the open one's later days
				// uncovered, then in force again: refused.
				return failure.InvalidField("definition", "index766.version_overlap", d.Version, o.Definition.Version,
					o.Definition.EffectiveFrom.VietnameseString(), periodEnd(o.Definition))
			}
			if _, err := tx.ExecContext(ctx, `UPDATE index766_definitions SET effective_to = $2, updated_by = $3,
				updated_at = $4 WHERE id = $1`, o.ID, d.EffectiveFrom.AddDays(-1).String(), nullString(actorID), now); err != nil {
				return fmt.Errorf("close index766 version %s: %w", o.ID, err)
			}
		}
		if id == "" {
			saved = NewID()
			_, err = tx.ExecContext(ctx, `INSERT INTO index766_definitions (id, scope_unit_id, version, effective_from,
				effective_to, body, created_by, created_at, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $8)`,
				saved, scopeUnitID, d.Version, d.EffectiveFrom.String(), nullDate(d.EffectiveTo), string(body), nullString(actorID), now)
		} else {
			saved = id
			_, err = tx.ExecContext(ctx, `UPDATE index766_definitions SET version = $2, effective_from = $3, effective_to = $4,
				body = $5, updated_by = $6, updated_at = $7 WHERE id = $1`,
				id, d.Version, d.EffectiveFrom.String(), nullDate(d.EffectiveTo), string(body), nullString(actorID), now)
		}
		if err != nil {
			return fmt.Errorf("save index766 version: %w", err)
		}
		action := "index766.version_create"
		if id != "" {
			action = "index766.version_update"
		}
		return db.auditIn(ctx, tx, AuditEvent{At: now, ActorID: actorID, UnitID: scopeUnitID, Action: action,
			ObjectType: "index766_definition", ObjectID: saved, Detail: d.String()})
	})
	if err != nil {
		return Index766Version{}, err
	}
	return db.Index766Version(ctx, saved)
}

// periodEnd writes a version's last day, or "…" when open-ended.
func periodEnd(d report.Definition) string {
	if d.EffectiveTo.IsZero() {
		return "…"
	}
	return d.EffectiveTo.VietnameseString()
}

// Index766Entry is a score an official entered for an indicator of a unit and period.
type Index766Entry struct {
	DefinitionID string
	UnitID       string
	Indicator    string
	From, To     calendar.Date
	Score        float64
	Evidence     string
	EnteredBy    string // user ID
}

// SaveIndex766Entry validates an entered score against its definition and stores it,
// replacing the unit's earlier entry for the same indicator and period; the change is
// audited with the old and new scores.
func (db *DB) SaveIndex766Entry(ctx context.Context, definitionID, unitID string, from, to calendar.Date, in report.EntryInput, actorID string) (Index766Entry, error) {
	v, err := db.Index766Version(ctx, definitionID)
	if err != nil {
		return Index766Entry{}, err
	}
	ind, score, err := v.Definition.CheckEntry(in)
	if err != nil {
		return Index766Entry{}, err
	}
	e := Index766Entry{DefinitionID: v.ID, UnitID: unitID, Indicator: ind.Code, From: from, To: to, Score: score,
		Evidence: strings.TrimSpace(in.Evidence), EnteredBy: actorID}
	now := db.Now()
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		var old sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT score_centi FROM index766_entries WHERE definition_id = $1 AND unit_id = $2
			AND indicator = $3 AND period_from = $4 AND period_to = $5`, e.DefinitionID, unitID, e.Indicator, from.String(),
			to.String()).Scan(&old)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("index766 entry: %w", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO index766_entries (id, definition_id, unit_id, indicator, period_from,
			period_to, score_centi, evidence, entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (definition_id, unit_id, indicator, period_from, period_to) DO UPDATE SET score_centi = excluded.score_centi,
			evidence = excluded.evidence, entered_by = excluded.entered_by, entered_at = excluded.entered_at`,
			NewID(), e.DefinitionID, unitID, e.Indicator, from.String(), to.String(), int64(math.Round(score*100)), e.Evidence,
			nullString(actorID), now)
		if err != nil {
			return fmt.Errorf("save index766 entry: %w", err)
		}
		detail := fmt.Sprintf("%s %s..%s: %s", e.Indicator, from, to, report.FormatPoints(score))
		if old.Valid {
			detail += fmt.Sprintf(" (was %s)", report.FormatPoints(float64(old.Int64)/100))
		}
		return db.auditIn(ctx, tx, AuditEvent{At: now, ActorID: actorID, UnitID: unitID, Action: "index766.entry",
			ObjectType: "index766_definition", ObjectID: e.DefinitionID, Detail: detail})
	})
	if err != nil {
		if failure.Is(err, failure.Invalid) {
			return Index766Entry{}, err
		}
		return Index766Entry{}, fmt.Errorf("index766 entry for %s: %w", unitID, err)
	}
	return e, nil
}

// Index766Entries returns the entries of a definition for the units and the exact
// period, by unit ID and indicator code, with the name of the official who entered each.
func (db *DB) Index766Entries(ctx context.Context, definitionID string, unitIDs []string, from, to calendar.Date) (map[string]map[string]report.Entry, error) {
	out := map[string]map[string]report.Entry{}
	if len(unitIDs) == 0 {
		return out, nil
	}
	var c conds
	c.add("e.definition_id = " + c.arg(definitionID))
	c.add("e.period_from = " + c.arg(from.String()))
	c.add("e.period_to = " + c.arg(to.String()))
	ids := make([]string, len(unitIDs))
	for i, id := range unitIDs {
		ids[i] = c.arg(id)
	}
	c.add("e.unit_id IN (" + strings.Join(ids, ", ") + ")")
	type row struct {
		unitID, code string
		entry        report.Entry
	}
	rows, err := queryAll(ctx, db.read, "index766 entries", func(r interface{ Scan(...any) error }) (row, error) {
		var (
			x     row
			centi int64
		)
		err := r.Scan(&x.unitID, &x.code, &centi, &x.entry.Evidence, &x.entry.By, &x.entry.At)
		x.entry.Score = float64(centi) / 100
		return x, err
	}, `SELECT e.unit_id, e.indicator, e.score_centi, e.evidence, COALESCE(u.full_name, ''), e.entered_at
		FROM index766_entries e LEFT JOIN users u ON u.id = e.entered_by WHERE `+strings.Join(c.where, " AND "), c.args...)
	if err != nil {
		return nil, err
	}
	for _, x := range rows {
		if out[x.unitID] == nil {
			out[x.unitID] = map[string]report.Entry{}
		}
		out[x.unitID][x.code] = x.entry
	}
	return out, nil
}

// Index766Measures computes the measure sets of the units under the paths over the days
// from..to, grouped: group maps the materialised path of every unit below the paths (a
// receiving agency, a publishing commune, the agency of a rating) to the key it counts in,
// or "" to leave it out. A district's measures are the sums of its communes' (group
// returns the district's ID for every path under it); a ranking groups by child unit.
// Figures come from the rollups (Stats, with in-progress counts at today at the latest),
// ratings given in the period, and the publications in place on the period's last day
// (or today, if sooner) in the units that exist that day.
//
// The paths are those of a report (a unit and its predecessors, store.Predecessors), so a
// successor's index for a past period counts its predecessors' dossiers, ratings and
// publications, and for a period after the reorganisation only its own: the retired
// units' rollups and ratings stop at their end, and their publications are left out
// from then on even if nobody withdrew them.
func (db *DB) Index766Measures(ctx context.Context, under []string, from, to calendar.Date, today time.Time, group func(path string) string) (map[string]report.Measures, error) {
	type parts struct {
		stats   report.Stats
		ratings report.Ratings
		catalog report.Catalog
	}
	acc := map[string]*parts{}
	at := func(path string) *parts {
		k := group(path)
		if k == "" {
			return nil
		}
		if acc[k] == nil {
			acc[k] = &parts{}
		}
		return acc[k]
	}
	per, err := db.StatsByUnit(ctx, StatsQuery{Under: under, From: from.Start(), To: to.Start(), Today: today})
	if err != nil {
		return nil, err
	}
	units, err := db.ListUnits(ctx, UnitFilter{Under: under})
	if err != nil {
		return nil, err
	}
	day := to
	if t := calendar.DateOf(today); t.Before(day) {
		day = t
	}
	on := unit.NewDate(day.Year, day.Month, day.Day)
	paths := make(map[string]string, len(units))
	existing := make(map[string]bool, len(units))
	for _, u := range units {
		paths[u.ID], existing[u.ID] = u.Path, u.ActiveOn(on)
	}
	for id, st := range per {
		if p := at(paths[id]); p != nil {
			p.stats = p.stats.Plus(st)
		}
	}
	if err := db.index766Ratings(ctx, under, from, to, func(path string, r report.Ratings) {
		if p := at(path); p != nil {
			p.ratings = p.ratings.Plus(r)
		}
	}); err != nil {
		return nil, err
	}
	pubs, err := db.Publications(ctx, PublicationFilter{Under: under, ActiveOn: on})
	if err != nil {
		return nil, err
	}
	for _, pub := range pubs {
		if !existing[pub.UnitID] {
			continue // a unit retired by then publishes nothing, withdrawn or not
		}
		if p := at(pub.UnitPath); p != nil {
			p.catalog = p.catalog.Plus(catalogCount(pub.Procedure, on))
		}
	}
	out := make(map[string]report.Measures, len(acc))
	for k, p := range acc {
		out[k] = report.MeasuresOf(p.stats, p.ratings, p.catalog)
	}
	return out, nil
}

// catalogCount is what one publication in place on day on counts in the catalog
// measures.
func catalogCount(p procedure.Procedure, on unit.Date) report.Catalog {
	c := report.Catalog{Published: 1}
	v, ok := p.VersionOn(on)
	if !ok || p.StatusOn(on) != procedure.Effective {
		return c
	}
	c.InForce = 1
	if v.Online == procedure.OnlineFull || v.Online == procedure.OnlinePartial {
		c.Online = 1
	}
	full := v.Online == procedure.OnlineFull
	if full {
		c.OnlineFull = 1
	}
	for _, f := range v.Fees {
		if f.Amount > 0 {
			c.WithFees = 1
			if full {
				c.WithFeesOnline = 1
			}
			break
		}
	}
	return c
}

// index766Ratings counts the ratings given in the period to dossiers of the agencies
// under the paths, by agency path and level.
func (db *DB) index766Ratings(ctx context.Context, under []string, from, to calendar.Date, add func(path string, r report.Ratings)) error {
	var c conds
	c.under("u.path", under)
	c.add("r.rated_at >= " + c.arg(from.Start().UTC()))
	c.add("r.rated_at < " + c.arg(to.AddDays(1).Start().UTC()))
	type row struct {
		path, level string
		n           int64
	}
	rows, err := queryAll(ctx, db.read, "index766 ratings", func(r interface{ Scan(...any) error }) (row, error) {
		var x row
		return x, r.Scan(&x.path, &x.level, &x.n)
	}, `SELECT u.path, r.level, COUNT(*) FROM dossier_ratings r JOIN units u ON u.id = r.unit_id
		WHERE `+strings.Join(c.where, " AND ")+` GROUP BY u.path, r.level`, c.args...)
	if err != nil {
		return err
	}
	for _, x := range rows {
		r := report.Ratings{Total: x.n}
		info, _ := portal.LevelInfo(portal.Level(x.level))
		if info.Satisfied {
			r.Satisfied = x.n
		}
		if x.level == string(portal.NotSatisfied) {
			r.NotSatisfied = x.n
		}
		add(x.path, r)
	}
	return nil
}
