package web

import (
	"net/http"

	"github.com/yanxiu/yanxiu/internal/journal"
	"github.com/yanxiu/yanxiu/internal/space"
)

type entryFormView struct {
	*Page
	Entry        *journal.Entry // nil when new
	In           journal.Input
	Visibilities []space.Visibility
}

func (s *Server) newEntryForm(w http.ResponseWriter, r *http.Request) {
	if s.requireUser(w, r) == nil {
		return
	}
	s.render(w, r, http.StatusOK, "entry_form", entryFormView{Page: s.page(r, "journal.new"),
		In: journal.Input{Visibility: space.Public}, Visibilities: space.Visibilities})
}

func entryInput(r *http.Request) journal.Input {
	return journal.Input{Title: r.PostFormValue("title"), Body: r.PostFormValue("body"),
		Visibility: space.Visibility(r.PostFormValue("visibility")), Publish: r.PostFormValue("publish") != ""}
}

func (s *Server) createEntry(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	in := entryInput(r)
	e, err := s.svc.CreateEntry(r.Context(), u, in)
	if err != nil {
		s.entryFormError(w, r, nil, in, err)
		return
	}
	s.flash(w, map[bool]string{true: "journal.published", false: "journal.saved_draft"}[e.Status == journal.Published])
	http.Redirect(w, r, "/journal/"+itoa(e.ID), http.StatusSeeOther)
}

func (s *Server) entryFormError(w http.ResponseWriter, r *http.Request, e *journal.Entry, in journal.Input, err error) {
	title := "journal.new"
	if e != nil {
		title = "journal.edit"
	}
	p := s.page(r, title)
	status, ok := formErrors(p, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "entry_form", entryFormView{Page: p, Entry: e, In: in, Visibilities: space.Visibilities})
}

type entryView struct {
	*Page
	E        *journal.Entry
	Comments []*journal.Comment
	IsAuthor bool
	Body     string
}

func (s *Server) showEntry(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	viewer := currentUser(r)
	e, err := s.svc.Entry(r.Context(), viewer, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	comments, err := s.svc.Comments(r.Context(), viewer, id, 200, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "")
	p.Title = e.Title
	s.takeFlash(w, r, p)
	s.render(w, r, http.StatusOK, "entry", entryView{Page: p, E: e, Comments: comments,
		IsAuthor: viewer != nil && viewer.ID == e.AuthorID})
}

func (s *Server) editEntryForm(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	e, err := s.svc.Entry(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if e.AuthorID != u.ID {
		s.renderError(w, r, http.StatusForbidden, "error.forbidden")
		return
	}
	s.render(w, r, http.StatusOK, "entry_form", entryFormView{Page: s.page(r, "journal.edit"), Entry: e,
		In: journal.Input{Title: e.Title, Body: e.Body, Visibility: e.Visibility}, Visibilities: space.Visibilities})
}

func (s *Server) updateEntry(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	in := entryInput(r)
	e, err := s.svc.UpdateEntry(r.Context(), u, id, in)
	if err != nil {
		s.entryFormError(w, r, &journal.Entry{ID: id}, in, err)
		return
	}
	s.flash(w, "flash.saved")
	http.Redirect(w, r, "/journal/"+itoa(e.ID), http.StatusSeeOther)
}

func (s *Server) deleteEntry(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	if err := s.svc.DeleteEntry(r.Context(), u, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.deleted")
	http.Redirect(w, r, "/u/"+u.Username, http.StatusSeeOther)
}

func (s *Server) addComment(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	if _, err := s.svc.AddComment(r.Context(), u, id, r.PostFormValue("body")); err != nil {
		e, gerr := s.svc.Entry(r.Context(), u, id)
		if gerr != nil {
			s.fail(w, r, gerr)
			return
		}
		p := s.page(r, "")
		p.Title = e.Title
		status, ok := formErrors(p, err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		comments, _ := s.svc.Comments(r.Context(), u, id, 200, 0)
		s.render(w, r, status, "entry", entryView{Page: p, E: e, Comments: comments, IsAuthor: u.ID == e.AuthorID,
			Body: r.PostFormValue("body")})
		return
	}
	http.Redirect(w, r, "/journal/"+itoa(id)+"#comments", http.StatusSeeOther)
}

type draftsView struct {
	*Page
	Entries []*journal.Entry
	Pager   pager
}

func (s *Server) showDrafts(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	page := pageParam(r)
	es, total, err := s.svc.Entries(r.Context(), u, u, true, entriesPerPage, (page-1)*entriesPerPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "drafts", draftsView{Page: s.page(r, "journal.drafts"), Entries: es,
		Pager: newPager(r, page, entriesPerPage, total)})
}
