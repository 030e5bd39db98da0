package api

import (
	"context"
	"net/http"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/store"
)

// What a reader does with a resource they can see: rate it, mark it as a
// favourite, read and write comments. The owner does not rate their own
// resource (403); the rest is open to anyone who sees it.

// rateResource answers PUT /resources/{id}/rating with 1 to 5 stars;
// rating again replaces the earlier rating.
func (a *API) rateResource(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body ratingBody
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	if err := a.svc.RateResource(r.Context(), me, id, body.Stars); err != nil {
		a.writeError(w, r, err)
		return
	}
	noContent(w)
}

// favouriteResource answers POST /resources/{id}/favourite; DELETE
// (unfavouriteResource) takes the mark back. Doing what is already done
// changes nothing and still answers 204.
func (a *API) favouriteResource(w http.ResponseWriter, r *http.Request, me *account.User) {
	a.setFavourite(w, r, me, true)
}

func (a *API) unfavouriteResource(w http.ResponseWriter, r *http.Request, me *account.User) {
	a.setFavourite(w, r, me, false)
}

func (a *API) setFavourite(w http.ResponseWriter, r *http.Request, me *account.User, on bool) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if on {
		var body noBody
		if err := a.decodeOptionalBody(w, r, &body); err != nil {
			a.writeError(w, r, err)
			return
		}
	}
	if err := a.svc.SetFavourite(r.Context(), me, id, on); err != nil {
		a.writeError(w, r, err)
		return
	}
	noContent(w)
}

// listResourceComments answers GET /resources/{id}/comments, oldest first.
func (a *API) listResourceComments(w http.ResponseWriter, r *http.Request, me *account.User) {
	listUnder(a, w, r, me, a.svc.ResourceComments, newResourceComment)
}

// createResourceComment answers POST /resources/{id}/comments (Markdown):
// 201 with the comment.
func (a *API) createResourceComment(w http.ResponseWriter, r *http.Request, me *account.User) {
	createUnder(a, w, r, me, func(ctx context.Context, me *account.User, id int64, b commentCreate) (*store.ResourceComment, error) {
		return a.svc.CommentOnResource(ctx, me, id, b.Body)
	}, newResourceComment)
}
