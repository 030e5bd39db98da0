package stats

import (
	"strconv"
	"strings"
)

// Factor is a categorical variable (gender, years-of-teaching band, school
// location) in row order, used to split a Column into groups or to build a
// contingency table. Levels keep a defined order, the order of first
// appearance unless the caller lists them, because results list groups and
// pairs in that order.
type Factor struct {
	name   string
	levels []string
	codes  []int32 // index into levels, -1 for a missing value
}

// NewFactor makes a factor from labels; a blank label is missing and levels
// are ordered by first appearance. Labels are trimmed of surrounding spaces.
func NewFactor(name string, labels []string) *Factor {
	b := NewFactorBuilder(name, len(labels))
	for _, l := range labels {
		b.Append(l)
	}
	return b.Factor()
}

// NewFactorLevels makes a factor whose levels are listed in the given order
// (the order of a questionnaire's options); a label outside the list is an
// error. Levels with no rows simply do not appear in results.
func NewFactorLevels(name string, labels, levels []string) (*Factor, error) {
	index := make(map[string]int32, len(levels))
	f := &Factor{name: name, codes: make([]int32, len(labels))}
	for _, l := range levels {
		l = strings.TrimSpace(l)
		if _, dup := index[l]; !dup {
			index[l] = int32(len(f.levels))
			f.levels = append(f.levels, l)
		}
	}
	for i, l := range labels {
		l = strings.TrimSpace(l)
		if l == "" {
			f.codes[i] = -1
			continue
		}
		c, ok := index[l]
		if !ok {
			return nil, newError(CodeUnknownLevel, "column", name, "value", strconv.Quote(l))
		}
		f.codes[i] = c
	}
	return f, nil
}

// NewFactorIndexed makes the factor NewFactorLevels(name, labels, levels)
// makes when labels[i] is levels[index[i]], or missing for a negative
// index, without the labels: for data already coded, such as a
// questionnaire's option codes, where looking 100,000 labels up one by one
// costs more than the analysis that uses them. Levels are trimmed and
// deduplicated as NewFactorLevels does, and a level that trims to nothing
// leaves its rows missing.
func NewFactorIndexed(name string, index []int32, levels []string) (*Factor, error) {
	f := &Factor{name: name, codes: make([]int32, len(index))}
	pos := make(map[string]int32, len(levels))
	remap := make([]int32, len(levels))
	for k, l := range levels {
		l = strings.TrimSpace(l)
		c, dup := pos[l]
		if !dup {
			c = int32(len(f.levels))
			pos[l] = c
			f.levels = append(f.levels, l)
		}
		if l == "" {
			c = -1
		}
		remap[k] = c
	}
	for i, k := range index {
		switch {
		case k < 0:
			f.codes[i] = -1
		case int(k) >= len(levels):
			return nil, newError(CodeUnknownLevel, "column", name, "value", strconv.Itoa(int(k)))
		default:
			f.codes[i] = remap[k]
		}
	}
	return f, nil
}

// FactorBuilder assembles a Factor label by label, as a CSV reader streams
// rows, without keeping the labels' strings.
type FactorBuilder struct {
	f     *Factor
	index map[string]int32
}

// NewFactorBuilder starts a factor; capacity is a hint for the row count.
func NewFactorBuilder(name string, capacity int) *FactorBuilder {
	return &FactorBuilder{
		f:     &Factor{name: name, codes: make([]int32, 0, capacity)},
		index: make(map[string]int32),
	}
}

// Append adds one label; a blank label is missing.
func (b *FactorBuilder) Append(label string) {
	label = strings.TrimSpace(label)
	if label == "" {
		b.f.codes = append(b.f.codes, -1)
		return
	}
	c, ok := b.index[label]
	if !ok {
		label = string([]byte(label)) // detach from the caller's buffer
		c = int32(len(b.f.levels))
		b.index[label] = c
		b.f.levels = append(b.f.levels, label)
	}
	b.f.codes = append(b.f.codes, c)
}

// Factor finishes the factor; the builder must not be used afterwards.
func (b *FactorBuilder) Factor() *Factor { return b.f }

// Name returns the variable name used in results and error messages.
func (f *Factor) Name() string { return f.name }

// Len returns the number of rows, missing ones included.
func (f *Factor) Len() int { return len(f.codes) }

// Levels returns the levels in their defined order.
func (f *Factor) Levels() []string { return append([]string(nil), f.levels...) }

// Label returns the level of row i, and false when it is missing.
func (f *Factor) Label(i int) (string, bool) {
	c := f.codes[i]
	if c < 0 {
		return "", false
	}
	return f.levels[c], true
}

// Level returns the index in Levels of row i's level, or -1 when the row
// is missing; grouping by it is cheaper than comparing labels.
func (f *Factor) Level(i int) int { return int(f.codes[i]) }

// groupedRows holds, per level that has rows, the rows of a value column
// that are present in both the column and the factor.
type groupedRows struct {
	labels   []string
	rows     [][]int
	n        int
	excluded int
}

// splitRows groups the rows where both v and g have a value, dropping levels
// left empty; the levels keep the factor's order.
func splitRows(v *Column, g *Factor) (*groupedRows, error) {
	if v.Len() != g.Len() {
		return nil, lengthError(v.name, g.name, v.Len(), g.Len())
	}
	// Count first, so that the groups share one exactly sized array: at
	// 100,000 rows, growing a slice per group was a fifth of what a
	// survey's analysis allocated.
	counts := make([]int, len(g.levels))
	out := &groupedRows{}
	for i, c := range g.codes {
		if c < 0 || !v.present(i) {
			out.excluded++
			continue
		}
		counts[c]++
		out.n++
	}
	all := make([]int, out.n)
	byCode := make([][]int, len(g.levels))
	off := 0
	for c, k := range counts {
		byCode[c] = all[off : off : off+k]
		off += k
	}
	for i, c := range g.codes {
		if c >= 0 && v.present(i) {
			byCode[c] = append(byCode[c], i)
		}
	}
	for c, rows := range byCode {
		if len(rows) > 0 {
			out.labels = append(out.labels, g.levels[c])
			out.rows = append(out.rows, rows)
		}
	}
	return out, nil
}

// centredGroups centres all grouped values on one base and splits the
// deviations by group.
func centredGroups(v *Column, gr *groupedRows) (base float64, dev [][]float64) {
	all := make([]int, 0, gr.n)
	for _, rows := range gr.rows {
		all = append(all, rows...)
	}
	c := v.centre(all)
	dev = make([][]float64, len(gr.rows))
	off := 0
	for j, rows := range gr.rows {
		dev[j] = c.dev[off : off+len(rows) : off+len(rows)]
		off += len(rows)
	}
	return c.base, dev
}

func lengthError(a, b string, na, nb int) *Error {
	return newError(CodeLengthMismatch, "a", a, "b", b, "na", strconv.Itoa(na), "nb", strconv.Itoa(nb))
}
