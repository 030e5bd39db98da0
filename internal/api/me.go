package api

import (
	"net/http"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/service"
)

// showMe answers GET /me: the caller's own record, e-mail included.
func (a *API) showMe(w http.ResponseWriter, r *http.Request, me *account.User) {
	a.writeJSON(w, http.StatusOK, newMe(me))
}

// updateMe answers PATCH /me: the fields present in the body change, the
// others keep their values.
func (a *API) updateMe(w http.ResponseWriter, r *http.Request, me *account.User) {
	var body profileUpdate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	p := service.ProfileOf(me)
	body.apply(&p)
	u, err := a.svc.UpdateProfile(r.Context(), me, me.ID, p)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, newMe(u))
}

// listMyEvents answers GET /me/events, newest first. The event log grows
// without bound, so it pages by key (before = the last ID seen) rather than
// by offset, which would scan every skipped row.
func (a *API) listMyEvents(w http.ResponseWriter, r *http.Request, me *account.User) {
	q := newQuery(r)
	limit := q.int("limit", defaultLimit, 1, maxLimit)
	before := q.id("before")
	q.reject("offset", "api.field.use_before")
	if err := q.err(); err != nil {
		a.writeError(w, r, err)
		return
	}
	evs, total, err := a.svc.Events(r.Context(), me, before, limit)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, newList(evs, total, newEvent))
}
