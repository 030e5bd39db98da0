package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// dmFixture adds a platform admin and a cross-school community to the web
// fixture; shareCommunity puts teacher and stranger in it.
type dmFixture struct {
	*fixture
	admin *account.User
	svc   *service.Service
	ctx   context.Context
}

func newDMFixture(t *testing.T, e testkit.Engine) *dmFixture {
	t.Helper()
	f := &dmFixture{fixture: newFixture(t, e), ctx: context.Background()}
	f.svc = f.srv.App.Service
	var err error
	f.admin, err = f.svc.CreateUser(f.ctx, nil, service.NewUser{Username: "root", Password: pw, Role: account.Admin})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *dmFixture) shareCommunity(t *testing.T, people ...*account.User) {
	t.Helper()
	c, err := f.svc.CreateCommunity(f.ctx, f.schoolAdm, f.school.ID, community.Input{Name: "跨校阅读教学工作坊",
		JoinPolicy: community.Open, Visibility: space.Public})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range people {
		if _, err := f.svc.Join(f.ctx, u, c.Space.ID, ""); err != nil {
			t.Fatal(err)
		}
	}
}

// checkDM asserts a response's status and what its body must and must not contain.
func checkDM(t *testing.T, what string, code int, body string, wantCode int, want, notWant []string) {
	t.Helper()
	if code != wantCode {
		t.Fatalf("%s = %d, want %d\n%s", what, code, wantCode, body)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
	for _, w := range notWant {
		if strings.Contains(body, w) {
			t.Errorf("%s: must not contain %q", what, w)
		}
	}
}

func TestDirectMessagesOverHTTP(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) { directMessages(t, e) })
	}
}

func directMessages(t *testing.T, e testkit.Engine) {
	f := newDMFixture(t, e)
	base := f.srv.URL
	teacher, stranger := f.client(t, f.teacher), f.client(t, f.stranger)
	colleague, admin, anon := f.client(t, f.colleague), f.client(t, f.admin), f.client(t, nil)
	tok := func(c *http.Client) string { return f.srv.CSRF(t, c, "/") }

	// The button shows on someone else's space, not on one's own or to visitors.
	code, body := get(t, teacher, base+"/u/stranger")
	checkDM(t, "stranger's space", code, body, 200, []string{`href="/messages/stranger"`, "发私信"}, nil)
	code, body = get(t, teacher, base+"/u/teacher")
	checkDM(t, "own space", code, body, 200, nil, []string{`href="/messages/teacher"`})
	code, body = get(t, anon, base+"/u/teacher")
	checkDM(t, "space for visitors", code, body, 200, nil, []string{`href="/messages/teacher"`})

	// No common community yet: no conversation, and sending is refused.
	code, body = get(t, teacher, base+"/messages/stranger")
	checkDM(t, "conversation without a community", code, body, 404, nil, nil)
	code, _, _ = post(t, teacher, base+"/messages/stranger", url.Values{"csrf": {tok(teacher)}, "body": {"你好"}})
	if code != http.StatusNotFound {
		t.Fatalf("send without a community = %d, want 404", code)
	}

	f.shareCommunity(t, f.teacher, f.stranger)
	code, body = get(t, teacher, base+"/messages/stranger")
	checkDM(t, "empty conversation", code, body, 200, []string{"王芳", `action="/messages/stranger"`, `name="body"`}, nil)
	code, body, loc := post(t, teacher, base+"/messages/stranger", url.Values{"csrf": {tok(teacher)},
		"body": {"王老师好，**周三**的课例研讨 <script>alert(1)</script>"}})
	if code != http.StatusSeeOther || loc != "/messages/stranger#latest" {
		t.Fatalf("send = %d %q\n%s", code, loc, body)
	}
	code, body = get(t, stranger, base+"/messages")
	checkDM(t, "recipient's inbox", code, body, 200, []string{"张伟", "1 条未读", `href="/messages/teacher"`}, []string{"<script>"})
	code, body = get(t, stranger, base+"/messages/teacher")
	checkDM(t, "recipient's conversation", code, body, 200, []string{"<strong>周三</strong>", "举报"}, []string{"<script>alert"})
	code, body = get(t, stranger, base+"/messages")
	checkDM(t, "inbox after reading", code, body, 200, []string{"张伟"}, []string{"条未读"})
	code, body = get(t, f.client(t, f.teacher), base+"/messages")
	checkDM(t, "sender's inbox", code, body, 200, []string{"王芳", "我："}, []string{"条未读"})

	// Empty and oversize replies come back with the text kept.
	code, body, _ = post(t, teacher, base+"/messages/stranger", url.Values{"csrf": {tok(teacher)}, "body": {"  "}})
	checkDM(t, "empty reply", code, body, 422, []string{"此项为必填项", `class="field-error"`}, nil)
	code, body, _ = post(t, teacher, base+"/messages/stranger", url.Values{"csrf": {tok(teacher)}, "body": {strings.Repeat("长", 5001)}})
	checkDM(t, "long reply", code, body, 422, []string{"不能超过 5000 个字符"}, nil)

	// Privacy: nobody else reads the conversation, admins included.
	msgID := f.firstMessage(t, f.stranger, "teacher")
	for name, c := range map[string]*http.Client{"colleague": colleague, "admin": admin} {
		for _, p := range []string{"/messages/teacher", "/messages/stranger"} {
			code, body = get(t, c, base+p)
			checkDM(t, name+" GET "+p, code, body, 404, nil, []string{"周三"})
		}
		code, body = get(t, c, base+"/messages")
		checkDM(t, name+"'s inbox", code, body, 200, nil, []string{"周三", "张伟", "王芳"})
		code, _, _ = post(t, c, base+"/messages/report/"+itoa(msgID), url.Values{"csrf": {tok(c)}, "reason": {"spam"}})
		if code != http.StatusNotFound {
			t.Fatalf("%s reports someone else's message: %d, want 404", name, code)
		}
	}
	code, body = get(t, admin, base+"/admin/message-reports")
	checkDM(t, "report queue before any report", code, body, 200, []string{"没有举报"}, []string{"周三"})
	code, _ = get(t, teacher, base+"/admin/message-reports")
	checkDM(t, "report queue for a teacher", code, "", 403, nil, nil)
	code, _ = get(t, f.client(t, f.schoolAdm), base+"/admin/message-reports")
	checkDM(t, "report queue for a school admin", code, "", 403, nil, nil)
	for _, p := range []string{"/messages", "/messages/teacher", "/admin/message-reports"} {
		if code, _ := get(t, anon, base+p); code != http.StatusSeeOther {
			t.Errorf("anonymous GET %s = %d, want a redirect to log in", p, code)
		}
	}

	// Reporting: the recipient reports, the admin sees that message only and hides it.
	code, _, loc = post(t, stranger, base+"/messages/report/"+itoa(msgID), url.Values{"csrf": {tok(stranger)},
		"reason": {"spam"}, "with": {"teacher"}})
	if code != http.StatusSeeOther || loc != "/messages/teacher#m"+itoa(msgID) {
		t.Fatalf("report = %d %q", code, loc)
	}
	code, _, _ = post(t, stranger, base+"/messages/report/"+itoa(msgID), url.Values{"csrf": {tok(stranger)}, "reason": {"spam"}})
	if code != http.StatusSeeOther {
		t.Fatalf("second report = %d, want a redirect with a notice", code)
	}
	code, body = get(t, admin, base+"/admin/message-reports")
	checkDM(t, "report queue", code, body, 200, []string{"<strong>周三</strong>", "垃圾广告", "张伟", "王芳", `value="hide"`}, nil)
	reportID := dmBetween(body, `<tr id="r`, `"`)
	code, _, _ = post(t, admin, base+"/admin/message-reports/"+reportID, url.Values{"csrf": {tok(admin)}, "action": {"hide"}})
	if code != http.StatusSeeOther {
		t.Fatalf("hide = %d", code)
	}
	code, body = get(t, teacher, base+"/messages/stranger")
	checkDM(t, "conversation after hiding", code, body, 200, []string{"这条消息已被管理员隐藏"}, []string{"周三"})
	code, body = get(t, admin, base+"/admin/message-reports?status=hidden")
	checkDM(t, "hidden reports", code, body, 200, []string{"<strong>周三</strong>", "已隐藏"}, []string{`value="hide"`})

	// Blocking: the blocked sender gets the neutral refusal, their text kept.
	code, _, loc = post(t, stranger, base+"/messages/teacher/block", url.Values{"csrf": {tok(stranger)}})
	if code != http.StatusSeeOther || loc != "/messages" {
		t.Fatalf("block = %d %q", code, loc)
	}
	code, body = get(t, stranger, base+"/messages")
	checkDM(t, "inbox with a block", code, body, 200, []string{"已屏蔽的人", `action="/messages/teacher/unblock"`}, nil)
	code, body, _ = post(t, teacher, base+"/messages/stranger", url.Values{"csrf": {tok(teacher)}, "body": {"还在吗？"}})
	checkDM(t, "blocked sender", code, body, 403, []string{"你目前无法给这位老师发私信", "还在吗？"}, []string{"已屏蔽"})
	code, body = get(t, stranger, base+"/messages/teacher")
	checkDM(t, "blocker's conversation", code, body, 200, []string{"你已屏蔽 张伟", `action="/messages/teacher/unblock"`}, []string{`name="body"`})
	code, _, loc = post(t, stranger, base+"/messages/teacher/unblock", url.Values{"csrf": {tok(stranger)}, "next": {"conversation"}})
	if code != http.StatusSeeOther || loc != "/messages/teacher" {
		t.Fatalf("unblock = %d %q", code, loc)
	}
	code, _, _ = post(t, teacher, base+"/messages/stranger", url.Values{"csrf": {tok(teacher)}, "body": {"还在吗？"}})
	if code != http.StatusSeeOther {
		t.Fatalf("send after unblock = %d", code)
	}

	// Paging: the newest page links to older messages, which end at the first.
	for i := range 16 {
		f.send(t, f.teacher, "stranger", fmt.Sprint("甲", i))
		f.send(t, f.stranger, "teacher", fmt.Sprint("乙", i))
	}
	code, body = get(t, teacher, base+"/messages/stranger")
	checkDM(t, "newest page", code, body, 200, []string{"乙15", "查看更早的消息"}, []string{"甲0<"})
	older := dmBetween(body, `rel="prev" href="`, `"`)
	code, body = get(t, teacher, base+strings.ReplaceAll(older, "&amp;", "&"))
	checkDM(t, "older page", code, body, 200, []string{"这条消息已被管理员隐藏", "回到最新消息"}, []string{"乙15"})

	// A person named "report" can still be blocked: /messages/report/block.
	if _, err := f.svc.CreateUser(f.ctx, nil, service.NewUser{Username: "report", Password: pw, Role: account.Teacher,
		InstitutionID: f.school.ID}); err != nil {
		t.Fatal(err)
	}
	code, _, loc = post(t, teacher, base+"/messages/report/block", url.Values{"csrf": {tok(teacher)}})
	if code != http.StatusSeeOther || loc != "/messages" {
		t.Fatalf("block a user named report = %d %q", code, loc)
	}
	if blocked, _ := f.svc.BlockedUsers(f.ctx, f.teacher); len(blocked) != 1 || blocked[0].Username != "report" {
		t.Fatalf("blocked = %v", blocked)
	}
}

func (f *dmFixture) send(t *testing.T, from *account.User, to, body string) {
	t.Helper()
	if _, err := f.svc.SendMessage(f.ctx, from, to, body); err != nil {
		t.Fatal(err)
	}
}

// firstMessage is the ID of the oldest message u can see with other.
func (f *dmFixture) firstMessage(t *testing.T, u *account.User, other string) int64 {
	t.Helper()
	page, err := f.svc.Conversation(f.ctx, u, other, 0, 100)
	if err != nil || len(page.Messages) == 0 {
		t.Fatalf("conversation: %v", err)
	}
	return page.Messages[0].ID
}

// dmBetween returns the text after the first from and before the next to.
func dmBetween(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return ""
}

func TestDirectMessagesCSRFAndJunk(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			f := newDMFixture(t, e)
			f.shareCommunity(t, f.teacher, f.stranger)
			base := f.srv.URL
			teacher := f.client(t, f.teacher)
			csrf := f.srv.CSRF(t, teacher, "/")

			// No token, a wrong token, or a cross-site origin: refused, nothing sent.
			for _, tok := range []string{"", "wrong-token-wrong-token"} {
				for _, p := range []string{"/messages/stranger", "/messages/stranger/block", "/messages/report/1"} {
					code, _, _ := post(t, teacher, base+p, url.Values{"csrf": {tok}, "body": {"x"}, "reason": {"spam"}})
					if code != http.StatusForbidden {
						t.Fatalf("POST %s with CSRF %q = %d, want 403", p, tok, code)
					}
				}
			}
			req, _ := http.NewRequest("POST", base+"/messages/stranger", strings.NewReader(url.Values{"csrf": {csrf}, "body": {"x"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", "https://evil.example")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			resp, err := teacher.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("cross-site POST = %d, want 403", resp.StatusCode)
			}
			if page, err := f.svc.Conversation(f.ctx, f.teacher, "stranger", 0, 0); err != nil || len(page.Messages) != 0 {
				t.Fatalf("a message was sent despite the CSRF failures: %v %v", page, err)
			}
			if blocked, _ := f.svc.BlockedUsers(f.ctx, f.teacher); len(blocked) != 0 {
				t.Fatal("a block was set despite the CSRF failures")
			}

			// Junk input never gives a server error, for a member or an admin.
			f.send(t, f.stranger, "teacher", "你好")
			for _, c := range []*http.Client{teacher, f.client(t, f.admin)} {
				csrf := f.srv.CSRF(t, c, "/")
				routes := []string{"/messages/stranger", "/messages/nobody", "/messages/teacher", "/messages/x", "/messages/stranger/block",
					"/messages/stranger/unblock", "/messages/stranger/explode", "/messages/nobody/block", "/messages/report/1",
					"/messages/report/999999", "/messages/report/abc", "/messages/report/-1", "/messages/report/99999999999999999999",
					"/admin/message-reports/1", "/admin/message-reports/abc", "/admin/message-reports/999"}
				bodies := []struct{ ct, body string }{
					{"application/x-www-form-urlencoded", "csrf=" + csrf + "&%zz=1&body=%"},
					{"application/x-www-form-urlencoded", "csrf=" + csrf + "&body=" + strings.Repeat("x", 6000) + "&reason=nonsense&with=../../etc&action=nuke&next=//evil"},
					{"application/x-www-form-urlencoded", "csrf=" + csrf + "&body=a%00b&reason=%FF"},
					{"multipart/form-data; boundary=zzz", "--zzz\r\nbroken"},
					{"application/json", `{"csrf":`},
					{"application/x-www-form-urlencoded", "csrf=" + csrf},
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
							t.Errorf("POST %s (%s) = %d", r, b.ct, resp.StatusCode)
						}
					}
				}
				for _, p := range []string{"/messages?page=%FF", "/messages?page=-3", "/messages/%00", "/messages/%FF%FE",
					"/messages/stranger?before=abc", "/messages/stranger?before=-1", "/messages/stranger?before=99999999999999999999",
					"/messages/stranger?before=1", "/messages/" + strings.Repeat("a", 300), "/admin/message-reports?status=%FF&page=x",
					"/admin/message-reports?status=all", "/admin/message-reports?status=nonsense"} {
					if code, body := get(t, c, base+p); code >= 500 {
						t.Errorf("GET %s = %d\n%s", p, code, body)
					}
				}
			}
		})
	}
}
