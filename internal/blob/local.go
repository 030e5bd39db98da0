package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// tmpDir is the folder under the store's root where Put writes before it
// knows the key. It shares the root's file system, so the final rename is
// atomic: a reader sees a whole blob or none.
const tmpDir = "tmp"

// staleTemp is how old a leftover temporary file must be before NewLocal
// removes it; younger ones may belong to a Put in another process.
const staleTemp = 24 * time.Hour

// Local stores blobs under a directory as ab/cd/<key>, where ab and cd are
// the key's first two byte pairs, keeping any one folder small.
type Local struct {
	dir      string
	maxBytes int64
}

var _ Store = (*Local)(nil)

// NewLocal opens (creating if needed) a store rooted at dir and removes
// temporary files that a crashed process left behind.
func NewLocal(dir string, opts ...Option) (*Local, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("blob: resolve %s: %w", dir, err)
	}
	if err := os.MkdirAll(filepath.Join(abs, tmpDir), 0o750); err != nil {
		return nil, fmt.Errorf("blob: create %s: %w", abs, err)
	}
	l := &Local{dir: abs, maxBytes: o.maxBytes}
	if err := l.removeStaleTemp(time.Now().Add(-staleTemp)); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *Local) removeStaleTemp(before time.Time) error {
	return removeStaleTemp(filepath.Join(l.dir, tmpDir), before)
}

// removeStaleTemp deletes the spool files ("put-*", see spool) in dir last
// written before before: what a process killed during an upload left. Other
// files are left alone, as the S3 store's folder may be shared.
func removeStaleTemp(dir string, before time.Time) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("blob: list temporary files: %w", err)
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "put-") || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.ModTime().Before(before) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("blob: remove stale %s: %w", e.Name(), err)
		}
	}
	return nil
}

// path maps a valid key to its file.
func (l *Local) path(key string) string {
	return filepath.Join(l.dir, key[0:2], key[2:4], key)
}

// Put streams r to a temporary file while hashing it, then renames the file
// to its content address. The content is never held in memory whole.
func (l *Local) Put(ctx context.Context, r io.Reader) (Object, error) { return putVia(ctx, l, r) }

// Stage streams r to a temporary file under the store's root.
func (l *Local) Stage(ctx context.Context, r io.Reader) (Staged, error) {
	t, err := spool(ctx, filepath.Join(l.dir, tmpDir), r, l.maxBytes)
	if err != nil {
		return nil, err
	}
	t.commit = l.commit
	return t, nil
}

// commit renames a staged file to its content address.
func (l *Local) commit(ctx context.Context, t *tempFile) error {
	key := t.obj.Key
	if err := t.f.Sync(); err != nil {
		return fmt.Errorf("blob: sync content: %w", err)
	}
	if err := t.f.Close(); err != nil {
		return fmt.Errorf("blob: close content: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("blob: put: %w", err)
	}
	dst := l.path(key)
	if _, err := os.Stat(dst); err == nil {
		return nil // same content already stored; the temporary copy is dropped
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return fmt.Errorf("blob: create folder for %s: %w", key, err)
	}
	// A concurrent Put of the same content may rename first; renaming over
	// it replaces identical bytes, which is harmless.
	if err := os.Rename(t.f.Name(), dst); err != nil {
		return fmt.Errorf("blob: store %s: %w", key, err)
	}
	return nil
}

// Open returns the blob's file for reading.
func (l *Local) Open(ctx context.Context, key string) (Reader, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("blob: open %s: %w", key, err)
	}
	f, err := os.Open(l.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	if err != nil {
		return nil, fmt.Errorf("blob: open %s: %w", key, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("blob: stat %s: %w", key, err)
	}
	return &localFile{File: f, size: info.Size(), modTime: info.ModTime()}, nil
}

// Delete removes the blob's file. Its ab/cd folders stay: there are at most
// 65,536 of them, and removing one could race with a Put about to rename a
// file into it.
func (l *Local) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("blob: delete %s: %w", key, err)
	}
	if err := os.Remove(l.path(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: delete %s: %w", key, err)
	}
	return nil
}

// Exists reports whether the blob's file is present.
func (l *Local) Exists(ctx context.Context, key string) (bool, error) {
	if err := checkKey(key); err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("blob: stat %s: %w", key, err)
	}
	_, err := os.Stat(l.path(key))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	default:
		return false, fmt.Errorf("blob: stat %s: %w", key, err)
	}
}

// localFile is an open blob on disk.
type localFile struct {
	*os.File
	size    int64
	modTime time.Time
}

func (f *localFile) Size() int64        { return f.size }
func (f *localFile) ModTime() time.Time { return f.modTime }
