package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/interview"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// interviewWorld is a school with an expert who owns a project and a
// teacher on the team.
type interviewWorld struct {
	school         *space.Space
	owner, coder   *account.User
	project        *interview.Project
	outline        *interview.Outline
	recA, recB     *interview.Record
	growth, reflec *interview.Code
}

func newInterviewWorld(t *testing.T, db *store.DB) *interviewWorld {
	t.Helper()
	ctx := context.Background()
	w := &interviewWorld{}
	err := db.Tx(ctx, func(q *store.Q) error {
		w.school = &space.Space{Kind: space.Institution, Level: space.School, Name: "实验小学", Visibility: space.Public, CreatedAt: t0}
		if err := q.CreateSpace(ctx, w.school, ""); err != nil {
			return err
		}
		for _, p := range []struct {
			u    **account.User
			name string
			role account.Role
		}{{&w.owner, "expert", account.Expert}, {&w.coder, "teacher", account.Teacher}} {
			u := &account.User{Username: p.name, DisplayName: p.name, Role: p.role, InstitutionID: w.school.ID, CreatedAt: t0}
			if err := q.CreateUser(ctx, u, "hash"); err != nil {
				return err
			}
			*p.u = u
		}
		w.project = &interview.Project{OwnerID: w.owner.ID, InstitutionID: w.school.ID, Title: "共同体研究", CreatedAt: t0, UpdatedAt: t0}
		if err := q.CreateInterviewProject(ctx, w.project); err != nil {
			return err
		}
		if err := q.AddInterviewMember(ctx, w.project.ID, w.owner.ID, interview.RoleOwner, ms(t0)); err != nil {
			return err
		}
		if err := q.AddInterviewMember(ctx, w.project.ID, w.coder.ID, interview.RoleCoder, ms(t0)); err != nil {
			return err
		}
		w.outline = &interview.Outline{ProjectID: w.project.ID, Title: "教师访谈提纲", Intro: "说明",
			Questions: []interview.Question{{Text: "您参加共同体多久了？", Probes: []string{"怎么加入的？", "谁邀请的？"}}, {Text: "有什么收获？"}},
			CreatedBy: w.owner.ID, CreatedAt: t0, UpdatedAt: t0}
		if err := q.CreateInterviewOutline(ctx, w.outline); err != nil {
			return err
		}
		day := time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)
		w.recA = &interview.Record{ProjectID: w.project.ID, OutlineID: w.outline.ID, Pseudonym: "教师A", Gender: "female",
			YearsBand: "6_10", Location: "rural", Attributes: []interview.Attr{{Name: "学段", Value: "小学"}, {Name: "班主任", Value: "是"}},
			InterviewedOn: &day, Interviewer: "刘老师", Transcript: "问：收获？\n答：教学反思更深入了，同伴互助也多。",
			Audio: &interview.Audio{Key: "k", Name: "a.mp3", ContentType: "audio/mpeg", Size: 1234}, CreatedBy: w.owner.ID, CreatedAt: t0, UpdatedAt: t0}
		w.recB = &interview.Record{ProjectID: w.project.ID, Pseudonym: "教师B", Gender: "male", Transcript: "答：没时间。",
			CreatedBy: w.coder.ID, CreatedAt: t0, UpdatedAt: t0}
		for _, r := range []*interview.Record{w.recA, w.recB} {
			if err := q.CreateInterviewRecord(ctx, r); err != nil {
				return err
			}
		}
		w.growth = &interview.Code{ProjectID: w.project.ID, Name: "专业成长", Definition: "教师能力的变化", CreatedBy: w.owner.ID, CreatedAt: t0, UpdatedAt: t0}
		if err := q.CreateInterviewCode(ctx, w.growth); err != nil {
			return err
		}
		w.reflec = &interview.Code{ProjectID: w.project.ID, ParentID: w.growth.ID, Name: "教学反思", CreatedBy: w.coder.ID, CreatedAt: t0, UpdatedAt: t0}
		return q.CreateInterviewCode(ctx, w.reflec)
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestInterviewProjectsAndRecords(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newInterviewWorld(t, db)
		r := db.R()
		p, err := r.InterviewProjectByID(ctx, w.project.ID)
		if err != nil || p.OwnerName != "expert" || p.Institution != "实验小学" || p.Records != 2 || p.Codes != 2 || p.Segments != 0 {
			t.Fatalf("project %+v %v", p, err)
		}
		if _, err := r.InterviewProjectByID(ctx, 999); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("missing project: %v", err)
		}
		ps, total, err := r.InterviewProjectsOf(ctx, w.coder.ID, 10, 0)
		if err != nil || total != 1 || len(ps) != 1 || ps[0].ID != w.project.ID {
			t.Fatalf("projects of the coder: %v %d %v", ps, total, err)
		}
		if role, _ := r.InterviewMemberRole(ctx, w.project.ID, w.coder.ID); role != interview.RoleCoder {
			t.Fatalf("role %q", role)
		}
		if err := db.W().AddInterviewMember(ctx, w.project.ID, w.coder.ID, interview.RoleCoder, ms(t0)); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("second membership: %v", err)
		}
		ms_, err := r.InterviewMembers(ctx, w.project.ID)
		if err != nil || len(ms_) != 2 || ms_[0].Role != interview.RoleOwner {
			t.Fatalf("members %+v %v", ms_, err)
		}
		if ok, _ := db.W().RemoveInterviewMember(ctx, w.project.ID, w.owner.ID); ok {
			t.Fatal("the owner was removed")
		}

		o, err := r.InterviewOutlineByID(ctx, w.outline.ID)
		if err != nil || !reflect.DeepEqual(o.Questions, w.outline.Questions) {
			t.Fatalf("outline %+v %v", o, err)
		}
		o.Questions = []interview.Question{{Text: "新问题"}}
		o.UpdatedAt = t0.Add(time.Hour)
		if err := db.W().UpdateInterviewOutline(ctx, o); err != nil {
			t.Fatal(err)
		}
		if os, err := r.InterviewOutlines(ctx, w.project.ID); err != nil || len(os) != 1 || len(os[0].Questions) != 1 || os[0].Questions[0].Probes != nil {
			t.Fatalf("outlines after update %+v %v", os, err)
		}

		got, err := r.InterviewRecordByID(ctx, w.recA.ID)
		if err != nil {
			t.Fatal(err)
		}
		w.recA.Segments = 0
		if !reflect.DeepEqual(got, w.recA) {
			t.Fatalf("record read back\n%+v\nwant\n%+v", got, w.recA)
		}
		recs, err := r.InterviewRecords(ctx, w.project.ID)
		if err != nil || len(recs) != 2 || recs[0].Transcript != "" || len(recs[0].Attributes) != 2 || recs[1].Audio != nil {
			t.Fatalf("records %+v %v", recs, err)
		}
		w.recB.Pseudonym = "教师A"
		if err := db.W().UpdateInterviewRecord(ctx, w.recB); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("taken pseudonym: %v", err)
		} else if e, _ := apperr.As(err); e.Fields["pseudonym"].Key != "interview.error.pseudonym_taken" {
			t.Fatalf("field error %+v", e.Fields)
		}
		// Deleting the outline unlinks its records.
		if err := db.W().DeleteInterviewOutline(ctx, w.outline.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := r.InterviewRecordByID(ctx, w.recA.ID); got.OutlineID != 0 {
			t.Fatalf("record still follows a deleted outline: %d", got.OutlineID)
		}
	})
}

func TestInterviewCodingStore(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newInterviewWorld(t, db)
		r, wq := db.R(), db.W()
		dup := &interview.Code{ProjectID: w.project.ID, Name: "专业成长", CreatedBy: w.owner.ID, CreatedAt: t0, UpdatedAt: t0}
		if err := wq.CreateInterviewCode(ctx, dup); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("duplicate code name: %v", err)
		}
		peer := &interview.Code{ProjectID: w.project.ID, ParentID: w.growth.ID, Name: "同伴互助", CreatedBy: w.owner.ID, CreatedAt: t0, UpdatedAt: t0}
		if err := wq.CreateInterviewCode(ctx, peer); err != nil {
			t.Fatal(err)
		}
		seg := func(rec *interview.Record, code *interview.Code, start, end int, memo string) *interview.Segment {
			t.Helper()
			quote, _ := interview.Slice(rec.Transcript, start, end)
			s := &interview.Segment{ProjectID: w.project.ID, RecordID: rec.ID, CodeID: code.ID, Start: start, End: end, Quote: quote,
				Memo: memo, CoderID: w.coder.ID, CreatedAt: t0, UpdatedAt: t0}
			if err := wq.CreateInterviewSegment(ctx, s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		a1 := seg(w.recA, w.reflec, 8, 14, "反思")
		seg(w.recA, peer, 8, 14, "同伴")
		seg(w.recA, peer, 17, 21, "")
		seg(w.recB, w.growth, 2, 5, "")
		if err := wq.CreateInterviewSegment(ctx, &interview.Segment{ProjectID: w.project.ID, RecordID: w.recA.ID, CodeID: w.reflec.ID,
			Start: 8, End: 14, Quote: "x", CoderID: w.owner.ID, CreatedAt: t0, UpdatedAt: t0}); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("same passage, same code: %v", err)
		}
		got, err := r.InterviewSegmentByID(ctx, a1.ID)
		if err != nil || got.Quote != "教学反思更深" || got.CodeName != "教学反思" || got.Pseudonym != "教师A" || got.CoderName != "teacher" {
			t.Fatalf("segment %+v %v", got, err)
		}
		ss, err := r.InterviewSegmentsOfRecord(ctx, w.recA.ID)
		if err != nil || len(ss) != 3 || ss[2].Start != 17 {
			t.Fatalf("record's segments %+v %v", ss, err)
		}
		ss, total, err := r.InterviewSegmentsOfCodes(ctx, w.project.ID, []int64{w.growth.ID, w.reflec.ID}, 10, 0)
		if err != nil || total != 2 || len(ss) != 2 {
			t.Fatalf("segments of codes %d %v", total, err)
		}
		coded, err := r.InterviewCoded(ctx, w.project.ID)
		if err != nil || len(coded) != 4 {
			t.Fatalf("coded %v %v", coded, err)
		}

		// Merge 同伴互助 into 教学反思: one passage is already coded with
		// it, so that segment is dropped and its memo kept on the other.
		moved, dropped, err := wq.MergeInterviewCodes(ctx, peer.ID, w.reflec.ID, ms(t0))
		if err != nil || moved != 1 || dropped != 1 {
			t.Fatalf("merge: moved %d dropped %d %v", moved, dropped, err)
		}
		if got, _ := r.InterviewSegmentByID(ctx, a1.ID); got.Memo != "反思\n同伴" {
			t.Fatalf("memo after merge %q", got.Memo)
		}
		c, err := r.InterviewCodeByID(ctx, w.reflec.ID)
		if err != nil || c.Segments != 2 || c.ParentID != w.growth.ID {
			t.Fatalf("merged code %+v %v", c, err)
		}
		// Deleting the parent: its children move to the top first.
		if err := wq.ReparentInterviewCodes(ctx, w.growth.ID, 0, ms(t0)); err != nil {
			t.Fatal(err)
		}
		if err := wq.DeleteInterviewCode(ctx, w.growth.ID); err != nil {
			t.Fatal(err)
		}
		codes, err := r.InterviewCodes(ctx, w.project.ID)
		if err != nil || len(codes) != 2 || codes[0].ParentID != 0 {
			t.Fatalf("codes after delete %+v %v", codes, err)
		}
		if n, _ := r.CountInterviewSegments(ctx, w.recB.ID); n != 0 {
			t.Fatalf("segments of a deleted code remain: %d", n)
		}
		a1.Start, a1.End, a1.Stale, a1.UpdatedAt = 0, 2, true, t0
		if err := wq.UpdateInterviewSegment(ctx, a1); err != nil {
			t.Fatal(err)
		}
		if got, _ := r.InterviewSegmentByID(ctx, a1.ID); !got.Stale || got.Start != 0 {
			t.Fatalf("updated segment %+v", got)
		}
		// Deleting the project removes everything in it.
		if err := wq.DeleteInterviewProject(ctx, w.project.ID); err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"interview_members", "interview_outlines", "interview_records", "interview_record_attributes",
			"interview_codes", "interview_segments"} {
			var n int
			if err := r.QueryRowForTest(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil || n != 0 {
				t.Errorf("%s: %d rows after deleting the project (%v)", table, n, err)
			}
		}
	})
}
