package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

func newCommunity(t *testing.T, w *world, host *account.User, inst int64, policy community.JoinPolicy, vis space.Visibility) *community.Community {
	t.Helper()
	c, err := w.svc.CreateCommunity(context.Background(), host, inst, community.Input{Name: "小学数学大单元教学工作坊",
		Purpose: "共同研究大单元教学", Subject: "math", JoinPolicy: policy, Visibility: vis})
	if err != nil {
		t.Fatalf("create community: %v", err)
	}
	return c
}

func TestCommunityMembership(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		_, err := w.svc.CreateCommunity(ctx, w.teacher, w.school.ID, community.Input{Name: "x", JoinPolicy: community.Open, Visibility: space.Public})
		wantCode(t, err, apperr.Forbidden)
		_, err = w.svc.CreateCommunity(ctx, w.schoolAdm, w.other.ID, community.Input{Name: "x", JoinPolicy: community.Open, Visibility: space.Public})
		wantCode(t, err, apperr.Forbidden)
		_, err = w.svc.CreateCommunity(ctx, w.schoolAdm, w.school.ID, community.Input{Name: "", JoinPolicy: "sometimes", Visibility: space.Public})
		wantCode(t, err, apperr.Invalid)

		closed := newCommunity(t, w, w.schoolAdm, w.school.ID, community.ByRequest, space.Private)
		// A non-member cannot read a closed community, even by guessing its ID.
		_, _, err = w.svc.Community(ctx, w.stranger, closed.Space.ID)
		wantCode(t, err, apperr.NotFound)
		_, err = w.svc.Proposals(ctx, w.teacher, closed.Space.ID)
		wantCode(t, err, apperr.NotFound)
		_, err = w.svc.Propose(ctx, w.stranger, closed.Space.ID, community.ProposalInput{Title: "t", Problem: "p"})
		wantCode(t, err, apperr.NotFound)

		// Open, institution-visible: teachers of the school join at once.
		open := newCommunity(t, w, w.schoolAdm, w.school.ID, community.Open, space.InstitutionOnly)
		if _, _, err := w.svc.Community(ctx, w.stranger, open.Space.ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("stranger sees an institution community: %v", err)
		}
		if joined, err := w.svc.Join(ctx, w.teacher, open.Space.ID, ""); err != nil || !joined {
			t.Fatalf("join open: %v %v", joined, err)
		}
		// By request: pending, then approved by the host.
		req := newCommunity(t, w, w.schoolAdm, w.school.ID, community.ByRequest, space.Public)
		if joined, err := w.svc.Join(ctx, w.colleague, req.Space.ID, "想参加"); err != nil || joined {
			t.Fatalf("request: %v %v", joined, err)
		}
		_, err = w.svc.Join(ctx, w.colleague, req.Space.ID, "again")
		wantCode(t, err, apperr.Conflict)
		_, err = w.svc.JoinRequests(ctx, w.colleague, req.Space.ID)
		wantCode(t, err, apperr.Forbidden)
		rs, err := w.svc.JoinRequests(ctx, w.schoolAdm, req.Space.ID)
		if err != nil || len(rs) != 1 {
			t.Fatalf("requests: %v %v", rs, err)
		}
		if err := w.svc.DecideJoinRequest(ctx, w.schoolAdm, req.Space.ID, rs[0].ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if _, a, _ := w.svc.Community(ctx, w.colleague, req.Space.ID); a.Role != community.RoleMember {
			t.Fatalf("approved member's role = %q", a.Role)
		}
		// By invitation: a link, and a named invitation across institutions.
		inv := newCommunity(t, w, w.schoolAdm, w.school.ID, community.ByInvite, space.Public)
		_, err = w.svc.Join(ctx, w.stranger, inv.Space.ID, "")
		wantCode(t, err, apperr.Forbidden)
		if n, err := w.svc.InviteByName(ctx, w.schoolAdm, inv.Space.ID, []string{"stranger"}, community.RoleExpert); err != nil || n != 1 {
			t.Fatalf("invite by name: %d %v", n, err)
		}
		if joined, err := w.svc.Join(ctx, w.stranger, inv.Space.ID, ""); err != nil || !joined {
			t.Fatalf("invited stranger joins: %v %v", joined, err)
		}
		tok, err := w.svc.CreateInviteLink(ctx, w.schoolAdm, inv.Space.ID, 7, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.AcceptInviteLink(ctx, w.teacher, tok); err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.AcceptInviteLink(ctx, w.colleague, tok)
		wantCode(t, err, apperr.Conflict) // used up
		_, err = w.svc.AcceptInviteLink(ctx, w.colleague, "bogus")
		wantCode(t, err, apperr.NotFound)
		// The last host cannot leave; members can; removal by leads only.
		wantCode(t, w.svc.Leave(ctx, w.schoolAdm, inv.Space.ID), apperr.Conflict)
		if err := w.svc.Leave(ctx, w.teacher, inv.Space.ID); err != nil {
			t.Fatal(err)
		}
		err = w.svc.RemoveMember(ctx, w.teacher, inv.Space.ID, w.stranger.ID)
		wantCode(t, err, apperr.Forbidden)
		if err := w.svc.RemoveMember(ctx, w.schoolAdm, inv.Space.ID, w.stranger.ID); err != nil {
			t.Fatal(err)
		}
		// Member cap.
		capped, err := w.svc.CreateCommunity(ctx, w.schoolAdm, w.school.ID, community.Input{Name: "小组", JoinPolicy: community.Open,
			Visibility: space.Public, MemberCap: 2})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Join(ctx, w.teacher, capped.Space.ID, ""); err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.Join(ctx, w.colleague, capped.Space.ID, "")
		wantCode(t, err, apperr.Conflict)
		// A person invited by name may see a private community and join it.
		if _, err := w.svc.InviteByName(ctx, w.schoolAdm, closed.Space.ID, []string{"stranger"}, community.RoleMember); err != nil {
			t.Fatal(err)
		}
		if joined, err := w.svc.Join(ctx, w.stranger, closed.Space.ID, ""); err != nil || !joined {
			t.Fatalf("invited into a private community: %v %v", joined, err)
		}
		// Admins list every community of their subtree, private ones too.
		list, _, err := w.svc.Communities(ctx, w.districtAdm, store.CommunityFilter{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		found := map[int64]bool{}
		for _, c := range list {
			found[c.Space.ID] = true
		}
		if !found[open.Space.ID] || !found[req.Space.ID] {
			t.Fatalf("district admin's listing misses communities of the district: %d listed", len(list))
		}
		// Listings respect visibility.
		list, _, err = w.svc.Communities(ctx, w.stranger, store.CommunityFilter{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range list {
			if c.Space.ID == open.Space.ID {
				t.Errorf("stranger lists %q", c.Space.Name)
			}
		}
	})
}

func TestThemeNegotiation(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		c := newCommunity(t, w, w.schoolAdm, w.school.ID, community.Open, space.Public)
		for _, u := range []*account.User{w.teacher, w.colleague, w.groupMember} {
			if _, err := w.svc.Join(ctx, u, c.Space.ID, ""); err != nil {
				t.Fatal(err)
			}
		}
		_, err := w.svc.Propose(ctx, w.stranger, c.Space.ID, community.ProposalInput{Title: "x", Problem: "y"})
		wantCode(t, err, apperr.Forbidden) // readers who are not members cannot propose
		p1, err := w.svc.Propose(ctx, w.teacher, c.Space.ID, community.ProposalInput{Title: "作业设计分层", Problem: "作业一刀切"})
		if err != nil {
			t.Fatal(err)
		}
		p2, err := w.svc.Propose(ctx, w.teacher, c.Space.ID, community.ProposalInput{Title: "课堂提问", Problem: "提问低效"})
		if err != nil {
			t.Fatal(err)
		}
		p3, err := w.svc.Propose(ctx, w.colleague, c.Space.ID, community.ProposalInput{Title: "大单元", Problem: "碎片化"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.CommentOnProposal(ctx, w.colleague, p1.ID, "同意，我们年级也有这个问题"); err != nil {
			t.Fatal(err)
		}
		ids := []int64{p1.ID, p2.ID, p3.ID}
		round := community.RoundInput{Title: "第一轮", ProposalIDs: ids, Budget: 2, ClosesAt: w.now.Add(48 * time.Hour), Secret: true}
		_, err = w.svc.OpenRound(ctx, w.teacher, c.Space.ID, round)
		wantCode(t, err, apperr.Forbidden)
		r, err := w.svc.OpenRound(ctx, w.schoolAdm, c.Space.ID, round)
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, w.svc.Vote(ctx, w.teacher, r.ID, ids), apperr.Invalid) // over budget
		if err := w.svc.Vote(ctx, w.teacher, r.ID, []int64{p1.ID, p3.ID}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, w.svc.Vote(ctx, w.teacher, r.ID, []int64{p2.ID}), apperr.Conflict) // double vote
		if err := w.svc.Vote(ctx, w.colleague, r.ID, []int64{p1.ID}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, w.svc.Vote(ctx, w.stranger, r.ID, []int64{p1.ID}), apperr.Forbidden)
		// Results are hidden until the deadline...
		views, err := w.svc.Rounds(ctx, w.teacher, c.Space.ID)
		if err != nil || views[0].ResultsVisible || views[0].Round.Options[0].Tally != 0 || !views[0].HasVoted {
			t.Fatalf("results before the deadline: %+v %v", views, err)
		}
		*w.now = w.now.Add(49 * time.Hour)
		wantCode(t, w.svc.Vote(ctx, w.groupMember, r.ID, []int64{p2.ID}), apperr.Conflict) // after the deadline
		views, _ = w.svc.Rounds(ctx, w.teacher, c.Space.ID)
		tallies := map[int64]int{}
		for _, o := range views[0].Round.Options {
			tallies[o.ProposalID] = o.Tally
		}
		if tallies[p1.ID] != 2 || tallies[p2.ID] != 0 || tallies[p3.ID] != 1 || views[0].Round.VoterCount != 2 {
			t.Fatalf("tallies = %v", tallies)
		}
		// Secret: nothing in the database or the event log links a voter to a choice.
		if len(views[0].Voters) != 0 {
			t.Fatal("voters listed for a secret round")
		}
		var n int
		if err := db.R().QueryRowForTest(ctx, `SELECT count(*) FROM votes WHERE round_id = $1`, r.ID).Scan(&n); err != nil || n != 0 {
			t.Fatalf("secret round stored %d ballots (%v)", n, err)
		}
		evs, _, _ := w.svc.Events(ctx, w.teacher, 0, 100)
		for _, e := range evs {
			if e.Verb == service.VerbVoted && (strings.Contains(e.Context, "proposal") || e.Context != "{}") {
				t.Errorf("vote event leaks a choice: %s", e.Context)
			}
		}
		// Adoption: hosts only, with a note; adopted themes become current.
		wantCode(t, w.svc.Adopt(ctx, w.teacher, c.Space.ID, []int64{p1.ID}, ""), apperr.Forbidden)
		if err := w.svc.Adopt(ctx, w.schoolAdm, c.Space.ID, []int64{p1.ID}, "票数最高，本学期围绕作业设计开展活动"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, w.svc.Adopt(ctx, w.schoolAdm, c.Space.ID, []int64{p1.ID}, ""), apperr.Conflict)
		themes, err := w.svc.CurrentThemes(ctx, w.stranger, c.Space.ID)
		if err != nil || len(themes) != 1 || themes[0].DecisionNote == "" {
			t.Fatalf("current themes: %v %v", themes, err)
		}
		// A named round lists voters once results are visible.
		named, err := w.svc.OpenRound(ctx, w.schoolAdm, c.Space.ID, community.RoundInput{Title: "第二轮", ProposalIDs: []int64{p2.ID, p3.ID},
			Budget: 1, ClosesAt: w.now.Add(time.Hour), LiveResults: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Vote(ctx, w.groupMember, named.ID, []int64{p3.ID}); err != nil {
			t.Fatal(err)
		}
		views, _ = w.svc.Rounds(ctx, w.teacher, c.Space.ID)
		if !views[0].ResultsVisible || len(views[0].Voters[p3.ID]) != 1 {
			t.Fatalf("named live round: %+v", views[0])
		}
		// Archived communities are read-only.
		wantCode(t, w.svc.SetCommunityStatus(ctx, w.teacher, c.Space.ID, community.Archived), apperr.Forbidden)
		if err := w.svc.SetCommunityStatus(ctx, w.schoolAdm, c.Space.ID, community.Archived); err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.Propose(ctx, w.teacher, c.Space.ID, community.ProposalInput{Title: "x", Problem: "y"})
		wantCode(t, err, apperr.Conflict)
		_, err = w.svc.CommentOnProposal(ctx, w.teacher, p2.ID, "x")
		wantCode(t, err, apperr.Conflict)
		if _, err := w.svc.Proposals(ctx, w.stranger, c.Space.ID); err != nil {
			t.Fatalf("archived communities stay readable: %v", err)
		}
	})
}
