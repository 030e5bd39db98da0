package survey

import (
	"slices"
	"strconv"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

// The builder's operations on a definition. Each changes the definition
// in place and leaves it valid or returns an error; the service applies
// them to a copy and saves only what validates, and only while the
// questionnaire is a draft, so reordering or recoding can never scramble
// responses already collected.

var errNoSuchItem = apperr.New(apperr.NotFound, "survey.error.no_such_item")

// NewDefinition returns an empty definition with one untitled section.
func NewDefinition() *Definition {
	d := &Definition{Version: CurrentVersion}
	d.AddSection("")
	return d
}

func (d *Definition) nextID(prefix string) string {
	d.Seq++
	return prefix + strconv.Itoa(d.Seq)
}

// AddSection appends a section and returns its ID.
func (d *Definition) AddSection(title string) string {
	id := d.nextID("s")
	d.Sections = append(d.Sections, Section{ID: id, Title: title, Items: []Item{}})
	return id
}

func (d *Definition) sectionIndex(id string) int {
	return slices.IndexFunc(d.Sections, func(s Section) bool { return s.ID == id })
}

// UpdateSection changes a section's title and introduction.
func (d *Definition) UpdateSection(id, title, titleEN, intro string) error {
	i := d.sectionIndex(id)
	if i < 0 {
		return errNoSuchItem
	}
	s := &d.Sections[i]
	s.Title, s.TitleEN, s.Intro = title, titleEN, intro
	return nil
}

// DeleteSection removes a section with its items; the last section stays.
func (d *Definition) DeleteSection(id string) error {
	i := d.sectionIndex(id)
	if i < 0 {
		return errNoSuchItem
	}
	if len(d.Sections) == 1 {
		return apperr.New(apperr.Conflict, "survey.error.last_section")
	}
	for _, it := range d.Sections[i].Items {
		d.dropConditionsOn(it.ID)
	}
	d.Sections = slices.Delete(d.Sections, i, i+1)
	return nil
}

// MoveSection moves a section up (delta −1) or down (+1).
func (d *Definition) MoveSection(id string, delta int) error {
	i := d.sectionIndex(id)
	if i < 0 {
		return errNoSuchItem
	}
	j := i + delta
	if j < 0 || j >= len(d.Sections) {
		return nil
	}
	moved := d.Clone()
	moved.Sections[i], moved.Sections[j] = moved.Sections[j], moved.Sections[i]
	if err := moved.conditionsLookBack(); err != nil {
		return err
	}
	*d = *moved
	return nil
}

// AddItem appends a new item of a kind to a section, with defaults that
// validate (two options, a five-point scale, one matrix row), and returns
// its ID. text is its provisional question.
func (d *Definition) AddItem(sectionID string, kind Kind, text string) (string, error) {
	i := d.sectionIndex(sectionID)
	if i < 0 {
		return "", errNoSuchItem
	}
	if !kind.Valid() {
		return "", apperr.New(apperr.Invalid, "form.invalid_choice")
	}
	if len(d.Items()) >= MaxItems {
		e := apperr.New(apperr.Conflict, "survey.error.too_many_items")
		e.Args = map[string]any{"max": MaxItems}
		return "", e
	}
	it := Item{ID: d.nextID("q"), Kind: kind, Text: text}
	switch kind {
	case Single, Multiple, Matrix:
		it.Options = []Option{{Value: 1, Label: "A"}, {Value: 2, Label: "B"}}
		if kind == Matrix {
			it.Rows = []Row{{ID: "r1", Label: "1"}}
		}
	case Likert:
		it.Scale = 5
	case Demographic:
		it.Field, it.Prefill = FieldGender, true
		if text == "" {
			it.Text, it.TextEN = FieldName(it.Field)
		}
	}
	it.normalize()
	d.Sections[i].Items = append(d.Sections[i].Items, it)
	return it.ID, nil
}

// locate finds an item's section and index.
func (d *Definition) locate(id string) (int, int, bool) {
	for si, s := range d.Sections {
		for ii, it := range s.Items {
			if it.ID == id {
				return si, ii, true
			}
		}
	}
	return 0, 0, false
}

// ReplaceItem saves an edited item in place after checking it; the kind
// may not change (a new item is the honest way to ask differently).
func (d *Definition) ReplaceItem(it Item) error {
	si, ii, ok := d.locate(it.ID)
	if !ok {
		return errNoSuchItem
	}
	if d.Sections[si].Items[ii].Kind != it.Kind {
		return apperr.New(apperr.Invalid, "form.invalid_choice")
	}
	for k := range it.Rows {
		it.Rows[k].ID = "r" + strconv.Itoa(k+1)
	}
	if f := d.ValidateItem(&it); len(f) > 0 {
		return f.Err()
	}
	d.Sections[si].Items[ii] = it
	return nil
}

// DeleteItem removes an item and the conditions that depended on it.
func (d *Definition) DeleteItem(id string) error {
	si, ii, ok := d.locate(id)
	if !ok {
		return errNoSuchItem
	}
	d.Sections[si].Items = slices.Delete(d.Sections[si].Items, ii, ii+1)
	d.dropConditionsOn(id)
	return nil
}

func (d *Definition) dropConditionsOn(id string) {
	for _, it := range d.Items() {
		if it.ShowIf != nil && it.ShowIf.Item == id {
			it.ShowIf = nil
		}
	}
}

// MoveItem moves an item one place up (delta −1) or down (+1), crossing
// into the neighbouring section at a section's edge. A move that would put
// an item before the item its condition depends on is refused.
func (d *Definition) MoveItem(id string, delta int) error {
	si, ii, ok := d.locate(id)
	if !ok {
		return errNoSuchItem
	}
	m := d.Clone()
	it := m.Sections[si].Items[ii]
	items := m.Sections[si].Items
	switch j := ii + delta; {
	case j >= 0 && j < len(items):
		items[ii], items[j] = items[j], items[ii]
	case j < 0 && si > 0:
		m.Sections[si].Items = slices.Delete(items, ii, ii+1)
		m.Sections[si-1].Items = append(m.Sections[si-1].Items, it)
	case j >= len(items) && si < len(m.Sections)-1:
		m.Sections[si].Items = slices.Delete(items, ii, ii+1)
		m.Sections[si+1].Items = slices.Insert(m.Sections[si+1].Items, 0, it)
	default:
		return nil
	}
	if err := m.conditionsLookBack(); err != nil {
		return err
	}
	*d = *m
	return nil
}

// conditionsLookBack refuses an order in which a condition points forward.
func (d *Definition) conditionsLookBack() error {
	seen := map[string]bool{}
	for _, it := range d.Items() {
		if it.ShowIf != nil && !seen[it.ShowIf.Item] {
			return apperr.New(apperr.Conflict, "survey.error.condition_order")
		}
		seen[it.ID] = true
	}
	return nil
}

// SetDimensions replaces the dimension list: entries with a known key are
// renamed, entries without a key are added with a new one, and dimensions
// left out are removed (their items keep their answers but no longer count
// toward a score).
func (d *Definition) SetDimensions(dims []Dimension) error {
	if len(dims) > MaxDimensions {
		f := apperr.Fields{}
		f.Add("dimensions", "survey.error.too_many_dimensions", "max", MaxDimensions)
		return f.Err()
	}
	var out []Dimension
	keep := map[string]bool{}
	for _, dm := range dims {
		if dm.Key == "" {
			dm.Key = d.nextID("d")
		} else if _, ok := d.Dimension(dm.Key); !ok {
			return apperr.New(apperr.NotFound, "survey.error.no_such_item")
		}
		keep[dm.Key] = true
		out = append(out, dm)
	}
	d.Dimensions = out
	for _, it := range d.Items() {
		if it.Dimension != "" && !keep[it.Dimension] {
			it.Dimension = ""
		}
	}
	return nil
}
