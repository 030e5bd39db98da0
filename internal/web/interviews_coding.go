package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/interview"
	"github.com/yanxiu/yanxiu/internal/service"
)

// The coding view of a record: the transcript with its coded stretches
// marked, the player, the form that codes a passage (by a selection the
// script turns into offsets, or by the passage's text without JavaScript),
// and the record's segments with their memos.

// transcriptRun is a stretch of a transcript with the same segments over
// it; the coding view renders one element per run, so the page's text is
// exactly the transcript and a selection's offsets are offsets into it.
type transcriptRun struct {
	Text     string
	Codes    string // the names of the codes over the run, for its tooltip
	Segments string // their segment IDs, space-separated
	Depth    int    // how many segments overlap here
}

// transcriptRuns cuts a transcript at every boundary of its (not stale) segments.
func transcriptRuns(text string, segs []*interview.Segment) []transcriptRun {
	runes := []rune(text)
	n := len(runes)
	cuts := []int{0, n}
	for _, sg := range segs {
		if !sg.Stale && sg.Start >= 0 && sg.End <= n && sg.Start < sg.End {
			cuts = append(cuts, sg.Start, sg.End)
		}
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	var out []transcriptRun
	for i := 0; i+1 < len(cuts); i++ {
		a, b := cuts[i], cuts[i+1]
		run := transcriptRun{Text: string(runes[a:b])}
		var names, ids []string
		for _, sg := range segs {
			if !sg.Stale && sg.Start <= a && sg.End >= b {
				if !slices.Contains(names, sg.CodeName) {
					names = append(names, sg.CodeName)
				}
				ids = append(ids, strconv.FormatInt(sg.ID, 10))
			}
		}
		run.Codes, run.Segments, run.Depth = strings.Join(names, "、"), strings.Join(ids, " "), min(len(ids), 3)
		out = append(out, run)
	}
	return out
}

// segmentForm is the coding form's values as typed.
type segmentForm struct {
	CodeID     int64
	Start, End string
	Quote      string
	Occurrence string
	Memo       string
}

func readSegmentForm(r *http.Request) segmentForm {
	f := segmentForm{Start: strings.TrimSpace(r.PostFormValue("start")), End: strings.TrimSpace(r.PostFormValue("end")),
		Quote: r.PostFormValue("quote"), Occurrence: strings.TrimSpace(r.PostFormValue("occurrence")), Memo: r.PostFormValue("memo")}
	f.CodeID, _ = pathID(r.PostFormValue("code"))
	return f
}

func (f segmentForm) input() (service.SegmentInput, error) {
	in := service.SegmentInput{CodeID: f.CodeID, Memo: f.Memo, Selection: interview.Selection{Quote: f.Quote}}
	fe := apperr.Fields{}
	if f.Start != "" || f.End != "" {
		start, err1 := strconv.Atoi(f.Start)
		end, err2 := strconv.Atoi(f.End)
		if err1 != nil || err2 != nil {
			fe.Add("start", "interview.error.offsets_incomplete")
		}
		in.Selection.Start, in.Selection.End = &start, &end
	}
	if f.Occurrence != "" {
		n, err := strconv.Atoi(f.Occurrence)
		if err != nil || n < 1 || n > interview.MaxTranscript {
			fe.Add("occurrence", "form.out_of_range", "min", 1, "max", interview.MaxTranscript)
		}
		in.Selection.Occurrence = n
	}
	if f.CodeID == 0 {
		fe.Add("code", "interview.error.code_required")
	}
	return in, fe.Err()
}

// recordView is the coding view of one record.
type recordView struct {
	*interviewPage
	Record   *interview.Record
	Outline  *interview.Outline
	Runs     []transcriptRun
	Segments []*interview.Segment
	Stale    int
	Codes    []interview.Node
	Book     *interview.Book
	F        segmentForm
	AudioURL string
}

// MayRemove reports whether the viewer may remove a segment.
func (v *recordView) MayRemove(sg *interview.Segment) bool {
	return v.Access.Removes(v.User.ID, sg.CoderID)
}

// Span says where a segment is, counting characters from 1 as people do.
func (v *recordView) Span(sg *interview.Segment) string {
	return v.T("interview.segment.where", "start", sg.Start+1, "end", sg.End)
}

// MayDelete reports whether the viewer may delete the record.
func (v *recordView) MayDelete() bool { return v.Access.RecordRights(v.User.ID, v.Record).Delete }

// Indent pads a code's name by its depth in a select.
func (v *recordView) Indent(depth int) string { return strings.Repeat("　", depth) }

// CodePath names a code with its ancestors.
func (v *recordView) CodePath(id int64) string { return v.Book.Path(id) }

func (s *Server) recordPage(w http.ResponseWriter, r *http.Request, id int64, f segmentForm) (*recordView, bool) {
	u := currentUser(r)
	ctx := r.Context()
	rec, p, a, err := s.svc.InterviewRecord(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	segs, err := s.svc.InterviewSegments(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	book, err := s.svc.InterviewCodeBook(ctx, u, p.ID)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	v := &recordView{interviewPage: s.newInterviewPage(r, p, a, ""), Record: rec, Segments: segs, Runs: transcriptRuns(rec.Transcript, segs),
		Codes: book.Tree(), Book: book, F: f}
	v.Page.Title, v.Page.Path = rec.Pseudonym, interviewRecordPath(id)
	for _, sg := range segs {
		if sg.Stale {
			v.Stale++
		}
	}
	if rec.Audio != nil {
		v.AudioURL = interviewRecordPath(id) + "/audio"
	}
	if rec.OutlineID != 0 {
		if v.Outline, _, _, err = s.svc.InterviewOutline(ctx, u, rec.OutlineID); err != nil {
			s.fail(w, r, err)
			return nil, false
		}
	}
	return v, true
}

func (s *Server) showInterviewRecord(w http.ResponseWriter, r *http.Request) {
	_, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	f := segmentForm{}
	if c, ok := pathID(r.URL.Query().Get("code")); ok {
		f.CodeID = c // keep the last code chosen, for coding passage after passage
	}
	v, ok := s.recordPage(w, r, id, f)
	if !ok {
		return
	}
	s.takeFlash(w, r, v.Page)
	s.render(w, r, http.StatusOK, "interview_record", v)
}

func (s *Server) codeInterviewSegment(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	f := readSegmentForm(r)
	in, err := f.input()
	if err == nil {
		_, err = s.svc.CodeInterviewSegment(r.Context(), u, id, in)
	}
	if err == nil {
		s.flash(w, "interview.flash.coded")
		http.Redirect(w, r, interviewRecordPath(id)+"?code="+itoa(f.CodeID)+"#code-form", http.StatusSeeOther)
		return
	}
	if e, ok := apperr.As(err); !ok || e.Code != apperr.Invalid && e.Code != apperr.Conflict {
		s.fail(w, r, err)
		return
	}
	v, ok := s.recordPage(w, r, id, f)
	if !ok {
		return
	}
	status, _ := formErrors(v.Page, err)
	s.render(w, r, status, "interview_record", v)
}

func (s *Server) updateInterviewSegment(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	sg, err := s.svc.UpdateInterviewSegmentMemo(r.Context(), u, id, r.PostFormValue("memo"))
	if err != nil {
		if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid {
			s.renderError(w, r, http.StatusUnprocessableEntity, "interview.error.memo_too_long")
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.saved")
	http.Redirect(w, r, interviewRecordPath(sg.RecordID)+"#segment-"+itoa(sg.ID), http.StatusSeeOther)
}

func (s *Server) deleteInterviewSegment(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	sg, err := s.svc.DeleteInterviewSegment(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "interview.flash.uncoded")
	next := interviewRecordPath(sg.RecordID) + "#segments"
	if back := r.PostFormValue("back"); back == "code" {
		next = "/interview-codes/" + itoa(sg.CodeID)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
