package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

var (
	baseRE     = regexp.MustCompile(`name="base_id" value="(\d+)"`)
	textareaRE = regexp.MustCompile(`(?s)<textarea id="section_(\w+)"[^>]*>(.*?)</textarea>`)
)

// editorState reads the base and the section texts of an editor or a
// conflict screen, as a browser would submit them.
func editorState(t *testing.T, body string) (string, map[string]string) {
	t.Helper()
	m := baseRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no base_id in\n%.800s", body)
	}
	texts := map[string]string{}
	for _, tm := range textareaRE.FindAllStringSubmatch(body, -1) {
		// A browser drops one newline right after <textarea>.
		texts[tm[1]] = strings.TrimPrefix(html.UnescapeString(tm[2]), "\n")
	}
	return m[1], texts
}

func TestDocumentCoEditConflictScreen(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			svc, ctx, base := f.srv.App.Service, context.Background(), f.srv.URL
			c, err := svc.CreateCommunity(ctx, f.schoolAdm, f.school.ID, community.Input{Name: "三年级数学备课组",
				JoinPolicy: community.Open, Visibility: space.Public})
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range []*account.User{f.teacher, f.colleague} {
				if _, err := svc.Join(ctx, u, c.Space.ID, ""); err != nil {
					t.Fatal(err)
				}
			}
			zhang := noRedirects(f.client(t, f.teacher))
			li := noRedirects(f.client(t, f.colleague))
			stranger := noRedirects(f.client(t, f.stranger))
			zcsrf, lcsrf := f.srv.CSRF(t, zhang, "/resources/new"), f.srv.CSRF(t, li, "/resources/new")
			code, _, loc := post(t, zhang, base+"/resources/documents", url.Values{"csrf": {zcsrf}, "title": {"分数的初步认识"},
				"space_id": {itoa(c.Space.ID)}, "doc_type": {"lesson_plan"}, "visibility": {"community"},
				"section_objectives": {"认识几分之一"}, "section_process": {"一、导入\n二、新授"}})
			if code != http.StatusSeeOther {
				t.Fatalf("create: %d", code)
			}
			doc := base + loc

			// Both open the editor on revision 1.
			_, zbody := get(t, zhang, doc+"/edit")
			zbase, ztexts := editorState(t, zbody)
			_, lbody := get(t, li, doc+"/edit")
			lbase, ltexts := editorState(t, lbody)
			if zbase != lbase || ltexts["objectives"] != "认识几分之一" {
				t.Fatalf("editors: %s %s %v", zbase, lbase, ltexts)
			}
			form := func(csrf, baseID, title string, texts map[string]string) url.Values {
				v := url.Values{"csrf": {csrf}, "base_id": {baseID}, "title": {title}}
				for k, t := range texts {
					v.Set("section_"+k, t)
				}
				return v
			}
			// 张伟 saves first: a new objective.
			ztexts["objectives"] = "认识几分之一，会读写分数"
			if code, body, _ := post(t, zhang, doc+"/revisions", form(zcsrf, zbase, "分数的初步认识", ztexts)); code != http.StatusSeeOther {
				t.Fatalf("first save: %d\n%.500s", code, body)
			}
			// 李娜 saves from the same base: the conflict screen, not an overwrite.
			ltexts["process"] = "一、导入\n二、新授：折纸\n三、练习"
			code, body, _ := post(t, li, doc+"/revisions", form(lcsrf, lbase, "分数的初步认识", ltexts))
			if code != http.StatusConflict {
				t.Fatalf("second save: %d\n%.500s", code, body)
			}
			for _, want := range []string{"张伟 保存了第 2 版", "张伟 的修改", "你的修改",
				`<ins class="diff-line"><span class="diff-mark" aria-hidden="true">+</span>认识几分之一，会读写分数</ins>`,
				`<del class="diff-line"><span class="diff-mark" aria-hidden="true">−</span>认识几分之一</del>`,
				`<ins class="diff-line"><span class="diff-mark" aria-hidden="true">+</span>三、练习</ins>`} {
				if !strings.Contains(body, want) {
					t.Errorf("the conflict screen lacks %q", want)
				}
			}
			if _, page := get(t, zhang, doc); strings.Contains(page, "折纸") || !strings.Contains(page, "会读写分数") {
				t.Fatal("the stale save was written")
			}
			// The screen proposes both changes merged, on top of revision 2.
			mbase, merged := editorState(t, body)
			if mbase == lbase || merged["objectives"] != "认识几分之一，会读写分数" || merged["process"] != ltexts["process"] {
				t.Fatalf("merge proposal: base %s, %v", mbase, merged)
			}
			merged["board_design"] = "分数各部分名称"
			if code, body, _ := post(t, li, doc+"/revisions", form(lcsrf, mbase, "分数的初步认识", merged)); code != http.StatusSeeOther {
				t.Fatalf("merged save: %d\n%.500s", code, body)
			}
			_, page := get(t, zhang, doc)
			if !strings.Contains(page, "会读写分数") || !strings.Contains(page, "折纸") || !strings.Contains(page, "第 3 版 · 李娜") {
				t.Fatalf("merged document:\n%.1500s", page)
			}

			// History with author and time, a diff, a revert.
			code, hist := get(t, zhang, doc+"/revisions")
			if code != 200 || !strings.Contains(hist, "共 3 个版本") || strings.Count(hist, "李娜") != 1 || strings.Count(hist, "张伟") != 2 ||
				!strings.Contains(hist, "<time datetime=") {
				t.Fatalf("history: %d\n%.1500s", code, hist)
			}
			ids := regexp.MustCompile(`revisions/(\d+)/revert`).FindAllStringSubmatch(hist, -1)
			if len(ids) != 2 { // revisions 2 and 1, not the current
				t.Fatalf("revert buttons: %v", ids)
			}
			first, cur := ids[1][1], baseRE.FindStringSubmatch(hist)[1]
			if code, _ := get(t, stranger, doc+"/revisions/compare?from="+first+"&to="+cur); code != http.StatusNotFound {
				t.Errorf("a non-member sees the diff of a community document: %d", code)
			}
			code, diff := get(t, li, doc+"/revisions/compare?from="+first+"&to="+cur)
			if code != 200 || !strings.Contains(diff, "第 1 版与第 3 版的差异") || !strings.Contains(diff, "分数各部分名称</ins>") {
				t.Fatalf("diff: %d\n%.1500s", code, diff)
			}
			if code, _ := get(t, li, doc+"/revisions/compare?from="+first+"&to=999999"); code != http.StatusNotFound {
				t.Errorf("diff with an unknown revision: %d", code)
			}
			revert := func(c *http.Client, csrf, baseID string) (int, string) {
				code, _, loc := post(t, c, doc+"/revisions/"+first+"/revert", url.Values{"csrf": {csrf}, "base_id": {baseID}, "number": {"1"}})
				return code, loc
			}
			if code, _ := revert(stranger, f.srv.CSRF(t, stranger, "/resources"), cur); code != http.StatusNotFound {
				t.Errorf("a stranger reverting: %d", code)
			}
			if code, loc := revert(zhang, zcsrf, zbase); code != http.StatusSeeOther || !strings.HasSuffix(loc, "/revisions") {
				t.Errorf("a revert from a stale base: %d %s", code, loc)
			}
			if code, _ := revert(zhang, zcsrf, cur); code != http.StatusSeeOther {
				t.Fatalf("revert: %d", code)
			}
			if _, page := get(t, zhang, doc); strings.Contains(page, "折纸") || !strings.Contains(page, "第 4 版 · 张伟") {
				t.Errorf("the revert did not restore revision 1:\n%.1500s", page)
			}
			if _, hist := get(t, zhang, doc+"/revisions"); !strings.Contains(hist, "恢复到第 1 版") {
				t.Error("the revert's note is not in the history")
			}
		})
	}
}

func TestRevisionRoutesSurviveJunk(t *testing.T) {
	f := newFixture(t, testkit.Engines()[0])
	c := f.client(t, f.teacher)
	for _, p := range []string{"/resources/1/revisions", "/resources/x/revisions", "/resources/1/revisions/compare",
		"/resources/1/revisions/compare?from=-1&to=%00", "/resources/99999999999999999999/revisions/compare?from=1&to=2"} {
		if code, _ := get(t, c, f.srv.URL+p); code >= 500 || code == 200 {
			t.Errorf("GET %s = %d", p, code)
		}
	}
	csrf := f.srv.CSRF(t, c, "/")
	for _, p := range []string{"/resources/1/revisions/1/revert", "/resources/1/revisions/x/revert"} {
		if code, _, _ := post(t, c, f.srv.URL+p, url.Values{"csrf": {csrf}, "base_id": {"%"}}); code >= 500 {
			t.Errorf("POST %s = %d", p, code)
		}
	}
}
