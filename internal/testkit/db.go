// Package testkit holds what tests across packages share: a database on
// every engine, builders with sensible defaults, a fake clock, and a running
// server for end-to-end tests.
package testkit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the admin connection that creates test schemas

	"github.com/yanxiu/yanxiu/internal/store"
)

// PostgresEnv names the environment variable that enables PostgreSQL tests.
const PostgresEnv = "YANXIU_TEST_POSTGRES"

// Engine is a database engine a test runs on.
type Engine struct {
	Name string
	// Open returns a fresh, migrated, empty database of this engine that is
	// removed when the test ends, and the URL it was opened with.
	Open func(t testing.TB) (*store.DB, string)
}

// Engines lists SQLite and, when YANXIU_TEST_POSTGRES holds a URL, PostgreSQL.
func Engines() []Engine {
	es := []Engine{{Name: "sqlite", Open: openSQLite}}
	if u := os.Getenv(PostgresEnv); u != "" {
		es = append(es, Engine{Name: "postgres", Open: func(t testing.TB) (*store.DB, string) { return openPostgres(t, u) }})
	}
	return es
}

// ForEachDB runs fn as a subtest on every engine with a fresh database.
func ForEachDB(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	if os.Getenv(PostgresEnv) == "" {
		t.Logf("PostgreSQL tests skipped: set %s=postgres://... to run them", PostgresEnv)
	}
	for _, e := range Engines() {
		t.Run(e.Name, func(t *testing.T) {
			db, _ := e.Open(t)
			fn(t, db)
		})
	}
}

func openSQLite(t testing.TB) (*store.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	return migrated(t, "sqlite:"+path), "sqlite:" + path
}

// openPostgres creates a schema of its own for the test and points the
// connection's search_path at it, which is much faster than a database per test.
func openPostgres(t testing.TB, base string) (*store.DB, string) {
	t.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err == nil {
			a.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	qs := u.Query()
	qs.Set("search_path", schema)
	u.RawQuery = qs.Encode()
	return migrated(t, u.String()), u.String()
}

func migrated(t testing.TB, dbURL string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL, "")
	if err != nil {
		t.Fatalf("open %s: %v", dbURL, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}
