package i18n

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// The tests below load the real embedded catalogues, so they guard every
// area file that any package adds under locales/.

func loadEmbedded(t *testing.T) *Catalog {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func TestEveryKeyInEveryLanguage(t *testing.T) {
	c := loadEmbedded(t)
	for _, lang := range Languages() {
		for _, other := range Languages() {
			if lang == other {
				continue
			}
			for _, key := range c.Keys(lang) {
				if !c.Has(other, key) {
					t.Errorf("%s (from %s) has no %s translation", key, c.Source(lang, key), other)
				}
			}
		}
	}
}

func TestNoEmptyValues(t *testing.T) {
	c := loadEmbedded(t)
	for _, lang := range Languages() {
		for _, key := range c.Keys(lang) {
			if strings.TrimSpace(c.T(lang, key)) == "" {
				t.Errorf("%s: %s is empty", c.Source(lang, key), key)
			}
		}
	}
}

func TestPlaceholdersMatchAcrossLanguages(t *testing.T) {
	c := loadEmbedded(t)
	for _, key := range c.Keys(Default) {
		want := Placeholders(c.T(Default, key))
		for _, lang := range Languages()[1:] {
			if !c.Has(lang, key) {
				continue // reported by TestEveryKeyInEveryLanguage
			}
			if got := Placeholders(c.T(lang, key)); !slices.Equal(got, want) {
				t.Errorf("%s: %s has placeholders %v, %s has %v", key, Default, want, lang, got)
			}
		}
	}
}

// A stray brace is almost always a mistyped placeholder ("{max", "{ max}").
func TestNoMalformedPlaceholders(t *testing.T) {
	c := loadEmbedded(t)
	for _, lang := range Languages() {
		for _, key := range c.Keys(lang) {
			text := c.T(lang, key)
			stripped := text
			for _, name := range Placeholders(text) {
				stripped = strings.ReplaceAll(stripped, "{"+name+"}", "")
			}
			if strings.ContainsAny(stripped, "{}") {
				t.Errorf("%s: %s = %q has a brace that is not a {name} placeholder", c.Source(lang, key), key, text)
			}
		}
	}
}

func TestKeysAreFlatDottedLowercase(t *testing.T) {
	c := loadEmbedded(t)
	for _, lang := range Languages() {
		for _, key := range c.Keys(lang) {
			if !validKey(key) {
				t.Errorf("%s: key %q should be dotted lowercase words (a-z, 0-9, _, -)", c.Source(lang, key), key)
			}
		}
	}
}

func validKey(key string) bool {
	if key == "" || strings.HasPrefix(key, ".") || strings.HasSuffix(key, ".") || strings.Contains(key, "..") {
		return false
	}
	for _, r := range key {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
		case r >= 'A' && r <= 'Z' && strings.HasPrefix(key, "lang."): // lang.zh-CN names a tag
		default:
			return false
		}
	}
	return true
}

func TestCommonStrings(t *testing.T) {
	c := loadEmbedded(t)
	tests := []struct {
		lang, key string
		args      []any
		want      string
	}{
		{"zh-CN", "app.name", nil, "研修"},
		{"en", "app.name", nil, "Yanxiu"},
		{"zh-CN", "form.too_long", []any{"max", 200}, "不能超过 200 个字符"},
		{"en", "form.too_long", []any{"max", 200}, "Must be at most 200 characters"},
		{"en", "form.out_of_range", []any{"min", 1, "max", 60}, "Enter a number from 1 to 60"},
	}
	for _, tt := range tests {
		if got := c.T(tt.lang, tt.key, tt.args...); got != tt.want {
			t.Errorf("T(%q, %q, %v) = %q, want %q", tt.lang, tt.key, tt.args, got, tt.want)
		}
	}
}

func testCatalog(t *testing.T) *Catalog {
	t.Helper()
	c, err := LoadFS(fstest.MapFS{
		"zh-CN/a.json": {Data: []byte(`{"greet": "你好，{name}！", "only.zh": "仅中文", "braces": "{a}{b} {a} {not closed"}`)},
		"zh-CN/b.json": {Data: []byte(`{"b.key": "乙"}`)},
		"en/a.json":    {Data: []byte(`{"greet": "Hello, {name}!", "braces": "{a}{b} {a} {not closed"}`)},
		"en/b.json":    {Data: []byte(`{"b.key": "B"}`)},
	})
	if err != nil {
		t.Fatalf("LoadFS: %v", err)
	}
	return c
}

func TestT(t *testing.T) {
	c := testCatalog(t)
	tests := []struct {
		name, lang, key string
		args            []any
		want            string
	}{
		{"chinese", "zh-CN", "greet", []any{"name", "李老师"}, "你好，李老师！"},
		{"english", "en", "greet", []any{"name", "Ms Li"}, "Hello, Ms Li!"},
		{"merged second file", "en", "b.key", nil, "B"},
		{"falls back to default language", "en", "only.zh", nil, "仅中文"},
		{"unknown language uses default", "fr", "b.key", nil, "乙"},
		{"missing key returns key", "en", "no.such.key", nil, "no.such.key"},
		{"placeholder without value kept", "en", "greet", nil, "Hello, {name}!"},
		{"dangling name ignored", "en", "greet", []any{"name"}, "Hello, {name}!"},
		{"unused args ignored", "en", "greet", []any{"other", 1, "name", "Wang"}, "Hello, Wang!"},
		{"repeated and adjacent", "en", "braces", []any{"a", 1, "b", 2}, "12 1 {not closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.T(tt.lang, tt.key, tt.args...); got != tt.want {
				t.Errorf("T = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPrinter(t *testing.T) {
	c := testCatalog(t)
	p := c.Printer("en")
	if p.Lang() != "en" || p.T("greet", "name", "Zhang") != "Hello, Zhang!" {
		t.Errorf("en printer: lang %q, text %q", p.Lang(), p.T("greet", "name", "Zhang"))
	}
	if p := c.Printer("de"); p.Lang() != Default {
		t.Errorf("unsupported language printer has lang %q, want %q", p.Lang(), Default)
	}
}

func TestLoadFSErrors(t *testing.T) {
	ok := func(string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(`{"k": "v"}`)} }
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		wantErr string
	}{
		{"duplicate across files", fstest.MapFS{
			"zh-CN/a.json": ok("zh"), "zh-CN/b.json": {Data: []byte(`{"k": "again"}`)}, "en/a.json": ok("en"),
		}, `key "k" defined in both zh-CN/a.json and zh-CN/b.json`},
		{"duplicate within a file", fstest.MapFS{
			"zh-CN/a.json": {Data: []byte(`{"k": "1", "k": "2"}`)}, "en/a.json": ok("en"),
		}, `key "k" appears twice`},
		{"nested object", fstest.MapFS{
			"zh-CN/a.json": {Data: []byte(`{"k": {"x": "y"}}`)}, "en/a.json": ok("en"),
		}, "not a string"},
		{"not an object", fstest.MapFS{
			"zh-CN/a.json": {Data: []byte(`["k"]`)}, "en/a.json": ok("en"),
		}, "want a JSON object"},
		{"trailing data", fstest.MapFS{
			"zh-CN/a.json": {Data: []byte(`{"k": "v"} {}`)}, "en/a.json": ok("en"),
		}, "trailing data"},
		{"broken json", fstest.MapFS{
			"zh-CN/a.json": {Data: []byte(`{"k": "v",`)}, "en/a.json": ok("en"),
		}, "parse zh-CN/a.json"},
		{"missing language", fstest.MapFS{"zh-CN/a.json": ok("zh")}, "no catalogue folder for en"},
		{"unsupported language", fstest.MapFS{
			"zh-CN/a.json": ok("zh"), "en/a.json": ok("en"), "zh_CN/a.json": ok("zh"),
		}, "zh_CN: not a supported language folder"},
		{"non-json file", fstest.MapFS{
			"zh-CN/a.json": ok("zh"), "en/a.json": ok("en"), "en/a.yaml": ok("en"),
		}, "only <area>.json files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadFS(tt.fsys)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("LoadFS error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestPlaceholders(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"no placeholders", nil},
		{"{b} and {a} and {b}", []string{"a", "b"}},
		{"{1x} {} { a} {a b} {_ok} {x1}", []string{"_ok", "x1"}},
		{"{{name}}", []string{"name"}},
	}
	for _, tt := range tests {
		if got := Placeholders(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("Placeholders(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func FuzzFill(f *testing.F) {
	f.Add("你好，{name}！{", "name", "李")
	f.Add("{a}{b}}{", "a", "{b}")
	f.Fuzz(func(t *testing.T, text, name, value string) {
		got := fill(text, []any{name, value})
		if len(Placeholders(text)) == 0 && got != text {
			t.Errorf("fill changed %q without placeholders into %q", text, got)
		}
	})
}
