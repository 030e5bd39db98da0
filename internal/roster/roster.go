// Package roster reads a staff roster that a school or district exports from
// its own systems (CSV in UTF-8 or GB18030, or an XLSX workbook) and turns
// it into validated, canonical rows. It owns only parsing and validation:
// applying rows to accounts, and previewing them on the web or the command
// line, belong to the service and the front ends, which is why every problem
// is a message key with arguments rather than text.
//
// A file is either rejected as a whole (Parse returns an *apperr.Error whose
// Key is one of the File* constants) or yields a Sheet in which each row is
// valid or carries RowErrors, so an admin can fix the file or import only
// the valid rows.
package roster

import (
	"fmt"
	"io"
	"strconv"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

// Options bound what one upload may cost; zero fields take the defaults.
type Options struct {
	MaxBytes     int64 // file size; default 10 MiB
	MaxRows      int   // non-blank rows under the header; default 20,000
	MaxCellRunes int   // characters in one cell of a known column; default 256
}

// Defaults for Options, sized for the largest single school (a few thousand
// staff) with room for a small district's file.
const (
	DefaultMaxBytes     = 10 << 20
	DefaultMaxRows      = 20000
	DefaultMaxCellRunes = 256
)

func (o Options) withDefaults() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.MaxCellRunes <= 0 {
		o.MaxCellRunes = DefaultMaxCellRunes
	}
	return o
}

// Formats and encodings a Sheet reports, so the preview can say what it read.
const (
	FormatCSV       = "csv"
	FormatXLSX      = "xlsx"
	EncodingUTF8    = "utf-8"
	EncodingGB18030 = "gb18030"
)

// Sheet is a parsed roster: which columns were recognised, which were not,
// and every non-blank row with its errors.
type Sheet struct {
	Format    string // FormatCSV or FormatXLSX
	Encoding  string // for CSV: EncodingUTF8 or EncodingGB18030
	SheetName string // for XLSX: the worksheet that was read
	HeaderRow int    // row number of the header (1 unless title rows precede it)
	// Columns are the recognised columns in file order; a column absent here
	// was not in the file, which the service may read as "leave unchanged".
	Columns []Column
	// Unknown holds the header texts that matched no column, in file order;
	// their cells are ignored (a warning, not an error).
	Unknown []string
	Rows    []Row
	// Errors lists every row error ordered by row, then by column.
	Errors []RowError
}

// Column is a recognised column: its canonical key and the header the file
// used for it.
type Column struct {
	Key    string
	Header string
	index  int
}

// Has reports whether the file had the column (by canonical key).
func (s *Sheet) Has(column string) bool {
	for _, c := range s.Columns {
		if c.Key == column {
			return true
		}
	}
	return false
}

// Valid reports whether every row is valid, the condition for importing the
// whole file without asking.
func (s *Sheet) Valid() bool { return len(s.Errors) == 0 }

// ValidRows returns the rows without errors, for "import only valid rows".
func (s *Sheet) ValidRows() []Row {
	var out []Row
	for _, r := range s.Rows {
		if r.Valid() {
			out = append(out, r)
		}
	}
	return out
}

// RowErrors returns the errors of the row with the given line number.
func (s *Sheet) RowErrors(line int) []RowError {
	var out []RowError
	for _, e := range s.Errors {
		if e.Row == line {
			out = append(out, e)
		}
	}
	return out
}

// Row is one person from the file in canonical form. Fields that failed
// validation are left at their zero value; Raw keeps what the file said.
type Row struct {
	Line            int    // row number as the user sees it (header is 1)
	Username        string // lowercase; derived from StaffNo when the file had none
	UsernameDerived bool
	Name            string
	Gender          string   // teacher.Genders key or ""
	Subjects        []string // teacher.Subjects keys, in file order
	GradeBand       string   // teacher.GradeBands key or ""
	Title           string   // teacher.Titles key or ""
	YearsOfTeaching *int     // nil when blank
	Email           string
	StaffNo         string
	// Raw holds the trimmed cell text of each recognised column, for showing
	// an invalid row as the user wrote it.
	Raw   map[string]string
	valid bool
}

// Valid reports whether the row had no errors.
func (r Row) Valid() bool { return r.valid }

// Key is the stable identity a re-import matches on.
type Key struct {
	Column string // ColStaffNo or ColUsername
	Value  string
}

func (k Key) String() string { return k.Column + ":" + k.Value }

// Key returns the row's matching key: the staff number when the row has one,
// since usernames may be derived or renamed, else the username. A service
// that finds no account by staff number should still try the username, so
// a first import without staff numbers and a later one with them agree.
func (r Row) Key() Key {
	if r.StaffNo != "" {
		return Key{Column: ColStaffNo, Value: r.StaffNo}
	}
	return Key{Column: ColUsername, Value: r.Username}
}

// RowError is one problem in one cell (or one row, for the identity checks).
type RowError struct {
	Row    int               // line number as the user sees it, header = 1
	Column string            // canonical column key
	Code   string            // message key, one of the Err* constants
	Args   map[string]string // placeholder values, e.g. "value", "max", "row"
}

// Error describes the problem for logs; users see Code translated.
func (e RowError) Error() string {
	return fmt.Sprintf("row %d, column %s: %s %v", e.Row, e.Column, e.Code, e.Args)
}

// Parse reads a roster file. filename is only a hint: the format is decided
// by the content, and the name only lets a damaged .xlsx be reported as
// such rather than read as text. It returns an *apperr.Error (Invalid or
// TooLarge) for a file that cannot be used at all and a wrapped I/O error
// when r fails.
func Parse(r io.Reader, filename string, opts Options) (*Sheet, error) {
	opts = opts.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, opts.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read roster %q: %w", filename, err)
	}
	if int64(len(data)) > opts.MaxBytes {
		return nil, fileErr(apperr.TooLarge, FileTooLarge, "max", formatBytes(opts.MaxBytes))
	}
	src, sheet, err := openSource(data, filename)
	if err != nil {
		return nil, err
	}
	defer src.close()
	if err := readSheet(src, sheet, opts); err != nil {
		return nil, err
	}
	return sheet, nil
}

// readSheet finds the header, then validates every row under it.
func readSheet(src source, sheet *Sheet, opts Options) error {
	if err := readHeader(src, sheet); err != nil {
		return err
	}
	v := newValidator(sheet, opts)
	count := 0
	for {
		line, cells, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if blank(cells) {
			continue
		}
		if count++; count > opts.MaxRows {
			return fileErr(apperr.TooLarge, FileTooManyRows, "max", strconv.Itoa(opts.MaxRows))
		}
		v.row(line, cells)
	}
	if len(sheet.Rows) == 0 {
		// Also when every row only had cells under unknown columns.
		return fileErr(apperr.Invalid, FileNoRows)
	}
	return nil
}

// fileErr builds the error for a file that cannot be imported at all.
func fileErr(code apperr.Code, key string, args ...string) *apperr.Error {
	e := apperr.New(code, key)
	if len(args) > 0 {
		e.Args = make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			e.Args[args[i]] = args[i+1]
		}
	}
	return e
}

// formatBytes renders a limit the way people read file sizes.
func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
