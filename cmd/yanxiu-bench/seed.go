package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
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

// ensureData seeds DATA with yanxiu demo --scale district when it holds no
// database or reseed is set, timing the run and recording the time in
// DATA/bench-seed.json; otherwise it reuses the data and reads the record.
func ensureData(ctx context.Context, bin, data string, reseed bool, progress io.Writer) (seedInfo, error) {
	if err := os.MkdirAll(data, 0o755); err != nil {
		return seedInfo{}, fmt.Errorf("data folder: %w", err)
	}
	db := filepath.Join(data, dbFile)
	_, err := os.Stat(db)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return seedInfo{}, fmt.Errorf("data: %w", err)
	}
	if exists && !reseed {
		info, err := readSeedRecord(filepath.Join(data, seedRecord))
		if err != nil {
			return seedInfo{}, err
		}
		return info, nil
	}
	if exists {
		fmt.Fprintf(progress, "--reseed: removing %s\n", db)
	}
	if err := removeDatabase(data); err != nil {
		return seedInfo{}, err
	}
	fmt.Fprintf(progress, "seeding %s: %s demo --scale %s (the issue allows 120 s)\n", data, bin, seedScale)
	info, err := seed(ctx, bin, data, progress)
	if err != nil {
		// A half-seeded database would be reused by the next run as if it
		// were complete, so it goes.
		if rerr := removeDatabase(data); rerr != nil {
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
func seed(ctx context.Context, bin, data string, progress io.Writer) (seedInfo, error) {
	cmd := exec.CommandContext(ctx, bin, "demo", "--data", data, "--scale", seedScale)
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
