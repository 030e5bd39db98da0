package service_test

import (
	"context"
	"testing"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/notify"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

func TestReviewQueuesOutcomesAndNotices(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		ctx := context.Background()
		expert, err := w.svc.CreateUser(ctx, nil, service.NewUser{Username: "expert", Password: pw, Role: account.Expert,
			InstitutionID: w.school.ID})
		if err != nil {
			t.Fatal(err)
		}
		otherExpert, err := w.svc.CreateUser(ctx, nil, service.NewUser{Username: "expert2", Password: pw, Role: account.Expert,
			InstitutionID: w.other.ID})
		if err != nil {
			t.Fatal(err)
		}
		in := pub("三年级 分数 课例")
		in.URL = "https://example.org/kl"
		r, err := w.svc.CreateLink(ctx, w.teacher, 0, in)
		if err != nil {
			t.Fatal(err)
		}
		// Before: the owner may recommend to the school and the district, nearest first.
		_, targets, err := w.svc.ResourceReviews(ctx, w.teacher, r)
		if err != nil || len(targets) != 2 || targets[0].ID != w.school.ID || targets[1].ID != w.district.ID {
			t.Fatalf("targets %v %v", targets, err)
		}
		if items, targets, _ := w.svc.ResourceReviews(ctx, w.colleague, r); items != nil || targets != nil {
			t.Error("a colleague sees the owner's review panel")
		}
		toSchool, err := w.svc.RecommendResource(ctx, w.teacher, r.ID, w.school.ID, "校级推荐")
		if err != nil {
			t.Fatal(err)
		}
		toDistrict, err := w.svc.RecommendResource(ctx, w.teacher, r.ID, w.district.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		// Queues: each reviewer sees the institutions they review for.
		queue := func(u *account.User) []int64 {
			t.Helper()
			items, err := w.svc.Reviews(ctx, u, store.ReviewPending, 50, 0)
			if err != nil {
				t.Fatalf("queue of %s: %v", u.Username, err)
			}
			var ids []int64
			for _, it := range items {
				ids = append(ids, it.ID)
				if it.ResourceTitle != r.Title || it.RecommenderName == "" || it.InstitutionName == "" {
					t.Errorf("queue item %+v", it)
				}
			}
			return ids
		}
		if got := queue(w.schoolAdm); len(got) != 1 || got[0] != toSchool.ID {
			t.Errorf("school admin's queue %v", got)
		}
		if got := queue(w.districtAdm); len(got) != 2 || got[0] != toSchool.ID {
			t.Errorf("district admin's queue %v (oldest first)", got)
		}
		if got := queue(expert); len(got) != 2 {
			t.Errorf("the school's expert reviews for the school and the district: %v", got)
		}
		if got := queue(otherExpert); len(got) != 1 || got[0] != toDistrict.ID {
			t.Errorf("another school's expert: %v", got)
		}
		_, err = w.svc.Reviews(ctx, w.colleague, store.ReviewPending, 50, 0)
		wantCode(t, err, apperr.Forbidden)
		// Notices went to the reviewers, not to the recommender.
		unread := func(u *account.User, k notify.Kind) int {
			t.Helper()
			ns, _, err := w.svc.Inbox(ctx, u, true, 50, 0)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, x := range ns {
				if x.Kind == k {
					n++
				}
			}
			return n
		}
		if unread(w.schoolAdm, notify.ResourceReview) != 1 || unread(w.districtAdm, notify.ResourceReview) != 2 ||
			unread(expert, notify.ResourceReview) != 2 || unread(otherExpert, notify.ResourceReview) != 1 ||
			unread(w.teacher, notify.ResourceReview) != 0 {
			t.Error("review notices went to the wrong people")
		}
		// Decide: one returned with comments, one approved; the owner sees both outcomes.
		noErr(t, w.svc.DecideReview(ctx, expert, toSchool.ID, false, "请补充课后反思"))
		noErr(t, w.svc.DecideReview(ctx, w.districtAdm, toDistrict.ID, true, "优秀课例"))
		if n := unread(w.teacher, notify.ResourceDecision); n != 2 {
			t.Errorf("the owner got %d decision notices, want 2", n)
		}
		items, targets, err := w.svc.ResourceReviews(ctx, w.teacher, r)
		if err != nil || len(items) != 2 || len(targets) != 2 {
			t.Fatalf("outcomes %v targets %v %v", items, targets, err)
		}
		got := map[store.ReviewStatus]string{}
		for _, it := range items {
			got[it.Status] = it.Comments + "/" + it.ReviewerName
		}
		if got[store.ReviewReturned] != "请补充课后反思/expert" || got[store.ReviewApproved] != "优秀课例/district" {
			t.Errorf("outcomes %v", got)
		}
		if q := queue(w.districtAdm); len(q) != 0 {
			t.Errorf("decided reviews still queued: %v", q)
		}
		done, err := w.svc.Reviews(ctx, w.districtAdm, "", 50, 0)
		if err != nil || len(done) != 2 {
			t.Errorf("all reviews of the district admin: %v %v", done, err)
		}
	})
}
