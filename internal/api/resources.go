package api

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/service"
)

// Teaching resources: search and listing with facets, creating links and
// documents (JSON) and files (a streamed multipart upload), reading,
// downloading with Range, deleting, the revisions of documents, reuse.

// listResources answers GET /resources: with q, the best matches first
// (every term of q must match: Chinese is searched by character pairs,
// so 数学 or 课例 find every resource containing them); without, newest
// first. Facet parameters narrow either; facets counts each facet's values.
func (a *API) listResources(w http.ResponseWriter, r *http.Request, me *account.User) {
	q := newQuery(r)
	rq := service.ResourceQuery{Q: q.str("q", resource.MaxQuery), SpaceID: q.id("space"), OwnerID: q.id("owner"),
		Subject: q.str("subject", 40), Grade: q.str("grade", 8), Type: resource.Type(q.str("type", 40)),
		Kind: resource.Kind(q.str("kind", 16)), Format: resource.Format(q.str("format", 16)),
		Licence: resource.Licence(q.str("licence", 32)), ThemeID: q.id("theme"), FeaturedIn: q.id("featured_in"),
		Facets: q.v.Get("facets") == "true"}
	for _, t := range q.v["tag"] {
		rq.Tags = append(rq.Tags, t)
	}
	switch q.v.Get("featured") {
	case "", "false":
	case "true":
		rq.Featured = true
	default:
		q.f.Add("featured", "form.invalid_choice")
	}
	if f := q.v.Get("facets"); f != "" && f != "true" && f != "false" {
		q.f.Add("facets", "form.invalid_choice")
	}
	rq.Limit, rq.Offset = q.page()
	if err := q.err(); err != nil {
		a.writeError(w, r, err)
		return
	}
	res, err := a.svc.SearchResources(r.Context(), me, rq)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	l := newList(res.Items, res.Total, newResource)
	out := resourceListDTO{Items: l.Items, Total: l.Total, Facets: map[string][]facetDTO{}}
	if rq.Facets {
		out.Facets = newFacets(res.Facets)
	}
	a.writeJSON(w, http.StatusOK, out)
}

// createResource answers POST /resources: a link or a native document in a
// space of the caller's (the personal space when space_id is absent).
func (a *API) createResource(w http.ResponseWriter, r *http.Request, me *account.User) {
	var body resourceCreate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	var res *resource.Resource
	var err error
	switch body.Kind {
	case resource.Link:
		res, err = a.svc.CreateLink(r.Context(), me, body.SpaceID, body.input())
	case resource.Document:
		res, err = a.svc.CreateDocument(r.Context(), me, body.SpaceID, body.input(), body.Sections)
	default:
		err = errKind()
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.answerResource(w, r, me, res.ID, http.StatusCreated)
}

// maxUploadFields bounds the text fields of an upload form.
const maxUploadFields = 32

// uploadResource answers POST /resources/files: a multipart/form-data body
// whose text fields (title, visibility, ...) come first and whose last
// part is the file. The file streams into storage as it arrives; it is
// never held in memory, and a dropped connection leaves nothing.
func (a *API) uploadResource(w http.ResponseWriter, r *http.Request, me *account.User) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		// Any other body is held to the ordinary limit, as on every route.
		if r.ContentLength > a.maxBody {
			err = a.tooLarge()
		} else {
			err = errMediaType
		}
		a.writeError(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, resource.MaxUploadBytes+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		a.writeError(w, r, apperr.Wrap(apperr.Invalid, "api.error.multipart", err))
		return
	}
	fields := map[string][]string{}
	for i := 0; ; i++ {
		part, err := mr.NextPart()
		if err != nil {
			a.writeError(w, r, uploadPartError(a, err))
			return
		}
		if part.FormName() == "file" || rawFileName(part) != "" {
			in, spaceID, err := uploadInput(fields)
			if err == nil {
				var res *resource.Resource
				res, err = a.svc.UploadResource(r.Context(), me, spaceID, in, service.Upload{Name: rawFileName(part), Body: part})
				if err == nil {
					a.answerResource(w, r, me, res.ID, http.StatusCreated)
					return
				}
			}
			var mbe *http.MaxBytesError
			_, isApp := apperr.As(err)
			switch {
			case errors.As(err, &mbe):
				err = a.tooLarge()
			case !isApp && cutOff(err):
				// The client dropped mid-upload or framed the body badly:
				// its fault, answered 400 as the web form does.
				err = apperr.Wrap(apperr.Invalid, "api.error.multipart", err)
			}
			a.writeError(w, r, err)
			return
		}
		if i >= maxUploadFields {
			a.writeError(w, r, apperr.New(apperr.Invalid, "api.error.multipart"))
			return
		}
		v, err := io.ReadAll(io.LimitReader(part, resource.MaxDescription*4+1))
		if err != nil {
			a.writeError(w, r, uploadPartError(a, err))
			return
		}
		fields[part.FormName()] = append(fields[part.FormName()], string(v))
	}
}

// rawFileName is a part's file name exactly as the client sent it.
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

// cutOff reports whether reading an upload's file part failed because the
// body ended early or was not proper multipart. The service wraps the
// staging error, so the multipart package's messages are looked for inside.
func cutOff(err error) bool {
	msg := err.Error()
	return errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(msg, "multipart:") ||
		strings.Contains(msg, "malformed MIME")
}

func uploadPartError(a *API, err error) error {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return a.tooLarge()
	case errors.Is(err, io.EOF):
		f := apperr.Fields{}
		f.Add("file", "resource.error.file_missing")
		return f.Err()
	}
	return apperr.Wrap(apperr.Invalid, "api.error.multipart", err)
}

// uploadInput reads the text fields of an upload.
func uploadInput(fields map[string][]string) (resource.Input, int64, error) {
	get := func(k string) string {
		if v := fields[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	f := apperr.Fields{}
	num := func(k string) int64 {
		s := get(k)
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			f.Add(k, "api.field.id")
		}
		return n
	}
	in := resource.Input{Title: get("title"), Description: get("description"), Meta: resource.Meta{Subject: get("subject"),
		Grade: get("grade"), Edition: get("edition"), Chapter: get("chapter"), Type: resource.Type(get("type")),
		Tags: fields["tags"], Licence: resource.Licence(get("licence")), ThemeID: num("theme_id")},
		Visibility: resource.Visibility(get("visibility"))}
	spaceID := num("space_id")
	for k, vs := range fields {
		for _, v := range vs {
			if strings.IndexByte(v, 0) >= 0 {
				f.Add(k, "api.field.nul")
			}
		}
	}
	return in, spaceID, f.Err()
}

// answerResource answers with one resource's detail.
func (a *API) answerResource(w http.ResponseWriter, r *http.Request, me *account.User, id int64, status int) {
	p, err := a.svc.Resource(r.Context(), me, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, status, newResourceDetail(p))
}

// showResource answers GET /resources/{id} and counts a view.
func (a *API) showResource(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.answerResource(w, r, me, id, http.StatusOK)
}

// deleteResource answers DELETE /resources/{id}.
func (a *API) deleteResource(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if err := a.svc.DeleteResource(r.Context(), me, id); err != nil {
		a.writeError(w, r, err)
		return
	}
	noContent(w)
}

// downloadResource answers GET /resources/{id}/file with the file's bytes,
// honouring Range (a resumed download, a video player's seek). A request
// for the start of the file counts as a download; the rest of a player's
// ranges do not.
func (a *API) downloadResource(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	f, err := a.svc.OpenResourceFile(r.Context(), me, id, countsAsDownload(r))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	defer f.Reader.Close()
	h := w.Header()
	h.Set("Content-Type", f.Resource.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Resource.FileName}))
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("ETag", `"`+f.Resource.BlobKey+`"`)
	http.ServeContent(w, r, "", f.Resource.CreatedAt, f.Reader)
}

// resourceThumbnail answers GET /resources/{id}/thumbnail with the JPEG
// thumbnail of a picture or a PDF's first page, made after the upload; 404
// until it exists and for files that have none. The ETag is the hash of its
// bytes, so If-None-Match answers 304.
func (a *API) resourceThumbnail(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	f, err := a.svc.OpenResourceThumbnail(r.Context(), me, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	defer f.Reader.Close()
	h := w.Header()
	h.Set("Content-Type", resource.ThumbContentType)
	h.Set("Cache-Control", "private, max-age=86400")
	h.Set("ETag", `"`+f.Resource.ThumbKey+`"`)
	http.ServeContent(w, r, "", f.Reader.ModTime(), f.Reader)
}

// countsAsDownload: no Range, or a range from the first byte.
func countsAsDownload(r *http.Request) bool {
	rg := r.Header.Get("Range")
	return rg == "" || strings.HasPrefix(rg, "bytes=0-")
}

// listRevisions answers GET /resources/{id}/revisions, newest first.
func (a *API) listRevisions(w http.ResponseWriter, r *http.Request, me *account.User) {
	listUnder(a, w, r, me, a.svc.ResourceRevisions, newRevision)
}

// createRevision answers POST /resources/{id}/revisions: 201 with the new
// revision, or 409 when base_id is no longer the current revision (someone
// saved meanwhile): the answer carries both changes and a proposed merge to
// save on top of the current revision (writeSaveError).
func (a *API) createRevision(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body revisionCreate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	rev, err := a.svc.SaveRevision(r.Context(), me, id, body.BaseID, body.Title, body.Sections, body.Note)
	if err != nil {
		a.writeSaveError(w, r, me, id, body.BaseID, body.Title, body.Sections, err)
		return
	}
	a.writeJSON(w, http.StatusCreated, newRevision(rev))
}

// reuseResource answers POST /resources/{id}/reuse: a private copy in a
// space of the caller's, linked to the original.
func (a *API) reuseResource(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body reuseBody
	if r.ContentLength != 0 {
		if err := a.decodeBody(w, r, &body); err != nil {
			a.writeError(w, r, err)
			return
		}
	}
	c, err := a.svc.ReuseResource(r.Context(), me, id, body.SpaceID)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.answerResource(w, r, me, c.ID, http.StatusCreated)
}
