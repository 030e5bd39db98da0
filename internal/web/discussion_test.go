package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/i18n"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// forumFixture adds to the fixture an open public community hosted by the
// school admin with the teacher and colleague as members, and a private
// one the teacher is not in.
type forumFixture struct {
	*fixture
	open, closed *community.Community
}

func newForumFixture(t *testing.T, e testkit.Engine) *forumFixture {
	t.Helper()
	f := &forumFixture{fixture: newFixture(t, e)}
	svc := f.srv.App.Service
	ctx := context.Background()
	var err error
	mk := func(policy community.JoinPolicy, vis space.Visibility, name string) *community.Community {
		c, err := svc.CreateCommunity(ctx, f.schoolAdm, f.school.ID, community.Input{Name: name, JoinPolicy: policy, Visibility: vis})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	f.open = mk(community.Open, space.Public, "小学数学工作坊")
	f.closed = mk(community.ByRequest, space.Private, "校内备课组")
	for _, u := range []*account.User{f.teacher, f.colleague} {
		if _, err = svc.Join(ctx, u, f.open.Space.ID, ""); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// multipartBody builds a form with text fields and files (name → content).
func multipartBody(t *testing.T, fields map[string]string, files map[string]string) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, content := range files {
		fw, err := mw.CreateFormFile("files", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(content))
	}
	mw.Close()
	return mw.FormDataContentType(), &buf
}

func forumDo(t *testing.T, c *http.Client, method, u, ct string, body io.Reader, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, body)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var locationID = regexp.MustCompile(`/topics/(\d+)`)

func TestDiscussionPages(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			f := newForumFixture(t, e)
			base := f.srv.URL
			ctx := context.Background()
			svc := f.srv.App.Service
			anon := f.client(t, nil)
			teacher := f.client(t, f.teacher)
			colleague := f.client(t, f.colleague)
			stranger := f.client(t, f.stranger)
			admin := f.client(t, f.schoolAdm)
			csrf := f.srv.CSRF(t, teacher, "/")
			ccsrf := f.srv.CSRF(t, colleague, "/")
			acsrf := f.srv.CSRF(t, admin, "/")
			open, closed := itoa(f.open.Space.ID), itoa(f.closed.Space.ID)

			// A topic with a document attached, then a reply with an image.
			png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + strings.Repeat("\x00", 64)
			docx := "PK\x03\x04" + strings.Repeat("z", 64)
			ct, body := multipartBody(t, map[string]string{"csrf": csrf, "title": "分数的初步认识怎么导入", "body": "请大家**出出主意**"},
				map[string]string{"教案.docx": docx})
			resp, _ := forumDo(t, teacher, "POST", base+"/c/"+open+"/topics", ct, body, nil)
			m := locationID.FindStringSubmatch(resp.Header.Get("Location"))
			if resp.StatusCode != http.StatusSeeOther || m == nil {
				t.Fatalf("create topic: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			topic := "/topics/" + m[1]
			ct, body = multipartBody(t, map[string]string{"csrf": ccsrf, "body": "可以用分蛋糕的情境，谢谢@teacher老师"},
				map[string]string{"板书.png": png})
			resp, _ = forumDo(t, colleague, "POST", base+topic+"/replies", ct, body, nil)
			if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), topic+"?page=1#r") {
				t.Fatalf("reply: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			topicID, _ := strconv.ParseInt(m[1], 10, 64)
			tp, _ := svc.Topic(ctx, f.schoolAdm, topicID, 1)
			rp := tp.Replies[0]
			doc, img := tp.Attachments[0][0], tp.Attachments[rp.ID][0]
			rid := itoa(rp.ID)
			// A threaded answer to the reply.
			code, _, loc := post(t, teacher, base+topic+"/replies", url.Values{"csrf": {csrf}, "body": {"好主意"}, "parent": {rid}})
			if code != http.StatusSeeOther || !strings.Contains(loc, "#r") {
				t.Fatalf("threaded reply: %d %s", code, loc)
			}
			// The mention, written without spaces around it, reached the teacher.
			ns, _, err := svc.Inbox(ctx, f.teacher, false, 10, 0)
			if err != nil || len(ns) != 1 || ns[0].Kind != "mention" || ns[0].URL != "/replies/"+rid {
				t.Fatalf("teacher's inbox: %+v %v", ns, err)
			}

			secret, err := svc.CreateTopic(ctx, f.schoolAdm, f.closed.Space.ID, discussion.TopicInput{Title: "内部讨论", Body: "仅成员"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			cases := []struct {
				name    string
				c       *http.Client
				path    string
				status  int
				want    []string
				notWant []string
			}{
				{"discussion anonymous", anon, "/c/" + open + "/discuss", 200, []string{"分数的初步认识怎么导入", "综合讨论", `href="` + topic + `"`}, []string{"/topics/new"}},
				{"discussion member", teacher, "/c/" + open + "/discuss", 200, []string{"/c/" + open + "/topics/new"}, []string{"/c/" + open + "/reports"}},
				{"discussion lead", admin, "/c/" + open + "/discuss", 200, []string{"/c/" + open + "/reports", `name="name"`}, nil},
				{"topic anonymous", anon, topic, 200, []string{"<strong>出出主意</strong>", "可以用分蛋糕的情境", "教案.docx", "登录后参与讨论", "indent-1"},
					[]string{`action="` + topic + `/replies"`, "/pin"}},
				{"topic member", colleague, topic, 200, []string{`action="` + topic + `/replies"`, `data-mention-url="/c/` + open + `/members/suggest"`,
					"discussion.js", `enctype="multipart/form-data"`}, []string{"/pin"}},
				{"topic lead", admin, topic, 200, []string{"/pin", "/lock", "/revisions", `name="board"`}, nil},
				{"reply link", anon, "/replies/" + rid, 303, nil, nil},
				{"private discussion for a non-member", teacher, "/c/" + closed + "/discuss", 404, nil, []string{"内部讨论"}},
				{"private topic for a non-member", stranger, "/topics/" + itoa(secret.ID), 404, nil, []string{"仅成员"}},
				{"private topic asks anonymous to log in", anon, "/topics/" + itoa(secret.ID), 303, nil, nil},
				{"revisions forbidden to members", teacher, topic + "/revisions", 403, nil, nil},
				{"revisions for a lead", admin, topic + "/revisions", 200, []string{"编辑历史"}, nil},
				{"reports forbidden to members", teacher, "/c/" + open + "/reports", 403, nil, nil},
				{"reports for a lead", admin, "/c/" + open + "/reports", 200, []string{"待处理"}, nil},
				{"new topic form", teacher, "/c/" + open + "/topics/new", 200, []string{`name="title"`, `name="files"`}, nil},
				{"new topic form for a non-member", stranger, "/c/" + open + "/topics/new", 403, nil, nil},
				{"edit form of someone else's reply", teacher, "/replies/" + rid + "/edit", 403, nil, nil},
				{"edit form of one's own reply", colleague, "/replies/" + rid + "/edit", 200, []string{"可以用分蛋糕的情境"}, nil},
				{"report form", stranger, "/replies/" + rid + "/report", 200, []string{`name="reason"`}, nil},
				{"junk topic id", anon, "/topics/abc", 404, nil, nil},
				{"missing topic", anon, "/topics/999999", 404, nil, nil},
				{"junk page", anon, topic + "?page=%FF", 400, nil, nil},
				{"page beyond the end", anon, topic + "?page=999", 200, []string{"可以用分蛋糕的情境"}, nil},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					code, body := get(t, tc.c, base+tc.path)
					if code != tc.status {
						t.Fatalf("GET %s = %d, want %d\n%s", tc.path, code, tc.status, body)
					}
					for _, w := range tc.want {
						if !strings.Contains(body, w) {
							t.Errorf("GET %s: missing %q", tc.path, w)
						}
					}
					for _, w := range tc.notWant {
						if strings.Contains(body, w) {
							t.Errorf("GET %s: must not contain %q", tc.path, w)
						}
					}
				})
			}

			// Attachments: images inline, documents downloaded, both only to readers.
			resp, data := forumDo(t, stranger, "GET", base+"/attachments/"+itoa(img.ID)+"/"+url.PathEscape(img.Name), "", nil, nil)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || data != png ||
				!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "inline") {
				t.Fatalf("image: %d %v", resp.StatusCode, resp.Header)
			}
			resp, _ = forumDo(t, anon, "GET", base+"/attachments/"+itoa(doc.ID)+"/x", "", nil, nil)
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") ||
				!strings.Contains(resp.Header.Get("Content-Disposition"), "filename*=utf-8''%E6%95%99%E6%A1%88.docx") ||
				resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Fatalf("document: %d %v", resp.StatusCode, resp.Header)
			}
			if resp, _ = forumDo(t, stranger, "GET", base+"/attachments/999999/x", "", nil, nil); resp.StatusCode != 404 {
				t.Fatalf("missing attachment: %d", resp.StatusCode)
			}

			// Likes through htmx get the button back; plain forms a redirect.
			resp, frag := forumDo(t, teacher, "POST", base+"/replies/"+rid+"/like", "application/x-www-form-urlencoded",
				strings.NewReader("csrf="+csrf), map[string]string{"HX-Request": "true"})
			if resp.StatusCode != 200 || !strings.Contains(frag, "/replies/"+rid+"/unlike") || !strings.Contains(frag, `aria-pressed="true"`) ||
				strings.Contains(frag, "<html") {
				t.Fatalf("htmx like: %d %s", resp.StatusCode, frag)
			}
			code, _, _ = post(t, teacher, base+"/replies/"+rid+"/like", url.Values{"csrf": {csrf}})
			if code != http.StatusSeeOther {
				t.Fatalf("second like: %d", code)
			}
			if p, _ := svc.Topic(ctx, f.teacher, tp.Topic.ID, 1); p.Replies[0].LikeCount != 1 {
				t.Fatalf("like count %d after two likes", p.Replies[0].LikeCount)
			}
			if code, _, _ = post(t, colleague, base+"/replies/"+rid+"/like", url.Values{"csrf": {ccsrf}}); code != http.StatusForbidden {
				t.Fatalf("liking one's own reply: %d", code)
			}

			// Mention autocomplete: JSON of members, nothing for the signed-out.
			resp, js := forumDo(t, teacher, "GET", base+"/c/"+open+"/members/suggest?q=co", "", nil, nil)
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") ||
				!strings.Contains(js, `"username":"colleague"`) || !strings.Contains(js, `"name":"李娜"`) {
				t.Fatalf("suggest: %d %s", resp.StatusCode, js)
			}
			if _, js = forumDo(t, teacher, "GET", base+"/c/"+open+"/members/suggest?q="+url.QueryEscape("李"), "", nil, nil); !strings.Contains(js, "colleague") {
				t.Fatalf("suggest by Chinese name: %s", js)
			}
			if resp, js = forumDo(t, anon, "GET", base+"/c/"+open+"/members/suggest?q=co", "", nil, nil); resp.StatusCode != 401 || js != "[]" {
				t.Fatalf("anonymous suggest: %d %s", resp.StatusCode, js)
			}
			if resp, _ = forumDo(t, teacher, "GET", base+"/c/"+closed+"/members/suggest?q=", "", nil, nil); resp.StatusCode != 404 {
				t.Fatalf("suggest in a closed community: %d", resp.StatusCode)
			}

			// Moderation: hide, lock, report.
			if code, _, _ = post(t, admin, base+"/replies/"+rid+"/hide", url.Values{"csrf": {acsrf}, "on": {"1"}}); code != http.StatusSeeOther {
				t.Fatalf("hide: %d", code)
			}
			if code, body := get(t, teacher, base+topic); !strings.Contains(body, "此内容已被隐藏") || strings.Contains(body, "可以用分蛋糕的情境") || code != 200 {
				t.Fatalf("hidden reply shown to a member (%d)", code)
			}
			if _, body := get(t, admin, base+topic); !strings.Contains(body, "可以用分蛋糕的情境") {
				t.Fatal("hidden reply not shown to a lead")
			}
			if resp, _ = forumDo(t, teacher, "GET", base+"/attachments/"+itoa(img.ID)+"/x", "", nil, nil); resp.StatusCode != 404 {
				t.Fatalf("hidden reply's image: %d", resp.StatusCode)
			}
			if code, _, _ = post(t, teacher, base+topic+"/lock", url.Values{"csrf": {csrf}, "on": {"1"}}); code != http.StatusForbidden {
				t.Fatalf("member locks: %d", code)
			}
			if code, _, _ = post(t, admin, base+topic+"/lock", url.Values{"csrf": {acsrf}, "on": {"1"}}); code != http.StatusSeeOther {
				t.Fatalf("lead locks: %d", code)
			}
			if code, body, _ := post(t, colleague, base+topic+"/replies", url.Values{"csrf": {ccsrf}, "body": {"还能说吗"}}); code != http.StatusConflict {
				t.Fatalf("reply to a locked topic: %d %s", code, body)
			}
			scsrf := f.srv.CSRF(t, stranger, "/")
			if code, _, _ = post(t, stranger, base+topic+"/report", url.Values{"csrf": {scsrf}, "reason": {"off_topic"}}); code != http.StatusSeeOther {
				t.Fatalf("report: %d", code)
			}
			if code, body, _ := post(t, stranger, base+topic+"/report", url.Values{"csrf": {scsrf}, "reason": {"spam"}}); code != http.StatusConflict ||
				!strings.Contains(body, "您已经举报过") {
				t.Fatalf("second report: %d", code)
			}
			if _, body := get(t, admin, base+"/c/"+open+"/reports"); !strings.Contains(body, "与研修无关") || !strings.Contains(body, "/reports/") {
				t.Fatal("report missing from the queue")
			}
		})
	}
}

func TestDiscussionJunk(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) { discussionJunk(t, e) })
	}
}

func discussionJunk(t *testing.T, e testkit.Engine) {
	f := newForumFixture(t, e)
	base := f.srv.URL
	ctx := context.Background()
	svc := f.srv.App.Service
	tp, err := svc.CreateTopic(ctx, f.teacher, f.open.Space.ID, discussion.TopicInput{Title: "t", Body: "b"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rp, err := svc.Reply(ctx, f.colleague, tp.ID, discussion.ReplyInput{Body: "r"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	open, topic, reply := itoa(f.open.Space.ID), "/topics/"+itoa(tp.ID), "/replies/"+itoa(rp.ID)
	for _, who := range []string{"admin", "member"} {
		c := f.client(t, f.schoolAdm)
		if who == "member" {
			c = f.client(t, f.teacher)
		}
		csrf := f.srv.CSRF(t, c, "/")
		routes := []string{"/c/" + open + "/boards", "/c/" + open + "/topics", "/c/x/topics", "/c/999999/topics", "/reports/1", "/reports/x",
			topic, topic + "/replies", topic + "/pin", topic + "/lock", topic + "/move", topic + "/hide", topic + "/report",
			reply, reply + "/like", reply + "/unlike", reply + "/expert", reply + "/hide", reply + "/report",
			"/topics/999999/replies", "/replies/999999/like", "/replies/x/expert"}
		bodies := []struct{ ct, body string }{
			{"application/x-www-form-urlencoded", "csrf=" + csrf + "&%zz=1&title=%&body=%"},
			{"application/x-www-form-urlencoded", "csrf=" + csrf + "&board=-5&theme=abc&parent=99999999999999999999&quote=-1&on=2&reason=%00&title=" + strings.Repeat("题", 500)},
			{"application/x-www-form-urlencoded", "csrf=" + csrf + "&body=" + strings.Repeat("x", 200_000) + "&title=t&reason=other"},
			{"multipart/form-data; boundary=zzz", "--zzz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf +
				"\r\n--zzz\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nt\r\n--zzz\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nb" +
				"\r\n--zzz\r\nContent-Disposition: form-data; name=\"files\"; filename=\"../../etc/passwd\"\r\n\r\n\x00\x01garbage\r\n--zzz--\r\n"},
			{"multipart/form-data; boundary=zzz", "--zzz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf +
				"\r\n--zzz\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nb\r\n--zzz\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\"\r\n\r\n\r\n--zzz--\r\n"},
			{"multipart/form-data; boundary=zzz", "--zzz\r\nbroken"},
			{"application/json", `{"csrf":`},
			{"application/x-www-form-urlencoded", "csrf=" + csrf + "&body=%C3%28&title=a%00b&name=x%00"},
		}
		for _, r := range routes {
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
					t.Errorf("%s: POST %s (%s) = %d", who, r, b.ct, resp.StatusCode)
				}
			}
		}
		for _, p := range []string{"/c/" + open + "/discuss?board=%00", "/c/" + open + "/discuss?board=abc", "/c/" + open + "/discuss?board=999",
			"/c/" + open + "/discuss?page=-1&hidden=1", "/c/x/discuss", topic + "?page=-3&reply_to=abc&quote=%FF", topic + "?reply_to=99999&quote=1",
			"/c/" + open + "/members/suggest?q=%25_%5C", "/c/" + open + "/members/suggest?q=" + strings.Repeat("a", 300), "/c/x/members/suggest",
			"/attachments/x/y", "/attachments/1/%00", "/replies/x", "/replies/99999", topic + "/revisions", "/topics/x/revisions",
			"/c/" + open + "/reports?status=%00", reply + "/edit", topic + "/edit", reply + "/report", "/c/999/topics/new?board=x&theme=y"} {
			code, _ := get(t, c, base+p)
			if code >= 500 {
				t.Errorf("%s: GET %s = %d", who, p, code)
			}
		}
	}
}

// TestDiscussionMessageKeys checks that every message key the discussion
// templates name exists in every language.
func TestDiscussionMessageKeys(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`"((?:discussion|community|nav|button|form)\.[a-z_.]*[a-z_])"`)
	for _, page := range []string{"discuss", "topic", "topic_form", "post_form", "revisions", "report_form", "reports"} {
		src, err := os.ReadFile("templates/pages/" + page + ".html")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(src), -1) {
			if strings.HasSuffix(m[1], ".css") || strings.HasSuffix(m[1], ".js") {
				continue // asset names
			}
			for _, lang := range i18n.Languages() {
				if !cat.Has(lang, m[1]) {
					t.Errorf("%s.html: %s has no %s text", page, m[1], lang)
				}
			}
		}
	}
	for _, r := range discussion.ReportReasons {
		for _, lang := range i18n.Languages() {
			if !cat.Has(lang, "discussion.report.reason."+r) {
				t.Errorf("reason %s has no %s text", r, lang)
			}
		}
	}
}

// A topic page's content is rendered once per class of viewer and shared,
// yet every viewer's forms carry their own CSRF token (and the placeholder
// that stands for it in the cache never reaches a page), each sees their
// own likes and edit links, and a new reply shows on the next visit.
func TestTopicContentSharedPerViewerClass(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			f := newForumFixture(t, e)
			base := f.srv.URL
			ctx := context.Background()
			svc := f.srv.App.Service
			tp, err := svc.CreateTopic(ctx, f.schoolAdm, f.open.Space.ID, discussion.TopicInput{Title: "单元整体教学", Body: "怎么做"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			var replies []*discussion.Reply
			for _, body := range []string{"第一条", "第二条"} {
				r, err := svc.Reply(ctx, f.schoolAdm, tp.ID, discussion.ReplyInput{Body: body}, nil)
				if err != nil {
					t.Fatal(err)
				}
				replies = append(replies, r)
			}
			mine, err := svc.Reply(ctx, f.colleague, tp.ID, discussion.ReplyInput{Body: "同事的回复"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Like(ctx, f.teacher, replies[0].ID); err != nil {
				t.Fatal(err)
			}
			topic := base + "/topics/" + itoa(tp.ID)
			teacher, colleague, anon := f.client(t, f.teacher), f.client(t, f.colleague), f.client(t, nil)
			tokens := map[*http.Client]string{teacher: f.srv.CSRF(t, teacher, "/"), colleague: f.srv.CSRF(t, colleague, "/")}
			unlike := `action="/replies/` + itoa(replies[0].ID) + `/unlike"`
			edit := `href="/replies/` + itoa(mine.ID) + `/edit"`
			hole := regexp.MustCompile(`csrf-hole-[0-9a-f]+`)
			for round := range 2 { // the second comes from the cache
				for c, token := range tokens {
					code, body := get(t, c, topic)
					wantStatus(t, "topic page", code, http.StatusOK, body, "第二条", `name="csrf" value="`+token+`"`)
					if hole.MatchString(body) {
						t.Fatalf("round %d: the CSRF placeholder reached a page", round)
					}
					for _, other := range tokens {
						if other != token && strings.Contains(body, other) {
							t.Fatalf("round %d: a page carries another viewer's CSRF token", round)
						}
					}
					if strings.Contains(body, unlike) != (c == teacher) {
						t.Errorf("round %d: like state shown to the wrong viewer", round)
					}
					if strings.Contains(body, edit) != (c == colleague) {
						t.Errorf("round %d: edit link shown to the wrong viewer", round)
					}
				}
				code, body := get(t, anon, topic)
				wantStatus(t, "topic page for a visitor", code, http.StatusOK, body, "第二条")
				if strings.Contains(body, `name="csrf" value="`+tokens[teacher]) || hole.MatchString(body) {
					t.Fatalf("round %d: a visitor's page carries a member's token or the placeholder", round)
				}
			}
			if _, err := svc.Reply(ctx, f.teacher, tp.ID, discussion.ReplyInput{Body: "新的回复"}, nil); err != nil {
				t.Fatal(err)
			}
			code, body := get(t, colleague, topic)
			wantStatus(t, "topic page after a reply", code, http.StatusOK, body, "新的回复")
		})
	}
}
