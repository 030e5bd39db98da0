package survey

import (
	"fmt"
	"strconv"
)

// VarType is how a variable's values are written.
type VarType string

// The variable types.
const (
	Numeric VarType = "numeric"
	String  VarType = "string"
)

// Variable is one column of the exported data and one line of the
// codebook. The naming follows what SPSS users expect: Q<position> for an
// item, Q5_1 … Q5_k for the rows of a matrix, one 0/1 variable Q4_<code>
// per option of a multiple choice, Q2_other_text for what "other" specifies,
// and D_<key> for a dimension's score.
type Variable struct {
	Name    string
	Label   string
	LabelEN string
	Type    VarType
	ItemID  string
	Kind    Kind
	Row     string // matrix: the row's ID
	Option  int    // multiple choice: the option this 0/1 variable stands for
	Other   bool   // the text of "other, please specify"
	Score   bool   // a dimension score (mean after reverse coding)
	// ValueLabels label the codes of a numeric variable.
	ValueLabels []Option
	// Likert items: scale, dimension and reverse coding.
	Scale     int
	Dimension string
	Reverse   bool
}

// Choice reports whether the variable holds option codes (a categorical
// variable that filters and groupings can use).
func (v *Variable) Choice() bool {
	return v.Type == Numeric && !v.Score && v.Kind != Number && v.Option == 0
}

// selectedLabels are the value labels of a multiple choice's 0/1 variables.
var selectedLabels = []Option{{Value: 0, Label: "未选", LabelEN: "Not selected"}, {Value: 1, Label: "选中", LabelEN: "Selected"}}

// Variables lists the export variables of a definition in item order,
// followed by one score per dimension that has items.
func Variables(d *Definition) []Variable {
	var out []Variable
	for n, it := range d.Items() {
		base := it.Var
		if base == "" {
			base = "Q" + strconv.Itoa(n+1)
		}
		v := Variable{Name: base, Label: it.Text, LabelEN: it.TextEN, Type: Numeric, ItemID: it.ID, Kind: it.Kind}
		switch it.Kind {
		case Single, Demographic:
			v.ValueLabels = it.AllOptions()
			out = append(out, v)
			if it.Other {
				out = append(out, otherVar(it, base))
			}
		case Likert:
			v.ValueLabels, v.Scale, v.Dimension, v.Reverse = it.Options, it.Scale, it.Dimension, it.Reverse
			out = append(out, v)
		case Multiple:
			for _, o := range it.AllOptions() {
				ov := v
				ov.Option, ov.ValueLabels = o.Value, selectedLabels
				ov.Name = base + "_" + strconv.Itoa(o.Value)
				if o.Value == OtherCode {
					ov.Name = base + "_other"
				}
				ov.Label, ov.LabelEN = join(it.Text, o.Label), join(it.TextEN, o.LabelEN)
				out = append(out, ov)
			}
			if it.Other {
				out = append(out, otherVar(it, base))
			}
		case Matrix:
			for k, r := range it.Rows {
				rv := v
				rv.Name, rv.Row, rv.ValueLabels = base+"_"+strconv.Itoa(k+1), r.ID, it.Options
				rv.Label, rv.LabelEN = join(it.Text, r.Label), join(it.TextEN, r.LabelEN)
				out = append(out, rv)
			}
		case Number:
			out = append(out, v)
		case Text:
			v.Type = String
			out = append(out, v)
		}
	}
	for _, dm := range d.Dimensions {
		if len(d.DimensionItems(dm.Key)) == 0 {
			continue
		}
		out = append(out, Variable{Name: "D_" + dm.Key, Label: dm.Name, LabelEN: dm.NameEN, Type: Numeric,
			Score: true, Dimension: dm.Key})
	}
	return out
}

func otherVar(it *Item, base string) Variable {
	return Variable{Name: base + "_other_text", Label: join(it.Text, "其他（请注明）"), LabelEN: join(it.TextEN, "Other (please specify)"),
		Type: String, ItemID: it.ID, Kind: it.Kind, Other: true}
}

// join labels a derived variable "item text - part"; with no English item
// text the English label stays empty rather than half-translated.
func join(item, part string) string {
	if item == "" {
		return ""
	}
	if part == "" {
		return item
	}
	return item + " - " + part
}

// Value is one cell of the data: a number, a text, or missing. A number
// typed by a respondent keeps its text in Str so that exports and the
// statistics engine see exactly what was written.
type Value struct {
	Num     float64
	Str     string
	Missing bool
}

var missing = Value{Missing: true}

func num(v float64) Value { return Value{Num: v} }

// String formats a value for CSV and spreadsheets: "" for missing.
func (v Value) String() string {
	switch {
	case v.Missing:
		return ""
	case v.Str != "":
		return v.Str
	}
	return strconv.FormatFloat(v.Num, 'f', -1, 64)
}

// Values returns a response's cells for vars (from Variables of the same
// definition). An unanswered item is missing in all its variables; a
// multiple choice that was answered is 0 or 1 in each option's variable.
// Raw Likert codes are exported as answered: reverse coding applies to
// dimension scores, and the codebook says which items it concerns.
func Values(d *Definition, vars []Variable, a Answers) []Value {
	scores := DimensionScores(d, a)
	out := make([]Value, len(vars))
	for i, v := range vars {
		if v.Score {
			if s, ok := scores[v.Dimension]; ok {
				out[i] = num(s)
			} else {
				out[i] = missing
			}
			continue
		}
		ans, ok := a[v.ItemID]
		if !ok {
			out[i] = missing
			continue
		}
		out[i] = cell(v, ans)
	}
	return out
}

func cell(v Variable, ans Answer) Value {
	switch {
	case v.Other:
		if ans.Selected(OtherCode) && ans.Text != "" {
			return Value{Str: ans.Text}
		}
		return missing
	case v.Kind == Multiple:
		if ans.Selected(v.Option) {
			return num(1)
		}
		return num(0)
	case v.Kind == Matrix:
		if c, ok := ans.Rows[v.Row]; ok && c != 0 {
			return num(float64(c))
		}
		return missing
	case v.Kind == Number:
		f, err := strconv.ParseFloat(ans.Number, 64)
		if err != nil {
			return missing
		}
		return Value{Num: f, Str: ans.Number}
	case v.Kind == Text:
		if ans.Text == "" {
			return missing
		}
		return Value{Str: ans.Text}
	}
	if ans.Choice == 0 {
		return missing
	}
	return num(float64(ans.Choice))
}

// DimensionScores returns each dimension's score for one response: the
// mean of its answered items after reverse coding. A dimension with no
// answered item has no score (it is left out of the map).
func DimensionScores(d *Definition, a Answers) map[string]float64 {
	out := map[string]float64{}
	for _, dm := range d.Dimensions {
		sum, n := 0, 0
		for _, it := range d.DimensionItems(dm.Key) {
			ans, ok := a[it.ID]
			if !ok || ans.Choice < 1 || ans.Choice > it.Scale {
				continue
			}
			v := ans.Choice
			if it.Reverse {
				v = Reversed(v, it.Scale)
			}
			sum += v
			n++
		}
		if n > 0 {
			out[dm.Key] = float64(sum) / float64(n)
		}
	}
	return out
}

// ScoredValue returns a Likert answer as it counts toward its dimension:
// reversed for reverse-scored items. ok is false when unanswered.
func ScoredValue(it *Item, a Answers) (int, bool) {
	ans, ok := a[it.ID]
	if !ok || ans.Choice < 1 || ans.Choice > it.Scale {
		return 0, false
	}
	if it.Reverse {
		return Reversed(ans.Choice, it.Scale), true
	}
	return ans.Choice, true
}

// ValueLabelText formats value labels as the codebook shows them:
// "1=男; 2=女".
func ValueLabelText(opts []Option, lang string) string {
	s := ""
	for i, o := range opts {
		if i > 0 {
			s += "; "
		}
		s += fmt.Sprintf("%d=%s", o.Value, o.Text(lang))
	}
	return s
}
