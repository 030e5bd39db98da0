package stats

import (
	"math"
	"strconv"
)

// Descriptives summarises one column the way SPSS's Descriptives and
// Explore do, with quartiles as R's default (type 7) computes them.
type Descriptives struct {
	N, Missing int
	Mean       float64
	Min, Max   float64
	Median     float64
	Q1, Q3     float64
	// SD and Variance use the n−1 denominator; undefined for one value.
	SD, Variance Maybe[float64]
	// Skewness is SPSS's G1 and Kurtosis its G2 (excess), each with the
	// standard error SPSS prints; they need 3 and 4 values and non-zero
	// variance (the standard errors depend on n only).
	Skewness, SkewnessSE Maybe[float64]
	Kurtosis, KurtosisSE Maybe[float64]
	// Lag1Autocorrelation is NIST's r(1) = Σ(y_i−ȳ)(y_{i−1}−ȳ)/Σ(y_i−ȳ)²,
	// over the non-missing values in row order.
	Lag1Autocorrelation Maybe[float64]
}

// Describe computes the descriptive statistics of a column's non-missing values.
func Describe(c *Column) (*Descriptives, error) {
	rows := c.presentRows()
	n := len(rows)
	if n == 0 {
		return nil, newError(CodeNoValues, "column", c.name)
	}
	d := &Descriptives{N: n, Missing: c.missing}
	cen := c.centre(rows)
	dm := mean(cen.dev)
	// The second moment and the lag product are summed with compensation
	// (they carry the certified SD and r(1)); the third and fourth only feed
	// skewness and kurtosis, where plain sums are ample.
	var m2, lag kahan
	var s3, s4 float64
	prev := 0.0
	for i, v := range cen.dev {
		e := v - dm
		e2 := e * e
		m2.add(e2)
		s3 += e2 * e
		s4 += e2 * e2
		if i > 0 {
			lag.add(e * prev)
		}
		prev = e
	}
	d.Mean = cen.base + dm
	sorted := sortedCopy(c.presentValues())
	d.Min, d.Max = sorted[0], sorted[n-1]
	d.Median = quantile7(sorted, 0.5)
	d.Q1, d.Q3 = quantile7(sorted, 0.25), quantile7(sorted, 0.75)

	fn := float64(n)
	ss := m2.value()
	few := func(min int) *Error {
		return newError(CodeTooFewValues, "column", c.name, "min", strconv.Itoa(min), "n", strconv.Itoa(n))
	}
	flat := newError(CodeZeroVariance, "column", c.name)
	if n < 2 {
		d.SD, d.Variance, d.Lag1Autocorrelation = undefined[float64](few(2)), undefined[float64](few(2)), undefined[float64](few(2))
	} else {
		v := ss / (fn - 1)
		d.Variance, d.SD = defined(v), defined(math.Sqrt(v))
		if ss > 0 {
			d.Lag1Autocorrelation = defined(lag.value() / ss)
		} else {
			d.Lag1Autocorrelation = undefined[float64](flat)
		}
	}
	if n < 3 {
		d.Skewness, d.SkewnessSE = undefined[float64](few(3)), undefined[float64](few(3))
		d.Kurtosis, d.KurtosisSE = undefined[float64](few(4)), undefined[float64](few(4))
	} else {
		se := math.Sqrt(6 * fn * (fn - 1) / ((fn - 2) * (fn + 1) * (fn + 3)))
		d.SkewnessSE = defined(se)
		if ss > 0 {
			g1 := (s3 / fn) / math.Pow(ss/fn, 1.5)
			d.Skewness = defined(g1 * math.Sqrt(fn*(fn-1)) / (fn - 2))
		} else {
			d.Skewness = undefined[float64](flat)
		}
		if n < 4 {
			d.Kurtosis, d.KurtosisSE = undefined[float64](few(4)), undefined[float64](few(4))
		} else {
			d.KurtosisSE = defined(2 * se * math.Sqrt((fn*fn-1)/((fn-3)*(fn+5))))
			if ss > 0 {
				g2 := (s4/fn)/((ss/fn)*(ss/fn)) - 3
				d.Kurtosis = defined(((fn+1)*g2 + 6) * (fn - 1) / ((fn - 2) * (fn - 3)))
			} else {
				d.Kurtosis = undefined[float64](flat)
			}
		}
	}
	if !finite(d.Mean, d.Min, d.Max, d.Median, d.Q1, d.Q3, d.SD.Value, d.Variance.Value,
		d.Skewness.Value, d.Kurtosis.Value, d.Lag1Autocorrelation.Value) {
		return nil, newError(CodeOverflow, "column", c.name)
	}
	return d, nil
}

// Frequency is one distinct value or level with its count. Percent is of
// all rows, missing included, and ValidPercent of the non-missing ones, as
// SPSS's Frequencies table shows them.
type Frequency struct {
	Label        string
	Value        float64 // for a numeric column; 0 for a factor level
	Count        int
	Percent      float64
	ValidPercent float64
}

// Frequencies is a frequency table with the missing count.
type Frequencies struct {
	N, Missing int
	Rows       []Frequency
}

// ColumnFrequencies counts a column's distinct values in ascending order.
func ColumnFrequencies(c *Column) *Frequencies {
	vals := c.presentValues()
	f := &Frequencies{N: len(vals), Missing: c.missing}
	sorted := sortedCopy(vals)
	for i := 0; i < len(sorted); {
		j := i
		for j < len(sorted) && sorted[j] == sorted[i] {
			j++
		}
		f.Rows = append(f.Rows, Frequency{
			Label: strconv.FormatFloat(sorted[i], 'g', -1, 64), Value: sorted[i], Count: j - i,
		})
		i = j
	}
	f.percentages(c.Len())
	return f
}

// FactorFrequencies counts a factor's levels in the factor's level order,
// listing levels with no rows as zero.
func FactorFrequencies(g *Factor) *Frequencies {
	counts := make([]int, len(g.levels))
	f := &Frequencies{}
	for _, c := range g.codes {
		if c < 0 {
			f.Missing++
			continue
		}
		counts[c]++
		f.N++
	}
	for i, l := range g.levels {
		f.Rows = append(f.Rows, Frequency{Label: l, Count: counts[i]})
	}
	f.percentages(g.Len())
	return f
}

func (f *Frequencies) percentages(total int) {
	for i := range f.Rows {
		r := &f.Rows[i]
		if total > 0 {
			r.Percent = 100 * float64(r.Count) / float64(total)
		}
		if f.N > 0 {
			r.ValidPercent = 100 * float64(r.Count) / float64(f.N)
		}
	}
}

// finite reports whether every value is a finite number, the last guard
// before a result leaves the package.
func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
