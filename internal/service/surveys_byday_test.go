package service_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/survey"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestSurveyResultsByDay: the responses-per-day counts, which the results
// count on the pass that reads the responses, hold every submitted
// response by its UTC day, oldest first, and agree with
// the store's own count.
func TestSurveyResultsByDay(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newSurveyWorld(t, db)
		ctx := context.Background()
		sv := w.newSurvey(t, w.schoolAdm, survey.TemplateTraining, false)
		if _, err := w.svc.DistributeSurvey(ctx, w.schoolAdm, sv.ID, survey.TargetInstitution, w.school.ID); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.SetSurveyStatus(ctx, w.schoolAdm, sv.ID, survey.Open); err != nil {
			t.Fatal(err)
		}
		start := *w.now
		// Two on the first day (one just before midnight UTC), one two days on.
		for k, at := range []time.Time{start, start.Add(14*time.Hour + 59*time.Minute), start.Add(48 * time.Hour)} {
			*w.now = at
			u, err := w.svc.CreateUser(ctx, nil, service.NewUser{Username: fmt.Sprintf("day%d", k), Password: pw,
				Role: account.Teacher, InstitutionID: w.school.ID})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.svc.SubmitSurveyResponse(ctx, u, sv.ID, "", "", answersFor(sv.Definition, k)); err != nil {
				t.Fatalf("respondent %d: %v", k, err)
			}
		}
		res, err := w.svc.SurveyResults(ctx, w.schoolAdm, sv.ID, service.ResultsQuery{Lang: "zh-CN"})
		if err != nil {
			t.Fatal(err)
		}
		day := store.Day(start)
		want := []store.DayCount{{Day: day, Count: 2}, {Day: day.Add(48 * time.Hour), Count: 1}}
		same := func(got []store.DayCount) bool {
			if len(got) != len(want) {
				return false
			}
			for i := range got {
				if !got[i].Day.Equal(want[i].Day) || got[i].Count != want[i].Count {
					return false
				}
			}
			return true
		}
		if !same(res.ByDay) {
			t.Errorf("by day = %+v, want %+v", res.ByDay, want)
		}
		if fromStore, err := db.R().SurveyResponsesByDay(ctx, sv.ID); err != nil || !same(fromStore) {
			t.Errorf("the store counts %+v (%v), want %+v", fromStore, err, want)
		}
	})
}
