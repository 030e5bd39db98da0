package api

import (
	"net/http"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/store"
)

// The review workflow of teaching resources (精品资源): the owner of a
// resource, or the host of its community, recommends it to an institution
// above it; a reviewer there (an admin who manages it, an expert of its
// subtree) approves it into the institution's featured collection or
// returns it with comments. Who may do what is decided in the service.

// recommendResource answers POST /resources/{id}/recommend: 201 with the
// new recommendation.
func (a *API) recommendResource(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body recommendBody
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	rev, err := a.svc.RecommendResource(r.Context(), me, id, body.InstitutionID, body.Note)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	// The recommendation with the names the list shows, as the owner's
	// list of its recommendations has it.
	res, err := a.svc.ResourceByID(r.Context(), me, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	items, _, err := a.svc.ResourceReviews(r.Context(), me, res)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	for _, it := range items {
		if it.ID == rev.ID {
			a.writeJSON(w, http.StatusCreated, newReview(it))
			return
		}
	}
	a.writeError(w, r, errInternal)
}

// maxReviewList is how many recommendations GET /reviews pages through:
// the oldest pending ones, or the newest decided ones.
const maxReviewList = 200

// listReviews answers GET /reviews: the caller's review queue (status
// pending, the default, oldest first), the decided ones (newest first), or
// all of them. 403 for people who review for no institution.
func (a *API) listReviews(w http.ResponseWriter, r *http.Request, me *account.User) {
	q := newQuery(r)
	st := q.v.Get("status")
	var status store.ReviewStatus
	switch st {
	case "", "pending":
		status = store.ReviewPending
	case "decided", "all":
	default:
		q.f.Add("status", "form.invalid_choice")
	}
	limit, offset := q.page()
	if err := q.err(); err != nil {
		a.writeError(w, r, err)
		return
	}
	items, err := a.svc.Reviews(r.Context(), me, status, maxReviewList, 0)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if st == "decided" {
		decided := items[:0]
		for _, it := range items {
			if it.Status != store.ReviewPending {
				decided = append(decided, it)
			}
		}
		items = decided
	}
	page, total := pageOf(items, limit, offset)
	a.writeJSON(w, http.StatusOK, newList(page, total, newReview))
}

// approveReview answers POST /reviews/{id}/approve: the resource joins
// the institution's featured collection. Comments are optional.
func (a *API) approveReview(w http.ResponseWriter, r *http.Request, me *account.User) {
	a.decideReview(w, r, me, true)
}

// returnReview answers POST /reviews/{id}/return: comments are required,
// and go to the recommender and the owner.
func (a *API) returnReview(w http.ResponseWriter, r *http.Request, me *account.User) {
	a.decideReview(w, r, me, false)
}

func (a *API) decideReview(w http.ResponseWriter, r *http.Request, me *account.User, approve bool) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body reviewDecision
	if err := a.decodeOptionalBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	if err := a.svc.DecideReview(r.Context(), me, id, approve, body.Comments); err != nil {
		a.writeError(w, r, err)
		return
	}
	noContent(w)
}
