package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/message"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestFirstMessagesRace has two people write their first messages to each
// other at the same time, many times over: they must end up in one
// conversation, with every message kept and the newest recorded.
func TestFirstMessagesRace(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var a, b account.User
		err := db.Tx(ctx, func(q *store.Q) error {
			for i, u := range []*account.User{&a, &b} {
				*u = account.User{Username: fmt.Sprint("writer", i), Role: account.Teacher, CreatedAt: t0}
				if err := q.CreateUser(ctx, u, "hash"); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		const n = 16
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				from, to := a.ID, b.ID
				if i%2 == 1 {
					from, to = to, from
				}
				errs <- db.Tx(ctx, func(q *store.Q) error {
					id, err := q.EnsureConversation(ctx, from, to, t0)
					if err != nil {
						return err
					}
					return q.AddMessage(ctx, &message.Message{ConversationID: id, SenderID: from, Body: "x", BodyHTML: "<p>x</p>", CreatedAt: t0})
				})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		id, err := db.R().ConversationOf(ctx, b.ID, a.ID)
		if err != nil || id == 0 {
			t.Fatalf("ConversationOf = %d, %v", id, err)
		}
		msgs, err := db.R().Messages(ctx, id, 0, 100)
		if err != nil || len(msgs) != n {
			t.Fatalf("%d messages, %v; want %d", len(msgs), err, n)
		}
		var conversations int
		if err := db.R().QueryRowForTest(ctx, `SELECT count(*) FROM conversations`).Scan(&conversations); err != nil || conversations != 1 {
			t.Fatalf("%d conversations, %v; want 1", conversations, err)
		}
		inbox, total, err := db.R().Conversations(ctx, a.ID, 10, 0)
		if err != nil || total != 1 || len(inbox) != 1 || inbox[0].Other.ID != b.ID {
			t.Fatalf("inbox = %v, %d, %v", inbox, total, err)
		}
		// The newest message is the one with the highest ID, and b has
		// not read the eight that a sent.
		if unread, err := db.R().UnreadMessages(ctx, b.ID); err != nil || unread != n/2 {
			t.Fatalf("b's unread = %d, %v; want %d", unread, err, n/2)
		}
		var last int64
		if err := db.R().QueryRowForTest(ctx, `SELECT last_message_id FROM conversations WHERE id = $1`, id).Scan(&last); err != nil || last != msgs[0].ID {
			t.Fatalf("last_message_id = %d, %v; want %d", last, err, msgs[0].ID)
		}
	})
}
