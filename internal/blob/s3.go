package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config names an S3-compatible bucket (AWS S3, MinIO, Ceph RGW,
// Alibaba OSS and Tencent COS in S3 mode, ...).
type S3Config struct {
	Endpoint  string // host[:port], no scheme
	Bucket    string
	AccessKey string
	SecretKey string
	Region    string // optional; some services require it
	UseTLS    bool
	// Prefix is prepended to every object name ("yanxiu/"), so that one
	// bucket can hold several installations.
	Prefix string
	// TempDir is where uploads are spooled while hashing: an object's name
	// is its SHA-256, known only at the end of the upload.
	TempDir string
	// MaxBytes bounds Put and Stage like the MaxBytes option of NewLocal.
	MaxBytes int64
}

// S3 stores blobs as objects named by their key in an S3-compatible bucket.
// Uploads are spooled to a local temporary file while they are hashed and
// sent once complete, so an interrupted upload never reaches the bucket;
// the same content is uploaded once (a HEAD finds it first). Reads use
// ranged GETs, so a seek (an HTTP Range request for a video) fetches only
// the bytes asked for.
type S3 struct {
	c        *minio.Client
	bucket   string
	prefix   string
	tmp      string
	maxBytes int64
}

var _ Store = (*S3)(nil)

// NewS3 connects to the bucket, which must exist: creating buckets needs
// more rights than storing objects, and is an operator's decision.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	if cfg.Endpoint == "" || cfg.Bucket == "" {
		return nil, errors.New("blob: S3 needs an endpoint and a bucket")
	}
	c, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.UseTLS,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("blob: S3 client for %s: %w", cfg.Endpoint, err)
	}
	ok, err := c.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("blob: reach S3 bucket %s at %s: %w", cfg.Bucket, cfg.Endpoint, err)
	}
	if !ok {
		return nil, fmt.Errorf("blob: S3 bucket %s does not exist at %s", cfg.Bucket, cfg.Endpoint)
	}
	tmp := cfg.TempDir
	if tmp == "" {
		tmp = os.TempDir()
	}
	if err := os.MkdirAll(tmp, 0o750); err != nil {
		return nil, fmt.Errorf("blob: create %s: %w", tmp, err)
	}
	// Uploads are spooled here before they go to the bucket; a process
	// killed meanwhile leaves its spool file, swept here as NewLocal does.
	// (In the bucket itself PutObject is all or nothing; the parts of a
	// multipart upload cut short are for the bucket's lifecycle rule,
	// AbortIncompleteMultipartUpload, to remove.)
	if err := removeStaleTemp(tmp, time.Now().Add(-staleTemp)); err != nil {
		return nil, err
	}
	return &S3{c: c, bucket: cfg.Bucket, prefix: cfg.Prefix, tmp: tmp, maxBytes: cfg.MaxBytes}, nil
}

func (s *S3) name(key string) string { return s.prefix + key }

// isNotFound reports whether an S3 error says the object is missing.
func isNotFound(err error) bool {
	code := minio.ToErrorResponse(err).Code
	return code == "NoSuchKey" || code == "NotFound"
}

// Put spools r while hashing it, then uploads it unless it is stored already.
func (s *S3) Put(ctx context.Context, r io.Reader) (Object, error) { return putVia(ctx, s, r) }

// Stage spools r to the local temporary folder.
func (s *S3) Stage(ctx context.Context, r io.Reader) (Staged, error) {
	t, err := spool(ctx, s.tmp, r, s.maxBytes)
	if err != nil {
		return nil, err
	}
	t.commit = s.commit
	return t, nil
}

func (s *S3) commit(ctx context.Context, t *tempFile) error {
	key := t.obj.Key
	if ok, err := s.Exists(ctx, key); err != nil || ok {
		return err
	}
	if _, err := t.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("blob: rewind %s: %w", key, err)
	}
	_, err := s.c.PutObject(ctx, s.bucket, s.name(key), t.f, t.obj.Size,
		minio.PutObjectOptions{ContentType: "application/octet-stream"})
	if err != nil {
		return fmt.Errorf("blob: upload %s: %w", key, err)
	}
	return nil
}

// Open stats the object and returns a reader that fetches ranges lazily.
func (s *S3) Open(ctx context.Context, key string) (Reader, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	info, err := s.c.StatObject(ctx, s.bucket, s.name(key), minio.StatObjectOptions{})
	if isNotFound(err) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	if err != nil {
		return nil, fmt.Errorf("blob: stat %s: %w", key, err)
	}
	return &s3Reader{ctx: ctx, s: s, key: key, size: info.Size, mod: info.LastModified}, nil
}

// Delete removes the object; S3 treats a missing one as deleted.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := s.c.RemoveObject(ctx, s.bucket, s.name(key), minio.RemoveObjectOptions{}); err != nil && !isNotFound(err) {
		return fmt.Errorf("blob: delete %s: %w", key, err)
	}
	return nil
}

// Exists asks for the object's metadata.
func (s *S3) Exists(ctx context.Context, key string) (bool, error) {
	if err := checkKey(key); err != nil {
		return false, err
	}
	_, err := s.c.StatObject(ctx, s.bucket, s.name(key), minio.StatObjectOptions{})
	switch {
	case err == nil:
		return true, nil
	case isNotFound(err):
		return false, nil
	default:
		return false, fmt.Errorf("blob: stat %s: %w", key, err)
	}
}

// s3Reader reads an object through ranged GETs: Read streams from the
// current offset to the end in one request, reopened only after a Seek
// moves elsewhere; ReadAt asks for exactly the bytes wanted.
type s3Reader struct {
	ctx  context.Context
	s    *S3
	key  string
	size int64
	mod  time.Time

	mu   sync.Mutex
	off  int64
	body io.ReadCloser // open stream positioned at off, or nil
}

func (r *s3Reader) Size() int64        { return r.size }
func (r *s3Reader) ModTime() time.Time { return r.mod }

// get opens a ranged GET of [from, to] (to < 0: to the end).
func (r *s3Reader) get(ctx context.Context, from, to int64) (io.ReadCloser, error) {
	var opts minio.GetObjectOptions
	if to >= 0 {
		if err := opts.SetRange(from, to); err != nil {
			return nil, err
		}
	} else if from > 0 {
		if err := opts.SetRange(from, 0); err != nil {
			return nil, err
		}
	}
	obj, err := r.s.c.GetObject(ctx, r.s.bucket, r.s.name(r.key), opts)
	if err != nil {
		return nil, fmt.Errorf("blob: get %s: %w", r.key, err)
	}
	return obj, nil
}

func (r *s3Reader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.off >= r.size {
		return 0, io.EOF
	}
	if r.body == nil {
		b, err := r.get(r.ctx, r.off, -1)
		if err != nil {
			return 0, err
		}
		r.body = b
	}
	n, err := r.body.Read(p)
	r.off += int64(n)
	if err == io.EOF && r.off < r.size {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

func (r *s3Reader) Seek(offset int64, whence int) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = r.off + offset
	case io.SeekEnd:
		abs = r.size + offset
	default:
		return 0, errors.New("blob: bad whence")
	}
	if abs < 0 {
		return 0, errors.New("blob: seek before the start")
	}
	if abs != r.off && r.body != nil {
		r.body.Close()
		r.body = nil
	}
	r.off = abs
	return abs, nil
}

// ReadAt fetches exactly the range asked for, for zip directories and the
// like; it does not move the Read offset.
func (r *s3Reader) ReadAt(p []byte, off int64) (int, error) {
	if off >= r.size {
		return 0, io.EOF
	}
	end := min(off+int64(len(p)), r.size)
	b, err := r.get(r.ctx, off, end-1)
	if err != nil {
		return 0, err
	}
	defer b.Close()
	n, err := io.ReadFull(b, p[:end-off])
	if err == nil && end-off < int64(len(p)) {
		err = io.EOF
	}
	return n, err
}

func (r *s3Reader) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.body != nil {
		err := r.body.Close()
		r.body = nil
		return err
	}
	return nil
}

// String names the store in logs.
func (s *S3) String() string {
	return "s3://" + s.bucket + "/" + strings.TrimSuffix(s.prefix, "/")
}
