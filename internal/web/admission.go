package web

import (
	"net/http"
	"runtime"
	"sync"
	"time"
)

// requestGate admits a bounded number of requests at a time; the rest wait
// their turn, parked, in arrival order, instead of all running at once.
//
// Why: SQLite has one writer, and a write transaction holds it across
// several statements. With sixty-four page views running on two cores, the
// goroutine holding the write lock gets a sixty-fifth of the CPU, so every
// reply posted waits behind it; the benchmark saw about 100 replies/s
// beside readers against 400 alone. Admitting about two readers per core
// keeps the CPU as busy (with SQLite, pages are CPU-bound) while the lock
// holder is scheduled promptly: 255 replies/s instead of 113 in the same
// run, and readers faster too. PostgreSQL requests wait on the network, so
// the application admits more of them at a time.
//
// A slot is held at most holdLimit: a download that streams for minutes
// gives its slot back early, so slow clients cannot starve the pages.
type requestGate struct {
	slots chan struct{}
}

const holdLimit = 100 * time.Millisecond

// DefaultConcurrency is how many requests run at once on SQLite: about two
// per core keeps both busy without crowding out the writer.
func DefaultConcurrency() int { return 2 * runtime.GOMAXPROCS(0) }

func newRequestGate(n int) *requestGate {
	if n <= 0 {
		n = 2 * runtime.GOMAXPROCS(0)
	}
	return &requestGate{slots: make(chan struct{}, n)}
}

func (g *requestGate) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case g.slots <- struct{}{}:
		case <-r.Context().Done():
			return // the client went away while waiting
		}
		var once sync.Once
		release := func() { once.Do(func() { <-g.slots }) }
		t := time.AfterFunc(holdLimit, release)
		defer func() {
			t.Stop()
			release()
		}()
		next.ServeHTTP(w, r)
	})
}
