package api

import (
	"net/http"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
)

// A document's history beyond the list of revisions: the readable diff
// between any two revisions, and revert. Reverting saves the old text as a
// new revision from base_id like any save, so a revert from a stale
// history never undoes someone's work unseen: it answers 409 with both
// sides, as the web's conflict screen shows them.

// showRevisionDiff answers GET /resources/{id}/diff?from=&to= with the
// diff section by section, in hunks of kept, inserted and deleted lines.
func (a *API) showRevisionDiff(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	q := newQuery(r)
	from, to := q.id("from"), q.id("to")
	for _, name := range []string{"from", "to"} {
		if q.v.Get(name) == "" {
			q.f.Add(name, "form.required")
		}
	}
	if err := q.err(); err != nil {
		a.writeError(w, r, err)
		return
	}
	c, err := a.svc.CompareRevisions(r.Context(), me, id, from, to)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, newRevisionDiff(c))
}

// revertResource answers POST /resources/{id}/revert: 201 with the new
// revision, which holds the text of revision_id; 409 with the conflict
// when base_id is no longer the current revision.
func (a *API) revertResource(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body revertBody
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	f := apperr.Fields{}
	if body.RevisionID <= 0 {
		f.Add("revision_id", "api.field.id")
	}
	if body.BaseID <= 0 {
		f.Add("base_id", "api.field.id")
	}
	if err := f.Err(); err != nil {
		a.writeError(w, r, err)
		return
	}
	old, err := a.svc.ResourceRevision(r.Context(), me, id, body.RevisionID)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	note := body.Note
	if note == "" {
		note = a.cat.T(lang(r), "resource.revert.note", "n", old.Number)
	}
	rev, err := a.svc.RevertRevision(r.Context(), me, id, body.RevisionID, body.BaseID, note)
	if err != nil {
		a.writeSaveError(w, r, me, id, body.BaseID, old.Title, old.Body.Texts(), err)
		return
	}
	a.writeJSON(w, http.StatusCreated, newRevision(rev))
}

// writeSaveError answers a refused save or revert. A conflict (someone
// saved since base) answers 409 with the conflict screen's data: the
// refused text against the base and the current revision, and a proposed
// merge. Any other error answers as usual.
func (a *API) writeSaveError(w http.ResponseWriter, r *http.Request, me *account.User, id, base int64, title string, sections map[string]string, err error) {
	e, ok := apperr.As(err)
	if !ok || e.Code != apperr.Conflict {
		a.writeError(w, r, err)
		return
	}
	c, cerr := a.svc.EditConflict(r.Context(), me, id, base, title, sections)
	if cerr != nil {
		a.writeError(w, r, cerr)
		return
	}
	l := lang(r)
	w.Header().Set("Content-Language", l)
	a.writeJSON(w, http.StatusConflict, conflictEnvelope{Error: errorDTO{Code: e.Code,
		Message: a.cat.T(l, e.Key, pairs(e.Args)...), Fields: map[string]string{}}, Conflict: newConflict(c)})
}
