package stats_test

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/yanxiu/yanxiu/internal/stats"
)

// decimalText writes k×10^-2 exactly, e.g. -12345 → "-123.45".
func decimalText(k int64) string {
	neg := k < 0
	if neg {
		k = -k
	}
	s := strconv.FormatInt(k/100, 10) + "." + strconv.FormatInt(100+k%100, 10)[1:]
	if neg {
		s = "-" + s
	}
	return s
}

func parsed(t *testing.T, name string, ks []int64, shift int64) *stats.Column {
	t.Helper()
	cells := make([]string, len(ks))
	for i, k := range ks {
		cells[i] = decimalText(k + shift)
	}
	c, err := stats.ParseColumn(name, cells)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func near(a, b, rel float64) bool {
	return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))+1e-300
}

// TestShiftInvariance adds 10^13 (thirteen leading digits, as in NIST's
// hardest sets) to every value: the mean moves by exactly that much and
// every other statistic stays put to 1e-12, because the engine centres the
// exact decimals before rounding.
func TestShiftInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const shift = int64(1e15) // 10^13 in units of 0.01
	for trial := range 20 {
		n := 8 + rng.IntN(40)
		x, y := make([]int64, n), make([]int64, n)
		groups, pairs := make([]string, n), make([]string, n)
		for i := range n {
			x[i] = int64(rng.IntN(2000)) - 1000
			y[i] = x[i]/2 + int64(rng.IntN(600))
			groups[i] = []string{"a", "b", "c"}[(i+trial)%3]
			pairs[i] = []string{"p", "q"}[i%2]
		}
		g, h := stats.NewFactor("g", groups), stats.NewFactor("h", pairs)
		x0, x1 := parsed(t, "x", x, 0), parsed(t, "x", x, shift)
		y0, y1 := parsed(t, "y", y, 0), parsed(t, "y", y, shift)

		d0, _ := stats.Describe(x0)
		d1, _ := stats.Describe(x1)
		if math.Abs(d1.Mean-1e13-d0.Mean) > 2e-3 || !near(d0.SD.Value, d1.SD.Value, 1e-12) ||
			!near(d0.Skewness.Value, d1.Skewness.Value, 1e-10) || !near(d0.Kurtosis.Value, d1.Kurtosis.Value, 1e-10) ||
			!near(d0.Lag1Autocorrelation.Value, d1.Lag1Autocorrelation.Value, 1e-12) {
			t.Errorf("describe not shift invariant:\n%+v\n%+v", d0, d1)
		}
		a0, err0 := stats.OneWayANOVA(x0, g)
		a1, err1 := stats.OneWayANOVA(x1, g)
		if err0 != nil || err1 != nil {
			t.Fatal(err0, err1)
		}
		if !near(a0.Between.SS, a1.Between.SS, 1e-12) || !near(a0.Within.SS, a1.Within.SS, 1e-12) ||
			!near(a0.F, a1.F, 1e-12) || !near(a0.P, a1.P, 1e-10) || !near(a0.Welch.Value.F, a1.Welch.Value.F, 1e-10) ||
			!near(a0.Levene.Value.F, a1.Levene.Value.F, 1e-9) || !near(a0.Tukey.Value[0].Diff, a1.Tukey.Value[0].Diff, 1e-12) {
			t.Errorf("anova not shift invariant: F %v vs %v, SSW %v vs %v", a0.F, a1.F, a0.Within.SS, a1.Within.SS)
		}
		i0, _ := stats.IndependentT(x0, h)
		i1, _ := stats.IndependentT(x1, h)
		if !near(i0.Student.T, i1.Student.T, 1e-12) || !near(i0.Welch.DF, i1.Welch.DF, 1e-12) || !near(i0.CohenD, i1.CohenD, 1e-12) {
			t.Errorf("t-test not shift invariant: %v vs %v", i0.Student, i1.Student)
		}
		p0, _ := stats.PairedT(x0, y0)
		p1, _ := stats.PairedT(x1, y1)
		if !near(p0.T, p1.T, 1e-12) {
			t.Errorf("paired t not shift invariant: %v vs %v", p0.T, p1.T)
		}
		c0, _ := stats.Correlate(x0, y0)
		c1, _ := stats.Correlate(x1, y1)
		if !near(c0.Pearson.R, c1.Pearson.R, 1e-12) || c0.Spearman.R != c1.Spearman.R {
			t.Errorf("correlation not shift invariant: %v vs %v", c0, c1)
		}
		al0, _ := stats.CronbachAlpha([]*stats.Column{x0, y0})
		al1, _ := stats.CronbachAlpha([]*stats.Column{x1, y1})
		if !near(al0.Alpha, al1.Alpha, 1e-12) {
			t.Errorf("alpha not shift invariant: %v vs %v", al0.Alpha, al1.Alpha)
		}
		m0, _ := stats.MannWhitneyU(x0, h)
		m1, _ := stats.MannWhitneyU(x1, h)
		k0, _ := stats.KruskalWallisH(x0, g)
		k1, _ := stats.KruskalWallisH(x1, g)
		if m0.U != m1.U || m0.P != m1.P || k0.H != k1.H {
			t.Errorf("rank tests not shift invariant: %v %v, %v %v", m0, m1, k0.H, k1.H)
		}
	}
}

// TestGroupPermutation reorders the rows (so groups appear in another
// order) and renames the groups: the ANOVA and rank tests must not change,
// and pairwise results must only change sign with the order of the pair.
func TestGroupPermutation(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for range 20 {
		n := 12 + rng.IntN(30)
		v := make([]float64, n)
		g := make([]string, n)
		for i := range n {
			g[i] = []string{"a", "b", "c", "d"}[rng.IntN(4)]
			v[i] = float64(rng.IntN(50))/4 + float64(g[i][0]-'a')
		}
		perm := rng.Perm(n)
		rename := map[string]string{"a": "Z", "b": "Y", "c": "X", "d": "W"}
		pv, pg := make([]float64, n), make([]string, n)
		for i, j := range perm {
			pv[i], pg[i] = v[j], rename[g[j]]
		}
		a0, err0 := stats.OneWayANOVA(col(t, "v", v...), fac("g", g...))
		a1, err1 := stats.OneWayANOVA(col(t, "v", pv...), fac("g", pg...))
		if err0 != nil || err1 != nil {
			continue // a draw with a missing group: nothing to compare
		}
		if len(a0.Groups) != len(a1.Groups) {
			t.Fatalf("group counts differ")
		}
		if !near(a0.F, a1.F, 1e-12) || !near(a0.P, a1.P, 1e-10) || !near(a0.Between.SS, a1.Between.SS, 1e-12) ||
			!near(a0.Welch.Value.F, a1.Welch.Value.F, 1e-10) {
			t.Errorf("anova changed under permutation: F %v vs %v", a0.F, a1.F)
		}
		tukey1 := map[[2]string]stats.TukeyPair{}
		for _, p := range a1.Tukey.Value {
			tukey1[[2]string{p.A, p.B}] = p
		}
		for _, p := range a0.Tukey.Value {
			a, b := rename[p.A], rename[p.B]
			q, ok := tukey1[[2]string{a, b}]
			sign := 1.0
			if !ok {
				q, ok = tukey1[[2]string{b, a}]
				sign = -1
			}
			if !ok || !near(p.Diff, sign*q.Diff, 1e-12) || !near(p.P, q.P, 1e-9) {
				t.Errorf("tukey %s-%s: %+v vs %+v", p.A, p.B, p, q)
			}
		}
		k0, _ := stats.KruskalWallisH(col(t, "v", v...), fac("g", g...))
		k1, _ := stats.KruskalWallisH(col(t, "v", pv...), fac("g", pg...))
		if !near(k0.H, k1.H, 1e-12) {
			t.Errorf("kruskal changed under permutation: %v vs %v", k0.H, k1.H)
		}
		c0, e0 := stats.ChiSquareTest(fac("g", g...), fac("h", boolLabels(v)...))
		c1, e1 := stats.ChiSquareTest(fac("g", pg...), fac("h", boolLabels(pv)...))
		if e0 == nil && e1 == nil && !near(c0.Statistic, c1.Statistic, 1e-12) {
			t.Errorf("chi-square changed under permutation: %v vs %v", c0.Statistic, c1.Statistic)
		}
	}
	// Reversing the rows makes the other group come first: a t-test or a
	// Mann–Whitney test only changes signs (and U becomes n₁n₂ − U).
	v := []float64{3, 5, 4, 6, 8, 7, 9, 2, 6}
	g := []string{"a", "a", "b", "a", "b", "b", "a", "b", "b"}
	rv, rg := make([]float64, len(v)), make([]string, len(g))
	for i := range v {
		rv[len(v)-1-i], rg[len(g)-1-i] = v[i], g[i]
	}
	t0, _ := stats.IndependentT(col(t, "v", v...), fac("g", g...))
	t1, _ := stats.IndependentT(col(t, "v", rv...), fac("g", rg...))
	if t0.Groups[0].Name != t1.Groups[1].Name || !near(t0.Student.T, -t1.Student.T, 1e-14) ||
		!near(t0.Student.P, t1.Student.P, 1e-14) || !near(t0.CohenD, -t1.CohenD, 1e-14) || !near(t0.Welch.DF, t1.Welch.DF, 1e-14) {
		t.Errorf("t-test swap: %+v vs %+v", t0.Student, t1.Student)
	}
	m0, _ := stats.MannWhitneyU(col(t, "v", v...), fac("g", g...))
	m1, _ := stats.MannWhitneyU(col(t, "v", rv...), fac("g", rg...))
	if m0.U+m1.U != 20 || m0.Z != -m1.Z || m0.P != m1.P {
		t.Errorf("mann-whitney swap: %+v vs %+v", m0, m1)
	}
}

func boolLabels(v []float64) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = strconv.FormatBool(x > 5)
	}
	return out
}
