package service_test

import (
	"bytes"
	"context"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/interview"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// research is a school world with a facilitator who owns a project, the
// school's teacher invited as a co-researcher, and one record.
type research struct {
	*world
	owner   *account.User
	admin   *account.User
	project *interview.Project
	record  *interview.Record
}

// transcript is Chinese with an emoji, which is one code point but two
// UTF-16 units, so that offsets counted in anything but code points fail.
const transcript = "问：您参加共同体多久了？\n答：两年了😀。一开始没时间，后来发现同伴互助很有用。\n问：收获呢？\n答：教学反思更深入了，同伴互助也多。"

func newResearch(t *testing.T, db *store.DB, blobs service.Blobs) *research {
	t.Helper()
	w := newWorld(t, db)
	if blobs != nil {
		w.svc = service.New(service.Options{DB: db, Blobs: blobs, Argon2: account.FastArgon2, Now: func() time.Time { return *w.now }})
	}
	ctx := context.Background()
	rs := &research{world: w}
	var err error
	rs.owner, err = w.svc.CreateUser(ctx, nil, service.NewUser{Username: "facilitator", Password: pw, Role: account.Facilitator,
		InstitutionID: w.school.ID, Profile: service.Profile{DisplayName: "刘芳"}})
	if err != nil {
		t.Fatal(err)
	}
	rs.admin, err = w.svc.CreateUser(ctx, nil, service.NewUser{Username: "root", Password: pw, Role: account.Admin})
	if err != nil {
		t.Fatal(err)
	}
	rs.project, err = w.svc.CreateInterviewProject(ctx, rs.owner, interview.ProjectInput{Title: "共同体参与研究", Description: "访谈"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.InviteInterviewMembers(ctx, rs.owner, rs.project.ID, []string{"teacher"}); err != nil {
		t.Fatal(err)
	}
	rs.record, err = w.svc.CreateInterviewRecord(ctx, rs.owner, rs.project.ID, interview.RecordInput{Pseudonym: "教师A",
		Gender: "female", YearsBand: "6_10", Location: "rural", Transcript: transcript}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func (rs *research) code(t *testing.T, by *account.User, name string, parent int64) *interview.Code {
	t.Helper()
	c, err := rs.svc.CreateInterviewCode(context.Background(), by, rs.project.ID, interview.CodeInput{Name: name, ParentID: parent})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (rs *research) segment(t *testing.T, by *account.User, rec int64, code int64, quote string, occurrence int) *interview.Segment {
	t.Helper()
	s, err := rs.svc.CodeInterviewSegment(context.Background(), by, rec, service.SegmentInput{CodeID: code,
		Selection: interview.Selection{Quote: quote, Occurrence: occurrence}})
	if err != nil {
		t.Fatalf("code %q: %v", quote, err)
	}
	return s
}

func wantInterviewField(t *testing.T, err error, field, key string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Fields[field].Key != key {
		t.Fatalf("error %v: field %s, want %s", err, field, key)
	}
}

func TestInterviewPermissions(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rs := newResearch(t, db, nil)
		svc, id := rs.svc, rs.project.ID
		_, err := svc.CreateInterviewProject(ctx, rs.teacher, interview.ProjectInput{Title: "x"})
		wantCode(t, err, apperr.Forbidden)
		_, err = svc.CreateInterviewProject(ctx, rs.owner, interview.ProjectInput{Title: " "})
		wantInterviewField(t, err, "title", "form.required")
		_, err = svc.CreateInterviewProject(ctx, nil, interview.ProjectInput{Title: "x"})
		wantCode(t, err, apperr.Unauthorized)

		// Outsiders, an administrator included, find nothing at all.
		code := rs.code(t, rs.owner, "专业成长", 0)
		seg := rs.segment(t, rs.owner, rs.record.ID, code.ID, "教学反思更深入了", 0)
		for _, who := range []*account.User{rs.stranger, rs.colleague, rs.admin, rs.schoolAdm} {
			_, _, err := svc.InterviewProject(ctx, who, id)
			wantCode(t, err, apperr.NotFound)
			_, _, _, err = svc.InterviewRecord(ctx, who, rs.record.ID)
			wantCode(t, err, apperr.NotFound)
			_, err = svc.InterviewRecords(ctx, who, id)
			wantCode(t, err, apperr.NotFound)
			_, _, _, err = svc.InterviewCode(ctx, who, code.ID)
			wantCode(t, err, apperr.NotFound)
			_, err = svc.InterviewSegments(ctx, who, rs.record.ID)
			wantCode(t, err, apperr.NotFound)
			_, err = svc.InterviewFrequencies(ctx, who, id, interview.ByGender)
			wantCode(t, err, apperr.NotFound)
			_, err = svc.ExportInterviewSegments(ctx, who, id)
			wantCode(t, err, apperr.NotFound)
			_, err = svc.CodeInterviewSegment(ctx, who, rs.record.ID, service.SegmentInput{CodeID: code.ID,
				Selection: interview.Selection{Quote: "同伴互助也多"}})
			wantCode(t, err, apperr.NotFound)
			_, err = svc.DeleteInterviewSegment(ctx, who, seg.ID)
			wantCode(t, err, apperr.NotFound)
			if ps, n, _ := svc.InterviewProjects(ctx, who, 10, 0); n != 0 || len(ps) != 0 {
				t.Fatalf("%s lists %d projects", who.Username, n)
			}
		}
		_, _, err = svc.InterviewProject(ctx, nil, id)
		wantCode(t, err, apperr.Unauthorized)

		// The invited teacher codes like anyone on the team.
		if _, a, err := svc.InterviewProject(ctx, rs.teacher, id); err != nil || a.Owner || a.Role != interview.RoleCoder {
			t.Fatalf("co-researcher's access %+v %v", a, err)
		}
		mine := rs.code(t, rs.teacher, "同伴互助", code.ID)
		theirs := rs.segment(t, rs.teacher, rs.record.ID, mine.ID, "同伴互助", 2)
		rec, err := svc.CreateInterviewRecord(ctx, rs.teacher, id, interview.RecordInput{Pseudonym: "教师B", Transcript: "答：好。"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		// But only the owner manages the project, and what others made
		// is removed only by its maker or the owner.
		_, err = svc.UpdateInterviewProject(ctx, rs.teacher, id, interview.ProjectInput{Title: "改名"})
		wantCode(t, err, apperr.Forbidden)
		_, err = svc.InviteInterviewMembers(ctx, rs.teacher, id, []string{"colleague"})
		wantCode(t, err, apperr.Forbidden)
		err = svc.DeleteInterviewProject(ctx, rs.teacher, id)
		wantCode(t, err, apperr.Forbidden)
		_, err = svc.DeleteInterviewSegment(ctx, rs.teacher, seg.ID)
		wantCode(t, err, apperr.Forbidden)
		_, err = svc.DeleteInterviewRecord(ctx, rs.teacher, rs.record.ID)
		wantCode(t, err, apperr.Forbidden)
		_, err = svc.DeleteInterviewCode(ctx, rs.teacher, code.ID)
		wantCode(t, err, apperr.Forbidden)
		if _, err := svc.DeleteInterviewSegment(ctx, rs.owner, theirs.ID); err != nil {
			t.Fatalf("owner removing a co-researcher's segment: %v", err)
		}
		if _, err := svc.DeleteInterviewRecord(ctx, rs.teacher, rec.ID); err != nil {
			t.Fatalf("maker removing a record: %v", err)
		}

		// Inviting: unknown names and members already there are field errors.
		_, err = svc.InviteInterviewMembers(ctx, rs.owner, id, []string{"nobody"})
		wantInterviewField(t, err, "usernames", "interview.error.unknown_user")
		_, err = svc.InviteInterviewMembers(ctx, rs.owner, id, []string{"@colleague，teacher"})
		wantInterviewField(t, err, "usernames", "interview.error.already_member_named")
		if ms, _ := svc.InterviewMembers(ctx, rs.owner, id); len(ms) != 2 {
			t.Fatalf("a failed invitation added someone: %d members", len(ms))
		}
		err = svc.RemoveInterviewMember(ctx, rs.owner, id, rs.owner.ID)
		wantCode(t, err, apperr.Conflict)
		err = svc.RemoveInterviewMember(ctx, rs.teacher, id, rs.owner.ID)
		wantCode(t, err, apperr.Forbidden)
		// Leaving ends access; what was coded stays.
		if err := svc.RemoveInterviewMember(ctx, rs.teacher, id, rs.teacher.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err = svc.InterviewProject(ctx, rs.teacher, id)
		wantCode(t, err, apperr.NotFound)
		if c, _, _, err := svc.InterviewCode(ctx, rs.owner, mine.ID); err != nil || c.CreatedBy != rs.teacher.ID {
			t.Fatalf("the leaver's code: %+v %v", c, err)
		}

		// Every change left an event, none of them in a space.
		evs, err := db.R().Events(ctx, store.EventFilter{ActorID: rs.teacher.ID, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, e := range evs {
			if strings.HasPrefix(e.ObjectType, "interview_") && e.SpaceID != 0 {
				t.Errorf("interview event %s/%s in space %d", e.Verb, e.ObjectType, e.SpaceID)
			}
			kinds[string(e.Verb)+"/"+e.ObjectType]++
		}
		for _, k := range []string{"created/interview_code", "created/interview_segment", "created/interview_record",
			"deleted/interview_record", "left/interview_project"} {
			if kinds[k] != 1 {
				t.Errorf("teacher's events: %s × %d (%v)", k, kinds[k], kinds)
			}
		}
		if err := svc.DeleteInterviewProject(ctx, rs.owner, id); err != nil {
			t.Fatal(err)
		}
		_, _, err = svc.InterviewProject(ctx, rs.owner, id)
		wantCode(t, err, apperr.NotFound)
	})
}

func TestInterviewCodingOffsets(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rs := newResearch(t, db, nil)
		svc := rs.svc
		c := rs.code(t, rs.owner, "同伴互助", 0)
		// By offsets, as the browser script sends them: code points, with
		// the selected text to confirm them. "同伴互助很有用" follows the emoji.
		start := strings.Index(transcript, "同伴互助很有用")
		cpStart := interview.Len(transcript[:start])
		s, err := svc.CodeInterviewSegment(ctx, rs.teacher, rs.record.ID, service.SegmentInput{CodeID: c.ID, Memo: "转变",
			Selection: interview.Selection{Start: &cpStart, End: cp(cpStart + 7), Quote: "同伴互助很有用"}})
		if err != nil || s.Quote != "同伴互助很有用" || s.Start != 31 || s.End != 38 || s.CoderName != "teacher" {
			t.Fatalf("by offsets: %+v %v", s, err)
		}
		// Offsets counted in UTF-16 units would be one further: refused.
		_, err = svc.CodeInterviewSegment(ctx, rs.teacher, rs.record.ID, service.SegmentInput{CodeID: c.ID,
			Selection: interview.Selection{Start: cp(cpStart + 1), End: cp(cpStart + 8), Quote: "同伴互助很有用"}})
		wantInterviewField(t, err, "quote", "interview.error.quote_mismatch")
		_, err = svc.CodeInterviewSegment(ctx, rs.teacher, rs.record.ID, service.SegmentInput{CodeID: c.ID,
			Selection: interview.Selection{Start: cp(0), End: cp(interview.Len(transcript) + 1)}})
		wantInterviewField(t, err, "start", "interview.error.offsets_out_of_range")
		// Without JavaScript: the quote alone, which must be unique or numbered.
		_, err = svc.CodeInterviewSegment(ctx, rs.teacher, rs.record.ID, service.SegmentInput{CodeID: c.ID,
			Selection: interview.Selection{Quote: "同伴互助"}})
		wantInterviewField(t, err, "occurrence", "interview.error.quote_ambiguous")
		second := rs.segment(t, rs.teacher, rs.record.ID, c.ID, "同伴互助", 2)
		if second.Start != interview.Len(transcript[:strings.LastIndex(transcript, "同伴互助")]) {
			t.Fatalf("second occurrence at %d", second.Start)
		}
		_, err = svc.CodeInterviewSegment(ctx, rs.teacher, rs.record.ID, service.SegmentInput{CodeID: c.ID,
			Selection: interview.Selection{Quote: "同伴互助", Occurrence: 2}})
		wantCode(t, err, apperr.Conflict)
		_, err = svc.CodeInterviewSegment(ctx, rs.teacher, rs.record.ID, service.SegmentInput{CodeID: c.ID,
			Selection: interview.Selection{Quote: "不在文中"}})
		wantInterviewField(t, err, "quote", "interview.error.quote_not_found")
		// A code of another project is no code here.
		other, err := svc.CreateInterviewProject(ctx, rs.owner, interview.ProjectInput{Title: "另一个"})
		if err != nil {
			t.Fatal(err)
		}
		foreign, err := svc.CreateInterviewCode(ctx, rs.owner, other.ID, interview.CodeInput{Name: "外"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.CodeInterviewSegment(ctx, rs.owner, rs.record.ID, service.SegmentInput{CodeID: foreign.ID,
			Selection: interview.Selection{Quote: "收获呢"}})
		wantInterviewField(t, err, "code", "interview.error.code_required")

		// Editing the transcript: segments follow their passages; one
		// whose passage is gone turns stale but stays.
		gone := rs.segment(t, rs.owner, rs.record.ID, c.ID, "一开始没时间", 0)
		edited := "问：请先介绍一下自己。\n答：我教数学。\n" + strings.Replace(transcript, "一开始没时间，", "", 1)
		in := interview.RecordInput{Pseudonym: "教师A", Gender: "female", Transcript: edited}
		_, stale, err := svc.UpdateInterviewRecord(ctx, rs.owner, rs.record.ID, service.RecordUpdate{Input: in})
		if err != nil || stale != 1 {
			t.Fatalf("update transcript: %d stale, %v", stale, err)
		}
		segs, err := svc.InterviewSegments(ctx, rs.owner, rs.record.ID)
		if err != nil || len(segs) != 3 {
			t.Fatalf("segments after the edit: %d %v", len(segs), err)
		}
		for _, sg := range segs {
			text, _ := interview.Slice(edited, sg.Start, sg.End)
			switch {
			case sg.ID == gone.ID && !sg.Stale:
				t.Errorf("segment of a deleted passage is not stale: %+v", sg)
			case sg.ID != gone.ID && (sg.Stale || text != sg.Quote):
				t.Errorf("segment %d did not follow its passage: %q at %d, quote %q", sg.ID, text, sg.Start, sg.Quote)
			}
		}
		// The memo is the coder's (or the owner's) to change.
		_, err = svc.UpdateInterviewSegmentMemo(ctx, rs.teacher, gone.ID, "x")
		wantCode(t, err, apperr.Forbidden)
		if sg, err := svc.UpdateInterviewSegmentMemo(ctx, rs.teacher, s.ID, "  重要\r\n转变 "); err != nil || sg.Memo != "重要\n转变" {
			t.Fatalf("memo %+v %v", sg, err)
		}
	})
}

// cp points at a code point offset.
func cp(n int) *int { return &n }

func TestInterviewMergeCodes(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rs := newResearch(t, db, nil)
		svc := rs.svc
		growth := rs.code(t, rs.owner, "专业成长", 0)
		peer := rs.code(t, rs.owner, "同伴互助", growth.ID)
		help := rs.code(t, rs.teacher, "互相帮助", 0)
		sub := rs.code(t, rs.teacher, "听课", help.ID)
		rs.segment(t, rs.owner, rs.record.ID, peer.ID, "同伴互助很有用", 0)
		rs.segment(t, rs.teacher, rs.record.ID, help.ID, "同伴互助很有用", 0)
		rs.segment(t, rs.teacher, rs.record.ID, help.ID, "同伴互助也多", 0)

		_, err := svc.MergeInterviewCode(ctx, rs.owner, growth.ID, peer.ID)
		wantInterviewField(t, err, "into", "interview.error.merge_into_descendant")
		// Renaming moves no segment.
		if c, err := svc.UpdateInterviewCode(ctx, rs.teacher, help.ID, interview.CodeInput{Name: "互助", Definition: "同事之间的帮助"}); err != nil || c.Segments != 2 {
			t.Fatalf("rename: %+v %v", c, err)
		}
		_, err = svc.UpdateInterviewCode(ctx, rs.owner, growth.ID, interview.CodeInput{Name: "专业成长", ParentID: peer.ID})
		wantInterviewField(t, err, "parent", "interview.error.code_cycle")
		_, err = svc.UpdateInterviewCode(ctx, rs.teacher, help.ID, interview.CodeInput{Name: "专业成长"})
		wantInterviewField(t, err, "name", "interview.error.code_exists")

		res, err := svc.MergeInterviewCode(ctx, rs.teacher, help.ID, peer.ID)
		if err != nil || res.Moved != 1 || res.Dropped != 1 || res.Into.ID != peer.ID {
			t.Fatalf("merge: %+v %v", res, err)
		}
		_, _, _, err = svc.InterviewCode(ctx, rs.owner, help.ID)
		wantCode(t, err, apperr.NotFound)
		book, err := svc.InterviewCodeBook(ctx, rs.owner, rs.project.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c, _ := book.Code(sub.ID); c.ParentID != peer.ID {
			t.Fatalf("the merged code's child sits under %d", c.ParentID)
		}
		if c, _ := book.Code(peer.ID); c.Segments != 2 {
			t.Fatalf("merged code has %d segments, want 2", c.Segments)
		}
		segs, total, err := svc.InterviewCodeSegments(ctx, rs.owner, growth.ID, 10, 0)
		if err != nil || total != 2 || len(segs) != 2 {
			t.Fatalf("segments under the parent: %d %v", total, err)
		}
		// Deleting a code lifts its children to its parent.
		if _, err := svc.DeleteInterviewCode(ctx, rs.owner, peer.ID); err != nil {
			t.Fatal(err)
		}
		book, _ = svc.InterviewCodeBook(ctx, rs.owner, rs.project.ID)
		if c, _ := book.Code(sub.ID); c.ParentID != growth.ID || book.Len() != 2 {
			t.Fatalf("after delete: parent %d, %d codes", c.ParentID, book.Len())
		}
	})
}

// TestInterviewFrequencies checks a cross-tab and its chi-square test
// against figures worked out by hand. Eight interviewees, four women and
// four men, and one more whose gender is not stated; "时间冲突" is coded
// for three women and one man (and the unstated one):
//
//	            has code   has not
//	female         3          1
//	male           1          3
//
// Every expected count is 4·4/8 = 2, so χ² = 4 · (1²/2) = 2 with 1 df and
// p = erfc(1) = 0.157299…; Yates' correction subtracts ½ from each |O−E| = 1,
// giving 4 · (½)²/2 = 0.5 and p = erfc(½); Fisher's exact p is the
// probability of the tables no likelier than this one, (1+16+16+1)/70.
// All four cells expect fewer than 5, which the test reports.
func TestInterviewFrequencies(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rs := newResearch(t, db, nil)
		svc, id := rs.svc, rs.project.ID
		barrier := rs.code(t, rs.owner, "参与障碍", 0)
		clash := rs.code(t, rs.owner, "时间冲突", barrier.ID)
		everyone := rs.code(t, rs.owner, "收获", 0)
		genders := []string{"female", "female", "female", "female", "male", "male", "male", "male", ""}
		withCode := []bool{true, true, true, false, true, false, false, false, true}
		for i, g := range genders {
			text := "答：收获很多。"
			if withCode[i] {
				text += "但是时间冲突，经常时间冲突。"
			}
			rec, err := svc.CreateInterviewRecord(ctx, rs.teacher, id, interview.RecordInput{Pseudonym: "T" + string(rune('1'+i)), Gender: g,
				Attributes: []interview.Attr{{Name: "学段", Value: []string{"小学", "初中"}[i%2]}}, Transcript: text}, nil)
			if err != nil {
				t.Fatal(err)
			}
			rs.segment(t, rs.teacher, rec.ID, everyone.ID, "收获很多", 0)
			if withCode[i] {
				rs.segment(t, rs.teacher, rec.ID, clash.ID, "时间冲突", 1)
				rs.segment(t, rs.teacher, rec.ID, clash.ID, "时间冲突", 2)
			}
		}
		// The setup record (教师A, female, no codes) makes five women:
		// 3 of 5 women have the code.
		fr, err := svc.InterviewFrequencies(ctx, rs.owner, id, interview.ByGender)
		if err != nil {
			t.Fatal(err)
		}
		if fr.Records != 10 || len(fr.Groups) != 3 || fr.Groups[0] != (interview.Group{Value: "male", Records: 4}) ||
			fr.Groups[1] != (interview.Group{Value: "female", Records: 5}) || fr.Groups[2] != (interview.Group{Value: "", Records: 1}) {
			t.Fatalf("groups %+v", fr.Groups)
		}
		// Rows in tree order: 参与障碍 (rolls up 时间冲突), 时间冲突, 收获.
		parent, child := fr.Rows[0], fr.Rows[1]
		if parent.Code.ID != barrier.ID || parent.OwnSegments != 0 || parent.Segments != 10 || parent.Records != 5 ||
			child.OwnSegments != 10 || child.Records != 5 {
			t.Fatalf("rolled-up row %+v, child %+v", parent, child)
		}
		if parent.ByGroup[0] != (interview.Cell{Records: 1, Segments: 2}) || parent.ByGroup[1] != (interview.Cell{Records: 3, Segments: 6}) ||
			parent.ByGroup[2] != (interview.Cell{Records: 1, Segments: 2}) {
			t.Fatalf("cells %+v", parent.ByGroup)
		}
		// With five women (3 yes, 2 no) the table is 3,2 / 1,3; check it
		// by hand too: N = 9, row totals 4 and 5, column totals 5 and 4.
		res := fr.Tests[0].Result
		if res == nil {
			t.Fatalf("no test: %+v", fr.Tests[0].Reason)
		}
		e := [][]float64{{4.0 * 4 / 9, 4.0 * 5 / 9}, {5.0 * 4 / 9, 5.0 * 5 / 9}} // rows: yes, no; columns: male, female
		obs := [][]float64{{1, 3}, {3, 2}}
		want := 0.0
		for i := range 2 {
			for j := range 2 {
				want += (obs[i][j] - e[i][j]) * (obs[i][j] - e[i][j]) / e[i][j]
			}
		}
		if res.N != 9 || res.DF != 1 || math.Abs(res.Statistic-want) > 1e-12 || len(res.Warnings) != 1 || res.FisherP == nil {
			t.Fatalf("test %+v, want χ² = %v", res, want)
		}

		// Without the setup record the table is the one in the comment.
		if _, err := svc.DeleteInterviewRecord(ctx, rs.owner, rs.record.ID); err != nil {
			t.Fatal(err)
		}
		fr, err = svc.InterviewFrequencies(ctx, rs.owner, id, interview.ByGender)
		if err != nil {
			t.Fatal(err)
		}
		res = fr.Tests[0].Result
		near := func(got, want float64) bool { return math.Abs(got-want) <= 1e-9*math.Abs(want) }
		if res.N != 8 || !near(res.Statistic, 2) || !near(res.P, math.Erfc(1)) || !near(res.Yates.Statistic, 0.5) ||
			!near(res.Yates.P, math.Erfc(0.5)) || !near(*res.FisherP, 34.0/70) {
			t.Fatalf("hand-computed test: χ² %v p %v, Yates %v p %v, Fisher %v", res.Statistic, res.P, res.Yates.Statistic, res.Yates.P, *res.FisherP)
		}
		if w := res.Warnings[0]; w.Code != "stats.warning.small_expected" || w.Params["cells"] != "4" || w.Params["percent"] != "100.0" ||
			w.Params["min"] != "2.00" {
			t.Fatalf("warning %+v", w)
		}
		if fr.Tests[2].Reason == nil || fr.Tests[2].Reason.Code != "stats.error.table_too_small" {
			t.Fatalf("a code every record has cannot be tested: %+v", fr.Tests[2])
		}
		// Grouping by a free attribute.
		fr, err = svc.InterviewFrequencies(ctx, rs.owner, id, interview.AttrPrefix+"学段")
		if err != nil || len(fr.Groups) != 2 || fr.Groups[0].Value != "初中" || fr.AttrNames[0] != "学段" {
			t.Fatalf("by attribute: %+v %v", fr, err)
		}
		_, err = svc.InterviewFrequencies(ctx, rs.owner, id, "salary")
		wantInterviewField(t, err, "by", "form.invalid_choice")
	})
}

func TestInterviewExport(t *testing.T) {
	db, _ := testkit.Engines()[0].Open(t)
	ctx := context.Background()
	rs := newResearch(t, db, nil)
	parent := rs.code(t, rs.owner, "专业成长", 0)
	c := rs.code(t, rs.owner, "教学反思", parent.ID)
	s := rs.segment(t, rs.owner, rs.record.ID, c.ID, "教学反思更深入了", 0)
	if _, err := rs.svc.UpdateInterviewSegmentMemo(ctx, rs.owner, s.ID, "=cmd|' /C calc'!A0"); err != nil {
		t.Fatal(err)
	}
	x, err := rs.svc.ExportInterviewSegments(ctx, rs.teacher, rs.project.ID)
	if err != nil {
		t.Fatal(err)
	}
	tr := func(key string, args ...any) string { return key }
	var buf bytes.Buffer
	if err := service.WriteInterviewCSV(&buf, x.SegmentTable(tr)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"\ufeffinterview.export.segment,", "教师A,gender.female,interview.years_band.6_10,,location.rural,",
		"专业成长 / 教学反思", "教学反思更深入了", "'=cmd"} {
		if !strings.Contains(out, want) {
			t.Errorf("CSV lacks %q:\n%s", want, out)
		}
	}
	buf.Reset()
	if err := service.WriteInterviewXLSX(&buf, x, tr); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(io.Reader(&buf))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("interview.export.sheet_segments")
	if err != nil || len(rows) != 2 || rows[1][1] != "教师A" {
		t.Fatalf("segments sheet %v %v", rows, err)
	}
	memo := rows[1][len(rows[0])-4]
	if memo != "=cmd|' /C calc'!A0" {
		t.Fatalf("memo cell %q", memo)
	}
	if fm, _ := f.GetCellFormula("interview.export.sheet_segments", "A2"); fm != "" {
		t.Fatalf("a formula in the workbook: %q", fm)
	}
	codes, err := f.GetRows("interview.export.sheet_codes")
	if err != nil || len(codes) != 3 || codes[2][1] != "专业成长 / 教学反思" || codes[2][4] != "1" {
		t.Fatalf("code book sheet %v %v", codes, err)
	}
}

// discardBlobs stores nothing, for uploads whose size is the point.
type discardBlobs struct{ saved int }

func (b *discardBlobs) Save(ctx context.Context, r io.Reader) (string, error) {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return "", err
	}
	b.saved++
	return strings.Repeat("a", 64), nil
}

func TestInterviewAudio(t *testing.T) {
	db, _ := testkit.Engines()[0].Open(t)
	ctx := context.Background()
	blobs := &discardBlobs{}
	rs := newResearch(t, db, blobs)
	svc, id := rs.svc, rs.project.ID
	mp3 := "ID3\x04\x00\x00\x00\x00\x00\x00" + strings.Repeat("\x00", 200)
	in := interview.RecordInput{Pseudonym: "教师C", Transcript: "答：有录音。"}
	rec, err := svc.CreateInterviewRecord(ctx, rs.owner, id, in, &service.Upload{Name: "../访谈C.mp3", Body: strings.NewReader(mp3)})
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := svc.InterviewAudio(ctx, rs.teacher, rec.ID)
	if err != nil || a.ContentType != "audio/mpeg" || a.Name != "访谈C.mp3" || a.Size != int64(len(mp3)) {
		t.Fatalf("audio %+v %v", a, err)
	}
	_, _, err = svc.InterviewAudio(ctx, rs.stranger, rec.ID)
	wantCode(t, err, apperr.NotFound)
	_, _, err = svc.InterviewAudio(ctx, rs.owner, rs.record.ID)
	wantCode(t, err, apperr.NotFound)
	in.Pseudonym = "教师D"
	_, err = svc.CreateInterviewRecord(ctx, rs.owner, id, in, &service.Upload{Name: "x.mp3", Body: strings.NewReader("<html>")})
	wantInterviewField(t, err, "audio", "interview.error.audio_unsupported")
	big := io.MultiReader(strings.NewReader("OggS"), io.LimitReader(zeros{}, interview.MaxAudioBytes))
	_, err = svc.CreateInterviewRecord(ctx, rs.owner, id, in, &service.Upload{Name: "big.ogg", Body: big})
	wantCode(t, err, apperr.TooLarge)
	if recs, _ := svc.InterviewRecords(ctx, rs.owner, id); len(recs) != 2 {
		t.Fatalf("refused uploads made records: %d", len(recs))
	}
	// Editing keeps the recording unless removed.
	up := service.RecordUpdate{Input: interview.RecordInput{Pseudonym: "教师C", Transcript: "答：有录音。"}}
	if r, _, err := svc.UpdateInterviewRecord(ctx, rs.owner, rec.ID, up); err != nil || r.Audio == nil {
		t.Fatalf("kept audio: %+v %v", r, err)
	}
	// A co-researcher may neither remove nor replace another member's
	// recording, and the refused replacement is never stored.
	up.RemoveAudio = true
	_, _, err = svc.UpdateInterviewRecord(ctx, rs.teacher, rec.ID, up)
	wantCode(t, err, apperr.Forbidden)
	saved := blobs.saved
	_, _, err = svc.UpdateInterviewRecord(ctx, rs.teacher, rec.ID, service.RecordUpdate{Input: up.Input,
		Audio: &service.Upload{Name: "y.mp3", Body: strings.NewReader(mp3)}})
	wantCode(t, err, apperr.Forbidden)
	if blobs.saved != saved {
		t.Fatal("a refused replacement was stored")
	}
	if a, _, err := svc.InterviewAudio(ctx, rs.owner, rec.ID); err != nil || a.Name != "访谈C.mp3" {
		t.Fatalf("audio after refused edits %+v %v", a, err)
	}
	if r, _, err := svc.UpdateInterviewRecord(ctx, rs.owner, rec.ID, up); err != nil || r.Audio != nil {
		t.Fatalf("removed audio: %+v %v", r, err)
	}
}

// TestInterviewEditOthersWork: what someone made is changed destructively
// only by its maker or the owner, as it is removed.
func TestInterviewEditOthersWork(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rs := newResearch(t, db, nil)
		svc, id := rs.svc, rs.project.ID
		// The owner's record: the teacher may fix its attributes but not
		// rewrite its transcript.
		in := interview.RecordInput{Pseudonym: "教师甲", Gender: "female", YearsBand: "6_10", Location: "rural", Transcript: transcript}
		if r, _, err := svc.UpdateInterviewRecord(ctx, rs.teacher, rs.record.ID, service.RecordUpdate{Input: in}); err != nil || r.Pseudonym != "教师甲" {
			t.Fatalf("co-researcher fixing a pseudonym: %+v %v", r, err)
		}
		in.Transcript = "答：没有。"
		_, _, err := svc.UpdateInterviewRecord(ctx, rs.teacher, rs.record.ID, service.RecordUpdate{Input: in})
		wantCode(t, err, apperr.Forbidden)
		if r, _, _, _ := svc.InterviewRecord(ctx, rs.owner, rs.record.ID); r.Transcript != transcript {
			t.Fatalf("transcript rewritten by a co-researcher: %q", r.Transcript)
		}
		// Codes: the definition is anyone's to improve; name and place are the maker's.
		growth := rs.code(t, rs.owner, "专业成长", 0)
		other := rs.code(t, rs.owner, "其他", 0)
		if _, err := svc.UpdateInterviewCode(ctx, rs.teacher, growth.ID, interview.CodeInput{Name: "专业成长", Definition: "教师的成长"}); err != nil {
			t.Fatalf("co-researcher defining a code: %v", err)
		}
		_, err = svc.UpdateInterviewCode(ctx, rs.teacher, growth.ID, interview.CodeInput{Name: "成长"})
		wantCode(t, err, apperr.Forbidden)
		_, err = svc.UpdateInterviewCode(ctx, rs.teacher, growth.ID, interview.CodeInput{Name: "专业成长", ParentID: other.ID})
		wantCode(t, err, apperr.Forbidden)
		if c, _, _, _ := svc.InterviewCode(ctx, rs.owner, growth.ID); c.Name != "专业成长" || c.ParentID != 0 {
			t.Fatalf("code changed by a co-researcher: %+v", c)
		}
		mine := rs.code(t, rs.teacher, "同伴", 0)
		if _, err := svc.UpdateInterviewCode(ctx, rs.teacher, mine.ID, interview.CodeInput{Name: "同伴互助", ParentID: growth.ID}); err != nil {
			t.Fatalf("maker renaming a code: %v", err)
		}
		if _, err := svc.UpdateInterviewCode(ctx, rs.owner, mine.ID, interview.CodeInput{Name: "互助"}); err != nil {
			t.Fatalf("owner renaming a code: %v", err)
		}
		// Outlines.
		o, err := svc.CreateInterviewOutline(ctx, rs.owner, id, interview.OutlineInput{Title: "提纲"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.UpdateInterviewOutline(ctx, rs.teacher, o.ID, interview.OutlineInput{Title: "改"})
		wantCode(t, err, apperr.Forbidden)
		if _, err := svc.UpdateInterviewOutline(ctx, rs.owner, o.ID, interview.OutlineInput{Title: "改"}); err != nil {
			t.Fatal(err)
		}
	})
}
