package web

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/yanxiu/yanxiu/internal/i18n"
)

type fixedAssets map[string]string

func (a fixedAssets) Path(name string) string { return a[name] }

// TestResolveConstants checks the parse-time substitution of constant
// translations and asset links: escaped text, untouched dynamic actions,
// and a start-up error for a key one language lacks.
func TestResolveConstants(t *testing.T) {
	cat, err := i18n.LoadFS(fstest.MapFS{
		"zh-CN/t.json": {Data: []byte(`{"a.plain": "你好", "a.html": "<b>\"{{x}}\"</b> & co", "a.only_zh": "只有中文"}`)},
		"en/t.json":    {Data: []byte(`{"a.plain": "Hello", "a.html": "<b>\"{{x}}\"</b> & co"}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	assets := fixedAssets{"app.css": "/static/app.1234.css"}
	src := `<title>{{.T "a.plain"}}</title><p title="{{ $.T "a.html" }}">{{.T "a.html" "n" 1}}</p>` +
		`<link href="{{.Asset "app.css"}}">{{- .T "a.plain" -}}{{.T .Key}}`
	got, err := resolveConstants(src, cat, "en", assets)
	if err != nil {
		t.Fatal(err)
	}
	want := `<title>Hello</title><p title="&lt;b&gt;&#34;&#123;&#123;x}}&#34;&lt;/b&gt; &amp; co">{{.T "a.html" "n" 1}}</p>` +
		`<link href="/static/app.1234.css">{{- .T "a.plain" -}}{{.T .Key}}`
	if got != want {
		t.Errorf("resolveConstants:\n got %s\nwant %s", got, want)
	}
	if got, err := resolveConstants(`{{.T "a.only_zh"}}`, cat, "zh-CN", assets); err != nil || got != "只有中文" {
		t.Errorf("zh-CN: %q, %v", got, err)
	}
	if _, err := resolveConstants(`{{.T "a.only_zh"}}`, cat, "en", assets); err == nil || !strings.Contains(err.Error(), "a.only_zh") {
		t.Errorf("a key missing in English: %v, want an error naming it", err)
	}
}
