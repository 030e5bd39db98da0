package api

import (
	"time"

	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/service"
)

// Response DTOs of the community discussion: boards, topics and threaded
// replies. Posts carry the sanitised HTML rendered from their Markdown; the
// Markdown source comes with a topic and with a single reply (what an edit
// starts from), not with the replies of a page, which the store reads
// without it to keep a page of a long topic fast. A hidden post shows its
// text to the community's leads only: everyone else gets it with its text
// emptied and hidden set. Attachments are not carried by the API; a post
// says how many it has, and the web pages serve them.

// boardDTO is a board of a community. Before anyone posts, the default
// board is listed without an ID or a creation time: it is created with the
// first topic or board.
type boardDTO struct {
	ID          *int64     `json:"id"`
	CommunityID int64      `json:"community_id"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Position    int        `json:"position"`
	Default     bool       `json:"default"`
	CreatedAt   *time.Time `json:"created_at"`
}

func newBoard(b *discussion.Board) boardDTO {
	out := boardDTO{ID: optID(b.ID), CommunityID: b.SpaceID, Name: b.Name, Description: b.Description,
		Position: b.Position, Default: b.Default}
	if b.ID != 0 {
		at := b.CreatedAt.UTC()
		out.CreatedAt = &at
	}
	return out
}

// boardRef names a topic's board; the default board's name is empty, and
// clients show their own label for it.
type boardRef struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Default bool   `json:"default"`
}

// topicDTO is a topic as lists show it: its opening post's title and
// counters, without the text.
type topicDTO struct {
	ID              int64      `json:"id"`
	CommunityID     int64      `json:"community_id"`
	Board           boardRef   `json:"board"`
	Theme           *namedRef  `json:"theme"`
	Author          authorDTO  `json:"author"`
	Title           string     `json:"title"`
	Pinned          bool       `json:"pinned"`
	Locked          bool       `json:"locked"`
	Hidden          bool       `json:"hidden"`
	ReplyCount      int        `json:"reply_count"`
	AttachmentCount int        `json:"attachment_count"`
	LastReplyAt     time.Time  `json:"last_reply_at"`
	LastReplyBy     *personRef `json:"last_reply_by"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	EditedAt        *time.Time `json:"edited_at"`
}

func newTopic(t *discussion.Topic) topicDTO {
	out := topicDTO{ID: t.ID, CommunityID: t.SpaceID, Board: boardRef{ID: t.BoardID, Name: t.BoardName, Default: t.BoardDefault},
		Author: authorDTO{ID: t.AuthorID, Username: t.AuthorUsername, DisplayName: t.AuthorName}, Title: t.Title,
		Pinned: t.Pinned, Locked: t.Locked, Hidden: t.Hidden, ReplyCount: t.ReplyCount, AttachmentCount: t.AttachmentCount,
		LastReplyAt: t.LastReplyAt.UTC(), CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC(), EditedAt: optTime(t.EditedAt)}
	if t.ThemeID != 0 {
		out.Theme = &namedRef{ID: t.ThemeID, Name: t.ThemeTitle}
	}
	if t.LastReplyBy != 0 {
		out.LastReplyBy = &personRef{ID: t.LastReplyBy, DisplayName: t.LastReplyName}
	}
	return out
}

// topicViewerDTO is what the caller may do with a topic, so that a client
// offers only the actions that will succeed.
type topicViewerDTO struct {
	CanReply      bool `json:"can_reply"`
	CanEdit       bool `json:"can_edit"`
	CanMarkExpert bool `json:"can_mark_expert"`
	Lead          bool `json:"lead"`
}

// topicDetailDTO is a topic with its text and the first page of its
// replies.
type topicDetailDTO struct {
	topicDTO
	Body           string         `json:"body"`
	BodyHTML       string         `json:"body_html"`
	Viewer         topicViewerDTO `json:"viewer"`
	Replies        list[replyDTO] `json:"replies"`
	ReplyPages     int            `json:"reply_pages"`
	RepliesPerPage int            `json:"replies_per_page"`
}

func newTopicDetail(p *service.TopicPage) topicDetailDTO {
	replies := repliesOf(p)
	return topicDetailDTO{topicDTO: newTopic(p.Topic), Body: p.Topic.Body, BodyHTML: p.Topic.BodyHTML,
		Viewer:  topicViewerDTO{CanReply: p.CanReply, CanEdit: p.CanEditTopic, CanMarkExpert: p.CanMarkExpert, Lead: p.Access.Lead},
		Replies: replies, ReplyPages: p.Pages, RepliesPerPage: discussion.PageSize}
}

// repliesOf is the page of replies of a topic page with their total: none
// for a hidden topic shown to someone who is not a lead.
func repliesOf(p *service.TopicPage) list[replyDTO] {
	total := p.Topic.ReplyCount
	if p.Topic.Hidden && !p.Access.Lead {
		total = 0
	}
	out := list[replyDTO]{Items: make([]replyDTO, 0, len(p.Replies)), Total: total}
	for _, r := range p.Replies {
		out.Items = append(out.Items, newReply(r, p.Access.Lead))
	}
	return out
}

// replyDTO is a reply as a topic page lays it out: floor is its 1-based
// position in the topic, indent its depth on this page (capped), and
// parent_on_page says whether the reply it answers is shown above it.
type replyDTO struct {
	ID           int64      `json:"id"`
	TopicID      int64      `json:"topic_id"`
	Floor        int        `json:"floor"`
	Depth        int        `json:"depth"`
	Indent       int        `json:"indent"`
	ParentID     *int64     `json:"parent_id"`
	ParentAuthor *string    `json:"parent_author"`
	ParentHidden bool       `json:"parent_hidden"`
	ParentOnPage bool       `json:"parent_on_page"`
	QuoteOf      *int64     `json:"quote_of"`
	QuoteExcerpt string     `json:"quote_excerpt"`
	Author       authorDTO  `json:"author"`
	BodyHTML     string     `json:"body_html"`
	LikeCount    int        `json:"like_count"`
	Liked        bool       `json:"liked"`
	ExpertAnswer bool       `json:"expert_answer"`
	Hidden       bool       `json:"hidden"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	EditedAt     *time.Time `json:"edited_at"`
}

// newReply converts a placed reply; lead says whether the viewer may see
// the name of a hidden parent's author.
func newReply(t discussion.Threaded, lead bool) replyDTO {
	r := t.Reply
	out := replyDTO{ID: r.ID, TopicID: r.TopicID, Floor: t.Floor, Depth: r.Depth, Indent: t.Indent, ParentID: optID(r.ParentID),
		ParentHidden: r.ParentID != 0 && r.ParentHidden, ParentOnPage: t.ParentOnPage, QuoteOf: optID(r.QuoteOf),
		QuoteExcerpt: r.QuoteExcerpt, Author: authorDTO{ID: r.AuthorID, Username: r.AuthorUsername, DisplayName: r.AuthorName},
		BodyHTML: r.BodyHTML, LikeCount: r.LikeCount, Liked: r.Liked, ExpertAnswer: r.ExpertAnswer, Hidden: r.Hidden,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), EditedAt: optTime(r.EditedAt)}
	if r.ParentID != 0 && (!r.ParentHidden || lead) {
		name := r.ParentAuthor
		out.ParentAuthor = &name
	}
	return out
}

// replyDetailDTO is one reply on its own, with its Markdown source and the
// topic page it appears on; it answers every action on a reply.
type replyDetailDTO struct {
	replyDTO
	Body string `json:"body"`
	Page int    `json:"page"`
}

func newReplyDetail(v *service.ReplyView) replyDetailDTO {
	return replyDetailDTO{replyDTO: newReply(v.Reply, v.Access.Lead), Body: v.Reply.Body, Page: v.Page}
}
