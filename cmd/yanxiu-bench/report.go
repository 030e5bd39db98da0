package main

import (
	"bufio"
	"debug/buildinfo"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// The targets of issue 2 ("Performance"). MB is decimal (10^6 bytes), the
// stricter reading of "200 MB".
const (
	targetSpaceRPS       = 2000
	targetSpaceP99       = 50 * time.Millisecond
	targetInstitutionRPS = 1500
	targetMeRPS          = 5000
	targetRSSBytes       = 200_000_000
	targetSeed           = 120 * time.Second
	issueMinDuration     = 20 * time.Second
)

// The targets of issue 3 (training communities): a community's home page,
// page 1 of a 5,000-reply topic, and 32 writers beside the readers.
const (
	targetCommunityRPS = 1500
	targetTopicRPS     = 1000
	targetPageP99      = 50 * time.Millisecond
	targetWritesPerSec = 300
)

const (
	// busyOther is the average CPU, in cores, other processes may use during
	// a scenario before the report warns that the machine was not quiet.
	busyOther = 0.2
)

// Results of a check.
const (
	resultPass = "PASS"
	resultFail = "FAIL"
	resultNA   = "N/A"
)

// report is everything a run measured; it is printed as a table and, with
// --json, written as JSON.
type report struct {
	Started     time.Time         `json:"started"`
	Machine     machine           `json:"machine"`
	Data        string            `json:"data"`
	Engine      string            `json:"engine"` // sqlite or postgres
	Dataset     dataset           `json:"dataset"`
	Communities *communityData    `json:"communities,omitempty"`
	Writes      *writeResult      `json:"writes,omitempty"`
	Upload      *uploadResult     `json:"upload,omitempty"`
	Respondents *respondentResult `json:"respondents,omitempty"`
	Search      *searchResult     `json:"search,omitempty"`
	Seed        seedInfo          `json:"seed"`
	Connections int               `json:"connections"`
	Warmup      float64           `json:"warmup_seconds"`
	Duration    float64           `json:"duration_seconds"`
	Scenarios   []scenarioResult  `json:"scenarios"`
	PeakRSS     int64             `json:"server_peak_rss_bytes"`
	ServerHWM   int64             `json:"server_vmhwm_bytes"` // kernel's high-water mark, start-up included
	RSSSamples  int               `json:"rss_samples"`
	Shutdown    string            `json:"shutdown"`
	Checks      []check           `json:"checks"`
}

// scenarioResult is the figures of one scenario's timed phase.
type scenarioResult struct {
	Key       string           `json:"key"`
	Label     string           `json:"label"`
	Pattern   string           `json:"pattern"`
	URLs      int              `json:"urls"`
	OK        int64            `json:"ok"`
	Errors    int64            `json:"errors"`
	Statuses  map[string]int64 `json:"statuses,omitempty"`
	FirstErr  string           `json:"first_error,omitempty"`
	Elapsed   float64          `json:"elapsed_seconds"`
	RPS       float64          `json:"requests_per_second"`
	P50       float64          `json:"p50_ms"`
	P90       float64          `json:"p90_ms"`
	P99       float64          `json:"p99_ms"`
	Max       float64          `json:"max_ms"`
	Mean      float64          `json:"mean_ms"`
	AvgBytes  int64            `json:"avg_bytes"`
	PeakRSS   int64            `json:"server_peak_rss_bytes"`
	ServerCPU float64          `json:"server_cpu_cores"`
	ClientCPU float64          `json:"client_cpu_cores"`
	OtherCPU  float64          `json:"other_cpu_cores"`
	// CPUPerReq is server CPU time per 200 response, in milliseconds: unlike
	// requests per second it hardly depends on what else the machine runs.
	CPUPerReq float64 `json:"server_cpu_ms_per_request"`
}

// check is one target of the issue against what was measured.
type check struct {
	Name     string `json:"name"`
	Target   string `json:"target"`
	Measured string `json:"measured"`
	Result   string `json:"result"`
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// newScenarioResult turns a phase into report figures; cpu figures are in
// cores (CPU seconds per second of wall clock). otherCPU is what the rest of
// the machine used meanwhile: on a shared machine it is CPU the server did
// not get.
func newScenarioResult(s *scenario, p *phaseResult, peakRSS int64, serverCPU, clientCPU, otherCPU time.Duration) scenarioResult {
	r := scenarioResult{Key: s.Key, Label: s.Label, Pattern: s.Pattern, URLs: len(s.reqs), OK: p.OK, Errors: p.Errors(),
		FirstErr: p.FirstErr, Elapsed: p.Elapsed.Seconds(), P50: ms(p.Hist.percentile(0.50)), P90: ms(p.Hist.percentile(0.90)),
		P99: ms(p.Hist.percentile(0.99)), Max: ms(p.Hist.max), Mean: ms(p.Hist.mean()), PeakRSS: peakRSS}
	if p.Elapsed > 0 {
		r.RPS = float64(p.OK) / p.Elapsed.Seconds()
		r.ServerCPU = serverCPU.Seconds() / p.Elapsed.Seconds()
		r.ClientCPU = clientCPU.Seconds() / p.Elapsed.Seconds()
		r.OtherCPU = otherCPU.Seconds() / p.Elapsed.Seconds()
	}
	if p.OK > 0 {
		r.CPUPerReq = ms(serverCPU) / float64(p.OK)
	}
	if n := p.OK + p.Errors() - p.Failed; n > 0 {
		r.AvgBytes = p.Bytes / n
	}
	for code, n := range p.Statuses {
		if code != 200 {
			if r.Statuses == nil {
				r.Statuses = map[string]int64{}
			}
			r.Statuses[strconv.Itoa(code)] = n
		}
	}
	return r
}

func (r *report) scenario(key string) *scenarioResult {
	for i := range r.Scenarios {
		if r.Scenarios[i].Key == key {
			return &r.Scenarios[i]
		}
	}
	return nil
}

// grade turns a comparison into PASS or FAIL; errors in the scenario fail
// it, since a fast error page is not the page the target is about.
func grade(ok bool, errs int64) string {
	if ok && errs == 0 {
		return resultPass
	}
	return resultFail
}

func withErrors(s string, errs int64) string {
	if errs > 0 {
		return s + fmt.Sprintf(" (%s errors)", count(errs))
	}
	return s
}

// evaluate fills r.Checks from the figures.
func (r *report) evaluate() {
	rps := func(key, name string, target float64) check {
		c := check{Name: name, Target: "≥ " + count(int64(target)) + " req/s", Measured: "not run", Result: resultNA}
		if s := r.scenario(key); s != nil {
			c.Measured = withErrors(count(int64(s.RPS))+" req/s", s.Errors)
			c.Result = grade(s.RPS >= target, s.Errors)
		}
		return c
	}
	p99 := check{Name: "personal space p99", Target: "≤ " + millis(ms(targetSpaceP99)), Measured: "not run", Result: resultNA}
	if s := r.scenario("space"); s != nil {
		p99.Measured = millis(s.P99)
		p99.Result = grade(s.P99 <= ms(targetSpaceP99), s.Errors)
	}
	mem := check{Name: "server resident memory (peak)", Target: "≤ " + megabytes(targetRSSBytes), Measured: "not measured", Result: resultNA}
	if r.RSSSamples > 0 {
		mem.Measured = megabytes(r.PeakRSS)
		mem.Result = grade(r.PeakRSS <= targetRSSBytes, 0)
	}
	seed := check{Name: "yanxiu demo --scale district", Target: "≤ " + seconds(targetSeed.Seconds()), Measured: "not recorded", Result: resultNA}
	if r.Seed.Known {
		seed.Measured = seconds(r.Seed.Seconds)
		if !r.Seed.SeededNow {
			seed.Measured += " (recorded " + r.Seed.FinishedAt.Format("2006-01-02 15:04") + " UTC)"
		}
		seed.Result = grade(r.Seed.Seconds <= targetSeed.Seconds(), 0)
	}
	r.Checks = []check{
		rps("space", "personal space /u/{username}", targetSpaceRPS),
		p99,
		rps("institution", "institution page /i/{id}", targetInstitutionRPS),
		rps("me", "GET /api/v1/me", targetMeRPS),
		mem,
		seed,
		rps("community", "community home /c/{id} (issue 3)", targetCommunityRPS),
		r.p99Check("community", "community home p99 (issue 3)"),
		rps("topic", "topic page 1, 5,000 replies (issue 3)", targetTopicRPS),
		r.p99Check("topic", "topic page 1 p99 (issue 3)"),
	}
	writes := check{Name: "32 writers beside readers (issue 3)", Target: "≥ " + count(targetWritesPerSec) + " replies/s",
		Measured: "not run", Result: resultNA}
	lossless := check{Name: "replies lost or duplicated (issue 3)", Target: "none", Measured: "not run", Result: resultNA}
	if w := r.Writes; w != nil {
		writes.Name = fmt.Sprintf("%d writers beside readers (issue 3)", w.Writers)
		writes.Measured = withErrors(count(int64(w.RPS))+" replies/s", w.Errors)
		writes.Result = grade(w.RPS >= targetWritesPerSec, w.Errors)
		lossless.Measured = fmt.Sprintf("%d lost, %d duplicated of %s confirmed; counters +%s for %s rows",
			w.Count.Lost, w.Count.Duplicated, count(w.OK), count(w.CounterDelta), count(int64(w.CounterRows)))
		lossless.Result = grade(w.Lossless() && w.OK > 0, 0)
	}
	r.Checks = append(r.Checks, writes, lossless)
	if u := r.Upload; u != nil {
		r.Checks = append(r.Checks,
			check{Name: "RSS rise uploading 1 GB (issue 4)", Target: "≤ " + megabytes(targetUploadRSS),
				Measured: megabytes(u.RSSRise()), Result: grade(u.RSSRise() <= targetUploadRSS, 0)},
			check{Name: "Range, last MB of 1 GB (issue 4)", Target: "≤ " + millis(ms(targetRangeLatency)),
				Measured: fmt.Sprintf("max %s (p50 %s)", millis(u.RangeMax), millis(u.RangeP50)),
				Result:   grade(u.RangeMax <= ms(targetRangeLatency) && u.RangeOK == rangeRequests, int64(rangeRequests-u.RangeOK))})
	}
	r.Checks = append(r.Checks, r.respondentChecks()...)
	r.Checks = append(r.Checks, r.searchChecks()...)
}

// p99Check grades a page scenario's p99 against the issue-3 target.
func (r *report) p99Check(key, name string) check {
	c := check{Name: name, Target: "≤ " + millis(ms(targetPageP99)), Measured: "not run", Result: resultNA}
	if s := r.scenario(key); s != nil {
		c.Measured = millis(s.P99)
		c.Result = grade(s.P99 <= ms(targetPageP99), s.Errors)
	}
	return c
}

// count writes an integer with thousands separators: 1234567 → 1,234,567.
func count(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// millis writes a latency with a precision that suits its size.
func millis(v float64) string {
	switch {
	case v < 10:
		return strconv.FormatFloat(v, 'f', 2, 64) + " ms"
	case v < 100:
		return strconv.FormatFloat(v, 'f', 1, 64) + " ms"
	default:
		return strconv.FormatFloat(v, 'f', 0, 64) + " ms"
	}
}

func megabytes(b int64) string {
	return strconv.FormatFloat(float64(b)/1e6, 'f', 1, 64) + " MB"
}

func seconds(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) + " s" }

// write prints the report as plain-text tables.
func (r *report) write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "\nYanxiu benchmark, %s\n", r.Started.UTC().Format("2006-01-02 15:04 UTC"))
	m := r.Machine
	fmt.Fprintf(bw, "machine:  %s, %d CPUs, %.1f GB RAM, Linux %s; load average before the run %s\n",
		m.CPU, m.CPUs, float64(m.MemBytes)/1e9, m.Kernel, m.LoadAvg)
	fmt.Fprintf(bw, "software: yanxiu %s built with %s; load generator %s\n", m.ServerVersion, m.ServerGo, m.BenchGo)
	engine := "SQLite"
	if r.Engine == "postgres" {
		engine = "PostgreSQL"
	}
	fmt.Fprintf(bw, "dataset:  %s (%s, %s): %s users, %s schools", r.Data, engine, megabytes(r.Dataset.DBBytes), count(int64(r.Dataset.Users)), count(int64(r.Dataset.Schools)))
	if r.Seed.Summary != "" {
		fmt.Fprintf(bw, "; %s", r.Seed.Summary)
	}
	fmt.Fprintln(bw)
	switch {
	case r.Seed.SeededNow:
		fmt.Fprintf(bw, "          seeded by this run in %s\n", seconds(r.Seed.Seconds))
	case r.Seed.Known:
		fmt.Fprintf(bw, "          reused; seeded %s UTC in %s\n", r.Seed.FinishedAt.Format("2006-01-02 15:04"), seconds(r.Seed.Seconds))
	default:
		fmt.Fprintf(bw, "          reused; seeding time not recorded (run with --reseed to measure it)\n")
	}
	fmt.Fprintf(bw, "load:     %d keep-alive connections on 127.0.0.1, %s warm-up then %s per scenario; client and server share the machine\n",
		r.Connections, seconds(r.Warmup), seconds(r.Duration))
	if r.Duration < issueMinDuration.Seconds() {
		fmt.Fprintf(bw, "          NOTE: shorter than the issue's %s; the figures are indicative only\n", seconds(issueMinDuration.Seconds()))
	}
	fmt.Fprintln(bw)

	tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', tabwriter.AlignRight)
	if len(r.Scenarios) > 0 { // none when only upload or respondents ran
		fmt.Fprintln(tw, "scenario\tURLs\t200s\terrors\treq/s\tp50\tp90\tp99\tmax\tbody\tpeak RSS\tCPU: server\tclient\tother\tserver CPU/req\t")
	}
	busy := false
	for _, s := range r.Scenarios {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f\t%.2f\t%.2f\t%s\t\n", s.Label, s.URLs, count(s.OK), count(s.Errors),
			count(int64(s.RPS)), millis(s.P50), millis(s.P90), millis(s.P99), millis(s.Max), count(s.AvgBytes)+" B",
			megabytes(s.PeakRSS), s.ServerCPU, s.ClientCPU, s.OtherCPU, millis(s.CPUPerReq))
		busy = busy || s.OtherCPU > busyOther
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, s := range r.Scenarios {
		if s.Errors > 0 {
			fmt.Fprintf(bw, "  %s: errors %s", s.Label, statusSummaryStrings(s.Statuses))
			if s.FirstErr != "" {
				fmt.Fprintf(bw, "; first transport error: %s", s.FirstErr)
			}
			fmt.Fprintln(bw)
		}
	}
	if busy {
		fmt.Fprintf(bw, "  NOTE: other processes used more than %.2f cores during a scenario (CPU column \"other\"); that CPU was not\n"+
			"        available to the server, so its figures understate what an otherwise idle machine gives\n", busyOther)
	}
	if r.Dataset.DroppedTeachers+r.Dataset.DroppedSchools > 0 {
		fmt.Fprintf(bw, "  left out of the rotation (page not 200 anonymously): %d teachers, %d schools\n", r.Dataset.DroppedTeachers, r.Dataset.DroppedSchools)
	}
	if c := r.Communities; c != nil {
		fmt.Fprintf(bw, "  communities: %s, %s topics, %s replies; %d community homes rotated (%d not public to visitors); longest topic %d: %s replies\n",
			count(int64(c.Communities)), count(int64(c.Topics)), count(int64(c.Replies)), len(c.IDs), c.Dropped, c.TopicID,
			count(int64(c.TopicReplies)))
	}
	if w := r.Writes; w != nil {
		fmt.Fprintf(bw, "  writers: %d members of community %d posting to %d topics for %s through POST /topics/{id}/replies (signed in with POST /login)\n",
			w.Writers, w.Community, w.Topics, seconds(w.Elapsed))
		fmt.Fprintf(bw, "           %s confirmed (%s replies/s), p50 %s, p90 %s, p99 %s, max %s, %s errors",
			count(w.OK), count(int64(w.RPS)), millis(w.P50), millis(w.P90), millis(w.P99), millis(w.Max), count(w.Errors))
		if w.Errors > 0 {
			fmt.Fprintf(bw, " (%s", statusSummaryStrings(w.Statuses))
			if w.FirstErr != "" {
				fmt.Fprintf(bw, "; first: %s", w.FirstErr)
			}
			fmt.Fprint(bw, ")")
		}
		fmt.Fprintln(bw)
		fmt.Fprintf(bw, "           counted afterwards: %s rows, %d lost, %d duplicated, %d written but unconfirmed, %d others; topic counters +%s for %s rows\n",
			count(int64(w.Count.Rows)), w.Count.Lost, w.Count.Duplicated, w.Count.Unacknowledged, w.Count.Foreign,
			count(w.CounterDelta), count(int64(w.CounterRows)))
	}
	r.writeRespondents(bw)
	fmt.Fprintf(bw, "  server RSS: peak %s over %d samples every 200 ms; VmHWM %s (includes start-up); shutdown: %s\n\n",
		megabytes(r.PeakRSS), r.RSSSamples, megabytes(r.ServerHWM), r.Shutdown)

	tw = tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "target\trequired\tmeasured\tresult")
	passed, failed := 0, 0
	for _, c := range r.Checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Name, c.Target, c.Measured, c.Result)
		switch c.Result {
		case resultPass:
			passed++
		case resultFail:
			failed++
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(bw, "\n%d passed, %d failed, %d not measured\n", passed, failed, len(r.Checks)-passed-failed)
	return bw.Flush()
}

// statusSummaryStrings is statusSummary for the JSON-shaped status map.
func statusSummaryStrings(st map[string]int64) string {
	m := make(map[int]int64, len(st))
	for k, v := range st {
		code, _ := strconv.Atoi(k)
		m[code] = v
	}
	if s := statusSummary(m); s != "" {
		return s
	}
	return "transport only"
}

// machine describes where the figures were taken.
type machine struct {
	CPU      string `json:"cpu"`
	CPUs     int    `json:"cpus"`
	MemBytes int64  `json:"mem_bytes"`
	Kernel   string `json:"kernel"`
	// LoadAvg is the 1, 5 and 15 minute load average when the run started:
	// other work on the machine takes CPU from both server and client.
	LoadAvg       string `json:"load_average"`
	BenchGo       string `json:"bench_go"`
	ServerGo      string `json:"server_go"`
	ServerVersion string `json:"server_version"`
}

// cpuModel returns the first "model name" of /proc/cpuinfo text.
func cpuModel(cpuinfo string) string {
	for line := range strings.Lines(cpuinfo) {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.Join(strings.Fields(v), " ")
		}
	}
	return "unknown CPU"
}

// describeMachine gathers the machine and software description; what cannot
// be read is reported as unknown rather than failing the run.
func describeMachine(bin string) machine {
	m := machine{CPU: "unknown CPU", CPUs: runtime.NumCPU(), Kernel: "unknown", LoadAvg: "unknown", BenchGo: runtime.Version(),
		ServerGo: "unknown Go", ServerVersion: "unknown"}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		m.CPU = cpuModel(string(b))
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		m.MemBytes, _ = statusField(b, "MemTotal")
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			m.LoadAvg = strings.Join(f[:3], " ")
		}
	}
	if bi, err := buildinfo.ReadFile(bin); err == nil {
		m.ServerGo = bi.GoVersion
	}
	return m
}
