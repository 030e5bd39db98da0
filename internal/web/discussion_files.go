package web

import (
	"errors"
	"mime"
	"net/http"
	"strings"

	"github.com/yanxiu/yanxiu/internal/blob"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/service"
)

// Attachments of discussion posts: reading them from a multipart form, and
// serving them to readers of the community.

// discussionUploadLimit is the body a post with attachments may send: the
// files at their limit and room for the text.
const discussionUploadLimit = discussion.MaxAttachments*discussion.MaxAttachmentBytes + 1<<20

// isDiscussionUpload reports whether a request posts a topic or a reply,
// the two forms that carry attachments; bodyLimit gives them more room.
func isDiscussionUpload(r *http.Request) bool {
	p := r.URL.Path
	return r.Method == http.MethodPost && (strings.HasPrefix(p, "/c/") && strings.HasSuffix(p, "/topics") ||
		strings.HasPrefix(p, "/topics/") && strings.HasSuffix(p, "/replies"))
}

// uploads opens the files of a multipart form's "files" field; done closes
// them. A form without files, or one that is not multipart, has none.
func uploads(r *http.Request) ([]service.Upload, func()) {
	if r.MultipartForm == nil || len(r.MultipartForm.File["files"]) == 0 {
		return nil, func() {}
	}
	var out []service.Upload
	var closers []func() error
	for _, fh := range r.MultipartForm.File["files"] {
		if fh.Size == 0 && fh.Filename == "" {
			continue // an empty file input
		}
		f, err := fh.Open()
		if err != nil {
			continue
		}
		closers = append(closers, f.Close)
		out = append(out, service.Upload{Name: fh.Filename, Body: f})
	}
	return out, func() {
		for _, c := range closers {
			c()
		}
	}
}

// serveAttachment sends a post's file to a reader of its community. Images
// are shown inline; every other file is a download, so a document can never
// be rendered as a page of this site. The stored type, checked by content
// when uploaded, is the only Content-Type ever sent.
func (s *Server) serveAttachment(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r.PathValue("id"))
	if !ok || s.blobs == nil {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	a, err := s.svc.Attachment(r.Context(), currentUser(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.blobs.Open(r.Context(), a.Key)
	if errors.Is(err, blob.ErrNotFound) {
		s.log.Error("attachment without its file", "attachment", a.ID, "key", a.Key)
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Close()
	disposition := "attachment"
	if a.Image() {
		disposition = "inline"
	}
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	cd := mime.FormatMediaType(disposition, map[string]string{"filename": a.Name})
	if cd == "" {
		cd = disposition
	}
	h.Set("Content-Disposition", cd)
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; sandbox")
	// Private: whether someone may read it depends on who asks.
	h.Set("Cache-Control", "private, max-age=3600")
	http.ServeContent(w, r, "", a.CreatedAt, f)
}
