package api

import (
	"context"
	"net/http"

	"github.com/yanxiu/yanxiu/internal/account"
)

// Many routes list or add what belongs to the object named in the path
// (a journal entry's comments, a resource's comments or revisions): the
// same parsing, paging and error handling around one service call. These
// two write that once.

// listUnder answers GET /…/{id}/…: a page of what list returns for the
// object in the path, in the common list envelope.
func listUnder[T, D any](a *API, w http.ResponseWriter, r *http.Request, me *account.User,
	list func(ctx context.Context, me *account.User, id int64, limit, offset int) ([]T, int, error), dto func(T) D) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	q := newQuery(r)
	limit, offset := q.page()
	if err := q.err(); err != nil {
		a.writeError(w, r, err)
		return
	}
	items, total, err := list(r.Context(), me, id, limit, offset)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, newList(items, total, dto))
}

// createUnder answers POST /…/{id}/… with a JSON body: 201 with what
// create makes for the object in the path.
func createUnder[B, T, D any](a *API, w http.ResponseWriter, r *http.Request, me *account.User,
	create func(ctx context.Context, me *account.User, id int64, body B) (T, error), dto func(T) D) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body B
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	made, err := create(r.Context(), me, id, body)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusCreated, dto(made))
}
