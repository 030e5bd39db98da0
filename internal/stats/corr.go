package stats

import (
	"math"
	"strconv"
)

// CorrTest is a correlation coefficient with its t statistic and two-sided
// p-value on n − 2 degrees of freedom.
type CorrTest struct {
	R, T, DF, P float64
}

// Correlation holds Pearson's r and Spearman's rho of two columns over the
// rows where both have a value. Spearman's p-value is the t approximation
// (R's cor.test with exact = FALSE, and SPSS), which also holds with ties.
type Correlation struct {
	N, Excluded int
	Pearson     CorrTest
	Spearman    CorrTest
}

// Correlate computes Pearson and Spearman correlations of x and y.
func Correlate(x, y *Column) (*Correlation, error) {
	if x.Len() != y.Len() {
		return nil, lengthError(x.name, y.name, x.Len(), y.Len())
	}
	rows := make([]int, 0, x.Len())
	for i := range x.x {
		if x.present(i) && y.present(i) {
			rows = append(rows, i)
		}
	}
	n := len(rows)
	if n < 3 {
		return nil, newError(CodeTooFewValues, "column", x.name+", "+y.name, "min", "3", "n", strconv.Itoa(n))
	}
	cx, cy := x.centre(rows), y.centre(rows)
	r, ok := pearson(cx.dev, cy.dev)
	if !ok {
		name := x.name
		if _, okx := pearson(cx.dev, cx.dev); okx {
			name = y.name
		}
		return nil, newError(CodeZeroVariance, "column", name)
	}
	rho, _ := pearson(averageRanks(x.values(rows)), averageRanks(y.values(rows)))
	df := float64(n - 2)
	return &Correlation{
		N: n, Excluded: x.Len() - n,
		Pearson:  corrTest(r, df),
		Spearman: corrTest(rho, df),
	}, nil
}

func corrTest(r, df float64) CorrTest {
	c := CorrTest{R: r, DF: df}
	if math.Abs(r) >= 1 {
		c.T, c.P = math.Copysign(math.MaxFloat64, r), 0
		return c
	}
	c.T = r * math.Sqrt(df/((1-r)*(1+r)))
	c.P = pT2(c.T, df)
	return c
}

// pearson is the correlation of two equally long samples, and false when
// either has zero variance.
func pearson(x, y []float64) (float64, bool) {
	mx, my := mean(x), mean(y)
	var sxy, sxx, syy kahan
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxy.add(dx * dy)
		sxx.add(dx * dx)
		syy.add(dy * dy)
	}
	if sxx.value() == 0 || syy.value() == 0 {
		return 0, false
	}
	r := sxy.value() / math.Sqrt(sxx.value()*syy.value())
	return max(-1, min(1, r)), true
}

// averageRanks ranks values from 1, giving tied values the mean of their ranks.
func averageRanks(xs []float64) []float64 {
	rk := newRanker(xs)
	ranks := make([]float64, len(xs))
	for i, x := range xs {
		ranks[i] = rk.rank(x)
	}
	return ranks
}
