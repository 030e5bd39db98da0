package stats

import (
	"math"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// The distribution functions below are the tails the tests need, computed
// so that tiny p-values keep their relative precision (agreement with R to
// 1e-8 down to the smallest double). gonum is used where it measured as
// accurate against R: the regularized incomplete gamma (chi-square), its
// Student t quantile as a starting point, and erfc from the standard library
// for the normal. Its incomplete beta loses about a·eps for large degrees of
// freedom (4e-9 at df = 1e6) and F.Survival is 1 − CDF, which underflows
// in the upper tail, so t and F use betaInc from incbeta.go.

// pT2 is the two-sided p-value of Student's t with df degrees of freedom:
// P(|T| >= |t|) = I_x(df/2, 1/2) with x = df/(df+t²).
func pT2(t, df float64) float64 {
	if t == 0 {
		return 1
	}
	r := df / (t * t)
	lo, _ := betaInc(df/2, 0.5, r/(1+r), 1/(1+r))
	return lo
}

// pFUpper is P(F >= f) for an F distribution with d1 and d2 degrees of
// freedom: I_x(d2/2, d1/2) with x = d2/(d2 + d1·f).
func pFUpper(f, d1, d2 float64) float64 {
	if f <= 0 {
		return 1
	}
	r := d2 / (d1 * f)
	lo, _ := betaInc(d2/2, d1/2, r/(1+r), 1/(1+r))
	return lo
}

// pChisqUpper is P(X >= x) for a chi-square distribution with df degrees of freedom.
func pChisqUpper(x, df float64) float64 {
	if x <= 0 {
		return 1
	}
	return mathext.GammaIncRegComp(df/2, x/2)
}

// pNorm2 is the two-sided p-value of a standard normal deviate.
func pNorm2(z float64) float64 {
	return math.Erfc(math.Abs(z) / math.Sqrt2)
}

// pNorm is the standard normal distribution function.
func pNorm(z float64) float64 {
	return 0.5 * math.Erfc(-z/math.Sqrt2)
}

// dT is the density of Student's t.
func dT(t, df float64) float64 {
	return math.Exp(-lbeta(df/2, 0.5)-(df+1)/2*math.Log1p(t*t/df)) / math.Sqrt(df)
}

// qT is the quantile of Student's t for p > 1/2: gonum's value polished by
// Newton steps on pT2, so that confidence limits match R's qt.
func qT(p, df float64) float64 {
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(p)
	for i := 0; i < 3; i++ {
		g := 0.5*pT2(t, df) - (1 - p)
		step := g / dT(t, df)
		t += step
		if math.Abs(step) <= 1e-15*t {
			break
		}
	}
	return t
}
