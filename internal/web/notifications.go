package web

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/notify"
	"github.com/yanxiu/yanxiu/internal/service"
)

// inboxPerPage is how many notifications one inbox page lists.
const inboxPerPage = 30

type inboxItem struct {
	ID       int64
	Sentence string
	When     string
	Unread   bool
}

type inboxView struct {
	*Page
	Items      []inboxItem
	UnreadOnly bool
	Unread     int
	Pager      pager
}

func (s *Server) showNotifications(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	v := inboxView{Page: s.page(r, "notify.inbox.title"), UnreadOnly: r.URL.Query().Get("unread") == "1"}
	page := pageParam(r)
	ns, total, err := s.svc.Inbox(r.Context(), u, v.UnreadOnly, inboxPerPage, (page-1)*inboxPerPage)
	if err == nil {
		v.Unread, err = s.svc.UnreadCount(r.Context(), u)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	printer := s.cat.Printer(v.Lang)
	for _, n := range ns {
		v.Items = append(v.Items, inboxItem{ID: n.ID, Sentence: service.Sentence(printer, n), When: v.Date(n.CreatedAt), Unread: n.Unread()})
	}
	v.Pager = newPager(r, page, inboxPerPage, total)
	s.takeFlash(w, r, v.Page)
	s.render(w, r, http.StatusOK, "notifications", v)
}

// openNotification marks a notification read and goes to what it is about,
// so following a link from the inbox clears it. Only the recipient's own
// read mark changes, and SameSite cookies keep other sites from doing it.
func (s *Server) openNotification(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	target, err := s.svc.OpenNotification(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, safeNext(target), http.StatusSeeOther)
}

func (s *Server) markNotificationsRead(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	var ids []int64
	for _, v := range r.PostForm["id"] {
		id, ok := pathID(v)
		if !ok {
			s.renderError(w, r, http.StatusBadRequest, "error.bad_request")
			return
		}
		ids = append(ids, id)
	}
	if _, err := s.svc.MarkRead(r.Context(), u, ids); err != nil {
		s.fail(w, r, err)
		return
	}
	s.backToInbox(w, r)
}

func (s *Server) markAllNotificationsRead(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	if _, err := s.svc.MarkAllRead(r.Context(), u); err != nil {
		s.fail(w, r, err)
		return
	}
	s.backToInbox(w, r)
}

func (s *Server) backToInbox(w http.ResponseWriter, r *http.Request) {
	s.flash(w, "notify.inbox.marked_read")
	back := "/notifications"
	if r.PostFormValue("unread") == "1" {
		back += "?unread=1"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

var unreadBadge = template.Must(template.New("badge").Parse(
	`{{if .Count}}<span class="badge badge-unread" aria-hidden="true">{{.Shown}}</span><span class="visually-hidden">{{.Label}}</span>{{end}}`))

// showUnreadBadge is the htmx fragment the header polls. A visitor without
// a session gets 204, which htmx leaves unswapped, rather than a login
// redirect whose page would land inside the header.
func (s *Server) showUnreadBadge(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	w.Header().Set("Cache-Control", "no-store")
	if u == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	n, err := s.svc.UnreadCount(r.Context(), u)
	if err != nil {
		s.log.Error("unread count", "user", u.ID, "err", err)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.writeBadge(w, n, s.cat.T(info(r).lang, "notify.unread_count", "count", n))
}

// showUnreadMessagesBadge is the header's second polled fragment: the
// number of unread direct messages beside the Messages link. It answers
// like showUnreadBadge, so pages render no count themselves and stay free
// of per-request queries.
func (s *Server) showUnreadMessagesBadge(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	w.Header().Set("Cache-Control", "no-store")
	if u == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	n, err := s.svc.UnreadMessages(r.Context(), u)
	if err != nil {
		s.log.Error("unread messages", "user", u.ID, "err", err)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.writeBadge(w, n, s.cat.T(info(r).lang, "message.inbox.unread", "n", n))
}

// writeBadge writes a count badge fragment: nothing for 0, "99+" past 99,
// and the full count for screen readers in label.
func (s *Server) writeBadge(w http.ResponseWriter, n int, label string) {
	shown := strconv.Itoa(n)
	if n > 99 {
		shown = "99+"
	}
	var b bytes.Buffer
	err := unreadBadge.Execute(&b, struct {
		Count        int
		Shown, Label string
	}{n, shown, label})
	if err != nil {
		s.log.Error("render unread badge", "err", err)
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b.Bytes())
}

type prefRow struct {
	Kind notify.Kind
	Mode notify.Mode
}

type prefsView struct {
	*Page
	Rows  []prefRow
	Modes []notify.Mode
}

func (s *Server) notificationPrefsView(r *http.Request, p notify.Preferences) prefsView {
	v := prefsView{Page: s.page(r, "notify.prefs.title"), Modes: notify.Modes()}
	for _, k := range notify.Kinds() {
		v.Rows = append(v.Rows, prefRow{Kind: k, Mode: p.Mode(k)})
	}
	return v
}

func (s *Server) showNotificationPrefs(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	p, err := s.svc.Preferences(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.notificationPrefsView(r, p)
	s.takeFlash(w, r, v.Page)
	s.render(w, r, http.StatusOK, "notification_prefs", v)
}

func (s *Server) saveNotificationPrefs(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	p := notify.Preferences{}
	for _, k := range notify.Kinds() {
		if m := r.PostFormValue("mode_" + string(k)); m != "" {
			p[k] = notify.Mode(m)
		}
	}
	if err := s.svc.SetPreferences(r.Context(), u, p); err != nil {
		v := s.notificationPrefsView(r, p)
		status, ok := formErrors(v.Page, err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, status, "notification_prefs", v)
		return
	}
	s.flash(w, "notify.prefs.saved")
	http.Redirect(w, r, "/settings/notifications", http.StatusSeeOther)
}

type unsubscribeView struct {
	*Page
	Token   string
	Account string
	Kind    notify.Kind // "" for the daily digest
	Done    bool
}

// showUnsubscribe asks to confirm: a GET must change nothing, because mail
// scanners and link previews open every link in a message.
func (s *Server) showUnsubscribe(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	un, err := s.svc.CheckUnsubscribe(r.Context(), token)
	s.renderUnsubscribe(w, r, token, un, err, false)
}

// unsubscribe acts on the link. It serves both the confirm button and RFC
// 8058 one-click POSTs from mail clients ("List-Unsubscribe=One-Click" in
// the body), which carry no session and no CSRF token: the signed token in
// the URL is the authorisation, so checkCSRF exempts this path.
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	if token == "" {
		token = r.PostFormValue("token")
	}
	un, err := s.svc.Unsubscribe(r.Context(), token)
	s.renderUnsubscribe(w, r, token, un, err, true)
}

func (s *Server) renderUnsubscribe(w http.ResponseWriter, r *http.Request, token string, un *service.Unsubscription, err error, done bool) {
	if err != nil {
		if e, ok := apperr.As(err); ok && e.Code == apperr.NotFound {
			s.renderError(w, r, http.StatusNotFound, e.Key)
			return
		}
		s.fail(w, r, err)
		return
	}
	v := unsubscribeView{Page: s.page(r, "notify.unsubscribe.title"), Token: token, Account: un.User.Name(),
		Kind: un.Kind, Done: done}
	s.render(w, r, http.StatusOK, "unsubscribe", v)
}
