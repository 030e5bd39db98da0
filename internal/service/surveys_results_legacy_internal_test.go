package service

// The analysis as it was before it read responses column by column (rows
// of survey.Value built from a map per response), kept as the reference
// that TestSurveyResultsColumnsMatchRows holds the columnar path to.

import (
	"context"
	"math"
	"slices"
	"strconv"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/stats"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/survey"
)

// SetAnswersBatchBytes changes the size at which the reader of an
// analysis hands answers to the decoder, and returns the function that
// restores it.
func SetAnswersBatchBytes(n int) (restore func()) {
	old := batchBytes
	batchBytes = n
	return func() { batchBytes = old }
}

// LegacySurveyResults analyses a questionnaire's submitted responses for one of
// its managers.
func (s *Service) LegacySurveyResults(ctx context.Context, actor *account.User, id int64, rq ResultsQuery) (*SurveyResults, error) {
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
		if res.legacyKeep(vals) {
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
		if res.Group != nil && res.legacySmallGroup(rows) {
			res.Withheld = WithheldGroup
			res.Group = nil
		}
	}
	if err := res.legacyAnalyse(rows, sv.Definition); err != nil {
		return nil, err
	}
	return res, nil
}

// smallGroup reports whether a group of the grouping variable has at least
// one response but fewer than survey.MinAnonymousGroup.
func (res *SurveyResults) legacySmallGroup(rows [][]survey.Value) bool {
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

func (res *SurveyResults) legacyKeep(vals []survey.Value) bool {
	for name, codes := range res.Query.Filters {
		v := vals[res.varIndex(name)]
		if v.Missing || !slices.Contains(codes, int(v.Num)) {
			return false
		}
	}
	return true
}

// column builds the stats column of variable i; numbers keep their text
// so the engine reads them exactly.
func legacyColumn(name string, rows [][]survey.Value, i int, typed bool) (*stats.Column, error) {
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
func (res *SurveyResults) legacyFactor(rows [][]survey.Value, i int) (*stats.Factor, error) {
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

func (res *SurveyResults) legacyAnalyse(rows [][]survey.Value, d *survey.Definition) error {
	var group *stats.Factor
	if res.Group != nil {
		var err error
		if group, err = res.legacyFactor(rows, res.varIndex(res.Group.Name)); err != nil {
			return err
		}
	}
	for _, it := range d.Items() {
		ir, err := res.legacyItem(rows, it, group)
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
		score, err := legacyColumn(res.Variables[i].Name, rows, i, false)
		if err != nil {
			return err
		}
		if dr.Desc, err = stats.Describe(score); err != nil {
			if dr.DescErr, err = reason(err); err != nil {
				return err
			}
		}
		cols, err := res.legacyScoredItems(rows, items)
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
			if dr.Compare, err = legacyCompare(score, group); err != nil {
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
func (res *SurveyResults) legacyScoredItems(rows [][]survey.Value, items []*survey.Item) ([]*stats.Column, error) {
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
func legacyCompare(v *stats.Column, g *stats.Factor) (*Comparison, error) {
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

func (res *SurveyResults) legacyItem(rows [][]survey.Value, it *survey.Item, group *stats.Factor) (ItemResult, error) {
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
		ft, err := res.legacyFrequencies(rows, i)
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
		col, err := legacyColumn(res.Variables[idx[0]].Name, rows, idx[0], it.Kind == survey.Number)
		if err != nil {
			return ir, err
		}
		if ir.Desc, err = stats.Describe(col); err != nil {
			if ir.DescErr, err = reason(err); err != nil {
				return ir, err
			}
		}
		if group != nil {
			if ir.Compare, err = legacyCompare(col, group); err != nil {
				return ir, err
			}
		}
	}
	if group != nil && (it.Kind == survey.Single || it.Kind == survey.Demographic) && res.Variables[idx[0]].Name != res.Group.Name {
		f, err := res.legacyFactor(rows, idx[0])
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
func (res *SurveyResults) legacyFrequencies(rows [][]survey.Value, i int) (FreqTable, error) {
	v := res.Variables[i]
	ft := FreqTable{Variable: v, Label: v.Label}
	if len(v.ValueLabels) == 0 {
		return ft, nil
	}
	f, err := res.legacyFactor(rows, i)
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
