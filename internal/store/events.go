package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/yanxiu/yanxiu/internal/event"
)

// AppendEvent writes one event. It is the only writer of the events table;
// call it inside the transaction of the change the event records.
func (q *Q) AppendEvent(ctx context.Context, e *event.Event) error {
	if e.Context == "" {
		e.Context = "{}"
	}
	if len(e.Context) > event.MaxContext {
		return fmt.Errorf("event context of %d bytes exceeds %d", len(e.Context), event.MaxContext)
	}
	err := q.q.QueryRowContext(ctx, `INSERT INTO events (at, actor_id, verb, object_type, object_id, space_id, institution_id, context)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		ms(e.At), e.ActorID, e.Verb, e.ObjectType, e.ObjectID, e.SpaceID, e.InstitutionID, e.Context).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("append event %s: %w", e.Verb, err)
	}
	return nil
}

// EventFilter selects events; exactly one of ActorID, SpaceID and
// InstitutionID should be set so a matching index serves the query.
type EventFilter struct {
	ActorID       int64
	SpaceID       int64
	InstitutionID int64
	Since, Until  time.Time // zero = unbounded
	BeforeID      int64     // keyset paging: only events with a smaller ID
	Limit         int
}

// Events lists events newest first.
func (q *Q) Events(ctx context.Context, f EventFilter) ([]*event.Event, error) {
	cond, args := f.where()
	args = append(args, f.Limit)
	rows, err := q.q.QueryContext(ctx, `SELECT id, at, actor_id, verb, object_type, object_id, space_id, institution_id, context
		FROM events WHERE `+cond+fmt.Sprintf(` ORDER BY at DESC, id DESC LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	defer rows.Close()
	var out []*event.Event
	for rows.Next() {
		var e event.Event
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.Verb, &e.ObjectType, &e.ObjectID, &e.SpaceID, &e.InstitutionID, &e.Context); err != nil {
			return nil, fmt.Errorf("scan event: %w", err)
		}
		e.At = fromMS(at)
		out = append(out, &e)
	}
	return out, rows.Err()
}

// CountEvents counts the events a filter selects.
func (q *Q) CountEvents(ctx context.Context, f EventFilter) (int, error) {
	cond, args := f.where()
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE `+cond, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count events: %w", err)
	}
	return n, nil
}

func (f EventFilter) where() (string, []any) {
	var where []string
	var args []any
	add := func(expr string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(expr, len(args)))
	}
	if f.ActorID != 0 {
		add("actor_id = $%d", f.ActorID)
	}
	if f.SpaceID != 0 {
		add("space_id = $%d", f.SpaceID)
	}
	if f.InstitutionID != 0 {
		add("institution_id = $%d", f.InstitutionID)
	}
	if !f.Since.IsZero() {
		add("at >= $%d", ms(f.Since))
	}
	if !f.Until.IsZero() {
		add("at < $%d", ms(f.Until))
	}
	if f.BeforeID != 0 {
		add("id < $%d", f.BeforeID)
	}
	if len(where) == 0 {
		return "1 = 1", nil
	}
	return strings.Join(where, " AND "), args
}
