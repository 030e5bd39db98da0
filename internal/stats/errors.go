package stats

import (
	"errors"
	"sort"
	"strings"
)

// Error codes are message keys: a UI translates them with the catalogues in
// internal/i18n/locales/*/stats.json, filling the {placeholders} from Params.
const (
	CodeNoValues       = "stats.error.no_values"
	CodeTooFewValues   = "stats.error.too_few_values"
	CodeZeroVariance   = "stats.error.zero_variance"
	CodeTooFewGroups   = "stats.error.too_few_groups"
	CodeNotTwoGroups   = "stats.error.not_two_groups"
	CodeGroupTooSmall  = "stats.error.group_too_small"
	CodeGroupConstant  = "stats.error.group_zero_variance"
	CodeTotalConstant  = "stats.error.total_zero_variance"
	CodeEqualSpread    = "stats.error.equal_spread"
	CodeFewRespondents = "stats.error.too_few_respondents"
	CodeTooFewDF       = "stats.error.too_few_df"
	CodeAllTied        = "stats.error.all_tied"
	CodeLengthMismatch = "stats.error.length_mismatch"
	CodeTooFewItems    = "stats.error.too_few_items"
	CodeSingular       = "stats.error.singular_matrix"
	CodeTableTooSmall  = "stats.error.table_too_small"
	CodeNotFinite      = "stats.error.not_finite"
	CodeNotANumber     = "stats.error.not_a_number"
	CodeOutOfRange     = "stats.error.out_of_range"
	CodeUnknownLevel   = "stats.error.unknown_level"
	CodeOverflow       = "stats.error.overflow"
	CodeBadParameter   = "stats.error.bad_parameter"
)

// WarnSmallExpected flags a chi-square table whose expected counts are too
// small for the chi-square approximation to be trusted.
const WarnSmallExpected = "stats.warning.small_expected"

// englishText is the English wording of every code; the en catalogue holds
// the same text (a test keeps them equal), so logs and the command line can
// explain an error without the i18n package.
var englishText = map[string]string{
	CodeNoValues:       "{column} has no non-missing values",
	CodeTooFewValues:   "{column} needs at least {min} non-missing values but has {n}",
	CodeZeroVariance:   "{column} has zero variance, so the statistic is undefined",
	CodeTooFewGroups:   "{column} has fewer than two groups with values",
	CodeNotTwoGroups:   "the test needs exactly two groups but {column} has {k}",
	CodeGroupTooSmall:  "group {group} of {column} has {n} values but needs at least {min}",
	CodeGroupConstant:  "group {group} of {column} has zero variance",
	CodeTotalConstant:  "the items cancel each other out: the total score has zero variance",
	CodeEqualSpread:    "every value of {column} lies equally far from its group centre, so the test of equal variances is undefined",
	CodeFewRespondents: "the items need at least {min} respondents who answered every item but have {n}",
	CodeTooFewDF:       "the test needs at least {min} residual degrees of freedom but has {n}",
	CodeAllTied:        "all values of {column} are tied, so ranks carry no information",
	CodeLengthMismatch: "columns {a} and {b} have different lengths ({na} and {nb})",
	CodeTooFewItems:    "the analysis needs at least {min} items but has {n}",
	CodeSingular:       "the correlation matrix of the items is singular (some items are linear combinations of others)",
	CodeTableTooSmall:  "the table of {row} by {col} needs at least two rows and two columns with counts",
	CodeNotFinite:      "{column} contains a value that is not a finite number",
	CodeNotANumber:     "{value} is not a decimal number",
	CodeOutOfRange:     "{value} is outside the range of double-precision numbers",
	CodeUnknownLevel:   "{column} has the value {value}, which is not among the listed levels",
	CodeOverflow:       "the values of {column} are too large to compute this statistic",
	CodeBadParameter:   "the parameter {name} must be a finite number",
	WarnSmallExpected:  "{cells} cells ({percent}%) have an expected count below 5; the smallest expected count is {min}",
}

// Error is why data cannot support an analysis. Code is a message key and
// Params fill its placeholders, so a UI can show the reason in the reader's
// language; Error() gives the English text for logs and the command line.
type Error struct {
	Code   string
	Params map[string]string
}

// newError builds an Error from a code and placeholder pairs ("column", "V", ...).
func newError(code string, kv ...string) *Error {
	p := make(map[string]string, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i]] = kv[i+1]
	}
	return &Error{Code: code, Params: p}
}

// Error renders the English text with its placeholders filled in.
func (e *Error) Error() string {
	return Render(englishText[e.Code], e.Params)
}

// Is lets errors.Is match on the code alone.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Code == e.Code
}

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

// Render fills {name} placeholders in a template; unknown ones stay as written.
func Render(template string, params map[string]string) string {
	if len(params) == 0 {
		return template
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(template, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(template[i:], '}')
		if j < 0 {
			break
		}
		b.WriteString(template[:i])
		if v, ok := params[template[i+1:i+j]]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(template[i : i+j+1])
		}
		template = template[i+j+1:]
	}
	b.WriteString(template)
	return b.String()
}

// Maybe is a result the data may not define (the SD of one value, the
// skewness of constant data, Welch's ANOVA with a group of one). When Reason
// is set Value is the zero value and meaningless; callers show the reason.
type Maybe[T any] struct {
	Value  T
	Reason *Error
}

// OK reports whether the result is defined.
func (m Maybe[T]) OK() bool { return m.Reason == nil }

func defined[T any](v T) Maybe[T] { return Maybe[T]{Value: v} }

func undefined[T any](e *Error) Maybe[T] { return Maybe[T]{Reason: e} }
