package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/vn"
)

// Queries of the citizens' public portal (issue 6): which agencies receive dossiers and
// which procedures each applies.

// ReceivingAgencies lists the agencies that receive dossiers on day on: units with an
// electronic agency identifier (without one a dossier cannot get its code) that exist that
// day, whose name or code contains every word of query, with or without diacritics, by
// path. They are the units a citizen picks on the portal.
func (db *DB) ReceivingAgencies(ctx context.Context, on unit.Date, query string, limit int) ([]unit.Unit, error) {
	var c conds
	c.add("u.agency_code IS NOT NULL AND u.agency_code <> ''")
	d := c.arg(on)
	c.add(fmt.Sprintf("u.valid_from <= %s AND (u.valid_to IS NULL OR u.valid_to > %s)", d, d))
	for _, word := range strings.Fields(vn.Fold(query)) {
		c.add("u.search_text LIKE " + c.arg(vn.LikePattern(word)) + ` ESCAPE '\'`)
	}
	return queryAll(ctx, db.read, "receiving agencies", scanUnit,
		finishQuery(`SELECT `+unitColumns+` FROM units u`, c.where, "u.path", limit), c.args...)
}

// ProceduresInForce returns the procedures a unit applies on day on: those published that
// day by the unit or a unit above it (as the intake block reads publications) and whose
// status that day is Effective, so an expired, abolished, replaced or not yet effective
// procedure is never listed as applicable. query keeps those whose code, name or field
// hold every word of it, with or without diacritics ("hoa giai dat dai" finds "Hòa giải
// tranh chấp đất đai"). Each procedure carries its versions; VersionOn(on) is the one in
// force.
func (db *DB) ProceduresInForce(ctx context.Context, unitID string, on unit.Date, query string) ([]procedure.Procedure, error) {
	codes, err := queryAll(ctx, db.read, "procedures in force", func(r interface{ Scan(...any) error }) (string, error) {
		var code string
		return code, r.Scan(&code)
	}, `SELECT DISTINCT pub.code FROM units u JOIN units pu ON substr(u.path, 1, length(pu.path)) = pu.path
		JOIN procedure_publications pub ON pub.unit_id = pu.id
		WHERE u.id = $1 AND pub.published_on <= $2 AND (pub.unpublished_on IS NULL OR pub.unpublished_on > $2)
		ORDER BY pub.code`, unitID, on)
	if err != nil || len(codes) == 0 {
		return nil, err
	}
	list, err := db.ListProcedures(ctx, ProcedureFilter{Codes: codes, Status: procedure.Effective, On: on})
	if err != nil {
		return nil, err
	}
	words := strings.Fields(vn.Fold(query))
	out := list[:0]
	for _, p := range list {
		text := vn.Fold(p.Code + " " + p.Name + " " + p.Field)
		if allWords(text, words) {
			out = append(out, p)
		}
	}
	return out, nil
}

func allWords(text string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}
