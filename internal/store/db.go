// Package store keeps Yanxiu's data in SQL: hand-written, readable queries per
// aggregate, one schema and one ordered set of migrations for SQLite and
// PostgreSQL, with the few engine differences kept in Dialect.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// DB is an open database. On SQLite it holds two pools, as pocketbase does: a
// single-connection writer whose transactions begin IMMEDIATE (so writers
// queue on the Go side instead of failing with SQLITE_BUSY) and a pool of
// readers that WAL lets run beside it. On PostgreSQL both are the same pool.
type DB struct {
	write   *sql.DB
	read    *sql.DB
	Dialect Dialect
	dsn     string // SQLite DSN without per-pool options, for backups
	rcache  *stmtCache
	wcache  *stmtCache
	// versions count committed writes per table; see Stamp.
	versions *versions
}

// Open connects by URL: "postgres://..." or "postgresql://..." selects
// PostgreSQL; "sqlite:PATH", a bare path or "" (meaning DATA/yanxiu.db)
// selects SQLite.
func Open(ctx context.Context, dbURL, dataDir string) (*DB, error) {
	if strings.HasPrefix(dbURL, "postgres://") || strings.HasPrefix(dbURL, "postgresql://") {
		return openPostgres(ctx, dbURL)
	}
	path := strings.TrimPrefix(dbURL, "sqlite:")
	if path == "" {
		if dataDir == "" {
			return nil, errors.New("no database: give --data DIR or --db URL")
		}
		path = filepath.Join(dataDir, "yanxiu.db")
	}
	return openSQLite(ctx, path)
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("create database folder: %w", err)
	}
	// busy_timeout comes first so the other pragmas wait instead of failing.
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
		"&_pragma=foreign_keys(ON)&_pragma=cache_size(-8000)&_pragma=temp_store(MEMORY)"
	dsn := "file:" + url.PathEscape(path) + "?" + pragmas
	w, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite writer: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// Readers keep a smaller page cache than the writer: there are four of
	// them, the pages people open most are served from the service's read
	// cache, and the server's resident memory has a budget (200 MB at
	// district scale, docs/PERFORMANCE.md).
	r, err := sql.Open("sqlite", dsn+"&_pragma=query_only(ON)&_pragma=cache_size(-4000)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite readers: %w", err)
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(0)
	r.SetConnMaxLifetime(0)
	return newDB(w, r, SQLite, dsn), nil
}

func openPostgres(ctx context.Context, dbURL string) (*DB, error) {
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(32)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	return newDB(db, db, Postgres, ""), nil
}

func newDB(w, r *sql.DB, d Dialect, dsn string) *DB {
	db := &DB{write: w, read: r, Dialect: d, dsn: dsn, wcache: newStmtCache(w), versions: newVersions()}
	db.rcache = db.wcache
	if r != w {
		db.rcache = newStmtCache(r)
	}
	return db
}

// Close closes both pools.
func (db *DB) Close() error {
	db.rcache.close()
	if db.wcache != db.rcache {
		db.wcache.close()
	}
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Kind names the engine, as /healthz reports it.
func (db *DB) Kind() string { return string(db.Dialect) }

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Q runs the store's queries on a pool or inside a transaction; every query
// method hangs off it, so the same code serves both.
type Q struct {
	q       querier
	dialect Dialect
	inTx    bool
}

// R returns queries on the reader pool, for pages and reports.
func (db *DB) R() *Q { return &Q{q: db.rcache, dialect: db.Dialect} }

// W returns queries on the writer pool outside a transaction, for single
// statements that need no atomicity with others (such as touching a session).
func (db *DB) W() *Q { return &Q{q: recorder{querier: db.wcache, v: db.versions}, dialect: db.Dialect} }

// Tx runs fn in a write transaction, committing when fn returns nil and
// rolling back otherwise (or on panic), so a failure leaves nothing half-written.
func (db *DB) Tx(ctx context.Context, fn func(q *Q) error) (err error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	var q querier = tx
	if db.Dialect == SQLite {
		q = txQuerier{tx: tx, cache: db.wcache}
		// Once the transaction has ended (this runs after the rollback
		// below), prepare what it met for the first time.
		defer db.wcache.prepareWanted(context.WithoutCancel(ctx))
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	rec := recorder{querier: q, v: db.versions, touched: map[writeTarget]bool{}}
	if err := fn(&Q{q: rec, dialect: db.Dialect, inTx: true}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	for w := range rec.touched {
		db.versions.bump(w)
	}
	return nil
}

// Dialect returns the engine the queries run on.
func (q *Q) Dialect() Dialect { return q.dialect }
