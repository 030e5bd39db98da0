package service

import (
	"context"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/message"
	"github.com/yanxiu/yanxiu/internal/notify"
	"github.com/yanxiu/yanxiu/internal/store"
)

// The rules of direct messages, in one place:
//   - two people may write to each other while they are members of at least
//     one common training community, and neither blocks the other;
//   - a refused sender hears the same neutral answer whether the reason is
//     a block or no common community, so a block is never revealed (only
//     one's own block is named, to the person who set it);
//   - a conversation is readable by its two participants and nobody else,
//     platform admins included; moderators see a message only when a
//     participant reports it (message_reports.go).

// errCannotSend is the neutral refusal of a message.
var errCannotSend = apperr.New(apperr.Forbidden, "message.error.cannot_send")

// errNoSuchConversation hides whether a conversation or a message exists
// from people who are not in it.
var errNoSuchConversation = apperr.New(apperr.NotFound, "error.not_found")

// counterpart resolves the other participant of actor's conversation: an
// active account that is not actor.
func (s *Service) counterpart(ctx context.Context, actor *account.User, username string) (*account.User, error) {
	if actor == nil {
		return nil, errUnauthorized
	}
	other, err := s.UserByUsername(ctx, username)
	if err != nil {
		return nil, err
	}
	if other.Disabled || other.ID == actor.ID {
		return nil, errNoSuchConversation
	}
	return other, nil
}

// reach is what stands between two people who might write to each other.
type reach struct {
	shared   bool // a common community
	blocking bool // actor blocks the other
	blocked  bool // the other blocks actor
}

func (s *Service) reach(ctx context.Context, actor, other *account.User) (reach, error) {
	var r reach
	var err error
	q := s.db.R()
	if r.shared, err = q.SharesCommunity(ctx, actor.ID, other.ID); err != nil {
		return r, err
	}
	r.blocking, r.blocked, err = q.Blocks(ctx, actor.ID, other.ID)
	return r, err
}

// SendMessage sends a direct message from actor to the person named
// toUsername, starting their conversation on the first message.
func (s *Service) SendMessage(ctx context.Context, actor *account.User, toUsername, body string) (*message.Message, error) {
	to, err := s.counterpart(ctx, actor, toUsername)
	if err != nil {
		return nil, err
	}
	r, err := s.reach(ctx, actor, to)
	if err != nil {
		return nil, err
	}
	switch {
	case r.blocking:
		return nil, apperr.New(apperr.Forbidden, "message.error.you_block")
	case !r.shared || r.blocked:
		return nil, errCannotSend
	}
	if body, err = message.ValidateBody(body); err != nil {
		return nil, err
	}
	now := s.Now()
	n, err := s.db.R().SentSince(ctx, actor.ID, now.Add(-time.Minute))
	if err != nil {
		return nil, err
	}
	if n >= message.MaxPerMinute {
		return nil, apperr.New(apperr.RateLimited, "message.error.rate_limited")
	}
	html, err := render("body", body)
	if err != nil {
		return nil, err
	}
	m := &message.Message{SenderID: actor.ID, Body: body, BodyHTML: html, CreatedAt: now}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		id, err := q.EnsureConversation(ctx, actor.ID, to.ID, now)
		if err != nil {
			return err
		}
		m.ConversationID = id
		if err := q.AddMessage(ctx, m); err != nil {
			return err
		}
		// The sender has seen what they wrote.
		if err := q.MarkRead(ctx, m.ConversationID, actor.ID, m.ID, now); err != nil {
			return err
		}
		// The title is the sender's name, never the text: e-mails and the
		// notification inbox must not carry a private message.
		err = s.Notify(ctx, q, notify.Notification{UserID: to.ID, Kind: notify.Message, ActorID: actor.ID,
			ObjectType: message.ObjMessage, ObjectID: m.ID, Title: actor.Name(), URL: "/messages/" + actor.Username})
		if err != nil {
			return err
		}
		return s.record(ctx, q, event.Event{ActorID: actor.ID, Verb: message.VerbSent, ObjectType: message.ObjMessage,
			ObjectID: m.ID, InstitutionID: actor.InstitutionID}, map[string]any{"conversation_id": m.ConversationID})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// ConversationPage is one page of a conversation as its participant sees it.
type ConversationPage struct {
	Other *account.User
	// ID is 0 until the first message is sent.
	ID int64
	// Messages are oldest first, so the newest is at the bottom of the page.
	Messages []*message.Message
	// Older is the before= value that shows the previous page; 0 when there is none.
	Older int64
	// CanSend says whether to offer the reply form: the two share a
	// community and actor does not block the other. Whether the other
	// blocks actor is left out on purpose; sending then fails neutrally.
	CanSend bool
	// Blocking says that actor blocks the other.
	Blocking bool
}

// Conversation returns one page of actor's conversation with the person
// named otherUsername: the newest messages when beforeID is 0, or those
// older than beforeID. Showing the newest page marks them read. Someone
// actor has never written with and shares no community with gets Not
// Found, as does anyone asking about a conversation that is not theirs.
func (s *Service) Conversation(ctx context.Context, actor *account.User, otherUsername string, beforeID int64, limit int) (*ConversationPage, error) {
	other, err := s.counterpart(ctx, actor, otherUsername)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 100 {
		limit = message.PageSize
	}
	beforeID = max(beforeID, 0)
	q := s.db.R()
	id, err := q.ConversationOf(ctx, actor.ID, other.ID)
	if err != nil {
		return nil, err
	}
	r, err := s.reach(ctx, actor, other)
	if err != nil {
		return nil, err
	}
	if id == 0 && !r.shared {
		return nil, errNoSuchConversation
	}
	page := &ConversationPage{Other: other, ID: id, CanSend: r.shared && !r.blocking, Blocking: r.blocking}
	if id == 0 {
		return page, nil
	}
	lastRead, ok, err := q.LastRead(ctx, id, actor.ID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errNoSuchConversation
	}
	msgs, err := q.Messages(ctx, id, beforeID, limit+1)
	if err != nil {
		return nil, err
	}
	if len(msgs) > limit {
		msgs = msgs[:limit]
		page.Older = msgs[limit-1].ID
	}
	for i, j := 0, len(msgs)-1; i < j; i, j = i+1, j-1 {
		msgs[i], msgs[j] = msgs[j], msgs[i]
	}
	page.Messages = msgs
	if beforeID == 0 && len(msgs) > 0 && msgs[len(msgs)-1].ID > lastRead {
		newest := msgs[len(msgs)-1].ID
		if err := s.db.Tx(ctx, func(q *store.Q) error {
			return q.MarkRead(ctx, id, actor.ID, newest, s.Now())
		}); err != nil {
			return nil, err
		}
	}
	return page, nil
}

// Conversations lists one page of actor's inbox, most recent first, with
// the unread count and newest message of each, and the total.
func (s *Service) Conversations(ctx context.Context, actor *account.User, limit, offset int) ([]*message.Conversation, int, error) {
	if actor == nil {
		return nil, 0, errUnauthorized
	}
	if limit <= 0 || limit > 100 {
		limit = message.ConversationsPerPage
	}
	return s.db.R().Conversations(ctx, actor.ID, limit, max(offset, 0))
}

// UnreadMessages counts the messages actor has not read yet; 0 for visitors.
func (s *Service) UnreadMessages(ctx context.Context, actor *account.User) (int, error) {
	if actor == nil {
		return 0, nil
	}
	return s.db.R().UnreadMessages(ctx, actor.ID)
}

// Block stops the person named username from writing to actor, and actor
// from writing to them, until actor lifts it. Anyone may be blocked, with
// or without a common community, so a block can come before the first message.
func (s *Service) Block(ctx context.Context, actor *account.User, username string) error {
	return s.setBlock(ctx, actor, username, true)
}

// Unblock lifts actor's block of the person named username.
func (s *Service) Unblock(ctx context.Context, actor *account.User, username string) error {
	return s.setBlock(ctx, actor, username, false)
}

func (s *Service) setBlock(ctx context.Context, actor *account.User, username string, block bool) error {
	if actor == nil {
		return errUnauthorized
	}
	other, err := s.UserByUsername(ctx, username)
	if err != nil {
		return err
	}
	if other.ID == actor.ID {
		return apperr.New(apperr.Invalid, "message.error.block_self")
	}
	now := s.Now()
	return s.db.Tx(ctx, func(q *store.Q) error {
		verb := message.VerbBlocked
		var changed bool
		if block {
			changed, err = q.Block(ctx, actor.ID, other.ID, now)
		} else {
			verb = message.VerbUnblocked
			changed, err = q.Unblock(ctx, actor.ID, other.ID)
		}
		if err != nil || !changed {
			return err
		}
		// No space: a block must not appear in the blocked person's space
		// stream, nor in anyone's but the blocker's own timeline.
		return s.record(ctx, q, event.Event{ActorID: actor.ID, Verb: verb, ObjectType: event.ObjUser, ObjectID: other.ID,
			InstitutionID: actor.InstitutionID}, nil)
	})
}

// MaxBlockedListed bounds the list of blocked people shown in the inbox.
const MaxBlockedListed = 200

// BlockedUsers lists the people actor blocks, most recent first.
func (s *Service) BlockedUsers(ctx context.Context, actor *account.User) ([]*account.User, error) {
	if actor == nil {
		return nil, errUnauthorized
	}
	return s.db.R().BlockedUsers(ctx, actor.ID, MaxBlockedListed)
}
