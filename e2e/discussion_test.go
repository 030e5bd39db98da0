package e2e

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/briefing"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/config"
	"github.com/yanxiu/yanxiu/internal/notify"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/testkit"
	"github.com/yanxiu/yanxiu/internal/testkit/smtptest"
	"github.com/yanxiu/yanxiu/internal/testkit/testserver"
)

// discussionWorld is a district community across two schools, set up
// through the service: a host, and three teachers who have joined it.
type discussionWorld struct {
	srv  *testserver.Server
	smtp *smtptest.Server
	cid  int64
	// zhang is teacher A: she has an e-mail address and default preferences.
	zhang *account.User
}

const (
	discussCommunityName = "青湖区小学数学作业设计共同体"
	discussZhangEmail    = "zhangwei@school-a.example.cn"
)

func setupDiscussion(t *testing.T) *discussionWorld {
	t.Helper()
	mail := smtptest.Start(t)
	srv := testserver.StartWith(t, testkit.Engines()[0], testserver.Options{SMTP: config.SMTP{
		Host: mail.Host, Port: mail.Port, TLS: smtptest.TLSNone, From: "青湖研修平台 <noreply@yanxiu.example.cn>"}})
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
	users := map[string]*account.User{}
	for _, p := range []struct {
		username, name, email string
		role                  account.Role
		inst                  int64
	}{
		{"host", "赵坊主", "", account.Facilitator, district.ID},
		{"zhangwei", "张伟", discussZhangEmail, account.Teacher, schoolA.ID},
		{"lina", "李娜", "", account.Teacher, schoolA.ID},
		{"wangfang", "王芳", "", account.Teacher, schoolB.ID},
	} {
		u, err := svc.CreateUser(bg, nil, service.NewUser{Username: p.username, Password: pw, Role: p.role,
			InstitutionID: p.inst, Profile: service.Profile{DisplayName: p.name, Email: p.email}})
		if err != nil {
			t.Fatalf("create %s: %v", p.username, err)
		}
		users[p.username] = u
	}
	c, err := svc.CreateCommunity(bg, users["host"], district.ID, community.Input{Name: discussCommunityName,
		Purpose: "两校数学老师一起研究作业设计。", Subject: "math", GradeBand: "primary",
		JoinPolicy: community.Open, Visibility: space.InstitutionOnly})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.SetCommunityStatus(bg, users["host"], c.Space.ID, community.Active); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"zhangwei", "lina", "wangfang"} {
		if joined, err := svc.Join(bg, users[who], c.Space.ID, ""); err != nil || !joined {
			t.Fatalf("%s joins: %v %v", who, joined, err)
		}
	}
	if mode := notify.DefaultMode(notify.Mention); mode != notify.Immediately {
		t.Fatalf("default mode of mentions is %s; this test expects immediate e-mail", mode)
	}
	return &discussionWorld{srv: srv, smtp: mail, cid: c.Space.ID, zhang: users["zhangwei"]}
}

// acceptDialogs answers yes to every confirm() the page asks from now on
// (publishing a briefing asks first). A dialog blocks the click that opened
// it, so a goroutine answers, as chromedp's documentation shows.
func acceptDialogs(ctx context.Context, t *testing.T) {
	t.Helper()
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			if _, err := chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true}); err != nil {
				return
			}
		}
	}()
}

// TestMentionNotifiesAndBriefing: a teacher opens a topic in a district
// community and @mentions a colleague (chosen in the autocomplete) in a
// Markdown reply; the colleague sees it in her inbox and receives an e-mail
// at the loopback SMTP server; then the host drafts a briefing from the
// period's data, retitles it and publishes it to the community and its
// members' inboxes.
func TestMentionNotifiesAndBriefing(t *testing.T) {
	ctx := browser(t)
	w := setupDiscussion(t)
	srvURL := w.srv.URL
	c := srvURL + "/c/" + strconv.FormatInt(w.cid, 10)
	const topicTitle = "分层作业怎么设计才不加重负担？"

	// Teacher B opens the community's discussion and starts a topic.
	topic := text(ctx, t, `#topic`,
		login(srvURL, "lina"),
		chromedp.Navigate(c+"/discuss"),
		chromedp.WaitVisible(`#new-topic`),
		click(`#new-topic`),
		chromedp.WaitVisible(`#title`),
		chromedp.SendKeys(`#title`, topicTitle),
		chromedp.SendKeys(`#body`, "我们年级准备试行**三层作业**，欢迎大家出主意。"),
		click(`.actions button.btn-primary`),
		chromedp.WaitVisible(`#reply-form textarea#body`),
	)
	if !strings.Contains(topic, topicTitle) || !strings.Contains(topic, "李娜") {
		t.Errorf("topic page = %q", topic)
	}

	// She replies in Markdown and mentions A, picking her from the
	// autocomplete, which inserts the username.
	mentionList := text(ctx, t, `#reply-form .mention-list`,
		chromedp.SendKeys(`#reply-form #body`, "**基础题**先保底，再加提高题。请 @zh"),
		chromedp.WaitVisible(`#reply-form .mention-list li[aria-selected="true"]`),
	)
	if !strings.Contains(mentionList, "张伟") || !strings.Contains(mentionList, "@zhangwei") {
		t.Errorf("autocomplete offers %q", mentionList)
	}
	reply := html(ctx, t, `#replies .reply`,
		chromedp.SendKeys(`#reply-form #body`, kb.Tab),
		chromedp.WaitNotVisible(`#reply-form .mention-list`),
		chromedp.SendKeys(`#reply-form #body`, "看看你们学校的做法。\n\n- 基础题\n- 提高题"),
		click(`#reply-form button[type=submit]`),
		chromedp.WaitVisible(`#replies .reply .prose a.mention`),
	)
	for _, want := range []string{"<strong>基础题</strong>", `<a class="mention" href="/u/zhangwei">@zhangwei</a>`, "<li>提高题</li>"} {
		if !strings.Contains(reply, want) {
			t.Errorf("reply lacks %s:\n%s", want, reply)
		}
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil || !strings.HasPrefix(u.Fragment, "r") {
		t.Fatalf("after replying the browser is at %q", loc)
	}
	replyID := strings.TrimPrefix(u.Fragment, "r")
	topicPath := u.Path

	// The e-mail to A arrives first: opening the notification marks it
	// read, and a read notification is no longer e-mailed.
	msgs := w.smtp.Wait(t, 1, 20*time.Second)
	m := msgs[0]
	if m.ParseErr != nil {
		t.Fatalf("e-mail is not well-formed: %v\n%s", m.ParseErr, m.Raw)
	}
	if len(m.To) != 1 || m.To[0] != discussZhangEmail {
		t.Errorf("e-mail went to %v, want %s", m.To, discussZhangEmail)
	}
	if want := "李娜 在《" + topicTitle + "》中提到了你"; m.Subject != want {
		t.Errorf("subject = %q, want %q", m.Subject, want)
	}
	replyURL := srvURL + "/replies/" + replyID
	for _, part := range []struct{ name, body string }{{"text", m.Text}, {"HTML", m.HTML}} {
		for _, want := range []string{"张伟", "李娜", topicTitle, "在研修共同体「" + discussCommunityName + "」", replyURL, srvURL + "/unsubscribe?token="} {
			if !strings.Contains(part.body, want) {
				t.Errorf("%s part lacks %q:\n%s", part.name, want, part.body)
			}
		}
	}
	unsub := m.Header.Get("List-Unsubscribe")
	if !strings.HasPrefix(unsub, "<"+srvURL+"/unsubscribe?token=") || !strings.HasSuffix(unsub, ">") {
		t.Fatalf("List-Unsubscribe = %q", unsub)
	}
	if got := m.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %q", got)
	}
	link, err := url.Parse(strings.Trim(unsub, "<>"))
	if err != nil {
		t.Fatal(err)
	}
	un, err := w.srv.App.Service.CheckUnsubscribe(context.Background(), link.Query().Get("token"))
	if err != nil || un.User.ID != w.zhang.ID || un.Kind != notify.Mention {
		t.Errorf("the unsubscribe link stops %+v (err %v), want A's mention e-mails", un, err)
	}

	// Teacher A signs in in her own browser: the header shows one unread
	// notification, and the inbox leads to the reply.
	ctxA := browser(t)
	badge := text(ctxA, t, `#unread-badge .badge-unread`,
		login(srvURL, "zhangwei"),
		chromedp.WaitVisible(`#unread-badge .badge-unread`),
	)
	if strings.TrimSpace(badge) != "1" {
		t.Errorf("unread badge = %q, want 1", badge)
	}
	inbox := text(ctxA, t, `.notification-list`,
		chromedp.Navigate(srvURL+"/notifications"),
		chromedp.WaitVisible(`.notification-unread .notification-link`),
	)
	if !strings.Contains(inbox, "李娜 在《"+topicTitle+"》中提到了你") {
		t.Errorf("inbox = %q", inbox)
	}
	if err := chromedp.Do(ctxA,
		click(`.notification-unread .notification-link`),
		chromedp.WaitVisible(`#r`+replyID+` .prose a.mention`),
	); err != nil {
		t.Fatalf("follow the notification: %v", err)
	}
	if loc, err := chromedp.Run(ctxA, chromedp.Location()); err != nil ||
		!strings.Contains(loc, topicPath) || !strings.HasSuffix(loc, "#r"+replyID) {
		t.Errorf("the notification led to %q (%v), want %s…#r%s", loc, err, topicPath, replyID)
	}

	// The host drafts a briefing of yesterday and today (the period's end
	// is exclusive), in the zone briefings count days in.
	now := time.Now().In(briefing.Zone)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, briefing.Zone)
	from, to := today.AddDate(0, 0, -1).Format(briefing.DayLayout), today.AddDate(0, 0, 1).Format(briefing.DayLayout)
	figures := text(ctx, t, `#figures-panel`,
		actAs(w.srv, "host"),
		chromedp.Navigate(c+"/briefings/new?from="+from+"&to="+to),
		chromedp.WaitVisible(`#fig-top-members`),
	)
	for _, want := range []string{"话题 1 · 回复 1", "李娜"} {
		if !strings.Contains(figures, want) {
			t.Errorf("figures panel lacks %q:\n%s", want, figures)
		}
	}
	for sel, want := range map[string]string{`#fig-posts`: "2", `#fig-new-members`: "3"} {
		if got, err := chromedp.Run(ctx, chromedp.Text(sel)); err != nil || strings.TrimSpace(got) != want {
			t.Errorf("%s = %q (%v), want %s", sel, got, err, want)
		}
	}
	top, err := chromedp.Run(ctx, chromedp.Text(`#fig-top-members li`))
	if err != nil || !strings.Contains(top, "李娜") {
		t.Errorf("most active member = %q (%v), want 李娜 with a topic and a reply", top, err)
	}
	drafted, err := chromedp.Run(ctx, chromedp.Value(`#brief-title`))
	if err != nil || !strings.Contains(drafted, discussCommunityName) {
		t.Errorf("drafted title = %q (%v)", drafted, err)
	}
	body, err := chromedp.Run(ctx, chromedp.Value(`#brief-body`))
	if err != nil || !strings.Contains(body, "李娜") || !strings.Contains(body, discussCommunityName) {
		t.Errorf("drafted body = %q (%v)", body, err)
	}

	// She retitles it and publishes, confirming the question the page asks.
	const briefTitle = "作业设计共同体第一期简报"
	acceptDialogs(ctx, t)
	published := text(ctx, t, `#briefing`,
		chromedp.SetValue(`#brief-title`, briefTitle),
		click(`#publish-briefing`),
		chromedp.WaitVisible(`.flash-success`),
		chromedp.WaitVisible(`#briefing`),
	)
	if !strings.Contains(published, briefTitle) || strings.Contains(published, "草稿") || !strings.Contains(published, "李娜") {
		t.Errorf("published briefing = %q", published)
	}
	home := text(ctx, t, `#latest-briefings`,
		chromedp.Navigate(c),
		chromedp.WaitVisible(`#latest-briefings`),
	)
	if !strings.Contains(home, briefTitle) {
		t.Errorf("community home's briefings = %q", home)
	}

	// A's inbox has the publication, linking to the briefing.
	inbox = text(ctxA, t, `.notification-list`,
		chromedp.Navigate(srvURL+"/notifications"),
		chromedp.WaitVisible(`.notification-unread .notification-link`),
	)
	if !strings.Contains(inbox, "简报《"+briefTitle+"》已发布") {
		t.Errorf("inbox after publishing = %q", inbox)
	}
	shown := text(ctxA, t, `#briefing h1`,
		click(`.notification-unread .notification-link`),
		chromedp.WaitVisible(`#briefing`),
	)
	if !strings.Contains(shown, briefTitle) {
		t.Errorf("the briefing notification led to %q", shown)
	}
	// Briefings go to the daily digest by default: still one e-mail.
	if n := len(w.smtp.Messages()); n != 1 {
		t.Errorf("%d e-mails sent, want only the mention's", n)
	}
}
