package api

import (
	"fmt"
	"testing"

	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestInterviewAPIForbidden checks the documented 403 answers of the
// interview routes: a co-researcher may redefine another member's code but
// not rename, move or merge it, nor remove their segment; a teacher may not
// start a project.
func TestInterviewAPIForbidden(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		p := decode[interviewProjectDetailDTO](t, f.post("xiaozhang", "/api/v1/interview-projects", map[string]any{"title": "权限研究"}).want(t, 201))
		if _, err := f.svc.InviteInterviewMembers(t.Context(), f.schoolAdmin, p.ID, []string{"zhangwei"}); err != nil {
			t.Fatal(err)
		}
		base := fmt.Sprintf("/api/v1/interview-projects/%d", p.ID)
		owners := decode[interviewCodeDTO](t, f.post("xiaozhang", base+"/codes", map[string]any{"name": "同伴"}).want(t, 201))
		mine := decode[interviewCodeDTO](t, f.post("zhangwei", base+"/codes", map[string]any{"name": "反思"}).want(t, 201))
		rec := decode[interviewRecordDTO](t, f.post("xiaozhang", base+"/records", map[string]any{"pseudonym": "甲",
			"transcript": interviewTranscript}).want(t, 201))
		seg := decode[interviewSegmentDTO](t, f.post("xiaozhang", fmt.Sprintf("/api/v1/interview-records/%d/segments", rec.ID),
			map[string]any{"code_id": owners.ID, "quote": "教学反思"}).want(t, 201))
		code := fmt.Sprintf("/api/v1/interview-codes/%d", owners.ID)

		f.patch("zhangwei", code, map[string]any{"name": "同伴互助"}).want(t, 403)
		f.patch("zhangwei", code, map[string]any{"parent_id": mine.ID}).want(t, 403)
		got := decode[interviewCodeDTO](t, f.patch("zhangwei", code, map[string]any{"definition": "同事之间的帮助"}).want(t, 200))
		if got.Name != "同伴" || got.Definition != "同事之间的帮助" {
			t.Errorf("redefined code %+v", got)
		}
		f.post("zhangwei", code+"/merge", map[string]any{"into_id": mine.ID}).want(t, 403)
		f.del("zhangwei", fmt.Sprintf("/api/v1/interview-segments/%d", seg.ID)).want(t, 403)
		f.post("lina", "/api/v1/interview-projects", map[string]any{"title": "x"}).want(t, 403)
		// The owner may do all of it.
		f.patch("xiaozhang", code, map[string]any{"name": "同伴互助"}).want(t, 200)
		f.del("xiaozhang", fmt.Sprintf("/api/v1/interview-segments/%d", seg.ID)).want(t, 204)
		for op, status := range map[string]int{"updateInterviewCode": 403, "mergeInterviewCode": 403, "deleteInterviewSegment": 403,
			"createInterviewProject": 403} {
			if !f.answered[op][status] {
				t.Errorf("%s: the %d answer was not checked against the document", op, status)
			}
		}
	})
}
