package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Attachments of topics and replies: images and documents, checked by
// their bytes, stored content-addressed through Blobs, served only to
// readers of the community (and, for a hidden post, to its leads).

// Upload is a file attached to a new post.
type Upload struct {
	Name string    // as the browser sent it; cleaned before it is stored
	Body io.Reader // read once
}

// errAttachmentTooLarge stops a blob write at the size limit.
var errAttachmentTooLarge = errors.New("attachment over the size limit")

// cappedReader fails once more than n bytes have been read, so the blob
// store abandons the write and stores nothing.
type cappedReader struct {
	r    io.Reader
	left int64
	read int64
}

func (c *cappedReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += int64(n)
	if c.read > c.left {
		return n, errAttachmentTooLarge
	}
	return n, err
}

// storeUploads checks and stores a post's files before its transaction
// opens, so a slow upload never holds the writer. A file the post then
// fails to reference stays in the blob store, which is content-addressed
// and shared, like any unreferenced upload.
func (s *Service) storeUploads(ctx context.Context, actor *account.User, files []Upload) ([]*discussion.Attachment, error) {
	if len(files) == 0 {
		return nil, nil
	}
	f := apperr.Fields{}
	if len(files) > discussion.MaxAttachments {
		f.Add("files", "discussion.attachment.too_many", "max", discussion.MaxAttachments)
		return nil, f.Err()
	}
	if s.blobs == nil {
		return nil, errors.New("attachments need file storage, and none is configured")
	}
	out := make([]*discussion.Attachment, 0, len(files))
	for _, up := range files {
		name := discussion.CleanFileName(up.Name)
		head := make([]byte, discussion.SniffBytes)
		n, err := io.ReadFull(up.Body, head)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("read upload %q: %w", name, err)
		}
		head = head[:n]
		if n == 0 {
			f.Add("files", "discussion.attachment.empty", "name", name)
			return nil, f.Err()
		}
		ctype, ok := discussion.Sniff(head, name)
		if !ok {
			f.Add("files", "discussion.attachment.unsupported", "name", name)
			return nil, f.Err()
		}
		body := &cappedReader{r: io.MultiReader(bytes.NewReader(head), up.Body), left: discussion.MaxAttachmentBytes}
		key, err := s.blobs.Save(ctx, body)
		if errors.Is(err, errAttachmentTooLarge) {
			return nil, &apperr.Error{Code: apperr.TooLarge, Key: "discussion.attachment.too_large",
				Args: map[string]any{"name": name, "max": discussion.MaxAttachmentBytes >> 20}, Err: err,
				Fields: map[string]apperr.FieldError{"files": {Key: "discussion.attachment.too_large",
					Args: map[string]any{"name": name, "max": discussion.MaxAttachmentBytes >> 20}}}}
		}
		if err != nil {
			return nil, fmt.Errorf("store upload %q: %w", name, err)
		}
		out = append(out, &discussion.Attachment{UploaderID: actor.ID, Key: key, Name: name, ContentType: ctype,
			Size: body.read, CreatedAt: s.Now()})
	}
	return out, nil
}

// attach records stored files on a post inside its transaction.
func (s *Service) attach(ctx context.Context, q *store.Q, files []*discussion.Attachment, spaceID, topicID, replyID int64) error {
	for _, a := range files {
		a.SpaceID, a.TopicID, a.ReplyID = spaceID, topicID, replyID
		if err := q.AddAttachment(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// Attachment returns an attachment's record if the viewer may download it:
// a reader of its community, and a lead when its post is hidden.
func (s *Service) Attachment(ctx context.Context, viewer *account.User, id int64) (*discussion.Attachment, error) {
	a, err := s.db.R().AttachmentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	t, post := discussion.TopicPost, a.TopicID
	if a.ReplyID != 0 {
		t, post = discussion.ReplyPost, a.ReplyID
	}
	p, err := s.post(ctx, viewer, t, post)
	if err != nil {
		return nil, err
	}
	if p.Hidden() && !p.Access.Lead {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	return a, nil
}
