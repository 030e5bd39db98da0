package survey

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

// Kind is what sort of question an item asks.
type Kind string

// The item kinds.
const (
	Single      Kind = "single"      // one option (with an optional "other, please specify")
	Multiple    Kind = "multiple"    // several options (with an optional "other, please specify")
	Likert      Kind = "likert"      // a point on an agreement scale, optionally in a dimension
	Matrix      Kind = "matrix"      // rows × shared options, one choice per row
	Number      Kind = "number"      // a number within an optional range
	Text        Kind = "text"        // open text
	Demographic Kind = "demographic" // gender, years of teaching, title ... prefilled from the profile
)

// Kinds lists the kinds in the order the builder offers them.
var Kinds = []Kind{Single, Multiple, Likert, Matrix, Number, Text, Demographic}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Choice reports whether answers of the kind are option codes, so that
// show-if conditions and filters can test them.
func (k Kind) Choice() bool { return k == Single || k == Multiple || k == Likert || k == Demographic }

// OtherCode is the code of the "other, please specify" answer of a choice
// item; option codes stay below it.
const OtherCode = 99

// Limits that keep a definition, a form and an export reasonable.
const (
	MaxSections        = 30
	MaxItems           = 300
	MaxOptions         = 50
	MaxRows            = 50
	MaxDimensions      = 30
	MaxItemText        = 500
	MaxHelp            = 1000
	MaxOptionLabel     = 200
	MaxSectionTitle    = 200
	MaxSectionIntro    = 2000
	MaxAnswerText      = 5000 // an open answer
	MaxOtherText       = 200  // an "other, please specify" answer
	MaxNumberText      = 32
	MaxNumberMagnitude = 1e12
	MinScale           = 2
	MaxScale           = 11
	MaxDefinitionJSON  = 512 << 10
	// MaxVariables caps the export's columns (matrix rows, one 0/1
	// variable per option of a multiple choice, "other" texts, scores):
	// items and options alone allow 300 × 50, which no analysis package
	// opens comfortably and which would make exports huge.
	MaxVariables = 2000
)

// Option is one answer of a choice, Likert or matrix item. Value is the
// code stored and exported; labels are the value labels of the codebook.
type Option struct {
	Value   int    `json:"value"`
	Label   string `json:"label"`
	LabelEN string `json:"label_en,omitempty"`
}

// Row is one row of a matrix item.
type Row struct {
	ID      string `json:"id"`
	Label   string `json:"label"`
	LabelEN string `json:"label_en,omitempty"`
}

// Condition shows an item only when an earlier choice item's answer is one
// of Values (a single value reads "equals", several read "is one of"). For
// a multiple-choice item, choosing any of Values satisfies it.
type Condition struct {
	Item   string `json:"item"`
	Values []int  `json:"values"`
}

// Item is one question. Which fields matter depends on Kind.
type Item struct {
	ID       string `json:"id"`
	Kind     Kind   `json:"kind"`
	Text     string `json:"text"`
	TextEN   string `json:"text_en,omitempty"` // English label for the codebook and English readers
	Help     string `json:"help,omitempty"`
	Required bool   `json:"required,omitempty"`
	// Var overrides the export variable name (Q<position> by default).
	Var string `json:"var,omitempty"`
	// Options: single, multiple, matrix (columns), Likert (anchors,
	// 1..Scale) and demographic (generated from the vocabulary).
	Options []Option `json:"options,omitempty"`
	// Other adds "other, please specify" (code OtherCode) to single and
	// multiple choice.
	Other bool `json:"other,omitempty"`
	// MaxChoices bounds a multiple choice; 0 = no bound.
	MaxChoices int `json:"max_choices,omitempty"`
	// Likert: the number of points, the dimension key, and whether the
	// item is reverse-scored (scored Scale+1−x in dimension scores).
	Scale     int    `json:"scale,omitempty"`
	Dimension string `json:"dimension,omitempty"`
	Reverse   bool   `json:"reverse,omitempty"`
	// Matrix rows.
	Rows []Row `json:"rows,omitempty"`
	// Number range and whether only whole numbers are accepted.
	Min     *float64 `json:"min,omitempty"`
	Max     *float64 `json:"max,omitempty"`
	Integer bool     `json:"integer,omitempty"`
	// Text: a multi-line box and a length bound (0 = MaxAnswerText).
	Multiline bool `json:"multiline,omitempty"`
	MaxLength int  `json:"max_length,omitempty"`
	// Demographic: the profile field asked about, and whether the form
	// starts with the person's profile value.
	Field   Field `json:"field,omitempty"`
	Prefill bool  `json:"prefill,omitempty"`
	// ShowIf hides the item unless the condition holds.
	ShowIf *Condition `json:"show_if,omitempty"`
}

// Section groups items under a heading.
type Section struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	TitleEN string `json:"title_en,omitempty"`
	Intro   string `json:"intro,omitempty"`
	Items   []Item `json:"items"`
}

// Dimension is a named scale made of Likert items; its score is the mean
// of its answered items after reverse coding.
type Dimension struct {
	Key    string `json:"key"`
	Name   string `json:"name"`
	NameEN string `json:"name_en,omitempty"`
}

// Definition is a questionnaire's content. Seq numbers new sections, items
// and rows so that IDs are never reused within a questionnaire.
type Definition struct {
	Version    int         `json:"version"`
	Seq        int         `json:"seq"`
	Sections   []Section   `json:"sections"`
	Dimensions []Dimension `json:"dimensions,omitempty"`
}

// CurrentVersion is the definition format written today.
const CurrentVersion = 1

// Parse reads a definition from JSON, refusing oversized input.
func Parse(b []byte) (*Definition, error) {
	if len(b) > MaxDefinitionJSON {
		return nil, apperr.New(apperr.TooLarge, "survey.error.definition_too_large")
	}
	var d Definition
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, apperr.Wrap(apperr.Invalid, "survey.error.definition_invalid", err)
	}
	return &d, nil
}

// JSON encodes the definition for storage.
func (d *Definition) JSON() ([]byte, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode survey definition: %w", err)
	}
	if len(b) > MaxDefinitionJSON {
		return nil, apperr.New(apperr.TooLarge, "survey.error.definition_too_large")
	}
	return b, nil
}

// Clone returns a deep copy, for duplicating a questionnaire and for
// editing without touching the original.
func (d *Definition) Clone() *Definition {
	b, err := json.Marshal(d)
	if err != nil {
		panic(fmt.Sprintf("clone survey definition: %v", err)) // plain data always encodes
	}
	var out Definition
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("clone survey definition: %v", err))
	}
	return &out
}

// Items returns every item in order, across sections.
func (d *Definition) Items() []*Item {
	var out []*Item
	for si := range d.Sections {
		for ii := range d.Sections[si].Items {
			out = append(out, &d.Sections[si].Items[ii])
		}
	}
	return out
}

// Item finds an item by ID.
func (d *Definition) Item(id string) (*Item, bool) {
	for _, it := range d.Items() {
		if it.ID == id {
			return it, true
		}
	}
	return nil, false
}

// Dimension finds a dimension by key.
func (d *Definition) Dimension(key string) (*Dimension, bool) {
	for i := range d.Dimensions {
		if d.Dimensions[i].Key == key {
			return &d.Dimensions[i], true
		}
	}
	return nil, false
}

// DimensionItems lists the Likert items of a dimension in order.
func (d *Definition) DimensionItems(key string) []*Item {
	var out []*Item
	for _, it := range d.Items() {
		if it.Kind == Likert && it.Dimension == key {
			out = append(out, it)
		}
	}
	return out
}

// Text returns an option's label in lang ("en" uses the English
// label when there is one).
func (o Option) Text(lang string) string {
	if lang == "en" && o.LabelEN != "" {
		return o.LabelEN
	}
	return o.Label
}

// Label returns the item's text in lang.
func (it *Item) Label(lang string) string {
	if lang == "en" && it.TextEN != "" {
		return it.TextEN
	}
	return it.Text
}

// Text returns the row's label in lang.
func (r Row) Text(lang string) string {
	if lang == "en" && r.LabelEN != "" {
		return r.LabelEN
	}
	return r.Label
}

// Label returns the section's title in lang.
func (s *Section) Label(lang string) string {
	if lang == "en" && s.TitleEN != "" {
		return s.TitleEN
	}
	return s.Title
}

// Label returns the dimension's name in lang.
func (dm Dimension) Label(lang string) string {
	if lang == "en" && dm.NameEN != "" {
		return dm.NameEN
	}
	return dm.Name
}

// HasOption reports whether v is a code the item accepts.
func (it *Item) HasOption(v int) bool {
	if v == OtherCode && it.Other && (it.Kind == Single || it.Kind == Multiple) {
		return true
	}
	return slices.ContainsFunc(it.Options, func(o Option) bool { return o.Value == v })
}

// OptionByValue finds an option, the "other" option included.
func (it *Item) OptionByValue(v int) (Option, bool) {
	for _, o := range it.AllOptions() {
		if o.Value == v {
			return o, true
		}
	}
	return Option{}, false
}

// AllOptions lists the options with "other, please specify" last when the
// item has it; these are the value labels of the item's code variable.
func (it *Item) AllOptions() []Option {
	if !it.Other || (it.Kind != Single && it.Kind != Multiple) {
		return it.Options
	}
	return append(slices.Clone(it.Options), Option{Value: OtherCode, Label: "其他", LabelEN: "Other"})
}

var keyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
var varRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,31}$`)

// ValidKey reports whether s can be an item, section, row or dimension key.
func ValidKey(s string) bool { return keyRE.MatchString(s) }

// Normalize trims texts and fills what the definition derives: Likert
// anchors when missing, demographic options from the vocabulary, the
// version. Validate calls it first.
func (d *Definition) Normalize() {
	if d.Version == 0 {
		d.Version = CurrentVersion
	}
	for i := range d.Dimensions {
		dm := &d.Dimensions[i]
		dm.Name, dm.NameEN = strings.TrimSpace(dm.Name), strings.TrimSpace(dm.NameEN)
	}
	for si := range d.Sections {
		s := &d.Sections[si]
		s.Title, s.TitleEN, s.Intro = strings.TrimSpace(s.Title), strings.TrimSpace(s.TitleEN), strings.TrimSpace(s.Intro)
		for ii := range s.Items {
			s.Items[ii].normalize()
		}
	}
}

func (it *Item) normalize() {
	it.Text, it.TextEN, it.Help = strings.TrimSpace(it.Text), strings.TrimSpace(it.TextEN), strings.TrimSpace(it.Help)
	it.Var = strings.TrimSpace(it.Var)
	for i := range it.Options {
		o := &it.Options[i]
		o.Label, o.LabelEN = strings.TrimSpace(o.Label), strings.TrimSpace(o.LabelEN)
	}
	for i := range it.Rows {
		r := &it.Rows[i]
		r.Label, r.LabelEN = strings.TrimSpace(r.Label), strings.TrimSpace(r.LabelEN)
	}
	switch it.Kind {
	case Likert:
		if it.Scale == 0 {
			it.Scale = 5
		}
		if it.Scale >= MinScale && it.Scale <= MaxScale && !anchorsFit(it.Options, it.Scale) {
			it.Options = DefaultAnchors(it.Scale)
		}
	case Demographic:
		if opts, ok := FieldOptions(it.Field); ok {
			it.Options = opts
		}
	}
	if it.Kind != Single && it.Kind != Multiple {
		it.Other = false
	}
	if it.Kind != Likert {
		it.Dimension, it.Reverse, it.Scale = "", false, 0
	}
	if it.Kind != Matrix {
		it.Rows = nil
	}
	if it.Kind != Number {
		it.Min, it.Max, it.Integer = nil, nil, false
	}
	if it.Kind != Text {
		it.Multiline, it.MaxLength = false, 0
	}
	if it.Kind != Demographic {
		it.Field, it.Prefill = "", false
	}
	if it.Kind != Multiple {
		it.MaxChoices = 0
	}
	if it.Kind == Number || it.Kind == Text {
		it.Options = nil
	}
	if it.ShowIf != nil && it.ShowIf.Item == "" {
		it.ShowIf = nil
	}
}

// anchorsFit reports whether Likert options are exactly the codes 1..scale.
func anchorsFit(opts []Option, scale int) bool {
	if len(opts) != scale {
		return false
	}
	for i, o := range opts {
		if o.Value != i+1 || o.Label == "" {
			return false
		}
	}
	return true
}

// DefaultAnchors returns agreement anchors for a Likert scale: worded
// labels for 3 to 7 points, numbered ones with worded ends otherwise.
func DefaultAnchors(scale int) []Option {
	words := map[int][][2]string{
		3: {{"不同意", "Disagree"}, {"一般", "Neutral"}, {"同意", "Agree"}},
		4: {{"非常不同意", "Strongly disagree"}, {"不同意", "Disagree"}, {"同意", "Agree"}, {"非常同意", "Strongly agree"}},
		5: {{"非常不同意", "Strongly disagree"}, {"不同意", "Disagree"}, {"一般", "Neutral"}, {"同意", "Agree"},
			{"非常同意", "Strongly agree"}},
		6: {{"非常不同意", "Strongly disagree"}, {"不同意", "Disagree"}, {"有点不同意", "Slightly disagree"},
			{"有点同意", "Slightly agree"}, {"同意", "Agree"}, {"非常同意", "Strongly agree"}},
		7: {{"非常不同意", "Strongly disagree"}, {"不同意", "Disagree"}, {"有点不同意", "Slightly disagree"},
			{"一般", "Neutral"}, {"有点同意", "Slightly agree"}, {"同意", "Agree"}, {"非常同意", "Strongly agree"}},
	}
	out := make([]Option, scale)
	if w, ok := words[scale]; ok {
		for i := range out {
			out[i] = Option{Value: i + 1, Label: w[i][0], LabelEN: w[i][1]}
		}
		return out
	}
	for i := range out {
		n := fmt.Sprint(i + 1)
		out[i] = Option{Value: i + 1, Label: n, LabelEN: n}
	}
	if scale >= 2 {
		out[0] = Option{Value: 1, Label: "1 非常不同意", LabelEN: "1 Strongly disagree"}
		out[scale-1] = Option{Value: scale, Label: fmt.Sprintf("%d 非常同意", scale), LabelEN: fmt.Sprintf("%d Strongly agree", scale)}
	}
	return out
}

// Reversed scores a Likert answer in the opposite direction.
func Reversed(v, scale int) int { return scale + 1 - v }
