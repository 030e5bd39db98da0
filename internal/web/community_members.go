package web

import (
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/space"
)

// Membership actions on a community's home page: joining (open, by request,
// by a named invitation), leaving, deciding join requests, inviting by name
// or by link, and the leads' member management.

func (s *Server) joinCommunity(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := s.communityID(w, r)
	if !ok {
		return
	}
	msg := r.PostFormValue("message")
	joined, err := s.svc.Join(r.Context(), u, id, msg)
	flash := "community.flash.requested"
	if joined {
		flash = "community.flash.joined"
	}
	s.afterCommunityAction(w, r, id, err, flash, "join", func(v *communityView) { v.JoinMessage = msg })
}

func (s *Server) leaveCommunity(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := s.communityID(w, r)
	if !ok {
		return
	}
	if err := s.svc.Leave(r.Context(), u, id); err != nil {
		s.afterCommunityAction(w, r, id, err, "", "leave", nil)
		return
	}
	// The community may be private: its home is no longer readable.
	s.flash(w, "community.flash.left")
	http.Redirect(w, r, "/c", http.StatusSeeOther)
}

func (s *Server) decideJoinRequest(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok1 := pathID(r.PathValue("id"))
	rid, ok2 := pathID(r.PathValue("rid"))
	decision := r.PostFormValue("decision")
	if !ok1 || !ok2 {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if decision != "approve" && decision != "decline" {
		s.renderError(w, r, http.StatusBadRequest, "error.bad_request")
		return
	}
	reason := r.PostFormValue("reason")
	err := s.svc.DecideJoinRequest(r.Context(), u, id, rid, decision == "approve", reason)
	flash := "community.flash.request_declined"
	if decision == "approve" {
		flash = "community.flash.request_approved"
	}
	s.afterCommunityAction(w, r, id, err, flash, "request", func(v *communityView) { v.DecideID, v.Reason = rid, reason })
}

// splitNames splits a list of usernames typed with commas (Latin or
// Chinese), semicolons or any whitespace between them.
func splitNames(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",，;；、", r)
	})
}

func (s *Server) inviteByName(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := s.communityID(w, r)
	if !ok {
		return
	}
	names, role := r.PostFormValue("usernames"), space.MemberRole(r.PostFormValue("role"))
	_, err := s.svc.InviteByName(r.Context(), u, id, splitNames(names), role)
	s.afterCommunityAction(w, r, id, err, "community.flash.invited", "invite", func(v *communityView) {
		v.InviteNames, v.InviteRole = names, role
	})
}

// createInviteLink makes a link and shows it once on the home page: only
// its hash is stored, so it cannot be shown again later.
func (s *Server) createInviteLink(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := s.communityID(w, r)
	if !ok {
		return
	}
	daysIn, usesIn := strings.TrimSpace(r.PostFormValue("days")), strings.TrimSpace(r.PostFormValue("max_uses"))
	fe := apperr.Fields{}
	days, err := strconv.Atoi(daysIn)
	if err != nil {
		fe.Add("days", "form.invalid_number")
	}
	uses := 0
	if usesIn != "" {
		if uses, err = strconv.Atoi(usesIn); err != nil {
			fe.Add("max_uses", "form.invalid_number")
		}
	}
	keep := func(v *communityView) { v.LinkDays, v.LinkUses = daysIn, usesIn }
	if err := fe.Err(); err != nil {
		s.afterCommunityAction(w, r, id, err, "", "link", keep)
		return
	}
	tok, err := s.svc.CreateInviteLink(r.Context(), u, id, days, uses)
	if err != nil {
		s.afterCommunityAction(w, r, id, err, "", "link", keep)
		return
	}
	v, ok := s.communityPage(w, r, id)
	if !ok {
		return
	}
	v.NewLink = s.absURL(r, "/join/"+tok)
	v.Flash = v.T("community.flash.link_created")
	s.render(w, r, http.StatusOK, "community", v)
}

// absURL makes a full URL of a path on this site, for links people copy
// and send to others.
func (s *Server) absURL(r *http.Request, path string) string {
	if s.baseURL != "" {
		return strings.TrimSuffix(s.baseURL, "/") + path
	}
	scheme := "http"
	if r.TLS != nil || s.secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// memberAction reads /c/{id}/members/{uid}/... paths.
func (s *Server) memberAction(w http.ResponseWriter, r *http.Request) (id, uid int64, ok bool) {
	id, ok1 := pathID(r.PathValue("id"))
	uid, ok2 := pathID(r.PathValue("uid"))
	if !ok1 || !ok2 {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return 0, 0, false
	}
	return id, uid, true
}

func (s *Server) setMemberRole(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, uid, ok := s.memberAction(w, r)
	if !ok {
		return
	}
	err := s.svc.SetMemberRole(r.Context(), u, id, uid, space.MemberRole(r.PostFormValue("role")))
	s.afterCommunityAction(w, r, id, err, "community.flash.role_changed", "members", nil)
}

func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, uid, ok := s.memberAction(w, r)
	if !ok {
		return
	}
	err := s.svc.RemoveMember(r.Context(), u, id, uid)
	s.afterCommunityAction(w, r, id, err, "community.flash.member_removed", "members", nil)
}

type joinLinkView struct {
	*Page
	Token string
}

// showInviteLink asks before joining: a link opened by a preview bot or by
// mistake must not make anyone a member.
func (s *Server) showInviteLink(w http.ResponseWriter, r *http.Request) {
	if s.requireUser(w, r) == nil {
		return
	}
	tok := r.PathValue("token")
	if !inviteTokenOK(tok) {
		s.renderError(w, r, http.StatusNotFound, "community.invite.invalid")
		return
	}
	s.render(w, r, http.StatusOK, "community_join", joinLinkView{Page: s.page(r, "community.join_link.title"), Token: tok})
}

func (s *Server) acceptInviteLink(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	tok := r.PathValue("token")
	if !inviteTokenOK(tok) {
		s.renderError(w, r, http.StatusNotFound, "community.invite.invalid")
		return
	}
	id, err := s.svc.AcceptInviteLink(r.Context(), u, tok)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "community.flash.joined")
	http.Redirect(w, r, communityPath(id), http.StatusSeeOther)
}

// inviteTokenOK accepts what the service's tokens look like (URL-safe
// base64), so junk stops before a database look-up.
func inviteTokenOK(tok string) bool {
	if tok == "" || len(tok) > 64 {
		return false
	}
	for _, c := range tok {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
