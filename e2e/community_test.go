package e2e

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
	"github.com/yanxiu/yanxiu/internal/testkit/testserver"
)

// clock is the server's clock, moved forward by the test so that a vote's
// deadline passes without waiting.
type clock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

// actAs signs the browser in as username by minting a session through the
// service and handing its cookie to the browser, as wtf's tests do, so one
// browser can play several people in turn.
func actAs(srv *testserver.Server, username string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		tok, _, _, err := srv.App.Service.Login(ctx, service.LoginInput{Username: username, Password: pw, IP: "127.0.0.1"})
		if err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, t, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
			return err
		}
		httpOnly := true
		_, err = cdp.Call(ctx, t, network.SetCookie, network.SetCookieParams{Name: "yx_session", Value: tok, URL: srv.URL,
			HTTPOnly: &httpOnly})
		return err
	})
}

// fitsWidth fails when the page is wider than the viewport (a 360 px phone).
func fitsWidth(ctx context.Context, t *testing.T, page string) {
	t.Helper()
	over, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if over > 0 {
		t.Errorf("%s is %d px wider than a 360 px screen", page, over)
	}
}

// TestThemeNegotiation: a district facilitator hosts a community across two
// schools; one teacher proposes two themes, the others vote, the host
// adopts the winner, and the community's home shows it as a current theme.
func TestThemeNegotiation(t *testing.T) {
	ctx := browser(t)
	clk := &clock{}
	srv := testserver.StartWithClock(t, testkit.Engines()[0], clk.now)
	svc := srv.App.Service
	bg := context.Background()
	district, err := svc.CreateInstitution(bg, nil, 0, service.InstitutionInput{Name: "青湖区", Level: space.District})
	if err != nil {
		t.Fatal(err)
	}
	schoolA, err := svc.CreateInstitution(bg, nil, district.ID, service.InstitutionInput{Name: "青湖区实验小学"})
	if err != nil {
		t.Fatal(err)
	}
	schoolB, err := svc.CreateInstitution(bg, nil, district.ID, service.InstitutionInput{Name: "青湖区第二小学"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		username, name string
		role           account.Role
		inst           int64
	}{
		{"host", "赵坊主", account.Facilitator, district.ID},
		{"zhangwei", "张伟", account.Teacher, schoolA.ID},
		{"lina", "李娜", account.Teacher, schoolA.ID},
		{"wangfang", "王芳", account.Teacher, schoolB.ID},
	} {
		if _, err := svc.CreateUser(bg, nil, service.NewUser{Username: p.username, Password: pw, Role: p.role,
			InstitutionID: p.inst, Profile: service.Profile{DisplayName: p.name}}); err != nil {
			t.Fatal(err)
		}
	}
	url := srv.URL
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 780)); err != nil {
		t.Fatal(err)
	}

	// The host starts a district-wide community and opens it.
	home := text(ctx, t, `.community-head`,
		actAs(srv, "host"),
		chromedp.Navigate(url+"/c/new"),
		chromedp.WaitVisible(`#name`),
		chromedp.SendKeys(`#name`, "青湖区小学数学作业设计共同体"),
		chromedp.SendKeys(`#purpose`, "两校数学老师一起研究作业设计。\n\n每月一次线上研讨。"),
		chromedp.SetValue(`#subject`, "math"),
		chromedp.SetValue(`#grade_band`, "primary"),
		click(`input[name=join_policy][value=open]`),
		click(`input[name=visibility][value=institution]`),
		click(`.form-actions button[type=submit]`),
		chromedp.WaitVisible(`#host-tools`),
		click(`#host-tools button.btn-primary`), // start: planning → active
		waitText(`.community-head`, "进行中"),      // not the flash: the page before had one too
	)
	for _, want := range []string{"青湖区小学数学作业设计共同体", "进行中", "青湖区", "数学", "小学", "每月一次线上研讨"} {
		if !strings.Contains(home, want) {
			t.Errorf("community home lacks %q:\n%s", want, home)
		}
	}
	fitsWidth(ctx, t, "the community home")
	hostUser, err := svc.UserByUsername(bg, "host")
	if err != nil {
		t.Fatal(err)
	}
	mine, _, err := svc.Communities(bg, hostUser, store.CommunityFilter{MemberID: hostUser.ID, Limit: 10})
	if err != nil || len(mine) != 1 {
		t.Fatalf("host's communities: %v %v", mine, err)
	}
	cid := mine[0].Space.ID
	c := url + "/c/" + strconv.FormatInt(cid, 10)

	// Three teachers from two schools find it in the directory and join.
	for _, who := range []string{"zhangwei", "lina", "wangfang"} {
		got := text(ctx, t, `#cta`,
			actAs(srv, who),
			chromedp.Navigate(url+"/c"),
			chromedp.WaitVisible(`#all-communities`),
			click(`a[href="/c/`+strconv.FormatInt(cid, 10)+`"]`),
			chromedp.WaitVisible(`#join`),
			click(`#join`),
			chromedp.WaitVisible(`.flash-success`),
		)
		if !strings.Contains(got, "成员") {
			t.Errorf("%s after joining: %q", who, got)
		}
	}

	// One teacher proposes two themes from practice.
	for _, p := range []struct{ title, problem string }{
		{"作业分层设计", "同一份作业，学困生做不完，学优生吃不饱。"},
		{"课堂提问的有效性", "提问多而浅，学生思考时间不够。"},
	} {
		if err := chromedp.Do(ctx,
			actAs(srv, "zhangwei"),
			chromedp.Navigate(c+"/themes"),
			chromedp.WaitVisible(`#p-title`),
			chromedp.SendKeys(`#p-title`, p.title),
			chromedp.SendKeys(`#p-problem`, p.problem),
			chromedp.SendKeys(`#p-rationale`, "关系到减负增效。"),
			chromedp.SendKeys(`#p-plan`, "每人设计一份作业，互相听课。"),
			click(`#propose button[type=submit]`),
			chromedp.WaitVisible(`.flash-success`),
		); err != nil {
			t.Fatalf("propose %s: %v", p.title, err)
		}
	}
	fitsWidth(ctx, t, "the themes page")
	ps, err := svc.Proposals(bg, hostUser, cid)
	if err != nil || len(ps) != 2 {
		t.Fatalf("proposals: %v %v", ps, err)
	}
	ids := map[string]string{}
	for _, p := range ps {
		ids[p.Title] = strconv.FormatInt(p.ID, 10)
	}

	// The host opens a named round closing in an hour, China time.
	closes := clk.now().Add(time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
	if err := chromedp.Do(ctx,
		actAs(srv, "host"),
		chromedp.Navigate(c+"/themes"),
		chromedp.WaitVisible(`#r-title`),
		chromedp.SendKeys(`#r-title`, "本学期研修主题投票"),
		click(`#open-round input[value="`+ids["作业分层设计"]+`"]`),
		click(`#open-round input[value="`+ids["课堂提问的有效性"]+`"]`),
		chromedp.SetValue(`#r-budget`, "1"),
		chromedp.SetValue(`#r-closes`, closes),
		click(`#open-round button[type=submit]`),
		chromedp.WaitVisible(`.flash-success`),
	); err != nil {
		t.Fatalf("open round: %v", err)
	}

	// The others vote: two for the first theme, one for the second.
	for _, v := range []struct{ who, title string }{
		{"lina", "作业分层设计"}, {"wangfang", "作业分层设计"}, {"zhangwei", "课堂提问的有效性"},
	} {
		got := text(ctx, t, `#rounds`,
			actAs(srv, v.who),
			chromedp.Navigate(c+"/themes"),
			chromedp.WaitVisible(`.ballot`),
			click(`.ballot input[value="`+ids[v.title]+`"]`),
			click(`.ballot-form button[type=submit]`),
			chromedp.WaitVisible(`.voted`),
		)
		if !strings.Contains(got, "您已经投过票了") || strings.Contains(got, "票数") {
			t.Errorf("%s after voting: %q", v.who, got)
		}
	}

	// After the deadline the results show; the host adopts the winner.
	clk.advance(2 * time.Hour)
	results := text(ctx, t, `#rounds`,
		actAs(srv, "host"),
		chromedp.Navigate(c+"/themes"),
		chromedp.WaitVisible(`.results`),
	)
	for _, want := range []string{"已截止", "2 票", "1 票", "李娜、王芳"} {
		if !strings.Contains(results, want) {
			t.Errorf("results lack %q:\n%s", want, results)
		}
	}
	if err := chromedp.Do(ctx,
		click(`#decide input[value="`+ids["作业分层设计"]+`"]`),
		chromedp.SendKeys(`#d-note`, "两校老师投票最多，本学期围绕作业分层开展研修。"),
		click(`#decide button[value=adopt]`),
		chromedp.WaitVisible(`.flash-success`),
	); err != nil {
		t.Fatalf("adopt: %v", err)
	}

	// Everyone sees it as the community's current theme.
	themes := text(ctx, t, `#current-themes`,
		actAs(srv, "wangfang"),
		chromedp.Navigate(c),
		chromedp.WaitVisible(`#current-themes`),
	)
	if !strings.Contains(themes, "作业分层设计") || !strings.Contains(themes, "本学期围绕作业分层开展研修") ||
		strings.Contains(themes, "课堂提问的有效性") {
		t.Errorf("current themes = %q", themes)
	}
	adopted, err := svc.CurrentThemes(bg, hostUser, cid)
	if err != nil || len(adopted) != 1 || adopted[0].Title != "作业分层设计" || adopted[0].Status != community.Adopted {
		t.Errorf("adopted themes: %v %v", adopted, err)
	}
}
