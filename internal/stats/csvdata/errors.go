package csvdata

import (
	"sort"
	"strconv"

	"github.com/yanxiu/yanxiu/internal/stats"
)

// Error codes are message keys in internal/i18n/locales/*/stats.json.
const (
	CodeEmpty         = "stats.csv.error.empty"
	CodeEncoding      = "stats.csv.error.encoding"
	CodeSyntax        = "stats.csv.error.syntax"
	CodeFieldCount    = "stats.csv.error.field_count"
	CodeNoName        = "stats.csv.error.no_name"
	CodeDuplicate     = "stats.csv.error.duplicate_column"
	CodeUnknownColumn = "stats.csv.error.unknown_column"
	CodeNotANumber    = "stats.csv.error.not_a_number"
	CodeOutOfRange    = "stats.csv.error.out_of_range"
	CodeRead          = "stats.csv.error.read"
)

var englishText = map[string]string{
	CodeEmpty:         "the file is empty; it needs a header row naming the columns",
	CodeEncoding:      "line {line} is not valid UTF-8 text",
	CodeSyntax:        "line {line} is not valid CSV: {detail}",
	CodeFieldCount:    "line {line} has {got} fields but the header has {want}",
	CodeNoName:        "column {index} of the header has no name",
	CodeDuplicate:     "the header names the column {column} twice",
	CodeUnknownColumn: "the file has no column named {column}",
	CodeNotANumber:    "line {line}, column {column}: {value} is not a number",
	CodeOutOfRange:    "line {line}, column {column}: {value} is outside the range of double-precision numbers",
	CodeRead:          "the file could not be read: {detail}",
}

// Error is a problem with the file, located by line (1 is the header) and
// column name where that applies. Code and Params make a translatable
// message; Error() gives the English text.
type Error struct {
	Code   string
	Line   int    // 0 when the problem has no single line
	Column string // "" when the problem has no single column
	Params map[string]string
	Err    error // underlying I/O error, if any
}

func newError(code string, line int, column string, kv ...string) *Error {
	e := &Error{Code: code, Line: line, Column: column, Params: map[string]string{}}
	if line > 0 {
		e.Params["line"] = strconv.Itoa(line)
	}
	if column != "" {
		e.Params["column"] = column
	}
	for i := 0; i+1 < len(kv); i += 2 {
		e.Params[kv[i]] = kv[i+1]
	}
	return e
}

// Error renders the English message.
func (e *Error) Error() string { return stats.Render(englishText[e.Code], e.Params) }

// Unwrap exposes an underlying read error.
func (e *Error) Unwrap() error { return e.Err }

// EnglishText returns the English template for a code, for catalogue checks.
func EnglishText(code string) (string, bool) {
	s, ok := englishText[code]
	return s, ok
}

// Codes lists every message key the package can emit, sorted.
func Codes() []string {
	out := make([]string, 0, len(englishText))
	for k := range englishText {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
