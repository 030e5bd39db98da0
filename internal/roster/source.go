package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

// source yields the rows of a file with the row numbers a person sees when
// opening it in a spreadsheet program.
type source interface {
	next() (line int, cells []string, err error) // io.EOF after the last row
	close()
}

var (
	zipMagic  = []byte("PK\x03\x04")
	oleMagic  = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	utf8BOM   = []byte{0xEF, 0xBB, 0xBF}
	utf16LE   = []byte{0xFF, 0xFE}
	utf16BE   = []byte{0xFE, 0xFF}
	zeroBytes = []byte{0}
)

// openSource decides the format from the content: spreadsheet programs and
// users rename files freely, and a GB18030 CSV saved as .xls is common.
func openSource(data []byte, filename string) (source, *Sheet, error) {
	ext := strings.ToLower(filepath.Ext(filename))
	switch {
	case bytes.HasPrefix(data, zipMagic):
		src, name, err := openXLSX(data)
		if err != nil {
			return nil, nil, err
		}
		return src, &Sheet{Format: FormatXLSX, SheetName: name}, nil
	case bytes.HasPrefix(data, oleMagic):
		// Excel 97-2003 files and password-protected workbooks share this
		// container; neither can be read without the password or a BIFF parser.
		return nil, nil, fileErr(apperr.Invalid, FileLegacyExcel)
	case ext == ".xlsx" || ext == ".xlsm":
		return nil, nil, fileErr(apperr.Invalid, FileXLSXInvalid)
	}
	text, enc, err := decodeText(data)
	if err != nil {
		return nil, nil, err
	}
	return newCSVSource(text), &Sheet{Format: FormatCSV, Encoding: enc}, nil
}

// decodeText returns the file as UTF-8. Valid UTF-8 wins, because a
// GB18030 file of Chinese text is almost never valid UTF-8 by accident,
// whereas every byte string decodes as something in GB18030.
func decodeText(data []byte) (string, string, error) {
	if bytes.HasPrefix(data, utf16LE) || bytes.HasPrefix(data, utf16BE) {
		return "", "", fileErr(apperr.Invalid, FileUTF16)
	}
	if bytes.Contains(data, zeroBytes) {
		return "", "", fileErr(apperr.Invalid, FileEncoding)
	}
	if b := bytes.TrimPrefix(data, utf8BOM); utf8.Valid(b) {
		return string(b), EncodingUTF8, nil
	}
	b, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || bytes.ContainsRune(b, utf8.RuneError) {
		return "", "", apperr.Wrap(apperr.Invalid, FileEncoding, err)
	}
	return strings.TrimPrefix(string(b), "\uFEFF"), EncodingGB18030, nil
}

// csvSource reads CSV records strictly, so that a stray quote is reported
// with its row instead of silently swallowing the rows after it into one
// cell. It converts encoding/csv's physical line numbers into spreadsheet
// row numbers, which differ once a quoted cell has spanned several lines.
type csvSource struct {
	r     *csv.Reader
	extra int // newlines inside cells of the records read so far
}

func newCSVSource(text string) *csvSource {
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = sniffDelimiter(text)
	r.FieldsPerRecord = -1
	return &csvSource{r: r}
}

func (s *csvSource) next() (int, []string, error) {
	rec, err := s.r.Read()
	if err == io.EOF {
		return 0, nil, io.EOF
	}
	if err != nil {
		var pe *csv.ParseError
		row := 0
		if errors.As(err, &pe) {
			row = pe.StartLine - s.extra
		}
		e := apperr.Wrap(apperr.Invalid, FileCSVInvalid, err)
		e.Args = map[string]any{"row": strconv.Itoa(row)}
		return 0, nil, e
	}
	line, _ := s.r.FieldPos(0)
	line -= s.extra
	for _, f := range rec {
		s.extra += strings.Count(f, "\n")
	}
	return line, rec, nil
}

func (s *csvSource) close() {}

// sniffDelimiter picks comma, tab or semicolon by which occurs most in the
// first line: tab-separated text is what copying from a spreadsheet gives,
// and European-locale Excel writes semicolons.
func sniffDelimiter(text string) rune {
	first, _, _ := strings.Cut(strings.TrimLeft(text, "\r\n"), "\n")
	best, bestN := ',', strings.Count(first, ",")
	for _, d := range []rune{'\t', ';'} {
		if n := strings.Count(first, string(d)); n > bestN {
			best, bestN = d, n
		}
	}
	return best
}

// xlsxUnzipAllowance bounds how much a workbook may grow when unzipped,
// beyond its own size (pictures do not compress): a 20,000-row roster is
// about 15 MiB of XML, and a zip bomb must not get further than this.
const xlsxUnzipAllowance = 64 << 20

// xlsxSource streams the rows of one worksheet.
type xlsxSource struct {
	f       *excelize.File
	rows    *excelize.Rows
	line    int
	pending []string // the first non-blank row, read while choosing the sheet
}

// openXLSX opens the workbook and picks the first visible worksheet that
// holds any value, so a blank "Sheet1" left in front of the data or a
// hidden lookup sheet does not hide the roster.
func openXLSX(data []byte) (*xlsxSource, string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: int64(len(data)) + xlsxUnzipAllowance,
	})
	if err != nil {
		return nil, "", apperr.Wrap(apperr.Invalid, FileXLSXInvalid, err)
	}
	for _, name := range f.GetSheetList() {
		if visible, err := f.GetSheetVisible(name); err != nil || !visible {
			continue
		}
		src := &xlsxSource{f: f}
		if src.rows, err = f.Rows(name); err != nil {
			continue
		}
		for src.rows.Next() {
			src.line++
			cells, err := src.rows.Columns()
			if err != nil {
				f.Close()
				return nil, "", apperr.Wrap(apperr.Invalid, FileXLSXInvalid, fmt.Errorf("sheet %q row %d: %w", name, src.line, err))
			}
			if !blank(cells) {
				src.pending = cells
				return src, name, nil
			}
		}
		if err := src.rows.Close(); err != nil {
			f.Close()
			return nil, "", apperr.Wrap(apperr.Invalid, FileXLSXInvalid, fmt.Errorf("sheet %q: %w", name, err))
		}
	}
	f.Close()
	return nil, "", fileErr(apperr.Invalid, FileEmpty)
}

func (s *xlsxSource) next() (int, []string, error) {
	if s.pending != nil {
		cells := s.pending
		s.pending = nil
		return s.line, cells, nil
	}
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return 0, nil, apperr.Wrap(apperr.Invalid, FileXLSXInvalid, err)
		}
		return 0, nil, io.EOF
	}
	s.line++
	cells, err := s.rows.Columns()
	if err != nil {
		return 0, nil, apperr.Wrap(apperr.Invalid, FileXLSXInvalid, fmt.Errorf("row %d: %w", s.line, err))
	}
	return s.line, cells, nil
}

func (s *xlsxSource) close() {
	s.rows.Close()
	s.f.Close()
}

// blank reports whether no cell holds anything but space.
func blank(cells []string) bool {
	for _, c := range cells {
		if clean(c) != "" {
			return false
		}
	}
	return true
}
