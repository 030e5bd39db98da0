package service

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/interview"
	"github.com/yanxiu/yanxiu/internal/stats"
)

// Analysis of a project's coding: code frequencies cross-tabulated by a
// grouping attribute with a chi-square test per code, and exports of the
// coded segments.

// CodeFrequencies is a project's code frequencies with a test of
// independence per code (Tests[i] belongs to Rows[i]).
type CodeFrequencies struct {
	*interview.Frequencies
	Tests []FrequencyTest
	// AttrNames are the free attributes the project's records use, for
	// choosing a grouping.
	AttrNames []string
}

// FrequencyTest is Pearson's chi-square test of independence of "the
// record has the code" and the group, over the records whose group is
// stated. Reason explains why no test could be run (every record has the
// code, fewer than two groups ...); Result.Warnings flag expected counts
// too small for the chi-square approximation, in which case Fisher's exact
// test (2×2 tables) is the figure to read.
type FrequencyTest struct {
	Result *stats.ChiSquare
	Reason *stats.Error
}

// InterviewFrequencies counts a project's codes by the grouping by (see
// interview.Groupings; "attr:NAME" for a free attribute).
func (s *Service) InterviewFrequencies(ctx context.Context, viewer *account.User, projectID int64, by string) (*CodeFrequencies, error) {
	if _, _, err := s.interviewProject(ctx, s.db.R(), viewer, projectID); err != nil {
		return nil, err
	}
	if err := interview.CheckGrouping(by); err != nil {
		return nil, err
	}
	r := s.db.R()
	codes, err := r.InterviewCodes(ctx, projectID)
	if err != nil {
		return nil, err
	}
	records, err := r.InterviewRecords(ctx, projectID)
	if err != nil {
		return nil, err
	}
	coded, err := r.InterviewCoded(ctx, projectID)
	if err != nil {
		return nil, err
	}
	fr := interview.Count(interview.NewBook(codes), records, coded, by)
	out := &CodeFrequencies{Frequencies: fr, Tests: make([]FrequencyTest, len(fr.Rows)), AttrNames: interview.SortedAttrNames(records)}
	for i, row := range fr.Rows {
		has, group := fr.Indicators(row)
		res, err := stats.ChiSquareTest(stats.NewFactor("code", has), stats.NewFactor(by, group))
		var se *stats.Error
		switch {
		case errors.As(err, &se):
			out.Tests[i].Reason = se
		case err != nil:
			return nil, fmt.Errorf("chi-square for code %d: %w", row.Code.ID, err)
		default:
			out.Tests[i].Result = res
		}
	}
	return out, nil
}

// InterviewExport is what an export of a project's coding holds.
type InterviewExport struct {
	Project  *interview.Project
	Book     *interview.Book
	Records  map[int64]*interview.Record
	Segments []*interview.Segment
	Attrs    []string // free attribute names, one column each
}

// ExportInterviewSegments gathers a project's coded segments for export.
func (s *Service) ExportInterviewSegments(ctx context.Context, viewer *account.User, projectID int64) (*InterviewExport, error) {
	p, _, err := s.interviewProject(ctx, s.db.R(), viewer, projectID)
	if err != nil {
		return nil, err
	}
	r := s.db.R()
	codes, err := r.InterviewCodes(ctx, projectID)
	if err != nil {
		return nil, err
	}
	records, err := r.InterviewRecords(ctx, projectID)
	if err != nil {
		return nil, err
	}
	segs, err := r.InterviewSegments(ctx, projectID)
	if err != nil {
		return nil, err
	}
	x := &InterviewExport{Project: p, Book: interview.NewBook(codes), Records: make(map[int64]*interview.Record, len(records)),
		Segments: segs, Attrs: interview.SortedAttrNames(records)}
	for _, rec := range records {
		x.Records[rec.ID] = rec
	}
	return x, nil
}

// Translate renders a message key in the reader's language.
type Translate func(key string, args ...any) string

// vocabLabel translates a stored attribute value ("" stays "").
func vocabLabel(t Translate, grouping, value string) string {
	if value == "" {
		return ""
	}
	switch grouping {
	case interview.ByGender:
		return t("gender." + value)
	case interview.ByYearsBand:
		return t("interview.years_band." + value)
	case interview.ByTitle:
		return t("title." + value)
	case interview.ByLocation:
		return t("location." + value)
	case interview.BySubject:
		return t("subject." + value)
	}
	return value
}

// SegmentTable lays the segments out as rows under a header, one column
// per attribute, in the reader's language.
func (x *InterviewExport) SegmentTable(t Translate) [][]string {
	head := []string{t("interview.export.segment"), t("interview.export.record")}
	for _, g := range interview.Groupings {
		head = append(head, t("interview.grouping."+g))
	}
	head = append(head, x.Attrs...)
	head = append(head, t("interview.export.date"), t("interview.export.interviewer"), t("interview.export.code"),
		t("interview.export.code_path"), t("interview.export.start"), t("interview.export.end"), t("interview.export.quote"),
		t("interview.export.memo"), t("interview.export.coder"), t("interview.export.coded_at"), t("interview.export.stale"))
	rows := [][]string{head}
	for _, sg := range x.Segments {
		rec := x.Records[sg.RecordID]
		if rec == nil {
			continue
		}
		row := []string{strconv.FormatInt(sg.ID, 10), rec.Pseudonym}
		for _, g := range interview.Groupings {
			row = append(row, vocabLabel(t, g, rec.GroupValue(g)))
		}
		for _, a := range x.Attrs {
			row = append(row, rec.Attribute(a))
		}
		date := ""
		if rec.InterviewedOn != nil {
			date = rec.InterviewedOn.Format("2006-01-02")
		}
		stale := ""
		if sg.Stale {
			stale = t("interview.segment.stale")
		}
		row = append(row, date, rec.Interviewer, sg.CodeName, x.Book.Path(sg.CodeID), strconv.Itoa(sg.Start), strconv.Itoa(sg.End),
			sg.Quote, sg.Memo, sg.CoderName, sg.CreatedAt.In(interviewExportZone).Format("2006-01-02 15:04"), stale)
		rows = append(rows, row)
	}
	return rows
}

// interviewExportZone is China Standard Time, the zone the pages show dates in.
var interviewExportZone = time.FixedZone("CST", 8*3600)

// CodeBookTable lays the code book out as rows under a header, in tree order.
func (x *InterviewExport) CodeBookTable(t Translate) [][]string {
	rows := [][]string{{t("interview.export.code"), t("interview.export.code_path"), t("interview.code.definition"),
		t("interview.code.example"), t("interview.export.segments")}}
	for _, n := range x.Book.Tree() {
		rows = append(rows, []string{n.Code.Name, x.Book.Path(n.Code.ID), n.Code.Definition, n.Code.Example, strconv.Itoa(n.Code.Segments)})
	}
	return rows
}

// WriteInterviewCSV writes the segment table as UTF-8 CSV with a byte
// order mark, which spreadsheet programs need to read Chinese correctly.
// A cell that a spreadsheet would run as a formula gets a leading
// apostrophe (the OWASP advice against CSV injection).
func WriteInterviewCSV(w io.Writer, rows [][]string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	for _, row := range rows {
		safe := make([]string, len(row))
		for i, c := range row {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				c = "'" + c
			}
			safe[i] = c
		}
		if err := cw.Write(safe); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteInterviewXLSX writes a workbook with the segments on one sheet and
// the code book on another. Every cell is a string, never a formula.
func WriteInterviewXLSX(w io.Writer, x *InterviewExport, t Translate) error {
	f := excelize.NewFile()
	defer f.Close()
	sheets := []struct {
		name string
		rows [][]string
	}{{t("interview.export.sheet_segments"), x.SegmentTable(t)}, {t("interview.export.sheet_codes"), x.CodeBookTable(t)}}
	for i, sh := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.name); err != nil {
				return fmt.Errorf("name sheet: %w", err)
			}
		} else if _, err := f.NewSheet(sh.name); err != nil {
			return fmt.Errorf("add sheet: %w", err)
		}
		sw, err := f.NewStreamWriter(sh.name)
		if err != nil {
			return fmt.Errorf("stream sheet: %w", err)
		}
		for r, row := range sh.rows {
			cells := make([]any, len(row))
			for i, c := range row {
				cells[i] = excelize.Cell{Value: c}
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := sw.SetRow(cell, cells); err != nil {
				return fmt.Errorf("write row %d: %w", r+1, err)
			}
		}
		if err := sw.Flush(); err != nil {
			return fmt.Errorf("flush sheet: %w", err)
		}
	}
	return f.Write(w)
}
