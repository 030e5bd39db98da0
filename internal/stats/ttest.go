package stats

import (
	"math"
	"strconv"
)

// TTest is one t statistic with its two-sided p-value and the 95%
// confidence interval of the mean difference it tests.
type TTest struct {
	T, DF, P      float64
	MeanDiff      float64
	SE            float64
	CILow, CIHigh float64
}

// FTest is an F statistic with its degrees of freedom and upper-tail p-value.
type FTest struct {
	F, DF1, DF2, P float64
}

// GroupSummary describes one group of a grouped analysis.
type GroupSummary struct {
	Name string
	N    int
	Mean float64
	SD   Maybe[float64] // undefined for a group of one
}

// OneSample is a one-sample (or paired) t-test. MeanDiff is mean − mu and
// the interval is for that difference, as SPSS reports it (R's t.test gives
// the interval of the mean itself, i.e. shifted by mu).
type OneSample struct {
	N, Excluded int
	Mean, SD    float64
	Mu          float64
	TTest
}

// Confidence is the level of every confidence interval.
const Confidence = 0.95

// OneSampleT tests whether the mean of c differs from mu.
func OneSampleT(c *Column, mu float64) (*OneSample, error) {
	if math.IsNaN(mu) || math.IsInf(mu, 0) {
		return nil, newError(CodeBadParameter, "name", "mu")
	}
	return oneSample(c, c.presentRows(), mu, c.missing)
}

// PairedT tests whether the mean of a − b differs from zero, over the rows
// where both have a value; MeanDiff is mean(a − b).
func PairedT(a, b *Column) (*OneSample, error) {
	if a.Len() != b.Len() {
		return nil, lengthError(a.name, b.name, a.Len(), b.Len())
	}
	rows := make([]int, 0, a.Len())
	for i := range a.x {
		if a.present(i) && b.present(i) {
			rows = append(rows, i)
		}
	}
	d := difference(a, b, rows)
	all := make([]int, len(rows))
	for i := range all {
		all[i] = i
	}
	return oneSample(d, all, 0, a.Len()-len(rows))
}

func oneSample(c *Column, rows []int, mu float64, excluded int) (*OneSample, error) {
	n := len(rows)
	if n < 2 {
		return nil, newError(CodeTooFewValues, "column", c.name, "min", "2", "n", strconv.Itoa(n))
	}
	cen := c.centre(rows)
	ss, dm := sumSquares(cen.dev)
	if ss == 0 {
		return nil, newError(CodeZeroVariance, "column", c.name)
	}
	fn := float64(n)
	sd := math.Sqrt(ss / (fn - 1))
	diff := (cen.base - mu) + dm
	r := &OneSample{N: n, Excluded: excluded, Mean: cen.base + dm, SD: sd, Mu: mu}
	r.TTest = tTest(diff, sd/math.Sqrt(fn), fn-1)
	if !finite(r.T, r.P, r.CILow, r.CIHigh, r.Mean, r.SD) {
		return nil, newError(CodeOverflow, "column", c.name)
	}
	return r, nil
}

func tTest(diff, se, df float64) TTest {
	t := diff / se
	q := qT(1-(1-Confidence)/2, df)
	return TTest{T: t, DF: df, P: pT2(t, df), MeanDiff: diff, SE: se, CILow: diff - q*se, CIHigh: diff + q*se}
}

// Independent is an independent-samples t-test between the two groups of a
// factor, in the factor's level order; MeanDiff is mean(first) − mean(second).
type Independent struct {
	N, Excluded int
	Groups      [2]GroupSummary
	Student     TTest // equal variances assumed
	Welch       TTest // Welch–Satterthwaite
	// Levene is Levene's test centred on the group means (SPSS's), and
	// BrownForsythe the same centred on the medians (R car's default);
	// both are undefined when every absolute deviation is equal.
	Levene, BrownForsythe Maybe[FTest]
	// CohenD is the mean difference over the pooled SD.
	CohenD float64
}

// IndependentT compares the mean of v between the two groups of g.
func IndependentT(v *Column, g *Factor) (*Independent, error) {
	gr, err := splitRows(v, g)
	if err != nil {
		return nil, err
	}
	switch k := len(gr.labels); {
	case k < 2:
		return nil, newError(CodeTooFewGroups, "column", g.name)
	case k > 2:
		return nil, newError(CodeNotTwoGroups, "column", g.name, "k", strconv.Itoa(k))
	}
	for j, rows := range gr.rows {
		if len(rows) < 2 {
			return nil, newError(CodeGroupTooSmall, "group", gr.labels[j], "column", g.name,
				"n", strconv.Itoa(len(rows)), "min", "2")
		}
	}
	base, dev := centredGroups(v, gr)
	r := &Independent{N: gr.n, Excluded: gr.excluded}
	var ss, m, vr [2]float64
	var n [2]float64
	for j := range 2 {
		ss[j], m[j] = sumSquares(dev[j])
		n[j] = float64(len(dev[j]))
		vr[j] = ss[j] / (n[j] - 1)
		r.Groups[j] = GroupSummary{Name: gr.labels[j], N: len(dev[j]), Mean: base + m[j], SD: defined(math.Sqrt(vr[j]))}
	}
	if ss[0]+ss[1] == 0 {
		return nil, newError(CodeZeroVariance, "column", v.name)
	}
	diff := m[0] - m[1]
	df := n[0] + n[1] - 2
	pooled := (ss[0] + ss[1]) / df
	r.Student = tTest(diff, math.Sqrt(pooled*(1/n[0]+1/n[1])), df)
	a, b := vr[0]/n[0], vr[1]/n[1]
	se2 := a + b
	r.Welch = tTest(diff, math.Sqrt(se2), se2*se2/(a*a/(n[0]-1)+b*b/(n[1]-1)))
	r.CohenD = diff / math.Sqrt(pooled)
	r.Levene = levene(dev, false, v.name)
	r.BrownForsythe = levene(dev, true, v.name)
	if !finite(r.Student.T, r.Student.P, r.Welch.T, r.Welch.DF, r.Welch.P, r.CohenD,
		r.Groups[0].Mean, r.Groups[1].Mean, r.Welch.CILow, r.Welch.CIHigh) {
		return nil, newError(CodeOverflow, "column", v.name)
	}
	return r, nil
}

// levene is the one-way ANOVA F of the absolute deviations from each
// group's mean (or median, the Brown–Forsythe variant).
func levene(dev [][]float64, useMedian bool, column string) Maybe[FTest] {
	z := make([][]float64, len(dev))
	for j, d := range dev {
		c := mean(d)
		if useMedian {
			c = median(d)
		}
		z[j] = make([]float64, len(d))
		for i, x := range d {
			z[j][i] = math.Abs(x - c)
		}
	}
	a := oneWay(z)
	if a.ssw == 0 || a.dfw == 0 {
		return undefined[FTest](newError(CodeEqualSpread, "column", column))
	}
	f := (a.ssb / a.dfb) / (a.ssw / a.dfw)
	return defined(FTest{F: f, DF1: a.dfb, DF2: a.dfw, P: pFUpper(f, a.dfb, a.dfw)})
}

// oneWayTable is the core of a one-way ANOVA on centred group data.
type oneWayTable struct {
	means    []float64 // group means of the (centred) data
	grand    float64
	ssb, ssw float64
	dfb, dfw float64
}

func oneWay(groups [][]float64) oneWayTable {
	t := oneWayTable{means: make([]float64, len(groups))}
	var all kahan
	n := 0
	for j, g := range groups {
		s := sum(g)
		all.add(s)
		n += len(g)
		t.means[j] = s / float64(len(g))
	}
	t.grand = all.value() / float64(n)
	var b, w kahan
	for j, g := range groups {
		d := t.means[j] - t.grand
		b.add(float64(len(g)) * d * d)
		m := t.means[j]
		for _, x := range g {
			e := x - m
			w.add(e * e)
		}
	}
	t.ssb, t.ssw = b.value(), w.value()
	t.dfb, t.dfw = float64(len(groups)-1), float64(n-len(groups))
	return t
}
