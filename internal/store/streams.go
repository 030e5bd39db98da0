package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/yanxiu/yanxiu/internal/event"
)

// Activity streams read the event log newest first, one space's or one
// institution's at a time, with keyset paging on (at, id): the order the
// events_space_at and events_institution_at indexes already hold (SQLite
// keeps the rowid in every index; PostgreSQL only sorts ties of one
// millisecond), so a page deep in a long history costs what the first does.

// StreamFilter selects one page of a stream. Exactly one of SpaceID and
// InstitutionID is set.
type StreamFilter struct {
	SpaceID       int64
	InstitutionID int64
	// Before is the ID of the last event of the previous page: only older
	// events, in (at, id) order, are returned. 0 starts at the newest.
	Before int64
	Limit  int
	// Verbs, when set, keeps only events with these verbs: streams show a
	// few kinds of news, and filtering in SQL spares reading the logins and
	// page views that make up most of the log.
	Verbs []event.Verb
}

// StreamEvents lists one page of a stream, newest first. A Before that
// names no event gives an empty page.
func (q *Q) StreamEvents(ctx context.Context, f StreamFilter) ([]*event.Event, error) {
	col, key := "space_id", f.SpaceID
	if f.InstitutionID != 0 {
		col, key = "institution_id", f.InstitutionID
	}
	const cols = `SELECT id, at, actor_id, verb, object_type, object_id, space_id, institution_id, context FROM events `
	verbs := ""
	if len(f.Verbs) > 0 {
		quoted := make([]string, len(f.Verbs))
		for i, v := range f.Verbs {
			quoted[i] = "'" + strings.ReplaceAll(string(v), "'", "''") + "'"
		}
		verbs = " AND verb IN (" + strings.Join(quoted, ",") + ")"
	}
	var rows *sql.Rows
	var err error
	if f.Before == 0 {
		rows, err = q.q.QueryContext(ctx, cols+`WHERE `+col+` = $1`+verbs+` ORDER BY at DESC, id DESC LIMIT $2`, key, f.Limit)
	} else {
		var at int64
		err = q.q.QueryRowContext(ctx, `SELECT at FROM events WHERE id = $1`, f.Before).Scan(&at)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("find stream position %d: %w", f.Before, err)
		}
		rows, err = q.q.QueryContext(ctx, cols+`WHERE `+col+` = $1 AND at <= $2 AND (at < $2 OR id < $3)`+verbs+`
			ORDER BY at DESC, id DESC LIMIT $4`, key, at, f.Before, f.Limit)
	}
	if err != nil {
		return nil, fmt.Errorf("list stream of %s %d: %w", col, key, err)
	}
	return scanEventRows(rows)
}

// PersonRef is what a stream or a briefing needs to name and link a person.
type PersonRef struct {
	ID       int64
	Name     string
	Username string
}

// PeopleByIDs loads the names of people, keyed by ID; unknown IDs are absent.
func (q *Q) PeopleByIDs(ctx context.Context, ids []int64) (map[int64]PersonRef, error) {
	out := make(map[int64]PersonRef, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	cond, args := idList("id", ids)
	rows, err := q.q.QueryContext(ctx, `SELECT id, COALESCE(NULLIF(display_name, ''), username), username FROM users WHERE `+cond, args...)
	if err != nil {
		return nil, fmt.Errorf("load people: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p PersonRef
		if err := rows.Scan(&p.ID, &p.Name, &p.Username); err != nil {
			return nil, fmt.Errorf("scan person: %w", err)
		}
		out[p.ID] = p
	}
	return out, rows.Err()
}

// HiddenPosts reports which of the given topics and replies a moderator
// has hidden, so that streams never surface their titles.
func (q *Q) HiddenPosts(ctx context.Context, topicIDs, replyIDs []int64) (topics, replies map[int64]bool, err error) {
	topics, replies = map[int64]bool{}, map[int64]bool{}
	for _, part := range []struct {
		table string
		ids   []int64
		into  map[int64]bool
	}{{"topics", topicIDs, topics}, {"replies", replyIDs, replies}} {
		if len(part.ids) == 0 {
			continue
		}
		cond, args := idList("id", part.ids)
		rows, err := q.q.QueryContext(ctx, `SELECT id FROM `+part.table+` WHERE hidden = TRUE AND `+cond, args...)
		if err != nil {
			return nil, nil, fmt.Errorf("find hidden %s: %w", part.table, err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, nil, fmt.Errorf("scan hidden %s: %w", part.table, err)
			}
			part.into[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, fmt.Errorf("find hidden %s: %w", part.table, err)
		}
	}
	return topics, replies, nil
}

// GroupsUnder lists the teaching-research groups directly below an
// institution. It goes by parent (the spaces_parent index) rather than by
// path prefix, which SQLite answered by scanning every group of the region.
func (q *Q) GroupsUnder(ctx context.Context, parentID int64) ([]int64, error) {
	// Only institutions have a level, so level alone says "group"; naming
	// kind too led SQLite to the (kind, level) index and a scan of them all.
	rows, err := q.q.QueryContext(ctx, `SELECT id FROM spaces WHERE parent_id = $1 AND level = 'group'
		ORDER BY id LIMIT 100`, parentID)
	if err != nil {
		return nil, fmt.Errorf("list groups under %d: %w", parentID, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan group: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// idList writes "col IN ($1, $2, ...)" for a non-empty list of IDs.
func idList(col string, ids []int64) (string, []any) {
	marks := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		marks[i] = fmt.Sprintf("$%d", i+1)
		args[i] = id
	}
	return col + " IN (" + strings.Join(marks, ", ") + ")", args
}
