package web

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/stats"
	"github.com/yanxiu/yanxiu/internal/survey"
)

// Results of a questionnaire: the results page (tables, and ECharts charts
// that load their data from results.json, since the content security
// policy forbids inline scripts), the print-ready report, and the raw data
// exports. The query string selects the subset, the grouping and the
// differential analysis: f.<variable>=<code> (repeatable), group=<variable>
// and compare=<variable> (repeatable).

type surveyResultsView struct {
	*Page
	R          *service.SurveyResults
	Candidates []survey.Variable // variables offered for filtering and grouping
	Query      string            // the query string, for chart data and links
	Report     bool
	Numbers    map[string]int
}

// surveyCmp is what the survey-compare template needs.
type surveyCmp struct {
	V *surveyResultsView
	C *service.Comparison
}

// Cmp pairs a comparison with the view for the survey-compare template.
func (v *surveyResultsView) Cmp(c *service.Comparison) surveyCmp { return surveyCmp{V: v, C: c} }

// Number is an item's position.
func (v *surveyResultsView) Number(id string) int { return v.Numbers[id] }

// surveyQuery reads filters and grouping from the URL.
func surveyQuery(r *http.Request, lang string) service.ResultsQuery {
	q := service.ResultsQuery{Filters: map[string][]int{}, Lang: lang}
	vals := r.URL.Query()
	for key, codes := range vals {
		name, ok := strings.CutPrefix(key, "f.")
		if !ok || name == "" || len(q.Filters) > service.MaxFilters {
			continue
		}
		for _, c := range codes {
			if c == "" {
				continue
			}
			if len(q.Filters[name]) > survey.MaxOptions {
				break
			}
			q.Filters[name] = append(q.Filters[name], surveyAtoi(c, 0, -1))
		}
		if len(q.Filters[name]) == 0 {
			delete(q.Filters, name)
		}
	}
	q.GroupBy = clip(vals.Get("group"), 40)
	for _, name := range vals["compare"] {
		if name != "" && len(q.CompareBy) < service.MaxCompareBy {
			q.CompareBy = append(q.CompareBy, clip(name, 40))
		}
	}
	return q
}

// surveyQueryString writes a query back for links and the chart data.
func surveyQueryString(q service.ResultsQuery) string {
	v := url.Values{}
	for name, codes := range q.Filters {
		for _, c := range codes {
			v.Add("f."+name, strconv.Itoa(c))
		}
	}
	if q.GroupBy != "" {
		v.Set("group", q.GroupBy)
	}
	for _, name := range q.CompareBy {
		v.Add("compare", name)
	}
	return v.Encode()
}

// surveyCandidates are the demographic and single-choice variables, which
// filters and groupings are offered on.
func surveyCandidates(vars []survey.Variable) []survey.Variable {
	var out []survey.Variable
	for _, v := range vars {
		if service.Categorical(v) && (v.Kind == survey.Demographic || v.Kind == survey.Single) {
			out = append(out, v)
		}
	}
	return out
}

func (s *Server) surveyResultsOf(w http.ResponseWriter, r *http.Request, titleKey string) (*surveyResultsView, bool) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return nil, false
	}
	p := s.page(r, "")
	q := surveyQuery(r, p.Lang)
	res, err := s.svc.SurveyResults(r.Context(), u, id, q)
	if e, isApp := apperr.As(err); isApp && e.Code == apperr.Invalid {
		// A stale or hand-made query: drop it rather than fail.
		q = service.ResultsQuery{Lang: p.Lang}
		res, err = s.svc.SurveyResults(r.Context(), u, id, q)
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	p.Title = p.T(titleKey, "title", res.Survey.Title)
	v := &surveyResultsView{Page: p, R: res, Candidates: surveyCandidates(res.Variables), Query: surveyQueryString(q),
		Numbers: map[string]int{}}
	for i, it := range res.Survey.Definition.Items() {
		v.Numbers[it.ID] = i + 1
	}
	return v, true
}

func (s *Server) showSurveyResults(w http.ResponseWriter, r *http.Request) {
	v, ok := s.surveyResultsOf(w, r, "survey.results.title")
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "survey_results", v)
}

func (s *Server) showSurveyReport(w http.ResponseWriter, r *http.Request) {
	v, ok := s.surveyResultsOf(w, r, "survey.report.title")
	if !ok {
		return
	}
	v.Report = true
	s.render(w, r, http.StatusOK, "survey_results", v)
}

// MinGroup is the fewest responses an anonymous questionnaire's results
// show apart.
func (v *surveyResultsView) MinGroup() int { return survey.MinAnonymousGroup }

// Filtered reports whether a candidate's code is selected.
// Compares reports whether the differential analysis compares by name.
func (v *surveyResultsView) Compares(name string) bool {
	return slices.Contains(v.R.Query.CompareBy, name)
}

func (v *surveyResultsView) Filtered(name string, code int) bool {
	for _, c := range v.R.Query.Filters[name] {
		if c == code {
			return true
		}
	}
	return false
}

// VarLabel is a variable's label in the page's language.
func (v *surveyResultsView) VarLabel(vr survey.Variable) string {
	if v.Lang == "en" && vr.LabelEN != "" {
		return vr.LabelEN
	}
	return vr.Label
}

// OptionText is an option's label in the page's language.
func (v *surveyResultsView) OptionText(o survey.Option) string { return o.Text(v.Lang) }

// ItemText is an item's text in the page's language.
func (v *surveyResultsView) ItemText(it *survey.Item) string { return it.Label(v.Lang) }

// DimensionName is a dimension's name in the page's language.
func (v *surveyResultsView) DimensionName(d survey.Dimension) string { return d.Label(v.Lang) }

// F formats a statistic with three decimals.
func (v *surveyResultsView) F(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	return strconv.FormatFloat(x, 'f', 3, 64)
}

// DF formats degrees of freedom: whole for Student's t, two decimals for
// Welch's approximation.
func (v *surveyResultsView) DF(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

// M formats a statistic the data may leave undefined.
func (v *surveyResultsView) M(m stats.Maybe[float64]) string {
	if !m.OK() {
		return "—"
	}
	return v.F(m.Value)
}

// P formats a p-value with its relation as journals print it: "= .032",
// "< .001".
func (v *surveyResultsView) P(p float64) string {
	if p < 0.001 {
		return "< .001"
	}
	return "= " + v.PV(p)
}

// PV formats a p-value for a table cell.
func (v *surveyResultsView) PV(p float64) string {
	if p < 0.001 {
		return "< .001"
	}
	return strings.TrimPrefix(strconv.FormatFloat(p, 'f', 3, 64), "0")
}

// MP formats an optional p-value with its relation.
func (v *surveyResultsView) MP(m stats.Maybe[stats.FTest]) string {
	if !m.OK() {
		return "—"
	}
	return v.P(m.Value.P)
}

// Pct formats a percentage.
func (v *surveyResultsView) Pct(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) + "%" }

// Rate formats a response rate.
func (v *surveyResultsView) Rate(responded, eligible int) string {
	if eligible == 0 {
		return "—"
	}
	return v.Pct(100 * float64(responded) / float64(eligible))
}

// Reason translates why the data could not support a statistic.
func (v *surveyResultsView) Reason(e *stats.Error) string {
	if e == nil {
		return ""
	}
	args := make([]any, 0, 2*len(e.Params))
	for k, val := range e.Params {
		args = append(args, k, val)
	}
	return v.T(e.Code, args...)
}

// surveyChartData is what survey.js draws: named bar charts.
type surveyChartData struct {
	Charts map[string]surveyChart `json:"charts"`
}

type surveyChart struct {
	Title  string         `json:"title"`
	Labels []string       `json:"labels"`
	Series []surveySeries `json:"series"`
	Unit   string         `json:"unit,omitempty"`
}

type surveySeries struct {
	Name string    `json:"name"`
	Data []float64 `json:"data"`
}

// surveyResultsData answers the chart data of the results page.
func (s *Server) surveyResultsData(w http.ResponseWriter, r *http.Request) {
	v, ok := s.surveyResultsOf(w, r, "survey.results.title")
	if !ok {
		return
	}
	res := v.R
	out := surveyChartData{Charts: map[string]surveyChart{}}
	days := surveyChart{Title: v.T("survey.results.by_day"), Series: []surveySeries{{Name: v.T("survey.results.responses")}}}
	for _, d := range res.ByDay {
		days.Labels = append(days.Labels, d.Day.Format("2006-01-02"))
		days.Series[0].Data = append(days.Series[0].Data, float64(d.Count))
	}
	out.Charts["days"] = days
	dims := surveyChart{Title: v.T("survey.results.dimension_means"), Series: []surveySeries{{Name: v.T("survey.results.mean")}}}
	for _, d := range res.Dimensions {
		dims.Labels = append(dims.Labels, d.Dimension.Label(v.Lang))
		m := 0.0
		if d.Desc != nil {
			m = d.Desc.Mean
		}
		dims.Series[0].Data = append(dims.Series[0].Data, surveyRound3(m))
	}
	if res.Group != nil {
		// One series per group, from the comparisons' group means.
		dims.Series = nil
		for di, d := range res.Dimensions {
			for _, g := range surveyGroups(d.Compare) {
				k := -1
				for i, sr := range dims.Series {
					if sr.Name == g.Name {
						k = i
					}
				}
				if k < 0 {
					dims.Series = append(dims.Series, surveySeries{Name: g.Name, Data: make([]float64, len(res.Dimensions))})
					k = len(dims.Series) - 1
				}
				dims.Series[k].Data[di] = surveyRound3(g.Mean)
			}
		}
	}
	out.Charts["dimensions"] = dims
	for _, ir := range res.Items {
		for k, ft := range ir.Freqs {
			spec := surveyChart{Title: ft.Label, Unit: "%", Series: []surveySeries{{Name: v.T("survey.results.percent")}}}
			for _, row := range ft.Rows {
				spec.Labels = append(spec.Labels, row.Label)
				spec.Series[0].Data = append(spec.Series[0].Data, surveyRound3(row.Percent))
			}
			out.Charts[fmt.Sprintf("%s-%d", ir.Item.ID, k)] = spec
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.Write(b) //nolint:errcheck // the client went away
}

func surveyRound3(x float64) float64 { return math.Round(x*1000) / 1000 }

// surveyGroups returns the group summaries of a comparison.
func surveyGroups(c *service.Comparison) []stats.GroupSummary {
	if c == nil {
		return nil
	}
	return c.Groups
}

// Groups lists a comparison's group summaries for the templates.
func (v *surveyResultsView) Groups(c *service.Comparison) []stats.GroupSummary {
	return surveyGroups(c)
}

// surveyExportName is a safe file name for an export: the questionnaire's ID and
// a date, ASCII only, so no browser mangles it.
func (s *Server) surveyExportName(id int64, ext string) string {
	return fmt.Sprintf("survey-%d-%s.%s", id, s.svc.Now().In(beijing).Format("20060102"), ext)
}

func (s *Server) exportSurveyCSV(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	x, err := s.svc.ExportSurvey(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+s.surveyExportName(id, "csv")+`"`)
	h.Set("Cache-Control", "no-store")
	if err := service.WriteSurveyCSV(w, x); err != nil {
		s.log.Warn("write survey CSV", "survey", id, "err", err)
	}
}

func (s *Server) exportSurveyXLSX(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	x, err := s.svc.ExportSurvey(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "")
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", `attachment; filename="`+s.surveyExportName(id, "xlsx")+`"`)
	h.Set("Cache-Control", "no-store")
	if err := service.WriteSurveyXLSX(w, x, p.Lang, p.T); err != nil {
		s.log.Warn("write survey XLSX", "survey", id, "err", err)
	}
}

// ChartID names the chart of an item's k-th frequency table in results.json.
func (v *surveyResultsView) ChartID(itemID string, k int) string {
	return fmt.Sprintf("%s-%d", itemID, k)
}

// DataURL is where the page's charts load their data.
func (v *surveyResultsView) DataURL() string {
	u := "/surveys/" + strconv.FormatInt(v.R.Survey.ID, 10) + "/results.json"
	if v.Query != "" {
		u += "?" + v.Query
	}
	return u
}

// ReportURL is the print-ready report of the same subset and grouping.
func (v *surveyResultsView) ReportURL() string {
	u := "/surveys/" + strconv.FormatInt(v.R.Survey.ID, 10) + "/report"
	if v.Query != "" {
		u += "?" + v.Query
	}
	return u
}
