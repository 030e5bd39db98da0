package demo_test

import (
	"context"
	"testing"

	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestDemoResources checks the small demo's resources through the service,
// on both engines: Chinese search finds them, lesson plans have histories
// that diff, and the featured one is in its school's collection.
func TestDemoResources(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		res := seedSmall(t, db, 5)
		if n, err := db.R().CountEvents(ctx, store.EventFilter{}); err != nil || n != res.Events {
			t.Fatalf("events in the log = %d, %v; Result says %d", n, err, res.Events)
		}
		svc := newService(db)
		teacher, err := svc.UserByUsername(ctx, "teacher")
		if err != nil {
			t.Fatal(err)
		}
		admin, err := svc.UserByUsername(ctx, "admin")
		if err != nil {
			t.Fatal(err)
		}
		all, err := svc.SearchResources(ctx, admin, service.ResourceQuery{Limit: 100, Facets: true})
		if err != nil || all.Total != 40 || len(all.Facets.Subject) < 10 || len(all.Facets.Grade) < 8 {
			t.Fatalf("demo resources: %d, %d subjects, %d grades (%v)", all.Total, len(all.Facets.Subject), len(all.Facets.Grade), err)
		}
		for _, q := range []string{"课例", "教学设计", "分数", "Unit 5"} {
			r, err := svc.SearchResources(ctx, nil, service.ResourceQuery{Q: q})
			if err != nil || r.Total == 0 {
				t.Errorf("search %q finds nothing (%v)", q, err)
			}
		}
		multi := 0
		for _, r := range all.Items {
			if r.DocType != resource.LessonPlan {
				continue
			}
			revs, total, err := svc.ResourceRevisions(ctx, admin, r.ID, 10, 0)
			if err != nil || len(revs) != total || revs[0].ID != r.RevisionID {
				t.Fatalf("history of %q: %d/%d %v", r.Title, len(revs), total, err)
			}
			if total > 1 {
				multi++
				c, err := svc.CompareRevisions(ctx, admin, r.ID, revs[total-1].ID, revs[0].ID)
				if err != nil || !c.Sections[2].Changed {
					t.Errorf("diff of %q: %v", r.Title, err)
				}
			}
		}
		if multi == 0 {
			t.Error("no lesson plan has more than one revision")
		}
		if teacher.InstitutionID == 0 {
			t.Fatal("the demo teacher has no school")
		}
		f, err := svc.SearchResources(ctx, nil, service.ResourceQuery{FeaturedIn: teacher.InstitutionID})
		if err != nil || f.Total != 1 || f.Items[0].OwnerID != teacher.ID || !f.Items[0].Featured {
			t.Fatalf("featured: %+v %v", f, err)
		}
	})
}
