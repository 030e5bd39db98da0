package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/blob"
	"github.com/yanxiu/yanxiu/internal/doctext"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/jobs"
	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Uploaded files: checked by their bytes while they stream to a temporary
// file (never held in memory), looked inside when they are Office
// containers, counted against the space's quota, stored by content, and
// queued for text extraction and a thumbnail.

// errUploadTooLarge stops an upload at its limit.
var errUploadTooLarge = errors.New("upload over its limit")

// limitedReader fails once more than max bytes have come through, so the
// blob store abandons the upload and keeps nothing.
type limitedReader struct {
	r    io.Reader
	max  int64
	read int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.read += int64(n)
	if l.read > l.max {
		return n, errUploadTooLarge
	}
	return n, err
}

func fileError(key string, args ...any) error {
	f := apperr.Fields{}
	f.Add("file", key, args...)
	return f.Err()
}

// UploadResource stores an uploaded file as a resource in a space (0: the
// actor's personal space). Permissions and metadata are checked before a
// byte of the file is read; the file's type comes from its bytes; a file
// over its format's size limit or the space's quota, of a refused type,
// or cut off mid-way leaves nothing behind.
func (s *Service) UploadResource(ctx context.Context, actor *account.User, spaceID int64, in resource.Input, up Upload) (*resource.Resource, error) {
	h, err := s.prepare(ctx, actor, spaceID, resource.File, &in)
	if err != nil {
		return nil, err
	}
	if s.files == nil {
		return nil, errors.New("file resources need file storage, and none is configured")
	}
	name, key := resource.CheckFileName(up.Name)
	if key != "" {
		return nil, fileError(key)
	}
	head := make([]byte, resource.SniffBytes)
	n, err := io.ReadFull(up.Body, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read upload %q: %w", name, err)
	}
	head = head[:n]
	if n == 0 {
		return nil, fileError("resource.error.file_empty")
	}
	sniffed, ok := resource.Sniff(head)
	if !ok {
		return nil, fileError("resource.error.file_type")
	}
	limit := sniffed.Format.MaxBytes()
	if sniffed.Container != resource.NoContainer {
		limit = max(resource.Word.MaxBytes(), resource.PowerPoint.MaxBytes(), resource.Spreadsheet.MaxBytes())
	}
	used, err := s.db.R().SpaceFileBytes(ctx, h.sp.ID)
	if err != nil {
		return nil, err
	}
	quota := s.resOpts.Quotas[h.sp.Kind]
	room := quota - used
	if room <= 0 {
		return nil, quotaError(quota)
	}
	body := &limitedReader{r: io.MultiReader(bytes.NewReader(head), up.Body), max: min(limit, room)}
	st, err := s.files.Stage(ctx, body)
	if errors.Is(err, errUploadTooLarge) {
		if room < limit {
			return nil, quotaError(quota)
		}
		return nil, tooLargeError(limit)
	}
	if err != nil {
		return nil, fmt.Errorf("store upload %q: %w", name, err)
	}
	defer st.Discard()
	obj := st.Object()
	format, ctype := sniffed.Format, sniffed.ContentType
	if sniffed.Container != resource.NoContainer {
		if format, ctype, err = doctext.Inspect(st, obj.Size, sniffed.Container); err != nil {
			s.log.Info("refused an upload that is not an Office document", "name", name, "err", err)
			return nil, fileError("resource.error.file_type")
		}
		if obj.Size > format.MaxBytes() {
			return nil, tooLargeError(format.MaxBytes())
		}
	}
	// From here until the resource is committed (or the file removed after
	// a failure), no one may decide that this file is unused.
	unlock := s.blobLocks.lock(obj.Key)
	defer unlock()
	existed, err := s.files.Exists(ctx, obj.Key)
	if err != nil {
		return nil, err
	}
	if err := st.Commit(ctx); err != nil {
		return nil, fmt.Errorf("store upload %q: %w", name, err)
	}
	r := s.newResource(actor, h, resource.File, in)
	r.BlobKey, r.FileName, r.Format, r.ContentType, r.Size = obj.Key, name, format, ctype, obj.Size
	if format.Extractable() {
		r.TextStatus = resource.TextPending
	}
	thumbQueued := false
	err = s.db.Tx(ctx, func(q *store.Q) error {
		// Checked again inside the transaction, under the space's lock,
		// so that two uploads racing for the last room of a quota cannot
		// both have it.
		if err := q.LockSpaceForQuota(ctx, h.sp.ID); err != nil {
			return err
		}
		used, err := q.SpaceFileBytes(ctx, h.sp.ID)
		if err != nil {
			return err
		}
		if used+r.Size > quota {
			return quotaError(quota)
		}
		if err := q.CreateResource(ctx, r); err != nil {
			return err
		}
		if err := s.index(ctx, q, r, ""); err != nil {
			return err
		}
		if r.TextStatus == resource.TextPending {
			if _, err := jobs.Enqueue(ctx, q, JobResourceText, resourceTextJob{ResourceID: r.ID}, s.Now(),
				jobs.Options{MaxAttempts: 5}); err != nil {
				return err
			}
		}
		if thumbQueued, err = s.enqueueThumbnail(ctx, q, r); err != nil {
			return err
		}
		return s.resourceEvent(ctx, q, actor, r, event.Created, map[string]any{"kind": r.Kind, "format": r.Format,
			"size": r.Size})
	})
	if err != nil {
		if !existed {
			s.deleteUnusedBlob(context.WithoutCancel(ctx), obj.Key, "a failed upload")
		}
		return nil, err
	}
	if (r.TextStatus == resource.TextPending || thumbQueued) && s.notify.WakeJobs != nil {
		s.notify.WakeJobs()
	}
	return r, nil
}

func quotaError(quota int64) error {
	return &apperr.Error{Code: apperr.TooLarge, Key: "resource.error.quota", Args: map[string]any{"max": quota >> 20},
		Fields: map[string]apperr.FieldError{"file": {Key: "resource.error.quota", Args: map[string]any{"max": quota >> 20}}}}
}

func tooLargeError(limit int64) error {
	return &apperr.Error{Code: apperr.TooLarge, Key: "resource.error.file_too_large", Args: map[string]any{"max": limit >> 20},
		Fields: map[string]apperr.FieldError{"file": {Key: "resource.error.file_too_large", Args: map[string]any{"max": limit >> 20}}}}
}

// ResourceFile is an open file of a resource, for download or inline view.
type ResourceFile struct {
	Resource *resource.Resource
	Reader   blob.Reader
}

// OpenResourceFile opens a resource's file for someone who may see it.
// count says whether this request is a download to count (the first
// request of a player's range requests, not every one).
func (s *Service) OpenResourceFile(ctx context.Context, viewer *account.User, id int64, count bool) (*ResourceFile, error) {
	r, err := s.resourceFor(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	if r.Kind != resource.File || s.files == nil {
		return nil, errResourceNotFound
	}
	f, err := s.files.Open(ctx, r.BlobKey)
	if errors.Is(err, blob.ErrNotFound) {
		s.log.Error("resource without its file", "resource", r.ID, "key", r.BlobKey)
		return nil, errResourceNotFound
	}
	if err != nil {
		return nil, err
	}
	if count {
		err := s.db.Tx(ctx, func(q *store.Q) error {
			if err := q.BumpResource(ctx, id, store.CountDownloads); err != nil {
				return err
			}
			return s.resourceEvent(ctx, q, viewer, r, VerbResourceDownloaded, nil)
		})
		if err != nil {
			f.Close()
			return nil, err
		}
	}
	return &ResourceFile{Resource: r, Reader: f}, nil
}
