package service_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/message"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// dmWorld is the service world plus a cross-school community that teacher
// (实验小学) and stranger (第二中学) both join, and a platform admin.
type dmWorld struct {
	*world
	admin *account.User
	ctx   context.Context
}

func newDMWorld(t *testing.T, db *store.DB) *dmWorld {
	t.Helper()
	w := &dmWorld{world: newWorld(t, db), ctx: context.Background()}
	var err error
	w.admin, err = w.svc.CreateUser(w.ctx, nil, service.NewUser{Username: "root", Password: pw, Role: account.Admin})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// share puts people into one new open community hosted by the district admin.
func (w *dmWorld) share(t *testing.T, people ...*account.User) *community.Community {
	t.Helper()
	c := newCommunity(t, w.world, w.districtAdm, w.district.ID, community.Open, space.Public)
	for _, u := range people {
		if _, err := w.svc.Join(w.ctx, u, c.Space.ID, ""); err != nil {
			t.Fatalf("%s joins: %v", u.Username, err)
		}
	}
	return c
}

func (w *dmWorld) send(t *testing.T, from, to *account.User, body string) *message.Message {
	t.Helper()
	m, err := w.svc.SendMessage(w.ctx, from, to.Username, body)
	if err != nil {
		t.Fatalf("%s → %s: %v", from.Username, to.Username, err)
	}
	return m
}

func (w *dmWorld) unread(t *testing.T, u *account.User) int {
	t.Helper()
	n, err := w.svc.UnreadMessages(w.ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func wantKey(t *testing.T, err error, code apperr.Code, key string) {
	t.Helper()
	wantCode(t, err, code)
	if e, _ := apperr.As(err); e.Key != key {
		t.Fatalf("error key = %q, want %q", e.Key, key)
	}
}

func TestMessagesNeedASharedCommunity(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newDMWorld(t, db)
		// Colleagues of one school share no community yet: refused.
		_, err := w.svc.SendMessage(w.ctx, w.teacher, "colleague", "你好")
		wantKey(t, err, apperr.Forbidden, "message.error.cannot_send")
		_, err = w.svc.Conversation(w.ctx, w.teacher, "colleague", 0, 0)
		wantCode(t, err, apperr.NotFound)
		// An institution space is not a community.
		if _, err := w.svc.SendMessage(w.ctx, w.teacher, "grouper", "你好"); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("members of one school wrote without a community: %v", err)
		}
		// A community shared across schools opens the conversation.
		w.share(t, w.teacher, w.stranger)
		page, err := w.svc.Conversation(w.ctx, w.teacher, "stranger", 0, 0)
		if err != nil || page.ID != 0 || !page.CanSend || len(page.Messages) != 0 {
			t.Fatalf("empty conversation page = %+v, %v", page, err)
		}
		first := w.send(t, w.teacher, w.stranger, "王老师好，**周三**的课例研讨您来吗？")
		reply := w.send(t, w.stranger, w.teacher, "来的")
		if first.ConversationID == 0 || reply.ConversationID != first.ConversationID {
			t.Fatalf("the two directions use conversations %d and %d", first.ConversationID, reply.ConversationID)
		}
		if !strings.Contains(first.BodyHTML, "<strong>周三</strong>") {
			t.Fatalf("body not rendered: %q", first.BodyHTML)
		}
		// Leaving the community keeps the history readable but stops new messages.
		c2 := w.share(t, w.colleague, w.groupMember)
		w.send(t, w.colleague, w.groupMember, "hi")
		if err := w.svc.Leave(w.ctx, w.groupMember, c2.Space.ID); err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.SendMessage(w.ctx, w.colleague, "grouper", "还在吗")
		wantKey(t, err, apperr.Forbidden, "message.error.cannot_send")
		page, err = w.svc.Conversation(w.ctx, w.colleague, "grouper", 0, 0)
		if err != nil || page.CanSend || len(page.Messages) != 1 {
			t.Fatalf("conversation after leaving = %+v, %v", page, err)
		}

		// Bad input.
		cases := []struct {
			name, to, body string
			code           apperr.Code
		}{
			{"empty body", "stranger", "  \n ", apperr.Invalid},
			{"too long", "stranger", strings.Repeat("长", message.MaxBody+1), apperr.Invalid},
			{"to oneself", "teacher", "hi", apperr.NotFound},
			{"unknown person", "nobody", "hi", apperr.NotFound},
			{"junk name", "%00", "hi", apperr.NotFound},
		}
		for _, tc := range cases {
			_, err := w.svc.SendMessage(w.ctx, w.teacher, tc.to, tc.body)
			if apperr.CodeOf(err) != tc.code {
				t.Errorf("%s: error %v, want %s", tc.name, err, tc.code)
			}
		}
		_, err = w.svc.SendMessage(w.ctx, nil, "stranger", "hi")
		wantCode(t, err, apperr.Unauthorized)
	})
}

func TestUnreadCountsAndInbox(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newDMWorld(t, db)
		w.share(t, w.teacher, w.stranger, w.colleague)
		w.send(t, w.teacher, w.stranger, "一")
		w.send(t, w.teacher, w.stranger, "二")
		*w.now = w.now.Add(time.Second)
		w.send(t, w.colleague, w.stranger, "三")
		if n := w.unread(t, w.stranger); n != 3 {
			t.Fatalf("stranger's unread = %d, want 3", n)
		}
		if n := w.unread(t, w.teacher); n != 0 {
			t.Fatalf("the sender's own messages count as unread: %d", n)
		}
		inbox, total, err := w.svc.Conversations(w.ctx, w.stranger, 10, 0)
		if err != nil || total != 2 || len(inbox) != 2 {
			t.Fatalf("inbox = %d of %d, %v", len(inbox), total, err)
		}
		if c := inbox[0]; c.Other.Username != "colleague" || c.Unread != 1 || c.LastBody != "三" {
			t.Errorf("newest conversation = %+v (other %s)", c, c.Other.Username)
		}
		if c := inbox[1]; c.Other.Username != "teacher" || c.Unread != 2 || c.LastBody != "二" || c.LastSenderID != w.teacher.ID {
			t.Errorf("older conversation = %+v (other %s)", c, c.Other.Username)
		}
		// Reading one conversation clears its count only.
		page, err := w.svc.Conversation(w.ctx, w.stranger, "teacher", 0, 0)
		if err != nil || len(page.Messages) != 2 || page.Messages[0].Body != "一" || page.Messages[1].Body != "二" {
			t.Fatalf("conversation = %+v, %v", page, err)
		}
		if n := w.unread(t, w.stranger); n != 1 {
			t.Fatalf("unread after reading one conversation = %d, want 1", n)
		}
		// A message in the same millisecond as the reading still counts:
		// reading is tracked by message, not by time.
		w.send(t, w.teacher, w.stranger, "四")
		if n := w.unread(t, w.stranger); n != 2 {
			t.Fatalf("unread after a new message = %d, want 2", n)
		}
		// Replying means having read.
		w.send(t, w.stranger, w.teacher, "收到")
		if n := w.unread(t, w.teacher); n != 1 {
			t.Fatalf("teacher's unread = %d, want 1", n)
		}
		inbox, _, _ = w.svc.Conversations(w.ctx, w.stranger, 10, 0)
		if inbox[0].Other.Username != "teacher" || inbox[0].Unread != 0 {
			t.Fatalf("after replying: %+v", inbox[0])
		}
		if _, _, err := w.svc.Conversations(w.ctx, nil, 10, 0); !apperr.Is(err, apperr.Unauthorized) {
			t.Fatalf("anonymous inbox: %v", err)
		}
	})
}

func TestConversationPaging(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newDMWorld(t, db)
		w.share(t, w.teacher, w.stranger)
		for i := 1; i <= 5; i++ {
			w.send(t, w.teacher, w.stranger, fmt.Sprint("m", i))
		}
		var got []string
		before := int64(0)
		for range 5 {
			page, err := w.svc.Conversation(w.ctx, w.stranger, "teacher", before, 2)
			if err != nil {
				t.Fatal(err)
			}
			var bodies []string
			for _, m := range page.Messages {
				bodies = append(bodies, m.Body)
			}
			got = append([]string{strings.Join(bodies, ",")}, got...)
			if page.Older == 0 {
				break
			}
			before = page.Older
		}
		if want := "m1|m2,m3|m4,m5"; strings.Join(got, "|") != want {
			t.Fatalf("pages (oldest first) = %q, want %q", strings.Join(got, "|"), want)
		}
	})
}

func TestBlocksWorkBothWays(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newDMWorld(t, db)
		w.share(t, w.teacher, w.stranger)
		w.send(t, w.teacher, w.stranger, "你好")
		if err := w.svc.Block(w.ctx, w.stranger, "teacher"); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Block(w.ctx, w.stranger, "teacher"); err != nil {
			t.Fatalf("blocking twice: %v", err)
		}
		// The blocked sender gets the same refusal as someone with no community in common.
		_, err := w.svc.SendMessage(w.ctx, w.teacher, "stranger", "在吗")
		wantKey(t, err, apperr.Forbidden, "message.error.cannot_send")
		page, err := w.svc.Conversation(w.ctx, w.teacher, "stranger", 0, 0)
		if err != nil || !page.CanSend || page.Blocking {
			t.Fatalf("the blocked person's page reveals the block: %+v, %v", page, err)
		}
		// The blocker cannot write either, and is told why.
		_, err = w.svc.SendMessage(w.ctx, w.stranger, "teacher", "hi")
		wantKey(t, err, apperr.Forbidden, "message.error.you_block")
		page, err = w.svc.Conversation(w.ctx, w.stranger, "teacher", 0, 0)
		if err != nil || page.CanSend || !page.Blocking || len(page.Messages) != 1 {
			t.Fatalf("the blocker's page = %+v, %v", page, err)
		}
		blocked, err := w.svc.BlockedUsers(w.ctx, w.stranger)
		if err != nil || len(blocked) != 1 || blocked[0].Username != "teacher" {
			t.Fatalf("blocked list = %v, %v", blocked, err)
		}
		if err := w.svc.Unblock(w.ctx, w.stranger, "teacher"); err != nil {
			t.Fatal(err)
		}
		w.send(t, w.teacher, w.stranger, "现在可以了")
		w.send(t, w.stranger, w.teacher, "嗯")
		// A block by the other side works the same way.
		if err := w.svc.Block(w.ctx, w.teacher, "stranger"); err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.SendMessage(w.ctx, w.stranger, "teacher", "?")
		wantKey(t, err, apperr.Forbidden, "message.error.cannot_send")
		// Blocking needs no community and cannot target oneself.
		if err := w.svc.Block(w.ctx, w.colleague, "stranger"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, w.svc.Block(w.ctx, w.teacher, "teacher"), apperr.Invalid)
		wantCode(t, w.svc.Block(w.ctx, w.teacher, "nobody"), apperr.NotFound)
		wantCode(t, w.svc.Block(w.ctx, nil, "teacher"), apperr.Unauthorized)
	})
}

func TestMessagesArePrivate(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newDMWorld(t, db)
		w.share(t, w.teacher, w.stranger, w.colleague)
		secret := "只给你看的悄悄话"
		m := w.send(t, w.teacher, w.stranger, secret)
		// A third member of the same community has no conversation with
		// teacher yet: an empty one of their own, never teacher's.
		page, err := w.svc.Conversation(w.ctx, w.colleague, "teacher", 0, 0)
		if err != nil || page.ID != 0 || len(page.Messages) != 0 {
			t.Fatalf("third person's page = %+v, %v", page, err)
		}
		// Platform admins share no community: Not Found.
		for _, name := range []string{"teacher", "stranger"} {
			_, err = w.svc.Conversation(w.ctx, w.admin, name, 0, 0)
			wantCode(t, err, apperr.NotFound)
		}
		for _, u := range []*account.User{w.colleague, w.admin, w.districtAdm} {
			_, err = w.svc.ReportMessage(w.ctx, u, m.ID, "spam")
			wantCode(t, err, apperr.NotFound)
			if inbox, _, _ := w.svc.Conversations(w.ctx, u, 10, 0); len(inbox) != 0 {
				t.Fatalf("%s's inbox shows %d conversations", u.Username, len(inbox))
			}
		}
		// The event log records that a message was sent, never what it said.
		evs, err := db.R().Events(w.ctx, store.EventFilter{ActorID: w.teacher.ID, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		sent := 0
		for _, e := range evs {
			if e.Verb == message.VerbSent {
				sent++
				if e.ObjectID != m.ID || e.SpaceID != 0 || strings.Contains(e.Context, secret) {
					t.Fatalf("sent event = %+v", e)
				}
			}
		}
		if sent != 1 {
			t.Fatalf("%d sent events, want 1", sent)
		}
		// Moderators see nothing until a participant reports.
		reports, total, err := w.svc.MessageReports(w.ctx, w.admin, "", 50, 0)
		if err != nil || total != 0 || len(reports) != 0 {
			t.Fatalf("reports before any = %v %d %v", reports, total, err)
		}
	})
}

func TestReportAndModeration(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newDMWorld(t, db)
		w.share(t, w.teacher, w.stranger)
		bad := w.send(t, w.teacher, w.stranger, "推销：买我的教辅")
		own := w.send(t, w.stranger, w.teacher, "请不要发广告")

		_, err := w.svc.ReportMessage(w.ctx, w.stranger, own.ID, "spam")
		wantCode(t, err, apperr.Invalid)
		_, err = w.svc.ReportMessage(w.ctx, w.stranger, bad.ID, "because")
		wantCode(t, err, apperr.Invalid)
		_, err = w.svc.ReportMessage(w.ctx, w.stranger, 999999, "spam")
		wantCode(t, err, apperr.NotFound)
		r, err := w.svc.ReportMessage(w.ctx, w.stranger, bad.ID, "spam")
		if err != nil || r.ID == 0 || r.Status != message.ReportOpen {
			t.Fatalf("report = %+v, %v", r, err)
		}
		_, err = w.svc.ReportMessage(w.ctx, w.stranger, bad.ID, "harassment")
		wantCode(t, err, apperr.Conflict)

		// Only platform admins see the queue, and only the reported message.
		for _, u := range []*account.User{w.teacher, w.stranger, w.districtAdm, w.schoolAdm} {
			_, _, err := w.svc.MessageReports(w.ctx, u, message.ReportOpen, 50, 0)
			wantCode(t, err, apperr.Forbidden)
		}
		_, _, err = w.svc.MessageReports(w.ctx, nil, message.ReportOpen, 50, 0)
		wantCode(t, err, apperr.Unauthorized)
		reports, total, err := w.svc.MessageReports(w.ctx, w.admin, message.ReportOpen, 50, 0)
		if err != nil || total != 1 || len(reports) != 1 {
			t.Fatalf("queue = %v %d %v", reports, total, err)
		}
		got := reports[0]
		if got.Message.ID != bad.ID || got.Message.Body != bad.Body || got.Sender.Username != "teacher" ||
			got.Reporter.Username != "stranger" || got.Reason != "spam" {
			t.Fatalf("queued report = %+v, message %+v", got, got.Message)
		}

		// Dismissing keeps the message; hiding hides it from both participants.
		wantCode(t, w.svc.ResolveMessageReport(w.ctx, w.districtAdm, r.ID, true), apperr.Forbidden)
		if err := w.svc.ResolveMessageReport(w.ctx, w.admin, r.ID, false); err != nil {
			t.Fatal(err)
		}
		wantCode(t, w.svc.ResolveMessageReport(w.ctx, w.admin, r.ID, true), apperr.Conflict)
		r2, err := w.svc.ReportMessage(w.ctx, w.stranger, bad.ID, "harassment")
		if err != nil {
			t.Fatalf("reporting again after a dismissal: %v", err)
		}
		if err := w.svc.ResolveMessageReport(w.ctx, w.admin, r2.ID, true); err != nil {
			t.Fatal(err)
		}
		for _, u := range []*account.User{w.teacher, w.stranger} {
			other := map[string]string{"teacher": "stranger", "stranger": "teacher"}[u.Username]
			page, err := w.svc.Conversation(w.ctx, u, other, 0, 0)
			if err != nil || len(page.Messages) != 2 || !page.Messages[0].Hidden || page.Messages[1].Hidden {
				t.Fatalf("%s's page after hiding = %+v, %v", u.Username, page, err)
			}
		}
		hidden, _, _ := w.svc.MessageReports(w.ctx, w.admin, message.ReportHidden, 50, 0)
		dismissed, _, _ := w.svc.MessageReports(w.ctx, w.admin, message.ReportDismissed, 50, 0)
		all, _, _ := w.svc.MessageReports(w.ctx, w.admin, "", 50, 0)
		if len(hidden) != 1 || len(dismissed) != 1 || len(all) != 2 {
			t.Fatalf("hidden %d, dismissed %d, all %d", len(hidden), len(dismissed), len(all))
		}
		// A hidden message no longer counts as unread.
		hiddenToo := w.send(t, w.teacher, w.stranger, "再发一次广告")
		if n := w.unread(t, w.stranger); n != 1 {
			t.Fatalf("unread = %d, want 1", n)
		}
		r3, _ := w.svc.ReportMessage(w.ctx, w.stranger, hiddenToo.ID, "spam")
		if err := w.svc.ResolveMessageReport(w.ctx, w.admin, r3.ID, true); err != nil {
			t.Fatal(err)
		}
		if n := w.unread(t, w.stranger); n != 0 {
			t.Fatalf("unread after hiding = %d, want 0", n)
		}
		// Each step left an event.
		evs, _ := db.R().Events(w.ctx, store.EventFilter{ActorID: w.stranger.ID, Limit: 50})
		reported := 0
		for _, e := range evs {
			if e.Verb == message.VerbReported && e.ObjectType == message.ObjMessage {
				reported++
			}
		}
		if reported != 3 {
			t.Fatalf("%d reported events, want 3", reported)
		}
	})
}

func TestMessageRateLimit(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newDMWorld(t, db)
		w.share(t, w.teacher, w.stranger, w.colleague)
		for i := range message.MaxPerMinute {
			to := []*account.User{w.stranger, w.colleague}[i%2]
			w.send(t, w.teacher, to, fmt.Sprint("第", i, "条"))
		}
		_, err := w.svc.SendMessage(w.ctx, w.teacher, "stranger", "one too many")
		wantCode(t, err, apperr.RateLimited)
		*w.now = w.now.Add(61 * time.Second)
		w.send(t, w.teacher, w.stranger, "a minute later")
	})
}
