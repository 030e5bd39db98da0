package web

import (
	"net/http"
	"strings"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/interview"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/teacher"
)

// Interview research pages: the list of one's projects, a project's
// overview with its team, records and outlines. Records and coding are in
// interviews_records.go, the code book and outlines in interviews_codes.go,
// frequencies and exports in interviews_analysis.go. The service decides
// every permission; a project someone is not on the team of is a 404.

const interviewProjectsPerPage = 20

// interviewPage is what every page inside a project shares: the project,
// the viewer's access and the tab to mark.
type interviewPage struct {
	*Page
	Project *interview.Project
	Access  service.InterviewAccess
	Tab     string // overview, codes, frequencies; "" for none
}

// choice is one option of a select.
type choice struct {
	Value, Label string
}

// Choices lists the values of a grouping attribute for a select, in
// vocabulary order.
func (v *interviewPage) Choices(g string) []choice {
	var out []choice
	terms := func(ts []teacher.Term) {
		for _, t := range ts {
			out = append(out, choice{t.Key, v.T(t.MessageKey())})
		}
	}
	switch g {
	case interview.ByGender:
		terms(teacher.Genders())
	case interview.ByTitle:
		terms(teacher.Titles())
	case interview.BySubject:
		terms(teacher.Subjects())
	case interview.ByYearsBand:
		for _, b := range interview.YearsBands {
			out = append(out, choice{b, v.T("interview.years_band." + b)})
		}
	case interview.ByLocation:
		for _, l := range space.Locations {
			out = append(out, choice{l, v.T("location." + l)})
		}
	}
	return out
}

// Label translates a record's value of a grouping attribute; "" reads as
// "not stated".
func (v *interviewPage) Label(g, value string) string {
	if value == "" {
		return v.T("interview.not_stated")
	}
	switch g {
	case interview.ByGender:
		return v.T("gender." + value)
	case interview.ByYearsBand:
		return v.T("interview.years_band." + value)
	case interview.ByTitle:
		return v.T("title." + value)
	case interview.ByLocation:
		return v.T("location." + value)
	case interview.BySubject:
		return v.T("subject." + value)
	}
	return value
}

// GroupingName names a grouping: a translated attribute, or a free
// attribute's own name.
func (v *interviewPage) GroupingName(g string) string {
	if name, ok := strings.CutPrefix(g, interview.AttrPrefix); ok {
		return name
	}
	return v.T("interview.grouping." + g)
}

// Groupings lists the built-in grouping attributes.
func (v *interviewPage) Groupings() []string { return interview.Groupings }

// newInterviewPage builds the shared part of a project page.
func (s *Server) newInterviewPage(r *http.Request, p *interview.Project, a service.InterviewAccess, tab string) *interviewPage {
	pg := s.page(r, "")
	pg.Title = p.Title
	return &interviewPage{Page: pg, Project: p, Access: a, Tab: tab}
}

func interviewPath(id int64) string { return "/interviews/" + itoa(id) }

// projectForm is the project form's values as typed.
type projectForm struct {
	Title, Description string
}

func readProjectForm(r *http.Request) projectForm {
	return projectForm{Title: r.PostFormValue("title"), Description: r.PostFormValue("description")}
}

func (f projectForm) input() interview.ProjectInput {
	return interview.ProjectInput{Title: f.Title, Description: f.Description}
}

type interviewProjectsView struct {
	*Page
	Items     []*interview.Project
	Total     int
	Pager     pager
	CanCreate bool
	Form      projectForm
}

func (s *Server) listInterviewProjects(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	v := &interviewProjectsView{Page: s.page(r, "interview.title"), CanCreate: service.MayStartInterviews(u)}
	if !s.loadInterviewProjects(w, r, v) {
		return
	}
	s.takeFlash(w, r, v.Page)
	s.render(w, r, http.StatusOK, "interview_projects", v)
}

func (s *Server) loadInterviewProjects(w http.ResponseWriter, r *http.Request, v *interviewProjectsView) bool {
	page := 1
	if r.Method == http.MethodGet {
		page = pageParam(r)
	}
	items, total, err := s.svc.InterviewProjects(r.Context(), currentUser(r), interviewProjectsPerPage, (page-1)*interviewProjectsPerPage)
	if err != nil {
		s.fail(w, r, err)
		return false
	}
	v.Items, v.Total, v.Pager = items, total, newPager(r, page, interviewProjectsPerPage, total)
	return true
}

func (s *Server) createInterviewProject(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	f := readProjectForm(r)
	p, err := s.svc.CreateInterviewProject(r.Context(), u, f.input())
	if err == nil {
		s.flash(w, "interview.flash.project_created")
		http.Redirect(w, r, interviewPath(p.ID), http.StatusSeeOther)
		return
	}
	v := &interviewProjectsView{Page: s.page(r, "interview.title"), CanCreate: service.MayStartInterviews(u), Form: f}
	status, ok := formErrors(v.Page, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	v.Page.Path = "/interviews"
	if !s.loadInterviewProjects(w, r, v) {
		return
	}
	s.render(w, r, status, "interview_projects", v)
}

// interviewProjectView is a project's overview.
type interviewProjectView struct {
	*interviewPage
	Members  []interview.Member
	Outlines []*interview.Outline
	Records  []*interview.Record
	// Form names the form a refused POST came from (settings, members, delete).
	Form      string
	Settings  projectForm
	Usernames string
}

// Err is the error of one field of one form.
func (v *interviewProjectView) Err(form, field string) string {
	if v.Form != form {
		return ""
	}
	return v.Errors[field]
}

// Lines splits a description into paragraphs.
func (v *interviewProjectView) Lines(text string) []string { return paragraphs(text) }

func (s *Server) interviewProjectPage(w http.ResponseWriter, r *http.Request, id int64) (*interviewProjectView, bool) {
	u := currentUser(r)
	ctx := r.Context()
	p, a, err := s.svc.InterviewProject(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	v := &interviewProjectView{interviewPage: s.newInterviewPage(r, p, a, "overview"),
		Settings: projectForm{Title: p.Title, Description: p.Description}}
	v.Page.Path = interviewPath(id)
	if v.Members, err = s.svc.InterviewMembers(ctx, u, id); err == nil {
		if v.Outlines, err = s.svc.InterviewOutlines(ctx, u, id); err == nil {
			v.Records, err = s.svc.InterviewRecords(ctx, u, id)
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return v, true
}

func (s *Server) showInterviewProject(w http.ResponseWriter, r *http.Request) {
	_, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	v, ok := s.interviewProjectPage(w, r, id)
	if !ok {
		return
	}
	s.takeFlash(w, r, v.Page)
	s.render(w, r, http.StatusOK, "interview_project", v)
}

// afterInterviewProjectAction ends a POST made from a project's overview:
// flash and redirect on success, the overview again with the form's errors
// on a form error, an error page otherwise.
func (s *Server) afterInterviewProjectAction(w http.ResponseWriter, r *http.Request, id int64, err error, flashKey, form string,
	keep func(v *interviewProjectView)) {
	if err == nil {
		s.flash(w, flashKey)
		http.Redirect(w, r, interviewPath(id), http.StatusSeeOther)
		return
	}
	if e, ok := apperr.As(err); !ok || e.Code != apperr.Invalid && e.Code != apperr.Conflict {
		s.fail(w, r, err)
		return
	}
	v, ok := s.interviewProjectPage(w, r, id)
	if !ok {
		return
	}
	status, _ := formErrors(v.Page, err)
	v.Form = form
	if keep != nil {
		keep(v)
	}
	s.render(w, r, status, "interview_project", v)
}

func (s *Server) updateInterviewProject(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	f := readProjectForm(r)
	_, err := s.svc.UpdateInterviewProject(r.Context(), u, id, f.input())
	s.afterInterviewProjectAction(w, r, id, err, "flash.saved", "settings", func(v *interviewProjectView) { v.Settings = f })
}

func (s *Server) deleteInterviewProject(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	if r.PostFormValue("confirm") != "1" {
		f := apperr.Fields{}
		f.Add("confirm", "interview.error.confirm_delete")
		s.afterInterviewProjectAction(w, r, id, f.Err(), "", "delete", nil)
		return
	}
	if err := s.svc.DeleteInterviewProject(r.Context(), u, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "interview.flash.project_deleted")
	http.Redirect(w, r, "/interviews", http.StatusSeeOther)
}

func (s *Server) inviteInterviewMembers(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	names := r.PostFormValue("usernames")
	_, err := s.svc.InviteInterviewMembers(r.Context(), u, id, []string{clip(names, 2000)})
	s.afterInterviewProjectAction(w, r, id, err, "interview.flash.members_added", "members",
		func(v *interviewProjectView) { v.Usernames = names })
}

func (s *Server) removeInterviewMember(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	uid, ok := pathID(r.PathValue("uid"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	err := s.svc.RemoveInterviewMember(r.Context(), u, id, uid)
	if err == nil && uid == u.ID {
		s.flash(w, "interview.flash.left")
		http.Redirect(w, r, "/interviews", http.StatusSeeOther)
		return
	}
	s.afterInterviewProjectAction(w, r, id, err, "interview.flash.member_removed", "members", nil)
}
