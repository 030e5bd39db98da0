package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yanxiu/yanxiu/internal/store"
)

// RunnerOptions tune a Runner; zero values get defaults.
type RunnerOptions struct {
	// Workers is how many jobs run at once (default 2).
	Workers int
	// PollInterval is how often the queue is checked without a wake-up
	// (default 5 s); it bounds the delay of jobs from other instances on
	// SQLite and of retries that come due.
	PollInterval time.Duration
	// Lease is how long a claim lasts (default 5 min): a handler's context
	// ends then, and a job whose instance died is taken over afterwards.
	Lease time.Duration
	// Backoff gives the delay after a failed attempt (default DefaultBackoff).
	Backoff func(attempt int) time.Duration
	// Retention is how long finished jobs stay for inspection (default 7
	// days; negative keeps them).
	Retention time.Duration
	// Now is the clock (default time.Now).
	Now    func() time.Time
	Logger *slog.Logger
	// ID names this runner in locked_by (default host name, process ID and
	// random characters).
	ID string
}

// Runner is a pool of workers that claims due jobs of the registered kinds
// from the database and runs their handlers. Register every kind, then
// Start; Stop (or ending Start's context) shuts it down.
type Runner struct {
	db       *store.DB
	o        RunnerOptions
	log      *slog.Logger
	handlers map[string]Handler
	kinds    []string

	wake     chan struct{}
	slots    chan struct{} // one token per busy worker
	stopping chan struct{} // closed: claim no more
	stopOnce sync.Once
	// hardCtx is every handler's parent; cancelling it interrupts them so
	// their jobs can be released.
	hardCtx    context.Context
	hardCancel context.CancelFunc
	inflight   sync.WaitGroup
	loopsDone  sync.WaitGroup
	seq        atomic.Int64
	started    atomic.Bool
}

// NewRunner returns a Runner over db.
func NewRunner(db *store.DB, o RunnerOptions) *Runner {
	if o.Workers <= 0 {
		o.Workers = 2
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 5 * time.Second
	}
	if o.Lease <= 0 {
		o.Lease = 5 * time.Minute
	}
	if o.Backoff == nil {
		o.Backoff = DefaultBackoff
	}
	if o.Retention == 0 {
		o.Retention = 7 * 24 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.ID == "" {
		o.ID = defaultID()
	}
	hard, cancel := context.WithCancel(context.Background())
	return &Runner{db: db, o: o, log: o.Logger.With("runner", o.ID), handlers: map[string]Handler{},
		wake: make(chan struct{}, 1), slots: make(chan struct{}, o.Workers), stopping: make(chan struct{}),
		hardCtx: hard, hardCancel: cancel}
}

func defaultID() string {
	host, _ := os.Hostname()
	b := make([]byte, 3)
	rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Register sets the handler of a kind. It must be called before Start; a
// kind registered twice is a programming error and panics, as with http.ServeMux.
func (r *Runner) Register(kind string, h Handler) {
	if r.started.Load() {
		panic("jobs: Register after Start")
	}
	if _, dup := r.handlers[kind]; dup {
		panic("jobs: kind " + kind + " registered twice")
	}
	r.handlers[kind] = h
	r.kinds = append(r.kinds, kind)
}

// Kinds lists the registered kinds.
func (r *Runner) Kinds() []string { return append([]string(nil), r.kinds...) }

// Start launches the workers and returns. When ctx ends the runner stops
// claiming jobs; in-flight jobs run on until they finish or Stop's deadline.
func (r *Runner) Start(ctx context.Context) error {
	if !r.started.CompareAndSwap(false, true) {
		return errors.New("jobs: runner already started")
	}
	r.loopsDone.Add(2)
	context.AfterFunc(ctx, r.beginStop)
	go r.loop(ctx)
	go r.listen()
	return nil
}

// Wake makes the runner look for due jobs now rather than at the next poll,
// for the instance that just enqueued one. It never blocks.
func (r *Runner) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

func (r *Runner) beginStop() { r.stopOnce.Do(func() { close(r.stopping) }) }

// Stop shuts the runner down gracefully: it claims nothing more and waits
// for running jobs to finish until ctx ends; then it interrupts the rest and
// releases their jobs to the queue (uncounted), for this or another instance
// to run. It returns an error only if some handler ignored the interruption,
// in which case its job is taken over when the lease runs out.
func (r *Runner) Stop(ctx context.Context) error {
	r.beginStop()
	if !r.started.Load() {
		return nil
	}
	r.loopsDone.Wait()
	done := make(chan struct{})
	go func() { r.inflight.Wait(); close(done) }()
	select {
	case <-done:
		r.hardCancel()
		return nil
	case <-ctx.Done():
	}
	r.log.Warn("shutdown deadline reached; interrupting running jobs")
	r.hardCancel()
	select {
	case <-done:
		return nil
	case <-time.After(5 * time.Second):
		return errors.New("jobs: handlers still running after interruption; their leases will expire")
	}
}

// loop claims a job whenever a worker is free and one is due, and otherwise
// sleeps until woken, the poll interval passes or the runner stops.
func (r *Runner) loop(ctx context.Context) {
	defer r.loopsDone.Done()
	poll := time.NewTimer(r.o.PollInterval)
	defer poll.Stop()
	lastPrune := time.Time{}
	for {
		select {
		case r.slots <- struct{}{}:
		case <-r.stopping:
			return
		}
		select { // both may have been ready: stopping wins
		case <-r.stopping:
			<-r.slots
			return
		default:
		}
		if ctx.Err() != nil { // cancelled, and AfterFunc may not have run yet
			<-r.slots
			r.beginStop()
			return
		}
		j, worker, err := r.claim()
		if err == nil && j != nil {
			r.inflight.Add(1)
			go func() {
				defer r.inflight.Done()
				defer func() { <-r.slots }()
				r.run(j, worker)
			}()
			continue
		}
		<-r.slots
		if err != nil {
			r.log.Error("claim job", "err", err)
		}
		if time.Since(lastPrune) > time.Hour {
			lastPrune = time.Now()
			r.prune()
		}
		poll.Reset(r.o.PollInterval)
		select {
		case <-r.stopping:
			return
		case <-r.wake:
		case <-poll.C:
		}
	}
}

func (r *Runner) claim() (*store.Job, string, error) {
	worker := fmt.Sprintf("%s#%d", r.o.ID, r.seq.Add(1))
	ctx, cancel := context.WithTimeout(r.hardCtx, 30*time.Second)
	defer cancel()
	j, err := r.db.W().ClaimJob(ctx, r.kinds, worker, r.o.Now(), r.o.Lease)
	return j, worker, err
}

// run calls the handler of a claimed job and records the outcome.
func (r *Runner) run(sj *store.Job, worker string) {
	log := r.log.With("job", sj.ID, "kind", sj.Kind, "attempt", sj.Attempts)
	var err error
	if sj.Attempts > sj.MaxAttempts {
		// Earlier claims ended without an outcome: the instances running it died.
		err = Permanent(fmt.Errorf("abandoned after %d attempts", sj.MaxAttempts))
	} else {
		ctx, cancel := context.WithTimeout(r.hardCtx, r.o.Lease)
		err = r.call(ctx, r.handlers[sj.Kind], Job{ID: sj.ID, Kind: sj.Kind, Payload: []byte(sj.Payload),
			Attempt: sj.Attempts, MaxAttempts: sj.MaxAttempts})
		cancel()
	}
	interrupted := err != nil && r.hardCtx.Err() != nil
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w := r.db.W()
	now := r.o.Now()
	var held bool
	var serr error
	switch {
	case err == nil:
		held, serr = w.CompleteJob(ctx, sj.ID, worker, now)
	case interrupted:
		log.Info("job interrupted by shutdown; released", "err", err)
		held, serr = w.ReleaseJob(ctx, sj.ID, worker)
	case IsPermanent(err) || sj.Attempts >= sj.MaxAttempts:
		log.Error("job failed; giving up", "err", err)
		held, serr = w.FailJob(ctx, sj.ID, worker, err.Error(), now)
	default:
		next := now.Add(r.o.Backoff(sj.Attempts))
		log.Warn("job failed; will retry", "err", err, "at", next)
		held, serr = w.RetryJob(ctx, sj.ID, worker, err.Error(), next)
	}
	if serr != nil {
		log.Error("record job outcome", "err", serr)
	} else if !held {
		log.Warn("job lease was lost before it finished; another worker owns it now")
	}
}

// call runs h, turning a panic into an error so one bad job cannot kill the process.
func (r *Runner) call(ctx context.Context, h Handler, j Job) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("handler panicked: %v", v)
		}
	}()
	if h == nil {
		return Permanent(fmt.Errorf("no handler for kind %q", j.Kind))
	}
	return h(ctx, j)
}

// listen wakes the runner when another instance enqueues a job, where the
// engine can say so (PostgreSQL); elsewhere it returns at once.
func (r *Runner) listen() {
	defer r.loopsDone.Done()
	ctx, cancel := context.WithCancel(r.hardCtx)
	defer cancel()
	go func() {
		select {
		case <-r.stopping:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		err := r.db.ListenJobs(ctx, r.Wake)
		if errors.Is(err, store.ErrNoListen) || ctx.Err() != nil {
			return
		}
		r.log.Warn("job listener stopped; polling until it reconnects", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(5 * time.Second):
		}
	}
}

func (r *Runner) prune() {
	if r.o.Retention < 0 {
		return
	}
	ctx, cancel := context.WithTimeout(r.hardCtx, time.Minute)
	defer cancel()
	n, err := r.db.W().PruneJobs(ctx, r.o.Now().Add(-r.o.Retention))
	if err != nil {
		r.log.Warn("prune finished jobs", "err", err)
	} else if n > 0 {
		r.log.Info("pruned finished jobs", "count", n)
	}
}
