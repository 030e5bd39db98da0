package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one ordered schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations lists the embedded migrations in order. Files are named
// NNNN_name.sql; the number is the version and never changes once released.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []Migration
	for _, e := range entries {
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration file %q is not named NNNN_name.sql", e.Name())
		}
		body, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", e.Name(), err)
		}
		ms = append(ms, Migration{Version: v, Name: name, SQL: string(body)})
	}
	slices.SortFunc(ms, func(a, b Migration) int { return a.Version - b.Version })
	for i := 1; i < len(ms); i++ {
		if ms[i].Version == ms[i-1].Version {
			return nil, fmt.Errorf("two migrations have version %d", ms[i].Version)
		}
	}
	return ms, nil
}

// Migrate applies every migration not yet applied, each in its own
// transaction together with its bookkeeping row, and returns how many ran.
// On PostgreSQL an advisory lock keeps several starting instances from
// migrating at once; on SQLite the single writer already does.
func (db *DB) Migrate(ctx context.Context) (int, error) {
	ms, err := Migrations()
	if err != nil {
		return 0, err
	}
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return 0, fmt.Errorf("create schema_migrations: %w", err)
	}
	applied := 0
	for _, m := range ms {
		err := db.Tx(ctx, func(q *Q) error {
			if db.Dialect == Postgres {
				if _, err := q.q.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7310427)`); err != nil {
					return fmt.Errorf("lock: %w", err)
				}
			}
			var n int
			if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, m.Version).Scan(&n); err != nil {
				return fmt.Errorf("check: %w", err)
			}
			if n > 0 {
				return nil
			}
			if _, err := q.q.ExecContext(ctx, db.Dialect.schema(m.SQL)); err != nil {
				return fmt.Errorf("apply: %w", err)
			}
			if _, err := q.q.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				m.Version, m.Name, time.Now().UnixMilli()); err != nil {
				return fmt.Errorf("record: %w", err)
			}
			applied++
			return nil
		})
		if err != nil {
			return applied, fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
	}
	if db.Dialect == SQLite {
		// Keep the planner's statistics current (cheap when nothing
		// changed); without them SQLite may drive a join from the wrong
		// table, as it did from spaces for the community lists.
		if _, err := db.write.ExecContext(ctx, `PRAGMA optimize=0x10002`); err != nil {
			return applied, fmt.Errorf("optimize: %w", err)
		}
		if err := db.dropStat4(ctx); err != nil {
			return applied, err
		}
	}
	if err := db.loadCascades(ctx); err != nil {
		return applied, err
	}
	return applied, nil
}

// SchemaVersion returns the highest applied migration.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}
