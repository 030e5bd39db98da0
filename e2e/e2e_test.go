// Package e2e drives the real site in headless Chromium (Debian's package)
// with chromedp, as teachers and administrators would use it.
package e2e

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/testkit"
	"github.com/yanxiu/yanxiu/internal/testkit/testserver"
)

const pw = "secret-pass-1"

func chromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium found: `make test` installs Debian's chromium (apt-get install chromium)")
	return ""
}

// browser returns a chromedp context for a fresh headless Chromium profile.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// A Chinese teacher's browser: the site must speak zh-CN to it.
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(390, 844), // a phone: the pages must work at that width
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)
	return ctx
}

type world struct {
	srv              *testserver.Server
	school           *space.Space
	principal, zhang *account.User
}

func setup(t *testing.T) *world {
	t.Helper()
	srv := testserver.Start(t, testkit.Engines()[0])
	svc := srv.App.Service
	ctx := context.Background()
	district, err := svc.CreateInstitution(ctx, nil, 0, service.InstitutionInput{Name: "青湖区", Level: space.District})
	if err != nil {
		t.Fatal(err)
	}
	school, err := svc.CreateInstitution(ctx, nil, district.ID, service.InstitutionInput{Name: "青湖区实验小学", Location: "urban"})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{srv: srv, school: school}
	w.principal, err = svc.CreateUser(ctx, nil, service.NewUser{Username: "principal", Password: pw, Role: account.SchoolAdmin,
		InstitutionID: school.ID, Profile: service.Profile{DisplayName: "陈校长"}})
	if err != nil {
		t.Fatal(err)
	}
	w.zhang, err = svc.CreateUser(ctx, nil, service.NewUser{Username: "zhangwei", Password: pw, Role: account.Teacher,
		InstitutionID: school.ID, Profile: service.Profile{DisplayName: "张伟"}})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func login(url, user string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(url+"/login"),
		chromedp.WaitVisible(`#username`),
		chromedp.SendKeys(`#username`, user),
		chromedp.SendKeys(`#password`, pw),
		chromedp.Submit(`#password`),
		chromedp.WaitVisible(`.hero`),
	)
}

// text runs steps and then reads the text of sel.
func text(ctx context.Context, t *testing.T, sel string, steps ...chromedp.Action[chromedp.Void]) string {
	t.Helper()
	for i, st := range steps {
		if err := chromedp.Do(ctx, st); err != nil {
			t.Fatalf("step %d of %d: %v", i+1, len(steps), err)
		}
	}
	var s string
	var err error
	for range 5 { // the page may still be swapping nodes (htmx, a redirect)
		if s, err = chromedp.Run(ctx, chromedp.Text(sel)); err == nil || !staleNode(err) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// waitLocation waits until the page's address contains want: a form
// submitted from a page that already shows what the next one shows must
// not be read before the browser has left it.
func waitLocation(want string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for {
			if loc, err := chromedp.Location()(ctx, t); err == nil && strings.Contains(loc, want) {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("waiting for an address with %q: %w", want, ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

// waitText waits until the text of sel contains want: after a form posts
// and redirects, an element of the same name may still show the old page.
func waitText(sel, want string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for {
			if s, err := chromedp.Text(sel)(ctx, t); err == nil && strings.Contains(s, want) {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("waiting for %q in %s: %w", want, sel, ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

// click clicks the first node matching sel. A click soon after a navigation
// can reach for the old page's JavaScript context while the browser discards
// it ("Cannot find context with specified id"), or for a node that htmx or
// the navigation has just replaced ("No node with given id found"); the
// mouse event is sent only after those steps, so nothing was clicked then,
// and the click is tried again on the page as it is now.
func click(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		var err error
		for range 5 {
			if _, err = chromedp.Click(sel)(ctx, t); err == nil || !staleNode(err) {
				return err
			}
			time.Sleep(50 * time.Millisecond)
		}
		return err
	})
}

// staleNode reports a click that found its node or page gone before it
// could send the mouse event.
func staleNode(err error) bool {
	return strings.Contains(err.Error(), "Cannot find context") || strings.Contains(err.Error(), "No node with given id")
}

// html runs steps and then reads the outer HTML of sel.
func html(ctx context.Context, t *testing.T, sel string, steps ...chromedp.Action[chromedp.Void]) string {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
	s, err := chromedp.Run(ctx, chromedp.OuterHTML(sel))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTeacherJourney(t *testing.T) {
	ctx := browser(t)
	w := setup(t)
	url := w.srv.URL
	avatar := filepath.Join(t.TempDir(), "me.png")
	writePNG(t, avatar)

	bodyText := text(ctx, t, `.field-error`,
		// A wrong password gives a field error and no session.
		chromedp.Navigate(url+"/login"),
		chromedp.WaitVisible(`#username`),
		chromedp.SendKeys(`#username`, "zhangwei"),
		chromedp.SendKeys(`#password`, "wrong-password"),
		chromedp.Submit(`#password`),
		chromedp.WaitVisible(`.field-error`),
	)
	if !strings.Contains(bodyText, "用户名或密码不正确") {
		t.Fatalf("login error = %q", bodyText)
	}

	entryHTML := html(ctx, t, `.prose`,
		login(url, "zhangwei"),
		// Edit the profile.
		chromedp.Navigate(url+"/settings/profile"),
		chromedp.WaitVisible(`#display_name`),
		chromedp.SetValue(`#years_of_teaching`, "12"),
		chromedp.SetValue(`#title`, "first"),
		click(`input[name=subjects][value=math]`),
		chromedp.SetValue(`#bio`, "热爱数学教学的老师"),
		chromedp.Submit(`#bio`),
		chromedp.WaitVisible(`.flash-success`),
		// Upload an avatar.
		chromedp.SetUploadFiles(`#avatar`, []string{avatar}),
		chromedp.Submit(`#avatar`),
		chromedp.WaitVisible(`img.avatar`),
		// Write and publish a journal entry.
		chromedp.Navigate(url+"/journal/new"),
		chromedp.WaitVisible(`#title`),
		chromedp.SendKeys(`#title`, "大单元教学的一次尝试"),
		chromedp.SendKeys(`#body`, "## 课堂观察\n\n学生在**小组合作**中表现积极。"),
		click(`button[name=publish]`),
		chromedp.WaitVisible(`.prose`),
	)
	if !strings.Contains(entryHTML, "<strong>小组合作</strong>") {
		t.Errorf("entry body = %s", entryHTML)
	}
	// The personal space shows the profile and the entry.
	page := html(ctx, t, `main`, chromedp.Navigate(url+"/u/zhangwei"), chromedp.WaitVisible(`.profile-card`))
	for _, want := range []string{"12 年", "一级教师", "数学", "大单元教学的一次尝试", `src="/avatars/`} {
		if !strings.Contains(page, want) {
			t.Errorf("personal space lacks %q", want)
		}
	}

	// Switch the language: the choice sticks to the account.
	page = html(ctx, t, `html`,
		chromedp.SetValue(`#lang-select`, "en"),
		chromedp.Submit(`#lang-select`),
		chromedp.WaitVisible(`.profile-card`),
	)
	if !strings.Contains(page, `lang="en"`) || !strings.Contains(page, "12 years") {
		t.Errorf("page is not in English after switching")
	}
	u, err := w.srv.App.Service.UserByUsername(context.Background(), "zhangwei")
	if err != nil || u.Lang != "en" {
		t.Errorf("language not remembered on the account: %v %v", u.Lang, err)
	}
}

func TestRosterImportAndSchoolPage(t *testing.T) {
	ctx := browser(t)
	w := setup(t)
	url := w.srv.URL
	csv := filepath.Join(t.TempDir(), "名册.csv")
	content := "工号,姓名,性别,学科,学段,职称,教龄,邮箱\n" +
		"1001,李娜,女,语文,小学,一级教师,8,lina@example.cn\n" +
		"1002,王芳,女,数学,小学,二级教师,3,not-an-email\n" +
		"1003,刘洋,男,英语,小学,高级教师,20,liuyang@example.cn\n"
	if err := os.WriteFile(csv, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	sid := strconv.FormatInt(w.school.ID, 10)
	result := text(ctx, t, `#roster-result`,
		login(url, "principal"),
		chromedp.Navigate(url+"/i/"+sid+"/roster"),
		chromedp.WaitVisible(`#file`),
		chromedp.SetUploadFiles(`#file`, []string{csv}),
		chromedp.Submit(`#file`),
		chromedp.WaitVisible(`#roster-result`),
	)
	if !strings.Contains(result, "3\t王芳") || !strings.Contains(result, "邮箱") || !strings.Contains(result, "错误 1 行") {
		t.Errorf("preview does not show the bad row 3 and its column: %s", result)
	}
	// Importing everything is refused; importing only the valid rows works.
	result = text(ctx, t, `.flash-success`,
		click(`#roster-result button[type=submit]`),
		chromedp.WaitVisible(`.flash-error`),
		click(`input[name=only_valid]`),
		click(`#roster-result button[type=submit]`),
		chromedp.WaitVisible(`.flash-success`),
	)
	if !strings.Contains(result, "新建 2 人") {
		t.Errorf("import result = %q", result)
	}

	// Another teacher of the school sees the school page with its members.
	ctx2 := browser(t)
	school := text(ctx2, t, `main`,
		login(url, "zhangwei"),
		chromedp.Navigate(url+"/i/"+sid),
		chromedp.WaitVisible(`.member-list`),
	)
	for _, want := range []string{"青湖区实验小学", "李娜", "刘洋", "张伟"} {
		if !strings.Contains(school, want) {
			t.Errorf("school page lacks %q", want)
		}
	}
	if strings.Contains(school, "王芳") {
		t.Error("the invalid row was imported")
	}
	if strings.Contains(school, "导入名册") {
		t.Error("a teacher sees the admin's roster link")
	}
}

func writePNG(t *testing.T, path string) {
	img := image.NewRGBA(image.Rect(0, 0, 300, 200))
	for x := range 300 {
		for y := range 200 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}
