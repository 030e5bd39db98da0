package stats_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/stats"
	"github.com/yanxiu/yanxiu/internal/stats/csvdata"
)

// The golden files are written by testdata/golden.R: each case is the
// argument list of `yanxiu stats` and the figures R computes for it. This
// test calls the package API directly and compares every figure; statcli's
// tests check the same cases end to end through the JSON output.

type goldenFile struct {
	Dataset string `json:"dataset"`
	Cases   []struct {
		Args []string       `json:"args"`
		Want map[string]any `json:"want"`
	} `json:"cases"`
}

func loadGolden(t *testing.T, name string) goldenFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var g goldenFile
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return g
}

// flatten turns nested JSON into path → value ("student.p", "posthoc.tukey.2.lwr").
func flatten(prefix string, v any, out map[string]any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			flatten(join(prefix, k), e, out)
		}
	case []any:
		for i, e := range x {
			flatten(join(prefix, strconv.Itoa(i)), e, out)
		}
	default:
		out[prefix] = x
	}
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// arg returns the value following flag in a golden argument list.
func arg(args []string, flag string) string {
	for i, a := range args {
		if a == flag && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

func readTable(t *testing.T, file string) *csvdata.Table {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	hdr, err := csvdata.Read(f, csvdata.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(0, 0); err != nil {
		t.Fatal(err)
	}
	tbl, err := csvdata.Read(f, csvdata.Request{Numeric: numericColumns(hdr.Header()), Factors: hdr.Header()})
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

// numericColumns picks the columns of the test files that hold numbers.
func numericColumns(header []string) []string {
	var out []string
	for _, h := range header {
		switch h {
		case "gender", "band", "location", "title", "grp", "band3", "r2", "c2", "g", "r", "c":
		default:
			out = append(out, h)
		}
	}
	return out
}

// tolerance says how close a figure must be to R's: p-values to a relative
// 1e-8 (Tukey's, which R forms as 1 − P, to 1e-13 absolute as well), every
// other figure to a relative 1e-9.
func tolerance(path string, want float64) float64 {
	switch {
	case strings.Contains(path, "tukey") && strings.HasSuffix(path, ".p"):
		return 1e-8*math.Abs(want) + 1e-13
	case path == "p" || strings.HasSuffix(path, ".p") || strings.HasSuffix(path, "fisher_p"):
		return 1e-8 * math.Abs(want)
	default:
		return 1e-9*math.Abs(want) + 1e-13
	}
}

func compareFlat(t *testing.T, got, want map[string]any) {
	t.Helper()
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		w := want[k]
		g, ok := got[k]
		if !ok {
			t.Errorf("%s: missing (R: %v)", k, w)
			continue
		}
		switch wv := w.(type) {
		case float64:
			gv, ok := g.(float64)
			if !ok {
				t.Errorf("%s = %v (%T), R: %v", k, g, g, wv)
				continue
			}
			if d := math.Abs(gv - wv); d > tolerance(k, wv) {
				t.Errorf("%s = %.17g, R: %.17g (relative error %.2g)", k, gv, wv, d/math.Abs(wv))
			}
		default:
			if fmt.Sprint(g) != fmt.Sprint(w) {
				t.Errorf("%s = %v, R: %v", k, g, w)
			}
		}
	}
}

func TestGoldenR(t *testing.T) {
	for _, file := range []string{"golden_survey.json", "golden_fartail.json", "golden_small.json"} {
		g := loadGolden(t, file)
		tbl := readTable(t, g.Dataset)
		for _, c := range g.Cases {
			t.Run(g.Dataset+" "+strings.Join(c.Args, " "), func(t *testing.T) {
				got, err := analyse(tbl, c.Args)
				if err != nil {
					t.Fatal(err)
				}
				gf, wf := map[string]any{}, map[string]any{}
				flatten("", got, gf)
				flatten("", c.Want, wf)
				compareFlat(t, gf, wf)
			})
		}
	}
}

func maybe(m stats.Maybe[float64]) any {
	if !m.OK() {
		return nil
	}
	return m.Value
}

func ttestMap(r stats.TTest) map[string]any {
	return map[string]any{"t": r.T, "df": r.DF, "p": r.P, "mean_diff": r.MeanDiff, "ci_low": r.CILow, "ci_high": r.CIHigh}
}

func ftestMap(m stats.Maybe[stats.FTest]) any {
	if !m.OK() {
		return nil
	}
	return map[string]any{"f": m.Value.F, "df1": m.Value.DF1, "df2": m.Value.DF2, "p": m.Value.P}
}

// analyse runs the analysis a golden argument list names, shaping the
// result as the command line prints it.
func analyse(tbl *csvdata.Table, args []string) (map[string]any, error) {
	col := func(flag string) *stats.Column { return tbl.Column(arg(args, flag)) }
	fac := func(flag string) *stats.Factor { return tbl.Factor(arg(args, flag)) }
	items := func() []*stats.Column {
		var out []*stats.Column
		for _, n := range strings.Split(arg(args, "--items"), ",") {
			out = append(out, tbl.Column(n))
		}
		return out
	}
	switch args[0] {
	case "describe":
		cols := map[string]any{}
		for _, n := range strings.Split(arg(args, "--cols"), ",") {
			d, err := stats.Describe(tbl.Column(n))
			if err != nil {
				return nil, err
			}
			cols[n] = map[string]any{"n": float64(d.N), "missing": float64(d.Missing), "mean": d.Mean,
				"sd": maybe(d.SD), "variance": maybe(d.Variance), "min": d.Min, "max": d.Max,
				"median": d.Median, "q1": d.Q1, "q3": d.Q3, "skewness": maybe(d.Skewness),
				"skewness_se": maybe(d.SkewnessSE), "kurtosis": maybe(d.Kurtosis),
				"kurtosis_se": maybe(d.KurtosisSE), "lag1_autocorrelation": maybe(d.Lag1Autocorrelation)}
		}
		return map[string]any{"columns": cols}, nil
	case "ttest":
		switch {
		case arg(args, "--paired") != "":
			p := strings.Split(arg(args, "--paired"), ",")
			r, err := stats.PairedT(tbl.Column(p[0]), tbl.Column(p[1]))
			if err != nil {
				return nil, err
			}
			return ttestMap(r.TTest), nil
		case arg(args, "--mu") != "":
			mu, _ := strconv.ParseFloat(arg(args, "--mu"), 64)
			r, err := stats.OneSampleT(col("--value"), mu)
			if err != nil {
				return nil, err
			}
			return ttestMap(r.TTest), nil
		}
		r, err := stats.IndependentT(col("--value"), fac("--group"))
		if err != nil {
			return nil, err
		}
		var groups []any
		for _, g := range r.Groups {
			groups = append(groups, map[string]any{"name": g.Name, "n": float64(g.N), "mean": g.Mean, "sd": maybe(g.SD)})
		}
		return map[string]any{"groups": groups, "student": ttestMap(r.Student), "welch": ttestMap(r.Welch),
			"levene": ftestMap(r.Levene), "brown_forsythe": ftestMap(r.BrownForsythe), "cohen_d": r.CohenD}, nil
	case "anova":
		r, err := stats.OneWayANOVA(col("--value"), fac("--group"))
		if err != nil {
			return nil, err
		}
		pairs := func(ps []stats.PairP) []any {
			var out []any
			for _, p := range ps {
				out = append(out, map[string]any{"a": p.A, "b": p.B, "diff": p.Diff, "p": p.P})
			}
			return out
		}
		var tukey []any
		for _, p := range r.Tukey.Value {
			tukey = append(tukey, map[string]any{"a": p.A, "b": p.B, "diff": p.Diff, "lwr": p.Lwr, "upr": p.Upr, "p": p.P})
		}
		return map[string]any{
			"between": map[string]any{"ss": r.Between.SS, "df": r.Between.DF, "ms": r.Between.MS},
			"within":  map[string]any{"ss": r.Within.SS, "df": r.Within.DF, "ms": r.Within.MS},
			"total":   map[string]any{"ss": r.Total.SS, "df": r.Total.DF},
			"f":       r.F, "p": r.P, "eta_squared": r.EtaSquared, "r_squared": r.RSquared,
			"residual_sd": r.ResidualSD, "welch": ftestMap(r.Welch),
			"posthoc": map[string]any{"lsd": pairs(r.LSD), "bonferroni": pairs(r.Bonferroni), "tukey": tukey},
		}, nil
	case "chisq":
		r, err := stats.ChiSquareTest(fac("--row"), fac("--col"))
		if err != nil {
			return nil, err
		}
		var exp []any
		for _, row := range r.Expected {
			var e []any
			for _, v := range row {
				e = append(e, v)
			}
			exp = append(exp, e)
		}
		out := map[string]any{"statistic": r.Statistic, "df": float64(r.DF), "p": r.P, "expected": exp}
		if r.Yates != nil {
			out["yates"] = map[string]any{"statistic": r.Yates.Statistic, "p": r.Yates.P}
			out["fisher_p"] = *r.FisherP
		}
		return out, nil
	case "corr":
		r, err := stats.Correlate(col("--x"), col("--y"))
		if err != nil {
			return nil, err
		}
		return map[string]any{"n": float64(r.N), "pearson": map[string]any{"r": r.Pearson.R, "p": r.Pearson.P},
			"spearman": map[string]any{"rho": r.Spearman.R, "p": r.Spearman.P}}, nil
	case "mannwhitney":
		r, err := stats.MannWhitneyU(col("--value"), fac("--group"))
		if err != nil {
			return nil, err
		}
		return map[string]any{"u": r.U, "z": r.Z, "p": r.P}, nil
	case "kruskal":
		r, err := stats.KruskalWallisH(col("--value"), fac("--group"))
		if err != nil {
			return nil, err
		}
		return map[string]any{"h": r.H, "df": float64(r.DF), "p": r.P}, nil
	case "alpha":
		r, err := stats.CronbachAlpha(items())
		if err != nil {
			return nil, err
		}
		ifd, itc := map[string]any{}, map[string]any{}
		for i, n := range r.Items {
			ifd[n] = maybe(r.IfDeleted[i])
			itc[n] = r.ItemTotal[i]
		}
		return map[string]any{"n": float64(r.N), "alpha": r.Alpha, "std_alpha": r.StdAlpha, "if_deleted": ifd, "item_total": itc}, nil
	case "kmo":
		r, err := stats.KaiserMeyerOlkin(items())
		if err != nil {
			return nil, err
		}
		per := map[string]any{}
		for i, n := range r.Items {
			per[n] = r.PerItem[i]
		}
		return map[string]any{"kmo": r.KMO, "per_item": per,
			"bartlett": map[string]any{"chi2": r.Bartlett.Chi2, "df": float64(r.Bartlett.DF), "p": r.Bartlett.P}}, nil
	}
	return nil, fmt.Errorf("unknown analysis %q", args[0])
}
