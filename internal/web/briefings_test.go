package web_test

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/briefing"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/journal"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// briefingSite is the HTTP fixture plus a public and a private community
// hosted by the school admin, with a member, an adopted theme and an
// announcement in the public one.
type briefingSite struct {
	*fixture
	pub, priv    string // "/c/ID"
	pubID        int64
	from, to     string // this week, as the editor's fields
	themeTitle   string
	announcement string
}

func newBriefingSite(t *testing.T, e testkit.Engine) *briefingSite {
	t.Helper()
	f := newFixture(t, e)
	svc := f.srv.App.Service
	ctx := context.Background()
	mk := func(vis space.Visibility) *community.Community {
		c, err := svc.CreateCommunity(ctx, f.schoolAdm, f.school.ID, community.Input{Name: "数学工作坊 " + string(vis),
			JoinPolicy: community.Open, Visibility: vis})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	pub, priv := mk(space.Public), mk(space.Private)
	s := &briefingSite{fixture: f, pub: "/c/" + itoa(pub.Space.ID), priv: "/c/" + itoa(priv.Space.ID), pubID: pub.Space.ID,
		themeTitle: "大单元<教学>", announcement: "周三集体备课"}
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := svc.Join(ctx, f.teacher, pub.Space.ID, "")
	check(err)
	p, err := svc.Propose(ctx, f.teacher, pub.Space.ID, community.ProposalInput{Title: s.themeTitle, Problem: "课时碎片化"})
	check(err)
	check(svc.Adopt(ctx, f.schoolAdm, pub.Space.ID, []int64{p.ID}, "一致同意"))
	_, err = svc.PostCommunityAnnouncement(ctx, f.schoolAdm, pub.Space.ID, s.announcement, "带上**教案**")
	check(err)
	_, err = svc.CreateEntry(ctx, f.teacher, journal.Input{Title: "公开的反思", Body: "b", Visibility: space.Public, Publish: true})
	check(err)
	_, err = svc.CreateEntry(ctx, f.teacher, journal.Input{Title: "私密的反思", Body: "b", Visibility: space.Private, Publish: true})
	check(err)
	today := time.Now().In(briefing.Zone)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, briefing.Zone)
	s.from, s.to = today.AddDate(0, 0, -6).Format(briefing.DayLayout), today.AddDate(0, 0, 1).Format(briefing.DayLayout)
	return s
}

func TestBriefingPages(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			s := newBriefingSite(t, e)
			base := s.srv.URL
			anon := s.client(t, nil)
			teacher := s.client(t, s.teacher)
			stranger := s.client(t, s.stranger)
			host := s.client(t, s.schoolAdm)
			hostCSRF := s.srv.CSRF(t, host, "/")
			teacherCSRF := s.srv.CSRF(t, teacher, "/")
			week := "?from=" + s.from + "&to=" + s.to

			cases := []struct {
				name    string
				c       *http.Client
				path    string
				status  int
				want    []string
				notWant []string
			}{
				{"host drafts this week", host, s.pub + "/briefings/new", 200,
					[]string{`name="title"`, `id="figures-panel"`, `id="fig-new-members">1<`, "## 本期概况", "(/u/teacher)", `value="` + s.from + `"`}, nil},
				{"member may not draft", teacher, s.pub + "/briefings/new", 403, nil, []string{`name="title"`}},
				{"anonymous drafting goes to login", anon, s.pub + "/briefings/new", 303, nil, nil},
				{"junk dates", host, s.pub + "/briefings/new?from=junk&to=2026-13-45", 422, []string{`class="field-error"`}, nil},
				{"backwards dates", host, s.pub + "/briefings/new?from=" + s.to + "&to=" + s.from, 422, []string{"结束日期必须晚于开始日期"}, nil},
				{"live figures", host, s.pub + "/briefings/figures" + week, 200, []string{`id="figures-panel"`, `id="fig-adopted">1<`}, []string{"<html"}},
				{"live figures, junk", host, s.pub + "/briefings/figures?from=%FF", 400, nil, nil},
				{"live figures, bad period", host, s.pub + "/briefings/figures?from=2020-01-01&to=2026-01-01", 422, []string{`id="figures-panel"`}, []string{"<html"}},
				{"live figures for a member", teacher, s.pub + "/briefings/figures" + week, 403, nil, nil},
				{"list", anon, s.pub + "/briefings", 200, []string{"研修简报", "还没有发布简报"}, []string{`id="new-briefing"`}},
				{"list for the host", host, s.pub + "/briefings", 200, []string{`id="new-briefing"`}, nil},
				{"private list hidden from a stranger", stranger, s.priv + "/briefings", 404, nil, nil},
				{"private list asks anonymous to log in", anon, s.priv + "/briefings", 303, nil, nil},
				{"junk community", anon, "/c/abc/briefings", 404, nil, nil},
				{"unknown community", anon, "/c/987654/briefings", 404, nil, nil},
				{"unknown briefing", anon, "/briefings/987654", 404, nil, nil},
				{"junk briefing", anon, "/briefings/x", 404, nil, nil},
				{"announcements", anon, s.pub + "/announcements", 200, []string{s.announcement, "<strong>教案</strong>"}, []string{`name="title"`}},
				{"announcement form for the host", host, s.pub + "/announcements", 200, []string{`name="title"`}, nil},
				{"activity", anon, s.pub + "/activity", 200, []string{"张伟", "加入了研修共同体", "确定了研修主题", "大单元&lt;教学&gt;"}, []string{"<教学>"}},
				{"activity with a junk cursor", anon, s.pub + "/activity?before=abc", 200, []string{"张伟"}, nil},
				{"private activity hidden from a stranger", stranger, s.priv + "/activity", 404, nil, nil},
				{"school page loads its stream lazily", anon, "/i/" + itoa(s.school.ID), 200, []string{`hx-get="/i/` + itoa(s.school.ID) + `/activity"`}, []string{"私密的反思"}},
				{"school page stream", anon, "/i/" + itoa(s.school.ID) + "/activity", 200, []string{`id="activity"`, "公开的反思", "发表了研修日志"}, []string{"私密的反思"}},
				{"private feed is not found", anon, s.priv + "/feed.atom", 404, nil, []string{"/login"}},
				{"private feed for a signed-in stranger", stranger, s.priv + "/feed.atom", 404, nil, nil},
				{"junk feed", anon, "/c/x/feed.atom", 404, nil, nil},
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

			form := func(csrf, action, title string) url.Values {
				return url.Values{"csrf": {csrf}, "action": {action}, "from": {s.from}, "to": {s.to}, "title": {title},
					"body": {"## 本周\n\n**三位**老师参与。"}}
			}
			// Writes need the CSRF token, and a lead.
			if code, _, _ := post(t, host, base+s.pub+"/briefings", form("", "save", "x")); code != http.StatusForbidden {
				t.Fatalf("POST without CSRF = %d", code)
			}
			if code, _, _ := post(t, teacher, base+s.pub+"/briefings", form(teacherCSRF, "save", "x")); code != http.StatusForbidden {
				t.Fatalf("member saving a briefing = %d", code)
			}
			// Refused input comes back in the form, as typed.
			code, body, _ := post(t, host, base+s.pub+"/briefings", url.Values{"csrf": {hostCSRF}, "action": {"save"},
				"from": {"yesterday"}, "to": {s.to}, "title": {""}, "body": {"保留的正文"}})
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, "保留的正文") || !strings.Contains(body, `id="brief-title-error"`) {
				t.Fatalf("invalid briefing: %d\n%s", code, body)
			}
			// Redrafting replaces the text with a fresh draft for the dates.
			code, body, _ = post(t, host, base+s.pub+"/briefings", form(hostCSRF, "redraft", "旧标题"))
			if code != http.StatusOK || !strings.Contains(body, "本期概况") || strings.Contains(body, "旧标题") {
				t.Fatalf("redraft: %d\n%s", code, body)
			}
			// Save a draft: only the leads see it.
			code, _, loc := post(t, host, base+s.pub+"/briefings", form(hostCSRF, "save", "本周简报"))
			if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/briefings/") {
				t.Fatalf("save draft: %d %s", code, loc)
			}
			if code, body := get(t, host, base+loc); code != 200 || !strings.Contains(body, `id="draft-badge"`) || !strings.Contains(body, "<strong>三位</strong>") {
				t.Fatalf("host reads the draft: %d\n%s", code, body)
			}
			if code, _ := get(t, teacher, base+loc); code != http.StatusNotFound {
				t.Fatalf("member reads a draft: %d", code)
			}
			if code, _ := get(t, teacher, base+loc+"/edit"); code != http.StatusNotFound {
				t.Fatalf("member opens the editor of a draft: %d", code)
			}
			if code, body := get(t, host, base+loc+"/edit"); code != 200 || !strings.Contains(body, "本周简报") || !strings.Contains(body, `id="publish-briefing"`) {
				t.Fatalf("editor: %d\n%s", code, body)
			}
			if code, _, _ := post(t, teacher, base+loc+"/publish", url.Values{"csrf": {teacherCSRF}}); code != http.StatusNotFound {
				t.Fatalf("member publishing = %d", code)
			}
			// Edit, then publish.
			if code, _, l := post(t, host, base+loc, form(hostCSRF, "save", "本周研修简报")); code != http.StatusSeeOther || l != loc {
				t.Fatalf("update: %d %s", code, l)
			}
			if code, _, _ := post(t, host, base+loc+"/publish", url.Values{"csrf": {hostCSRF}}); code != http.StatusSeeOther {
				t.Fatalf("publish: %d", code)
			}
			if code, body := get(t, teacher, base+loc); code != 200 || !strings.Contains(body, "本周研修简报") || strings.Contains(body, `id="draft-badge"`) {
				t.Fatalf("member reads the published briefing: %d", code)
			}
			if code, body := get(t, anon, base+s.pub+"/briefings"); code != 200 || !strings.Contains(body, "本周研修简报") {
				t.Fatalf("list after publishing: %d", code)
			}
			if code, body := get(t, teacher, base+loc+"/edit"); code != http.StatusForbidden || strings.Contains(body, `name="body"`) {
				t.Fatalf("member opens the editor of a published briefing: %d", code)
			}

			// The feed: valid Atom with the briefing, the announcement and the adopted theme.
			resp, err := anon.Get(base + s.pub + "/feed.atom")
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/atom+xml") {
				t.Fatalf("feed: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			var feed struct {
				XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
				Title   string   `xml:"title"`
				ID      string   `xml:"id"`
				Updated string   `xml:"updated"`
				Entries []struct {
					Title   string `xml:"title"`
					ID      string `xml:"id"`
					Updated string `xml:"updated"`
					Link    struct {
						Href string `xml:"href,attr"`
					} `xml:"link"`
					Content string `xml:"content"`
				} `xml:"entry"`
			}
			if err := xml.Unmarshal(raw, &feed); err != nil {
				t.Fatalf("feed is not Atom: %v\n%s", err, raw)
			}
			titles := map[string]string{}
			for _, en := range feed.Entries {
				if _, err := time.Parse(time.RFC3339, en.Updated); err != nil || en.ID == "" || !strings.HasPrefix(en.Link.Href, "http") {
					t.Errorf("entry %+v", en)
				}
				titles[en.Title] = en.Content
			}
			if len(feed.Entries) != 3 || !strings.Contains(titles["本周研修简报"], "<strong>三位</strong>") ||
				!strings.Contains(titles[s.announcement], "<strong>教案</strong>") || !strings.Contains(feed.Title, "数学工作坊") {
				t.Errorf("feed entries: %v", titles)
			}
			var theme bool
			for title := range titles {
				theme = theme || strings.Contains(title, s.themeTitle)
			}
			if !theme {
				t.Errorf("feed lacks the adopted theme: %v", titles)
			}

			// Announcements: the form, its refusals.
			if code, _, _ := post(t, teacher, base+s.pub+"/announcements", url.Values{"csrf": {teacherCSRF}, "title": {"t"}, "body": {"b"}}); code != http.StatusForbidden {
				t.Fatalf("member announcing = %d", code)
			}
			if code, body, _ := post(t, host, base+s.pub+"/announcements", url.Values{"csrf": {hostCSRF}, "title": {""}, "body": {"留着"}}); code != 422 || !strings.Contains(body, "留着") {
				t.Fatalf("empty announcement = %d", code)
			}
			if code, _, l := post(t, host, base+s.pub+"/announcements", url.Values{"csrf": {hostCSRF}, "title": {"新公告"}, "body": {"内容"}}); code != 303 || l != s.pub+"/announcements" {
				t.Fatalf("announce = %d %s", code, l)
			}

			// An archived community is read-only.
			if err := s.srv.App.Service.SetCommunityStatus(context.Background(), s.schoolAdm, s.pubID, community.Archived); err != nil {
				t.Fatal(err)
			}
			if code, _ := get(t, host, base+s.pub+"/briefings/new"); code != http.StatusConflict {
				t.Fatalf("drafting in an archived community = %d", code)
			}
			if code, _, _ := post(t, host, base+s.pub+"/briefings", form(hostCSRF, "publish", "x")); code != http.StatusConflict {
				t.Fatalf("saving in an archived community = %d", code)
			}
			if code, _, _ := post(t, host, base+s.pub+"/announcements", url.Values{"csrf": {hostCSRF}, "title": {"t"}, "body": {"b"}}); code != http.StatusConflict {
				t.Fatalf("announcing in an archived community = %d", code)
			}
			if code, _ := get(t, teacher, base+loc); code != 200 {
				t.Fatalf("reading in an archived community = %d", code)
			}
		})
	}
}

// TestBriefingRoutesSurviveJunk posts malformed forms to every route of
// briefings, announcements and streams: refusals, never a server error.
func TestBriefingRoutesSurviveJunk(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			s := newBriefingSite(t, e)
			base := s.srv.URL
			c := s.client(t, s.schoolAdm)
			csrf := s.srv.CSRF(t, c, "/")
			routes := []string{s.pub + "/briefings", s.priv + "/briefings", "/c/x/briefings", "/c/0/briefings",
				"/briefings/1", "/briefings/999", "/briefings/x", "/briefings/1/publish", "/briefings/-1/publish",
				"/briefings/1/delete", s.pub + "/announcements", s.pub + "/announcements/1/delete", s.pub + "/announcements/x/delete"}
			bodies := []struct{ ct, body string }{
				{"application/x-www-form-urlencoded", "csrf=" + csrf + "&%zz=1&title=%"},
				{"application/x-www-form-urlencoded", "csrf=" + csrf + "&action=publish&from=9999-99-99&to=0000-00-00&title=" + strings.Repeat("题", 500) + "&body=" + strings.Repeat("`", 5000)},
				{"application/x-www-form-urlencoded", "csrf=" + csrf + "&action=redraft&from=1900-01-01&to=2900-01-01"},
				{"application/x-www-form-urlencoded", "csrf=" + csrf + "&action=save&from=2026-01-01&to=2026-01-02&title=t&body=" + strings.Repeat("[", 90_000)},
				{"multipart/form-data; boundary=zzz", "--zzz\r\nbroken"},
				{"application/x-www-form-urlencoded", "csrf=" + csrf + "&title=a%00b&body=%C3%28"},
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
						t.Errorf("POST %s (%.40s) = %d", r, b.body, resp.StatusCode)
					}
				}
			}
			for _, p := range []string{s.pub + "/briefings/new?from=%00", s.pub + "/briefings/new?from=2026-02-30&to=2026-03-01",
				s.pub + "/briefings/new?from=0001-01-01&to=0001-01-02", s.pub + "/briefings/figures?from=9999-12-31&to=9999-12-30",
				s.pub + "/activity?before=-5", s.pub + "/activity?before=99999999999999999999", "/i/" + itoa(s.school.ID) + "?before=%FF",
				s.pub + "/briefings?page=-1", "/c/99999999999999999999/feed.atom"} {
				code, _ := get(t, c, base+p)
				if code >= 500 {
					t.Errorf("GET %s = %d", p, code)
				}
			}
		})
	}
}
