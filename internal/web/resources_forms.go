package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/teacher"
)

// The forms that add resources: a file (streamed, see resources_upload.go),
// a link, or a native document written in the browser with its type's
// template of sections; and the editor of a document's next revision.

type resourceFormView struct {
	*Page
	Kind         resource.Kind
	SpaceID      int64
	In           resource.Input
	TagsText     string
	Sections     []sectionField
	Subjects     []teacher.Term
	Grades       []string
	Types        []resource.Type
	Licences     []resource.Licence
	Visibilities []resource.Visibility
	DocTypes     []resource.DocType
	MaxUploadMB  int64
	// Editing a document: the resource and the revision the edit starts from.
	ResourceID int64
	BaseID     int64
	Note       string
}

// sectionField is one section of a document's editor.
type sectionField struct {
	Key, Label, Hint, Text string
}

// Label names a metadata value in the page's language.
func (v resourceFormView) Label(name, value string) string { return facetLabel(v.Page, name, value) }

func (s *Server) newResourceForm(p *Page, kind resource.Kind, spaceID int64, in resource.Input, texts map[string]string) resourceFormView {
	if in.Visibility == "" {
		in.Visibility = resource.VisInstitution
	}
	if in.Licence == "" {
		in.Licence = resource.CCBYNCSA
	}
	if kind == resource.Document && !in.DocType.Valid() {
		in.DocType = resource.LessonPlan
	}
	v := resourceFormView{Page: p, Kind: kind, SpaceID: spaceID, In: in, TagsText: strings.Join(in.Tags, "，"),
		Subjects: teacher.Subjects(), Grades: resource.Grades, Types: resource.Types, Licences: resource.Licences,
		Visibilities: resource.Visibilities, DocTypes: resource.DocTypes, MaxUploadMB: resource.MaxUploadBytes >> 20}
	if kind == resource.Document {
		v.Sections = sectionFields(p, in.DocType, texts)
	}
	return v
}

func sectionFields(p *Page, d resource.DocType, texts map[string]string) []sectionField {
	var out []sectionField
	for _, k := range d.Sections() {
		out = append(out, sectionField{Key: k, Label: p.T("resource.section." + k), Hint: p.T("resource.section." + k + ".hint"),
			Text: texts[k]})
	}
	return out
}

// showNewResourceForm answers GET /resources/new?kind=file|link|document
// (&space=ID&doc_type=...).
func (s *Server) showNewResourceForm(w http.ResponseWriter, r *http.Request) {
	if s.requireUser(w, r) == nil {
		return
	}
	q := r.URL.Query()
	kind := resource.Kind(q.Get("kind"))
	if !kind.Valid() {
		kind = resource.File
	}
	spaceID, _ := pathID(q.Get("space"))
	p := s.page(r, "resource.new."+string(kind))
	in := resource.Input{DocType: resource.DocType(q.Get("doc_type"))}
	s.render(w, r, http.StatusOK, "resource_form", s.newResourceForm(p, kind, spaceID, in, nil))
}

// metaFromForm reads the metadata fields every kind shares.
func metaFromForm(r *http.Request) (resource.Input, int64) {
	get := r.PostFormValue
	theme, _ := strconv.ParseInt(get("theme_id"), 10, 64)
	spaceID, _ := strconv.ParseInt(get("space_id"), 10, 64)
	return resource.Input{Title: get("title"), Description: get("description"), Meta: resource.Meta{Subject: get("subject"),
		Grade: get("grade"), Edition: get("edition"), Chapter: get("chapter"), Type: resource.Type(get("type")),
		Tags: []string{get("tags")}, Licence: resource.Licence(get("licence")), ThemeID: theme},
		Visibility: resource.Visibility(get("visibility")), URL: get("url"), DocType: resource.DocType(get("doc_type"))}, spaceID
}

// sectionTexts reads section_<key> fields of the document's template.
func sectionTexts(r *http.Request, d resource.DocType) map[string]string {
	out := map[string]string{}
	for _, k := range d.Sections() {
		out[k] = r.PostFormValue("section_" + k)
	}
	return out
}

// createLink answers POST /resources/links.
func (s *Server) createLink(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	in, spaceID := metaFromForm(r)
	res, err := s.svc.CreateLink(r.Context(), u, spaceID, in)
	if err != nil {
		s.refillResourceForm(w, r, resource.Link, spaceID, in, nil, err)
		return
	}
	s.flash(w, "resource.flash.created")
	http.Redirect(w, r, "/resources/"+itoa(res.ID), http.StatusSeeOther)
}

// createDocument answers POST /resources/documents.
func (s *Server) createDocument(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	in, spaceID := metaFromForm(r)
	texts := sectionTexts(r, in.DocType)
	res, err := s.svc.CreateDocument(r.Context(), u, spaceID, in, texts)
	if err != nil {
		s.refillResourceForm(w, r, resource.Document, spaceID, in, texts, err)
		return
	}
	s.flash(w, "resource.flash.created")
	http.Redirect(w, r, "/resources/"+itoa(res.ID), http.StatusSeeOther)
}

// refillResourceForm shows a form again with what was typed and its errors.
func (s *Server) refillResourceForm(w http.ResponseWriter, r *http.Request, kind resource.Kind, spaceID int64, in resource.Input, texts map[string]string, err error) {
	p := s.page(r, "resource.new."+string(kind))
	status, ok := formErrors(p, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	if tags, _, _ := resource.CleanTags(in.Tags); tags != nil {
		in.Tags = tags
	}
	s.render(w, r, status, "resource_form", s.newResourceForm(p, kind, spaceID, in, texts))
}

// editDocumentForm answers GET /resources/{id}/edit: the current revision
// in the editor, with its ID as the base of the next save.
func (s *Server) editDocumentForm(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	rp, err := s.svc.Resource(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if rp.Revision == nil || !rp.Rights.CoEdit {
		s.renderError(w, r, http.StatusForbidden, "error.forbidden")
		return
	}
	texts := map[string]string{}
	for _, sec := range rp.Revision.Body {
		texts[sec.Key] = sec.Text
	}
	p := s.page(r, "resource.edit.title")
	v := s.newResourceForm(p, resource.Document, rp.Resource.SpaceID, resource.Input{Title: rp.Revision.Title,
		DocType: rp.Resource.DocType}, texts)
	v.ResourceID, v.BaseID = id, rp.Revision.ID
	s.render(w, r, http.StatusOK, "resource_edit", v)
}

// saveRevision answers POST /resources/{id}/revisions. When someone saved
// since the editor opened, nothing is written and nothing is lost: the
// conflict screen (resources_revisions.go) shows both changes and the
// typed text, merged where it can be, to save again on top of the current
// revision.
func (s *Server) saveRevision(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	base, _ := strconv.ParseInt(r.PostFormValue("base_id"), 10, 64)
	res, err := s.svc.ResourceByID(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	title, note := r.PostFormValue("title"), r.PostFormValue("note")
	texts := sectionTexts(r, res.DocType)
	if _, err := s.svc.SaveRevision(r.Context(), u, id, base, title, texts, note); err != nil {
		if e, ok := apperr.As(err); ok && e.Code == apperr.Conflict {
			s.showConflict(w, r, u, id, base, title, texts, note)
			return
		}
		p := s.page(r, "resource.edit.title")
		status, ok := formErrors(p, err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		v := s.newResourceForm(p, resource.Document, res.SpaceID, resource.Input{Title: title, DocType: res.DocType}, texts)
		v.ResourceID, v.BaseID, v.Note = id, base, note
		s.render(w, r, status, "resource_edit", v)
		return
	}
	s.flash(w, "resource.flash.revised")
	http.Redirect(w, r, "/resources/"+itoa(id), http.StatusSeeOther)
}
