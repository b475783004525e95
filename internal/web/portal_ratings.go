package web

import (
	"net/http"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/store"
)

// Ratings: the applicant rates a returned dossier once, from the look-up opened with the
// second factor (the rating form asks for it again, under the same throttle).

// ratingPage prepares the rating form's page for a reference and factor: the dossier
// must be found with the right factor, returned and not yet rated.
func (s *Server) ratingPage(r *http.Request, ref, factor string) (*page, lookupView, error) {
	p := s.portalPage(r, "portal.rating_title", "lookup")
	p.Form = map[string]string{"ma": ref, "k": factor}
	p.Data = map[string]any{"Levels": portal.Offered(), "Criteria": portal.Criteria}
	v, err := s.lookup(r, ref, factor)
	switch {
	case err != nil:
	case !v.Verified:
		err = errLookup
	case v.Rated:
		err = failure.New(failure.Conflict, "", "portal.rating_exists")
	case !v.CanRate:
		err = failure.New(failure.Conflict, "", "portal.rating_not_returned")
	default:
		p.Data.(map[string]any)["Result"] = v
	}
	return p, v, err
}

// renderRatingError shows why the dossier cannot be rated, without the form.
func (s *Server) renderRatingError(w http.ResponseWriter, r *http.Request, p *page, err error) {
	p.Data.(map[string]any)["Closed"] = true
	s.renderForm(w, r, "portal_rating", p, err)
}

func (s *Server) ratingForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p, _, err := s.ratingPage(r, q.Get("ma"), q.Get("k"))
	if err != nil {
		s.renderRatingError(w, r, p, err)
		return
	}
	s.render(w, r, http.StatusOK, "portal_rating", p)
}

func (s *Server) rate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	p, v, err := s.ratingPage(r, f.Get("ma"), f.Get("k"))
	if err != nil {
		s.renderRatingError(w, r, p, err)
		return
	}
	rating := portal.Rating{DossierID: v.dossierID, Level: portal.Level(f.Get("level")), Comment: f.Get("comment"),
		Criteria: map[string]portal.Level{}}
	for _, c := range portal.Criteria {
		rating.Criteria[c] = portal.Level(f.Get("criterion_" + c))
		p.Form["criterion_"+c] = f.Get("criterion_" + c)
	}
	p.Form["level"], p.Form["comment"] = f.Get("level"), f.Get("comment")
	if err := s.db.RateDossier(r.Context(), &rating); err != nil {
		if failure.Is(err, failure.Conflict) {
			s.renderRatingError(w, r, p, err)
			return
		}
		s.renderForm(w, r, "portal_rating", p, err)
		return
	}
	p.Data.(map[string]any)["Thanks"] = true
	s.render(w, r, http.StatusOK, "portal_rating", p)
}

// lowRatingDays is how far back the leader's list of low ratings goes.
const lowRatingDays = 90

// lowRatings lists the recent low ratings of the units where the official approves
// (the leaders), for their home page; nothing for other officials.
func (s *Server) lowRatings(r *http.Request) ([]store.RatedDossier, error) {
	paths, ok := viewScope(actor(r), auth.ApproveDossier)
	if !ok {
		return nil, nil
	}
	since := s.cfg.Now().Add(-lowRatingDays * 24 * time.Hour)
	return s.db.LowRatings(r.Context(), paths, since, 20)
}
