package survey

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

// Answer is the answer to one item; which field is used depends on the
// item's kind. JSON keys are short because a district survey stores
// hundreds of thousands of them.
type Answer struct {
	// Choice is the option code of a single choice, Likert or demographic
	// item (OtherCode for "other").
	Choice int `json:"c,omitempty"`
	// Choices are the option codes of a multiple choice.
	Choices []int `json:"m,omitempty"`
	// Rows maps matrix row IDs to option codes.
	Rows map[string]int `json:"r,omitempty"`
	// Number is a number as typed (normalised decimal text), kept as text
	// so the statistics engine can read it exactly.
	Number string `json:"n,omitempty"`
	// Text is an open answer, or what "other, please specify" specifies.
	Text string `json:"t,omitempty"`
}

// Answers maps item IDs to answers.
type Answers map[string]Answer

// MaxAnswersJSON bounds a stored response.
const MaxAnswersJSON = 256 << 10

// ParseAnswers reads stored answers.
func ParseAnswers(b []byte) (Answers, error) {
	a := Answers{}
	if len(b) == 0 {
		return a, nil
	}
	if len(b) > MaxAnswersJSON {
		return nil, apperr.New(apperr.TooLarge, "survey.error.response_too_large")
	}
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, apperr.Wrap(apperr.Invalid, "form.invalid", err)
	}
	return a, nil
}

// JSON encodes answers for storage.
func (a Answers) JSON() ([]byte, error) {
	b, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	if len(b) > MaxAnswersJSON {
		return nil, apperr.New(apperr.TooLarge, "survey.error.response_too_large")
	}
	return b, nil
}

// empty reports whether an answer says nothing for an item of kind k.
func (a Answer) empty(k Kind) bool {
	switch k {
	case Single, Likert, Demographic:
		return a.Choice == 0
	case Multiple:
		return len(a.Choices) == 0
	case Matrix:
		return len(a.Rows) == 0
	case Number:
		return a.Number == ""
	case Text:
		return a.Text == ""
	}
	return true
}

// Selected reports whether code v is among the answer's choices (for any
// choice kind), which is what conditions and filters test.
func (a Answer) Selected(v int) bool {
	return a.Choice == v || slices.Contains(a.Choices, v)
}

// Visible tells which items a respondent sees given their answers: an item
// with a condition shows only when the item it depends on is visible and
// answered with one of the condition's codes. Conditions look back only
// (Validate enforces it), so one pass in order settles everything.
func Visible(d *Definition, a Answers) map[string]bool {
	vis := map[string]bool{}
	for _, it := range d.Items() {
		c := it.ShowIf
		if c == nil {
			vis[it.ID] = true
			continue
		}
		ans, ok := a[c.Item]
		vis[it.ID] = ok && vis[c.Item] && slices.ContainsFunc(c.Values, ans.Selected)
	}
	return vis
}

// Check validates answers against the definition and returns them cleaned:
// answers to hidden or unknown items are dropped (a respondent who changed
// their mind leaves no stale answers behind), texts trimmed, numbers
// normalised. With final set, required visible items must be answered.
// Field errors are keyed by item ID.
func Check(d *Definition, a Answers, final bool) (Answers, error) {
	vis := Visible(d, a)
	out := Answers{}
	f := apperr.Fields{}
	for _, it := range d.Items() {
		if !vis[it.ID] {
			continue
		}
		ans, ok := a[it.ID]
		if ok {
			var key string
			var args []any
			ans, key, args = checkAnswer(it, ans, final)
			if key != "" {
				f.Add(it.ID, key, args...)
				continue
			}
		}
		if ans.empty(it.Kind) {
			if final && it.Required {
				f.Add(it.ID, "survey.error.answer_required")
			}
			continue
		}
		out[it.ID] = ans
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// checkAnswer validates and normalises one answer, returning a message key
// when it is unacceptable.
func checkAnswer(it *Item, a Answer, final bool) (Answer, string, []any) {
	var out Answer
	switch it.Kind {
	case Single, Likert, Demographic:
		if a.Choice == 0 {
			return out, "", nil
		}
		if !it.HasOption(a.Choice) {
			return out, "form.invalid_choice", nil
		}
		out.Choice = a.Choice
		if a.Choice == OtherCode {
			t, key, args := otherText(a.Text, final)
			if key != "" {
				return out, key, args
			}
			out.Text = t
		}
	case Multiple:
		seen := map[int]bool{}
		for _, v := range a.Choices {
			if !it.HasOption(v) {
				return out, "form.invalid_choice", nil
			}
			if !seen[v] {
				seen[v] = true
				out.Choices = append(out.Choices, v)
			}
		}
		slices.Sort(out.Choices)
		if it.MaxChoices > 0 && len(out.Choices) > it.MaxChoices {
			return out, "survey.error.too_many_choices", []any{"max", it.MaxChoices}
		}
		if seen[OtherCode] {
			t, key, args := otherText(a.Text, final)
			if key != "" {
				return out, key, args
			}
			out.Text = t
		}
	case Matrix:
		for id, v := range a.Rows {
			if v == 0 {
				continue
			}
			if !slices.ContainsFunc(it.Rows, func(r Row) bool { return r.ID == id }) || !it.HasOption(v) {
				return out, "form.invalid_choice", nil
			}
			if out.Rows == nil {
				out.Rows = map[string]int{}
			}
			out.Rows[id] = v
		}
		if final && it.Required && len(out.Rows) > 0 && len(out.Rows) < len(it.Rows) {
			return out, "survey.error.answer_every_row", nil
		}
	case Number:
		s := strings.TrimSpace(a.Number)
		if s == "" {
			return out, "", nil
		}
		n, key, args := checkNumber(it, s)
		if key != "" {
			return out, key, args
		}
		out.Number = n
	case Text:
		t := strings.TrimSpace(strings.ReplaceAll(a.Text, "\r\n", "\n"))
		limit := it.MaxLength
		if limit == 0 {
			limit = MaxAnswerText
		}
		if utf8.RuneCountInString(t) > limit {
			return out, "form.too_long", []any{"max", limit}
		}
		if !utf8.ValidString(t) {
			return out, "form.invalid", nil
		}
		out.Text = t
	}
	return out, "", nil
}

func otherText(s string, final bool) (string, string, []any) {
	t := strings.TrimSpace(s)
	switch {
	case utf8.RuneCountInString(t) > MaxOtherText:
		return "", "form.too_long", []any{"max", MaxOtherText}
	case !utf8.ValidString(t):
		return "", "form.invalid", nil
	case t == "" && final:
		return "", "survey.error.specify_other", nil
	}
	return t, "", nil
}

// checkNumber parses typed numbers (full-width digits and a Chinese comma
// as decimal point are common on phones) into canonical decimal text.
func checkNumber(it *Item, s string) (string, string, []any) {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '．' || r == '。':
			return '.'
		case r == '－':
			return '-'
		case r == ',' || r == '，' || r == ' ':
			return -1 // thousands separators
		}
		return r
	}, s)
	if len(s) > MaxNumberText {
		return "", "form.invalid_number", nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || strings.ContainsAny(s, "eExXpP_") ||
		math.Abs(v) > MaxNumberMagnitude {
		return "", "form.invalid_number", nil
	}
	if it.Integer && v != math.Trunc(v) {
		return "", "survey.error.whole_number", nil
	}
	if (it.Min != nil && v < *it.Min) || (it.Max != nil && v > *it.Max) {
		lo, hi := "", ""
		if it.Min != nil {
			lo = strconv.FormatFloat(*it.Min, 'f', -1, 64)
		}
		if it.Max != nil {
			hi = strconv.FormatFloat(*it.Max, 'f', -1, 64)
		}
		switch {
		case it.Min != nil && it.Max != nil:
			return "", "form.out_of_range", []any{"min", lo, "max", hi}
		case it.Min != nil:
			return "", "survey.error.at_least", []any{"min", lo}
		default:
			return "", "survey.error.at_most", []any{"max", hi}
		}
	}
	// Canonical text: no leading "+", no trailing zeros after the point.
	s = strings.TrimPrefix(s, "+")
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	switch {
	case strings.HasPrefix(s, "."):
		s = "0" + s
	case strings.HasPrefix(s, "-."):
		s = "-0" + s[1:]
	}
	if s == "-0" || s == "" {
		s = "0"
	}
	return s, "", nil
}
