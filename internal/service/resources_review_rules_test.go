package service_test

import (
	"context"
	"testing"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// Who may recommend someone else's resource (the community's host, not a
// facilitator), and that a recommendation never sends a resource to
// reviewers who cannot open it.
func TestReviewRecommendersAndVisibility(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		ctx := context.Background()
		c := newCommunity(t, w.world, w.schoolAdm, w.school.ID, community.Open, space.Public)
		if _, err := w.svc.Join(ctx, w.teacher, c.Space.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Join(ctx, w.colleague, c.Space.ID, ""); err != nil {
			t.Fatal(err)
		}
		noErr(t, w.svc.SetMemberRole(ctx, w.schoolAdm, c.Space.ID, w.colleague.ID, community.RoleFacilitator))
		in := pub("坊内公开课例")
		in.URL = "https://example.org/c"
		inComm, err := w.svc.CreateLink(ctx, w.teacher, c.Space.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		// A facilitator is a lead but not the host: no recommending, no panel.
		_, err = w.svc.RecommendResource(ctx, w.colleague, inComm.ID, w.school.ID, "")
		wantCode(t, err, apperr.Forbidden)
		if items, targets, err := w.svc.ResourceReviews(ctx, w.colleague, inComm); err != nil || items != nil || targets != nil {
			t.Errorf("a facilitator sees the review panel: %v %v %v", items, targets, err)
		}
		if _, err := w.svc.RecommendResource(ctx, w.schoolAdm, inComm.ID, w.school.ID, "坊主推荐"); err != nil {
			t.Fatalf("the host recommends: %v", err)
		}
		if _, targets, err := w.svc.ResourceReviews(ctx, w.schoolAdm, inComm); err != nil || len(targets) == 0 {
			t.Errorf("the host's panel: %v %v", targets, err)
		}

		// An "institution" resource goes to its own school only.
		sch := pub("本校教学设计")
		sch.URL, sch.Visibility = "https://example.org/s", resource.VisInstitution
		schoolOnly, err := w.svc.CreateLink(ctx, w.teacher, 0, sch)
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.RecommendResource(ctx, w.teacher, schoolOnly.ID, w.district.ID, "")
		wantCode(t, err, apperr.Invalid)
		if _, err := w.svc.RecommendResource(ctx, w.teacher, schoolOnly.ID, w.school.ID, ""); err != nil {
			t.Fatalf("to its own school: %v", err)
		}

		// Narrowed after the recommendation: hidden in the queue, no approval.
		p := pub("区级推荐课件")
		p.URL = "https://example.org/p"
		r, err := w.svc.CreateLink(ctx, w.teacher, 0, p)
		if err != nil {
			t.Fatal(err)
		}
		rev, err := w.svc.RecommendResource(ctx, w.teacher, r.ID, w.district.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		p.Visibility = resource.VisInstitution
		if _, err := w.svc.UpdateResource(ctx, w.teacher, r.ID, p); err != nil {
			t.Fatal(err)
		}
		items, err := w.svc.Reviews(ctx, w.districtAdm, store.ReviewPending, 50, 0)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, it := range items {
			if it.ID == rev.ID {
				found = true
				if !it.Hidden || it.ResourceTitle != "" {
					t.Errorf("queue shows a resource its reviewers cannot see: %+v", it)
				}
			} else if it.Hidden {
				t.Errorf("visible resource hidden: %+v", it)
			}
		}
		if !found {
			t.Fatalf("review %d not in the district's queue", rev.ID)
		}
		wantCode(t, w.svc.DecideReview(ctx, w.districtAdm, rev.ID, true, ""), apperr.Conflict)
		noErr(t, w.svc.DecideReview(ctx, w.districtAdm, rev.ID, false, "可见范围已改为本校"))
		res, err := w.svc.SearchResources(ctx, nil, service.ResourceQuery{FeaturedIn: w.district.ID})
		if err != nil || res.Total != 0 {
			t.Errorf("featured collection: %+v %v", res, err)
		}
	})
}
