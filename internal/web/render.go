package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"text/template/parse"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/i18n"
	"github.com/motcua/motcua/internal/user"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// vnZone is where every date shown to a user lives (UTC+7, no DST).
var vnZone = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}()

func staticHandler() http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embedded folder is part of the binary
	}
	fsrv := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(w, r)
	})
}

// pages holds every page template, parsed once per language with the layout.
type pages struct {
	byLang map[string]map[string]*template.Template
}

// loadPages parses the page templates; translate writes their constant labels in at
// load time (render_translate.go).
func loadPages(cat *i18n.Catalogs, translate bool) (*pages, error) {
	names, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	p := &pages{byLang: map[string]map[string]*template.Template{}}
	for _, lang := range cat.Languages() {
		base, err := template.New("layout").Funcs(templateFuncs(cat, lang)).ParseFS(templateFS, "templates/layout/*.html")
		if err != nil {
			return nil, fmt.Errorf("parse layout: %w", err)
		}
		p.byLang[lang] = map[string]*template.Template{}
		for _, n := range names {
			t, err := pageTemplate(base, templateFuncs(cat, lang), n)
			if err != nil {
				return nil, err
			}
			if translate {
				translateLabels(t, cat, lang)
			}
			p.byLang[lang][strings.TrimSuffix(path.Base(n), ".html")] = t
		}
	}
	return p, nil
}

// pageTemplate parses the page file n with the layout templates it uses, directly or
// through one another, copied from base (html/template escapes its trees in place, so
// each page needs its own copies). Copying only those, not the whole layout set with
// every area's shared templates, keeps the parsed pages of both languages a few MB.
func pageTemplate(base *template.Template, funcs template.FuncMap, n string) (*template.Template, error) {
	t, err := template.New("layout").Funcs(funcs).ParseFS(templateFS, n)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", n, err)
	}
	todo := []string{"layout"}
	for _, own := range t.Templates() {
		if own.Tree != nil {
			todo = append(todo, templateCalls(own.Tree.Root)...)
		}
	}
	for len(todo) > 0 {
		name := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if own := t.Lookup(name); own != nil && own.Tree != nil {
			continue
		}
		shared := base.Lookup(name)
		if shared == nil || shared.Tree == nil {
			return nil, fmt.Errorf("parse %s: no template %q", n, name)
		}
		if _, err := t.AddParseTree(name, shared.Tree.Copy()); err != nil {
			return nil, fmt.Errorf("parse %s: %w", n, err)
		}
		todo = append(todo, templateCalls(shared.Tree.Root)...)
	}
	return t, nil
}

// templateCalls lists the templates a tree calls ({{template "name"}}).
func templateCalls(n parse.Node) []string {
	var out []string
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				out = append(out, templateCalls(c)...)
			}
		}
	case *parse.TemplateNode:
		out = append(out, n.Name)
	case *parse.IfNode:
		out = append(append(out, templateCalls(n.List)...), templateCalls(n.ElseList)...)
	case *parse.RangeNode:
		out = append(append(out, templateCalls(n.List)...), templateCalls(n.ElseList)...)
	case *parse.WithNode:
		out = append(append(out, templateCalls(n.List)...), templateCalls(n.ElseList)...)
	}
	return out
}

func templateFuncs(cat *i18n.Catalogs, lang string) template.FuncMap {
	return template.FuncMap{
		"t": func(key string, args ...any) string { return cat.T(lang, key, args...) },
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(vnZone).Format("02/01/2006")
		},
		"datetime": datetimeText,
		"fieldErr": func(errs map[string]string, field string) string { return errs[field] },
		"indent": func(depth int) template.CSS {
			return template.CSS(fmt.Sprintf("padding-left:%.1frem", float64(depth)*1.25))
		},
		"weekdayKey": func(d calendar.Date) string {
			return [...]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}[d.Weekday()]
		},
		"list":  func(items ...string) []string { return items },
		"split": func(s string) []string { return strings.Split(s, ",") },
		"contains": func(list []string, s string) bool {
			for _, x := range list {
				if x == s {
					return true
				}
			}
			return false
		},
	}
}

// datetimeText writes an instant as a date and time in Asia/Ho_Chi_Minh, or nothing for
// the zero time (the template function datetime).
func datetimeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(vnZone).Format("02/01/2006 15:04")
}

// page is what every template receives: the layout's needs plus the page's own data.
type page struct {
	Lang     string
	Title    string
	User     *user.User
	Nav      []navItem
	Active   string
	Flash    string
	Version  string
	Errors   map[string]string // field → message
	ErrorMsg string            // message for the whole form
	Form     map[string]string // values to put back in a form after an error
	Unread   int               // the official's unread notifications (the bell)
	Data     any
}

type navItem struct {
	Key, Href string
}

// lang picks the reader's language: the session's choice, then the official's setting,
// then the browser's Accept-Language, then Vietnamese.
func (s *Server) lang(r *http.Request) string {
	if !hasSession(r) {
		return s.i18n.Match(r.Header.Get("Accept-Language"))
	}
	if l := s.sessions.GetString(r.Context(), sessLang); s.i18n.Has(l) {
		return l
	}
	if c := currentFrom(r); c != nil && s.i18n.Has(c.user.Lang) {
		return c.user.Lang
	}
	return s.i18n.Match(r.Header.Get("Accept-Language"))
}

func (s *Server) newPage(r *http.Request, titleKey string) *page {
	lang := s.lang(r)
	p := &page{Lang: lang, Title: s.i18n.T(lang, titleKey), Version: s.cfg.Version}
	if hasSession(r) {
		p.Flash = s.sessions.PopString(r.Context(), sessFlash)
	}
	if c := currentFrom(r); c != nil {
		p.User = &c.user
		p.Nav = s.nav(c.actor)
		p.Unread = s.unreadCount(r)
	}
	return p
}

// nav lists the menu areas the official may open.
func (s *Server) nav(a auth.Actor) []navItem {
	items := []navItem{{"nav.home", "/"}}
	if a.CanAnywhere(auth.ViewDossiers) {
		items = append(items, navItem{"nav.dossiers", "/dossiers"})
	}
	items = append(items, navItem{"nav.procedures", "/procedures"}, navItem{"nav.calendar", "/calendar"})
	if a.CanAnywhere(auth.ViewReports) {
		items = append(items, navItem{"nav.reports", "/reports"})
	}
	if a.CanAnywhere(auth.ViewQMS) {
		items = append(items, navItem{"nav.qms", "/qms"})
	}
	if a.CanAnywhere(auth.ManageUnits) || a.CanAnywhere(auth.ManageUsers) {
		items = append(items, navItem{"nav.admin", "/admin/units"})
	}
	return items
}

// render writes a page with the given status. Rendering goes to a buffer first so a
// template error becomes a clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	t, ok := s.pages.byLang[p.Lang][name]
	if !ok {
		s.serverError(w, r, fmt.Errorf("no template %q", name))
		return
	}
	buf := getBuffer()
	defer putBuffer(buf)
	if err := t.ExecuteTemplate(buf, "layout", p); err != nil {
		s.serverError(w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8") // the security headers: securityHeaders
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// Pages and JSON answers are written to a buffer first; the buffers are reused, since
// growing a new one to a page's size allocated twice that size on every request.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer keeps the rare huge answer's buffer out of the pool.
const maxPooledBuffer = 256 << 10

func getBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() <= maxPooledBuffer {
		b.Reset()
		buffers.Put(b)
	}
}

// statusOf maps an application error kind to an HTTP status.
func statusOf(k failure.Kind) int {
	switch k {
	case failure.Invalid:
		return http.StatusUnprocessableEntity
	case failure.NotFound:
		return http.StatusNotFound
	case failure.Conflict:
		return http.StatusConflict
	case failure.Forbidden:
		return http.StatusForbidden
	case failure.Unauthorized:
		return http.StatusUnauthorized
	case failure.TooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

func wantsJSON(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || strings.Contains(r.Header.Get("Accept"), "application/json")
}

// problem is the JSON shape of every API error: RFC 9457 problem details
// (application/problem+json) with motcua's extension members: the failure code, the
// message in both languages, the field errors and the request id.
type problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail"`
	Instance  string            `json:"instance,omitempty"`
	Code      string            `json:"code"`
	Messages  map[string]string `json:"messages"`
	Errors    map[string]string `json:"errors,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
}

// problemTypeBase prefixes the problem type URIs; the part after it is the failure code,
// documented in the OpenAPI document.
const problemTypeBase = "https://motcua.vn/problems/"

// writeProblem answers an API error as problem details in the request's language, with
// both languages' messages.
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, status int, code, key string, args []any, err error) {
	lang := s.lang(r)
	p := problem{Type: problemTypeBase + code, Title: http.StatusText(status), Status: status,
		Detail: s.i18n.T(lang, key, args...), Instance: r.URL.Path, Code: code,
		Messages: map[string]string{"vi": s.i18n.T("vi", key, args...), "en": s.i18n.T("en", key, args...)}}
	if err != nil {
		if fields := s.fieldErrors(lang, err); len(fields) > 0 {
			p.Errors = fields
		}
	}
	if info := requestInfoFrom(r.Context()); info != nil {
		p.RequestID = info.id
	}
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(p)
}

// renderError answers an application error as JSON or as a friendly page. Status 0 means
// "derive it from the error's kind". Internal errors are logged and never shown.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error, status int) {
	e, ok := failure.As(err)
	if !ok {
		s.serverError(w, r, err)
		return
	}
	if status == 0 {
		status = statusOf(e.Kind)
	}
	s.retryAfterOf(w, err)
	if wantsJSON(r) {
		s.writeProblem(w, r, status, string(e.Kind), e.Key, e.Args, err)
		return
	}
	lang := s.lang(r)
	msg := s.i18n.T(lang, e.Key, e.Args...)
	p := s.newPage(r, "error.title")
	p.ErrorMsg = msg
	p.Data = map[string]any{"Status": status}
	s.render(w, r, status, "error", p)
}

// fieldErrors translates every field error carried by err.
func (s *Server) fieldErrors(lang string, err error) map[string]string {
	out := map[string]string{}
	for _, fe := range failure.Fields(err) {
		if fe.Field != "" {
			if _, dup := out[fe.Field]; !dup {
				out[fe.Field] = s.i18n.T(lang, fe.Key, fe.Args...)
			}
		}
	}
	return out
}

// serverError logs the real error with the request id and shows a generic 500.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.logger(r).Error("internal error", "err", err, "path", r.URL.Path)
	if wantsJSON(r) {
		s.writeProblem(w, r, http.StatusInternalServerError, "internal", "error.internal", nil, nil)
		return
	}
	lang := s.lang(r)
	t, ok := s.pages.byLang[lang]["error"]
	var buf bytes.Buffer
	p := &page{Lang: lang, Title: s.i18n.T(lang, "error.title"), ErrorMsg: s.i18n.T(lang, "error.internal"),
		Version: s.cfg.Version, Data: map[string]any{"Status": 500}}
	if !ok || t.ExecuteTemplate(&buf, "layout", p) != nil {
		http.Error(w, "Lỗi máy chủ / Internal server error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = buf.WriteTo(w)
}

// handleErr renders err: application errors with their status, others as 500.
func (s *Server) handleErr(w http.ResponseWriter, r *http.Request, err error) {
	var e *failure.Error
	if errors.As(err, &e) {
		s.renderError(w, r, err, 0)
		return
	}
	s.serverError(w, r, err)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	j := jsonWriters.Get().(*jsonWriter)
	defer j.put()
	if j.enc.Encode(v) == nil {
		_, _ = j.buf.WriteTo(w)
	}
}

// jsonWriter is an indenting JSON encoder with its buffer, reused across answers (the
// encoder keeps its indentation buffer).
type jsonWriter struct {
	buf bytes.Buffer
	enc *json.Encoder
}

var jsonWriters = sync.Pool{New: func() any {
	j := &jsonWriter{}
	j.enc = json.NewEncoder(&j.buf)
	j.enc.SetIndent("", "  ")
	return j
}}

func (j *jsonWriter) put() {
	if j.buf.Cap() <= maxPooledBuffer {
		j.buf.Reset()
		jsonWriters.Put(j)
	}
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, failure.New(failure.NotFound, "", "error.not_found"), http.StatusNotFound)
}

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, failure.New(failure.NotFound, "", "error.api_not_found"), http.StatusNotFound)
}

// forbidden answers 403 with the friendly page.
func (s *Server) forbidden(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, failure.New(failure.Forbidden, "", "error.forbidden"), http.StatusForbidden)
}

// flash stores a one-time message shown on the next page.
func (s *Server) flash(r *http.Request, key string, args ...any) {
	s.sessions.Put(r.Context(), sessFlash, s.i18n.T(s.lang(r), key, args...))
}

// formErrorPage fills a page with a form's values and its field errors.
func (s *Server) formErrors(p *page, err error) {
	p.Errors = s.fieldErrors(p.Lang, err)
	if e, ok := failure.As(err); ok {
		p.ErrorMsg = s.i18n.T(p.Lang, e.Key, e.Args...)
		if len(failure.Fields(err)) > 1 {
			p.ErrorMsg = s.i18n.T(p.Lang, "form.fix_errors")
		}
	}
}

// parseForm reads a posted form; on a body that cannot be read it answers 400 and
// returns false.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, failure.New(failure.Invalid, "", "error.bad_form"), http.StatusBadRequest)
		return false
	}
	return true
}
