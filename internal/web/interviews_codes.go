package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/interview"
	"github.com/yanxiu/yanxiu/internal/service"
)

// The code book (list, create, a code's page with its quotes, rename,
// move, merge, delete) and interview outlines.

const codeQuotesPerPage = 30

// codeForm is the code form's values as typed.
type codeForm struct {
	Name, Definition, Example string
	ParentID                  int64
}

func readCodeForm(r *http.Request) codeForm {
	f := codeForm{Name: r.PostFormValue("name"), Definition: r.PostFormValue("definition"), Example: r.PostFormValue("example")}
	f.ParentID, _ = pathID(r.PostFormValue("parent"))
	return f
}

func (f codeForm) input() interview.CodeInput {
	return interview.CodeInput{Name: f.Name, Definition: f.Definition, Example: f.Example, ParentID: f.ParentID}
}

// codeBookView is a project's code book with the form for a new code.
type codeBookView struct {
	*interviewPage
	Book  *interview.Book
	Nodes []interview.Node
	F     codeForm
}

// Indent pads a code's name by its depth in a select.
func (v *codeBookView) Indent(depth int) string { return strings.Repeat("　", depth) }

// Lines splits a definition into paragraphs.
func (v *codeBookView) Lines(text string) []string { return paragraphs(text) }

func (s *Server) codeBookPage(w http.ResponseWriter, r *http.Request, id int64, f codeForm) (*codeBookView, bool) {
	u := currentUser(r)
	p, a, err := s.svc.InterviewProject(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	book, err := s.svc.InterviewCodeBook(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	v := &codeBookView{interviewPage: s.newInterviewPage(r, p, a, "codes"), Book: book, Nodes: book.Tree(), F: f}
	v.Page.Title = v.T("interview.codes.title") + " · " + p.Title
	v.Page.Path = interviewPath(id) + "/codes"
	return v, true
}

func (s *Server) showInterviewCodeBook(w http.ResponseWriter, r *http.Request) {
	_, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	v, ok := s.codeBookPage(w, r, id, codeForm{})
	if !ok {
		return
	}
	s.takeFlash(w, r, v.Page)
	s.render(w, r, http.StatusOK, "interview_codes", v)
}

func (s *Server) createInterviewCode(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	f := readCodeForm(r)
	_, err := s.svc.CreateInterviewCode(r.Context(), u, id, f.input())
	if err == nil {
		s.flash(w, "interview.flash.code_created")
		http.Redirect(w, r, interviewPath(id)+"/codes", http.StatusSeeOther)
		return
	}
	if e, ok := apperr.As(err); !ok || e.Code != apperr.Invalid && e.Code != apperr.Conflict {
		s.fail(w, r, err)
		return
	}
	v, ok := s.codeBookPage(w, r, id, f)
	if !ok {
		return
	}
	status, _ := formErrors(v.Page, err)
	s.render(w, r, status, "interview_codes", v)
}

// codeView is one code: its form, the merge and delete forms, and the
// passages coded with it or below it.
type codeView struct {
	*interviewPage
	Code     *interview.Code
	Book     *interview.Book
	Parents  []interview.Node // where it may move: outside its own subtree
	Targets  []interview.Node // what it may merge into: likewise
	Quotes   []*interview.Segment
	Total    int
	Pager    pager
	F        codeForm
	Form     string // the form a refused POST came from: edit, merge, delete
	IntoID   int64
	MayAlter bool // merge and delete: its maker or the owner
}

// Indent pads a code's name by its depth in a select.
func (v *codeView) Indent(depth int) string { return strings.Repeat("　", depth) }

// Err is the error of one field of one form.
func (v *codeView) Err(form, field string) string {
	if v.Form != form {
		return ""
	}
	return v.Errors[field]
}

// MayRemove reports whether the viewer may uncode a passage.
func (v *codeView) MayRemove(sg *interview.Segment) bool {
	return v.Access.Removes(v.User.ID, sg.CoderID)
}

// CodePath names a code with its ancestors.
func (v *codeView) CodePath(id int64) string { return v.Book.Path(id) }

func interviewCodePath(id int64) string { return "/interview-codes/" + itoa(id) }

func (s *Server) codePage(w http.ResponseWriter, r *http.Request, id int64) (*codeView, bool) {
	u := currentUser(r)
	ctx := r.Context()
	c, p, a, err := s.svc.InterviewCode(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	book, err := s.svc.InterviewCodeBook(ctx, u, p.ID)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	page := 1
	if r.Method == http.MethodGet {
		page = pageParam(r)
	}
	quotes, total, err := s.svc.InterviewCodeSegments(ctx, u, id, codeQuotesPerPage, (page-1)*codeQuotesPerPage)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	v := &codeView{interviewPage: s.newInterviewPage(r, p, a, "codes"), Code: c, Book: book, Quotes: quotes, Total: total,
		F:        codeForm{Name: c.Name, Definition: c.Definition, Example: c.Example, ParentID: c.ParentID},
		MayAlter: a.Removes(u.ID, c.CreatedBy)}
	v.Page.Title, v.Page.Path = c.Name, interviewCodePath(id)
	pr := r
	if r.Method != http.MethodGet {
		pr = &http.Request{URL: &url.URL{Path: interviewCodePath(id)}}
	}
	v.Pager = newPager(pr, page, codeQuotesPerPage, total)
	own := book.Subtree(id)
	for _, n := range book.Tree() {
		if !slices.Contains(own, n.Code.ID) {
			v.Parents = append(v.Parents, n)
			v.Targets = append(v.Targets, n)
		}
	}
	return v, true
}

func (s *Server) showInterviewCode(w http.ResponseWriter, r *http.Request) {
	_, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	v, ok := s.codePage(w, r, id)
	if !ok {
		return
	}
	s.takeFlash(w, r, v.Page)
	s.render(w, r, http.StatusOK, "interview_code", v)
}

// afterCodeAction re-renders a code's page with a refused form's errors.
func (s *Server) afterCodeAction(w http.ResponseWriter, r *http.Request, id int64, err error, form string, keep func(v *codeView)) {
	if e, ok := apperr.As(err); !ok || e.Code != apperr.Invalid && e.Code != apperr.Conflict {
		s.fail(w, r, err)
		return
	}
	v, ok := s.codePage(w, r, id)
	if !ok {
		return
	}
	status, _ := formErrors(v.Page, err)
	v.Form = form
	if keep != nil {
		keep(v)
	}
	s.render(w, r, status, "interview_code", v)
}

func (s *Server) updateInterviewCode(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	f := readCodeForm(r)
	if _, err := s.svc.UpdateInterviewCode(r.Context(), u, id, f.input()); err != nil {
		s.afterCodeAction(w, r, id, err, "edit", func(v *codeView) { v.F = f })
		return
	}
	s.flash(w, "flash.saved")
	http.Redirect(w, r, interviewCodePath(id), http.StatusSeeOther)
}

func (s *Server) mergeInterviewCode(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	into, _ := pathID(r.PostFormValue("into"))
	res, err := s.svc.MergeInterviewCode(r.Context(), u, id, into)
	if err != nil {
		s.afterCodeAction(w, r, id, err, "merge", func(v *codeView) { v.IntoID = into })
		return
	}
	s.flash(w, "interview.flash.codes_merged")
	http.Redirect(w, r, interviewCodePath(res.Into.ID), http.StatusSeeOther)
}

func (s *Server) deleteInterviewCode(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	p, err := s.svc.DeleteInterviewCode(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.deleted")
	http.Redirect(w, r, interviewPath(p.ID)+"/codes", http.StatusSeeOther)
}

// outlineForm is the outline form's values as typed: the questions in
// their text form (interview.ParseQuestions).
type outlineForm struct {
	Title, Intro, Questions string
}

func readOutlineForm(r *http.Request) outlineForm {
	return outlineForm{Title: r.PostFormValue("title"), Intro: r.PostFormValue("intro"), Questions: r.PostFormValue("questions")}
}

func (f outlineForm) input() interview.OutlineInput {
	return interview.OutlineInput{Title: f.Title, Intro: f.Intro, Questions: interview.ParseQuestions(f.Questions)}
}

// outlineView is an outline's page: the questions as the interviewer reads
// them, and the form that edits them.
type outlineView struct {
	*interviewPage
	Outline *interview.Outline // nil for a new one
	F       outlineForm
	Action  string
	MayDrop bool
}

func (s *Server) renderOutline(w http.ResponseWriter, r *http.Request, status int, p *interview.Project, a service.InterviewAccess,
	o *interview.Outline, f outlineForm, err error) {
	v := &outlineView{interviewPage: s.newInterviewPage(r, p, a, ""), Outline: o, F: f, Action: interviewPath(p.ID) + "/outlines"}
	v.Page.Title, v.Page.Path = v.T("interview.outline.new"), v.Action+"/new"
	if o != nil {
		v.Action = "/interview-outlines/" + itoa(o.ID)
		v.Page.Title, v.Page.Path = o.Title, v.Action
		v.MayDrop = a.Removes(v.User.ID, o.CreatedBy)
	}
	if err != nil {
		st, ok := formErrors(v.Page, err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		status = st
	}
	s.render(w, r, status, "interview_outline", v)
}

func (s *Server) newInterviewOutlineForm(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	p, a, err := s.svc.InterviewProject(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderOutline(w, r, http.StatusOK, p, a, nil, outlineForm{}, nil)
}

func (s *Server) createInterviewOutline(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	f := readOutlineForm(r)
	o, err := s.svc.CreateInterviewOutline(r.Context(), u, id, f.input())
	if err == nil {
		s.flash(w, "interview.flash.outline_saved")
		http.Redirect(w, r, "/interview-outlines/"+itoa(o.ID), http.StatusSeeOther)
		return
	}
	p, a, perr := s.svc.InterviewProject(r.Context(), u, id)
	if perr != nil {
		s.fail(w, r, perr)
		return
	}
	s.renderOutline(w, r, http.StatusUnprocessableEntity, p, a, nil, f, err)
}

func (s *Server) showInterviewOutline(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	o, p, a, err := s.svc.InterviewOutline(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := outlineForm{Title: o.Title, Intro: o.Intro, Questions: interview.FormatQuestions(o.Questions)}
	v := &outlineView{interviewPage: s.newInterviewPage(r, p, a, ""), Outline: o, F: f, Action: "/interview-outlines/" + itoa(o.ID),
		MayDrop: a.Removes(currentUser(r).ID, o.CreatedBy)}
	v.Page.Title, v.Page.Path = o.Title, v.Action
	s.takeFlash(w, r, v.Page)
	s.render(w, r, http.StatusOK, "interview_outline", v)
}

func (s *Server) updateInterviewOutline(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	f := readOutlineForm(r)
	_, err := s.svc.UpdateInterviewOutline(r.Context(), u, id, f.input())
	if err == nil {
		s.flash(w, "interview.flash.outline_saved")
		http.Redirect(w, r, "/interview-outlines/"+itoa(id), http.StatusSeeOther)
		return
	}
	o, p, a, oerr := s.svc.InterviewOutline(r.Context(), u, id)
	if oerr != nil {
		s.fail(w, r, oerr)
		return
	}
	s.renderOutline(w, r, http.StatusUnprocessableEntity, p, a, o, f, err)
}

func (s *Server) deleteInterviewOutline(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	p, err := s.svc.DeleteInterviewOutline(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.deleted")
	http.Redirect(w, r, interviewPath(p.ID)+"#outlines", http.StatusSeeOther)
}
