package service

import (
	"context"
	"errors"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
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
	// CompareBy names categorical variables to compare every dimension
	// score by, one table each: the differential analysis of a research
	// report (each dimension by gender, by years of teaching, ...), from
	// the same pass over the responses.
	CompareBy []string
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
	// Differences compares every dimension score by each of the query's
	// CompareBy variables, in their order.
	Differences []Difference
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

// Difference compares every dimension score across the groups of one
// categorical variable: Scores[i] is Dimensions[i]'s comparison. For an
// anonymous questionnaire with a group of fewer than
// survey.MinAnonymousGroup responses, Withheld is set and Scores empty.
type Difference struct {
	Variable survey.Variable
	Scores   []*Comparison
	Withheld bool
}

// MaxCompareBy bounds the variables of one differential analysis.
const MaxCompareBy = 10

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
//
// The responses are read column by column (readTable): the store hands
// over each response's answers as stored, survey.Decoder writes them
// straight into one column per variable, and a response the filters do not
// keep is dropped as soon as it is decoded. At 100,000 responses a map per
// response and a row of survey.Value per response cost seconds
// (docs/PERFORMANCE.md, issue 5).
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
	tab, byDay, err := s.readTable(ctx, sv, res, res.filterColumns())
	if err != nil {
		return nil, err
	}
	res.ByDay = daysInOrder(byDay)
	res.N = tab.Len()
	if sv.Anonymous {
		res.Rates = mergeSmallRates(res.Rates)
		if len(rq.Filters) > 0 && res.N < survey.MinAnonymousGroup {
			// Too few to hide among: no item, score or open answer.
			res.Withheld = WithheldSubset
			return res, nil
		}
		if res.Group != nil && res.smallGroup(tab) {
			res.Withheld = WithheldGroup
			res.Group = nil
		}
	}
	a := &analysis{res: res, tab: tab}
	if err := a.run(sv.Definition); err != nil {
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
func (res *SurveyResults) smallGroup(tab *survey.Table) bool {
	return res.smallGroupOf(tab, res.Group.Name)
}

// smallGroupOf reports whether a group of categorical variable name has at
// least one response but fewer than survey.MinAnonymousGroup.
func (res *SurveyResults) smallGroupOf(tab *survey.Table, name string) bool {
	n := map[int]int{}
	for _, x := range tab.Floats(res.varIndex(name)) {
		if !math.IsNaN(x) {
			n[int(x)]++
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
	if len(res.Query.CompareBy) > MaxCompareBy {
		f.Add("compare", "survey.error.too_many_compare", "max", MaxCompareBy)
	}
	for k, name := range res.Query.CompareBy {
		if i := res.varIndex(name); i < 0 || !Categorical(res.Variables[i]) || slices.Contains(res.Query.CompareBy[:k], name) {
			f.Add("compare", "form.invalid_choice")
			break
		}
	}
	return f.Err()
}

// filter is one of the query's filters on the table's columns.
type filter struct {
	col   int
	codes []int
}

// filterColumns resolves the query's filters (checked by checkQuery) to
// columns.
func (res *SurveyResults) filterColumns() []filter {
	var out []filter
	for name, codes := range res.Query.Filters {
		out = append(out, filter{col: res.varIndex(name), codes: codes})
	}
	return out
}

// keep reports whether row r passes every filter.
func keep(tab *survey.Table, filters []filter, r int) bool {
	for _, f := range filters {
		x := tab.Floats(f.col)[r]
		if math.IsNaN(x) || !slices.Contains(f.codes, int(x)) {
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

// analysis computes the results of the responses in a table. The grouping
// factor is built once and compared against by level index; each
// categorical variable's factor is built once and serves both its
// frequency table and its cross-table.
type analysis struct {
	res   *SurveyResults
	tab   *survey.Table
	group *stats.Factor
	gi    int // the grouping variable's column
}

// column builds the stats column of variable i; numbers keep their text
// so the engine reads them exactly.
func (a *analysis) column(i int, typed bool) (*stats.Column, error) {
	name := a.res.Variables[i].Name
	if typed {
		return stats.ParseColumn(name, a.tab.Strings(i))
	}
	return stats.NewColumn(name, a.tab.Floats(i))
}

// factor builds the factor of categorical variable i, with levels in the
// order of its value labels (see levels); the grouping variable's is the
// one already built.
func (a *analysis) factor(i int) (*stats.Factor, error) {
	if a.group != nil && i == a.gi {
		return a.group, nil
	}
	v := a.res.Variables[i]
	levels := a.res.levels(v)
	// The label of a code is its option's; with two options of one code,
	// the later one's.
	var small [128]int32
	for c := range small {
		small[c] = -1
	}
	var large map[int]int32
	for k, o := range v.ValueLabels {
		if o.Value >= 0 && o.Value < len(small) {
			small[o.Value] = int32(k)
			continue
		}
		if large == nil {
			large = map[int]int32{}
		}
		large[o.Value] = int32(k)
	}
	xs := a.tab.Floats(i)
	index := make([]int32, len(xs))
	for r, x := range xs {
		if math.IsNaN(x) {
			index[r] = -1
			continue
		}
		c, k := int(x), int32(-1)
		if c >= 0 && c < len(small) {
			k = small[c]
		} else if kk, ok := large[c]; ok {
			k = kk
		}
		if k < 0 {
			// A code with no option (data older than an edit of the
			// options): labelled by its number, which NewFactorLevels
			// refuses unless some option is labelled so.
			return a.factorByLabels(i, levels)
		}
		index[r] = k
	}
	return stats.NewFactorIndexed(v.Name, index, levels)
}

// factorByLabels builds the factor of variable i from the labels of its
// codes, a code with no option labelled by its number.
func (a *analysis) factorByLabels(i int, levels []string) (*stats.Factor, error) {
	v := a.res.Variables[i]
	byCode := make(map[int]string, len(levels))
	for k, o := range v.ValueLabels {
		byCode[o.Value] = levels[k]
	}
	xs := a.tab.Floats(i)
	labels := make([]string, len(xs))
	for r, x := range xs {
		if !math.IsNaN(x) {
			l, ok := byCode[int(x)]
			if !ok {
				l = strconv.Itoa(int(x))
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

// maxAnalysisWorkers bounds the goroutines of one analysis. Items and
// dimensions are independent of each other, so on a machine with cores to
// spare the results of a large questionnaire come sooner; more workers
// than this would only make concurrent analyses compete.
const maxAnalysisWorkers = 4

// parallel runs fn(0) … fn(n−1) on up to maxAnalysisWorkers goroutines
// (no more than GOMAXPROCS) and returns the error of the first index that
// failed, so that the outcome does not depend on scheduling. A panic in
// fn is raised again on the calling goroutine, where the server's recovery
// sees it as it would without the workers.
func parallel(n int, fn func(i int) error) error {
	workers := min(n, runtime.GOMAXPROCS(0), maxAnalysisWorkers)
	if workers <= 1 {
		for i := range n {
			if err := fn(i); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, n)
	panics := make([]any, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				func() {
					defer func() { panics[i] = recover() }()
					errs[i] = fn(i)
				}()
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if panics[i] != nil {
			panic(panics[i])
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// dimensionWork is one dimension's share of an analysis: its result, its
// score and its item columns after reverse coding.
type dimensionWork struct {
	result DimensionResult
	score  *stats.Column
	items  []*stats.Column
}

func (a *analysis) run(d *survey.Definition) error {
	res := a.res
	if res.Group != nil {
		a.gi = res.varIndex(res.Group.Name)
		var err error
		if a.group, err = a.factor(a.gi); err != nil {
			return err
		}
	}
	items := d.Items()
	var dims []*dimensionWork
	for _, dm := range d.Dimensions {
		its := d.DimensionItems(dm.Key)
		i := res.varIndex("D_" + dm.Key)
		if len(its) == 0 || i < 0 {
			continue
		}
		dims = append(dims, &dimensionWork{result: DimensionResult{Dimension: dm, Variable: res.Variables[i], Items: its}})
	}
	if len(items) > 0 {
		res.Items = make([]ItemResult, len(items))
	}
	// Items and dimensions, each on its own.
	err := parallel(len(items)+len(dims), func(k int) error {
		if k < len(items) {
			var err error
			res.Items[k], err = a.item(items[k])
			return err
		}
		return a.dimension(dims[k-len(items)])
	})
	if err != nil {
		return err
	}
	var all, scores []*stats.Column
	var scored []survey.Dimension
	for _, dw := range dims {
		res.Dimensions = append(res.Dimensions, dw.result)
		all = append(all, dw.items...)
		scores, scored = append(scores, dw.score), append(scored, dw.result.Dimension)
	}
	// Then what takes them together: the correlations of the scores and
	// KMO with Bartlett's test over all their items.
	for i := range scores {
		for j := i + 1; j < len(scores); j++ {
			res.Correlations = append(res.Correlations, DimensionCorrelation{A: scored[i], B: scored[j]})
		}
	}
	pairs := make([][2]int, 0, len(res.Correlations))
	for i := range scores {
		for j := i + 1; j < len(scores); j++ {
			pairs = append(pairs, [2]int{i, j})
		}
	}
	// And the differential analysis: every score by each variable asked.
	type cell struct{ diff, dim int }
	var cells []cell
	var factors []*stats.Factor
	for d, name := range res.Query.CompareBy {
		df := Difference{Variable: res.Variables[res.varIndex(name)]}
		if res.Survey.Anonymous && res.smallGroupOf(a.tab, name) {
			df.Withheld = true
		} else {
			df.Scores = make([]*Comparison, len(scores))
			for i := range scores {
				cells = append(cells, cell{d, i})
			}
		}
		f, err := a.factor(res.varIndex(name))
		if err != nil {
			return err
		}
		res.Differences, factors = append(res.Differences, df), append(factors, f)
	}
	return parallel(len(pairs)+1+len(cells), func(k int) error {
		var err error
		if k > len(pairs) {
			c := cells[k-len(pairs)-1]
			res.Differences[c.diff].Scores[c.dim], err = compare(scores[c.dim], factors[c.diff])
			return err
		}
		if k == len(pairs) {
			if len(all) >= 3 {
				if res.Validity, err = stats.KaiserMeyerOlkin(all); err != nil {
					res.ValidityErr, err = reason(err)
				}
			}
			return err
		}
		dc, p := &res.Correlations[k], pairs[k]
		if dc.C, err = stats.Correlate(scores[p[0]], scores[p[1]]); err != nil {
			dc.Err, err = reason(err)
		}
		return err
	})
}

// dimension computes a dimension's score, its descriptives, its
// reliability and its comparison across the groups.
func (a *analysis) dimension(dw *dimensionWork) error {
	dr := &dw.result
	var err error
	if dw.score, err = a.column(a.res.varIndex(dr.Variable.Name), false); err != nil {
		return err
	}
	if dr.Desc, err = stats.Describe(dw.score); err != nil {
		if dr.DescErr, err = reason(err); err != nil {
			return err
		}
	}
	if dw.items, err = a.scoredItems(dr.Items); err != nil {
		return err
	}
	if dr.Alpha, err = stats.CronbachAlpha(dw.items); err != nil {
		if dr.AlphaErr, err = reason(err); err != nil {
			return err
		}
	}
	if a.group != nil {
		if dr.Compare, err = compare(dw.score, a.group); err != nil {
			return err
		}
	}
	return nil
}

// scoredItems returns a dimension's item columns after reverse coding.
func (a *analysis) scoredItems(items []*survey.Item) ([]*stats.Column, error) {
	var cols []*stats.Column
	for _, it := range items {
		i := slices.IndexFunc(a.res.Variables, func(v survey.Variable) bool { return v.ItemID == it.ID })
		xs := a.tab.Floats(i)
		vals := make([]float64, len(xs))
		for r, x := range xs {
			switch {
			case math.IsNaN(x):
				vals[r] = x
			case it.Reverse:
				vals[r] = float64(survey.Reversed(int(x), it.Scale))
			default:
				vals[r] = x
			}
		}
		c, err := stats.NewColumn(a.res.Variables[i].Name, vals)
		if err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	return cols, nil
}

// compare runs the test that fits the number of groups with values.
func compare(v *stats.Column, g *stats.Factor) (*Comparison, error) {
	levels := g.Levels()
	counts := make([]int, len(levels))
	for i := range v.Len() {
		if _, ok := v.Value(i); ok {
			if l := g.Level(i); l >= 0 {
				counts[l]++
			}
		}
	}
	groups := make([][]float64, len(levels))
	for l, n := range counts {
		groups[l] = make([]float64, 0, n)
	}
	for i := range v.Len() {
		x, ok := v.Value(i)
		if !ok {
			continue
		}
		if l := g.Level(i); l >= 0 {
			groups[l] = append(groups[l], x)
		}
	}
	c := &Comparison{}
	seen := 0
	for l, vals := range groups {
		if len(vals) == 0 {
			continue
		}
		seen++
		col, err := stats.NewColumn(levels[l], vals)
		if err != nil {
			return nil, err
		}
		d, err := stats.Describe(col)
		if err != nil {
			return nil, err
		}
		c.Groups = append(c.Groups, stats.GroupSummary{Name: levels[l], N: d.N, Mean: d.Mean, SD: d.SD})
	}
	var err, nerr error
	if seen == 2 {
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

func (a *analysis) item(it *survey.Item) (ItemResult, error) {
	res, tab := a.res, a.tab
	ir := ItemResult{Item: it}
	var idx []int
	for i, v := range res.Variables {
		if v.ItemID == it.ID && !v.Other {
			idx = append(idx, i)
		}
	}
	switch it.Kind {
	case survey.Text:
		for _, s := range tab.Strings(idx[0]) {
			if s != "" {
				ir.NTexts++
				if len(ir.Texts) < MaxTexts {
					ir.Texts = append(ir.Texts, s)
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
			for _, x := range tab.Floats(i) {
				if !math.IsNaN(x) {
					n++
					if x == 1 {
						fr.Count++
					}
				}
			}
			if n > 0 {
				fr.Percent = 100 * float64(fr.Count) / float64(n)
			}
			ft.N, ft.Missing = n, tab.Len()-n
			ft.Rows = append(ft.Rows, fr)
		}
		ir.Freqs = append(ir.Freqs, ft)
		return ir, nil
	}
	var first *stats.Factor // the item's own (first) variable's factor
	for k, i := range idx {
		ft, f, err := a.frequencies(i)
		if err != nil {
			return ir, err
		}
		if k == 0 {
			first = f
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
		col, err := a.column(idx[0], it.Kind == survey.Number)
		if err != nil {
			return ir, err
		}
		if ir.Desc, err = stats.Describe(col); err != nil {
			if ir.DescErr, err = reason(err); err != nil {
				return ir, err
			}
		}
		if a.group != nil {
			if ir.Compare, err = compare(col, a.group); err != nil {
				return ir, err
			}
		}
	}
	if a.group != nil && (it.Kind == survey.Single || it.Kind == survey.Demographic) && res.Variables[idx[0]].Name != res.Group.Name {
		f := first
		if f == nil {
			var err error
			if f, err = a.factor(idx[0]); err != nil {
				return ir, err
			}
		}
		var err error
		if ir.Chi, err = stats.ChiSquareTest(f, a.group); err != nil {
			if ir.ChiErr, err = reason(err); err != nil {
				return ir, err
			}
		}
	}
	return ir, nil
}

// frequencies tabulates categorical variable i with stats' frequency table,
// listing every option (unchosen ones as zero) in option order, and
// returns the factor it counted (nil for a variable with no value labels).
func (a *analysis) frequencies(i int) (FreqTable, *stats.Factor, error) {
	v := a.res.Variables[i]
	ft := FreqTable{Variable: v, Label: v.Label}
	if len(v.ValueLabels) == 0 {
		return ft, nil, nil
	}
	f, err := a.factor(i)
	if err != nil {
		return ft, nil, err
	}
	fr := stats.FactorFrequencies(f)
	ft.N, ft.Missing = fr.N, fr.Missing
	for k, row := range fr.Rows {
		ft.Rows = append(ft.Rows, FreqRow{Code: v.ValueLabels[k].Value, Label: row.Label, Count: row.Count, Percent: row.ValidPercent})
	}
	return ft, f, nil
}
