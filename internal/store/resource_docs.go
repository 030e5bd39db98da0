package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/resource"
)

// Revisions of native documents, and the text kept for indexing.

// ErrEditConflict refuses a save whose base revision is no longer the
// document's current one: someone else saved in between.
var ErrEditConflict = apperr.New(apperr.Conflict, "resource.error.edit_conflict")

// SaveRevision appends a revision and makes it the document's current one,
// but only if rev.BaseID is still current (0 for the first): the
// conditional UPDATE and the unique (resource_id, base_id) index together
// make sure that of two saves from the same base exactly one wins, on
// either engine, however they interleave. The loser gets ErrEditConflict
// and nothing is written.
func (q *Q) SaveRevision(ctx context.Context, rev *resource.Revision) error {
	if !q.inTx {
		return errors.New("SaveRevision must run inside a transaction")
	}
	res, err := q.q.ExecContext(ctx, `UPDATE resources SET title = $1, updated_at = $2
		WHERE id = $3 AND COALESCE(revision_id, 0) = $4`, rev.Title, ms(rev.CreatedAt), rev.ResourceID, rev.BaseID)
	if err != nil {
		return fmt.Errorf("check base revision of resource %d: %w", rev.ResourceID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("check base revision of resource %d: %w", rev.ResourceID, err)
	} else if n == 0 {
		return ErrEditConflict
	}
	err = q.q.QueryRowContext(ctx, `INSERT INTO resource_revisions (resource_id, number, author_id, base_id, title, body,
		note, created_at)
		VALUES ($1, (SELECT COALESCE(MAX(number), 0) + 1 FROM resource_revisions WHERE resource_id = $1), $2, $3, $4, $5, $6, $7)
		RETURNING id, number`, rev.ResourceID, rev.AuthorID, nullInt(rev.BaseID), rev.Title, rev.Body.Encode(), rev.Note,
		ms(rev.CreatedAt)).Scan(&rev.ID, &rev.Number)
	if isUniqueViolation(err) {
		return ErrEditConflict
	}
	if err != nil {
		return fmt.Errorf("insert revision of resource %d: %w", rev.ResourceID, err)
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE resources SET revision_id = $1 WHERE id = $2`, rev.ID, rev.ResourceID); err != nil {
		return fmt.Errorf("point resource %d at revision %d: %w", rev.ResourceID, rev.ID, err)
	}
	return nil
}

const revisionColumns = `v.id, v.resource_id, v.number, v.author_id, COALESCE(u.display_name, ''), COALESCE(u.username, ''),
	COALESCE(v.base_id, 0), v.title, v.body, v.note, v.created_at`

func scanRevision(r rowScanner) (*resource.Revision, error) {
	var v resource.Revision
	var display, username, body string
	var at int64
	if err := r.Scan(&v.ID, &v.ResourceID, &v.Number, &v.AuthorID, &display, &username, &v.BaseID, &v.Title, &body,
		&v.Note, &at); err != nil {
		return nil, err
	}
	b, err := resource.DecodeBody(body)
	if err != nil {
		return nil, err
	}
	v.Body, v.CreatedAt, v.AuthorName = b, fromMS(at), display
	if v.AuthorName == "" {
		v.AuthorName = username
	}
	return &v, nil
}

// RevisionByID loads a revision.
func (q *Q) RevisionByID(ctx context.Context, id int64) (*resource.Revision, error) {
	v, err := scanRevision(q.q.QueryRowContext(ctx, `SELECT `+revisionColumns+` FROM resource_revisions v
		LEFT JOIN users u ON u.id = v.author_id WHERE v.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("load revision %d: %w", id, err)
	}
	return v, nil
}

// ResourceRevisions lists a document's revisions, newest first.
func (q *Q) ResourceRevisions(ctx context.Context, resourceID int64, limit, offset int) ([]*resource.Revision, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+revisionColumns+` FROM resource_revisions v
		LEFT JOIN users u ON u.id = v.author_id WHERE v.resource_id = $1 ORDER BY v.number DESC LIMIT $2 OFFSET $3`,
		resourceID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("list revisions of resource %d: %w", resourceID, err)
	}
	defer rows.Close()
	var out []*resource.Revision
	for rows.Next() {
		v, err := scanRevision(rows)
		if err != nil {
			return nil, fmt.Errorf("scan revision: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// SetResourceText keeps the text a resource is indexed by (extracted from
// its file, or its document's current text).
func (q *Q) SetResourceText(ctx context.Context, id int64, body string, at int64) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO resource_texts (resource_id, body, extracted_at) VALUES ($1, $2, $3)
		ON CONFLICT (resource_id) DO UPDATE SET body = excluded.body, extracted_at = excluded.extracted_at`, id, body, at)
	if err != nil {
		return fmt.Errorf("keep text of resource %d: %w", id, err)
	}
	return nil
}

// ResourceText returns the kept text of a resource, "" when there is none.
func (q *Q) ResourceText(ctx context.Context, id int64) (string, error) {
	var s string
	err := q.q.QueryRowContext(ctx, `SELECT body FROM resource_texts WHERE resource_id = $1`, id).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("load text of resource %d: %w", id, err)
	}
	return s, nil
}
