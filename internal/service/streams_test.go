package service_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/journal"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// streamWords lists a stream as "verb/object:title" (title when the event
// recorded one), newest first.
func streamWords(st *service.Stream) []string {
	out := make([]string, len(st.Items))
	for i, it := range st.Items {
		var c struct {
			Title string `json:"title"`
		}
		json.Unmarshal([]byte(it.Event.Context), &c)
		out[i] = store.ActivityKind(it.Event.Verb, it.Event.ObjectType)
		if c.Title != "" {
			out[i] += ":" + c.Title
		}
	}
	return out
}

func has(words []string, w string) bool { return slices.Contains(words, w) }

func TestStreamsFilterByVisibility(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		tick := func() { *w.now = w.now.Add(time.Minute) }

		// A private community the teacher is invited into; a vote in it.
		priv := newCommunity(t, w, w.schoolAdm, w.school.ID, community.Open, space.Private)
		val(w.svc.InviteByName(ctx, w.schoolAdm, priv.Space.ID, []string{"teacher"}, community.RoleMember))
		tick()
		val(w.svc.Join(ctx, w.teacher, priv.Space.ID, ""))
		tick()
		a := val(w.svc.Propose(ctx, w.teacher, priv.Space.ID, community.ProposalInput{Title: "私密主题甲", Problem: "p"}))
		b := val(w.svc.Propose(ctx, w.teacher, priv.Space.ID, community.ProposalInput{Title: "私密主题乙", Problem: "p"}))
		round := val(w.svc.OpenRound(ctx, w.schoolAdm, priv.Space.ID, community.RoundInput{Title: "投票", Budget: 1,
			ProposalIDs: []int64{a.ID, b.ID}, ClosesAt: w.now.Add(time.Hour)}))
		tick()
		noErr(t, w.svc.Vote(ctx, w.teacher, round.ID, []int64{a.ID}))

		// A public community with a topic and reply a moderator hides.
		pub := newCommunity(t, w, w.schoolAdm, w.school.ID, community.Open, space.Public)
		for _, u := range []*account.User{w.teacher, w.colleague} {
			tick()
			val(w.svc.Join(ctx, u, pub.Space.ID, ""))
		}
		tick()
		open := val(w.svc.CreateTopic(ctx, w.teacher, pub.Space.ID, discussion.TopicInput{Title: "公开话题", Body: "b"}, nil))
		tick()
		hiddenTopic := val(w.svc.CreateTopic(ctx, w.colleague, pub.Space.ID, discussion.TopicInput{Title: "将被隐藏", Body: "b"}, nil))
		tick()
		val(w.svc.Reply(ctx, w.colleague, open.ID, discussion.ReplyInput{Body: "留下的回复"}, nil))
		tick()
		gone := val(w.svc.Reply(ctx, w.colleague, open.ID, discussion.ReplyInput{Body: "被隐藏的回复"}, nil))
		noErr(t, w.svc.SetHidden(ctx, w.schoolAdm, discussion.TopicPost, hiddenTopic.ID, true))
		noErr(t, w.svc.SetHidden(ctx, w.schoolAdm, discussion.ReplyPost, gone.ID, true))

		// Journal entries of every visibility, a draft, a login; a group
		// member's and another school's teacher's public entries.
		entry := func(u *account.User, title string, vis space.Visibility, publish bool) {
			t.Helper()
			tick()
			val(w.svc.CreateEntry(ctx, u, journal.Input{Title: title, Body: "正文", Visibility: vis, Publish: publish}))
		}
		entry(w.teacher, "公开日志", space.Public, true)
		entry(w.teacher, "校内日志", space.InstitutionOnly, true)
		entry(w.teacher, "私密日志", space.Private, true)
		entry(w.teacher, "草稿日志", space.Public, false)
		entry(w.groupMember, "教研组日志", space.Public, true)
		entry(w.stranger, "外校日志", space.Public, true)
		tick()
		_, _, _, err := w.svc.Login(ctx, service.LoginInput{Username: "teacher", Password: pw})
		noErr(t, err)

		// Community streams: readers only.
		_, err = w.svc.CommunityStream(ctx, w.stranger, priv.Space.ID, 0, 20)
		wantCode(t, err, apperr.NotFound)
		_, err = w.svc.CommunityStream(ctx, nil, priv.Space.ID, 0, 20)
		wantCode(t, err, apperr.Unauthorized)
		st := val(w.svc.CommunityStream(ctx, w.teacher, priv.Space.ID, 0, 50))
		words := streamWords(st)
		for _, want := range []string{"joined/community", "proposed/theme_proposal:私密主题甲", "round_opened/vote_round:投票", "created/community"} {
			if !has(words, want) {
				t.Errorf("private community stream lacks %s: %v", want, words)
			}
		}
		for _, it := range st.Items {
			if it.Event.Verb == service.VerbVoted || it.Event.Verb == service.VerbInvited {
				t.Errorf("stream shows %s", it.Event.Verb)
			}
			if it.Event.Verb == service.VerbJoined && it.Who.Username != "teacher" {
				t.Errorf("join attributed to %+v", it.Who)
			}
		}
		pubWords := streamWords(val(w.svc.CommunityStream(ctx, nil, pub.Space.ID, 0, 50)))
		if !has(pubWords, "created/topic:公开话题") || !has(pubWords, "replied/reply:公开话题") {
			t.Errorf("public community stream: %v", pubWords)
		}
		if has(pubWords, "created/topic:将被隐藏") || strings.Count(strings.Join(pubWords, " "), "replied/reply") != 1 {
			t.Errorf("public community stream shows hidden posts: %v", pubWords)
		}

		// Keyset paging: pages of two add up to the whole stream, in order.
		whole := val(w.svc.CommunityStream(ctx, w.teacher, pub.Space.ID, 0, 50))
		var paged []int64
		before := int64(0)
		for range 20 {
			page := val(w.svc.CommunityStream(ctx, w.teacher, pub.Space.ID, before, 2))
			for _, it := range page.Items {
				paged = append(paged, it.Event.ID)
			}
			if page.Next == 0 {
				break
			}
			before = page.Next
		}
		var all []int64
		for _, it := range whole.Items {
			all = append(all, it.Event.ID)
		}
		if len(all) < 5 || !slices.Equal(paged, all) || whole.Next != 0 {
			t.Errorf("paged %v, whole %v (next %d)", paged, all, whole.Next)
		}
		if junk := val(w.svc.CommunityStream(ctx, w.teacher, pub.Space.ID, 1<<60, 10)); len(junk.Items) != 0 {
			t.Errorf("a position past the log gave %v", streamWords(junk))
		}

		// The school's stream: its own people and its groups', as each viewer may see them.
		cases := []struct {
			name    string
			viewer  *account.User
			want    []string
			notWant []string
		}{
			{"anonymous", nil,
				[]string{"published/journal_entry:公开日志", "published/journal_entry:教研组日志", "created/topic:公开话题", "registered/user"},
				[]string{"published/journal_entry:校内日志", "published/journal_entry:私密日志", "created/journal_entry:草稿日志",
					"published/journal_entry:外校日志", "logged_in/user", "proposed/theme_proposal:私密主题甲", "created/topic:将被隐藏"}},
			{"another school's teacher", w.stranger,
				[]string{"published/journal_entry:公开日志"},
				[]string{"published/journal_entry:校内日志", "published/journal_entry:私密日志", "proposed/theme_proposal:私密主题甲"}},
			{"a colleague", w.colleague,
				[]string{"published/journal_entry:公开日志", "published/journal_entry:校内日志"},
				[]string{"published/journal_entry:私密日志", "created/journal_entry:草稿日志", "logged_in/user", "proposed/theme_proposal:私密主题甲"}},
			{"the teacher", w.teacher,
				[]string{"published/journal_entry:私密日志", "proposed/theme_proposal:私密主题甲"},
				[]string{"created/journal_entry:草稿日志", "logged_in/user", "voted/vote_round"}},
		}
		for _, tc := range cases {
			words := streamWords(val(w.svc.InstitutionStream(ctx, tc.viewer, w.school.ID, 0, 50)))
			for _, want := range tc.want {
				if !has(words, want) {
					t.Errorf("%s: school stream lacks %s: %v", tc.name, want, words)
				}
			}
			for _, nw := range tc.notWant {
				if has(words, nw) {
					t.Errorf("%s: school stream shows %s", tc.name, nw)
				}
			}
		}
		other := streamWords(val(w.svc.InstitutionStream(ctx, nil, w.other.ID, 0, 50)))
		if !has(other, "published/journal_entry:外校日志") || has(other, "published/journal_entry:公开日志") {
			t.Errorf("other school's stream: %v", other)
		}
		_, err = w.svc.InstitutionStream(ctx, nil, pub.Space.ID, 0, 10)
		wantCode(t, err, apperr.NotFound)
	})
}

func TestCommunityFeedRules(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		pub := newCommunity(t, w, w.schoolAdm, w.school.ID, community.Open, space.Public)
		inst := newCommunity(t, w, w.schoolAdm, w.school.ID, community.Open, space.InstitutionOnly)
		val(w.svc.PostCommunityAnnouncement(ctx, w.schoolAdm, pub.Space.ID, "公告", "内容"))
		f := val(w.svc.CommunityFeed(ctx, nil, pub.Space.ID, 10))
		if len(f.Announcements) != 1 || f.Community.Space.ID != pub.Space.ID {
			t.Fatalf("public feed: %+v", f)
		}
		// Not public: no feed for anonymous readers (NotFound, not a login).
		_, err := w.svc.CommunityFeed(ctx, nil, inst.Space.ID, 10)
		wantCode(t, err, apperr.NotFound)
		_, err = w.svc.CommunityFeed(ctx, w.stranger, inst.Space.ID, 10)
		wantCode(t, err, apperr.NotFound)
		if _, err := w.svc.CommunityFeed(ctx, w.colleague, inst.Space.ID, 10); err != nil {
			t.Fatalf("a reader's feed of an institution community: %v", err)
		}
	})
}
