package service

import (
	"context"
	"errors"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/stats"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/survey"
)

// Results of a questionnaire: live counts, response rates, and the
// analysis of any subset of responses by any grouping variable. Every
// statistic comes from internal/stats, so the pages, the API and
// `yanxiu stats` on an export agree to the last digit.

// MaxFilters bounds the filters of one analysis.
const MaxFilters = 20

// MaxTexts is how many open answers per item results show.
const MaxTexts = 50

// ResultsQuery selects the responses of an analysis and how to group them.
type ResultsQuery struct {
	// Filters keep the responses whose variable (by export name) has one
	// of the codes; several filters must all hold.
	Filters map[string][]int
	// GroupBy names a categorical variable to compare groups by.
	GroupBy string
	// Lang labels options and groups ("zh-CN" or "en").
	Lang string
}

// SurveyResults is a questionnaire's results.
type SurveyResults struct {
	Survey     *survey.Survey
	Variables  []survey.Variable
	Submitted  int
	Drafts     int
	ByDay      []store.DayCount
	Rates      []store.InstitutionRate
	N          int // responses the filters keep
	Query      ResultsQuery
	Group      *survey.Variable
	Items      []ItemResult
	Dimensions []DimensionResult
	// Validity is KMO and Bartlett's test over the dimensions' items.
	Validity    *stats.KMO
	ValidityErr *stats.Error
	// Correlations pairs the dimension scores (each pair once, in the
	// order of the dimensions).
	Correlations []DimensionCorrelation
	// Withheld is the i18n key of why an anonymous questionnaire's analysis
	// is not shown (a subset, or a group, of fewer than
	// survey.MinAnonymousGroup responses); empty when nothing is withheld.
	// A withheld subset has no item, dimension or open-answer results; a
	// withheld grouping has no comparisons.
	Withheld string
}

// The reasons results of an anonymous questionnaire are withheld.
const (
	WithheldSubset = "survey.results.withheld_subset"
	WithheldGroup  = "survey.results.withheld_group"
)

// FreqRow is one line of a frequency table.
type FreqRow struct {
	Code    int
	Label   string
	Count   int
	Percent float64 // of the valid answers
}

// FreqTable is the frequency table of one variable.
type FreqTable struct {
	Variable survey.Variable
	Label    string
	N        int // valid answers
	Missing  int
	Rows     []FreqRow
}

// Comparison compares a score or item across the groups of the grouping
// variable: a t-test for two groups, an ANOVA for more.
type Comparison struct {
	// Groups describes each group with values, even when the test itself
	// is undefined (a group of one, say).
	Groups []stats.GroupSummary
	T      *stats.Independent
	ANOVA  *stats.ANOVA
	Err    *stats.Error
	// The rank-based counterpart, for ordinal data such as Likert items and
	// for skewed scores: Mann–Whitney U for two groups, Kruskal–Wallis H
	// for more (both with the tie correction).
	MW        *stats.MannWhitney
	KW        *stats.KruskalWallis
	NonParErr *stats.Error
}

// DimensionCorrelation is the Pearson and Spearman correlation of two
// dimension scores over the responses that have both.
type DimensionCorrelation struct {
	A, B survey.Dimension
	C    *stats.Correlation
	Err  *stats.Error
}

// ItemResult is one item's results.
type ItemResult struct {
	Item    *survey.Item
	Freqs   []FreqTable // choices: one; matrix: one per row; multiple: one with a row per option
	Desc    *stats.Descriptives
	DescErr *stats.Error
	Texts   []string // open answers, at most MaxTexts
	NTexts  int
	Compare *Comparison
	Chi     *stats.ChiSquare
	ChiErr  *stats.Error
}

// DimensionResult is one dimension's results: its score's descriptives,
// its reliability and its comparison across groups.
type DimensionResult struct {
	Dimension survey.Dimension
	Variable  survey.Variable
	Items     []*survey.Item
	Desc      *stats.Descriptives
	DescErr   *stats.Error
	Alpha     *stats.Alpha
	AlphaErr  *stats.Error
	Compare   *Comparison
}

// Categorical reports whether a variable can filter or group: it holds
// codes with value labels.
func Categorical(v survey.Variable) bool {
	return v.Type == survey.Numeric && !v.Score && len(v.ValueLabels) > 0
}

// SurveyResults analyses a questionnaire's submitted responses for one of
// its managers.
func (s *Service) SurveyResults(ctx context.Context, actor *account.User, id int64, rq ResultsQuery) (*SurveyResults, error) {
	sv, err := s.managedSurvey(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	res := &SurveyResults{Survey: sv, Variables: survey.Variables(sv.Definition), Query: rq}
	if err := res.checkQuery(); err != nil {
		return nil, err
	}
	r := s.db.R()
	res.Submitted = sv.ResponseCount
	if res.Drafts, err = r.SurveyDraftCount(ctx, id); err != nil {
		return nil, err
	}
	if res.Rates, err = r.SurveyResponseRate(ctx, id); err != nil {
		return nil, err
	}
	var rows [][]survey.Value
	// The responses per day are counted on the pass that reads the
	// responses anyway (every submitted one, before the filters): a query
	// of its own reads every response's row a second time, a fifth of the
	// time of 100,000 responses (docs/PERFORMANCE.md).
	byDay := map[int64]int{}
	err = r.EachSubmittedResponse(ctx, id, func(row *store.ResponseRow) error {
		if row.SubmittedAt != nil {
			byDay[store.Day(*row.SubmittedAt).UnixMilli()]++
		}
		vals := survey.Values(sv.Definition, res.Variables, row.Answers)
		if res.keep(vals) {
			rows = append(rows, vals)
			if len(rows) > MaxAnalysedResponses {
				return apperr.New(apperr.TooLarge, "survey.error.too_many_responses")
			}
			if err := checkSurveyCells(len(rows), len(res.Variables)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.ByDay = daysInOrder(byDay)
	res.N = len(rows)
	if sv.Anonymous {
		res.Rates = mergeSmallRates(res.Rates)
		if len(rq.Filters) > 0 && res.N < survey.MinAnonymousGroup {
			// Too few to hide among: no item, score or open answer.
			res.Withheld = WithheldSubset
			return res, nil
		}
		if res.Group != nil && res.smallGroup(rows) {
			res.Withheld = WithheldGroup
			res.Group = nil
		}
	}
	if err := res.analyse(rows, sv.Definition); err != nil {
		return nil, err
	}
	return res, nil
}

// maxDays bounds the days of the responses-per-day chart, the oldest
// first, as store.SurveyResponsesByDay does.
const maxDays = 1000

// daysInOrder turns counts by day (Unix milliseconds of the UTC day's
// start) into the chart's rows, oldest first.
func daysInOrder(byDay map[int64]int) []store.DayCount {
	days := make([]int64, 0, len(byDay))
	for d := range byDay {
		days = append(days, d)
	}
	slices.Sort(days)
	out := make([]store.DayCount, 0, min(len(days), maxDays))
	for _, d := range days[:min(len(days), maxDays)] {
		out = append(out, store.DayCount{Day: time.UnixMilli(d).UTC(), Count: byDay[d]})
	}
	return out
}

// smallGroup reports whether a group of the grouping variable has at least
// one response but fewer than survey.MinAnonymousGroup.
func (res *SurveyResults) smallGroup(rows [][]survey.Value) bool {
	i := res.varIndex(res.Group.Name)
	n := map[int]int{}
	for _, row := range rows {
		if !row[i].Missing {
			n[int(row[i].Num)]++
		}
	}
	for _, c := range n {
		if c < survey.MinAnonymousGroup {
			return true
		}
	}
	return false
}

// mergeSmallRates folds the institutions of an anonymous questionnaire
// with fewer than survey.MinAnonymousGroup responses into one row, so
// that no small institution's responses can be singled out. The row has
// Merged set to how many institutions it holds, InstitutionID 0 and no
// name; it comes last.
func mergeSmallRates(rates []store.InstitutionRate) []store.InstitutionRate {
	var out []store.InstitutionRate
	rest := store.InstitutionRate{}
	for _, r := range rates {
		if r.Responded+r.Others >= survey.MinAnonymousGroup {
			out = append(out, r)
			continue
		}
		rest.Merged++
		rest.Eligible += r.Eligible
		rest.Responded += r.Responded
		rest.Others += r.Others
	}
	if rest.Merged > 0 {
		out = append(out, rest)
	}
	return out
}

// MaxAnalysedResponses bounds the responses one analysis holds in memory.
const MaxAnalysedResponses = 1_000_000

// maxSurveyCells bounds responses × variables that one analysis or export
// holds in memory: the response cap alone, times survey.MaxVariables,
// would be billions of values. A variable, not a constant, so that tests
// can reach it without writing millions of rows.
var maxSurveyCells = 20_000_000

// checkSurveyCells refuses, with a reason people can act on, data of rows
// responses by vars variables larger than maxSurveyCells.
func checkSurveyCells(rows, vars int) error {
	if int64(rows)*int64(max(vars, 1)) <= int64(maxSurveyCells) {
		return nil
	}
	e := apperr.New(apperr.TooLarge, "survey.error.too_many_cells")
	e.Args = map[string]any{"max": maxSurveyCells, "vars": vars}
	return e
}

func (res *SurveyResults) varIndex(name string) int {
	return slices.IndexFunc(res.Variables, func(v survey.Variable) bool { return v.Name == name })
}

func (res *SurveyResults) checkQuery() error {
	f := apperr.Fields{}
	if len(res.Query.Filters) > MaxFilters {
		f.Add("filters", "survey.error.too_many_filters", "max", MaxFilters)
	}
	for name, codes := range res.Query.Filters {
		i := res.varIndex(name)
		if i < 0 || !Categorical(res.Variables[i]) || len(codes) == 0 || len(codes) > survey.MaxOptions+1 {
			f.Add("filter."+name, "form.invalid_choice")
		}
	}
	if res.Query.GroupBy != "" {
		i := res.varIndex(res.Query.GroupBy)
		if i < 0 || !Categorical(res.Variables[i]) {
			f.Add("group", "form.invalid_choice")
		} else {
			g := res.Variables[i]
			res.Group = &g
		}
	}
	return f.Err()
}

func (res *SurveyResults) keep(vals []survey.Value) bool {
	for name, codes := range res.Query.Filters {
		v := vals[res.varIndex(name)]
		if v.Missing || !slices.Contains(codes, int(v.Num)) {
			return false
		}
	}
	return true
}

// levels names the codes of a variable in the query's language, in
// option order; a label that repeats an earlier one gets its code added,
// so that groups never merge.
func (res *SurveyResults) levels(v survey.Variable) []string {
	out := make([]string, len(v.ValueLabels))
	seen := map[string]bool{}
	for k, o := range v.ValueLabels {
		l := o.Text(res.Query.Lang)
		if l == "" || seen[l] {
			l += " (" + strconv.Itoa(o.Value) + ")"
		}
		seen[l] = true
		out[k] = l
	}
	return out
}

// labelOf names a code of a variable as levels does.
func (res *SurveyResults) labelOf(v survey.Variable, code int) string {
	for k, o := range v.ValueLabels {
		if o.Value == code {
			return res.levels(v)[k]
		}
	}
	return strconv.Itoa(code)
}

// column builds the stats column of variable i; numbers keep their text
// so the engine reads them exactly.
func column(name string, rows [][]survey.Value, i int, typed bool) (*stats.Column, error) {
	if typed {
		cells := make([]string, len(rows))
		for r, row := range rows {
			if !row[i].Missing {
				cells[r] = row[i].String()
			}
		}
		return stats.ParseColumn(name, cells)
	}
	vals := make([]float64, len(rows))
	for r, row := range rows {
		if row[i].Missing {
			vals[r] = math.NaN()
		} else {
			vals[r] = row[i].Num
		}
	}
	return stats.NewColumn(name, vals)
}

// factor builds the factor of categorical variable i, with levels in the
// order of its value labels.
func (res *SurveyResults) factor(rows [][]survey.Value, i int) (*stats.Factor, error) {
	v := res.Variables[i]
	levels := res.levels(v)
	byCode := make(map[int]string, len(levels))
	for k, o := range v.ValueLabels {
		byCode[o.Value] = levels[k]
	}
	labels := make([]string, len(rows))
	for r, row := range rows {
		if !row[i].Missing {
			l, ok := byCode[int(row[i].Num)]
			if !ok {
				l = strconv.Itoa(int(row[i].Num))
			}
			labels[r] = l
		}
	}
	return stats.NewFactorLevels(v.Name, labels, levels)
}

// reason separates the data's reasons (a *stats.Error, shown to people)
// from real failures.
func reason(err error) (*stats.Error, error) {
	var se *stats.Error
	if errors.As(err, &se) {
		return se, nil
	}
	return nil, err
}

func (res *SurveyResults) analyse(rows [][]survey.Value, d *survey.Definition) error {
	var group *stats.Factor
	if res.Group != nil {
		var err error
		if group, err = res.factor(rows, res.varIndex(res.Group.Name)); err != nil {
			return err
		}
	}
	for _, it := range d.Items() {
		ir, err := res.item(rows, it, group)
		if err != nil {
			return err
		}
		res.Items = append(res.Items, ir)
	}
	var all, scores []*stats.Column
	var scored []survey.Dimension
	for _, dm := range d.Dimensions {
		items := d.DimensionItems(dm.Key)
		i := res.varIndex("D_" + dm.Key)
		if len(items) == 0 || i < 0 {
			continue
		}
		dr := DimensionResult{Dimension: dm, Variable: res.Variables[i], Items: items}
		score, err := column(res.Variables[i].Name, rows, i, false)
		if err != nil {
			return err
		}
		if dr.Desc, err = stats.Describe(score); err != nil {
			if dr.DescErr, err = reason(err); err != nil {
				return err
			}
		}
		cols, err := res.scoredItems(rows, items)
		if err != nil {
			return err
		}
		all = append(all, cols...)
		scores, scored = append(scores, score), append(scored, dm)
		if dr.Alpha, err = stats.CronbachAlpha(cols); err != nil {
			if dr.AlphaErr, err = reason(err); err != nil {
				return err
			}
		}
		if group != nil {
			if dr.Compare, err = compare(score, group); err != nil {
				return err
			}
		}
		res.Dimensions = append(res.Dimensions, dr)
	}
	for i := range scores {
		for j := i + 1; j < len(scores); j++ {
			dc := DimensionCorrelation{A: scored[i], B: scored[j]}
			var err error
			if dc.C, err = stats.Correlate(scores[i], scores[j]); err != nil {
				if dc.Err, err = reason(err); err != nil {
					return err
				}
			}
			res.Correlations = append(res.Correlations, dc)
		}
	}
	if len(all) >= 3 {
		var err error
		if res.Validity, err = stats.KaiserMeyerOlkin(all); err != nil {
			if res.ValidityErr, err = reason(err); err != nil {
				return err
			}
		}
	}
	return nil
}

// scoredItems returns a dimension's item columns after reverse coding.
func (res *SurveyResults) scoredItems(rows [][]survey.Value, items []*survey.Item) ([]*stats.Column, error) {
	var cols []*stats.Column
	for _, it := range items {
		i := slices.IndexFunc(res.Variables, func(v survey.Variable) bool { return v.ItemID == it.ID })
		vals := make([]float64, len(rows))
		for r, row := range rows {
			switch v := row[i]; {
			case v.Missing:
				vals[r] = math.NaN()
			case it.Reverse:
				vals[r] = float64(survey.Reversed(int(v.Num), it.Scale))
			default:
				vals[r] = v.Num
			}
		}
		c, err := stats.NewColumn(res.Variables[i].Name, vals)
		if err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	return cols, nil
}

// compare runs the test that fits the number of groups with values.
func compare(v *stats.Column, g *stats.Factor) (*Comparison, error) {
	seen := map[string]bool{}
	for i := range v.Len() {
		if _, ok := v.Value(i); !ok {
			continue
		}
		if l, ok := g.Label(i); ok {
			seen[l] = true
		}
	}
	c := &Comparison{}
	for _, level := range g.Levels() {
		var vals []float64
		for i := range v.Len() {
			x, ok := v.Value(i)
			if l, in := g.Label(i); ok && in && l == level {
				vals = append(vals, x)
			}
		}
		if len(vals) == 0 {
			continue
		}
		col, err := stats.NewColumn(level, vals)
		if err != nil {
			return nil, err
		}
		d, err := stats.Describe(col)
		if err != nil {
			return nil, err
		}
		c.Groups = append(c.Groups, stats.GroupSummary{Name: level, N: d.N, Mean: d.Mean, SD: d.SD})
	}
	var err, nerr error
	if len(seen) == 2 {
		c.T, err = stats.IndependentT(v, g)
		c.MW, nerr = stats.MannWhitneyU(v, g)
	} else {
		c.ANOVA, err = stats.OneWayANOVA(v, g)
		c.KW, nerr = stats.KruskalWallisH(v, g)
	}
	if err != nil {
		if c.Err, err = reason(err); err != nil {
			return nil, err
		}
	}
	if nerr != nil {
		if c.NonParErr, nerr = reason(nerr); nerr != nil {
			return nil, nerr
		}
	}
	return c, nil
}

func (res *SurveyResults) item(rows [][]survey.Value, it *survey.Item, group *stats.Factor) (ItemResult, error) {
	ir := ItemResult{Item: it}
	var idx []int
	for i, v := range res.Variables {
		if v.ItemID == it.ID && !v.Other {
			idx = append(idx, i)
		}
	}
	switch it.Kind {
	case survey.Text:
		for _, row := range rows {
			if v := row[idx[0]]; !v.Missing {
				ir.NTexts++
				if len(ir.Texts) < MaxTexts {
					ir.Texts = append(ir.Texts, v.Str)
				}
			}
		}
		return ir, nil
	case survey.Multiple:
		ft := FreqTable{Label: it.Label(res.Query.Lang)}
		for _, i := range idx {
			v := res.Variables[i]
			fr := FreqRow{Code: v.Option, Label: res.labelOf(survey.Variable{ValueLabels: it.AllOptions()}, v.Option)}
			n := 0
			for _, row := range rows {
				if !row[i].Missing {
					n++
					if row[i].Num == 1 {
						fr.Count++
					}
				}
			}
			if n > 0 {
				fr.Percent = 100 * float64(fr.Count) / float64(n)
			}
			ft.N, ft.Missing = n, len(rows)-n
			ft.Rows = append(ft.Rows, fr)
		}
		ir.Freqs = append(ir.Freqs, ft)
		return ir, nil
	}
	for _, i := range idx {
		ft, err := res.frequencies(rows, i)
		if err != nil {
			return ir, err
		}
		ft.Label = it.Label(res.Query.Lang)
		if it.Kind == survey.Matrix {
			r := it.Rows[slices.IndexFunc(it.Rows, func(r survey.Row) bool { return r.ID == res.Variables[i].Row })]
			ft.Label = r.Text(res.Query.Lang)
		}
		if it.Kind != survey.Number {
			ir.Freqs = append(ir.Freqs, ft)
		}
	}
	if it.Kind == survey.Likert || it.Kind == survey.Number {
		col, err := column(res.Variables[idx[0]].Name, rows, idx[0], it.Kind == survey.Number)
		if err != nil {
			return ir, err
		}
		if ir.Desc, err = stats.Describe(col); err != nil {
			if ir.DescErr, err = reason(err); err != nil {
				return ir, err
			}
		}
		if group != nil {
			if ir.Compare, err = compare(col, group); err != nil {
				return ir, err
			}
		}
	}
	if group != nil && (it.Kind == survey.Single || it.Kind == survey.Demographic) && res.Variables[idx[0]].Name != res.Group.Name {
		f, err := res.factor(rows, idx[0])
		if err != nil {
			return ir, err
		}
		if ir.Chi, err = stats.ChiSquareTest(f, group); err != nil {
			if ir.ChiErr, err = reason(err); err != nil {
				return ir, err
			}
		}
	}
	return ir, nil
}

// frequencies tabulates categorical variable i with stats' frequency table,
// listing every option (unchosen ones as zero) in option order.
func (res *SurveyResults) frequencies(rows [][]survey.Value, i int) (FreqTable, error) {
	v := res.Variables[i]
	ft := FreqTable{Variable: v, Label: v.Label}
	if len(v.ValueLabels) == 0 {
		return ft, nil
	}
	f, err := res.factor(rows, i)
	if err != nil {
		return ft, err
	}
	fr := stats.FactorFrequencies(f)
	ft.N, ft.Missing = fr.N, fr.Missing
	for k, row := range fr.Rows {
		ft.Rows = append(ft.Rows, FreqRow{Code: v.ValueLabels[k].Value, Label: row.Label, Count: row.Count, Percent: row.ValidPercent})
	}
	return ft, nil
}
