package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/journal"
	"github.com/yanxiu/yanxiu/internal/space"
)

const entryColumns = `e.id, e.author_id, e.space_id, e.title, e.body, e.body_html, e.visibility, e.status,
	e.comment_count, e.published_at, e.created_at, e.updated_at, u.display_name, u.username`

func scanEntry(r rowScanner) (*journal.Entry, error) { return scanEntryWith(r) }

// scanEntryWith reads entryColumns, then any extra columns into extra.
func scanEntryWith(r rowScanner, extra ...any) (*journal.Entry, error) {
	var e journal.Entry
	var published *int64
	var created, updated int64
	dest := append([]any{&e.ID, &e.AuthorID, &e.SpaceID, &e.Title, &e.Body, &e.BodyHTML, &e.Visibility, &e.Status,
		&e.CommentCount, &published, &created, &updated, &e.AuthorName, &e.AuthorUsername}, extra...)
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	if e.AuthorName == "" {
		e.AuthorName = e.AuthorUsername
	}
	e.PublishedAt, e.CreatedAt, e.UpdatedAt = ptrMS(published), fromMS(created), fromMS(updated)
	return &e, nil
}

// CreateEntry inserts a journal entry and sets e.ID.
func (q *Q) CreateEntry(ctx context.Context, e *journal.Entry) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO journal_entries (author_id, space_id, title, body, body_html,
		visibility, status, published_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		e.AuthorID, e.SpaceID, e.Title, e.Body, e.BodyHTML, e.Visibility, e.Status, nullMS(e.PublishedAt),
		ms(e.CreatedAt), ms(e.UpdatedAt)).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("insert journal entry: %w", err)
	}
	return nil
}

// UpdateEntry writes an entry's editable fields.
func (q *Q) UpdateEntry(ctx context.Context, e *journal.Entry) error {
	_, err := q.q.ExecContext(ctx, `UPDATE journal_entries SET title = $1, body = $2, body_html = $3, visibility = $4,
		status = $5, published_at = $6, updated_at = $7 WHERE id = $8`,
		e.Title, e.Body, e.BodyHTML, e.Visibility, e.Status, nullMS(e.PublishedAt), ms(e.UpdatedAt), e.ID)
	if err != nil {
		return fmt.Errorf("update journal entry %d: %w", e.ID, err)
	}
	return nil
}

// DeleteEntry removes an entry and its comments.
func (q *Q) DeleteEntry(ctx context.Context, id int64) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM journal_comments WHERE entry_id = $1`, id); err != nil {
		return fmt.Errorf("delete comments of entry %d: %w", id, err)
	}
	if _, err := q.q.ExecContext(ctx, `DELETE FROM journal_entries WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete entry %d: %w", id, err)
	}
	return nil
}

// EntryByID loads an entry with its author's name.
func (q *Q) EntryByID(ctx context.Context, id int64) (*journal.Entry, error) {
	e, err := scanEntry(q.q.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM journal_entries e
		JOIN users u ON u.id = e.author_id WHERE e.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("load journal entry %d: %w", id, err)
	}
	return e, nil
}

// EntryFilter selects journal entries. The service decides which
// visibilities a viewer may see and passes them in.
type EntryFilter struct {
	AuthorID      int64
	Status        journal.Status // "" = any
	Visibilities  []space.Visibility
	Limit, Offset int
}

// Entries lists entries newest first (by publication, then creation) with the total.
func (q *Q) Entries(ctx context.Context, f EntryFilter) ([]*journal.Entry, int, error) {
	var where []string
	var args []any
	add := func(expr string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(expr, len(args)))
	}
	if f.AuthorID != 0 {
		add("e.author_id = $%d", f.AuthorID)
	}
	if f.Status != "" {
		add("e.status = $%d", f.Status)
	}
	if f.Visibilities != nil {
		ph := make([]string, 0, len(f.Visibilities))
		for _, v := range f.Visibilities {
			args = append(args, v)
			ph = append(ph, fmt.Sprintf("$%d", len(args)))
		}
		if len(ph) == 0 {
			return nil, 0, nil
		}
		where = append(where, "e.visibility IN ("+strings.Join(ph, ",")+")")
	}
	cond := "1 = 1"
	if len(where) > 0 {
		cond = strings.Join(where, " AND ")
	}
	// One query gives the page and, through a window, the total; only an
	// empty page needs a separate count.
	countArgs := args
	rows, err := q.q.QueryContext(ctx, `SELECT `+entryColumns+`, count(*) OVER () FROM journal_entries e JOIN users u ON u.id = e.author_id
		WHERE `+cond+` ORDER BY COALESCE(e.published_at, e.created_at) DESC, e.id DESC`+limitOffset(f.Limit, f.Offset), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list journal entries: %w", err)
	}
	defer rows.Close()
	var out []*journal.Entry
	total := 0
	for rows.Next() {
		e, err := scanEntryWith(rows, &total)
		if err != nil {
			return nil, 0, fmt.Errorf("scan journal entry: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(out) == 0 {
		if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM journal_entries e WHERE `+cond, countArgs...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count journal entries: %w", err)
		}
	}
	return out, total, rows.Err()
}

// AddComment inserts a comment and bumps the entry's comment count.
func (q *Q) AddComment(ctx context.Context, c *journal.Comment) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO journal_comments (entry_id, author_id, body, body_html, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, c.EntryID, c.AuthorID, c.Body, c.BodyHTML, ms(c.CreatedAt)).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("insert comment: %w", err)
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE journal_entries SET comment_count = comment_count + 1 WHERE id = $1`, c.EntryID); err != nil {
		return fmt.Errorf("count comments of entry %d: %w", c.EntryID, err)
	}
	return nil
}

// Comments lists an entry's comments oldest first.
func (q *Q) Comments(ctx context.Context, entryID int64, limit, offset int) ([]*journal.Comment, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT c.id, c.entry_id, c.author_id, c.body, c.body_html, c.created_at,
		u.display_name, u.username FROM journal_comments c JOIN users u ON u.id = c.author_id
		WHERE c.entry_id = $1 ORDER BY c.id LIMIT $2 OFFSET $3`, entryID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("list comments of entry %d: %w", entryID, err)
	}
	defer rows.Close()
	var out []*journal.Comment
	for rows.Next() {
		var c journal.Comment
		var created int64
		if err := rows.Scan(&c.ID, &c.EntryID, &c.AuthorID, &c.Body, &c.BodyHTML, &created, &c.AuthorName, &c.AuthorUsername); err != nil {
			return nil, fmt.Errorf("scan comment: %w", err)
		}
		if c.AuthorName == "" {
			c.AuthorName = c.AuthorUsername
		}
		c.CreatedAt = fromMS(created)
		out = append(out, &c)
	}
	return out, rows.Err()
}
