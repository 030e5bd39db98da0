package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"time"
)

// phaseGrace is how long requests still in flight at the end of a phase may
// take before they are cancelled, so a hung server cannot hang the run.
const phaseGrace = 10 * time.Second

// newLoadTransport returns the one transport all workers share: keep-alive
// connections, one idle connection kept per worker, no compression (the
// server does not compress, and the client should not spend CPU on it).
func newLoadTransport(conns int) *http.Transport {
	return &http.Transport{
		MaxIdleConns:          conns,
		MaxIdleConnsPerHost:   conns,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		DisableCompression:    true,
		ForceAttemptHTTP2:     false,
	}
}

// scenario is one kind of page under load: a rotating set of URLs.
type scenario struct {
	Key     string // space, institution, me
	Label   string
	Pattern string // path shape shown in the report
	reqs    []*http.Request
}

// newScenario prepares the requests of a scenario once; workers send them
// as they are, read-only, which net/http allows for bodiless requests.
func newScenario(key, label, pattern string, urls []string, header http.Header) (*scenario, error) {
	s := &scenario{Key: key, Label: label, Pattern: pattern}
	for _, u := range urls {
		r, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", key, err)
		}
		for k, v := range header {
			r.Header[k] = v
		}
		s.reqs = append(s.reqs, r)
	}
	if len(s.reqs) == 0 {
		return nil, fmt.Errorf("scenario %s: no URLs", key)
	}
	return s, nil
}

// workerStats is what one worker saw; it is private to its goroutine until
// the phase ends.
type workerStats struct {
	hist     histogram
	ok       int64
	failed   int64 // transport errors: refused, reset, timed out
	bytes    int64
	statuses [600]int64
	firstErr error
}

// phaseResult is the merged outcome of one timed phase.
type phaseResult struct {
	Elapsed  time.Duration
	OK       int64 // 200 responses, the only ones counted as throughput
	Failed   int64 // transport errors
	Statuses map[int]int64
	Bytes    int64
	FirstErr string
	Hist     histogram
}

// Errors counts everything that was not a 200 response.
func (p *phaseResult) Errors() int64 {
	n := p.Failed
	for code, c := range p.Statuses {
		if code != http.StatusOK {
			n += c
		}
	}
	return n
}

// runPhase keeps conns workers sending the scenario's requests, each
// starting at its own place in the rotation, until dur has passed. A worker
// finishes the request it has in flight, so the phase may end slightly
// after dur; requests per second are computed on the real elapsed time.
func runPhase(ctx context.Context, rt http.RoundTripper, s *scenario, conns int, dur time.Duration) phaseResult {
	pctx, cancel := context.WithTimeout(ctx, dur+phaseGrace)
	defer cancel()
	reqs := make([]*http.Request, len(s.reqs))
	for i, r := range s.reqs {
		reqs[i] = r.WithContext(pctx)
	}
	done := pctx.Done()
	workers := make([]workerStats, conns)
	finished := make(chan struct{}, conns)
	start := time.Now()
	deadline := start.Add(dur)
	for w := range conns {
		go func() {
			defer func() { finished <- struct{}{} }()
			work(rt, reqs, w*len(reqs)/conns, deadline, done, &workers[w])
		}()
	}
	for range conns {
		<-finished
	}
	res := phaseResult{Elapsed: time.Since(start), Statuses: map[int]int64{}}
	for i := range workers {
		ws := &workers[i]
		res.Hist.merge(&ws.hist)
		res.OK += ws.ok
		res.Failed += ws.failed
		res.Bytes += ws.bytes
		for code, c := range ws.statuses {
			if c > 0 {
				res.Statuses[code] += c
			}
		}
		if ws.firstErr != nil && res.FirstErr == "" {
			res.FirstErr = ws.firstErr.Error()
		}
	}
	return res
}

// work is the loop of one worker: send, read the body to the end so the
// connection can be reused, time it. Only 200 responses enter the latency
// histogram; the rest are counted by status.
func work(rt http.RoundTripper, reqs []*http.Request, next int, deadline time.Time, done <-chan struct{}, ws *workerStats) {
	for {
		select {
		case <-done:
			return
		default:
		}
		t0 := time.Now()
		if !t0.Before(deadline) {
			return
		}
		req := reqs[next]
		if next++; next == len(reqs) {
			next = 0
		}
		resp, err := rt.RoundTrip(req)
		if err != nil {
			ws.failed++
			if ws.firstErr == nil {
				ws.firstErr = err
			}
			continue
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		lat := time.Since(t0)
		if err != nil {
			ws.failed++
			if ws.firstErr == nil {
				ws.firstErr = err
			}
			continue
		}
		ws.bytes += n
		code := resp.StatusCode
		if code < 0 || code >= len(ws.statuses) {
			code = 0
		}
		ws.statuses[code]++
		if code == http.StatusOK {
			ws.ok++
			ws.hist.record(lat)
		}
	}
}

// statusSummary lists the non-200 statuses, most frequent first, such as
// "404×12, 500×3".
func statusSummary(st map[int]int64) string {
	type kv struct {
		code int
		n    int64
	}
	var list []kv
	for code, n := range st {
		if code != http.StatusOK && n > 0 {
			list = append(list, kv{code, n})
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].n != list[j].n {
			return list[i].n > list[j].n
		}
		return list[i].code < list[j].code
	})
	out := ""
	for i, e := range list {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%d×%d", e.code, e.n)
	}
	return out
}
