package service

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/sync/singleflight"

	"github.com/yanxiu/yanxiu/internal/store"
)

// readCache keeps the parts of the busiest pages that every visitor sees
// alike (an institution's members and sub-units, a community's record,
// members, themes and briefings, a topic and its pages of replies, the
// communities of a subtree or a person, a personal space's owner):
// profiles of those pages under load put half of their CPU into reading
// them again for every request, while most change a few times a day.
//
// A value is filed with the store's stamp of the tables it was read from
// (store.DB.Stamp) and served only while that stamp holds, so a write of
// this process shows on the very next page. Writes of other processes (a
// `yanxiu` command run beside the server, another server on the same
// PostgreSQL) do not move the stamp; readMaxAge bounds how long they can go
// unseen. Each value's age limit is drawn between half and all of it, so
// that values read together at start do not all expire in the same
// instant, and requests that miss the same key at once share one read.
//
// Cached values are shared by every request that reads them: callers must
// treat them as read-only and copy before changing anything.
type readCache struct {
	db      *store.DB
	lru     *lru.Cache[any, stampedValue]
	loading singleflight.Group
	reads   atomic.Uint64
	// mu orders the additions, so that bytes counts what the LRU holds.
	mu    sync.Mutex
	bytes atomic.Int64
}

type stampedValue struct {
	stamp   uint64
	expires time.Time
	size    int
	v       any
}

// readCacheEntries and readCacheBytes bound the cache. Entries range from
// a community's record (a few hundred bytes) to a page of fifty replies
// (tens of KB), so the bytes bound is the one that holds: the cache is
// live heap, within the server's memory budget (GOMEMLIMIT, cmd/yanxiu).
const (
	readCacheEntries = 4096
	readCacheBytes   = 8 << 20
)

// readMaxAge is how stale a value may be when another process wrote it.
const readMaxAge = 10 * time.Second

func newReadCache(db *store.DB) *readCache {
	rc := &readCache{db: db}
	c, err := lru.NewWithEvict(readCacheEntries, func(_ any, e stampedValue) { rc.bytes.Add(-int64(e.size)) })
	if err != nil {
		panic(err) // only for a size below one
	}
	rc.lru = c
	return rc
}

// add files a value, evicting the least recently used ones past the bytes
// bound.
func (c *readCache) add(key any, e stampedValue) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Remove(key) // a replaced value would leave the count without its eviction
	c.bytes.Add(int64(e.size))
	c.lru.Add(key, e)
	for c.bytes.Load() > readCacheBytes {
		if _, _, ok := c.lru.RemoveOldest(); !ok {
			break
		}
	}
}

// cachedRead returns the value under key if none of tables has been written
// since it was read, and otherwise loads it again. key must be comparable
// and name every input of load; tables must list every table load reads.
func cachedRead[T any](ctx context.Context, c *readCache, key any, tables []string, load func(context.Context) (T, error)) (T, error) {
	stamp := c.db.Stamp(tables...)
	if e, ok := c.lru.Get(key); ok && e.stamp == stamp && time.Now().Before(e.expires) {
		return e.v.(T), nil
	}
	// One read for everyone who missed at once, on a context that the
	// first of them going away does not cancel.
	v, err, _ := c.loading.Do(fmt.Sprintf("%T%v/%d", key, key, stamp), func() (any, error) {
		v, err := load(context.WithoutCancel(ctx))
		if err == nil {
			age := readMaxAge/2 + rand.N(readMaxAge/2)
			c.add(key, stampedValue{stamp: stamp, expires: time.Now().Add(age), size: sizeOf(v), v: v})
		}
		return v, err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return v.(T), nil
}

// readID numbers a read made for the cache. A value that carries the number
// of its read lets the pages cache what they render of it: a new read of
// the same data gets a new number, so HTML made of an older one is never
// shown for it.
func (c *readCache) readID() uint64 { return c.reads.Add(1) }

// sizeOf estimates the bytes a cached value holds, for the bytes bound:
// a fixed share per record plus its longer texts.
func sizeOf(v any) int {
	const record = 512
	switch v := v.(type) {
	case sharedReplies:
		n := 0
		for _, r := range v.replies {
			n += record + len(r.BodyHTML) + len(r.QuoteExcerpt)
		}
		return n
	case sharedTopic:
		return record + len(v.t.Body) + len(v.t.BodyHTML)
	case *CommunityHome:
		n := record * (1 + len(v.Members) + len(v.Themes) + len(v.Briefings))
		for _, m := range v.Members {
			n += len(m.User.Bio)
		}
		return n
	case *InstitutionPage:
		n := record * (1 + len(v.Ancestors) + len(v.Children) + len(v.Members) + len(v.Announcements))
		for _, a := range v.Announcements {
			n += len(a.BodyHTML)
		}
		for _, m := range v.Members {
			n += len(m.User.Bio)
		}
		return n
	case []store.CommunityRef:
		return 64 * (1 + len(v))
	case *spaceOwner:
		return 3*record + len(v.user.Bio)
	}
	return record
}
