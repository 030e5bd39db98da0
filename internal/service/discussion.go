package service

import (
	"context"
	"slices"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/markup"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Community discussion. The rules, in one place:
//   - whoever may read a community reads its discussion; members of a
//     community that is not archived write (requireWrite);
//   - a locked topic takes replies from its community's leads only;
//   - hidden posts are shown to leads (hosts, facilitators, admins of the
//     owner institution) only; everyone else gets the post with its text
//     removed and the page says it was hidden;
//   - authors edit their own posts while they may write and the topic is
//     open; leads edit any post; every edit keeps the old text, which only
//     leads can read;
//   - experts and hosts mark expert answers; leads pin, lock, move, hide and
//     restore; any signed-in reader may report a post;
//   - every change writes an event in its own transaction.
// Moderation (hiding, restoring, reports) stays possible in an archived
// community, whose content is still read; everything else there is refused.
// The rest of the discussion is in discussion_posts.go (edits, likes,
// moderation), discussion_mentions.go and discussion_files.go.

var (
	errTopicLocked = apperr.New(apperr.Conflict, "discussion.error.locked")
	errPostHidden  = apperr.New(apperr.Conflict, "discussion.error.hidden")
)

// TopicQuery selects a page of a community's topic list.
type TopicQuery struct {
	BoardID int64 // 0 = all boards
	Hidden  bool  // hidden topics instead of visible ones (leads only)
	Page    int   // 1-based
}

// TopicList is one page of a community's discussion.
type TopicList struct {
	Community   *community.Community
	Access      Access
	Boards      []*discussion.Board
	Board       *discussion.Board // the selected board, nil for all
	Topics      []*discussion.Topic
	Total       int
	Page        int
	Hidden      bool
	OpenReports int // for leads: reports awaiting a decision
}

// Discussion lists a community's boards and a page of its topics, pinned
// first, then by latest activity.
func (s *Service) Discussion(ctx context.Context, viewer *account.User, communityID int64, tq TopicQuery) (*TopicList, error) {
	c, a, err := s.community(ctx, viewer, communityID)
	if err != nil {
		return nil, err
	}
	if tq.Hidden && !a.Lead {
		return nil, errForbidden
	}
	l := &TopicList{Community: c, Access: a, Page: max(1, tq.Page), Hidden: tq.Hidden}
	if l.Boards, err = s.boards(ctx, c.Space.ID); err != nil {
		return nil, err
	}
	if tq.BoardID != 0 {
		i := slices.IndexFunc(l.Boards, func(b *discussion.Board) bool { return b.ID == tq.BoardID })
		if i < 0 {
			return nil, apperr.New(apperr.NotFound, "error.not_found")
		}
		l.Board = l.Boards[i]
	}
	l.Topics, l.Total, err = s.db.R().Topics(ctx, store.TopicFilter{SpaceID: c.Space.ID, BoardID: tq.BoardID, Hidden: tq.Hidden,
		Limit: discussion.TopicsPerPage, Offset: (l.Page - 1) * discussion.TopicsPerPage})
	if err != nil {
		return nil, err
	}
	if a.Lead {
		if l.OpenReports, err = s.db.R().CountOpenReports(ctx, c.Space.ID); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// boards lists a community's boards; a community nobody has posted in yet
// shows its default board before the board exists (ID 0), so reading never
// writes.
func (s *Service) boards(ctx context.Context, spaceID int64) ([]*discussion.Board, error) {
	bs, err := s.db.R().Boards(ctx, spaceID)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(bs, func(b *discussion.Board) bool { return b.Default }) {
		bs = append([]*discussion.Board{{SpaceID: spaceID, Default: true}}, bs...)
	}
	return bs, nil
}

// CreateBoard adds a board to a community (leads only).
func (s *Service) CreateBoard(ctx context.Context, actor *account.User, communityID int64, in discussion.BoardInput) (*discussion.Board, error) {
	c, a, err := s.community(ctx, actor, communityID)
	if err != nil {
		return nil, err
	}
	if a.Archived {
		return nil, errArchived
	}
	if !a.Lead {
		return nil, errForbidden
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	b := &discussion.Board{SpaceID: c.Space.ID, Name: in.Name, Description: in.Description, CreatedAt: s.Now()}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		bs, err := q.Boards(ctx, c.Space.ID)
		if err != nil {
			return err
		}
		if len(bs) >= discussion.MaxBoards {
			return apperr.New(apperr.Conflict, "discussion.board.too_many")
		}
		if _, err := q.DefaultBoard(ctx, c.Space.ID, b.CreatedAt); err != nil {
			return err
		}
		if err := q.CreateBoard(ctx, b); err != nil {
			return err
		}
		return s.recordPost(ctx, q, actor, c, discussion.VerbCreated, discussion.ObjBoard, b.ID, map[string]any{"name": truncate(b.Name, 200)})
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// recordPost writes a discussion event in the community, attributed to the
// actor's institution as theme negotiation does.
func (s *Service) recordPost(ctx context.Context, q *store.Q, actor *account.User, c *community.Community, verb event.Verb, objType string, objID int64, details map[string]any) error {
	return s.record(ctx, q, event.Event{ActorID: actor.ID, Verb: verb, ObjectType: objType, ObjectID: objID,
		SpaceID: c.Space.ID, InstitutionID: actor.InstitutionID}, details)
}

// CreateTopic opens a topic (members of a community that is not archived),
// on a board of the community (its default board when none is given),
// optionally linked to one of its adopted themes, with attachments.
func (s *Service) CreateTopic(ctx context.Context, actor *account.User, communityID int64, in discussion.TopicInput, files []Upload) (*discussion.Topic, error) {
	c, a, err := s.community(ctx, actor, communityID)
	if err != nil {
		return nil, err
	}
	if err := requireWrite(a); err != nil {
		return nil, err
	}
	f := apperr.Fields{}
	if err := in.Validate(); err != nil {
		e, _ := apperr.As(err)
		f = e.Fields
	}
	if in.BoardID != 0 {
		b, err := s.db.R().BoardByID(ctx, in.BoardID)
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return nil, err
		}
		if b == nil || b.SpaceID != c.Space.ID {
			f.Add("board", "form.invalid_choice")
		}
	}
	t := &discussion.Topic{BoardID: in.BoardID, SpaceID: c.Space.ID, AuthorID: actor.ID, AuthorName: actor.Name(),
		AuthorUsername: actor.Username, Title: in.Title, Body: in.Body, CreatedAt: s.Now()}
	if in.ThemeID != 0 {
		p, err := s.db.R().ProposalByID(ctx, in.ThemeID)
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return nil, err
		}
		if p == nil || p.SpaceID != c.Space.ID || p.Status != community.Adopted {
			f.Add("theme", "form.invalid_choice")
		} else {
			t.ThemeID, t.ThemeTitle = p.ID, p.Title
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if t.BodyHTML, err = render("body", t.Body); err != nil {
		return nil, err
	}
	ms, err := s.resolveMentions(ctx, c.Space.ID, t.Body)
	if err != nil {
		return nil, err
	}
	t.BodyHTML = linkMentions(t.BodyHTML, ms)
	stored, err := s.storeUploads(ctx, actor, files)
	if err != nil {
		return nil, err
	}
	var notes []discussionNotice
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if t.BoardID == 0 {
			b, err := q.DefaultBoard(ctx, c.Space.ID, t.CreatedAt)
			if err != nil {
				return err
			}
			t.BoardID = b.ID
		}
		if err := q.CreateTopic(ctx, t); err != nil {
			return err
		}
		if err := s.attach(ctx, q, stored, t.SpaceID, t.ID, 0); err != nil {
			return err
		}
		t.AttachmentCount = len(stored)
		mentioned, err := s.storeMentions(ctx, q, ms, discussion.TopicPost, t.ID, t.ID, c.Space.ID, actor.ID)
		if err != nil {
			return err
		}
		notes = noticesFor(t, nil, actor.ID, mentioned)
		if err := s.notifyDiscussion(ctx, q, actor, notes); err != nil {
			return err
		}
		return s.recordPost(ctx, q, actor, c, discussion.VerbCreated, discussion.ObjTopic, t.ID,
			map[string]any{"title": truncate(t.Title, 200), "board_id": t.BoardID})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// topicFor loads a topic with its community and the viewer's access,
// failing unless the viewer may read the community.
func (s *Service) topicFor(ctx context.Context, viewer *account.User, id int64) (*discussion.Topic, *community.Community, Access, error) {
	t, _, err := s.topicByID(ctx, id)
	if err != nil {
		return nil, nil, Access{}, err
	}
	c, a, err := s.community(ctx, viewer, t.SpaceID)
	if err != nil {
		return nil, nil, a, err
	}
	return t, c, a, nil
}

// topicByID reads a topic through the read cache, with the number of that
// read (see readCache.readID); the caller gets its own copy.
func (s *Service) topicByID(ctx context.Context, id int64) (*discussion.Topic, uint64, error) {
	shared, err := cachedRead(ctx, s.reads, topicKey(id), topicTables, func(ctx context.Context) (sharedTopic, error) {
		t, err := s.db.R().TopicByID(ctx, id)
		return sharedTopic{t, s.reads.readID()}, err
	})
	if err != nil {
		return nil, 0, err
	}
	t := *shared.t
	return &t, shared.read, nil
}

type topicKey int64

type sharedTopic struct {
	t    *discussion.Topic
	read uint64
}

var topicTables = []string{"topics", "users", "boards", "theme_proposals"}

// replyFor loads a reply with its topic, community and the viewer's access.
func (s *Service) replyFor(ctx context.Context, viewer *account.User, id int64) (*discussion.Reply, *discussion.Topic, *community.Community, Access, error) {
	r, err := s.db.R().ReplyByID(ctx, id)
	if err != nil {
		return nil, nil, nil, Access{}, err
	}
	t, c, a, err := s.topicFor(ctx, viewer, r.TopicID)
	if err != nil {
		return nil, nil, nil, a, err
	}
	return r, t, c, a, nil
}

// repliesPage reads a page of a topic's replies for viewer, with the number
// of the read of the replies (see readCache.readID). The replies are the
// same for every viewer and come from the read cache (a topic's first page
// is what every visitor opens: profiles put a third of the page there);
// the viewer's likes are read from the index of their likes in one range
// and marked on copies of the replies they like. The other replies are the
// shared ones: read-only.
func (s *Service) repliesPage(ctx context.Context, viewer *account.User, t *discussion.Topic, offset int) ([]*discussion.Reply, uint64, error) {
	shared, err := cachedRead(ctx, s.reads, repliesPageKey{t.ID, offset, t.ReplyCount}, repliesPageTables,
		func(ctx context.Context) (sharedReplies, error) {
			rs, err := s.db.R().RepliesPage(ctx, t.ID, 0, offset, t.ReplyCount, discussion.PageSize)
			return sharedReplies{rs, s.reads.readID()}, err
		})
	if err != nil || len(shared.replies) == 0 {
		return nil, shared.read, err
	}
	liked := map[int64]bool{}
	if viewer != nil {
		first, last := shared.replies[0].ID, shared.replies[len(shared.replies)-1].ID
		if liked, err = s.db.R().LikedReplies(ctx, viewer.ID, first, last); err != nil {
			return nil, 0, err
		}
	}
	out := make([]*discussion.Reply, len(shared.replies))
	for i, rp := range shared.replies {
		out[i] = rp
		if liked[rp.ID] {
			cp := *rp
			cp.Liked = true
			out[i] = &cp
		}
	}
	return out, shared.read, nil
}

type sharedReplies struct {
	replies []*discussion.Reply
	read    uint64
}

// repliesPageKey names a page of replies: the topic, where the page starts
// and how many replies the topic had (which the page's query depends on).
type repliesPageKey struct {
	topic           int64
	offset, replies int
}

var repliesPageTables = []string{"replies", "users"}

// TopicPage is one page of a topic as a viewer may see it.
type TopicPage struct {
	Community *community.Community
	Access    Access
	Topic     *discussion.Topic
	// Replies may be shared with other requests through the read cache:
	// read-only. TopicRead and RepliesRead number the reads of the topic
	// and of its replies (see readCache.readID), for caching what is made
	// of them.
	Replies     []discussion.Threaded
	TopicRead   uint64
	RepliesRead uint64
	// Attachments by reply ID; key 0 holds the topic's own files.
	Attachments   map[int64][]*discussion.Attachment
	Page, Pages   int
	CanReply      bool
	CanMarkExpert bool
	CanEditTopic  bool
	Boards        []*discussion.Board // for leads' move form
}

// Topic returns page `page` (1-based, clamped to the topic's pages) of a
// topic's replies, PageSize to a page, in posting order laid out as threads.
// The page is read by key from the (topic_id, id) index; the page count
// comes from the topic's reply counter, so no page needs a COUNT or a sort.
func (s *Service) Topic(ctx context.Context, viewer *account.User, id int64, page int) (*TopicPage, error) {
	t, topicRead, err := s.topicByID(ctx, id)
	if err != nil {
		return nil, err
	}
	c, a, err := s.community(ctx, viewer, t.SpaceID)
	if err != nil {
		return nil, err
	}
	p := &TopicPage{Community: c, Access: a, Topic: t, TopicRead: topicRead, Pages: discussion.Pages(t.ReplyCount),
		CanMarkExpert: !a.Archived && (a.Role == community.RoleExpert || a.Host)}
	p.Page = min(max(1, page), p.Pages)
	p.CanReply = a.Write && (a.Lead || !t.Locked && !t.Hidden)
	p.CanEditTopic = viewer != nil && (a.Lead && !a.Archived || viewer.ID == t.AuthorID && a.Write && !t.Locked && !t.Hidden)
	if t.Hidden && !a.Lead {
		// A hidden topic shows nothing of itself or its replies.
		t.Title, t.Body, t.BodyHTML = "", "", ""
		p.Pages, p.Page, p.Attachments = 1, 1, map[int64][]*discussion.Attachment{}
		return p, nil
	}
	r := s.db.R()
	offset := (p.Page - 1) * discussion.PageSize
	replies, repliesRead, err := s.repliesPage(ctx, viewer, t, offset)
	if err != nil {
		return nil, err
	}
	p.RepliesRead = repliesRead
	if !a.Lead {
		// What hidden replies said is for leads only; the page's replies are
		// shared, so the blanked ones are copies.
		for i, rp := range replies {
			if rp.Hidden || rp.QuoteHidden && rp.QuoteExcerpt != "" {
				cp := *rp
				if cp.Hidden {
					cp.Body, cp.BodyHTML, cp.QuoteExcerpt = "", "", ""
				}
				if cp.QuoteHidden {
					cp.QuoteExcerpt = ""
				}
				replies[i] = &cp
			}
		}
	}
	p.Replies = discussion.Arrange(replies, offset)
	p.Attachments = map[int64][]*discussion.Attachment{}
	if t.AttachmentCount > 0 {
		from, to := int64(1), int64(0)
		if len(replies) > 0 {
			from, to = replies[0].ID, replies[len(replies)-1].ID
		}
		if p.Page == 1 {
			from = 0
		}
		as, err := r.Attachments(ctx, t.ID, from, to)
		if err != nil {
			return nil, err
		}
		for _, at := range as {
			p.Attachments[at.ReplyID] = append(p.Attachments[at.ReplyID], at)
		}
	}
	if a.Lead {
		if p.Boards, err = s.boards(ctx, c.Space.ID); err != nil {
			return nil, err
		}
		return p, nil
	}
	for _, rp := range replies {
		if rp.Hidden {
			delete(p.Attachments, rp.ID)
		}
	}
	return p, nil
}

// Reply answers a topic, or a reply in it (threading), optionally quoting
// a reply of the same topic. Members write; a locked topic takes replies
// from leads only. The topic's author and everyone @mentioned who is a
// member are notified.
func (s *Service) Reply(ctx context.Context, actor *account.User, topicID int64, in discussion.ReplyInput, files []Upload) (*discussion.Reply, error) {
	t, c, a, err := s.topicFor(ctx, actor, topicID)
	if err != nil {
		return nil, err
	}
	if err := requireWrite(a); err != nil {
		return nil, err
	}
	if t.Hidden && !a.Lead {
		return nil, errPostHidden
	}
	if t.Locked && !a.Lead {
		return nil, errTopicLocked
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	rp := &discussion.Reply{TopicID: t.ID, SpaceID: t.SpaceID, AuthorID: actor.ID, AuthorName: actor.Name(),
		AuthorUsername: actor.Username, Body: in.Body, CreatedAt: s.Now()}
	f := apperr.Fields{}
	if in.ParentID != 0 {
		parent, err := s.sameTopicReply(ctx, t.ID, in.ParentID, a)
		if err != nil {
			return nil, err
		}
		if parent == nil {
			f.Add("parent", "form.invalid")
		} else {
			rp.ParentID, rp.Depth = parent.ID, parent.Depth+1
		}
	}
	if in.QuoteOf != 0 {
		quoted, err := s.sameTopicReply(ctx, t.ID, in.QuoteOf, a)
		if err != nil {
			return nil, err
		}
		if quoted == nil {
			f.Add("quote", "form.invalid")
		} else {
			rp.QuoteOf, rp.QuoteExcerpt = quoted.ID, markup.Excerpt(quoted.Body, discussion.QuoteExcerptRunes)
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if rp.BodyHTML, err = render("body", rp.Body); err != nil {
		return nil, err
	}
	ms, err := s.resolveMentions(ctx, c.Space.ID, rp.Body)
	if err != nil {
		return nil, err
	}
	rp.BodyHTML = linkMentions(rp.BodyHTML, ms)
	stored, err := s.storeUploads(ctx, actor, files)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.CreateReply(ctx, rp); err != nil {
			return err
		}
		if err := s.attach(ctx, q, stored, t.SpaceID, t.ID, rp.ID); err != nil {
			return err
		}
		mentioned, err := s.storeMentions(ctx, q, ms, discussion.ReplyPost, rp.ID, t.ID, c.Space.ID, actor.ID)
		if err != nil {
			return err
		}
		if err := s.notifyDiscussion(ctx, q, actor, noticesFor(t, rp, actor.ID, mentioned)); err != nil {
			return err
		}
		return s.recordPost(ctx, q, actor, c, discussion.VerbReplied, discussion.ObjReply, rp.ID,
			map[string]any{"topic_id": t.ID, "title": truncate(t.Title, 200), "parent_id": rp.ParentID})
	})
	if err != nil {
		return nil, err
	}
	return rp, nil
}

// sameTopicReply loads a reply a new reply points at; nil when it is not in
// the topic, or hidden from the viewer.
func (s *Service) sameTopicReply(ctx context.Context, topicID, id int64, a Access) (*discussion.Reply, error) {
	r, err := s.db.R().ReplyByID(ctx, id)
	if apperr.Is(err, apperr.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if r.TopicID != topicID || r.Hidden && !a.Lead {
		return nil, nil
	}
	return r, nil
}

// ReplyLocation finds the topic and page on which a reply appears, for
// links that name a reply (notifications, quotes on other pages).
func (s *Service) ReplyLocation(ctx context.Context, viewer *account.User, replyID int64) (topicID int64, page int, err error) {
	r, t, _, _, err := s.replyFor(ctx, viewer, replyID)
	if err != nil {
		return 0, 0, err
	}
	pos, err := s.db.R().ReplyPosition(ctx, t.ID, r.ID)
	if err != nil {
		return 0, 0, err
	}
	return t.ID, discussion.PageOf(pos), nil
}
