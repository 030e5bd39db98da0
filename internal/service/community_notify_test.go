package service_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/i18n"
	"github.com/yanxiu/yanxiu/internal/jobs"
	"github.com/yanxiu/yanxiu/internal/message"
	"github.com/yanxiu/yanxiu/internal/notify"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// inboxOf returns u's notifications of one kind, newest first.
func inboxOf(t *testing.T, svc *service.Service, u *account.User, k notify.Kind) []*notify.Notification {
	t.Helper()
	ns, _, err := svc.Inbox(context.Background(), u, false, 200, 0)
	if err != nil {
		t.Fatalf("inbox of %s: %v", u.Username, err)
	}
	var out []*notify.Notification
	for _, n := range ns {
		if n.Kind == k {
			out = append(out, n)
		}
	}
	return out
}

// wantOne checks that u has exactly one notification of kind k and returns it.
func wantOne(t *testing.T, svc *service.Service, u *account.User, k notify.Kind) *notify.Notification {
	t.Helper()
	ns := inboxOf(t, svc, u, k)
	if len(ns) != 1 {
		t.Fatalf("%s has %d %s notifications, want 1", u.Username, len(ns), k)
	}
	return ns[0]
}

// wantNone checks that none of people has a notification of kind k.
func wantNone(t *testing.T, svc *service.Service, k notify.Kind, people ...*account.User) {
	t.Helper()
	for _, u := range people {
		if ns := inboxOf(t, svc, u, k); len(ns) != 0 {
			t.Errorf("%s has %d %s notifications, want none: %+v", u.Username, len(ns), k, ns[0])
		}
	}
}

func TestJoinRequestAndDecisionNotify(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		zh := catalog(t).Printer("zh-CN")
		c := newCommunity(t, w, w.schoolAdm, w.school.ID, community.ByRequest, space.Public)
		id := c.Space.ID
		// teacher becomes a facilitator, groupMember a plain member, both by invitation.
		_ = val(w.svc.InviteByName(ctx, w.schoolAdm, id, []string{"teacher"}, community.RoleFacilitator))
		_ = val(w.svc.InviteByName(ctx, w.schoolAdm, id, []string{"grouper"}, community.RoleMember))
		for _, u := range []*account.User{w.teacher, w.groupMember} {
			if joined, err := w.svc.Join(ctx, u, id, ""); err != nil || !joined {
				t.Fatalf("%s accepts: %v %v", u.Username, joined, err)
			}
		}

		if joined, err := w.svc.Join(ctx, w.colleague, id, "想参加"); err != nil || joined {
			t.Fatalf("request: %v %v", joined, err)
		}
		// The leads hear of it; a plain member and the requester do not.
		for _, lead := range []*account.User{w.schoolAdm, w.teacher} {
			n := wantOne(t, w.svc, lead, notify.JoinRequest)
			if n.ActorID != w.colleague.ID || n.SpaceID != id || n.Title != c.Space.Name || n.URL != fmt.Sprintf("/c/%d#join-requests", id) {
				t.Errorf("join request to %s: %+v", lead.Username, n)
			}
		}
		wantNone(t, w.svc, notify.JoinRequest, w.groupMember, w.colleague)
		// A refused second request notifies nobody: its transaction rolled back.
		if _, err := w.svc.Join(ctx, w.colleague, id, "again"); err == nil {
			t.Fatal("second pending request accepted")
		}
		wantOne(t, w.svc, w.schoolAdm, notify.JoinRequest)

		// Declined by the facilitator, with a reason.
		rs := val(w.svc.JoinRequests(ctx, w.schoolAdm, id))
		noErr(t, w.svc.DecideJoinRequest(ctx, w.teacher, id, rs[0].ID, false, "名额已满"))
		n := wantOne(t, w.svc, w.colleague, notify.JoinDecision)
		if n.ActorID != w.teacher.ID || n.ObjectType != service.ObjJoinDeclined || n.URL != fmt.Sprintf("/c/%d", id) {
			t.Errorf("decline: %+v", n)
		}
		if got, want := service.Sentence(zh, n), "你的加入申请未获通过："+c.Space.Name+" — 名额已满"; got != want {
			t.Errorf("decline sentence = %q, want %q", got, want)
		}
		wantNone(t, w.svc, notify.JoinDecision, w.teacher, w.schoolAdm)

		// Asked again and approved by the host.
		_ = val(w.svc.Join(ctx, w.colleague, id, ""))
		rs = val(w.svc.JoinRequests(ctx, w.schoolAdm, id))
		noErr(t, w.svc.DecideJoinRequest(ctx, w.schoolAdm, id, rs[0].ID, true, ""))
		ns := inboxOf(t, w.svc, w.colleague, notify.JoinDecision)
		if len(ns) != 2 || ns[0].ObjectType != service.ObjJoinApproved || ns[0].ActorID != w.schoolAdm.ID {
			t.Fatalf("approval: %d notifications, newest %+v", len(ns), ns[0])
		}
		if got, want := service.Sentence(catalog(t).Printer("en"), ns[0]), "Your request to join “"+c.Space.Name+"” was approved"; got != want {
			t.Errorf("approval sentence = %q, want %q", got, want)
		}
		if len(inboxOf(t, w.svc, w.schoolAdm, notify.JoinRequest)) != 2 || len(inboxOf(t, w.svc, w.teacher, notify.JoinRequest)) != 2 {
			t.Error("the second request did not reach both leads")
		}
	})
}

func TestInvitationNotifies(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		c := newCommunity(t, w, w.schoolAdm, w.school.ID, community.ByInvite, space.Private)
		if n, err := w.svc.InviteByName(ctx, w.schoolAdm, c.Space.ID, []string{"stranger", "colleague"}, community.RoleExpert); err != nil || n != 2 {
			t.Fatalf("invite: %d %v", n, err)
		}
		for _, u := range []*account.User{w.stranger, w.colleague} {
			n := wantOne(t, w.svc, u, notify.Invitation)
			if n.ActorID != w.schoolAdm.ID || n.Title != c.Space.Name || n.URL != fmt.Sprintf("/c/%d", c.Space.ID) || n.ObjectType != service.ObjCommunity {
				t.Errorf("invitation of %s: %+v", u.Username, n)
			}
			// The link works for the invitee, even into a private community.
			if _, _, err := w.svc.Community(ctx, u, c.Space.ID); err != nil {
				t.Errorf("%s cannot open the invitation's link: %v", u.Username, err)
			}
		}
		wantNone(t, w.svc, notify.Invitation, w.schoolAdm, w.teacher)
		// An unknown name refuses the whole batch, and nobody is notified.
		if _, err := w.svc.InviteByName(ctx, w.schoolAdm, c.Space.ID, []string{"teacher", "nobody"}, community.RoleMember); err == nil {
			t.Fatal("unknown username accepted")
		}
		// Invite links name nobody, so they notify nobody.
		_ = val(w.svc.CreateInviteLink(ctx, w.schoolAdm, c.Space.ID, 7, 0))
		wantNone(t, w.svc, notify.Invitation, w.teacher)
	})
}

func TestDirectMessageNotifiesWithoutTheText(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newDMWorld(t, db)
		w.share(t, w.teacher, w.stranger)
		w.send(t, w.teacher, w.stranger, "周三下午的公开课改到四点，别告诉别人")
		n := wantOne(t, w.svc, w.stranger, notify.Message)
		if n.ActorID != w.teacher.ID || n.Title != w.teacher.Name() || n.URL != "/messages/teacher" || n.ObjectType != message.ObjMessage {
			t.Errorf("message notification: %+v", n)
		}
		if got := service.Sentence(catalog(t).Printer("zh-CN"), n); got != w.teacher.Name()+" 给你发了一条私信" {
			t.Errorf("sentence = %q", got)
		}
		wantNone(t, w.svc, notify.Message, w.teacher)
		if notify.DefaultMode(notify.Message) != notify.Immediately {
			t.Error("direct messages are not e-mailed at once by default")
		}
	})
}

// fanWorld is the service world with a second service over the same
// database whose fan-outs notify two members per job, a clock that a job
// runner may read while the test moves it, and that runner.
type fanWorld struct {
	*world
	svc    *service.Service
	runner *jobs.Runner
	mu     sync.Mutex
	now    time.Time
	c      *community.Community
}

func (f *fanWorld) clock() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }

func (f *fanWorld) advance(d time.Duration) { f.mu.Lock(); f.now = f.now.Add(d); f.mu.Unlock() }

// newFanWorld makes an open, public community hosted by schoolAdm with
// four more members from two schools, and starts a runner for fan-outs.
func newFanWorld(t *testing.T, db *store.DB) *fanWorld {
	t.Helper()
	f := &fanWorld{world: newWorld(t, db)}
	f.now = *f.world.now
	f.svc = service.New(service.Options{DB: db, Argon2: account.FastArgon2, Now: f.clock, FanoutBatch: 2})
	ctx := context.Background()
	f.c = newCommunity(t, &world{svc: f.svc}, f.schoolAdm, f.school.ID, community.Open, space.Public)
	for _, u := range f.members()[1:] {
		if _, err := f.svc.Join(ctx, u, f.c.Space.ID, ""); err != nil {
			t.Fatalf("%s joins: %v", u.Username, err)
		}
	}
	f.runner = jobs.NewRunner(db, jobs.RunnerOptions{PollInterval: 10 * time.Millisecond, Now: f.clock})
	f.runner.Register(service.JobCommunityFanout, f.svc.FanOutToMembers)
	if err := f.runner.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.runner.Stop(context.Background()) })
	return f
}

func (f *fanWorld) members() []*account.User {
	return []*account.User{f.schoolAdm, f.teacher, f.colleague, f.groupMember, f.stranger}
}

// fanouts lists every fan-out job, oldest first.
func (f *fanWorld) fanouts(t *testing.T) []*store.Job {
	t.Helper()
	js, err := f.db.R().JobsOfKind(context.Background(), service.JobCommunityFanout, 100)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// settle wakes the runner and waits until every fan-out job due by the
// fake clock has finished; none may have failed.
func (f *fanWorld) settle(t *testing.T) {
	t.Helper()
	f.runner.Wake()
	deadline := time.Now().Add(15 * time.Second)
	for {
		busy := false
		for _, j := range f.fanouts(t) {
			if j.Failed {
				t.Fatalf("fan-out job %d failed: %s", j.ID, j.LastError)
			}
			if j.DoneAt == nil && !j.RunAt.After(f.clock()) {
				busy = true
			}
		}
		if !busy {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("fan-out jobs did not finish")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestVoteOpenedClosedAndAdoptionFanOut(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFanWorld(t, db)
		ctx := context.Background()
		id := f.c.Space.ID
		p1 := val(f.svc.Propose(ctx, f.teacher, id, community.ProposalInput{Title: "大单元作业设计", Problem: "作业碎片化"}))
		p2 := val(f.svc.Propose(ctx, f.colleague, id, community.ProposalInput{Title: "课堂提问的层次", Problem: "提问太浅"}))
		closes := f.clock().Add(72 * time.Hour)
		r := val(f.svc.OpenRound(ctx, f.schoolAdm, id, community.RoundInput{Title: "第一轮", ProposalIDs: []int64{p1.ID, p2.ID},
			Budget: 1, ClosesAt: closes}))
		results := fmt.Sprintf("/c/%d/themes#round-%d", id, r.ID)

		// The round's transaction queued a vote-opened job and a vote-closed
		// job for the deadline. (The runner may already be working through
		// the opened one, whose batches queue their successors, so count
		// only the closing job exactly.)
		var closing *store.Job
		for _, j := range f.fanouts(t) {
			if strings.Contains(j.UniqueKey, ":vote_closed:") {
				if closing != nil {
					t.Fatalf("two vote-closed jobs: %q and %q", closing.UniqueKey, j.UniqueKey)
				}
				closing = j
			}
		}
		if closing == nil {
			t.Fatal("no vote-closed job after opening a round")
		}
		if !closing.RunAt.Equal(closes) || closing.UniqueKey != fmt.Sprintf("%s:vote_closed:round:%d#0", service.JobCommunityFanout, r.ID) {
			t.Fatalf("vote-closed job runs at %v with key %q, want %v", closing.RunAt, closing.UniqueKey, closes)
		}

		f.settle(t)
		for _, u := range f.members()[1:] {
			n := wantOne(t, f.svc, u, notify.VoteOpened)
			if n.ActorID != f.schoolAdm.ID || n.Title != f.c.Space.Name || n.URL != results || n.ObjectID != r.ID {
				t.Errorf("vote opened for %s: %+v", u.Username, n)
			}
		}
		wantNone(t, f.svc, notify.VoteOpened, f.schoolAdm)
		// Five members, two per job: three batches and a last job that finds
		// nobody left; the closing job still waits for its time.
		if js := f.fanouts(t); len(js) != 5 || js[1].DoneAt != nil {
			t.Fatalf("%d fan-out jobs, vote-closed done %v; want 5, not done", len(js), js[1].DoneAt)
		}
		wantNone(t, f.svc, notify.VoteClosed, f.members()...)

		// A batch run a second time (its instance died before recording the
		// outcome) notifies nobody again.
		first := f.fanouts(t)[0]
		noErr(t, f.svc.FanOutToMembers(ctx, jobs.Job{ID: first.ID, Kind: first.Kind, Payload: []byte(first.Payload)}))
		for _, u := range f.members()[1:] {
			wantOne(t, f.svc, u, notify.VoteOpened)
		}

		// At the deadline every member, the host included, hears that it closed.
		f.advance(72*time.Hour - time.Second)
		f.settle(t)
		wantNone(t, f.svc, notify.VoteClosed, f.members()...)
		f.advance(time.Second)
		f.settle(t)
		for _, u := range f.members() {
			n := wantOne(t, f.svc, u, notify.VoteClosed)
			if n.ActorID != 0 || n.URL != results || n.Title != f.c.Space.Name {
				t.Errorf("vote closed for %s: %+v", u.Username, n)
			}
		}

		// Adopting one theme tells every member but the host; declining the
		// other tells nobody.
		noErr(t, f.svc.Adopt(ctx, f.schoolAdm, id, []int64{p1.ID}, "票数最多"))
		noErr(t, f.svc.DeclineProposals(ctx, f.schoolAdm, id, []int64{p2.ID}, ""))
		f.settle(t)
		for _, u := range f.members()[1:] {
			n := wantOne(t, f.svc, u, notify.ThemeAdopted)
			if n.Title != p1.Title || n.URL != fmt.Sprintf("/proposals/%d", p1.ID) || n.ActorID != f.schoolAdm.ID {
				t.Errorf("theme adopted for %s: %+v", u.Username, n)
			}
		}
		wantNone(t, f.svc, notify.ThemeAdopted, f.schoolAdm)
	})
}

func TestFanOutEdgeCases(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		for _, payload := range []string{`not json`, `{"key":"","space_id":1,"kind":"vote_opened"}`, `{"key":"k","space_id":1,"kind":"gossip"}`} {
			if err := w.svc.FanOutToMembers(ctx, jobs.Job{ID: 1, Kind: service.JobCommunityFanout, Payload: []byte(payload)}); !jobs.IsPermanent(err) {
				t.Errorf("payload %s: %v, want a permanent error", payload, err)
			}
		}
		// A community that no longer has members ends the fan-out at once.
		err := w.svc.FanOutToMembers(ctx, jobs.Job{ID: 1, Kind: service.JobCommunityFanout,
			Payload: []byte(`{"key":"k","space_id":999999,"kind":"vote_opened","title":"x","url":"/c/999999"}`)})
		if err != nil {
			t.Fatal(err)
		}
		js, err := db.R().JobsOfKind(ctx, service.JobCommunityFanout, 10)
		if err != nil || len(js) != 0 {
			t.Fatalf("%d jobs queued by an empty fan-out, %v", len(js), err)
		}
		// An invalid round refuses before queueing anything.
		c := newCommunity(t, w, w.schoolAdm, w.school.ID, community.Open, space.Public)
		if _, err := w.svc.OpenRound(ctx, w.schoolAdm, c.Space.ID, community.RoundInput{Title: "x", Budget: 1, ClosesAt: w.now.Add(time.Hour)}); err == nil {
			t.Fatal("round without proposals opened")
		}
		if js, _ := db.R().JobsOfKind(ctx, service.JobCommunityFanout, 10); len(js) != 0 {
			t.Fatalf("%d fan-out jobs queued by a refused round", len(js))
		}
	})
}

// catalog loads the message catalogues.
func catalog(t *testing.T) *i18n.Catalog {
	t.Helper()
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}
