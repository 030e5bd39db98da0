package web

import (
	"net/http"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/store"
)

type homeView struct {
	*Page
	Events []eventView
}

// eventView is an event phrased for people.
type eventView struct {
	Text string
	Link string
	At   string
}

func (s *Server) showHome(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	p := s.page(r, "nav.home")
	s.takeFlash(w, r, p)
	v := homeView{Page: p}
	if u != nil {
		evs, err := s.svc.Timeline(r.Context(), u, u, 0, 10)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Events = s.describeEvents(p, evs)
	}
	s.render(w, r, http.StatusOK, "home", v)
}

// describeEvents turns events into sentences for a timeline.
func (s *Server) describeEvents(p *Page, evs []*event.Event) []eventView {
	out := make([]eventView, 0, len(evs))
	for _, e := range evs {
		ev := eventView{At: p.Date(e.At), Text: p.T("event." + string(e.Verb) + "." + e.ObjectType)}
		if e.ObjectType == event.ObjJournalEntry && e.Verb != event.Deleted {
			ev.Link = "/journal/" + itoa(e.ObjectID)
		}
		if title := contextTitle(e.Context); title != "" {
			ev.Text += "：" + title
		}
		out = append(out, ev)
	}
	return out
}

type spaceView struct {
	*Page
	S           *service.PersonalSpace
	Pager       pager
	Events      []eventView
	Subjects    []string
	Communities []*community.Community // the owner's, as far as the viewer may see them
	// TimelineLoaded is set when the timeline is part of this response.
	TimelineLoaded bool
}

const entriesPerPage = 10

// showPersonalSpace renders a personal space. Its timeline loads in a
// second request through htmx (showPersonalTimeline), as the institution
// page's stream does, so the page itself stays cheap; without JavaScript a
// link leads to the same timeline.
func (s *Server) showPersonalSpace(w http.ResponseWriter, r *http.Request) {
	s.personalSpacePage(w, r, false)
}

// showPersonalTimeline serves a personal space with its timeline: the whole
// page for a direct visit, which htmx narrows to the timeline section.
func (s *Server) showPersonalTimeline(w http.ResponseWriter, r *http.Request) {
	s.personalSpacePage(w, r, true)
}

func (s *Server) personalSpacePage(w http.ResponseWriter, r *http.Request, withTimeline bool) {
	viewer := currentUser(r)
	page := pageParam(r)
	ps, err := s.svc.PersonalSpace(r.Context(), viewer, r.PathValue("username"), entriesPerPage, (page-1)*entriesPerPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "space.title", "name", ps.Owner.Name())
	s.takeFlash(w, r, p)
	v := spaceView{Page: p, S: ps, Pager: newPager(r, page, entriesPerPage, ps.EntryTotal), Subjects: subjectNames(p, ps.Owner)}
	if withTimeline {
		evs, err := s.svc.Timeline(r.Context(), viewer, ps.Owner, 0, 8)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Events, v.TimelineLoaded = s.describeEvents(p, evs), true
	}
	if page == 1 {
		if v.Communities, _, err = s.svc.Communities(r.Context(), viewer, store.CommunityFilter{MemberID: ps.Owner.ID, Limit: 20}); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "space", v)
}

func subjectNames(p *Page, u *account.User) []string {
	out := make([]string, len(u.Subjects))
	for i, k := range u.Subjects {
		out[i] = p.T("subject." + k)
	}
	return out
}

func (s *Server) follow(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	name := r.PathValue("username")
	if err := s.svc.Follow(r.Context(), u, name, r.PostFormValue("action") != "unfollow"); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/u/"+name, http.StatusSeeOther)
}
