package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func newTestStore(t *testing.T, opts ...Option) (*Local, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := NewLocal(dir, opts...)
	if err != nil {
		t.Fatalf("NewLocal: %v", err)
	}
	return s, dir
}

func sha(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// files lists every regular file under dir, relative to it.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPutOpenRoundTrip(t *testing.T) {
	s, dir := newTestStore(t)
	ctx := context.Background()
	data := []byte("研修日志：今天的公开课。")
	obj, err := s.Put(ctx, bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	if obj.Key != sha(data) || obj.Size != int64(len(data)) {
		t.Fatalf("Put = %+v, want key %s size %d", obj, sha(data), len(data))
	}
	want := filepath.Join(obj.Key[:2], obj.Key[2:4], obj.Key)
	if got := files(t, dir); len(got) != 1 || got[0] != want {
		t.Fatalf("files on disk = %v, want [%s]", got, want)
	}

	r, err := s.Open(ctx, obj.Key)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer r.Close()
	if r.Size() != int64(len(data)) || time.Since(r.ModTime()) > time.Minute {
		t.Errorf("Size %d ModTime %v", r.Size(), r.ModTime())
	}
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back %q, %v", got, err)
	}
	// Seeking lets http.ServeContent answer range requests.
	if _, err := r.Seek(int64(len("研修")), io.SeekStart); err != nil {
		t.Fatal(err)
	}
	part := make([]byte, len("日志"))
	if _, err := io.ReadFull(r, part); err != nil || string(part) != "日志" {
		t.Errorf("after seek read %q, %v", part, err)
	}

	if ok, err := s.Exists(ctx, obj.Key); !ok || err != nil {
		t.Errorf("Exists = %v, %v", ok, err)
	}
}

func TestPutEmpty(t *testing.T) {
	s, _ := newTestStore(t)
	obj, err := s.Put(context.Background(), strings.NewReader(""))
	if err != nil || obj.Key != sha(nil) || obj.Size != 0 {
		t.Fatalf("Put(empty) = %+v, %v", obj, err)
	}
}

func TestPutSameContentKeepsOneCopy(t *testing.T) {
	s, dir := newTestStore(t)
	ctx := context.Background()
	data := bytes.Repeat([]byte("相同内容"), 1000)
	var wg sync.WaitGroup
	keys := make([]string, 8)
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			obj, err := s.Put(ctx, bytes.NewReader(data))
			if err != nil {
				t.Errorf("Put %d: %v", i, err)
			}
			keys[i] = obj.Key
		}()
	}
	wg.Wait()
	for _, k := range keys {
		if k != sha(data) {
			t.Errorf("key %s, want %s", k, sha(data))
		}
	}
	if got := files(t, dir); len(got) != 1 {
		t.Errorf("files on disk = %v, want one", got)
	}
}

// failAfter yields n bytes, then an error, like a dropped connection.
type failAfter struct {
	n   int
	err error
}

func (f *failAfter) Read(p []byte) (int, error) {
	if f.n == 0 {
		return 0, f.err
	}
	k := min(len(p), f.n)
	for i := range k {
		p[i] = 'x'
	}
	f.n -= k
	return k, nil
}

func TestFailedPutLeavesNothing(t *testing.T) {
	reset := errors.New("connection reset")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		r    io.Reader
		opts []Option
		want error
	}{
		{"read error", context.Background(), &failAfter{n: 100 << 10, err: reset}, nil, reset},
		{"cancelled", cancelled, strings.NewReader("data"), nil, context.Canceled},
		{"over the limit", context.Background(), &failAfter{n: 1 << 20, err: io.EOF}, []Option{MaxBytes(1000)}, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, dir := newTestStore(t, tt.opts...)
			_, err := s.Put(tt.ctx, tt.r)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Put error = %v, want %v", err, tt.want)
			}
			if got := files(t, dir); len(got) != 0 {
				t.Errorf("files left behind: %v", got)
			}
		})
	}
}

func TestMaxBytes(t *testing.T) {
	s, _ := newTestStore(t, MaxBytes(10))
	ctx := context.Background()
	if _, err := s.Put(ctx, strings.NewReader("0123456789")); err != nil {
		t.Fatalf("exactly at the limit: %v", err)
	}
	_, err := s.Put(ctx, strings.NewReader("0123456789A"))
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Limit != 10 {
		t.Fatalf("one over: err = %v, want *TooLargeError{Limit: 10}", err)
	}
	// The limit stops reading: an endless source must not hang Put.
	if _, err := s.Put(ctx, endless{}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("endless source: %v", err)
	}
}

type endless struct{}

func (endless) Read(p []byte) (int, error) { return len(p), nil }

func TestKeysAreValidated(t *testing.T) {
	s, dir := newTestStore(t)
	ctx := context.Background()
	// A file outside the store that traversal would reach.
	secret := filepath.Join(filepath.Dir(dir), "secret")
	if err := os.WriteFile(secret, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(secret) })

	bad := []string{
		"", "../secret", "../../secret", "/etc/passwd",
		strings.Repeat("A", 64),          // uppercase
		strings.Repeat("g", 64),          // not hex
		strings.Repeat("a", 63),          // short
		strings.Repeat("a", 65),          // long
		"../" + strings.Repeat("a", 61),  // traversal of the right length
		strings.Repeat("a", 62) + "/.",   // separator
		strings.Repeat("a", 63) + "\x00", // NUL
	}
	for _, key := range bad {
		if _, err := s.Open(ctx, key); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Open(%q) = %v, want ErrInvalidKey", key, err)
		}
		if err := s.Delete(ctx, key); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Delete(%q) = %v, want ErrInvalidKey", key, err)
		}
		if _, err := s.Exists(ctx, key); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Exists(%q) = %v, want ErrInvalidKey", key, err)
		}
	}
	if _, err := os.Stat(secret); err != nil {
		t.Errorf("file outside the store was touched: %v", err)
	}
}

func TestMissingAndDelete(t *testing.T) {
	s, dir := newTestStore(t)
	ctx := context.Background()
	missing := sha([]byte("never stored"))
	if _, err := s.Open(ctx, missing); !errors.Is(err, ErrNotFound) {
		t.Errorf("Open(missing) = %v, want ErrNotFound", err)
	}
	if ok, err := s.Exists(ctx, missing); ok || err != nil {
		t.Errorf("Exists(missing) = %v, %v", ok, err)
	}
	if err := s.Delete(ctx, missing); err != nil {
		t.Errorf("Delete(missing) = %v, want nil", err)
	}

	obj, err := s.Put(ctx, strings.NewReader("to delete"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, obj.Key); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if ok, _ := s.Exists(ctx, obj.Key); ok {
		t.Error("blob still exists after Delete")
	}
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("files left after Delete: %v", got)
	}
	// Storing it again works after a delete.
	if _, err := s.Put(ctx, strings.NewReader("to delete")); err != nil {
		t.Errorf("Put after Delete: %v", err)
	}
}

func TestNewLocalRemovesStaleTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	if _, err := NewLocal(dir); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, tmpDir, "put-stale")
	fresh := filepath.Join(dir, tmpDir, "put-fresh")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * staleTemp)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := NewLocal(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temporary file kept: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh temporary file removed: %v", err)
	}
}

func TestPutStreamsLargeContent(t *testing.T) {
	s, _ := newTestStore(t)
	const size = 32 << 20
	h := sha256.New()
	obj, err := s.Put(context.Background(), io.TeeReader(io.LimitReader(endless{}, size), h))
	if err != nil {
		t.Fatal(err)
	}
	if obj.Size != size || obj.Key != hex.EncodeToString(h.Sum(nil)) {
		t.Errorf("Put = %+v", obj)
	}
}

func FuzzValidKey(f *testing.F) {
	f.Add(strings.Repeat("a", 64))
	f.Add("../" + strings.Repeat("0", 61))
	f.Fuzz(func(t *testing.T, key string) {
		if ValidKey(key) && (strings.ContainsAny(key, "/\\.") || len(key) != 64) {
			t.Errorf("ValidKey(%q) accepted a key that could leave the store", key)
		}
	})
}
