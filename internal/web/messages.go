package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/message"
	"github.com/yanxiu/yanxiu/internal/service"
)

// Direct messages: the inbox, one conversation with its reply form, blocks,
// reports, and the platform admins' report queue. Who may read or write
// what is decided in the service; these handlers parse, call and render.

type messageInboxView struct {
	*Page
	Conversations []*message.Conversation
	Blocked       []*account.User
	Unread        int
	Pager         pager
}

func (s *Server) showInbox(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	page := pageParam(r)
	per := message.ConversationsPerPage
	cs, total, err := s.svc.Conversations(r.Context(), u, per, (page-1)*per)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unread, err := s.svc.UnreadMessages(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	blocked, err := s.svc.BlockedUsers(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "message.inbox.title")
	s.takeFlash(w, r, p)
	s.render(w, r, http.StatusOK, "messages", messageInboxView{Page: p, Conversations: cs, Blocked: blocked, Unread: unread,
		Pager: newPager(r, page, per, total)})
}

type conversationView struct {
	*Page
	C        *service.ConversationPage
	Body     string // the reply being written, kept when sending fails
	Reasons  []string
	MaxBody  int
	Before   int64  // the page shown is older than this message; 0 for the newest
	OlderURL string // "" when there is nothing older
}

// conversationURL is the page of a conversation with someone.
func conversationURL(username string) string { return "/messages/" + url.PathEscape(username) }

// messageBeforeParam reads ?before=ID, treating junk as "the newest page".
func messageBeforeParam(r *http.Request) int64 {
	id, ok := pathID(r.URL.Query().Get("before"))
	if !ok {
		return 0
	}
	return id
}

func (s *Server) showConversation(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	before := messageBeforeParam(r)
	c, err := s.svc.Conversation(r.Context(), u, r.PathValue("username"), before, message.PageSize)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "message.conversation.title", "name", c.Other.Name())
	s.takeFlash(w, r, p)
	s.render(w, r, http.StatusOK, "messages_conversation", s.conversationView(p, c, before, ""))
}

func (s *Server) conversationView(p *Page, c *service.ConversationPage, before int64, body string) conversationView {
	v := conversationView{Page: p, C: c, Body: body, Reasons: message.ReportReasons, MaxBody: message.MaxBody, Before: before}
	if c.Older != 0 {
		v.OlderURL = conversationURL(c.Other.Username) + "?before=" + strconv.FormatInt(c.Older, 10)
	}
	return v
}

func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	name, body := r.PathValue("username"), r.PostFormValue("body")
	if _, err := s.svc.SendMessage(r.Context(), u, name, body); err != nil {
		s.sendMessageError(w, r, u, name, body, err)
		return
	}
	http.Redirect(w, r, conversationURL(account.NormalizeUsername(name))+"#latest", http.StatusSeeOther)
}

// sendMessageError shows the conversation again with the reply kept and
// the reason it was not sent: a field error, the rate limit, or the
// service's (neutral) refusal.
func (s *Server) sendMessageError(w http.ResponseWriter, r *http.Request, u *account.User, name, body string, err error) {
	c, cerr := s.svc.Conversation(r.Context(), u, name, 0, message.PageSize)
	if cerr != nil {
		s.fail(w, r, cerr)
		return
	}
	p := s.page(r, "message.conversation.title", "name", c.Other.Name())
	status, ok := formErrors(p, err)
	if !ok {
		e, isApp := apperr.As(err)
		if !isApp || e.Code != apperr.Forbidden {
			s.fail(w, r, err)
			return
		}
		status, p.Message = http.StatusForbidden, p.T(e.Key)
	}
	s.render(w, r, status, "messages_conversation", s.conversationView(p, c, 0, body))
}

// changeBlock serves POST /messages/{username}/{action}: one pattern for
// block and unblock, because separate /block and /unblock patterns would
// overlap /messages/report/{id} and the router refuses such pairs.
func (s *Server) changeBlock(w http.ResponseWriter, r *http.Request) {
	s.setBlock(w, r, r.PathValue("username"), r.PathValue("action"))
}

func (s *Server) setBlock(w http.ResponseWriter, r *http.Request, username, action string) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	var err error
	switch action {
	case "block":
		err = s.svc.Block(r.Context(), u, username)
	case "unblock":
		err = s.svc.Unblock(r.Context(), u, username)
	default:
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "message.flash."+action+"ed")
	next := "/messages"
	if r.PostFormValue("next") == "conversation" {
		next = conversationURL(account.NormalizeUsername(username))
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) reportMessage(w http.ResponseWriter, r *http.Request) {
	raw := r.PathValue("id")
	if raw == "block" || raw == "unblock" {
		// /messages/report/block is the block button of someone whose
		// username is "report"; the more specific pattern caught it.
		s.setBlock(w, r, "report", raw)
		return
	}
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := pathID(raw)
	if !ok {
		s.notFound(w, r)
		return
	}
	back := "/messages"
	if with := account.NormalizeUsername(r.PostFormValue("with")); account.ValidUsername(with) {
		back = conversationURL(with)
	}
	_, err := s.svc.ReportMessage(r.Context(), u, id, r.PostFormValue("reason"))
	switch {
	case apperr.Is(err, apperr.Conflict):
		s.flash(w, "message.report.duplicate")
	case err != nil:
		s.fail(w, r, err)
		return
	default:
		s.flash(w, "message.report.thanks")
	}
	http.Redirect(w, r, back+"#m"+itoa(id), http.StatusSeeOther)
}

type messageReportsView struct {
	*Page
	Reports  []*message.Report
	Status   string // "all" or a message.ReportStatus
	Statuses []string
	Pager    pager
}

const messageReportsPerPage = 50

func (s *Server) showMessageReports(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	status := r.URL.Query().Get("status")
	filter := message.ReportStatus(status)
	switch {
	case status == "all":
		filter = ""
	case !filter.Valid():
		status, filter = string(message.ReportOpen), message.ReportOpen
	}
	page := pageParam(r)
	reports, total, err := s.svc.MessageReports(r.Context(), u, filter, messageReportsPerPage, (page-1)*messageReportsPerPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "message.reports.title")
	s.takeFlash(w, r, p)
	statuses := []string{"all"}
	for _, st := range message.ReportStatuses {
		statuses = append(statuses, string(st))
	}
	s.render(w, r, http.StatusOK, "messages_reports", messageReportsView{Page: p, Reports: reports, Status: status,
		Statuses: statuses, Pager: newPager(r, page, messageReportsPerPage, total)})
}

func (s *Server) resolveMessageReport(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	action := r.PostFormValue("action")
	if action != "hide" && action != "dismiss" {
		s.renderError(w, r, http.StatusUnprocessableEntity, "form.invalid_choice")
		return
	}
	if err := s.svc.ResolveMessageReport(r.Context(), u, id, action == "hide"); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, map[string]string{"hide": "message.reports.flash.hidden", "dismiss": "message.reports.flash.dismissed"}[action])
	http.Redirect(w, r, "/admin/message-reports", http.StatusSeeOther)
}
