package service

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/survey"
)

// Exports of a questionnaire's raw data: CSV (UTF-8 with a byte-order mark,
// which Excel needs to read Chinese correctly) and XLSX with a data sheet
// and a codebook sheet. Both have one row per submitted response and one
// column per variable of survey.Variables, after a few columns about the
// response (its row number, the respondent and their institution for
// named questionnaires, and the submission date).

// SurveyExport is what an export writes.
type SurveyExport struct {
	Survey    *survey.Survey
	Variables []survey.Variable
	Rows      []ExportRow
}

// ExportRow is one response's cells.
type ExportRow struct {
	Username, Name, Institution string
	Submitted                   string // a date for anonymous responses, a time for named ones
	Values                      []survey.Value
}

// ExportSurvey gathers a questionnaire's responses for export (managers only).
func (s *Service) ExportSurvey(ctx context.Context, actor *account.User, id int64) (*SurveyExport, error) {
	sv, err := s.managedSurvey(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	x := &SurveyExport{Survey: sv, Variables: survey.Variables(sv.Definition)}
	// Refused before reading when the count already says too large, and
	// while reading, since responses may arrive meanwhile.
	if err := checkSurveyCells(sv.ResponseCount, len(x.Variables)); err != nil {
		return nil, err
	}
	err = s.db.R().EachSubmittedResponse(ctx, id, func(r *store.ResponseRow) error {
		if err := checkSurveyCells(len(x.Rows)+1, len(x.Variables)); err != nil {
			return err
		}
		row := ExportRow{Username: r.Username, Name: r.UserName, Institution: r.InstitutionName,
			Values: survey.Values(sv.Definition, x.Variables, r.Answers)}
		if sv.Anonymous {
			// A small school's column would single its teachers out
			// (the minimum group size in internal/store/survey_responses.go).
			row.Institution = ""
		}
		if r.SubmittedAt != nil {
			if sv.Anonymous {
				row.Submitted = r.SubmittedAt.Format("2006-01-02")
			} else {
				row.Submitted = r.SubmittedAt.In(chinaTime).Format("2006-01-02 15:04:05")
			}
		}
		x.Rows = append(x.Rows, row)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// metaColumns are the leading columns' names: fixed ASCII names, like
// the variables', so statistics software reads them.
func (x *SurveyExport) metaColumns() []string {
	if x.Survey.Anonymous {
		return []string{"row", "submitted"}
	}
	return []string{"row", "username", "name", "institution", "submitted"}
}

func (x *SurveyExport) metaValues(i int, r ExportRow) []string {
	if x.Survey.Anonymous {
		return []string{strconv.Itoa(i + 1), r.Submitted}
	}
	return []string{strconv.Itoa(i + 1), r.Username, r.Name, r.Institution, r.Submitted}
}

// Header is the data's header row.
func (x *SurveyExport) Header() []string {
	h := x.metaColumns()
	for _, v := range x.Variables {
		h = append(h, v.Name)
	}
	return h
}

// csvSafe keeps a spreadsheet from reading text as a formula: a cell that
// starts like one gets a leading apostrophe, as OWASP advises.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteSurveyCSV writes the data as CSV with a byte-order mark.
func WriteSurveyCSV(w io.Writer, x *SurveyExport) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(x.Header()); err != nil {
		return err
	}
	for i, r := range x.Rows {
		rec := x.metaValues(i, r)
		for k := range rec {
			rec[k] = csvSafe(rec[k])
		}
		for k, v := range r.Values {
			cell := v.String()
			if x.Variables[k].Type == survey.String {
				cell = csvSafe(cell)
			}
			rec = append(rec, cell)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// CodebookRows is the codebook: a header and one line per column of the
// data, in the language lang, with tr translating the fixed words.
func (x *SurveyExport) CodebookRows(lang string, tr func(key string, args ...any) string) [][]string {
	out := [][]string{{tr("survey.codebook.variable"), tr("survey.codebook.label"), tr("survey.codebook.label_en"),
		tr("survey.codebook.type"), tr("survey.codebook.value_labels"), tr("survey.codebook.value_labels_en"),
		tr("survey.codebook.reverse"), tr("survey.codebook.dimension"), tr("survey.codebook.item"), tr("survey.codebook.note")}}
	for _, m := range x.metaColumns() {
		out = append(out, []string{m, tr("survey.codebook.meta." + m), "", tr("survey.codebook.type.string"), "", "", "", "", "", ""})
	}
	def := x.Survey.Definition
	for _, v := range x.Variables {
		reverse, dim, note := tr("survey.codebook.no"), "", ""
		if v.Dimension != "" {
			if dm, ok := def.Dimension(v.Dimension); ok {
				dim = dm.Label(lang)
			}
		}
		if v.Reverse {
			reverse = tr("survey.codebook.reverse_yes", "n", v.Scale+1)
		}
		if v.Score {
			var parts []string
			for _, it := range def.DimensionItems(v.Dimension) {
				name := x.nameOf(it.ID)
				if it.Reverse {
					name += "(R)"
				}
				parts = append(parts, name)
			}
			note = tr("survey.codebook.score_note", "items", strings.Join(parts, ", "))
		}
		if v.Kind == survey.Number {
			if it, ok := def.Item(v.ItemID); ok {
				note = rangeNote(it)
			}
		}
		out = append(out, []string{v.Name, v.Label, v.LabelEN, tr("survey.codebook.type." + string(v.Type)),
			survey.ValueLabelText(v.ValueLabels, "zh-CN"), survey.ValueLabelText(v.ValueLabels, "en"), reverse, dim, v.ItemID, note})
	}
	return out
}

func rangeNote(it *survey.Item) string {
	f := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', -1, 64)
	}
	if it.Min == nil && it.Max == nil {
		return ""
	}
	return "[" + f(it.Min) + ", " + f(it.Max) + "]"
}

// nameOf returns the variable name of an item's main variable.
func (x *SurveyExport) nameOf(itemID string) string {
	for _, v := range x.Variables {
		if v.ItemID == itemID {
			return v.Name
		}
	}
	return itemID
}

// WriteSurveyXLSX writes a workbook with the data on its first sheet and
// the codebook on the second. Numbers are numbers; texts are strings,
// never formulas.
func WriteSurveyXLSX(w io.Writer, x *SurveyExport, lang string, tr func(key string, args ...any) string) error {
	f := excelize.NewFile()
	defer f.Close()
	data, book := tr("survey.export.sheet_data"), tr("survey.export.sheet_codebook")
	if err := f.SetSheetName("Sheet1", data); err != nil {
		return fmt.Errorf("name sheet: %w", err)
	}
	if _, err := f.NewSheet(book); err != nil {
		return fmt.Errorf("add sheet: %w", err)
	}
	write := func(sheet string, rows func(yield func([]any) bool)) error {
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			return fmt.Errorf("stream sheet: %w", err)
		}
		r := 0
		var werr error
		rows(func(cells []any) bool {
			r++
			cell, _ := excelize.CoordinatesToCellName(1, r)
			werr = sw.SetRow(cell, cells)
			return werr == nil
		})
		if werr != nil {
			return fmt.Errorf("write row %d: %w", r, werr)
		}
		return sw.Flush()
	}
	strs := func(ss []string) []any {
		out := make([]any, len(ss))
		for i, s := range ss {
			out[i] = excelize.Cell{Value: s}
		}
		return out
	}
	err := write(data, func(yield func([]any) bool) {
		if !yield(strs(x.Header())) {
			return
		}
		for i, r := range x.Rows {
			cells := strs(x.metaValues(i, r))
			cells[0] = excelize.Cell{Value: i + 1}
			for k, v := range r.Values {
				switch {
				case v.Missing:
					cells = append(cells, nil)
				case x.Variables[k].Type == survey.String:
					cells = append(cells, excelize.Cell{Value: v.Str})
				default:
					cells = append(cells, excelize.Cell{Value: v.Num})
				}
			}
			if !yield(cells) {
				return
			}
		}
	})
	if err != nil {
		return err
	}
	err = write(book, func(yield func([]any) bool) {
		for _, row := range x.CodebookRows(lang, tr) {
			if !yield(strs(row)) {
				return
			}
		}
	})
	if err != nil {
		return err
	}
	return f.Write(w)
}
