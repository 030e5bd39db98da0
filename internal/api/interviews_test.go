package api

import (
	"fmt"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// interviewTranscript holds an emoji (one code point, two UTF-16 units)
// before the passages the tests code, so offsets in any other unit fail.
const interviewTranscript = "问：收获？\n答：两年了😀，教学反思更深入了，同伴互助也多。同伴互助很重要。"

// exerciseInterviews calls every interview route once successfully:
// xiaozhang (a school administrator) runs a project with zhangwei on the team.
func (f *fixture) exerciseInterviews(t *testing.T) {
	t.Helper()
	p := decode[interviewProjectDetailDTO](t, f.post("xiaozhang", "/api/v1/interview-projects",
		map[string]any{"title": "共同体参与研究", "description": "访谈"}).want(t, 201))
	if p.Role != "owner" || len(p.Members) != 1 {
		t.Fatalf("new project %+v", p)
	}
	if _, err := f.svc.InviteInterviewMembers(t.Context(), f.schoolAdmin, p.ID, []string{"zhangwei"}); err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("/api/v1/interview-projects/%d", p.ID)
	mine := decode[list[interviewProjectDTO]](t, f.get("zhangwei", "/api/v1/interview-projects").want(t, 200))
	if mine.Total != 1 || mine.Items[0].Role != "coder" {
		t.Fatalf("projects of the co-researcher %+v", mine)
	}
	f.get("zhangwei", base).want(t, 200)
	rec := decode[interviewRecordDTO](t, f.post("zhangwei", base+"/records", map[string]any{"pseudonym": "教师A", "gender": "female",
		"years_band": "6_10", "location": "rural", "attributes": []map[string]string{{"name": "学段", "value": "小学"}},
		"interviewed_on": "2026-05-04", "interviewer": "张伟", "transcript": interviewTranscript}).want(t, 201))
	if rec.Transcript == nil || *rec.Transcript != interviewTranscript || rec.InterviewedOn == nil || *rec.InterviewedOn != "2026-05-04" {
		t.Fatalf("record %+v", rec)
	}
	recs := decode[list[interviewRecordDTO]](t, f.get("zhangwei", base+"/records").want(t, 200))
	if recs.Total != 1 || recs.Items[0].Transcript != nil || recs.Items[0].Attributes[0].Name != "学段" {
		t.Fatalf("records %+v", recs)
	}
	f.get("xiaozhang", fmt.Sprintf("/api/v1/interview-records/%d", rec.ID)).want(t, 200)
	parent := decode[interviewCodeDTO](t, f.post("zhangwei", base+"/codes", map[string]any{"name": "专业成长"}).want(t, 201))
	child := decode[interviewCodeDTO](t, f.post("zhangwei", base+"/codes", map[string]any{"name": "反思", "parent_id": parent.ID,
		"definition": "对教学的反思"}).want(t, 201))
	if child.Path != "专业成长 / 反思" || child.Depth != 1 {
		t.Fatalf("child code %+v", child)
	}
	child = decode[interviewCodeDTO](t, f.patch("zhangwei", fmt.Sprintf("/api/v1/interview-codes/%d", child.ID),
		map[string]any{"name": "教学反思"}).want(t, 200))
	if child.Name != "教学反思" || child.Definition != "对教学的反思" || *child.ParentID != parent.ID {
		t.Fatalf("renamed code %+v", child)
	}
	codes := decode[list[interviewCodeDTO]](t, f.get("zhangwei", base+"/codes").want(t, 200))
	if codes.Total != 2 || codes.Items[1].ID != child.ID {
		t.Fatalf("code book %+v", codes)
	}
	// Offsets in code points, confirmed by the quote.
	start := len([]rune(interviewTranscript[:strings.Index(interviewTranscript, "教学反思")]))
	segURL := fmt.Sprintf("/api/v1/interview-records/%d/segments", rec.ID)
	seg := decode[interviewSegmentDTO](t, f.post("zhangwei", segURL, map[string]any{"code_id": child.ID, "start": start,
		"end": start + 4, "quote": "教学反思", "memo": "反思"}).want(t, 201))
	if seg.Start != 13 || seg.End != 17 || seg.Quote != "教学反思" || seg.CoderName != "张伟" {
		t.Fatalf("segment %+v", seg)
	}
	peer := decode[interviewCodeDTO](t, f.post("xiaozhang", base+"/codes", map[string]any{"name": "同伴"}).want(t, 201))
	decode[interviewSegmentDTO](t, f.post("xiaozhang", segURL, map[string]any{"code_id": peer.ID, "quote": "同伴互助", "occurrence": 2}).want(t, 201))
	segs := decode[list[interviewSegmentDTO]](t, f.get("zhangwei", segURL).want(t, 200))
	if segs.Total != 2 || segs.Items[0].ID != seg.ID {
		t.Fatalf("segments %+v", segs)
	}
	fr := decode[frequenciesDTO](t, f.get("zhangwei", base+"/frequencies?by=gender").want(t, 200))
	if fr.Records != 1 || len(fr.Rows) != 3 || fr.Rows[0].Segments != 1 || fr.Rows[0].NoTest == nil || fr.Rows[0].Test != nil {
		t.Fatalf("frequencies %+v", fr)
	}
	merged := decode[interviewMergeDTO](t, f.post("xiaozhang", fmt.Sprintf("/api/v1/interview-codes/%d/merge", peer.ID),
		map[string]any{"into_id": child.ID}).want(t, 200))
	if merged.Moved != 1 || merged.Into.ID != child.ID || merged.Into.Segments != 2 {
		t.Fatalf("merge %+v", merged)
	}
	f.del("zhangwei", fmt.Sprintf("/api/v1/interview-segments/%d", seg.ID)).want(t, 204)
}

// junkInterviews makes a project with lina on its team, for the junk
// requests of TestNoInputProducesAServerError, and returns the IDs of its
// resources by the first segment of their paths.
func (f *fixture) junkInterviews(t *testing.T) map[string]string {
	t.Helper()
	p := decode[interviewProjectDetailDTO](t, f.post("xiaozhang", "/api/v1/interview-projects", map[string]any{"title": "杂项研究"}).want(t, 201))
	if _, err := f.svc.InviteInterviewMembers(t.Context(), f.schoolAdmin, p.ID, []string{"lina"}); err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("/api/v1/interview-projects/%d", p.ID)
	rec := decode[interviewRecordDTO](t, f.post("xiaozhang", base+"/records", map[string]any{"pseudonym": "甲", "transcript": interviewTranscript}).want(t, 201))
	code := decode[interviewCodeDTO](t, f.post("xiaozhang", base+"/codes", map[string]any{"name": "杂项"}).want(t, 201))
	seg := decode[interviewSegmentDTO](t, f.post("xiaozhang", fmt.Sprintf("/api/v1/interview-records/%d/segments", rec.ID),
		map[string]any{"code_id": code.ID, "quote": "教学反思"}).want(t, 201))
	return map[string]string{"interview-projects": fmt.Sprint(p.ID), "interview-records": fmt.Sprint(rec.ID),
		"interview-codes": fmt.Sprint(code.ID), "interview-segments": fmt.Sprint(seg.ID)}
}

func TestInterviewAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.exerciseInterviews(t)
		owned := decode[list[interviewProjectDTO]](t, f.get("xiaozhang", "/api/v1/interview-projects").want(t, 200))
		id := owned.Items[0].ID
		base := fmt.Sprintf("/api/v1/interview-projects/%d", id)
		// Teachers do not start projects; outsiders, an administrator
		// included, find nothing.
		f.post("lina", "/api/v1/interview-projects", map[string]any{"title": "x"}).want(t, 403)
		for _, who := range []string{"lina", "chenjing", "admin", "quadmin"} {
			f.get(who, base).want(t, 404)
			f.get(who, base+"/records").want(t, 404)
			f.get(who, base+"/frequencies").want(t, 404)
			f.post(who, base+"/codes", map[string]any{"name": "外"}).want(t, 404)
		}
		if n := decode[list[interviewProjectDTO]](t, f.get("lina", "/api/v1/interview-projects").want(t, 200)).Total; n != 0 {
			t.Fatalf("an outsider lists %d projects", n)
		}
		recs := decode[list[interviewRecordDTO]](t, f.get("zhangwei", base+"/records").want(t, 200))
		segURL := fmt.Sprintf("/api/v1/interview-records/%d/segments", recs.Items[0].ID)
		codes := decode[list[interviewCodeDTO]](t, f.get("zhangwei", base+"/codes").want(t, 200))
		code := codes.Items[0].ID
		// Field errors under the API's names.
		wantField(t, f.post("zhangwei", segURL, map[string]any{"code_id": 99999, "quote": "教学"}), 400, "code_id", "")
		wantField(t, f.post("zhangwei", segURL, map[string]any{"code_id": code, "quote": "同伴互助"}), 400, "occurrence", "")
		wantField(t, f.post("zhangwei", segURL, map[string]any{"code_id": code, "start": 16, "end": 20, "quote": "教学反思"}), 400, "quote", "")
		wantField(t, f.post("zhangwei", segURL, map[string]any{"code_id": code, "start": 0, "end": 999}), 400, "start", "")
		wantField(t, f.post("zhangwei", base+"/codes", map[string]any{"name": "专业成长"}), 409, "name", "")
		wantField(t, f.post("zhangwei", base+"/codes", map[string]any{"name": "新", "parent_id": 99999}), 400, "parent_id", "")
		wantField(t, f.post("zhangwei", base+"/records", map[string]any{"pseudonym": "教师A"}), 409, "pseudonym", "")
		wantField(t, f.post("zhangwei", base+"/records", map[string]any{"pseudonym": "B", "interviewed_on": "明天"}), 400, "interviewed_on", "")
		wantField(t, f.post("zhangwei", base+"/records", map[string]any{"pseudonym": "C", "attributes": []map[string]string{{"name": "a\x00", "value": "b"}}}),
			400, "attributes", "")
		wantField(t, f.get("zhangwei", base+"/frequencies?by=salary"), 400, "by", "")
		wantField(t, f.post("zhangwei", fmt.Sprintf("/api/v1/interview-codes/%d/merge", code), map[string]any{"into_id": codes.Items[1].ID}),
			400, "into_id", "")
		// A co-researcher does not remove the owner's segment.
		segs := decode[list[interviewSegmentDTO]](t, f.get("zhangwei", segURL).want(t, 200))
		f.del("zhangwei", fmt.Sprintf("/api/v1/interview-segments/%d", segs.Items[0].ID)).want(t, 403)
	})
}
