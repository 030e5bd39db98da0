package api

import (
	"net/http"

	"github.com/yanxiu/yanxiu/internal/account"
)

// listMyTokens answers GET /me/tokens, newest first. A person has a handful
// of tokens, so the page is cut from the full list.
func (a *API) listMyTokens(w http.ResponseWriter, r *http.Request, me *account.User) {
	q := newQuery(r)
	limit, offset := q.page()
	if err := q.err(); err != nil {
		a.writeError(w, r, err)
		return
	}
	ts, err := a.svc.Tokens(r.Context(), me)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	total := len(ts)
	ts = ts[min(offset, total):min(offset+limit, total)]
	a.writeJSON(w, http.StatusOK, newList(ts, total, newToken))
}

// createToken answers POST /me/tokens with the new token in plain text: the
// only time it is shown, since only its hash is kept.
func (a *API) createToken(w http.ResponseWriter, r *http.Request, me *account.User) {
	var body tokenCreate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	plain, t, err := a.svc.CreateToken(r.Context(), me, body.Name)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusCreated, createdTokenDTO{tokenDTO: newToken(t), Token: plain})
}

// revokeToken answers DELETE /me/tokens/{id}; revoking the token in use
// works too, and ends its access from the next request on.
func (a *API) revokeToken(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err == nil {
		err = a.svc.RevokeToken(r.Context(), me, id)
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	noContent(w)
}
