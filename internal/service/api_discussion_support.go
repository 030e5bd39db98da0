package service

import (
	"context"
	"fmt"
	"slices"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Reads of the community discussion for the JSON API, which pages lists by
// limit and offset, lists boards on their own, and answers every action on
// a reply with that reply. They reuse the rules of Discussion and Topic:
// readers of the community read, hidden topics are listed to leads only,
// and a hidden post shows its text to leads only.

// CommunityBoards lists a community's boards, the default one first; before
// anyone has posted, the default board is listed with ID 0 (it is created
// with the first topic or board).
func (s *Service) CommunityBoards(ctx context.Context, viewer *account.User, communityID int64) ([]*discussion.Board, error) {
	c, _, err := s.community(ctx, viewer, communityID)
	if err != nil {
		return nil, err
	}
	return s.boards(ctx, c.Space.ID)
}

// TopicListQuery selects topics of a community by board and visibility,
// paged by limit and offset.
type TopicListQuery struct {
	BoardID       int64 // 0 = every board
	Hidden        bool  // the hidden topics instead (leads only)
	Limit, Offset int
}

// CommunityTopics lists a community's topics, pinned first, then by latest
// activity, with their total. A board that is not the community's is a
// field error on "board", since the caller named it.
func (s *Service) CommunityTopics(ctx context.Context, viewer *account.User, communityID int64, q TopicListQuery) ([]*discussion.Topic, int, error) {
	c, a, err := s.community(ctx, viewer, communityID)
	if err != nil {
		return nil, 0, err
	}
	if q.Hidden && !a.Lead {
		return nil, 0, errForbidden
	}
	if q.BoardID != 0 {
		bs, err := s.boards(ctx, c.Space.ID)
		if err != nil {
			return nil, 0, err
		}
		if !slices.ContainsFunc(bs, func(b *discussion.Board) bool { return b.ID == q.BoardID }) {
			f := apperr.Fields{}
			f.Add("board", "form.invalid_choice")
			return nil, 0, f.Err()
		}
	}
	return s.db.R().Topics(ctx, store.TopicFilter{SpaceID: c.Space.ID, BoardID: q.BoardID, Hidden: q.Hidden,
		Limit: q.Limit, Offset: q.Offset})
}

// ReplyView is one reply as a viewer may see it, placed in its topic.
type ReplyView struct {
	Reply  discussion.Threaded // Floor is its position in the topic; alone, it has no indent
	Page   int                 // the topic page it appears on
	Access Access
}

// ReplyDetail returns one reply with its Markdown source, its floor and page,
// whether the viewer likes it and what it shows of the replies it answers
// and quotes. Like a topic page, it shows a hidden reply's text (and any
// reply's text in a hidden topic) to the community's leads only.
func (s *Service) ReplyDetail(ctx context.Context, viewer *account.User, id int64) (*ReplyView, error) {
	r, t, _, a, err := s.replyFor(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	rd := s.db.R()
	pos, err := rd.ReplyPosition(ctx, t.ID, r.ID)
	if err != nil {
		return nil, err
	}
	var viewerID int64
	if viewer != nil {
		viewerID = viewer.ID
	}
	// The page query brings the like and the parent's and quote's state;
	// read at the reply's own position, it returns the reply itself. The
	// total passed makes it step from the topic's first reply, which stays
	// right even when replies arrived after the topic was read.
	page, err := rd.RepliesPage(ctx, t.ID, viewerID, pos, 2*pos+2, 1)
	if err != nil {
		return nil, err
	}
	if len(page) != 1 || page[0].ID != r.ID {
		return nil, fmt.Errorf("reply %d not found at position %d of topic %d", r.ID, pos, t.ID)
	}
	rp := page[0]
	rp.Body = r.Body // the page query leaves the source out
	if !a.Lead {
		if rp.Hidden || t.Hidden {
			rp.Body, rp.BodyHTML, rp.QuoteExcerpt = "", "", ""
		}
		if rp.QuoteHidden {
			rp.QuoteExcerpt = ""
		}
	}
	return &ReplyView{Reply: discussion.Threaded{Reply: rp, Floor: pos + 1}, Page: discussion.PageOf(pos), Access: a}, nil
}
