// Package csvdata reads a UTF-8 CSV file with a header row into the
// columns the statistics engine analyses. Numbers keep their exact decimal
// form (see stats.Decimal), an empty cell is a missing value, and every
// error names the line and column at fault so a researcher can fix the file.
//
// It lives apart from package stats so that stats stays free of I/O beyond
// the values it is handed; only the columns a caller asks for are parsed
// and kept, so a million-row file costs memory for those columns alone.
package csvdata

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/stats"
)

// Request names the columns to read: Numeric ones become stats.Columns and
// Factors become stats.Factors. A name may appear in both.
type Request struct {
	Numeric []string
	Factors []string
}

// Table holds the requested columns of one file.
type Table struct {
	header  []string
	rows    int
	numeric map[string]*stats.Column
	factors map[string]*stats.Factor
}

// Header returns the column names in file order.
func (t *Table) Header() []string { return append([]string(nil), t.header...) }

// Rows returns the number of data rows (the header excluded).
func (t *Table) Rows() int { return t.rows }

// Column returns a requested numeric column, or nil if it was not requested.
func (t *Table) Column(name string) *stats.Column { return t.numeric[name] }

// Factor returns a requested factor, or nil if it was not requested.
func (t *Table) Factor(name string) *stats.Factor { return t.factors[name] }

var bom = []byte{0xEF, 0xBB, 0xBF}

// Read parses a CSV stream. A leading byte-order mark (as Excel writes) is
// skipped, header names are trimmed, and blank lines are ignored.
func Read(r io.Reader, req Request) (*Table, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, bom) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, newError(CodeEmpty, 0, "")
	}
	if err != nil {
		return nil, parseError(err)
	}
	t := &Table{
		header:  make([]string, len(header)),
		numeric: make(map[string]*stats.Column),
		factors: make(map[string]*stats.Factor),
	}
	index := make(map[string]int, len(header))
	for i, h := range header {
		if !utf8.ValidString(h) {
			return nil, newError(CodeEncoding, 1, "")
		}
		h = strings.TrimSpace(h)
		if h == "" {
			return nil, newError(CodeNoName, 1, "", "index", strconv.Itoa(i+1))
		}
		if _, dup := index[h]; dup {
			return nil, newError(CodeDuplicate, 1, h)
		}
		index[h] = i
		t.header[i] = h
	}
	type numCol struct {
		idx  int
		name string
		b    *stats.ColumnBuilder
	}
	type facCol struct {
		idx  int
		name string
		b    *stats.FactorBuilder
	}
	var nums []numCol
	var facs []facCol
	for _, name := range req.Numeric {
		i, ok := index[name]
		if !ok {
			return nil, newError(CodeUnknownColumn, 0, name)
		}
		nums = append(nums, numCol{i, name, stats.NewColumnBuilder(name, 1024)})
	}
	for _, name := range req.Factors {
		i, ok := index[name]
		if !ok {
			return nil, newError(CodeUnknownColumn, 0, name)
		}
		facs = append(facs, facCol{i, name, stats.NewFactorBuilder(name, 1024)})
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
				return nil, newError(CodeFieldCount, pe.StartLine, "",
					"got", strconv.Itoa(len(rec)), "want", strconv.Itoa(len(header)))
			}
			return nil, parseError(err)
		}
		for _, f := range rec {
			if !utf8.ValidString(f) {
				line, _ := cr.FieldPos(0)
				return nil, newError(CodeEncoding, line, "")
			}
		}
		for _, c := range nums {
			cell := strings.TrimSpace(rec[c.idx])
			if cell == "" {
				c.b.AppendMissing()
				continue
			}
			d, err := stats.ParseDecimal(cell)
			if err != nil {
				line, _ := cr.FieldPos(c.idx)
				code := CodeNotANumber
				var se *stats.Error
				if errors.As(err, &se) && se.Code == stats.CodeOutOfRange {
					code = CodeOutOfRange
				}
				return nil, newError(code, line, c.name, "value", strconv.Quote(cell))
			}
			c.b.AppendDecimal(d)
		}
		for _, c := range facs {
			c.b.Append(rec[c.idx])
		}
		t.rows++
	}
	for _, c := range nums {
		t.numeric[c.name] = c.b.Column()
	}
	for _, c := range facs {
		t.factors[c.name] = c.b.Factor()
	}
	return t, nil
}

// parseError turns an encoding/csv error into a located Error.
func parseError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return newError(CodeSyntax, pe.Line, "", "detail", pe.Err.Error())
	}
	return &Error{Code: CodeRead, Params: map[string]string{"detail": err.Error()}, Err: err}
}
