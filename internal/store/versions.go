package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

// Table versions let the layers above cache what they read and still never
// show stale data after a write of this process: every table has a counter
// that the store increments once a write to it has committed, and
// DB.Stamp sums the counters of the tables a cached value was read from.
// A value cached under a stamp is current as long as the stamp has not
// moved. Counters only grow, so the sum moves whenever any of them does.
//
// The counters are bumped after the commit, never before: a reader that
// takes the stamp before a commit and reads the new data caches it under
// the old stamp, which the bump then retires (one wasted read); the other
// order could file old data under the new stamp. Writes are recognised by
// their SQL (INSERT, UPDATE, DELETE, REPLACE and the table they name); a
// DELETE also bumps the tables its foreign keys cascade to, read from the
// schema after migrating; anything else that may write (DDL, a WITH
// statement) bumps every table. Writes by another process (a `yanxiu`
// command beside the server, a second server on PostgreSQL) are not seen:
// callers bound how long they trust a cached value.
type versions struct {
	all      atomic.Uint64 // bumped by writes to unknown tables
	mu       sync.RWMutex
	tables   map[string]*atomic.Uint64
	parsed   sync.Map // SQL text → writeTarget
	nparsed  atomic.Int32
	cascades atomic.Pointer[map[string][]string]
}

func newVersions() *versions { return &versions{tables: map[string]*atomic.Uint64{}} }

func (v *versions) counter(table string) *atomic.Uint64 {
	v.mu.RLock()
	c := v.tables[table]
	v.mu.RUnlock()
	if c != nil {
		return c
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if c = v.tables[table]; c == nil {
		c = new(atomic.Uint64)
		v.tables[table] = c
	}
	return c
}

// Stamp returns the version of what is read from tables: it changes after
// any committed write of this process to one of them.
func (db *DB) Stamp(tables ...string) uint64 {
	s := db.versions.all.Load()
	for _, t := range tables {
		s += db.versions.counter(t).Load()
	}
	return s
}

// bump retires what was read from the written tables.
func (v *versions) bump(w writeTarget) {
	switch {
	case w.table == "":
		return
	case w.table == "*":
		v.all.Add(1)
		return
	}
	v.counter(w.table).Add(1)
	if !w.del {
		return
	}
	cascades := v.cascades.Load()
	if cascades == nil {
		v.all.Add(1) // the schema is not known yet
		return
	}
	for _, t := range (*cascades)[w.table] {
		v.counter(t).Add(1)
	}
}

// writeTarget is the table a statement writes ("" for none, "*" for any),
// and whether it deletes.
type writeTarget struct {
	table string
	del   bool
}

// target classifies a statement, remembering the answer per SQL text.
func (v *versions) target(query string) writeTarget {
	if w, ok := v.parsed.Load(query); ok {
		return w.(writeTarget)
	}
	w := parseWrite(query)
	// Texts are written in the code, but a few are assembled per call
	// (lists of IDs): past a bound they are parsed each time instead.
	if len(query) <= maxCachedQuery && v.nparsed.Load() < maxCachedStatements {
		v.nparsed.Add(1)
		v.parsed.Store(query, w)
	}
	return w
}

// parseWrite names the table a statement writes, from its leading words.
func parseWrite(query string) writeTarget {
	words := strings.Fields(strings.ToLower(strings.TrimSpace(query)))
	if len(words) == 0 {
		return writeTarget{}
	}
	// next returns the word after position i, skipping "or <conflict>".
	at := func(i int) string {
		if i < len(words) {
			return words[i]
		}
		return ""
	}
	i := 1
	switch words[0] {
	case "select", "pragma", "analyze", "explain", "values", "savepoint", "release", "begin", "commit", "rollback", "set", "show":
		return writeTarget{}
	case "insert", "update":
		if at(1) == "or" {
			i = 3
		}
		if words[0] == "insert" {
			if at(i) != "into" {
				return writeTarget{table: "*"}
			}
			i++
		}
	case "replace":
		if at(1) != "into" {
			return writeTarget{table: "*"}
		}
		i = 2
	case "delete":
		if at(1) != "from" {
			return writeTarget{table: "*"}
		}
		i = 2
	default:
		return writeTarget{table: "*"}
	}
	name := at(i)
	if cut := strings.IndexAny(name, "(,"); cut >= 0 {
		name = name[:cut]
	}
	name = strings.Trim(name, `"`+"`[]")
	if name == "" {
		return writeTarget{table: "*"}
	}
	return writeTarget{table: name, del: words[0] == "delete"}
}

// loadCascades reads which tables a DELETE reaches through foreign keys
// with ON DELETE CASCADE, SET NULL or SET DEFAULT, transitively.
func (db *DB) loadCascades(ctx context.Context) error {
	q := `SELECT m.name, f."table", f.on_delete FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'`
	if db.Dialect == Postgres {
		q = `SELECT conrelid::regclass::text, confrelid::regclass::text,
			CASE confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END
			FROM pg_constraint WHERE contype = 'f'`
	}
	rows, err := db.read.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("read foreign keys: %w", err)
	}
	defer rows.Close()
	direct := map[string][]string{}
	for rows.Next() {
		var child, parent, action string
		if err := rows.Scan(&child, &parent, &action); err != nil {
			return fmt.Errorf("read foreign keys: %w", err)
		}
		if action = strings.ToUpper(action); action == "CASCADE" || strings.HasPrefix(action, "SET ") {
			direct[strings.ToLower(parent)] = append(direct[strings.ToLower(parent)], strings.ToLower(child))
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read foreign keys: %w", err)
	}
	closure := map[string][]string{}
	for parent := range direct {
		seen := map[string]bool{parent: true}
		todo := []string{parent}
		for len(todo) > 0 {
			t := todo[len(todo)-1]
			todo = todo[:len(todo)-1]
			for _, c := range direct[t] {
				if !seen[c] {
					seen[c] = true
					closure[parent] = append(closure[parent], c)
					todo = append(todo, c)
				}
			}
		}
	}
	db.versions.cascades.Store(&closure)
	return nil
}

// recorder runs a writer's statements and notes the tables they write:
// in a transaction into touched, bumped after the commit; outside one
// (touched nil) bumped as each statement returns, which for Exec is after
// its autocommit. A Query or QueryRow that writes (INSERT … RETURNING)
// returns before its statement has finished, so it is bumped both before
// and as it returns; the rare reader that lands in between is bounded by
// the caller's trust in cached values.
type recorder struct {
	querier
	v       *versions
	touched map[writeTarget]bool
}

func (r recorder) note(query string) writeTarget {
	w := r.v.target(query)
	if w.table != "" && r.touched != nil {
		r.touched[w] = true
	}
	return w
}

func (r recorder) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	w := r.note(query)
	res, err := r.querier.ExecContext(ctx, query, args...)
	if r.touched == nil {
		r.v.bump(w)
	}
	return res, err
}

func (r recorder) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	w := r.note(query)
	if r.touched == nil {
		r.v.bump(w)
		defer r.v.bump(w)
	}
	return r.querier.QueryContext(ctx, query, args...)
}

func (r recorder) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	w := r.note(query)
	if r.touched == nil {
		r.v.bump(w)
		defer r.v.bump(w)
	}
	return r.querier.QueryRowContext(ctx, query, args...)
}

// wrote notes a write that bypassed the recorder (a bulk writer's
// prepared statement), once it has run.
func (r recorder) wrote(table string) {
	w := writeTarget{table: table}
	if r.touched != nil {
		r.touched[w] = true
		return
	}
	r.v.bump(w)
}

// unwrap returns the querier under a recorder.
func unwrap(q querier) querier {
	if r, ok := q.(recorder); ok {
		return r.querier
	}
	return q
}
