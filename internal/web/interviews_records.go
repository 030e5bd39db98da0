package web

import (
	"errors"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/blob"
	"github.com/yanxiu/yanxiu/internal/interview"
	"github.com/yanxiu/yanxiu/internal/service"
)

// Interview records: the record form with its recording, and the recording
// itself, streamed with range requests so the player can seek. The coding
// view is in interviews_coding.go.

// interviewUploadLimit is the body a record form may send: the recording
// at its limit and room for a full transcript and the other fields.
const interviewUploadLimit = interview.MaxAudioBytes + 4<<20

// isInterviewUpload reports whether a request posts a record form, the one
// that carries a recording; bodyLimit gives it room.
func isInterviewUpload(r *http.Request) bool {
	p := r.URL.Path
	if r.Method != http.MethodPost {
		return false
	}
	if rest, ok := strings.CutPrefix(p, "/interviews/"); ok {
		return strings.HasSuffix(rest, "/records") && strings.Count(rest, "/") == 1
	}
	if rest, ok := strings.CutPrefix(p, "/interview-records/"); ok {
		return !strings.Contains(rest, "/")
	}
	return false
}

func interviewRecordPath(id int64) string { return "/interview-records/" + itoa(id) }

// recordForm is the record form's values as typed.
type recordForm struct {
	OutlineID     int64
	Pseudonym     string
	Values        map[string]string // grouping → value
	Attrs         []interview.Attr
	InterviewedOn string
	Interviewer   string
	Transcript    string
	RemoveAudio   bool
	// KeepTranscript: the form did not offer the transcript (the viewer
	// may not change it), so the record keeps its own.
	KeepTranscript bool
}

// Value is the typed value of a grouping attribute.
func (f recordForm) Value(g string) string { return f.Values[g] }

func readRecordForm(r *http.Request) recordForm {
	f := recordForm{Pseudonym: r.PostFormValue("pseudonym"), InterviewedOn: strings.TrimSpace(r.PostFormValue("interviewed_on")),
		Interviewer: r.PostFormValue("interviewer"), Transcript: r.PostFormValue("transcript"), Values: map[string]string{},
		RemoveAudio: r.PostFormValue("remove_audio") == "1"}
	f.KeepTranscript = !r.PostForm.Has("transcript") // the form is parsed by now
	f.OutlineID, _ = pathID(r.PostFormValue("outline"))
	for _, g := range interview.Groupings {
		f.Values[g] = r.PostFormValue(g)
	}
	names, values := r.PostForm["attr_name"], r.PostForm["attr_value"]
	for i := range min(len(names), 4*interview.MaxAttrs) {
		a := interview.Attr{Name: names[i]}
		if i < len(values) {
			a.Value = values[i]
		}
		f.Attrs = append(f.Attrs, a)
	}
	return f
}

func recordFormOf(rec *interview.Record) recordForm {
	f := recordForm{OutlineID: rec.OutlineID, Pseudonym: rec.Pseudonym, Values: map[string]string{}, Attrs: rec.Attributes,
		Interviewer: rec.Interviewer, Transcript: rec.Transcript}
	for _, g := range interview.Groupings {
		f.Values[g] = rec.GroupValue(g)
	}
	if rec.InterviewedOn != nil {
		f.InterviewedOn = rec.InterviewedOn.UTC().Format(time.DateOnly)
	}
	return f
}

// input turns the form into a record input; a date that is not one is a
// field error, reported together with the input's own.
func (f recordForm) input() (interview.RecordInput, error) {
	in := interview.RecordInput{OutlineID: f.OutlineID, Pseudonym: f.Pseudonym, Gender: f.Values[interview.ByGender],
		YearsBand: f.Values[interview.ByYearsBand], Title: f.Values[interview.ByTitle], Location: f.Values[interview.ByLocation],
		Subject: f.Values[interview.BySubject], Attributes: f.Attrs, Interviewer: f.Interviewer, Transcript: f.Transcript}
	if f.InterviewedOn == "" {
		return in, nil
	}
	day, err := time.Parse(time.DateOnly, f.InterviewedOn)
	if err == nil && day.Year() >= 1900 && day.Year() <= 2999 {
		in.InterviewedOn = &day
		return in, nil
	}
	fe := apperr.Fields{}
	check := in
	if e, ok := apperr.As(check.Validate()); ok {
		for k, v := range e.Fields {
			fe[k] = v
		}
	}
	fe.Add("interviewed_on", "form.invalid")
	return in, fe.Err()
}

// AttrRows are the free attribute rows the form shows: those typed and a
// few empty ones, up to the limit.
func (f recordForm) AttrRows() []interview.Attr {
	rows := slices.Clone(f.Attrs)
	for len(rows) < interview.MaxAttrs && len(rows) < len(f.Attrs)+3 {
		rows = append(rows, interview.Attr{})
	}
	return rows
}

type recordFormView struct {
	*interviewPage
	Record   *interview.Record // nil for a new record
	Outlines []*interview.Outline
	F        recordForm
	Action   string
	Accept   string
	MaxMB    int
	MaxChars int
	// Rights decides which controls the form offers; the service checks
	// the same rules when the form is saved.
	Rights service.InterviewRecordRights
}

func (s *Server) renderRecordForm(w http.ResponseWriter, r *http.Request, status int, p *interview.Project, a service.InterviewAccess,
	rec *interview.Record, f recordForm, err error) {
	outlines, oerr := s.svc.InterviewOutlines(r.Context(), currentUser(r), p.ID)
	if oerr != nil {
		s.fail(w, r, oerr)
		return
	}
	v := &recordFormView{interviewPage: s.newInterviewPage(r, p, a, ""), Record: rec, Outlines: outlines, F: f,
		Action: interviewPath(p.ID) + "/records", Accept: strings.Join(append(slices.Clone(interview.AudioTypes), ".mp3", ".m4a", ".wav", ".ogg", ".webm"), ","),
		MaxMB: interview.MaxAudioBytes >> 20, MaxChars: interview.MaxTranscript, Rights: a.RecordRights(currentUser(r).ID, rec)}
	v.Page.Title = v.T("interview.record.new")
	if rec != nil {
		v.Action = interviewRecordPath(rec.ID)
		v.Page.Title = v.T("interview.record.edit_title", "name", rec.Pseudonym)
		v.Page.Path = v.Action + "/edit"
	} else {
		v.Page.Path = v.Action + "/new"
	}
	if err != nil {
		st, ok := formErrors(v.Page, err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		status = st
	}
	s.render(w, r, status, "interview_record_form", v)
}

func (s *Server) newInterviewRecordForm(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	p, a, err := s.svc.InterviewProject(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := recordForm{Values: map[string]string{}, Interviewer: u.Name()}
	if o, ok := pathID(r.URL.Query().Get("outline")); ok {
		f.OutlineID = o
	}
	s.renderRecordForm(w, r, http.StatusOK, p, a, nil, f, nil)
}

// recordAudio opens the recording of a record form, nil when none was chosen.
func recordAudio(r *http.Request) (*service.Upload, func()) {
	if r.MultipartForm == nil || len(r.MultipartForm.File["audio"]) == 0 {
		return nil, func() {}
	}
	fh := r.MultipartForm.File["audio"][0]
	if fh.Size == 0 && fh.Filename == "" {
		return nil, func() {}
	}
	f, err := fh.Open()
	if err != nil {
		return nil, func() {}
	}
	return &service.Upload{Name: fh.Filename, Body: f}, func() { f.Close() }
}

func (s *Server) createInterviewRecord(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	audio, done := recordAudio(r)
	defer done()
	f := readRecordForm(r)
	in, err := f.input()
	var rec *interview.Record
	if err == nil {
		rec, err = s.svc.CreateInterviewRecord(r.Context(), u, id, in, audio)
	}
	if err == nil {
		s.flash(w, "interview.flash.record_created")
		http.Redirect(w, r, interviewRecordPath(rec.ID), http.StatusSeeOther)
		return
	}
	p, a, perr := s.svc.InterviewProject(r.Context(), u, id)
	if perr != nil {
		s.fail(w, r, perr)
		return
	}
	s.renderRecordForm(w, r, http.StatusUnprocessableEntity, p, a, nil, f, err)
}

func (s *Server) editInterviewRecordForm(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	rec, p, a, err := s.svc.InterviewRecord(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderRecordForm(w, r, http.StatusOK, p, a, rec, recordFormOf(rec), nil)
}

func (s *Server) updateInterviewRecord(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	audio, done := recordAudio(r)
	defer done()
	f := readRecordForm(r)
	in, err := f.input()
	stale := 0
	if err == nil {
		_, stale, err = s.svc.UpdateInterviewRecord(r.Context(), u, id, service.RecordUpdate{Input: in, Audio: audio, RemoveAudio: f.RemoveAudio,
			KeepTranscript: f.KeepTranscript})
	}
	if err == nil {
		key := "flash.saved"
		if stale > 0 {
			key = "interview.flash.segments_stale"
		}
		s.flash(w, key)
		http.Redirect(w, r, interviewRecordPath(id), http.StatusSeeOther)
		return
	}
	rec, p, a, rerr := s.svc.InterviewRecord(r.Context(), u, id)
	if rerr != nil {
		s.fail(w, r, rerr)
		return
	}
	s.renderRecordForm(w, r, http.StatusUnprocessableEntity, p, a, rec, f, err)
}

func (s *Server) deleteInterviewRecord(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	p, err := s.svc.DeleteInterviewRecord(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.deleted")
	http.Redirect(w, r, interviewPath(p.ID)+"#records", http.StatusSeeOther)
}

// serveInterviewAudio streams a record's recording to its team. Range
// requests let the player seek without downloading the whole file; the
// stored type, checked by content when uploaded, is the only Content-Type
// ever sent.
func (s *Server) serveInterviewAudio(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	if s.blobs == nil {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	a, rec, err := s.svc.InterviewAudio(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.blobs.Open(r.Context(), a.Key)
	if errors.Is(err, blob.ErrNotFound) {
		s.log.Error("interview recording without its file", "record", rec.ID, "key", a.Key)
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	if cd := mime.FormatMediaType("inline", map[string]string{"filename": a.Name}); cd != "" {
		h.Set("Content-Disposition", cd)
	}
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	// Private: whether someone may listen depends on who asks.
	h.Set("Cache-Control", "private, max-age=3600")
	// The blob is content-addressed, so its key is a strong validator.
	h.Set("ETag", `"`+a.Key+`"`)
	http.ServeContent(w, r, "", rec.UpdatedAt, f)
}
