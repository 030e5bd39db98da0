package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/briefing"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Community pages: the directory, creating and editing a community, and its
// home page. Membership actions live in community_members.go, theme
// negotiation in themes.go. Every permission is decided by the service; the
// pages only hide what a viewer could not do anyway.

const communitiesPerPage = 20

// latestBriefings is how many published briefings a community's home shows.
const latestBriefings = 3

// communityCard is what the directory's card needs: a community and the
// page for translations.
type communityCard struct {
	P *Page
	C *community.Community
}

func cards(p *Page, cs []*community.Community) []communityCard {
	out := make([]communityCard, len(cs))
	for i, c := range cs {
		out[i] = communityCard{P: p, C: c}
	}
	return out
}

type communitiesView struct {
	*Page
	Mine        []communityCard
	Items       []communityCard
	Total       int
	Query       string
	Institution *space.Space // set when the listing is one institution's subtree
	Pager       pager
	CanCreate   bool
}

// mayStartCommunities tells the directory whether to offer "new community":
// only facilitators, experts and administrators can start one (the service
// has the final word on where).
func mayStartCommunities(u *account.User) bool { return u != nil && u.Role != account.Teacher }

func (s *Server) listCommunities(w http.ResponseWriter, r *http.Request) {
	viewer := currentUser(r)
	ctx := r.Context()
	page := pageParam(r)
	q := clip(strings.TrimSpace(r.URL.Query().Get("q")), 100)
	v := communitiesView{Page: s.page(r, "community.directory"), Query: q, CanCreate: mayStartCommunities(viewer)}
	f := store.CommunityFilter{Query: q, Limit: communitiesPerPage, Offset: (page - 1) * communitiesPerPage}
	if raw := r.URL.Query().Get("institution"); raw != "" {
		id, ok := pathID(raw)
		if !ok {
			s.renderError(w, r, http.StatusNotFound, "error.not_found")
			return
		}
		inst, err := s.svc.InstitutionByID(ctx, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Institution, f.InstitutionPath = inst, inst.Path
	}
	items, total, err := s.svc.Communities(ctx, viewer, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Items, v.Total, v.Pager = cards(v.Page, items), total, newPager(r, page, communitiesPerPage, total)
	if viewer != nil && page == 1 && q == "" && v.Institution == nil {
		mine, _, err := s.svc.Communities(ctx, viewer, store.CommunityFilter{MemberID: viewer.ID, Limit: 50})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Mine = cards(v.Page, mine)
	}
	s.takeFlash(w, r, v.Page)
	s.render(w, r, http.StatusOK, "communities", v)
}

// clip shortens s to at most n characters.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// communityView is a community's home page.
type communityView struct {
	*Page
	C         *community.Community
	A         service.Access
	Period    string
	Themes    []*community.Proposal
	Briefings []*briefing.Briefing // the latest published ones
	Members   []store.Member
	Pager     pager
	Requests  []*store.JoinRequest
	MyRequest *store.JoinRequest
	Roles     []space.MemberRole
	// Form names the form a refused POST came from, so that its field
	// errors and values show beside it and nowhere else.
	Form        string
	JoinMessage string
	InviteNames string
	InviteRole  space.MemberRole
	LinkDays    string
	LinkUses    string
	NewLink     string // an invite link just made: shown this once
	DecideID    int64
	Reason      string

	// shared numbers the read of Members, Themes and Briefings, for the
	// fragment cache (see Shared).
	shared uint64
	frag   fragmenter
}

// sharedSectionKey names a section of a community's home rendered for
// every viewer alike: the read of its data and the language.
type sharedSectionKey struct {
	name string
	read uint64
	lang string
}

// Shared renders one of the home's sections that show the same to every
// viewer (its themes, briefings, and members for those who do not manage
// them) through the fragment cache: a page of thirty members was most of
// the page's rendering time. Leads get their members with the forms to
// manage them, rendered for them alone.
func (v *communityView) Shared(name string) (template.HTML, error) {
	if name == "community-members" && v.A.Lead && !v.A.Archived {
		return v.frag.execute(name, v)
	}
	return v.frag.render(sharedSectionKey{name: name, read: v.shared, lang: v.Lang}, name, v)
}

// Err is the error of one field of one form.
func (v *communityView) Err(form, field string) string {
	if v.Form != form {
		return ""
	}
	return v.Errors[field]
}

// Lines splits plain text (a purpose) into paragraphs for display.
func (v *communityView) Lines(text string) []string { return paragraphs(text) }

func paragraphs(text string) []string {
	var out []string
	for p := range strings.SplitSeq(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// communityPath is the canonical address of a community's home.
func communityPath(id int64) string { return "/c/" + itoa(id) }

// communityPage loads everything the home page shows. A POST that re-renders
// the page gets the home's path for its pager and language switch, not the
// action's.
func (s *Server) communityPage(w http.ResponseWriter, r *http.Request, id int64) (*communityView, bool) {
	viewer := currentUser(r)
	ctx := r.Context()
	page := 1
	pr := &http.Request{URL: &url.URL{Path: communityPath(id)}}
	if r.Method == http.MethodGet {
		page, pr = pageParam(r), r
	}
	h, err := s.svc.CommunityHome(ctx, viewer, id, membersPerPage, (page-1)*membersPerPage, latestBriefings)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	c := h.Community
	v := &communityView{C: c, A: h.Access, Roles: community.Roles, InviteRole: community.RoleMember, LinkDays: strconv.Itoa(service.DefaultInviteDays),
		Members: h.Members, Themes: h.Themes, Briefings: h.Briefings, Requests: h.Requests, MyRequest: h.MyRequest,
		shared: h.Shared, frag: s.fragmenter(r, "community")}
	v.Page = s.page(r, "")
	v.Page.Title, v.Page.Path = c.Space.Name, communityPath(id)
	v.Pager = newPager(pr, page, membersPerPage, c.Space.MemberCount)
	v.Period = period(v.Page, c)
	return v, true
}

// period phrases a community's dates.
func period(p *Page, c *community.Community) string {
	switch {
	case c.StartsOn != nil && c.EndsOn != nil:
		return p.T("community.period", "from", formatDay(c.StartsOn), "to", formatDay(c.EndsOn))
	case c.StartsOn != nil:
		return p.T("community.period_from", "from", formatDay(c.StartsOn))
	case c.EndsOn != nil:
		return p.T("community.period_to", "to", formatDay(c.EndsOn))
	}
	return ""
}

func (s *Server) showCommunity(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	v, ok := s.communityPage(w, r, id)
	if !ok {
		return
	}
	s.takeFlash(w, r, v.Page)
	s.render(w, r, http.StatusOK, "community", v)
}

// afterCommunityAction ends a POST made from a community's home: a flash
// and a redirect home on success; on a form error (invalid input, a
// conflict such as an archived community) the home again with the form's
// values kept by keep; anything else is an error page.
func (s *Server) afterCommunityAction(w http.ResponseWriter, r *http.Request, id int64, err error, flashKey, form string, keep func(v *communityView)) {
	if err == nil {
		s.flash(w, flashKey)
		http.Redirect(w, r, communityPath(id), http.StatusSeeOther)
		return
	}
	if e, ok := apperr.As(err); !ok || statusOf(e.Code) != http.StatusUnprocessableEntity && e.Code != apperr.Conflict {
		s.fail(w, r, err)
		return
	}
	v, ok := s.communityPage(w, r, id)
	if !ok {
		return
	}
	status, _ := formErrors(v.Page, err)
	v.Form = form
	if keep != nil {
		keep(v)
	}
	s.render(w, r, status, "community", v)
}

// communityID reads the {id} of a community route, answering 404 to junk.
func (s *Server) communityID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
	}
	return id, ok
}

func (s *Server) setCommunityStatus(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := s.communityID(w, r)
	if !ok {
		return
	}
	err := s.svc.SetCommunityStatus(r.Context(), u, id, community.Status(r.PostFormValue("status")))
	s.afterCommunityAction(w, r, id, err, "community.flash.status_changed", "status", nil)
}
