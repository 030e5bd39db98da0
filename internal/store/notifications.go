package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/notify"
)

const notificationColumns = `n.id, n.user_id, n.kind, COALESCE(n.actor_id, 0), n.space_id, n.object_type, n.object_id,
	n.title, n.url, n.read_at, n.created_at, n.emailed_at, COALESCE(a.display_name, ''), COALESCE(a.username, '')`

// notificationFrom joins the actor so lists can name them without a query per row.
const notificationFrom = ` FROM notifications n LEFT JOIN users a ON a.id = n.actor_id`

func scanNotification(r rowScanner) (*notify.Notification, error) {
	var n notify.Notification
	var read, emailed sql.NullInt64
	var created int64
	if err := r.Scan(&n.ID, &n.UserID, &n.Kind, &n.ActorID, &n.SpaceID, &n.ObjectType, &n.ObjectID, &n.Title, &n.URL,
		&read, &created, &emailed, &n.ActorName, &n.ActorUsername); err != nil {
		return nil, err
	}
	n.CreatedAt = fromMS(created)
	if read.Valid {
		t := fromMS(read.Int64)
		n.ReadAt = &t
	}
	if emailed.Valid {
		t := fromMS(emailed.Int64)
		n.EmailedAt = &t
	}
	if n.ActorName == "" {
		n.ActorName = n.ActorUsername
	}
	return &n, nil
}

func (q *Q) notifications(ctx context.Context, what, query string, args ...any) ([]*notify.Notification, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+notificationColumns+notificationFrom+` WHERE `+query, args...)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", what, err)
	}
	defer rows.Close()
	var out []*notify.Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, fmt.Errorf("scan notification: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// InsertNotification stores n and sets its ID.
func (q *Q) InsertNotification(ctx context.Context, n *notify.Notification) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO notifications (user_id, kind, actor_id, space_id, object_type, object_id,
		title, url, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		n.UserID, n.Kind, nullInt(n.ActorID), n.SpaceID, n.ObjectType, n.ObjectID, n.Title, n.URL, ms(n.CreatedAt)).Scan(&n.ID)
	if err != nil {
		return fmt.Errorf("insert %s notification for user %d: %w", n.Kind, n.UserID, err)
	}
	return nil
}

// NotificationByID loads one notification.
func (q *Q) NotificationByID(ctx context.Context, id int64) (*notify.Notification, error) {
	ns, err := q.notifications(ctx, "notification", `n.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(ns) == 0 {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	return ns[0], nil
}

// Inbox lists a person's notifications, newest first.
func (q *Q) Inbox(ctx context.Context, userID int64, unreadOnly bool, limit, offset int) ([]*notify.Notification, error) {
	cond := `n.user_id = $1`
	if unreadOnly {
		cond += ` AND n.read_at IS NULL`
	}
	return q.notifications(ctx, "inbox", cond+` ORDER BY n.id DESC LIMIT $2 OFFSET $3`, userID, limit, offset)
}

// CountNotifications counts a person's notifications, or only the unread ones.
func (q *Q) CountNotifications(ctx context.Context, userID int64, unreadOnly bool) (int, error) {
	query := `SELECT count(*) FROM notifications WHERE user_id = $1`
	if unreadOnly {
		query += ` AND read_at IS NULL`
	}
	var n int
	if err := q.q.QueryRowContext(ctx, query, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count notifications of %d: %w", userID, err)
	}
	return n, nil
}

// MarkNotificationsRead marks the person's notifications with the given IDs
// read, or all of them when ids is empty; others' IDs are ignored. It
// returns how many changed.
func (q *Q) MarkNotificationsRead(ctx context.Context, userID int64, ids []int64, at time.Time) (int64, error) {
	args := []any{ms(at), userID}
	query := `UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL`
	if len(ids) > 0 {
		query += ` AND id IN (` + appendIDArgs(&args, ids) + `)`
	}
	res, err := q.q.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("mark notifications of %d read: %w", userID, err)
	}
	return res.RowsAffected()
}

// MarkNotificationsEmailed records that the notifications went out by e-mail.
func (q *Q) MarkNotificationsEmailed(ctx context.Context, ids []int64, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	args := []any{ms(at)}
	_, err := q.q.ExecContext(ctx, `UPDATE notifications SET emailed_at = $1 WHERE emailed_at IS NULL AND id IN (`+
		appendIDArgs(&args, ids)+`)`, args...)
	if err != nil {
		return fmt.Errorf("mark notifications e-mailed: %w", err)
	}
	return nil
}

// appendIDArgs appends ids to args and returns their "$n, $m" list.
func appendIDArgs(args *[]any, ids []int64) string {
	marks := make([]string, len(ids))
	for i, id := range ids {
		*args = append(*args, id)
		marks[i] = fmt.Sprintf("$%d", len(*args))
	}
	return strings.Join(marks, ", ")
}

// DigestRecipients lists the people with an e-mail address who have unread,
// un-e-mailed notifications created since the given time.
func (q *Q) DigestRecipients(ctx context.Context, since time.Time) ([]int64, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT DISTINCT n.user_id FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE n.emailed_at IS NULL AND n.read_at IS NULL AND n.created_at >= $1 AND u.email <> '' AND NOT u.disabled
		ORDER BY n.user_id`, ms(since))
	if err != nil {
		return nil, fmt.Errorf("list digest recipients: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan digest recipient: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// PendingMail lists a person's unread, un-e-mailed notifications created
// since the given time, oldest first, at most limit.
func (q *Q) PendingMail(ctx context.Context, userID int64, since time.Time, limit int) ([]*notify.Notification, error) {
	return q.notifications(ctx, "pending mail", `n.user_id = $1 AND n.emailed_at IS NULL AND n.read_at IS NULL
		AND n.created_at >= $2 ORDER BY n.id LIMIT $3`, userID, ms(since), limit)
}

// NotificationPrefs returns the modes a person chose; kinds they did not
// choose are absent (notify.Preferences.Mode supplies the default).
func (q *Q) NotificationPrefs(ctx context.Context, userID int64) (notify.Preferences, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT kind, mode FROM notification_prefs WHERE user_id = $1`, userID)
	if err != nil {
		return nil, fmt.Errorf("load notification preferences of %d: %w", userID, err)
	}
	defer rows.Close()
	p := notify.Preferences{}
	for rows.Next() {
		var k notify.Kind
		var m notify.Mode
		if err := rows.Scan(&k, &m); err != nil {
			return nil, fmt.Errorf("scan notification preference: %w", err)
		}
		p[k] = m
	}
	return p, rows.Err()
}

// SetNotificationPrefs stores the given modes, leaving other kinds as they are.
func (q *Q) SetNotificationPrefs(ctx context.Context, userID int64, p notify.Preferences) error {
	for k, m := range p {
		_, err := q.q.ExecContext(ctx, `INSERT INTO notification_prefs (user_id, kind, mode) VALUES ($1, $2, $3)
			ON CONFLICT (user_id, kind) DO UPDATE SET mode = excluded.mode`, userID, k, m)
		if err != nil {
			return fmt.Errorf("set notification preference %s of %d: %w", k, userID, err)
		}
	}
	return nil
}

// Setting returns a server setting, and false when it was never set.
func (q *Q) Setting(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := q.q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("load setting %s: %w", key, err)
	}
	return v, true, nil
}

// InitSetting stores value under key unless the key is already set, and
// returns the stored value: when several instances race to create a secret,
// all end up using the one that won.
func (q *Q) InitSetting(ctx context.Context, key, value string, now time.Time) (string, error) {
	if _, err := q.q.ExecContext(ctx, `INSERT INTO settings (key, value, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO NOTHING`, key, value, ms(now)); err != nil {
		return "", fmt.Errorf("initialise setting %s: %w", key, err)
	}
	v, ok, err := q.Setting(ctx, key)
	if err == nil && !ok {
		err = fmt.Errorf("setting %s vanished after it was written", key)
	}
	return v, err
}
