package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrBackupUnsupported is returned for PostgreSQL, whose own tool does it better.
var ErrBackupUnsupported = errors.New("backup of PostgreSQL is done with pg_dump: pg_dump --format=custom --file=yanxiu.dump DATABASE_URL, restored with pg_restore")

// Backup writes a consistent copy of a SQLite database to out while the
// server keeps running: VACUUM INTO reads one snapshot through WAL, so
// concurrent writers neither block nor leak into the copy.
func (db *DB) Backup(ctx context.Context, out string) error {
	if db.Dialect != SQLite {
		return ErrBackupUnsupported
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return fmt.Errorf("backup path: %w", err)
	}
	if _, err := os.Stat(abs); err == nil {
		return fmt.Errorf("backup target %s already exists", abs)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return fmt.Errorf("create backup folder: %w", err)
	}
	// The reader pool is query-only and the writer must stay free for the
	// running server, so the copy gets a connection of its own.
	conn, err := sql.Open("sqlite", db.dsn)
	if err != nil {
		return fmt.Errorf("open backup connection: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO $1`, abs); err != nil {
		os.Remove(abs)
		return fmt.Errorf("vacuum into %s: %w", abs, err)
	}
	return nil
}
