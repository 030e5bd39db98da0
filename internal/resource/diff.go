package resource

import (
	"strings"
	"time"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Diffs between revisions of a native document. Teachers compare and merge
// lesson plans section by section, so a diff is computed per section of the
// type's template, and line by line inside a section: Chinese prose has no
// spaces to split words on, and a line (a paragraph or a list item in the
// Markdown the editor writes) is the unit people rewrite. The line diff is
// go-diff's (Myers with a deadline and line hashing), so a 50,000-character
// section costs milliseconds, not the quadratic table a naive LCS needs.

// DiffOp says what happened to a line.
type DiffOp string

// Line operations.
const (
	DiffEqual  DiffOp = "equal"
	DiffInsert DiffOp = "insert"
	DiffDelete DiffOp = "delete"
)

// DiffLine is one line of a diff.
type DiffLine struct {
	Op   DiffOp
	Text string
}

// SectionDiff is the diff of one section between two revisions.
type SectionDiff struct {
	Key     string
	Lines   []DiffLine
	Changed bool
}

// SectionDiffTimeout bounds the search for a minimal diff of one section,
// and CompareDiffBudget all the sections of one compare together. go-diff's
// default is a second per section, which lets a request with crafted
// revisions hold a core for seconds; past the deadline go-diff returns a
// correct but coarser diff (whole runs deleted and inserted), which is all
// such inputs deserve.
var (
	SectionDiffTimeout = 100 * time.Millisecond
	CompareDiffBudget  = 300 * time.Millisecond
)

// DiffText diffs two texts line by line.
func DiffText(a, b string) []DiffLine {
	return diffText(a, b, time.Now().Add(SectionDiffTimeout))
}

// diffText diffs two texts, giving up on a minimal diff at deadline.
func diffText(a, b string, deadline time.Time) []DiffLine {
	if a == b {
		return splitLines(DiffEqual, a)
	}
	// Every line ends in a newline, so that a last line without one still
	// equals the same line followed by more.
	a, b = withNewline(a), withNewline(b)
	dmp := diffmatchpatch.New()
	// A zero or negative DiffTimeout means no limit at all to go-diff, so
	// a passed deadline becomes the smallest positive one.
	dmp.DiffTimeout = max(min(SectionDiffTimeout, time.Until(deadline)), time.Nanosecond)
	ca, cb, lines := dmp.DiffLinesToRunes(a, b)
	diffs := dmp.DiffCharsToLines(dmp.DiffMainRunes(ca, cb, false), lines)
	var out []DiffLine
	for _, d := range diffs {
		op := DiffEqual
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = DiffInsert
		case diffmatchpatch.DiffDelete:
			op = DiffDelete
		}
		out = append(out, splitLines(op, d.Text)...)
	}
	return out
}

func withNewline(s string) string {
	if s != "" && !strings.HasSuffix(s, "\n") {
		return s + "\n"
	}
	return s
}

// splitLines cuts a chunk of whole lines into lines, without the newlines.
func splitLines(op DiffOp, s string) []DiffLine {
	if s == "" {
		return nil
	}
	s = strings.TrimSuffix(s, "\n")
	parts := strings.Split(s, "\n")
	out := make([]DiffLine, len(parts))
	for i, p := range parts {
		out[i] = DiffLine{Op: op, Text: p}
	}
	return out
}

// DiffBodies diffs two bodies of a document of type d, section by section
// in the template's order; sections absent from one side count as empty.
func DiffBodies(d DocType, a, b Body) []SectionDiff {
	keys := d.Sections()
	out := make([]SectionDiff, 0, len(keys))
	deadline := time.Now().Add(CompareDiffBudget)
	for _, k := range keys {
		ta, tb := a.Text(k), b.Text(k)
		out = append(out, SectionDiff{Key: k, Lines: diffText(ta, tb, deadline), Changed: ta != tb})
	}
	return out
}

// Texts returns the body's sections by key, as an editor form holds them.
func (b Body) Texts() map[string]string {
	out := make(map[string]string, len(b))
	for _, s := range b {
		out[s.Key] = s.Text
	}
	return out
}

// MergeBodies proposes a merged body for a conflict screen: a three-way
// merge per section. A section only one side changed since the common base
// takes that side's text; a section both changed differently keeps the
// editor's own text (nothing they typed is dropped) and is reported in
// clashes, so that the screen points at exactly the sections the person
// must reconcile by hand with the other change shown beside.
func MergeBodies(d DocType, base, theirs, yours Body) (merged Body, clashes []string) {
	for _, k := range d.Sections() {
		b, t, y := base.Text(k), theirs.Text(k), yours.Text(k)
		text := y
		switch {
		case y == b:
			text = t
		case t == b || t == y:
		default:
			clashes = append(clashes, k)
		}
		merged = append(merged, Section{Key: k, Text: text})
	}
	return merged, clashes
}
