package service

import (
	"context"
	"sync"

	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
)

// spaceCache keeps institution paths and levels in memory: every permission
// check walks the institution tree, the tree is small (a district has a few
// thousand nodes) and paths never change once written, so caching them
// removes a query from nearly every request.
type spaceCache struct {
	db *store.DB
	mu sync.RWMutex
	m  map[int64]spaceRef
}

type spaceRef struct {
	Path  string
	Level space.Level
	Kind  space.Kind
}

func newSpaceCache(db *store.DB) *spaceCache { return &spaceCache{db: db, m: map[int64]spaceRef{}} }

func (c *spaceCache) get(ctx context.Context, id int64) (spaceRef, error) {
	c.mu.RLock()
	r, ok := c.m[id]
	c.mu.RUnlock()
	if ok {
		return r, nil
	}
	sp, err := c.db.R().SpaceByID(ctx, id)
	if err != nil {
		return spaceRef{}, err
	}
	r = spaceRef{Path: sp.Path, Level: sp.Level, Kind: sp.Kind}
	c.mu.Lock()
	if len(c.m) > 100_000 {
		c.m = map[int64]spaceRef{}
	}
	c.m[id] = r
	c.mu.Unlock()
	return r, nil
}
