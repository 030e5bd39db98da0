package stats_test

import (
	"testing"

	"github.com/yanxiu/yanxiu/internal/stats"
)

func TestQuartilesType7(t *testing.T) {
	// R: quantile(c(1, 2, 3, 4, 10), type = 7) → 1, 2, 3, 4, 10;
	// quantile(c(1, 2, 3, 4), c(.25, .5, .75)) → 1.75, 2.5, 3.25.
	for _, c := range []struct {
		v         []float64
		q1, m, q3 float64
	}{
		{[]float64{10, 1, 4, 2, 3}, 2, 3, 4},
		{[]float64{4, 3, 2, 1}, 1.75, 2.5, 3.25},
		{[]float64{7}, 7, 7, 7},
	} {
		d, err := stats.Describe(col(t, "v", c.v...))
		if err != nil {
			t.Fatal(err)
		}
		if d.Q1 != c.q1 || d.Median != c.m || d.Q3 != c.q3 {
			t.Errorf("%v: quartiles %v %v %v, want %v %v %v", c.v, d.Q1, d.Median, d.Q3, c.q1, c.m, c.q3)
		}
	}
}

func TestFrequencies(t *testing.T) {
	f := stats.ColumnFrequencies(col(t, "q", 3, 1, 3, nan, 5, 3))
	if f.N != 5 || f.Missing != 1 || len(f.Rows) != 3 {
		t.Fatalf("frequencies = %+v", f)
	}
	want := []stats.Frequency{
		{Label: "1", Value: 1, Count: 1, Percent: 100.0 / 6, ValidPercent: 20},
		{Label: "3", Value: 3, Count: 3, Percent: 50, ValidPercent: 60},
		{Label: "5", Value: 5, Count: 1, Percent: 100.0 / 6, ValidPercent: 20},
	}
	for i, w := range want {
		if f.Rows[i] != w {
			t.Errorf("row %d = %+v, want %+v", i, f.Rows[i], w)
		}
	}
	g := stats.FactorFrequencies(fac("gender", "男", "女", "", "女"))
	if g.N != 3 || g.Missing != 1 || g.Rows[0].Label != "男" || g.Rows[1].Count != 2 || g.Rows[1].ValidPercent != 200.0/3 {
		t.Errorf("factor frequencies = %+v", g)
	}
}

func TestFactorLevels(t *testing.T) {
	f, err := stats.NewFactorLevels("band", []string{"6-10", " 0-5 ", "", "21+"}, []string{"0-5", "6-10", "11-20", "21+"})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Levels(); len(got) != 4 || got[0] != "0-5" {
		t.Errorf("levels = %v", got)
	}
	if l, ok := f.Label(1); !ok || l != "0-5" {
		t.Errorf("label 1 = %q %v", l, ok)
	}
	// Levels follow the listed order, and empty levels drop out of results.
	a, err := stats.OneWayANOVA(col(t, "v", 1, 2, 3, 4, 5, 7), stats.NewFactor("g", []string{"b", "a", "b", "a", "　", "a"}))
	if err != nil {
		t.Fatal(err)
	}
	if a.Groups[0].Name != "b" || a.N != 5 || a.Excluded != 1 {
		t.Errorf("ideographic space should be missing and order be of first appearance: %+v", a.Groups)
	}
}

func TestChiSquareWarnsOnSmallExpected(t *testing.T) {
	r, err := stats.ChiSquareTest(fac("r", "a", "a", "b", "b", "a", "c"), fac("c", "x", "y", "x", "y", "x", "y"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Yates != nil || r.FisherP != nil {
		t.Error("3×2 table must not carry Yates or Fisher")
	}
	if len(r.Warnings) != 1 || r.Warnings[0].Code != stats.WarnSmallExpected || r.Warnings[0].Params["cells"] != "6" {
		t.Errorf("warnings = %v", r.Warnings)
	}
	if r.Warnings[0].Error() != "6 cells (100.0%) have an expected count below 5; the smallest expected count is 0.50" {
		t.Errorf("warning text = %q", r.Warnings[0].Error())
	}
}
