package api

import (
	"net/http"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/interview"
	"github.com/yanxiu/yanxiu/internal/service"
)

// Interview research: projects, records, the code book, coded segments and
// code frequencies. A project is visible to its team only; to anyone else
// it and everything in it is not found. Outlines, recordings and exports
// are served by the web pages.

// listInterviewProjects answers GET /interview-projects: the caller's projects.
func (a *API) listInterviewProjects(w http.ResponseWriter, r *http.Request, me *account.User) {
	q := newQuery(r)
	limit, offset := q.page()
	if err := q.err(); err != nil {
		a.writeError(w, r, err)
		return
	}
	ps, total, err := a.svc.InterviewProjects(r.Context(), me, limit, offset)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := list[interviewProjectDTO]{Items: []interviewProjectDTO{}, Total: total}
	for _, p := range ps {
		role := interview.RoleCoder
		if p.OwnerID == me.ID {
			role = interview.RoleOwner
		}
		out.Items = append(out.Items, newInterviewProject(p, role))
	}
	a.writeJSON(w, http.StatusOK, out)
}

// createInterviewProject answers POST /interview-projects: a researcher
// (anyone but a teacher) starts a project and owns it.
func (a *API) createInterviewProject(w http.ResponseWriter, r *http.Request, me *account.User) {
	var body interviewProjectCreate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	p, err := a.svc.CreateInterviewProject(r.Context(), me, interview.ProjectInput{Title: body.Title, Description: body.Description})
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.answerInterviewProject(w, r, me, p.ID, http.StatusCreated)
}

// showInterviewProject answers GET /interview-projects/{id} with the team.
func (a *API) showInterviewProject(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.answerInterviewProject(w, r, me, id, http.StatusOK)
}

func (a *API) answerInterviewProject(w http.ResponseWriter, r *http.Request, me *account.User, id int64, status int) {
	p, acc, err := a.svc.InterviewProject(r.Context(), me, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	ms, err := a.svc.InterviewMembers(r.Context(), me, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := interviewProjectDetailDTO{interviewProjectDTO: newInterviewProject(p, acc.Role), Members: []interviewMemberDTO{}}
	for _, m := range ms {
		out.Members = append(out.Members, interviewMemberDTO{UserID: m.UserID, Username: m.Username, DisplayName: m.Name, Role: m.Role,
			AddedAt: m.AddedAt.UTC()})
	}
	a.writeJSON(w, status, out)
}

// listInterviewRecords answers GET /interview-projects/{id}/records, without transcripts.
func (a *API) listInterviewRecords(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	recs, err := a.svc.InterviewRecords(r.Context(), me, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, newList(recs, len(recs), func(rec *interview.Record) interviewRecordDTO {
		return newInterviewRecord(rec, false)
	}))
}

// createInterviewRecord answers POST /interview-projects/{id}/records.
func (a *API) createInterviewRecord(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body interviewRecordCreate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	in, err := body.input()
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	rec, err := a.svc.CreateInterviewRecord(r.Context(), me, id, in, nil)
	if err != nil {
		a.writeError(w, r, interviewFields(err))
		return
	}
	a.writeJSON(w, http.StatusCreated, newInterviewRecord(rec, true))
}

// showInterviewRecord answers GET /interview-records/{id} with the transcript.
func (a *API) showInterviewRecord(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	rec, _, _, err := a.svc.InterviewRecord(r.Context(), me, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, newInterviewRecord(rec, true))
}

// listInterviewCodes answers GET /interview-projects/{id}/codes: the code
// book in tree order, each code after its parent.
func (a *API) listInterviewCodes(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	book, err := a.svc.InterviewCodeBook(r.Context(), me, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := list[interviewCodeDTO]{Items: []interviewCodeDTO{}, Total: book.Len()}
	for _, n := range book.Tree() {
		out.Items = append(out.Items, newInterviewCode(n.Code, book))
	}
	a.writeJSON(w, http.StatusOK, out)
}

// answerInterviewCode answers with a code as its code book places it.
func (a *API) answerInterviewCode(w http.ResponseWriter, r *http.Request, me *account.User, c *interview.Code, status int) {
	book, err := a.svc.InterviewCodeBook(r.Context(), me, c.ProjectID)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if fresh, ok := book.Code(c.ID); ok {
		c = fresh
	}
	a.writeJSON(w, status, newInterviewCode(c, book))
}

// createInterviewCode answers POST /interview-projects/{id}/codes.
func (a *API) createInterviewCode(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body interviewCodeCreate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	c, err := a.svc.CreateInterviewCode(r.Context(), me, id, interview.CodeInput{Name: body.Name, Definition: body.Definition,
		Example: body.Example, ParentID: body.ParentID})
	if err != nil {
		a.writeError(w, r, interviewFields(err))
		return
	}
	a.answerInterviewCode(w, r, me, c, http.StatusCreated)
}

// updateInterviewCode answers PATCH /interview-codes/{id}: rename, redefine
// or move a code; its segments keep it.
func (a *API) updateInterviewCode(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body interviewCodeUpdate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	cur, _, _, err := a.svc.InterviewCode(r.Context(), me, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	in := interview.CodeInput{Name: cur.Name, Definition: cur.Definition, Example: cur.Example, ParentID: cur.ParentID}
	for _, f := range []struct {
		dst *string
		src *string
	}{{&in.Name, body.Name}, {&in.Definition, body.Definition}, {&in.Example, body.Example}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if body.ParentID != nil {
		in.ParentID = *body.ParentID
	}
	c, err := a.svc.UpdateInterviewCode(r.Context(), me, id, in)
	if err != nil {
		a.writeError(w, r, interviewFields(err))
		return
	}
	a.answerInterviewCode(w, r, me, c, http.StatusOK)
}

// mergeInterviewCode answers POST /interview-codes/{id}/merge: the code's
// segments and children move to into_id, and the code is deleted.
func (a *API) mergeInterviewCode(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body interviewCodeMerge
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	res, err := a.svc.MergeInterviewCode(r.Context(), me, id, body.IntoID)
	if err != nil {
		a.writeError(w, r, interviewFields(err))
		return
	}
	book, err := a.svc.InterviewCodeBook(r.Context(), me, res.Into.ProjectID)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	into, _ := book.Code(res.Into.ID)
	a.writeJSON(w, http.StatusOK, interviewMergeDTO{Into: newInterviewCode(into, book), Moved: res.Moved, Dropped: res.Dropped})
}

// listInterviewSegments answers GET /interview-records/{id}/segments in transcript order.
func (a *API) listInterviewSegments(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	segs, err := a.svc.InterviewSegments(r.Context(), me, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, newList(segs, len(segs), newInterviewSegment))
}

// createInterviewSegment answers POST /interview-records/{id}/segments: code a passage.
func (a *API) createInterviewSegment(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body interviewSegmentCreate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	s, err := a.svc.CodeInterviewSegment(r.Context(), me, id, service.SegmentInput{CodeID: body.CodeID, Memo: body.Memo,
		Selection: interview.Selection{Start: body.Start, End: body.End, Quote: body.Quote, Occurrence: body.Occurrence}})
	if err != nil {
		a.writeError(w, r, interviewFields(err))
		return
	}
	a.writeJSON(w, http.StatusCreated, newInterviewSegment(s))
}

// deleteInterviewSegment answers DELETE /interview-segments/{id}: uncode a
// passage (its coder or the project's owner).
func (a *API) deleteInterviewSegment(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if _, err := a.svc.DeleteInterviewSegment(r.Context(), me, id); err != nil {
		a.writeError(w, r, err)
		return
	}
	noContent(w)
}

// showInterviewFrequencies answers GET /interview-projects/{id}/frequencies?by=G.
func (a *API) showInterviewFrequencies(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	q := newQuery(r)
	by := q.str("by", 40)
	if by == "" {
		by = interview.ByGender
	}
	if err := q.err(); err != nil {
		a.writeError(w, r, err)
		return
	}
	fr, err := a.svc.InterviewFrequencies(r.Context(), me, id, by)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, a.newFrequencies(fr, lang(r)))
}
