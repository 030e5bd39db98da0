package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/blob"
	"github.com/yanxiu/yanxiu/internal/doctext"
	"github.com/yanxiu/yanxiu/internal/jobs"
	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Text extraction runs in a background job, because reading a 200-page
// PDF takes longer than an upload request should wait and may fail: the
// resource is stored and searchable by its title and description at once,
// and by its content when the job has run. A file whose text cannot be
// read (broken, encrypted, scanned) is marked "failed" and stays as it was.

// JobResourceText is the job kind that extracts a file's text and indexes
// it; the app registers ExtractResourceText for it.
const JobResourceText = "resource.text"

// extractTimeout bounds one extraction. PDFs are read by a child process
// that doctext kills after its own deadline; this is the net below.
const extractTimeout = 2 * time.Minute

// resourceTextJob is the payload of a JobResourceText job.
type resourceTextJob struct {
	ResourceID int64 `json:"resource_id"`
}

// ExtractResourceText is the handler of JobResourceText.
func (s *Service) ExtractResourceText(ctx context.Context, j jobs.Job) error {
	var p resourceTextJob
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
	if r.Kind != resource.File || !r.Format.Extractable() || s.files == nil {
		return nil
	}
	f, err := s.files.Open(ctx, r.BlobKey)
	if errors.Is(err, blob.ErrNotFound) {
		return jobs.Permanent(fmt.Errorf("file of resource %d: %w", r.ID, err))
	}
	if err != nil {
		return err // storage unreachable: retry later
	}
	defer f.Close()
	ra, ok := f.(io.ReaderAt)
	if !ok {
		return jobs.Permanent(fmt.Errorf("file store reader %T cannot read at offsets", f))
	}
	text, err := extractWithTimeout(ctx, ra, f.Size(), r.ContentType)
	if err != nil {
		s.log.Info("no text from a resource file", "resource", r.ID, "type", r.ContentType, "err", err)
		return s.db.Tx(ctx, func(q *store.Q) error {
			if err := q.SetResourceTextStatus(ctx, r.ID, resource.TextFailed); err != nil {
				return err
			}
			return s.resourceEvent(ctx, q, nil, r, VerbResourceExtracted, map[string]any{"ok": false})
		})
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		// Re-read inside the transaction: the metadata may have changed
		// while the text was extracted, and the index must hold both.
		cur, err := q.ResourceByID(ctx, r.ID)
		if apperr.Is(err, apperr.NotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.index(ctx, q, cur, text); err != nil {
			return err
		}
		if err := q.SetResourceTextStatus(ctx, r.ID, resource.TextDone); err != nil {
			return err
		}
		return s.resourceEvent(ctx, q, nil, cur, VerbResourceExtracted, map[string]any{"ok": true,
			"chars": len([]rune(text))})
	})
}

// extractWithTimeout runs the extraction in a goroutine so that the job
// returns when its time is up even if a hostile file keeps the reader busy.
func extractWithTimeout(ctx context.Context, r io.ReaderAt, size int64, ctype string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, extractTimeout)
	defer cancel()
	type result struct {
		text string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		text, err := doctext.Extract(ctx, r, size, ctype)
		done <- result{text, err}
	}()
	select {
	case res := <-done:
		return res.text, res.err
	case <-ctx.Done():
		return "", fmt.Errorf("extract text: %w", ctx.Err())
	}
}
