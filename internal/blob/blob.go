// Package blob stores uploaded files (avatars, resources, attachments) by
// content. A file's key is the SHA-256 of its bytes, so identical uploads are
// stored once, a key can never point at changed content, and keys are safe
// to use in URLs and paths. The Store interface is what services depend on;
// Local keeps files on disk and S3 keeps them in an S3-compatible bucket;
// one contract test runs against both (S3 against a real S3 server started
// on loopback).
//
// Blobs are shared by everything that stores the same bytes, so deciding
// when a blob is no longer referenced is the caller's job (the database
// knows the references); Delete removes it unconditionally.
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// Object describes a stored blob.
type Object struct {
	Key  string // lowercase hex SHA-256 of the content
	Size int64  // bytes
}

// Reader reads a stored blob. It seeks so that http.ServeContent can answer
// range requests (video, large PDFs) without reading the whole file.
type Reader interface {
	io.ReadSeekCloser
	Size() int64
	ModTime() time.Time
}

// Store keeps blobs by content. Implementations are safe for concurrent use.
type Store interface {
	// Put stores everything r yields and returns its key and size. Storing
	// content that is already present succeeds and keeps one copy. A Put
	// that fails (read error, cancelled context, size limit) stores nothing.
	Put(ctx context.Context, r io.Reader) (Object, error)
	// Stage is the first half of Put: it streams r to a temporary file
	// while hashing it and returns the staged content, which the caller may
	// inspect (read a zip's directory, extract text) before it commits or
	// discards it. A failed Stage leaves nothing behind, and neither does a
	// discarded one.
	Stage(ctx context.Context, r io.Reader) (Staged, error)
	// Open returns a reader for the blob, or an error matching ErrNotFound.
	Open(ctx context.Context, key string) (Reader, error)
	// Delete removes the blob; deleting a missing blob is not an error, so
	// that a retried cleanup succeeds.
	Delete(ctx context.Context, key string) error
	// Exists reports whether the blob is stored.
	Exists(ctx context.Context, key string) (bool, error)
}

// Staged is content written to a temporary file and hashed, not yet
// stored. It reads at any offset, so that zip and OLE directories can be
// checked without loading the file. Exactly one of Commit or Discard must
// be called; Discard after Commit is a no-op, so "defer st.Discard()" is
// the way to make sure an abandoned upload leaves nothing.
type Staged interface {
	io.ReaderAt
	// Object is the key and size the content will be stored under.
	Object() Object
	// Commit stores the content under its key (keeping one copy when it is
	// already stored) and removes the temporary file.
	Commit(ctx context.Context) error
	// Discard removes the temporary file without storing anything.
	Discard() error
}

// Errors that callers distinguish; match them with errors.Is.
var (
	ErrNotFound   = errors.New("blob: not found")
	ErrInvalidKey = errors.New("blob: invalid key")
	ErrTooLarge   = errors.New("blob: content too large")
)

// TooLargeError reports content over a store's byte limit, with the limit so
// that a message can state it.
type TooLargeError struct {
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("blob: content exceeds the limit of %d bytes", e.Limit)
}

// Is makes errors.Is(err, ErrTooLarge) true.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// ValidKey reports whether key has the form of a blob key: 64 lowercase hex
// digits. Every Store method checks keys with it before they reach a path or
// an object name, which rules out path traversal.
func ValidKey(key string) bool {
	if len(key) != 64 {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func checkKey(key string) error {
	if !ValidKey(key) {
		return fmt.Errorf("%w: %q", ErrInvalidKey, truncate(key, 80))
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Option configures a store.
type Option func(*options)

type options struct {
	maxBytes int64
}

// MaxBytes makes Put fail with a *TooLargeError once content exceeds n bytes,
// without reading further. Zero or less means no limit.
func MaxBytes(n int64) Option {
	return func(o *options) { o.maxBytes = n }
}

// contextReader stops a copy when the context ends, so that an abandoned
// upload does not keep writing to disk.
type contextReader struct {
	ctx context.Context
	r   io.Reader
}

func (c contextReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
