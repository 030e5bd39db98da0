package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// discussionWorld is a community with two members and one outsider.
type discussionWorld struct {
	space             *space.Space
	alice, bob, carol *account.User
	board             *discussion.Board
	topic             *discussion.Topic
}

func newDiscussionWorld(t *testing.T, db *store.DB) *discussionWorld {
	t.Helper()
	ctx := context.Background()
	w := &discussionWorld{}
	err := db.Tx(ctx, func(q *store.Q) error {
		inst := &space.Space{Kind: space.Institution, Level: space.District, Name: "青湖区", Visibility: space.Public, CreatedAt: t0}
		if err := q.CreateSpace(ctx, inst, ""); err != nil {
			return err
		}
		w.space = &space.Space{Kind: space.Community, ParentID: inst.ID, Name: "工作坊", Visibility: space.Public, CreatedAt: t0}
		if err := q.CreateSpace(ctx, w.space, inst.Path); err != nil {
			return err
		}
		var users []*account.User
		for _, n := range []struct{ user, name string }{{"alice", "张伟"}, {"bob", "Bob Li"}, {"carol", "李娜"}} {
			u := &account.User{Username: n.user, DisplayName: n.name, Role: account.Teacher, InstitutionID: inst.ID, CreatedAt: t0}
			if err := q.CreateUser(ctx, u, "hash"); err != nil {
				return err
			}
			users = append(users, u)
		}
		w.alice, w.bob, w.carol = users[0], users[1], users[2]
		if err := q.CreateCommunity(ctx, &community.Community{Space: w.space, InstitutionID: inst.ID, Status: community.Active,
			JoinPolicy: community.Open, CreatedBy: w.alice.ID}); err != nil {
			return err
		}
		for _, u := range users[:2] {
			if err := q.AddMember(ctx, w.space.ID, u.ID, community.RoleMember, store.SortKey(u.Name()), ms(t0)); err != nil {
				return err
			}
		}
		var err error
		if w.board, err = q.DefaultBoard(ctx, w.space.ID, t0); err != nil {
			return err
		}
		w.topic = &discussion.Topic{BoardID: w.board.ID, SpaceID: w.space.ID, AuthorID: w.alice.ID, Title: "t", Body: "b",
			BodyHTML: "<p>b</p>", CreatedAt: t0}
		return q.CreateTopic(ctx, w.topic)
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestDiscussionBoards(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newDiscussionWorld(t, db)
		again, err := db.W().DefaultBoard(ctx, w.space.ID, t0)
		if err != nil || again.ID != w.board.ID || !again.Default || again.Name != "" {
			t.Fatalf("second DefaultBoard = %+v %v, want board %d", again, err, w.board.ID)
		}
		b := &discussion.Board{SpaceID: w.space.ID, Name: "课例研讨", CreatedAt: t0}
		if err := db.W().CreateBoard(ctx, b); err != nil || b.Position != 1 {
			t.Fatalf("create board: %+v %v", b, err)
		}
		err = db.W().CreateBoard(ctx, &discussion.Board{SpaceID: w.space.ID, Name: "课例研讨", CreatedAt: t0})
		if !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("duplicate board name: %v", err)
		}
		bs, err := db.R().Boards(ctx, w.space.ID)
		if err != nil || len(bs) != 2 || !bs[0].Default || bs[1].Name != "课例研讨" {
			t.Fatalf("boards: %+v %v", bs, err)
		}
		changed, err := db.W().SetTopicFlag(ctx, w.topic.ID, store.FlagPinned, true, t0)
		if err != nil || !changed {
			t.Fatalf("pin: %v %v", changed, err)
		}
		if changed, _ = db.W().SetTopicFlag(ctx, w.topic.ID, store.FlagPinned, true, t0); changed {
			t.Fatal("pinning twice reported a change")
		}
		if _, err := db.W().SetTopicFlag(ctx, w.topic.ID, "title", true, t0); err == nil {
			t.Fatal("an unknown flag reached SQL")
		}
		if err := db.W().MoveTopic(ctx, w.topic.ID, b.ID, t0); err != nil {
			t.Fatal(err)
		}
		ts, n, err := db.R().Topics(ctx, store.TopicFilter{SpaceID: w.space.ID, BoardID: b.ID, Limit: 10})
		if err != nil || n != 1 || ts[0].BoardName != "课例研讨" || !ts[0].Pinned {
			t.Fatalf("topics on the new board: %+v %d %v", ts, n, err)
		}
		// A board of this community named with another community's ID lists nothing.
		if _, n, _ = db.R().Topics(ctx, store.TopicFilter{SpaceID: w.space.ID + 1000, BoardID: b.ID, Limit: 10}); n != 0 {
			t.Fatalf("board listed under another community: %d", n)
		}
	})
}

// TestRepliesPageMatchesPostingOrder checks every page of a topic, read by
// key from either end, against the replies in posting order.
func TestRepliesPageMatchesPostingOrder(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newDiscussionWorld(t, db)
		const n = 237
		var ids []int64
		err := db.Tx(ctx, func(q *store.Q) error {
			for i := range n {
				r := &discussion.Reply{TopicID: w.topic.ID, SpaceID: w.space.ID, AuthorID: []int64{w.alice.ID, w.bob.ID}[i%2],
					Body: fmt.Sprint(i), BodyHTML: fmt.Sprint(i), CreatedAt: t0}
				if i > 0 && i%5 == 0 {
					r.ParentID, r.Depth, r.QuoteOf = ids[i-3], 1, ids[i-1]
				}
				if err := q.CreateReply(ctx, r); err != nil {
					return err
				}
				if r.Position != i {
					t.Errorf("reply %d created at position %d", i, r.Position)
				}
				ids = append(ids, r.ID)
			}
			// Another topic's replies interleave with this one's IDs.
			other := &discussion.Topic{BoardID: w.board.ID, SpaceID: w.space.ID, AuthorID: w.bob.ID, Title: "o", Body: "o", CreatedAt: t0}
			if err := q.CreateTopic(ctx, other); err != nil {
				return err
			}
			return q.CreateReply(ctx, &discussion.Reply{TopicID: other.ID, SpaceID: w.space.ID, AuthorID: w.bob.ID, Body: "x", CreatedAt: t0})
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.W().Like(ctx, ids[0], w.bob.ID, t0); err != nil {
			t.Fatal(err)
		}
		tp, err := db.R().TopicByID(ctx, w.topic.ID)
		if err != nil || tp.ReplyCount != n || tp.LastReplyBy != w.alice.ID {
			t.Fatalf("topic counters: %+v %v", tp, err)
		}
		for page := 1; page <= discussion.Pages(n); page++ {
			off := (page - 1) * discussion.PageSize
			got, err := db.R().RepliesPage(ctx, w.topic.ID, w.bob.ID, off, n, discussion.PageSize)
			if err != nil {
				t.Fatal(err)
			}
			gotIDs := make([]int64, len(got))
			for i, r := range got {
				gotIDs[i] = r.ID
			}
			if want := ids[off:min(n, off+discussion.PageSize)]; !slices.Equal(gotIDs, want) {
				t.Fatalf("page %d = %v, want %v", page, gotIDs, want)
			}
			for _, r := range got {
				if r.ParentID != 0 && (r.ParentAuthor == "" || r.QuoteOf == 0) {
					t.Fatalf("reply %d lacks its parent's author", r.ID)
				}
				if r.Liked != (r.ID == ids[0]) {
					t.Fatalf("reply %d liked = %v", r.ID, r.Liked)
				}
			}
		}
		if got, _ := db.R().RepliesPage(ctx, w.topic.ID, 0, n+50, n, discussion.PageSize); len(got) != 0 {
			t.Fatalf("a page past the end has %d replies", len(got))
		}
		pos, err := db.R().ReplyPosition(ctx, w.topic.ID, ids[123])
		if err != nil || pos != 123 {
			t.Fatalf("position %d %v", pos, err)
		}
	})
}

func TestDiscussionLikesReportsMentions(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newDiscussionWorld(t, db)
		r := &discussion.Reply{TopicID: w.topic.ID, SpaceID: w.space.ID, AuthorID: w.alice.ID, Body: "r", BodyHTML: "r", CreatedAt: t0}
		if err := db.W().CreateReply(ctx, r); err != nil {
			t.Fatal(err)
		}
		for i, want := range []bool{true, false} {
			added, err := db.W().Like(ctx, r.ID, w.bob.ID, t0)
			if err != nil || added != want {
				t.Fatalf("like %d: %v %v", i, added, err)
			}
		}
		if got, _ := db.R().ReplyByID(ctx, r.ID); got.LikeCount != 1 {
			t.Fatalf("like count %d", got.LikeCount)
		}
		for i, want := range []bool{true, false} {
			if removed, _ := db.W().Unlike(ctx, r.ID, w.bob.ID); removed != want {
				t.Fatalf("unlike %d: %v", i, removed)
			}
		}
		if got, _ := db.R().ReplyByID(ctx, r.ID); got.LikeCount != 0 {
			t.Fatalf("like count after unlike %d", got.LikeCount)
		}

		rep := &discussion.Report{SpaceID: w.space.ID, TopicID: w.topic.ID, PostType: discussion.ReplyPost, PostID: r.ID,
			ReporterID: w.bob.ID, Reason: "spam", CreatedAt: t0}
		if err := db.W().CreateReport(ctx, rep); err != nil {
			t.Fatal(err)
		}
		dup := *rep
		if err := db.W().CreateReport(ctx, &dup); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("second open report: %v", err)
		}
		if n, _ := db.W().CloseReports(ctx, discussion.ReplyPost, r.ID, discussion.ReportHidden, w.alice.ID, t0); n != 1 {
			t.Fatalf("closed %d reports", n)
		}
		again := *rep
		if err := db.W().CreateReport(ctx, &again); err != nil {
			t.Fatalf("a new report after the first was handled: %v", err)
		}
		got, err := db.R().ReportByID(ctx, again.ID)
		if err != nil || got.PostAuthor != "张伟" || got.PostBody != "r" || got.TopicTitle != "t" || got.Status != discussion.ReportOpen {
			t.Fatalf("report: %+v %v", got, err)
		}

		ids, err := db.R().MembersByUsername(ctx, w.space.ID, []string{"alice", "carol", "nobody"})
		if err != nil || len(ids) != 1 || ids["alice"] != w.alice.ID {
			t.Fatalf("mentions resolve to members only: %v %v", ids, err)
		}
		for _, tc := range []struct {
			prefix string
			want   []string
		}{{"al", []string{"alice"}}, {"张", []string{"alice"}}, {"li", []string{"bob"}}, {"李", nil}, {"", []string{"alice", "bob"}}, {"%", nil}, {"_", nil}} {
			ms, err := db.R().SuggestMembers(ctx, w.space.ID, tc.prefix, 8)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, m := range ms {
				names = append(names, m.Username)
			}
			slices.Sort(names)
			if !slices.Equal(names, tc.want) {
				t.Errorf("SuggestMembers(%q) = %v, want %v", tc.prefix, names, tc.want)
			}
		}
	})
}
