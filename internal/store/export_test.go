package store

import "context"

// ExecForTest runs one statement through q, as the store's own methods do.
func (q *Q) ExecForTest(ctx context.Context, query string, args ...any) error {
	_, err := q.q.ExecContext(ctx, query, args...)
	return err
}
