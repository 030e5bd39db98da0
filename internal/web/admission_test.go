package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// TestRequestGate checks that the gate bounds the requests running at once,
// gives a slot back after holdLimit to a request that keeps running (a
// long download must not block the site), and lets a waiting request go
// when its client gives up.
func TestRequestGate(t *testing.T) {
	g := newRequestGate(1)
	var running, peak atomic.Int32
	unblock := make(chan struct{})
	h := g.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := running.Add(1)
		defer running.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		if r.URL.Path == "/slow" {
			<-unblock
		}
	}))
	slowDone := make(chan struct{})
	go func() {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/slow", nil))
		close(slowDone)
	}()
	for running.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	// The slow request holds the only slot; a quick one gets it after holdLimit.
	start := time.Now()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/quick", nil))
	if waited := time.Since(start); waited < holdLimit/2 || waited > 20*holdLimit {
		t.Errorf("quick request waited %v behind a slow one; want about %v", waited, holdLimit)
	}
	close(unblock)
	<-slowDone

	// With the slot taken for good, a request whose client leaves returns.
	g.slots <- struct{}{}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan struct{})
	go func() {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/quick", nil).WithContext(ctx))
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a cancelled request kept waiting for a slot")
	}
	<-g.slots
	if p := peak.Load(); p != 2 {
		// Two at once only because the slow one gave its slot back early.
		t.Errorf("peak concurrency %d, want 2 (the slow request and the quick one after holdLimit)", p)
	}
}
