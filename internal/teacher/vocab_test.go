package teacher

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name   string
		parse  func(string) (string, bool)
		in     string
		want   string
		wantOK bool
	}{
		{"subject zh", ParseSubject, "数学", "math", true},
		{"subject en", ParseSubject, "Mathematics", "math", true},
		{"subject key", ParseSubject, "math", "math", true},
		{"subject full-width", ParseSubject, "ＭＡＴＨＳ", "math", true},
		{"subject spaces", ParseSubject, " 道德 与 法治 ", "morality_law", true},
		{"subject old name", ParseSubject, "思想品德", "morality_law", true},
		{"subject multiword en", ParseSubject, "physical education", "pe", true},
		{"subject punctuation", ParseSubject, "P.E.", "pe", true},
		{"subject underscore key", ParseSubject, "information_technology", "information_technology", true},
		{"subject unknown", ParseSubject, "天文", "", false},
		{"subject blank", ParseSubject, "  ", "", false},
		{"grade band zh", ParseGradeBand, "初中", "junior", true},
		{"grade band en", ParseGradeBand, "High School", "senior", true},
		{"grade band primary", ParseGradeBand, "primary", "primary", true},
		{"grade band unknown", ParseGradeBand, "大学", "", false},
		{"title zh", ParseTitle, "一级教师", "first", true},
		{"title short", ParseTitle, "正高级", "full_senior", true},
		{"title key", ParseTitle, "senior", "senior", true},
		{"title old secondary", ParseTitle, "中学高级教师", "senior", true},
		{"title old primary senior is first", ParseTitle, "小学高级教师", "first", true},
		{"title old primary first is second", ParseTitle, "小学一级教师", "second", true},
		{"title unrated", ParseTitle, "未定级", "unrated", true},
		{"title honour is not a title", ParseTitle, "特级教师", "", false},
		{"gender zh", ParseGender, "女", "female", true},
		{"gender letter", ParseGender, "m", "male", true},
		{"gender full-width letter", ParseGender, "Ｆ", "female", true},
		{"gender en", ParseGender, "Female", "female", true},
		{"gender blank", ParseGender, "", "", false},
		{"gender unknown", ParseGender, "x", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.parse(tt.in)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("parse(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestParseSubjectList(t *testing.T) {
	tests := []struct {
		in          string
		keys, unkno []string
	}{
		{"语文、数学", []string{"chinese", "math"}, nil},
		{"语文,数学，英语;物理；化学", []string{"chinese", "math", "english", "physics", "chemistry"}, nil},
		{"语文 数学\u3000英语", []string{"chinese", "math", "english"}, nil},
		{"Math Physical Education", []string{"math", "pe"}, nil},
		{"Information Technology, Music", []string{"information_technology", "music"}, nil},
		{"数学、数学、Mathematics", []string{"math"}, nil},
		{"语文/数学", []string{"chinese", "math"}, nil},
		{"语文、天文、数学", []string{"chinese", "math"}, []string{"天文"}},
		{"physical chemistry", []string{"chemistry"}, []string{"physical"}},
		{"、 , ", nil, nil},
		{"", nil, nil},
	}
	for _, tt := range tests {
		keys, unknown := ParseSubjectList(tt.in)
		if !slices.Equal(keys, tt.keys) || !slices.Equal(unknown, tt.unkno) {
			t.Errorf("ParseSubjectList(%q) = %q, %q; want %q, %q", tt.in, keys, unknown, tt.keys, tt.unkno)
		}
	}
}

// TestSpellingsUnambiguous guards against an alias added to one term that
// already means another: the index would silently keep only one of them.
func TestSpellingsUnambiguous(t *testing.T) {
	for _, kind := range []string{KindSubject, KindGradeBand, KindTitle, KindGender} {
		seen := map[string]string{}
		keys := map[string]bool{}
		for _, term := range vocabularyOf(kind).terms {
			if keys[term.Key] {
				t.Errorf("%s: duplicate key %q", kind, term.Key)
			}
			keys[term.Key] = true
			for _, s := range append([]string{term.Key, term.ZH, term.EN}, term.Aliases...) {
				n := normalize(s)
				if n == "" {
					t.Errorf("%s.%s: spelling %q normalises to nothing", kind, term.Key, s)
				}
				if other, ok := seen[n]; ok && other != term.Key {
					t.Errorf("%s: %q means both %s and %s", kind, s, other, term.Key)
				}
				seen[n] = term.Key
			}
		}
	}
}

func TestLookup(t *testing.T) {
	term, ok := Lookup(KindTitle, "senior")
	if !ok || term.ZH != "高级教师" || term.MessageKey() != "title.senior" {
		t.Errorf("Lookup(title, senior) = %+v, %v", term, ok)
	}
	if _, ok := Lookup(KindSubject, "数学"); ok {
		t.Error("Lookup must take keys, not spellings")
	}
	if _, ok := Lookup("planet", "earth"); ok {
		t.Error("Lookup of an unknown kind succeeded")
	}
}

func TestListsAreCopies(t *testing.T) {
	s := Subjects()
	s[0].Key = "changed"
	s[1].Aliases = append(s[1].Aliases[:0], "changed")
	if Subjects()[0].Key == "changed" || slices.Contains(Subjects()[1].Aliases, "changed") {
		t.Error("Subjects exposes the package's own slice")
	}
	if k, _ := ParseSubject("changed"); k != "" {
		t.Error("mutating a returned term changed parsing")
	}
}

// TestCatalogues checks that every term has a display name in every
// language and that it matches the term's own ZH and EN, so that profile
// pages and the import preview never disagree.
func TestCatalogues(t *testing.T) {
	langs := map[string]func(Term) string{
		"zh-CN": func(t Term) string { return t.ZH },
		"en":    func(t Term) string { return t.EN },
	}
	var all []Term
	all = append(all, Subjects()...)
	all = append(all, GradeBands()...)
	all = append(all, Titles()...)
	all = append(all, Genders()...)
	for lang, name := range langs {
		path := filepath.Join("..", "i18n", "locales", lang, "teacher.json")
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var cat map[string]string
		if err := json.Unmarshal(data, &cat); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		want := map[string]bool{}
		for _, term := range all {
			want[term.MessageKey()] = true
			if got := cat[term.MessageKey()]; got != name(term) {
				t.Errorf("%s: %s = %q, want %q", path, term.MessageKey(), got, name(term))
			}
		}
		for k := range cat {
			if !want[k] {
				t.Errorf("%s: key %s names no term", path, k)
			}
		}
	}
}
