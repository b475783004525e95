package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// authzTable is the authorization matrix: every route registered in the package (found by
// scanRoutes) with who may use it. A route missing here fails TestRouteAuthorizationMatrix
// with the line to add.
//
// Columns are the actors: anon (no session); recv, hand, appr, qms, adm (the receiver,
// handler, leader, QMS secretary and admin of commune A); ovs and padm (the overseer and the
// admin of the province above A and B); sys (the system administrator).
//
// A route whose wildcards (or unit parameter) name a record is tried on the records of
// three units: A (the commune of the actors in recv…adm), B (the other commune) and P (the
// province, the parent of both). A cell lists the units where the actor is allowed, "-"
// for none. A route that names no unit has "y" (allowed) or "-" (denied). For
// /notifications/{id}, A is the actor's own notification and B, P another official's; for
// /reports/index766/definitions/{id}, A is the national definition, B another province's
// version and P the province's own.
//
// Allowed is any answer but 401, 403 and 404 (a validation error or a conflict is
// allowed: the request got past authorization); denied is 401, 403, 404 or, for the
// anonymous visitor on a page, the redirect to sign in. A denial must not show the
// record (its unit's marker, ZQA/ZQB/ZQP, is searched in the body); a 5xx always fails.
const authzTable = `
# route                                              anon recv hand appr qms  adm  ovs  padm sys
# Operations and the public portal
GET /healthz                                         y    y    y    y    y    y    y    y    y
GET /readyz                                          y    y    y    y    y    y    y    y    y
GET /metrics                                         y    y    y    y    y    y    y    y    y
GET /static/                                         y    y    y    y    y    y    y    y    y
GET /cong-dan                                        y    y    y    y    y    y    y    y    y
GET /tra-cuu                                         y    y    y    y    y    y    y    y    y
GET /tra-cuu/danh-gia                                y    y    y    y    y    y    y    y    y
POST /tra-cuu/danh-gia                               y    y    y    y    y    y    y    y    y
GET /thu-tuc                                         y    y    y    y    y    y    y    y    y
GET /thu-tuc/{unit}                                  y    y    y    y    y    y    y    y    y
GET /thu-tuc/{unit}/{code}                           y    y    y    y    y    y    y    y    y
GET /nop-truc-tuyen                                  y    y    y    y    y    y    y    y    y
POST /nop-truc-tuyen                                 y    y    y    y    y    y    y    y    y
GET /thong-ke                                        y    y    y    y    y    y    y    y    y
GET /api/v1/public/lookup                            y    y    y    y    y    y    y    y    y
GET /api/v1/public/stats                             y    y    y    y    y    y    y    y    y
POST /api/v1/public/ratings                          y    y    y    y    y    y    y    y    y
GET /dossier-files/{id}                              -    A    A    A    A    -    ABP  -    ABP
# Sign-in and account
GET /login                                           y    y    y    y    y    y    y    y    y
POST /login                                          y    y    y    y    y    y    y    y    y
POST /logout                                         y    y    y    y    y    y    y    y    y
GET /setup                                           y    y    y    y    y    y    y    y    y
POST /setup                                          y    y    y    y    y    y    y    y    y
GET /lang/{lang}                                     y    y    y    y    y    y    y    y    y
GET /account/password                                -    y    y    y    y    y    y    y    y
POST /account/password                               -    y    y    y    y    y    y    y    y
GET /{$}                                             -    y    y    y    y    y    y    y    y
# Dossiers (one-stop desk)
GET /dossiers                                        -    y    y    y    y    -    y    -    y
GET /dossiers/register                               -    A    A    A    A    -    ABP  -    ABP
GET /dossiers/register.xlsx                          -    A    A    A    A    -    ABP  -    ABP
GET /dossiers/register.pdf                           -    A    A    A    A    -    ABP  -    ABP
GET /dossiers/new                                    -    y    -    -    -    -    -    -    y
POST /dossiers                                       -    A    -    -    -    -    -    -    ABP
GET /dossiers/{id}                                   -    A    A    A    A    -    ABP  -    ABP
POST /dossiers/{id}/actions/{action}                 -    A    -    -    -    -    -    -    ABP
GET /dossiers/{id}/print/{form}                      -    A    A    A    A    -    ABP  -    ABP
GET /api/v1/dossiers                                 -    A    A    A    A    -    ABP  -    ABP
POST /api/v1/dossiers                                -    A    -    -    -    -    -    -    ABP
GET /api/v1/dossiers/{id}                            -    A    A    A    A    -    ABP  -    ABP
GET /api/v1/dossiers/{id}/history                    -    A    A    A    A    -    ABP  -    ABP
POST /api/v1/dossiers/{id}/actions                   -    A    -    -    -    -    -    -    ABP
GET /api/v1/dossier-codes/{code}                     -    A    A    A    A    -    ABP  -    ABP
GET /api/v1/work                                     -    y    y    y    y    y    y    y    y
GET /api/v1/openapi.json                             y    y    y    y    y    y    y    y    y
# Procedures, reviews (rà soát), workflows
GET /procedures                                      -    y    y    y    y    y    y    y    y
GET /procedures/import                               -    -    -    -    -    -    -    y    y
POST /procedures/import                              -    -    -    -    -    -    -    y    y
GET /procedures/units/{id}                           -    A    A    A    A    A    ABP  ABP  ABP
POST /procedures/units/{id}/publish                  -    -    -    -    -    A    -    ABP  ABP
POST /procedures/units/{id}/unpublish                -    -    -    -    -    A    -    ABP  ABP
GET /procedures/{code}                               -    y    y    y    y    y    y    y    y
GET /api/v1/procedures                               -    y    y    y    y    y    y    y    y
GET /api/v1/procedures/stale                         -    y    y    y    y    y    y    y    y
GET /api/v1/procedures/{code}                        -    y    y    y    y    y    y    y    y
GET /api/v1/units/{id}/procedures                    -    A    A    A    A    A    ABP  ABP  ABP
GET /procedures/units/{id}/reviews                   -    A    A    A    A    A    ABP  ABP  ABP
POST /procedures/units/{id}/reviews                  -    -    -    -    A    A    -    ABP  ABP
GET /procedures/reviews/{plan}                       -    A    A    A    A    A    ABP  ABP  ABP
POST /procedures/reviews/{plan}/tasks/{task}         -    -    -    -    A    A    -    ABP  ABP
GET /api/v1/reviews/overdue                          -    y    y    y    y    y    y    y    y
GET /api/v1/reviews/{plan}                           -    A    A    A    A    A    ABP  ABP  ABP
POST /api/v1/reviews/{plan}/tasks/{task}             -    -    -    -    A    A    -    ABP  ABP
GET /api/v1/units/{id}/reviews                       -    A    A    A    A    A    ABP  ABP  ABP
POST /api/v1/units/{id}/reviews                      -    -    -    -    A    A    -    ABP  ABP
GET /procedures/units/{id}/workflows                 -    A    A    A    A    A    ABP  ABP  ABP
GET /procedures/units/{id}/workflows/{code}          -    A    A    A    A    A    ABP  ABP  ABP
POST /procedures/units/{id}/workflows/{code}         -    -    -    -    A    A    -    ABP  ABP
GET /api/v1/units/{id}/workflows/{code}              -    A    A    A    A    A    ABP  ABP  ABP
POST /api/v1/units/{id}/workflows/{code}             -    -    -    -    A    A    -    ABP  ABP
# Reports
GET /reports                                         -    -    -    A    A    A    ABP  ABP  ABP
GET /reports/export.xlsx                             -    -    -    A    A    A    ABP  ABP  ABP
GET /reports/export.pdf                              -    -    -    A    A    A    ABP  ABP  ABP
GET /api/v1/reports/stats                            -    -    -    A    A    A    ABP  ABP  ABP
# Decision 766 index (definitions: A the national one, B another province's, P the province's)
GET /reports/index766                                -    -    -    A    A    A    ABP  ABP  ABP
POST /reports/index766/entries                       -    -    -    -    A    A    -    ABP  ABP
GET /reports/index766/export.xlsx                    -    -    -    A    A    A    ABP  ABP  ABP
GET /api/v1/reports/index766                         -    -    -    A    A    A    ABP  ABP  ABP
GET /reports/index766/definitions                    -    -    -    y    y    y    y    y    y
GET /reports/index766/definitions/new                -    -    -    -    -    -    -    y    y
POST /reports/index766/definitions                   -    -    -    -    -    -    -    y    y
GET /reports/index766/definitions/{id}               -    -    -    AP   AP   AP   AP   AP   ABP
POST /reports/index766/definitions/{id}              -    -    -    -    -    -    -    P    BP
# Dashboards
GET /dashboard                                       -    -    -    A    A    A    ABP  ABP  ABP
GET /dashboard/ratings                               -    -    -    A    A    A    ABP  ABP  ABP
# IT and administrative-reform indicators
GET /it-indicators/units/{id}                        -    -    -    A    A    A    ABP  ABP  ABP
POST /it-indicators/units/{id}/entries               -    -    -    -    A    A    -    ABP  ABP
POST /it-indicators/units/{id}/close                 -    -    -    -    A    A    -    ABP  ABP
POST /it-indicators/units/{id}/domains               -    -    -    -    -    A    -    ABP  ABP
POST /it-indicators/units/{id}/domains/{dom}/delete  -    -    -    -    -    A    -    ABP  ABP
# QMS (ISO 9001)
GET /qms                                             -    -    -    y    y    y    y    y    y
GET /qms/reading                                     -    y    y    y    y    y    y    y    y
GET /qms/units/{id}                                  -    -    -    A    A    A    ABP  ABP  ABP
GET /qms/units/{id}/documents                        -    -    -    A    A    A    ABP  ABP  ABP
POST /qms/units/{id}/documents                       -    -    -    -    A    -    -    -    ABP
GET /qms/documents/{doc}                             -    A    A    A    A    A    ABP  ABP  ABP
POST /qms/documents/{doc}                            -    -    -    -    A    -    -    -    ABP
POST /qms/documents/{doc}/submit                     -    -    -    -    A    -    -    -    ABP
POST /qms/documents/{doc}/review                     -    A    -    -    -    -    -    -    -
POST /qms/documents/{doc}/approve                    -    -    -    A    -    -    -    -    -
POST /qms/documents/{doc}/return                     -    -    -    A    -    -    -    -    -
POST /qms/documents/{doc}/publish                    -    -    -    -    A    -    -    -    ABP
POST /qms/documents/{doc}/withdraw                   -    -    -    -    A    -    -    -    ABP
POST /qms/documents/{doc}/revise                     -    -    -    -    A    -    -    -    ABP
POST /qms/documents/{doc}/readers                    -    -    -    -    A    -    -    -    ABP
POST /qms/documents/{doc}/readers/{user}/delete      -    -    -    -    A    -    -    -    ABP
POST /qms/documents/{doc}/acknowledge                -    -    A    -    -    -    -    -    -
POST /qms/documents/{doc}/attachments/{att}/delete   -    -    -    -    A    -    -    -    ABP
GET /qms/attachments/{att}                           -    A    -    A    A    A    ABP  ABP  ABP
GET /qms/units/{id}/objectives                       -    -    -    A    A    A    ABP  ABP  ABP
POST /qms/units/{id}/objectives                      -    -    -    -    A    -    -    -    ABP
GET /qms/objectives/{obj}                            -    -    -    A    A    A    ABP  ABP  ABP
POST /qms/objectives/{obj}                           -    -    -    -    A    -    -    -    ABP
POST /qms/objectives/{obj}/results                   -    -    -    -    A    -    -    -    ABP
POST /qms/objectives/{obj}/raise                     -    -    -    -    A    -    -    -    ABP
GET /qms/units/{id}/nonconformities                  -    -    -    A    A    A    ABP  ABP  ABP
POST /qms/units/{id}/nonconformities                 -    -    -    -    A    -    -    -    ABP
POST /qms/units/{id}/nonconformities/raise           -    -    -    -    A    -    -    -    ABP
GET /qms/nonconformities/{nc}                        -    -    -    A    A    A    ABP  ABP  ABP
POST /qms/nonconformities/{nc}/plan                  -    -    -    -    A    -    -    -    ABP
POST /qms/nonconformities/{nc}/implement             -    -    A    -    A    -    -    -    ABP
POST /qms/nonconformities/{nc}/verify                -    -    -    A    A    -    -    -    ABP
POST /qms/nonconformities/{nc}/close                 -    -    -    A    A    -    -    -    ABP
POST /qms/nonconformities/{nc}/dismiss               -    -    -    -    A    -    -    -    ABP
GET /qms/units/{id}/reviews                          -    -    -    A    A    A    ABP  ABP  ABP
POST /qms/units/{id}/reviews                         -    -    -    -    A    -    -    -    ABP
GET /qms/reviews/{rev}                               -    -    -    A    A    A    ABP  ABP  ABP
POST /qms/reviews/{rev}                              -    -    -    -    A    -    -    -    ABP
POST /qms/reviews/{rev}/outputs                      -    -    -    -    A    -    -    -    ABP
POST /qms/reviews/{rev}/outputs/{out}/done           -    -    -    -    A    -    -    -    ABP
POST /qms/reviews/{rev}/finalize                     -    -    -    A    A    -    -    -    ABP
GET /qms/reviews/{rev}/minutes.pdf                   -    -    -    A    A    A    ABP  ABP  ABP
GET /qms/units/{id}/audits                           -    -    -    A    A    A    ABP  ABP  ABP
POST /qms/units/{id}/audits                          -    -    -    -    A    -    -    -    ABP
POST /qms/programmes/{prog}/plans                    -    -    -    -    A    -    -    -    ABP
GET /qms/audits/{plan}                               -    -    -    A    AB   A    ABP  ABP  ABP
POST /qms/audits/{plan}/items                        -    -    -    -    B    -    -    -    -
POST /qms/audits/{plan}/items/{item}                 -    -    -    -    B    -    -    -    -
POST /qms/audits/{plan}/complete                     -    -    -    -    B    -    -    -    -
GET /qms/audits/{plan}/report.pdf                    -    -    -    A    AB   A    ABP  ABP  ABP
GET /qms/units/{id}/declarations                     -    -    -    A    A    A    ABP  ABP  ABP
POST /qms/units/{id}/declarations                    -    -    -    -    A    -    -    -    ABP
GET /qms/units/{id}/evaluations                      -    -    -    A    A    A    ABP  ABP  ABP
GET /qms/units/{id}/evaluations/{year}               -    -    -    A    A    A    ABP  ABP  ABP
POST /qms/units/{id}/evaluations/{year}              -    -    -    -    A    -    -    -    ABP
POST /qms/units/{id}/evaluations/{year}/proposals    -    -    -    -    A    -    -    -    ABP
POST /qms/units/{id}/evaluations/{year}/proposals/{prop}/delete -    -    -    -    A    -    -    -    ABP
POST /qms/units/{id}/evaluations/{year}/finalize     -    -    -    A    A    -    -    -    ABP
GET /qms/units/{id}/evaluations/{year}/report.pdf    -    -    -    A    A    A    ABP  ABP  ABP
GET /qms/units/{id}/evaluations/{year}/report.xlsx   -    -    -    A    A    A    ABP  ABP  ABP
GET /qms/units/{id}/evaluations/{year}/summary.pdf   -    -    -    -    -    -    P    P    P
GET /qms/units/{id}/evaluations/{year}/summary.xlsx  -    -    -    -    -    -    P    P    P
POST /qms/documents/{doc}/attachments                -    -    -    -    A    -    -    -    ABP
GET /qms/units/{id}/risks                            -    -    -    A    A    A    ABP  ABP  ABP
POST /qms/units/{id}/risks                           -    -    -    -    A    -    -    -    ABP
GET /qms/risks/{risk}                                -    -    A    A    A    A    ABP  ABP  ABP
POST /qms/risks/{risk}                               -    -    -    -    A    -    -    -    ABP
POST /qms/risks/{risk}/reviews                       -    -    A    -    A    -    -    -    ABP
GET /api/v1/units/{id}/qms/documents                 -    -    -    A    A    A    ABP  ABP  ABP
GET /api/v1/units/{id}/qms/objectives                -    -    -    A    A    A    ABP  ABP  ABP
GET /api/v1/units/{id}/qms/nonconformities           -    -    -    A    A    A    ABP  ABP  ABP
POST /api/v1/units/{id}/qms/nonconformities          -    -    -    -    A    -    -    -    ABP
GET /api/v1/units/{id}/qms/audits                    -    -    -    A    A    A    ABP  ABP  ABP
GET /api/v1/units/{id}/qms/reviews                   -    -    -    A    A    A    ABP  ABP  ABP
GET /api/v1/units/{id}/qms/risks                     -    -    -    A    A    A    ABP  ABP  ABP
POST /api/v1/units/{id}/qms/risks                    -    -    -    -    A    -    -    -    ABP
GET /api/v1/units/{id}/qms/declaration               -    -    -    A    A    A    ABP  ABP  ABP
GET /api/v1/qms/risks/{risk}                         -    -    A    A    A    A    ABP  ABP  ABP
GET /api/v1/qms/nonconformities/{nc}                 -    -    -    A    A    A    ABP  ABP  ABP
# Calendar, units, officials, tokens
GET /calendar                                        -    y    y    y    y    y    y    y    y
POST /admin/calendar/{year}                          -    -    -    -    -    -    -    -    y
POST /admin/units/{id}/worktime                      -    -    -    -    -    A    -    ABP  ABP
GET /admin/units                                     -    y    y    y    y    y    y    y    y
GET /admin/units/new                                 -    -    -    -    -    y    -    y    y
POST /admin/units                                    -    -    -    -    -    A    -    ABP  ABP
GET /admin/units/{id}                                -    A    A    A    A    A    ABP  ABP  ABP
POST /admin/units/{id}                               -    -    -    -    -    A    -    ABP  ABP
GET /admin/users                                     -    -    -    -    -    y    -    y    y
GET /admin/users/new                                 -    -    -    -    -    y    -    y    y
POST /admin/users                                    -    -    -    -    -    A    -    ABP  ABP
GET /admin/users/{id}                                -    -    -    -    -    A    -    ABP  ABP
POST /admin/users/{id}                               -    -    -    -    -    A    -    ABP  ABP
POST /admin/users/{id}/password                      -    -    -    -    -    A    -    ABP  ABP
POST /admin/users/{id}/roles                         -    -    -    -    -    A    -    ABP  ABP
POST /admin/users/{id}/roles/{assignment}/delete     -    -    -    -    -    A    -    ABP  ABP
GET /admin/tokens                                    -    -    -    -    -    y    -    y    y
POST /admin/tokens                                   -    -    -    -    -    A    -    ABP  ABP
POST /admin/tokens/{id}/revoke                       -    -    -    -    -    A    -    ABP  ABP
# Jobs, monitor, notifications, mail, reminders
GET /admin/jobs                                      -    -    -    -    -    -    -    y    y
POST /admin/jobs/{name}/run                          -    -    -    -    -    -    -    y    y
GET /monitor                                         -    y    y    y    y    y    y    y    y
GET /notifications                                   -    y    y    y    y    y    y    y    y
GET /notifications/{id}                              -    A    A    A    A    A    A    A    A
POST /notifications/{id}/read                        -    A    A    A    A    A    A    A    A
POST /notifications/read-all                         -    y    y    y    y    y    y    y    y
POST /notifications/email                            -    y    y    y    y    y    y    y    y
GET /admin/mail                                      -    -    -    -    -    -    -    y    y
POST /admin/mail                                     -    -    -    -    -    -    -    y    y
POST /admin/mail/test                                -    -    -    -    -    -    -    y    y
POST /admin/mail/retry                               -    -    -    -    -    -    -    y    y
GET /admin/reminders                                 -    -    -    -    -    y    -    y    y
POST /admin/reminders                                -    -    -    -    -    A    -    ABP  ABP
# JSON API: the official and units
GET /api/v1/me                                       -    y    y    y    y    y    y    y    y
GET /api/v1/units                                    -    y    y    y    y    y    y    y    y
GET /api/v1/units/{id}                               -    A    A    A    A    A    ABP  ABP  ABP
`

// authzColumns are the table's actor columns, in order.
var authzColumns = []string{"anon", "recv", "hand", "appr", "qms", "adm", "ovs", "padm", "sys"}

// authzExpect is one parsed line of the table.
type authzExpect struct {
	route string
	cells map[string]string
}

func parseAuthzTable(t *testing.T) map[string]authzExpect {
	t.Helper()
	out := map[string]authzExpect{}
	for n, line := range strings.Split(authzTable, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2+len(authzColumns) {
			t.Fatalf("authzTable line %d: want method, path and %d columns: %q", n, len(authzColumns), line)
		}
		e := authzExpect{route: f[0] + " " + f[1], cells: map[string]string{}}
		for i, col := range authzColumns {
			e.cells[col] = f[2+i]
		}
		if _, dup := out[e.route]; dup {
			t.Fatalf("authzTable: %s twice", e.route)
		}
		out[e.route] = e
	}
	return out
}

// allows reads a cell: whether the actor is allowed on the scope ('-' for a route without
// a unit).
func (e authzExpect) allows(t *testing.T, col string, scoped bool, sc byte) bool {
	cell := e.cells[col]
	switch {
	case cell == "-":
		return false
	case !scoped && cell == "y":
		return true
	case scoped && strings.Trim(cell, "ABP") == "":
		return strings.IndexByte(cell, sc) >= 0
	}
	if scoped {
		t.Errorf("%s: column %s is %q; this route names a unit: use A, B, P (any of them) or -", e.route, col, cell)
	} else {
		t.Errorf("%s: column %s is %q; this route names no unit: use y or -", e.route, col, cell)
	}
	return false
}

// fieldRefusals are the routes that refuse a unit outside the official's units as a field
// of the form ("unit not found", the same answer as for a unit that does not exist), with
// the message that says so.
var fieldRefusals = map[string]string{
	"POST /admin/reminders": "Không tìm thấy đơn vị.",
}

// mRequest is one request of the matrix.
type mRequest struct {
	path  string
	form  url.Values // a form POST (nil: none)
	json  string     // a JSON POST
	files []upload   // a multipart POST
	fresh bool       // send it from a new session (the route ends the session)
}

// mResult is what one actor got on one scope.
type mResult struct {
	code    int
	allowed bool
}

// TestRouteAuthorizationMatrix sends every route as every actor on the records of every
// unit and checks the answers against authzTable. The actors the table denies go first,
// on records in the state where the route's action is possible, so a refusal is never
// explained by the state; then the allowed ones. The full matrix runs on SQLite; on
// PostgreSQL (where the handlers are the same code and only the store differs) the GET
// routes run, unless MOTCUA_AUTHZ_FULL=1.
func TestRouteAuthorizationMatrix(t *testing.T) {
	routes := scanRoutes(t)
	want := parseAuthzTable(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		full := db.Dialect() == store.SQLite || os.Getenv("MOTCUA_AUTHZ_FULL") == "1"
		m := newMatrix(t, newFixture(t, db))
		observed := map[string]map[string][]mResult{}
		var missing []string
		for _, rt := range routes {
			key := rt.method + " " + rt.path
			if rt.method != "GET" && !full {
				continue
			}
			e, known := want[key]
			_, scoped := m.request(rt, m.scopes['A'], m.actors[1])
			scopes := []byte{'-'}
			if scoped {
				scopes = []byte{'A', 'B', 'P'}
			}
			obs := map[string][]mResult{}
			for _, sc := range scopes {
				order := slices.Clone(m.actors)
				if known {
					sort.SliceStable(order, func(i, j int) bool {
						return !e.allows(t, order[i].col, scoped, sc) && e.allows(t, order[j].col, scoped, sc)
					})
				}
				for _, who := range order {
					res := m.send(t, rt, sc, who)
					obs[who.col] = append(obs[who.col], res)
					if known && res.allowed != e.allows(t, who.col, scoped, sc) {
						t.Errorf("%s as %s on %c: got %d (%s), the table says %s", key, who.col, sc, res.code,
							verdict(res.allowed), verdict(!res.allowed))
					}
				}
			}
			observed[key] = obs
			if !known {
				missing = append(missing, observedLine(key, obs, scoped))
			}
		}
		if len(missing) > 0 {
			t.Errorf("routes without an entry in authzTable (internal/web/authz_matrix_test.go). Add a line per route "+
				"saying who may use it; here is what they answered now (check every cell before pasting):\n%s",
				strings.Join(missing, "\n"))
		}
		if full {
			for key := range want {
				if _, ok := observed[key]; !ok {
					t.Errorf("authzTable lists %s, which is not registered any more: remove the line", key)
				}
			}
		}
		if os.Getenv("MOTCUA_AUTHZ_PRINT") == "1" {
			var lines []string
			for _, rt := range routes {
				key := rt.method + " " + rt.path
				if obs, ok := observed[key]; ok {
					lines = append(lines, observedLine(key, obs, len(obs["anon"]) == 3))
				}
			}
			t.Logf("observed matrix:\n%s", strings.Join(lines, "\n"))
		}
	})
}

func verdict(allowed bool) string {
	if allowed {
		return "allowed"
	}
	return "denied"
}

// observedLine writes what a route answered as a table line.
func observedLine(key string, obs map[string][]mResult, scoped bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-62s", key)
	for _, col := range authzColumns {
		cell := ""
		for i, res := range obs[col] {
			if res.allowed {
				if scoped {
					cell += string("ABP"[i])
				} else {
					cell += "y"
				}
			}
		}
		if cell == "" {
			cell = "-"
		}
		fmt.Fprintf(&b, " %-4s", cell)
	}
	return strings.TrimRight(b.String(), " ")
}

// send makes the route's request as the actor on the scope and classifies the answer.
func (m *matrix) send(t *testing.T, rt registeredRoute, sc byte, who *mActor) mResult {
	t.Helper()
	scope := m.scopes['A']
	if sc != '-' {
		scope = m.scopes[sc]
	}
	rq, _ := m.request(rt, scope, who)
	c := who.c
	if rq.fresh {
		c = newClient(t, m.srv)
		if who.u != nil {
			c = signedIn(t, m.fixture, *who.u)
		}
	}
	var code int
	var body string
	var h http.Header
	switch {
	case rt.method == "GET":
		code, body, h = c.get(rq.path)
	case rq.files != nil:
		code, body, h = c.postMultipart(rq.path, rq.form, rq.files...)
	case rq.json != "":
		req, _ := http.NewRequest(rt.method, c.base+rq.path, strings.NewReader(rq.json))
		req.Header.Set("Content-Type", "application/json")
		code, body, h = c.do(req)
	default:
		code, body, h = c.post(rq.path, rq.form)
	}
	if code >= 500 {
		t.Errorf("%s %s as %s on %c: %d\n%.600s", rt.method, rq.path, who.col, sc, code, body)
	}
	toLogin := who.u == nil && rt.guard == "page" && code == http.StatusSeeOther && strings.HasPrefix(h.Get("Location"), "/login")
	denied := toLogin || code == http.StatusUnauthorized || code == http.StatusForbidden || code == http.StatusNotFound
	if field, ok := fieldRefusals[rt.method+" "+rt.path]; ok && code == http.StatusUnprocessableEntity && strings.Contains(body, field) {
		denied = true
	}
	// A refusal may redraw a record the actor reads (a step refused on a record's page);
	// it never shows one outside the actor's units, nor in a "not found".
	outside := !who.actor.Can(auth.ViewUnit, scope.unit.Path)
	if denied && sc != '-' && (outside || code == http.StatusNotFound) && strings.Contains(body, scope.marker()) {
		t.Errorf("%s %s as %s on %c: the refusal (%d) shows the record (%s)\n%.600s", rt.method, rq.path, who.col, sc, code,
			scope.marker(), body)
	}
	if os.Getenv("MOTCUA_AUTHZ_TRACE") != "" && strings.Contains(rt.path, os.Getenv("MOTCUA_AUTHZ_TRACE")) {
		t.Logf("%s %s as %s on %c: %d %s", rt.method, rq.path, who.col, sc, code, h.Get("Location"))
	}
	return mResult{code: code, allowed: !denied}
}

// request builds the route's request for the actor on the scope's records, and says
// whether the route names a unit (through a wildcard or a unit parameter).
func (m *matrix) request(rt registeredRoute, sc *mScope, who *mActor) (mRequest, bool) {
	t := m.t
	key := rt.method + " " + rt.path
	once := func(kind string, mk func() string) string { return m.once(key+"|"+kind+"|"+sc.marker(), mk) }
	freshDoc := func(steps int) string { return once("doc", func() string { return m.newDocSteps(sc, steps) }) }
	freshNC := func(st qms.NCStatus) string { return once("nc", func() string { return m.newNC(sc, st) }) }
	rq := mRequest{form: url.Values{}}
	scoped := false
	var vals = map[string]string{}
	wild := regexp.MustCompile(`\{([a-z_$.]+)\}`)
	for _, w := range wild.FindAllStringSubmatch(rt.path, -1) {
		name := w[1]
		v, s := m.wildcard(rt, name, sc, who, vals, freshDoc, freshNC, once)
		vals[name] = v
		scoped = scoped || s
	}
	rq.path = wild.ReplaceAllStringFunc(rt.path, func(w string) string { return vals[strings.Trim(w, "{}")] })
	if strings.HasSuffix(rq.path, "/static/") {
		rq.path += "style.css"
	}
	switch key {
	// Sign-in, sign-out.
	case "POST /login":
		rq.form = url.Values{"email": {m.probe.Email}, "password": {testPassword}}
		rq.fresh = true // signing in replaces the session's official
	case "POST /logout":
		rq.fresh = true
	// Units, officials, tokens, thresholds: the unit comes in the form.
	case "POST /admin/units":
		n := m.next()
		rq.form = url.Values{"code": {fmt.Sprintf("PB-%d", n)}, "name": {"Phòng mới"}, "kind": {"office"},
			"parent_id": {sc.unit.ID}, "valid_from": {"2025-07-01"}}
		scoped = true
	case "POST /admin/units/{id}":
		u := sc.unit
		rq.form = url.Values{"code": {u.Code}, "name": {u.Name}, "kind": {string(u.Kind)}, "parent_id": {u.ParentID},
			"valid_from": {u.ValidFrom.String()}, "agency_code": {u.AgencyCode}}
	case "POST /admin/units/{id}/worktime":
		rq.form = url.Values{"office_hours": {"07:30-11:30,13:30-17:00"}, "weekend": {"sat", "sun"}, "day_rule": {"same-time"}}
	case "POST /admin/users":
		rq.form = url.Values{"email": {fmt.Sprintf("moi%d@demo.motcua.vn", m.next())}, "full_name": {"Cán Bộ Mới"},
			"unit_id": {sc.unit.ID}, "role": {"handler"}, "lang": {"vi"}, "password": {testPassword}, "password2": {testPassword}}
		scoped = true
	case "POST /admin/users/{id}/roles":
		rq.form = url.Values{"unit_id": {sc.unit.ID}, "role": {"receiver"}}
	case "POST /admin/tokens":
		rq.form = url.Values{"name": {"Cổng " + sc.marker()}, "unit_id": {sc.agency.ID}, "role": {"receiver"}}
		scoped = true
	case "POST /admin/reminders":
		rq.form = url.Values{"unit_id": {sc.unit.ID}, "stale": {"8"}, "escalate": {"16"}}
		scoped = true
	// Dossiers: the agency comes in the form or the query.
	// The public look-up and rating: a real reference and its second factor.
	case "GET /tra-cuu", "GET /tra-cuu/danh-gia", "GET /api/v1/public/lookup":
		d := m.scopes['A'].dossier
		rq.path += "?ma=" + url.QueryEscape(d.Code) + "&k=" + url.QueryEscape(d.LookupSecret)
	case "POST /tra-cuu/danh-gia":
		d := m.scopes['A'].dossier
		rq.form = url.Values{"ma": {d.Code}, "k": {d.LookupSecret}, "level": {"satisfied"}}
	case "POST /dossiers":
		rq.form = m.intakeForm(sc)
		scoped = true
	case "GET /dossiers/register", "GET /dossiers/register.xlsx", "GET /dossiers/register.pdf":
		rq.path += "?unit_id=" + sc.agency.ID
		scoped = true
	case "POST /dossiers/{id}/actions/{action}":
		rq.form = url.Values{"version": {m.version(sc.dossier.ID)}, "note": {"Đang xử lý"}}
	case "GET /api/v1/dossiers":
		rq.path += "?unit_id=" + sc.agency.ID
		scoped = true
	case "POST /api/v1/dossiers":
		b, _ := json.Marshal(map[string]any{"unit_id": sc.agency.ID, "procedure_code": "1.001193", "channel": "desk",
			"payment": "none", "applicant": m.applicant(sc), "components": m.components(t, true),
			"idempotency_key": fmt.Sprintf("matrix-api-%d", m.next())})
		rq.json = string(b)
		scoped = true
	case "POST /api/v1/dossiers/{id}/actions":
		rq.json = fmt.Sprintf(`{"action": "progress", "version": %s, "note": "Đang xử lý"}`, m.version(sc.dossier.ID))
	// Reports: the unit comes in the query.
	case "GET /reports", "GET /reports/export.xlsx", "GET /reports/export.pdf", "GET /api/v1/reports/stats",
		"GET /dashboard", "GET /dashboard/ratings", "GET /reports/index766", "GET /reports/index766/export.xlsx", "GET /api/v1/reports/index766":
		rq.path += "?unit_id=" + sc.unit.ID
		scoped = true
	case "POST /reports/index766/entries": // no indicator: refused by validation once authorized
		rq.path += "?unit_id=" + sc.unit.ID
		rq.form = url.Values{"score": {"1"}, "evidence": {"Biên bản"}}
		scoped = true
	case "POST /reports/index766/definitions": // an empty definition: refused by validation once authorized
		rq.form = url.Values{"province_id": {m.scopes['P'].unit.ID}, "body": {"{}"}}
	case "POST /reports/index766/definitions/{id}":
		rq.form = url.Values{"body": {"{}"}}
	case "GET /reports/index766/definitions/new":
		rq.path += "?province_id=" + m.prov.ID
	// Procedures, reviews, workflows.
	case "POST /procedures/units/{id}/publish", "POST /procedures/units/{id}/unpublish":
		rq.form = url.Values{"code": {"1.003554"}}
	case "POST /procedures/units/{id}/reviews":
		rq.form = url.Values{"year": {"2027"}, "title": {"Rà soát năm 2027"}, "due_on": {"2027-03-31"}}
	case "POST /api/v1/units/{id}/reviews":
		rq.json = `{"year": 2028, "title": "Rà soát năm 2028", "due_on": "2028-03-31"}`
	case "POST /procedures/reviews/{plan}/tasks/{task}":
		rq.form = url.Values{"result": {"keep"}}
	case "POST /api/v1/reviews/{plan}/tasks/{task}":
		rq.json = `{"result": "keep"}`
	case "POST /api/v1/units/{id}/workflows/{code}":
		rq.json = `{"steps": []}`
	// QMS.
	case "POST /qms/documents/{doc}/attachments":
		rq.files = []upload{{"file", "phu-luc.pdf", realPDF(t)}}
	case "POST /qms/documents/{doc}/review":
		rq.form = url.Values{"verdict": {"agree"}}
	case "POST /qms/documents/{doc}/publish":
		rq.form = url.Values{"effective_on": {"2026-01-05"}}
	case "POST /qms/documents/{doc}/withdraw":
		rq.form = url.Values{"reason": {"Không còn áp dụng"}}
	case "POST /qms/documents/{doc}/readers":
		rq.form = url.Values{"readers": {sc.target.ID}}
	case "POST /qms/objectives/{obj}/results":
		rq.form = url.Values{"month": {"2026-03"}, "value": {"99"}, "evidence": {"Báo cáo"}}
	case "POST /qms/objectives/{obj}/raise", "POST /qms/units/{id}/nonconformities/raise":
		rq.form = url.Values{"month": {"2026-03"}}
	case "POST /qms/nonconformities/{nc}/implement":
		rq.form = url.Values{"note": {"Đã làm"}}
	case "POST /qms/nonconformities/{nc}/verify":
		rq.form = url.Values{"effective": {"yes"}, "verification": {"Có hiệu lực"}}
	case "POST /qms/nonconformities/{nc}/dismiss":
		rq.form = url.Values{"reason": {"Không phải điểm không phù hợp"}}
	case "POST /qms/programmes/{prog}/plans":
		rq.form = url.Values{"unit_id": {sc.unit.ID}, "planned_on": {"2026-11-15"}, "scope": {"Toàn bộ"}, "auditors": {sc.auditor.ID}}
	case "POST /qms/audits/{plan}/items/{item}":
		rq.form = url.Values{"result": {"conformity"}}
	case "POST /qms/audits/{plan}/items":
		rq.form = url.Values{"clause": {"7.5"}, "question": {"Tài liệu có được kiểm soát?"}}
	case "POST /api/v1/units/{id}/qms/risks":
		rq.json = `{"kind": "risk", "process": "Một cửa", "description": "Thiếu người", "likelihood": 2, "impact": 3}`
	case "POST /api/v1/units/{id}/qms/nonconformities":
		rq.json = `{"source": "complaint", "title": "Phản ánh của người dân"}`
	}
	return rq, scoped
}

// wildcard names what a wildcard of the route stands for on the scope, and says whether it
// belongs to the scope's unit.
func (m *matrix) wildcard(rt registeredRoute, name string, sc *mScope, who *mActor, vals map[string]string,
	freshDoc func(int) string, freshNC func(qms.NCStatus) string, once func(string, func() string) string) (string, bool) {
	p := rt.path
	has := func(prefix string) bool { return strings.HasPrefix(p, prefix) }
	switch name {
	case "$":
		return "", false
	case "lang":
		return "vi", false
	case "year":
		return "2026", false
	case "name":
		return m.job, false
	case "action":
		return "progress", false
	case "form":
		return "control", false
	case "unit": // the public portal's agency
		return m.scopes['A'].agency.ID, false
	case "code":
		switch {
		case has("/api/v1/dossier-codes/"):
			return sc.dossier.Code, true
		case strings.Contains(p, "/workflows/"):
			return "1.001193", true // the unit comes from {id}
		}
		return "1.001193", false
	case "id":
		switch {
		case strings.Contains(p, "/units/{id}"):
			return sc.unit.ID, true
		case has("/reports/index766/definitions/"):
			return m.index766[sc.key], true
		case strings.HasSuffix(p, "/roles/{assignment}/delete"):
			u, as := m.freshAssignment(sc)
			vals["assignment"] = as
			return u, true
		case has("/admin/users/"):
			return sc.target.ID, true
		case has("/dossiers/"), has("/api/v1/dossiers/"):
			return sc.dossier.ID, true
		case has("/dossier-files/"):
			return sc.file, true
		case has("/admin/tokens/"):
			return m.freshToken(sc), true
		case has("/notifications/"):
			to := sc.recv
			if sc.key == 'A' && who.u != nil {
				to = *who.u
			}
			return m.notification(to, sc), true
		}
	case "assignment":
		return vals["assignment"], true
	case "doc":
		switch rt.method + " " + strings.TrimPrefix(p, "/qms/documents/{doc}") {
		case "GET ":
			return sc.published, true
		case "POST ", "POST /submit", "POST /attachments":
			return freshDoc(docDraft), true
		case "POST /review":
			return freshDoc(docSubmitted), true
		case "POST /approve", "POST /return":
			return freshDoc(docReviewed), true
		case "POST /publish":
			return freshDoc(docApproved), true
		case "POST /withdraw", "POST /revise", "POST /readers", "POST /acknowledge":
			return freshDoc(docPublished), true
		case "POST /readers/{user}/delete":
			id := freshDoc(docPublished)
			if _, err := m.db.AddReaders(context.Background(), id, []string{sc.target.ID}, sc.iso.ID); err != nil {
				m.t.Fatal(err)
			}
			vals["user"] = sc.target.ID
			return id, true
		case "POST /attachments/{att}/delete":
			id := freshDoc(docDraft)
			vals["att"] = m.freshAttachment(sc, id)
			return id, true
		}
	case "user", "att":
		if v, ok := vals[name]; ok {
			return v, true
		}
		if name == "att" {
			return sc.att, true
		}
	case "dom": // a mail domain of the unit, made for the route that removes it
		d, err := m.db.AddMailDomain(context.Background(), sc.unit.ID, fmt.Sprintf("xa%d.phutho.gov.vn", m.next()), m.systemAdmin.ID)
		if err != nil {
			m.t.Fatal(err)
		}
		return d.ID, true
	case "prop": // a proposal of the unit's evaluation of the year, made for the route that deletes it
		p := qms.Proposal{Kind: qms.Suggestion, Text: fmt.Sprintf("Đề xuất %d", m.next())}
		err := m.db.AddProposal(context.Background(), sc.unit, 2026, &p, m.systemAdmin.ID)
		if failure.Is(err, failure.Conflict) { // the evaluation was completed by the route that finalizes it
			return "00000000-0000-0000-0000-000000000000", true
		}
		if err != nil {
			m.t.Fatal(err)
		}
		return p.ID, true
	case "obj":
		return sc.objective, true
	case "risk":
		return sc.risk, true
	case "nc":
		switch {
		case strings.HasSuffix(p, "/plan"), strings.HasSuffix(p, "/dismiss"):
			return freshNC(qms.NCOpen), true
		case strings.HasSuffix(p, "/implement"):
			return freshNC(qms.NCPlanned), true
		case strings.HasSuffix(p, "/verify"):
			return freshNC(qms.NCImplemented), true
		case strings.HasSuffix(p, "/close"):
			return freshNC(qms.NCVerified), true
		}
		return sc.nc, true
	case "rev":
		if strings.HasSuffix(p, "/finalize") {
			return once("review", func() string { id, _ := m.newReview(sc); return id }), true
		}
		vals["out"] = sc.output
		return sc.review, true
	case "out":
		return vals["out"], true
	case "prog":
		return sc.programme, true
	case "plan":
		if has("/qms/audits/") {
			if strings.HasSuffix(p, "/complete") {
				return once("audit", func() string { id, _ := m.newAudit(sc); return id }), true
			}
			return sc.audit, true
		}
		return sc.reviewPlan, true
	case "item":
		return sc.auditIt, true
	case "task":
		return sc.reviewTask, true
	}
	m.t.Fatalf("%s %s: the matrix does not know what {%s} names; teach matrix.wildcard", rt.method, p, name)
	return "", false
}

// TestAuthzCrossRecords sends the routes that name two records with the first from the
// official's own unit and the second from another: the second must not be reached through
// the first (each answer is a refusal and the record is left as it was).
func TestAuthzCrossRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMatrix(t, newFixture(t, db))
		a, b := m.scopes['A'], m.scopes['B']
		iso, adm := m.actors[4].c, m.actors[5].c
		draft := m.newDocSteps(a, docDraft)
		published := m.newDocSteps(a, docPublished)
		if _, err := db.AddReaders(ctx, m.scopes['B'].published, []string{b.target.ID}, b.iso.ID); err != nil {
			t.Fatal(err)
		}
		userA, _ := m.freshAssignment(a)
		_, assignmentB := m.freshAssignment(b)
		for _, tc := range []struct {
			c     *client
			path  string
			form  url.Values
			json  string
			seesB bool // the official reads B's record (an auditor of B): the refusal may show it
		}{
			{iso, "/qms/documents/" + draft + "/attachments/" + b.att + "/delete", nil, "", false},
			{iso, "/qms/documents/" + published + "/readers/" + b.target.ID + "/delete", nil, "", false},
			{iso, "/qms/reviews/" + a.review + "/outputs/" + b.output + "/done", nil, "", false},
			// The secretary of A audits B: an item of A's own plan is not B's.
			{iso, "/qms/audits/" + b.audit + "/items/" + a.auditIt, url.Values{"result": {"conformity"}}, "", true},
			{iso, "/qms/programmes/" + a.programme + "/plans", url.Values{"unit_id": {b.unit.ID}, "planned_on": {"2026-11-15"},
				"scope": {"Toàn bộ"}, "auditors": {b.auditor.ID}}, "", false},
			{adm, "/procedures/reviews/" + a.reviewPlan + "/tasks/" + b.reviewTask, url.Values{"result": {"keep"}}, "", false},
			{adm, "/api/v1/reviews/" + a.reviewPlan + "/tasks/" + b.reviewTask, nil, `{"result": "keep"}`, false},
			{adm, "/admin/users/" + userA + "/roles/" + assignmentB + "/delete", nil, "", false},
			{adm, "/admin/users/" + userA + "/roles", url.Values{"unit_id": {b.unit.ID}, "role": {"handler"}}, "", false},
			{adm, "/admin/units/" + a.unit.ID, url.Values{"code": {a.unit.Code}, "name": {a.unit.Name}, "kind": {"commune"},
				"parent_id": {b.unit.ID}, "valid_from": {"2025-07-01"}}, "", false},
		} {
			var code int
			var body string
			if tc.json != "" {
				code, body = tc.c.postJSON(tc.path, tc.json)
			} else {
				code, body, _ = tc.c.post(tc.path, tc.form)
			}
			refused := code == http.StatusForbidden || code == http.StatusNotFound || code == http.StatusUnprocessableEntity
			if !refused || (!tc.seesB && strings.Contains(body, "ZQB")) {
				t.Errorf("%s: %d\n%.400s", tc.path, code, body)
			}
		}
		// Nothing of B changed.
		if _, err := db.Attachment(ctx, b.att); err != nil {
			t.Errorf("B's file: %v", err)
		}
		if ok, _ := db.IsReader(ctx, b.published, b.target.ID); !ok {
			t.Error("B's reader removed")
		}
		if o, _ := db.ReviewOutput(ctx, b.output); !o.DoneAt.IsZero() {
			t.Error("B's review output marked done")
		}
		if task, _ := db.ReviewTask(ctx, b.reviewTask); task.Result != "" {
			t.Errorf("B's review task recorded: %+v", task)
		}
		if _, err := db.Assignment(ctx, assignmentB); err != nil {
			t.Errorf("B's assignment: %v", err)
		}
		if items, _ := db.AuditItems(ctx, a.audit); items[0].Result != "" {
			t.Errorf("A's audit item recorded by B's auditor: %+v", items[0])
		}
		if plans, _ := db.AuditPlans(ctx, store.AuditPlanFilter{Under: []string{b.unit.Path}}); len(plans) != 1 {
			t.Errorf("a plan auditing B in A's programme: %d plans", len(plans))
		}
		if u, _ := db.Unit(ctx, a.unit.ID); u.ParentID != a.unit.ParentID {
			t.Error("A moved under B by A's admin")
		}
	})
}
