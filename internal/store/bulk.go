package store

// Bulk loading: multi-row INSERTs for seeding a large demo district (100,000
// people, a million events) in well under two minutes. Row-at-a-time inserts cost a
// statement round trip each; here hundreds of rows share one statement, sized
// to stay under each engine's limit on bind parameters. The helpers write
// exactly the rows the one-at-a-time methods write, so pages cannot tell a
// bulk-loaded person from one created through the service.
//
// Callers assign the IDs of rows that other rows point to (reserving them
// with ReserveIDs), which saves reading every generated key back; that is
// only safe while nothing else writes the same tables, as when seeding.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/journal"
	"github.com/yanxiu/yanxiu/internal/space"
)

// maxBulkRows caps the rows of one statement: past a few hundred rows the
// statement only grows without getting faster.
const maxBulkRows = 500

// maxParams is the most bind parameters one statement may carry: SQLite's
// SQLITE_MAX_VARIABLE_NUMBER (32766 since 3.32) and PostgreSQL's protocol limit.
func maxParams(d Dialect) int {
	if d == Postgres {
		return 65535
	}
	return 32766
}

// rowWriter buffers rows of one table and writes them as multi-row INSERTs,
// through one prepared statement for all full batches.
type rowWriter struct {
	q     *Q
	table string
	head  string
	ncols int
	batch int
	args  []any
	n     int
	full  *sql.Stmt
}

func (q *Q) rowWriter(table string, cols ...string) *rowWriter {
	batch := min(maxBulkRows, maxParams(q.dialect)/len(cols))
	// On SQLite, OR ROLLBACK spares every multi-row statement a statement
	// journal (the copy of each page it touches, kept to undo just that
	// statement), which costs a third of the time of loading events. A
	// failing row then rolls back the whole transaction, which is what the
	// bulk loader's caller does anyway on any error.
	insert := "INSERT OR ROLLBACK INTO "
	if q.dialect == Postgres {
		insert = "INSERT INTO "
	}
	return &rowWriter{q: q, table: table, head: insert + table + " (" + strings.Join(cols, ", ") + ") VALUES ",
		ncols: len(cols), batch: batch, args: make([]any, 0, batch*len(cols))}
}

// add buffers one row, writing the buffer when it is full.
func (w *rowWriter) add(ctx context.Context, vals ...any) error {
	if len(vals) != w.ncols {
		return fmt.Errorf("bulk insert: %d values for %d columns", len(vals), w.ncols)
	}
	w.args = append(w.args, vals...)
	w.n++
	if w.n == w.batch {
		return w.flush(ctx)
	}
	return nil
}

// preparer is what *sql.Tx and *sql.DB offer beyond querier.
type preparer interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// flush writes the buffered rows.
func (w *rowWriter) flush(ctx context.Context) error {
	if w.n == 0 {
		return nil
	}
	var err error
	switch p, ok := unwrap(w.q.q).(preparer); {
	case w.n == w.batch && ok:
		if w.full == nil {
			if w.full, err = p.PrepareContext(ctx, w.statement(w.n)); err != nil {
				return fmt.Errorf("prepare %s: %w", strings.TrimSuffix(w.head, " VALUES "), err)
			}
		}
		_, err = w.full.ExecContext(ctx, w.args...)
	default:
		_, err = w.q.q.ExecContext(ctx, w.statement(w.n), w.args...)
	}
	if err != nil {
		return fmt.Errorf("%s (%d rows): %w", strings.TrimSuffix(w.head, " VALUES "), w.n, err)
	}
	if r, ok := w.q.q.(recorder); ok {
		r.wrote(w.table)
	}
	w.args, w.n = w.args[:0], 0
	return nil
}

// close writes what is buffered and releases the prepared statement.
func (w *rowWriter) close(ctx context.Context) error {
	err := w.flush(ctx)
	if w.full != nil {
		if cerr := w.full.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close statement: %w", cerr)
		}
		w.full = nil
	}
	return err
}

// statement writes the INSERT for a number of rows. SQLite gets anonymous
// "?" parameters: it resolves each numbered "$N" by a linear search through
// the names seen so far, which makes a statement of thousands of them
// quadratic to parse.
func (w *rowWriter) statement(rows int) string {
	var b strings.Builder
	b.Grow(len(w.head) + rows*w.ncols*7)
	b.WriteString(w.head)
	p := 1
	for r := range rows {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := range w.ncols {
			if c > 0 {
				b.WriteByte(',')
			}
			if w.q.dialect == Postgres {
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(p))
				p++
			} else {
				b.WriteByte('?')
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}

// idTables are the tables whose IDs ReserveIDs hands out.
var idTables = []string{"spaces", "users", "journal_entries", "journal_comments", "announcements", "events",
	"join_requests", "theme_proposals", "vote_rounds", "boards", "topics", "replies"}

// ReserveIDs sets aside n consecutive IDs of table for rows the caller is
// about to insert with explicit IDs, and returns the first. On PostgreSQL it
// advances the identity sequence past the block so later ordinary inserts do
// not collide; on SQLite, whose next ID is always MAX(id)+1, it only reads
// the maximum, so the rows must be inserted in the same write transaction.
func (q *Q) ReserveIDs(ctx context.Context, table string, n int) (int64, error) {
	if !slices.Contains(idTables, table) {
		return 0, fmt.Errorf("reserve IDs: unknown table %q", table)
	}
	if n <= 0 {
		return 0, fmt.Errorf("reserve %d IDs of %s: need at least one", n, table)
	}
	var first int64
	if q.dialect == Postgres {
		err := q.q.QueryRowContext(ctx, `SELECT GREATEST(nextval(pg_get_serial_sequence($1, 'id')),
			(SELECT COALESCE(MAX(id), 0) + 1 FROM `+table+`))`, table).Scan(&first)
		if err != nil {
			return 0, fmt.Errorf("reserve IDs of %s: %w", table, err)
		}
		if _, err := q.q.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), $2)`,
			table, first+int64(n)-1); err != nil {
			return 0, fmt.Errorf("advance ID sequence of %s: %w", table, err)
		}
		return first, nil
	}
	if err := q.q.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM `+table).Scan(&first); err != nil {
		return 0, fmt.Errorf("reserve IDs of %s: %w", table, err)
	}
	return first, nil
}

// CountUsers counts accounts; seeding refuses a database that has any.
func (q *Q) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// BulkInsertSpaces writes institutions or other spaces whose ID and Path the
// caller has set (IDs from ReserveIDs, parents before children), as
// CreateSpace would. MemberCount is written as given; members added later
// through BulkInsertUsers or BulkAddMembers are counted on top.
func (q *Q) BulkInsertSpaces(ctx context.Context, spaces []*space.Space) error {
	w := q.rowWriter("spaces", "id", "kind", "level", "parent_id", "path", "name", "sort_name", "code",
		"description", "location", "visibility", "modules", "owner_id", "member_count", "created_at", "updated_at")
	for _, s := range spaces {
		if s.ID == 0 || s.Path == "" {
			return fmt.Errorf("bulk insert space %q: ID and path must be set", s.Name)
		}
		s.UpdatedAt = s.CreatedAt
		if err := w.add(ctx, s.ID, s.Kind, s.Level, nullInt(s.ParentID), s.Path, s.Name, SortKey(s.Name), s.Code,
			s.Description, s.Location, s.Visibility, joinModules(s.Modules), nullInt(s.OwnerID), s.MemberCount,
			ms(s.CreatedAt), ms(s.CreatedAt)); err != nil {
			return err
		}
	}
	return w.close(ctx)
}

// BulkInsertUsers writes people exactly as the service's account creation
// does, many at a time: the user row, a personal space they administer, and
// membership of their home institution (as admin for the managing roles),
// whose member count follows. It sets each user's ID and PersonalSpaceID;
// CreatedAt is the creation time of all three rows. Every user gets the same
// password hash, which suits demo accounts sharing one password.
func (q *Q) BulkInsertUsers(ctx context.Context, users []*account.User, passwordHash string) error {
	if len(users) == 0 {
		return nil
	}
	uid, err := q.ReserveIDs(ctx, "users", len(users))
	if err != nil {
		return err
	}
	sid, err := q.ReserveIDs(ctx, "spaces", len(users))
	if err != nil {
		return err
	}
	keys := make(map[string]string, len(users))
	sortKey := func(name string) string {
		k, ok := keys[name]
		if !ok {
			k = SortKey(name)
			keys[name] = k
		}
		return k
	}
	modules := joinModules(space.DefaultModules(space.Personal))
	spaces := q.rowWriter("spaces", "id", "kind", "path", "name", "sort_name", "visibility", "modules",
		"owner_id", "member_count", "created_at", "updated_at")
	for i, u := range users {
		u.ID, u.PersonalSpaceID = uid+int64(i), sid+int64(i)
		u.UpdatedAt = u.CreatedAt
		at := ms(u.CreatedAt)
		if err := spaces.add(ctx, u.PersonalSpaceID, space.Personal, space.ChildPath("", u.PersonalSpaceID), u.Name(),
			sortKey(u.Name()), space.Public, modules, u.ID, 1, at, at); err != nil {
			return err
		}
	}
	if err := spaces.close(ctx); err != nil {
		return err
	}
	rows := q.rowWriter("users", "id", "username", "password_hash", "role", "institution_id", "personal_space_id",
		"display_name", "sort_name", "email", "gender", "subjects", "grade_band", "title", "years_of_teaching",
		"staff_no", "bio", "lang", "disabled", "created_at", "updated_at")
	for _, u := range users {
		at := ms(u.CreatedAt)
		if err := rows.add(ctx, u.ID, u.Username, passwordHash, u.Role, nullInt(u.InstitutionID), u.PersonalSpaceID,
			u.DisplayName, sortKey(u.Name()), u.Email, u.Gender, strings.Join(u.Subjects, ","), u.GradeBand, u.Title,
			yearsArg(u.YearsOfTeaching), nullStr(u.StaffNo), u.Bio, u.Lang, u.Disabled, at, at); err != nil {
			return err
		}
	}
	if err := rows.close(ctx); err != nil {
		return err
	}
	personal := make([]MemberRow, 0, len(users))
	homes := make([]MemberRow, 0, len(users))
	for _, u := range users {
		key := sortKey(u.Name())
		personal = append(personal, MemberRow{SpaceID: u.PersonalSpaceID, UserID: u.ID, Role: space.RoleAdmin,
			SortName: key, JoinedAt: u.CreatedAt})
		if u.InstitutionID != 0 {
			role := space.RoleMember
			if u.Role.ManagesInstitutions() {
				role = space.RoleAdmin
			}
			homes = append(homes, MemberRow{SpaceID: u.InstitutionID, UserID: u.ID, Role: role,
				SortName: key, JoinedAt: u.CreatedAt})
		}
	}
	// Personal spaces were written with their one member already counted.
	if err := q.insertMembers(ctx, personal, false); err != nil {
		return err
	}
	return q.insertMembers(ctx, homes, true)
}

// MemberRow is one membership for BulkAddMembers.
type MemberRow struct {
	SpaceID  int64
	UserID   int64
	Role     space.MemberRole
	SortName string // SortKey of the user's name, as AddMember takes it
	JoinedAt time.Time
}

// BulkAddMembers adds new memberships (one that exists already fails the
// insert) and raises the member counts of their spaces, as AddMember does
// one at a time.
func (q *Q) BulkAddMembers(ctx context.Context, members []MemberRow) error {
	return q.insertMembers(ctx, members, true)
}

func (q *Q) insertMembers(ctx context.Context, members []MemberRow, count bool) error {
	w := q.rowWriter("space_members", "space_id", "user_id", "role", "sort_name", "joined_at")
	added := map[int64]int{}
	for _, m := range members {
		if err := w.add(ctx, m.SpaceID, m.UserID, m.Role, m.SortName, ms(m.JoinedAt)); err != nil {
			return err
		}
		if count {
			added[m.SpaceID]++
		}
	}
	if err := w.close(ctx); err != nil {
		return err
	}
	ids := make([]int64, 0, len(added))
	for id := range added {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if _, err := q.q.ExecContext(ctx, `UPDATE spaces SET member_count = member_count + $1 WHERE id = $2`,
			added[id], id); err != nil {
			return fmt.Errorf("count members of space %d: %w", id, err)
		}
	}
	return nil
}

// BulkInsertEntries writes journal entries whose IDs the caller has set,
// with their CommentCount as given (BulkInsertComments does not raise it).
func (q *Q) BulkInsertEntries(ctx context.Context, entries []*journal.Entry) error {
	w := q.rowWriter("journal_entries", "id", "author_id", "space_id", "title", "body", "body_html", "visibility",
		"status", "comment_count", "published_at", "created_at", "updated_at")
	for _, e := range entries {
		if e.ID == 0 {
			return fmt.Errorf("bulk insert entry %q: ID must be set", e.Title)
		}
		if err := w.add(ctx, e.ID, e.AuthorID, e.SpaceID, e.Title, e.Body, e.BodyHTML, e.Visibility, e.Status,
			e.CommentCount, nullMS(e.PublishedAt), ms(e.CreatedAt), ms(e.UpdatedAt)); err != nil {
			return err
		}
	}
	return w.close(ctx)
}

// BulkInsertComments writes comments whose IDs the caller has set, in ID
// order oldest first as comment lists expect. Their entries' comment counts
// are the caller's to set.
func (q *Q) BulkInsertComments(ctx context.Context, comments []*journal.Comment) error {
	w := q.rowWriter("journal_comments", "id", "entry_id", "author_id", "body", "body_html", "created_at")
	for _, c := range comments {
		if c.ID == 0 {
			return fmt.Errorf("bulk insert comment on entry %d: ID must be set", c.EntryID)
		}
		if err := w.add(ctx, c.ID, c.EntryID, c.AuthorID, c.Body, c.BodyHTML, ms(c.CreatedAt)); err != nil {
			return err
		}
	}
	return w.close(ctx)
}

// FollowRow is one follow for BulkInsertFollows.
type FollowRow struct {
	FollowerID, FolloweeID int64
	At                     time.Time
}

// BulkInsertFollows writes follows; the pairs must be new and distinct.
func (q *Q) BulkInsertFollows(ctx context.Context, follows []FollowRow) error {
	w := q.rowWriter("follows", "follower_id", "followee_id", "created_at")
	for _, f := range follows {
		if err := w.add(ctx, f.FollowerID, f.FolloweeID, ms(f.At)); err != nil {
			return err
		}
	}
	return w.close(ctx)
}

// BulkInsertAnnouncements writes announcements whose IDs the caller has set.
func (q *Q) BulkInsertAnnouncements(ctx context.Context, as []*Announcement) error {
	w := q.rowWriter("announcements", "id", "space_id", "author_id", "title", "body", "body_html", "created_at", "updated_at")
	for _, a := range as {
		if a.ID == 0 {
			return fmt.Errorf("bulk insert announcement %q: ID must be set", a.Title)
		}
		if err := w.add(ctx, a.ID, a.SpaceID, a.AuthorID, a.Title, a.Body, a.BodyHTML, ms(a.CreatedAt), ms(a.CreatedAt)); err != nil {
			return err
		}
	}
	return w.close(ctx)
}

// BulkAppendEvents appends events in the order given, which must be the
// order of their times: the log's IDs grow with time, and readers page by
// ID. IDs are assigned by the database and not reported back.
func (q *Q) BulkAppendEvents(ctx context.Context, evs []event.Event) error {
	w := q.rowWriter("events", "at", "actor_id", "verb", "object_type", "object_id", "space_id", "institution_id", "context")
	for i := range evs {
		e := &evs[i]
		c := e.Context
		if c == "" {
			c = "{}"
		}
		if len(c) > event.MaxContext {
			return fmt.Errorf("event context of %d bytes exceeds %d", len(c), event.MaxContext)
		}
		if err := w.add(ctx, ms(e.At), e.ActorID, e.Verb, e.ObjectType, e.ObjectID, e.SpaceID, e.InstitutionID, c); err != nil {
			return err
		}
	}
	return w.close(ctx)
}

// DropIndexes drops the secondary indexes of tables about to be bulk
// loaded and returns a function that creates them again; call it before the
// transaction commits. Building an index once from the loaded rows (a sort)
// is several times faster than updating it for every row inserted: loading
// a million events takes a third of the time. The indexes that back a
// primary key or a UNIQUE constraint stay, as do their checks; a partial
// unique index dropped here is checked when it is created again, which
// fails the transaction if the loaded rows break it.
func (q *Q) DropIndexes(ctx context.Context, tables ...string) (func(context.Context) error, error) {
	query := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL ORDER BY name`
	if q.dialect == Postgres {
		query = `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1
			AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass) ORDER BY indexname`
	}
	var names, defs []string
	for _, table := range tables {
		rows, err := q.q.QueryContext(ctx, query, table)
		if err != nil {
			return nil, fmt.Errorf("list indexes of %s: %w", table, err)
		}
		for rows.Next() {
			var name, def string
			if err := rows.Scan(&name, &def); err != nil {
				rows.Close()
				return nil, fmt.Errorf("scan index of %s: %w", table, err)
			}
			names, defs = append(names, name), append(defs, def)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("list indexes of %s: %w", table, err)
		}
	}
	for _, name := range names {
		if _, err := q.q.ExecContext(ctx, `DROP INDEX `+name); err != nil {
			return nil, fmt.Errorf("drop index %s: %w", name, err)
		}
	}
	return func(ctx context.Context) error {
		for i, def := range defs {
			if _, err := q.q.ExecContext(ctx, def); err != nil {
				return fmt.Errorf("create index %s again: %w", names[i], err)
			}
		}
		return nil
	}, nil
}

// Optimize refreshes the query planner's statistics after a bulk load, so
// that the first pages served choose the right indexes, and on SQLite folds
// the write-ahead log back into the database file and truncates it.
func (db *DB) Optimize(ctx context.Context) error {
	if db.Dialect == Postgres {
		if _, err := db.write.ExecContext(ctx, `ANALYZE`); err != nil {
			return fmt.Errorf("analyze: %w", err)
		}
		return nil
	}
	// A sampled ANALYZE: exact statistics of a million-row table are not
	// worth the seconds they take.
	for _, stmt := range []string{`PRAGMA analysis_limit = 1000`, `ANALYZE`} {
		if _, err := db.write.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
	}
	if err := db.dropStat4(ctx); err != nil {
		return err
	}
	if _, err := db.write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// dropStat4 removes the sampled histograms that ANALYZE keeps when SQLite
// is built with STAT4, as modernc.org/sqlite is. With them, a statement
// comparing an indexed column with a bound parameter is planned for the
// parameter's value, and SQLite prepares it again on every execution with
// a new value: every session or token check, whose "now" always changes,
// and every search. Profiles showed the re-preparing as 6 % of a search's
// CPU. The per-index figures of sqlite_stat1, which the plans need, stay.
func (db *DB) dropStat4(ctx context.Context) error {
	var n int
	if err := db.write.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat4'`).Scan(&n); err != nil || n == 0 {
		return err
	}
	// Most starts find it empty already: nothing to delete or reload.
	if err := db.write.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sqlite_stat4)`).Scan(&n); err != nil || n == 0 {
		return err
	}
	for _, stmt := range []string{`DELETE FROM sqlite_stat4`, `ANALYZE sqlite_schema`} {
		if _, err := db.write.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
	}
	return nil
}
