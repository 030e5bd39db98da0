package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
)

// tempFile is content spooled to disk while hashing: both stores stage
// through it, Local in its own tmp folder (so the commit is a rename on the
// same file system) and S3 in a local folder before the upload, because an
// object's name is its hash, known only at the end.
type tempFile struct {
	f    *os.File
	obj  Object
	once sync.Once
	// commit moves or copies the file to its final place; it runs at most
	// once, and the file is removed afterwards in every case.
	commit func(ctx context.Context, t *tempFile) error
}

// spool streams r into a new file in dir while hashing it. It stops at
// maxBytes (when positive) with a *TooLargeError and removes the file on
// any failure, so an interrupted upload leaves nothing.
func spool(ctx context.Context, dir string, r io.Reader, maxBytes int64) (t *tempFile, err error) {
	f, err := os.CreateTemp(dir, "put-*")
	if err != nil {
		return nil, fmt.Errorf("blob: create temporary file: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	h := sha256.New()
	src := io.Reader(contextReader{ctx, r})
	if maxBytes > 0 {
		src = io.LimitReader(src, maxBytes+1)
	}
	size, err := io.Copy(io.MultiWriter(f, h), src)
	if err != nil {
		return nil, fmt.Errorf("blob: write content: %w", err)
	}
	if maxBytes > 0 && size > maxBytes {
		return nil, &TooLargeError{Limit: maxBytes}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("blob: put: %w", err)
	}
	return &tempFile{f: f, obj: Object{Key: hex.EncodeToString(h.Sum(nil)), Size: size}}, nil
}

func (t *tempFile) Object() Object { return t.obj }

func (t *tempFile) ReadAt(p []byte, off int64) (int, error) { return t.f.ReadAt(p, off) }

// Commit runs the store's commit, then removes whatever is left of the file.
func (t *tempFile) Commit(ctx context.Context) error {
	err := errors.New("blob: staged content already committed or discarded")
	t.once.Do(func() {
		err = t.commit(ctx, t)
		t.remove()
	})
	return err
}

func (t *tempFile) Discard() error {
	var err error
	t.once.Do(func() { err = t.remove() })
	return err
}

func (t *tempFile) remove() error {
	t.f.Close()
	if err := os.Remove(t.f.Name()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: remove temporary file: %w", err)
	}
	return nil
}

// putVia is Put for any store: stage, then commit.
func putVia(ctx context.Context, s Store, r io.Reader) (Object, error) {
	st, err := s.Stage(ctx, r)
	if err != nil {
		return Object{}, err
	}
	defer st.Discard()
	if err := st.Commit(ctx); err != nil {
		return Object{}, err
	}
	return st.Object(), nil
}
