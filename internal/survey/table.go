package survey

import (
	"math"
	"strconv"
)

// Table holds responses column by column, as an analysis reads them: one
// []float64 per numeric variable (NaN for a missing value) and one
// []string per text variable ("" for a missing value). A number item's
// variable has both: its value and the text as typed, so that the
// statistics engine can read it exactly. Its cells are exactly those
// Values gives for the same responses; it exists because 100,000
// responses as [][]Value, each built from a map per response, cost
// seconds and hundreds of megabytes (docs/PERFORMANCE.md, issue 5).
type Table struct {
	vars []Variable
	nums [][]float64 // nil for a variable held as text only
	strs [][]string  // nil for a variable held as a number only
	n    int
}

// Len returns the number of responses (rows).
func (t *Table) Len() int { return t.n }

// Variables returns the table's variables, in column order.
func (t *Table) Variables() []Variable { return t.vars }

// Floats returns variable i's numbers in row order, NaN marking a missing
// value; nil for a text variable. The slice is the table's own.
func (t *Table) Floats(i int) []float64 { return t.nums[i] }

// Strings returns the text of variable i in row order, "" marking a
// missing value: open answers, "other" texts and numbers as typed; nil
// for other variables. The slice is the table's own.
func (t *Table) Strings(i int) []string { return t.strs[i] }

// Value returns the cell of row r and variable i as Values gives it.
func (t *Table) Value(r, i int) Value {
	switch {
	case t.strs[i] == nil:
		x := t.nums[i][r]
		if math.IsNaN(x) {
			return missing
		}
		return num(x)
	case t.strs[i][r] == "":
		return missing
	case t.nums[i] == nil:
		return Value{Str: t.strs[i][r]}
	}
	return Value{Num: t.nums[i][r], Str: t.strs[i][r]}
}

// Truncate keeps the first n rows, dropping the rest (a response that a
// filter does not keep is dropped right after it is decoded).
func (t *Table) Truncate(n int) {
	if n < 0 || n > t.n {
		panic("survey: Table.Truncate out of range")
	}
	for i := range t.vars {
		if t.nums[i] != nil {
			t.nums[i] = t.nums[i][:n]
		}
		if t.strs[i] != nil {
			clear(t.strs[i][n:]) // let dropped texts go
			t.strs[i] = t.strs[i][:n]
		}
	}
	t.n = n
}

// Grow makes room for n more rows, so that a caller that knows how many
// responses are coming does not copy the columns as they grow.
func (t *Table) Grow(n int) {
	for i := range t.vars {
		if t.nums[i] != nil {
			t.nums[i] = growCap(t.nums[i], n)
		}
		if t.strs[i] != nil {
			t.strs[i] = growCap(t.strs[i], n)
		}
	}
}

func growCap[T any](s []T, n int) []T {
	if cap(s)-len(s) >= n {
		return s
	}
	out := make([]T, len(s), len(s)+n)
	copy(out, s)
	return out
}

// cellRule is how one variable's cell comes out of its item's answer,
// following Values and cell.
type cellRule uint8

const (
	ruleChoice cellRule = iota // the code chosen, missing when none
	ruleOption                 // multiple choice: 1 when the option is selected, else 0
	ruleRow                    // matrix: the code chosen in a row
	ruleNumber                 // the number typed, with its text
	ruleText                   // an open answer
	ruleOther                  // what "other" specifies
	ruleScore                  // a dimension score
)

type varPlan struct {
	rule   cellRule
	item   int32 // index into Decoder.items; -1 for none
	option int   // ruleOption: the code
	row    int   // ruleRow: the row's slot in the item's answer
	dim    int   // ruleScore: index into Decoder.dims
}

// scoredItem is a Likert item as it counts toward a dimension score.
type scoredItem struct {
	item    int32
	scale   int
	reverse bool
}

// itemState is one item's answer in the response being decoded, what
// encoding/json would have put in an Answer.
type itemState struct {
	gen    uint32 // == Decoder.gen when the response has the item
	choice int
	// choices is a multiple choice's codes: choices[:nChoices]. Positions
	// below capChoices keep what an earlier array of the same answer left
	// there, which is what encoding/json reuses when a later array has a
	// null element; positions above it are zero.
	choices    []int
	nChoices   int
	capChoices int
	rows       []int // matrix: the code per row slot, 0 = none
	number     string
	text       string
}

// selected is Answer.Selected.
func (s *itemState) selected(v int) bool {
	if s.choice == v {
		return true
	}
	for _, c := range s.choices[:s.nChoices] {
		if c == v {
			return true
		}
	}
	return false
}

func (s *itemState) reset(gen uint32) {
	s.gen, s.choice, s.nChoices, s.capChoices, s.number, s.text = gen, 0, 0, 0, "", ""
	clear(s.rows)
}

// Decoder decodes stored answers (the JSON of Answers.JSON) straight into
// a Table, without a map per response: the analysis of 100,000 responses
// reads them this way. It accepts exactly what ParseAnswers accepts and
// fills the cells Values would give; a Decoder is not safe for concurrent
// use.
type Decoder struct {
	t     *Table
	plans []varPlan
	// items are the items the variables and scores read, by ID.
	itemIDs []string
	plainID []bool // the ID is written as it is in JSON (no escapes)
	byID    map[string]int32
	// rowSlots maps an item's matrix row IDs to slots of itemState.rows.
	rowSlots []map[string]int
	dims     [][]scoredItem
	state    []itemState
	discard  itemState // the answer of an item no variable reads
	gen      uint32
	// next predicts which item follows which: stored answers list their
	// items in the same (sorted) order, so the prediction saves a map
	// lookup per answer.
	next []int32
	sc   scanner
}

// NewDecoder prepares decoding for the variables vars of definition d
// (from Variables(d)).
func NewDecoder(d *Definition, vars []Variable) *Decoder {
	dec := &Decoder{byID: map[string]int32{}, t: &Table{vars: vars}}
	item := func(id string) int32 {
		if k, ok := dec.byID[id]; ok {
			return k
		}
		k := int32(len(dec.itemIDs))
		dec.byID[id] = k
		dec.itemIDs = append(dec.itemIDs, id)
		dec.rowSlots = append(dec.rowSlots, nil)
		return k
	}
	dims := map[string]int{}
	dec.plans = make([]varPlan, len(vars))
	dec.t.nums = make([][]float64, len(vars))
	dec.t.strs = make([][]string, len(vars))
	for i, v := range vars {
		p := varPlan{item: -1}
		switch {
		case v.Score:
			p.rule = ruleScore
			k, ok := dims[v.Dimension]
			if !ok {
				k = len(dec.dims)
				dims[v.Dimension] = k
				var its []scoredItem
				for _, it := range d.DimensionItems(v.Dimension) {
					its = append(its, scoredItem{item: item(it.ID), scale: it.Scale, reverse: it.Reverse})
				}
				dec.dims = append(dec.dims, its)
			}
			p.dim = k
		case v.Other:
			p.rule = ruleOther
		case v.Kind == Multiple:
			p.rule, p.option = ruleOption, v.Option
		case v.Kind == Matrix:
			p.rule = ruleRow
		case v.Kind == Number:
			p.rule = ruleNumber
		case v.Kind == Text:
			p.rule = ruleText
		default:
			p.rule = ruleChoice
		}
		if p.rule != ruleScore {
			p.item = item(v.ItemID)
		}
		if p.rule == ruleRow {
			slots := dec.rowSlots[p.item]
			if slots == nil {
				slots = map[string]int{}
				dec.rowSlots[p.item] = slots
			}
			s, ok := slots[v.Row]
			if !ok {
				s = len(slots)
				slots[v.Row] = s
			}
			p.row = s
		}
		dec.plans[i] = p
		switch p.rule {
		case ruleText, ruleOther:
			dec.t.strs[i] = []string{}
		case ruleNumber:
			dec.t.strs[i], dec.t.nums[i] = []string{}, []float64{}
		default:
			dec.t.nums[i] = []float64{}
		}
	}
	dec.state = make([]itemState, len(dec.itemIDs))
	dec.plainID = make([]bool, len(dec.itemIDs))
	for k, id := range dec.itemIDs {
		dec.plainID[k] = true
		for i := range len(id) {
			dec.plainID[k] = dec.plainID[k] && plain[id[i]]
		}
	}
	for k, slots := range dec.rowSlots {
		dec.state[k].rows = make([]int, len(slots))
	}
	dec.next = make([]int32, len(dec.itemIDs)+1)
	for k := range dec.next {
		dec.next[k] = int32(k) // item k-1 is followed by item k; slot 0 is the start
	}
	return dec
}

// Table returns the table the decoder appends to.
func (dec *Decoder) Table() *Table { return dec.t }

// Decode appends one response, the stored JSON of its answers, as a row
// of the table. On an error nothing is appended; the error is what
// ParseAnswers would refuse (an apperr Invalid or TooLarge).
func (dec *Decoder) Decode(b []byte) error {
	dec.gen++
	if dec.gen == 0 { // wrapped: forget every answer
		for k := range dec.state {
			dec.state[k].gen = 0
		}
		dec.gen = 1
	}
	if err := dec.parse(b); err != nil {
		return err
	}
	dec.emit()
	return nil
}

// emit appends the row of the response just parsed.
func (dec *Decoder) emit() {
	t := dec.t
	nan := math.NaN()
	for i, p := range dec.plans {
		var s *itemState
		if p.item >= 0 && dec.state[p.item].gen == dec.gen {
			s = &dec.state[p.item]
		}
		switch p.rule {
		case ruleScore:
			t.nums[i] = append(t.nums[i], dec.score(p.dim))
		case ruleChoice:
			x := nan
			if s != nil && s.choice != 0 {
				x = float64(s.choice)
			}
			t.nums[i] = append(t.nums[i], x)
		case ruleOption:
			x := nan
			if s != nil {
				x = 0
				if s.selected(p.option) {
					x = 1
				}
			}
			t.nums[i] = append(t.nums[i], x)
		case ruleRow:
			x := nan
			if s != nil && s.rows[p.row] != 0 {
				x = float64(s.rows[p.row])
			}
			t.nums[i] = append(t.nums[i], x)
		case ruleNumber:
			x, str := nan, ""
			if s != nil {
				if f, err := strconv.ParseFloat(s.number, 64); err == nil {
					x, str = f, s.number
				}
			}
			t.nums[i], t.strs[i] = append(t.nums[i], x), append(t.strs[i], str)
		case ruleText:
			str := ""
			if s != nil {
				str = s.text
			}
			t.strs[i] = append(t.strs[i], str)
		case ruleOther:
			str := ""
			if s != nil && s.selected(OtherCode) {
				str = s.text
			}
			t.strs[i] = append(t.strs[i], str)
		}
	}
	t.n++
}

// score is DimensionScores for dimension k of the response just parsed.
func (dec *Decoder) score(k int) float64 {
	sum, n := 0, 0
	for _, it := range dec.dims[k] {
		s := &dec.state[it.item]
		if s.gen != dec.gen || s.choice < 1 || s.choice > it.scale {
			continue
		}
		v := s.choice
		if it.reverse {
			v = Reversed(v, it.scale)
		}
		sum += v
		n++
	}
	if n == 0 {
		return math.NaN()
	}
	return float64(sum) / float64(n)
}
