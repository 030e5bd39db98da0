package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/testkit"
	"github.com/yanxiu/yanxiu/internal/testkit/testserver"
)

const pw = "secret-pass-1"

// fixture is a district with two schools and people in each.
type fixture struct {
	srv                                     *testserver.Server
	district, school, other                 *space.Space
	teacher, colleague, stranger, schoolAdm *account.User
}

func newFixture(t *testing.T, e testkit.Engine) *fixture {
	t.Helper()
	srv := testserver.Start(t, e)
	svc := srv.App.Service
	ctx := context.Background()
	f := &fixture{srv: srv}
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f.district, err = svc.CreateInstitution(ctx, nil, 0, service.InstitutionInput{Name: "青湖区", Level: space.District})
	must(err)
	f.school, err = svc.CreateInstitution(ctx, nil, f.district.ID, service.InstitutionInput{Name: "青湖区实验小学"})
	must(err)
	f.other, err = svc.CreateInstitution(ctx, nil, f.district.ID, service.InstitutionInput{Name: "第二中学"})
	must(err)
	mk := func(name, display string, role account.Role, inst int64) *account.User {
		u, err := svc.CreateUser(ctx, nil, service.NewUser{Username: name, Password: pw, Role: role, InstitutionID: inst,
			Profile: service.Profile{DisplayName: display}})
		must(err)
		return u
	}
	f.teacher = mk("teacher", "张伟", account.Teacher, f.school.ID)
	f.colleague = mk("colleague", "李娜", account.Teacher, f.school.ID)
	f.stranger = mk("stranger", "王芳", account.Teacher, f.other.ID)
	f.schoolAdm = mk("principal", "陈校长", account.SchoolAdmin, f.school.ID)
	return f
}

func (f *fixture) client(t *testing.T, u *account.User) *http.Client {
	c := f.srv.Client()
	if u != nil {
		f.srv.Login(t, c, u.Username, pw)
	}
	return c
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (int, string, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

func TestPagesAndPermissions(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			base := f.srv.URL
			anon := f.client(t, nil)
			teacher := f.client(t, f.teacher)
			stranger := f.client(t, f.stranger)
			csrf := f.srv.CSRF(t, teacher, "/")

			// Write one entry of each visibility.
			ids := map[string]string{}
			for _, vis := range []string{"public", "institution", "private"} {
				code, body, loc := post(t, teacher, base+"/journal", url.Values{"csrf": {csrf}, "title": {"日志 " + vis},
					"body": {"# 反思\n\n今天的**课堂观察** <script>alert(1)</script>"}, "visibility": {vis}, "publish": {"1"}})
				if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/journal/") {
					t.Fatalf("create %s entry: %d %s", vis, code, body)
				}
				ids[vis] = loc
			}
			colleague := f.client(t, f.colleague)
			cases := []struct {
				name    string
				c       *http.Client
				path    string
				status  int
				want    []string
				notWant []string
			}{
				{"home anonymous", anon, "/", 200, []string{"研修", `href="/login"`}, nil},
				{"login page", anon, "/login", 200, []string{`name="password"`, `name="csrf"`}, nil},
				{"personal space anonymous sees public only", anon, "/u/teacher", 200, []string{"张伟", "日志 public"}, []string{"日志 institution", "日志 private"}},
				{"colleague sees institution entries", colleague, "/u/teacher", 200, []string{"日志 public", "日志 institution"}, []string{"日志 private"}},
				{"stranger from other school", stranger, "/u/teacher", 200, []string{"日志 public"}, []string{"日志 institution", "日志 private"}},
				{"owner sees everything", teacher, "/u/teacher", 200, []string{"日志 public", "日志 institution", "日志 private"}, nil},
				{"timeline loads lazily", anon, "/u/teacher", 200, []string{`hx-get="/u/teacher/activity"`}, nil},
				{"timeline for anonymous shows public entries only", anon, "/u/teacher/activity", 200,
					[]string{`id="timeline"`, "发布了日志：日志 public"}, []string{"日志 institution", "日志 private"}},
				{"owner's timeline", teacher, "/u/teacher/activity", 200, []string{"日志 private"}, nil},
				{"entry is sanitised", anon, ids["public"], 200, []string{"<strong>课堂观察</strong>"}, []string{"<script>alert(1)"}},
				{"institution entry hidden from stranger", stranger, ids["institution"], 404, nil, []string{"日志 institution"}},
				{"private entry hidden from colleague", colleague, ids["private"], 404, nil, nil},
				{"private entry asks anonymous to log in", anon, ids["private"], 303, nil, nil},
				{"school page", stranger, "/i/" + itoa(f.school.ID), 200, []string{"青湖区实验小学", "张伟", "李娜"}, []string{"/roster"}},
				{"school page for its admin", f.client(t, f.schoolAdm), "/i/" + itoa(f.school.ID), 200, []string{"/roster"}, nil},
				{"roster page forbidden to teacher", teacher, "/i/" + itoa(f.school.ID) + "/roster", 403, nil, nil},
				{"roster page of other school forbidden to school admin", f.client(t, f.schoolAdm), "/i/" + itoa(f.other.ID) + "/roster", 403, nil, nil},
				{"unknown user", anon, "/u/nobody", 404, nil, nil},
				{"junk id", anon, "/journal/abc", 404, nil, nil},
				{"unknown page", anon, "/no/such/page", 404, nil, nil},
				{"settings need login", anon, "/settings/profile", 303, nil, nil},
				{"atom feed", anon, "/u/teacher/feed.atom", 200, []string{"<feed", "日志 public"}, []string{"日志 institution", "日志 private"}},
				{"health", anon, "/healthz", 200, []string{`"status":"ok"`, `"database":"` + e.Name + `"`}, nil},
				{"english", teacher, "/settings/profile", 200, []string{"个人资料"}, nil},
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
		})
	}
}

func TestCSRFAndBadInput(t *testing.T) {
	e := testkit.Engines()[0]
	f := newFixture(t, e)
	base := f.srv.URL
	teacher := f.client(t, f.teacher)
	csrf := f.srv.CSRF(t, teacher, "/")

	// No token, wrong token: rejected, nothing written.
	for _, tok := range []string{"", "wrong-token-wrong-token"} {
		code, _, _ := post(t, teacher, base+"/journal", url.Values{"csrf": {tok}, "title": {"x"}, "body": {"y"}, "visibility": {"public"}})
		if code != http.StatusForbidden {
			t.Fatalf("POST without valid CSRF = %d, want 403", code)
		}
	}
	if _, body := get(t, teacher, base+"/u/teacher"); strings.Contains(body, `href="/journal/1"`) {
		t.Fatal("an entry was written despite the CSRF failure")
	}
	// Cross-origin form posts are refused even with a token.
	req, _ := http.NewRequest("POST", base+"/journal", strings.NewReader(url.Values{"csrf": {csrf}, "title": {"x"}}.Encode()))
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

	// Field-level errors, in Chinese by default.
	code, body, _ := post(t, teacher, base+"/journal", url.Values{"csrf": {csrf}, "title": {""}, "body": {"x"}, "visibility": {"nonsense"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "此项为必填项") || !strings.Contains(body, `class="field-error"`) {
		t.Fatalf("invalid entry: %d\n%s", code, body)
	}
	code, body, _ = post(t, teacher, base+"/settings/profile", url.Values{"csrf": {csrf}, "years_of_teaching": {"abc"}, "email": {"not-an-email"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "请输入数字") {
		t.Fatalf("invalid profile: %d\n%s", code, body)
	}
	// Oversize bodies are refused, not a 500.
	big := strings.Repeat("长", 2<<20)
	code, _, _ = post(t, teacher, base+"/journal", url.Values{"csrf": {csrf}, "title": {"x"}, "body": {big}, "visibility": {"public"}})
	if code >= 500 {
		t.Fatalf("oversize body gave %d", code)
	}
}

// TestNoServerErrorsOnJunk posts malformed forms to every state-changing route.
func TestNoServerErrorsOnJunk(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) { junkEverywhere(t, e) })
	}
}

func junkEverywhere(t *testing.T, e testkit.Engine) {
	f := newFixture(t, e)
	base := f.srv.URL
	c := f.client(t, f.schoolAdm)
	csrf := f.srv.CSRF(t, c, "/")
	sid := itoa(f.school.ID)
	routes := []string{"/login", "/logout", "/lang", "/u/teacher/follow", "/u/nobody/follow", "/journal", "/journal/1", "/journal/999999",
		"/journal/x/delete", "/journal/1/comments", "/settings/profile", "/settings/avatar", "/settings/password",
		"/settings/tokens", "/settings/tokens/77/delete", "/i/" + sid, "/i/" + sid + "/children", "/i/" + sid + "/announcements",
		"/i/" + sid + "/announcements/5/delete", "/i/" + sid + "/roster", "/i/" + sid + "/roster/apply", "/i/abc/roster"}
	bodies := []struct{ ct, body string }{
		{"application/x-www-form-urlencoded", "csrf=" + csrf + "&%zz=1&title=%"},
		{"application/x-www-form-urlencoded", "csrf=" + csrf + "&years_of_teaching=-5&subjects=nonsense&lang=xx&visibility=%00&name=" + strings.Repeat("x", 500)},
		{"multipart/form-data; boundary=zzz", "--zzz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf + "\r\n--zzz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../etc/passwd\"\r\n\r\n\x00\x01garbage\r\n--zzz--\r\n"},
		{"multipart/form-data; boundary=zzz", "--zzz\r\nbroken"},
		{"application/json", `{"csrf":`},
		{"application/x-www-form-urlencoded", "csrf=" + csrf + "&username=%00root&password=%FF%FE&title=a%00b&body=%C3%28&name=x%00"},
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
	for _, p := range []string{"/u/%00", "/u/%FF%FE", "/i?q=%00", "/i?q=%FF", "/journal/%00", "/u/teacher?page=%FF", "/login?next=%00"} {
		code, _ := get(t, c, base+p)
		if code >= 500 {
			t.Errorf("GET %s = %d", p, code)
		}
	}
	// The anonymous login form gets the same protection.
	anon := f.client(t, nil)
	tok := f.srv.CSRF(t, anon, "/login")
	code, _, _ := post(t, anon, base+"/login", url.Values{"csrf": {tok}, "username": {"te\x00acher"}, "password": {"\xff"}})
	if code != http.StatusBadRequest {
		t.Errorf("login with NUL = %d, want 400", code)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
