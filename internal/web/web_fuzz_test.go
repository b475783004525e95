package web

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/i18n"
	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/store"
)

// Fuzz targets for what the HTTP layer decodes before a handler acts: the JSON bodies of
// the API, the form text check, the multipart reader of the online submission, and the
// forms and queries parsed outside the domain packages (dossier actions, workflows,
// reminder thresholds, the holiday schedule, the dossier list's filters). The intake body
// is FuzzDecodeIntake (api_dossiers_test.go).

// apiBodies are the API's JSON inputs, by number for the fuzzer.
var apiBodies = []func() any{
	func() any { return &apiActionJSON{} },
	func() any { return &apiRatingInput{} },
	func() any { return &apiReviewPlanInput{} },
	func() any { return &apiReviewResultInput{} },
	func() any { return &apiWorkflowInput{} },
}

// FuzzAPIBodies: a body the strict decoder accepts is clean text, and what it decoded
// encodes and decodes to the same value.
func FuzzAPIBodies(f *testing.F) {
	for i, seed := range []string{`{"action": "forward", "version": 3, "items": [{"name": "Tờ khai", "reason": "thiếu chữ ký"}]}`,
		`{"ma": "000.52.15.H29-260205-0001", "k": "5678", "level": "satisfied", "criteria": {"access": "satisfied"}}`,
		`{"year": 2026, "title": "Rà soát", "due_on": "2026-03-31"}`, `{"result": "keep", "text": ""}`,
		`{"steps": [{"kind": "examine", "role": "handler", "budget": "2d"}]}`} {
		f.Add([]byte(seed), uint8(i))
	}
	f.Add([]byte(`{"action": "forward"} {}`), uint8(0))
	f.Add([]byte(`{"version": 1, "unknown": true}`), uint8(0))
	f.Add([]byte("{\"note\": \"\\u0000\"}"), uint8(0))
	f.Fuzz(func(t *testing.T, body []byte, which uint8) {
		mk := apiBodies[int(which)%len(apiBodies)]
		v := mk()
		if err := decodeJSON(body, v); err != nil {
			return
		}
		if !utf8.Valid(body) || bytes.IndexByte(body, 0) >= 0 {
			t.Fatalf("accepted a body with NUL or bad UTF-8: %q", body)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("re-encode %T: %v", v, err)
		}
		again := mk()
		if err := decodeJSON(b, again); err != nil || !reflect.DeepEqual(v, again) {
			t.Fatalf("%T round trip: %s → %+v, %v", v, b, again, err)
		}
	})
}

// fuzzServer is a Server with what the text check and the error pages need, no database.
func fuzzServer(t testing.TB) *Server {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	p, err := loadPages(cat, true)
	if err != nil {
		t.Fatal(err)
	}
	return &Server{log: slog.New(slog.NewTextHandler(io.Discard, nil)), i18n: cat, pages: p, metrics: newMetrics(),
		cfg: Config{MaxBodyBytes: 4 << 10, Now: time.Now, Version: "fuzz"}}
}

// FuzzCleanText: whatever a query string or URL-encoded form holds, a handler behind the
// text check only sees valid UTF-8 without NUL, and never more than the body limit.
func FuzzCleanText(f *testing.F) {
	f.Add("q=Nguy%E1%BB%85n", "name=Tr%E1%BA%A7n&note=a")
	f.Add("q=%00", "")
	f.Add("", "name=%ff%fe")
	f.Add("a=%zz", "b=%")
	f.Add("", strings.Repeat("x=1&", 2000))
	s := fuzzServer(f)
	f.Fuzz(func(t *testing.T, query, body string) {
		var seen url.Values
		h := s.cleanText(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen = url.Values{}
			for k, vs := range r.URL.Query() {
				seen[k] = append(seen[k], vs...)
			}
			for k, vs := range r.PostForm {
				seen[k] = append(seen[k], vs...)
			}
		}))
		req := httptest.NewRequest("POST", "/x?"+url.PathEscape(query), strings.NewReader(body))
		req.URL.RawQuery = query
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if seen == nil {
			if rec.Code != http.StatusBadRequest && rec.Code != http.StatusRequestEntityTooLarge {
				t.Fatalf("refused with %d", rec.Code)
			}
			return
		}
		if int64(len(body)) > s.cfg.MaxBodyBytes {
			t.Fatalf("a %d-byte form passed a %d-byte limit", len(body), s.cfg.MaxBodyBytes)
		}
		if !cleanValues(seen) {
			t.Fatalf("the handler saw unclean text: %q", seen)
		}
	})
}

// FuzzReadSubmission: the online submission's multipart reader stops at its limits on any
// body: no file longer than a file may be, no more parts than allowed, no field over its
// size.
func FuzzReadSubmission(f *testing.F) {
	seed, ctype := rawMultipart(f, url.Values{"unit_id": {"u"}, "applicant_name": {"Lê Thị Mai"}}, filePart("file_0", "to-khai.pdf", []byte("%PDF-1.4")))
	f.Add(seed.Bytes(), ctype)
	f.Add([]byte("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--x--\r\n"), "multipart/form-data; boundary=x")
	f.Add([]byte("--x\r\nContent-Disposition: form-data; name=\"file_0\"; filename*=utf-8''..%2F..%00.pdf\r\n\r\n%PDF-\r\n--x--"), "multipart/form-data; boundary=x")
	f.Add([]byte(""), "text/plain")
	lim := portal.Limits{MaxFileBytes: 256, MaxTotalBytes: 1024, MaxFiles: 3}
	f.Fuzz(func(t *testing.T, body []byte, ctype string) {
		req := httptest.NewRequest("POST", "/nop-truc-tuyen", bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		fields, files, err := readSubmission(req, lim)
		if err != nil {
			return
		}
		parts := len(files)
		for k, vs := range fields {
			parts += len(vs)
			for _, v := range vs {
				if len(v) > maxFieldBytes || strings.HasPrefix(k, "file_") {
					t.Fatalf("field %q of %d bytes kept", k, len(v))
				}
			}
		}
		if parts > maxParts {
			t.Fatalf("%d parts read", parts)
		}
		for _, fl := range files {
			if int64(len(fl.data)) > lim.MaxFileBytes+1 {
				t.Fatalf("file %q of %d bytes read whole", fl.name, len(fl.data))
			}
		}
	})
}

// FuzzActionForm: any posted dossier action form gives a command or an error, never a
// command without a version.
func FuzzActionForm(f *testing.F) {
	f.Add("version=3&note=xong")
	f.Add("version=2&item_name=T%E1%BB%9D+khai&item_reason=thi%E1%BA%BFu&item_name=&item_reason=x")
	f.Add("version=1&new_due=2026-03-01T10:00&reason=qu%C3%A1+t%E1%BA%A3i")
	f.Add("version=-1&channel=post&electronic=on&assignee_id=u")
	f.Fuzz(func(t *testing.T, raw string) {
		form, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		items := postedItems(form)
		for _, act := range webActions {
			cmd, err := commandOf("d", act, form, items)
			if err == nil && (cmd.Version < 1 || cmd.DossierID != "d" || cmd.Action != act) {
				t.Fatalf("%s from %q: %+v", act, raw, cmd)
			}
		}
	})
}

// FuzzWorkflowSteps: typed steps give workflow steps with valid budgets, or field errors.
func FuzzWorkflowSteps(f *testing.F) {
	f.Add([]byte(`[{"kind": "receive", "role": "receiver", "budget": "4h"}, {"kind": "transfer", "role": "handler", "budget": "2d", "transfer_to": "X"}]`))
	f.Add([]byte(`[{"budget": "-1d"}, {"budget": "day@25:00"}]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var in []stepInput
		if json.Unmarshal(body, &in) != nil {
			return
		}
		steps, err := parseSteps(in, func(s string) (string, bool) { return "unit-" + s, s == "X" })
		if err != nil {
			return
		}
		for i, st := range steps {
			if st.Budget.Validate() != nil {
				t.Fatalf("step %d of %s: budget %v", i+1, body, st.Budget)
			}
		}
	})
}

// FuzzReminderHours: a threshold typed in hours is whole minutes between 0 and the maximum.
func FuzzReminderHours(f *testing.F) {
	for _, s := range []string{"6", "4,5", "4.5", "", "-1", "NaN", "1e9", "0x10", "Inf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, err := parseHours(v, "stale")
		if err != nil {
			return
		}
		if d < 0 || d > store.MaxReminderThreshold+time.Minute || d%time.Minute != 0 {
			t.Fatalf("parseHours(%q) = %v", v, d)
		}
	})
}

// FuzzScheduleForm: the holiday schedule form gives a schedule that validates, or errors.
func FuzzScheduleForm(f *testing.F) {
	f.Add("15/2025/QĐ-TTg", "2025-12-20", "Thủ tướng", "2026-01-01 Tết Dương lịch\n2026-02-16..2026-02-20 Tết Nguyên đán", "", "2026-02-07 Làm bù")
	f.Add("", "x", "", "2026-13-01", "\x00", "2026-02-30")
	f.Fuzz(func(t *testing.T, number, date, authority, daysOff, removed, working string) {
		form := map[string]string{"doc_number": number, "doc_date": date, "doc_authority": authority, "doc_title": "",
			"days_off": daysOff, "removed": removed, "working_days": working, "note": ""}
		s, err := parseScheduleForm(2026, form, calendar.Schedule{})
		if err != nil {
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("accepted an invalid schedule: %v\n%+v", err, form)
		}
	})
}

// FuzzDossierFilter: the dossier list's query gives a filter within its bounds, or errors.
func FuzzDossierFilter(f *testing.F) {
	f.Add("unit_id=u&state=received&state=returned&q=nguyen&from=2026-01-01&to=2026-01-31&overdue=1&limit=50&offset=100")
	f.Add("limit=0&offset=-1&state=lost&from=31/01/2026")
	f.Add("limit=99999999999999999999")
	f.Fuzz(func(t *testing.T, raw string) {
		req := httptest.NewRequest("GET", "/api/v1/dossiers", nil)
		req.URL.RawQuery = raw
		flt, errs := apiDossierFilter(req, time.Now())
		if len(errs) > 0 {
			return
		}
		if flt.Limit < 1 || flt.Limit > 500 || flt.Offset < 0 {
			t.Fatalf("filter from %q: limit %d offset %d", raw, flt.Limit, flt.Offset)
		}
		for _, st := range flt.States {
			if !st.Valid() {
				t.Fatalf("state %q from %q", st, raw)
			}
		}
	})
}
