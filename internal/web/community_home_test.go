package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/briefing"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// The community home shows the three newest published briefings (never a
// draft) and tabs to every section of the community.
func TestCommunityHomeBriefingsAndTabs(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			s := newBriefingSite(t, e)
			svc := s.srv.App.Service
			ctx := context.Background()
			day := time.Now().In(briefing.Zone)
			period := briefing.Period{From: day.AddDate(0, 0, -7), To: day}
			anon := s.client(t, nil)

			code, body := get(t, anon, s.srv.URL+s.pub)
			wantStatus(t, "home without briefings", code, http.StatusOK, body, `id="latest-briefings"`, "还没有发布简报")
			for i := 1; i <= 4; i++ {
				in := briefing.Input{Period: period, Title: fmt.Sprintf("第%d期简报", i), Body: "本周概况", Publish: true}
				if _, err := svc.SaveBriefing(ctx, s.schoolAdm, s.pubID, in); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := svc.SaveBriefing(ctx, s.schoolAdm, s.pubID, briefing.Input{Period: period, Title: "未发布的草稿", Body: "x"}); err != nil {
				t.Fatal(err)
			}
			code, body = get(t, anon, s.srv.URL+s.pub)
			wantStatus(t, "community home", code, http.StatusOK, body, "第4期简报", "第3期简报", "第2期简报",
				`href="`+s.pub+`/briefings"`, `href="`+s.pub+`/themes"`, `href="`+s.pub+`/discuss"`,
				`href="`+s.pub+`/activity"`, `href="`+s.pub+`/announcements"`)
			for _, not := range []string{"第1期简报", "未发布的草稿"} {
				if strings.Contains(body, not) {
					t.Errorf("community home shows %q", not)
				}
			}
			if i, j := strings.Index(body, "第4期简报"), strings.Index(body, "第2期简报"); i > j {
				t.Error("briefings are not newest first")
			}
			// Every tab leads to a page that exists.
			for _, tab := range []string{"/themes", "/discuss", "/activity", "/announcements", "/briefings"} {
				if code, body := get(t, anon, s.srv.URL+s.pub+tab); code != http.StatusOK {
					t.Errorf("tab %s = %d\n%s", tab, code, body)
				}
			}
		})
	}
}

// The header links to Messages with an unread count that, like the
// notification badge, comes from a polled fragment rather than the page.
func TestMessagesLinkAndUnreadBadge(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			f := newDMFixture(t, e)
			base := f.srv.URL
			teacher, stranger, anon := f.client(t, f.teacher), f.client(t, f.stranger), f.client(t, nil)
			f.shareCommunity(t, f.teacher, f.stranger)
			if _, err := f.svc.SendMessage(f.ctx, f.teacher, "stranger", "明天的课例研讨改在三楼"); err != nil {
				t.Fatal(err)
			}

			code, body := get(t, stranger, base+"/c")
			wantStatus(t, "page for a signed-in teacher", code, http.StatusOK, body, `href="/messages"`, "私信",
				`hx-get="/notifications/unread-messages"`)
			if _, body := get(t, anon, base+"/c"); strings.Contains(body, `href="/messages"`) || strings.Contains(body, "unread-messages") {
				t.Error("visitors see the Messages link")
			}
			code, badge := get(t, stranger, base+"/notifications/unread-messages")
			if code != http.StatusOK || !strings.Contains(badge, `class="badge badge-unread" aria-hidden="true">1</span>`) || !strings.Contains(badge, "1 条未读") {
				t.Fatalf("recipient's message badge = %d %q", code, badge)
			}
			if code, badge := get(t, teacher, base+"/notifications/unread-messages"); code != http.StatusOK || badge != "" {
				t.Errorf("sender's message badge = %d %q, want nothing", code, badge)
			}
			if code, badge := get(t, anon, base+"/notifications/unread-messages"); code != http.StatusNoContent || badge != "" {
				t.Errorf("anonymous message badge = %d %q", code, badge)
			}
			// The message also reaches the notification inbox, without its text.
			_, inbox := get(t, stranger, base+"/notifications")
			if !strings.Contains(inbox, "张伟 给你发了一条私信") || strings.Contains(inbox, "三楼") {
				t.Errorf("notification inbox:\n%s", inbox)
			}
			// Reading the conversation clears the badge.
			get(t, stranger, base+"/messages/teacher")
			if _, badge := get(t, stranger, base+"/notifications/unread-messages"); badge != "" {
				t.Errorf("message badge after reading = %q", badge)
			}
		})
	}
}

// The sections of a community's home that every viewer sees alike are
// rendered once and shared, yet a lead still gets the forms that manage
// members, others never do, and a new member, theme or name shows on the
// next visit.
func TestCommunityHomeSharedSections(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			s := newBriefingSite(t, e)
			svc := s.srv.App.Service
			ctx := context.Background()
			anon, teacher, host := s.client(t, nil), s.client(t, s.teacher), s.client(t, s.schoolAdm)
			manage := `action="` + s.pub + `/members/` + itoa(s.teacher.ID) + `/role"`
			for i := range 2 { // the second round comes from the caches
				code, body := get(t, host, s.srv.URL+s.pub)
				wantStatus(t, fmt.Sprint("host's home ", i), code, http.StatusOK, body, manage, `community-members managed`, "大单元&lt;教学&gt;")
				for _, c := range []*http.Client{anon, teacher} {
					code, body := get(t, c, s.srv.URL+s.pub)
					wantStatus(t, fmt.Sprint("member's home ", i), code, http.StatusOK, body, "/u/"+s.teacher.Username, "大单元&lt;教学&gt;")
					if strings.Contains(body, manage) || strings.Contains(body, "community-members managed") {
						t.Fatalf("round %d: a viewer who does not lead sees the member management", i)
					}
				}
			}
			if _, err := svc.Join(ctx, s.colleague, s.pubID, ""); err != nil {
				t.Fatal(err)
			}
			p, err := svc.Propose(ctx, s.teacher, s.pubID, community.ProposalInput{Title: "作业设计", Problem: "负担重"})
			if err != nil {
				t.Fatal(err)
			}
			if err := svc.Adopt(ctx, s.schoolAdm, s.pubID, []int64{p.ID}, ""); err != nil {
				t.Fatal(err)
			}
			code, body := get(t, anon, s.srv.URL+s.pub)
			wantStatus(t, "home after changes", code, http.StatusOK, body, "/u/"+s.colleague.Username, "作业设计")
			code, body = get(t, host, s.srv.URL+s.pub)
			wantStatus(t, "host's home after changes", code, http.StatusOK, body,
				`action="`+s.pub+`/members/`+itoa(s.colleague.ID)+`/role"`)
		})
	}
}
