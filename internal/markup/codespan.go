package markup

import (
	"sort"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// goldmark's code span parser looks for the closing backtick run by scanning
// the rest of the paragraph, line by line, and gives up only at its end; so a
// paragraph of thousands of lines each holding an unclosed "`" costs minutes.
// linearCodeSpan answers "is there a closing run?" from an index of the
// paragraph's backtick runs built once per paragraph, and hands only the
// openers that do close to goldmark's parser, whose scan then stops at the
// closer. The output is the same node for node: an unclosed opener becomes
// literal text exactly as goldmark makes it.
type linearCodeSpan struct {
	inner parser.InlineParser
}

// runIndexKey caches the current paragraph's backtick runs in the parse
// context, which goldmark creates per document.
var runIndexKey = parser.NewContextKey()

// inlineParsers are goldmark's defaults with the code span parser wrapped.
func inlineParsers() []util.PrioritizedValue {
	ps := parser.DefaultInlineParsers()
	for i, p := range ps {
		if ip, ok := p.Value.(parser.InlineParser); ok && string(ip.Trigger()) == "`" {
			ps[i] = util.Prioritized(linearCodeSpan{inner: ip}, p.Priority)
		}
	}
	return ps
}

func (linearCodeSpan) Trigger() []byte { return []byte{'`'} }

func (s linearCodeSpan) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, segment := block.PeekLine()
	n := 0
	for n < len(line) && line[n] == '`' {
		n++
	}
	if paragraphRuns(parent, block.Source(), pc).closes(segment.Start+n, n) {
		return s.inner.Parse(parent, block, pc)
	}
	block.Advance(n)
	return ast.NewTextSegment(segment.WithStop(segment.Start + n))
}

// backtickRuns lists, for each run length, where the maximal runs of that
// many backticks start in one block's lines, in source order.
type backtickRuns struct {
	block    ast.Node
	byLength map[int][]int
}

// paragraphRuns returns the index for block, building it on first use.
func paragraphRuns(block ast.Node, source []byte, pc parser.Context) *backtickRuns {
	if r, ok := pc.Get(runIndexKey).(*backtickRuns); ok && r.block == block {
		return r
	}
	r := &backtickRuns{block: block, byLength: make(map[int][]int)}
	lines := block.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		for j := seg.Start; j < seg.Stop; j++ {
			if source[j] != '`' {
				continue
			}
			k := j
			for k < seg.Stop && source[k] == '`' {
				k++
			}
			r.byLength[k-j] = append(r.byLength[k-j], j)
			j = k - 1
		}
	}
	pc.Set(runIndexKey, r)
	return r
}

// closes reports whether a maximal run of exactly n backticks starts at or
// after offset from.
func (r *backtickRuns) closes(from, n int) bool {
	starts := r.byLength[n]
	return sort.SearchInts(starts, from) < len(starts)
}
