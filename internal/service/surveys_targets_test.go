package service_test

import (
	"context"
	"testing"

	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/survey"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestSurveyTargetsCoverTheSubtree: the distribution form offers every
// institution a manager administers, grandchildren included, in tree
// order, and a grandchild can be distributed to.
func TestSurveyTargetsCoverTheSubtree(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newSurveyWorld(t, db)
		ctx := context.Background()
		tg, err := w.svc.SurveyDistributionTargets(ctx, w.districtAdm)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, s := range tg.Institutions {
			got = append(got, s.ID)
		}
		want := []int64{w.district.ID, w.school.ID, w.group.ID, w.other.ID}
		if len(got) != len(want) {
			t.Fatalf("district admin's targets = %v, want %v", got, want)
		}
		seen := map[int64]bool{}
		for _, id := range got {
			seen[id] = true
		}
		for _, id := range want {
			if !seen[id] {
				t.Errorf("district admin's targets %v lack %d", got, id)
			}
		}
		if got[0] != w.district.ID {
			t.Errorf("targets do not start with the home institution: %v", got)
		}
		tg, err = w.svc.SurveyDistributionTargets(ctx, w.schoolAdm)
		if err != nil {
			t.Fatal(err)
		}
		if len(tg.Institutions) != 2 || tg.Institutions[0].ID != w.school.ID || tg.Institutions[1].ID != w.group.ID {
			t.Errorf("school admin's targets = %+v, want the school and its group", tg.Institutions)
		}
		for _, u := range []struct {
			name string
			tg   func() (int, error)
		}{
			{"teacher", func() (int, error) {
				tg, err := w.svc.SurveyDistributionTargets(ctx, w.teacher)
				return len(tg.Institutions), err
			}},
			{"facilitator", func() (int, error) {
				tg, err := w.svc.SurveyDistributionTargets(ctx, w.facilitator)
				return len(tg.Institutions), err
			}},
		} {
			if n, err := u.tg(); err != nil || n != 0 {
				t.Errorf("%s has %d institution targets (%v), want none", u.name, n, err)
			}
		}
		// A grandchild of the district can be distributed to.
		sv := w.newSurvey(t, w.districtAdm, survey.TemplateTraining, false)
		if _, err := w.svc.DistributeSurvey(ctx, w.districtAdm, sv.ID, survey.TargetInstitution, w.group.ID); err != nil {
			t.Fatalf("distribute to a group: %v", err)
		}
	})
}
