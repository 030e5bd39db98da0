// Package statcli is the `yanxiu stats` command: it reads a CSV file, runs
// one analysis of package stats and prints the result as one JSON object,
// with the field names of the command-line contract (issue 5). cmd/yanxiu
// only forwards its arguments to Run.
package statcli

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/yanxiu/yanxiu/internal/stats"
	"github.com/yanxiu/yanxiu/internal/stats/csvdata"
)

// Exit codes of Run.
const (
	ExitOK    = 0
	ExitData  = 1 // the file or the data cannot support the analysis
	ExitUsage = 2 // the command line is wrong
)

const usage = `usage: yanxiu stats ANALYSIS --in FILE.csv [options]

analyses:
  describe    --cols A,B,...
  ttest       --value V --group G | --paired A,B | --value V --mu M
  anova       --value V --group G
  chisq       --row R --col C
  corr        --x X --y Y
  mannwhitney --value V --group G
  kruskal     --value V --group G
  alpha       --items A,B,C,...
  kmo         --items A,B,C,...

The CSV file is UTF-8 with a header row; an empty cell is a missing value.
The result is one JSON object on standard output.
`

// options are the flags of every analysis; each analysis checks the ones it needs.
type options struct {
	in, cols, value, group, paired, mu, row, col, x, y, items string
}

// Run executes `yanxiu stats` with args (what follows "stats"), writing the
// JSON result to stdout or a one-line reason to stderr, and returns the exit code.
func Run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stderr, usage)
		return ExitUsage
	}
	analysis := args[0]
	out, err := run(analysis, args[1:])
	if err != nil {
		fmt.Fprintf(stderr, "yanxiu stats %s: %s\n", analysis, oneLine(err))
		var ue *UsageError
		if errors.As(err, &ue) {
			return ExitUsage
		}
		return ExitData
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintf(stderr, "yanxiu stats %s: %s\n", analysis, oneLine(newUsage(CodeOutput, "detail", err.Error())))
		return ExitData
	}
	if _, err := stdout.Write(buf.Bytes()); err != nil {
		fmt.Fprintf(stderr, "yanxiu stats %s: %s\n", analysis, oneLine(newUsage(CodeOutput, "detail", err.Error())))
		return ExitData
	}
	return ExitOK
}

// oneLine renders an error with its message key, on a single line.
func oneLine(err error) string {
	msg := err.Error()
	var se *stats.Error
	var ce *csvdata.Error
	var ue *UsageError
	switch {
	case errors.As(err, &se):
		msg += " (" + se.Code + ")"
	case errors.As(err, &ce):
		msg += " (" + ce.Code + ")"
	case errors.As(err, &ue):
		msg += " (" + ue.Code + ")"
	}
	return strings.Join(strings.Fields(msg), " ")
}

func run(analysis string, args []string) (any, error) {
	fs := flag.NewFlagSet("stats "+analysis, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var o options
	fs.StringVar(&o.in, "in", "", "CSV file")
	fs.StringVar(&o.cols, "cols", "", "columns to describe")
	fs.StringVar(&o.value, "value", "", "numeric column")
	fs.StringVar(&o.group, "group", "", "grouping column")
	fs.StringVar(&o.paired, "paired", "", "two columns for a paired t-test")
	fs.StringVar(&o.mu, "mu", "", "test value of a one-sample t-test")
	fs.StringVar(&o.row, "row", "", "row variable")
	fs.StringVar(&o.col, "col", "", "column variable")
	fs.StringVar(&o.x, "x", "", "first variable")
	fs.StringVar(&o.y, "y", "", "second variable")
	fs.StringVar(&o.items, "items", "", "scale items")
	if err := fs.Parse(args); err != nil {
		return nil, newUsage(CodeBadFlag, "detail", err.Error())
	}
	if fs.NArg() > 0 {
		return nil, newUsage(CodeBadFlag, "detail", "unexpected argument "+strconv.Quote(fs.Arg(0)))
	}
	a, ok := analyses[analysis]
	if !ok {
		return nil, newUsage(CodeUnknownAnalysis, "name", strconv.Quote(analysis))
	}
	if o.in == "" {
		return nil, newUsage(CodeMissingFlag, "analysis", analysis, "flag", "in")
	}
	return a(o)
}

// analyses maps each analysis name to the function that runs it.
var analyses = map[string]func(options) (any, error){
	"describe":    runDescribe,
	"ttest":       runTTest,
	"anova":       runANOVA,
	"chisq":       runChiSquare,
	"corr":        runCorr,
	"mannwhitney": runMannWhitney,
	"kruskal":     runKruskal,
	"alpha":       runAlpha,
	"kmo":         runKMO,
}

// load reads the requested columns of the input file.
func load(o options, req csvdata.Request) (*csvdata.Table, error) {
	f, err := os.Open(o.in)
	if err != nil {
		return nil, newUsage(CodeOpen, "file", o.in, "detail", err.Error())
	}
	defer f.Close()
	t, err := csvdata.Read(f, req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.in, err)
	}
	return t, nil
}

// need checks that a flag was given.
func need(analysis, flag, value string) error {
	if value == "" {
		return newUsage(CodeMissingFlag, "analysis", analysis, "flag", flag)
	}
	return nil
}

// list splits a comma-separated list of column names, requiring at least min.
func list(flag, value string, min int) ([]string, error) {
	var out []string
	for _, s := range strings.Split(value, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	if len(out) < min {
		return nil, newUsage(CodeList, "flag", flag, "n", strconv.Itoa(min))
	}
	return out, nil
}
