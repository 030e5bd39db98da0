package api

import (
	"context"
	"net/http"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/service"
)

// Community discussion: boards, topics with threaded replies, likes, expert
// answers, the leads' moderation (pin, lock, move, hide, restore) and abuse
// reports. Every rule is the service's: readers of a community read its
// discussion (anyone else gets 404), members of a community that is not
// archived write (409 when it is), a locked topic takes replies from leads
// only. Actions on a topic answer with the topic as GET /topics/{id} shows
// it, actions on a reply with the reply as GET /replies/{id} shows it.
// Attachments stay with the web pages: the API neither uploads nor serves
// them.

// listBoards answers GET /communities/{id}/boards: the boards, the default
// one first.
func (a *API) listBoards(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	bs, err := a.svc.CommunityBoards(r.Context(), me, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, newList(bs, len(bs), newBoard))
}

// createBoard answers POST /communities/{id}/boards: a lead adds a board.
func (a *API) createBoard(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body boardCreate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	b, err := a.svc.CreateBoard(r.Context(), me, id, body.input())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusCreated, newBoard(b))
}

// listTopics answers GET /communities/{id}/topics: pinned topics first,
// then by latest activity, optionally of one board; hidden=true lists the
// hidden topics instead, for leads.
func (a *API) listTopics(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	q := newQuery(r)
	tq := service.TopicListQuery{BoardID: q.id("board"), Hidden: q.bool("hidden")}
	tq.Limit, tq.Offset = q.page()
	if err := q.err(); err != nil {
		a.writeError(w, r, err)
		return
	}
	ts, total, err := a.svc.CommunityTopics(r.Context(), me, id, tq)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, newList(ts, total, newTopic))
}

// createTopic answers POST /communities/{id}/topics: a member opens a
// topic, on a board and about an adopted theme if they say so.
func (a *API) createTopic(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body topicCreate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	in, err := body.input()
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	t, err := a.svc.CreateTopic(r.Context(), me, id, in, nil)
	if err != nil {
		a.writeError(w, r, discussionFields(err))
		return
	}
	a.answerTopic(w, r, me, t.ID, http.StatusCreated)
}

// showTopic answers GET /topics/{id} with the first page of replies.
func (a *API) showTopic(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.answerTopic(w, r, me, id, http.StatusOK)
}

// updateTopic answers PATCH /topics/{id}: the author (while the topic is
// open) or a lead changes the title or text; the old text is kept for the
// leads.
func (a *API) updateTopic(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body postUpdate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	p, err := a.svc.PostForEdit(r.Context(), me, discussion.TopicPost, id)
	if err == nil {
		err = a.svc.EditPost(r.Context(), me, discussion.TopicPost, id, body.input(p.Title(), p.Body()))
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.answerTopic(w, r, me, id, http.StatusOK)
}

// listReplies answers GET /topics/{id}/replies?page=N: one page of
// discussion.PageSize replies in posting order, laid out as threads. Pages
// are fixed (a reply never moves to another page), so they take a page
// number rather than limit and offset; a page past the last is empty.
func (a *API) listReplies(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	q := newQuery(r)
	page := q.int("page", 1, 1, maxInt32)
	q.reject("limit", "api.field.use_page")
	q.reject("offset", "api.field.use_page")
	if err := q.err(); err != nil {
		a.writeError(w, r, err)
		return
	}
	p, err := a.svc.Topic(r.Context(), me, id, page)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := repliesOf(p)
	if p.Page < page { // the service showed the last page instead
		out.Items = []replyDTO{}
	}
	a.writeJSON(w, http.StatusOK, out)
}

// createReply answers POST /topics/{id}/replies: a member answers the
// topic, or a reply in it (parent_id), optionally quoting one (quote_of).
func (a *API) createReply(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body replyCreate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	rp, err := a.svc.Reply(r.Context(), me, id, body.input(), nil)
	if err != nil {
		a.writeError(w, r, discussionFields(err))
		return
	}
	a.answerReply(w, r, me, rp.ID, http.StatusCreated)
}

// showReply answers GET /replies/{id}: one reply with its Markdown source
// and the page of its topic it is on.
func (a *API) showReply(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.answerReply(w, r, me, id, http.StatusOK)
}

// updateReply answers PATCH /replies/{id}: the author (while the topic is
// open) or a lead changes the text.
func (a *API) updateReply(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body replyUpdate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	p, err := a.svc.PostForEdit(r.Context(), me, discussion.ReplyPost, id)
	if err == nil {
		err = a.svc.EditPost(r.Context(), me, discussion.ReplyPost, id, postUpdate{Body: body.Body}.input("", p.Body()))
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.answerReply(w, r, me, id, http.StatusOK)
}

// likeReply answers POST /replies/{id}/like: a member likes someone else's
// reply, once; liking again changes nothing.
func (a *API) likeReply(w http.ResponseWriter, r *http.Request, me *account.User) {
	a.actOnReply(w, r, me, false, func(ctx context.Context, id int64) error {
		_, err := a.svc.Like(ctx, me, id)
		return err
	})
}

// unlikeReply answers DELETE /replies/{id}/like: the caller takes their
// like back, if any.
func (a *API) unlikeReply(w http.ResponseWriter, r *http.Request, me *account.User) {
	a.actOnReply(w, r, me, true, func(ctx context.Context, id int64) error {
		_, err := a.svc.Unlike(ctx, me, id)
		return err
	})
}

// markExpertAnswer answers POST /replies/{id}/expert-answer: an expert or
// host vouches for a reply.
func (a *API) markExpertAnswer(w http.ResponseWriter, r *http.Request, me *account.User) {
	a.actOnReply(w, r, me, false, func(ctx context.Context, id int64) error { return a.svc.MarkExpertAnswer(ctx, me, id, true) })
}

// unmarkExpertAnswer answers DELETE /replies/{id}/expert-answer.
func (a *API) unmarkExpertAnswer(w http.ResponseWriter, r *http.Request, me *account.User) {
	a.actOnReply(w, r, me, true, func(ctx context.Context, id int64) error { return a.svc.MarkExpertAnswer(ctx, me, id, false) })
}

// actOnReply runs an action without parameters on the reply the path names
// and answers with the reply. The body of a POST may be absent or {};
// a DELETE's is not read.
func (a *API) actOnReply(w http.ResponseWriter, r *http.Request, me *account.User, isDelete bool, fn func(ctx context.Context, id int64) error) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if !isDelete {
		var body noBody
		if err := a.decodeOptionalBody(w, r, &body); err != nil {
			a.writeError(w, r, err)
			return
		}
	}
	if err := fn(r.Context(), id); err != nil {
		a.writeError(w, r, err)
		return
	}
	a.answerReply(w, r, me, id, http.StatusOK)
}

// pinTopic answers POST /topics/{id}/pin: a lead keeps a topic at the top
// of its lists; DELETE (unpinTopic) lets it go.
func (a *API) pinTopic(w http.ResponseWriter, r *http.Request, me *account.User) {
	a.switchTopic(w, r, me, a.svc.PinTopic, true)
}

func (a *API) unpinTopic(w http.ResponseWriter, r *http.Request, me *account.User) {
	a.switchTopic(w, r, me, a.svc.PinTopic, false)
}

// lockTopic answers POST /topics/{id}/lock: a lead closes a topic to
// replies and edits from anyone but leads; DELETE (unlockTopic) reopens it.
func (a *API) lockTopic(w http.ResponseWriter, r *http.Request, me *account.User) {
	a.switchTopic(w, r, me, a.svc.LockTopic, true)
}

func (a *API) unlockTopic(w http.ResponseWriter, r *http.Request, me *account.User) {
	a.switchTopic(w, r, me, a.svc.LockTopic, false)
}

// switchTopic turns a topic's switch on (POST, whose body may be absent or
// {}) or off (DELETE) and answers with the topic.
func (a *API) switchTopic(w http.ResponseWriter, r *http.Request, me *account.User,
	set func(ctx context.Context, actor *account.User, topicID int64, on bool) error, on bool) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if on {
		var body noBody
		if err := a.decodeOptionalBody(w, r, &body); err != nil {
			a.writeError(w, r, err)
			return
		}
	}
	if err := set(r.Context(), me, id, on); err != nil {
		a.writeError(w, r, err)
		return
	}
	a.answerTopic(w, r, me, id, http.StatusOK)
}

// moveTopic answers POST /topics/{id}/move: a lead puts a topic on another
// board of its community.
func (a *API) moveTopic(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body topicMove
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	switch {
	case body.BoardID == nil:
		err = fieldErr("board_id", "form.required")
	case *body.BoardID <= 0:
		err = fieldErr("board_id", "api.field.id")
	default:
		err = a.svc.MoveTopic(r.Context(), me, id, *body.BoardID)
	}
	if err != nil {
		a.writeError(w, r, discussionFields(err))
		return
	}
	a.answerTopic(w, r, me, id, http.StatusOK)
}

// hidePost answers POST /posts/{type}/{id}/hide: a lead hides a topic or a
// reply from everyone but the leads, answering every open report on it.
// It works in an archived community too, whose content is still read.
func (a *API) hidePost(w http.ResponseWriter, r *http.Request, me *account.User) {
	a.setHidden(w, r, me, true)
}

// restorePost answers POST /posts/{type}/{id}/restore: a lead shows a
// hidden post again.
func (a *API) restorePost(w http.ResponseWriter, r *http.Request, me *account.User) {
	a.setHidden(w, r, me, false)
}

func (a *API) setHidden(w http.ResponseWriter, r *http.Request, me *account.User, hidden bool) {
	t, id, err := postPath(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body noBody
	if err := a.decodeOptionalBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	if err := a.svc.SetHidden(r.Context(), me, t, id, hidden); err != nil {
		a.writeError(w, r, err)
		return
	}
	noContent(w)
}

// reportPost answers POST /posts/{type}/{id}/reports: a reader who can see
// a post reports it to the community's leads, once while the report is open.
func (a *API) reportPost(w http.ResponseWriter, r *http.Request, me *account.User) {
	t, id, err := postPath(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body reportCreate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	if err := a.svc.Report(r.Context(), me, t, id, body.input()); err != nil {
		a.writeError(w, r, err)
		return
	}
	noContent(w)
}

// postPath reads {type} and {id} of /posts/{type}/{id}/...; a type that is
// neither topic nor reply names nothing (404).
func postPath(r *http.Request) (discussion.PostType, int64, error) {
	t := discussion.PostType(r.PathValue("type"))
	if !t.Valid() {
		return "", 0, errNoRoute
	}
	id, err := pathID(r, "id")
	return t, id, err
}

// answerTopic answers with a topic and the first page of its replies, as
// the caller sees them after whatever the handler did.
func (a *API) answerTopic(w http.ResponseWriter, r *http.Request, me *account.User, id int64, status int) {
	p, err := a.svc.Topic(r.Context(), me, id, 1)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, status, newTopicDetail(p))
}

// answerReply answers with one reply as the caller sees it.
func (a *API) answerReply(w http.ResponseWriter, r *http.Request, me *account.User, id int64, status int) {
	v, err := a.svc.ReplyDetail(r.Context(), me, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, status, newReplyDetail(v))
}

// bool reads a boolean parameter, "true" or "false", false when absent.
func (q *query) bool(name string) bool {
	switch q.v.Get(name) {
	case "", "false":
		return false
	case "true":
		return true
	}
	q.f.Add(name, "api.field.want_boolean")
	return false
}
