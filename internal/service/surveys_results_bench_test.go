package service_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/survey"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// BenchmarkSurveyResults100k is issue 5's "full analysis of 100,000
// responses × 60 Likert items in ≤ 2 s" measured through the service, as
// the results page and GET /api/v1/surveys/{id}/results run it: reading
// the responses from SQLite and decoding their JSON, turning them into
// variables, then descriptives and a frequency table for every item, each
// dimension's score with Cronbach's alpha, KMO and Bartlett, the score
// correlations, and the comparison of every item and score across the
// groups. internal/stats' BenchmarkSurvey100k times the statistics alone;
// this one adds everything around them.
//
// The questionnaire has a gender and a years-of-teaching question and 60
// five-point Likert items in 6 dimensions of 10; 100,000 submitted
// responses are written straight into the tables (the submission path is
// the respondents scenario's business, and 100,000 of them would take
// minutes), with answers driven by one latent trait per dimension so that
// the reliabilities are realistic, and 0.1 % of Likert answers missing.
//
// Sub-benchmarks: "gender" groups by gender (a t-test per item and score),
// "band" by the four years-of-teaching bands (an ANOVA per item and
// score), and "full" is the full analysis in one pass: every item
// and dimension described, and every dimension compared by gender and by
// band (ResultsQuery.CompareBy). It runs only under -bench.
func BenchmarkSurveyResults100k(b *testing.B) {
	ctx := context.Background()
	db, dbURL := testkit.Engines()[0].Open(b)
	svc := service.New(service.Options{DB: db, Argon2: account.FastArgon2})
	admin, err := svc.CreateUser(ctx, nil, service.NewUser{Username: "bench", Password: "long-enough-1", Role: account.Admin})
	if err != nil {
		b.Fatal(err)
	}
	const n, dims, perDim = 100_000, 6, 10
	t0 := time.Now()
	id := seedResults(b, ctx, svc, admin, strings.TrimPrefix(dbURL, "sqlite:"), n, dims, perDim)
	b.Logf("seeded %d responses in %s", n, time.Since(t0).Round(time.Millisecond))

	for _, g := range []struct{ name, variable string }{{"gender", "GENDER"}, {"band", "YEARS"}} {
		b.Run(g.name, func(b *testing.B) {
			for b.Loop() {
				res, err := svc.SurveyResults(ctx, admin, id, service.ResultsQuery{GroupBy: g.variable, Lang: "zh-CN"})
				if err != nil {
					b.Fatal(err)
				}
				checkResults(b, res, n, dims, perDim)
			}
		})
	}
	// The full analysis in one pass: descriptives and frequencies
	// of every item, each dimension's score, alpha, KMO and correlations,
	// and every dimension compared by gender (t-tests) and by the four
	// bands (ANOVAs), as the results page's differential analysis gives it.
	b.Run("full", func(b *testing.B) {
		for b.Loop() {
			res, err := svc.SurveyResults(ctx, admin, id, service.ResultsQuery{CompareBy: []string{"GENDER", "YEARS"}, Lang: "zh-CN"})
			if err != nil {
				b.Fatal(err)
			}
			checkResults(b, res, n, dims, perDim)
			if len(res.Differences) != 2 {
				b.Fatalf("%d differential analyses", len(res.Differences))
			}
			for k, d := range res.Differences {
				if len(d.Scores) != dims {
					b.Fatalf("%s: %d scores compared", d.Variable.Name, len(d.Scores))
				}
				for _, c := range d.Scores {
					if c == nil || (k == 0) != (c.T != nil) || (k == 1) != (c.ANOVA != nil) {
						b.Fatalf("%s: comparison %+v", d.Variable.Name, c)
					}
				}
			}
		}
	})
}

// checkResults makes sure the analysis timed is the whole one: every
// item described, every dimension scored, reliable and compared.
func checkResults(b *testing.B, res *service.SurveyResults, n, dims, perDim int) {
	if res.N != n || len(res.Items) != dims*perDim+2 || len(res.Dimensions) != dims {
		b.Fatalf("N %d, %d items, %d dimensions", res.N, len(res.Items), len(res.Dimensions))
	}
	for _, d := range res.Dimensions {
		if d.Alpha == nil || d.Alpha.Alpha < 0.7 || res.Group != nil && (d.Compare == nil || (d.Compare.T == nil && d.Compare.ANOVA == nil)) {
			b.Fatalf("dimension %s: alpha %+v, comparison %+v", d.Dimension.Key, d.Alpha, d.Compare)
		}
	}
	for _, it := range res.Items[2:] {
		if it.Desc == nil || it.Desc.N < n*99/100 || len(it.Freqs) != 1 {
			b.Fatalf("item %s: %+v", it.Item.ID, it.Desc)
		}
	}
}

// seedResults creates the questionnaire through the service and writes
// the responses into it with one prepared statement in one transaction.
func seedResults(b *testing.B, ctx context.Context, svc *service.Service, admin *account.User, path string, n, dims, perDim int) int64 {
	sv, err := svc.CreateSurvey(ctx, admin, survey.Settings{Title: "100,000 responses"}, "", "")
	if err != nil {
		b.Fatal(err)
	}
	d := &survey.Definition{Version: survey.CurrentVersion}
	d.Sections = append(d.Sections, survey.Section{ID: "about", Title: "基本信息", Items: []survey.Item{
		{ID: "gender", Kind: survey.Demographic, Text: "性别", Field: survey.FieldGender, Required: true, Var: "GENDER"},
		{ID: "years", Kind: survey.Demographic, Text: "教龄", Field: survey.FieldYears, Required: true, Var: "YEARS"},
	}})
	for k := range dims {
		key := fmt.Sprintf("d%d", k+1)
		d.Dimensions = append(d.Dimensions, survey.Dimension{Key: key, Name: fmt.Sprintf("维度 %d", k+1)})
		sec := survey.Section{ID: "s" + key, Title: fmt.Sprintf("第 %d 部分", k+1)}
		for j := range perDim {
			sec.Items = append(sec.Items, survey.Item{ID: fmt.Sprintf("q%d_%d", k+1, j+1), Kind: survey.Likert, Scale: 5,
				Dimension: key, Text: fmt.Sprintf("陈述 %d.%d", k+1, j+1), Reverse: j == perDim-1})
		}
		d.Sections = append(d.Sections, sec)
	}
	d.Seq = 1000
	if sv, err = svc.EditSurvey(ctx, admin, sv.ID, func(def *survey.Definition) error { *def = *d; return nil }); err != nil {
		b.Fatalf("save definition: %v", err)
	}
	genders := len(sv.Definition.Sections[0].Items[0].Options)
	bands := len(sv.Definition.Sections[0].Items[1].Options)
	if genders < 2 || bands != 4 {
		b.Fatalf("%d genders, %d bands", genders, bands)
	}

	raw, err := sql.Open("sqlite", "file:"+url.PathEscape(path)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `INSERT INTO survey_responses (id, survey_id, status, answers, institution_id,
		submitted_at, updated_at) VALUES ($1, $2, 'submitted', $3, 0, $4, $4)`)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 100_000))
	at := time.Date(2026, 10, 9, 9, 0, 0, 0, time.UTC).UnixMilli()
	var sb strings.Builder
	for i := range n {
		sb.Reset()
		g, y := 1+r.IntN(2), 1+r.IntN(4)
		fmt.Fprintf(&sb, `{"gender":{"c":%d},"years":{"c":%d}`, g, y)
		for k := range dims {
			// One latent trait per person and dimension, a little higher
			// for the later bands, plus item noise.
			trait := r.NormFloat64()*0.9 + 0.1*float64(y) + 0.05*float64(g)
			for j := range perDim {
				if r.IntN(1000) == 0 {
					continue // missing
				}
				x := 3 + trait + r.NormFloat64()*0.7
				if j == perDim-1 {
					x = 6 - x // the reverse-scored item
				}
				v := int(math.Round(min(5, max(1, x))))
				fmt.Fprintf(&sb, `,"q%d_%d":{"c":%d}`, k+1, j+1, v)
			}
		}
		sb.WriteByte('}')
		if _, err := st.ExecContext(ctx, fmt.Sprintf("%032x", i+1), sv.ID, sb.String(), at+int64(i)); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE surveys SET status = 'open', response_count = $1 WHERE id = $2`, n, sv.ID); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return sv.ID
}
