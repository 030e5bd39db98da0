package survey

import (
	"math"
	"strings"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

// Validation of a definition: sizes, texts, options, dimensions, display
// conditions and export names. Responses are checked in answers.go.

// Validate normalises the definition and checks it whole. Field errors are
// named "<item id>.<field>" ("q3.options"), "<section id>.title",
// "dimensions.<key>" or "definition" for the whole.
func (d *Definition) Validate() error {
	d.Normalize()
	f := apperr.Fields{}
	switch {
	case len(d.Sections) == 0:
		f.Add("definition", "survey.error.no_sections")
	case len(d.Sections) > MaxSections:
		f.Add("definition", "survey.error.too_many_sections", "max", MaxSections)
	}
	if len(d.Dimensions) > MaxDimensions {
		f.Add("definition", "survey.error.too_many_dimensions", "max", MaxDimensions)
	}
	keys := map[string]bool{}
	for _, dm := range d.Dimensions {
		field := "dimensions." + dm.Key
		switch {
		case !ValidKey(dm.Key) || keys[dm.Key]:
			f.Add("dimensions", "survey.error.bad_key")
		case dm.Name == "":
			f.Add(field, "form.required")
		case utf8.RuneCountInString(dm.Name) > MaxOptionLabel || utf8.RuneCountInString(dm.NameEN) > MaxOptionLabel:
			f.Add(field, "form.too_long", "max", MaxOptionLabel)
		}
		keys[dm.Key] = true
	}
	ids := map[string]bool{}
	n := 0
	for si := range d.Sections {
		s := &d.Sections[si]
		if !ValidKey(s.ID) || ids[s.ID] {
			f.Add("definition", "survey.error.bad_key")
		}
		ids[s.ID] = true
		if utf8.RuneCountInString(s.Title) > MaxSectionTitle || utf8.RuneCountInString(s.TitleEN) > MaxSectionTitle {
			f.Add(s.ID+".title", "form.too_long", "max", MaxSectionTitle)
		}
		if utf8.RuneCountInString(s.Intro) > MaxSectionIntro {
			f.Add(s.ID+".intro", "form.too_long", "max", MaxSectionIntro)
		}
		for ii := range s.Items {
			it := &s.Items[ii]
			n++
			if !ValidKey(it.ID) || ids[it.ID] {
				f.Add("definition", "survey.error.bad_key")
				continue
			}
			ids[it.ID] = true
			for field, fe := range d.ValidateItem(it) {
				f[it.ID+"."+field] = fe
			}
		}
	}
	if n > MaxItems {
		f.Add("definition", "survey.error.too_many_items", "max", MaxItems)
	}
	// Items of one dimension must share a scale, or reverse coding and
	// the dimension's mean would mix units.
	for _, dm := range d.Dimensions {
		items := d.DimensionItems(dm.Key)
		for _, it := range items[min(1, len(items)):] {
			if it.Scale != items[0].Scale {
				f.Add(it.ID+".scale", "survey.error.dimension_scale", "scale", items[0].Scale)
			}
		}
	}
	// Export names must be unique ignoring case: SPSS and Stata fold it.
	vars := Variables(d)
	if len(vars) > MaxVariables {
		f.Add("definition", "survey.error.too_many_variables", "max", MaxVariables, "n", len(vars))
	}
	seen := map[string]bool{}
	for _, v := range vars {
		name := strings.ToLower(v.Name)
		if seen[name] {
			f.Add(v.ItemID+".var", "survey.error.duplicate_variable", "name", v.Name)
		}
		seen[name] = true
	}
	return f.Err()
}

// ValidateItem checks one item against the definition it belongs to (its
// condition must point at an earlier item, its dimension must exist). The
// fields are named as the builder's item form names them.
func (d *Definition) ValidateItem(it *Item) apperr.Fields {
	it.normalize()
	f := apperr.Fields{}
	if !it.Kind.Valid() {
		f.Add("kind", "form.invalid_choice")
		return f
	}
	switch n := utf8.RuneCountInString(it.Text); {
	case n == 0:
		f.Add("text", "form.required")
	case n > MaxItemText:
		f.Add("text", "form.too_long", "max", MaxItemText)
	}
	if utf8.RuneCountInString(it.TextEN) > MaxItemText {
		f.Add("text_en", "form.too_long", "max", MaxItemText)
	}
	if utf8.RuneCountInString(it.Help) > MaxHelp {
		f.Add("help", "form.too_long", "max", MaxHelp)
	}
	if it.Var != "" && !varRE.MatchString(it.Var) {
		f.Add("var", "survey.error.bad_variable")
	}
	switch it.Kind {
	case Single, Multiple:
		validateOptions(f, it.Options, 2)
		if it.MaxChoices < 0 || it.MaxChoices > len(it.AllOptions()) {
			f.Add("max_choices", "form.out_of_range", "min", 0, "max", len(it.AllOptions()))
		}
	case Likert:
		if it.Scale < MinScale || it.Scale > MaxScale {
			f.Add("scale", "form.out_of_range", "min", MinScale, "max", MaxScale)
		} else {
			validateOptions(f, it.Options, it.Scale)
		}
		if it.Dimension != "" {
			if _, ok := d.Dimension(it.Dimension); !ok {
				f.Add("dimension", "form.invalid_choice")
			}
		}
	case Matrix:
		validateOptions(f, it.Options, 2)
		switch {
		case len(it.Rows) == 0:
			f.Add("rows", "form.required")
		case len(it.Rows) > MaxRows:
			f.Add("rows", "survey.error.too_many_rows", "max", MaxRows)
		}
		rowIDs := map[string]bool{}
		for _, r := range it.Rows {
			switch {
			case !ValidKey(r.ID) || rowIDs[r.ID]:
				f.Add("rows", "survey.error.bad_key")
			case r.Label == "":
				f.Add("rows", "survey.error.empty_label")
			case utf8.RuneCountInString(r.Label) > MaxOptionLabel || utf8.RuneCountInString(r.LabelEN) > MaxOptionLabel:
				f.Add("rows", "form.too_long", "max", MaxOptionLabel)
			}
			rowIDs[r.ID] = true
		}
	case Number:
		for name, p := range map[string]*float64{"min": it.Min, "max": it.Max} {
			if p != nil && (math.IsNaN(*p) || math.Abs(*p) > MaxNumberMagnitude) {
				f.Add(name, "form.out_of_range", "min", -MaxNumberMagnitude, "max", MaxNumberMagnitude)
			}
		}
		if it.Min != nil && it.Max != nil && *it.Min > *it.Max {
			f.Add("max", "survey.error.max_below_min")
		}
	case Text:
		if it.MaxLength < 0 || it.MaxLength > MaxAnswerText {
			f.Add("max_length", "form.out_of_range", "min", 0, "max", MaxAnswerText)
		}
	case Demographic:
		if _, ok := FieldOptions(it.Field); !ok {
			f.Add("field", "form.invalid_choice")
		}
	}
	if c := it.ShowIf; c != nil {
		d.validateCondition(f, it, c)
	}
	return f
}

func (d *Definition) validateCondition(f apperr.Fields, it *Item, c *Condition) {
	var ctrl *Item
	for _, other := range d.Items() {
		if other.ID == it.ID {
			break // conditions look back only, so they can never loop
		}
		if other.ID == c.Item {
			ctrl = other
		}
	}
	switch {
	case ctrl == nil:
		f.Add("show_if", "survey.error.condition_item")
	case !ctrl.Kind.Choice():
		f.Add("show_if", "survey.error.condition_kind")
	case len(c.Values) == 0:
		f.Add("show_if_values", "form.required")
	case len(c.Values) > MaxOptions+1:
		f.Add("show_if_values", "form.invalid_choice")
	default:
		for _, v := range c.Values {
			if !ctrl.HasOption(v) {
				f.Add("show_if_values", "form.invalid_choice")
			}
		}
	}
}

// validateOptions checks option lists: at least least options (exactly
// least for a Likert scale is checked by the caller through anchorsFit),
// non-empty labels, unique codes below OtherCode.
func validateOptions(f apperr.Fields, opts []Option, least int) {
	switch {
	case len(opts) < least:
		f.Add("options", "survey.error.too_few_options", "min", least)
		return
	case len(opts) > MaxOptions:
		f.Add("options", "survey.error.too_many_options", "max", MaxOptions)
		return
	}
	seen := map[int]bool{}
	for _, o := range opts {
		switch {
		case o.Value < 0 || o.Value >= OtherCode || seen[o.Value]:
			f.Add("options", "survey.error.bad_code")
		case o.Label == "":
			f.Add("options", "survey.error.empty_label")
		case utf8.RuneCountInString(o.Label) > MaxOptionLabel || utf8.RuneCountInString(o.LabelEN) > MaxOptionLabel:
			f.Add("options", "form.too_long", "max", MaxOptionLabel)
		}
		seen[o.Value] = true
	}
}
