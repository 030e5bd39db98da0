package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Job is one row of the durable job queue.
type Job struct {
	ID          int64
	Kind        string
	Payload     string // JSON
	UniqueKey   string
	RunAt       time.Time
	Attempts    int // claims so far, the current one included
	MaxAttempts int
	LastError   string
	LockedUntil *time.Time
	LockedBy    string
	DoneAt      *time.Time
	Failed      bool
	CreatedAt   time.Time
}

// NewJob is what enqueueing takes.
type NewJob struct {
	Kind    string
	Payload string // JSON; "" means {}
	// UniqueKey, when set, makes the enqueue a no-op if a job with the same
	// key was ever enqueued (pending or finished): schedulers on several
	// instances can all try, and one job results.
	UniqueKey   string
	RunAt       time.Time
	MaxAttempts int
}

// jobsChannel is the PostgreSQL LISTEN/NOTIFY channel that announces new jobs.
const jobsChannel = "yanxiu_jobs"

// maxJobError bounds the stored error text so a chatty failure cannot bloat the table.
const maxJobError = 2000

// claimLock is appended to the claim query's subquery. PostgreSQL runs
// claims concurrently, so the subquery locks the row it picks and skips
// rows other claimers hold, and two instances never pick the same job.
// SQLite has one writer at a time (and no row locks): the whole UPDATE is
// serialised, so the plain subquery is already safe.
func (d Dialect) claimLock() string {
	if d == Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

const jobColumns = `id, kind, payload, COALESCE(unique_key, ''), run_at, attempts, max_attempts, last_error,
	locked_until, locked_by, done_at, failed, created_at`

func scanJob(r rowScanner) (*Job, error) {
	var j Job
	var runAt, created int64
	var locked, done sql.NullInt64
	if err := r.Scan(&j.ID, &j.Kind, &j.Payload, &j.UniqueKey, &runAt, &j.Attempts, &j.MaxAttempts, &j.LastError,
		&locked, &j.LockedBy, &done, &j.Failed, &created); err != nil {
		return nil, err
	}
	j.RunAt, j.CreatedAt = fromMS(runAt), fromMS(created)
	if locked.Valid {
		t := fromMS(locked.Int64)
		j.LockedUntil = &t
	}
	if done.Valid {
		t := fromMS(done.Int64)
		j.DoneAt = &t
	}
	return &j, nil
}

// EnqueueJob adds a job and returns its ID; with a UniqueKey already used it
// adds nothing and returns 0. Inside a transaction the job (and, on
// PostgreSQL, the notification that wakes listening runners) becomes visible
// on commit, so a job is never run for a change that was rolled back.
func (q *Q) EnqueueJob(ctx context.Context, j NewJob, now time.Time) (int64, error) {
	if j.Payload == "" {
		j.Payload = "{}"
	}
	if j.RunAt.IsZero() {
		j.RunAt = now
	}
	if j.MaxAttempts <= 0 {
		j.MaxAttempts = 1
	}
	var id int64
	err := q.q.QueryRowContext(ctx, `INSERT INTO jobs (kind, payload, unique_key, run_at, max_attempts, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (unique_key) DO NOTHING RETURNING id`,
		j.Kind, j.Payload, nullStr(j.UniqueKey), ms(j.RunAt), j.MaxAttempts, ms(now)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("enqueue %s job: %w", j.Kind, err)
	}
	if q.dialect == Postgres {
		if _, err := q.q.ExecContext(ctx, `SELECT pg_notify($1, $2)`, jobsChannel, j.Kind); err != nil {
			return 0, fmt.Errorf("announce %s job: %w", j.Kind, err)
		}
	}
	return id, nil
}

// ClaimJob takes the due job of one of kinds that waited longest, leasing it
// to worker until now+lease, and counts the attempt. It returns nil when no
// job is due. A job whose lease ran out (its worker died) is due again.
func (q *Q) ClaimJob(ctx context.Context, kinds []string, worker string, now time.Time, lease time.Duration) (*Job, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	args := []any{ms(now.Add(lease)), worker, ms(now)}
	marks := make([]string, len(kinds))
	for i, k := range kinds {
		args = append(args, k)
		marks[i] = fmt.Sprintf("$%d", len(args))
	}
	j, err := scanJob(q.q.QueryRowContext(ctx, `UPDATE jobs SET attempts = attempts + 1, locked_until = $1, locked_by = $2
		WHERE id = (SELECT id FROM jobs
			WHERE done_at IS NULL AND run_at <= $3 AND (locked_until IS NULL OR locked_until <= $3)
			AND kind IN (`+strings.Join(marks, ", ")+`)
			ORDER BY run_at, id LIMIT 1`+q.dialect.claimLock()+`)
		RETURNING `+jobColumns, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("claim job: %w", err)
	}
	return j, nil
}

// The methods below finish a claim. Each applies only while worker still
// holds the job, so a worker that outlived its lease cannot overwrite the
// outcome of the worker that took the job over; they report whether it did.

// CompleteJob marks a job done.
func (q *Q) CompleteJob(ctx context.Context, id int64, worker string, now time.Time) (bool, error) {
	return q.finishJob(ctx, "complete", `UPDATE jobs SET done_at = $1, locked_until = NULL
		WHERE id = $2 AND locked_by = $3 AND done_at IS NULL`, ms(now), id, worker)
}

// RetryJob records a failed attempt and schedules the next one at runAt.
func (q *Q) RetryJob(ctx context.Context, id int64, worker, errText string, runAt time.Time) (bool, error) {
	return q.finishJob(ctx, "retry", `UPDATE jobs SET run_at = $1, last_error = $2, locked_until = NULL, locked_by = ''
		WHERE id = $3 AND locked_by = $4 AND done_at IS NULL`, ms(runAt), truncateError(errText), id, worker)
}

// FailJob gives a job up: it stays in the table, done and failed, with its last error.
func (q *Q) FailJob(ctx context.Context, id int64, worker, errText string, now time.Time) (bool, error) {
	return q.finishJob(ctx, "fail", `UPDATE jobs SET done_at = $1, failed = TRUE, last_error = $2, locked_until = NULL
		WHERE id = $3 AND locked_by = $4 AND done_at IS NULL`, ms(now), truncateError(errText), id, worker)
}

// ReleaseJob hands a claimed job back untouched, as if the claim had not
// happened (its attempt is not counted), for a worker shutting down.
func (q *Q) ReleaseJob(ctx context.Context, id int64, worker string) (bool, error) {
	return q.finishJob(ctx, "release", `UPDATE jobs SET attempts = attempts - 1, locked_until = NULL, locked_by = ''
		WHERE id = $1 AND locked_by = $2 AND done_at IS NULL`, id, worker)
}

func (q *Q) finishJob(ctx context.Context, what, query string, args ...any) (bool, error) {
	res, err := q.q.ExecContext(ctx, query, args...)
	if err != nil {
		return false, fmt.Errorf("%s job: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("%s job: %w", what, err)
	}
	return n == 1, nil
}

func truncateError(s string) string {
	if len(s) <= maxJobError {
		return s
	}
	return strings.ToValidUTF8(s[:maxJobError], "") // drops a rune cut in half
}

// JobByID loads a job, for tests and operators.
func (q *Q) JobByID(ctx context.Context, id int64) (*Job, error) {
	j, err := scanJob(q.q.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("load job %d: %w", id, err)
	}
	return j, nil
}

// JobsOfKind lists the jobs of a kind, oldest first, for tests and operators.
func (q *Q) JobsOfKind(ctx context.Context, kind string, limit int) ([]*Job, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE kind = $1 ORDER BY id LIMIT $2`, kind, limit)
	if err != nil {
		return nil, fmt.Errorf("list %s jobs: %w", kind, err)
	}
	defer rows.Close()
	var out []*Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, fmt.Errorf("scan job: %w", err)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// PruneJobs deletes jobs finished before cutoff and returns how many.
func (q *Q) PruneJobs(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := q.q.ExecContext(ctx, `DELETE FROM jobs WHERE done_at IS NOT NULL AND done_at < $1`, ms(cutoff))
	if err != nil {
		return 0, fmt.Errorf("prune jobs: %w", err)
	}
	return res.RowsAffected()
}

// ErrNoListen reports that the engine cannot announce new jobs (SQLite):
// runners rely on polling and on in-process wake-ups there.
var ErrNoListen = errors.New("this database engine does not announce new jobs")

// ListenJobs calls fn whenever any instance commits a new job, until ctx
// ends; on PostgreSQL it LISTENs on a dedicated connection (so the pool
// never hands out a listening connection). It returns nil when ctx ends and
// ErrNoListen on SQLite.
func (db *DB) ListenJobs(ctx context.Context, fn func()) error {
	if db.Dialect != Postgres {
		return ErrNoListen
	}
	cfg, err := db.pgConfig(ctx)
	if err != nil {
		return err
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect job listener: %w", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `LISTEN `+jobsChannel); err != nil {
		return fmt.Errorf("listen for jobs: %w", err)
	}
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("wait for jobs: %w", err)
		}
		fn()
	}
}

// pgConfig copies the connection settings of the PostgreSQL pool.
func (db *DB) pgConfig(ctx context.Context) (*pgx.ConnConfig, error) {
	c, err := db.write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("borrow connection: %w", err)
	}
	defer c.Close()
	var cfg *pgx.ConnConfig
	err = c.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		cfg = sc.Conn().Config().Copy()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read connection settings: %w", err)
	}
	return cfg, nil
}
