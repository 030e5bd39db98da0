package stats

import (
	"math"
	"strconv"
)

// Alpha is Cronbach's alpha of a scale (the items of one questionnaire
// dimension), over the respondents who answered every item (listwise, as
// SPSS's Reliability does).
type Alpha struct {
	N, Excluded int
	Items       []string
	Alpha       float64 // from the item covariances
	StdAlpha    float64 // from the item correlations
	// IfDeleted is the raw alpha of the scale without each item; undefined
	// for a two-item scale, where one item would remain.
	IfDeleted []Maybe[float64]
	// ItemTotal is the corrected item-total correlation: each item against
	// the sum of the other items.
	ItemTotal []float64
}

// CronbachAlpha computes the reliability of a scale from its item columns.
func CronbachAlpha(items []*Column) (*Alpha, error) {
	cov, n, excluded, err := itemCovariance(items)
	if err != nil {
		return nil, err
	}
	k := len(items)
	fk := float64(k)
	r := &Alpha{N: n, Excluded: excluded}
	var diag, total float64
	for i := range k {
		r.Items = append(r.Items, items[i].name)
		diag += cov[i][i]
		for j := range k {
			total += cov[i][j]
		}
	}
	if total <= 0 {
		return nil, newError(CodeTotalConstant)
	}
	r.Alpha = fk / (fk - 1) * (1 - diag/total)
	var rsum float64
	for i := range k {
		for j := i + 1; j < k; j++ {
			rsum += cov[i][j] / math.Sqrt(cov[i][i]*cov[j][j])
		}
	}
	rbar := rsum / (fk * (fk - 1) / 2)
	r.StdAlpha = fk * rbar / (1 + (fk-1)*rbar)
	for i := range k {
		var row float64
		for j := range k {
			row += cov[i][j]
		}
		rest := total - 2*row + cov[i][i] // variance of the sum without item i
		r.ItemTotal = append(r.ItemTotal, (row-cov[i][i])/math.Sqrt(cov[i][i]*rest))
		if k < 3 {
			r.IfDeleted = append(r.IfDeleted, undefined[float64](newError(CodeTooFewItems, "min", "3", "n", strconv.Itoa(k))))
			continue
		}
		km := fk - 1
		r.IfDeleted = append(r.IfDeleted, defined(km/(km-1)*(1-(diag-cov[i][i])/rest)))
	}
	vals := []float64{r.Alpha, r.StdAlpha}
	vals = append(vals, r.ItemTotal...)
	for _, m := range r.IfDeleted {
		vals = append(vals, m.Value)
	}
	if !finite(vals...) {
		return nil, newError(CodeTotalConstant)
	}
	return r, nil
}

// itemCovariance is the covariance matrix (n − 1 denominator) of the items
// over the rows where every item has a value. Each item is centred exactly
// first, so the products keep full precision. Items with zero variance are
// an error: no correlation-based statistic is defined for them.
func itemCovariance(items []*Column) (cov [][]float64, n, excluded int, err error) {
	k := len(items)
	if k < 2 {
		return nil, 0, 0, newError(CodeTooFewItems, "min", "2", "n", strconv.Itoa(k))
	}
	rowsN := items[0].Len()
	for _, it := range items[1:] {
		if it.Len() != rowsN {
			return nil, 0, 0, lengthError(items[0].name, it.name, rowsN, it.Len())
		}
	}
	rows := make([]int, 0, rowsN)
	for i := range rowsN {
		ok := true
		for _, it := range items {
			if !it.present(i) {
				ok = false
				break
			}
		}
		if ok {
			rows = append(rows, i)
		}
	}
	n, excluded = len(rows), rowsN-len(rows)
	if n < 2 {
		return nil, 0, 0, newError(CodeFewRespondents, "min", "2", "n", strconv.Itoa(n))
	}
	dev := make([][]float64, k)
	for i, it := range items {
		c := it.centre(rows)
		m := mean(c.dev)
		for r := range c.dev {
			c.dev[r] -= m
		}
		dev[i] = c.dev
	}
	cov = make([][]float64, k)
	for i := range cov {
		cov[i] = make([]float64, k)
	}
	for i := range k {
		for j := i; j < k; j++ {
			cov[i][j] = dot(dev[i], dev[j]) / float64(n-1)
			cov[j][i] = cov[i][j]
		}
		if cov[i][i] == 0 {
			return nil, 0, 0, newError(CodeZeroVariance, "column", items[i].name)
		}
	}
	return cov, n, excluded, nil
}

// dot is Σ a[i]·b[i] over contiguous slices, with four partial sums so the
// loop pipelines (the operands are centred, so no compensation is needed).
func dot(a, b []float64) float64 {
	var s0, s1, s2, s3 float64
	n := len(a) &^ 3
	b = b[:len(a)]
	for i := 0; i < n; i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for i := n; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}
