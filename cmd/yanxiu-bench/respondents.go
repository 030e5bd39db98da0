package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Respondents (issue 5): "500 concurrent respondents submitting sustain
// ≥ 500 submissions/s on SQLite with none lost". A person answers a
// questionnaire once, so a sustained rate cannot come from one
// questionnaire answered over and over: the scenario makes Q
// questionnaires from the community template (named, as the demo's is),
// distributes each to the district with the most teachers through the
// distribution form, as a manager does, and opens it; then N teachers of
// that district, each with an API token of their own, submit their
// complete response to questionnaire 1, 2, … Q in turn (each starting at a
// different one, so they do not queue on one questionnaire), all at once,
// through POST /api/v1/surveys/{id}/responses. The rate is N×Q confirmed
// submissions over the wall-clock time from the first to the last. A few
// respondents then submit again and must be refused (409). Afterwards the
// responses in the database are matched against the submissions the
// server confirmed (201), so that a response lost or written twice is
// counted, not assumed away; the participants table and the
// questionnaires' response counters must agree with them.
//
// The run adds its questionnaires and responses to the data folder; they
// are titled "压测 …" and do not disturb the other scenarios.

// The issue-5 target.
const targetSubmissionsPerSec = 500

// respondent is one teacher with an API token.
type respondent struct {
	UserID   int64
	Username string
	token    string
}

// respondentTally is the count afterwards.
type respondentTally struct {
	Confirmed      int   `json:"confirmed"`      // submissions answered 201
	Rows           int   `json:"rows"`           // submitted responses of the run's questionnaires in the database
	Participants   int   `json:"participants"`   // survey_participants rows of those questionnaires
	Counters       int64 `json:"counters"`       // the questionnaires' response_count, summed
	Lost           int   `json:"lost"`           // confirmed submissions with no response
	Duplicated     int   `json:"duplicated"`     // (questionnaire, person) pairs with more than one response
	Unacknowledged int   `json:"unacknowledged"` // responses of submissions the server did not confirm
}

// respondentResult is the respondents scenario's figures.
type respondentResult struct {
	Respondents    int     `json:"respondents"`
	Questionnaires int     `json:"questionnaires"`
	Items          int     `json:"items_per_questionnaire"`
	BodyBytes      int     `json:"avg_body_bytes"`
	District       string  `json:"district"`
	DistrictID     int64   `json:"district_id"`
	SurveyIDs      []int64 `json:"survey_ids"`
	TokenSeconds   float64 `json:"token_seconds"` // issuing the respondents' tokens in one yanxiu token create
	SetupSeconds   float64 `json:"setup_seconds"` // creating, distributing and opening the questionnaires

	Submitted int64            `json:"submitted"`
	Errors    int64            `json:"errors"`
	Statuses  map[string]int64 `json:"statuses,omitempty"`
	FirstErr  string           `json:"first_error,omitempty"`
	Elapsed   float64          `json:"elapsed_seconds"`
	RPS       float64          `json:"submissions_per_second"`
	P50       float64          `json:"p50_ms"`
	P90       float64          `json:"p90_ms"`
	P99       float64          `json:"p99_ms"`
	Max       float64          `json:"max_ms"`
	ServerCPU float64          `json:"server_cpu_cores"`
	ClientCPU float64          `json:"client_cpu_cores"`
	OtherCPU  float64          `json:"other_cpu_cores"`
	CPUPerSub float64          `json:"server_cpu_ms_per_submission"`
	PeakRSS   int64            `json:"server_peak_rss_bytes"`

	// Resubmitted respondents submitted once more; Refused of them got 409.
	Resubmitted int             `json:"resubmitted"`
	Refused     int             `json:"refused"`
	Count       respondentTally `json:"count"`
}

// Lossless reports whether every confirmed submission is in the database
// once, with participants and counters agreeing, and second submissions
// were refused.
func (r *respondentResult) Lossless() bool {
	c := r.Count
	return c.Lost == 0 && c.Duplicated == 0 && c.Unacknowledged == 0 && c.Rows == c.Confirmed &&
		c.Participants == c.Rows && c.Counters == int64(c.Rows) && r.Refused == r.Resubmitted
}

// pickRespondents finds the district with the most active teachers and
// returns it with the first n of them by ID.
func pickRespondents(ctx context.Context, db *sql.DB, n int) (districtID int64, district string, rs []*respondent, err error) {
	type inst struct {
		id         int64
		path, name string
	}
	rows, err := db.QueryContext(ctx, `SELECT id, path, name, level FROM spaces WHERE kind = 'institution'`)
	if err != nil {
		return 0, "", nil, fmt.Errorf("read institutions: %w", err)
	}
	var districts []inst
	paths := map[int64]string{}
	for rows.Next() {
		var i inst
		var level string
		if err := rows.Scan(&i.id, &i.path, &i.name, &level); err != nil {
			rows.Close()
			return 0, "", nil, err
		}
		paths[i.id] = i.path
		if level == "district" {
			districts = append(districts, i)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, "", nil, err
	}
	teachers := map[int64]int{} // per institution
	rows, err = db.QueryContext(ctx, `SELECT institution_id, count(*) FROM users WHERE role = 'teacher' AND NOT disabled
		AND institution_id IS NOT NULL GROUP BY institution_id`)
	if err != nil {
		return 0, "", nil, fmt.Errorf("count teachers: %w", err)
	}
	for rows.Next() {
		var id int64
		var c int
		if err := rows.Scan(&id, &c); err != nil {
			rows.Close()
			return 0, "", nil, err
		}
		teachers[id] = c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, "", nil, err
	}
	best, bestN := inst{}, 0
	for _, d := range districts {
		c := 0
		for id, p := range paths {
			if strings.HasPrefix(p, d.path) {
				c += teachers[id]
			}
		}
		if c > bestN || (c == bestN && d.id < best.id) {
			best, bestN = d, c
		}
	}
	if bestN < n {
		return 0, "", nil, fmt.Errorf("no district has %d active teachers (the largest, %q, has %d); seed the district demo or lower --respondents",
			n, best.name, bestN)
	}
	var under []int64
	for id, p := range paths {
		if strings.HasPrefix(p, best.path) {
			under = append(under, id)
		}
	}
	sort.Slice(under, func(i, j int) bool { return under[i] < under[j] })
	ids := make([]string, len(under))
	for i, id := range under {
		ids[i] = strconv.FormatInt(id, 10)
	}
	rows, err = db.QueryContext(ctx, `SELECT id, username FROM users WHERE role = 'teacher' AND NOT disabled
		AND institution_id IN (`+strings.Join(ids, ",")+`) ORDER BY id LIMIT $1`, n)
	if err != nil {
		return 0, "", nil, fmt.Errorf("pick respondents: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r := &respondent{}
		if err := rows.Scan(&r.UserID, &r.Username); err != nil {
			return 0, "", nil, err
		}
		rs = append(rs, r)
	}
	if err := rows.Err(); err != nil {
		return 0, "", nil, err
	}
	if len(rs) < n {
		return 0, "", nil, fmt.Errorf("found %d teachers in %q, want %d", len(rs), best.name, n)
	}
	return best.id, best.name, rs, nil
}

// issueTokens gives every respondent an API token with one yanxiu token
// create (a process per token would open the database hundreds of times).
func issueTokens(ctx context.Context, bin, data, dbURL string, rs []*respondent) error {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = r.Username
	}
	out, err := runTool(ctx, bin, withDB([]string{"token", "create", "--data", data, "--user", strings.Join(names, ","),
		"--name", "yanxiu-bench respondent"}, dbURL)...)
	if err != nil {
		return err
	}
	lines := strings.Fields(out)
	if len(lines) != len(rs) {
		return fmt.Errorf("token create printed %d tokens for %d users", len(lines), len(rs))
	}
	for i, r := range rs {
		r.token = lines[i]
	}
	return nil
}

// jsonCall sends a JSON request with a bearer token and decodes the answer
// when its status is want.
func jsonCall(ctx context.Context, c *http.Client, method, u, token string, body, out any, want int) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, u, err)
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: status %d, want %d: %.300s", method, u, resp.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: %w", method, u, err)
		}
	}
	return nil
}

// benchSurvey is what the scenario reads of GET /api/v1/surveys/{id}.
type benchSurvey struct {
	ID       int64 `json:"id"`
	Sections []struct {
		Items []benchItem `json:"items"`
	} `json:"sections"`
	Viewer struct {
		Accepting bool `json:"accepting"`
		Answered  bool `json:"answered"`
	} `json:"viewer"`
}

type benchItem struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"`
	Options []struct {
		Value int `json:"value"`
	} `json:"options"`
	Scale int `json:"scale"`
	Rows  []struct {
		ID string `json:"id"`
	} `json:"rows"`
	Min        *float64 `json:"min"`
	Max        *float64 `json:"max"`
	MaxChoices int      `json:"max_choices"`
	MaxLength  int      `json:"max_length"`
}

// otherCode is the option value of "other, please specify", which needs a
// text; the generated answers avoid it.
const otherCode = 99

// choices are an item's option values without "other".
func (it *benchItem) choices() []int {
	var out []int
	for _, o := range it.Options {
		if o.Value != otherCode {
			out = append(out, o.Value)
		}
	}
	if len(out) == 0 {
		for v := 1; v <= it.Scale; v++ {
			out = append(out, v)
		}
	}
	return out
}

// answerAll is a complete response to every item of a questionnaire, as a
// conscientious teacher gives it: a point on every scale, a choice for
// every question, a number in range and a sentence for the open questions.
// Items a condition hides are answered too; the server drops those answers.
func answerAll(sv *benchSurvey, r *rand.Rand) (map[string]any, int) {
	out := map[string]any{}
	n := 0
	for _, sec := range sv.Sections {
		for i := range sec.Items {
			it := &sec.Items[i]
			n++
			cs := it.choices()
			pick := func() int { return cs[r.IntN(len(cs))] }
			switch it.Kind {
			case "single", "likert", "demographic":
				if len(cs) > 0 {
					out[it.ID] = map[string]any{"choice": pick()}
				}
			case "multiple":
				if len(cs) > 0 {
					k := 1 + r.IntN(min(len(cs), 3))
					if it.MaxChoices > 0 {
						k = min(k, it.MaxChoices)
					}
					perm := r.Perm(len(cs))[:k]
					vals := make([]int, k)
					for j, p := range perm {
						vals[j] = cs[p]
					}
					sort.Ints(vals)
					out[it.ID] = map[string]any{"choices": vals}
				}
			case "matrix":
				rows := map[string]int{}
				for _, row := range it.Rows {
					if len(cs) > 0 {
						rows[row.ID] = pick()
					}
				}
				out[it.ID] = map[string]any{"rows": rows}
			case "number":
				lo, hi := 0.0, 40.0
				if it.Min != nil {
					lo = *it.Min
				}
				if it.Max != nil {
					hi = *it.Max
				}
				if hi < lo {
					hi = lo
				}
				v := int(lo) + r.IntN(int(hi-lo)+1)
				out[it.ID] = map[string]any{"number": strconv.Itoa(v)}
			case "text":
				t := "研修活动安排合理，希望增加课堂观察和同伴互评的机会。"
				if it.MaxLength > 0 && len([]rune(t)) > it.MaxLength {
					t = string([]rune(t)[:it.MaxLength])
				}
				out[it.ID] = map[string]any{"text": t}
			}
		}
	}
	return out, n
}

// makeQuestionnaires creates q questionnaires from the community template
// as the API user, distributes each to the district through the
// distribution form (signed in as the same user) and opens it.
func makeQuestionnaires(ctx context.Context, o options, srv *server, adminToken string, districtID int64, run string, q int) ([]int64, error) {
	c := &http.Client{Timeout: 60 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tr := newLoadTransport(2)
	defer tr.CloseIdleConnections()
	admin, err := signIn(ctx, tr, "http://"+srv.addr, 0, o.user, o.password)
	if err != nil {
		return nil, fmt.Errorf("sign %s in to distribute the questionnaires: %w", o.user, err)
	}
	ids := make([]int64, q)
	for i := range q {
		var created struct {
			ID int64 `json:"id"`
		}
		body := map[string]any{"template": "community", "title": fmt.Sprintf("压测 %s 第 %d 份问卷", run, i+1)}
		if err := jsonCall(ctx, c, http.MethodPost, srv.url("/api/v1/surveys"), adminToken, body, &created, http.StatusCreated); err != nil {
			return nil, err
		}
		ids[i] = created.ID
		form := url.Values{"kind": {"institution"}, "institution": {strconv.FormatInt(districtID, 10)}, "csrf": {admin.csrf}}
		path := "/surveys/" + strconv.FormatInt(created.ID, 10) + "/distributions"
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.url(path), strings.NewReader(form.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", "yx_session="+admin.session)
		resp, b, err := do(tr, req)
		if err != nil {
			return nil, fmt.Errorf("POST %s: %w", path, err)
		}
		if resp.StatusCode != http.StatusSeeOther {
			return nil, fmt.Errorf("POST %s: status %d, want 303: %.300s", path, resp.StatusCode, b)
		}
		st := map[string]string{"status": "open"}
		if err := jsonCall(ctx, c, http.MethodPost, srv.url("/api/v1/surveys/"+strconv.FormatInt(created.ID, 10)+"/status"),
			adminToken, st, nil, http.StatusOK); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// submission is one response the server confirmed.
type submission struct {
	survey, user int64
}

// respondentStats is what one respondent saw.
type respondentStats struct {
	hist     histogram
	ok       []submission
	failed   int64
	statuses map[int]int64
	firstErr error
}

// respond is the loop of one respondent: every questionnaire once, in
// turn from its own starting point, each submission sent as soon as the
// previous one is answered.
func respond(ctx context.Context, rt http.RoundTripper, base string, i int, r *respondent, ids []int64, bodies [][]byte, rs *respondentStats) {
	rs.statuses = map[int]int64{}
	for k := range ids {
		j := (i + k) % len(ids)
		if ctx.Err() != nil {
			return
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/surveys/"+strconv.FormatInt(ids[j], 10)+"/responses",
			bytes.NewReader(bodies[j]))
		if err != nil {
			rs.failed++
			rs.firstErr = err
			return
		}
		req.Header.Set("Authorization", "Bearer "+r.token)
		req.Header.Set("Content-Type", "application/json")
		t0 := time.Now()
		resp, err := rt.RoundTrip(req)
		var b []byte
		if err == nil {
			b, err = io.ReadAll(io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		lat := time.Since(t0)
		if err != nil {
			rs.failed++
			if rs.firstErr == nil {
				rs.firstErr = err
			}
			continue
		}
		rs.statuses[resp.StatusCode]++
		if resp.StatusCode != http.StatusCreated {
			if rs.firstErr == nil {
				rs.firstErr = fmt.Errorf("POST responses of survey %d as %s: status %d: %.200s", ids[j], r.Username, resp.StatusCode, b)
			}
			continue
		}
		rs.ok = append(rs.ok, submission{survey: ids[j], user: r.UserID})
		rs.hist.record(lat)
	}
}

// countResponses matches the run's responses in the database against the
// confirmed submissions.
func countResponses(ctx context.Context, db *sql.DB, ids []int64, ok []submission) (respondentTally, error) {
	t := respondentTally{Confirmed: len(ok)}
	in := make([]string, len(ids))
	for i, id := range ids {
		in[i] = strconv.FormatInt(id, 10)
	}
	list := strings.Join(in, ",")
	rows, err := db.QueryContext(ctx, `SELECT survey_id, COALESCE(user_id, 0), count(*) FROM survey_responses
		WHERE survey_id IN (`+list+`) AND status = 'submitted' GROUP BY survey_id, COALESCE(user_id, 0)`)
	if err != nil {
		return t, fmt.Errorf("count the responses: %w", err)
	}
	stored := map[submission]int{}
	for rows.Next() {
		var s submission
		var n int
		if err := rows.Scan(&s.survey, &s.user, &n); err != nil {
			rows.Close()
			return t, err
		}
		stored[s] = n
		t.Rows += n
		if n > 1 {
			t.Duplicated++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return t, err
	}
	confirmed := make(map[submission]bool, len(ok))
	for _, s := range ok {
		confirmed[s] = true
		if stored[s] == 0 {
			t.Lost++
		}
	}
	for s := range stored {
		if !confirmed[s] {
			t.Unacknowledged++
		}
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM survey_participants WHERE survey_id IN (`+list+`)`).Scan(&t.Participants); err != nil {
		return t, fmt.Errorf("count the participants: %w", err)
	}
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(sum(response_count), 0) FROM surveys WHERE id IN (`+list+`)`).Scan(&t.Counters); err != nil {
		return t, fmt.Errorf("sum the response counters: %w", err)
	}
	return t, nil
}

// runRespondents prepares the questionnaires and the respondents, runs the
// submissions and counts the responses afterwards.
func runRespondents(ctx context.Context, o options, srv *server, adminToken string, rss *rssSampler, log io.Writer) (*respondentResult, error) {
	db, err := openDatabase(o.dbURL, o.data)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	res := &respondentResult{Respondents: o.respondents, Questionnaires: o.questionnaires}
	var rs []*respondent
	if res.DistrictID, res.District, rs, err = pickRespondents(ctx, db, o.respondents); err != nil {
		return nil, err
	}
	t0 := time.Now()
	if err := issueTokens(ctx, o.bin, o.data, o.dbURL, rs); err != nil {
		return nil, fmt.Errorf("issue the respondents' tokens: %w", err)
	}
	res.TokenSeconds = time.Since(t0).Seconds()
	run := "r" + strconv.FormatInt(time.Now().UnixMilli(), 36)
	fmt.Fprintf(log, "respondents: %d teachers of %s (%d) with API tokens (issued in %s); making %d questionnaires %s\n",
		len(rs), res.District, res.DistrictID, seconds(res.TokenSeconds), o.questionnaires, run)
	t0 = time.Now()
	if res.SurveyIDs, err = makeQuestionnaires(ctx, o, srv, adminToken, res.DistrictID, run, o.questionnaires); err != nil {
		return nil, err
	}
	res.SetupSeconds = time.Since(t0).Seconds()

	// Each questionnaire as its first respondent sees it: open to them, and
	// the items their answers are made for.
	c := &http.Client{Timeout: 60 * time.Second}
	defs := make([]*benchSurvey, len(res.SurveyIDs))
	for j, id := range res.SurveyIDs {
		defs[j] = &benchSurvey{}
		if err := jsonCall(ctx, c, http.MethodGet, srv.url("/api/v1/surveys/"+strconv.FormatInt(id, 10)), rs[j%len(rs)].token,
			nil, defs[j], http.StatusOK); err != nil {
			return nil, fmt.Errorf("questionnaire as a respondent sees it: %w", err)
		}
		if !defs[j].Viewer.Accepting || defs[j].Viewer.Answered {
			return nil, fmt.Errorf("questionnaire %d does not accept %s's response", id, rs[j%len(rs)].Username)
		}
	}
	// Every body is made before the clock starts.
	bodies := make([][][]byte, len(rs))
	total := 0
	for i := range rs {
		rnd := rand.New(rand.NewPCG(uint64(i), 5))
		bodies[i] = make([][]byte, len(defs))
		for j, d := range defs {
			a, n := answerAll(d, rnd)
			res.Items = n
			b, err := json.Marshal(map[string]any{"answers": a})
			if err != nil {
				return nil, err
			}
			bodies[i][j] = b
			total += len(b)
		}
	}
	res.BodyBytes = total / (len(rs) * len(defs))
	fmt.Fprintf(log, "  %d respondents submitting %d items (%s B) to each of %d questionnaires at once through POST /api/v1/surveys/{id}/responses\n",
		len(rs), res.Items, count(int64(res.BodyBytes)), len(defs))

	tr := newLoadTransport(len(rs))
	defer tr.CloseIdleConnections()
	pctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	stats := make([]respondentStats, len(rs))
	rss.window()
	srvCPU0, _ := processCPU(srv.pid())
	cliCPU0 := selfCPU()
	busy0, _ := machineBusy()
	start := time.Now()
	var wg sync.WaitGroup
	for i, r := range rs {
		wg.Go(func() { respond(pctx, tr, "http://"+srv.addr, i, r, res.SurveyIDs, bodies[i], &stats[i]) })
	}
	wg.Wait()
	elapsed := time.Since(start)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	srvCPU1, _ := processCPU(srv.pid())
	busy1, _ := machineBusy()
	srvCPU, cliCPU := srvCPU1-srvCPU0, selfCPU()-cliCPU0
	res.PeakRSS = rss.window()

	var hist histogram
	var ok []submission
	var failed int64
	statuses := map[int]int64{}
	for i := range stats {
		s := &stats[i]
		hist.merge(&s.hist)
		ok = append(ok, s.ok...)
		failed += s.failed
		for code, n := range s.statuses {
			statuses[code] += n
		}
		if s.firstErr != nil && res.FirstErr == "" {
			res.FirstErr = s.firstErr.Error()
		}
	}
	res.Submitted, res.Errors, res.Elapsed = int64(len(ok)), failed, elapsed.Seconds()
	for code, n := range statuses {
		if code != http.StatusCreated {
			res.Errors += n
			if res.Statuses == nil {
				res.Statuses = map[string]int64{}
			}
			res.Statuses[strconv.Itoa(code)] = n
		}
	}
	res.P50, res.P90, res.P99, res.Max = ms(hist.percentile(0.50)), ms(hist.percentile(0.90)), ms(hist.percentile(0.99)), ms(hist.max)
	if elapsed > 0 {
		res.RPS = float64(len(ok)) / elapsed.Seconds()
		res.ServerCPU = srvCPU.Seconds() / elapsed.Seconds()
		res.ClientCPU = cliCPU.Seconds() / elapsed.Seconds()
		res.OtherCPU = max(0, busy1-busy0-srvCPU-cliCPU).Seconds() / elapsed.Seconds()
	}
	if len(ok) > 0 {
		res.CPUPerSub = ms(srvCPU) / float64(len(ok))
	}

	// A second response is refused.
	res.Resubmitted = min(10, len(rs))
	for i := range res.Resubmitted {
		err := jsonCall(ctx, c, http.MethodPost, srv.url("/api/v1/surveys/"+strconv.FormatInt(res.SurveyIDs[0], 10)+"/responses"),
			rs[i].token, json.RawMessage(bodies[i][0]), nil, http.StatusConflict)
		if err == nil {
			res.Refused++
		} else if res.FirstErr == "" {
			res.FirstErr = "second submission: " + err.Error()
		}
	}
	if res.Count, err = countResponses(ctx, db, res.SurveyIDs, ok); err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "  %s submissions/s (%s in %s, p99 %s, %s errors); counted %s responses: %d lost, %d duplicated; %d/%d second submissions refused\n",
		count(int64(res.RPS)), count(res.Submitted), seconds(res.Elapsed), millis(res.P99), count(res.Errors),
		count(int64(res.Count.Rows)), res.Count.Lost, res.Count.Duplicated, res.Refused, res.Resubmitted)
	return res, nil
}

// respondentChecks grades the respondents scenario against issue 5.
func (r *report) respondentChecks() []check {
	rate := check{Name: "concurrent respondents (issue 5)", Target: "≥ " + count(targetSubmissionsPerSec) + " submissions/s",
		Measured: "not run", Result: resultNA}
	lossless := check{Name: "responses lost or duplicated (issue 5)", Target: "none", Measured: "not run", Result: resultNA}
	p := r.Respondents
	if p == nil {
		return nil
	}
	rate.Name = fmt.Sprintf("%d concurrent respondents (issue 5)", p.Respondents)
	rate.Measured = withErrors(count(int64(p.RPS))+" submissions/s", p.Errors)
	rate.Result = grade(p.RPS >= targetSubmissionsPerSec && p.Respondents >= 500, p.Errors)
	lossless.Measured = fmt.Sprintf("%d lost, %d duplicated of %s confirmed; %s participants, counters %s; %d/%d second submissions refused",
		p.Count.Lost, p.Count.Duplicated, count(int64(p.Count.Confirmed)), count(int64(p.Count.Participants)), count(p.Count.Counters),
		p.Refused, p.Resubmitted)
	lossless.Result = grade(p.Lossless() && p.Submitted > 0, 0)
	return []check{rate, lossless}
}

// writeRespondents prints the respondents scenario's lines of the report.
func (r *report) writeRespondents(w io.Writer) {
	p := r.Respondents
	if p == nil {
		return
	}
	fmt.Fprintf(w, "  respondents: %d teachers of %s, each with an API token (issued in %s), submitting %d-item responses (%s B) to %d questionnaires (made in %s)\n",
		p.Respondents, p.District, seconds(p.TokenSeconds), p.Items, count(int64(p.BodyBytes)), p.Questionnaires, seconds(p.SetupSeconds))
	fmt.Fprintf(w, "           %s confirmed in %s (%s submissions/s), p50 %s, p90 %s, p99 %s, max %s, %s errors",
		count(p.Submitted), seconds(p.Elapsed), count(int64(p.RPS)), millis(p.P50), millis(p.P90), millis(p.P99), millis(p.Max), count(p.Errors))
	if p.Errors > 0 {
		fmt.Fprintf(w, " (%s", statusSummaryStrings(p.Statuses))
		if p.FirstErr != "" {
			fmt.Fprintf(w, "; first: %s", p.FirstErr)
		}
		fmt.Fprint(w, ")")
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "           CPU: server %.2f, client %.2f, other %.2f cores; server CPU %s per submission; peak RSS %s\n",
		p.ServerCPU, p.ClientCPU, p.OtherCPU, millis(p.CPUPerSub), megabytes(p.PeakRSS))
	if p.OtherCPU > busyOther {
		fmt.Fprintf(w, "           NOTE: other processes used %.2f cores meanwhile; the server did not get that CPU, so the rate understates an idle machine's\n",
			p.OtherCPU)
	}
	fmt.Fprintf(w, "           counted afterwards: %s responses, %s participants, counters %s; %d lost, %d duplicated, %d written but unconfirmed; %d/%d second submissions refused\n",
		count(int64(p.Count.Rows)), count(int64(p.Count.Participants)), count(p.Count.Counters), p.Count.Lost, p.Count.Duplicated,
		p.Count.Unacknowledged, p.Refused, p.Resubmitted)
}

// errNoRespondents is returned when the scenario is asked for with too few
// respondents to mean anything.
var errNoRespondents = errors.New("--respondents must be between 1 and 4096 and --questionnaires between 1 and 200")
