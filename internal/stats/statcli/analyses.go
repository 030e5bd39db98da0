package statcli

import (
	"math"
	"strconv"

	"github.com/yanxiu/yanxiu/internal/stats"
	"github.com/yanxiu/yanxiu/internal/stats/csvdata"
)

func runDescribe(o options) (any, error) {
	if err := need("describe", "cols", o.cols); err != nil {
		return nil, err
	}
	cols, err := list("cols", o.cols, 1)
	if err != nil {
		return nil, err
	}
	t, err := load(o, csvdata.Request{Numeric: cols})
	if err != nil {
		return nil, err
	}
	out := describeOut{}
	for _, name := range cols {
		d, err := stats.Describe(t.Column(name))
		if err != nil {
			return nil, err
		}
		out.Columns = append(out.Columns, kv{name, describeColumn{
			N: d.N, Missing: d.Missing, Mean: d.Mean, SD: maybe(d.SD), Variance: maybe(d.Variance),
			Min: d.Min, Max: d.Max, Median: d.Median, Q1: d.Q1, Q3: d.Q3,
			Skewness: maybe(d.Skewness), SkewnessSE: maybe(d.SkewnessSE),
			Kurtosis: maybe(d.Kurtosis), KurtosisSE: maybe(d.KurtosisSE),
			Lag1: maybe(d.Lag1Autocorrelation),
		}})
	}
	return out, nil
}

func runTTest(o options) (any, error) {
	modes := 0
	for _, s := range []string{o.group, o.paired, o.mu} {
		if s != "" {
			modes++
		}
	}
	if modes != 1 {
		return nil, newUsage(CodeConflict)
	}
	switch {
	case o.paired != "":
		cols, err := list("paired", o.paired, 2)
		if err != nil {
			return nil, err
		}
		if len(cols) != 2 {
			return nil, newUsage(CodeList, "flag", "paired", "n", "2")
		}
		t, err := load(o, csvdata.Request{Numeric: cols})
		if err != nil {
			return nil, err
		}
		r, err := stats.PairedT(t.Column(cols[0]), t.Column(cols[1]))
		if err != nil {
			return nil, err
		}
		return newT(r.TTest), nil
	case o.mu != "":
		if err := need("ttest", "value", o.value); err != nil {
			return nil, err
		}
		mu, err := strconv.ParseFloat(o.mu, 64)
		if err != nil || math.IsInf(mu, 0) || math.IsNaN(mu) {
			return nil, newUsage(CodeBadNumber, "flag", "mu", "value", strconv.Quote(o.mu))
		}
		t, err := load(o, csvdata.Request{Numeric: []string{o.value}})
		if err != nil {
			return nil, err
		}
		r, err := stats.OneSampleT(t.Column(o.value), mu)
		if err != nil {
			return nil, err
		}
		return newT(r.TTest), nil
	}
	v, g, err := valueGroup("ttest", o)
	if err != nil {
		return nil, err
	}
	r, err := stats.IndependentT(v, g)
	if err != nil {
		return nil, err
	}
	out := independentOut{
		Student: newT(r.Student), Welch: newT(r.Welch),
		Levene: newF(r.Levene), BrownForsythe: newF(r.BrownForsythe), CohenD: r.CohenD,
	}
	for _, gs := range r.Groups {
		out.Groups = append(out.Groups, groupOut{Name: gs.Name, N: gs.N, Mean: gs.Mean, SD: maybe(gs.SD)})
	}
	return out, nil
}

// valueGroup loads the --value column and the --group factor.
func valueGroup(analysis string, o options) (*stats.Column, *stats.Factor, error) {
	if err := need(analysis, "value", o.value); err != nil {
		return nil, nil, err
	}
	if err := need(analysis, "group", o.group); err != nil {
		return nil, nil, err
	}
	t, err := load(o, csvdata.Request{Numeric: []string{o.value}, Factors: []string{o.group}})
	if err != nil {
		return nil, nil, err
	}
	return t.Column(o.value), t.Factor(o.group), nil
}

func runANOVA(o options) (any, error) {
	v, g, err := valueGroup("anova", o)
	if err != nil {
		return nil, err
	}
	r, err := stats.OneWayANOVA(v, g)
	if err != nil {
		return nil, err
	}
	out := anovaOut{
		Between:    ssOut{SS: r.Between.SS, DF: r.Between.DF, MS: r.Between.MS},
		Within:     ssOut{SS: r.Within.SS, DF: r.Within.DF, MS: r.Within.MS},
		Total:      totalOut{SS: r.Total.SS, DF: r.Total.DF},
		F:          r.F,
		P:          r.P,
		EtaSquared: r.EtaSquared,
		RSquared:   r.RSquared,
		ResidualSD: r.ResidualSD,
		Welch:      newF(r.Welch),
	}
	for i, p := range r.LSD {
		out.Posthoc.LSD = append(out.Posthoc.LSD, pairOut{A: p.A, B: p.B, Diff: p.Diff, P: p.P})
		b := r.Bonferroni[i]
		out.Posthoc.Bonferroni = append(out.Posthoc.Bonferroni, pairOut{A: b.A, B: b.B, Diff: b.Diff, P: b.P})
	}
	if r.Tukey.OK() {
		out.Posthoc.Tukey = []tukeyOut{}
		for _, p := range r.Tukey.Value {
			out.Posthoc.Tukey = append(out.Posthoc.Tukey, tukeyOut{A: p.A, B: p.B, Diff: p.Diff, Lwr: p.Lwr, Upr: p.Upr, P: p.P})
		}
	}
	return out, nil
}

func runChiSquare(o options) (any, error) {
	if err := need("chisq", "row", o.row); err != nil {
		return nil, err
	}
	if err := need("chisq", "col", o.col); err != nil {
		return nil, err
	}
	t, err := load(o, csvdata.Request{Factors: []string{o.row, o.col}})
	if err != nil {
		return nil, err
	}
	r, err := stats.ChiSquareTest(t.Factor(o.row), t.Factor(o.col))
	if err != nil {
		return nil, err
	}
	out := chisqOut{Statistic: r.Statistic, DF: r.DF, P: r.P, Expected: r.Expected, FisherP: r.FisherP}
	if r.Yates != nil {
		out.Yates = &chiStatOut{Statistic: r.Yates.Statistic, P: r.Yates.P}
	}
	return out, nil
}

func runCorr(o options) (any, error) {
	if err := need("corr", "x", o.x); err != nil {
		return nil, err
	}
	if err := need("corr", "y", o.y); err != nil {
		return nil, err
	}
	t, err := load(o, csvdata.Request{Numeric: []string{o.x, o.y}})
	if err != nil {
		return nil, err
	}
	r, err := stats.Correlate(t.Column(o.x), t.Column(o.y))
	if err != nil {
		return nil, err
	}
	return corrOut{N: r.N, Pearson: rOut{R: r.Pearson.R, P: r.Pearson.P}, Spearman: rhoOut{Rho: r.Spearman.R, P: r.Spearman.P}}, nil
}

func runMannWhitney(o options) (any, error) {
	v, g, err := valueGroup("mannwhitney", o)
	if err != nil {
		return nil, err
	}
	r, err := stats.MannWhitneyU(v, g)
	if err != nil {
		return nil, err
	}
	return mannWhitneyOut{U: r.U, Z: r.Z, P: r.P}, nil
}

func runKruskal(o options) (any, error) {
	v, g, err := valueGroup("kruskal", o)
	if err != nil {
		return nil, err
	}
	r, err := stats.KruskalWallisH(v, g)
	if err != nil {
		return nil, err
	}
	return kruskalOut{H: r.H, DF: r.DF, P: r.P}, nil
}

// items loads the --items columns of alpha and kmo.
func items(analysis string, o options) ([]*stats.Column, error) {
	if err := need(analysis, "items", o.items); err != nil {
		return nil, err
	}
	names, err := list("items", o.items, 2)
	if err != nil {
		return nil, err
	}
	t, err := load(o, csvdata.Request{Numeric: names})
	if err != nil {
		return nil, err
	}
	cols := make([]*stats.Column, len(names))
	for i, n := range names {
		cols[i] = t.Column(n)
	}
	return cols, nil
}

func runAlpha(o options) (any, error) {
	cols, err := items("alpha", o)
	if err != nil {
		return nil, err
	}
	r, err := stats.CronbachAlpha(cols)
	if err != nil {
		return nil, err
	}
	out := alphaOut{N: r.N, Alpha: r.Alpha, StdAlpha: r.StdAlpha, IfDeleted: ordered{}, ItemTotal: ordered{}}
	for i, name := range r.Items {
		out.IfDeleted = append(out.IfDeleted, kv{name, maybe(r.IfDeleted[i])})
		out.ItemTotal = append(out.ItemTotal, kv{name, r.ItemTotal[i]})
	}
	return out, nil
}

func runKMO(o options) (any, error) {
	cols, err := items("kmo", o)
	if err != nil {
		return nil, err
	}
	r, err := stats.KaiserMeyerOlkin(cols)
	if err != nil {
		return nil, err
	}
	out := kmoOut{KMO: r.KMO, PerItem: ordered{}, Bartlett: bartlettOut{Chi2: r.Bartlett.Chi2, DF: r.Bartlett.DF, P: r.Bartlett.P}}
	for i, name := range r.Items {
		out.PerItem = append(out.PerItem, kv{name, r.PerItem[i]})
	}
	return out, nil
}
