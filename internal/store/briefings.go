package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/briefing"
	"github.com/yanxiu/yanxiu/internal/event"
)

// Community briefings: the briefings table, and the read-only queries that
// compute a period's figures from the event log and the community tables.

const briefingColumns = `b.id, b.space_id, b.author_id, COALESCE(NULLIF(u.display_name, ''), u.username), b.title,
	b.period_from, b.period_to, b.body, b.body_html, b.figures, b.status, b.created_at, b.updated_at, b.published_at`

const briefingFrom = ` FROM briefings b JOIN users u ON u.id = b.author_id `

func scanBriefing(r rowScanner) (*briefing.Briefing, error) {
	var b briefing.Briefing
	var from, to, created, updated int64
	var published *int64
	var figures string
	if err := r.Scan(&b.ID, &b.SpaceID, &b.AuthorID, &b.AuthorName, &b.Title, &from, &to, &b.BodyMarkdown, &b.BodyHTML,
		&figures, &b.Status, &created, &updated, &published); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(figures), &b.Figures); err != nil {
		return nil, fmt.Errorf("decode figures of briefing %d: %w", b.ID, err)
	}
	b.Period = briefing.Period{From: fromMS(from), To: fromMS(to)}
	b.CreatedAt, b.UpdatedAt, b.PublishedAt = fromMS(created), fromMS(updated), ptrMS(published)
	return &b, nil
}

// CreateBriefing inserts a briefing and sets b.ID.
func (q *Q) CreateBriefing(ctx context.Context, b *briefing.Briefing) error {
	figures, err := json.Marshal(b.Figures)
	if err != nil {
		return fmt.Errorf("encode figures: %w", err)
	}
	err = q.q.QueryRowContext(ctx, `INSERT INTO briefings (space_id, author_id, title, period_from, period_to, body, body_html,
		figures, status, created_at, updated_at, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11) RETURNING id`,
		b.SpaceID, b.AuthorID, b.Title, ms(b.Period.From), ms(b.Period.To), b.BodyMarkdown, b.BodyHTML, string(figures),
		b.Status, ms(b.CreatedAt), nullMS(b.PublishedAt)).Scan(&b.ID)
	if err != nil {
		return fmt.Errorf("insert briefing: %w", err)
	}
	return nil
}

// UpdateBriefing writes a briefing's text, period, figures and status.
func (q *Q) UpdateBriefing(ctx context.Context, b *briefing.Briefing) error {
	figures, err := json.Marshal(b.Figures)
	if err != nil {
		return fmt.Errorf("encode figures: %w", err)
	}
	res, err := q.q.ExecContext(ctx, `UPDATE briefings SET title = $1, period_from = $2, period_to = $3, body = $4, body_html = $5,
		figures = $6, status = $7, updated_at = $8, published_at = $9 WHERE id = $10 AND space_id = $11`,
		b.Title, ms(b.Period.From), ms(b.Period.To), b.BodyMarkdown, b.BodyHTML, string(figures), b.Status,
		ms(b.UpdatedAt), nullMS(b.PublishedAt), b.ID, b.SpaceID)
	if err != nil {
		return fmt.Errorf("update briefing %d: %w", b.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	return nil
}

// BriefingByID loads a briefing.
func (q *Q) BriefingByID(ctx context.Context, id int64) (*briefing.Briefing, error) {
	b, err := scanBriefing(q.q.QueryRowContext(ctx, `SELECT `+briefingColumns+briefingFrom+`WHERE b.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("load briefing %d: %w", id, err)
	}
	return b, nil
}

// Briefings lists a community's briefings of one status with their total:
// published ones newest publication first, drafts newest first.
func (q *Q) Briefings(ctx context.Context, spaceID int64, status briefing.Status, limit, offset int) ([]*briefing.Briefing, int, error) {
	var total int
	if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM briefings WHERE space_id = $1 AND status = $2`, spaceID, status).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count briefings of %d: %w", spaceID, err)
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+briefingColumns+briefingFrom+`WHERE b.space_id = $1 AND b.status = $2
		ORDER BY b.published_at DESC, b.id DESC LIMIT $3 OFFSET $4`, spaceID, status, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list briefings of %d: %w", spaceID, err)
	}
	defer rows.Close()
	var out []*briefing.Briefing
	for rows.Next() {
		b, err := scanBriefing(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("scan briefing: %w", err)
		}
		out = append(out, b)
	}
	return out, total, rows.Err()
}

// DeleteBriefing removes a briefing of a community.
func (q *Q) DeleteBriefing(ctx context.Context, spaceID, id int64) (bool, error) {
	res, err := q.q.ExecContext(ctx, `DELETE FROM briefings WHERE id = $1 AND space_id = $2`, id, spaceID)
	if err != nil {
		return false, fmt.Errorf("delete briefing %d: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ActivityFilter selects a community's events in a period for figures.
type ActivityFilter struct {
	SpaceID  int64
	From, To time.Time
	// Exclude lists verbs that are not activity (such as page views).
	Exclude []event.Verb
}

func (f ActivityFilter) where() (string, []any) {
	args := []any{f.SpaceID, ms(f.From), ms(f.To)}
	cond := "e.space_id = $1 AND e.at >= $2 AND e.at < $3"
	if len(f.Exclude) > 0 {
		marks := make([]string, len(f.Exclude))
		for i, v := range f.Exclude {
			args = append(args, string(v))
			marks[i] = fmt.Sprintf("$%d", len(args))
		}
		cond += " AND e.verb NOT IN (" + strings.Join(marks, ", ") + ")"
	}
	return cond, args
}

// ActivityCounts is how many events a period holds, by kind.
type ActivityCounts struct {
	Actions int
	Actors  int
	// ByKind counts events by "verb/object_type".
	ByKind map[string]int
}

// ActivityKind is the ByKind key of a verb on an object type.
func ActivityKind(verb event.Verb, objectType string) string { return string(verb) + "/" + objectType }

// CountActivity counts a period's events in total, by kind, and the
// distinct people behind them.
func (q *Q) CountActivity(ctx context.Context, f ActivityFilter) (ActivityCounts, error) {
	cond, args := f.where()
	c := ActivityCounts{ByKind: map[string]int{}}
	if err := q.q.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT e.actor_id) FROM events e WHERE `+cond, args...).
		Scan(&c.Actions, &c.Actors); err != nil {
		return c, fmt.Errorf("count activity of %d: %w", f.SpaceID, err)
	}
	rows, err := q.q.QueryContext(ctx, `SELECT e.verb, e.object_type, count(*) FROM events e WHERE `+cond+
		` GROUP BY e.verb, e.object_type`, args...)
	if err != nil {
		return c, fmt.Errorf("count activity by kind of %d: %w", f.SpaceID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var verb event.Verb
		var obj string
		var n int
		if err := rows.Scan(&verb, &obj, &n); err != nil {
			return c, fmt.Errorf("scan activity count: %w", err)
		}
		c.ByKind[ActivityKind(verb, obj)] = n
	}
	return c, rows.Err()
}

// TopActors ranks the people with the most events in a period.
func (q *Q) TopActors(ctx context.Context, f ActivityFilter, limit int) ([]briefing.MemberActivity, error) {
	cond, args := f.where()
	args = append(args, limit)
	rows, err := q.q.QueryContext(ctx, `SELECT u.id, COALESCE(NULLIF(u.display_name, ''), u.username), u.username, a.n
		FROM (SELECT e.actor_id, count(*) AS n FROM events e WHERE `+cond+` GROUP BY e.actor_id) a
		JOIN users u ON u.id = a.actor_id ORDER BY a.n DESC, u.id LIMIT $`+fmt.Sprint(len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("rank actors of %d: %w", f.SpaceID, err)
	}
	defer rows.Close()
	var out []briefing.MemberActivity
	for rows.Next() {
		var m briefing.MemberActivity
		if err := rows.Scan(&m.ID, &m.Name, &m.Username, &m.Count); err != nil {
			return nil, fmt.Errorf("scan actor count: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// DayCounts counts a period's events per calendar day in briefing.Zone,
// keyed by briefing.DayLayout. The zone has a fixed offset, so a day is an
// integer division of the shifted timestamp on both engines.
func (q *Q) DayCounts(ctx context.Context, f ActivityFilter) (map[string]int, error) {
	_, offset := time.Unix(0, 0).In(briefing.Zone).Zone()
	cond, args := f.where()
	args = append(args, int64(offset)*1000)
	day := fmt.Sprintf("(e.at + $%d) / 86400000", len(args))
	rows, err := q.q.QueryContext(ctx, `SELECT `+day+`, count(*) FROM events e WHERE `+cond+` GROUP BY 1`, args...)
	if err != nil {
		return nil, fmt.Errorf("count days of %d: %w", f.SpaceID, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var d int64
		var n int
		if err := rows.Scan(&d, &n); err != nil {
			return nil, fmt.Errorf("scan day count: %w", err)
		}
		// Day d starts at d days after the epoch in the zone's wall clock.
		t := time.UnixMilli(d*86_400_000 - int64(offset)*1000).In(briefing.Zone)
		out[t.Format(briefing.DayLayout)] += n
	}
	return out, rows.Err()
}

// PeriodEvents lists a period's events of one verb on one object type,
// oldest first, at most limit.
func (q *Q) PeriodEvents(ctx context.Context, f ActivityFilter, verb event.Verb, objectType string, limit int) ([]*event.Event, error) {
	cond, args := f.where()
	args = append(args, string(verb), objectType, limit)
	n := len(args)
	rows, err := q.q.QueryContext(ctx, `SELECT e.id, e.at, e.actor_id, e.verb, e.object_type, e.object_id, e.space_id,
		e.institution_id, e.context FROM events e WHERE `+cond+fmt.Sprintf(` AND e.verb = $%d AND e.object_type = $%d
		ORDER BY e.at, e.id LIMIT $%d`, n-2, n-1, n), args...)
	if err != nil {
		return nil, fmt.Errorf("list %s events of %d: %w", verb, f.SpaceID, err)
	}
	return scanEventRows(rows)
}

func scanEventRows(rows *sql.Rows) ([]*event.Event, error) {
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

// RoundsClosedBetween lists a community's voting rounds whose deadline fell
// in [from, to), with the proposal that received most approvals.
func (q *Q) RoundsClosedBetween(ctx context.Context, spaceID int64, from, to time.Time) ([]briefing.ClosedRound, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, title, voter_count, closes_at FROM vote_rounds
		WHERE space_id = $1 AND closes_at >= $2 AND closes_at < $3 ORDER BY closes_at, id LIMIT 100`, spaceID, ms(from), ms(to))
	if err != nil {
		return nil, fmt.Errorf("list closed rounds of %d: %w", spaceID, err)
	}
	var out []briefing.ClosedRound
	for rows.Next() {
		var r briefing.ClosedRound
		var at int64
		if err := rows.Scan(&r.RoundID, &r.Title, &r.Voters, &at); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan round: %w", err)
		}
		r.ClosesAt = fromMS(at)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list closed rounds of %d: %w", spaceID, err)
	}
	for i := range out {
		err := q.q.QueryRowContext(ctx, `SELECT p.title, o.tally FROM vote_options o JOIN theme_proposals p ON p.id = o.proposal_id
			WHERE o.round_id = $1 AND o.tally > 0 ORDER BY o.tally DESC, p.id LIMIT 1`, out[i].RoundID).Scan(&out[i].Leader, &out[i].LeaderVotes)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("load leader of round %d: %w", out[i].RoundID, err)
		}
	}
	return out, nil
}

// BriefingReply is a reply of a period with its like count and raw body.
type BriefingReply struct {
	briefing.LikedReply
	Body string
}

// MostLikedReplies ranks the visible replies written in [from, to) in a
// community by their likes, leaving out replies nobody liked.
func (q *Q) MostLikedReplies(ctx context.Context, spaceID int64, from, to time.Time, limit int) ([]BriefingReply, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT r.id, r.topic_id, t.title, u.id, COALESCE(NULLIF(u.display_name, ''), u.username),
		u.username, r.like_count, r.body
		FROM replies r JOIN topics t ON t.id = r.topic_id JOIN users u ON u.id = r.author_id
		WHERE r.space_id = $1 AND r.created_at >= $2 AND r.created_at < $3 AND r.like_count > 0
		AND r.hidden = FALSE AND t.hidden = FALSE
		ORDER BY r.like_count DESC, r.id LIMIT $4`, spaceID, ms(from), ms(to), limit)
	if err != nil {
		return nil, fmt.Errorf("rank replies of %d: %w", spaceID, err)
	}
	defer rows.Close()
	var out []BriefingReply
	for rows.Next() {
		var r BriefingReply
		if err := rows.Scan(&r.ReplyID, &r.TopicID, &r.TopicTitle, &r.Author.ID, &r.Author.Name, &r.Author.Username,
			&r.Likes, &r.Body); err != nil {
			return nil, fmt.Errorf("scan reply: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// MemberIDs lists the IDs of a space's members, for notifying them all.
func (q *Q) MemberIDs(ctx context.Context, spaceID int64) ([]int64, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT user_id FROM space_members WHERE space_id = $1 ORDER BY user_id`, spaceID)
	if err != nil {
		return nil, fmt.Errorf("list member IDs of %d: %w", spaceID, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan member ID: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
