package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// communityRun is what the community scenarios share: the database, what
// was found in it, and the signed-in writers.
type communityRun struct {
	db      *sql.DB
	data    communityData
	writers []*writer
}

func (c *communityRun) homeURLs(srv *server) []string {
	out := make([]string, len(c.data.IDs))
	for i, id := range c.data.IDs {
		out[i] = srv.url("/c/" + strconv.FormatInt(id, 10))
	}
	return out
}

func (c *communityRun) topicURL(srv *server) string {
	return srv.url("/topics/" + strconv.FormatInt(c.data.TopicID, 10))
}

// prepareCommunities opens the database and finds the communities, the
// long topic and the writers, and signs the writers in, when a community
// scenario is chosen; otherwise it returns nil.
func prepareCommunities(ctx context.Context, o options, srv *server, api *apiClient, log io.Writer) (*communityRun, error) {
	if !slices.ContainsFunc(o.scenarios, func(s string) bool { return slices.Contains(communityScenarios, s) }) {
		return nil, nil
	}
	db, err := openDatabase(o.dbURL, o.data)
	if err != nil {
		return nil, err
	}
	cs := &communityRun{db: db}
	if cs.data, err = discoverCommunities(ctx, db, api, o.pick, o.writers); err != nil {
		db.Close()
		return nil, err
	}
	d := cs.data
	fmt.Fprintf(log, "communities: %s, %s topics, %s replies; rotating %d community homes; longest topic %d (%s replies) in community %d\n",
		count(int64(d.Communities)), count(int64(d.Topics)), count(int64(d.Replies)), len(d.IDs), d.TopicID,
		count(int64(d.TopicReplies)), d.TopicSpace)
	if d.Communities < 10_000 || d.Replies < 1_000_000 {
		fmt.Fprintf(log, "WARNING: %s communities and %s replies are below the issue's scale (10,000 and 1,000,000); run with --reseed\n",
			count(int64(d.Communities)), count(int64(d.Replies)))
	}
	if slices.Contains(o.scenarios, "writers") {
		tr := newLoadTransport(4)
		defer tr.CloseIdleConnections()
		if cs.writers, err = signInAll(ctx, tr, "http://"+srv.addr, d.Writers, o.password); err != nil {
			db.Close()
			return nil, fmt.Errorf("sign the writers in: %w", err)
		}
		fmt.Fprintf(log, "signed in %d writers of community %d through POST /login\n", len(cs.writers), d.TopicSpace)
	}
	return cs, nil
}

// writeResult is the figures of the writers' phase and the count afterwards.
type writeResult struct {
	Writers   int              `json:"writers"`
	Community int64            `json:"community_id"`
	Topics    int              `json:"topics"`
	OK        int64            `json:"confirmed_posts"`
	Errors    int64            `json:"errors"`
	Statuses  map[string]int64 `json:"statuses,omitempty"`
	FirstErr  string           `json:"first_error,omitempty"`
	Elapsed   float64          `json:"elapsed_seconds"`
	RPS       float64          `json:"replies_per_second"`
	P50       float64          `json:"p50_ms"`
	P90       float64          `json:"p90_ms"`
	P99       float64          `json:"p99_ms"`
	Max       float64          `json:"max_ms"`
	// Readers is the readers' phase beside the writers; its CPU figures
	// are the whole phase's, writers included.
	Readers scenarioResult `json:"readers"`
	Count   tally          `json:"count"`
	// The writers' topics' reply counters rose by CounterDelta; the rows
	// written in those topics are CounterRows.
	CounterDelta int64 `json:"topic_counter_delta"`
	CounterRows  int   `json:"rows_in_topics"`
}

// Lossless reports whether the database holds every confirmed reply once,
// and the topics' counters agree.
func (w *writeResult) Lossless() bool {
	return w.Count.Lost == 0 && w.Count.Duplicated == 0 && w.CounterDelta == int64(w.CounterRows)
}

// runWriteScenario runs the readers' warm-up, then the writers beside the
// readers, then counts the replies in the database.
func runWriteScenario(ctx context.Context, o options, srv *server, cs *communityRun, tr http.RoundTripper, s *scenario, rss *rssSampler, log io.Writer) (writeResult, error) {
	d := cs.data
	fmt.Fprintf(log, "%s: warm-up %s (readers only), then %s of %d writers posting to %d topics of community %d beside %d readers\n",
		s.Label, o.warmup, o.duration, len(cs.writers), len(d.WriteTopics), d.TopicSpace, o.conns)
	if o.warmup > 0 {
		runPhase(ctx, tr, s, o.conns, o.warmup)
	}
	var before int64
	if err := cs.db.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM replies`).Scan(&before); err != nil {
		return writeResult{}, fmt.Errorf("last reply before writing: %w", err)
	}
	counters0, err := counterState(ctx, cs.db, d.WriteTopics)
	if err != nil {
		return writeResult{}, err
	}
	wtr := newLoadTransport(len(cs.writers))
	defer wtr.CloseIdleConnections()
	run := "b" + strconv.FormatInt(time.Now().UnixMilli(), 36)

	rss.window()
	srvCPU0, _ := processCPU(srv.pid())
	cliCPU0 := selfCPU()
	busy0, _ := machineBusy()
	var rp phaseResult
	var wg sync.WaitGroup
	wg.Go(func() { rp = runPhase(ctx, tr, s, o.conns, o.duration) })
	wp := runWriters(ctx, wtr, "http://"+srv.addr, run, cs.writers, d.WriteTopics, o.duration)
	wg.Wait()
	if ctx.Err() != nil {
		return writeResult{}, ctx.Err()
	}
	srvCPU1, _ := processCPU(srv.pid())
	busy1, _ := machineBusy()
	srvCPU, cliCPU := srvCPU1-srvCPU0, selfCPU()-cliCPU0
	peak := rss.window()

	rows, err := readRun(ctx, cs.db, before, run)
	if err != nil {
		return writeResult{}, err
	}
	counters1, err := counterState(ctx, cs.db, d.WriteTopics)
	if err != nil {
		return writeResult{}, err
	}
	res := writeResult{Writers: len(cs.writers), Community: d.TopicSpace, Topics: len(d.WriteTopics), OK: int64(len(wp.Posts)),
		Errors: wp.Errors(), FirstErr: wp.FirstErr, Elapsed: wp.Elapsed.Seconds(), P50: ms(wp.Hist.percentile(0.50)),
		P90: ms(wp.Hist.percentile(0.90)), P99: ms(wp.Hist.percentile(0.99)), Max: ms(wp.Hist.max),
		Readers: newScenarioResult(s, &rp, peak, srvCPU, cliCPU, max(0, busy1-busy0-srvCPU-cliCPU)),
		Count:   matchReplies(rows, wp.Posts), CounterDelta: counters1 - counters0}
	if wp.Elapsed > 0 {
		res.RPS = float64(len(wp.Posts)) / wp.Elapsed.Seconds()
	}
	for _, r := range rows {
		if slices.Contains(d.WriteTopics, r.TopicID) {
			res.CounterRows++
		}
	}
	for code, n := range wp.Statuses {
		if code != http.StatusSeeOther {
			if res.Statuses == nil {
				res.Statuses = map[string]int64{}
			}
			res.Statuses[strconv.Itoa(code)] = n
		}
	}
	res.Readers.Label = "readers beside writers"
	fmt.Fprintf(log, "  %s replies/s (p99 %s, %s errors) beside %s reads/s (p99 %s); counted %s rows: %d lost, %d duplicated\n",
		count(int64(res.RPS)), millis(res.P99), count(res.Errors), count(int64(res.Readers.RPS)), millis(res.Readers.P99),
		count(int64(res.Count.Rows)), res.Count.Lost, res.Count.Duplicated)
	return res, nil
}
