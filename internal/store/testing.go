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
