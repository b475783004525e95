package web

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"
)

// apiOp documents one API operation. Request and response shapes are Go values whose
// types are turned into JSON Schemas by reflection, so the document follows the code.
type apiOp struct {
	Method, Path string
	Tag          string
	Summary      string // English; the Vietnamese is in Description
	Description  string
	Query        []apiParam
	Body         any // zero value of the request body type, nil for none
	Status       int // success status (200 when zero)
	Response     any // zero value of the response type
	Public       bool
	Headers      []apiParam // request headers (Idempotency-Key, If-Match)
}

type apiParam struct {
	Name, Description string
	Type              string // "string", "integer", "boolean"
	Repeat            bool
}

// list wrappers as the handlers write them.
type (
	apiUnitList struct {
		Units []apiUnitJSON `json:"units"`
		Count int           `json:"count"`
	}
	apiMeJSON struct {
		ID          string `json:"id"`
		Email       string `json:"email"`
		FullName    string `json:"full_name"`
		Lang        string `json:"lang"`
		SystemAdmin bool   `json:"system_admin"`
		Roles       []struct {
			Role   string `json:"role"`
			UnitID string `json:"unit_id"`
			Unit   string `json:"unit"`
		} `json:"roles"`
	}
	apiProcedureList struct {
		Procedures []apiProcedureJSON `json:"procedures"`
		Count      int                `json:"count"`
	}
	apiPublicationList struct {
		Publications []apiPublicationJSON `json:"publications"`
		Count        int                  `json:"count"`
	}
	apiReviewPlanList struct {
		Plans []apiReviewPlanJSON `json:"plans"`
		Count int                 `json:"count"`
	}
	apiReviewPlanDetail struct {
		Plan  apiReviewPlanJSON   `json:"plan"`
		Tasks []apiReviewTaskJSON `json:"tasks"`
	}
	apiDossierList struct {
		Dossiers []apiDossierJSON `json:"dossiers"`
		Count    int              `json:"count"`
		Offset   int              `json:"offset"`
	}
	apiHistory struct {
		DossierID string         `json:"dossier_id"`
		Code      string         `json:"code"`
		Events    []apiEventJSON `json:"events"`
	}
	apiWorkList struct {
		Work []struct {
			Dossier apiDossierJSON `json:"dossier"`
			Step    apiStepJSON    `json:"step"`
		} `json:"work"`
		Count int `json:"count"`
	}
)

var (
	qLimit  = apiParam{"limit", "Số bản ghi tối đa / page size", "integer", false}
	qOffset = apiParam{"offset", "Bỏ qua từng này bản ghi / records to skip", "integer", false}
	qSearch = apiParam{"q", "Tìm không cần dấu / search, diacritics optional", "string", false}
)

// apiOps lists every documented operation. Areas add theirs here; TestOpenAPIMatchesRoutes
// fails when a route under /api/v1 is missing or a documented one is not registered.
func apiOps() []apiOp {
	ops := []apiOp{
		{Method: "GET", Path: "/api/v1/openapi.json", Tag: "meta", Summary: "This OpenAPI document", Public: true, Response: map[string]any{}},
		{Method: "GET", Path: "/api/v1/me", Tag: "meta", Summary: "The signed-in official or token", Response: apiMeJSON{}},
		{Method: "GET", Path: "/api/v1/units", Tag: "units", Summary: "Units the caller may see",
			Query: []apiParam{qSearch, {"on", "Đơn vị tồn tại ngày này (YYYY-MM-DD) / units existing that day", "string", false}, qLimit}, Response: apiUnitList{}},
		{Method: "GET", Path: "/api/v1/units/{id}", Tag: "units", Summary: "One unit", Response: apiUnitJSON{}},
	}
	ops = append(ops, procedureAPIOps()...)
	ops = append(ops, reportAPIOps()...)
	ops = append(ops, index766APIOps()...)
	ops = append(ops, portalAPIOps()...)
	ops = append(ops, qmsAPIOps()...)
	return append(ops, dossierAPIOps()...)
}

func procedureAPIOps() []apiOp {
	return []apiOp{
		{Method: "GET", Path: "/api/v1/procedures", Tag: "procedures", Summary: "The procedure catalog",
			Query: []apiParam{qSearch, {"field", "Lĩnh vực / field", "string", false}, {"level", "Cấp / level", "string", false},
				{"status", "Trạng thái / status", "string", false}, {"on", "Ngày xét (YYYY-MM-DD) / day", "string", false}},
			Response: apiProcedureList{}},
		{Method: "GET", Path: "/api/v1/procedures/stale", Tag: "procedures", Summary: "Published procedures no longer in force", Response: apiPublicationList{}},
		{Method: "GET", Path: "/api/v1/procedures/{code}", Tag: "procedures", Summary: "One procedure with its versions", Response: apiProcedureJSON{}},
		{Method: "GET", Path: "/api/v1/units/{id}/procedures", Tag: "procedures", Summary: "Procedures a unit publishes",
			Query: []apiParam{{"all", "Cả thủ tục đã thôi công khai / include withdrawn", "boolean", false}}, Response: apiPublicationList{}},
		{Method: "GET", Path: "/api/v1/units/{id}/reviews", Tag: "reviews", Summary: "A unit's review plans", Response: apiReviewPlanList{}},
		{Method: "POST", Path: "/api/v1/units/{id}/reviews", Tag: "reviews", Summary: "Create a review plan", Body: apiReviewPlanInput{}, Status: http.StatusCreated, Response: apiReviewPlanJSON{}},
		{Method: "GET", Path: "/api/v1/reviews/overdue", Tag: "reviews", Summary: "Overdue review plans in the caller's scope", Response: apiReviewPlanList{}},
		{Method: "GET", Path: "/api/v1/reviews/{plan}", Tag: "reviews", Summary: "A review plan with its tasks", Response: apiReviewPlanDetail{}},
		{Method: "POST", Path: "/api/v1/reviews/{plan}/tasks/{task}", Tag: "reviews", Summary: "Record a review result", Body: apiReviewResultInput{}, Response: apiReviewTaskJSON{}},
		{Method: "GET", Path: "/api/v1/units/{id}/workflows/{code}", Tag: "workflows", Summary: "A unit's internal workflow for a procedure", Response: apiWorkflowJSON{}},
		{Method: "POST", Path: "/api/v1/units/{id}/workflows/{code}", Tag: "workflows", Summary: "Save an internal workflow", Body: apiWorkflowInput{}, Response: apiWorkflowJSON{}},
	}
}

func dossierAPIOps() []apiOp {
	idem := apiParam{"Idempotency-Key", "Khóa chống trùng: gửi lại cùng khóa trả về hồ sơ đã tạo / a retry with the same key returns the dossier already created", "string", false}
	ifMatch := apiParam{"If-Match", "ETag của hồ sơ đã đọc (thay cho version) / the ETag read, instead of version", "string", false}
	return []apiOp{
		{Method: "GET", Path: "/api/v1/dossiers", Tag: "dossiers", Summary: "Dossiers in the caller's scope, newest first",
			Query: []apiParam{{"unit_id", "Cơ quan tiếp nhận / receiving agency", "string", false}, {"state", "Trạng thái / state", "string", true}, qSearch,
				{"from", "Nhận từ ngày (YYYY-MM-DD) / received from", "string", false}, {"to", "Đến ngày / received to", "string", false},
				{"overdue", "1: chỉ hồ sơ quá hạn / only overdue", "string", false}, qLimit, qOffset}, Response: apiDossierList{}},
		{Method: "POST", Path: "/api/v1/dossiers", Tag: "dossiers", Summary: "Receive a dossier at the desk",
			Description: "201 khi tạo mới, 200 khi cùng khóa chống trùng đã tạo / 201 created, 200 when the idempotency key already created it.",
			Headers:     []apiParam{idem}, Body: apiIntakeJSON{}, Status: http.StatusCreated, Response: apiDossierJSON{}},
		{Method: "GET", Path: "/api/v1/dossiers/{id}", Tag: "dossiers", Summary: "One dossier with its control slip and the caller's possible actions", Response: apiDossierJSON{}},
		{Method: "GET", Path: "/api/v1/dossiers/{id}/history", Tag: "dossiers", Summary: "The hash-chained history", Response: apiHistory{}},
		{Method: "POST", Path: "/api/v1/dossiers/{id}/actions", Tag: "dossiers", Summary: "Act on a dossier (forward, request, supply, apologise, stop, withdraw, return…)",
			Description: "Gửi version (hoặc If-Match); hồ sơ đã đổi thì trả 409 (412 với If-Match) / send version (or If-Match); a changed dossier answers 409 (412 with If-Match).",
			Headers:     []apiParam{ifMatch}, Body: apiActionJSON{}, Response: apiDossierJSON{}},
		{Method: "GET", Path: "/api/v1/dossier-codes/{code}", Tag: "dossiers", Summary: "One dossier by its national code", Response: apiDossierJSON{}},
		{Method: "GET", Path: "/api/v1/work", Tag: "dossiers", Summary: "The caller's work queue, most urgent first", Response: apiWorkList{}},
	}
}

// openAPIDocument builds the OpenAPI 3.1 document.
func openAPIDocument(version string) map[string]any {
	g := &schemaGen{defs: map[string]any{}}
	paths := map[string]map[string]any{}
	for _, op := range apiOps() {
		item := paths[op.Path]
		if item == nil {
			item = map[string]any{}
			paths[op.Path] = item
		}
		item[strings.ToLower(op.Method)] = g.operation(op)
	}
	g.defs["Problem"] = g.schemaOf(reflect.TypeOf(problem{}))
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "motcua API", "version": version,
			"description": "API của motcua: một cửa điện tử, ISO 9001, giám sát. Xác thực bằng phiên đăng nhập (cookie) hoặc khóa API (Authorization: Bearer mct_…). Lỗi theo RFC 9457 (application/problem+json) với thông báo tiếng Việt và tiếng Anh. / motcua's API: session cookie or API token; errors are RFC 9457 problem details in Vietnamese and English."},
		"paths": paths,
		"components": map[string]any{
			"schemas": g.defs,
			"securitySchemes": map[string]any{
				"token":   map[string]any{"type": "http", "scheme": "bearer", "description": "Khóa API / API token (mct_…)"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "session"},
			},
		},
		"security": []any{map[string]any{"token": []any{}}, map[string]any{"session": []any{}}},
	}
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

func (g *schemaGen) operation(op apiOp) map[string]any {
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(op.Path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	for _, q := range op.Query {
		var schema map[string]any = map[string]any{"type": q.Type}
		if q.Repeat {
			schema = map[string]any{"type": "array", "items": map[string]any{"type": q.Type}}
		}
		params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Description, "schema": schema})
	}
	for _, h := range op.Headers {
		params = append(params, map[string]any{"name": h.Name, "in": "header", "description": h.Description, "schema": map[string]any{"type": "string"}})
	}
	status := op.Status
	if status == 0 {
		status = http.StatusOK
	}
	problemRef := map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}
	out := map[string]any{
		"tags": []string{op.Tag}, "summary": op.Summary, "operationId": operationID(op),
		"responses": map[string]any{
			itoa(status): map[string]any{"description": http.StatusText(status),
				"content": map[string]any{"application/json": map[string]any{"schema": g.schemaOf(reflect.TypeOf(op.Response))}}},
			"default": map[string]any{"description": "Lỗi / error (RFC 9457)", "content": problemRef},
		},
	}
	if op.Description != "" {
		out["description"] = op.Description
	}
	if len(params) > 0 {
		out["parameters"] = params
	}
	if op.Body != nil {
		out["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"application/json": map[string]any{"schema": g.schemaOf(reflect.TypeOf(op.Body))}}}
	}
	if op.Public {
		out["security"] = []any{}
	}
	return out
}

func operationID(op apiOp) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(op.Method))
	for _, part := range strings.FieldsFunc(op.Path, func(r rune) bool { return r == '/' || r == '-' || r == '.' || r == '{' || r == '}' || r == '_' }) {
		if part == "api" || part == "v1" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// schemaGen turns Go types into JSON Schemas (draft 2020-12, as OpenAPI 3.1 uses), named
// struct types going into components/schemas.
type schemaGen struct {
	defs map[string]any
}

var timeType = reflect.TypeOf(time.Time{})

func (g *schemaGen) schemaOf(t reflect.Type) map[string]any {
	if t == nil {
		return map[string]any{}
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t.Kind() == reflect.Pointer:
		s := g.schemaOf(t.Elem())
		return map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 { // json.RawMessage and []byte
			return map[string]any{}
		}
		return map[string]any{"type": "array", "items": g.schemaOf(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schemaOf(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		return g.structSchema(t)
	}
	return map[string]any{}
}

// structSchema documents a struct by its JSON field names; named types are defined once
// under components/schemas and referenced.
func (g *schemaGen) structSchema(t reflect.Type) map[string]any {
	name := schemaName(t)
	if name != "" {
		if _, done := g.defs[name]; done {
			return map[string]any{"$ref": "#/components/schemas/" + name}
		}
		g.defs[name] = map[string]any{} // placeholder against recursion
	}
	props := map[string]any{}
	var required []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		jsonName, opts, _ := strings.Cut(tag, ",")
		if jsonName == "" {
			jsonName = f.Name
		}
		props[jsonName] = g.schemaOf(f.Type)
		if !strings.Contains(opts, "omitempty") && f.Type.Kind() != reflect.Pointer {
			required = append(required, jsonName)
		}
	}
	sort.Strings(required)
	s := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	if name == "" {
		return s
	}
	g.defs[name] = s
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// schemaName names a struct type for components/schemas ("" for anonymous structs).
func schemaName(t reflect.Type) string {
	n := t.Name()
	if n == "" {
		return ""
	}
	n = strings.TrimSuffix(strings.TrimPrefix(n, "api"), "JSON")
	pkg := t.PkgPath()
	if !strings.HasSuffix(pkg, "/web") {
		n = pkg[strings.LastIndex(pkg, "/")+1:] + "." + n
	}
	return strings.ToUpper(n[:1]) + n[1:]
}

// openAPI serves the document.
func (s *Server) openAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeJSON(w, http.StatusOK, openAPIDocument(s.cfg.Version))
}
