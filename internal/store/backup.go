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

// TableCounts returns the number of rows of every table of the schema, so a
// backup can be checked against its source.
func (db *DB) TableCounts(ctx context.Context) (map[string]int64, error) {
	list := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if db.Dialect == Postgres {
		list = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	rows, err := db.read.QueryContext(ctx, list)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	counts := make(map[string]int64, len(names))
	for _, n := range names {
		var c int64
		// Table names come from the catalogue, not from users.
		if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM `+n).Scan(&c); err != nil {
			return nil, fmt.Errorf("count %s: %w", n, err)
		}
		counts[n] = c
	}
	return counts, nil
}
