package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/roster"
	"github.com/yanxiu/yanxiu/internal/service"
)

// A previewed roster file waits in the temp folder until the admin applies
// it, named by a random token that the preview page carries, so the file is
// parsed again on apply instead of trusting anything the browser sends back.
const rosterTTL = time.Hour

var rosterTokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]{20,64}$`)

type rosterView struct {
	*Page
	InstitutionID int64
	Result        *service.RosterResult
	Token         string
	Filename      string
	Columns       []string
}

func (s *Server) rosterPage(r *http.Request, id int64) *rosterView {
	return &rosterView{Page: s.page(r, "roster.title"), InstitutionID: id, Columns: roster.ColumnKeys()}
}

func (s *Server) showRosterForm(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	// Check permission before showing the form: an empty preview is a cheap check.
	if _, err := s.svc.PreviewRoster(r.Context(), u, id, &roster.Sheet{}); err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.rosterPage(r, id)
	s.takeFlash(w, r, v.Page)
	s.render(w, r, http.StatusOK, "roster", v)
}

func (s *Server) previewRoster(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	v := s.rosterPage(r, id)
	f, hdr, err := r.FormFile("file")
	if err != nil {
		fe := apperr.Fields{}
		fe.Add("file", "form.required")
		s.rosterFormError(w, r, v, fe.Err())
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, roster.DefaultMaxBytes+1))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sheet, err := roster.Parse(bytes.NewReader(data), hdr.Filename, roster.Options{})
	if err != nil {
		s.rosterFormError(w, r, v, asFileError(err))
		return
	}
	res, err := s.svc.PreviewRoster(r.Context(), u, id, sheet)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tok := newToken()
	if err := s.saveRosterUpload(tok, data); err != nil {
		s.fail(w, r, err)
		return
	}
	v.Result, v.Token, v.Filename = res, tok, filepath.Base(hdr.Filename)
	s.render(w, r, http.StatusOK, "roster", v)
}

// asFileError turns a whole-file parse failure into a field error on the upload.
func asFileError(err error) error {
	e, ok := apperr.As(err)
	if !ok {
		return err
	}
	fe := apperr.Fields{}
	fe[("file")] = apperr.FieldError{Key: e.Key, Args: e.Args}
	return &apperr.Error{Code: apperr.Invalid, Key: e.Key, Fields: fe, Err: err}
}

func (s *Server) rosterFormError(w http.ResponseWriter, r *http.Request, v *rosterView, err error) {
	status, ok := formErrors(v.Page, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "roster", v)
}

func (s *Server) applyRoster(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := pathID(r.PathValue("id"))
	tok := r.PostFormValue("token")
	if !ok || !rosterTokenRE.MatchString(tok) {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	data, err := os.ReadFile(s.rosterPath(tok))
	if err != nil {
		s.flash(w, "roster.expired")
		http.Redirect(w, r, "/i/"+itoa(id)+"/roster", http.StatusSeeOther)
		return
	}
	filename := r.PostFormValue("filename")
	sheet, err := roster.Parse(bytes.NewReader(data), filename, roster.Options{})
	if err != nil {
		s.rosterFormError(w, r, s.rosterPage(r, id), asFileError(err))
		return
	}
	res, err := s.svc.ImportRoster(r.Context(), u, id, sheet, filename, r.PostFormValue("only_valid") != "")
	v := s.rosterPage(r, id)
	if err != nil {
		if errors.Is(err, service.ErrRosterHasErrors) && res != nil {
			v.Result, v.Token, v.Filename = res, tok, filename
			v.Message = v.T("roster.has_errors")
			s.render(w, r, http.StatusUnprocessableEntity, "roster", v)
			return
		}
		s.fail(w, r, err)
		return
	}
	os.Remove(s.rosterPath(tok))
	v.Result, v.Filename = res, filename
	v.Flash = v.T("roster.done", "created", res.Created, "updated", res.Updated, "unchanged", res.Unchanged, "skipped", res.Invalid)
	s.render(w, r, http.StatusOK, "roster", v)
}

func (s *Server) rosterPath(tok string) string {
	return filepath.Join(s.tempDir, "roster-"+tok)
}

func (s *Server) saveRosterUpload(tok string, data []byte) error {
	if err := os.MkdirAll(s.tempDir, 0o700); err != nil {
		return err
	}
	// Sweep old previews first so abandoned uploads do not pile up.
	if old, err := filepath.Glob(filepath.Join(s.tempDir, "roster-*")); err == nil {
		for _, p := range old {
			if fi, err := os.Stat(p); err == nil && time.Since(fi.ModTime()) > rosterTTL {
				os.Remove(p)
			}
		}
	}
	return os.WriteFile(s.rosterPath(tok), data, 0o600)
}

// ErrorText translates a row error.
func (v *rosterView) ErrorText(e roster.RowError) string {
	args := make([]any, 0, 2*len(e.Args))
	for k, val := range e.Args {
		args = append(args, k, val)
	}
	return v.T(e.Code, args...)
}

// ColumnName translates a canonical column key.
func (v *rosterView) ColumnName(col string) string { return v.T(roster.ColumnMessageKey(col)) }

// JoinUnknown lists unrecognised column headers for the warning.
func (v *rosterView) JoinUnknown(cols []string) string { return strings.Join(cols, "、") }
