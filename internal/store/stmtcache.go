package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache runs queries through prepared statements kept per SQL text.
// Profiles of the page benchmarks showed a quarter to a third of the
// server's CPU going into parsing and planning the same few dozen queries
// again on every request; database/sql prepares a cached *sql.Stmt once per
// pooled connection and reuses it. On SQLite, transactions use the
// writer's cache too (see txQuerier).
type stmtCache struct {
	db    *sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
	// wanted are texts a transaction ran unprepared, to prepare once the
	// transaction has given the connection back.
	wanted map[string]bool
}

// maxCachedStatements bounds the cache: queries are written in the code, but
// a few are assembled from filters, so the set of texts is finite yet not
// tiny. Past the bound, queries simply run unprepared.
const maxCachedStatements = 2000

// maxCachedQuery bounds the length of a cached text: longer ones are lists
// assembled for one call (such as IDs written as literals), which would
// only fill the cache with statements never run again.
const maxCachedQuery = 4096

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}} }

func (c *stmtCache) stmt(ctx context.Context, query string) *sql.Stmt {
	c.mu.RLock()
	st, n := c.stmts[query], len(c.stmts)
	c.mu.RUnlock()
	if st != nil {
		return st
	}
	if n >= maxCachedStatements || len(query) > maxCachedQuery {
		return nil
	}
	// Prepare without holding the lock: on SQLite preparing needs the
	// writer's one connection, which a transaction may hold while it looks
	// statements up here.
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // let the unprepared call report the error
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.stmts[query]; old != nil {
		st.Close() // prepared meanwhile by another caller
		return old
	}
	c.stmts[query] = st
	return st
}

func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := c.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return c.db.ExecContext(ctx, query, args...)
}

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.db.QueryContext(ctx, query, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts = map[string]*sql.Stmt{}
}

// maxWanted bounds the texts waiting to be prepared after a transaction.
const maxWanted = 64

// lookup returns the prepared statement for query, if there is one; on a
// miss it notes the text for prepareWanted.
func (c *stmtCache) lookup(query string) *sql.Stmt {
	c.mu.RLock()
	st := c.stmts[query]
	c.mu.RUnlock()
	if st == nil {
		c.mu.Lock()
		if len(c.wanted) < maxWanted && len(c.stmts) < maxCachedStatements && len(query) <= maxCachedQuery {
			if c.wanted == nil {
				c.wanted = map[string]bool{}
			}
			c.wanted[query] = true
		}
		c.mu.Unlock()
	}
	return st
}

// prepareWanted prepares what transactions missed. It must run with no
// transaction open on this goroutine: on SQLite the writer pool is one
// connection, and preparing needs it.
func (c *stmtCache) prepareWanted(ctx context.Context) {
	c.mu.Lock()
	wanted := c.wanted
	c.wanted = nil
	c.mu.Unlock()
	for query := range wanted {
		c.stmt(ctx, query)
	}
}

// txQuerier runs a SQLite transaction's statements through the writer's
// statement cache. The writer pool is a single connection, so a statement
// the cache prepared once is already prepared on the transaction's
// connection, and Tx.StmtContext reuses it instead of parsing and planning
// the SQL again: profiles of the reply writers and questionnaire
// submissions showed that parsing as a large share of a write's CPU.
// Statements a transaction meets for the first time run unprepared and are
// prepared after it ends, when the connection is free.
type txQuerier struct {
	tx    *sql.Tx
	cache *stmtCache
}

func (t txQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.cache.lookup(query); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

func (t txQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.cache.lookup(query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

func (t txQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.cache.lookup(query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

// PrepareContext prepares a statement for the rest of the transaction
// (bulk writers prepare their multi-row INSERT once).
func (t txQuerier) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return t.tx.PrepareContext(ctx, query)
}

// oneOff returns the querier for statements assembled for one call (such
// as lists of IDs written as literals): they bypass the statement cache,
// which they would fill with statements never run again.
func (q *Q) oneOff() querier {
	qq := unwrap(q.q)
	switch c := qq.(type) {
	case *stmtCache:
		return c.db
	case txQuerier:
		return c.tx
	}
	return qq
}
