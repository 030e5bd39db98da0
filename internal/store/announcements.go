package store

import (
	"context"
	"fmt"
	"time"
)

// Announcement is a notice posted in an institutional (later, community) space.
type Announcement struct {
	ID         int64
	SpaceID    int64
	AuthorID   int64
	AuthorName string
	Title      string
	Body       string
	BodyHTML   string
	CreatedAt  time.Time
}

// CreateAnnouncement inserts an announcement and sets a.ID.
func (q *Q) CreateAnnouncement(ctx context.Context, a *Announcement) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO announcements (space_id, author_id, title, body, body_html, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, a.SpaceID, a.AuthorID, a.Title, a.Body, a.BodyHTML, ms(a.CreatedAt)).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("insert announcement: %w", err)
	}
	return nil
}

// Announcements lists a space's announcements, newest first.
func (q *Q) Announcements(ctx context.Context, spaceID int64, limit int) ([]*Announcement, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT a.id, a.space_id, a.author_id, COALESCE(NULLIF(u.display_name, ''), u.username),
		a.title, a.body, a.body_html, a.created_at
		FROM announcements a JOIN users u ON u.id = a.author_id
		WHERE a.space_id = $1 ORDER BY a.created_at DESC, a.id DESC`+limitOffset(limit, 0), spaceID)
	if err != nil {
		return nil, fmt.Errorf("list announcements of %d: %w", spaceID, err)
	}
	defer rows.Close()
	var out []*Announcement
	for rows.Next() {
		var a Announcement
		var created int64
		if err := rows.Scan(&a.ID, &a.SpaceID, &a.AuthorID, &a.AuthorName, &a.Title, &a.Body, &a.BodyHTML, &created); err != nil {
			return nil, fmt.Errorf("scan announcement: %w", err)
		}
		a.CreatedAt = fromMS(created)
		out = append(out, &a)
	}
	return out, rows.Err()
}

// DeleteAnnouncement removes an announcement of a space.
func (q *Q) DeleteAnnouncement(ctx context.Context, spaceID, id int64) (bool, error) {
	res, err := q.q.ExecContext(ctx, `DELETE FROM announcements WHERE id = $1 AND space_id = $2`, id, spaceID)
	if err != nil {
		return false, fmt.Errorf("delete announcement %d: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
