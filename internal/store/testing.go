package store

import (
	"context"
	"database/sql"
)

// QueryRowForTest runs a raw query, for tests that must look at what the
// database itself holds (such as proving a secret ballot stores no link).
func (q *Q) QueryRowForTest(ctx context.Context, query string, args ...any) *sql.Row {
	return q.q.QueryRowContext(ctx, query, args...)
}

// QueryRowsForTest runs a raw query returning rows, for tests that look at
// how a table stores its rows (such as the order of anonymous responses).
func (q *Q) QueryRowsForTest(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return q.q.QueryContext(ctx, query, args...)
}
