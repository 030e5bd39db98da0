package web

import (
	"net/http"

	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/service"
)

// Editing, likes, expert answers, moderation, reports and edit history of
// the community discussion. Every handler parses, calls one service method
// and redirects back to the post; htmx requests for likes get the button
// back as a fragment.

// postURL is where to go back to after acting on a post.
func postURL(t discussion.PostType, id int64) string {
	if t == discussion.TopicPost {
		return "/topics/" + itoa(id)
	}
	return "/replies/" + itoa(id)
}

type postFormView struct {
	*Page
	Post *service.Post
	In   discussion.EditInput
}

// Action is where the edit form posts.
func (v postFormView) Action() string {
	if v.Post.Type == discussion.TopicPost {
		return "/topics/" + itoa(v.Post.ID)
	}
	return "/replies/" + itoa(v.Post.ID)
}

// Back is the post itself.
func (v postFormView) Back() string { return postURL(v.Post.Type, v.Post.ID) }

// Editor is the Markdown editor with @mention autocomplete.
func (v postFormView) Editor(name, value string, rows int) editorView {
	return newEditor(v.Page, v.Post.Community.Space.ID, name, value, rows)
}

// The routes, one method per action as routes.go lists them.
func (s *Server) editTopicForm(w http.ResponseWriter, r *http.Request) {
	s.editPostForm(discussion.TopicPost)(w, r)
}
func (s *Server) editReplyForm(w http.ResponseWriter, r *http.Request) {
	s.editPostForm(discussion.ReplyPost)(w, r)
}
func (s *Server) updateTopic(w http.ResponseWriter, r *http.Request) {
	s.updatePost(discussion.TopicPost)(w, r)
}
func (s *Server) updateReply(w http.ResponseWriter, r *http.Request) {
	s.updatePost(discussion.ReplyPost)(w, r)
}
func (s *Server) likeReply(w http.ResponseWriter, r *http.Request)   { s.toggleLike(true)(w, r) }
func (s *Server) unlikeReply(w http.ResponseWriter, r *http.Request) { s.toggleLike(false)(w, r) }
func (s *Server) hideTopic(w http.ResponseWriter, r *http.Request) {
	s.hidePost(discussion.TopicPost)(w, r)
}
func (s *Server) hideReply(w http.ResponseWriter, r *http.Request) {
	s.hidePost(discussion.ReplyPost)(w, r)
}
func (s *Server) reportTopicForm(w http.ResponseWriter, r *http.Request) {
	s.reportForm(discussion.TopicPost)(w, r)
}
func (s *Server) reportReplyForm(w http.ResponseWriter, r *http.Request) {
	s.reportForm(discussion.ReplyPost)(w, r)
}
func (s *Server) reportTopic(w http.ResponseWriter, r *http.Request) {
	s.reportPost(discussion.TopicPost)(w, r)
}
func (s *Server) reportReply(w http.ResponseWriter, r *http.Request) {
	s.reportPost(discussion.ReplyPost)(w, r)
}

func (s *Server) editPostForm(t discussion.PostType) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, id, ok := s.userAndID(w, r)
		if !ok {
			return
		}
		p, err := s.svc.PostForEdit(r.Context(), u, t, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusOK, "post_form", postFormView{Page: s.page(r, "discussion.edit.title"), Post: p,
			In: discussion.EditInput{Title: p.Title(), Body: p.Body()}})
	}
}

func (s *Server) updatePost(t discussion.PostType) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, id, ok := s.userAndID(w, r)
		if !ok {
			return
		}
		in := discussion.EditInput{Title: r.PostFormValue("title"), Body: r.PostFormValue("body")}
		if err := s.svc.EditPost(r.Context(), u, t, id, in); err != nil {
			p := s.page(r, "discussion.edit.title")
			status, isForm := formErrors(p, err)
			post, perr := s.svc.PostForEdit(r.Context(), u, t, id)
			if !isForm || perr != nil {
				s.fail(w, r, err)
				return
			}
			s.render(w, r, status, "post_form", postFormView{Page: p, Post: post, In: in})
			return
		}
		s.flash(w, "flash.saved")
		http.Redirect(w, r, postURL(t, id), http.StatusSeeOther)
	}
}

// likeView is the like button of one reply.
type likeView struct {
	*Page
	R   *discussion.Reply
	Can bool
}

func (s *Server) toggleLike(like bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, id, ok := s.userAndID(w, r)
		if !ok {
			return
		}
		var rp *discussion.Reply
		var err error
		if like {
			rp, err = s.svc.Like(r.Context(), u, id)
		} else {
			rp, err = s.svc.Unlike(r.Context(), u, id)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if r.Header.Get("HX-Request") != "true" {
			http.Redirect(w, r, postURL(discussion.ReplyPost, id), http.StatusSeeOther)
			return
		}
		rp.Liked = like
		s.renderFragment(w, r, http.StatusOK, "topic", "like-button", likeView{Page: s.page(r, ""), R: rp, Can: true})
	}
}

// on reads a switch's new state from the form: "1" turns it on.
func on(r *http.Request) bool { return r.PostFormValue("on") == "1" }

func (s *Server) markExpertAnswer(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, discussion.ReplyPost, func(id int64) error {
		return s.svc.MarkExpertAnswer(r.Context(), currentUser(r), id, on(r))
	})
}

func (s *Server) pinTopic(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, discussion.TopicPost, func(id int64) error { return s.svc.PinTopic(r.Context(), currentUser(r), id, on(r)) })
}

func (s *Server) lockTopic(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, discussion.TopicPost, func(id int64) error { return s.svc.LockTopic(r.Context(), currentUser(r), id, on(r)) })
}

func (s *Server) moveTopic(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, discussion.TopicPost, func(id int64) error {
		board, _ := pathID(r.PostFormValue("board"))
		return s.svc.MoveTopic(r.Context(), currentUser(r), id, board)
	})
}

func (s *Server) hidePost(t discussion.PostType) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.act(w, r, t, func(id int64) error { return s.svc.SetHidden(r.Context(), currentUser(r), t, id, on(r)) })
	}
}

// act runs a moderation action on the post the route names and goes back to it.
func (s *Server) act(w http.ResponseWriter, r *http.Request, t discussion.PostType, fn func(id int64) error) {
	if s.requireUser(w, r) == nil {
		return
	}
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if err := fn(id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.saved")
	http.Redirect(w, r, postURL(t, id), http.StatusSeeOther)
}

type reportFormView struct {
	*Page
	Post    *service.Post
	In      discussion.ReportInput
	Reasons []string
}

// Action is where the report form posts.
func (v reportFormView) Action() string { return postURL(v.Post.Type, v.Post.ID) + "/report" }

// Back is the reported post.
func (v reportFormView) Back() string { return postURL(v.Post.Type, v.Post.ID) }

func (s *Server) reportForm(t discussion.PostType) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, id, ok := s.userAndID(w, r)
		if !ok {
			return
		}
		p, err := s.svc.PostToReport(r.Context(), u, t, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusOK, "report_form", reportFormView{Page: s.page(r, "discussion.report.title"), Post: p,
			Reasons: discussion.ReportReasons})
	}
}

func (s *Server) reportPost(t discussion.PostType) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, id, ok := s.userAndID(w, r)
		if !ok {
			return
		}
		in := discussion.ReportInput{Reason: r.PostFormValue("reason"), Note: r.PostFormValue("note")}
		if err := s.svc.Report(r.Context(), u, t, id, in); err != nil {
			p := s.page(r, "discussion.report.title")
			status, isForm := formErrors(p, err)
			post, perr := s.svc.PostToReport(r.Context(), u, t, id)
			if !isForm || perr != nil {
				s.fail(w, r, err)
				return
			}
			s.render(w, r, status, "report_form", reportFormView{Page: p, Post: post, In: in, Reasons: discussion.ReportReasons})
			return
		}
		s.flash(w, "discussion.report.thanks")
		http.Redirect(w, r, postURL(t, id), http.StatusSeeOther)
	}
}

type revisionsView struct {
	*Page
	L *service.RevisionList
}

func (s *Server) showRevisions(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	l, err := s.svc.Revisions(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "revisions", revisionsView{Page: s.page(r, "discussion.revisions.title"), L: l})
}

type reportsView struct {
	*Page
	Q        *service.ReportQueue
	Statuses []discussion.ReportStatus
}

func (s *Server) showReports(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	q, err := s.svc.Reports(r.Context(), u, id, discussion.ReportStatus(r.URL.Query().Get("status")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "discussion.reports.title")
	s.takeFlash(w, r, p)
	s.render(w, r, http.StatusOK, "reports", reportsView{Page: p, Q: q,
		Statuses: []discussion.ReportStatus{discussion.ReportOpen, discussion.ReportHidden, discussion.ReportDismissed}})
}

func (s *Server) decideReport(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	communityID, err := s.svc.DecideReport(r.Context(), u, id, r.PostFormValue("action") == "hide")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.saved")
	http.Redirect(w, r, "/c/"+itoa(communityID)+"/reports", http.StatusSeeOther)
}
