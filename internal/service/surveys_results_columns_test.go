package service_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/survey"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestSurveyResultsColumnsMatchRows holds the columnar analysis (answers
// decoded straight into columns, factors built once, groups by level
// index) to the row-by-row analysis it replaced, kept as
// LegacySurveyResults: on the community template, whose items are of
// every kind (demographics, "other" options, a condition, a matrix, a
// number, six dimensions with reverse-scored items, open text), answered
// at random with gaps, every result must be identical, for the whole data
// and under filters and groupings, named and anonymous, in both languages.
func TestSurveyResultsColumnsMatchRows(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newSurveyWorld(t, db)
		ctx := context.Background()
		r := rand.New(rand.NewPCG(27, 11))
		var named, anonymous *survey.Survey
		for _, anon := range []bool{false, true} {
			sv := w.newSurvey(t, w.schoolAdm, survey.TemplateCommunity, anon)
			if _, err := w.svc.DistributeSurvey(ctx, w.schoolAdm, sv.ID, survey.TargetInstitution, w.school.ID); err != nil {
				t.Fatal(err)
			}
			if err := w.svc.SetSurveyStatus(ctx, w.schoolAdm, sv.ID, survey.Open); err != nil {
				t.Fatal(err)
			}
			if anon {
				anonymous = sv
			} else {
				named = sv
			}
		}
		for k := range 40 {
			u, err := w.svc.CreateUser(ctx, nil, service.NewUser{Username: fmt.Sprintf("col%02d", k), Password: pw,
				Role: account.Teacher, InstitutionID: w.school.ID})
			if err != nil {
				t.Fatal(err)
			}
			for _, sv := range []*survey.Survey{named, anonymous} {
				if err := w.svc.SubmitSurveyResponse(ctx, u, sv.ID, "", "", randomResponse(r, sv.Definition)); err != nil {
					t.Fatalf("respondent %d: %v", k, err)
				}
			}
		}
		vars := survey.Variables(named.Definition)
		byKind := map[string]string{}
		for _, v := range vars {
			it, _ := named.Definition.Item(v.ItemID)
			key := string(v.Kind)
			switch {
			case it != nil && it.Field != "":
				key = string(it.Field)
			case v.Kind == survey.Single && it.Other:
				key = "single_other"
			}
			if _, ok := byKind[key]; !ok && service.Categorical(v) {
				byKind[key] = v.Name
			}
		}
		gender, years := byKind[string(survey.FieldGender)], byKind[string(survey.FieldYears)]
		if gender == "" || years == "" || byKind["multiple"] == "" || byKind["matrix"] == "" || byKind["single_other"] == "" {
			t.Fatalf("variables to query by: %v", byKind)
		}
		queries := []service.ResultsQuery{
			{},
			{Lang: "en"},
			{GroupBy: gender, Lang: "zh-CN"},
			{GroupBy: years},
			{GroupBy: byKind["multiple"], Lang: "en"},
			{GroupBy: byKind["matrix"]},
			{GroupBy: byKind["single_other"]},
			{Filters: map[string][]int{gender: {1}}, GroupBy: years},
			{Filters: map[string][]int{gender: {1, 2}, years: {1, 2}}, Lang: "en"},
			{Filters: map[string][]int{byKind["multiple"]: {1}, byKind["single"]: {1, 2, 3}}, GroupBy: gender},
			{Filters: map[string][]int{years: {4}}},
		}
		// The reader hands the decoder a batch at a time: in batches of
		// many responses, and of one.
		for _, batch := range []int{256 << 10, 1} {
			restore := service.SetAnswersBatchBytes(batch)
			compareQueries(t, w, []*survey.Survey{named, anonymous}, queries)
			restore()
		}
		// The differential analysis compares every dimension as grouping by
		// each variable does, from one pass; bad variables are refused.
		full, err := w.svc.SurveyResults(ctx, w.schoolAdm, named.ID, service.ResultsQuery{CompareBy: []string{gender, years}})
		if err != nil || len(full.Differences) != 2 || full.Group != nil {
			t.Fatalf("differences: %+v, %v", full, err)
		}
		for k, name := range []string{gender, years} {
			grouped, err := w.svc.SurveyResults(ctx, w.schoolAdm, named.ID, service.ResultsQuery{GroupBy: name})
			if err != nil {
				t.Fatal(err)
			}
			d := full.Differences[k]
			if d.Variable.Name != name || d.Withheld || len(d.Scores) != len(grouped.Dimensions) || len(d.Scores) == 0 {
				t.Fatalf("difference by %s: %+v", name, d)
			}
			for i, c := range d.Scores {
				if diff := sameResults(reflect.ValueOf(c), reflect.ValueOf(grouped.Dimensions[i].Compare), name); diff != "" {
					t.Errorf("dimension %d by %s: %s", i, name, diff)
				}
			}
		}
		for _, bad := range [][]string{{gender, gender}, {"NOPE"}, make([]string, service.MaxCompareBy+1)} {
			_, err := w.svc.SurveyResults(ctx, w.schoolAdm, named.ID, service.ResultsQuery{CompareBy: bad})
			wantCode(t, err, apperr.Invalid)
		}
		// Anonymous: a variable with a group under five is withheld.
		anon, err := w.svc.SurveyResults(ctx, w.schoolAdm, anonymous.ID, service.ResultsQuery{CompareBy: []string{byKind["single"]}})
		if err != nil || len(anon.Differences) != 1 {
			t.Fatalf("anonymous differences: %+v, %v", anon, err)
		}
		if small := anon.Differences[0]; small.Withheld != (len(small.Scores) == 0) {
			t.Fatalf("anonymous difference withheld %v with %d scores", small.Withheld, len(small.Scores))
		}

		// A failure while decoding (here the cells limit, at the 11th
		// response) stops the reader and is the analysis' error.
		defer service.SetAnswersBatchBytes(1)()
		defer service.SetMaxSurveyCells(10 * len(vars))()
		_, err = w.svc.SurveyResults(ctx, w.schoolAdm, named.ID, service.ResultsQuery{})
		wantCode(t, err, apperr.TooLarge)
	})
}

// compareQueries runs every query on every questionnaire both ways and
// reports the differences.
func compareQueries(t *testing.T, w *surveyWorld, surveys []*survey.Survey, queries []service.ResultsQuery) {
	t.Helper()
	ctx := context.Background()
	for _, sv := range surveys {
		for _, q := range queries {
			got, err := w.svc.SurveyResults(ctx, w.schoolAdm, sv.ID, q)
			if err != nil {
				t.Fatalf("%+v: %v", q, err)
			}
			want, err := w.svc.LegacySurveyResults(ctx, w.schoolAdm, sv.ID, q)
			if err != nil {
				t.Fatalf("%+v (rows): %v", q, err)
			}
			if got.N == 0 || (q.GroupBy != "" && got.Withheld == "" && got.Group == nil) {
				t.Errorf("anonymous %v %+v: N %d, group %v: the query tests nothing", sv.Anonymous, q, got.N, got.Group)
			}
			if diff := sameResults(reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem(), "results"); diff != "" {
				t.Errorf("anonymous %v %+v: %s", sv.Anonymous, q, diff)
			}
		}
	}
}

// randomResponse answers the visible items of d at random, leaving some
// out and choosing "other" now and then.
func randomResponse(r *rand.Rand, d *survey.Definition) survey.Answers {
	a := survey.Answers{}
	for _, it := range d.Items() {
		if !it.Required && r.IntN(6) == 0 {
			continue
		}
		opts := it.AllOptions()
		pick := func() int { return opts[r.IntN(len(opts))].Value }
		var ans survey.Answer
		switch it.Kind {
		case survey.Single, survey.Demographic:
			ans.Choice = pick()
		case survey.Likert:
			ans.Choice = 1 + r.IntN(it.Scale)
		case survey.Multiple:
			for range 1 + r.IntN(3) {
				ans.Choices = append(ans.Choices, pick())
			}
		case survey.Matrix:
			ans.Rows = map[string]int{}
			for _, row := range it.Rows {
				if r.IntN(8) > 0 {
					ans.Rows[row.ID] = pick()
				}
			}
		case survey.Number:
			ans.Number = fmt.Sprintf("%d.%d", r.IntN(300), r.IntN(100))
		case survey.Text:
			ans.Text = fmt.Sprintf("建议 %d", r.IntN(1000))
		}
		if ans.Selected(survey.OtherCode) {
			ans.Text = fmt.Sprintf("其他 %d", r.IntN(10))
		}
		a[it.ID] = ans
	}
	clean, err := survey.Check(d, a, false)
	if err != nil {
		panic(err)
	}
	return clean
}

// sameResults compares two results field by field, NaN equal to NaN, and
// describes the first difference.
func sameResults(a, b reflect.Value, path string) string {
	if a.Kind() != b.Kind() {
		return path + ": different kinds"
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return fmt.Sprintf("%s: %v against %v", path, a, b)
			}
			return ""
		}
		return sameResults(a.Elem(), b.Elem(), path)
	case reflect.Struct:
		if t, ok := a.Interface().(time.Time); ok {
			if !t.Equal(b.Interface().(time.Time)) {
				return fmt.Sprintf("%s: %v against %v", path, t, b.Interface())
			}
			return ""
		}
		for i := range a.NumField() {
			if d := sameResults(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); d != "" {
				return d
			}
		}
		return ""
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: length %d against %d", path, a.Len(), b.Len())
		}
		for i := range a.Len() {
			if d := sameResults(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Map:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: %d keys against %d", path, a.Len(), b.Len())
		}
		for _, k := range a.MapKeys() {
			if d := sameResults(a.MapIndex(k), b.MapIndex(k), fmt.Sprintf("%s[%v]", path, k)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Float32, reflect.Float64:
		x, y := a.Float(), b.Float()
		if x == y || math.IsNaN(x) && math.IsNaN(y) {
			return ""
		}
		return fmt.Sprintf("%s: %v against %v", path, x, y)
	}
	if !a.CanInterface() {
		return "" // unexported fields (the survey's time zone and the like)
	}
	if !reflect.DeepEqual(a.Interface(), b.Interface()) {
		return fmt.Sprintf("%s: %v against %v", path, a.Interface(), b.Interface())
	}
	return ""
}
