package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/discussion"
)

// Community discussion: boards, topics and replies. Likes, revisions,
// reports, mentions and attachments are in discussion_moderation.go.

const boardColumns = `id, space_id, name, description, position, is_default, created_at`

func scanBoard(r rowScanner) (*discussion.Board, error) {
	var b discussion.Board
	var at int64
	if err := r.Scan(&b.ID, &b.SpaceID, &b.Name, &b.Description, &b.Position, &b.Default, &at); err != nil {
		return nil, err
	}
	b.CreatedAt = fromMS(at)
	return &b, nil
}

// Boards lists a community's boards, the default one first.
func (q *Q) Boards(ctx context.Context, spaceID int64) ([]*discussion.Board, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+boardColumns+` FROM boards WHERE space_id = $1
		ORDER BY is_default DESC, position, id LIMIT 100`, spaceID)
	if err != nil {
		return nil, fmt.Errorf("list boards of %d: %w", spaceID, err)
	}
	defer rows.Close()
	var out []*discussion.Board
	for rows.Next() {
		b, err := scanBoard(rows)
		if err != nil {
			return nil, fmt.Errorf("scan board: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// BoardByID loads a board.
func (q *Q) BoardByID(ctx context.Context, id int64) (*discussion.Board, error) {
	b, err := scanBoard(q.q.QueryRowContext(ctx, `SELECT `+boardColumns+` FROM boards WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("load board %d: %w", id, err)
	}
	return b, nil
}

// DefaultBoard returns a community's default board, creating it on first
// use so that communities made before discussion existed need no backfill.
// Two first posts racing both end with the same board.
func (q *Q) DefaultBoard(ctx context.Context, spaceID int64, at time.Time) (*discussion.Board, error) {
	_, err := q.q.ExecContext(ctx, `INSERT INTO boards (space_id, name, is_default, created_at) VALUES ($1, '', TRUE, $2)
		ON CONFLICT (space_id) WHERE is_default DO NOTHING`, spaceID, ms(at))
	if err != nil {
		return nil, fmt.Errorf("create default board of %d: %w", spaceID, err)
	}
	b, err := scanBoard(q.q.QueryRowContext(ctx, `SELECT `+boardColumns+` FROM boards WHERE space_id = $1 AND is_default`, spaceID))
	if err != nil {
		return nil, fmt.Errorf("load default board of %d: %w", spaceID, err)
	}
	return b, nil
}

// CreateBoard adds a named board at the end of a community's list; a second
// board of the same name is a Conflict.
func (q *Q) CreateBoard(ctx context.Context, b *discussion.Board) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO boards (space_id, name, description, position, created_at)
		VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), 0) + 1 FROM boards WHERE space_id = $1), $4)
		RETURNING id, position`, b.SpaceID, b.Name, b.Description, ms(b.CreatedAt)).Scan(&b.ID, &b.Position)
	if isUniqueViolation(err) {
		return apperr.Wrap(apperr.Conflict, "discussion.board.exists", err)
	}
	if err != nil {
		return fmt.Errorf("insert board: %w", err)
	}
	return nil
}

const topicColumns = `t.id, t.board_id, t.space_id, t.author_id, COALESCE(NULLIF(u.display_name, ''), u.username), u.username,
	b.name, b.is_default, COALESCE(t.theme_id, 0), COALESCE(p.title, ''), t.title, t.body, t.body_html, t.pinned, t.locked,
	t.hidden, t.reply_count, t.attachment_count, t.last_reply_at, COALESCE(t.last_reply_by, 0),
	COALESCE(NULLIF(lu.display_name, ''), lu.username, ''), t.created_at, t.updated_at, t.edited_at`

const topicFrom = ` FROM topics t JOIN users u ON u.id = t.author_id JOIN boards b ON b.id = t.board_id
	LEFT JOIN theme_proposals p ON p.id = t.theme_id LEFT JOIN users lu ON lu.id = t.last_reply_by `

func scanTopic(r rowScanner) (*discussion.Topic, error) {
	var t discussion.Topic
	var last, created, updated int64
	var edited *int64
	if err := r.Scan(&t.ID, &t.BoardID, &t.SpaceID, &t.AuthorID, &t.AuthorName, &t.AuthorUsername, &t.BoardName,
		&t.BoardDefault, &t.ThemeID, &t.ThemeTitle, &t.Title, &t.Body, &t.BodyHTML, &t.Pinned, &t.Locked, &t.Hidden,
		&t.ReplyCount, &t.AttachmentCount, &last, &t.LastReplyBy, &t.LastReplyName, &created, &updated, &edited); err != nil {
		return nil, err
	}
	t.LastReplyAt, t.CreatedAt, t.UpdatedAt, t.EditedAt = fromMS(last), fromMS(created), fromMS(updated), ptrMS(edited)
	return &t, nil
}

// CreateTopic inserts a topic and sets t.ID.
func (q *Q) CreateTopic(ctx context.Context, t *discussion.Topic) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO topics (board_id, space_id, author_id, theme_id, title, body, body_html,
		pinned, locked, hidden, last_reply_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, FALSE, FALSE, $8, $8, $8) RETURNING id`,
		t.BoardID, t.SpaceID, t.AuthorID, nullInt(t.ThemeID), t.Title, t.Body, t.BodyHTML, ms(t.CreatedAt)).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("insert topic: %w", err)
	}
	t.LastReplyAt, t.UpdatedAt = t.CreatedAt, t.CreatedAt
	return nil
}

// TopicByID loads a topic with its author, board and theme.
func (q *Q) TopicByID(ctx context.Context, id int64) (*discussion.Topic, error) {
	t, err := scanTopic(q.q.QueryRowContext(ctx, `SELECT `+topicColumns+topicFrom+`WHERE t.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("load topic %d: %w", id, err)
	}
	return t, nil
}

// TopicFilter selects a page of a community's topics.
type TopicFilter struct {
	SpaceID int64
	BoardID int64 // 0 = every board of the community
	// Hidden lists the hidden topics instead of the visible ones (for moderators).
	Hidden        bool
	Limit, Offset int
}

// Topics lists topics pinned first, then by latest activity, with the total;
// both come from the (board or space, hidden, pinned, last_reply_at) index.
func (q *Q) Topics(ctx context.Context, f TopicFilter) ([]*discussion.Topic, int, error) {
	cond, args := ` WHERE t.space_id = $1 AND t.hidden = $2`, []any{f.SpaceID, f.Hidden}
	if f.BoardID != 0 {
		// The board and the community must agree: a board of another
		// community lists nothing.
		cond, args = ` WHERE t.board_id = $1 AND t.hidden = $2 AND t.space_id = $3`, []any{f.BoardID, f.Hidden, f.SpaceID}
	}
	var total int
	if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM topics t`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count topics: %w", err)
	}
	if total == 0 || f.Offset >= total {
		return nil, total, nil
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+topicColumns+topicFrom+cond+`
		ORDER BY t.pinned DESC, t.last_reply_at DESC, t.id DESC`+limitOffset(f.Limit, f.Offset), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list topics: %w", err)
	}
	defer rows.Close()
	var out []*discussion.Topic
	for rows.Next() {
		t, err := scanTopic(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("scan topic: %w", err)
		}
		out = append(out, t)
	}
	return out, total, rows.Err()
}

// UpdateTopicText writes an edited title and body.
func (q *Q) UpdateTopicText(ctx context.Context, id int64, title, body, html string, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE topics SET title = $1, body = $2, body_html = $3, edited_at = $4, updated_at = $4
		WHERE id = $5`, title, body, html, ms(at), id)
	if err != nil {
		return fmt.Errorf("update topic %d: %w", id, err)
	}
	return nil
}

// TopicFlag names a topic's switches that moderators turn on and off.
type TopicFlag string

// Topic flags; the values are column names, so only these constants reach SQL.
const (
	FlagPinned TopicFlag = "pinned"
	FlagLocked TopicFlag = "locked"
	FlagHidden TopicFlag = "hidden"
)

// SetTopicFlag turns a flag on or off; it reports false when the flag
// already had that value, so that a repeated click records no event.
func (q *Q) SetTopicFlag(ctx context.Context, id int64, flag TopicFlag, on bool, at time.Time) (bool, error) {
	switch flag {
	case FlagPinned, FlagLocked, FlagHidden:
	default:
		return false, fmt.Errorf("unknown topic flag %q", flag)
	}
	res, err := q.q.ExecContext(ctx, `UPDATE topics SET `+string(flag)+` = $1, updated_at = $2 WHERE id = $3 AND `+
		string(flag)+` <> $1`, on, ms(at), id)
	if err != nil {
		return false, fmt.Errorf("set %s of topic %d: %w", flag, id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// MoveTopic puts a topic on another board.
func (q *Q) MoveTopic(ctx context.Context, id, boardID int64, at time.Time) error {
	if _, err := q.q.ExecContext(ctx, `UPDATE topics SET board_id = $1, updated_at = $2 WHERE id = $3`, boardID, ms(at), id); err != nil {
		return fmt.Errorf("move topic %d: %w", id, err)
	}
	return nil
}

const replyColumns = `r.id, r.topic_id, r.space_id, COALESCE(r.parent_id, 0), COALESCE(r.quote_of, 0), r.quote_excerpt, r.depth,
	r.author_id, COALESCE(NULLIF(u.display_name, ''), u.username), u.username, r.body, r.body_html, r.like_count,
	r.is_expert_answer, r.hidden, r.created_at, r.updated_at, r.edited_at`

func scanReply(r rowScanner) (*discussion.Reply, error) { return scanReplyWith(r) }

// scanReplyWith reads replyColumns, then any extra columns into extra.
func scanReplyWith(r rowScanner, extra ...any) (*discussion.Reply, error) {
	var rp discussion.Reply
	var created, updated int64
	var edited *int64
	if err := r.Scan(append([]any{&rp.ID, &rp.TopicID, &rp.SpaceID, &rp.ParentID, &rp.QuoteOf, &rp.QuoteExcerpt, &rp.Depth,
		&rp.AuthorID, &rp.AuthorName, &rp.AuthorUsername, &rp.Body, &rp.BodyHTML, &rp.LikeCount, &rp.ExpertAnswer,
		&rp.Hidden, &created, &updated, &edited}, extra...)...); err != nil {
		return nil, err
	}
	rp.CreatedAt, rp.UpdatedAt, rp.EditedAt = fromMS(created), fromMS(updated), ptrMS(edited)
	return &rp, nil
}

// CreateReply inserts a reply and moves its topic's counters and activity
// time in the same transaction, so reply_count always equals the rows.
func (q *Q) CreateReply(ctx context.Context, r *discussion.Reply) error {
	// The topic's counter is taken first: its row lock orders concurrent
	// replies (PostgreSQL assigns the reply's ID after it), so the count
	// it returns is exactly the new reply's place in the topic and the
	// poster can be sent to the right page without counting the index.
	var count int
	if err := q.q.QueryRowContext(ctx, `UPDATE topics SET reply_count = reply_count + 1, last_reply_at = $1, last_reply_by = $2
		WHERE id = $3 RETURNING reply_count`, ms(r.CreatedAt), r.AuthorID, r.TopicID).Scan(&count); err != nil {
		return fmt.Errorf("count reply of topic %d: %w", r.TopicID, err)
	}
	err := q.q.QueryRowContext(ctx, `INSERT INTO replies (topic_id, space_id, parent_id, quote_of, quote_excerpt, depth,
		author_id, body, body_html, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
		r.TopicID, r.SpaceID, nullInt(r.ParentID), nullInt(r.QuoteOf), r.QuoteExcerpt, r.Depth, r.AuthorID, r.Body,
		r.BodyHTML, ms(r.CreatedAt)).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("insert reply: %w", err)
	}
	r.UpdatedAt, r.Position = r.CreatedAt, count-1
	return nil
}

// ReplyByID loads a reply with its author.
func (q *Q) ReplyByID(ctx context.Context, id int64) (*discussion.Reply, error) {
	r, err := scanReply(q.q.QueryRowContext(ctx, `SELECT `+replyColumns+` FROM replies r JOIN users u ON u.id = r.author_id
		WHERE r.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("load reply %d: %w", id, err)
	}
	return r, nil
}

// RepliesPage returns limit replies of a topic in posting order, starting
// at the 0-based position offset (total is the topic's reply count), with
// what a page shows of the replies they answer and quote and whether
// viewerID (0 for nobody) likes each: one statement per page. Body (the
// Markdown source) is left empty; pages show BodyHTML.
//
// The first reply of the page is found by a subquery stepping through the
// (topic_id, id) index from whichever end is nearer, so page 1 and the last
// page of a 5,000-reply topic each touch about 50 index entries and rows,
// and a middle page at most total/2 index entries (never rows, never a
// sort); the page itself is then read by key.
func (q *Q) RepliesPage(ctx context.Context, topicID, viewerID int64, offset, total, limit int) ([]*discussion.Reply, error) {
	if offset < 0 || limit <= 0 || offset > 0 && offset >= total {
		return nil, nil
	}
	from := `$4`
	arg := 0
	switch {
	case offset == 0:
	case offset <= total/2:
		from, arg = `(SELECT id FROM replies WHERE topic_id = $1 ORDER BY topic_id, id LIMIT 1 OFFSET $4)`, offset
	default:
		from, arg = `(SELECT id FROM replies WHERE topic_id = $1 ORDER BY topic_id DESC, id DESC LIMIT 1 OFFSET $4)`, max(0, total-1-offset)
	}
	// The page shows rendered HTML only, so the Markdown source (as long
	// again) stays in the table: r.body is read as ''. What the page needs
	// of parents, quotes and likes comes from scalar subqueries, probed
	// once per reply by primary key: a join of six tables would cost
	// PostgreSQL more to plan (milliseconds, on every execution while it
	// prefers custom plans) than to run, and would tempt it into merge
	// joins over a person's every like. Ordering by (topic_id, id), not id
	// alone, keeps both engines on replies_topic.
	// Visitors who are not signed in like nothing: no probe of the likes.
	liked := `(SELECT l.user_id FROM reply_likes l WHERE l.reply_id = r.id AND l.user_id = $2) IS NOT NULL`
	if viewerID == 0 {
		liked = `$2 < 0` // false for viewer 0, yet $2 stays bound
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+strings.Replace(replyColumns, "r.body,", "'',", 1)+`,
		COALESCE((SELECT COALESCE(NULLIF(pu.display_name, ''), pu.username) FROM replies pr JOIN users pu ON pu.id = pr.author_id
			WHERE pr.id = r.parent_id), ''),
		COALESCE((SELECT pr.hidden FROM replies pr WHERE pr.id = r.parent_id), FALSE),
		COALESCE((SELECT qr.hidden FROM replies qr WHERE qr.id = r.quote_of), FALSE),
		`+liked+`
		FROM replies r JOIN users u ON u.id = r.author_id
		WHERE r.topic_id = $1 AND r.id >= `+from+` ORDER BY r.topic_id, r.id LIMIT $3`, topicID, viewerID, limit, arg)
	if err != nil {
		return nil, fmt.Errorf("list replies of topic %d: %w", topicID, err)
	}
	defer rows.Close()
	out := make([]*discussion.Reply, 0, limit)
	for rows.Next() {
		var parentAuthor string
		var parentHidden, quoteHidden, liked bool
		rp, err := scanReplyWith(rows, &parentAuthor, &parentHidden, &quoteHidden, &liked)
		if err != nil {
			return nil, fmt.Errorf("scan reply: %w", err)
		}
		rp.ParentAuthor, rp.ParentHidden, rp.QuoteHidden, rp.Liked = parentAuthor, parentHidden, quoteHidden, liked
		out = append(out, rp)
	}
	return out, rows.Err()
}

// LikedReplies lists which replies with IDs from first to last a person
// likes, from the (user_id, reply_id) index: a page's likes in one range.
func (q *Q) LikedReplies(ctx context.Context, userID, first, last int64) (map[int64]bool, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT reply_id FROM reply_likes WHERE user_id = $1 AND reply_id >= $2 AND reply_id <= $3`,
		userID, first, last)
	if err != nil {
		return nil, fmt.Errorf("likes of %d: %w", userID, err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan like: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

// ReplyPosition returns a reply's 0-based position in its topic, from the index.
func (q *Q) ReplyPosition(ctx context.Context, topicID, replyID int64) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM replies WHERE topic_id = $1 AND id < $2`, topicID, replyID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("position of reply %d: %w", replyID, err)
	}
	return n, nil
}

// UpdateReplyText writes an edited reply body.
func (q *Q) UpdateReplyText(ctx context.Context, id int64, body, html string, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE replies SET body = $1, body_html = $2, edited_at = $3, updated_at = $3 WHERE id = $4`,
		body, html, ms(at), id)
	if err != nil {
		return fmt.Errorf("update reply %d: %w", id, err)
	}
	return nil
}

// SetReplyHidden hides or restores a reply; false when it already was so.
func (q *Q) SetReplyHidden(ctx context.Context, id int64, hidden bool, at time.Time) (bool, error) {
	res, err := q.q.ExecContext(ctx, `UPDATE replies SET hidden = $1, updated_at = $2 WHERE id = $3 AND hidden <> $1`, hidden, ms(at), id)
	if err != nil {
		return false, fmt.Errorf("hide reply %d: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// SetExpertAnswer marks or unmarks a reply as an expert answer; false when
// it already was so.
func (q *Q) SetExpertAnswer(ctx context.Context, id int64, on bool, by int64, at time.Time) (bool, error) {
	var marker any
	if on {
		marker = by
	}
	res, err := q.q.ExecContext(ctx, `UPDATE replies SET is_expert_answer = $1, expert_marked_by = $2, updated_at = $3
		WHERE id = $4 AND is_expert_answer <> $1`, on, marker, ms(at), id)
	if err != nil {
		return false, fmt.Errorf("mark reply %d: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// inList returns "$k+1, $k+2, ..." for ids and the ids as arguments.
func inList(ids []int64, k int) (string, []any) {
	args := make([]any, len(ids))
	b := make([]byte, 0, 5*len(ids))
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, "$%d", k+i+1)
		args[i] = id
	}
	return string(b), args
}
