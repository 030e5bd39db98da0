package store

import "context"

// SetResourceInstPath files a resource under another institution's
// subtree, for tests of visibility (the service sets it from the space).
func (q *Q) SetResourceInstPath(ctx context.Context, id int64, path string) error {
	_, err := q.q.ExecContext(ctx, `UPDATE resources SET inst_path = $1 WHERE id = $2`, path, id)
	return err
}

// Stat4Rows counts ANALYZE's STAT4 samples (-1 when the table is absent).
func (db *DB) Stat4Rows(ctx context.Context) (int, error) {
	var n int
	if err := db.write.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat4'`).Scan(&n); err != nil || n == 0 {
		return -1, err
	}
	err := db.write.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_stat4`).Scan(&n)
	return n, err
}

// AnalyzeFull runs an unsampled ANALYZE, which writes STAT4 samples on a
// build with STAT4.
func (db *DB) AnalyzeFull(ctx context.Context) error {
	_, err := db.write.ExecContext(ctx, `ANALYZE`)
	return err
}
