package e2e

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestResourceJourney: a teacher uploads a PDF and starts a lesson plan in
// her lesson-preparation group; she and a colleague edit it at the same
// time, the colleague's save meets the conflict screen and is merged in
// the browser; the colleague reuses the PDF; the teacher recommends it to
// the school, the principal approves it into the school's featured
// collection, and a two-character Chinese query finds it.
func TestResourceJourney(t *testing.T) {
	ctxA, ctxB := browser(t), browser(t)
	w := setup(t)
	base := w.srv.URL
	svc, ctx := w.srv.App.Service, context.Background()
	li, err := svc.CreateUser(ctx, nil, service.NewUser{Username: "lina", Password: pw, Role: account.Teacher,
		InstitutionID: w.school.ID, Profile: service.Profile{DisplayName: "李娜"}})
	if err != nil {
		t.Fatal(err)
	}
	group, err := svc.CreateCommunity(ctx, w.principal, w.school.ID, community.Input{Name: "三年级数学备课组",
		JoinPolicy: community.Open, Visibility: space.Public})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*account.User{w.zhang, li} {
		if _, err := svc.Join(ctx, u, group.Space.ID, ""); err != nil {
			t.Fatal(err)
		}
	}
	pdf := filepath.Join(t.TempDir(), "分数课例.pdf")
	if err := os.WriteFile(pdf, testkit.PDF("分数的初步认识 课例研修 教学实录"), 0o600); err != nil {
		t.Fatal(err)
	}
	location := func(c context.Context) string {
		t.Helper()
		loc, err := chromedp.Run(c, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}

	// 张伟 uploads the PDF.
	page := text(ctxA, t, `main`,
		actAs(w.srv, "zhangwei"),
		chromedp.Navigate(base+"/resources/new?kind=file"),
		chromedp.WaitVisible(`#file`),
		chromedp.SendKeys(`#title`, "分数的初步认识 课例研修"),
		chromedp.SetValue(`#subject`, "math"),
		chromedp.SetValue(`#grade`, "g3"),
		chromedp.SetUploadFiles(`#file`, []string{pdf}),
		chromedp.Submit(`#file`),
		chromedp.WaitVisible(`.resource-file`),
	)
	if !strings.Contains(page, "分数的初步认识 课例研修") || !strings.Contains(page, "分数课例.pdf") {
		t.Fatalf("the uploaded PDF's page:\n%s", page)
	}
	pdfPage := location(ctxA)

	// 张伟 starts a lesson plan in the group.
	text(ctxA, t, `.document`,
		chromedp.Navigate(base+"/resources/new?kind=document&space="+strconv.FormatInt(group.Space.ID, 10)),
		chromedp.WaitVisible(`#section_objectives`),
		chromedp.SendKeys(`#title`, "分数的初步认识 教学设计"),
		chromedp.SendKeys(`#section_objectives`, "认识几分之一"),
		chromedp.SendKeys(`#section_process`, "一、导入\n二、新授"),
		chromedp.Submit(`#section_objectives`),
		chromedp.WaitVisible(`.document`),
	)
	doc := location(ctxA)

	// Both open the editor; 张伟 saves first.
	if err := chromedp.Do(ctxB, actAs(w.srv, "lina"), chromedp.Navigate(doc+"/edit"), chromedp.WaitVisible(`#section_process`)); err != nil {
		t.Fatal(err)
	}
	text(ctxA, t, `.document`,
		chromedp.Navigate(doc+"/edit"),
		chromedp.WaitVisible(`#section_objectives`),
		chromedp.SetValue(`#section_objectives`, "认识几分之一，会读写分数"),
		chromedp.Submit(`#section_objectives`),
		chromedp.WaitVisible(`.flash-success`),
	)
	// 李娜 saves from the same revision: the conflict screen.
	conflict := text(ctxB, t, `#conflict`,
		chromedp.SetValue(`#section_process`, "一、导入\n二、新授：折纸\n三、练习"),
		chromedp.Submit(`#section_process`),
		chromedp.WaitVisible(`#conflict`),
	)
	for _, want := range []string{"张伟 保存了第 2 版", "张伟 的修改", "你的修改", "会读写分数", "三、练习"} {
		if !strings.Contains(conflict, want) {
			t.Errorf("the conflict screen lacks %q:\n%s", want, conflict)
		}
	}
	fitsWidth(ctxB, t, "the conflict screen")
	merged, err := chromedp.Run(ctxB, chromedp.Value(`#section_objectives`))
	if err != nil || merged != "认识几分之一，会读写分数" {
		t.Errorf("the merge proposal keeps the other change: %q %v", merged, err)
	}
	final := text(ctxB, t, `.document`,
		chromedp.SetValue(`#section_board_design`, "分数各部分名称"),
		chromedp.Submit(`#section_board_design`),
		chromedp.WaitVisible(`.flash-success`),
	)
	for _, want := range []string{"会读写分数", "折纸", "分数各部分名称", "第 3 版 · 李娜"} {
		if !strings.Contains(final, want) {
			t.Errorf("the merged document lacks %q:\n%s", want, final)
		}
	}
	hist := text(ctxB, t, `main`, chromedp.Navigate(doc+"/revisions"), chromedp.WaitVisible(`.revision-table`))
	if !strings.Contains(hist, "共 3 个版本") {
		t.Errorf("history:\n%s", hist)
	}
	fitsWidth(ctxB, t, "the revision history")
	diff := text(ctxB, t, `main`, click(`.revision-table a[href*="compare"]`), chromedp.WaitVisible(`.diff`))
	if !strings.Contains(diff, "第 2 版与第 3 版的差异") || !strings.Contains(diff, "折纸") {
		t.Errorf("diff:\n%s", diff)
	}
	fitsWidth(ctxB, t, "the diff")

	// 李娜 reuses the PDF.
	copyPage := text(ctxB, t, `main`,
		chromedp.Navigate(pdfPage),
		chromedp.WaitVisible(`form[action$="/reuse"] button`),
		click(`form[action$="/reuse"] button`),
		chromedp.WaitVisible(`.provenance`),
	)
	if !strings.Contains(copyPage, "复用自") {
		t.Errorf("the copy lacks its provenance:\n%s", copyPage)
	}

	// 张伟 recommends it to the school; the principal approves it.
	text(ctxA, t, `.flash-success`,
		chromedp.Navigate(pdfPage),
		chromedp.WaitVisible(`#institution_id`),
		chromedp.SendKeys(`#recommend-note`, "课堂实录完整"),
		click(`form[action$="/recommend"] button`),
		chromedp.WaitVisible(`.flash-success`),
	)
	queue := text(ctxB, t, `main`,
		actAs(w.srv, "principal"),
		chromedp.Navigate(base+"/resources/reviews"),
		chromedp.WaitVisible(`.review-item`),
	)
	if !strings.Contains(queue, "分数的初步认识 课例研修") || !strings.Contains(queue, "课堂实录完整") {
		t.Fatalf("queue:\n%s", queue)
	}
	text(ctxB, t, `.flash-success`,
		chromedp.SendKeys(`textarea[name=comments]`, "优秀课例"),
		click(`button[value=approve]`),
		chromedp.WaitVisible(`.flash-success`),
	)
	school := text(ctxB, t, `#featured`, chromedp.Navigate(base+"/i/"+strconv.FormatInt(w.school.ID, 10)), chromedp.WaitVisible(`#featured`))
	if !strings.Contains(school, "分数的初步认识 课例研修") {
		t.Errorf("the school's featured resources: %s", school)
	}
	outcome := text(ctxA, t, `#reviews`, chromedp.Navigate(pdfPage), chromedp.WaitVisible(`#reviews`))
	if !strings.Contains(outcome, "已入选精品资源") {
		t.Errorf("the owner does not see the approval: %s", outcome)
	}

	// A two-character Chinese query finds it, typed into the search box.
	results := text(ctxB, t, `.resource-results`,
		chromedp.Navigate(base+"/resources"),
		chromedp.WaitVisible(`#q`),
		chromedp.SendKeys(`#q`, "课例"),
		chromedp.Submit(`#q`),
		waitLocation("q="+url.QueryEscape("课例")),
		chromedp.WaitVisible(`.resource-results`),
	)
	if !strings.Contains(results, "分数的初步认识 课例研修") {
		t.Errorf("课例 does not find it: %s", results)
	}
	if loc := location(ctxB); !strings.Contains(loc, "q="+url.QueryEscape("课例")) {
		t.Errorf("search URL %s", loc)
	}
}
