package web

import (
	"html/template"
	"net/http"
	"slices"

	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
)

type institutionsView struct {
	*Page
	Items []*space.Space
	Query string
	Pager pager
}

const institutionsPerPage = 50

func (s *Server) listInstitutions(w http.ResponseWriter, r *http.Request) {
	page := pageParam(r)
	q := r.URL.Query().Get("q")
	if len([]rune(q)) > 100 {
		q = string([]rune(q)[:100])
	}
	f := store.InstitutionFilter{Query: q, Limit: institutionsPerPage, Offset: (page - 1) * institutionsPerPage}
	if q == "" {
		f.Level = space.District
	}
	items, total, err := s.svc.Institutions(r.Context(), f)
	if err == nil && total == 0 && q == "" {
		f.Level = ""
		items, total, err = s.svc.Institutions(r.Context(), f)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "institutions", institutionsView{Page: s.page(r, "nav.institutions"), Items: items,
		Query: q, Pager: newPager(r, page, institutionsPerPage, total)})
}

type institutionView struct {
	*Page
	I         *service.InstitutionPage
	Pager     pager
	ChildIn   service.InstitutionInput
	ChildOpen bool
	AnnTitle  string
	AnnBody   string

	// Communities owned by the institution or its subtree, and how many.
	Communities    []*community.Community
	CommunityTotal int

	// The activity stream of the institution's people (streams.go).
	Stream     []streamItemView
	StreamNext string

	// The newest of its featured resources (精品资源), and how many.
	Featured      []*resource.Resource
	FeaturedTotal int

	frag fragmenter
}

// Shared renders one of the page's sections that show the same to every
// viewer who does not manage the institution (its announcements, members
// and sub-units) through the fragment cache, keyed by the read of the
// page's data and the language; managers get theirs, with the forms,
// rendered for them alone.
func (v *institutionView) Shared(name string) (template.HTML, error) {
	if v.I.CanManage {
		return v.frag.execute(name, v)
	}
	return v.frag.render(sharedSectionKey{name: name, read: v.I.Shared, lang: v.Lang}, name, v)
}

const membersPerPage = 30

func (s *Server) institutionPage(w http.ResponseWriter, r *http.Request) (*institutionView, bool) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return nil, false
	}
	page := pageParam(r)
	ip, err := s.svc.Institution(r.Context(), currentUser(r), id, membersPerPage, (page-1)*membersPerPage)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	cs, ctotal, err := s.svc.Communities(r.Context(), currentUser(r), store.CommunityFilter{InstitutionPath: ip.Space.Path, Limit: 10})
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	p := s.page(r, "")
	p.Title = ip.Space.Name
	return &institutionView{Page: p, I: ip, Pager: newPager(r, page, membersPerPage, ip.Space.MemberCount),
		Communities: cs, CommunityTotal: ctotal, frag: s.fragmenter(r, "institution")}, true
}

// showInstitution renders an institutional space. Its activity stream,
// the costliest part (it walks the event log of the school and its groups),
// loads in a second request through htmx once the page is shown, so the page
// itself stays fast; without JavaScript a link leads to the same stream.
func (s *Server) showInstitution(w http.ResponseWriter, r *http.Request) {
	v, ok := s.institutionPage(w, r)
	if !ok {
		return
	}
	if beforeParam(r) != 0 {
		if err := s.institutionStream(r, v); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	// One indexed query for six items; see store.ListResources.
	fr, err := s.svc.SearchResources(r.Context(), currentUser(r), service.ResourceQuery{FeaturedIn: v.I.Space.ID, Limit: 6})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Featured, v.FeaturedTotal = fr.Items, fr.Total
	s.takeFlash(w, r, v.Page)
	s.render(w, r, http.StatusOK, "institution", v)
}

// showInstitutionActivity serves the stream of an institution: the whole
// institution page for a direct visit, which htmx narrows to the section.
func (s *Server) showInstitutionActivity(w http.ResponseWriter, r *http.Request) {
	v, ok := s.institutionPage(w, r)
	if !ok {
		return
	}
	if err := s.institutionStream(r, v); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "institution", v)
}

func institutionInput(r *http.Request) service.InstitutionInput {
	return service.InstitutionInput{Name: r.PostFormValue("name"), Code: r.PostFormValue("code"),
		Description: r.PostFormValue("description"), Location: r.PostFormValue("location")}
}

// institutionEdit reads the edit form, which also switches modules.
func institutionEdit(r *http.Request) service.InstitutionInput {
	in := institutionInput(r)
	in.Modules = []space.Module{}
	for _, m := range r.PostForm["modules"] {
		in.Modules = append(in.Modules, space.Module(m))
	}
	return in
}

func (s *Server) createChildInstitution(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	in := institutionInput(r)
	child, err := s.svc.CreateInstitution(r.Context(), u, id, in)
	if err != nil {
		v, ok := s.institutionPage(w, r)
		if !ok {
			return
		}
		status, ok := formErrors(v.Page, err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		v.ChildIn, v.ChildOpen = in, true
		s.render(w, r, status, "institution", v)
		return
	}
	s.flash(w, "flash.created")
	http.Redirect(w, r, "/i/"+itoa(child.ID), http.StatusSeeOther)
}

type institutionEditView struct {
	*Page
	Space    *space.Space
	In       service.InstitutionInput
	Optional []space.Module
}

// ModuleOn reports whether a module is checked in the form.
func (v institutionEditView) ModuleOn(m space.Module) bool { return slices.Contains(v.In.Modules, m) }

func (s *Server) editInstitutionForm(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	v, ok := s.institutionPage(w, r)
	if !ok {
		return
	}
	if !v.I.CanManage {
		s.renderError(w, r, http.StatusForbidden, "error.forbidden")
		return
	}
	sp := v.I.Space
	s.render(w, r, http.StatusOK, "institution_edit", institutionEditView{Page: v.Page, Space: sp,
		In:       service.InstitutionInput{Name: sp.Name, Code: sp.Code, Description: sp.Description, Location: sp.Location, Modules: sp.Modules},
		Optional: space.Optional(space.Institution)})
}

func (s *Server) updateInstitution(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	in := institutionEdit(r)
	if _, err := s.svc.UpdateInstitution(r.Context(), u, id, in); err != nil {
		p := s.page(r, "institution.edit")
		status, ok := formErrors(p, err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, status, "institution_edit", institutionEditView{Page: p, Space: &space.Space{ID: id}, In: in,
			Optional: space.Optional(space.Institution)})
		return
	}
	s.flash(w, "flash.saved")
	http.Redirect(w, r, "/i/"+itoa(id), http.StatusSeeOther)
}

func (s *Server) postAnnouncement(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	title, body := r.PostFormValue("title"), r.PostFormValue("body")
	if _, err := s.svc.PostAnnouncement(r.Context(), u, id, title, body); err != nil {
		v, ok := s.institutionPage(w, r)
		if !ok {
			return
		}
		status, ok := formErrors(v.Page, err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		v.AnnTitle, v.AnnBody = title, body
		s.render(w, r, status, "institution", v)
		return
	}
	s.flash(w, "institution.announcement_posted")
	http.Redirect(w, r, "/i/"+itoa(id), http.StatusSeeOther)
}

func (s *Server) deleteAnnouncement(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok1 := pathID(r.PathValue("id"))
	aid, ok2 := pathID(r.PathValue("aid"))
	if !ok1 || !ok2 {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if err := s.svc.DeleteAnnouncement(r.Context(), u, id, aid); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.deleted")
	http.Redirect(w, r, "/i/"+itoa(id), http.StatusSeeOther)
}
