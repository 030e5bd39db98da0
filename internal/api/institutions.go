package api

import (
	"net/http"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
)

// listInstitutions answers GET /institutions: all institutions in tree
// order, or the children of parent, or the subtree under an institution,
// optionally of one level and matching q.
func (a *API) listInstitutions(w http.ResponseWriter, r *http.Request, me *account.User) {
	q := newQuery(r)
	in := service.InstitutionQuery{ParentID: q.id("parent"), UnderID: q.id("under"),
		Level: space.Level(q.str("level", 16)), Query: q.str("q", maxQuery)}
	in.Limit, in.Offset = q.page()
	if err := q.err(); err != nil {
		a.writeError(w, r, err)
		return
	}
	ss, total, err := a.svc.FindInstitutions(r.Context(), in)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, newList(ss, total, newInstitution))
}

// showInstitution answers GET /institutions/{id}.
func (a *API) showInstitution(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	s, err := a.svc.InstitutionByID(r.Context(), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, newInstitution(s))
}

// createInstitution answers POST /institutions: admins add institutions to
// the subtree they manage (platform admins also add root regions).
func (a *API) createInstitution(w http.ResponseWriter, r *http.Request, me *account.User) {
	var body institutionCreate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	s, err := a.svc.CreateInstitution(r.Context(), me, body.ParentID, body.input())
	if apperr.Is(err, apperr.NotFound) {
		// The one thing that can be missing is the parent named in the body,
		// which is a bad field rather than a missing page.
		f := apperr.Fields{}
		f.Add("parent_id", "api.field.unknown_institution")
		err = f.Err()
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusCreated, newInstitution(s))
}
