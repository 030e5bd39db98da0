package web

import (
	"fmt"
	"mime"
	"net/http"
	"strings"
	"unicode"

	"github.com/yanxiu/yanxiu/internal/interview"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/stats"
)

// Code frequencies by group, and the exports of coded segments.

// freqCell is one code's figures in one group, formatted.
type freqCell struct {
	Records, Segments int
	Percent           string // of the group's records
}

// freqRow is one code's line of the cross-tab.
type freqRow struct {
	Code     *interview.Code
	Depth    int
	Own      int
	Segments int
	Records  int
	Percent  string
	Cells    []freqCell
	Chi      string // χ² with df, "" when no test ran
	P        string
	Fisher   string // 2×2 tables only
	Note     string // why no test ran, or the small-expected-count warning
	Warn     bool
}

type frequenciesView struct {
	*interviewPage
	By        string
	Attrs     []string
	Groups    []interview.Group
	Rows      []freqRow
	Records   int
	HasTests  bool
	Unstated  int // records left out of the tests for want of a group
	ExportURL string
}

// GroupLabel names a group of the current grouping.
func (v *frequenciesView) GroupLabel(value string) string { return v.Label(v.By, value) }

// AttrGrouping is the grouping value of a free attribute.
func (v *frequenciesView) AttrGrouping(name string) string { return interview.AttrPrefix + name }

func percent(n, of int) string {
	if of == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(of))
}

// formatP prints a p-value as research reports do.
func formatP(p float64) string {
	if p < 0.001 {
		return "< .001"
	}
	return strings.TrimPrefix(fmt.Sprintf("%.3f", p), "0")
}

// statsText translates a statistics warning or reason; the factor names it
// mentions become the code's name and the grouping's.
func statsText(p *Page, e *stats.Error, code, grouping string) string {
	args := make([]any, 0, 2*len(e.Params))
	for k, val := range e.Params {
		switch k {
		case "row":
			val = code
		case "col", "column":
			val = grouping
		}
		args = append(args, k, val)
	}
	return p.T(e.Code, args...)
}

// noTestNote says why a code could not be tested, in the researcher's
// terms where the statistics engine's general reason (a table without two
// rows and two columns) has a plainer cause.
func noTestNote(p *Page, fr *interview.Frequencies, row interview.Row, reason *stats.Error, grouping string) string {
	groups, total, with := 0, 0, 0
	for gi, g := range fr.Groups {
		if g.Value == "" {
			continue
		}
		groups++
		total += g.Records
		with += row.ByGroup[gi].Records
	}
	switch {
	case reason.Code != stats.CodeTableTooSmall:
	case groups < 2:
		return p.T("interview.freq.one_group")
	case with == 0:
		return p.T("interview.freq.no_record_has")
	case with == total:
		return p.T("interview.freq.every_record_has")
	}
	return statsText(p, reason, row.Code.Name, grouping)
}

func (s *Server) showInterviewFrequencies(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	by := r.URL.Query().Get("by")
	if by == "" {
		by = interview.ByGender
	}
	ctx := r.Context()
	p, a, err := s.svc.InterviewProject(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fr, err := s.svc.InterviewFrequencies(ctx, u, id, clip(by, 40))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := &frequenciesView{interviewPage: s.newInterviewPage(r, p, a, "frequencies"), By: fr.Grouping, Attrs: fr.AttrNames,
		Groups: fr.Groups, Records: fr.Records, ExportURL: interviewPath(id) + "/export.xlsx"}
	v.Page.Title = v.T("interview.freq.title") + " · " + p.Title
	for _, g := range fr.Groups {
		if g.Value == "" {
			v.Unstated = g.Records
		}
	}
	for i, row := range fr.Rows {
		fRow := freqRow{Code: row.Code, Depth: row.Depth, Own: row.OwnSegments, Segments: row.Segments, Records: row.Records,
			Percent: percent(row.Records, fr.Records)}
		for gi, c := range row.ByGroup {
			fRow.Cells = append(fRow.Cells, freqCell{Records: c.Records, Segments: c.Segments, Percent: percent(c.Records, fr.Groups[gi].Records)})
		}
		t := fr.Tests[i]
		switch {
		case t.Reason != nil:
			fRow.Note = noTestNote(v.Page, fr.Frequencies, row, t.Reason, v.GroupingName(fr.Grouping))
		case t.Result != nil:
			v.HasTests = true
			fRow.Chi = fmt.Sprintf("%.3f (%d)", t.Result.Statistic, t.Result.DF)
			fRow.P = formatP(t.Result.P)
			if t.Result.FisherP != nil {
				fRow.Fisher = formatP(*t.Result.FisherP)
			}
			if len(t.Result.Warnings) > 0 {
				fRow.Note, fRow.Warn = statsText(v.Page, t.Result.Warnings[0], row.Code.Name, v.GroupingName(fr.Grouping)), true
			}
		}
		v.Rows = append(v.Rows, fRow)
	}
	s.render(w, r, http.StatusOK, "interview_frequencies", v)
}

// exportName is a download's file name: the project's title without
// characters file systems refuse, and the extension.
func exportName(title, ext string) string {
	name := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, title)
	return clip(strings.TrimSpace(name), 60) + "-coded-segments." + ext
}

// startDownload sets the headers of an export.
func startDownload(w http.ResponseWriter, ctype, name string) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	cd := mime.FormatMediaType("attachment", map[string]string{"filename": name})
	if cd == "" {
		cd = "attachment"
	}
	h.Set("Content-Disposition", cd)
	h.Set("Cache-Control", "private, no-store")
}

func (s *Server) interviewExport(w http.ResponseWriter, r *http.Request) (*service.InterviewExport, service.Translate, bool) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return nil, nil, false
	}
	x, err := s.svc.ExportInterviewSegments(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	p := s.page(r, "")
	return x, p.T, true
}

func (s *Server) exportInterviewCSV(w http.ResponseWriter, r *http.Request) {
	x, t, ok := s.interviewExport(w, r)
	if !ok {
		return
	}
	startDownload(w, "text/csv; charset=utf-8", exportName(x.Project.Title, "csv"))
	if err := service.WriteInterviewCSV(w, x.SegmentTable(t)); err != nil {
		s.log.Warn("write interview CSV", "project", x.Project.ID, "err", err)
	}
}

func (s *Server) exportInterviewXLSX(w http.ResponseWriter, r *http.Request) {
	x, t, ok := s.interviewExport(w, r)
	if !ok {
		return
	}
	startDownload(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exportName(x.Project.Title, "xlsx"))
	if err := service.WriteInterviewXLSX(w, x, t); err != nil {
		s.log.Warn("write interview workbook", "project", x.Project.ID, "err", err)
	}
}
