package web_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/testkit"
)

// uploadForm builds the upload form as a browser sends it: the CSRF token
// first, the metadata, the file last.
func uploadForm(t *testing.T, csrf string, fields [][2]string, name string, data []byte) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if csrf != "" {
		mw.WriteField("csrf", csrf)
	}
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, name))
	h.Set("Content-Type", "application/octet-stream")
	fw, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return &b, mw.FormDataContentType()
}

func upload(t *testing.T, c *http.Client, base, csrf string, fields [][2]string, name string, data []byte) (int, string, string) {
	t.Helper()
	body, ct := uploadForm(t, csrf, fields, name, data)
	req, _ := http.NewRequest(http.MethodPost, base+"/resources/upload", body)
	req.Header.Set("Content-Type", ct)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

func noRedirects(c *http.Client) *http.Client {
	c2 := *c
	c2.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c2
}

func TestResourcePages(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			base := f.srv.URL
			teacher := noRedirects(f.client(t, f.teacher))
			colleague := noRedirects(f.client(t, f.colleague))
			stranger := noRedirects(f.client(t, f.stranger))
			anon := noRedirects(f.client(t, nil))
			csrf := f.srv.CSRF(t, teacher, "/resources/new")

			// The streamed upload.
			pdf := testkit.PDF("分数的初步认识 课例研修")
			meta := [][2]string{{"space_id", "0"}, {"title", "分数 PPT 课件"}, {"subject", "math"}, {"grade", "g3"},
				{"type", "courseware"}, {"licence", "cc_by"}, {"tags", "课例，分数"}, {"visibility", "public"}}
			code, body, loc := upload(t, teacher, base, csrf, meta, "课件.pdf", pdf)
			if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/resources/") {
				t.Fatalf("upload: %d %s\n%.500s", code, loc, body)
			}
			page := base + loc
			if code, body := get(t, stranger, page); code != 200 || !strings.Contains(body, "分数 PPT 课件") ||
				!strings.Contains(body, loc+"/file") || !strings.Contains(body, "复用到我的空间") {
				t.Fatalf("resource page: %d\n%.800s", code, body)
			}
			// Downloads stream with Range.
			req, _ := http.NewRequest(http.MethodGet, page+"/file", nil)
			req.Header.Set("Range", "bytes=0-3")
			resp, err := colleague.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			part, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusPartialContent || string(part) != "%PDF" ||
				resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("range download: %d %q %v", resp.StatusCode, part, resp.Header)
			}
			// Refused uploads: the token must come first, names are checked, bytes decide the type.
			if code, _, _ := upload(t, teacher, base, "", meta, "a.pdf", pdf); code != http.StatusForbidden {
				t.Errorf("upload without a token: %d", code)
			}
			if code, _, _ := upload(t, teacher, base, "wrong-token-wrong-token", meta, "a.pdf", pdf); code != http.StatusForbidden {
				t.Errorf("upload with a wrong token: %d", code)
			}
			if code, body, _ := upload(t, teacher, base, csrf, meta, "../../etc/passwd", pdf); code != http.StatusUnprocessableEntity ||
				!strings.Contains(body, "文件名不能包含路径分隔符") {
				t.Errorf("path in the name: %d\n%.300s", code, body)
			}
			if code, body, _ := upload(t, teacher, base, csrf, meta, "课件.pptx", testkit.Zip()); code != http.StatusUnprocessableEntity ||
				!strings.Contains(body, "不支持这种文件类型") || !strings.Contains(body, `value="分数 PPT 课件"`) {
				t.Errorf("zip as pptx: %d\n%.300s", code, body)
			}

			// A link and a lesson plan.
			code, _, loc = post(t, teacher, base+"/resources/links", url.Values{"csrf": {csrf}, "title": {"教研网站"},
				"url": {"https://example.org/jiaoyan"}, "type": {"other"}, "licence": {"cc_by"}, "visibility": {"institution"}})
			if code != http.StatusSeeOther {
				t.Fatalf("link: %d", code)
			}
			link := base + loc
			if code, _ := get(t, stranger, link); code != http.StatusNotFound {
				t.Errorf("a stranger sees a school link: %d", code)
			}
			code, body, _ = post(t, teacher, base+"/resources/links", url.Values{"csrf": {csrf}, "title": {"x"},
				"url": {"javascript:alert(1)"}, "visibility": {"public"}})
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, "http://") {
				t.Errorf("javascript link: %d", code)
			}
			code, _, loc = post(t, teacher, base+"/resources/documents", url.Values{"csrf": {csrf}, "title": {"数学教学设计"},
				"doc_type": {"lesson_plan"}, "type": {"lesson_plan"}, "licence": {"cc_by"}, "visibility": {"public"},
				"section_objectives": {"认识几分之一"}, "section_board_design": {"板书要点"}})
			if code != http.StatusSeeOther {
				t.Fatalf("document: %d", code)
			}
			doc := base + loc
			if code, body := get(t, teacher, doc+"/edit"); code != 200 || !strings.Contains(body, "认识几分之一") || !strings.Contains(body, `name="base_id"`) {
				t.Fatalf("editor: %d\n%.500s", code, body)
			}
			if code, _ := get(t, stranger, doc+"/edit"); code != http.StatusForbidden {
				t.Errorf("a stranger may edit a personal document: %d", code)
			}

			// Search: Chinese, mixed, facets.
			for q, want := range map[string]string{"数学": "数学教学设计", "PPT 课件": "分数 PPT 课件", "课例": "分数 PPT 课件"} {
				code, body := get(t, anon, base+"/resources?q="+url.QueryEscape(q))
				if code != 200 || !strings.Contains(body, want) {
					t.Errorf("search %q: %d, want %s", q, code, want)
				}
			}
			if _, body := get(t, anon, base+"/resources?q="+url.QueryEscape("教研")); strings.Contains(body, "教研网站") {
				t.Error("an anonymous visitor found a school-only link")
			}
			code, body = get(t, anon, base+"/resources?grade=g3")
			if code != 200 || !strings.Contains(body, "分数 PPT 课件") || strings.Contains(body, "数学教学设计") ||
				!strings.Contains(body, "三年级") {
				t.Errorf("grade facet: %d", code)
			}
			if code, _ := get(t, anon, base+"/resources?type=poster&q=%FF"); code >= 500 {
				t.Errorf("junk filters: %d", code)
			}

			// Rate, comment, favourite, reuse, delete.
			for _, step := range []struct {
				path string
				form url.Values
			}{
				{"/rating", url.Values{"stars": {"4"}}},
				{"/comments", url.Values{"body": {"**很好用**"}}},
				{"/favourite", url.Values{"on": {"1"}}},
			} {
				step.form.Set("csrf", f.srv.CSRF(t, stranger, "/resources"))
				if code, body, _ := post(t, stranger, page+step.path, step.form); code != http.StatusSeeOther {
					t.Errorf("POST %s: %d\n%.300s", step.path, code, body)
				}
			}
			scsrf := f.srv.CSRF(t, stranger, "/resources")
			code, _, loc = post(t, stranger, page+"/reuse", url.Values{"csrf": {scsrf}})
			if code != http.StatusSeeOther || loc == strings.TrimPrefix(page, base) {
				t.Fatalf("reuse: %d %s", code, loc)
			}
			if _, body := get(t, stranger, base+loc); !strings.Contains(body, "复用自") {
				t.Error("the copy does not show its provenance")
			}
			_, body = get(t, teacher, page)
			if !strings.Contains(body, "<strong>很好用</strong>") || !strings.Contains(body, "评分 4.0（1 人）") ||
				!strings.Contains(body, "收藏 1") || !strings.Contains(body, "复用 1") {
				t.Errorf("the page does not show the social activity:\n%.2000s", body)
			}
			if code, _, _ := post(t, stranger, page+"/rating", url.Values{"csrf": {scsrf}, "stars": {"9"}}); code != http.StatusUnprocessableEntity {
				t.Errorf("9 stars: %d", code)
			}
			if code, _, _ := post(t, stranger, page+"/delete", url.Values{"csrf": {scsrf}}); code != http.StatusForbidden {
				t.Errorf("a stranger deleting: %d", code)
			}
			if code, _, _ := post(t, teacher, link+"/delete", url.Values{"csrf": {csrf}}); code != http.StatusSeeOther {
				t.Errorf("owner deleting: %d", code)
			}
			if code, _ := get(t, teacher, link); code != http.StatusNotFound {
				t.Errorf("deleted link still shown: %d", code)
			}
		})
	}
}

func TestDocumentEditConflictKeepsText(t *testing.T) {
	f := newFixture(t, testkit.Engines()[0])
	base := f.srv.URL
	teacher := noRedirects(f.client(t, f.teacher))
	csrf := f.srv.CSRF(t, teacher, "/resources/new")
	_, _, loc := post(t, teacher, base+"/resources/documents", url.Values{"csrf": {csrf}, "title": {"反思"},
		"doc_type": {"reflection"}, "visibility": {"private"}, "section_body": {"第一版"}})
	doc := base + loc
	_, body := get(t, teacher, doc+"/edit")
	m := regexp.MustCompile(`name="base_id" value="(\d+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no base in the editor:\n%.500s", body)
	}
	save := func(text string) (int, string) {
		code, body, _ := post(t, teacher, doc+"/revisions", url.Values{"csrf": {csrf}, "base_id": {m[1]}, "title": {"反思"},
			"section_body": {text}})
		return code, body
	}
	if code, _ := save("第二版（另一个窗口）"); code != http.StatusSeeOther {
		t.Fatalf("first save: %d", code)
	}
	code, body := save("我在旧版本上写的内容")
	if code != http.StatusConflict || !strings.Contains(body, "我在旧版本上写的内容") || !strings.Contains(body, "保存了第 2 版") {
		t.Fatalf("stale save: %d\n%.800s", code, body)
	}
	if _, body := get(t, teacher, doc); !strings.Contains(body, "第二版（另一个窗口）") {
		t.Error("the stale save overwrote the newer revision")
	}
}

func TestResourceRoutesSurviveJunk(t *testing.T) {
	f := newFixture(t, testkit.Engines()[0])
	base := f.srv.URL
	c := f.client(t, f.teacher)
	csrf := f.srv.CSRF(t, c, "/")
	bodies := []struct{ ct, body string }{
		{"application/x-www-form-urlencoded", "csrf=" + csrf + "&%zz=1&title=%&stars=x&base_id=-1&on=%00"},
		{"multipart/form-data; boundary=zzz", "--zzz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf +
			"\r\n--zzz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../etc/passwd\"\r\n\r\n\x00\x01garbage\r\n--zzz--\r\n"},
		{"multipart/form-data; boundary=zzz", "--zzz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf + "\r\n--zzz\r\nbroken"},
		{"multipart/form-data; boundary=zzz", "--zzz\r\nbroken"},
		{"application/json", `{"csrf":`},
	}
	for _, r := range []string{"/resources/upload", "/resources/links", "/resources/documents", "/resources/1/revisions",
		"/resources/1/rating", "/resources/1/favourite", "/resources/1/comments", "/resources/1/reuse", "/resources/1/delete",
		"/resources/x/delete", "/resources/99999999999999999999/rating"} {
		for _, b := range bodies {
			req, _ := http.NewRequest("POST", base+r, strings.NewReader(b.body))
			req.Header.Set("Content-Type", b.ct)
			req.Header.Set("X-CSRF-Token", csrf)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 500 {
				t.Errorf("POST %s (%s) = %d", r, b.ct, resp.StatusCode)
			}
		}
	}
	for _, p := range []string{"/resources?q=%00", "/resources?page=%FF", "/resources/%00", "/resources/1/file",
		"/resources/new?kind=%00", "/resources/1/edit", "/resources?tag=" + strings.Repeat("x", 300)} {
		if code, _ := get(t, c, base+p); code >= 500 {
			t.Errorf("GET %s = %d", p, code)
		}
	}
}
