package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/message"
)

// ConversationOf returns the ID of the conversation of two people, 0 when
// they have never written to each other.
func (q *Q) ConversationOf(ctx context.Context, a, b int64) (int64, error) {
	var id int64
	err := q.q.QueryRowContext(ctx, `SELECT id FROM conversations WHERE pair_key = $1`, message.PairKey(a, b)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("find conversation of %d and %d: %w", a, b, err)
	}
	return id, nil
}

// EnsureConversation returns the conversation of two people, creating it
// and their memberships on the first message. ON CONFLICT makes two first
// messages racing each other land in the same conversation.
func (q *Q) EnsureConversation(ctx context.Context, a, b int64, at time.Time) (int64, error) {
	key := message.PairKey(a, b)
	if _, err := q.q.ExecContext(ctx, `INSERT INTO conversations (pair_key, created_at, last_message_at)
		VALUES ($1, $2, $2) ON CONFLICT (pair_key) DO NOTHING`, key, ms(at)); err != nil {
		return 0, fmt.Errorf("create conversation %s: %w", key, err)
	}
	var id int64
	if err := q.q.QueryRowContext(ctx, `SELECT id FROM conversations WHERE pair_key = $1`, key).Scan(&id); err != nil {
		return 0, fmt.Errorf("load conversation %s: %w", key, err)
	}
	for _, u := range []int64{a, b} {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO conversation_members (conversation_id, user_id)
			VALUES ($1, $2) ON CONFLICT (conversation_id, user_id) DO NOTHING`, id, u); err != nil {
			return 0, fmt.Errorf("add %d to conversation %d: %w", u, id, err)
		}
	}
	return id, nil
}

// AddMessage inserts a message, sets m.ID and makes it the conversation's
// newest. The conversation row is updated first: on PostgreSQL that takes its row lock, so two messages
// sent at once into one conversation get IDs in commit order, which is
// what counting unread messages by ID relies on.
func (q *Q) AddMessage(ctx context.Context, m *message.Message) error {
	if _, err := q.q.ExecContext(ctx, `UPDATE conversations SET last_message_at = $1 WHERE id = $2`,
		ms(m.CreatedAt), m.ConversationID); err != nil {
		return fmt.Errorf("touch conversation %d: %w", m.ConversationID, err)
	}
	err := q.q.QueryRowContext(ctx, `INSERT INTO messages (conversation_id, sender_id, body, body_html, created_at, hidden)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		m.ConversationID, m.SenderID, m.Body, m.BodyHTML, ms(m.CreatedAt), m.Hidden).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("insert message: %w", err)
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE conversations SET last_message_id = $1 WHERE id = $2`,
		m.ID, m.ConversationID); err != nil {
		return fmt.Errorf("record newest message of conversation %d: %w", m.ConversationID, err)
	}
	return nil
}

// LastRead returns the newest message ID a participant has seen; ok is
// false when userID does not take part in the conversation.
func (q *Q) LastRead(ctx context.Context, conversationID, userID int64) (lastReadID int64, ok bool, err error) {
	err = q.q.QueryRowContext(ctx, `SELECT last_read_id FROM conversation_members WHERE conversation_id = $1 AND user_id = $2`,
		conversationID, userID).Scan(&lastReadID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("load reading of conversation %d: %w", conversationID, err)
	}
	return lastReadID, true, nil
}

// MarkRead records that a participant has seen the conversation up to
// message upTo; it never moves the mark backwards.
func (q *Q) MarkRead(ctx context.Context, conversationID, userID, upTo int64, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE conversation_members SET last_read_id = $1, last_read_at = $2
		WHERE conversation_id = $3 AND user_id = $4 AND last_read_id < $1`, upTo, ms(at), conversationID, userID)
	if err != nil {
		return fmt.Errorf("mark conversation %d read: %w", conversationID, err)
	}
	return nil
}

const messageColumns = `m.id, m.conversation_id, m.sender_id, m.body, m.body_html, m.created_at, m.hidden`

func scanMessage(r rowScanner, extra ...any) (*message.Message, error) {
	var m message.Message
	var at int64
	if err := r.Scan(append([]any{&m.ID, &m.ConversationID, &m.SenderID, &m.Body, &m.BodyHTML, &at, &m.Hidden}, extra...)...); err != nil {
		return nil, err
	}
	m.CreatedAt = fromMS(at)
	return &m, nil
}

// Messages lists one page of a conversation newest first: the messages
// older than beforeID (0 = the newest), found by walking the
// (conversation_id, id) index, so old pages cost what new ones do.
func (q *Q) Messages(ctx context.Context, conversationID, beforeID int64, limit int) ([]*message.Message, error) {
	if beforeID <= 0 {
		beforeID = 1<<63 - 1
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+messageColumns+` FROM messages m
		WHERE m.conversation_id = $1 AND m.id < $2 ORDER BY m.id DESC LIMIT $3`, conversationID, beforeID, limit)
	if err != nil {
		return nil, fmt.Errorf("list messages of conversation %d: %w", conversationID, err)
	}
	defer rows.Close()
	var out []*message.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("scan message: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MessageByID loads one message.
func (q *Q) MessageByID(ctx context.Context, id int64) (*message.Message, error) {
	m, err := scanMessage(q.q.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages m WHERE m.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("load message %d: %w", id, err)
	}
	return m, nil
}

// Conversations lists one page of a person's inbox, most recent first, with
// the other participant, the newest message and the unread count, and the
// number of conversations in all.
func (q *Q) Conversations(ctx context.Context, userID int64, limit, offset int) ([]*message.Conversation, int, error) {
	var total int
	if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM conversation_members WHERE user_id = $1`, userID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count conversations of %d: %w", userID, err)
	}
	rows, err := q.q.QueryContext(ctx, `SELECT c.id, c.last_message_at, u.id, u.username, u.display_name, u.avatar_key,
		m.sender_id, m.body, m.hidden,
		(SELECT count(*) FROM messages x WHERE x.conversation_id = c.id AND x.id > me.last_read_id
			AND x.sender_id <> me.user_id AND NOT x.hidden)
		FROM conversation_members me
		JOIN conversations c ON c.id = me.conversation_id
		JOIN conversation_members o ON o.conversation_id = c.id AND o.user_id <> me.user_id
		JOIN users u ON u.id = o.user_id
		JOIN messages m ON m.id = c.last_message_id
		WHERE me.user_id = $1
		ORDER BY c.last_message_at DESC, c.last_message_id DESC LIMIT $2 OFFSET $3`, userID, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list conversations of %d: %w", userID, err)
	}
	defer rows.Close()
	var out []*message.Conversation
	for rows.Next() {
		c := message.Conversation{Other: &account.User{}}
		var at int64
		if err := rows.Scan(&c.ID, &at, &c.Other.ID, &c.Other.Username, &c.Other.DisplayName, &c.Other.AvatarKey,
			&c.LastSenderID, &c.LastBody, &c.LastHidden, &c.Unread); err != nil {
			return nil, 0, fmt.Errorf("scan conversation: %w", err)
		}
		c.LastMessageAt = fromMS(at)
		out = append(out, &c)
	}
	return out, total, rows.Err()
}

// UnreadMessages counts the messages others sent a person that the person
// has not seen, across all conversations (hidden ones excepted).
func (q *Q) UnreadMessages(ctx context.Context, userID int64) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM conversation_members me
		JOIN messages m ON m.conversation_id = me.conversation_id AND m.id > me.last_read_id
		WHERE me.user_id = $1 AND m.sender_id <> $1 AND NOT m.hidden`, userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count unread messages of %d: %w", userID, err)
	}
	return n, nil
}

// SentSince counts the messages a person sent from a moment on, for the
// sending rate limit.
func (q *Q) SentSince(ctx context.Context, senderID int64, since time.Time) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE sender_id = $1 AND created_at >= $2`,
		senderID, ms(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count messages sent by %d: %w", senderID, err)
	}
	return n, nil
}

// SharesCommunity reports whether two people are members of at least one
// common training community, the condition for writing to each other.
func (q *Q) SharesCommunity(ctx context.Context, a, b int64) (bool, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM space_members ma
		JOIN space_members mb ON mb.space_id = ma.space_id AND mb.user_id = $2
		JOIN spaces s ON s.id = ma.space_id AND s.kind = 'community'
		WHERE ma.user_id = $1 LIMIT 1) shared`, a, b).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check communities shared by %d and %d: %w", a, b, err)
	}
	return n > 0, nil
}

// Block records that blocker blocks blocked; it reports false when the
// block already existed.
func (q *Q) Block(ctx context.Context, blocker, blocked int64, at time.Time) (bool, error) {
	res, err := q.q.ExecContext(ctx, `INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (blocker_id, blocked_id) DO NOTHING`, blocker, blocked, ms(at))
	if err != nil {
		return false, fmt.Errorf("block %d by %d: %w", blocked, blocker, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Unblock lifts a block; it reports false when there was none.
func (q *Q) Unblock(ctx context.Context, blocker, blocked int64) (bool, error) {
	res, err := q.q.ExecContext(ctx, `DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2`, blocker, blocked)
	if err != nil {
		return false, fmt.Errorf("unblock %d by %d: %w", blocked, blocker, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Blocks reports which of two people blocks the other.
func (q *Q) Blocks(ctx context.Context, a, b int64) (aBlocksB, bBlocksA bool, err error) {
	rows, err := q.q.QueryContext(ctx, `SELECT blocker_id FROM blocks
		WHERE (blocker_id = $1 AND blocked_id = $2) OR (blocker_id = $2 AND blocked_id = $1)`, a, b)
	if err != nil {
		return false, false, fmt.Errorf("check blocks between %d and %d: %w", a, b, err)
	}
	defer rows.Close()
	for rows.Next() {
		var blocker int64
		if err := rows.Scan(&blocker); err != nil {
			return false, false, fmt.Errorf("scan block: %w", err)
		}
		aBlocksB = aBlocksB || blocker == a
		bBlocksA = bBlocksA || blocker == b
	}
	return aBlocksB, bBlocksA, rows.Err()
}

// BlockedUsers lists the people a person blocks, most recent first.
func (q *Q) BlockedUsers(ctx context.Context, blocker int64, limit int) ([]*account.User, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT u.id, u.username, u.display_name, u.avatar_key FROM blocks b
		JOIN users u ON u.id = b.blocked_id WHERE b.blocker_id = $1 ORDER BY b.created_at DESC, u.id LIMIT $2`, blocker, limit)
	if err != nil {
		return nil, fmt.Errorf("list people blocked by %d: %w", blocker, err)
	}
	defer rows.Close()
	var out []*account.User
	for rows.Next() {
		var u account.User
		if err := rows.Scan(&u.ID, &u.Username, &u.DisplayName, &u.AvatarKey); err != nil {
			return nil, fmt.Errorf("scan blocked person: %w", err)
		}
		out = append(out, &u)
	}
	return out, rows.Err()
}
