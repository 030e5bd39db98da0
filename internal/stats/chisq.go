package stats

import (
	"math"
	"strconv"
)

// ChiSquare is Pearson's chi-square test of independence of two factors,
// with Yates' correction and Fisher's exact test for 2×2 tables.
type ChiSquare struct {
	N, Excluded int
	RowLevels   []string
	ColLevels   []string
	Observed    [][]int
	Expected    [][]float64
	Statistic   float64
	DF          int
	P           float64
	// Yates is the continuity-corrected test, as R's chisq.test applies it
	// to 2×2 tables; nil for larger tables.
	Yates *ChiSquareStat
	// FisherP is the two-sided p-value of Fisher's exact test (R's
	// fisher.test); nil for larger tables.
	FisherP *float64
	// Warnings carries stats.warning.small_expected when expected counts
	// fall below 5, with the count, percentage and minimum SPSS prints.
	Warnings []*Error
}

// ChiSquareStat is a chi-square statistic with its p-value.
type ChiSquareStat struct {
	Statistic, P float64
}

// ChiSquareTest cross-tabulates two factors over the rows where both have a
// value and tests their independence.
func ChiSquareTest(row, col *Factor) (*ChiSquare, error) {
	if row.Len() != col.Len() {
		return nil, lengthError(row.name, col.name, row.Len(), col.Len())
	}
	full := make([][]int, len(row.levels))
	for i := range full {
		full[i] = make([]int, len(col.levels))
	}
	r := &ChiSquare{}
	for i, rc := range row.codes {
		cc := col.codes[i]
		if rc < 0 || cc < 0 {
			r.Excluded++
			continue
		}
		full[rc][cc]++
		r.N++
	}
	// Keep only levels that occur among the complete rows.
	rowTot, colTot := make([]int, len(row.levels)), make([]int, len(col.levels))
	for i, cs := range full {
		for j, v := range cs {
			rowTot[i] += v
			colTot[j] += v
		}
	}
	var ri, ci []int
	for i, t := range rowTot {
		if t > 0 {
			ri = append(ri, i)
			r.RowLevels = append(r.RowLevels, row.levels[i])
		}
	}
	for j, t := range colTot {
		if t > 0 {
			ci = append(ci, j)
			r.ColLevels = append(r.ColLevels, col.levels[j])
		}
	}
	if len(ri) < 2 || len(ci) < 2 {
		return nil, newError(CodeTableTooSmall, "row", row.name, "col", col.name)
	}
	n := float64(r.N)
	small, minE := 0, math.Inf(1)
	var stat kahan
	for _, i := range ri {
		obs := make([]int, len(ci))
		exp := make([]float64, len(ci))
		for k, j := range ci {
			obs[k] = full[i][j]
			exp[k] = float64(rowTot[i]) * float64(colTot[j]) / n
			d := float64(obs[k]) - exp[k]
			stat.add(d * d / exp[k])
			if exp[k] < 5 {
				small++
			}
			minE = min(minE, exp[k])
		}
		r.Observed = append(r.Observed, obs)
		r.Expected = append(r.Expected, exp)
	}
	r.Statistic = stat.value()
	r.DF = (len(ri) - 1) * (len(ci) - 1)
	r.P = pChisqUpper(r.Statistic, float64(r.DF))
	if small > 0 {
		cells := len(ri) * len(ci)
		r.Warnings = append(r.Warnings, newError(WarnSmallExpected,
			"cells", strconv.Itoa(small),
			"percent", strconv.FormatFloat(100*float64(small)/float64(cells), 'f', 1, 64),
			"min", strconv.FormatFloat(minE, 'f', 2, 64)))
	}
	if len(ri) == 2 && len(ci) == 2 {
		r.Yates = yates(r.Observed, r.Expected)
		p := fisher2x2(r.Observed)
		r.FisherP = &p
	}
	return r, nil
}

// yates applies R's correction: every |O − E| is reduced by
// min(0.5, smallest |O − E|), so a perfectly fitting table is not pushed
// past zero.
func yates(obs [][]int, exp [][]float64) *ChiSquareStat {
	c := 0.5
	for i := range obs {
		for j := range obs[i] {
			c = math.Min(c, math.Abs(float64(obs[i][j])-exp[i][j]))
		}
	}
	var s kahan
	for i := range obs {
		for j := range obs[i] {
			d := math.Abs(float64(obs[i][j])-exp[i][j]) - c
			s.add(d * d / exp[i][j])
		}
	}
	st := s.value()
	return &ChiSquareStat{Statistic: st, P: pChisqUpper(st, 1)}
}

// fisher2x2 is the two-sided p-value of Fisher's exact test as R computes
// it: the total probability of the tables, with the observed margins, that
// are no more likely than the observed one (with R's relative tolerance of
// 1e-7 for ties in probability). Probabilities are built in logarithms by
// the ratio of successive hypergeometric terms from the most likely table,
// which stays exact to a few ulps and never overflows.
func fisher2x2(t [][]int) float64 {
	m := t[0][0] + t[1][0] // first column total
	nn := t[0][1] + t[1][1]
	k := t[0][0] + t[0][1] // first row total
	x := t[0][0]
	lo, hi := max(0, k-nn), min(k, m)
	// log-probabilities up to a constant, relative to x = lo
	logd := make([]float64, hi-lo+1)
	for v := lo; v < hi; v++ {
		// P(v+1)/P(v) = (m−v)(k−v) / ((v+1)(nn−k+v+1))
		ratio := float64(m-v) * float64(k-v) / (float64(v+1) * float64(nn-k+v+1))
		logd[v-lo+1] = logd[v-lo] + math.Log(ratio)
	}
	top := math.Inf(-1)
	for _, l := range logd {
		top = max(top, l)
	}
	obs := logd[x-lo]
	var all, tail kahan
	for _, l := range logd {
		w := math.Exp(l - top)
		all.add(w)
		if l <= obs+math.Log1p(1e-7) {
			tail.add(w)
		}
	}
	return min(1, tail.value()/all.value())
}
