package survey

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

func fieldsOf(t *testing.T, err error) apperr.Fields {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != apperr.Invalid {
		t.Fatalf("want an Invalid error with fields, got %v", err)
	}
	return e.Fields
}

func TestTemplatesValidate(t *testing.T) {
	for _, tpl := range Templates() {
		d := tpl.Definition()
		if err := d.Validate(); err != nil {
			t.Errorf("template %s: %v", tpl.Key, err)
		}
		if tpl.Title == "" || tpl.TitleEN == "" {
			t.Errorf("template %s lacks a title", tpl.Key)
		}
		for _, it := range d.Items() {
			if it.TextEN == "" {
				t.Errorf("template %s item %s has no English label", tpl.Key, it.ID)
			}
		}
	}
	tpl, ok := TemplateByKey(TemplateCommunity)
	if !ok {
		t.Fatal("no community template")
	}
	d := tpl.Definition()
	if len(d.Dimensions) != 6 {
		t.Fatalf("community template has %d dimensions", len(d.Dimensions))
	}
	reversed := 0
	for _, dm := range d.Dimensions {
		items := d.DimensionItems(dm.Key)
		if len(items) != 4 {
			t.Errorf("dimension %s has %d items", dm.Key, len(items))
		}
		for _, it := range items {
			if it.Reverse {
				reversed++
			}
		}
	}
	if reversed < 3 {
		t.Errorf("only %d reverse-scored items", reversed)
	}
	// Templates are copies: changing one leaves the library alone.
	d.Sections[0].Title = "changed"
	if tpl.Definition().Sections[0].Title == "changed" {
		t.Error("template definitions share state")
	}
}

func TestValidateDefinitionErrors(t *testing.T) {
	d := NewDefinition()
	s := d.Sections[0].ID
	q1, _ := d.AddItem(s, Single, "性别")
	q2, _ := d.AddItem(s, Likert, "我喜欢研修")
	if err := d.Validate(); err != nil {
		t.Fatalf("fresh items: %v", err)
	}
	it, _ := d.Item(q1)
	it.Text = ""
	it.Options = []Option{{Value: 1, Label: "男"}}
	l, _ := d.Item(q2)
	l.Dimension = "nope"
	f := fieldsOf(t, d.Validate())
	for _, want := range []string{q1 + ".text", q1 + ".options", q2 + ".dimension"} {
		if _, ok := f[want]; !ok {
			t.Errorf("no error on %s: %v", want, f)
		}
	}
	if f[q1+".options"].Key != "survey.error.too_few_options" {
		t.Errorf("options error %v", f[q1+".options"])
	}

	// A condition must point back at a choice item, with codes it has.
	d = NewDefinition()
	s = d.Sections[0].ID
	a, _ := d.AddItem(s, Single, "A")
	b, _ := d.AddItem(s, Text, "B")
	c, _ := d.AddItem(s, Number, "C")
	ib, _ := d.Item(b)
	ib.ShowIf = &Condition{Item: c, Values: []int{1}}
	ic, _ := d.Item(c)
	ic.ShowIf = &Condition{Item: a, Values: []int{7}}
	f = fieldsOf(t, d.Validate())
	if f[b+".show_if"].Key != "survey.error.condition_item" || f[c+".show_if_values"].Key != "form.invalid_choice" {
		t.Errorf("condition errors: %v", f)
	}

	// Dimension items share a scale; export names are unique.
	d = NewDefinition()
	s = d.Sections[0].ID
	if err := d.SetDimensions([]Dimension{{Name: "协作"}}); err != nil {
		t.Fatal(err)
	}
	key := d.Dimensions[0].Key
	x, _ := d.AddItem(s, Likert, "x")
	y, _ := d.AddItem(s, Likert, "y")
	ix, _ := d.Item(x)
	iy, _ := d.Item(y)
	ix.Dimension, iy.Dimension, iy.Scale, iy.Options = key, key, 7, nil
	iy.Var = "q1"
	f = fieldsOf(t, d.Validate())
	if f[y+".scale"].Key != "survey.error.dimension_scale" || f[y+".var"].Key != "survey.error.duplicate_variable" {
		t.Errorf("dimension and name errors: %v", f)
	}

	// Sizes are bounded.
	d = NewDefinition()
	for range MaxItems {
		if _, err := d.AddItem(d.Sections[0].ID, Text, "t"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.AddItem(d.Sections[0].ID, Text, "t"); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("item %d accepted: %v", MaxItems+1, err)
	}
	// So is the number of export variables: 41 matrices of 50 rows
	// are few items but 2,050 columns.
	d = NewDefinition()
	for range MaxVariables/MaxRows + 1 {
		id, err := d.AddItem(d.Sections[0].ID, Matrix, "m")
		if err != nil {
			t.Fatal(err)
		}
		it, _ := d.Item(id)
		for r := len(it.Rows); r < MaxRows; r++ {
			it.Rows = append(it.Rows, Row{Label: strconv.Itoa(r + 1)})
		}
		if err := d.ReplaceItem(*it); err != nil {
			t.Fatal(err)
		}
	}
	if e, ok := apperr.As(d.Validate()); !ok || e.Fields["definition"].Key != "survey.error.too_many_variables" {
		t.Errorf("%d variables accepted: %v", len(Variables(d)), e)
	}
	if err := d.DeleteItem(d.Items()[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(); err != nil {
		t.Errorf("%d variables refused: %v", len(Variables(d)), err)
	}
	long := &Item{Kind: Text, Text: strings.Repeat("长", MaxItemText+1)}
	if f := d.ValidateItem(long); f["text"].Key != "form.too_long" {
		t.Errorf("long text: %v", f)
	}
	if _, err := Parse(make([]byte, MaxDefinitionJSON+1)); !apperr.Is(err, apperr.TooLarge) {
		t.Errorf("huge definition: %v", err)
	}
	if _, err := Parse([]byte("{")); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("junk definition: %v", err)
	}
}

func TestSettingsValidate(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	later := now.Add(time.Hour)
	in := Settings{Title: "  ", OpensAt: &later, ClosesAt: &now}
	f := fieldsOf(t, in.Validate())
	if f["title"].Key != "form.required" || f["closes_at"].Key != "survey.error.closes_before_opens" {
		t.Errorf("settings errors: %v", f)
	}
	s := &Survey{Status: Open, OpensAt: &later}
	if s.Accepting(now) || s.PhaseAt(now) != PhaseScheduled {
		t.Error("accepting before opening time")
	}
	s.OpensAt, s.ClosesAt = nil, &later
	if !s.Accepting(now) || s.Accepting(later) || s.PhaseAt(later) != PhaseEnded {
		t.Error("closing time not enforced")
	}
	s.Status = Closed
	if s.Accepting(now) {
		t.Error("closed survey accepts")
	}
}

// sample is a definition exercising every kind.
func sample(t *testing.T) (*Definition, map[string]string) {
	t.Helper()
	d := NewDefinition()
	s := d.Sections[0].ID
	ids := map[string]string{}
	add := func(name string, k Kind) *Item {
		id, err := d.AddItem(s, k, name)
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = id
		it, _ := d.Item(id)
		return it
	}
	if err := d.SetDimensions([]Dimension{{Name: "协作", NameEN: "Collaboration"}}); err != nil {
		t.Fatal(err)
	}
	dim := d.Dimensions[0].Key
	g := add("gender", Demographic)
	g.Required = true
	one := add("one", Single)
	one.Options = opts("是", "Yes", "否", "No")
	one.Other, one.Required = true, true
	many := add("many", Multiple)
	many.Options = opts("甲", "A", "乙", "B", "丙", "C")
	many.Other, many.MaxChoices = true, 2
	l1 := add("l1", Likert)
	l1.Dimension, l1.Required = dim, true
	l2 := add("l2", Likert)
	l2.Dimension, l2.Reverse = dim, true
	m := add("matrix", Matrix)
	m.Rows = rows("行一", "Row 1", "行二", "Row 2")
	m.Options = opts("少", "Few", "多", "Many")
	lo, hi := 0.0, 100.0
	n := add("hours", Number)
	n.Min, n.Max = &lo, &hi
	follow := add("follow", Text)
	follow.ShowIf = &Condition{Item: ids["one"], Values: []int{1}}
	follow.Required = true
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	return d, ids
}

func TestCheckResponses(t *testing.T) {
	d, id := sample(t)
	// Required items, including one made visible by a condition.
	_, err := Check(d, Answers{id["one"]: {Choice: 1}}, true)
	f := fieldsOf(t, err)
	for _, name := range []string{"gender", "l1", "follow"} {
		if f[id[name]].Key != "survey.error.answer_required" {
			t.Errorf("%s: %v", name, f[id[name]])
		}
	}
	// A draft may leave required items empty.
	if _, err := Check(d, Answers{id["one"]: {Choice: 1}}, false); err != nil {
		t.Errorf("draft: %v", err)
	}
	// Hidden items are ignored, even when required, and their answers dropped.
	got, err := Check(d, Answers{id["gender"]: {Choice: 2}, id["one"]: {Choice: 2}, id["l1"]: {Choice: 4},
		id["follow"]: {Text: "stale"}, "q999": {Text: "unknown"}}, true)
	if err != nil {
		t.Fatalf("hidden required item: %v", err)
	}
	if _, ok := got[id["follow"]]; ok {
		t.Error("answer to a hidden item kept")
	}
	if _, ok := got["q999"]; ok {
		t.Error("answer to an unknown item kept")
	}
	bad := []struct {
		name string
		a    Answer
		key  string
	}{
		{"gender", Answer{Choice: 9}, "form.invalid_choice"},
		{"one", Answer{Choice: OtherCode}, "survey.error.specify_other"},
		{"many", Answer{Choices: []int{1, 2, 3}}, "survey.error.too_many_choices"},
		{"many", Answer{Choices: []int{7}}, "form.invalid_choice"},
		{"l1", Answer{Choice: 6}, "form.invalid_choice"},
		{"matrix", Answer{Rows: map[string]int{"r9": 1}}, "form.invalid_choice"},
		{"hours", Answer{Number: "101"}, "form.out_of_range"},
		{"hours", Answer{Number: "abc"}, "form.invalid_number"},
		{"hours", Answer{Number: "1e3"}, "form.invalid_number"},
		{"hours", Answer{Number: "NaN"}, "form.invalid_number"},
	}
	for _, b := range bad {
		a := Answers{id["gender"]: {Choice: 1}, id["one"]: {Choice: 2}, id["l1"]: {Choice: 3}}
		a[id[b.name]] = b.a
		_, err := Check(d, a, true)
		if f := fieldsOf(t, err); f[id[b.name]].Key != b.key {
			t.Errorf("%s %+v: %v, want %s", b.name, b.a, f, b.key)
		}
	}
	// Normalisation: numbers, duplicates, other text.
	got, err = Check(d, Answers{id["gender"]: {Choice: 1}, id["one"]: {Choice: OtherCode, Text: "  都有 "},
		id["l1"]: {Choice: 3}, id["many"]: {Choices: []int{2, 2, OtherCode}, Text: "丁"}, id["hours"]: {Number: "１２.50"},
		id["follow"]: {Text: "hidden by other"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	if got[id["one"]].Text != "都有" || got[id["hours"]].Number != "12.5" || len(got[id["many"]].Choices) != 2 {
		t.Errorf("normalised: %+v", got)
	}
	// An integer item refuses fractions.
	it, _ := d.Item(id["hours"])
	it.Integer = true
	if _, err := Check(d, Answers{id["hours"]: {Number: "1.5"}}, false); fieldsOf(t, err)[id["hours"]].Key != "survey.error.whole_number" {
		t.Errorf("fraction accepted: %v", err)
	}
}

func TestVariablesAndScores(t *testing.T) {
	d, id := sample(t)
	vars := Variables(d)
	var names []string
	for _, v := range vars {
		names = append(names, v.Name)
	}
	want := "Q1 Q2 Q2_other_text Q3_1 Q3_2 Q3_3 Q3_other Q3_other_text Q4 Q5 Q6_1 Q6_2 Q7 Q8 D_d2"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("variables:\n got %s\nwant %s", got, want)
	}
	a := Answers{id["gender"]: {Choice: 2}, id["one"]: {Choice: OtherCode, Text: "都有"},
		id["many"]: {Choices: []int{1, OtherCode}, Text: "丁"}, id["l1"]: {Choice: 4}, id["l2"]: {Choice: 2},
		id["matrix"]: {Rows: map[string]int{"r2": 2}}, id["hours"]: {Number: "12.5"}}
	var cells []string
	for _, v := range Values(d, vars, a) {
		cells = append(cells, v.String())
	}
	// l2 is reverse-scored: 2 on five points counts 4, so the score is (4+4)/2.
	wantCells := "2|99|都有|1|0|0|1|丁|4|2||2|12.5||4"
	if got := strings.Join(cells, "|"); got != wantCells {
		t.Fatalf("values:\n got %s\nwant %s", got, wantCells)
	}
	// Unanswered items are missing everywhere, a multiple choice included.
	empty := Values(d, vars, Answers{})
	for i, v := range empty {
		if !v.Missing {
			t.Errorf("%s not missing", vars[i].Name)
		}
	}
	if got := DimensionScores(d, Answers{id["l2"]: {Choice: 1}}); got[d.Dimensions[0].Key] != 5 {
		t.Errorf("reverse score of 1 on five points = %v", got)
	}
	if Reversed(1, 7) != 7 || Reversed(4, 7) != 4 {
		t.Error("Reversed")
	}
	if got := ValueLabelText(vars[0].ValueLabels, "en"); got != "1=Male; 2=Female" {
		t.Errorf("value labels %q", got)
	}
}

func TestPrefill(t *testing.T) {
	tpl, _ := TemplateByKey(TemplateCommunity)
	d := tpl.Definition()
	years := 12
	got := Prefill(d, Profile{Gender: "female", Years: &years, Title: "first", Subjects: []string{"math", "physics"},
		GradeBand: "junior", Location: "rural"})
	byField := map[Field]int{}
	for _, it := range d.Items() {
		if it.Kind == Demographic {
			byField[it.Field] = got[it.ID].Choice
		}
	}
	want := map[Field]int{FieldGender: 2, FieldYears: 3, FieldTitle: 4, FieldSubject: 2, FieldGradeBand: 2, FieldLocation: 3}
	for f, w := range want {
		if byField[f] != w {
			t.Errorf("%s prefilled %d, want %d", f, byField[f], w)
		}
	}
	if got := Prefill(d, Profile{}); len(got) != 0 {
		t.Errorf("empty profile prefilled %v", got)
	}
	for years, band := range map[int]int{0: 1, 5: 1, 6: 2, 10: 2, 11: 3, 20: 3, 21: 4, 40: 4} {
		if YearsBand(years) != band {
			t.Errorf("YearsBand(%d) = %d, want %d", years, YearsBand(years), band)
		}
	}
}

func TestBuilderOperations(t *testing.T) {
	d := NewDefinition()
	s1 := d.Sections[0].ID
	a, _ := d.AddItem(s1, Single, "A")
	b, _ := d.AddItem(s1, Text, "B")
	ib, _ := d.Item(b)
	ib.ShowIf = &Condition{Item: a, Values: []int{1}}
	// Moving B above A would make its condition look forward.
	if err := d.MoveItem(b, -1); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("forward condition allowed: %v", err)
	}
	s2 := d.AddSection("二")
	c, _ := d.AddItem(s2, Number, "C")
	if err := d.MoveItem(c, -1); err != nil {
		t.Fatal(err)
	}
	if len(d.Sections[0].Items) != 3 || d.Sections[0].Items[2].ID != c {
		t.Fatalf("move across sections: %+v", d.Sections)
	}
	// Replacing validates and keeps the kind.
	edited := *ib
	edited.Text = ""
	if err := d.ReplaceItem(edited); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("empty text saved: %v", err)
	}
	edited.Text, edited.Kind = "B2", Number
	if err := d.ReplaceItem(edited); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("kind changed: %v", err)
	}
	// Deleting an item drops conditions on it; sections keep at least one.
	if err := d.DeleteItem(a); err != nil {
		t.Fatal(err)
	}
	if ib, _ := d.Item(b); ib.ShowIf != nil {
		t.Error("condition on a deleted item kept")
	}
	if err := d.DeleteSection(s2); err != nil {
		t.Fatal(err)
	}
	if err := d.DeleteSection(s1); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("last section deleted: %v", err)
	}
	// IDs are never reused.
	n, _ := d.AddItem(s1, Text, "N")
	if n == a || n == b || n == c {
		t.Errorf("reused ID %s", n)
	}
	// Dimensions: removing one frees its items.
	if err := d.SetDimensions([]Dimension{{Name: "X"}}); err != nil {
		t.Fatal(err)
	}
	l, _ := d.AddItem(s1, Likert, "L")
	il, _ := d.Item(l)
	il.Dimension = d.Dimensions[0].Key
	if err := d.SetDimensions(nil); err != nil {
		t.Fatal(err)
	}
	if il, _ := d.Item(l); il.Dimension != "" {
		t.Error("item kept a removed dimension")
	}
	// A clone is independent.
	cp := d.Clone()
	cp.Sections[0].Items[0].Text = "changed"
	if d.Sections[0].Items[0].Text == "changed" {
		t.Error("clone shares items")
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestVisibleChains(t *testing.T) {
	d := NewDefinition()
	s := d.Sections[0].ID
	a, _ := d.AddItem(s, Single, "A")
	b, _ := d.AddItem(s, Multiple, "B")
	c, _ := d.AddItem(s, Text, "C")
	ib, _ := d.Item(b)
	ib.ShowIf = &Condition{Item: a, Values: []int{1}}
	ic, _ := d.Item(c)
	ic.ShowIf = &Condition{Item: b, Values: []int{1, 2}}
	vis := Visible(d, Answers{a: {Choice: 2}, b: {Choices: []int{2}}})
	if !vis[a] || vis[b] || vis[c] {
		t.Errorf("hidden parent must hide its children: %v", vis)
	}
	vis = Visible(d, Answers{a: {Choice: 1}, b: {Choices: []int{2}}})
	if !vis[b] || !vis[c] {
		t.Errorf("chain: %v", vis)
	}
}
