package service_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/notify"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// forum is a world with an open public community hosted by the school
// admin, the teacher and colleague as members, and a private community the
// teacher is not in.
type forum struct {
	*world
	open, closed *community.Community
	expert       *account.User
}

func newForum(t *testing.T, db *store.DB) *forum {
	t.Helper()
	w := newWorld(t, db)
	ctx := context.Background()
	f := &forum{world: w}
	f.open = newCommunity(t, w, w.schoolAdm, w.school.ID, community.Open, space.Public)
	f.closed = newCommunity(t, w, w.schoolAdm, w.school.ID, community.ByRequest, space.Private)
	for _, u := range []*account.User{w.teacher, w.colleague, w.groupMember} {
		if _, err := w.svc.Join(ctx, u, f.open.Space.ID, ""); err != nil {
			t.Fatalf("join: %v", err)
		}
	}
	var err error
	f.expert, err = w.svc.CreateUser(ctx, nil, service.NewUser{Username: "expert.zhou", Password: pw, Role: account.Expert,
		InstitutionID: w.other.ID, Profile: service.Profile{DisplayName: "周专家"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Join(ctx, f.expert, f.open.Space.ID, ""); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.SetMemberRole(ctx, w.schoolAdm, f.open.Space.ID, f.expert.ID, community.RoleExpert); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *forum) topic(t *testing.T, by *account.User, c *community.Community, title string) *discussion.Topic {
	t.Helper()
	tp, err := f.svc.CreateTopic(context.Background(), by, c.Space.ID, discussion.TopicInput{Title: title, Body: "如何设计**大单元**？"}, nil)
	if err != nil {
		t.Fatalf("create topic: %v", err)
	}
	return tp
}

func (f *forum) reply(t *testing.T, by *account.User, topicID int64, in discussion.ReplyInput) *discussion.Reply {
	t.Helper()
	r, err := f.svc.Reply(context.Background(), by, topicID, in, nil)
	if err != nil {
		t.Fatalf("reply: %v", err)
	}
	return r
}

func TestDiscussionReadWriteRules(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newForum(t, db)
		ctx := context.Background()
		svc := f.svc

		// Before the first topic the default board exists only on screen.
		l, err := svc.Discussion(ctx, f.teacher, f.open.Space.ID, service.TopicQuery{})
		if err != nil || len(l.Boards) != 1 || l.Boards[0].ID != 0 || !l.Boards[0].Default || l.Total != 0 {
			t.Fatalf("empty discussion: %+v %v", l, err)
		}
		tp := f.topic(t, f.teacher, f.open, "大单元教学怎么做")
		l, err = svc.Discussion(ctx, f.stranger, f.open.Space.ID, service.TopicQuery{})
		if err != nil || len(l.Boards) != 1 || l.Boards[0].ID == 0 || l.Total != 1 || l.Topics[0].Title != "大单元教学怎么做" {
			t.Fatalf("discussion after first topic: %+v %v", l, err)
		}
		if !strings.Contains(tp.BodyHTML, "<strong>大单元</strong>") {
			t.Fatalf("body not rendered: %q", tp.BodyHTML)
		}

		// A private community's topics are invisible to non-members.
		secret := f.topic(t, f.schoolAdm, f.closed, "内部讨论")
		_, err = svc.Discussion(ctx, f.teacher, f.closed.Space.ID, service.TopicQuery{})
		wantCode(t, err, apperr.NotFound)
		_, err = svc.Topic(ctx, f.teacher, secret.ID, 1)
		wantCode(t, err, apperr.NotFound)
		_, err = svc.Topic(ctx, nil, secret.ID, 1)
		wantCode(t, err, apperr.Unauthorized)
		_, err = svc.Reply(ctx, f.teacher, secret.ID, discussion.ReplyInput{Body: "x"}, nil)
		wantCode(t, err, apperr.NotFound)
		_, err = svc.CreateTopic(ctx, f.teacher, f.closed.Space.ID, discussion.TopicInput{Title: "t", Body: "b"}, nil)
		wantCode(t, err, apperr.NotFound)
		_, err = svc.SuggestMembers(ctx, f.teacher, f.closed.Space.ID, "")
		wantCode(t, err, apperr.NotFound)

		// A reader who is not a member reads but does not write.
		if _, err := svc.Topic(ctx, f.stranger, tp.ID, 1); err != nil {
			t.Fatalf("public topic for a non-member: %v", err)
		}
		_, err = svc.Reply(ctx, f.stranger, tp.ID, discussion.ReplyInput{Body: "路过"}, nil)
		wantCode(t, err, apperr.Forbidden)
		_, err = svc.CreateTopic(ctx, f.stranger, f.open.Space.ID, discussion.TopicInput{Title: "t", Body: "b"}, nil)
		wantCode(t, err, apperr.Forbidden)
		_, err = svc.Reply(ctx, f.teacher, tp.ID, discussion.ReplyInput{Body: "  "}, nil)
		wantCode(t, err, apperr.Invalid)

		// Boards and themes must belong to the community; themes must be adopted.
		b, err := svc.CreateBoard(ctx, f.schoolAdm, f.closed.Space.ID, discussion.BoardInput{Name: "教学设计"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.CreateBoard(ctx, f.teacher, f.open.Space.ID, discussion.BoardInput{Name: "杂谈"})
		wantCode(t, err, apperr.Forbidden)
		_, err = svc.CreateTopic(ctx, f.teacher, f.open.Space.ID, discussion.TopicInput{BoardID: b.ID, Title: "t", Body: "b"}, nil)
		wantCode(t, err, apperr.Invalid)
		p, err := svc.Propose(ctx, f.teacher, f.open.Space.ID, community.ProposalInput{Title: "作业设计", Problem: "作业太多"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.CreateTopic(ctx, f.teacher, f.open.Space.ID, discussion.TopicInput{ThemeID: p.ID, Title: "t", Body: "b"}, nil)
		wantCode(t, err, apperr.Invalid)
		if err := svc.Adopt(ctx, f.schoolAdm, f.open.Space.ID, []int64{p.ID}, "采纳"); err != nil {
			t.Fatal(err)
		}
		themed, err := svc.CreateTopic(ctx, f.teacher, f.open.Space.ID, discussion.TopicInput{ThemeID: p.ID, Title: "作业分层", Body: "b"}, nil)
		if err != nil || themed.ThemeID != p.ID {
			t.Fatalf("themed topic: %+v %v", themed, err)
		}
		if page, _ := svc.Topic(ctx, f.teacher, themed.ID, 1); page.Topic.ThemeTitle != "作业设计" {
			t.Fatalf("theme title %q", page.Topic.ThemeTitle)
		}

		// Locked topics take replies from leads only.
		wantCode(t, svc.LockTopic(ctx, f.teacher, tp.ID, true), apperr.Forbidden)
		if err := svc.LockTopic(ctx, f.schoolAdm, tp.ID, true); err != nil {
			t.Fatal(err)
		}
		_, err = svc.Reply(ctx, f.colleague, tp.ID, discussion.ReplyInput{Body: "还能回复吗"}, nil)
		wantCode(t, err, apperr.Conflict)
		wantCode(t, svc.EditPost(ctx, f.teacher, discussion.TopicPost, tp.ID, discussion.EditInput{Title: "x", Body: "y"}), apperr.Conflict)
		if page, _ := svc.Topic(ctx, f.colleague, tp.ID, 1); page.CanReply {
			t.Fatal("a member may reply to a locked topic")
		}
		f.reply(t, f.schoolAdm, tp.ID, discussion.ReplyInput{Body: "坊主补充"})
		if err := svc.LockTopic(ctx, f.schoolAdm, tp.ID, false); err != nil {
			t.Fatal(err)
		}

		// Pin puts a topic first; move puts it on another board.
		if err := svc.PinTopic(ctx, f.schoolAdm, tp.ID, true); err != nil {
			t.Fatal(err)
		}
		l, _ = svc.Discussion(ctx, f.teacher, f.open.Space.ID, service.TopicQuery{})
		if len(l.Topics) != 2 || l.Topics[0].ID != tp.ID || !l.Topics[0].Pinned {
			t.Fatalf("pinned topic not first: %+v", l.Topics)
		}
		ob, err := svc.CreateBoard(ctx, f.schoolAdm, f.open.Space.ID, discussion.BoardInput{Name: "课例研讨"})
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, svc.MoveTopic(ctx, f.teacher, tp.ID, ob.ID), apperr.Forbidden)
		wantCode(t, svc.MoveTopic(ctx, f.schoolAdm, tp.ID, b.ID), apperr.Invalid) // a board of another community
		if err := svc.MoveTopic(ctx, f.schoolAdm, tp.ID, ob.ID); err != nil {
			t.Fatal(err)
		}
		l, _ = svc.Discussion(ctx, f.teacher, f.open.Space.ID, service.TopicQuery{BoardID: ob.ID})
		if l.Total != 1 || l.Topics[0].ID != tp.ID || l.Board.Name != "课例研讨" {
			t.Fatalf("board listing after move: %+v", l)
		}
		_, err = svc.Discussion(ctx, f.teacher, f.open.Space.ID, service.TopicQuery{BoardID: b.ID})
		wantCode(t, err, apperr.NotFound)

		// Archived communities are read-only, but moderation goes on.
		r := f.reply(t, f.teacher, tp.ID, discussion.ReplyInput{Body: "归档前的回复"})
		if err := svc.SetCommunityStatus(ctx, f.schoolAdm, f.open.Space.ID, community.Archived); err != nil {
			t.Fatal(err)
		}
		_, err = svc.CreateTopic(ctx, f.teacher, f.open.Space.ID, discussion.TopicInput{Title: "t", Body: "b"}, nil)
		wantCode(t, err, apperr.Conflict)
		_, err = svc.Reply(ctx, f.schoolAdm, tp.ID, discussion.ReplyInput{Body: "x"}, nil)
		wantCode(t, err, apperr.Conflict)
		_, err = svc.Like(ctx, f.colleague, r.ID)
		wantCode(t, err, apperr.Conflict)
		wantCode(t, svc.EditPost(ctx, f.teacher, discussion.ReplyPost, r.ID, discussion.EditInput{Body: "改"}), apperr.Conflict)
		wantCode(t, svc.PinTopic(ctx, f.schoolAdm, tp.ID, false), apperr.Conflict)
		wantCode(t, svc.MarkExpertAnswer(ctx, f.expert, r.ID, true), apperr.Conflict)
		if page, err := svc.Topic(ctx, f.stranger, tp.ID, 1); err != nil || page.CanReply || len(page.Replies) != 2 {
			t.Fatalf("archived topic: %+v %v", page, err)
		}
		if err := svc.SetHidden(ctx, f.schoolAdm, discussion.ReplyPost, r.ID, true); err != nil {
			t.Fatalf("hide in an archived community: %v", err)
		}
	})
}

func TestDiscussionLikesExpertsRevisions(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newForum(t, db)
		ctx := context.Background()
		svc := f.svc
		tp := f.topic(t, f.teacher, f.open, "课堂提问")
		r := f.reply(t, f.teacher, tp.ID, discussion.ReplyInput{Body: "第一版"})

		// Likes: once per person, never one's own.
		for range 2 {
			got, err := svc.Like(ctx, f.colleague, r.ID)
			if err != nil || got.LikeCount != 1 {
				t.Fatalf("like: %+v %v", got, err)
			}
		}
		_, err := svc.Like(ctx, f.teacher, r.ID)
		wantCode(t, err, apperr.Forbidden)
		_, err = svc.Like(ctx, f.stranger, r.ID)
		wantCode(t, err, apperr.Forbidden)
		if got, _ := svc.Like(ctx, f.groupMember, r.ID); got.LikeCount != 2 {
			t.Fatalf("second person's like: %d", got.LikeCount)
		}
		page, _ := svc.Topic(ctx, f.colleague, tp.ID, 1)
		if !page.Replies[0].Liked || page.Replies[0].LikeCount != 2 {
			t.Fatalf("topic page likes: %v %d", page.Replies[0].Liked, page.Replies[0].LikeCount)
		}
		// The page's replies are shared through the read cache; the likes
		// marked are each viewer's own.
		if page, _ := svc.Topic(ctx, f.teacher, tp.ID, 1); page.Replies[0].Liked || page.Replies[0].LikeCount != 2 {
			t.Fatalf("topic page likes for the author: %v %d", page.Replies[0].Liked, page.Replies[0].LikeCount)
		}
		for range 2 {
			if got, err := svc.Unlike(ctx, f.colleague, r.ID); err != nil || got.LikeCount != 1 {
				t.Fatalf("unlike: %+v %v", got, err)
			}
		}
		if page, _ := svc.Topic(ctx, f.colleague, tp.ID, 1); page.Replies[0].Liked || page.Replies[0].LikeCount != 1 {
			t.Fatalf("topic page after unliking: %v %d", page.Replies[0].Liked, page.Replies[0].LikeCount)
		}
		if n := countVerb(t, db, f.open.Space.ID, discussion.VerbLiked); n != 2 {
			t.Fatalf("%d liked events, want 2", n)
		}

		// Expert answers: experts and hosts only.
		wantCode(t, svc.MarkExpertAnswer(ctx, f.colleague, r.ID, true), apperr.Forbidden)
		if err := svc.SetMemberRole(ctx, f.schoolAdm, f.open.Space.ID, f.colleague.ID, community.RoleFacilitator); err != nil {
			t.Fatal(err)
		}
		wantCode(t, svc.MarkExpertAnswer(ctx, f.colleague, r.ID, true), apperr.Forbidden)
		if err := svc.MarkExpertAnswer(ctx, f.expert, r.ID, true); err != nil {
			t.Fatal(err)
		}
		if page, _ := svc.Topic(ctx, f.stranger, tp.ID, 1); !page.Replies[0].ExpertAnswer || page.CanMarkExpert {
			t.Fatalf("expert badge %v, stranger may mark %v", page.Replies[0].ExpertAnswer, page.CanMarkExpert)
		}
		if err := svc.MarkExpertAnswer(ctx, f.schoolAdm, r.ID, false); err != nil {
			t.Fatal(err)
		}

		// Edits: the author and leads; each keeps a revision only leads read.
		wantCode(t, svc.EditPost(ctx, f.groupMember, discussion.ReplyPost, r.ID, discussion.EditInput{Body: "乱改"}), apperr.Forbidden)
		if err := svc.EditPost(ctx, f.teacher, discussion.ReplyPost, r.ID, discussion.EditInput{Body: "第二版"}); err != nil {
			t.Fatal(err)
		}
		if err := svc.EditPost(ctx, f.teacher, discussion.ReplyPost, r.ID, discussion.EditInput{Body: "第二版"}); err != nil {
			t.Fatal(err) // no change, no revision
		}
		if err := svc.EditPost(ctx, f.colleague, discussion.TopicPost, tp.ID, discussion.EditInput{Title: "课堂提问的层次", Body: "改进"}); err != nil {
			t.Fatalf("facilitator edits a topic: %v", err)
		}
		_, err = svc.Revisions(ctx, f.teacher, tp.ID)
		wantCode(t, err, apperr.Forbidden)
		revs, err := svc.Revisions(ctx, f.schoolAdm, tp.ID)
		if err != nil || len(revs.Revisions) != 2 {
			t.Fatalf("revisions: %+v %v", revs, err)
		}
		if rv := revs.Revisions[0]; rv.PostType != discussion.TopicPost || rv.OldTitle != "课堂提问" || rv.EditorID != f.colleague.ID {
			t.Fatalf("newest revision %+v", rv)
		}
		if rv := revs.Revisions[1]; rv.PostType != discussion.ReplyPost || rv.OldBody != "第一版" || rv.PostID != r.ID {
			t.Fatalf("older revision %+v", rv)
		}
		page, _ = svc.Topic(ctx, f.teacher, tp.ID, 1)
		if page.Topic.Title != "课堂提问的层次" || page.Topic.EditedAt == nil || page.Replies[0].BodyHTML != "<p>第二版</p>\n" {
			t.Fatalf("edited page: %+v", page.Topic)
		}

		// Threads and quotes.
		child := f.reply(t, f.groupMember, tp.ID, discussion.ReplyInput{ParentID: r.ID, QuoteOf: r.ID, Body: "同意"})
		if child.Depth != 1 || child.QuoteExcerpt != "第二版" {
			t.Fatalf("child reply %+v", child)
		}
		other, err := svc.CreateTopic(ctx, f.teacher, f.open.Space.ID, discussion.TopicInput{Title: "另一个", Body: "b"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.Reply(ctx, f.teacher, other.ID, discussion.ReplyInput{ParentID: r.ID, Body: "跨主题"}, nil)
		wantCode(t, err, apperr.Invalid)

		verbs := map[event.Verb]bool{}
		evs, err := db.R().Events(ctx, store.EventFilter{SpaceID: f.open.Space.ID, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			verbs[e.Verb] = true
		}
		for _, v := range []event.Verb{discussion.VerbCreated, discussion.VerbReplied, discussion.VerbLiked, discussion.VerbUnliked,
			discussion.VerbEdited, discussion.VerbMarkedExpertAnswer} {
			if !verbs[v] {
				t.Errorf("no %s event", v)
			}
		}
	})
}

func countVerb(t *testing.T, db *store.DB, spaceID int64, verb event.Verb) int {
	t.Helper()
	evs, err := db.R().Events(context.Background(), store.EventFilter{SpaceID: spaceID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if e.Verb == verb {
			n++
		}
	}
	return n
}

func TestDiscussionHidingAndReports(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newForum(t, db)
		ctx := context.Background()
		svc := f.svc
		tp := f.topic(t, f.teacher, f.open, "评课")
		bad := f.reply(t, f.groupMember, tp.ID, discussion.ReplyInput{Body: "不当言论"})
		f.reply(t, f.colleague, tp.ID, discussion.ReplyInput{QuoteOf: bad.ID, Body: "引用了它"})

		// Reports: any signed-in reader, once while open; the queue is for leads.
		wantCode(t, svc.Report(ctx, nil, discussion.ReplyPost, bad.ID, discussion.ReportInput{Reason: "abuse"}), apperr.Unauthorized)
		wantCode(t, svc.Report(ctx, f.colleague, discussion.ReplyPost, bad.ID, discussion.ReportInput{Reason: "nonsense"}), apperr.Invalid)
		if err := svc.Report(ctx, f.colleague, discussion.ReplyPost, bad.ID, discussion.ReportInput{Reason: "abuse", Note: "人身攻击"}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, svc.Report(ctx, f.colleague, discussion.ReplyPost, bad.ID, discussion.ReportInput{Reason: "spam"}), apperr.Conflict)
		if err := svc.Report(ctx, f.stranger, discussion.ReplyPost, bad.ID, discussion.ReportInput{Reason: "spam"}); err != nil {
			t.Fatalf("a reader who is not a member reports: %v", err)
		}
		if err := svc.Report(ctx, f.stranger, discussion.TopicPost, tp.ID, discussion.ReportInput{Reason: "off_topic"}); err != nil {
			t.Fatal(err)
		}
		_, err := svc.Reports(ctx, f.teacher, f.open.Space.ID, discussion.ReportOpen)
		wantCode(t, err, apperr.Forbidden)
		queue, err := svc.Reports(ctx, f.schoolAdm, f.open.Space.ID, discussion.ReportOpen)
		if err != nil || len(queue.Reports) != 3 || queue.Reports[0].PostBody != "不当言论" || queue.Reports[0].ReporterName == "" {
			t.Fatalf("queue: %+v %v", queue, err)
		}
		_, err = svc.DecideReport(ctx, f.teacher, queue.Reports[0].ID, true)
		wantCode(t, err, apperr.Forbidden)
		if _, err := svc.DecideReport(ctx, f.schoolAdm, queue.Reports[2].ID, false); err != nil {
			t.Fatal(err) // the topic report is dismissed
		}
		if _, err := svc.DecideReport(ctx, f.schoolAdm, queue.Reports[0].ID, true); err != nil {
			t.Fatal(err) // hiding the reply answers both reports on it
		}
		_, err = svc.DecideReport(ctx, f.schoolAdm, queue.Reports[1].ID, false)
		wantCode(t, err, apperr.Conflict)
		if queue, _ = svc.Reports(ctx, f.schoolAdm, f.open.Space.ID, discussion.ReportOpen); len(queue.Reports) != 0 {
			t.Fatalf("%d reports still open", len(queue.Reports))
		}
		if queue, _ = svc.Reports(ctx, f.schoolAdm, f.open.Space.ID, discussion.ReportHidden); len(queue.Reports) != 2 {
			t.Fatalf("%d reports closed by hiding", len(queue.Reports))
		}

		// Hidden replies: leads see them, others see that something was hidden.
		page, _ := svc.Topic(ctx, f.colleague, tp.ID, 1)
		if r := page.Replies[0]; !r.Hidden || r.Body != "" || r.BodyHTML != "" {
			t.Fatalf("hidden reply shown to a member: %+v", r.Reply)
		}
		if r := page.Replies[1]; r.QuoteExcerpt != "" {
			t.Fatalf("a quote of a hidden reply shows its text: %q", r.QuoteExcerpt)
		}
		page, _ = svc.Topic(ctx, f.schoolAdm, tp.ID, 1)
		if r := page.Replies[0]; !r.Hidden || !strings.Contains(r.BodyHTML, "不当言论") {
			t.Fatalf("hidden reply for a lead: %+v", r.Reply)
		}
		_, err = svc.Like(ctx, f.colleague, bad.ID)
		wantCode(t, err, apperr.Conflict)
		wantCode(t, svc.EditPost(ctx, f.groupMember, discussion.ReplyPost, bad.ID, discussion.EditInput{Body: "洗白"}), apperr.Conflict)
		_, err = svc.Reply(ctx, f.teacher, tp.ID, discussion.ReplyInput{ParentID: bad.ID, Body: "回复被隐藏的"}, nil)
		wantCode(t, err, apperr.Invalid)
		wantCode(t, svc.SetHidden(ctx, f.teacher, discussion.ReplyPost, bad.ID, false), apperr.Forbidden)

		// A hidden topic leaves the list and shows nothing to members.
		if err := svc.SetHidden(ctx, f.schoolAdm, discussion.TopicPost, tp.ID, true); err != nil {
			t.Fatal(err)
		}
		l, _ := svc.Discussion(ctx, f.colleague, f.open.Space.ID, service.TopicQuery{})
		if l.Total != 0 {
			t.Fatalf("hidden topic listed: %+v", l.Topics)
		}
		_, err = svc.Discussion(ctx, f.colleague, f.open.Space.ID, service.TopicQuery{Hidden: true})
		wantCode(t, err, apperr.Forbidden)
		if l, _ = svc.Discussion(ctx, f.schoolAdm, f.open.Space.ID, service.TopicQuery{Hidden: true}); l.Total != 1 {
			t.Fatalf("lead's hidden list: %d", l.Total)
		}
		page, _ = svc.Topic(ctx, f.colleague, tp.ID, 1)
		if !page.Topic.Hidden || page.Topic.Title != "" || page.Topic.BodyHTML != "" || len(page.Replies) != 0 || page.CanReply {
			t.Fatalf("hidden topic shown: %+v", page)
		}
		_, err = svc.Reply(ctx, f.colleague, tp.ID, discussion.ReplyInput{Body: "x"}, nil)
		wantCode(t, err, apperr.Conflict)
		if err := svc.SetHidden(ctx, f.schoolAdm, discussion.TopicPost, tp.ID, false); err != nil {
			t.Fatal(err)
		}
		if page, _ = svc.Topic(ctx, f.colleague, tp.ID, 1); page.Topic.Title != "评课" || len(page.Replies) != 2 {
			t.Fatalf("restored topic: %+v", page.Topic)
		}
		for _, v := range []event.Verb{discussion.VerbReported, discussion.VerbHidden, discussion.VerbRestored, discussion.VerbDismissed} {
			if countVerb(t, db, f.open.Space.ID, v) == 0 {
				t.Errorf("no %s event", v)
			}
		}
	})
}

func TestDiscussionMentionsAndNotifications(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newForum(t, db)
		ctx := context.Background()
		svc := f.svc
		tp := f.topic(t, f.teacher, f.open, "听课记录")
		// stranger is not a member: the mention is dropped. colleague is
		// named twice, the writer names herself, and one name is nobody's.
		r := f.reply(t, f.groupMember, tp.ID, discussion.ReplyInput{
			Body: "请@colleague 和 @stranger 看看，@COLLEAGUE，@grouper，@nobody1，`@teacher`"})
		if !strings.Contains(r.BodyHTML, `<a class="mention" href="/u/colleague">@colleague</a>`) ||
			!strings.Contains(r.BodyHTML, `<a class="mention" href="/u/colleague">@COLLEAGUE</a>`) ||
			strings.Contains(r.BodyHTML, "/u/stranger") || strings.Contains(r.BodyHTML, "/u/teacher") {
			t.Fatalf("mentions not linked to members only: %s", r.BodyHTML)
		}
		var ids []int64
		rows, err := db.R().MentionedIn(ctx, discussion.ReplyPost, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, rows...)
		if !slices.Equal(ids, []int64{f.colleague.ID}) {
			t.Fatalf("mentions stored %v, want only colleague %d", ids, f.colleague.ID)
		}
		inbox := func(u *account.User) []*notify.Notification {
			ns, _, err := svc.Inbox(ctx, u, false, 50, 0)
			if err != nil {
				t.Fatal(err)
			}
			return ns
		}
		if ns := inbox(f.colleague); len(ns) != 1 || ns[0].Kind != notify.Mention || ns[0].URL != fmt.Sprintf("/replies/%d", r.ID) || ns[0].Title != "听课记录" {
			t.Fatalf("colleague's inbox: %+v", ns)
		}
		if ns := inbox(f.teacher); len(ns) != 1 || ns[0].Kind != notify.Reply || ns[0].ActorID != f.groupMember.ID {
			t.Fatalf("topic author's inbox: %+v", ns)
		}
		if ns := inbox(f.stranger); len(ns) != 0 {
			t.Fatalf("a non-member was notified: %+v", ns)
		}
		// An edit notifies only people newly mentioned; the author's own
		// replies notify nobody about themselves.
		if err := svc.EditPost(ctx, f.groupMember, discussion.ReplyPost, r.ID, discussion.EditInput{Body: r.Body + " @expert.zhou"}); err != nil {
			t.Fatal(err)
		}
		if ns := inbox(f.colleague); len(ns) != 1 {
			t.Fatalf("colleague notified again: %d", len(ns))
		}
		if ns := inbox(f.expert); len(ns) != 1 || ns[0].Kind != notify.Mention {
			t.Fatalf("expert's inbox: %+v", ns)
		}
		f.reply(t, f.teacher, tp.ID, discussion.ReplyInput{Body: "谢谢@teacher"})
		if ns := inbox(f.teacher); len(ns) != 1 {
			t.Fatalf("author notified of own reply: %d", len(ns))
		}

		// Autocomplete: members only, by username or display-name prefix.
		got, err := svc.SuggestMembers(ctx, f.teacher, f.open.Space.ID, "@co")
		if err != nil || len(got) != 1 || got[0].Username != "colleague" {
			t.Fatalf("suggest co: %+v %v", got, err)
		}
		got, _ = svc.SuggestMembers(ctx, f.teacher, f.open.Space.ID, "周")
		if len(got) != 1 || got[0].Username != "expert.zhou" || got[0].DisplayName != "周专家" {
			t.Fatalf("suggest 周: %+v", got)
		}
		if got, _ = svc.SuggestMembers(ctx, f.teacher, f.open.Space.ID, "str"); len(got) != 0 {
			t.Fatalf("non-member suggested: %+v", got)
		}
		if got, _ = svc.SuggestMembers(ctx, f.teacher, f.open.Space.ID, "%_"); len(got) != 0 {
			t.Fatalf("wildcards matched: %+v", got)
		}
		_, err = svc.SuggestMembers(ctx, nil, f.open.Space.ID, "co")
		wantCode(t, err, apperr.Unauthorized)
	})
}
