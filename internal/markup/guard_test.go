package markup

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark/parser"
)

func TestGuardKeepsOrdinaryMarkdown(t *testing.T) {
	docs := []string{
		"# 研修日志\n\n今天听了**王老师**的课，`板书`很清楚。\n\n> 引用\n> 第二行\n\n- [x] 备课\n- [ ] 反思\n",
		"| 学科 | 人数 |\n|:--|--:|\n| **语文** | 12 |\n| _数学_ | 9 |\n",
		"```go\n> > > > > > > > > > > > > > > > > > > > deep but fenced\n```\n\n[链接](https://example.org) and ![图](/a.png)",
		"1. 一\n   1. 二\n      1. 三\n\n\\*literal\\* and \\`not code\\`",
		"Inline ``code with ` inside`` and `a` and `b`.",
	}
	for _, doc := range docs {
		if got := guard(doc); got != doc {
			t.Errorf("guard changed ordinary Markdown:\n%q\ninto\n%q", doc, got)
		}
	}
}

func TestGuardEscapes(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"emphasis past the budget", strings.Repeat("*a", maxEmphasisRuns+1), strings.Repeat("*a", maxEmphasisRuns) + "\\*a"},
		{"emphasis budget per paragraph", strings.Repeat("*a", maxEmphasisRuns) + "\n\n*a", strings.Repeat("*a", maxEmphasisRuns) + "\n\n*a"},
		{"escaped marker left alone", strings.Repeat("*a", maxEmphasisRuns) + "\\*", strings.Repeat("*a", maxEmphasisRuns) + "\\*"},
		{"fenced code left alone", "```\n" + strings.Repeat("> ", 20) + "\n```", "```\n" + strings.Repeat("> ", 20) + "\n```"},
		{"deep quote", strings.Repeat("> ", 18) + "x", strings.Repeat("> ", 16) + "\\> > x"},
		{"deep ordered list", strings.Repeat("1. ", 17) + "x", strings.Repeat("1. ", 16) + "1\\. x"},
		{"many link openers on a line", strings.Repeat("[a](", 33), strings.Repeat("[a](", 32) + "[a]\\("},
		{"brackets past the budget", strings.Repeat("[a]\n", maxBrackets) + "[b]", strings.Repeat("[a]\n", maxBrackets) + "\\[b]"},
		{"link openers counted per line", strings.Repeat("[a](\n", 40), strings.Repeat("[a](\n", 40)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := guard(tt.src); got != tt.want {
				t.Errorf("guard(%q) = %q, want %q", tt.src, got, tt.want)
			}
		})
	}
}

// Below guard's limits, our parser must render exactly what goldmark's own
// does: guard leaves such input alone, and linearCodeSpan only answers
// faster.
func FuzzSameAsGoldmark(f *testing.F) {
	for _, s := range []string{"a ` b", "\\`` a `", "``a` `b``", "`a\n> b`", "`\n>`0`", "- `a\n- b`",
		"*a `*` b*", "[a`](b`)", "<a href=\"`\">`", "| a | `b|c` |\n|---|---|\n| ` | x |", "# `h\n`"} {
		f.Add(s)
	}
	ours := New().md
	reference := newMarkdown(parser.DefaultInlineParsers())
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4000 || !underLimits(src) {
			t.Skip()
		}
		var want, got bytes.Buffer
		if err := reference.Convert([]byte(src), &want); err != nil {
			t.Skip()
		}
		if err := ours.Convert([]byte(guard(src)), &got); err != nil {
			t.Fatalf("convert: %v", err)
		}
		if want.String() != got.String() {
			t.Errorf("rendering of %q differs from goldmark's:\n%s\nvs\n%s", src, want.String(), got.String())
		}
	})
}

// underLimits reports input that cannot reach the container, link or
// emphasis limits, so that guard must leave it unchanged.
func underLimits(src string) bool {
	if strings.Count(src, "*")+strings.Count(src, "_") > maxEmphasisRuns || strings.Count(src, "[") > maxBrackets {
		return false
	}
	for line := range strings.SplitSeq(src, "\n") {
		if strings.Count(line, "](") > maxLinkOpeners || strings.Count(line, ">")+strings.Count(line, "-")+
			strings.Count(line, "+")+strings.Count(line, "*")+strings.Count(line, ".")+strings.Count(line, ")") > maxContainerDepth {
			return false
		}
	}
	return true
}

// Inputs that make goldmark's work grow with the square of their size must
// stay fast once guarded. The bound is loose (a shared CI machine is slow);
// unguarded, the slowest of these takes minutes.
func TestRenderPathologicalInputIsFast(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing test: skipped with -short and under the race detector")
	}
	patterns := []string{">", "> - ", "1. ", "[a](", "![a](", "[a](<b", "\\``", "\\``\n", "**a_", "**a_\n",
		"*a_b*c_d**e_f*g**h*i_j**", "[a](\n", "[a]\n", "![a]\n", "`a``", "[", "<a", "&#"}
	for _, p := range patterns {
		src := strings.Repeat(p, MaxSourceBytes/len(p))
		start := time.Now()
		if _, err := Render(src); err != nil {
			t.Fatalf("Render(%q × n): %v", p, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Render(%q × %d) took %v", p, MaxSourceBytes/len(p), d)
		}
	}
}
