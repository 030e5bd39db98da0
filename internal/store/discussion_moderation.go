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

// Likes, edit history, abuse reports, mentions, attachments and member
// suggestions of the community discussion.

// Like records that a person likes a reply and counts it; it reports false
// (and changes nothing) when they already did, which the primary key of
// reply_likes decides even for two clicks racing each other.
func (q *Q) Like(ctx context.Context, replyID, userID int64, at time.Time) (bool, error) {
	res, err := q.q.ExecContext(ctx, `INSERT INTO reply_likes (reply_id, user_id, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (reply_id, user_id) DO NOTHING`, replyID, userID, ms(at))
	if err != nil {
		return false, fmt.Errorf("like reply %d: %w", replyID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE replies SET like_count = like_count + 1 WHERE id = $1`, replyID); err != nil {
		return false, fmt.Errorf("count like of reply %d: %w", replyID, err)
	}
	return true, nil
}

// Unlike takes a like back; false when there was none.
func (q *Q) Unlike(ctx context.Context, replyID, userID int64) (bool, error) {
	res, err := q.q.ExecContext(ctx, `DELETE FROM reply_likes WHERE reply_id = $1 AND user_id = $2`, replyID, userID)
	if err != nil {
		return false, fmt.Errorf("unlike reply %d: %w", replyID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE replies SET like_count = like_count - 1 WHERE id = $1`, replyID); err != nil {
		return false, fmt.Errorf("uncount like of reply %d: %w", replyID, err)
	}
	return true, nil
}

// AddRevision keeps a post's text as it was before an edit.
func (q *Q) AddRevision(ctx context.Context, r *discussion.Revision) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO post_revisions (topic_id, post_type, post_id, editor_id, old_title, old_body,
		created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		r.TopicID, r.PostType, r.PostID, r.EditorID, r.OldTitle, r.OldBody, ms(r.CreatedAt)).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("insert revision of %s %d: %w", r.PostType, r.PostID, err)
	}
	return nil
}

// Revisions lists the edit history of a topic and its replies, newest first.
func (q *Q) Revisions(ctx context.Context, topicID int64, limit int) ([]*discussion.Revision, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT r.id, r.topic_id, r.post_type, r.post_id, r.editor_id,
		COALESCE(NULLIF(u.display_name, ''), u.username), r.old_title, r.old_body, r.created_at
		FROM post_revisions r JOIN users u ON u.id = r.editor_id WHERE r.topic_id = $1 ORDER BY r.id DESC LIMIT $2`, topicID, limit)
	if err != nil {
		return nil, fmt.Errorf("list revisions of topic %d: %w", topicID, err)
	}
	defer rows.Close()
	var out []*discussion.Revision
	for rows.Next() {
		var r discussion.Revision
		var at int64
		if err := rows.Scan(&r.ID, &r.TopicID, &r.PostType, &r.PostID, &r.EditorID, &r.EditorName, &r.OldTitle, &r.OldBody, &at); err != nil {
			return nil, fmt.Errorf("scan revision: %w", err)
		}
		r.CreatedAt = fromMS(at)
		out = append(out, &r)
	}
	return out, rows.Err()
}

// CreateReport files an abuse report; a second open report by the same
// person on the same post is a Conflict.
func (q *Q) CreateReport(ctx context.Context, r *discussion.Report) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO reports (space_id, topic_id, post_type, post_id, reporter_id, reason, note,
		status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8) RETURNING id`,
		r.SpaceID, r.TopicID, r.PostType, r.PostID, r.ReporterID, r.Reason, r.Note, ms(r.CreatedAt)).Scan(&r.ID)
	if isUniqueViolation(err) {
		return apperr.Wrap(apperr.Conflict, "discussion.report.already", err)
	}
	if err != nil {
		return fmt.Errorf("insert report: %w", err)
	}
	r.Status = discussion.ReportOpen
	return nil
}

const reportColumns = `r.id, r.space_id, r.topic_id, t.title, r.post_type, r.post_id, r.reporter_id,
	COALESCE(NULLIF(ru.display_name, ''), ru.username), r.reason, r.note, r.status, COALESCE(r.handled_by, 0), r.handled_at,
	r.created_at, COALESCE(NULLIF(au.display_name, ''), au.username, ''), COALESCE(pr.body, t.body),
	COALESCE(pr.hidden, t.hidden)`

// The reported post is the topic itself or one of its replies; pr is NULL for a topic.
const reportFrom = ` FROM reports r JOIN topics t ON t.id = r.topic_id JOIN users ru ON ru.id = r.reporter_id
	LEFT JOIN replies pr ON r.post_type = 'reply' AND pr.id = r.post_id
	LEFT JOIN users au ON au.id = COALESCE(pr.author_id, t.author_id) `

func scanReport(row rowScanner) (*discussion.Report, error) {
	var r discussion.Report
	var handled *int64
	var at int64
	if err := row.Scan(&r.ID, &r.SpaceID, &r.TopicID, &r.TopicTitle, &r.PostType, &r.PostID, &r.ReporterID, &r.ReporterName,
		&r.Reason, &r.Note, &r.Status, &r.HandledBy, &handled, &at, &r.PostAuthor, &r.PostBody, &r.PostHidden); err != nil {
		return nil, err
	}
	r.HandledAt, r.CreatedAt = ptrMS(handled), fromMS(at)
	return &r, nil
}

// Reports lists a community's reports with a status, oldest first, so the
// queue is worked through in order.
func (q *Q) Reports(ctx context.Context, spaceID int64, status discussion.ReportStatus, limit int) ([]*discussion.Report, error) {
	order := "r.id"
	if status != discussion.ReportOpen {
		order = "r.id DESC"
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+reportColumns+reportFrom+`WHERE r.space_id = $1 AND r.status = $2
		ORDER BY `+order+` LIMIT $3`, spaceID, status, limit)
	if err != nil {
		return nil, fmt.Errorf("list reports of %d: %w", spaceID, err)
	}
	defer rows.Close()
	var out []*discussion.Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, fmt.Errorf("scan report: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReportByID loads a report.
func (q *Q) ReportByID(ctx context.Context, id int64) (*discussion.Report, error) {
	r, err := scanReport(q.q.QueryRowContext(ctx, `SELECT `+reportColumns+reportFrom+`WHERE r.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("load report %d: %w", id, err)
	}
	return r, nil
}

// CountOpenReports counts a community's reports awaiting a moderator.
func (q *Q) CountOpenReports(ctx context.Context, spaceID int64) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM reports WHERE space_id = $1 AND status = 'open'`, spaceID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count reports of %d: %w", spaceID, err)
	}
	return n, nil
}

// CloseReports closes every open report on a post (hiding it answers them all).
func (q *Q) CloseReports(ctx context.Context, t discussion.PostType, postID int64, status discussion.ReportStatus, by int64, at time.Time) (int, error) {
	res, err := q.q.ExecContext(ctx, `UPDATE reports SET status = $1, handled_by = $2, handled_at = $3
		WHERE post_type = $4 AND post_id = $5 AND status = 'open'`, status, by, ms(at), t, postID)
	if err != nil {
		return 0, fmt.Errorf("close reports on %s %d: %w", t, postID, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// CloseReport closes one open report; false when it was no longer open.
func (q *Q) CloseReport(ctx context.Context, id int64, status discussion.ReportStatus, by int64, at time.Time) (bool, error) {
	res, err := q.q.ExecContext(ctx, `UPDATE reports SET status = $1, handled_by = $2, handled_at = $3 WHERE id = $4 AND status = 'open'`,
		status, by, ms(at), id)
	if err != nil {
		return false, fmt.Errorf("close report %d: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// MembersByUsername resolves usernames to the IDs of those who are members
// of the community; names of non-members and of nobody are left out.
func (q *Q) MembersByUsername(ctx context.Context, spaceID int64, usernames []string) (map[string]int64, error) {
	out := map[string]int64{}
	if len(usernames) == 0 {
		return out, nil
	}
	args := []any{spaceID}
	ph := make([]string, len(usernames))
	for i, n := range usernames {
		args = append(args, n)
		ph[i] = fmt.Sprintf("$%d", i+2)
	}
	rows, err := q.q.QueryContext(ctx, `SELECT u.username, u.id FROM users u
		JOIN space_members m ON m.user_id = u.id AND m.space_id = $1
		WHERE u.username IN (`+strings.Join(ph, ",")+`) AND NOT u.disabled`, args...)
	if err != nil {
		return nil, fmt.Errorf("resolve mentions in %d: %w", spaceID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var id int64
		if err := rows.Scan(&name, &id); err != nil {
			return nil, err
		}
		out[name] = id
	}
	return out, rows.Err()
}

// Mention is a person a post @mentions.
type Mention struct {
	PostType discussion.PostType
	PostID   int64
	UserID   int64
	TopicID  int64
	SpaceID  int64
	At       time.Time
}

// AddMention stores a mention; false when the post already mentioned them
// (an edit that keeps a name notifies no one twice).
func (q *Q) AddMention(ctx context.Context, m Mention) (bool, error) {
	res, err := q.q.ExecContext(ctx, `INSERT INTO mentions (post_type, post_id, user_id, topic_id, space_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (post_type, post_id, user_id) DO NOTHING`,
		m.PostType, m.PostID, m.UserID, m.TopicID, m.SpaceID, ms(m.At))
	if err != nil {
		return false, fmt.Errorf("insert mention: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// MentionedIn lists the IDs of the people a post mentions.
func (q *Q) MentionedIn(ctx context.Context, t discussion.PostType, postID int64) ([]int64, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT user_id FROM mentions WHERE post_type = $1 AND post_id = $2 ORDER BY user_id`, t, postID)
	if err != nil {
		return nil, fmt.Errorf("list mentions of %s %d: %w", t, postID, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// MemberSuggestion is a member offered by the @mention autocomplete.
type MemberSuggestion struct {
	Username    string
	DisplayName string
}

// SuggestMembers finds up to limit members of a community whose username,
// display name, or a word of the display name starts with prefix (compared
// in lower case; a Chinese name matches by its first characters: "张" finds
// 张伟), in collation (pinyin) order.
func (q *Q) SuggestMembers(ctx context.Context, spaceID int64, prefix string, limit int) ([]MemberSuggestion, error) {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	p := r.Replace(strings.ToLower(prefix)) + "%"
	rows, err := q.q.QueryContext(ctx, `SELECT u.username, u.display_name FROM space_members m JOIN users u ON u.id = m.user_id
		WHERE m.space_id = $1 AND NOT u.disabled AND (u.username LIKE $2 ESCAPE '\' OR lower(u.display_name) LIKE $2 ESCAPE '\'
		OR lower(u.display_name) LIKE $3 ESCAPE '\')
		ORDER BY m.sort_name, m.user_id LIMIT $4`, spaceID, p, "% "+p, limit)
	if err != nil {
		return nil, fmt.Errorf("suggest members of %d: %w", spaceID, err)
	}
	defer rows.Close()
	var out []MemberSuggestion
	for rows.Next() {
		var m MemberSuggestion
		if err := rows.Scan(&m.Username, &m.DisplayName); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// AddAttachment records a stored file on a post and counts it on the topic.
func (q *Q) AddAttachment(ctx context.Context, a *discussion.Attachment) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO attachments (space_id, topic_id, reply_id, uploader_id, blob_key, name,
		content_type, size, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		a.SpaceID, a.TopicID, a.ReplyID, a.UploaderID, a.Key, a.Name, a.ContentType, a.Size, ms(a.CreatedAt)).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("insert attachment: %w", err)
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE topics SET attachment_count = attachment_count + 1 WHERE id = $1`, a.TopicID); err != nil {
		return fmt.Errorf("count attachment of topic %d: %w", a.TopicID, err)
	}
	return nil
}

const attachmentColumns = `id, space_id, topic_id, reply_id, uploader_id, blob_key, name, content_type, size, created_at`

func scanAttachment(r rowScanner) (*discussion.Attachment, error) {
	var a discussion.Attachment
	var at int64
	if err := r.Scan(&a.ID, &a.SpaceID, &a.TopicID, &a.ReplyID, &a.UploaderID, &a.Key, &a.Name, &a.ContentType, &a.Size, &at); err != nil {
		return nil, err
	}
	a.CreatedAt = fromMS(at)
	return &a, nil
}

// AttachmentByID loads an attachment's record.
func (q *Q) AttachmentByID(ctx context.Context, id int64) (*discussion.Attachment, error) {
	a, err := scanAttachment(q.q.QueryRowContext(ctx, `SELECT `+attachmentColumns+` FROM attachments WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("load attachment %d: %w", id, err)
	}
	return a, nil
}

// Attachments lists a topic's files on posts whose reply_id lies in
// [fromReply, toReply] (0 being the topic's own), in upload order.
func (q *Q) Attachments(ctx context.Context, topicID, fromReply, toReply int64) ([]*discussion.Attachment, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+attachmentColumns+` FROM attachments
		WHERE topic_id = $1 AND reply_id BETWEEN $2 AND $3 ORDER BY id`, topicID, fromReply, toReply)
	if err != nil {
		return nil, fmt.Errorf("list attachments of topic %d: %w", topicID, err)
	}
	defer rows.Close()
	var out []*discussion.Attachment
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, fmt.Errorf("scan attachment: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
