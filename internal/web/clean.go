package web

import (
	"bytes"
	"errors"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/failure"
)

// cleanText refuses, with a clear 400, requests whose query or URL-encoded form holds
// text no database column can store: invalid UTF-8 or the NUL character (PostgreSQL
// rejects it in text). Handlers and the store can then trust every string they get.
//
// It reads a URL-encoded form itself, so it bounds the body first (Config.MaxBodyBytes,
// 413 beyond it, declared or not): the form it parses is the one the handlers get, and
// net/http would otherwise read up to 10 MB of it before any route's limit applied.
func (s *Server) cleanText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cleanValues(r.URL.Query()) {
			s.renderError(w, r, failure.New(failure.Invalid, "", "error.bad_text"), http.StatusBadRequest)
			return
		}
		if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); r.Method == http.MethodPost && ct == "application/x-www-form-urlencoded" {
			if r.ContentLength > s.cfg.MaxBodyBytes {
				s.renderError(w, r, failure.New(failure.Invalid, "", "error.body_too_large"), http.StatusRequestEntityTooLarge)
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
			err := r.ParseForm()
			var tooLarge *http.MaxBytesError
			switch {
			case errors.As(err, &tooLarge):
				s.renderError(w, r, failure.New(failure.Invalid, "", "error.body_too_large"), http.StatusRequestEntityTooLarge)
				return
			case err != nil:
				s.renderError(w, r, failure.New(failure.Invalid, "", "error.bad_form"), http.StatusBadRequest)
				return
			case !cleanValues(r.PostForm):
				s.renderError(w, r, failure.New(failure.Invalid, "", "error.bad_text"), http.StatusBadRequest)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func cleanValues(vs map[string][]string) bool {
	for k, list := range vs {
		if !cleanString(k) {
			return false
		}
		for _, v := range list {
			if !cleanString(v) {
				return false
			}
		}
	}
	return true
}

func cleanString(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// cleanJSON reports whether a JSON body is free of NUL characters (raw or escaped) and
// invalid UTF-8.
func cleanJSON(body []byte) bool {
	return utf8.Valid(body) && bytes.IndexByte(body, 0) < 0 && !bytes.Contains(bytes.ToLower(body), []byte(`\u0000`))
}
