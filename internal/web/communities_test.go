package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/testkit"
	"github.com/yanxiu/yanxiu/internal/testkit/testserver"
)

// testClock is a clock the test moves forward, so deadlines pass at once.
type testClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

// communityWorld is the HTTP fixture's district with two schools, plus a
// district facilitator who hosts communities across the schools.
type communityWorld struct {
	*fixture
	clock *testClock
	host  *account.User // facilitator at the district
}

func newCommunityWorld(t *testing.T, e testkit.Engine) *communityWorld {
	t.Helper()
	clock := &testClock{}
	srv := testserver.StartWithClock(t, e, clock.now)
	w := &communityWorld{fixture: populate(t, srv), clock: clock}
	var err error
	w.host, err = srv.App.Service.CreateUser(context.Background(), nil, service.NewUser{Username: "host", Password: pw,
		Role: account.Facilitator, InstitutionID: w.district.ID, Profile: service.Profile{DisplayName: "赵坊主"}})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// populate creates the people and places of newFixture on a running server.
func populate(t *testing.T, srv *testserver.Server) *fixture {
	t.Helper()
	svc := srv.App.Service
	ctx := context.Background()
	f := &fixture{srv: srv}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var err error
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

// user is a signed-in client with its CSRF token.
type user struct {
	c    *http.Client
	csrf string
}

func (w *communityWorld) as(t *testing.T, u *account.User) user {
	c := w.client(t, u)
	return user{c: c, csrf: w.srv.CSRF(t, c, "/")}
}

// post sends a form with the user's CSRF token.
func (u user) post(t *testing.T, base, path string, form url.Values) (int, string, string) {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", u.csrf)
	return post(t, u.c, base+path, form)
}

var communityLoc = regexp.MustCompile(`^/c/(\d+)$`)

// createCommunity creates a community through the form and returns its path.
func (w *communityWorld) createCommunity(t *testing.T, as user, inst int64, name, policy, vis string) string {
	t.Helper()
	code, body, loc := as.post(t, w.srv.URL, "/c", url.Values{"institution": {itoa(inst)}, "name": {name},
		"purpose": {"第一段目的。\n\n第二段：共同研究"}, "subject": {"math"}, "grade_band": {"primary"},
		"starts_on": {"2025-09-01"}, "ends_on": {"2026-01-15"}, "join_policy": {policy}, "visibility": {vis}, "member_cap": {""}})
	if code != http.StatusSeeOther || !communityLoc.MatchString(loc) {
		t.Fatalf("create community %q: %d %s\n%s", name, code, loc, body)
	}
	return loc
}

type pageCase struct {
	name    string
	c       *http.Client
	path    string
	status  int
	want    []string
	notWant []string
}

func checkPages(t *testing.T, base string, cases []pageCase) {
	t.Helper()
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
}

func wantStatus(t *testing.T, what string, code, want int, body string, contains ...string) {
	t.Helper()
	if code != want {
		t.Fatalf("%s = %d, want %d\n%s", what, code, want, body)
	}
	for _, c := range contains {
		if !strings.Contains(body, c) {
			t.Errorf("%s: body lacks %q", what, c)
		}
	}
}

func TestCommunityPages(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) { communityPages(t, e) })
	}
}

func communityPages(t *testing.T, e testkit.Engine) {
	w := newCommunityWorld(t, e)
	base := w.srv.URL
	anon := w.client(t, nil)
	host, principal := w.as(t, w.host), w.as(t, w.schoolAdm)
	teacher, colleague, stranger := w.as(t, w.teacher), w.as(t, w.colleague), w.as(t, w.stranger)

	// Creating: a teacher may not; bad input comes back with field errors and the values kept.
	code, body, _ := teacher.post(t, base, "/c", url.Values{"institution": {itoa(w.school.ID)}, "name": {"x"},
		"join_policy": {"open"}, "visibility": {"public"}})
	wantStatus(t, "teacher creates", code, http.StatusForbidden, body)
	code, body, _ = principal.post(t, base, "/c", url.Values{"institution": {itoa(w.school.ID)}, "name": {""},
		"purpose": {"保留的目的"}, "starts_on": {"2025-13-45"}, "member_cap": {"many"}, "join_policy": {"sometimes"}, "visibility": {"public"}})
	wantStatus(t, "invalid community", code, http.StatusUnprocessableEntity, body, "此项为必填项", "请输入数字", "保留的目的", `class="field-error"`)
	code, body, _ = principal.post(t, base, "/c", url.Values{"institution": {itoa(w.other.ID)}, "name": {"别校"},
		"join_policy": {"open"}, "visibility": {"public"}})
	wantStatus(t, "principal creates in another school", code, http.StatusForbidden, body)

	private := w.createCommunity(t, principal, w.school.ID, "校本私密工作坊", "request", "private")
	schoolOnly := w.createCommunity(t, principal, w.school.ID, "校内开放工作坊", "open", "institution")
	district := w.createCommunity(t, host, w.district.ID, "全区数学大单元共同体", "request", "institution")
	invite := w.createCommunity(t, host, w.district.ID, "名师邀请工作坊", "invite", "public")

	checkPages(t, base, []pageCase{
		{"new form offers home and district", host.c, "/c/new", 200, []string{"青湖区", `name="institution"`, `name="csrf"`}, nil},
		{"new form for the principal", principal.c, "/c/new", 200, []string{"青湖区实验小学", `value="` + itoa(w.school.ID) + `"`}, nil},
		{"new form needs login", anon, "/c/new", 303, nil, nil},
		{"private: stranger gets 404", stranger.c, private, 404, nil, []string{"校本私密工作坊"}},
		{"private: non-member teacher gets 404", teacher.c, private, 404, nil, []string{"校本私密工作坊"}},
		{"private: anonymous is asked to log in", anon, private, 303, nil, nil},
		{"private: the admin who hosts sees host tools", principal.c, private, 200,
			[]string{"校本私密工作坊", "筹备中", "开始研修", "加入申请", "点名邀请", "邀请链接", "第二段：共同研究", "2025-09-01 至 2026-01-15", "数学", "小学"}, nil},
		{"school-only: colleague sees join button", colleague.c, schoolOnly, 200, []string{"加入共同体", "自由加入"}, []string{"开始研修", "加入申请"}},
		{"school-only: stranger gets 404", stranger.c, schoolOnly, 404, nil, nil},
		{"district: stranger from the other school may request", stranger.c, district, 200, []string{"申请加入", `name="message"`}, []string{"开始研修"}},
		{"invite-only: says so", teacher.c, invite, 200, []string{"仅限邀请加入"}, []string{`id="join"`}},
		{"public community for anonymous", anon, invite, 200, []string{"名师邀请工作坊", "登录后加入"}, nil},
		{"directory for the stranger", stranger.c, "/c", 200, []string{"全区数学大单元共同体", "名师邀请工作坊"}, []string{"校本私密工作坊", "校内开放工作坊"}},
		{"directory for the teacher", teacher.c, "/c", 200, []string{"全区数学大单元共同体", "校内开放工作坊"}, []string{"校本私密工作坊"}},
		{"directory for anonymous", anon, "/c", 200, []string{"名师邀请工作坊"}, []string{"全区数学大单元共同体", "校内开放工作坊"}},
		{"directory search", teacher.c, "/c?q=" + url.QueryEscape("大单元"), 200, []string{"全区数学大单元共同体"}, []string{"校内开放工作坊"}},
		{"directory of the school", teacher.c, "/c?institution=" + itoa(w.school.ID), 200, []string{"校内开放工作坊"}, []string{"全区数学大单元共同体"}},
		{"host's own communities", host.c, "/c", 200, []string{"我加入的共同体", "创建共同体"}, nil},
		{"the teacher is offered no create button", teacher.c, "/c", 200, nil, []string{`href="/c/new`}},
		{"school page lists its communities", teacher.c, "/i/" + itoa(w.school.ID), 200, []string{"校内开放工作坊", `href="` + schoolOnly + `"`}, []string{`href="` + private + `"`}},
		// store.Children lists every child space, communities included, so
		// a private community's name shows among the sub-institutions.
		{"sub-institutions do not leak private communities", teacher.c, "/i/" + itoa(w.school.ID), 200, nil, []string{"校本私密工作坊"}},
		{"district page lists the subtree", stranger.c, "/i/" + itoa(w.district.ID), 200, []string{"全区数学大单元共同体"}, nil},
		{"host's space lists the communities", anon, "/u/host", 200, []string{"名师邀请工作坊"}, []string{"全区数学大单元共同体"}},
		{"nav link", teacher.c, "/", 200, []string{`href="/c"`, "研修共同体"}, nil},
		{"junk id", teacher.c, "/c/abc", 404, nil, nil},
		{"unknown id", teacher.c, "/c/999999", 404, nil, nil},
		{"institution id is not a community", teacher.c, "/c/" + itoa(w.school.ID), 404, nil, nil},
		{"junk directory filter", teacher.c, "/c?institution=abc", 404, nil, nil},
		{"edit form is for hosts", teacher.c, schoolOnly + "/edit", 403, nil, nil},
		{"edit form for the host", principal.c, schoolOnly + "/edit", 200, []string{`value="校内开放工作坊"`, `value="2025-09-01"`}, nil},
		{"themes of a private community", stranger.c, private + "/themes", 404, nil, nil},
	})

	// English is complete.
	req, _ := http.NewRequest("GET", base+invite, nil)
	req.Header.Set("Accept-Language", "en")
	resp, rerr := anon.Do(req)
	if rerr != nil {
		t.Fatal(rerr)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "By invitation") || !strings.Contains(string(b), "Sign in to join") {
		t.Errorf("English community page:\n%s", b)
	}

	// Joining: open, by request (approve and decline), by name, by link.
	code, body, loc := colleague.post(t, base, schoolOnly+"/join", nil)
	wantStatus(t, "join open", code, http.StatusSeeOther, body)
	if loc != schoolOnly {
		t.Errorf("join redirects to %q", loc)
	}
	checkPages(t, base, []pageCase{{"member sees leave", colleague.c, schoolOnly, 200, []string{"您已加入共同体", "退出共同体", "成员"}, []string{`id="join"`}}})

	code, body, _ = stranger.post(t, base, district+"/join", url.Values{"message": {strings.Repeat("长", 501)}})
	wantStatus(t, "too long join message", code, http.StatusUnprocessableEntity, body, "不能超过 500 个字符", strings.Repeat("长", 501))
	code, body, _ = stranger.post(t, base, district+"/join", url.Values{"message": {"我是二中数学老师，想参加"}})
	wantStatus(t, "request to join", code, http.StatusSeeOther, body)
	checkPages(t, base, []pageCase{
		{"pending notice", stranger.c, district, 200, []string{"正在等待坊主审核"}, []string{`name="message"`}},
		{"host sees the request", host.c, district, 200, []string{"王芳", "我是二中数学老师，想参加"}, nil},
	})
	code, body, _ = teacher.post(t, base, district+"/join", url.Values{"message": {"也想参加"}})
	wantStatus(t, "second request", code, http.StatusSeeOther, body)
	reqs, err := w.srv.App.Service.JoinRequests(context.Background(), w.host, idOf(district))
	if err != nil || len(reqs) != 2 {
		t.Fatalf("requests: %v %v", reqs, err)
	}
	code, body, _ = stranger.post(t, base, district+"/requests/"+itoa(reqs[0].ID), url.Values{"decision": {"approve"}})
	wantStatus(t, "a requester approves herself", code, http.StatusForbidden, body)
	code, body, _ = host.post(t, base, district+"/requests/"+itoa(reqs[1].ID), url.Values{"decision": {"decline"}, "reason": {strings.Repeat("x", 501)}})
	wantStatus(t, "decline reason too long", code, http.StatusUnprocessableEntity, body, "不能超过 500 个字符")
	code, body, _ = host.post(t, base, district+"/requests/"+itoa(reqs[1].ID), url.Values{"decision": {"decline"}, "reason": {"本期名额已满"}})
	wantStatus(t, "decline", code, http.StatusSeeOther, body)
	code, body, _ = host.post(t, base, district+"/requests/"+itoa(reqs[0].ID), url.Values{"decision": {"approve"}})
	wantStatus(t, "approve", code, http.StatusSeeOther, body)

	code, body, _ = host.post(t, base, district+"/invitations", url.Values{"usernames": {"colleague，nobody-here"}, "role": {"expert"}})
	wantStatus(t, "invite an unknown user", code, http.StatusUnprocessableEntity, body, "找不到用户 nobody-here", "colleague，nobody-here")
	code, body, _ = host.post(t, base, district+"/invitations", url.Values{"usernames": {"colleague principal"}, "role": {"member"}})
	wantStatus(t, "invite by name", code, http.StatusSeeOther, body)
	code, body, _ = colleague.post(t, base, district+"/join", nil)
	wantStatus(t, "invited colleague joins", code, http.StatusSeeOther, body)

	code, body, _ = host.post(t, base, invite+"/invite-links", url.Values{"days": {"abc"}, "max_uses": {"2"}})
	wantStatus(t, "bad link days", code, http.StatusUnprocessableEntity, body, "请输入数字")
	code, body, _ = host.post(t, base, invite+"/invite-links", url.Values{"days": {"500"}})
	wantStatus(t, "link days out of range", code, http.StatusUnprocessableEntity, body, "请输入 1 到 90 之间的数值")
	code, body, _ = host.post(t, base, invite+"/invite-links", url.Values{"days": {"7"}, "max_uses": {"1"}})
	wantStatus(t, "create invite link", code, http.StatusOK, body, "/join/")
	link := regexp.MustCompile(`http://[^<"]+/join/([A-Za-z0-9_-]+)`).FindStringSubmatch(body)
	if link == nil {
		t.Fatalf("no invite link shown:\n%s", body)
	}
	checkPages(t, base, []pageCase{
		{"link is shown once", host.c, invite, 200, nil, []string{link[1]}},
		{"confirm page", teacher.c, "/join/" + link[1], 200, []string{"接受邀请并加入", `action="/join/` + link[1] + `"`}, nil},
		{"confirm page needs login", anon, "/join/" + link[1], 303, nil, nil},
		{"junk token", teacher.c, "/join/!!", 404, nil, nil},
	})
	code, body, loc = teacher.post(t, base, "/join/"+link[1], nil)
	if code != http.StatusSeeOther || loc != invite {
		t.Fatalf("accept link: %d %s\n%s", code, loc, body)
	}
	code, body, _ = colleague.post(t, base, "/join/"+link[1], nil)
	wantStatus(t, "used-up link", code, http.StatusConflict, body, "使用次数已用完")
	code, body, _ = colleague.post(t, base, "/join/doesnotexist", nil)
	wantStatus(t, "unknown link", code, http.StatusNotFound, body, "邀请链接无效")

	// Member management: roles by hosts, removal by leads, never the last host.
	code, body, _ = teacher.post(t, base, invite+"/members/"+itoa(w.host.ID)+"/remove", nil)
	wantStatus(t, "member removes the host", code, http.StatusForbidden, body)
	code, body, _ = host.post(t, base, invite+"/members/"+itoa(w.host.ID)+"/role", url.Values{"role": {"member"}})
	wantStatus(t, "last host steps down", code, http.StatusConflict, body, "至少需要一位坊主")
	code, body, _ = host.post(t, base, invite+"/members/"+itoa(w.teacher.ID)+"/role", url.Values{"role": {"king"}})
	wantStatus(t, "unknown role", code, http.StatusUnprocessableEntity, body)
	code, body, _ = host.post(t, base, invite+"/members/"+itoa(w.teacher.ID)+"/role", url.Values{"role": {"expert"}})
	wantStatus(t, "make expert", code, http.StatusSeeOther, body)
	checkPages(t, base, []pageCase{{"role shown", anon, invite, 200, []string{"张伟", "专家"}, nil}})
	code, body, _ = host.post(t, base, invite+"/members/"+itoa(w.teacher.ID)+"/remove", nil)
	wantStatus(t, "remove member", code, http.StatusSeeOther, body)
	code, body, loc = colleague.post(t, base, schoolOnly+"/leave", nil)
	if code != http.StatusSeeOther || loc != "/c" {
		t.Fatalf("leave: %d %s\n%s", code, loc, body)
	}

	// Editing and the lifecycle.
	code, body, _ = principal.post(t, base, schoolOnly, url.Values{"name": {"校内开放工作坊（改）"}, "join_policy": {"open"},
		"visibility": {"institution"}, "starts_on": {"2025-10-01"}, "ends_on": {"2025-09-01"}})
	wantStatus(t, "ends before start", code, http.StatusUnprocessableEntity, body, "结束日期不能早于开始日期", "校内开放工作坊（改）")
	code, body, _ = principal.post(t, base, schoolOnly, url.Values{"name": {"校内开放工作坊（改）"}, "join_policy": {"open"}, "visibility": {"institution"}})
	wantStatus(t, "edit", code, http.StatusSeeOther, body)
	code, body, _ = teacher.post(t, base, schoolOnly+"/status", url.Values{"status": {"active"}})
	wantStatus(t, "teacher starts", code, http.StatusForbidden, body)
	code, body, _ = principal.post(t, base, schoolOnly+"/status", url.Values{"status": {"active"}})
	wantStatus(t, "start", code, http.StatusSeeOther, body)
	checkPages(t, base, []pageCase{{"active", teacher.c, schoolOnly, 200, []string{"校内开放工作坊（改）", "进行中"}, []string{"开始研修"}}})
}

// idOf returns the ID at the end of a community path.
func idOf(path string) int64 {
	var n int64
	for _, c := range path[strings.LastIndexByte(path, '/')+1:] {
		n = n*10 + int64(c-'0')
	}
	return n
}
