package api

import (
	"fmt"
	"testing"

	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// lessonPlan creates a public lesson plan of lina's with two revisions and
// answers it with the IDs of both.
func (f *fixture) lessonPlan(t *testing.T) (doc resourceDetailDTO, first, second int64) {
	t.Helper()
	doc = decode[resourceDetailDTO](t, f.post("lina", "/api/v1/resources", map[string]any{"kind": "document",
		"title": "分数的初步认识", "doc_type": "lesson_plan", "visibility": "public",
		"sections": map[string]string{"objectives": "认识几分之一\n会读写分数", "process": "导入"}}).want(t, 201))
	rev := decode[revisionDTO](t, f.post("lina", fmt.Sprintf("/api/v1/resources/%d/revisions", doc.ID), map[string]any{
		"base_id": doc.Revision.ID, "title": "分数的初步认识", "sections": map[string]string{
			"objectives": "认识几分之一\n会比较分数大小", "process": "导入"}}).want(t, 201))
	return doc, doc.Revision.ID, rev.ID
}

// exerciseResourceReviews calls the review, history and social routes of
// resources once successfully each.
func (f *fixture) exerciseResourceReviews(t *testing.T) {
	doc, first, second := f.lessonPlan(t)
	res := fmt.Sprintf("/api/v1/resources/%d", doc.ID)

	d := decode[revisionDiffDTO](t, f.get("chenjing", fmt.Sprintf("%s/diff?from=%d&to=%d", res, first, second)).want(t, 200))
	if d.From.Number != 1 || d.To.Number != 2 || len(d.Sections) != 5 || d.Sections[0].Key != "objectives" {
		t.Fatalf("diff %+v", d)
	}
	want := []diffHunkDTO{{Op: "equal", Lines: []string{"认识几分之一"}}, {Op: "delete", Lines: []string{"会读写分数"}},
		{Op: "insert", Lines: []string{"会比较分数大小"}}}
	if got := d.Sections[0]; !got.Changed || fmt.Sprint(got.Hunks) != fmt.Sprint(want) {
		t.Errorf("objectives diff %+v, want %+v", got, want)
	}
	if d.Sections[1].Changed {
		t.Errorf("an unchanged section is marked changed: %+v", d.Sections[1])
	}

	back := decode[revisionDTO](t, f.post("lina", res+"/revert", map[string]any{"revision_id": first, "base_id": second}).want(t, 201))
	if back.Number != 3 || back.Note != "恢复到第 1 版" || back.Sections[0].Text != "认识几分之一\n会读写分数" {
		t.Errorf("revert answered %+v", back)
	}

	f.call(request{method: "PUT", path: res + "/rating", as: "zhangwei", body: map[string]any{"stars": 4}}).want(t, 204)
	f.post("zhangwei", res+"/favourite", nil).want(t, 204)
	f.del("zhangwei", res+"/favourite").want(t, 204)
	c := decode[resourceCommentDTO](t, f.post("zhangwei", res+"/comments", map[string]any{"body": "**好**设计"}).want(t, 201))
	cl := decode[list[resourceCommentDTO]](t, f.get("chenjing", res+"/comments").want(t, 200))
	if cl.Total != 1 || cl.Items[0].ID != c.ID || cl.Items[0].Author.ID != f.teacher.ID || cl.Items[0].BodyHTML == "" {
		t.Errorf("comments %+v", cl)
	}

	toSchool := decode[reviewDTO](t, f.post("lina", res+"/recommend", map[string]any{"institution_id": f.school.ID,
		"note": "请审阅"}).want(t, 201))
	if toSchool.Status != "pending" || toSchool.Resource.ID != doc.ID || toSchool.Institution.ID != f.school.ID ||
		toSchool.Reviewer != nil || toSchool.RecommendedBy.ID != f.colleague.ID {
		t.Errorf("recommendation %+v", toSchool)
	}
	toDistrict := decode[reviewDTO](t, f.post("lina", res+"/recommend", map[string]any{"institution_id": f.district.ID}).want(t, 201))
	q := decode[list[reviewDTO]](t, f.get("xiaozhang", "/api/v1/reviews").want(t, 200))
	if q.Total != 1 || q.Items[0].ID != toSchool.ID {
		t.Errorf("the school's queue %+v", q)
	}
	f.post("xiaozhang", fmt.Sprintf("/api/v1/reviews/%d/approve", toSchool.ID), nil).want(t, 204)
	f.post("quadmin", fmt.Sprintf("/api/v1/reviews/%d/return", toDistrict.ID), map[string]any{"comments": "请补充课后反思"}).want(t, 204)
	decided := decode[list[reviewDTO]](t, f.get("quadmin", "/api/v1/reviews?status=decided").want(t, 200))
	if decided.Total != 2 || decided.Items[0].Reviewer == nil || decided.Items[0].DecidedAt == nil {
		t.Errorf("decided %+v", decided)
	}
	if got := decode[resourceDetailDTO](t, f.get("lina", res).want(t, 200)); !got.Featured {
		t.Errorf("an approved resource is not featured: %+v", got)
	}
}

// TestResourceReviewAPIRefusals covers who may not do what, and the
// conflict answers.
func TestResourceReviewAPIRefusals(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		doc, first, second := f.lessonPlan(t)
		res := fmt.Sprintf("/api/v1/resources/%d", doc.ID)

		// Recommending: the owner only (or the community's host).
		f.post("zhangwei", res+"/recommend", map[string]any{"institution_id": f.school.ID}).want(t, 403)
		wantField(t, f.post("lina", res+"/recommend", map[string]any{"institution_id": f.otherSchool.ID}), 400, "institution_id", "")
		rv := decode[reviewDTO](t, f.post("lina", res+"/recommend", map[string]any{"institution_id": f.school.ID}).want(t, 201))
		f.post("lina", res+"/recommend", map[string]any{"institution_id": f.school.ID}).want(t, 409)

		// Deciding: reviewers of the institution only.
		f.get("zhangwei", "/api/v1/reviews").want(t, 403)
		wantField(t, f.get("xiaozhang", "/api/v1/reviews?status=open"), 400, "status", "")
		f.post("zhangwei", fmt.Sprintf("/api/v1/reviews/%d/approve", rv.ID), nil).want(t, 403)
		f.post("lina", fmt.Sprintf("/api/v1/reviews/%d/approve", rv.ID), nil).want(t, 403)
		f.post("chenjing", fmt.Sprintf("/api/v1/reviews/%d/return", rv.ID), map[string]any{"comments": "x"}).want(t, 403)
		wantField(t, f.post("xiaozhang", fmt.Sprintf("/api/v1/reviews/%d/return", rv.ID), map[string]any{}), 400, "comments", "")
		f.post("xiaozhang", "/api/v1/reviews/99999/approve", nil).want(t, 404)
		f.post("xiaozhang", fmt.Sprintf("/api/v1/reviews/%d/approve", rv.ID), nil).want(t, 204)
		f.post("quadmin", fmt.Sprintf("/api/v1/reviews/%d/return", rv.ID), map[string]any{"comments": "晚了"}).want(t, 409)

		// Rating one's own resource.
		f.call(request{method: "PUT", path: res + "/rating", as: "lina", body: map[string]any{"stars": 5}}).want(t, 403)
		wantField(t, f.call(request{method: "PUT", path: res + "/rating", as: "zhangwei", body: map[string]any{"stars": 6}}), 400, "stars", "")
		wantField(t, f.post("zhangwei", res+"/comments", map[string]any{"body": "  "}), 400, "body", "")

		// The diff: both ends required, and of this document.
		wantField(t, f.get("lina", res+"/diff?from=1"), 400, "to", "")
		_, _, otherSecond := f.lessonPlan(t)
		f.get("lina", fmt.Sprintf("%s/diff?from=%d&to=%d", res, first, otherSecond)).want(t, 404)

		// Reverting: a stranger who sees the document may not; nor may a
		// colleague, in a personal space.
		f.post("chenjing", res+"/revert", map[string]any{"revision_id": first, "base_id": second}).want(t, 403)
		f.post("zhangwei", res+"/revert", map[string]any{"revision_id": first, "base_id": second}).want(t, 403)
		f.post("lina", res+"/revert", map[string]any{"revision_id": otherSecond, "base_id": second}).want(t, 404)
		wantField(t, f.post("lina", res+"/revert", map[string]any{"revision_id": first}), 400, "base_id", "")

		// A revert from a stale base: someone saved since.
		third := decode[revisionDTO](t, f.post("lina", res+"/revisions", map[string]any{"base_id": second,
			"title": "分数的初步认识", "sections": map[string]string{"objectives": "认识几分之一\n会比较分数大小", "process": "情境导入"}}).want(t, 201))
		r := f.post("lina", res+"/revert", map[string]any{"revision_id": first, "base_id": second}).want(t, 409)
		cf := decode[conflictEnvelope](t, r)
		if cf.Error.Code != "conflict" || cf.Conflict.Base == nil || cf.Conflict.Base.ID != second ||
			cf.Conflict.Current.ID != third.ID || len(cf.Conflict.Theirs) != 5 || len(cf.Conflict.Yours) != 5 {
			t.Fatalf("conflict %+v", cf)
		}
		theirs, yours := changedSections(cf.Conflict.Theirs), changedSections(cf.Conflict.Yours)
		if fmt.Sprint(theirs) != "[process]" || fmt.Sprint(yours) != "[objectives]" {
			t.Errorf("theirs changed the process, the revert the objectives: %+v / %+v", cf.Conflict.Theirs, cf.Conflict.Yours)
		}
		merged := map[string]string{}
		for _, s := range cf.Conflict.Merged {
			merged[s.Key] = s.Text
		}
		if merged["objectives"] != "认识几分之一\n会读写分数" || merged["process"] != "情境导入" || len(cf.Conflict.Clashes) != 0 {
			t.Errorf("merge %+v, clashes %v", merged, cf.Conflict.Clashes)
		}
		if got := decode[list[revisionDTO]](t, f.get("lina", res+"/revisions").want(t, 200)); got.Total != 3 {
			t.Errorf("a refused revert saved something: %d revisions", got.Total)
		}
		// A stale save answers the same way.
		cf = decode[conflictEnvelope](t, f.post("lina", res+"/revisions", map[string]any{"base_id": first, "title": "x",
			"sections": map[string]string{"process": "导入"}}).want(t, 409))
		if cf.Conflict.Current.ID != third.ID || cf.Conflict.MergedTitle != "x" {
			t.Errorf("stale save conflict %+v", cf.Conflict)
		}
	})
}

// changedSections lists the keys of the changed sections of a diff.
func changedSections(ds []sectionDiffDTO) []string {
	var out []string
	for _, d := range ds {
		if d.Changed {
			out = append(out, d.Key)
		}
	}
	return out
}
