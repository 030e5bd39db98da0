package web

import (
	"net/http"
	"strconv"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

// What a reader does on a resource's page: rate, mark as favourite,
// comment, reuse into their own space, delete. Each posts a small form and
// comes back to the page with a flash message; a refused one shows the
// reason on the error page.

// backToResource redirects to the resource's page, to the part shown.
func backToResource(w http.ResponseWriter, r *http.Request, id int64, anchor string) {
	http.Redirect(w, r, "/resources/"+itoa(id)+anchor, http.StatusSeeOther)
}

// resourceAction runs one action and answers with a flash or the error.
func (s *Server) resourceAction(w http.ResponseWriter, r *http.Request, flash, anchor string, do func(id int64) error) {
	_, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	if err := do(id); err != nil {
		if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid {
			// A bad value from a hand-edited form: say what, on the page.
			p := s.page(r, "error.page_title")
			formErrors(p, err)
			for _, m := range p.Errors {
				p.Message = m
			}
			s.render(w, r, http.StatusUnprocessableEntity, "error", errorView{Page: p, Status: http.StatusUnprocessableEntity})
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flash(w, flash)
	backToResource(w, r, id, anchor)
}

func (s *Server) rateResource(w http.ResponseWriter, r *http.Request) {
	s.resourceAction(w, r, "resource.flash.rated", "#rating", func(id int64) error {
		stars, err := strconv.Atoi(r.PostFormValue("stars"))
		if err != nil {
			stars = 0 // the service refuses it with a field error
		}
		return s.svc.RateResource(r.Context(), currentUser(r), id, stars)
	})
}

func (s *Server) favouriteResource(w http.ResponseWriter, r *http.Request) {
	on := r.PostFormValue("on") != "0"
	flash := "resource.flash.favourited"
	if !on {
		flash = "resource.flash.unfavourited"
	}
	s.resourceAction(w, r, flash, "", func(id int64) error {
		return s.svc.SetFavourite(r.Context(), currentUser(r), id, on)
	})
}

func (s *Server) commentOnResource(w http.ResponseWriter, r *http.Request) {
	s.resourceAction(w, r, "resource.flash.commented", "#comments", func(id int64) error {
		_, err := s.svc.CommentOnResource(r.Context(), currentUser(r), id, r.PostFormValue("body"))
		return err
	})
}

func (s *Server) reuseResource(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	space, _ := strconv.ParseInt(r.PostFormValue("space_id"), 10, 64)
	c, err := s.svc.ReuseResource(r.Context(), u, id, space)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "resource.flash.reused")
	backToResource(w, r, c.ID, "")
}

func (s *Server) deleteResource(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	if err := s.svc.DeleteResource(r.Context(), u, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "resource.flash.deleted")
	http.Redirect(w, r, "/resources", http.StatusSeeOther)
}
