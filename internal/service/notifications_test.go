package service_test

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/i18n"
	"github.com/yanxiu/yanxiu/internal/jobs"
	"github.com/yanxiu/yanxiu/internal/mail"
	"github.com/yanxiu/yanxiu/internal/notify"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
	"github.com/yanxiu/yanxiu/internal/testkit/smtptest"
)

// inboxWorld is a school with three teachers, a service whose e-mail goes
// to a loopback SMTP server, and a movable clock.
type inboxWorld struct {
	svc              *service.Service
	db               *store.DB
	smtp             *smtptest.Server
	zhang, li, wang  *account.User
	mu               sync.Mutex
	now              time.Time
	wakes            int
	catalog          *i18n.Catalog
	noMail, disabled *account.User
}

func (w *inboxWorld) clock() time.Time { w.mu.Lock(); defer w.mu.Unlock(); return w.now }

func (w *inboxWorld) advance(d time.Duration) { w.mu.Lock(); w.now = w.now.Add(d); w.mu.Unlock() }

func newInboxWorld(t *testing.T, db *store.DB) *inboxWorld {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	w := &inboxWorld{db: db, now: time.Date(2026, 10, 9, 1, 0, 0, 0, time.UTC), catalog: cat, smtp: smtptest.Start(t)}
	sender, err := mail.NewSender(mail.Config{Host: w.smtp.Host, Port: w.smtp.Port, TLS: mail.TLSNone,
		From: mail.Address{Name: "研修", Address: "noreply@yanxiu.example"}})
	if err != nil {
		t.Fatal(err)
	}
	w.svc = service.New(service.Options{DB: db, Argon2: account.FastArgon2, Now: w.clock,
		Notify: service.NotifyOptions{Mailer: sender, Catalog: cat, BaseURL: "https://yanxiu.example/",
			WakeJobs: func() { w.mu.Lock(); w.wakes++; w.mu.Unlock() }}})
	ctx := context.Background()
	school, err := w.svc.CreateInstitution(ctx, nil, 0, service.InstitutionInput{Name: "实验小学", Level: space.School})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(name, display, email, lang string) *account.User {
		t.Helper()
		u, err := w.svc.CreateUser(ctx, nil, service.NewUser{Username: name, Password: pw, Role: account.Teacher,
			InstitutionID: school.ID, Profile: service.Profile{DisplayName: display, Email: email}})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		if lang != "" {
			u.Lang = lang
			if err := db.W().UpdateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		return u
	}
	w.zhang = mk("zhang", "张伟", "zhang@school.example", "")
	w.li = mk("lina", "李娜", "li@school.example", "en")
	w.wang = mk("wang", "王芳", "wang@school.example", "")
	w.noMail = mk("nomail", "赵磊", "", "")
	w.disabled = mk("gone", "钱多", "gone@school.example", "")
	w.disabled.Disabled = true
	if err := db.W().UpdateUser(ctx, w.disabled); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *inboxWorld) notify(t *testing.T, n notify.Notification) {
	t.Helper()
	if err := w.db.Tx(context.Background(), func(q *store.Q) error { return w.svc.Notify(context.Background(), q, n) }); err != nil {
		t.Fatalf("notify %+v: %v", n, err)
	}
}

func (w *inboxWorld) mention(to, from *account.User, title string) notify.Notification {
	return notify.Notification{UserID: to.ID, Kind: notify.Mention, ActorID: from.ID, ObjectType: "reply", ObjectID: 7,
		Title: title, URL: "/t/7#r9"}
}

func (w *inboxWorld) mailJobs(t *testing.T) []*store.Job {
	t.Helper()
	js, err := w.db.R().JobsOfKind(context.Background(), service.JobNotificationMail, 100)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func TestInboxReadAndUnread(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newInboxWorld(t, db)
		ctx := context.Background()
		w.notify(t, w.mention(w.zhang, w.li, "分层作业"))
		w.advance(time.Minute)
		w.notify(t, notify.Notification{UserID: w.zhang.ID, Kind: notify.VoteOpened, SpaceID: 3, Title: "数学共同体", URL: "/c/3/themes"})
		w.notify(t, w.mention(w.zhang, w.zhang, "自己提到自己")) // nobody is told of their own action
		w.notify(t, w.mention(w.disabled, w.li, "停用账号"))   // disabled accounts get nothing
		w.notify(t, w.mention(w.li, w.zhang, "给李娜"))

		ns, total, err := w.svc.Inbox(ctx, w.zhang, false, 10, 0)
		if err != nil || total != 2 || len(ns) != 2 {
			t.Fatalf("inbox = %d of %d, %v", len(ns), total, err)
		}
		if ns[0].Kind != notify.VoteOpened || ns[1].Kind != notify.Mention || ns[1].ActorName != "李娜" || ns[0].ActorID != 0 {
			t.Fatalf("inbox order or actor: %+v %+v", ns[0], ns[1])
		}
		zh := w.catalog.Printer("zh-CN")
		if got := service.Sentence(zh, ns[1]); got != "李娜 在《分层作业》中提到了你" {
			t.Errorf("sentence = %q", got)
		}
		if got := service.Sentence(w.catalog.Printer("en"), ns[0]); got != "The theme vote in “数学共同体” has opened" {
			t.Errorf("sentence = %q", got)
		}
		if n, _ := w.svc.UnreadCount(ctx, w.zhang); n != 2 {
			t.Fatalf("unread = %d", n)
		}
		// Someone else's IDs change nothing.
		if n, err := w.svc.MarkRead(ctx, w.li, []int64{ns[0].ID, ns[1].ID}); err != nil || n != 0 {
			t.Fatalf("li marked zhang's notifications: %d %v", n, err)
		}
		if _, err := w.svc.OpenNotification(ctx, w.li, ns[0].ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("li opened zhang's notification: %v", err)
		}
		if n, err := w.svc.MarkRead(ctx, w.zhang, []int64{ns[1].ID}); err != nil || n != 1 {
			t.Fatalf("mark read = %d %v", n, err)
		}
		unread, total, _ := w.svc.Inbox(ctx, w.zhang, true, 10, 0)
		if total != 1 || unread[0].ID != ns[0].ID {
			t.Fatalf("unread only = %+v", unread)
		}
		if u, err := w.svc.OpenNotification(ctx, w.zhang, ns[0].ID); err != nil || u != "/c/3/themes" {
			t.Fatalf("open = %q %v", u, err)
		}
		if n, _ := w.svc.UnreadCount(ctx, w.zhang); n != 0 {
			t.Fatalf("unread after open = %d", n)
		}
		if n, _ := w.svc.UnreadCount(ctx, w.li); n != 1 {
			t.Fatalf("li's unread = %d", n)
		}
		if n, err := w.svc.MarkAllRead(ctx, w.li); err != nil || n != 1 {
			t.Fatalf("mark all = %d %v", n, err)
		}
		if _, _, err := w.svc.Inbox(ctx, nil, false, 10, 0); !apperr.Is(err, apperr.Unauthorized) {
			t.Fatalf("anonymous inbox: %v", err)
		}
	})
}

func TestNotifyRejectsBadInputAndRollsBack(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newInboxWorld(t, db)
		ctx := context.Background()
		for name, n := range map[string]notify.Notification{
			"external url": {UserID: w.zhang.ID, Kind: notify.Generic, Title: "x", URL: "https://evil.example/"},
			"protocol-rel": {UserID: w.zhang.ID, Kind: notify.Generic, Title: "x", URL: "//evil.example/"},
			"unknown kind": {UserID: w.zhang.ID, Kind: "gossip", Title: "x"},
			"no recipient": {Kind: notify.Generic, Title: "x"},
			"unknown user": {UserID: 999999, Kind: notify.Generic, Title: "x"},
		} {
			err := db.Tx(ctx, func(q *store.Q) error { return w.svc.Notify(ctx, q, n) })
			if err == nil {
				t.Errorf("%s: accepted", name)
			}
		}
		boom := errors.New("the change failed")
		err := db.Tx(ctx, func(q *store.Q) error {
			if err := w.svc.Notify(ctx, q, w.mention(w.zhang, w.li, "回滚")); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if n, _ := w.svc.UnreadCount(ctx, w.zhang); n != 0 {
			t.Errorf("rolled-back change left %d notifications", n)
		}
		if js := w.mailJobs(t); len(js) != 0 {
			t.Errorf("rolled-back change left %d mail jobs", len(js))
		}
		// A long title is shortened rather than refused.
		w.notify(t, w.mention(w.zhang, w.li, strings.Repeat("长", 300)))
		ns, _, _ := w.svc.Inbox(ctx, w.zhang, false, 1, 0)
		if r := []rune(ns[0].Title); len(r) != notify.MaxTitle || r[len(r)-1] != '…' {
			t.Errorf("title of %d runes", len(r))
		}
	})
}

// Only kinds in immediate mode, for people with an address, enqueue an e-mail.
func TestNotifyEnqueuesMailByPreference(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newInboxWorld(t, db)
		ctx := context.Background()
		w.notify(t, w.mention(w.zhang, w.li, "立即"))                                                  // default immediately
		w.notify(t, notify.Notification{UserID: w.zhang.ID, Kind: notify.ThemeAdopted, Title: "主题"}) // default digest
		w.notify(t, w.mention(w.noMail, w.li, "没有邮箱"))
		if err := w.svc.SetPreferences(ctx, w.wang, notify.Preferences{notify.Mention: notify.Off, notify.ThemeAdopted: notify.Immediately}); err != nil {
			t.Fatal(err)
		}
		w.notify(t, w.mention(w.wang, w.li, "关掉了"))
		w.notify(t, notify.Notification{UserID: w.wang.ID, Kind: notify.ThemeAdopted, Title: "要立即"})
		js := w.mailJobs(t)
		if len(js) != 2 {
			t.Fatalf("%d mail jobs, want 2 (zhang's mention, wang's adopted theme)", len(js))
		}
		if w.wakes != 2 {
			t.Errorf("runner woken %d times", w.wakes)
		}
		p, err := w.svc.Preferences(ctx, w.wang)
		if err != nil || p[notify.Mention] != notify.Off || p[notify.Reply] != notify.Immediately || p[notify.Follow] != notify.Digest || len(p) != len(notify.Kinds()) {
			t.Fatalf("preferences = %v, %v", p, err)
		}
		err = w.svc.SetPreferences(ctx, w.wang, notify.Preferences{notify.Mention: "sometimes"})
		wantCode(t, err, apperr.Invalid)
		err = w.svc.SetPreferences(ctx, w.wang, notify.Preferences{"gossip": notify.Off})
		wantCode(t, err, apperr.Invalid)
	})
}

// The runner delivers an immediate e-mail in the recipient's language, with
// a working one-click unsubscribe link, and marks it sent.
func TestNotificationMailThroughRunner(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newInboxWorld(t, db)
		ctx := context.Background()
		r := jobs.NewRunner(db, jobs.RunnerOptions{PollInterval: 20 * time.Millisecond, Now: w.clock})
		r.Register(service.JobNotificationMail, w.svc.SendNotificationMail)
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer r.Stop(ctx)
		w.notify(t, w.mention(w.zhang, w.li, "关于分层作业设计的讨论"))
		w.notify(t, w.mention(w.li, w.zhang, "Layered homework"))
		r.Wake()
		msgs := w.smtp.Wait(t, 2, 10*time.Second)
		byTo := map[string]*smtptest.Message{}
		for _, m := range msgs {
			if m.ParseErr != nil {
				t.Fatalf("malformed: %v\n%s", m.ParseErr, m.Raw)
			}
			byTo[m.To[0]] = m
		}
		zh, en := byTo["zhang@school.example"], byTo["li@school.example"]
		if zh == nil || en == nil {
			t.Fatalf("recipients: %v", byTo)
		}
		if zh.Subject != "李娜 在《关于分层作业设计的讨论》中提到了你" || !strings.Contains(zh.Text, "张伟，你好") ||
			!strings.Contains(zh.Text, "https://yanxiu.example/t/7#r9") || !strings.Contains(zh.HTML, `href="https://yanxiu.example/t/7#r9"`) {
			t.Errorf("Chinese mail:\nSubject: %s\n%s\n%s", zh.Subject, zh.Text, zh.HTML)
		}
		if en.Subject != "张伟 mentioned you in “Layered homework”" || !strings.Contains(en.Text, "Hello 李娜,") {
			t.Errorf("English mail:\nSubject: %s\n%s", en.Subject, en.Text)
		}
		link := strings.Trim(zh.Get("List-Unsubscribe"), "<>")
		u, err := url.Parse(link)
		if err != nil || !strings.HasPrefix(link, "https://yanxiu.example/unsubscribe?token=") || zh.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Fatalf("unsubscribe header %q", link)
		}
		if !strings.Contains(zh.HTML, link) && !strings.Contains(zh.HTML, strings.ReplaceAll(link, "&", "&amp;")) {
			t.Errorf("HTML body lacks the unsubscribe link")
		}
		un, err := w.svc.Unsubscribe(ctx, u.Query().Get("token"))
		if err != nil || un.User.ID != w.zhang.ID || un.Kind != notify.Mention {
			t.Fatalf("unsubscribe = %+v, %v", un, err)
		}
		if p, _ := w.svc.Preferences(ctx, w.zhang); p[notify.Mention] != notify.Off || p[notify.Reply] != notify.Immediately {
			t.Errorf("after unsubscribe: %v", p)
		}
		// Sent notifications are marked, so neither a retry nor the digest repeats them.
		deadline := time.Now().Add(5 * time.Second)
		for {
			ns, _, _ := w.svc.Inbox(ctx, w.zhang, false, 1, 0)
			if ns[0].EmailedAt != nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("notification never marked e-mailed")
			}
			time.Sleep(10 * time.Millisecond)
		}
		// Now off: a new mention reaches the inbox only.
		w.notify(t, w.mention(w.zhang, w.li, "第二次"))
		if js := w.mailJobs(t); len(js) != 2 {
			t.Errorf("%d mail jobs after unsubscribing", len(js))
		}
	})
}

// A mention read in the inbox before the job runs is not e-mailed.
func TestReadBeforeSendingIsNotMailed(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newInboxWorld(t, db)
		ctx := context.Background()
		w.notify(t, w.mention(w.zhang, w.li, "已读"))
		if _, err := w.svc.MarkAllRead(ctx, w.zhang); err != nil {
			t.Fatal(err)
		}
		js := w.mailJobs(t)
		if err := w.svc.SendNotificationMail(ctx, jobs.Job{ID: js[0].ID, Kind: js[0].Kind, Payload: []byte(js[0].Payload)}); err != nil {
			t.Fatal(err)
		}
		if n := len(w.smtp.Messages()); n != 0 {
			t.Fatalf("%d messages for a read notification", n)
		}
		if err := w.svc.SendNotificationMail(ctx, jobs.Job{Payload: []byte(`{"notification_id":"x"}`)}); !jobs.IsPermanent(err) {
			t.Fatalf("malformed payload: %v", err)
		}
	})
}

func TestDailyDigest(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newInboxWorld(t, db)
		ctx := context.Background()
		// 09:00 in Beijing on 9 October: today's 07:30 has passed, so the next digest is tomorrow's.
		if err := w.svc.ScheduleDigest(ctx); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.ScheduleDigest(ctx); err != nil { // a second instance starting
			t.Fatal(err)
		}
		digests, _ := db.R().JobsOfKind(ctx, service.JobNotificationDigest, 10)
		if len(digests) != 1 || !digests[0].RunAt.Equal(time.Date(2026, 10, 9, 23, 30, 0, 0, time.UTC)) ||
			digests[0].UniqueKey != service.JobNotificationDigest+":2026-10-10" {
			t.Fatalf("scheduled digests: %+v", digests)
		}
		w.notify(t, notify.Notification{UserID: w.zhang.ID, Kind: notify.VoteOpened, Title: "数学共同体", URL: "/c/3/themes"})
		w.notify(t, notify.Notification{UserID: w.zhang.ID, Kind: notify.BriefingPublished, Title: "第一期简报", URL: "/c/3/b/1"})
		w.notify(t, notify.Notification{UserID: w.zhang.ID, Kind: notify.Follow, ActorID: w.wang.ID, URL: "/u/wang"})
		w.notify(t, w.mention(w.zhang, w.li, "立即发过的")) // immediate kind: not in the digest
		w.notify(t, notify.Notification{UserID: w.li.ID, Kind: notify.ThemeAdopted, Title: "已读的"})
		if _, err := w.svc.MarkAllRead(ctx, w.li); err != nil {
			t.Fatal(err)
		}
		w.notify(t, notify.Notification{UserID: w.noMail.ID, Kind: notify.ThemeAdopted, Title: "没有邮箱"})
		if err := w.svc.SetPreferences(ctx, w.wang, notify.Preferences{notify.ThemeAdopted: notify.Off}); err != nil {
			t.Fatal(err)
		}
		w.notify(t, notify.Notification{UserID: w.wang.ID, Kind: notify.ThemeAdopted, Title: "关掉了"})

		r := jobs.NewRunner(db, jobs.RunnerOptions{PollInterval: 20 * time.Millisecond, Now: w.clock})
		r.Register(service.JobNotificationDigest, w.svc.SendDigest)
		r.Register(service.JobNotificationDigestFor, w.svc.SendDigestFor)
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer r.Stop(ctx)
		time.Sleep(100 * time.Millisecond)
		if n := len(w.smtp.Messages()); n != 0 {
			t.Fatalf("%d digests before 07:30", n)
		}
		w.advance(22*time.Hour + 30*time.Minute) // 07:30 the next morning
		r.Wake()
		msgs := w.smtp.Wait(t, 1, 10*time.Second)
		if len(msgs) != 1 || msgs[0].To[0] != "zhang@school.example" {
			t.Fatalf("digests sent: %d %v", len(msgs), msgs)
		}
		d := msgs[0]
		if d.Subject != "研修每日摘要：3 条未读提醒" {
			t.Errorf("subject %q", d.Subject)
		}
		for _, want := range []string{"「数学共同体」的主题投票已开始", "简报《第一期简报》已发布", "王芳 关注了你", "https://yanxiu.example/c/3/b/1", "2026-10-09 09:00"} {
			if !strings.Contains(d.Text, want) {
				t.Errorf("digest lacks %q:\n%s", want, d.Text)
			}
		}
		if strings.Contains(d.Text, "立即发过的") {
			t.Error("digest repeats an immediate notification")
		}
		link := strings.Trim(d.Get("List-Unsubscribe"), "<>")
		if !strings.Contains(link, ".digest.") {
			t.Errorf("digest unsubscribe link %q", link)
		}
		// The next day's digest is queued, and running the day again sends nothing new.
		// The mail can arrive before the runner records the job as done, so
		// wait for that rather than racing it.
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			digests, _ = db.R().JobsOfKind(ctx, service.JobNotificationDigest, 10)
			if len(digests) == 2 && digests[0].DoneAt != nil || time.Now().After(deadline) {
				break
			}
		}
		if len(digests) != 2 || digests[1].UniqueKey != service.JobNotificationDigest+":2026-10-11" || digests[0].DoneAt == nil {
			t.Fatalf("digests after the run: %+v", digests)
		}
		// zhang's and wang's (whose only unread kind is off, so it sends nothing).
		var before []*store.Job
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			before, _ = db.R().JobsOfKind(ctx, service.JobNotificationDigestFor, 10)
			if len(before) == 2 && before[0].DoneAt != nil && before[1].DoneAt != nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("per-person digest jobs never finished: %+v", before)
			}
		}
		if err := w.svc.SendDigest(ctx, jobs.Job{Payload: []byte(digests[0].Payload)}); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.SendDigestFor(ctx, jobs.Job{Payload: []byte(`{"user_id":` + strconv.FormatInt(w.zhang.ID, 10) + `}`)}); err != nil {
			t.Fatal(err)
		}
		perUser, _ := db.R().JobsOfKind(ctx, service.JobNotificationDigestFor, 10)
		if len(before) != 2 || len(perUser) != 2 {
			t.Fatalf("per-person digest jobs: %d, then %d after running the day again; want 2", len(before), len(perUser))
		}
		time.Sleep(100 * time.Millisecond)
		if n := len(w.smtp.Messages()); n != 1 {
			t.Fatalf("second run sent %d more", n-1)
		}
		// Unsubscribing from the digest turns off exactly the digest kinds.
		u, _ := url.Parse(link)
		if un, err := w.svc.Unsubscribe(ctx, u.Query().Get("token")); err != nil || un.Kind != "" {
			t.Fatalf("digest unsubscribe: %+v %v", un, err)
		}
		p, _ := w.svc.Preferences(ctx, w.zhang)
		if p[notify.VoteOpened] != notify.Off || p[notify.Follow] != notify.Off || p[notify.Mention] != notify.Immediately {
			t.Errorf("after digest unsubscribe: %v", p)
		}
	})
}

func TestUnsubscribeTokens(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newInboxWorld(t, db)
		ctx := context.Background()
		tok, err := w.svc.UnsubscribeToken(ctx, w.zhang.ID, notify.Reply)
		if err != nil {
			t.Fatal(err)
		}
		// Another instance on the same database agrees on the secret.
		other := service.New(service.Options{DB: db, Argon2: account.FastArgon2})
		if un, err := other.CheckUnsubscribe(ctx, tok); err != nil || un.User.ID != w.zhang.ID || un.Kind != notify.Reply {
			t.Fatalf("other instance: %+v %v", un, err)
		}
		id, rest, _ := strings.Cut(tok, ".")
		_, sig, _ := strings.Cut(rest, ".")
		for name, bad := range map[string]string{
			"empty":         "",
			"other user":    strconv.FormatInt(w.li.ID, 10) + "." + rest,
			"other kind":    id + ".mention." + sig,
			"digest scope":  id + ".digest." + sig,
			"cut signature": tok[:len(tok)-2],
			"unknown kind":  id + ".gossip." + sig,
			"junk":          "a.b.c",
			"no signature":  id + ".reply",
			"negative user": "-1.reply." + sig,
		} {
			if _, err := w.svc.Unsubscribe(ctx, bad); !apperr.Is(err, apperr.NotFound) {
				t.Errorf("%s: %v", name, err)
			}
		}
		if p, _ := w.svc.Preferences(ctx, w.zhang); p[notify.Reply] != notify.Immediately {
			t.Fatalf("a bad token changed preferences: %v", p)
		}
		for range 2 { // repeating the link is harmless
			if _, err := w.svc.Unsubscribe(ctx, tok); err != nil {
				t.Fatal(err)
			}
		}
		if p, _ := w.svc.Preferences(ctx, w.zhang); p[notify.Reply] != notify.Off {
			t.Fatalf("after unsubscribe: %v", p)
		}
	})
}

func TestFollowNotifiesFollowee(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newInboxWorld(t, db)
		ctx := context.Background()
		if err := w.svc.Follow(ctx, w.li, "zhang", true); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Follow(ctx, w.li, "zhang", true); err != nil { // already following: no second notice
			t.Fatal(err)
		}
		if err := w.svc.Follow(ctx, w.li, "zhang", false); err != nil { // unfollowing tells nobody
			t.Fatal(err)
		}
		ns, total, err := w.svc.Inbox(ctx, w.zhang, false, 10, 0)
		if err != nil || total != 1 || ns[0].Kind != notify.Follow || ns[0].ActorUsername != "lina" || ns[0].URL != "/u/lina" {
			t.Fatalf("inbox = %+v (%d), %v", ns, total, err)
		}
		if n, _ := w.svc.UnreadCount(ctx, w.li); n != 0 {
			t.Errorf("the follower was notified too")
		}
	})
}
