package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/user"
)

type ctxKey int

const (
	requestInfoKey ctxKey = iota
	actorKey
	sessionKey
)

// hasSession reports whether the request went through the session middleware (error pages
// for health or static routes have none, and scs panics when asked without one).
func hasSession(r *http.Request) bool { return r.Context().Value(sessionKey) != nil }

// requestInfo travels with a request so the outer middleware (logs, metrics) learns what
// the inner handlers decided: the route pattern and the response status.
type requestInfo struct {
	id      string
	pattern string
	status  int
	start   time.Time
}

func requestInfoFrom(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(requestInfoKey).(*requestInfo)
	return info
}

// statusRecorder remembers the status code written.
type statusRecorder struct {
	http.ResponseWriter
	info *requestInfo
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.info.status == 0 {
		w.info.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.info.status == 0 {
		w.info.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// requestID gives every request an id (reusing a sane X-Request-Id from a proxy), puts it
// in the response and in every log line of the request.
func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if len(id) == 0 || len(id) > 64 || strings.ContainsFunc(id, func(c rune) bool { return c < '!' || c > '~' }) {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		info := &requestInfo{id: id, start: s.cfg.Now()}
		w.Header().Set("X-Request-Id", id)
		ctx := context.WithValue(r.Context(), requestInfoKey, info)
		next.ServeHTTP(&statusRecorder{ResponseWriter: w, info: info}, r.WithContext(ctx))
	})
}

// logger returns the server's logger with the request id attached.
func (s *Server) logger(r *http.Request) *slog.Logger {
	if info := requestInfoFrom(r.Context()); info != nil {
		return s.log.With("request_id", info.id)
	}
	return s.log
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		info := requestInfoFrom(r.Context())
		if info == nil || info.pattern == "GET /healthz" || info.pattern == "GET /metrics" {
			return
		}
		status := info.status
		if status == 0 {
			status = http.StatusOK
		}
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("request_id", info.id),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("client", clientIP(r)),
			slog.String("route", info.pattern),
			slog.Int("status", status),
			slog.Duration("duration", s.cfg.Now().Sub(info.start)),
		)
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.serverError(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// limitBody caps request bodies so a huge upload cannot exhaust memory.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.cfg.MaxBodyBytes {
			s.renderError(w, r, failure.New(failure.Invalid, "", "error.body_too_large"), http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

func (s *Server) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, failure.New(failure.Forbidden, "", "error.cross_origin"), http.StatusForbidden)
}

// Session keys.
const (
	sessUserID = "user_id"
	sessLang   = "lang"
	sessFlash  = "flash"
)

// loadActor reads the signed-in official from the session and puts the authorization view
// of them in the request context. A deactivated official is signed out at once.
func (s *Server) loadActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(context.WithValue(r.Context(), sessionKey, true))
		if tc, err := s.tokenActor(r); err != nil || tc != nil {
			if err != nil {
				s.handleErr(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), actorKey, tc)))
			return
		}
		id := s.sessions.GetString(r.Context(), sessUserID)
		if id == "" {
			next.ServeHTTP(w, r)
			return
		}
		u, err := s.db.User(r.Context(), id)
		if err != nil || !u.Active {
			if err != nil && !failure.Is(err, failure.NotFound) {
				s.serverError(w, r, err)
				return
			}
			s.sessions.Remove(r.Context(), sessUserID)
			next.ServeHTTP(w, r)
			return
		}
		as, err := s.db.Assignments(r.Context(), u.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		a := &current{user: u, actor: auth.Actor{UserID: u.ID, SystemAdmin: u.SystemAdmin, Assignments: as}}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), actorKey, a)))
	})
}

// current is the signed-in official of a request.
type current struct {
	user  user.User
	actor auth.Actor
}

func currentFrom(r *http.Request) *current {
	c, _ := r.Context().Value(actorKey).(*current)
	return c
}

// actor returns the authorization view of the request's official (anonymous if none).
func actor(r *http.Request) auth.Actor {
	if c := currentFrom(r); c != nil {
		return c.actor
	}
	return auth.Actor{}
}

// signedIn sends anonymous visitors to the sign-in page (or the first-run setup).
func (s *Server) signedIn(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if currentFrom(r) == nil {
			target := "/login"
			if r.URL.Path != "/" {
				target += "?next=" + url.QueryEscape(safeNext(r.URL.RequestURI()))
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		h(w, r)
	})
}

// apiSignedIn answers 401 JSON instead of redirecting.
func (s *Server) apiSignedIn(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if currentFrom(r) == nil {
			s.renderError(w, r, failure.New(failure.Unauthorized, "", "error.sign_in_required"), 0)
			return
		}
		h(w, r)
	})
}

// safeNext keeps only local paths, so ?next= cannot send a user to another site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}
