package markup

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	nethtml "golang.org/x/net/html"
)

func TestRender(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		want    []string // substrings the HTML must contain
		notWant []string // substrings it must not contain
	}{
		{"paragraph", "今天的**公开课**很成功。", []string{"<p>今天的<strong>公开课</strong>很成功。</p>"}, nil},
		{"hard wraps keep chinese lines", "第一行\n第二行", []string{"第一行<br>", "第二行"}, nil},
		{"table with alignment", "| 学科 | 人数 |\n|:--|--:|\n| 语文 | 12 |",
			[]string{"<table>", `<th align="left">学科</th>`, `<td align="right">12</td>`}, nil},
		{"strikethrough", "~~旧计划~~", []string{"<del>旧计划</del>"}, nil},
		{"autolink", "见 https://example.org/plan 。",
			[]string{`<a href="https://example.org/plan" rel="nofollow noopener" target="_blank">`}, nil},
		{"task list", "- [x] 备课\n- [ ] 听课",
			[]string{`<input checked="" disabled="" type="checkbox"> 备课`, `<input disabled="" type="checkbox"> 听课`}, nil},
		{"relative link stays in tab", "[我的空间](/spaces/12)",
			[]string{`<a href="/spaces/12" rel="nofollow">我的空间</a>`}, []string{"target="}},
		{"code is escaped", "`<b>` and\n\n```\n<script>x</script>\n```",
			[]string{"<code>&lt;b&gt;</code>", "&lt;script&gt;x&lt;/script&gt;"}, []string{"<script>", "<b>"}},
		{"heading and list", "# 标题\n\n1. 一\n2. 二", []string{"<h1>标题</h1>", "<ol>", "<li>一</li>"}, nil},
		{"invalid utf-8 repaired", "ok\xffok", []string{"ok\uFFFDok"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Render(tt.src)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(got), w) {
					t.Errorf("output lacks %q:\n%s", w, got)
				}
			}
			for _, nw := range tt.notWant {
				if strings.Contains(string(got), nw) {
					t.Errorf("output contains %q:\n%s", nw, got)
				}
			}
		})
	}
}

// XSS vectors: none of these may leave an executable construct behind.
func TestRenderSanitises(t *testing.T) {
	vectors := []struct{ name, src string }{
		{"script block", "<script>alert(1)</script>"},
		{"script inline", "hello <script>alert(1)</script> world"},
		{"javascript link", "[click](javascript:alert(1))"},
		{"javascript link mixed case", "[click](JaVaScRiPt:alert(1))"},
		{"javascript link entity", "[click](javascript&#58;alert(1))"},
		{"javascript autolink", "<javascript:alert(1)>"},
		{"javascript reference link", "[x][1]\n\n[1]: javascript:alert(1)"},
		{"vbscript link", "[x](vbscript:msgbox(1))"},
		{"onerror attribute", `<img src="x" onerror="alert(1)">`},
		{"onerror in markdown image title", `![a](/x.png "\" onerror=\"alert(1)")`},
		{"data uri image", "![a](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)"},
		{"data uri link", "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"},
		{"iframe", `<iframe src="https://evil.example"></iframe>`},
		{"svg onload", `<svg onload="alert(1)">`},
		{"style tag", `<style>body{display:none}</style>`},
		{"html block with handler", "<div onclick=\"alert(1)\">\n\nx\n\n</div>"},
		{"object embed", `<object data="x.swf"></object><embed src="x.swf">`},
		{"form", `<form action="/logout"><button>go</button></form>`},
		{"meta refresh", `<meta http-equiv="refresh" content="0;url=https://evil.example">`},
		{"link in heading", "# [x](javascript:alert(1))"},
		{"nested brackets", "[<img src=x onerror=alert(1)>](https://ok.example)"},
	}
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			got, err := Render(v.src)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if problem := unsafeHTML(string(got)); problem != "" {
				t.Errorf("%s in output:\n%s", problem, got)
			}
		})
	}
}

// allowedElements is what Markdown can legitimately produce.
var allowedElements = map[string]bool{
	"p": true, "br": true, "hr": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"strong": true, "em": true, "del": true, "code": true, "pre": true, "blockquote": true,
	"ul": true, "ol": true, "li": true, "a": true, "img": true, "input": true,
	"table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true,
}

// unsafeHTML parses a rendered fragment and describes the first construct
// that could run script or load content by a dangerous scheme, or "".
func unsafeHTML(fragment string) string {
	z := nethtml.NewTokenizer(strings.NewReader(fragment))
	for {
		tt := z.Next()
		switch tt {
		case nethtml.ErrorToken:
			return ""
		case nethtml.CommentToken:
			return "comment"
		case nethtml.StartTagToken, nethtml.SelfClosingTagToken:
			tok := z.Token()
			if !allowedElements[tok.Data] {
				return "element <" + tok.Data + ">"
			}
			for _, a := range tok.Attr {
				key := strings.ToLower(a.Key)
				if strings.HasPrefix(key, "on") || key == "style" {
					return "attribute " + key
				}
				if key == "href" || key == "src" || key == "cite" {
					u, err := url.Parse(strings.TrimSpace(a.Val))
					if err != nil {
						return "unparseable URL " + a.Val
					}
					switch strings.ToLower(u.Scheme) {
					case "", "http", "https", "mailto":
					default:
						return "URL scheme " + u.Scheme
					}
				}
				if key == "type" && tok.Data == "input" && a.Val != "checkbox" {
					return "input type " + a.Val
				}
			}
		}
	}
}

func TestRenderTooLarge(t *testing.T) {
	if _, err := Render(strings.Repeat("字", MaxSourceBytes/3)); err != nil {
		t.Fatalf("source under the limit: %v", err)
	}
	_, err := Render(strings.Repeat("a", MaxSourceBytes+1))
	var tl *TooLargeError
	if !errors.As(err, &tl) || !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want *TooLargeError matching ErrTooLarge", err)
	}
	if tl.Size != MaxSourceBytes+1 || tl.Limit != MaxSourceBytes {
		t.Errorf("TooLargeError = %+v", tl)
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		name string
		src  string
		max  int
		want string
	}{
		{"strips markup", "# 标题\n\n今天**听课**，[笔记](/n/1)见下。", 100, "标题 今天听课，笔记见下。"},
		{"cuts chinese on runes", "教师专业发展需要持续的反思与实践", 8, "教师专业发展需…"},
		{"short text unchanged", "短文", 10, "短文"},
		{"exact length unchanged", "一二三四五", 5, "一二三四五"},
		{"english backs off to a space", "Reflective practice improves teaching", 16, "Reflective…"},
		{"long english word cut anyway", "Supercalifragilistic", 8, "Superca…"},
		{"entities decoded", "Fish &amp; chips \\*not emphasis\\*", 100, "Fish & chips *not emphasis*"},
		{"raw html dropped", "a <script>alert(1)</script> b", 100, "a alert(1) b"},
		{"blocks separated", "- 一\n- 二\n\n> 引用", 100, "一 二 引用"},
		{"ideographic spaces collapsed", "第一段　　\n\n\n第二段", 100, "第一段 第二段"},
		{"image alt ignored", "![示意图](/a.png)说明", 100, "说明"},
		{"budget of one", "abc", 1, "…"},
		{"zero budget", "abc", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Excerpt(tt.src, tt.max)
			if got != tt.want {
				t.Errorf("Excerpt(%q, %d) = %q, want %q", tt.src, tt.max, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > tt.max {
				t.Errorf("excerpt has %d runes, budget %d", n, tt.max)
			}
		})
	}
}

func TestExcerptOfOversizedSource(t *testing.T) {
	src := strings.Repeat("研", MaxSourceBytes) // three bytes each: three times the limit
	got := Excerpt(src, 10)
	if got != strings.Repeat("研", 9)+"…" {
		t.Errorf("Excerpt = %q", got)
	}
}

func FuzzRender(f *testing.F) {
	f.Add("# 标题\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>")
	f.Add("| a |\n|---|\n| <script> |")
	f.Fuzz(func(t *testing.T, src string) {
		got, err := Render(src)
		if err != nil {
			if len(src) <= MaxSourceBytes {
				t.Fatalf("Render: %v", err)
			}
			return
		}
		if problem := unsafeHTML(string(got)); problem != "" {
			t.Errorf("Render(%q): %s in output: %s", src, problem, got)
		}
		if !utf8.ValidString(Excerpt(src, 50)) {
			t.Errorf("Excerpt(%q) is not valid UTF-8", src)
		}
	})
}

// The checker must itself catch what it is meant to, or the XSS tests prove nothing.
func TestUnsafeHTMLDetects(t *testing.T) {
	for _, frag := range []string{
		`<script>x</script>`, `<a href="javascript:alert(1)">x</a>`, `<img src="data:image/png;base64,AA">`,
		`<p onclick="x">a</p>`, `<p style="color:red">a</p>`, `<input type="text">`, `<!-- x -->`,
	} {
		if unsafeHTML(frag) == "" {
			t.Errorf("unsafeHTML(%q) found nothing", frag)
		}
	}
	if p := unsafeHTML(`<p><a href="/x" rel="nofollow">x</a><img src="https://a.example/b.png" alt=""></p>`); p != "" {
		t.Errorf("safe fragment reported: %s", p)
	}
}

func TestExcerptHTMLMatchesExcerpt(t *testing.T) {
	for _, src := range []string{"# 标题\n\n今天的**课堂观察**很有收获。\n\n- 一\n- 二", "Plain *English* text with [a link](https://example.com).", ""} {
		html, err := Render(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{5, 20, 200} {
			if got, want := ExcerptHTML(string(html), n), Excerpt(src, n); got != want {
				t.Errorf("ExcerptHTML(%q, %d) = %q, want %q", src, n, got, want)
			}
		}
	}
}
