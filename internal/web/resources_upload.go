package web

import (
	"crypto/subtle"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/service"
)

// The upload form streams: its body is read part by part with
// r.MultipartReader, and the file part goes straight to the service, which
// spools it to disk while hashing it. ParseMultipartForm would first copy
// the whole file to a temporary file (or, under its memory limit, into
// memory) before the handler saw a byte, doubling the disk writes of a
// 1 GB lesson recording and delaying every check until the end.
//
// So that the middleware need not parse the body either, this route's CSRF
// token travels as the form's first field and is checked here before
// anything else is read; checkCSRF still applies the cross-origin check
// and the body limit (see isStreamedUpload).

// resourceUploadPath is the route of the streamed upload form.
const resourceUploadPath = "/resources/upload"

// maxUploadFieldBytes bounds one text field of the upload form.
const maxUploadFieldBytes = 4 * resource.MaxDescription

// isStreamedUpload reports whether a request is the streamed upload, whose
// body the middleware must leave unread.
func isStreamedUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == resourceUploadPath
}

// rawFileName is a part's file name exactly as the browser sent it:
// Part.FileName applies filepath.Base, which would quietly turn
// "../../etc/passwd" into "passwd" and hide a tampered request; the service
// refuses such names instead.
func rawFileName(p *multipart.Part) string {
	_, params, err := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
	if err != nil {
		return ""
	}
	return params["filename"]
}

// errBadUploadForm is a body that is not the form this page sends.
var errBadUploadForm = apperr.New(apperr.Invalid, "resource.error.upload_form")

// uploadResource answers POST /resources/upload.
func (s *Server) uploadResource(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		s.renderError(w, r, http.StatusBadRequest, "error.bad_request")
		return
	}
	// The first part must be the CSRF token.
	first, err := mr.NextPart()
	if err != nil || first.FormName() != "csrf" {
		s.renderError(w, r, http.StatusForbidden, "error.csrf")
		return
	}
	token, err := io.ReadAll(io.LimitReader(first, 128))
	want := info(r).csrf
	if err != nil || want == "" || subtle.ConstantTimeCompare(token, []byte(want)) != 1 {
		s.renderError(w, r, http.StatusForbidden, "error.csrf")
		return
	}
	form := map[string][]string{}
	for i := 0; ; i++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			f := apperr.Fields{}
			f.Add("file", "resource.error.file_missing")
			s.refillUpload(w, r, form, f.Err())
			return
		}
		if err != nil || i > 40 {
			// Broken framing or headers, or a form with too many fields:
			// not what this page sends.
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				s.renderError(w, r, http.StatusRequestEntityTooLarge, "error.too_large")
				return
			}
			s.renderError(w, r, http.StatusBadRequest, "error.bad_request")
			return
		}
		if part.FormName() == "file" {
			in, spaceID := uploadInput(form)
			res, err := s.svc.UploadResource(r.Context(), u, spaceID, in, service.Upload{Name: rawFileName(part), Body: part})
			if err != nil {
				s.failUpload(w, r, form, err)
				return
			}
			s.flash(w, "resource.flash.uploaded")
			http.Redirect(w, r, "/resources/"+itoa(res.ID), http.StatusSeeOther)
			return
		}
		b, err := io.ReadAll(io.LimitReader(part, maxUploadFieldBytes+1))
		if err != nil || len(b) > maxUploadFieldBytes || !goodText(string(b)) {
			s.failUpload(w, r, form, errBadUploadForm)
			return
		}
		form[part.FormName()] = append(form[part.FormName()], string(b))
	}
}

// failUpload answers a failed upload: the form again with its errors; 413
// past the body limit; 400 for a body cut off or not framed as multipart
// (the connection dropped, or a hand-made request); 500 for the rest.
func (s *Server) failUpload(w http.ResponseWriter, r *http.Request, form map[string][]string, err error) {
	var mbe *http.MaxBytesError
	_, isApp := apperr.As(err)
	switch {
	case errors.As(err, &mbe):
		s.renderError(w, r, http.StatusRequestEntityTooLarge, "error.too_large")
	case isApp:
		s.refillUpload(w, r, form, err)
	case errors.Is(err, io.ErrUnexpectedEOF) || strings.HasPrefix(err.Error(), "multipart") ||
		strings.Contains(err.Error(), "malformed MIME"):
		s.renderError(w, r, http.StatusBadRequest, "error.bad_request")
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) refillUpload(w http.ResponseWriter, r *http.Request, form map[string][]string, err error) {
	in, spaceID := uploadInput(form)
	s.refillResourceForm(w, r, resource.File, spaceID, in, nil, err)
}

// uploadInput reads the text fields of the upload form.
func uploadInput(form map[string][]string) (resource.Input, int64) {
	get := func(k string) string {
		if v := form[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	theme, _ := strconv.ParseInt(get("theme_id"), 10, 64)
	spaceID, _ := strconv.ParseInt(get("space_id"), 10, 64)
	return resource.Input{Title: get("title"), Description: get("description"), Meta: resource.Meta{Subject: get("subject"),
		Grade: get("grade"), Edition: get("edition"), Chapter: get("chapter"), Type: resource.Type(get("type")),
		Tags: form["tags"], Licence: resource.Licence(get("licence")), ThemeID: theme},
		Visibility: resource.Visibility(get("visibility"))}, spaceID
}
