package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/blob"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/imaging"
	"github.com/yanxiu/yanxiu/internal/jobs"
	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Thumbnails of uploaded pictures and PDFs are made in a background job,
// like text extraction and for the same reasons: decoding a 40-megapixel
// photo or rendering a PDF page takes longer than an upload should wait,
// and may fail. The resource is usable at once and shows its kind until
// the thumbnail exists; a file of which none can be made (a broken PDF, a
// picture too large to decode, no pdftoppm on the server) simply never
// gets one. Thumbnails are stored by content like every file, so the same
// picture uploaded twice, or reused, shares one thumbnail, and deleting a
// resource removes its thumbnail only when nothing else names it.

// JobResourceThumbnail is the job kind that makes a file's thumbnail; the
// app registers MakeResourceThumbnail for it.
const JobResourceThumbnail = "resource.thumbnail"

// VerbResourceThumbnailed records the outcome of a thumbnail job.
const VerbResourceThumbnailed event.Verb = "thumbnailed"

// thumbTimeout bounds one thumbnail. PDFs are rendered by a child process
// that imaging kills after its own deadline; this is the net below, and
// the bound on decoding a picture.
const thumbTimeout = time.Minute

// resourceThumbJob is the payload of a JobResourceThumbnail job.
type resourceThumbJob struct {
	ResourceID int64 `json:"resource_id"`
}

// enqueueThumbnail asks for a resource's thumbnail inside the transaction
// that creates it, when one can be made and it has none yet.
func (s *Service) enqueueThumbnail(ctx context.Context, q *store.Q, r *resource.Resource) (bool, error) {
	if !r.Thumbnailable() || r.ThumbKey != "" {
		return false, nil
	}
	_, err := jobs.Enqueue(ctx, q, JobResourceThumbnail, resourceThumbJob{ResourceID: r.ID}, s.Now(),
		jobs.Options{MaxAttempts: 3})
	return err == nil, err
}

// MakeResourceThumbnail is the handler of JobResourceThumbnail.
func (s *Service) MakeResourceThumbnail(ctx context.Context, j jobs.Job) error {
	var p resourceThumbJob
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	r, err := s.db.R().ResourceByID(ctx, p.ResourceID)
	if apperr.Is(err, apperr.NotFound) {
		return nil // deleted meanwhile
	}
	if err != nil {
		return err
	}
	if !r.Thumbnailable() || r.ThumbKey != "" || s.files == nil {
		return nil
	}
	f, err := s.files.Open(ctx, r.BlobKey)
	if errors.Is(err, blob.ErrNotFound) {
		return jobs.Permanent(fmt.Errorf("file of resource %d: %w", r.ID, err))
	}
	if err != nil {
		return err // storage unreachable: retry later
	}
	// Closing the file on return also stops a decoder still reading it
	// after a timeout.
	defer f.Close()
	th, err := thumbnailWithTimeout(ctx, f, r.ContentType)
	if err != nil {
		if ctx.Err() != nil {
			return err // the runner is stopping or the lease ran out: try again
		}
		s.log.Info("no thumbnail of a resource file", "resource", r.ID, "type", r.ContentType, "err", err)
		return s.db.Tx(ctx, func(q *store.Q) error {
			return s.resourceEvent(ctx, q, nil, r, VerbResourceThumbnailed, map[string]any{"ok": false})
		})
	}
	return s.storeThumbnail(ctx, r, th)
}

// thumbnailWithTimeout makes the thumbnail in a goroutine so that the job
// returns when its time is up even if a hostile picture keeps the decoder
// busy (it stops at its next read of the closed file).
func thumbnailWithTimeout(ctx context.Context, f blob.Reader, ctype string) (*imaging.Thumb, error) {
	ctx, cancel := context.WithTimeout(ctx, thumbTimeout)
	defer cancel()
	type result struct {
		th  *imaging.Thumb
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				done <- result{nil, fmt.Errorf("thumbnail of %s: %v", ctype, v)}
			}
		}()
		var th *imaging.Thumb
		var err error
		if ctype == "application/pdf" {
			ra, ok := f.(io.ReaderAt)
			if !ok {
				err = fmt.Errorf("file store reader %T cannot read at offsets", f)
			} else {
				th, err = imaging.PDFThumbnail(ctx, ra, f.Size(), resource.ThumbWidth, resource.ThumbHeight)
			}
		} else {
			th, err = imaging.Thumbnail(f, resource.ThumbWidth, resource.ThumbHeight)
		}
		done <- result{th, err}
	}()
	select {
	case res := <-done:
		return res.th, res.err
	case <-ctx.Done():
		return nil, fmt.Errorf("make thumbnail: %w", ctx.Err())
	}
}

// storeThumbnail stores the thumbnail's bytes and records them on the
// resource, under the thumbnail's blob lock so that the deletion of
// another resource with the same thumbnail cannot remove the file in
// between. Bytes that end up recorded nowhere (the resource was deleted
// meanwhile) are removed again.
func (s *Service) storeThumbnail(ctx context.Context, r *resource.Resource, th *imaging.Thumb) error {
	st, err := s.files.Stage(ctx, bytes.NewReader(th.Data))
	if err != nil {
		return fmt.Errorf("stage thumbnail of resource %d: %w", r.ID, err)
	}
	defer st.Discard()
	key := st.Object().Key
	defer s.blobLocks.lock(key)()
	existed, err := s.files.Exists(ctx, key)
	if err != nil {
		return err
	}
	if err := st.Commit(ctx); err != nil {
		return fmt.Errorf("store thumbnail of resource %d: %w", r.ID, err)
	}
	recorded := false
	err = s.db.Tx(ctx, func(q *store.Q) error {
		cur, err := q.ResourceByID(ctx, r.ID)
		if apperr.Is(err, apperr.NotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if recorded, err = q.SetResourceThumb(ctx, r.ID, key); err != nil || !recorded {
			return err
		}
		return s.resourceEvent(ctx, q, nil, cur, VerbResourceThumbnailed, map[string]any{"ok": true,
			"width": th.Width, "height": th.Height})
	})
	if (err != nil || !recorded) && !existed {
		s.deleteUnusedBlob(context.WithoutCancel(ctx), key, "an unused thumbnail")
	}
	return err
}

// OpenResourceThumbnail opens a resource's thumbnail for someone who may
// see the resource; a resource without one is not found.
func (s *Service) OpenResourceThumbnail(ctx context.Context, viewer *account.User, id int64) (*ResourceFile, error) {
	r, err := s.resourceFor(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	if r.ThumbKey == "" || s.files == nil {
		return nil, errResourceNotFound
	}
	f, err := s.files.Open(ctx, r.ThumbKey)
	if errors.Is(err, blob.ErrNotFound) {
		s.log.Error("resource without its thumbnail", "resource", r.ID, "key", r.ThumbKey)
		return nil, errResourceNotFound
	}
	if err != nil {
		return nil, err
	}
	return &ResourceFile{Resource: r, Reader: f}, nil
}

// lockAll takes the blob locks of several keys at once, in stripe order,
// so that two callers locking overlapping sets (a resource's file and its
// thumbnail) cannot wait for each other, and a stripe shared by two keys
// is taken once.
func (l *blobLocks) lockAll(keys ...string) func() {
	var stripes []int
	for _, k := range keys {
		if k == "" {
			continue
		}
		stripes = append(stripes, l.stripe(k))
	}
	slices.Sort(stripes)
	stripes = slices.Compact(stripes)
	for _, i := range stripes {
		l[i].Lock()
	}
	return func() {
		for _, i := range slices.Backward(stripes) {
			l[i].Unlock()
		}
	}
}
