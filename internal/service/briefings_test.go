package service_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/briefing"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/notify"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// atDay sets the world's clock to 10:00 China time on a day of 2026.
func (w *world) atDay(day string) {
	t, err := time.ParseInLocation("2006-01-02 15:04", "2026-"+day+" 10:00", briefing.Zone)
	if err != nil {
		panic(err)
	}
	*w.now = t.UTC()
}

// val returns v, or panics on err: setup and checks chain service calls
// through it, and a panic fails the test with its stack.
func val[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprintf("unexpected error: %v", err))
	}
	return v
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// briefWeek is [1 Oct, 8 Oct) 2026 in China time: the week of 1 to 7 October.
func briefWeek() briefing.Period {
	from, _ := time.ParseInLocation(briefing.DayLayout, "2026-10-01", briefing.Zone)
	return briefing.Period{From: from, To: from.AddDate(0, 0, 7)}
}

// briefingScenario seeds a public community hosted by the school admin in
// which five people act before, during and after the week of briefWeek(),
// and returns it with the IDs the figures should name.
type briefScenario struct {
	c          *community.Community
	p1, p2     *community.Proposal
	r1, r2, r0 *discussion.Reply
	topic      *discussion.Topic
}

func briefingScenario(t *testing.T, w *world) briefScenario {
	t.Helper()
	ctx := context.Background()
	var sc briefScenario
	join := func(u *account.User) {
		t.Helper()
		if joined, err := w.svc.Join(ctx, u, sc.c.Space.ID, ""); err != nil || !joined {
			t.Fatalf("join %s: %v %v", u.Username, joined, err)
		}
	}
	reply := func(u *account.User, topic int64, body string) *discussion.Reply {
		t.Helper()
		return val(w.svc.Reply(ctx, u, topic, discussion.ReplyInput{Body: body}, nil))
	}
	like := func(u *account.User, r *discussion.Reply) {
		t.Helper()
		val(w.svc.Like(ctx, u, r.ID))
	}
	// Before the period: the community, one member, a topic and a reply
	// that will be liked during the week (it must not rank: it is older).
	w.atDay("09-28")
	sc.c = newCommunity(t, w, w.schoolAdm, w.school.ID, community.Open, space.Public)
	join(w.teacher)
	w.atDay("09-29")
	t0 := val(w.svc.CreateTopic(ctx, w.teacher, sc.c.Space.ID, discussion.TopicInput{Title: "开学第一课", Body: "大家怎么设计？"}, nil))
	sc.r0 = reply(w.teacher, t0.ID, "我先说说我的做法")

	w.atDay("10-01")
	join(w.colleague)
	noErr(t, w.svc.SetMemberRole(ctx, w.schoolAdm, sc.c.Space.ID, w.colleague.ID, community.RoleFacilitator))
	w.atDay("10-02")
	join(w.groupMember)
	sc.p1 = val(w.svc.Propose(ctx, w.teacher, sc.c.Space.ID, community.ProposalInput{Title: "大单元*教学*设计", Problem: "课时碎片化"}))
	sc.p2 = val(w.svc.Propose(ctx, w.groupMember, sc.c.Space.ID, community.ProposalInput{Title: "作业分层", Problem: "作业负担重"}))
	closes := w.now.Add(48 * time.Hour)
	round := val(w.svc.OpenRound(ctx, w.schoolAdm, sc.c.Space.ID, community.RoundInput{Title: "第一轮", Budget: 1,
		ProposalIDs: []int64{sc.p1.ID, sc.p2.ID}, ClosesAt: closes, Secret: true}))
	w.atDay("10-03")
	noErr(t, w.svc.Vote(ctx, w.teacher, round.ID, []int64{sc.p1.ID}))
	noErr(t, w.svc.Vote(ctx, w.groupMember, round.ID, []int64{sc.p1.ID}))
	noErr(t, w.svc.Vote(ctx, w.colleague, round.ID, []int64{sc.p2.ID}))
	join(w.stranger)
	w.atDay("10-04")
	sc.topic = val(w.svc.CreateTopic(ctx, w.teacher, sc.c.Space.ID, discussion.TopicInput{Title: "大单元怎么备课", Body: "请大家分享"}, nil))
	sc.r1 = reply(w.colleague, sc.topic.ID, "先定*核心*问题")
	sc.r2 = reply(w.groupMember, sc.topic.ID, "再排课时")
	reply(w.stranger, sc.topic.ID, "我们学校也在试")
	w.atDay("10-05")
	like(w.teacher, sc.r1)
	like(w.stranger, sc.r1)
	like(w.colleague, sc.r2)
	like(w.colleague, sc.r0)
	like(w.groupMember, sc.r0)
	like(w.stranger, sc.r0)
	noErr(t, w.svc.Adopt(ctx, w.schoolAdm, sc.c.Space.ID, []int64{sc.p1.ID}, "大家投票选出"))
	noErr(t, w.svc.DeclineProposals(ctx, w.schoolAdm, sc.c.Space.ID, []int64{sc.p2.ID}, "下学期再议"))
	w.atDay("10-06")
	reply(w.teacher, sc.topic.ID, "谢谢大家")
	reply(w.teacher, sc.topic.ID, "下周见")
	// After the period: nothing here may count.
	w.atDay("10-08")
	late := reply(w.teacher, sc.topic.ID, "补充一点")
	like(w.colleague, late)
	like(w.stranger, late)
	like(w.groupMember, late)
	val(w.svc.PostCommunityAnnouncement(ctx, w.schoolAdm, sc.c.Space.ID, "下周活动", "周三**集体备课**"))
	w.atDay("10-09")
	return sc
}

func TestBriefingFigures(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		sc := briefingScenario(t, w)
		p := briefWeek()
		d := val(w.svc.DraftBriefing(ctx, w.colleague, sc.c.Space.ID, p.From, p.To))
		f := d.Figures
		checks := []struct {
			name      string
			got, want int
		}{
			{"new members", f.NewMembers, 3},
			{"topics", f.Topics, 1},
			{"replies", f.Replies, 5},
			{"active members", f.ActiveMembers, 5},
			{"actions", f.Actions, 24},
			{"proposals", f.Proposals, 2},
			{"adopted", f.Adopted, 1},
			{"declined", f.Declined, 1},
			{"rounds closed", f.RoundsClosed, 1},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
			}
		}
		var joined []string
		for _, m := range f.Joined {
			joined = append(joined, m.Username)
		}
		if got := strings.Join(joined, ","); got != "colleague,grouper,stranger" {
			t.Errorf("joined = %s", got)
		}
		var top []string
		for _, m := range f.TopMembers {
			top = append(top, fmt.Sprintf("%s:%d", m.Username, m.Count))
		}
		if got := strings.Join(top, ","); got != "teacher:6,colleague:5,grouper:5,principal:4,stranger:4" {
			t.Errorf("top members = %s", got)
		}
		if len(f.TopReplies) != 2 || f.TopReplies[0].ReplyID != sc.r1.ID || f.TopReplies[0].Likes != 2 ||
			f.TopReplies[1].ReplyID != sc.r2.ID || f.TopReplies[0].TopicTitle != "大单元怎么备课" || f.TopReplies[0].Author.Username != "colleague" {
			t.Errorf("top replies = %+v", f.TopReplies)
		}
		if len(f.Decisions) != 2 || !f.Decisions[0].Adopted || f.Decisions[0].ProposalID != sc.p1.ID || f.Decisions[1].Adopted {
			t.Errorf("decisions = %+v", f.Decisions)
		}
		if len(f.Rounds) != 1 || f.Rounds[0].Voters != 3 || f.Rounds[0].Leader != sc.p1.Title || f.Rounds[0].LeaderVotes != 2 {
			t.Errorf("rounds = %+v", f.Rounds)
		}
		var days []string
		for _, dc := range f.Days {
			days = append(days, fmt.Sprintf("%s=%d", dc.Day[5:], dc.Count))
		}
		if got := strings.Join(days, " "); got != "10-01=2 10-02=4 10-03=4 10-04=4 10-05=8 10-06=2 10-07=0" {
			t.Errorf("days = %s", got)
		}
		// The draft is Markdown in the host's language, with numbers and links.
		for _, want := range []string{
			"## 本期概况", "欢迎 **3** 位新成员", "(/u/colleague)", "(/u/teacher)", "**6**",
			fmt.Sprintf("(/replies/%d)", sc.r1.ID), fmt.Sprintf(`[大单元\*教学\*设计](/proposals/%d)`, sc.p1.ID),
			"| 2026-10-05 | 8 |",
		} {
			if !strings.Contains(d.BodyMarkdown, want) {
				t.Errorf("draft lacks %q:\n%s", want, d.BodyMarkdown)
			}
		}
		if !strings.Contains(d.Title, "2026-10-01") || !strings.Contains(d.Title, "2026-10-07") || d.ID != 0 {
			t.Errorf("draft title %q id %d", d.Title, d.ID)
		}
		if !strings.Contains(d.BodyHTML, "<table>") || !strings.Contains(d.BodyHTML, `href="/u/teacher"`) {
			t.Errorf("draft HTML: %s", d.BodyHTML)
		}
		en := val(w.svc.DraftBriefingIn(ctx, w.colleague, sc.c.Space.ID, p, "en"))
		if !strings.Contains(en.BodyMarkdown, "## At a glance") || !strings.Contains(en.BodyMarkdown, "Welcome to our **3** new members") {
			t.Errorf("English draft:\n%s", en.BodyMarkdown)
		}
		// A quiet period drafts too, and says so.
		quiet := val(w.svc.DraftBriefing(ctx, w.schoolAdm, sc.c.Space.ID, p.From.AddDate(0, 1, 0), p.To.AddDate(0, 1, 0)))
		if quiet.Figures.Actions != 0 || !strings.Contains(quiet.BodyMarkdown, "本期没有新成员加入") {
			t.Errorf("quiet draft: %+v\n%s", quiet.Figures, quiet.BodyMarkdown)
		}
	})
}

func TestBriefingPermissionsAndPublishing(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		sc := briefingScenario(t, w)
		id := sc.c.Space.ID
		p := briefWeek()
		in := briefing.Input{Period: p, Title: "十月第一周简报", Body: "## 概况\n\n本周**很活跃**。"}

		// Only hosts and facilitators draft, save and publish.
		_, err := w.svc.DraftBriefing(ctx, w.teacher, id, p.From, p.To)
		wantCode(t, err, apperr.Forbidden)
		_, err = w.svc.DraftBriefing(ctx, nil, id, p.From, p.To)
		wantCode(t, err, apperr.Forbidden)
		_, err = w.svc.SaveBriefing(ctx, w.teacher, id, in)
		wantCode(t, err, apperr.Forbidden)
		_, err = w.svc.BriefingFigures(ctx, w.teacher, id, p)
		wantCode(t, err, apperr.Forbidden)
		_, err = w.svc.DraftBriefing(ctx, w.colleague, id, p.To, p.From)
		wantCode(t, err, apperr.Invalid)
		_, err = w.svc.SaveBriefing(ctx, w.colleague, id, briefing.Input{Period: p})
		wantCode(t, err, apperr.Invalid)
		if _, err := w.svc.DraftBriefing(ctx, w.districtAdm, id, p.From, p.To); err != nil {
			t.Fatalf("an admin of the owning district acts as host: %v", err)
		}

		draft := val(w.svc.SaveBriefing(ctx, w.colleague, id, in))
		if draft.Status != briefing.Draft || draft.PublishedAt != nil || draft.Figures.NewMembers != 3 || !strings.Contains(draft.BodyHTML, "<strong>很活跃</strong>") {
			t.Fatalf("saved draft: %+v", draft)
		}
		// Drafts are the leads' alone.
		_, err = w.svc.Briefing(ctx, w.teacher, draft.ID)
		wantCode(t, err, apperr.NotFound)
		_, err = w.svc.PublishBriefing(ctx, w.teacher, draft.ID)
		wantCode(t, err, apperr.NotFound)
		_, err = w.svc.UpdateBriefing(ctx, w.teacher, draft.ID, in)
		wantCode(t, err, apperr.NotFound)
		if l := val(w.svc.Briefings(ctx, w.teacher, id, 10, 0)); len(l.Drafts) != 0 || l.Total != 0 {
			t.Fatalf("member's list shows drafts: %+v", l)
		}
		if l := val(w.svc.Briefings(ctx, w.colleague, id, 10, 0)); len(l.Drafts) != 1 {
			t.Fatalf("facilitator's list: %+v", l)
		}
		in.Title = "十月第一周研修简报"
		edited := val(w.svc.UpdateBriefing(ctx, w.colleague, draft.ID, in))
		if edited.Title != in.Title || edited.Status != briefing.Draft {
			t.Fatalf("edited draft: %+v", edited)
		}
		if n, _ := val2(w.svc.Inbox(ctx, w.teacher, true, 50, 0)); countNotes(n, notify.BriefingPublished) != 0 {
			t.Fatal("members notified of a draft")
		}

		w.atDay("10-10")
		pub := val(w.svc.PublishBriefing(ctx, w.schoolAdm, draft.ID))
		if pub.Status != briefing.Published || pub.PublishedAt == nil || !pub.PublishedAt.Equal(*w.now) {
			t.Fatalf("published: %+v", pub)
		}
		// Every member but the publisher is notified, with a link.
		for _, u := range []*account.User{w.teacher, w.colleague, w.groupMember, w.stranger} {
			ns, _ := val2(w.svc.Inbox(ctx, u, true, 50, 0))
			if countNotes(ns, notify.BriefingPublished) != 1 {
				t.Errorf("%s has %d briefing notifications", u.Username, countNotes(ns, notify.BriefingPublished))
			}
			for _, n := range ns {
				if n.Kind == notify.BriefingPublished && (n.URL != service.BriefingURL(draft.ID) || n.Title != in.Title) {
					t.Errorf("notification %+v", n)
				}
			}
		}
		if ns, _ := val2(w.svc.Inbox(ctx, w.schoolAdm, true, 50, 0)); countNotes(ns, notify.BriefingPublished) != 0 {
			t.Error("the publisher notified of their own briefing")
		}
		// Published: readers of the community see it; a repeat publish changes nothing.
		bp := val(w.svc.Briefing(ctx, nil, draft.ID))
		if bp.Briefing.Title != in.Title {
			t.Fatalf("anonymous reader of a public community: %+v", bp.Briefing)
		}
		if l := val(w.svc.LatestBriefings(ctx, w.teacher, id, 3)); len(l) != 1 || l[0].ID != draft.ID {
			t.Fatalf("latest briefings: %+v", l)
		}
		val(w.svc.PublishBriefing(ctx, w.schoolAdm, draft.ID))
		if ns, _ := val2(w.svc.Inbox(ctx, w.teacher, false, 50, 0)); countNotes(ns, notify.BriefingPublished) != 1 {
			t.Error("publishing twice notified twice")
		}
		// Publishing straight from the editor works too.
		in.Publish, in.Title = true, "第二份"
		second := val(w.svc.SaveBriefing(ctx, w.schoolAdm, id, in))
		if second.Status != briefing.Published {
			t.Fatalf("save and publish: %+v", second)
		}

		// Announcements: hosts and facilitators post, members read.
		_, err = w.svc.PostCommunityAnnouncement(ctx, w.teacher, id, "通知", "内容")
		wantCode(t, err, apperr.Forbidden)
		_, err = w.svc.PostCommunityAnnouncement(ctx, w.colleague, id, " ", "内容")
		wantCode(t, err, apperr.Invalid)
		an := val(w.svc.PostCommunityAnnouncement(ctx, w.colleague, id, "周三教研", "带上*教案*"))
		if as := val(w.svc.CommunityAnnouncements(ctx, w.teacher, id, 10)); len(as) != 2 || as[0].ID != an.ID || !strings.Contains(as[0].BodyHTML, "<em>教案</em>") {
			t.Fatalf("announcements: %+v", as)
		}
		wantCode(t, w.svc.DeleteCommunityAnnouncement(ctx, w.teacher, id, an.ID), apperr.Forbidden)

		// An archived community refuses every write and stays readable.
		noErr(t, w.svc.SetCommunityStatus(ctx, w.schoolAdm, id, community.Archived))
		_, err = w.svc.DraftBriefing(ctx, w.schoolAdm, id, p.From, p.To)
		wantCode(t, err, apperr.Conflict)
		_, err = w.svc.SaveBriefing(ctx, w.schoolAdm, id, in)
		wantCode(t, err, apperr.Conflict)
		_, err = w.svc.UpdateBriefing(ctx, w.schoolAdm, draft.ID, in)
		wantCode(t, err, apperr.Conflict)
		_, err = w.svc.DeleteBriefing(ctx, w.schoolAdm, draft.ID)
		wantCode(t, err, apperr.Conflict)
		_, err = w.svc.PostCommunityAnnouncement(ctx, w.schoolAdm, id, "t", "b")
		wantCode(t, err, apperr.Conflict)
		wantCode(t, w.svc.DeleteCommunityAnnouncement(ctx, w.schoolAdm, id, an.ID), apperr.Conflict)
		if _, err := w.svc.Briefing(ctx, w.teacher, draft.ID); err != nil {
			t.Fatalf("reading a briefing of an archived community: %v", err)
		}
		noErr(t, w.svc.SetCommunityStatus(ctx, w.schoolAdm, id, community.Active))
		if cid, err := w.svc.DeleteBriefing(ctx, w.colleague, second.ID); err != nil || cid != id {
			t.Fatalf("delete: %d %v", cid, err)
		}
		_, err = w.svc.Briefing(ctx, w.teacher, second.ID)
		wantCode(t, err, apperr.NotFound)
	})
}

func val2[T any](v T, n int, err error) (T, int) {
	if err != nil {
		panic(err)
	}
	return v, n
}

func countNotes(ns []*notify.Notification, k notify.Kind) int {
	n := 0
	for _, x := range ns {
		if x.Kind == k {
			n++
		}
	}
	return n
}
