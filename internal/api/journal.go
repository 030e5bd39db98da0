package api

import (
	"context"
	"net/http"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/journal"
)

// createEntry answers POST /journal: a new entry in the caller's personal
// space, a draft unless "publish" is true.
func (a *API) createEntry(w http.ResponseWriter, r *http.Request, me *account.User) {
	var body entryCreate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	e, err := a.svc.CreateEntry(r.Context(), me, body.input())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusCreated, newEntry(e))
}

// showEntry answers GET /journal/{id} when the caller may read the entry;
// entries they may not read are reported as not found.
func (a *API) showEntry(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	e, err := a.svc.Entry(r.Context(), me, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, newEntry(e))
}

// updateEntry answers PATCH /journal/{id}: the author changes the fields
// present in the body. The entry is read as the caller sees it first, so
// an entry they cannot see is not found, and one they can see but did not
// write is forbidden.
func (a *API) updateEntry(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body entryUpdate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	cur, err := a.svc.Entry(r.Context(), me, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	e, err := a.svc.UpdateEntry(r.Context(), me, id, body.input(cur))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, newEntry(e))
}

// deleteEntry answers DELETE /journal/{id} for the entry's author. As for
// PATCH, an entry the caller cannot see is not found rather than forbidden,
// so that deleting does not reveal that it exists.
func (a *API) deleteEntry(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err == nil {
		_, err = a.svc.Entry(r.Context(), me, id)
	}
	if err == nil {
		err = a.svc.DeleteEntry(r.Context(), me, id)
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	noContent(w)
}

// listComments answers GET /journal/{id}/comments, oldest first.
func (a *API) listComments(w http.ResponseWriter, r *http.Request, me *account.User) {
	listUnder(a, w, r, me, a.svc.EntryComments, newComment)
}

// createComment answers POST /journal/{id}/comments on a published entry
// the caller may read.
func (a *API) createComment(w http.ResponseWriter, r *http.Request, me *account.User) {
	createUnder(a, w, r, me, func(ctx context.Context, me *account.User, id int64, b commentCreate) (*journal.Comment, error) {
		return a.svc.AddComment(ctx, me, id, b.Body)
	}, newComment)
}
