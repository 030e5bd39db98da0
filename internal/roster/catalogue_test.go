package roster

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var langs = []string{"zh-CN", "en"}

func loadCatalogue(t *testing.T, lang string) map[string]string {
	t.Helper()
	path := filepath.Join("..", "i18n", "locales", lang, "roster.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cat map[string]string
	if err := json.Unmarshal(data, &cat); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return cat
}

// usedKeys finds every message key in the package's source, so a code
// added without a translation fails here rather than on a user's screen.
func usedKeys(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || !strings.HasPrefix(s, "roster.") {
				return true
			}
			if s == ColumnMessageKey("") {
				for _, c := range ColumnKeys() {
					keys = append(keys, ColumnMessageKey(c))
				}
			} else {
				keys = append(keys, s)
			}
			return true
		})
	}
	if len(keys) < 20 {
		t.Fatalf("found only %d keys; is the scan broken?", len(keys))
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

var placeholderRE = regexp.MustCompile(`\{[a-z_]+\}`)

func TestCatalogues(t *testing.T) {
	used := usedKeys(t)
	cats := map[string]map[string]string{}
	for _, lang := range langs {
		cats[lang] = loadCatalogue(t, lang)
	}
	for _, lang := range langs {
		cat := cats[lang]
		for _, k := range used {
			if strings.TrimSpace(cat[k]) == "" {
				t.Errorf("%s: %s is missing or empty", lang, k)
			}
		}
		for k := range cat {
			if !slices.Contains(used, k) {
				t.Errorf("%s: %s is not used by package roster", lang, k)
			}
		}
	}
	// Both languages must fill the same placeholders.
	for _, k := range used {
		zh := placeholderRE.FindAllString(cats["zh-CN"][k], -1)
		en := placeholderRE.FindAllString(cats["en"][k], -1)
		slices.Sort(zh)
		slices.Sort(en)
		if !slices.Equal(zh, en) {
			t.Errorf("%s: placeholders differ: zh-CN %v, en %v", k, zh, en)
		}
	}
}

// TestColumnNamesAreHeaders makes sure a template written with the
// displayed column names, in either language, imports.
func TestColumnNamesAreHeaders(t *testing.T) {
	for _, lang := range langs {
		cat := loadCatalogue(t, lang)
		for _, key := range ColumnKeys() {
			name := cat[ColumnMessageKey(key)]
			if got, ok := lookupHeader(name); !ok || got != key {
				t.Errorf("%s: column name %q is read as %q", lang, name, got)
			}
		}
	}
}

// TestRowErrorArgsHavePlaceholders checks that each row error's message
// mentions every argument the parser supplies, on a file that triggers them.
func TestRowErrorArgsHavePlaceholders(t *testing.T) {
	s := parseString(t, fullHeader+
		"1,ab,,x,天文,大学,特级,99,bad\n"+
		"1,ab,"+strings.Repeat("名", 300)+",,,,,,\n"+
		"教 1,,张三,,,,,,\n"+
		"教1,,李四,,,,,,\n"+
		",,王五,,,,,,\n"+
		"2,zhangsan,赵六,,,,,,\n"+
		"3,zhangsan,孙七,,,,,,\n"+
		"2,,周八,,,,,,\n")
	seen := map[string]bool{}
	for _, lang := range langs {
		cat := loadCatalogue(t, lang)
		for _, e := range s.Errors {
			seen[e.Code] = true
			msg := cat[e.Code]
			for arg := range e.Args {
				if !strings.Contains(msg, "{"+arg+"}") {
					t.Errorf("%s: %s is given {%s} but does not show it", lang, e.Code, arg)
				}
			}
			for _, p := range placeholderRE.FindAllString(msg, -1) {
				if _, ok := e.Args[strings.Trim(p, "{}")]; !ok {
					t.Errorf("%s: %s shows %s but is not given it", lang, e.Code, p)
				}
			}
		}
	}
	for _, code := range []string{ErrNameRequired, ErrIdentityRequired, ErrTooLong, ErrUsernameInvalid, ErrUsernameDerived,
		ErrGenderInvalid, ErrSubjectUnknown, ErrGradeBandInvalid, ErrTitleInvalid, ErrYearsInvalid, ErrEmailInvalid,
		ErrStaffNoInvalid, ErrDuplicateUsername, ErrDuplicateStaffNo} {
		if !seen[code] {
			t.Errorf("the test file did not trigger %s", code)
		}
	}
}
