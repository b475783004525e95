// Package web is motcua's HTTP layer: server-rendered pages (html/template, embedded
// assets, no JavaScript build), the JSON API under /api/v1, health and metrics. Every route
// is listed in routes.go. Handlers take the dependencies they use from Server and ask the
// auth package before touching anything.
package web

import (
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/motcua/motcua/internal/i18n"
	"github.com/motcua/motcua/internal/store"
)

// Config holds the web settings that come from flags and environment.
type Config struct {
	// SecureCookies marks the session cookie Secure (HTTPS only) on every response. Turn
	// it on behind TLS. Requests that arrive over HTTPS get a Secure cookie anyway.
	SecureCookies bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto
	// are believed (proxy.go).
	TrustedProxies []netip.Prefix
	// SessionLifetime is the absolute lifetime of a sign-in (default 12 h).
	SessionLifetime time.Duration
	// IdleTimeout ends a session after this long without a request (default 2 h).
	IdleTimeout time.Duration
	// MaxBodyBytes limits form and JSON bodies (default 1 MiB).
	MaxBodyBytes int64
	// Version is shown in the footer and /healthz.
	Version string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Server holds what the handlers share. It is built once by New.
type Server struct {
	db       *store.DB
	log      *slog.Logger
	cfg      Config
	sessions *scs.SessionManager
	i18n     *i18n.Catalogs
	pages    *pages
	metrics  *metrics
	throttle *throttle
	lookups  *addressLimiter // look-ups per client address (portal.go)
	refs     *addressLimiter // second factors tried per reference, in this process (portal.go)
}

// New builds the HTTP handler for the whole application.
func New(db *store.DB, logger *slog.Logger, cfg Config) (http.Handler, error) {
	s, err := newServer(db, logger, cfg)
	if err != nil {
		return nil, err
	}
	return s.handler(), nil
}

func newServer(db *store.DB, logger *slog.Logger, cfg Config) (*Server, error) {
	if cfg.SessionLifetime <= 0 {
		cfg.SessionLifetime = 12 * time.Hour
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 2 * time.Hour
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	p, err := loadPages(cat, true)
	if err != nil {
		return nil, err
	}
	sm := scs.New()
	sm.Store = db.Sessions()
	sm.Lifetime = cfg.SessionLifetime
	sm.IdleTimeout = cfg.IdleTimeout
	sm.Cookie.Name = "motcua_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.SecureCookies
	sm.Cookie.Path = "/"
	s := &Server{
		db:       db,
		log:      logger,
		cfg:      cfg,
		sessions: sm,
		i18n:     cat,
		pages:    p,
		metrics:  newMetrics(),
		throttle: &throttle{db: db, now: cfg.Now},
		lookups:  newAddressLimiter(lookupLimit, window, lockFor),
		refs:     newAddressLimiter(lookupRefLimit, window, lockFor),
	}
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.serverError(w, r, err)
	}
	return s, nil
}
