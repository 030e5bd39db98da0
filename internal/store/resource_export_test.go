package store

import "context"

// SetResourceInstPath files a resource under another institution's
// subtree, for tests of visibility (the service sets it from the space).
func (q *Q) SetResourceInstPath(ctx context.Context, id int64, path string) error {
	_, err := q.q.ExecContext(ctx, `UPDATE resources SET inst_path = $1 WHERE id = $2`, path, id)
	return err
}
