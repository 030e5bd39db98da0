package service_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/survey"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestAnonymousSurveyMinimumGroup: the results of an anonymous
// questionnaire never show fewer than survey.MinAnonymousGroup responses
// apart: small institutions merge in the rates, exports carry no
// institution, and small subsets and groups are withheld with the reason.
func TestAnonymousSurveyMinimumGroup(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newSurveyWorld(t, db)
		ctx := context.Background()
		sv := w.newSurvey(t, w.schoolAdm, survey.TemplateCommunity, true)
		if _, err := w.svc.DistributeSurvey(ctx, w.schoolAdm, sv.ID, survey.TargetInstitution, w.school.ID); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.SetSurveyStatus(ctx, w.schoolAdm, sv.ID, survey.Open); err != nil {
			t.Fatal(err)
		}
		d := sv.Definition
		// Six at the school, one in its maths group.
		for k := range 6 {
			u, err := w.svc.CreateUser(ctx, nil, service.NewUser{Username: fmt.Sprintf("anon%02d", k), Password: pw,
				Role: account.Teacher, InstitutionID: w.school.ID})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.svc.SubmitSurveyResponse(ctx, u, sv.ID, "", "", answersFor(d, k)); err != nil {
				t.Fatalf("respondent %d: %v", k, err)
			}
		}
		if err := w.svc.SubmitSurveyResponse(ctx, w.groupMember, sv.ID, "", "", answersFor(d, 6)); err != nil {
			t.Fatal(err)
		}
		var gender survey.Variable
		for _, v := range survey.Variables(d) {
			if it, ok := d.Item(v.ItemID); ok && it.Field == survey.FieldGender {
				gender = v
			}
		}
		if gender.Name == "" {
			t.Fatal("no gender item")
		}

		// Rates: the school shows; the group of one merges.
		res, err := w.svc.SurveyResults(ctx, w.schoolAdm, sv.ID, service.ResultsQuery{})
		if err != nil || res.Withheld != "" || len(res.Items) == 0 || res.N != 7 {
			t.Fatalf("whole results: withheld %q, %d items, N %d, %v", res.Withheld, len(res.Items), res.N, err)
		}
		for _, r := range res.Rates {
			switch {
			case r.Merged == 0 && r.Responded+r.Others < survey.MinAnonymousGroup:
				t.Errorf("an institution with %d responses shown apart: %+v", r.Responded+r.Others, r)
			case r.Merged > 0 && (r.Name != "" || r.InstitutionID != 0 || r.Responded != 1):
				t.Errorf("merged row %+v", r)
			}
		}
		if !slices.ContainsFunc(res.Rates, func(r store.InstitutionRate) bool { return r.Name == "实验小学" && r.Responded == 6 }) ||
			!slices.ContainsFunc(res.Rates, func(r store.InstitutionRate) bool { return r.Merged == 1 }) {
			t.Errorf("rates %+v", res.Rates)
		}

		// A subset of fewer than five: nothing but the reason.
		first := gender.ValueLabels[0].Value
		res, err = w.svc.SurveyResults(ctx, w.schoolAdm, sv.ID, service.ResultsQuery{Filters: map[string][]int{gender.Name: {first}}})
		if err != nil || res.N >= survey.MinAnonymousGroup || res.Withheld != service.WithheldSubset ||
			len(res.Items) != 0 || len(res.Dimensions) != 0 || len(res.Correlations) != 0 {
			t.Fatalf("small subset: N %d, withheld %q, %d items, %v", res.N, res.Withheld, len(res.Items), err)
		}
		// A subset of five or more is analysed.
		var every []int
		for _, o := range gender.ValueLabels {
			every = append(every, o.Value)
		}
		res, err = w.svc.SurveyResults(ctx, w.schoolAdm, sv.ID, service.ResultsQuery{Filters: map[string][]int{gender.Name: every}})
		if err != nil || res.N != 7 || res.Withheld != "" || len(res.Items) == 0 {
			t.Fatalf("large subset: N %d, withheld %q, %v", res.N, res.Withheld, err)
		}
		// Grouping with a group under five: no comparison at all.
		res, err = w.svc.SurveyResults(ctx, w.schoolAdm, sv.ID, service.ResultsQuery{GroupBy: gender.Name})
		if err != nil || res.Withheld != service.WithheldGroup || res.Group != nil {
			t.Fatalf("small groups: withheld %q, %v", res.Withheld, err)
		}
		for _, ir := range res.Items {
			if ir.Compare != nil || ir.Chi != nil {
				t.Errorf("item %s compared across small groups", ir.Item.ID)
			}
		}
		for _, dr := range res.Dimensions {
			if dr.Compare != nil {
				t.Errorf("dimension %s compared across small groups", dr.Dimension.Key)
			}
		}

		// The export has no institution column.
		x, err := w.svc.ExportSurvey(ctx, w.schoolAdm, sv.ID)
		if err != nil || slices.Contains(x.Header(), "institution") || len(x.Rows) != 7 {
			t.Fatalf("anonymous export header %v, %v", x.Header(), err)
		}
		for _, r := range x.Rows {
			if r.Institution != "" {
				t.Fatalf("anonymous export row names an institution: %+v", r)
			}
		}
	})
}
