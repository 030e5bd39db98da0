package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/minio/minio-go/v7"
)

// backend is one Store implementation under the contract test, with ways
// to look behind it: what it stores and what temporary files it left.
type backend struct {
	name  string
	store Store
	// stored lists the keys (object names or files) the store holds.
	stored func(t *testing.T) []string
	// temp is the folder where uploads are spooled.
	temp string
}

func localBackend(t *testing.T, opts ...Option) backend {
	s, dir := newTestStore(t, opts...)
	return backend{name: "local", store: s, temp: dir + "/" + tmpDir, stored: func(t *testing.T) []string {
		var out []string
		for _, f := range files(t, dir) {
			if !strings.HasPrefix(f, tmpDir+"/") {
				out = append(out, f)
			}
		}
		return out
	}}
}

// s3Backend starts a real S3-compatible server (gofakes3 over its
// in-memory backend) on loopback and connects the S3 store to it with
// minio-go, exactly as production connects to MinIO or AWS.
func s3Backend(t *testing.T, maxBytes int64) backend {
	t.Helper()
	mem := s3mem.New()
	faker := gofakes3.New(mem, gofakes3.WithLogger(gofakes3.DiscardLog()))
	srv := httptest.NewServer(faker.Server())
	t.Cleanup(srv.Close)
	if err := mem.CreateBucket("yanxiu"); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	cfg := S3Config{Endpoint: strings.TrimPrefix(srv.URL, "http://"), Bucket: "yanxiu", AccessKey: "test",
		SecretKey: "test-secret", Region: "us-east-1", Prefix: "files/", TempDir: tmp, MaxBytes: maxBytes}
	s, err := NewS3(context.Background(), cfg)
	if err != nil {
		t.Fatalf("NewS3: %v", err)
	}
	return backend{name: "s3", store: s, temp: tmp, stored: func(t *testing.T) []string {
		var out []string
		for obj := range s.c.ListObjects(context.Background(), "yanxiu", minio.ListObjectsOptions{Recursive: true}) {
			if obj.Err != nil {
				t.Fatal(obj.Err)
			}
			out = append(out, obj.Key)
		}
		return out
	}}
}

// forEachStore runs the contract on every implementation.
func forEachStore(t *testing.T, fn func(t *testing.T, b backend), maxBytes int64) {
	t.Run("local", func(t *testing.T) {
		var opts []Option
		if maxBytes > 0 {
			opts = append(opts, MaxBytes(maxBytes))
		}
		fn(t, localBackend(t, opts...))
	})
	t.Run("s3", func(t *testing.T) { fn(t, s3Backend(t, maxBytes)) })
}

func noTemp(t *testing.T, b backend) {
	t.Helper()
	entries, err := os.ReadDir(b.temp)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("%s: temporary files left: %d", b.name, len(entries))
	}
}

func TestContractRoundTripAndDedup(t *testing.T) {
	forEachStore(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		data := bytes.Repeat([]byte("课例研修 lesson study "), 5000)
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				obj, err := b.store.Put(ctx, bytes.NewReader(data))
				if err != nil || obj.Key != sha(data) || obj.Size != int64(len(data)) {
					t.Errorf("Put = %+v, %v", obj, err)
				}
			}()
		}
		wg.Wait()
		if got := b.stored(t); len(got) != 1 {
			t.Fatalf("stored %v, want one copy", got)
		}
		noTemp(t, b)
		r, err := b.store.Open(ctx, sha(data))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if r.Size() != int64(len(data)) || r.ModTime().IsZero() {
			t.Errorf("Size %d ModTime %v", r.Size(), r.ModTime())
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("read back %d bytes, %v", len(got), err)
		}
		if _, err := r.Seek(-10, io.SeekEnd); err != nil {
			t.Fatal(err)
		}
		tail, _ := io.ReadAll(r)
		if !bytes.Equal(tail, data[len(data)-10:]) {
			t.Errorf("tail after seek = %q", tail)
		}
		if ok, err := b.store.Exists(ctx, sha(data)); !ok || err != nil {
			t.Errorf("Exists = %v %v", ok, err)
		}
		// Readers read at any offset too, for zip directories of stored files.
		ra, ok := r.(io.ReaderAt)
		if !ok {
			t.Fatalf("%T is not an io.ReaderAt", r)
		}
		mid := make([]byte, 9)
		if _, err := ra.ReadAt(mid, 1000); err != nil || !bytes.Equal(mid, data[1000:1009]) {
			t.Errorf("ReadAt = %q %v", mid, err)
		}
	}, 0)
}

func TestContractStage(t *testing.T) {
	forEachStore(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		data := []byte("PK\x03\x04 a zip, maybe")
		st, err := b.store.Stage(ctx, bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		part := make([]byte, 4)
		if _, err := st.ReadAt(part, 0); err != nil || string(part) != "PK\x03\x04" {
			t.Errorf("ReadAt = %q %v", part, err)
		}
		if st.Object().Key != sha(data) {
			t.Errorf("staged key %s", st.Object().Key)
		}
		if got := b.stored(t); len(got) != 0 {
			t.Errorf("staged content visible before commit: %v", got)
		}
		if err := st.Discard(); err != nil {
			t.Fatal(err)
		}
		if got := b.stored(t); len(got) != 0 {
			t.Errorf("discarded content stored: %v", got)
		}
		noTemp(t, b)
		st, err = b.store.Stage(ctx, bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		st.Discard() // after Commit: a no-op
		if ok, _ := b.store.Exists(ctx, sha(data)); !ok {
			t.Error("committed content missing")
		}
		if err := st.Commit(ctx); err == nil {
			t.Error("second commit succeeded")
		}
		noTemp(t, b)
	}, 0)
}

func TestContractFailedPutLeavesNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, b backend) {
		cancelled, cancel := context.WithCancel(context.Background())
		cancel()
		reset := errors.New("connection reset")
		for _, c := range []struct {
			ctx  context.Context
			r    io.Reader
			want error
		}{
			{context.Background(), &failAfter{n: 100 << 10, err: reset}, reset},
			{cancelled, strings.NewReader("data"), context.Canceled},
			{context.Background(), endless{}, ErrTooLarge},
		} {
			if _, err := b.store.Put(c.ctx, c.r); !errors.Is(err, c.want) {
				t.Errorf("Put error = %v, want %v", err, c.want)
			}
		}
		if got := b.stored(t); len(got) != 0 {
			t.Errorf("stored after failures: %v", got)
		}
		noTemp(t, b)
	}, 1<<20)
}

func TestContractMissingDeleteAndKeys(t *testing.T) {
	forEachStore(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		missing := sha([]byte("never"))
		if _, err := b.store.Open(ctx, missing); !errors.Is(err, ErrNotFound) {
			t.Errorf("Open(missing) = %v", err)
		}
		if ok, err := b.store.Exists(ctx, missing); ok || err != nil {
			t.Errorf("Exists(missing) = %v %v", ok, err)
		}
		if err := b.store.Delete(ctx, missing); err != nil {
			t.Errorf("Delete(missing) = %v", err)
		}
		obj, err := b.store.Put(ctx, strings.NewReader("to delete"))
		if err != nil {
			t.Fatal(err)
		}
		if err := b.store.Delete(ctx, obj.Key); err != nil {
			t.Fatal(err)
		}
		if ok, _ := b.store.Exists(ctx, obj.Key); ok {
			t.Error("exists after Delete")
		}
		for _, key := range []string{"", "../x", strings.Repeat("A", 64), "../" + strings.Repeat("a", 61)} {
			if _, err := b.store.Open(ctx, key); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("Open(%q) = %v", key, err)
			}
		}
	}, 0)
}

// TestContractRangeRequests serves a stored blob with http.ServeContent,
// as the download handlers do, and asks for ranges the way a video player
// and a resumed download do.
func TestContractRangeRequests(t *testing.T) {
	forEachStore(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		data := make([]byte, 3<<20)
		for i := range data {
			data[i] = byte(i * 7)
		}
		obj, err := b.store.Put(ctx, bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		serve := func(rangeHeader string) *httptest.ResponseRecorder {
			r, err := b.store.Open(ctx, obj.Key)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			req := httptest.NewRequest(http.MethodGet, "/f", nil)
			if rangeHeader != "" {
				req.Header.Set("Range", rangeHeader)
			}
			rec := httptest.NewRecorder()
			http.ServeContent(rec, req, "", time.Time{}, r)
			return rec
		}
		lastMB := int64(len(data)) - 1<<20
		for _, c := range []struct {
			header     string
			status     int
			start, end int64
		}{
			{"", 200, 0, int64(len(data))},
			{"bytes=0-99", 206, 0, 100},
			{fmt.Sprintf("bytes=%d-", lastMB), 206, lastMB, int64(len(data))},
			{"bytes=-10", 206, int64(len(data)) - 10, int64(len(data))},
		} {
			rec := serve(c.header)
			if rec.Code != c.status || !bytes.Equal(rec.Body.Bytes(), data[c.start:c.end]) {
				t.Errorf("Range %q: %d, %d bytes", c.header, rec.Code, rec.Body.Len())
			}
		}
		if rec := serve("bytes=99999999-"); rec.Code != http.StatusRequestedRangeNotSatisfiable {
			t.Errorf("unsatisfiable range: %d", rec.Code)
		}
	}, 0)
}

// A spool file that a killed process left in the S3 store's temporary
// folder is swept when the store opens, as the local store's are; younger
// ones (an upload in progress elsewhere) and files not ours stay.
func TestS3SweepsStaleSpoolFiles(t *testing.T) {
	b := s3Backend(t, 0)
	stale, fresh, other := filepath.Join(b.temp, "put-stale"), filepath.Join(b.temp, "put-fresh"), filepath.Join(b.temp, "notes")
	for _, p := range []string{stale, fresh, other} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * staleTemp)
	for _, p := range []string{stale, other} {
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	s := b.store.(*S3)
	cfg := S3Config{Endpoint: s.c.EndpointURL().Host, Bucket: s.bucket, AccessKey: "test", SecretKey: "test-secret",
		Region: "us-east-1", Prefix: s.prefix, TempDir: b.temp}
	if _, err := NewS3(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale spool file kept: %v", err)
	}
	for _, p := range []string{fresh, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed: %v", filepath.Base(p), err)
		}
	}
}
