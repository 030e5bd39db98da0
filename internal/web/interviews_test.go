package web_test

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/i18n"
	"github.com/yanxiu/yanxiu/internal/interview"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// interviewTranscript is Chinese with an emoji (one code point, two UTF-16
// units) and repeated phrases, as real transcripts have.
const interviewTranscript = "问：您参加共同体多久了？\n答：两年了😀。一开始没时间，后来发现同伴互助很有用。\n问：收获呢？\n答：教学反思更深入了，同伴互助也多。"

// interviewWorld is the HTTP fixture with a facilitator who runs a project
// and has invited the school's teacher.
type interviewWorld struct {
	*fixture
	owner              *account.User
	ownerC, teacherC   user
	strangerC, adminC  user
	project, recordURL string
}

var interviewLoc = regexp.MustCompile(`^/interviews/(\d+)$`)
var recordLoc = regexp.MustCompile(`^/interview-records/(\d+)$`)

func newInterviewWorld(t *testing.T, e testkit.Engine) *interviewWorld {
	t.Helper()
	f := newFixture(t, e)
	w := &interviewWorld{fixture: f}
	var err error
	w.owner, err = f.srv.App.Service.CreateUser(context.Background(), nil, service.NewUser{Username: "facilitator", Password: pw,
		Role: account.Facilitator, InstitutionID: f.school.ID, Profile: service.Profile{DisplayName: "刘芳"}})
	if err != nil {
		t.Fatal(err)
	}
	as := func(u *account.User) user {
		c := f.client(t, u)
		return user{c: c, csrf: f.srv.CSRF(t, c, "/")}
	}
	w.ownerC, w.teacherC, w.strangerC, w.adminC = as(w.owner), as(f.teacher), as(f.stranger), as(f.schoolAdm)
	code, body, loc := w.ownerC.post(t, f.srv.URL, "/interviews", url.Values{"title": {"共同体参与研究"}, "description": {"访谈十位教师。"}})
	if code != http.StatusSeeOther || !interviewLoc.MatchString(loc) {
		t.Fatalf("create project: %d %s\n%s", code, loc, body)
	}
	w.project = loc
	if code, body, _ := w.ownerC.post(t, f.srv.URL, loc+"/members", url.Values{"usernames": {"teacher"}}); code != http.StatusSeeOther {
		t.Fatalf("invite: %d\n%s", code, body)
	}
	return w
}

// multipartPost sends a form with files; files maps a field to a name and content.
func (u user) multipartPost(t *testing.T, base, path string, fields url.Values, files map[string][2]string) (int, string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fields.Set("csrf", u.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for field, f := range files {
		fw, err := mw.CreateFormFile(field, f[0])
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(f[1]))
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := u.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

// fakeMP3 is an ID3 tag followed by enough bytes to seek in.
var fakeMP3 = "ID3\x04\x00\x00\x00\x00\x00\x00" + strings.Repeat("\x55", 4000)

func (w *interviewWorld) createRecord(t *testing.T, as user, pseudonym, gender, transcript string, audio bool) string {
	t.Helper()
	files := map[string][2]string{}
	if audio {
		files["audio"] = [2]string{"访谈.mp3", fakeMP3}
	}
	code, body, loc := as.multipartPost(t, w.srv.URL, w.project+"/records", url.Values{"pseudonym": {pseudonym}, "gender": {gender},
		"years_band": {"6_10"}, "location": {"rural"}, "attr_name": {"学段", ""}, "attr_value": {"小学", ""},
		"interviewed_on": {"2026-05-04"}, "interviewer": {"刘芳"}, "transcript": {strings.ReplaceAll(transcript, "\n", "\r\n")}}, files)
	if code != http.StatusSeeOther || !recordLoc.MatchString(loc) {
		t.Fatalf("create record %s: %d %s\n%s", pseudonym, code, loc, body)
	}
	return loc
}

// transcriptText is the text content of the coding view's transcript element.
var transcriptDiv = regexp.MustCompile(`(?s)<div class="transcript" id="transcript"[^>]*>(.*?)</div>`)
var tags = regexp.MustCompile(`<[^>]+>`)

func transcriptText(t *testing.T, page string) string {
	t.Helper()
	m := transcriptDiv.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no transcript element on the coding view")
	}
	return html.UnescapeString(tags.ReplaceAllString(m[1], ""))
}

func TestInterviewPagesAndPermissions(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			w := newInterviewWorld(t, e)
			base := w.srv.URL
			rec := w.createRecord(t, w.teacherC, "教师A", "female", interviewTranscript, true)
			anon := w.client(t, nil)
			checkPages(t, base, []pageCase{
				{"list for the owner", w.ownerC.c, "/interviews", 200, []string{"共同体参与研究", `action="/interviews"`}, nil},
				{"list for the invited teacher has no create form", w.teacherC.c, "/interviews", 200, []string{"共同体参与研究"},
					[]string{`action="/interviews"`}},
				{"list for an outsider", w.strangerC.c, "/interviews", 200, []string{"您还没有参与任何访谈研究项目"}, []string{"共同体参与研究"}},
				{"project for the teacher", w.teacherC.c, w.project, 200, []string{"教师A", "刘芳", "合作研究者", "有录音"},
					[]string{`action="` + w.project + `/members"`, `id="settings"`}},
				{"project for the owner", w.ownerC.c, w.project, 200, []string{`id="settings"`, `id="invite-form"`}, nil},
				{"project hidden from a stranger", w.strangerC.c, w.project, 404, nil, []string{"共同体参与研究"}},
				{"project hidden from the school admin", w.adminC.c, w.project, 404, nil, []string{"共同体参与研究"}},
				{"record hidden from a stranger", w.strangerC.c, rec, 404, nil, []string{"教师A"}},
				{"audio hidden from a stranger", w.strangerC.c, rec + "/audio", 404, nil, nil},
				{"anonymous is sent to log in", anon, w.project, 303, nil, nil},
				{"coding view", w.teacherC.c, rec, 200, []string{`<audio controls preload="metadata" src="` + rec + `/audio"`,
					"interview.js", "编码本还是空的，请先添加编码", "学段：小学", "2026-05-04"}, nil},
				{"record form", w.teacherC.c, w.project + "/records/new", 200, []string{`enctype="multipart/form-data"`, `name="audio"`,
					`accept="audio/mpeg,audio/mp4`}, nil},
				{"edit form keeps the transcript", w.teacherC.c, rec + "/edit", 200, []string{"同伴互助很有用", `name="remove_audio"`}, nil},
				{"code book", w.teacherC.c, w.project + "/codes", 200, []string{"编码本还是空的"}, nil},
				{"frequencies without codes", w.teacherC.c, w.project + "/frequencies", 200, []string{"还没有编码"}, nil},
				{"new outline", w.teacherC.c, w.project + "/outlines/new", 200, []string{`name="questions"`}, nil},
				{"junk ids", w.teacherC.c, "/interview-records/abc", 404, nil, nil},
				{"missing record", w.teacherC.c, "/interview-records/99999", 404, nil, nil},
				{"unknown grouping", w.teacherC.c, w.project + "/frequencies?by=salary", 422, nil, nil},
			})
			// The page's transcript is exactly the stored one, so offsets
			// taken from a selection in it are offsets into the transcript.
			_, page := get(t, w.teacherC.c, base+rec)
			if got := transcriptText(t, page); got != interviewTranscript {
				t.Fatalf("transcript on the page:\n%q\nwant\n%q", got, interviewTranscript)
			}

			// The recording streams with range requests.
			req, _ := http.NewRequest(http.MethodGet, base+rec+"/audio", nil)
			req.Header.Set("Range", "bytes=100-199")
			resp, err := w.teacherC.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusPartialContent || len(b) != 100 || resp.Header.Get("Content-Type") != "audio/mpeg" ||
				resp.Header.Get("Content-Range") != "bytes 100-199/"+itoa(int64(len(fakeMP3))) || resp.Header.Get("Accept-Ranges") != "bytes" ||
				string(b) != fakeMP3[100:200] {
				t.Fatalf("range request: %d %v (%d bytes)", resp.StatusCode, resp.Header, len(b))
			}

			// A file that is not audio is refused on its field.
			code, body, _ := w.teacherC.multipartPost(t, base, w.project+"/records", url.Values{"pseudonym": {"教师B"}, "transcript": {"答：好。"}},
				map[string][2]string{"audio": {"evil.mp3", "<html><script>alert(1)</script>"}})
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, "不是支持的录音格式") || !strings.Contains(body, `value="教师B"`) {
				t.Fatalf("not audio: %d\n%s", code, body)
			}
			// A taken pseudonym and a bad date are field errors.
			code, body, _ = w.teacherC.multipartPost(t, base, w.project+"/records", url.Values{"pseudonym": {"教师A"},
				"interviewed_on": {"2026-13-40"}, "transcript": {"答：好。"}}, nil)
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, "格式不正确") {
				t.Fatalf("bad date: %d\n%s", code, body)
			}
			code, body, _ = w.teacherC.multipartPost(t, base, w.project+"/records", url.Values{"pseudonym": {"教师A"}, "transcript": {"答：好。"}}, nil)
			if code != http.StatusConflict || !strings.Contains(body, "项目中已经有这个化名了") {
				t.Fatalf("taken pseudonym: %d\n%s", code, body)
			}

			// The teacher may not remove the owner's recording nor rewrite
			// the owner's transcript.
			ownRec := w.createRecord(t, w.ownerC, "教师Z", "male", interviewTranscript, true)
			edit := url.Values{"pseudonym": {"教师Z"}, "gender": {"male"}, "years_band": {"6_10"}, "location": {"rural"},
				"interviewed_on": {"2026-05-04"}, "interviewer": {"刘芳"}, "transcript": {strings.ReplaceAll(interviewTranscript, "\n", "\r\n")},
				"remove_audio": {"1"}}
			if code, body, _ := w.teacherC.multipartPost(t, base, ownRec, edit, nil); code != http.StatusForbidden {
				t.Fatalf("teacher removing the owner's audio: %d\n%s", code, body)
			}
			edit.Del("remove_audio")
			edit.Set("transcript", "答：改写。")
			if code, body, _ := w.teacherC.multipartPost(t, base, ownRec, edit, nil); code != http.StatusForbidden {
				t.Fatalf("teacher rewriting the owner's transcript: %d\n%s", code, body)
			}
			if code, body, _ := w.ownerC.multipartPost(t, base, ownRec, edit, nil); code != http.StatusSeeOther {
				t.Fatalf("owner rewriting the transcript: %d\n%s", code, body)
			}

			// Only the owner manages the team; the stranger can do nothing.
			if code, _, _ := w.teacherC.post(t, base, w.project+"/members", url.Values{"usernames": {"colleague"}}); code != http.StatusForbidden {
				t.Fatalf("teacher inviting: %d", code)
			}
			if code, _, _ := w.strangerC.post(t, base, w.project+"/codes", url.Values{"name": {"x"}}); code != http.StatusNotFound {
				t.Fatalf("stranger adding a code: %d", code)
			}
			code, body, _ = w.ownerC.post(t, base, w.project+"/members", url.Values{"usernames": {"nobody"}})
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, "找不到用户 nobody") {
				t.Fatalf("unknown invitee: %d\n%s", code, body)
			}
			// Deleting the project needs the box ticked.
			code, body, _ = w.ownerC.post(t, base, w.project+"/delete", nil)
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, "请勾选确认后再删除") {
				t.Fatalf("delete without confirmation: %d\n%s", code, body)
			}
			if code, _, loc := w.ownerC.post(t, base, w.project+"/delete", url.Values{"confirm": {"1"}}); code != http.StatusSeeOther || loc != "/interviews" {
				t.Fatalf("delete: %d %s", code, loc)
			}
			if code, _ := get(t, w.teacherC.c, base+rec); code != http.StatusNotFound {
				t.Fatalf("record of a deleted project: %d", code)
			}
		})
	}
}

func TestInterviewCodingOverHTTP(t *testing.T) {
	e := testkit.Engines()[0]
	w := newInterviewWorld(t, e)
	base := w.srv.URL
	rec := w.createRecord(t, w.teacherC, "教师A", "female", interviewTranscript, false)
	w.createRecord(t, w.ownerC, "教师B", "male", "答：没有时间，也没有同伴互助。", false)
	w.createRecord(t, w.ownerC, "教师C", "male", "答：还好。", false)
	codeID := func(name string) string {
		t.Helper()
		code, body, _ := w.teacherC.post(t, base, w.project+"/codes", url.Values{"name": {name}, "definition": {name + "的定义"}})
		if code != http.StatusSeeOther {
			t.Fatalf("add code %s: %d\n%s", name, code, body)
		}
		_, page := get(t, w.teacherC.c, base+w.project+"/codes")
		m := regexp.MustCompile(`href="/interview-codes/(\d+)">` + name + `<`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("code %s not in the code book", name)
		}
		return m[1]
	}
	peer := codeID("同伴互助")
	time := codeID("时间不足")
	if code, body, _ := w.teacherC.post(t, base, w.project+"/codes", url.Values{"name": {"同伴互助"}}); code != http.StatusConflict ||
		!strings.Contains(body, "编码本中已经有同名编码") {
		t.Fatalf("duplicate code: %d\n%s", code, body)
	}

	// Without JavaScript: the quote alone; an ambiguous one asks which.
	code, body, _ := w.teacherC.post(t, base, rec+"/segments", url.Values{"code": {peer}, "quote": {"同伴互助"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "出现了 2 次") || !strings.Contains(body, `name="occurrence"`) {
		t.Fatalf("ambiguous quote: %d\n%s", code, body)
	}
	code, _, loc := w.teacherC.post(t, base, rec+"/segments", url.Values{"code": {peer}, "quote": {"同伴互助"}, "occurrence": {"2"}})
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, rec+"?code="+peer) {
		t.Fatalf("second occurrence: %d %s", code, loc)
	}
	// With the script: code point offsets (the emoji counts once) and the
	// selected text, with the CRLF a textarea sends.
	start := interview.Len(interviewTranscript[:strings.Index(interviewTranscript, "一开始没时间")])
	code, body, _ = w.teacherC.post(t, base, rec+"/segments", url.Values{"code": {time}, "start": {itoa(int64(start))},
		"end": {itoa(int64(start + 6))}, "quote": {"一开始没时间"}, "memo": {"时间"}})
	if code != http.StatusSeeOther {
		t.Fatalf("by offsets: %d\n%s", code, body)
	}
	code, body, _ = w.teacherC.post(t, base, rec+"/segments", url.Values{"code": {time}, "start": {itoa(int64(start))},
		"end": {itoa(int64(start + 6))}, "quote": {"开始没时间，"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "对不上") {
		t.Fatalf("offsets and quote disagree: %d\n%s", code, body)
	}
	// Junk never makes a 500.
	for _, form := range []url.Values{{"code": {"x"}, "quote": {"a"}}, {"code": {peer}, "start": {"a"}, "end": {"9"}},
		{"code": {peer}, "start": {"-5"}, "end": {"99999999999999999999"}}, {"code": {peer}, "occurrence": {"-1"}, "quote": {"好"}}, {}} {
		if code, body, _ := w.teacherC.post(t, base, rec+"/segments", form); code >= 500 || code == http.StatusSeeOther {
			t.Fatalf("junk %v: %d\n%s", form, code, body)
		}
	}
	_, page := get(t, w.teacherC.c, base+rec)
	for _, want := range []string{`title="时间不足">一开始没时间</mark>`, `title="同伴互助">同伴互助</mark>也多`, "第 21–26 字", "时间不足"} {
		if !strings.Contains(page, want) {
			t.Errorf("coding view lacks %q", want)
		}
	}
	if got := transcriptText(t, page); got != interviewTranscript {
		t.Fatalf("transcript changed by the highlights:\n%q", got)
	}
	// The other record, coded by its owner.
	_, recs := get(t, w.ownerC.c, base+w.project)
	other := regexp.MustCompile(`href="(/interview-records/\d+)">教师B<`).FindStringSubmatch(recs)[1]
	for _, q := range []url.Values{{"code": {time}, "quote": {"没有时间"}}, {"code": {peer}, "quote": {"同伴互助"}}} {
		if code, body, _ := w.ownerC.post(t, base, other+"/segments", q); code != http.StatusSeeOther {
			t.Fatalf("code the other record: %d\n%s", code, body)
		}
	}

	// Frequencies by gender: each code in one woman's and one man's interview.
	_, page = get(t, w.teacherC.c, base+w.project+"/frequencies?by=gender")
	for _, want := range []string{"按性别分组", "男<br>", "女<br>", "n = 1", "n = 2", "100.0%", "50.0%", "期望频数小于 5"} {
		if !strings.Contains(page, want) {
			t.Errorf("frequencies lack %q", want)
		}
	}
	_, page = get(t, w.teacherC.c, base+w.project+"/frequencies?by="+url.QueryEscape("attr:学段"))
	if !strings.Contains(page, "按学段分组") || !strings.Contains(page, "小学<br>") || !strings.Contains(page, "只有一个组填写了分组变量") {
		t.Errorf("frequencies by a free attribute:\n%s", page)
	}

	// Merging moves the segments; the code page lists the passages.
	code, _, loc = w.teacherC.post(t, base, "/interview-codes/"+time+"/merge", url.Values{"into": {peer}})
	if code != http.StatusSeeOther || loc != "/interview-codes/"+peer {
		t.Fatalf("merge: %d %s", code, loc)
	}
	_, page = get(t, w.teacherC.c, base+loc)
	if !strings.Contains(page, "一开始没时间") || !strings.Contains(page, "教师B") || !strings.Contains(page, "(4)") {
		t.Errorf("code page after the merge:\n%s", page)
	}

	// Exports.
	resp, err := w.teacherC.c.Get(base + w.project + "/export.csv")
	if err != nil {
		t.Fatal(err)
	}
	csvBody, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(string(csvBody), "\ufeff编码段编号,受访者,性别") || !strings.Contains(string(csvBody), "一开始没时间") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("CSV export: %d %v\n%s", resp.StatusCode, resp.Header, csvBody)
	}
	resp, err = w.teacherC.c.Get(base + w.project + "/export.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	xb, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	f, err := excelize.OpenReader(bytes.NewReader(xb))
	if err != nil {
		t.Fatalf("XLSX export: %v", err)
	}
	rows, err := f.GetRows("编码段")
	f.Close()
	if err != nil || len(rows) != 5 {
		t.Fatalf("XLSX rows %d %v", len(rows), err)
	}
	if code, _ := get(t, w.strangerC.c, base+w.project+"/export.xlsx"); code != http.StatusNotFound {
		t.Fatalf("stranger exporting: %d", code)
	}

	// Outlines: the text form with probes.
	code, body, loc = w.teacherC.post(t, base, w.project+"/outlines", url.Values{"title": {"教师访谈提纲"},
		"questions": {"1. 您参加共同体多久了？\r\n- 怎么加入的？\r\n2. 有什么收获？"}})
	if code != http.StatusSeeOther {
		t.Fatalf("outline: %d\n%s", code, body)
	}
	_, page = get(t, w.teacherC.c, base+loc)
	if !strings.Contains(page, "<p>您参加共同体多久了？</p>") || !strings.Contains(page, "<li>怎么加入的？</li>") {
		t.Errorf("outline page:\n%s", page)
	}
	if code, body, _ := w.teacherC.post(t, base, w.project+"/outlines", url.Values{"title": {""}, "questions": {"- 孤立的追问"}}); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "追问前面没有问题") {
		t.Fatalf("bad outline: %d\n%s", code, body)
	}

	// Editing the transcript moves segments with their passages.
	code, body, _ = w.teacherC.multipartPost(t, base, rec, url.Values{"pseudonym": {"教师A"}, "gender": {"female"},
		"transcript": {"问：先介绍一下。\n答：好。\n" + interviewTranscript}}, nil)
	if code != http.StatusSeeOther {
		t.Fatalf("edit transcript: %d\n%s", code, body)
	}
	_, page = get(t, w.teacherC.c, base+rec)
	if !strings.Contains(page, `title="同伴互助">一开始没时间</mark>`) || strings.Contains(page, "原文已失效") {
		t.Errorf("segments did not follow the edit:\n%s", page)
	}
}

// TestInterviewMessageKeys checks that every message key the interview
// templates name exists in every language.
func TestInterviewMessageKeys(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`"((?:interview|nav|button|form|confirm|flash)\.[a-z0-9_.]*[a-z0-9_])"`)
	for _, page := range []string{"interview_projects", "interview_project", "interview_outline", "interview_record_form",
		"interview_record", "interview_codes", "interview_code", "interview_frequencies"} {
		src, err := os.ReadFile("templates/pages/" + page + ".html")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(src), -1) {
			if strings.HasSuffix(m[1], ".css") || strings.HasSuffix(m[1], ".js") {
				continue
			}
			for _, lang := range i18n.Languages() {
				if !cat.Has(lang, m[1]) {
					t.Errorf("%s.html: %s has no %s text", page, m[1], lang)
				}
			}
		}
	}
	for _, lang := range i18n.Languages() {
		for _, g := range interview.Groupings {
			if !cat.Has(lang, "interview.grouping."+g) {
				t.Errorf("grouping %s has no %s text", g, lang)
			}
		}
		for _, b := range interview.YearsBands {
			if !cat.Has(lang, "interview.years_band."+b) {
				t.Errorf("band %s has no %s text", b, lang)
			}
		}
		for _, r := range []interview.Role{interview.RoleOwner, interview.RoleCoder} {
			if !cat.Has(lang, "interview.role."+string(r)) {
				t.Errorf("role %s has no %s text", r, lang)
			}
		}
	}
}

// TestInterviewJunk posts junk to every interview form, as a member, and
// fetches junk paths: none may answer with a server error.
func TestInterviewJunk(t *testing.T) {
	e := testkit.Engines()[0]
	w := newInterviewWorld(t, e)
	base := w.srv.URL
	rec := w.createRecord(t, w.ownerC, "教师A", "female", interviewTranscript, true)
	w.ownerC.post(t, base, w.project+"/codes", url.Values{"name": {"码"}})
	w.ownerC.post(t, base, rec+"/segments", url.Values{"code": {"1"}, "quote": {"收获呢"}})
	w.ownerC.post(t, base, w.project+"/outlines", url.Values{"title": {"提纲"}, "questions": {"问题"}})
	csrf := w.ownerC.csrf
	routes := []string{"/interviews", w.project, w.project + "/delete", w.project + "/members", w.project + "/members/1/remove",
		w.project + "/members/x/remove", w.project + "/outlines", "/interview-outlines/1", "/interview-outlines/1/delete",
		w.project + "/records", rec, rec + "/segments", "/interview-segments/1", "/interview-segments/x/delete", w.project + "/codes",
		"/interview-codes/1", "/interview-codes/1/merge", "/interview-codes/999/delete", "/interview-records/abc", "/interview-records/99999"}
	bodies := []struct{ ct, body string }{
		{"application/x-www-form-urlencoded", "csrf=" + csrf + "&%zz=1&title=%"},
		{"application/x-www-form-urlencoded", "csrf=" + csrf + "&pseudonym=" + strings.Repeat("x", 500) + "&gender=%00&code=-1&start=9e99&end=-1" +
			"&occurrence=99999999999999999999&parent=abc&into=1&interviewed_on=0000-00-00&attr_name=a&attr_name=a&attr_value=1&usernames=%00"},
		{"multipart/form-data; boundary=zzz", "--zzz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf +
			"\r\n--zzz\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"../../etc/passwd\"\r\n\r\n\x00\x01garbage\r\n--zzz--\r\n"},
		{"multipart/form-data; boundary=zzz", "--zzz\r\nbroken"},
		{"application/x-www-form-urlencoded", "csrf=" + csrf + "&quote=%C3%28&name=x%00&transcript=" + strings.Repeat("字", interview.MaxTranscript+1)},
	}
	for _, r := range routes {
		for _, b := range bodies {
			req, _ := http.NewRequest("POST", base+r, strings.NewReader(b.body))
			req.Header.Set("Content-Type", b.ct)
			req.Header.Set("X-CSRF-Token", csrf)
			resp, err := w.ownerC.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 500 {
				t.Errorf("POST %s (%.40s) = %d", r, b.body, resp.StatusCode)
			}
		}
	}
	for _, p := range []string{w.project + "?page=%FF", w.project + "/frequencies?by=%00", w.project + "/frequencies?by=attr:" + strings.Repeat("x", 100),
		"/interview-codes/1?page=-3", "/interview-records/%00", "/interview-records/1/audio", "/interview-records/999/audio",
		"/interviews/1/records/new?outline=x", w.project + "/export.csv", "/interviews/abc/export.xlsx", "/interview-outlines/999"} {
		if code, _ := get(t, w.ownerC.c, base+p); code >= 500 {
			t.Errorf("GET %s = %d", p, code)
		}
	}
}
