package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/yanxiu/yanxiu/internal/survey"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

var surveyEditLoc = regexp.MustCompile(`^/surveys/(\d+)/edit$`)

// answerForm fills every item of a definition the way a respondent would.
func answerForm(d *survey.Definition, k int) url.Values {
	v := url.Values{}
	for _, it := range d.Items() {
		name := "a." + it.ID
		switch it.Kind {
		case survey.Single, survey.Demographic, survey.Likert:
			v.Set(name, strconv.Itoa(it.Options[k%len(it.Options)].Value))
		case survey.Multiple:
			v.Add(name, strconv.Itoa(it.Options[0].Value))
			v.Add(name, strconv.Itoa(survey.OtherCode))
			v.Set(name+".other", "其他活动")
		case survey.Matrix:
			for _, r := range it.Rows {
				v.Set(name+"."+r.ID, strconv.Itoa(it.Options[k%len(it.Options)].Value))
			}
		case survey.Number:
			v.Set(name, "１２.5")
		case survey.Text:
			v.Set(name, "多一些跨校交流")
		}
	}
	return v
}

func getBody(t *testing.T, c *http.Client, u string) (int, []byte, http.Header) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

func TestSurveyPages(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) { surveyPages(t, e) })
	}
}

func surveyPages(t *testing.T, e testkit.Engine) {
	w := newCommunityWorld(t, e)
	base := w.srv.URL
	ctx := context.Background()
	svc := w.srv.App.Service
	host, teacher, stranger, principal := w.as(t, w.host), w.as(t, w.teacher), w.as(t, w.stranger), w.as(t, w.schoolAdm)
	anon := w.client(t, nil)

	// Creating: not for teachers; from the community template.
	checkPages(t, base, []pageCase{
		{"list", host.c, "/surveys", 200, []string{"新建问卷", "待我填写"}, nil},
		{"teacher's list", teacher.c, "/surveys", 200, []string{"待我填写"}, []string{"新建问卷"}},
		{"new form", host.c, "/surveys/new", 200, []string{"教师研修共同体调查问卷", `name="template"`}, nil},
		{"teachers cannot create", teacher.c, "/surveys/new", 403, nil, nil},
		{"anonymous visitor", anon, "/surveys", 303, nil, nil},
		{"junk ID", host.c, "/surveys/abc", 404, nil, nil},
	})
	code, body, _ := teacher.post(t, base, "/surveys", url.Values{"template": {"community"}})
	wantStatus(t, "teacher creates", code, http.StatusForbidden, body)
	code, body, _ = host.post(t, base, "/surveys", url.Values{"template": {"nope"}, "title": {"x"}})
	wantStatus(t, "unknown template", code, http.StatusUnprocessableEntity, body, "请从列表中选择")
	code, body, loc := host.post(t, base, "/surveys", url.Values{"template": {"community"}, "title": {""}})
	m := surveyEditLoc.FindStringSubmatch(loc)
	if code != http.StatusSeeOther || m == nil {
		t.Fatalf("create survey: %d %s\n%s", code, loc, body)
	}
	sid := m[1]
	id, _ := strconv.ParseInt(sid, 10, 64)
	sp, err := svc.ManagedSurvey(ctx, w.host, id)
	if err != nil {
		t.Fatal(err)
	}
	d := sp.Survey.Definition
	sec := d.Sections[1].ID
	checkPages(t, base, []pageCase{
		{"builder", host.c, "/surveys/" + sid + "/edit", 200, []string{"教师研修共同体调查问卷", "参与度", "反向计分", `name="kind"`, "显示条件：Q9 = 是"}, nil},
		{"principal does not manage it", principal.c, "/surveys/" + sid + "/edit", 404, nil, nil},
		{"overview", host.c, "/surveys/" + sid, 200, []string{"发布问卷", "问卷设置"}, nil},
		{"non-managers go to the form", teacher.c, "/surveys/" + sid, 303, nil, nil},
		{"preview", host.c, "/surveys/" + sid + "/preview", 200, []string{"这是预览", "data-survey-form", `data-show-if="`}, nil},
		{"results without responses", host.c, "/surveys/" + sid + "/results?group=Q1", 200, []string{"本次分析 0 份（共 0 份）"}, nil},
		{"chart data without responses", host.c, "/surveys/" + sid + "/results.json", 200, []string{`"charts"`}, nil},
		{"export without responses", host.c, "/surveys/" + sid + "/export.xlsx", 200, nil, nil},
	})
	// Builder steps: add a Likert item, refuse an empty text, save it
	// reverse-scored in a new dimension.
	code, body, loc = host.post(t, base, "/surveys/"+sid+"/items", url.Values{"section": {sec}, "kind": {"likert"}})
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/surveys/"+sid+"/items/") {
		t.Fatalf("add item: %d %s %s", code, loc, body)
	}
	itemPath := loc
	checkPages(t, base, []pageCase{{"item form", host.c, itemPath, 200, []string{"量表点数", "所属维度", "显示条件", "非常同意"}, nil}})
	code, body, _ = host.post(t, base, itemPath, url.Values{"text": {""}, "scale": {"5"}})
	wantStatus(t, "empty question", code, http.StatusUnprocessableEntity, body, "此项为必填项")
	code, body, _ = host.post(t, base, itemPath, url.Values{"text": {"x"}, "scale": {"abc"}})
	wantStatus(t, "junk scale", code, http.StatusUnprocessableEntity, body, "请输入 2 到 11 之间的数值")
	code, body, _ = host.post(t, base, "/surveys/"+sid+"/dimensions", url.Values{"key_0": {"participation"}, "name_0": {"参与度"},
		"new_name": {"新维度"}, "new_name_en": {"New"}})
	wantStatus(t, "add dimension", code, http.StatusSeeOther, body)
	sp, _ = svc.ManagedSurvey(ctx, w.host, id)
	if len(sp.Survey.Definition.Dimensions) != 2 {
		t.Fatalf("dimensions after keeping one and adding one: %+v", sp.Survey.Definition.Dimensions)
	}
	newDim := sp.Survey.Definition.Dimensions[1].Key
	code, body, _ = host.post(t, base, itemPath, url.Values{"text": {"我愿意在共同体中公开自己的课堂。"}, "text_en": {"I open my classroom."},
		"scale": {"5"}, "dimension": {newDim}, "reverse": {"1"}, "required": {"1"}})
	wantStatus(t, "save item", code, http.StatusSeeOther, body)
	code, body, _ = host.post(t, base, itemPath+"/move", url.Values{"dir": {"up"}})
	wantStatus(t, "move item", code, http.StatusSeeOther, body)
	code, body, _ = host.post(t, base, itemPath+"/delete", nil)
	wantStatus(t, "delete item", code, http.StatusSeeOther, body)
	// The rest uses a fresh questionnaire with the template's six dimensions.
	code, body, loc = host.post(t, base, "/surveys", url.Values{"template": {"community"}, "title": {"共同体调查（正式）"}})
	if m = surveyEditLoc.FindStringSubmatch(loc); code != http.StatusSeeOther || m == nil {
		t.Fatalf("create second survey: %d %s", code, body)
	}
	sid = m[1]
	id, _ = strconv.ParseInt(sid, 10, 64)
	sp, _ = svc.ManagedSurvey(ctx, w.host, id)
	d = sp.Survey.Definition

	// Preview checks answers without saving.
	code, body, _ = host.post(t, base, "/surveys/"+sid+"/preview", url.Values{"action": {"submit"}})
	wantStatus(t, "preview check", code, http.StatusOK, body, "请回答此题")

	// Distribute: a community the host hosts, and a link.
	c := w.createCommunity(t, host, w.district.ID, "问卷试点共同体", "open", "public")
	if code, body, _ := teacher.post(t, base, c+"/join", nil); code != http.StatusSeeOther {
		t.Fatalf("join: %d %s", code, body)
	}
	code, body, _ = host.post(t, base, "/surveys/"+sid+"/distributions", url.Values{"kind": {"community"}, "community": {itoa(idOf(c))}})
	wantStatus(t, "distribute to community", code, http.StatusSeeOther, body)
	code, body, _ = host.post(t, base, "/surveys/"+sid+"/distributions", url.Values{"kind": {"institution"}, "institution": {itoa(w.school.ID)}})
	wantStatus(t, "distribute to an institution one does not administer", code, http.StatusForbidden, body, "只能发放给你管理的机构")
	code, body, _ = host.post(t, base, "/surveys/"+sid+"/distributions", url.Values{"kind": {"link"}})
	wantStatus(t, "make link", code, http.StatusOK, body, "它只显示这一次")
	linkM := regexp.MustCompile(`/s/([A-Za-z0-9_-]+)"`).FindStringSubmatch(body)
	if linkM == nil {
		t.Fatalf("no link shown:\n%s", body)
	}
	link := linkM[1]
	// Not answerable before publishing; then publish.
	checkPages(t, base, []pageCase{{"draft not answerable", teacher.c, "/surveys/" + sid + "/respond", 404, nil, nil}})
	code, body, _ = host.post(t, base, "/surveys/"+sid+"/status", url.Values{"status": {"open"}})
	wantStatus(t, "publish", code, http.StatusSeeOther, body)
	checkPages(t, base, []pageCase{
		{"frozen builder", host.c, "/surveys/" + sid + "/edit", 200, []string{"问卷已发布，题目不能再修改"}, []string{`name="kind"`}},
		{"teacher's list shows it", teacher.c, "/surveys", 200, []string{"共同体调查（正式）", "未提交"}, nil},
		{"form", teacher.c, "/surveys/" + sid + "/respond", 200, []string{"共同体调查（正式）", `name="a.`, "保存草稿", "本问卷实名填写"}, nil},
		{"not distributed to the stranger", stranger.c, "/surveys/" + sid + "/respond", 403, []string{"这份问卷没有发放给你"}, nil},
		{"distribution page", host.c, "/surveys/" + sid + "/distribute", 200, []string{"问卷试点共同体", "发送提醒"}, nil},
	})
	// Answering: a draft is kept, junk and missing answers are field errors.
	respond := "/surveys/" + sid + "/respond"
	full := answerForm(d, 1)
	first := d.Items()[0].ID
	code, body, _ = teacher.post(t, base, respond, url.Values{"action": {"save"}, "a." + first: {"2"}})
	wantStatus(t, "save draft", code, http.StatusSeeOther, body)
	checkPages(t, base, []pageCase{{"draft restored", teacher.c, respond, 200, []string{"已恢复你上次保存的草稿", "草稿已保存"}, nil}})
	code, body, _ = teacher.post(t, base, respond, url.Values{"action": {"submit"}, "a." + first: {"xyz"}})
	wantStatus(t, "junk answer", code, http.StatusUnprocessableEntity, body, "请从列表中选择", "请回答此题")
	code, body, _ = teacher.post(t, base, respond, url.Values{"action": {"update"}, "a." + first: {"1"}})
	wantStatus(t, "update visibility", code, http.StatusOK, body)
	full.Set("action", "submit")
	code, body, _ = teacher.post(t, base, respond, full)
	wantStatus(t, "submit", code, http.StatusSeeOther, body)
	code, body, _ = teacher.post(t, base, respond, full)
	wantStatus(t, "submit twice", code, http.StatusConflict, body, "你已经提交过")
	checkPages(t, base, []pageCase{{"answered", teacher.c, respond, 200, []string{"你已经提交过这份问卷"}, []string{"保存草稿"}}})
	// The stranger answers through the link.
	resp, err := stranger.c.Get(base + "/s/" + link)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc = resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, respond+"?link=") {
		t.Fatalf("link: %d, redirects to %q", resp.StatusCode, loc)
	}
	checkPages(t, base, []pageCase{
		{"form by link", stranger.c, loc, 200, []string{`name="link"`}, nil},
		{"bad link", stranger.c, "/s/not-a-link", 404, nil, nil},
	})
	linkForm := answerForm(d, 2)
	linkForm.Set("action", "submit")
	linkForm.Set("link", link)
	code, body, _ = stranger.post(t, base, respond, linkForm)
	wantStatus(t, "submit by link", code, http.StatusSeeOther, body)

	// Results, report, chart data and exports for the owner only.
	q1 := "Q1"
	checkPages(t, base, []pageCase{
		{"results", host.c, "/surveys/" + sid + "/results", 200, []string{"维度与信度", "Cronbach", "各机构回收率", `data-chart="dimensions"`, "多一些跨校交流"}, nil},
		{"grouped results", host.c, "/surveys/" + sid + "/results?group=" + q1, 200, []string{"组别"}, nil},
		{"differential analysis", host.c, "/surveys/" + sid + "/results?compare=" + q1, 200,
			[]string{`id="differences-` + q1 + `"`, "的差异分析", "组别", `name="compare" value="` + q1 + `" checked`}, nil},
		{"filtered results", host.c, "/surveys/" + sid + "/results?f." + q1 + "=1", 200, []string{"本次分析"}, nil},
		{"stale query", host.c, "/surveys/" + sid + "/results?group=nope&f.zz=1", 200, nil, nil},
		{"report", host.c, "/surveys/" + sid + "/report?group=" + q1, 200, []string{"data-print", "打印"}, []string{`class="filter-form"`}},
		{"results are the managers'", teacher.c, "/surveys/" + sid + "/results", 404, nil, nil},
		{"exports are the managers'", teacher.c, "/surveys/" + sid + "/export.csv", 404, nil, nil},
	})
	code, raw, _ := getBody(t, host.c, base+"/surveys/"+sid+"/results.json")
	var charts struct {
		Charts map[string]struct {
			Labels []string   `json:"labels"`
			Series []struct{} `json:"series"`
		} `json:"charts"`
	}
	if code != 200 || json.Unmarshal(raw, &charts) != nil || len(charts.Charts["dimensions"].Labels) != 6 || len(charts.Charts[first+"-0"].Labels) != 2 {
		t.Fatalf("chart data: %d %s", code, raw)
	}
	code, raw, h := getBody(t, host.c, base+"/surveys/"+sid+"/export.csv")
	if code != 200 || !bytes.HasPrefix(raw, []byte("\xEF\xBB\xBFrow,username,name,institution,submitted,Q1")) ||
		!strings.Contains(h.Get("Content-Disposition"), ".csv") || bytes.Count(raw, []byte("\r\n")) != 3 {
		t.Fatalf("CSV export: %d %q", code, raw[:min(len(raw), 120)])
	}
	if !bytes.Contains(raw, []byte("teacher,张伟")) {
		t.Errorf("named CSV lacks the respondent")
	}
	code, raw, _ = getBody(t, host.c, base+"/surveys/"+sid+"/export.xlsx")
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if code != 200 || err != nil {
		t.Fatalf("XLSX export: %d %v", code, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 2 || sheets[0] != "数据" || sheets[1] != "编码表" {
		t.Fatalf("sheets %v", sheets)
	}
	rows, _ := f.GetRows("编码表")
	if len(rows) < 20 || rows[0][0] != "变量名" {
		t.Fatalf("codebook %v", rows[:2])
	}

	// Reminders, then closing.
	code, body, _ = host.post(t, base, "/surveys/"+sid+"/remind", nil)
	wantStatus(t, "remind", code, http.StatusSeeOther, body)
	code, body, _ = host.post(t, base, "/surveys/"+sid+"/remind", nil)
	wantStatus(t, "remind again", code, http.StatusTooManyRequests, body, "最近已经提醒过")
	colleague := w.as(t, w.colleague)
	if code, body, _ := colleague.post(t, base, c+"/join", nil); code != http.StatusSeeOther {
		t.Fatalf("join: %d %s", code, body)
	}
	code, body, _ = host.post(t, base, "/surveys/"+sid+"/status", url.Values{"status": {"closed"}})
	wantStatus(t, "close", code, http.StatusSeeOther, body)
	code, body, _ = colleague.post(t, base, respond, full)
	wantStatus(t, "closed survey", code, http.StatusConflict, body, "问卷当前不接受填写")
	checkPages(t, base, []pageCase{{"closed overview", host.c, "/surveys/" + sid, 200, []string{"已结束", "重新开放"}, nil}})
}

func TestAnonymousSurveyDraftCookie(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			w := newCommunityWorld(t, e)
			base := w.srv.URL
			ctx := context.Background()
			svc := w.srv.App.Service
			principal, teacher := w.as(t, w.schoolAdm), w.as(t, w.teacher)
			code, body, loc := principal.post(t, base, "/surveys", url.Values{"template": {"training_feedback"}, "anonymous": {"1"}})
			m := surveyEditLoc.FindStringSubmatch(loc)
			if code != http.StatusSeeOther || m == nil {
				t.Fatalf("create: %d %s", code, body)
			}
			sid := m[1]
			id, _ := strconv.ParseInt(sid, 10, 64)
			code, body, _ = principal.post(t, base, "/surveys/"+sid+"/distributions", url.Values{"kind": {"institution"}, "institution": {itoa(w.school.ID)}})
			wantStatus(t, "distribute", code, http.StatusSeeOther, body)
			code, body, _ = principal.post(t, base, "/surveys/"+sid+"/status", url.Values{"status": {"open"}})
			wantStatus(t, "open", code, http.StatusSeeOther, body)
			sp, _ := svc.ManagedSurvey(ctx, w.schoolAdm, id)
			d := sp.Survey.Definition
			respond := "/surveys/" + sid + "/respond"
			checkPages(t, base, []pageCase{{"anonymous form", teacher.c, respond, 200, []string{"本问卷匿名"}, nil}})
			// Saving a draft sets a cookie scoped to this questionnaire.
			form := url.Values{"action": {"save"}, "a." + d.Items()[0].ID: {"2"}}
			form.Set("csrf", teacher.csrf)
			resp, err := teacher.c.PostForm(base+respond, form)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			var cookie *http.Cookie
			for _, c := range resp.Cookies() {
				if c.Name == "yx_sv"+sid {
					cookie = c
				}
			}
			if resp.StatusCode != http.StatusSeeOther || cookie == nil || cookie.Path != "/surveys/"+sid || !cookie.HttpOnly {
				t.Fatalf("draft cookie: %d %+v", resp.StatusCode, cookie)
			}
			checkPages(t, base, []pageCase{{"anonymous draft restored", teacher.c, respond, 200, []string{"已恢复你上次保存的草稿"}, nil}})
			// Another browser of the same person has no draft.
			other := w.as(t, w.teacher)
			checkPages(t, base, []pageCase{{"other browser", other.c, respond, 200, nil, []string{"已恢复你上次保存的草稿"}}})
			full := answerForm(d, 0)
			full.Set("action", "submit")
			code, body, _ = teacher.post(t, base, respond, full)
			wantStatus(t, "submit", code, http.StatusSeeOther, body)
			code, body, _ = principal.post(t, base, "/surveys/"+sid+"/remind", nil)
			wantStatus(t, "no reminders when anonymous", code, http.StatusConflict, body, "匿名问卷不能提醒")
			code, raw, _ := getBody(t, principal.c, base+"/surveys/"+sid+"/export.csv")
			if code != 200 || !bytes.HasPrefix(raw, []byte("\xEF\xBB\xBFrow,submitted,Q1")) || bytes.Contains(raw, []byte("teacher")) {
				t.Fatalf("anonymous CSV: %d %q", code, raw[:min(len(raw), 100)])
			}
			// One response: the school's row merges, and a subset is withheld.
			code, raw, _ = getBody(t, principal.c, base+"/surveys/"+sid+"/results")
			if code != 200 || !bytes.Contains(raw, []byte("其他机构（共 1 个，每个少于 5 份回答）")) || bytes.Contains(raw, []byte(`id="withheld"`)) {
				t.Fatalf("anonymous results: %d", code)
			}
			code, raw, _ = getBody(t, principal.c, base+"/surveys/"+sid+"/results?f.Q1=1&f.Q1=2&f.Q1=3&f.Q1=4&f.Q1=5")
			if code != 200 || !bytes.Contains(raw, []byte("该子集少于 5 份回答：为保护匿名")) || bytes.Contains(raw, []byte(`id="r-`)) {
				t.Fatalf("anonymous subset of one: %d %s", code, raw)
			}
		})
	}
}
