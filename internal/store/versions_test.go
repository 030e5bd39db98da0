package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestStamps checks what moves a table's stamp: a committed transaction
// that writes it (and nothing else), a single statement on the writer, a
// DELETE for the tables its foreign keys cascade to, and any statement the
// store cannot read as a write to one table; a rolled-back transaction
// moves nothing.
func TestStamps(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// moved runs fn and checks that the stamps of moving moved and
		// those of still did not.
		moved := func(what string, moving, still []string, fn func()) {
			t.Helper()
			before := map[string]uint64{}
			for _, tb := range append(moving, still...) {
				before[tb] = db.Stamp(tb)
			}
			fn()
			for _, tb := range moving {
				if db.Stamp(tb) == before[tb] {
					t.Errorf("%s: stamp of %s did not move", what, tb)
				}
			}
			for _, tb := range still {
				if db.Stamp(tb) != before[tb] {
					t.Errorf("%s: stamp of %s moved", what, tb)
				}
			}
		}
		now := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
		sp := &space.Space{Kind: space.Institution, Level: space.School, Name: "一中", Visibility: space.Public, CreatedAt: now}
		moved("insert", []string{"spaces"}, []string{"events", "space_members"}, func() {
			if err := db.Tx(ctx, func(q *store.Q) error { return q.CreateSpace(ctx, sp, "/") }); err != nil {
				t.Fatal(err)
			}
		})
		moved("rollback", nil, []string{"spaces"}, func() {
			failed := errors.New("stop")
			err := db.Tx(ctx, func(q *store.Q) error {
				if err := q.CreateSpace(ctx, &space.Space{Kind: space.Institution, Level: space.School, Name: "二中",
					Visibility: space.Public, CreatedAt: now}, "/"); err != nil {
					return err
				}
				return failed
			})
			if !errors.Is(err, failed) {
				t.Fatal(err)
			}
		})
		u := &account.User{Username: "li", Role: account.Teacher, CreatedAt: now}
		if err := db.Tx(ctx, func(q *store.Q) error { return q.CreateUser(ctx, u, "x") }); err != nil {
			t.Fatal(err)
		}
		// Adding a member also counts it on the space.
		moved("member", []string{"space_members", "spaces"}, []string{"users"}, func() {
			if err := db.Tx(ctx, func(q *store.Q) error { return q.AddMember(ctx, sp.ID, u.ID, space.RoleMember, "li", 1) }); err != nil {
				t.Fatal(err)
			}
		})
		moved("single statement", []string{"users"}, []string{"spaces"}, func() {
			if err := db.W().ExecForTest(ctx, `UPDATE users SET display_name = 'Li' WHERE id = $1`, u.ID); err != nil {
				t.Fatal(err)
			}
		})
		// Deleting the space deletes its members through ON DELETE CASCADE.
		moved("cascade", []string{"spaces", "space_members"}, []string{"users"}, func() {
			if err := db.Tx(ctx, func(q *store.Q) error {
				return q.ExecForTest(ctx, `DELETE FROM spaces WHERE id = $1`, sp.ID)
			}); err != nil {
				t.Fatal(err)
			}
		})
		moved("all", []string{"spaces", "users", "events"}, nil, func() {
			if err := db.Tx(ctx, func(q *store.Q) error {
				return q.ExecForTest(ctx, `CREATE TABLE scratch (a INTEGER)`)
			}); err != nil {
				t.Fatal(err)
			}
		})
	})
}
