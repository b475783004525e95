package web

import (
	"context"
	"net/http"
	"time"
)

// healthz says the process is alive; it touches nothing else.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.cfg.Version})
}

// readyz says whether the server can serve: the database answers within two seconds.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		s.logger(r).Warn("not ready", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "unreachable"})
		return
	}
	out := map[string]string{"status": "ready", "database": string(s.db.Dialect())}
	// A replica that is down or lagging does not make the server unready: reports read
	// from the primary meanwhile.
	if st := s.db.Replica(); st.Configured {
		out["replica"] = "ok"
		if !st.Healthy {
			out["replica"] = "not used (unreachable or lagging)"
			s.logger(r).Warn("read replica not used", "reason", st.Err)
		}
	}
	writeJSON(w, http.StatusOK, out)
}
