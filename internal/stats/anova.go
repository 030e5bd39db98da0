package stats

import (
	"math"
	"strconv"
)

// SumSquares is one line of an ANOVA table.
type SumSquares struct {
	SS, DF, MS float64
}

// PairP is a post-hoc comparison of groups A and B; Diff is mean(B) − mean(A),
// as R's TukeyHSD reports it.
type PairP struct {
	A, B string
	Diff float64
	P    float64
}

// TukeyPair is a Tukey HSD comparison with its 95% family-wise interval.
type TukeyPair struct {
	A, B     string
	Diff     float64
	Lwr, Upr float64
	P        float64
}

// ANOVA is a one-way analysis of variance of a column across the levels of a
// factor, with the robust and post-hoc companions researchers report.
type ANOVA struct {
	N, Excluded int
	Groups      []GroupSummary
	Between     SumSquares
	Within      SumSquares
	Total       SumSquares // MS unused
	F, P        float64
	EtaSquared  float64
	RSquared    float64 // equals EtaSquared in a one-way design
	ResidualSD  float64 // √MS_within
	// Welch is Welch's heteroscedastic ANOVA (R's oneway.test); undefined
	// when a group has fewer than two values or zero variance.
	Welch Maybe[FTest]
	// Levene and BrownForsythe test equality of variances.
	Levene, BrownForsythe Maybe[FTest]
	// LSD and Bonferroni are pooled-variance pairwise t-tests, unadjusted
	// and Bonferroni-adjusted; pairs run (1,2), (1,3), …, (2,3), … in the
	// factor's level order.
	LSD, Bonferroni []PairP
	// Tukey is Tukey's HSD (Tukey–Kramer for unequal groups); undefined
	// with fewer than two residual degrees of freedom.
	Tukey Maybe[[]TukeyPair]
}

// OneWayANOVA analyses v across the groups of g.
func OneWayANOVA(v *Column, g *Factor) (*ANOVA, error) {
	gr, err := splitRows(v, g)
	if err != nil {
		return nil, err
	}
	k := len(gr.labels)
	if k < 2 {
		return nil, newError(CodeTooFewGroups, "column", g.name)
	}
	if gr.n <= k {
		return nil, newError(CodeTooFewValues, "column", v.name, "min", strconv.Itoa(k+1), "n", strconv.Itoa(gr.n))
	}
	base, dev := centredGroups(v, gr)
	t := oneWay(dev)
	if t.ssw == 0 {
		return nil, newError(CodeZeroVariance, "column", v.name)
	}
	r := &ANOVA{N: gr.n, Excluded: gr.excluded}
	msb, msw := t.ssb/t.dfb, t.ssw/t.dfw
	r.Between = SumSquares{SS: t.ssb, DF: t.dfb, MS: msb}
	r.Within = SumSquares{SS: t.ssw, DF: t.dfw, MS: msw}
	r.Total = SumSquares{SS: t.ssb + t.ssw, DF: t.dfb + t.dfw}
	r.F = msb / msw
	r.P = pFUpper(r.F, t.dfb, t.dfw)
	r.EtaSquared = t.ssb / (t.ssb + t.ssw)
	r.RSquared = r.EtaSquared
	r.ResidualSD = math.Sqrt(msw)

	n := make([]float64, k)
	vars := make([]float64, k)
	for j, d := range dev {
		n[j] = float64(len(d))
		gs := GroupSummary{Name: gr.labels[j], N: len(d), Mean: base + t.means[j]}
		if len(d) > 1 {
			ss, _ := sumSquares(d)
			vars[j] = ss / (n[j] - 1)
			gs.SD = defined(math.Sqrt(vars[j]))
		} else {
			gs.SD = undefined[float64](newError(CodeGroupTooSmall, "group", gr.labels[j], "column", g.name, "n", "1", "min", "2"))
		}
		r.Groups = append(r.Groups, gs)
	}
	r.Welch = welchANOVA(t.means, n, vars, gr.labels, g.name, v.name)
	r.Levene = levene(dev, false, v.name)
	r.BrownForsythe = levene(dev, true, v.name)
	r.postHoc(t.means, n, msw, t.dfw, gr.labels)
	if !finite(r.F, r.P, r.EtaSquared, r.ResidualSD, r.Between.SS, r.Within.SS) {
		return nil, newError(CodeOverflow, "column", v.name)
	}
	return r, nil
}

// welchANOVA is Welch's F for unequal variances (R's oneway.test with
// var.equal = FALSE).
func welchANOVA(means, n, vars []float64, labels []string, group, column string) Maybe[FTest] {
	k := float64(len(means))
	w := make([]float64, len(means))
	var sw, swm float64
	for j := range means {
		if n[j] < 2 {
			return undefined[FTest](newError(CodeGroupTooSmall, "group", labels[j], "column", group,
				"n", strconv.Itoa(int(n[j])), "min", "2"))
		}
		if vars[j] == 0 {
			return undefined[FTest](newError(CodeGroupConstant, "group", labels[j], "column", column))
		}
		w[j] = n[j] / vars[j]
		sw += w[j]
		swm += w[j] * means[j]
	}
	mw := swm / sw
	var num, tmp float64
	for j := range means {
		d := means[j] - mw
		num += w[j] * d * d
		u := 1 - w[j]/sw
		tmp += u * u / (n[j] - 1)
	}
	tmp /= k*k - 1
	f := num / ((k - 1) * (1 + 2*(k-2)*tmp))
	df2 := 1 / (3 * tmp)
	return defined(FTest{F: f, DF1: k - 1, DF2: df2, P: pFUpper(f, k-1, df2)})
}

// postHoc fills the pairwise comparisons from the group means and the
// pooled within-group mean square.
func (r *ANOVA) postHoc(means, n []float64, msw, dfw float64, labels []string) {
	k := len(means)
	pairs := float64(k * (k - 1) / 2)
	var tukey []TukeyPair
	var q float64
	if dfw >= 2 {
		q = qtukey(Confidence, float64(k), dfw)
	}
	for a := 0; a < k; a++ {
		for b := a + 1; b < k; b++ {
			diff := means[b] - means[a]
			se := math.Sqrt(msw * (1/n[a] + 1/n[b]))
			p := pT2(diff/se, dfw)
			r.LSD = append(r.LSD, PairP{A: labels[a], B: labels[b], Diff: diff, P: p})
			r.Bonferroni = append(r.Bonferroni, PairP{A: labels[a], B: labels[b], Diff: diff, P: math.Min(1, p*pairs)})
			if dfw >= 2 {
				hse := se / math.Sqrt2
				tukey = append(tukey, TukeyPair{
					A: labels[a], B: labels[b], Diff: diff,
					Lwr: diff - q*hse, Upr: diff + q*hse,
					P: ptukeyUpper(math.Abs(diff)/hse, float64(k), dfw),
				})
			}
		}
	}
	if dfw >= 2 {
		r.Tukey = defined(tukey)
	} else {
		r.Tukey = undefined[[]TukeyPair](newError(CodeTooFewDF, "min", "2", "n", strconv.Itoa(int(dfw))))
	}
}
