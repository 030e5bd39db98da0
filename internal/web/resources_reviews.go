package web

import (
	"net/http"
	"strconv"

	"github.com/yanxiu/yanxiu/internal/store"
)

// The review workflow's pages: the reviewer's queue, where a pending
// recommendation is approved into the institution's featured collection
// (精品资源) or returned with comments, and the recommend form on a
// resource's page (its panel, with the outcomes, is in resource_show).

type reviewQueueView struct {
	*Page
	Items   []*store.ReviewItem
	Decided bool
	// After a refused decision: the review and the comments as typed.
	FailedID int64
	Comments string
}

// showReviewQueue answers GET /resources/reviews (?decided=1 for the
// decided ones).
func (s *Server) showReviewQueue(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	p := s.page(r, "resource.review.queue")
	s.takeFlash(w, r, p)
	s.renderReviewQueue(w, r, p, http.StatusOK, reviewQueueView{Page: p, Decided: r.URL.Query().Get("decided") == "1"})
}

func (s *Server) renderReviewQueue(w http.ResponseWriter, r *http.Request, p *Page, status int, v reviewQueueView) {
	st := store.ReviewPending
	if v.Decided {
		st = ""
	}
	items, err := s.svc.Reviews(r.Context(), p.User, st, 100, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Decided {
		for _, it := range items {
			if it.Status != store.ReviewPending {
				v.Items = append(v.Items, it)
			}
		}
	} else {
		v.Items = items
	}
	s.render(w, r, status, "resource_reviews", v)
}

// decideReview answers POST /resources/reviews/{id}/decide with decision
// (approve or return) and comments.
func (s *Server) decideReview(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	comments := r.PostFormValue("comments")
	err := s.svc.DecideReview(r.Context(), u, id, r.PostFormValue("decision") == "approve", comments)
	if err != nil {
		p := s.page(r, "resource.review.queue")
		status, ok := formErrors(p, err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		s.renderReviewQueue(w, r, p, status, reviewQueueView{Page: p, FailedID: id, Comments: comments})
		return
	}
	if r.PostFormValue("decision") == "approve" {
		s.flash(w, "resource.flash.approved")
	} else {
		s.flash(w, "resource.flash.returned")
	}
	http.Redirect(w, r, "/resources/reviews", http.StatusSeeOther)
}

// recommendResource answers POST /resources/{id}/recommend with
// institution_id and note.
func (s *Server) recommendResource(w http.ResponseWriter, r *http.Request) {
	s.resourceAction(w, r, "resource.flash.recommended", "#reviews", func(id int64) error {
		inst, _ := strconv.ParseInt(r.PostFormValue("institution_id"), 10, 64)
		_, err := s.svc.RecommendResource(r.Context(), currentUser(r), id, inst, r.PostFormValue("note"))
		return err
	})
}
