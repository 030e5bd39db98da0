package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/config"
	"github.com/yanxiu/yanxiu/internal/notify"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/testkit"
	"github.com/yanxiu/yanxiu/internal/testkit/smtptest"
	"github.com/yanxiu/yanxiu/internal/testkit/testserver"
)

// mailFixture is a server whose notification e-mail goes to a loopback
// SMTP server, with two teachers who have addresses and one who does not.
type mailFixture struct {
	srv                     *testserver.Server
	smtp                    *smtptest.Server
	teacher, colleague, far *account.User
}

func newMailFixture(t *testing.T, e testkit.Engine) *mailFixture {
	t.Helper()
	smtp := smtptest.Start(t)
	srv := testserver.StartWith(t, e, testserver.Options{SMTP: config.SMTP{Host: smtp.Host, Port: smtp.Port, TLS: "none",
		From: "研修平台 <noreply@yanxiu.example>"}})
	svc := srv.App.Service
	ctx := context.Background()
	school, err := svc.CreateInstitution(ctx, nil, 0, service.InstitutionInput{Name: "青湖区实验小学", Level: space.School})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(name, display, email string) *account.User {
		u, err := svc.CreateUser(ctx, nil, service.NewUser{Username: name, Password: pw, Role: account.Teacher,
			InstitutionID: school.ID, Profile: service.Profile{DisplayName: display, Email: email}})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	return &mailFixture{srv: srv, smtp: smtp, teacher: mk("teacher", "张伟", "zhang.wei@school.example"),
		colleague: mk("colleague", "李娜", "li.na@school.example"), far: mk("faraway", "王芳", "")}
}

func (f *mailFixture) client(t *testing.T, u *account.User) *http.Client {
	c := f.srv.Client()
	if u != nil {
		f.srv.Login(t, c, u.Username, pw)
	}
	return c
}

var notificationID = regexp.MustCompile(`name="id" value="(\d+)"`)

func TestNotificationPagesNeedLoginAndCSRF(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			f := newMailFixture(t, e)
			base := f.srv.URL
			anon := f.client(t, nil)
			teacher := f.client(t, f.teacher)
			for _, path := range []string{"/notifications", "/settings/notifications", "/notifications/1/open"} {
				if code, _ := get(t, anon, base+path); code != http.StatusSeeOther {
					t.Errorf("anonymous GET %s = %d, want a login redirect", path, code)
				}
			}
			// The polled badge answers 204 when signed out, so htmx swaps nothing in.
			if code, body := get(t, anon, base+"/notifications/unread"); code != http.StatusNoContent || body != "" {
				t.Errorf("anonymous badge = %d %q", code, body)
			}
			csrf := f.srv.CSRF(t, teacher, "/notifications")
			for _, path := range []string{"/notifications/read-all", "/notifications/read", "/settings/notifications"} {
				if code, _, _ := post(t, teacher, base+path, url.Values{"id": {"1"}}); code != http.StatusForbidden {
					t.Errorf("POST %s without CSRF token = %d", path, code)
				}
				anonCSRF := f.srv.CSRF(t, anon, "/login")
				if code, _, loc := post(t, anon, base+path, url.Values{"csrf": {anonCSRF}}); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
					t.Errorf("anonymous POST %s = %d → %s", path, code, loc)
				}
			}
			if code, _, loc := post(t, teacher, base+"/notifications/read-all", url.Values{"csrf": {csrf}}); code != http.StatusSeeOther || loc != "/notifications" {
				t.Errorf("mark all read = %d → %s", code, loc)
			}
			if code, body := get(t, teacher, base+"/notifications"); code != 200 || !strings.Contains(body, "暂时没有提醒") ||
				!strings.Contains(body, `hx-get="/notifications/unread"`) || !strings.Contains(body, `hx-trigger="load, every 30s"`) {
				t.Errorf("empty inbox page = %d\n%s", code, body)
			}
		})
	}
}

func TestInboxPageMarksRead(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			f := newMailFixture(t, e)
			base := f.srv.URL
			teacher, colleague, far := f.client(t, f.teacher), f.client(t, f.colleague), f.client(t, f.far)
			for _, c := range []*http.Client{colleague, far} {
				csrf := f.srv.CSRF(t, c, "/u/teacher")
				if code, body, _ := post(t, c, base+"/u/teacher/follow", url.Values{"csrf": {csrf}}); code != http.StatusSeeOther {
					t.Fatalf("follow = %d %s", code, body)
				}
			}
			code, badge := get(t, teacher, base+"/notifications/unread")
			if code != 200 || !strings.Contains(badge, `class="badge badge-unread" aria-hidden="true">2</span>`) || !strings.Contains(badge, "2 条未读提醒") {
				t.Fatalf("badge = %d %q", code, badge)
			}
			if _, b := get(t, colleague, base+"/notifications/unread"); b != "" {
				t.Errorf("colleague's badge = %q, want nothing", b)
			}
			_, page := get(t, teacher, base+"/notifications")
			for _, want := range []string{"李娜 关注了你", "王芳 关注了你", "标为已读", "全部标为已读", "未读"} {
				if !strings.Contains(page, want) {
					t.Errorf("inbox lacks %q", want)
				}
			}
			ids := notificationID.FindAllStringSubmatch(page, -1)
			if len(ids) != 2 {
				t.Fatalf("%d mark-read forms", len(ids))
			}
			newest, oldest := ids[0][1], ids[1][1]
			// Another person can neither mark nor open the teacher's notifications.
			csrfC := f.srv.CSRF(t, colleague, "/notifications")
			post(t, colleague, base+"/notifications/read", url.Values{"csrf": {csrfC}, "id": {newest, oldest}})
			if code, _ := get(t, colleague, base+"/notifications/"+newest+"/open"); code != http.StatusNotFound {
				t.Errorf("colleague opened the teacher's notification: %d", code)
			}
			if _, b := get(t, teacher, base+"/notifications/unread"); !strings.Contains(b, ">2<") {
				t.Fatalf("someone else changed the teacher's unread count: %q", b)
			}
			csrf := f.srv.CSRF(t, teacher, "/notifications")
			if code, _, _ := post(t, teacher, base+"/notifications/read", url.Values{"csrf": {csrf}, "id": {"junk"}}); code != http.StatusBadRequest {
				t.Errorf("junk id = %d", code)
			}
			if code, _, loc := post(t, teacher, base+"/notifications/read", url.Values{"csrf": {csrf}, "id": {oldest}, "unread": {"1"}}); code != http.StatusSeeOther || loc != "/notifications?unread=1" {
				t.Fatalf("mark read = %d → %s", code, loc)
			}
			_, unread := get(t, teacher, base+"/notifications?unread=1")
			if !strings.Contains(unread, "王芳 关注了你") || strings.Contains(unread, "李娜 关注了你") || !strings.Contains(unread, "已标为已读") {
				t.Errorf("unread-only page after marking:\n%s", unread)
			}
			// Following the link opens the follower's space and clears the notification.
			if code, loc := redirect(t, teacher, base+"/notifications/"+newest+"/open"); code != http.StatusSeeOther || loc != "/u/faraway" {
				t.Errorf("open = %d → %s", code, loc)
			}
			if code, b := get(t, teacher, base+"/notifications/unread"); code != 200 || b != "" {
				t.Errorf("badge after reading everything = %d %q", code, b)
			}
			_, unread = get(t, teacher, base+"/notifications?unread=1")
			if !strings.Contains(unread, "没有未读提醒") {
				t.Errorf("unread-only page not empty")
			}
		})
	}
}

func TestNotificationPreferencesPage(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			f := newMailFixture(t, e)
			base := f.srv.URL
			teacher := f.client(t, f.teacher)
			_, page := get(t, teacher, base+"/settings/notifications")
			for _, want := range []string{`name="mode_mention" value="immediately" aria-labelledby="kind-mention mode-mention-immediately" checked`,
				`name="mode_follow" value="digest" aria-labelledby="kind-follow mode-follow-digest" checked`, "有人提到我", "每日摘要"} {
				if !strings.Contains(page, want) {
					t.Errorf("preferences page lacks %q", want)
				}
			}
			if strings.Contains(page, "还没有邮箱地址") {
				t.Error("no-address warning shown to a teacher with an address")
			}
			csrf := f.srv.CSRF(t, teacher, "/settings/notifications")
			code, _, loc := post(t, teacher, base+"/settings/notifications", url.Values{"csrf": {csrf},
				"mode_follow": {"immediately"}, "mode_mention": {"off"}})
			if code != http.StatusSeeOther || loc != "/settings/notifications" {
				t.Fatalf("save = %d → %s", code, loc)
			}
			_, page = get(t, teacher, base+"/settings/notifications")
			if !strings.Contains(page, `name="mode_follow" value="immediately" aria-labelledby="kind-follow mode-follow-immediately" checked`) ||
				!strings.Contains(page, `name="mode_mention" value="off" aria-labelledby="kind-mention mode-mention-off" checked`) || !strings.Contains(page, "提醒设置已保存") {
				t.Errorf("saved preferences not shown")
			}
			if code, _, _ := post(t, teacher, base+"/settings/notifications", url.Values{"csrf": {csrf}, "mode_reply": {"sometimes"}}); code != http.StatusUnprocessableEntity {
				t.Errorf("invalid mode = %d", code)
			}
			far := f.client(t, f.far)
			if _, page := get(t, far, base+"/settings/notifications"); !strings.Contains(page, "还没有邮箱地址") {
				t.Error("no warning for a teacher without an address")
			}
		})
	}
}

// A follow in immediate mode becomes an e-mail on the loopback SMTP server
// through the job runner, and its one-click unsubscribe link works without
// a session or CSRF token.
func TestNotificationEmailAndOneClickUnsubscribe(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			f := newMailFixture(t, e)
			base := f.srv.URL
			ctx := context.Background()
			svc := f.srv.App.Service
			if err := svc.SetPreferences(ctx, f.teacher, notify.Preferences{notify.Follow: notify.Immediately}); err != nil {
				t.Fatal(err)
			}
			colleague := f.client(t, f.colleague)
			csrf := f.srv.CSRF(t, colleague, "/u/teacher")
			if code, _, _ := post(t, colleague, base+"/u/teacher/follow", url.Values{"csrf": {csrf}}); code != http.StatusSeeOther {
				t.Fatalf("follow = %d", code)
			}
			m := f.smtp.Wait(t, 1, 10*time.Second)[0]
			if m.ParseErr != nil {
				t.Fatalf("malformed e-mail: %v\n%s", m.ParseErr, m.Raw)
			}
			if m.To[0] != "zhang.wei@school.example" || m.Subject != "李娜 关注了你" || m.Get("From") != "研修平台 <noreply@yanxiu.example>" {
				t.Errorf("e-mail to %v, subject %q, from %q", m.To, m.Subject, m.Get("From"))
			}
			if !strings.Contains(m.Text, base+"/u/colleague") || !strings.Contains(m.HTML, `href="`+base+`/u/colleague"`) {
				t.Errorf("e-mail lacks the link to the follower:\n%s", m.Text)
			}
			link := strings.Trim(m.Get("List-Unsubscribe"), "<>")
			if !strings.HasPrefix(link, base+"/unsubscribe?token=") || m.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
				t.Fatalf("List-Unsubscribe = %q", link)
			}
			anon := f.srv.Client()
			// Opening the link only asks; mail scanners that fetch it change nothing.
			code, page := get(t, anon, link)
			if code != 200 || !strings.Contains(page, "新的关注者") || !strings.Contains(page, "确认退订") || !strings.Contains(page, "张伟") {
				t.Fatalf("confirm page = %d\n%s", code, page)
			}
			if p, _ := svc.Preferences(ctx, f.teacher); p[notify.Follow] != notify.Immediately {
				t.Fatal("GET unsubscribed")
			}
			tampered := strings.Replace(link, ".follow.", ".mention.", 1)
			if code, _ := get(t, anon, tampered); code != http.StatusNotFound {
				t.Errorf("tampered link = %d", code)
			}
			if code, _, _ := post(t, anon, tampered, url.Values{"List-Unsubscribe": {"One-Click"}}); code != http.StatusNotFound {
				t.Errorf("tampered one-click = %d", code)
			}
			// RFC 8058: a POST with just this body, no cookies, no CSRF token.
			resp, err := http.Post(link, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("one-click unsubscribe = %d", resp.StatusCode)
			}
			if p, _ := svc.Preferences(ctx, f.teacher); p[notify.Follow] != notify.Off || p[notify.Mention] != notify.Immediately {
				t.Fatalf("after one-click: %v", p)
			}
			// Unfollow and follow again: the inbox hears of it, the mailbox does not.
			post(t, colleague, base+"/u/teacher/follow", url.Values{"csrf": {csrf}, "action": {"unfollow"}})
			post(t, colleague, base+"/u/teacher/follow", url.Values{"csrf": {csrf}})
			if n, _ := svc.UnreadCount(ctx, f.teacher); n != 2 {
				t.Errorf("unread = %d", n)
			}
			jobs, _ := f.srv.App.DB.R().JobsOfKind(ctx, service.JobNotificationMail, 10)
			if len(jobs) != 1 {
				t.Errorf("%d mail jobs after unsubscribing, want the first only", len(jobs))
			}
		})
	}
}

// redirect GETs u and returns the status and Location.
func redirect(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}
