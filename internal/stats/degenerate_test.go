package stats_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/stats"
)

func col(t *testing.T, name string, v ...float64) *stats.Column {
	t.Helper()
	c, err := stats.NewColumn(name, v)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func fac(name string, labels ...string) *stats.Factor { return stats.NewFactor(name, labels) }

var nan = math.NaN()

// TestDegenerateInput checks that data which cannot support an analysis
// yield the typed error a UI translates, never NaN or a panic.
func TestDegenerateInput(t *testing.T) {
	for _, c := range []struct {
		name string
		run  func(t *testing.T) error
		code string
	}{
		{"describe all missing", func(t *testing.T) error {
			_, err := stats.Describe(col(t, "v", nan, nan))
			return err
		}, stats.CodeNoValues},
		{"one-sample one value", func(t *testing.T) error {
			_, err := stats.OneSampleT(col(t, "v", 3, nan), 0)
			return err
		}, stats.CodeTooFewValues},
		{"one-sample constant", func(t *testing.T) error {
			_, err := stats.OneSampleT(col(t, "v", 3, 3, 3), 1)
			return err
		}, stats.CodeZeroVariance},
		{"one-sample mu NaN", func(t *testing.T) error {
			_, err := stats.OneSampleT(col(t, "v", 3, 4, 5), nan)
			return err
		}, stats.CodeBadParameter},
		{"paired identical differences", func(t *testing.T) error {
			_, err := stats.PairedT(col(t, "a", 1, 2, 3), col(t, "b", 0, 1, 2))
			return err
		}, stats.CodeZeroVariance},
		{"paired length mismatch", func(t *testing.T) error {
			_, err := stats.PairedT(col(t, "a", 1, 2, 3), col(t, "b", 0, 1))
			return err
		}, stats.CodeLengthMismatch},
		{"t-test one group", func(t *testing.T) error {
			_, err := stats.IndependentT(col(t, "v", 1, 2, 3), fac("g", "a", "a", "a"))
			return err
		}, stats.CodeTooFewGroups},
		{"t-test three groups", func(t *testing.T) error {
			_, err := stats.IndependentT(col(t, "v", 1, 2, 3), fac("g", "a", "b", "c"))
			return err
		}, stats.CodeNotTwoGroups},
		{"t-test group of one", func(t *testing.T) error {
			_, err := stats.IndependentT(col(t, "v", 1, 2, 3), fac("g", "a", "a", "b"))
			return err
		}, stats.CodeGroupTooSmall},
		{"t-test group emptied by missing values", func(t *testing.T) error {
			_, err := stats.IndependentT(col(t, "v", 1, 2, nan, 4), fac("g", "a", "a", "b", ""))
			return err
		}, stats.CodeTooFewGroups},
		{"t-test both groups constant", func(t *testing.T) error {
			_, err := stats.IndependentT(col(t, "v", 1, 1, 2, 2), fac("g", "a", "a", "b", "b"))
			return err
		}, stats.CodeZeroVariance},
		{"anova one group", func(t *testing.T) error {
			_, err := stats.OneWayANOVA(col(t, "v", 1, 2, 3), fac("g", "a", "a", "a"))
			return err
		}, stats.CodeTooFewGroups},
		{"anova every group of one", func(t *testing.T) error {
			_, err := stats.OneWayANOVA(col(t, "v", 1, 2, 3), fac("g", "a", "b", "c"))
			return err
		}, stats.CodeTooFewValues},
		{"anova constant within groups", func(t *testing.T) error {
			_, err := stats.OneWayANOVA(col(t, "v", 1, 1, 2, 2), fac("g", "a", "a", "b", "b"))
			return err
		}, stats.CodeZeroVariance},
		{"chi-square one column level", func(t *testing.T) error {
			_, err := stats.ChiSquareTest(fac("r", "a", "b", "a"), fac("c", "x", "x", "x"))
			return err
		}, stats.CodeTableTooSmall},
		{"mann-whitney all tied", func(t *testing.T) error {
			_, err := stats.MannWhitneyU(col(t, "v", 2, 2, 2, 2), fac("g", "a", "b", "a", "b"))
			return err
		}, stats.CodeAllTied},
		{"kruskal all tied", func(t *testing.T) error {
			_, err := stats.KruskalWallisH(col(t, "v", 2, 2, 2), fac("g", "a", "b", "c"))
			return err
		}, stats.CodeAllTied},
		{"kruskal one group", func(t *testing.T) error {
			_, err := stats.KruskalWallisH(col(t, "v", 1, 2, 3), fac("g", "a", "a", ""))
			return err
		}, stats.CodeTooFewGroups},
		{"correlation constant x", func(t *testing.T) error {
			_, err := stats.Correlate(col(t, "x", 1, 1, 1, 1), col(t, "y", 1, 2, 3, 4))
			return err
		}, stats.CodeZeroVariance},
		{"correlation two pairs", func(t *testing.T) error {
			_, err := stats.Correlate(col(t, "x", 1, 2, nan), col(t, "y", 1, 2, 3))
			return err
		}, stats.CodeTooFewValues},
		{"alpha one item", func(t *testing.T) error {
			_, err := stats.CronbachAlpha([]*stats.Column{col(t, "a", 1, 2, 3)})
			return err
		}, stats.CodeTooFewItems},
		{"alpha constant item", func(t *testing.T) error {
			_, err := stats.CronbachAlpha([]*stats.Column{col(t, "a", 1, 2, 3), col(t, "b", 4, 4, 4)})
			return err
		}, stats.CodeZeroVariance},
		{"alpha items cancelling out", func(t *testing.T) error {
			_, err := stats.CronbachAlpha([]*stats.Column{col(t, "a", 1, 2, 3), col(t, "b", 5, 4, 3)})
			return err
		}, stats.CodeTotalConstant},
		{"kmo collinear items", func(t *testing.T) error {
			_, err := stats.KaiserMeyerOlkin([]*stats.Column{
				col(t, "a", 1, 2, 3, 4, 5, 1), col(t, "b", 2, 1, 4, 3, 5, 2), col(t, "c", 3, 3, 7, 7, 10, 3)})
			return err
		}, stats.CodeSingular},
		{"kmo too few respondents", func(t *testing.T) error {
			_, err := stats.KaiserMeyerOlkin([]*stats.Column{col(t, "a", 1, 2, 4), col(t, "b", 2, 1, 3), col(t, "c", 5, 3, 3)})
			return err
		}, stats.CodeFewRespondents},
		{"infinite value", func(t *testing.T) error {
			_, err := stats.NewColumn("v", []float64{1, math.Inf(1)})
			return err
		}, stats.CodeNotFinite},
		{"factor level not listed", func(t *testing.T) error {
			_, err := stats.NewFactorLevels("g", []string{"a", "z"}, []string{"a", "b"})
			return err
		}, stats.CodeUnknownLevel},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.run(t)
			var se *stats.Error
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *stats.Error with code %s", err, c.code)
			}
			if se.Code != c.code {
				t.Errorf("code = %s (%v), want %s", se.Code, err, c.code)
			}
			if msg := err.Error(); strings.Contains(msg, "{") || msg == "" {
				t.Errorf("message has unfilled placeholders: %q", msg)
			}
			if !errors.Is(err, &stats.Error{Code: c.code}) {
				t.Errorf("errors.Is does not match on the code")
			}
		})
	}
}

// TestUndefinedStatistics checks the statistics a result leaves undefined
// (with a reason) rather than failing the whole analysis.
func TestUndefinedStatistics(t *testing.T) {
	d, err := stats.Describe(col(t, "v", 4))
	if err != nil {
		t.Fatal(err)
	}
	if d.Mean != 4 || d.Median != 4 || d.SD.OK() || d.Skewness.OK() || d.Kurtosis.OK() || d.Lag1Autocorrelation.OK() {
		t.Errorf("one value: %+v", d)
	}
	d, err = stats.Describe(col(t, "v", 3, 3, 3, 3, 3))
	if err != nil {
		t.Fatal(err)
	}
	if !d.SD.OK() || d.SD.Value != 0 || d.Skewness.OK() || !d.SkewnessSE.OK() || d.Kurtosis.Reason.Code != stats.CodeZeroVariance {
		t.Errorf("constant: %+v", d)
	}
	// A group of one leaves Welch's ANOVA (and that group's SD) undefined,
	// not the classic F test.
	a, err := stats.OneWayANOVA(col(t, "v", 1, 2, 3, 4, 9), fac("g", "a", "a", "b", "b", "c"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Welch.OK() || a.Welch.Reason.Code != stats.CodeGroupTooSmall || a.Groups[2].SD.OK() || !a.Tukey.OK() {
		t.Errorf("group of one: welch %+v, sd %+v", a.Welch, a.Groups[2].SD)
	}
	al, err := stats.CronbachAlpha([]*stats.Column{col(t, "a", 1, 2, 3, 5), col(t, "b", 2, 2, 4, 5)})
	if err != nil {
		t.Fatal(err)
	}
	if al.IfDeleted[0].OK() || al.IfDeleted[0].Reason.Code != stats.CodeTooFewItems {
		t.Errorf("two items: alpha if deleted should be undefined: %+v", al.IfDeleted)
	}
}

// TestNoNaNOnRandomSmallData feeds many tiny random data sets, full of ties,
// missing values and small groups, to every analysis: each must return a
// result free of NaN and infinities, or a *stats.Error.
func TestNoNaNOnRandomSmallData(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 800 {
		n := 1 + rng.IntN(7)
		x, y := make([]float64, n), make([]float64, n)
		g, h := make([]string, n), make([]string, n)
		for i := range n {
			x[i], y[i] = float64(rng.IntN(3)), float64(rng.IntN(4))/2
			if rng.IntN(6) == 0 {
				x[i] = nan
			}
			g[i] = []string{"a", "b", "c", ""}[rng.IntN(4)]
			h[i] = []string{"p", "q"}[rng.IntN(2)]
		}
		cx, cy := col(t, "x", x...), col(t, "y", y...)
		fg, fh := fac("g", g...), fac("h", h...)
		check := func(what string, r any, err error) {
			if err != nil {
				var se *stats.Error
				if !errors.As(err, &se) {
					t.Fatalf("%s: untyped error %v", what, err)
				}
				return
			}
			if bad := findNonFinite(reflect.ValueOf(r), what); bad != "" {
				t.Fatalf("%s: %s on x=%v y=%v g=%q", what, bad, x, y, g)
			}
		}
		r1, err := stats.Describe(cx)
		check("describe", r1, err)
		r2, err := stats.OneSampleT(cx, 1)
		check("one-sample", r2, err)
		r3, err := stats.PairedT(cx, cy)
		check("paired", r3, err)
		r4, err := stats.IndependentT(cx, fh)
		check("independent", r4, err)
		r5, err := stats.OneWayANOVA(cx, fg)
		check("anova", r5, err)
		r6, err := stats.ChiSquareTest(fg, fh)
		check("chisq", r6, err)
		r7, err := stats.MannWhitneyU(cx, fh)
		check("mann-whitney", r7, err)
		r8, err := stats.KruskalWallisH(cx, fg)
		check("kruskal", r8, err)
		r9, err := stats.Correlate(cx, cy)
		check("correlate", r9, err)
		r10, err := stats.CronbachAlpha([]*stats.Column{cx, cy})
		check("alpha", r10, err)
		r11, err := stats.KaiserMeyerOlkin([]*stats.Column{cx, cy})
		check("kmo", r11, err)
	}
}

// findNonFinite walks a result and names the first NaN or infinite float
// that is not inside an undefined Maybe.
func findNonFinite(v reflect.Value, path string) string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ""
		}
		return findNonFinite(v.Elem(), path)
	case reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			return path + " is not finite"
		}
	case reflect.Struct:
		if r := v.FieldByName("Reason"); r.IsValid() && !r.IsNil() {
			return "" // an undefined statistic with its reason
		}
		for i := range v.NumField() {
			if s := findNonFinite(v.Field(i), path+"."+v.Type().Field(i).Name); s != "" {
				return s
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if s := findNonFinite(v.Index(i), path); s != "" {
				return s
			}
		}
	}
	return ""
}
