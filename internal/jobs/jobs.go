// Package jobs runs durable background work stored in the database, so that
// several app instances sharing one database share one queue: a job enqueued
// inside a transaction exists exactly when the change that asked for it does,
// survives restarts, is retried with exponential backoff, and is handed back
// (not lost, not run twice at once) when an instance shuts down or dies.
//
// The SQL lives in the store (store.Q.EnqueueJob, ClaimJob ...); this package
// is the worker pool that claims jobs, runs their handlers and records the
// outcome.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/yanxiu/yanxiu/internal/store"
)

// Job is what a handler receives.
type Job struct {
	ID      int64
	Kind    string
	Payload json.RawMessage
	// Attempt counts from 1; MaxAttempts is the last one.
	Attempt, MaxAttempts int
}

// Decode unmarshals the payload into v.
func (j Job) Decode(v any) error {
	if err := json.Unmarshal(j.Payload, v); err != nil {
		return fmt.Errorf("decode payload of %s job %d: %w", j.Kind, j.ID, err)
	}
	return nil
}

// Handler does one job. Returning nil completes it; an error schedules a
// retry (or gives the job up after its last attempt, or at once when the
// error is Permanent). ctx ends when the job's lease runs out or the runner
// stops without time to wait; the handler should then return promptly.
type Handler func(ctx context.Context, j Job) error

// permanent marks an error that retrying cannot fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent wraps err so that the job is given up without further attempts,
// for failures such as a malformed payload or a recipient that no longer exists.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

// IsPermanent reports whether err was wrapped by Permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}

// Options for enqueueing.
type Options struct {
	// RunAt delays the first attempt; zero means now.
	RunAt time.Time
	// MaxAttempts bounds the tries; zero means DefaultMaxAttempts.
	MaxAttempts int
	// UniqueKey makes the job a singleton: enqueueing again with the same
	// key (from any instance, ever) adds nothing.
	UniqueKey string
}

// DefaultMaxAttempts gives a job about 12 hours of retries with the default
// backoff, enough to ride out an SMTP server's maintenance window.
const DefaultMaxAttempts = 12

// Enqueue adds a job through q, normally inside the transaction of the change
// that needs it. It returns the new job's ID, or 0 when UniqueKey was taken.
func Enqueue(ctx context.Context, q *store.Q, kind string, payload any, now time.Time, o Options) (int64, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return 0, fmt.Errorf("encode payload of %s job: %w", kind, err)
	}
	if o.MaxAttempts == 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	return q.EnqueueJob(ctx, store.NewJob{Kind: kind, Payload: string(b), UniqueKey: o.UniqueKey, RunAt: o.RunAt,
		MaxAttempts: o.MaxAttempts}, now)
}

// Backoff returns the delay before retrying after the given failed attempt
// (1 for the first): base·2^(attempt-1), capped at max, with up to a tenth
// of random jitter so that jobs failing together do not retry together.
func Backoff(base, max time.Duration) func(attempt int) time.Duration {
	return func(attempt int) time.Duration {
		d := base
		for i := 1; i < attempt && d < max; i++ {
			d *= 2
		}
		d = min(d, max)
		if j := int64(d / 10); j > 0 {
			d += time.Duration(rand.Int64N(j))
		}
		return d
	}
}

// DefaultBackoff starts at 30 seconds and doubles up to 4 hours.
func DefaultBackoff(attempt int) time.Duration { return Backoff(30*time.Second, 4*time.Hour)(attempt) }
