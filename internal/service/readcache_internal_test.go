package service

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestCachedRead checks the read cache's contract: a value is served again
// until a table it was read from is written or its age runs out, errors
// are not kept, and callers that miss together share one read.
func TestCachedRead(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newReadCache(db)
		var loads atomic.Int32
		load := func(context.Context) (int32, error) { return loads.Add(1), nil }
		get := func(key string) int32 {
			t.Helper()
			v, err := cachedRead(ctx, c, key, []string{"spaces"}, load)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		if a, b := get("a"), get("a"); a != 1 || b != 1 {
			t.Fatalf("second read loaded again: %d %d", a, b)
		}
		if get("b") != 2 {
			t.Fatal("another key shared a value")
		}
		// A write to another table keeps the value; one to spaces retires it.
		now := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
		if err := db.Tx(ctx, func(q *store.Q) error {
			return q.CreateUser(ctx, &account.User{Username: "li", Role: account.Teacher, CreatedAt: now}, "x")
		}); err != nil {
			t.Fatal(err)
		}
		if get("a") != 1 {
			t.Fatal("a write to users retired a value read from spaces")
		}
		if err := db.Tx(ctx, func(q *store.Q) error {
			return q.CreateSpace(ctx, &space.Space{Kind: space.Institution, Level: space.School, Name: "一中",
				Visibility: space.Public, CreatedAt: now}, "/")
		}); err != nil {
			t.Fatal(err)
		}
		if get("a") != 3 {
			t.Fatal("a write to spaces kept the value")
		}
		// Past its age (another process may have written), it is read again.
		e, _ := c.lru.Get("a")
		e.expires = time.Now().Add(-time.Millisecond)
		c.lru.Add("a", e)
		if get("a") != 4 {
			t.Fatal("an expired value was served")
		}
		// Failures are not cached.
		failed := errors.New("boom")
		if _, err := cachedRead(ctx, c, "c", nil, func(context.Context) (int, error) { return 0, failed }); !errors.Is(err, failed) {
			t.Fatalf("error = %v", err)
		}
		if _, ok := c.lru.Get("c"); ok {
			t.Fatal("a failed read was cached")
		}
		// Concurrent misses of one key share one read.
		release := make(chan struct{})
		var slow atomic.Int32
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				v, err := cachedRead(ctx, c, "d", nil, func(context.Context) (int, error) {
					slow.Add(1)
					<-release
					return 7, nil
				})
				if err != nil || v != 7 {
					t.Errorf("shared read: %d %v", v, err)
				}
			})
		}
		time.Sleep(50 * time.Millisecond)
		close(release)
		wg.Wait()
		if n := slow.Load(); n != 1 {
			t.Fatalf("%d reads for 8 callers that missed together", n)
		}
	})
}

// TestReadCacheBytes checks the bytes bound: values past it evict the
// least recently used ones, and replacing a value keeps the count right.
func TestReadCacheBytes(t *testing.T) {
	db, _ := testkit.Engines()[0].Open(t)
	ctx := context.Background()
	c := newReadCache(db)
	body := strings.Repeat("x", 100_000)
	page := func(context.Context) (sharedReplies, error) {
		return sharedReplies{replies: []*discussion.Reply{{BodyHTML: body}}}, nil
	}
	for i := range 200 { // 20 MB offered, 8 MB allowed
		if _, err := cachedRead(ctx, c, i, []string{"replies"}, page); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.bytes.Load(); n > readCacheBytes || n < readCacheBytes/2 {
		t.Fatalf("cache holds %d bytes, bound %d", n, readCacheBytes)
	}
	if _, ok := c.lru.Peek(0); ok {
		t.Fatal("the oldest value survived past the bound")
	}
	if _, ok := c.lru.Peek(199); !ok {
		t.Fatal("the newest value was evicted")
	}
	// Filing a key again (after a write) replaces its value and its size.
	held := c.bytes.Load()
	e, _ := c.lru.Peek(199)
	c.add(199, e)
	if c.bytes.Load() != held {
		t.Fatalf("replacing a value moved the count from %d to %d", held, c.bytes.Load())
	}
}

// TestArgonSlots checks that password hashing waits for a slot, and gives
// up with the request's context.
func TestArgonSlots(t *testing.T) {
	db, _ := testkit.Engines()[0].Open(t)
	s := New(Options{DB: db, Argon2: account.FastArgon2})
	for range cap(s.argonSlots) {
		s.argonSlots <- struct{}{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := s.hashPassword(ctx, "long-enough-1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("hashing with every slot taken: %v", err)
	}
	for range cap(s.argonSlots) {
		<-s.argonSlots
	}
	h, err := s.hashPassword(context.Background(), "long-enough-1")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := s.checkPassword(context.Background(), "long-enough-1", h); !ok || err != nil {
		t.Fatalf("check: %v %v", ok, err)
	}
	if len(s.argonSlots) != 0 {
		t.Fatal("a slot was not given back")
	}
}
