package demo_test

import (
	"context"
	"testing"

	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/survey"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestSeedSurvey checks the demo questionnaire: open, answered by part of
// the district's teachers (not by the demo logins), with answers that make
// reliable dimensions and comparable groups.
func TestSeedSurvey(t *testing.T) {
	ctx := context.Background()
	db, _ := testkit.Engines()[0].Open(t)
	seedSmall(t, db, 1)
	svc := newService(db)
	district, err := db.R().UserByUsername(ctx, "district")
	if err != nil {
		t.Fatal(err)
	}
	items, total, err := svc.SurveysToManage(ctx, district, 10, 0)
	if err != nil || total != 1 {
		t.Fatalf("district's surveys: %d %v", total, err)
	}
	sv := items[0].Survey
	if sv.Status != survey.Open || !sv.Accepting(now) || sv.ResponseCount < 80 || sv.ResponseCount > 250 {
		t.Fatalf("demo survey: status %s, accepting %v, %d responses", sv.Status, sv.Accepting(now), sv.ResponseCount)
	}
	for _, login := range []string{"teacher", "teacher2"} {
		u, err := db.R().UserByUsername(ctx, login)
		if err != nil {
			t.Fatal(err)
		}
		v, err := svc.SurveyForRespondent(ctx, u, sv.ID, "", "")
		if err != nil || v.Answered {
			t.Errorf("%s: %+v %v; the demo logins should be able to answer", login, v, err)
		}
	}
	res, err := svc.SurveyResults(ctx, district, sv.ID, service.ResultsQuery{GroupBy: "Q1", Lang: "zh-CN"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rates) == 0 {
		t.Error("no response rates")
	}
	for _, d := range res.Dimensions {
		if d.Alpha == nil || d.Alpha.Alpha < 0.6 {
			t.Errorf("%s: alpha %+v (%v)", d.Dimension.Key, d.Alpha, d.AlphaErr)
		}
		if d.Compare == nil || d.Compare.T == nil {
			t.Errorf("%s: no t-test by gender: %+v", d.Dimension.Key, d.Compare)
		}
	}
	var participants int
	if err := db.R().QueryRowForTest(ctx, `SELECT count(*) FROM survey_participants`).Scan(&participants); err != nil || participants != sv.ResponseCount {
		t.Errorf("%d participants for %d responses (%v)", participants, sv.ResponseCount, err)
	}
}
