package e2e

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/interview"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/survey"
	"github.com/yanxiu/yanxiu/internal/testkit"
	"github.com/yanxiu/yanxiu/internal/testkit/testserver"
)

// evalBool runs a script in the page and fails the test unless it is true.
func evalBool(ctx context.Context, t *testing.T, what, script string) {
	t.Helper()
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](script))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !ok {
		t.Fatalf("%s: the page says no", what)
	}
}

// do runs steps and, when one fails, reports where the browser is and what
// the page says, so that a failing step is not only "deadline exceeded".
func do(ctx context.Context, t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	// The browser starts on the first action of a context and lives as
	// long as that action's context: start it on ctx, not on the step's
	// shorter-lived one.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
		t.Fatalf("%v at %s; the page says:\n%.3000s", err, loc, body)
	}
}

// read runs steps with do and then reads the text of sel.
func read(ctx context.Context, t *testing.T, sel string, steps ...chromedp.Action[chromedp.Void]) string {
	t.Helper()
	do(ctx, t, steps...)
	var s string
	do(ctx, t, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		var err error
		s, err = chromedp.Text(sel)(ctx, tg)
		return err
	}))
	return s
}

// answerScript fills every visible, unanswered question of the survey form
// in the page: the likert-th option (1-based) of Likert items, the first
// option of other choices and matrix rows, a number, a sentence. Only the
// first `limit` questions are filled (0: all), so that a draft can be left
// half done. It returns how many questions it answered.
func answerScript(likert, limit int) string {
	return `(() => {
  const likert = ` + strconv.Itoa(likert) + `, limit = ` + strconv.Itoa(limit) + `;
  let n = 0;
  for (const q of document.querySelectorAll("[data-survey-form] .survey-q")) {
    if (q.hidden) continue;
    if (limit && n >= limit) break;
    const radios = [...q.querySelectorAll("input[type=radio]")];
    const boxes = [...q.querySelectorAll("input[type=checkbox]")];
    const sel = q.querySelector("select");
    const txt = q.querySelector("textarea, input:not([type]), input[type=text]");
    if (radios.length) {
      const groups = {};
      for (const r of radios) (groups[r.name] = groups[r.name] || []).push(r);
      for (const name in groups) {
        const g = groups[name];
        if (g.some(r => r.checked)) continue;
        const pick = q.querySelector(".likert") ? g[Math.min(likert, g.length) - 1] : g[0];
        pick.checked = true;
      }
    } else if (boxes.length) {
      if (!boxes.some(b => b.checked)) boxes[0].checked = true;
    } else if (sel) {
      if (sel.value === "") sel.selectedIndex = 1;
    } else if (txt && txt.value === "") {
      txt.value = txt.classList.contains("input-number") ? "12" : "希望多组织跨校的课例研修。";
    }
    n++;
  }
  return n;
})()`
}

// TestQuestionnaireJourney: a district facilitator builds a questionnaire
// from the teacher-training-community template, edits an item, previews
// it, distributes it to the community she hosts and opens it; ten teachers
// answer in the browser (one saves a draft, comes back and submits); the
// facilitator follows the counts, groups the results by gender and by
// years of teaching, sees ECharts draw and downloads the XLSX export.
func TestQuestionnaireJourney(t *testing.T) {
	ctx := browser(t)
	acceptDialogs(ctx, t)
	srv := testserver.Start(t, testkit.Engines()[0])
	svc := srv.App.Service
	bg := context.Background()
	district, err := svc.CreateInstitution(bg, nil, 0, service.InstitutionInput{Name: "青湖区", Level: space.District})
	if err != nil {
		t.Fatal(err)
	}
	school, err := svc.CreateInstitution(bg, nil, district.ID, service.InstitutionInput{Name: "青湖区实验小学", Location: "urban"})
	if err != nil {
		t.Fatal(err)
	}
	twelve, five := 12, 5
	users := map[string]*account.User{}
	for _, p := range []struct {
		username, name, gender string
		years                  *int
		role                   account.Role
		inst                   int64
	}{
		{"host", "赵坊主", "", nil, account.Facilitator, district.ID},
		{"zhangwei", "张伟", "male", &twelve, account.Teacher, school.ID},
		{"lina", "李娜", "female", &five, account.Teacher, school.ID},
	} {
		u, err := svc.CreateUser(bg, nil, service.NewUser{Username: p.username, Password: pw, Role: p.role, InstitutionID: p.inst,
			Profile: service.Profile{DisplayName: p.name, Gender: p.gender, YearsOfTeaching: p.years, Title: "first"}})
		if err != nil {
			t.Fatalf("create %s: %v", p.username, err)
		}
		users[p.username] = u
	}
	const communityName = "青湖区小学数学研修共同体"
	c, err := svc.CreateCommunity(bg, users["host"], district.ID, community.Input{Name: communityName,
		Purpose: "老师们一起研究课堂。", Subject: "math", GradeBand: "primary",
		JoinPolicy: community.Open, Visibility: space.InstitutionOnly})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.SetCommunityStatus(bg, users["host"], c.Space.ID, community.Active); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"zhangwei", "lina"} {
		if joined, err := svc.Join(bg, users[who], c.Space.ID, ""); err != nil || !joined {
			t.Fatalf("%s joins: %v %v", who, joined, err)
		}
	}
	url := srv.URL

	// The facilitator starts from the community template.
	const title = "青湖区研修共同体现状调查"
	do(ctx, t,
		actAs(srv, "host"),
		chromedp.Navigate(url+"/surveys/new"),
		chromedp.WaitVisible(`#title`),
		click(`input[name=template][value=`+survey.TemplateCommunity+`]`),
		chromedp.SendKeys(`#title`, title),
		chromedp.Submit(`#title`),
		chromedp.WaitVisible(`.survey-item-row`),
	)
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(loc, "/surveys/")
	rest := strings.TrimPrefix(loc[i:], "/surveys/")
	sid := rest[:strings.IndexByte(rest, '/')]
	if _, err := strconv.ParseInt(sid, 10, 64); err != nil {
		t.Fatalf("after creating, the browser is at %s", loc)
	}
	base := url + "/surveys/" + sid
	builder := read(ctx, t, `main`)
	for _, want := range []string{"参与度", "满意度", "您参加研修共同体的时间", "反向"} {
		if !strings.Contains(builder, want) {
			t.Errorf("builder lacks %q", want)
		}
	}

	// She rewords the open question.
	const reworded = "您对改进研修共同体有哪些具体建议？请写出一两条。"
	evalBool(ctx, t, "open the open question's editor", `(() => {
  for (const row of document.querySelectorAll(".survey-item-row")) {
    if (row.querySelector(".item-text").textContent.includes("您对改进研修共同体有哪些建议")) {
      row.querySelector(".button-row a.btn").click();
      return true;
    }
  }
  return false;
})()`)
	saved := read(ctx, t, `main`,
		chromedp.WaitVisible(`#text`),
		chromedp.SetValue(`#text`, reworded),
		click(`.form-actions button[type=submit]`),
		chromedp.WaitVisible(`.flash-success`),
	)
	if !strings.Contains(saved, reworded) {
		t.Errorf("the builder does not show the reworded item:\n%s", saved)
	}

	// The preview shows the form as respondents will see it.
	preview := read(ctx, t, `main`, chromedp.Navigate(base+"/preview"), chromedp.WaitVisible(`#preview-notice`))
	for _, want := range []string{title, reworded, "我积极参加共同体组织的各项研修活动。"} {
		if !strings.Contains(preview, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	fitsWidth(ctx, t, "the questionnaire preview")

	// She distributes it to her community and opens it.
	dist := read(ctx, t, `#distributions`,
		chromedp.Navigate(base+"/distribute"),
		chromedp.WaitVisible(`#community`),
		chromedp.SetValue(`#community`, strconv.FormatInt(c.Space.ID, 10)),
		click(`#add-distribution input[value=community] ~ button`),
		chromedp.WaitVisible(`.flash-success`),
	)
	if !strings.Contains(dist, communityName) {
		t.Errorf("distributions = %q", dist)
	}
	status := read(ctx, t, `#status`,
		chromedp.Navigate(base),
		chromedp.WaitVisible(`#status`),
		click(`#status input[value=open] ~ button`),
		chromedp.WaitVisible(`.flash-success`),
	)
	if !strings.Contains(status, "已回收 0 份") {
		t.Errorf("status after opening = %q", status)
	}

	// Zhang Wei starts, saves a draft, and leaves.
	do(ctx, t,
		actAs(srv, "zhangwei"),
		chromedp.Navigate(url+"/surveys"),
		chromedp.WaitVisible(`main`),
	)
	list := read(ctx, t, `main`)
	if !strings.Contains(list, title) {
		t.Errorf("the teacher's list of questionnaires lacks it:\n%s", list)
	}
	do(ctx, t, chromedp.Navigate(base+"/respond"), chromedp.WaitVisible(`[data-survey-form]`))
	// The gender question is prefilled from his profile.
	evalBool(ctx, t, "gender prefilled", `[...document.querySelectorAll("[data-survey-form] .survey-q")].some(q =>
  q.textContent.includes("性别") && [...q.querySelectorAll("input:checked, option:checked")].some(o => o.value !== "" && o.closest("label, select").textContent.includes("男")))`)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](answerScript(4, 10))); err != nil {
		t.Fatal(err)
	}
	do(ctx, t,
		click(`button[name=action][value=save]`),
		chromedp.WaitVisible(`.flash-success`),
	)
	// Live counts: one draft, nothing submitted yet.
	counts := read(ctx, t, `#counts`, actAs(srv, "host"), chromedp.Navigate(base+"/results"), chromedp.WaitVisible(`#counts`))
	if !strings.Contains(counts, "已提交 0 份，未完成草稿 1 份") {
		t.Errorf("counts with one draft = %q", counts)
	}

	// Li Na answers everything at once.
	answered := read(ctx, t, `#answered`,
		actAs(srv, "lina"),
		chromedp.Navigate(base+"/respond"),
		chromedp.WaitVisible(`[data-survey-form]`),
		chromedp.Evaluate[chromedp.Void](answerScript(2, 0)),
		click(`button[name=action][value=submit]`),
		chromedp.WaitVisible(`#answered`),
	)
	if !strings.Contains(answered, "已经提交") {
		t.Errorf("after submitting: %q", answered)
	}

	// Zhang Wei comes back to his draft and finishes it.
	do(ctx, t,
		actAs(srv, "zhangwei"),
		chromedp.Navigate(base+"/respond"),
		chromedp.WaitVisible(`#draft-note`),
	)
	evalBool(ctx, t, "the draft's first answers are back", `document.querySelectorAll("[data-survey-form] input:checked").length >= 5`)
	do(ctx, t,
		chromedp.Evaluate[chromedp.Void](answerScript(4, 0)),
		click(`button[name=action][value=submit]`),
		chromedp.WaitVisible(`#answered`),
	)

	// The facilitator sees both answers, groups by gender and gets charts.
	counts = read(ctx, t, `#counts`, actAs(srv, "host"), chromedp.Navigate(base+"/results"), chromedp.WaitVisible(`#group`))
	if !strings.Contains(counts, "已提交 2 份，未完成草稿 0 份") {
		t.Errorf("counts after both submitted = %q", counts)
	}
	evalBool(ctx, t, "choose gender as the grouping", `(() => {
  const sel = document.getElementById("group");
  for (const o of sel.options) if (o.textContent.includes("性别")) { sel.value = o.value; return true; }
  return false;
})()`)
	do(ctx, t,
		chromedp.Submit(`#group`),
		chromedp.WaitVisible(`#dimensions .compare`),
		chromedp.WaitVisible(`#dimensions .chart[data-chart=dimensions] canvas`),
		chromedp.WaitVisible(`#counts .chart canvas`),
	)
	dims := read(ctx, t, `#dimensions`, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("#dimensions details").forEach(d => d.open = true)`))
	for _, want := range []string{"参与度", "男", "女", "Mann–Whitney U 检验", "维度间相关", "参与度 × 协作"} {
		if !strings.Contains(dims, want) {
			t.Errorf("grouped dimension results lack %q:\n%s", want, dims)
		}
	}
	// Li Na chose 2 and Zhang Wei 4 on every Likert item: the participation
	// mean (one item reverse-scored) is (2+2+2+4)/4 for her and (4+4+4+2)/4 for him.
	if !strings.Contains(dims, "2.50") || !strings.Contains(dims, "3.50") {
		t.Errorf("dimension means by gender are not 2.50 and 3.50:\n%s", dims)
	}
	fitsWidth(ctx, t, "the results page")

	// Eight more teachers answer in the browser, each signed in as
	// themselves, so that all ten answers went through the form and the
	// tests by gender and by years-of-teaching band have data: a t-test
	// and Mann–Whitney for two groups, an ANOVA and Kruskal–Wallis for
	// four bands. Their profiles alternate gender and cover the four
	// bands, which the form prefills; each picks one point on every
	// Likert item, so every group has some spread.
	bandYears := []int{3, 8, 15, 25}
	for k := range 8 {
		name := "jiaoshi" + strconv.Itoa(k)
		gender := []string{"male", "female"}[k%2]
		u, err := svc.CreateUser(bg, nil, service.NewUser{Username: name, Password: pw, Role: account.Teacher,
			InstitutionID: school.ID, Profile: service.Profile{DisplayName: "教师" + strconv.Itoa(k), Gender: gender,
				YearsOfTeaching: &bandYears[k%4]}})
		if err != nil {
			t.Fatal(err)
		}
		if joined, err := svc.Join(bg, u, c.Space.ID, ""); err != nil || !joined {
			t.Fatalf("teacher %d joins: %v %v", k, joined, err)
		}
		answered := read(ctx, t, `#answered`,
			actAs(srv, name),
			chromedp.Navigate(base+"/respond"),
			chromedp.WaitVisible(`[data-survey-form]`),
			chromedp.Evaluate[chromedp.Void](answerScript(1+k%5, 0)),
			click(`button[name=action][value=submit]`),
			chromedp.WaitVisible(`#answered`),
		)
		if !strings.Contains(answered, "已经提交") {
			t.Errorf("teacher %d after submitting: %q", k, answered)
		}
	}
	do(ctx, t, actAs(srv, "host"))
	counts = read(ctx, t, `#counts`, chromedp.Navigate(base+"/results"), chromedp.WaitVisible(`#counts`))
	if !strings.Contains(counts, "已提交 10 份，未完成草稿 0 份") {
		t.Errorf("counts after ten answered in the browser = %q", counts)
	}
	byGroup := func(label string) string {
		t.Helper()
		do(ctx, t, chromedp.Navigate(base+"/results"), chromedp.WaitVisible(`#group`))
		evalBool(ctx, t, "choose "+label+" as the grouping", `(() => {
  const sel = document.getElementById("group");
  for (const o of sel.options) if (o.textContent.includes(`+strconv.Quote(label)+`)) { sel.value = o.value; return true; }
  return false;
})()`)
		return read(ctx, t, `#dimensions`,
			chromedp.Submit(`#group`),
			chromedp.WaitVisible(`#dimensions .compare`),
			chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("#dimensions details").forEach(d => d.open = true)`))
	}
	dims = byGroup("性别")
	for _, want := range []string{"独立样本 t 检验：t(8) = ", "Mann–Whitney U 检验：U = "} {
		if !strings.Contains(dims, want) {
			t.Errorf("results by gender lack %q:\n%s", want, dims)
		}
	}
	dims = byGroup("教龄")
	for _, want := range []string{"单因素方差分析：F(", "Kruskal–Wallis H 检验：H(", "Tukey"} {
		if !strings.Contains(dims, want) {
			t.Errorf("results by years of teaching lack %q:\n%s", want, dims)
		}
	}

	// The XLSX export, fetched with the browser's session.
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('a[href$="export.xlsx"]').href`))
	if err != nil {
		t.Fatal(err)
	}
	cookies, err := chromedp.Run(ctx, chromedp.Action[network.GetCookiesResult](func(ctx context.Context, _ *chromedp.Target) (network.GetCookiesResult, error) {
		return chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{url}})
	}))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, href, nil)
	for _, ck := range cookies.Cookies {
		req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
	}
	hc := &http.Client{Timeout: 30 * time.Second}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("export.xlsx: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) < 2 {
		t.Fatalf("sheets = %v, want data and codebook", sheets)
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 11 {
		t.Errorf("data sheet has %d rows, want a header and 10 responses", len(rows))
	}
	book, err := f.GetRows(sheets[1])
	if err != nil {
		t.Fatal(err)
	}
	joined := ""
	for _, r := range book {
		joined += strings.Join(r, "\t") + "\n"
	}
	if !strings.Contains(joined, reworded) || !strings.Contains(joined, "我很少关注共同体中的讨论。") {
		t.Errorf("codebook lacks the reworded item or the reverse item:\n%.2000s", joined)
	}
}

// TestInterviewCoding: a researcher selects a passage of a Chinese
// transcript with the mouse, codes it, sees the coded stretch and its
// quote, and the code's frequency.
func TestInterviewCoding(t *testing.T) {
	ctx := browser(t)
	srv := testserver.Start(t, testkit.Engines()[0])
	svc := srv.App.Service
	bg := context.Background()
	district, err := svc.CreateInstitution(bg, nil, 0, service.InstitutionInput{Name: "青湖区", Level: space.District})
	if err != nil {
		t.Fatal(err)
	}
	researcher, err := svc.CreateUser(bg, nil, service.NewUser{Username: "researcher", Password: pw, Role: account.Expert,
		InstitutionID: district.ID, Profile: service.Profile{DisplayName: "孙研究员"}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.CreateInterviewProject(bg, researcher, interview.ProjectInput{Title: "共同体参与访谈"})
	if err != nil {
		t.Fatal(err)
	}
	code, err := svc.CreateInterviewCode(bg, researcher, p.ID, interview.CodeInput{Name: "时间压力", Definition: "教师提到没有时间参加研修。"})
	if err != nil {
		t.Fatal(err)
	}
	// An emoji before the passage: offsets are in code points, not UTF-16 units.
	const transcript = "访谈者：您平时参加共同体的活动多吗？\n受访者：不太多😅。主要是课务太重，每周二十节课，放学后还要批改作业，实在抽不出时间参加线上研讨。\n访谈者：学校有什么支持吗？"
	const passage = "课务太重，每周二十节课，放学后还要批改作业，实在抽不出时间参加线上研讨"
	rec, err := svc.CreateInterviewRecord(bg, researcher, p.ID, interview.RecordInput{Pseudonym: "T01", Gender: "female",
		Transcript: transcript}, nil)
	if err != nil {
		t.Fatal(err)
	}
	url := srv.URL
	rid := strconv.FormatInt(rec.ID, 10)
	do(ctx, t,
		actAs(srv, "researcher"),
		chromedp.Navigate(url+"/interview-records/"+rid),
		chromedp.WaitVisible(`#transcript`),
	)
	// Select the passage as a mouse would, and let go of the button.
	evalBool(ctx, t, "select the passage", `(() => {
  const t = document.getElementById("transcript");
  const node = t.firstChild;
  const at = node.data.indexOf(`+strconv.Quote(passage)+`);
  if (at < 0) return false;
  const r = document.createRange();
  r.setStart(node, at);
  r.setEnd(node, at + `+strconv.Quote(passage)+`.length);
  const sel = window.getSelection();
  sel.removeAllRanges();
  sel.addRange(r);
  t.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
  return true;
})()`)
	do(ctx, t, chromedp.Poll[chromedp.Void](`document.getElementById("seg-start").value !== ""`))
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.getElementById("seg-start").value, document.getElementById("seg-end").value, document.getElementById("quote").value]`))
	if err != nil {
		t.Fatal(err)
	}
	start := strings.Index(transcript, passage)
	wantStart := len([]rune(transcript[:start]))
	wantEnd := wantStart + len([]rune(passage))
	if got[0] != strconv.Itoa(wantStart) || got[1] != strconv.Itoa(wantEnd) || got[2] != passage {
		t.Fatalf("the form holds start=%s end=%s quote=%q; want %d %d %q", got[0], got[1], got[2], wantStart, wantEnd, passage)
	}
	segs := read(ctx, t, `#segments`,
		chromedp.SetValue(`#code`, strconv.FormatInt(code.ID, 10)),
		click(`#code-form button[type=submit]`),
		chromedp.WaitVisible(`#segments .segment`),
	)
	if !strings.Contains(segs, passage) || !strings.Contains(segs, "时间压力") {
		t.Errorf("segments = %q", segs)
	}
	mark := read(ctx, t, `#transcript mark.coded`)
	if mark != passage {
		t.Errorf("coded stretch = %q, want %q", mark, passage)
	}
	stored, err := svc.InterviewSegments(bg, researcher, rec.ID)
	if err != nil || len(stored) != 1 || stored[0].Quote != passage {
		t.Fatalf("stored segments = %+v, %v", stored, err)
	}
	fitsWidth(ctx, t, "the coding view")

	freq := read(ctx, t, `#frequencies`,
		chromedp.Navigate(url+"/interviews/"+strconv.FormatInt(p.ID, 10)+"/frequencies"),
		chromedp.WaitVisible(`.freq-table`),
	)
	if !strings.Contains(freq, "时间压力") || !strings.Contains(freq, "女") {
		t.Errorf("frequencies = %q", freq)
	}
}
