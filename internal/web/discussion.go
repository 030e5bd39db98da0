package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/service"
)

// Community discussion pages: the topic list, a topic with its replies,
// new topics and replies, and the mention autocomplete. Editing, likes and
// moderation are in discussion_posts.go, attachments in discussion_files.go.

type discussView struct {
	*Page
	L       *service.TopicList
	Pager   pager
	BoardIn discussion.BoardInput
}

// BoardLabel is a board's name as shown: the default board's is translated.
func (v discussView) BoardLabel(b *discussion.Board) string { return boardLabel(v.Page, b) }

func boardLabel(p *Page, b *discussion.Board) string {
	if b.Default {
		return p.T("discussion.board.default")
	}
	return b.Name
}

func (s *Server) showDiscussion(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	tq := service.TopicQuery{Page: pageParam(r), Hidden: r.URL.Query().Get("hidden") == "1"}
	if b := r.URL.Query().Get("board"); b != "" {
		if tq.BoardID, ok = pathID(b); !ok {
			s.renderError(w, r, http.StatusNotFound, "error.not_found")
			return
		}
	}
	l, err := s.svc.Discussion(r.Context(), currentUser(r), id, tq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "discussion.title")
	p.Title = l.Community.Space.Name + " · " + p.Title
	s.takeFlash(w, r, p)
	s.render(w, r, http.StatusOK, "discuss", discussView{Page: p, L: l, Pager: newPager(r, l.Page, discussion.TopicsPerPage, l.Total)})
}

func (s *Server) createBoard(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	in := discussion.BoardInput{Name: r.PostFormValue("name"), Description: r.PostFormValue("description")}
	b, err := s.svc.CreateBoard(r.Context(), u, id, in)
	if err != nil {
		l, lerr := s.svc.Discussion(r.Context(), u, id, service.TopicQuery{Page: 1})
		p := s.page(r, "discussion.title")
		status, isForm := formErrors(p, err)
		if lerr != nil || !isForm {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, status, "discuss", discussView{Page: p, L: l, BoardIn: in,
			Pager: newPager(r, 1, discussion.TopicsPerPage, l.Total)})
		return
	}
	s.flash(w, "flash.saved")
	http.Redirect(w, r, "/c/"+itoa(id)+"/discuss?board="+itoa(b.ID), http.StatusSeeOther)
}

type topicFormView struct {
	*Page
	C      *community.Community
	Boards []*discussion.Board
	Themes []*community.Proposal
	In     discussion.TopicInput
}

// topicForm gathers what the new-topic form offers: the community's boards
// and adopted themes.
func (s *Server) topicForm(r *http.Request, u *account.User, id int64, p *Page, in discussion.TopicInput) (topicFormView, error) {
	l, err := s.svc.Discussion(r.Context(), u, id, service.TopicQuery{Page: 1})
	if err != nil {
		return topicFormView{}, err
	}
	switch {
	case l.Access.Archived:
		return topicFormView{}, apperr.New(apperr.Conflict, "community.error.archived")
	case !l.Access.Write:
		return topicFormView{}, apperr.New(apperr.Forbidden, "community.error.members_only")
	}
	themes, err := s.svc.CurrentThemes(r.Context(), u, id)
	if err != nil {
		return topicFormView{}, err
	}
	p.Title = l.Community.Space.Name + " · " + p.Title
	return topicFormView{Page: p, C: l.Community, Boards: l.Boards, Themes: themes, In: in}, nil
}

// BoardLabel is a board's name as shown.
func (v topicFormView) BoardLabel(b *discussion.Board) string { return boardLabel(v.Page, b) }

// Editor is the Markdown editor with @mention autocomplete.
func (v topicFormView) Editor(name, value string, rows int) editorView {
	return newEditor(v.Page, v.C.Space.ID, name, value, rows)
}

func newEditor(p *Page, communityID int64, name, value string, rows int) editorView {
	return editorView{P: p, Name: name, Value: value, Rows: rows, SuggestURL: "/c/" + itoa(communityID) + "/members/suggest"}
}

func (s *Server) newTopicForm(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	in := discussion.TopicInput{}
	in.BoardID, _ = pathID(r.URL.Query().Get("board"))
	in.ThemeID, _ = pathID(r.URL.Query().Get("theme"))
	v, err := s.topicForm(r, u, id, s.page(r, "discussion.topic.new"), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "topic_form", v)
}

func (s *Server) createTopic(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	in := discussion.TopicInput{Title: r.PostFormValue("title"), Body: r.PostFormValue("body")}
	in.BoardID, _ = pathID(r.PostFormValue("board"))
	in.ThemeID, _ = pathID(r.PostFormValue("theme"))
	files, done := uploads(r)
	defer done()
	t, err := s.svc.CreateTopic(r.Context(), u, id, in, files)
	if err != nil {
		p := s.page(r, "discussion.topic.new")
		status, isForm := formErrors(p, err)
		if !isForm && apperr.CodeOf(err) != apperr.TooLarge {
			s.fail(w, r, err)
			return
		}
		if !isForm {
			status = http.StatusRequestEntityTooLarge
			p.Message = p.T("error.too_large")
		}
		v, ferr := s.topicForm(r, u, id, p, in)
		if ferr != nil {
			s.fail(w, r, ferr)
			return
		}
		s.render(w, r, status, "topic_form", v)
		return
	}
	http.Redirect(w, r, "/topics/"+itoa(t.ID), http.StatusSeeOther)
}

type topicView struct {
	*Page
	P       *service.TopicPage
	Pager   pager
	ReplyTo int64 // the reply being answered, from ?reply_to=
	Quote   int64 // the reply being quoted, from ?quote=
	Body    string
	Pages   []int // page numbers around the current one, for the page links
	frag    fragmenter
}

// replyContent is what the reply-content fragment shows: a reply's header,
// quote, body and attachments, the same for every viewer of its class.
type replyContent struct {
	*Page
	R     discussion.Threaded
	Lead  bool // leads see hidden replies and their badge
	Files filesView
}

// replyContentKey names every input of the reply-content fragment. The
// body, the hidden and expert flags change only together with the update
// time; the rest comes from other rows (the parent, the quoted reply, the
// author's name) or from the page (floor, thread layout), so it is spelt out.
type replyContentKey struct {
	lang                                            string
	id, updated                                     int64
	lead, hidden, expert                            bool
	floor, files                                    int
	parentOnPage, parentHidden, quoteHidden         bool
	parentAuthor, authorName, authorUsername, quote string
}

// contentKey is the cache key of a reply's content on this page.
func (v topicView) contentKey(r discussion.Threaded, files int) replyContentKey {
	return replyContentKey{lang: v.Lang, id: r.ID, updated: r.UpdatedAt.UnixNano(), lead: v.P.Access.Lead, hidden: r.Hidden,
		expert: r.ExpertAnswer, floor: r.Floor, files: files, parentOnPage: r.ParentOnPage,
		parentHidden: r.ParentHidden, quoteHidden: r.QuoteHidden, parentAuthor: r.ParentAuthor,
		authorName: r.AuthorName, authorUsername: r.AuthorUsername, quote: r.QuoteExcerpt}
}

// ReplyContent renders the viewer-independent part of a reply, from the
// fragment cache when the same reply was shown the same way before.
func (v topicView) ReplyContent(r discussion.Threaded) (template.HTML, error) {
	files := v.Files(r.ID)
	return v.frag.render(v.contentKey(r, len(files.Files)), "reply-content",
		replyContent{Page: v.Page, R: r, Lead: v.P.Access.Lead, Files: files})
}

// replyView is what the reply template shows: one reply with its buttons.
type replyView struct {
	V topicView
	R discussion.Threaded
}

// anonymousReplyKey names a whole reply as visitors who are not signed in
// see it: its content and its like count, and no buttons.
type anonymousReplyKey struct {
	content replyContentKey
	likes   int
}

// Reply renders one reply with its buttons. A signed-in viewer's buttons
// are theirs (likes, edit rights, CSRF tokens), so only the content comes
// from the cache; a visitor's whole reply does.
func (v topicView) Reply(r discussion.Threaded) (template.HTML, error) {
	if v.User != nil {
		return v.frag.execute("reply", replyView{V: v, R: r})
	}
	key := anonymousReplyKey{content: v.contentKey(r, len(v.P.Attachments[r.ID])), likes: r.LikeCount}
	return v.frag.render(key, "reply", replyView{V: v, R: r})
}

// BoardLabel is a board's name as shown.
func (v topicView) BoardLabel(b *discussion.Board) string { return boardLabel(v.Page, b) }

// Like is the like button of a reply: a button for members who may like
// it, the count for everyone else.
func (v topicView) Like(r *discussion.Reply) likeView {
	return likeView{Page: v.Page, R: r, Can: v.P.Access.Write && v.User != nil && r.AuthorID != v.User.ID && !r.Hidden}
}

// MayEdit mirrors the service's edit rule to decide whether to offer the
// edit link; the service decides when the form is sent.
func (v topicView) MayEdit(r *discussion.Reply) bool {
	a := v.P.Access
	if v.User == nil || a.Archived {
		return false
	}
	return a.Lead || r.AuthorID == v.User.ID && a.Write && !r.Hidden && !v.P.Topic.Locked
}

// Files are the attachments of a post on the page (0 = the topic).
func (v topicView) Files(replyID int64) filesView {
	return filesView{P: v.Page, Files: v.P.Attachments[replyID]}
}

// Editor is the Markdown editor with @mention autocomplete.
func (v topicView) Editor(name, value string, rows int) editorView {
	return newEditor(v.Page, v.P.Community.Space.ID, name, value, rows)
}

// filesView lists a post's attachments.
type filesView struct {
	P     *Page
	Files []*discussion.Attachment
}

// Size formats a file size for people.
func (filesView) Size(n int64) string { return humanSize(n) }

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt((n+1<<9)>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

// editorView is a Markdown textarea wired to the mention autocomplete.
type editorView struct {
	P          *Page
	Name       string
	Value      string
	Rows       int
	SuggestURL string
}

// ReplyNamed finds a reply on the page by ID.
func (v topicView) ReplyNamed(id int64) *discussion.Threaded {
	for i := range v.P.Replies {
		if v.P.Replies[i].ID == id {
			return &v.P.Replies[i]
		}
	}
	return nil
}

// pageWindow lists at most 7 page numbers around the current page.
func pageWindow(page, pages int) []int {
	from, to := max(1, page-3), min(pages, page+3)
	out := make([]int, 0, to-from+1)
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

func (s *Server) showTopic(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	p := s.page(r, "")
	s.takeFlash(w, r, p)
	v, err := s.topicView(r, id, pageParam(r), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.ReplyTo, _ = pathID(r.URL.Query().Get("reply_to"))
	v.Quote, _ = pathID(r.URL.Query().Get("quote"))
	if err := v.cacheContent(s.csrfHole); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "topic", v)
}

// topicContentKey names everything a topic page's content shows a viewer
// who does not lead the community: the reads of the topic and of its
// replies, the community, the page, the viewer's rights, which of the
// page's replies they like and which they wrote, and the language. The
// CSRF token is left out: the cached content carries the server's CSRF
// hole instead (see Page.Content).
type topicContentKey struct {
	lang                     string
	topicRead, repliesRead   uint64
	community                int64
	communityName            string
	page, pages              int
	access                   service.Access
	canReply, canEdit, canMk bool
	signedIn                 bool
	liked, authored          uint64
}

// cacheContent renders the content of a plain topic page (no reply being
// written, no attachments, at most 64 replies) through the fragment cache,
// for viewers who do not lead the community: people of one class (the
// same rights, likes and authorship on the page) see the same HTML, so the
// page is rendered once for them instead of for every visit — its fifty
// replies with their buttons were most of the page's CPU. Leads, who get
// moderation forms and see hidden posts, have theirs rendered each time.
func (v *topicView) cacheContent(hole string) error {
	p := v.P
	if p.Access.Lead || v.ReplyTo != 0 || v.Quote != 0 || v.Body != "" || len(v.Errors) > 0 ||
		p.Topic.AttachmentCount > 0 || len(p.Replies) > 64 || p.TopicRead == 0 || len(p.Replies) > 0 && p.RepliesRead == 0 {
		return nil
	}
	key := topicContentKey{lang: v.Lang, topicRead: p.TopicRead, repliesRead: p.RepliesRead, community: p.Community.Space.ID,
		communityName: p.Community.Space.Name, page: p.Page, pages: p.Pages, access: p.Access, canReply: p.CanReply,
		canEdit: p.CanEditTopic, canMk: p.CanMarkExpert, signedIn: v.User != nil}
	for i, r := range p.Replies {
		if r.Liked {
			key.liked |= 1 << i
		}
		if v.User != nil && r.AuthorID == v.User.ID {
			key.authored |= 1 << i
		}
	}
	holed := *v.Page
	holed.CSRF = hole
	hv := *v
	hv.Page = &holed
	h, err := v.frag.render(key, "content", hv)
	if err != nil {
		return err
	}
	v.Content = h
	return nil
}

func (s *Server) topicView(r *http.Request, id int64, page int, p *Page) (topicView, error) {
	tp, err := s.svc.Topic(r.Context(), currentUser(r), id, page)
	if err != nil {
		return topicView{}, err
	}
	p.Title = tp.Topic.Title
	if tp.Topic.Hidden && tp.Topic.Title == "" {
		p.Title = p.T("discussion.hidden")
	}
	return topicView{Page: p, P: tp, Pager: topicPager(id, tp.Page, tp.Pages, tp.Topic.ReplyCount),
		Pages: pageWindow(tp.Page, tp.Pages), frag: s.fragmenter(r, "topic")}, nil
}

func topicPager(id int64, page, pages, total int) pager {
	pg := pager{Page: page, Pages: pages, Total: total}
	if page > 1 {
		pg.PrevURL = "/topics/" + itoa(id) + "?page=" + strconv.Itoa(page-1)
	}
	if page < pages {
		pg.NextURL = "/topics/" + itoa(id) + "?page=" + strconv.Itoa(page+1)
	}
	return pg
}

func (s *Server) createReply(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	in := discussion.ReplyInput{Body: r.PostFormValue("body")}
	in.ParentID, _ = pathID(r.PostFormValue("parent"))
	in.QuoteOf, _ = pathID(r.PostFormValue("quote"))
	files, done := uploads(r)
	defer done()
	rp, err := s.svc.Reply(r.Context(), u, id, in, files)
	if err != nil {
		p := s.page(r, "")
		status, isForm := formErrors(p, err)
		if !isForm && apperr.CodeOf(err) != apperr.TooLarge {
			s.fail(w, r, err)
			return
		}
		if !isForm {
			status = http.StatusRequestEntityTooLarge
			p.Message = p.T("error.too_large")
		}
		page, _ := strconv.Atoi(r.PostFormValue("page"))
		v, verr := s.topicView(r, id, page, p)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		v.ReplyTo, v.Quote, v.Body = in.ParentID, in.QuoteOf, in.Body
		s.render(w, r, status, "topic", v)
		return
	}
	// The new reply's page is known from its position: no second lookup.
	http.Redirect(w, r, "/topics/"+itoa(id)+"?page="+strconv.Itoa(discussion.PageOf(rp.Position))+"#r"+itoa(rp.ID), http.StatusSeeOther)
}

// showReply sends a link to a reply to the page of its topic that shows it.
func (s *Server) showReply(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	s.redirectToReply(w, r, id)
}

func (s *Server) redirectToReply(w http.ResponseWriter, r *http.Request, replyID int64) {
	topicID, page, err := s.svc.ReplyLocation(r.Context(), currentUser(r), replyID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/topics/"+itoa(topicID)+"?page="+strconv.Itoa(page)+"#r"+itoa(replyID), http.StatusSeeOther)
}

// memberSuggestion is the JSON the mention autocomplete reads.
type memberSuggestion struct {
	Username string `json:"username"`
	Name     string `json:"name"`
}

// suggestMembers answers the editor's @mention autocomplete with a small
// JSON array; errors are an empty array with the error's status, so the
// script has a single shape to read.
func (s *Server) suggestMembers(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte("[]"))
		return
	}
	ms, err := s.svc.SuggestMembers(r.Context(), currentUser(r), id, strings.TrimSpace(r.URL.Query().Get("q")))
	if err != nil {
		code := apperr.CodeOf(err)
		if code == apperr.Internal {
			s.log.Error("suggest members", "community", id, "err", err)
		}
		w.WriteHeader(statusOf(code))
		w.Write([]byte("[]"))
		return
	}
	out := make([]memberSuggestion, len(ms))
	for i, m := range ms {
		out[i] = memberSuggestion{Username: m.Username, Name: m.DisplayName}
	}
	json.NewEncoder(w).Encode(out)
}
