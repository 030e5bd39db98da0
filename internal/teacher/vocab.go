// Package teacher owns the controlled vocabulary that describes a teacher:
// subjects, grade bands, professional titles and genders. Profiles, the
// roster import and the research module all group people by these values, so
// they are stored as canonical keys and never as free text; this package
// maps what people type (Chinese or English, official or colloquial) to
// those keys. It does no I/O and depends only on the standard library.
package teacher

import (
	"slices"
	"strings"
	"unicode"
)

// The kinds of vocabulary; each is also the prefix of its terms' message keys
// (subject.math, grade_band.junior, title.senior, gender.female).
const (
	KindSubject   = "subject"
	KindGradeBand = "grade_band"
	KindTitle     = "title"
	KindGender    = "gender"
)

// Term is one canonical value: Key is what gets stored, ZH and EN are the
// display names (the message catalogues hold the same text under
// MessageKey), and Aliases are further spellings accepted on input.
type Term struct {
	Kind    string
	Key     string
	ZH      string
	EN      string
	Aliases []string
}

// MessageKey is the catalogue key holding the term's display name.
func (t Term) MessageKey() string { return t.Kind + "." + t.Key }

// Subjects lists the school subjects of the Chinese primary and secondary
// curriculum in the order forms should offer them.
func Subjects() []Term { return cloneTerms(subjects.terms) }

// GradeBands lists the school stages a teacher can teach in.
func GradeBands() []Term { return cloneTerms(gradeBands.terms) }

// Titles lists the professional titles of primary and secondary teachers
// (中小学教师职称, unified in 2015), lowest first.
func Titles() []Term { return cloneTerms(titles.terms) }

// Genders lists the genders a profile may record; an empty value means
// "not stated" and is not a term.
func Genders() []Term { return cloneTerms(genders.terms) }

// ParseSubject maps one typed subject name to its key.
func ParseSubject(s string) (string, bool) { return subjects.parse(s) }

// ParseGradeBand maps a typed grade band to its key.
func ParseGradeBand(s string) (string, bool) { return gradeBands.parse(s) }

// ParseTitle maps a typed professional title to its key; titles from before
// the 2015 reform (中学高级教师, 小学高级教师 ...) map to the title that
// replaced them.
func ParseTitle(s string) (string, bool) { return titles.parse(s) }

// ParseGender maps a typed gender to its key; blank input is not a gender and
// reports false, callers decide whether blank is allowed.
func ParseGender(s string) (string, bool) { return genders.parse(s) }

// Lookup finds a term by kind and canonical key, for display and for
// validating keys submitted by forms.
func Lookup(kind, key string) (Term, bool) {
	v := vocabularyOf(kind)
	if v == nil {
		return Term{}, false
	}
	i := slices.IndexFunc(v.terms, func(t Term) bool { return t.Key == key })
	if i < 0 {
		return Term{}, false
	}
	return cloneTerm(v.terms[i]), true
}

// subjectSeparators are the characters people put between several subjects
// in one cell or field: Chinese and ASCII commas, enumeration commas,
// semicolons and slashes. Whitespace separates too, but only where it does
// not belong to a multi-word English name such as "Physical Education".
const subjectSeparators = "、,，;；/／|"

// ParseSubjectList splits a list of subjects such as "语文、数学" or
// "Math Physical Education" into keys in the order given, without
// duplicates; unknown holds every part that is not a subject.
func ParseSubjectList(s string) (keys, unknown []string) {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return strings.ContainsRune(subjectSeparators, r)
	})
	add := func(k string) {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	for _, part := range parts {
		if strings.TrimFunc(part, isSpace) == "" {
			continue
		}
		if k, ok := subjects.parse(part); ok {
			add(k)
			continue
		}
		words := strings.FieldsFunc(part, isSpace)
		// Longest match first from each position, so "physical education"
		// wins over an unknown "physical".
		for i := 0; i < len(words); {
			j := len(words)
			for ; j > i; j-- {
				if k, ok := subjects.parse(strings.Join(words[i:j], " ")); ok {
					add(k)
					break
				}
			}
			if j == i {
				unknown = append(unknown, words[i])
				j = i + 1
			}
			i = j
		}
	}
	return keys, unknown
}

// vocabulary is an immutable term list with an index from normalised
// spellings to keys, built once at package initialisation.
type vocabulary struct {
	terms []Term
	index map[string]string
}

func newVocabulary(kind string, terms []Term) *vocabulary {
	v := &vocabulary{terms: terms, index: make(map[string]string)}
	for i := range v.terms {
		t := &v.terms[i]
		t.Kind = kind
		for _, s := range append([]string{t.Key, t.ZH, t.EN}, t.Aliases...) {
			v.index[normalize(s)] = t.Key
		}
	}
	return v
}

func (v *vocabulary) parse(s string) (string, bool) {
	n := normalize(s)
	if n == "" {
		return "", false
	}
	k, ok := v.index[n]
	return k, ok
}

func vocabularyOf(kind string) *vocabulary {
	switch kind {
	case KindSubject:
		return subjects
	case KindGradeBand:
		return gradeBands
	case KindTitle:
		return titles
	case KindGender:
		return genders
	}
	return nil
}

// normalize folds what varies between people typing the same term: letter
// case, full-width forms from Chinese input methods, spaces, and the
// punctuation in "P.E." or "information_technology".
func normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		r = foldWidth(r)
		if isSpace(r) || r == '.' || r == '_' || r == '-' || r == '·' {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// foldWidth maps full-width ASCII variants (Ａ, １, ＿) to their ASCII form.
func foldWidth(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		return r - 0xFEE0
	}
	return r
}

// isSpace also treats the zero-width characters that spreadsheets and web
// pages leave behind as space.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200B' || r == '\uFEFF'
}

func cloneTerms(ts []Term) []Term {
	out := make([]Term, len(ts))
	for i, t := range ts {
		out[i] = cloneTerm(t)
	}
	return out
}

func cloneTerm(t Term) Term {
	t.Aliases = slices.Clone(t.Aliases)
	return t
}
