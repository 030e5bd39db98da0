package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/testkit"
)

func TestResourceReviewPages(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			base := f.srv.URL
			owner := noRedirects(f.client(t, f.teacher))
			colleague := noRedirects(f.client(t, f.colleague))
			principal := noRedirects(f.client(t, f.schoolAdm))
			ocsrf := f.srv.CSRF(t, owner, "/resources/new")
			pcsrf := f.srv.CSRF(t, principal, "/resources")
			code, _, loc := post(t, owner, base+"/resources/links", url.Values{"csrf": {ocsrf}, "title": {"分数 课例 视频"},
				"url": {"https://example.org/keli"}, "type": {"case"}, "licence": {"cc_by"}, "visibility": {"institution"}})
			if code != http.StatusSeeOther {
				t.Fatalf("link: %d", code)
			}
			page := base + loc
			// The owner's panel offers the school and the district; others see no panel.
			_, body := get(t, owner, page)
			if !strings.Contains(body, `id="reviews"`) || !strings.Contains(body, "青湖区实验小学") || !strings.Contains(body, "推荐为精品资源") {
				t.Fatalf("owner's review panel:\n%.2000s", body)
			}
			if _, body := get(t, colleague, page); strings.Contains(body, `id="reviews"`) {
				t.Error("a colleague sees the owner's review panel")
			}
			recommend := func() {
				t.Helper()
				code, _, loc := post(t, owner, page+"/recommend", url.Values{"csrf": {ocsrf}, "institution_id": {itoa(f.school.ID)},
					"note": {"课堂实录完整"}})
				if code != http.StatusSeeOther || !strings.HasSuffix(loc, "#reviews") {
					t.Fatalf("recommend: %d %s", code, loc)
				}
			}
			recommend()
			if code, body, _ := post(t, owner, page+"/recommend", url.Values{"csrf": {ocsrf}, "institution_id": {itoa(f.other.ID)}}); code != http.StatusUnprocessableEntity {
				t.Errorf("recommend to another school: %d\n%.300s", code, body)
			}
			if code, _ := get(t, colleague, base+"/resources/reviews"); code != http.StatusForbidden {
				t.Errorf("a teacher's review queue: %d", code)
			}
			if _, body := get(t, principal, base+"/resources"); !strings.Contains(body, `href="/resources/reviews"`) {
				t.Error("no link to the queue for a reviewer")
			}
			code, queue := get(t, principal, base+"/resources/reviews")
			m := regexp.MustCompile(`/resources/reviews/(\d+)/decide`).FindStringSubmatch(queue)
			if code != 200 || m == nil || !strings.Contains(queue, "分数 课例 视频") || !strings.Contains(queue, "课堂实录完整") ||
				!strings.Contains(queue, "张伟 推荐到 青湖区实验小学") {
				t.Fatalf("queue: %d\n%.2000s", code, queue)
			}
			decide := func(id, decision, comments string) (int, string) {
				code, body, _ := post(t, principal, base+"/resources/reviews/"+id+"/decide", url.Values{"csrf": {pcsrf},
					"decision": {decision}, "comments": {comments}})
				return code, body
			}
			if code, body := decide(m[1], "return", ""); code != http.StatusUnprocessableEntity || !strings.Contains(body, "退回时请写明修改意见") {
				t.Errorf("a return without comments: %d\n%.500s", code, body)
			}
			if code, _ := decide(m[1], "return", "请补充教学反思"); code != http.StatusSeeOther {
				t.Fatalf("return: %d", code)
			}
			if code, _ := decide(m[1], "approve", ""); code != http.StatusConflict {
				t.Errorf("deciding twice: %d", code)
			}
			if _, body := get(t, owner, page); !strings.Contains(body, "已退回") || !strings.Contains(body, "请补充教学反思") {
				t.Errorf("the owner does not see the return:\n%.2000s", body)
			}
			if _, body := get(t, owner, base+"/notifications"); !strings.Contains(body, "你推荐的资源《分数 课例 视频》已有审核结果") {
				t.Error("no decision notice for the owner")
			}
			// Recommended again and approved: featured on the school's page.
			recommend()
			_, queue = get(t, principal, base+"/resources/reviews")
			m = regexp.MustCompile(`/resources/reviews/(\d+)/decide`).FindStringSubmatch(queue)
			if m == nil {
				t.Fatal("the second recommendation is not queued")
			}
			if code, _ := decide(m[1], "approve", "优秀"); code != http.StatusSeeOther {
				t.Fatalf("approve: %d", code)
			}
			if _, body := get(t, principal, base+"/resources/reviews?decided=1"); !strings.Contains(body, "已入选精品资源") {
				t.Error("the decided tab lacks the approval")
			}
			_, inst := get(t, colleague, base+"/i/"+itoa(f.school.ID))
			if !strings.Contains(inst, `id="featured"`) || !strings.Contains(inst, "分数 课例 视频") {
				t.Errorf("the school's page lacks its featured resource:\n%.3000s", inst)
			}
			if _, inst := get(t, colleague, base+"/i/"+itoa(f.district.ID)); strings.Contains(inst, `id="featured"`) {
				t.Error("the district's page shows the school's featured resource")
			}
			if _, list := get(t, colleague, base+"/resources?featured_in="+itoa(f.school.ID)); !strings.Contains(list, "分数 课例 视频") {
				t.Error("the featured listing lacks it")
			}
			if _, body := get(t, owner, page); !strings.Contains(body, "已入选精品资源") || !strings.Contains(body, "badge-featured") {
				t.Error("the owner does not see the approval")
			}
		})
	}
}

func TestReviewRoutesSurviveJunk(t *testing.T) {
	f := newFixture(t, testkit.Engines()[0])
	c := f.client(t, f.schoolAdm)
	csrf := f.srv.CSRF(t, c, "/")
	for _, p := range []string{"/resources/reviews/1/decide", "/resources/reviews/x/decide", "/resources/1/recommend",
		"/resources/99999999999999999999/recommend"} {
		if code, _, _ := post(t, c, f.srv.URL+p, url.Values{"csrf": {csrf}, "institution_id": {"%"}, "decision": {"\x00"},
			"comments": {strings.Repeat("长", 3000)}}); code >= 500 {
			t.Errorf("POST %s = %d", p, code)
		}
	}
	if code, _ := get(t, c, f.srv.URL+"/resources/reviews?decided=x"); code != 200 {
		t.Errorf("queue with junk: %d", code)
	}
}
