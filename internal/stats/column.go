package stats

import (
	"math"
	"strconv"
	"strings"
)

// kind says how exactly a Column knows its values.
type kind uint8

const (
	// kindInteger: every value is an integer below 2^52, so x itself is exact
	// and differences of values are exact: the Likert fast path.
	kindInteger kind = iota
	// kindDecimal: mant[i]×10^-scale is the exact value of row i.
	kindDecimal
	// kindBinary: some value has too many digits for an exact mantissa; only
	// the float64 values are known.
	kindBinary
)

// Column is one numeric variable (a questionnaire item, a score, a measure)
// in row order, with missing values. It keeps the exact decimal form of its
// values when it has one, see the package comment.
type Column struct {
	name    string
	x       []float64 // NaN marks a missing value
	mant    []int64   // kindDecimal only, at the common scale
	scale   int
	kind    kind
	missing int
}

// NewColumn makes a column from float64 values, NaN marking a missing value.
// Each value is taken as the shortest decimal that rounds to it, i.e. as the
// number a person typed; infinities are rejected.
func NewColumn(name string, values []float64) (*Column, error) {
	if c, ok := integerColumn(name, values); ok {
		return c, nil
	}
	b := NewColumnBuilder(name, len(values))
	for _, v := range values {
		if math.IsNaN(v) {
			b.AppendMissing()
			continue
		}
		if math.IsInf(v, 0) {
			return nil, newError(CodeNotFinite, "column", name)
		}
		b.AppendFloat(v)
	}
	return b.Column(), nil
}

// integerColumn is NewColumn's fast path for answers that are all small
// integers (Likert items, counts): the float64 values are already exact.
func integerColumn(name string, values []float64) (*Column, bool) {
	missing := 0
	for _, v := range values {
		switch {
		case v != v:
			missing++
		case v != math.Trunc(v) || v >= 1<<52 || v <= -(1<<52):
			return nil, false // also rejects infinities
		}
	}
	x := append([]float64(nil), values...)
	return &Column{name: name, x: x, kind: kindInteger, missing: missing}, true
}

// ParseColumn makes a column from decimal text, an empty or blank cell being
// missing. The error names the first bad cell by its index.
func ParseColumn(name string, cells []string) (*Column, error) {
	b := NewColumnBuilder(name, len(cells))
	for i, s := range cells {
		if isBlank(s) {
			b.AppendMissing()
			continue
		}
		d, err := ParseDecimal(strings.TrimSpace(s))
		if err != nil {
			e := err.(*Error)
			e.Params["column"] = name
			e.Params["index"] = strconv.Itoa(i)
			return nil, e
		}
		b.AppendDecimal(d)
	}
	return b.Column(), nil
}

// ColumnBuilder assembles a Column value by value, as a CSV reader streams
// rows, and settles the common decimal scale at the end.
type ColumnBuilder struct {
	name    string
	x       []float64
	mant    []int64
	scales  []int8
	maxSc   int
	binary  bool
	missing int
}

// NewColumnBuilder starts a column; capacity is a hint for the row count.
func NewColumnBuilder(name string, capacity int) *ColumnBuilder {
	return &ColumnBuilder{
		name:   name,
		x:      make([]float64, 0, capacity),
		mant:   make([]int64, 0, capacity),
		scales: make([]int8, 0, capacity),
	}
}

// AppendMissing adds a missing value.
func (b *ColumnBuilder) AppendMissing() {
	b.x = append(b.x, math.NaN())
	b.mant = append(b.mant, 0)
	b.scales = append(b.scales, 0)
	b.missing++
}

// AppendDecimal adds a parsed number, keeping its exact form.
func (b *ColumnBuilder) AppendDecimal(d Decimal) {
	b.x = append(b.x, d.f)
	m, s, ok := d.Exact()
	if !ok {
		b.binary = true
	}
	b.mant = append(b.mant, m)
	b.scales = append(b.scales, int8(s))
	if s > b.maxSc {
		b.maxSc = s
	}
}

// AppendFloat adds a finite float64 read as its shortest decimal.
func (b *ColumnBuilder) AppendFloat(v float64) {
	b.x = append(b.x, v)
	m, s, ok := 0, 0, false
	if v == math.Trunc(v) && math.Abs(v) < 1<<52 {
		m, ok = int(v), true
	} else {
		var m64 int64
		m64, s, ok = floatDecimal(v)
		m = int(m64)
	}
	if !ok {
		b.binary = true
	}
	b.mant = append(b.mant, int64(m))
	b.scales = append(b.scales, int8(s))
	if s > b.maxSc {
		b.maxSc = s
	}
}

// Column finishes the column; the builder must not be used afterwards.
func (b *ColumnBuilder) Column() *Column {
	c := &Column{name: b.name, x: b.x, missing: b.missing}
	if b.binary {
		c.kind = kindBinary
		return c
	}
	if b.maxSc == 0 {
		c.kind = kindInteger
		for i, m := range b.mant {
			if abs64(m) >= 1<<52 && !math.IsNaN(b.x[i]) {
				c.kind = kindDecimal
				break
			}
		}
		if c.kind == kindInteger {
			return c
		}
	}
	c.kind, c.scale = kindDecimal, b.maxSc
	for i, m := range b.mant {
		r, ok := rescale(m, b.maxSc-int(b.scales[i]))
		if !ok {
			c.kind, c.scale = kindBinary, 0
			return c
		}
		b.mant[i] = r
	}
	c.mant = b.mant
	return c
}

// Name returns the variable name used in results and error messages.
func (c *Column) Name() string { return c.name }

// Len returns the number of rows, missing ones included.
func (c *Column) Len() int { return len(c.x) }

// Missing returns the number of missing values.
func (c *Column) Missing() int { return c.missing }

// Value returns row i, and false when it is missing.
func (c *Column) Value(i int) (float64, bool) {
	v := c.x[i]
	return v, !math.IsNaN(v)
}

// Exact reports whether the column holds its values as exact decimals.
func (c *Column) Exact() bool { return c.kind != kindBinary }

func (c *Column) present(i int) bool { return !math.IsNaN(c.x[i]) }

// presentValues returns the non-missing values in row order. Without
// missing values it is the column's own slice, so callers must not modify it.
func (c *Column) presentValues() []float64 {
	if c.missing == 0 {
		return c.x
	}
	out := make([]float64, 0, len(c.x)-c.missing)
	for _, v := range c.x {
		if !math.IsNaN(v) {
			out = append(out, v)
		}
	}
	return out
}

// presentRows lists the rows with a value.
func (c *Column) presentRows() []int {
	rows := make([]int, 0, len(c.x)-c.missing)
	for i, v := range c.x {
		if !math.IsNaN(v) {
			rows = append(rows, i)
		}
	}
	return rows
}

// centred holds values as base + dev[i]. The deviations were formed exactly
// (integer arithmetic on the decimal mantissas) and rounded once, so sums of
// squares keep full precision however many leading digits the values share.
type centred struct {
	base float64
	dev  []float64
}

// centre returns the values at rows centred on (close to) their mean.
func (c *Column) centre(rows []int) centred {
	out := centred{dev: make([]float64, len(rows))}
	if len(rows) == 0 {
		return out
	}
	switch c.kind {
	case kindInteger:
		var s float64
		for _, r := range rows {
			s += c.x[r]
		}
		base := math.Round(s / float64(len(rows)))
		for i, r := range rows {
			out.dev[i] = c.x[r] - base
		}
		out.base = base
	case kindDecimal:
		var acc acc128
		for _, r := range rows {
			acc.add(c.mant[r])
		}
		cm := acc.roundedMean(len(rows))
		div := pow10f[c.scale]
		for i, r := range rows {
			out.dev[i] = float64(c.mant[r]-cm) / div
		}
		out.base = scaledFloat(cm, c.scale)
	default:
		xs := make([]float64, len(rows))
		for i, r := range rows {
			xs[i] = c.x[r]
		}
		base := sum(xs) / float64(len(rows))
		for i, v := range xs {
			out.dev[i] = v - base
		}
		out.base = base
	}
	return out
}

// values returns the float64 values at rows.
func (c *Column) values(rows []int) []float64 {
	out := make([]float64, len(rows))
	for i, r := range rows {
		out[i] = c.x[r]
	}
	return out
}

// difference returns a − b row by row at rows, exactly when both columns
// are exact, for the paired t-test.
func difference(a, b *Column, rows []int) *Column {
	d := &Column{name: a.name + " - " + b.name, x: make([]float64, len(rows))}
	for i, r := range rows {
		d.x[i] = a.x[r] - b.x[r]
	}
	if a.kind == kindBinary || b.kind == kindBinary {
		d.kind = kindBinary
		return d
	}
	sc := max(a.scale, b.scale)
	d.mant, d.scale, d.kind = make([]int64, len(rows)), sc, kindDecimal
	for i, r := range rows {
		ma, oka := rescale(a.mantAt(r), sc-a.scale)
		mb, okb := rescale(b.mantAt(r), sc-b.scale)
		if !oka || !okb {
			d.mant, d.scale, d.kind = nil, 0, kindBinary
			return d
		}
		d.mant[i] = ma - mb
		if abs64(d.mant[i]) > maxMant {
			d.mant, d.scale, d.kind = nil, 0, kindBinary
			return d
		}
		d.x[i] = scaledFloat(d.mant[i], sc)
	}
	return d
}

// mantAt returns the exact mantissa of row r for integer and decimal columns.
func (c *Column) mantAt(r int) int64 {
	if c.kind == kindInteger {
		return int64(c.x[r])
	}
	return c.mant[r]
}

// isBlank reports whether a cell holds nothing but white space, Unicode's
// included (the ideographic space U+3000 that Chinese input methods type).
func isBlank(s string) bool { return strings.TrimSpace(s) == "" }
