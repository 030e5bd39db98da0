package statcli

import (
	"sort"

	"github.com/yanxiu/yanxiu/internal/stats"
)

// Error codes of the command line itself; they are message keys in
// internal/i18n/locales/*/stats.json like the engine's.
const (
	CodeUnknownAnalysis = "stats.cli.error.unknown_analysis"
	CodeMissingFlag     = "stats.cli.error.missing_flag"
	CodeBadFlag         = "stats.cli.error.bad_flag"
	CodeBadNumber       = "stats.cli.error.bad_number"
	CodeList            = "stats.cli.error.list"
	CodeConflict        = "stats.cli.error.conflict"
	CodeOpen            = "stats.cli.error.open"
	CodeOutput          = "stats.cli.error.output"
)

var englishText = map[string]string{
	CodeUnknownAnalysis: "unknown analysis {name}; use describe, ttest, anova, chisq, corr, mannwhitney, kruskal, alpha or kmo",
	CodeMissingFlag:     "{analysis} needs --{flag}",
	CodeBadFlag:         "{detail}",
	CodeBadNumber:       "--{flag} must be a number, not {value}",
	CodeList:            "--{flag} needs at least {n} comma-separated column names",
	CodeConflict:        "ttest takes --group, --paired or --mu, and only one of them",
	CodeOpen:            "cannot open {file}: {detail}",
	CodeOutput:          "cannot write the result: {detail}",
}

// UsageError is a mistake on the command line, as opposed to a problem with
// the data; Run exits with ExitUsage for it.
type UsageError struct {
	Code   string
	Params map[string]string
}

func newUsage(code string, kv ...string) *UsageError {
	p := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i]] = kv[i+1]
	}
	return &UsageError{Code: code, Params: p}
}

// Error renders the English message.
func (e *UsageError) Error() string { return stats.Render(englishText[e.Code], e.Params) }

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
