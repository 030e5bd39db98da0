package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/jobs"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// eachEngine runs fn on every engine with a fresh database and its URL, so
// a test can open a second connection as another app instance would.
func eachEngine(t *testing.T, fn func(t *testing.T, db *store.DB, url string)) {
	t.Helper()
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			db, url := e.Open(t)
			fn(t, db, url)
		})
	}
}

func enqueue(t *testing.T, db *store.DB, kind string, payload any, o jobs.Options) int64 {
	t.Helper()
	var id int64
	err := db.Tx(context.Background(), func(q *store.Q) (err error) {
		id, err = jobs.Enqueue(context.Background(), q, kind, payload, time.Now(), o)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// waitJob polls until the job is finished or the deadline passes.
func waitJob(t *testing.T, db *store.DB, id int64, cond func(*store.Job) bool) *store.Job {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		j, err := db.R().JobByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if cond(j) {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d never reached the expected state: %+v", id, j)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func done(j *store.Job) bool { return j.DoneAt != nil }

func start(t *testing.T, r *jobs.Runner) {
	t.Helper()
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r.Stop(ctx)
	})
}

func fast(o jobs.RunnerOptions) jobs.RunnerOptions {
	if o.PollInterval == 0 {
		o.PollInterval = 20 * time.Millisecond
	}
	if o.Backoff == nil {
		o.Backoff = func(int) time.Duration { return 10 * time.Millisecond }
	}
	return o
}

func TestRetriesThenSucceeds(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB, _ string) {
		var calls atomic.Int32
		r := jobs.NewRunner(db, fast(jobs.RunnerOptions{}))
		r.Register("flaky", func(ctx context.Context, j jobs.Job) error {
			var p struct{ N int }
			if err := j.Decode(&p); err != nil || p.N != 7 {
				return jobs.Permanent(fmt.Errorf("payload %s: %v", j.Payload, err))
			}
			if n := calls.Add(1); int(n) != j.Attempt {
				return jobs.Permanent(fmt.Errorf("call %d reported as attempt %d", n, j.Attempt))
			}
			if j.Attempt < 3 {
				return fmt.Errorf("temporary failure %d", j.Attempt)
			}
			return nil
		})
		start(t, r)
		id := enqueue(t, db, "flaky", map[string]int{"N": 7}, jobs.Options{MaxAttempts: 5})
		r.Wake()
		j := waitJob(t, db, id, done)
		if j.Failed || j.Attempts != 3 || j.LastError != "temporary failure 2" || calls.Load() != 3 || j.LockedUntil != nil {
			t.Fatalf("job = %+v after %d calls", j, calls.Load())
		}
	})
}

func TestGivesUp(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB, _ string) {
		r := jobs.NewRunner(db, fast(jobs.RunnerOptions{}))
		r.Register("doomed", func(ctx context.Context, j jobs.Job) error { return errors.New("smtp down") })
		r.Register("bad", func(ctx context.Context, j jobs.Job) error { return jobs.Permanent(errors.New("no such recipient")) })
		r.Register("panics", func(ctx context.Context, j jobs.Job) error { panic("boom") })
		start(t, r)
		doomed := enqueue(t, db, "doomed", nil, jobs.Options{MaxAttempts: 3})
		bad := enqueue(t, db, "bad", nil, jobs.Options{MaxAttempts: 3})
		panics := enqueue(t, db, "panics", nil, jobs.Options{MaxAttempts: 2})
		r.Wake()
		for _, tc := range []struct {
			id       int64
			attempts int
			err      string
		}{{doomed, 3, "smtp down"}, {bad, 1, "no such recipient"}, {panics, 2, "handler panicked: boom"}} {
			j := waitJob(t, db, tc.id, done)
			if !j.Failed || j.Attempts != tc.attempts || j.LastError != tc.err {
				t.Errorf("job %s = %+v, want failed after %d attempts with %q", j.Kind, j, tc.attempts, tc.err)
			}
		}
	})
}

func TestBackoffSchedulesRetry(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB, _ string) {
		var mu sync.Mutex
		now := time.Now().Truncate(time.Millisecond)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		var asked []int
		r := jobs.NewRunner(db, jobs.RunnerOptions{PollInterval: 20 * time.Millisecond, Now: clock,
			Backoff: func(n int) time.Duration {
				mu.Lock()
				asked = append(asked, n)
				mu.Unlock()
				return time.Duration(n) * time.Minute
			}})
		r.Register("fails", func(ctx context.Context, j jobs.Job) error { return fmt.Errorf("attempt %d failed", j.Attempt) })
		start(t, r)
		var id int64
		err := db.Tx(context.Background(), func(q *store.Q) (err error) {
			id, err = jobs.Enqueue(context.Background(), q, "fails", nil, now, jobs.Options{MaxAttempts: 5})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		r.Wake()
		j := waitJob(t, db, id, func(j *store.Job) bool { return j.Attempts == 1 && j.LockedUntil == nil })
		if want := now.Add(time.Minute); !j.RunAt.Equal(want) {
			t.Fatalf("after attempt 1 run_at = %v, want %v", j.RunAt, want)
		}
		// Not due yet: nothing happens however often the runner looks.
		time.Sleep(100 * time.Millisecond)
		if j, _ := db.R().JobByID(context.Background(), id); j.Attempts != 1 {
			t.Fatalf("retried before it was due: %+v", j)
		}
		mu.Lock()
		now = now.Add(time.Minute)
		mu.Unlock()
		r.Wake()
		j = waitJob(t, db, id, func(j *store.Job) bool { return j.Attempts == 2 && j.LockedUntil == nil })
		if want := now.Add(2 * time.Minute); !j.RunAt.Equal(want) || j.LastError != "attempt 2 failed" {
			t.Fatalf("after attempt 2: %+v, want run_at %v", j, want)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(asked) != 2 || asked[0] != 1 || asked[1] != 2 {
			t.Fatalf("backoff asked for attempts %v", asked)
		}
	})
}

func TestBackoffGrowsAndCaps(t *testing.T) {
	b := jobs.Backoff(time.Second, time.Minute)
	for _, tc := range []struct {
		attempt int
		base    time.Duration
	}{{1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {6, 32 * time.Second}, {7, time.Minute}, {60, time.Minute}} {
		for range 20 {
			if d := b(tc.attempt); d < tc.base || d >= tc.base+tc.base/10 {
				t.Fatalf("Backoff(%d) = %v, want [%v, %v)", tc.attempt, d, tc.base, tc.base+tc.base/10)
			}
		}
	}
}

// Two runners on two connections (two app instances) share one queue, and
// every job runs exactly once.
func TestTwoRunnersNeverDoubleProcess(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB, url string) {
		other, err := store.Open(context.Background(), url, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		const n = 120
		var mu sync.Mutex
		runs := map[int64]int{}
		by := map[string]int{}
		handler := func(name string) jobs.Handler {
			return func(ctx context.Context, j jobs.Job) error {
				time.Sleep(time.Millisecond)
				mu.Lock()
				defer mu.Unlock()
				runs[j.ID]++
				by[name]++
				return nil
			}
		}
		for i, d := range []*store.DB{db, other} {
			r := jobs.NewRunner(d, fast(jobs.RunnerOptions{Workers: 3, ID: fmt.Sprint("instance", i)}))
			r.Register("count", handler(fmt.Sprint("instance", i)))
			start(t, r)
		}
		ids := make([]int64, n)
		for i := range ids {
			ids[i] = enqueue(t, db, "count", i, jobs.Options{})
		}
		for _, id := range ids {
			waitJob(t, db, id, done)
		}
		mu.Lock()
		defer mu.Unlock()
		for _, id := range ids {
			if runs[id] != 1 {
				t.Errorf("job %d ran %d times", id, runs[id])
			}
		}
		t.Logf("jobs per instance: %v", by)
	})
}

func TestShutdownFinishesOrReleases(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB, _ string) {
		ctx := context.Background()
		started := make(chan int64, 2)
		r := jobs.NewRunner(db, fast(jobs.RunnerOptions{Workers: 2}))
		r.Register("quick", func(ctx context.Context, j jobs.Job) error {
			started <- j.ID
			time.Sleep(150 * time.Millisecond)
			return nil
		})
		r.Register("stuck", func(ctx context.Context, j jobs.Job) error {
			started <- j.ID
			<-ctx.Done()
			return ctx.Err()
		})
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		quick := enqueue(t, db, "quick", nil, jobs.Options{})
		stuck := enqueue(t, db, "stuck", nil, jobs.Options{})
		r.Wake()
		<-started
		<-started
		later := enqueue(t, db, "quick", nil, jobs.Options{})
		sctx, cancel := context.WithTimeout(ctx, 400*time.Millisecond)
		defer cancel()
		if err := r.Stop(sctx); err != nil {
			t.Fatal(err)
		}
		if j, _ := db.R().JobByID(ctx, quick); j.DoneAt == nil || j.Failed {
			t.Errorf("in-flight quick job not finished on shutdown: %+v", j)
		}
		j, _ := db.R().JobByID(ctx, stuck)
		if j.DoneAt != nil || j.LockedUntil != nil || j.LockedBy != "" || j.Attempts != 0 {
			t.Errorf("interrupted job not released: %+v", j)
		}
		if j, _ := db.R().JobByID(ctx, later); j.Attempts != 0 {
			t.Errorf("a stopping runner claimed a new job: %+v", j)
		}
		// Another instance takes the released job over.
		r2 := jobs.NewRunner(db, fast(jobs.RunnerOptions{}))
		r2.Register("stuck", func(ctx context.Context, j jobs.Job) error { return nil })
		r2.Register("quick", func(ctx context.Context, j jobs.Job) error { return nil })
		start(t, r2)
		if j := waitJob(t, db, stuck, done); j.Failed || j.Attempts != 1 {
			t.Errorf("released job after takeover: %+v", j)
		}
		waitJob(t, db, later, done)
	})
}

// Cancelling Start's context stops claiming but lets running jobs finish.
func TestStartContextStopsClaiming(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB, _ string) {
		ctx, cancel := context.WithCancel(context.Background())
		r := jobs.NewRunner(db, fast(jobs.RunnerOptions{}))
		var ran atomic.Int32
		r.Register("x", func(ctx context.Context, j jobs.Job) error { ran.Add(1); return nil })
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if err := r.Start(ctx); err == nil {
			t.Error("second Start accepted")
		}
		cancel()
		time.Sleep(50 * time.Millisecond)
		id := enqueue(t, db, "x", nil, jobs.Options{})
		r.Wake()
		time.Sleep(100 * time.Millisecond)
		if j, _ := db.R().JobByID(context.Background(), id); j.Attempts != 0 || ran.Load() != 0 {
			t.Fatalf("stopped runner claimed: %+v", j)
		}
		if err := r.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

// A worker that dies leaves its lease to expire; then another takes over,
// and the dead worker can no longer record an outcome.
func TestExpiredLeaseIsTakenOver(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB, _ string) {
		ctx := context.Background()
		id := enqueue(t, db, "job", nil, jobs.Options{})
		j, err := db.W().ClaimJob(ctx, []string{"job"}, "dead-worker", time.Now(), 50*time.Millisecond)
		if err != nil || j == nil || j.ID != id || j.Attempts != 1 {
			t.Fatalf("claim = %+v, %v", j, err)
		}
		if again, err := db.W().ClaimJob(ctx, []string{"job"}, "other", time.Now(), time.Minute); err != nil || again != nil {
			t.Fatalf("claimed a leased job: %+v, %v", again, err)
		}
		r := jobs.NewRunner(db, fast(jobs.RunnerOptions{}))
		r.Register("job", func(ctx context.Context, j jobs.Job) error { return nil })
		start(t, r)
		j = waitJob(t, db, id, done)
		if j.Attempts != 2 || j.Failed {
			t.Fatalf("after takeover: %+v", j)
		}
		if held, err := db.W().CompleteJob(ctx, id, "dead-worker", time.Now()); err != nil || held {
			t.Fatalf("dead worker completed a job it lost: %v %v", held, err)
		}
	})
}

func TestEnqueueIsTransactionalAndUnique(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB, _ string) {
		ctx := context.Background()
		boom := errors.New("rolled back")
		err := db.Tx(ctx, func(q *store.Q) error {
			if _, err := jobs.Enqueue(ctx, q, "tx", nil, time.Now(), jobs.Options{}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if js, err := db.R().JobsOfKind(ctx, "tx", 10); err != nil || len(js) != 0 {
			t.Fatalf("job of a rolled-back transaction: %v %v", js, err)
		}
		first := enqueue(t, db, "digest", nil, jobs.Options{UniqueKey: "digest:2026-10-10"})
		second := enqueue(t, db, "digest", nil, jobs.Options{UniqueKey: "digest:2026-10-10"})
		third := enqueue(t, db, "digest", nil, jobs.Options{UniqueKey: "digest:2026-10-11"})
		if first == 0 || second != 0 || third == 0 {
			t.Fatalf("unique enqueue ids = %d, %d, %d", first, second, third)
		}
		// Jobs of kinds a runner does not handle are left for runners that do.
		if j, err := db.W().ClaimJob(ctx, []string{"other"}, "w", time.Now(), time.Minute); err != nil || j != nil {
			t.Fatalf("claimed a job of another kind: %+v %v", j, err)
		}
	})
}

// A job enqueued by another instance wakes this runner at once on
// PostgreSQL (LISTEN/NOTIFY), long before its next poll.
func TestOtherInstanceWakesRunner(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB, url string) {
		if db.Dialect != store.Postgres {
			t.Skip("SQLite has no cross-process notification; runners poll")
		}
		other, err := store.Open(context.Background(), url, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		r := jobs.NewRunner(db, jobs.RunnerOptions{PollInterval: time.Hour})
		r.Register("ping", func(ctx context.Context, j jobs.Job) error { return nil })
		start(t, r)
		// The listener connects in the background: announce jobs until one
		// is run; with an hour between polls only a notification can do it.
		for i := 0; ; i++ {
			id := enqueue(t, other, "ping", nil, jobs.Options{})
			time.Sleep(300 * time.Millisecond)
			if j, _ := db.R().JobByID(context.Background(), id); j.DoneAt != nil {
				break
			}
			if i == 30 {
				t.Fatal("no job enqueued by the other instance ran")
			}
		}
	})
}

func TestPrune(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB, _ string) {
		ctx := context.Background()
		id := enqueue(t, db, "old", nil, jobs.Options{})
		pending := enqueue(t, db, "old", nil, jobs.Options{})
		j, _ := db.W().ClaimJob(ctx, []string{"old"}, "w", time.Now(), time.Minute)
		if j.ID != id {
			t.Fatalf("claimed %d, want the older %d", j.ID, id)
		}
		if _, err := db.W().CompleteJob(ctx, id, "w", time.Now().Add(-8*24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		n, err := db.W().PruneJobs(ctx, time.Now().Add(-7*24*time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("pruned %d, %v", n, err)
		}
		if _, err := db.R().JobByID(ctx, pending); err != nil {
			t.Fatalf("pending job pruned: %v", err)
		}
	})
}
