package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Writers: members of the longest topic's community, each signed in through
// the login form as a browser would be, post replies through the topic
// page's form (with the session's CSRF token) as fast as the server takes
// them, while readers load community and topic pages. Every reply carries a
// nonce; afterwards the replies in the database are matched against the
// posts the server confirmed (303 to the new reply), so that a reply lost
// or written twice is counted, not assumed away.

// writer is one signed-in member.
type writer struct {
	n        int
	username string
	session  string // the yx_session cookie's value
	csrf     string // the session's CSRF token
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// cookieValue returns the value of a cookie a response sets.
func cookieValue(resp *http.Response, name string) string {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// do sends one request and reads the whole body.
func do(rt http.RoundTripper, req *http.Request) (*http.Response, []byte, error) {
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	return resp, b, err
}

// signIn logs a member in through the form: the login page gives the
// visitor's CSRF cookie, the form post the session, and a page read with
// the session the session's own CSRF token.
func signIn(ctx context.Context, rt http.RoundTripper, base string, n int, username, password string) (*writer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/login", nil)
	if err != nil {
		return nil, err
	}
	resp, _, err := do(rt, req)
	if err != nil {
		return nil, fmt.Errorf("login page: %w", err)
	}
	visitor := cookieValue(resp, "yx_csrf")
	if visitor == "" {
		return nil, fmt.Errorf("login page set no yx_csrf cookie (status %d)", resp.StatusCode)
	}
	form := url.Values{"username": {username}, "password": {password}, "csrf": {visitor}}
	req, err = http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", "yx_csrf="+visitor)
	resp, _, err = do(rt, req)
	if err != nil {
		return nil, fmt.Errorf("log in as %s: %w", username, err)
	}
	w := &writer{n: n, username: username, session: cookieValue(resp, "yx_session")}
	if resp.StatusCode != http.StatusSeeOther || w.session == "" {
		return nil, fmt.Errorf("log in as %s: status %d, no session (is the password %q right?)", username, resp.StatusCode, password)
	}
	req, err = http.NewRequestWithContext(ctx, http.MethodGet, base+"/", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Cookie", "yx_session="+w.session)
	resp, body, err := do(rt, req)
	if err != nil {
		return nil, fmt.Errorf("home page as %s: %w", username, err)
	}
	m := csrfField.FindSubmatch(body)
	if m == nil {
		return nil, fmt.Errorf("home page as %s (status %d) has no CSRF field", username, resp.StatusCode)
	}
	w.csrf = string(m[1])
	return w, nil
}

// signInAll signs the writers in, a few at a time (password hashing is slow
// on purpose).
func signInAll(ctx context.Context, rt http.RoundTripper, base string, names []string, password string) ([]*writer, error) {
	out := make([]*writer, len(names))
	errs := make([]error, len(names))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i], errs[i] = signIn(ctx, rt, base, i, name, password)
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// post is one reply the server confirmed.
type post struct {
	Nonce   string
	ReplyID int64
}

// writerStats is what one writer saw.
type writerStats struct {
	hist     histogram
	ok       []post
	failed   int64
	statuses map[int]int64
	firstErr error
}

// replyBody is the text of a benchmark reply: a teacher's note with the
// nonce that identifies it.
func replyBody(nonce string) string {
	return "今天在课堂上试了新的小组分工，学生参与明显多了，下周继续观察。（压测 " + nonce + "）"
}

var nonceInBody = regexp.MustCompile(`（压测 ([A-Za-z0-9-]+)）`)

// locationReply reads the reply ID from the redirect after a post,
// "/topics/12?page=3#r345".
func locationReply(loc string) (int64, bool) {
	i := strings.LastIndex(loc, "#r")
	if i < 0 {
		return 0, false
	}
	id, err := strconv.ParseInt(loc[i+2:], 10, 64)
	return id, err == nil && id > 0
}

// write is the loop of one writer: post a reply, wait for the answer,
// again, until the deadline, rotating over the topics.
func write(ctx context.Context, rt http.RoundTripper, base, run string, w *writer, topics []int64, deadline time.Time, ws *writerStats) {
	ws.statuses = map[int]int64{}
	for seq := 0; ; seq++ {
		t0 := time.Now()
		if !t0.Before(deadline) || ctx.Err() != nil {
			return
		}
		nonce := fmt.Sprintf("%s-w%02d-%06d", run, w.n, seq)
		topic := topics[(w.n+seq)%len(topics)]
		form := url.Values{"body": {replyBody(nonce)}, "csrf": {w.csrf}}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/topics/"+strconv.FormatInt(topic, 10)+"/replies",
			strings.NewReader(form.Encode()))
		if err != nil {
			ws.failed++
			ws.firstErr = err
			return
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", "yx_session="+w.session)
		resp, err := rt.RoundTrip(req)
		if err == nil {
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		lat := time.Since(t0)
		if err != nil {
			ws.failed++
			if ws.firstErr == nil {
				ws.firstErr = err
			}
			continue
		}
		ws.statuses[resp.StatusCode]++
		id, ok := locationReply(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusSeeOther || !ok {
			if ws.firstErr == nil {
				ws.firstErr = fmt.Errorf("POST reply: status %d, location %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			continue
		}
		ws.ok = append(ws.ok, post{Nonce: nonce, ReplyID: id})
		ws.hist.record(lat)
	}
}

// writePhase is the merged outcome of the writers.
type writePhase struct {
	Elapsed  time.Duration
	Posts    []post
	Failed   int64 // transport errors
	Statuses map[int]int64
	FirstErr string
	Hist     histogram
}

// Errors counts the posts that were not confirmed.
func (p *writePhase) Errors() int64 {
	n := p.Failed
	for code, c := range p.Statuses {
		if code != http.StatusSeeOther {
			n += c
		}
	}
	return n
}

// runWriters keeps the writers posting until dur has passed.
func runWriters(ctx context.Context, rt http.RoundTripper, base, run string, ws []*writer, topics []int64, dur time.Duration) writePhase {
	pctx, cancel := context.WithTimeout(ctx, dur+phaseGrace)
	defer cancel()
	stats := make([]writerStats, len(ws))
	start := time.Now()
	deadline := start.Add(dur)
	var wg sync.WaitGroup
	for i, w := range ws {
		wg.Go(func() { write(pctx, rt, base, run, w, topics, deadline, &stats[i]) })
	}
	wg.Wait()
	p := writePhase{Elapsed: time.Since(start), Statuses: map[int]int64{}}
	for i := range stats {
		s := &stats[i]
		p.Hist.merge(&s.hist)
		p.Posts = append(p.Posts, s.ok...)
		p.Failed += s.failed
		for code, n := range s.statuses {
			p.Statuses[code] += n
		}
		if s.firstErr != nil && p.FirstErr == "" {
			p.FirstErr = s.firstErr.Error()
		}
	}
	return p
}

// replyRow is a reply written during the run, as the database holds it.
type replyRow struct {
	ID, TopicID int64
	Nonce       string // "" when the body carries none
}

// tally is the count afterwards.
type tally struct {
	Confirmed      int `json:"confirmed"`      // posts the server answered with the new reply
	Rows           int `json:"rows"`           // replies with a nonce of this run in the database
	Lost           int `json:"lost"`           // confirmed posts with no row (or not the row the server named)
	Duplicated     int `json:"duplicated"`     // posts with more than one row
	Unacknowledged int `json:"unacknowledged"` // rows of posts the server did not confirm (failed or timed out)
	Foreign        int `json:"foreign"`        // other replies written meanwhile
}

// matchReplies matches the rows against the confirmed posts.
func matchReplies(rows []replyRow, posts []post) tally {
	t := tally{Confirmed: len(posts)}
	byNonce := map[string][]int64{}
	for _, r := range rows {
		if r.Nonce == "" {
			t.Foreign++
			continue
		}
		t.Rows++
		byNonce[r.Nonce] = append(byNonce[r.Nonce], r.ID)
	}
	confirmed := make(map[string]bool, len(posts))
	for _, p := range posts {
		confirmed[p.Nonce] = true
		ids := byNonce[p.Nonce]
		found := false
		for _, id := range ids {
			found = found || id == p.ReplyID
		}
		if !found {
			t.Lost++
		}
	}
	for nonce, ids := range byNonce {
		if len(ids) > 1 {
			t.Duplicated++
		}
		if !confirmed[nonce] {
			t.Unacknowledged++
		}
	}
	return t
}

// readRun reads the replies written after the reply afterID whose nonces
// belong to run.
func readRun(ctx context.Context, db *sql.DB, afterID int64, run string) ([]replyRow, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, topic_id, body FROM replies WHERE id > $1 ORDER BY id`, afterID)
	if err != nil {
		return nil, fmt.Errorf("read the replies written: %w", err)
	}
	defer rows.Close()
	var out []replyRow
	for rows.Next() {
		var r replyRow
		var body string
		if err := rows.Scan(&r.ID, &r.TopicID, &body); err != nil {
			return nil, err
		}
		if m := nonceInBody.FindStringSubmatch(body); m != nil && strings.HasPrefix(m[1], run+"-") {
			r.Nonce = m[1]
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// counterState is the reply counters of the writers' topics, summed.
func counterState(ctx context.Context, db *sql.DB, topics []int64) (int64, error) {
	var sum int64
	for _, id := range topics {
		var n int64
		if err := db.QueryRowContext(ctx, `SELECT reply_count FROM topics WHERE id = $1`, id).Scan(&n); err != nil {
			return 0, fmt.Errorf("reply count of topic %d: %w", id, err)
		}
		sum += n
	}
	return sum, nil
}
