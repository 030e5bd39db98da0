package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

const (
	dbFile     = "yanxiu.db"
	seedRecord = "bench-seed.json"
	seedScale  = "district"
)

// seedInfo says where the data came from: seeded by this run, or reused,
// with the seeding time when a record of it was kept.
type seedInfo struct {
	SeededNow  bool      `json:"seeded_now"`
	Known      bool      `json:"known"`             // Seconds holds a measured seeding time
	Seconds    float64   `json:"seconds,omitempty"` // wall clock of yanxiu demo
	FinishedAt time.Time `json:"finished_at,omitzero"`
	Scale      string    `json:"scale,omitempty"`
	Summary    string    `json:"summary,omitempty"` // yanxiu demo's own summary line
}

// ensureData seeds DATA (or the PostgreSQL database at dbURL) with yanxiu
// demo --scale district when it holds no data or reseed is set, timing the
// run and recording the time in DATA/bench-seed.json; otherwise it reuses
// the data and reads the record.
func ensureData(ctx context.Context, bin, data, dbURL string, reseed bool, progress io.Writer) (seedInfo, error) {
	if err := os.MkdirAll(data, 0o755); err != nil {
		return seedInfo{}, fmt.Errorf("data folder: %w", err)
	}
	exists, err := hasData(ctx, data, dbURL)
	if err != nil {
		return seedInfo{}, err
	}
	if exists && !reseed {
		info, err := readSeedRecord(filepath.Join(data, seedRecord))
		if err != nil {
			return seedInfo{}, err
		}
		return info, nil
	}
	if exists {
		fmt.Fprintf(progress, "--reseed: removing the data of %s\n", where(data, dbURL))
	}
	if err := removeData(ctx, data, dbURL); err != nil {
		return seedInfo{}, err
	}
	fmt.Fprintf(progress, "seeding %s: %s demo --scale %s (issue 2 allowed 120 s for the data without communities)\n",
		where(data, dbURL), bin, seedScale)
	info, err := seed(ctx, bin, data, dbURL, progress)
	if err != nil {
		// A half-seeded database would be reused by the next run as if it
		// were complete, so it goes.
		if rerr := removeData(context.WithoutCancel(ctx), data, dbURL); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return seedInfo{}, err
	}
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return seedInfo{}, err
	}
	if err := os.WriteFile(filepath.Join(data, seedRecord), append(b, '\n'), 0o644); err != nil {
		return seedInfo{}, fmt.Errorf("record seeding time: %w", err)
	}
	return info, nil
}

// seed runs yanxiu demo, passing its output on to progress, and measures
// the wall clock from start to exit. Ctrl-C sends the child SIGTERM.
func seed(ctx context.Context, bin, data, dbURL string, progress io.Writer) (seedInfo, error) {
	cmd := exec.CommandContext(ctx, bin, withDB([]string{"demo", "--data", data, "--scale", seedScale}, dbURL)...)
	cmd.Env = childEnv(os.Environ())
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = stopTimeout
	var out bytes.Buffer
	pw := &lockedWriter{w: progress}
	cmd.Stdout = io.MultiWriter(&out, pw)
	cmd.Stderr = pw
	start := time.Now()
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return seedInfo{}, fmt.Errorf("seeding interrupted: %w", ctx.Err())
		}
		return seedInfo{}, fmt.Errorf("%s demo --scale %s: %w", bin, seedScale, err)
	}
	took := time.Since(start)
	return seedInfo{SeededNow: true, Known: true, Seconds: took.Seconds(), FinishedAt: time.Now().UTC().Truncate(time.Second),
		Scale: seedScale, Summary: demoSummary(out.String())}, nil
}

// lockedWriter serialises the writes of a child's stdout and stderr copiers,
// which exec runs in two goroutines, into one writer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// demoSummary picks the "seeded N institutions, ..." line from the output
// of yanxiu demo.
func demoSummary(out string) string {
	for line := range strings.Lines(out) {
		if strings.HasPrefix(line, "seeded ") {
			return strings.TrimSpace(line)
		}
	}
	return ""
}

// readSeedRecord reads DATA/bench-seed.json; a missing record means the
// data was made some other way and its seeding time is unknown.
func readSeedRecord(path string) (seedInfo, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return seedInfo{}, nil
	}
	if err != nil {
		return seedInfo{}, fmt.Errorf("seed record: %w", err)
	}
	var info seedInfo
	if err := json.Unmarshal(b, &info); err != nil {
		return seedInfo{}, fmt.Errorf("seed record %s: %w", path, err)
	}
	info.SeededNow = false
	info.Known = info.Seconds > 0
	return info, nil
}

// removeDatabase deletes the SQLite database with its WAL files and the
// seeding record; nothing else in DATA is touched.
func removeDatabase(data string) error {
	for _, name := range []string{dbFile, dbFile + "-wal", dbFile + "-shm", seedRecord} {
		if err := os.Remove(filepath.Join(data, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove old data: %w", err)
		}
	}
	return nil
}

// databaseSize returns the size of the database with its WAL.
func databaseSize(data string) int64 {
	var n int64
	for _, name := range []string{dbFile, dbFile + "-wal"} {
		if fi, err := os.Stat(filepath.Join(data, name)); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// withDB adds --db to a yanxiu command line when the data is in PostgreSQL.
func withDB(args []string, dbURL string) []string {
	if dbURL == "" {
		return args
	}
	return append(args, "--db", dbURL)
}

// where names the data for messages.
func where(data, dbURL string) string {
	if dbURL == "" {
		return data
	}
	return redact(dbURL)
}

// redact hides a URL's password.
func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "the PostgreSQL database"
	}
	return p.Redacted()
}

// hasData reports whether there is data to reuse: the SQLite file, or
// PostgreSQL tables with users in them.
func hasData(ctx context.Context, data, dbURL string) (bool, error) {
	if dbURL == "" {
		_, err := os.Stat(filepath.Join(data, dbFile))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return false, fmt.Errorf("data: %w", err)
		}
		return err == nil, nil
	}
	db, err := openDatabase(dbURL, data)
	if err != nil {
		return false, err
	}
	defer db.Close()
	var tables int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_name = 'users'`).Scan(&tables); err != nil {
		return false, fmt.Errorf("look at %s: %w", redact(dbURL), err)
	}
	if tables == 0 {
		return false, nil
	}
	var users int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&users); err != nil {
		return false, fmt.Errorf("count users in %s: %w", redact(dbURL), err)
	}
	return users > 0, nil
}

var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// removeData deletes the SQLite database with its seeding record or, on
// PostgreSQL, drops and recreates the schema the URL's search_path names:
// the driver never drops anything it was not pointed at.
func removeData(ctx context.Context, data, dbURL string) error {
	if dbURL == "" {
		return removeDatabase(data)
	}
	if err := os.Remove(filepath.Join(data, seedRecord)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove old seeding record: %w", err)
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		return fmt.Errorf("--db: %w", err)
	}
	schema := u.Query().Get("search_path")
	if !schemaName.MatchString(schema) || schema == "public" {
		exists, err := hasData(ctx, data, dbURL)
		if err != nil || !exists {
			return err
		}
		return fmt.Errorf("%s holds data; to reseed PostgreSQL give a URL with search_path=SCHEMA (not public), which is dropped and made again",
			redact(dbURL))
	}
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	db, err := openDatabase(u.String(), data)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, stmt := range []string{`DROP SCHEMA IF EXISTS ` + schema + ` CASCADE`, `CREATE SCHEMA ` + schema} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
	}
	return nil
}

// dataSize is the size of the data: the SQLite file with its log, or the
// PostgreSQL schema's tables with their indexes.
func dataSize(ctx context.Context, data, dbURL string) int64 {
	if dbURL == "" {
		return databaseSize(data)
	}
	db, err := openDatabase(dbURL, data)
	if err != nil {
		return 0
	}
	defer db.Close()
	var n sql.NullInt64
	db.QueryRowContext(ctx, `SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
		WHERE s.nspname = current_schema() AND c.relkind = 'r'`).Scan(&n)
	return n.Int64
}
