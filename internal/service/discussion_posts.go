package service

import (
	"context"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Post is a topic's opening post or a reply, as the edit form, reports and
// moderation need it.
type Post struct {
	Type      discussion.PostType
	ID        int64
	Topic     *discussion.Topic
	Reply     *discussion.Reply // nil for a topic
	Community *community.Community
	Access    Access
}

// AuthorID is who wrote the post.
func (p *Post) AuthorID() int64 {
	if p.Reply != nil {
		return p.Reply.AuthorID
	}
	return p.Topic.AuthorID
}

// Hidden reports whether the post, or the topic it belongs to, is hidden.
func (p *Post) Hidden() bool { return p.Topic.Hidden || p.Reply != nil && p.Reply.Hidden }

// Title is the topic's title (replies have none of their own).
func (p *Post) Title() string { return p.Topic.Title }

// Body is the post's Markdown source.
func (p *Post) Body() string {
	if p.Reply != nil {
		return p.Reply.Body
	}
	return p.Topic.Body
}

// objType is the event object type of the post.
func (p *Post) objType() string {
	if p.Type == discussion.TopicPost {
		return discussion.ObjTopic
	}
	return discussion.ObjReply
}

// post loads a post the viewer may read (its community, that is).
func (s *Service) post(ctx context.Context, viewer *account.User, t discussion.PostType, id int64) (*Post, error) {
	p := &Post{Type: t, ID: id}
	var err error
	switch t {
	case discussion.TopicPost:
		p.Topic, p.Community, p.Access, err = s.topicFor(ctx, viewer, id)
	case discussion.ReplyPost:
		p.Reply, p.Topic, p.Community, p.Access, err = s.replyFor(ctx, viewer, id)
	default:
		err = apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// editable loads a post actor is about to edit: leads edit any post of a
// community that is not archived; an author edits their own while they may
// write there, the post is not hidden and its topic is not locked.
func (s *Service) editable(ctx context.Context, actor *account.User, t discussion.PostType, id int64) (*Post, error) {
	if actor == nil {
		return nil, errUnauthorized
	}
	p, err := s.post(ctx, actor, t, id)
	if err != nil {
		return nil, err
	}
	a := p.Access
	switch {
	case a.Archived:
		return nil, errArchived
	case a.Lead:
		return p, nil
	case p.AuthorID() != actor.ID:
		return nil, errForbidden
	}
	if err := requireWrite(a); err != nil {
		return nil, err
	}
	if p.Hidden() {
		return nil, errPostHidden
	}
	if p.Topic.Locked {
		return nil, errTopicLocked
	}
	return p, nil
}

// PostForEdit returns a post for its edit form, refusing whoever may not edit it.
func (s *Service) PostForEdit(ctx context.Context, actor *account.User, t discussion.PostType, id int64) (*Post, error) {
	return s.editable(ctx, actor, t, id)
}

// EditPost changes a post's text (and a topic's title). The text before the
// edit is kept as a revision, newly @mentioned members are notified, and an
// edit that changes nothing writes nothing.
func (s *Service) EditPost(ctx context.Context, actor *account.User, t discussion.PostType, id int64, in discussion.EditInput) error {
	p, err := s.editable(ctx, actor, t, id)
	if err != nil {
		return err
	}
	if err := in.Validate(t); err != nil {
		return err
	}
	if t == discussion.ReplyPost {
		in.Title = p.Title()
	}
	if in.Title == p.Title() && in.Body == p.Body() {
		return nil
	}
	html, err := render("body", in.Body)
	if err != nil {
		return err
	}
	ms, err := s.resolveMentions(ctx, p.Community.Space.ID, in.Body)
	if err != nil {
		return err
	}
	html = linkMentions(html, ms)
	now := s.Now()
	return s.db.Tx(ctx, func(q *store.Q) error {
		rev := &discussion.Revision{TopicID: p.Topic.ID, PostType: t, PostID: id, EditorID: actor.ID, OldBody: p.Body(), CreatedAt: now}
		if t == discussion.TopicPost {
			rev.OldTitle = p.Title()
		}
		if err := q.AddRevision(ctx, rev); err != nil {
			return err
		}
		if t == discussion.TopicPost {
			err = q.UpdateTopicText(ctx, id, in.Title, in.Body, html, now)
		} else {
			err = q.UpdateReplyText(ctx, id, in.Body, html, now)
		}
		if err != nil {
			return err
		}
		mentioned, err := s.storeMentions(ctx, q, ms, t, id, p.Topic.ID, p.Community.Space.ID, p.AuthorID())
		if err != nil {
			return err
		}
		if err := s.notifyDiscussion(ctx, q, actor, mentionNotices(p.Topic, p.Reply, mentioned)); err != nil {
			return err
		}
		return s.recordPost(ctx, q, actor, p.Community, discussion.VerbEdited, p.objType(), id,
			map[string]any{"topic_id": p.Topic.ID, "revision_id": rev.ID, "by_author": actor.ID == p.AuthorID()})
	})
}

// RevisionList is a topic's edit history.
type RevisionList struct {
	Community *community.Community
	Topic     *discussion.Topic
	Revisions []*discussion.Revision
}

// MaxRevisionsShown bounds the history page.
const MaxRevisionsShown = 500

// Revisions lists the edit history of a topic and its replies, newest
// first, to the community's leads only.
func (s *Service) Revisions(ctx context.Context, actor *account.User, topicID int64) (*RevisionList, error) {
	t, c, a, err := s.topicFor(ctx, actor, topicID)
	if err != nil {
		return nil, err
	}
	if !a.Lead {
		return nil, errForbidden
	}
	rs, err := s.db.R().Revisions(ctx, t.ID, MaxRevisionsShown)
	if err != nil {
		return nil, err
	}
	return &RevisionList{Community: c, Topic: t, Revisions: rs}, nil
}

// likable loads a reply actor may like: members like visible replies of
// others.
func (s *Service) likable(ctx context.Context, actor *account.User, replyID int64) (*Post, error) {
	p, err := s.post(ctx, actor, discussion.ReplyPost, replyID)
	if err != nil {
		return nil, err
	}
	if err := requireWrite(p.Access); err != nil {
		return nil, err
	}
	if p.Hidden() {
		return nil, errPostHidden
	}
	return p, nil
}

// Like adds actor's like to a reply, once: liking again changes nothing.
// Nobody likes their own reply, so like counts measure what others value
// (briefings rank contributions by them). It returns the reply as it now is.
func (s *Service) Like(ctx context.Context, actor *account.User, replyID int64) (*discussion.Reply, error) {
	p, err := s.likable(ctx, actor, replyID)
	if err != nil {
		return nil, err
	}
	if p.Reply.AuthorID == actor.ID {
		return nil, apperr.New(apperr.Forbidden, "discussion.like.own")
	}
	var out *discussion.Reply
	err = s.db.Tx(ctx, func(q *store.Q) error {
		added, err := q.Like(ctx, replyID, actor.ID, s.Now())
		if err != nil {
			return err
		}
		if added {
			if err := s.recordPost(ctx, q, actor, p.Community, discussion.VerbLiked, discussion.ObjReply, replyID,
				map[string]any{"topic_id": p.Topic.ID, "author_id": p.Reply.AuthorID}); err != nil {
				return err
			}
		}
		out, err = q.ReplyByID(ctx, replyID)
		return err
	})
	return out, err
}

// Unlike takes actor's like back; without one it changes nothing.
func (s *Service) Unlike(ctx context.Context, actor *account.User, replyID int64) (*discussion.Reply, error) {
	p, err := s.likable(ctx, actor, replyID)
	if err != nil {
		return nil, err
	}
	var out *discussion.Reply
	err = s.db.Tx(ctx, func(q *store.Q) error {
		removed, err := q.Unlike(ctx, replyID, actor.ID)
		if err != nil {
			return err
		}
		if removed {
			if err := s.recordPost(ctx, q, actor, p.Community, discussion.VerbUnliked, discussion.ObjReply, replyID,
				map[string]any{"topic_id": p.Topic.ID}); err != nil {
				return err
			}
		}
		out, err = q.ReplyByID(ctx, replyID)
		return err
	})
	return out, err
}

// MarkExpertAnswer marks (or unmarks) a reply as an expert answer. Only the
// community's experts and hosts may: the badge vouches for the content.
func (s *Service) MarkExpertAnswer(ctx context.Context, actor *account.User, replyID int64, mark bool) error {
	p, err := s.post(ctx, actor, discussion.ReplyPost, replyID)
	if err != nil {
		return err
	}
	a := p.Access
	switch {
	case actor == nil:
		return errUnauthorized
	case a.Archived:
		return errArchived
	case a.Role != community.RoleExpert && !a.Host:
		return apperr.New(apperr.Forbidden, "discussion.expert.not_allowed")
	case mark && p.Hidden():
		return errPostHidden
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		changed, err := q.SetExpertAnswer(ctx, replyID, mark, actor.ID, s.Now())
		if err != nil || !changed {
			return err
		}
		return s.recordPost(ctx, q, actor, p.Community, discussion.VerbMarkedExpertAnswer, discussion.ObjReply, replyID,
			map[string]any{"topic_id": p.Topic.ID, "marked": mark})
	})
}

// moderated loads a topic for a lead's action on it.
func (s *Service) moderated(ctx context.Context, actor *account.User, topicID int64, allowArchived bool) (*Post, error) {
	p, err := s.post(ctx, actor, discussion.TopicPost, topicID)
	if err != nil {
		return nil, err
	}
	switch {
	case actor == nil:
		return nil, errUnauthorized
	case p.Access.Archived && !allowArchived:
		return nil, errArchived
	case !p.Access.Lead:
		return nil, errForbidden
	}
	return p, nil
}

// PinTopic pins a topic to the top of its lists, or unpins it (leads).
func (s *Service) PinTopic(ctx context.Context, actor *account.User, topicID int64, pin bool) error {
	return s.setTopicFlag(ctx, actor, topicID, store.FlagPinned, pin, discussion.VerbPinned)
}

// LockTopic closes a topic to replies from anyone but leads, or reopens it (leads).
func (s *Service) LockTopic(ctx context.Context, actor *account.User, topicID int64, lock bool) error {
	return s.setTopicFlag(ctx, actor, topicID, store.FlagLocked, lock, discussion.VerbLocked)
}

func (s *Service) setTopicFlag(ctx context.Context, actor *account.User, topicID int64, flag store.TopicFlag, on bool, verb event.Verb) error {
	p, err := s.moderated(ctx, actor, topicID, false)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		changed, err := q.SetTopicFlag(ctx, topicID, flag, on, s.Now())
		if err != nil || !changed {
			return err
		}
		return s.recordPost(ctx, q, actor, p.Community, verb, discussion.ObjTopic, topicID, map[string]any{"on": on})
	})
}

// MoveTopic puts a topic on another board of its community (leads); board 0
// is the default board.
func (s *Service) MoveTopic(ctx context.Context, actor *account.User, topicID, boardID int64) error {
	p, err := s.moderated(ctx, actor, topicID, false)
	if err != nil {
		return err
	}
	if boardID != 0 {
		b, err := s.db.R().BoardByID(ctx, boardID)
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return err
		}
		if b == nil || b.SpaceID != p.Community.Space.ID {
			f := apperr.Fields{}
			f.Add("board", "form.invalid_choice")
			return f.Err()
		}
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		if boardID == 0 {
			b, err := q.DefaultBoard(ctx, p.Community.Space.ID, s.Now())
			if err != nil {
				return err
			}
			boardID = b.ID
		}
		if boardID == p.Topic.BoardID {
			return nil
		}
		if err := q.MoveTopic(ctx, topicID, boardID, s.Now()); err != nil {
			return err
		}
		return s.recordPost(ctx, q, actor, p.Community, discussion.VerbMoved, discussion.ObjTopic, topicID,
			map[string]any{"from": p.Topic.BoardID, "to": boardID})
	})
}

// SetHidden hides a post from everyone but leads, or restores it (leads).
// Hiding answers every open report on the post. It works in an archived
// community too: its content is still read, so it must stay moderated.
func (s *Service) SetHidden(ctx context.Context, actor *account.User, t discussion.PostType, id int64, hidden bool) error {
	p, err := s.post(ctx, actor, t, id)
	if err != nil {
		return err
	}
	if actor == nil {
		return errUnauthorized
	}
	if !p.Access.Lead {
		return errForbidden
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		return s.hide(ctx, q, actor, p, hidden)
	})
}

func (s *Service) hide(ctx context.Context, q *store.Q, actor *account.User, p *Post, hidden bool) error {
	now := s.Now()
	var changed bool
	var err error
	if p.Type == discussion.TopicPost {
		changed, err = q.SetTopicFlag(ctx, p.ID, store.FlagHidden, hidden, now)
	} else {
		changed, err = q.SetReplyHidden(ctx, p.ID, hidden, now)
	}
	if err != nil {
		return err
	}
	closed := 0
	if hidden {
		if closed, err = q.CloseReports(ctx, p.Type, p.ID, discussion.ReportHidden, actor.ID, now); err != nil {
			return err
		}
	}
	if !changed {
		return nil
	}
	verb := discussion.VerbRestored
	if hidden {
		verb = discussion.VerbHidden
	}
	return s.recordPost(ctx, q, actor, p.Community, verb, p.objType(), p.ID,
		map[string]any{"topic_id": p.Topic.ID, "reports_closed": closed})
}
