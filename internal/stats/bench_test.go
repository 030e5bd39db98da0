package stats_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/yanxiu/yanxiu/internal/stats"
)

// survey is a synthetic questionnaire: respondents × Likert items (1–5, a
// few missing) in six dimensions of ten items, with gender and a
// four-level years-of-teaching band.
type survey struct {
	items  [][]float64 // [item][respondent]
	gender []string
	band   []string
}

func makeSurvey(respondents, items int) survey {
	rng := rand.New(rand.NewPCG(5, 60))
	s := survey{items: make([][]float64, items), gender: make([]string, respondents), band: make([]string, respondents)}
	bands := []string{"0-5", "6-10", "11-20", "21+"}
	latent := make([]float64, 6)
	for i := range s.items {
		s.items[i] = make([]float64, respondents)
	}
	for r := range respondents {
		s.gender[r] = []string{"F", "M"}[rng.IntN(2)]
		b := rng.IntN(4)
		s.band[r] = bands[b]
		for d := range latent {
			latent[d] = rng.NormFloat64() + 0.1*float64(b)
		}
		for i := range s.items {
			if rng.IntN(1000) == 0 {
				s.items[i][r] = math.NaN()
				continue
			}
			v := math.Round(3 + 0.8*latent[i/10] + 0.7*rng.NormFloat64())
			s.items[i][r] = max(1, min(5, v))
		}
	}
	return s
}

// analyseSurvey is the full analysis a research report needs: descriptives
// and frequencies of every item, then for each dimension its alpha, its
// mean score, a t-test by gender and an ANOVA by band.
func analyseSurvey(tb testing.TB, s survey) {
	cols := make([]*stats.Column, len(s.items))
	for i, v := range s.items {
		c, err := stats.NewColumn("item", v)
		if err != nil {
			tb.Fatal(err)
		}
		cols[i] = c
		if _, err := stats.Describe(c); err != nil {
			tb.Fatal(err)
		}
		stats.ColumnFrequencies(c)
	}
	gender := stats.NewFactor("gender", s.gender)
	band := stats.NewFactor("band", s.band)
	n := len(s.gender)
	for d := 0; d < len(cols)/10; d++ {
		dim := cols[d*10 : d*10+10]
		if _, err := stats.CronbachAlpha(dim); err != nil {
			tb.Fatal(err)
		}
		score := make([]float64, n)
		for r := range n {
			var sum float64
			k := 0
			for _, it := range s.items[d*10 : d*10+10] {
				if !math.IsNaN(it[r]) {
					sum += it[r]
					k++
				}
			}
			score[r] = sum / float64(k)
		}
		sc, err := stats.NewColumn("score", score)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := stats.IndependentT(sc, gender); err != nil {
			tb.Fatal(err)
		}
		if _, err := stats.OneWayANOVA(sc, band); err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkSurvey100k is the target: 100,000 responses × 60 items
// analysed in full in <= 2 s.
func BenchmarkSurvey100k(b *testing.B) {
	s := makeSurvey(100_000, 60)
	b.ResetTimer()
	for b.Loop() {
		analyseSurvey(b, s)
	}
}

// TestSurveyPipeline runs the benchmark's analysis on a small survey so
// that the path stays exercised by ordinary test runs.
func TestSurveyPipeline(t *testing.T) {
	analyseSurvey(t, makeSurvey(2_000, 60))
}
