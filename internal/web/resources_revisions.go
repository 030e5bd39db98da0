package web

import (
	"net/http"
	"strconv"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/service"
)

// A document's history: the list of revisions with author and time, the
// diff between any two, revert, and the conflict screen a refused save
// leads to. The conflict screen never moves the editor's base silently:
// it shows what the other person changed and what this person changed,
// each against the revision both started from, and a merged text to edit
// that is saved on top of the current revision.

// maxHistory is how many revisions the history page lists (newest first).
const maxHistory = 200

// revisionRow is one line of the history: the revision and the one before
// it (0 for the first), to diff against.
type revisionRow struct {
	*resource.Revision
	PrevID int64
}

type revisionHistoryView struct {
	*Page
	Resource  *resource.Resource
	Revisions []revisionRow
	Total     int
	CurrentID int64
	CoEdit    bool
}

// showResourceRevisions answers GET /resources/{id}/revisions.
func (s *Server) showResourceRevisions(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	u := currentUser(r)
	res, err := s.svc.ResourceByID(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if res.Kind != resource.Document {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	revs, total, err := s.svc.ResourceRevisions(r.Context(), u, id, maxHistory, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := make([]revisionRow, len(revs))
	for i, v := range revs {
		rows[i].Revision = v
		if i+1 < len(revs) {
			rows[i].PrevID = revs[i+1].ID
		}
	}
	coEdit := false
	if u != nil {
		if rp, err := s.svc.ResourceRights(r.Context(), u, res); err == nil {
			coEdit = rp.CoEdit
		}
	}
	p := s.page(r, "resource.history.title", "title", res.Title)
	s.takeFlash(w, r, p)
	s.render(w, r, http.StatusOK, "resource_history", revisionHistoryView{Page: p, Resource: res, Revisions: rows,
		Total: total, CurrentID: res.RevisionID, CoEdit: coEdit})
}

type revisionDiffView struct {
	*Page
	*service.RevisionComparison
}

// showRevisionDiff answers GET /resources/{id}/revisions/compare?from=&to=.
func (s *Server) showRevisionDiff(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r.PathValue("id"))
	from, ok1 := pathID(r.URL.Query().Get("from"))
	to, ok2 := pathID(r.URL.Query().Get("to"))
	if !ok || !ok1 || !ok2 {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	c, err := s.svc.CompareRevisions(r.Context(), currentUser(r), id, from, to)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "resource.diff.title", "from", c.From.Number, "to", c.To.Number)
	s.render(w, r, http.StatusOK, "resource_diff", revisionDiffView{Page: p, RevisionComparison: c})
}

// revertRevision answers POST /resources/{id}/revisions/{rev}/revert with
// base_id, the current revision when the history page was shown.
func (s *Server) revertRevision(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	revID, ok := pathID(r.PathValue("rev"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	base, _ := strconv.ParseInt(r.PostFormValue("base_id"), 10, 64)
	p := s.page(r, "")
	n, _ := strconv.Atoi(r.PostFormValue("number"))
	if _, err := s.svc.RevertRevision(r.Context(), u, id, revID, base, p.T("resource.revert.note", "n", n)); err != nil {
		if e, ok := apperr.As(err); ok && e.Code == apperr.Conflict {
			s.flash(w, "resource.revert.conflict")
			http.Redirect(w, r, "/resources/"+itoa(id)+"/revisions", http.StatusSeeOther)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flash(w, "resource.flash.reverted")
	http.Redirect(w, r, "/resources/"+itoa(id), http.StatusSeeOther)
}

type conflictView struct {
	*Page
	*service.EditConflict
	Sections []conflictSection
	Note     string
}

// conflictSection is one section of the conflict screen: both changes and
// the merged text to edit.
type conflictSection struct {
	Key, Label, Merged string
	Theirs, Yours      resource.SectionDiff
	Clash              bool
}

// showConflict renders the conflict screen (409) for a refused save.
func (s *Server) showConflict(w http.ResponseWriter, r *http.Request, u *account.User, id, base int64, title string, texts map[string]string, note string) {
	c, err := s.svc.EditConflict(r.Context(), u, id, base, title, texts)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "resource.conflict.title")
	v := conflictView{Page: p, EditConflict: c, Note: note}
	for i, k := range c.Resource.DocType.Sections() {
		v.Sections = append(v.Sections, conflictSection{Key: k, Label: p.T("resource.section." + k),
			Merged: c.Merged.Text(k), Theirs: c.Theirs[i], Yours: c.Yours[i], Clash: containsString(c.Clashes, k)})
	}
	s.render(w, r, http.StatusConflict, "resource_conflict", v)
}
