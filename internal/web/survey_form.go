package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/yanxiu/yanxiu/internal/survey"
)

// Reading the questionnaire forms: the builder's item form (options and
// rows one per line, "中文 | English") and a respondent's answers. Junk in
// either never fails the request: it becomes a value the domain's
// validation refuses with a field error.

// maxSurveyFormLines bounds the lines read from an options or rows box.
const maxSurveyFormLines = survey.MaxOptions + 10

// surveyLines splits a box into labelled lines: "label" or "label | English".
func surveyLines(text string) [][2]string {
	var out [][2]string
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		zh, en, _ := strings.Cut(line, "|")
		out = append(out, [2]string{clip(strings.TrimSpace(zh), survey.MaxOptionLabel+1), clip(strings.TrimSpace(en), survey.MaxOptionLabel+1)})
		if len(out) > maxSurveyFormLines {
			break
		}
	}
	return out
}

// surveyOptionLines writes options back into a box.
func surveyOptionLines(opts []survey.Option) string {
	var b strings.Builder
	for _, o := range opts {
		b.WriteString(o.Label)
		if o.LabelEN != "" {
			b.WriteString(" | " + o.LabelEN)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func surveyRowLines(rows []survey.Row) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(r.Label)
		if r.LabelEN != "" {
			b.WriteString(" | " + r.LabelEN)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func surveyOptionsFrom(text string) []survey.Option {
	var out []survey.Option
	for i, l := range surveyLines(text) {
		out = append(out, survey.Option{Value: i + 1, Label: l[0], LabelEN: l[1]})
	}
	return out
}

func surveyRowsFrom(text string) []survey.Row {
	var out []survey.Row
	for i, l := range surveyLines(text) {
		out = append(out, survey.Row{ID: "r" + strconv.Itoa(i+1), Label: l[0], LabelEN: l[1]})
	}
	return out
}

// surveyAtoi parses a small integer form value; junk gives bad.
func surveyAtoi(s string, empty, bad int) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return empty
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < -1_000_000 || n > 1_000_000 {
		return bad
	}
	return n
}

// surveyItemForm is the builder's item form as typed, for re-showing it.
type surveyItemForm struct {
	Options, Rows, Min, Max string
}

// parseItemForm reads the item form over the item being edited (its ID
// and kind stay). Bad numbers become out-of-range values the domain refuses.
func parseItemForm(r *http.Request, orig survey.Item) (survey.Item, surveyItemForm, string) {
	it := orig
	it.Text = clip(r.PostFormValue("text"), survey.MaxItemText+1)
	it.TextEN = clip(r.PostFormValue("text_en"), survey.MaxItemText+1)
	it.Help = clip(r.PostFormValue("help"), survey.MaxHelp+1)
	it.Required = r.PostFormValue("required") != ""
	it.Var = clip(strings.TrimSpace(r.PostFormValue("var")), 40)
	form := surveyItemForm{Options: r.PostFormValue("options"), Rows: r.PostFormValue("rows"),
		Min: clip(r.PostFormValue("min"), 40), Max: clip(r.PostFormValue("max"), 40)}
	badNumber := ""
	switch it.Kind {
	case survey.Single, survey.Multiple:
		it.Options = surveyOptionsFrom(form.Options)
		it.Other = r.PostFormValue("other") != ""
		if it.Kind == survey.Multiple {
			it.MaxChoices = surveyAtoi(r.PostFormValue("max_choices"), 0, -1)
		}
	case survey.Likert:
		it.Scale = surveyAtoi(r.PostFormValue("scale"), 5, -1)
		it.Dimension = clip(r.PostFormValue("dimension"), 40)
		it.Reverse = r.PostFormValue("reverse") != ""
		it.Options = surveyOptionsFrom(form.Options)
	case survey.Matrix:
		it.Options = surveyOptionsFrom(form.Options)
		it.Rows = surveyRowsFrom(form.Rows)
	case survey.Number:
		it.Integer = r.PostFormValue("integer") != ""
		it.Min, it.Max = nil, nil
		for _, f := range []struct {
			name, text string
			dst        **float64
		}{{"min", form.Min, &it.Min}, {"max", form.Max, &it.Max}} {
			if t := strings.TrimSpace(f.text); t != "" {
				v, err := strconv.ParseFloat(t, 64)
				if err != nil {
					badNumber = f.name
					continue
				}
				*f.dst = &v
			}
		}
	case survey.Text:
		it.Multiline = r.PostFormValue("multiline") != ""
		it.MaxLength = surveyAtoi(r.PostFormValue("max_length"), 0, -1)
	case survey.Demographic:
		it.Field = survey.Field(clip(r.PostFormValue("field"), 32))
		it.Prefill = r.PostFormValue("prefill") != ""
	}
	it.ShowIf = nil
	if ctrl := clip(r.PostFormValue("show_if"), 40); ctrl != "" {
		c := &survey.Condition{Item: ctrl}
		for _, raw := range r.PostForm["show_if_values_"+ctrl] {
			if len(c.Values) > survey.MaxOptions+1 {
				break
			}
			c.Values = append(c.Values, surveyAtoi(raw, -1, -1))
		}
		it.ShowIf = c
	}
	return it, form, badNumber
}

// surveyAnswerField names the form field of an item ("a.q3"), and of a matrix
// row or an "other" text below it ("a.q3.r1", "a.q3.other").
func surveyAnswerField(itemID string, sub ...string) string {
	return strings.Join(append([]string{"a", itemID}, sub...), ".")
}

// parseSurveyAnswers reads a respondent's form into answers. A code that is not
// a number becomes -1, which no option has.
func parseSurveyAnswers(r *http.Request, d *survey.Definition) survey.Answers {
	a := survey.Answers{}
	code := func(s string) int { return surveyAtoi(s, 0, -1) }
	for _, it := range d.Items() {
		name := surveyAnswerField(it.ID)
		var ans survey.Answer
		switch it.Kind {
		case survey.Single, survey.Likert, survey.Demographic:
			ans.Choice = code(r.PostFormValue(name))
			ans.Text = clip(r.PostFormValue(surveyAnswerField(it.ID, "other")), survey.MaxOtherText+1)
		case survey.Multiple:
			for i, v := range r.PostForm[name] {
				if i > survey.MaxOptions {
					break
				}
				if c := code(v); c != 0 {
					ans.Choices = append(ans.Choices, c)
				}
			}
			ans.Text = clip(r.PostFormValue(surveyAnswerField(it.ID, "other")), survey.MaxOtherText+1)
		case survey.Matrix:
			for _, row := range it.Rows {
				if c := code(r.PostFormValue(surveyAnswerField(it.ID, row.ID))); c != 0 {
					if ans.Rows == nil {
						ans.Rows = map[string]int{}
					}
					ans.Rows[row.ID] = c
				}
			}
		case survey.Number:
			ans.Number = clip(r.PostFormValue(name), survey.MaxNumberText+1)
		case survey.Text:
			ans.Text = clip(r.PostFormValue(name), survey.MaxAnswerText+1)
		}
		if ans.Choice != 0 || len(ans.Choices) > 0 || len(ans.Rows) > 0 || strings.TrimSpace(ans.Number) != "" ||
			strings.TrimSpace(ans.Text) != "" {
			a[it.ID] = ans
		}
	}
	return a
}
