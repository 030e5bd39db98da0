package web

import (
	"net/http"

	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/store"
)

// A community's announcements: the list for its readers, with the posting
// form and delete buttons for its hosts and facilitators.

const announcementsShown = 50

type communityAnnouncementsView struct {
	*Page
	C     *community.Community
	A     service.Access
	Items []*store.Announcement
	// The posting form as typed, when it was refused.
	AnnTitle, AnnBody string
}

// announcementsPage loads the list; a refused POST re-renders it under the
// list's own path.
func (s *Server) announcementsPage(w http.ResponseWriter, r *http.Request, id int64) (*communityAnnouncementsView, bool) {
	viewer := currentUser(r)
	c, a, err := s.svc.Community(r.Context(), viewer, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	items, err := s.svc.CommunityAnnouncements(r.Context(), viewer, id, announcementsShown)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	p := s.page(r, "briefing.announcements.title")
	p.Path = "/c/" + itoa(id) + "/announcements"
	return &communityAnnouncementsView{Page: p, C: c, A: a, Items: items}, true
}

func (s *Server) showCommunityAnnouncements(w http.ResponseWriter, r *http.Request) {
	id, ok := s.spaceIDParam(w, r)
	if !ok {
		return
	}
	v, ok := s.announcementsPage(w, r, id)
	if !ok {
		return
	}
	s.takeFlash(w, r, v.Page)
	s.render(w, r, http.StatusOK, "community_announcements", v)
}

func (s *Server) postCommunityAnnouncement(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := s.spaceIDParam(w, r)
	if !ok {
		return
	}
	title, body := r.PostFormValue("title"), r.PostFormValue("body")
	if _, err := s.svc.PostCommunityAnnouncement(r.Context(), u, id, title, body); err != nil {
		v, ok := s.announcementsPage(w, r, id)
		if !ok {
			return
		}
		status, ok := formErrors(v.Page, err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		v.AnnTitle, v.AnnBody = title, body
		s.render(w, r, status, "community_announcements", v)
		return
	}
	s.flash(w, "institution.announcement_posted")
	http.Redirect(w, r, "/c/"+itoa(id)+"/announcements", http.StatusSeeOther)
}

func (s *Server) deleteCommunityAnnouncement(w http.ResponseWriter, r *http.Request) {
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
	if err := s.svc.DeleteCommunityAnnouncement(r.Context(), u, id, aid); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.deleted")
	http.Redirect(w, r, "/c/"+itoa(id)+"/announcements", http.StatusSeeOther)
}
