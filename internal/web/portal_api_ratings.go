package web

import (
	"net/http"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/portal"
)

// apiRatingInput is the body of POST /api/v1/public/ratings: the reference and second
// factor of the look-up, and the rating.
type apiRatingInput struct {
	Reference string                  `json:"ma"`
	Factor    string                  `json:"k"`
	Level     portal.Level            `json:"level"`
	Criteria  map[string]portal.Level `json:"criteria,omitempty"`
	Comment   string                  `json:"comment,omitempty"`
}

// apiRate records a citizen's rating through the API, with the same checks as the page:
// the look-up's second factor, a returned dossier, once only.
func (s *Server) apiRate(w http.ResponseWriter, r *http.Request) {
	var in apiRatingInput
	if !s.readJSON(w, r, &in) {
		return
	}
	v, err := s.lookup(r, in.Reference, in.Factor)
	switch {
	case err != nil:
	case !v.Verified:
		err = errLookup
	case v.Rated:
		err = failure.New(failure.Conflict, "", "portal.rating_exists")
	case !v.CanRate:
		err = failure.New(failure.Conflict, "", "portal.rating_not_returned")
	}
	if err == nil {
		rating := portal.Rating{DossierID: v.dossierID, Level: in.Level, Comment: in.Comment, Criteria: map[string]portal.Level{}}
		for _, c := range portal.Criteria {
			rating.Criteria[c] = in.Criteria[c]
		}
		err = s.db.RateDossier(r.Context(), &rating)
	}
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"rated": true, "code": v.Code})
}
