package api

import (
	"net/http"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/journal"
)

// maxQuery bounds the q search parameter of listings.
const maxQuery = 100

// pathUsername reads the {username} segment. A name no account could have
// is not found without asking the database, which on PostgreSQL would
// refuse bytes that are not UTF-8 rather than find nothing.
func pathUsername(r *http.Request) (string, error) {
	name := account.NormalizeUsername(r.PathValue("username"))
	if !account.ValidUsername(name) {
		return "", apperr.New(apperr.NotFound, "error.not_found")
	}
	return name, nil
}

// listUsers answers GET /users: the people the caller may list (their
// school, or the subtree they administer), optionally matching q.
func (a *API) listUsers(w http.ResponseWriter, r *http.Request, me *account.User) {
	q := newQuery(r)
	text := q.str("q", maxQuery)
	limit, offset := q.page()
	if err := q.err(); err != nil {
		a.writeError(w, r, err)
		return
	}
	us, total, err := a.svc.Users(r.Context(), me, text, limit, offset)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, newList(us, total, newUser))
}

// showUser answers GET /users/{username}: a person's public profile, as
// their personal space shows it.
func (a *API) showUser(w http.ResponseWriter, r *http.Request, me *account.User) {
	name, err := pathUsername(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	p, err := a.svc.PersonalSpace(r.Context(), me, name, 0, 0)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, newProfile(p))
}

// listUserEntries answers GET /users/{username}/journal: the entries the
// caller may read, newest first; status=draft lists the caller's own drafts.
func (a *API) listUserEntries(w http.ResponseWriter, r *http.Request, me *account.User) {
	q := newQuery(r)
	limit, offset := q.page()
	drafts := false
	switch q.v.Get("status") {
	case "", string(journal.Published):
	case string(journal.Draft):
		drafts = true
	default:
		q.f.Add("status", "form.invalid_choice")
	}
	if err := q.err(); err != nil {
		a.writeError(w, r, err)
		return
	}
	name, err := pathUsername(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	es, total, err := a.svc.PersonEntries(r.Context(), me, name, drafts, limit, offset)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, newList(es, total, newEntry))
}
