package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestCount(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {123456, "123,456"}, {1234567, "1,234,567"}, {-2500, "-2,500"}}
	for _, tt := range tests {
		if got := count(tt.n); got != tt.want {
			t.Errorf("count(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestUnits(t *testing.T) {
	tests := []struct{ got, want string }{
		{millis(0.4567), "0.46 ms"},
		{millis(23.45), "23.4 ms"},
		{millis(150.2), "150 ms"},
		{megabytes(200_000_000), "200.0 MB"},
		{megabytes(87_654_321), "87.7 MB"},
		{seconds(119.96), "120.0 s"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// sampleReport is a run where the personal space meets its targets, the
// institution page is too slow, /api/v1/me had errors and me was fast.
func sampleReport() *report {
	return &report{
		Started:     time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC),
		Machine:     machine{CPU: "Test CPU @ 2.0GHz", CPUs: 2, MemBytes: 24e9, Kernel: "6.1.0", LoadAvg: "0.12 0.30 0.25", BenchGo: "go1.26.8", ServerGo: "go1.26.8", ServerVersion: "v0.1.0"},
		Data:        "/tmp/yanxiu-bench",
		Dataset:     dataset{Users: 100_006, Schools: 2000, DBBytes: 812_000_000},
		Seed:        seedInfo{Known: true, Seconds: 97.25, FinishedAt: time.Date(2026, 2, 28, 9, 30, 0, 0, time.UTC), Summary: "seeded 2100 institutions, 100006 users"},
		Connections: 64, Warmup: 2, Duration: 20,
		Scenarios: []scenarioResult{
			{Key: "space", Label: "personal space", URLs: 200, OK: 50000, RPS: 2500.4, P50: 20, P90: 30, P99: 45.5, Max: 80, AvgBytes: 12000, PeakRSS: 90e6, ServerCPU: 1.4, ClientCPU: 0.5, CPUPerReq: 0.56},
			{Key: "institution", Label: "institution page", URLs: 200, OK: 20000, RPS: 1000, P99: 120, PeakRSS: 95e6},
			{Key: "me", Label: "GET /api/v1/me", URLs: 1, OK: 140000, Errors: 3, Statuses: map[string]int64{"500": 3}, RPS: 7000, P99: 9, PeakRSS: 99e6},
			{Key: "community", Label: "community home", URLs: 200, OK: 32000, RPS: 1600, P99: 48, PeakRSS: 99e6},
			{Key: "topic", Label: "topic page 1 (5,000 replies)", URLs: 1, OK: 18000, RPS: 900, P99: 60, PeakRSS: 99e6},
		},
		Communities: &communityData{Communities: 10_000, Topics: 80_000, Replies: 1_000_000, IDs: make([]int64, 200),
			TopicID: 77, TopicReplies: 5000, TopicSpace: 12},
		Writes: &writeResult{Writers: 32, Community: 12, Topics: 20, OK: 7000, Elapsed: 20, RPS: 350, P50: 60, P99: 180,
			Count: tally{Confirmed: 7000, Rows: 7000}, CounterDelta: 7000, CounterRows: 7000},
		PeakRSS: 99e6, ServerHWM: 120e6, RSSSamples: 330, Shutdown: "exit status 0 in 12ms",
	}
}

func TestEvaluate(t *testing.T) {
	r := sampleReport()
	r.evaluate()
	want := map[string]string{
		"personal space /u/{username}":          resultPass,
		"personal space p99":                    resultPass,
		"institution page /i/{id}":              resultFail,
		"GET /api/v1/me":                        resultFail, // fast enough, but with errors
		"server resident memory (peak)":         resultPass,
		"yanxiu demo --scale district":          resultPass,
		"community home /c/{id} (issue 3)":      resultPass,
		"community home p99 (issue 3)":          resultPass,
		"topic page 1, 5,000 replies (issue 3)": resultFail,
		"topic page 1 p99 (issue 3)":            resultFail,
		"32 writers beside readers (issue 3)":   resultPass,
		"replies lost or duplicated (issue 3)":  resultPass,
	}
	if len(r.Checks) != len(want) {
		t.Fatalf("%d checks, want %d", len(r.Checks), len(want))
	}
	for _, c := range r.Checks {
		if c.Result != want[c.Name] {
			t.Errorf("%s: %s (measured %s), want %s", c.Name, c.Result, c.Measured, want[c.Name])
		}
	}
}

func TestEvaluateMissing(t *testing.T) {
	r := sampleReport()
	r.Scenarios = r.Scenarios[:1]
	r.Scenarios[0].P99 = 50.1
	r.Writes = nil
	r.Seed = seedInfo{}
	r.RSSSamples = 0
	r.evaluate()
	got := map[string]string{}
	for _, c := range r.Checks {
		got[c.Name] = c.Result
	}
	for name, want := range map[string]string{
		"personal space p99":                   resultFail,
		"institution page /i/{id}":             resultNA,
		"GET /api/v1/me":                       resultNA,
		"server resident memory (peak)":        resultNA,
		"yanxiu demo --scale district":         resultNA,
		"community home p99 (issue 3)":         resultNA,
		"32 writers beside readers (issue 3)":  resultNA,
		"replies lost or duplicated (issue 3)": resultNA,
	} {
		if got[name] != want {
			t.Errorf("%s: %s, want %s", name, got[name], want)
		}
	}
}

func TestEvaluateSeedTooSlow(t *testing.T) {
	r := sampleReport()
	r.Seed = seedInfo{SeededNow: true, Known: true, Seconds: 120.5}
	r.PeakRSS = 200_000_001
	r.evaluate()
	for _, c := range r.Checks {
		if (c.Name == "yanxiu demo --scale district" || c.Name == "server resident memory (peak)") && c.Result != resultFail {
			t.Errorf("%s: %s (measured %s), want FAIL", c.Name, c.Result, c.Measured)
		}
	}
}

func TestWrite(t *testing.T) {
	r := sampleReport()
	r.evaluate()
	var b bytes.Buffer
	if err := r.write(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"machine:  Test CPU @ 2.0GHz, 2 CPUs, 24.0 GB RAM, Linux 6.1.0; load average before the run 0.12 0.30 0.25",
		"yanxiu v0.1.0 built with go1.26.8",
		"100,006 users, 2,000 schools",
		"reused; seeded 2026-02-28 09:30 UTC in 97.2 s",
		"64 keep-alive connections",
		"2,500",   // personal space req/s
		"45.5 ms", // its p99
		"GET /api/v1/me: errors 500×3",
		"VmHWM 120.0 MB",
		"≥ 2,000 req/s",
		"7,000 req/s (3 errors)",
		"97.2 s (recorded 2026-02-28 09:30 UTC)",
		"8 passed, 4 failed, 0 not measured",
		"counted afterwards: 7,000 rows, 0 lost, 0 duplicated",
		"longest topic 77: 5,000 replies",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "indicative") {
		t.Errorf("a 20 s run is flagged as indicative:\n%s", out)
	}
	// Each check line ends with its result.
	for _, c := range r.Checks {
		found := false
		for line := range strings.Lines(out) {
			if strings.HasPrefix(line, c.Name+" ") && strings.HasSuffix(strings.TrimSpace(line), c.Result) {
				found = true
			}
		}
		if !found {
			t.Errorf("no line for check %q ending in %s:\n%s", c.Name, c.Result, out)
		}
	}

	if strings.Contains(out, "other processes used") {
		t.Errorf("a quiet machine is flagged as busy:\n%s", out)
	}

	r.Duration = 5
	r.Scenarios[1].OtherCPU = 0.9
	b.Reset()
	r.write(&b)
	if !strings.Contains(b.String(), "indicative only") {
		t.Errorf("a 5 s run is not flagged as indicative:\n%s", b.String())
	}
	if !strings.Contains(b.String(), "other processes used more than 0.20 cores") {
		t.Errorf("a busy machine is not flagged:\n%s", b.String())
	}
}

func TestReportJSON(t *testing.T) {
	r := sampleReport()
	r.evaluate()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Scenarios []struct {
			Key string  `json:"key"`
			RPS float64 `json:"requests_per_second"`
			P99 float64 `json:"p99_ms"`
		} `json:"scenarios"`
		Checks []check `json:"checks"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Scenarios) != 5 || back.Scenarios[0].Key != "space" || back.Scenarios[0].RPS != 2500.4 || back.Scenarios[0].P99 != 45.5 {
		t.Errorf("scenarios in JSON = %+v", back.Scenarios)
	}
	if len(back.Checks) != 12 || back.Checks[2].Result != resultFail {
		t.Errorf("checks in JSON = %+v", back.Checks)
	}
}

func TestCPUModel(t *testing.T) {
	info := "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R)   CPU @ 2.20GHz\nflags\t: fpu\n\nprocessor\t: 1\nmodel name\t: other\n"
	if got := cpuModel(info); got != "Intel(R) Xeon(R) CPU @ 2.20GHz" {
		t.Errorf("cpuModel = %q", got)
	}
	if got := cpuModel("processor : 0\n"); got != "unknown CPU" {
		t.Errorf("cpuModel without model name = %q", got)
	}
}

func TestStatusSummary(t *testing.T) {
	got := statusSummary(map[int]int64{200: 1000, 404: 2, 500: 7, 503: 2})
	if want := "500×7, 404×2, 503×2"; got != want {
		t.Errorf("statusSummary = %q, want %q", got, want)
	}
	if got := statusSummaryStrings(nil); got != "transport only" {
		t.Errorf("statusSummaryStrings(nil) = %q", got)
	}
}

func TestNewScenarioResult(t *testing.T) {
	s := &scenario{Key: "space", Label: "personal space", Pattern: "/u/{username}", reqs: make([]*http.Request, 3)}
	p := phaseResult{Elapsed: 2 * time.Second, OK: 4000, Failed: 5, Bytes: 4010 * 1000,
		Statuses: map[int]int64{200: 4000, 404: 10}}
	for i := range 4000 {
		p.Hist.record(time.Duration(i%100+1) * time.Millisecond)
	}
	r := newScenarioResult(s, &p, 150e6, 3*time.Second, time.Second, 500*time.Millisecond)
	checks := []struct {
		name      string
		got, want float64
	}{
		{"rps", r.RPS, 2000},
		{"errors", float64(r.Errors), 15},
		{"server cores", r.ServerCPU, 1.5},
		{"client cores", r.ClientCPU, 0.5},
		{"other cores", r.OtherCPU, 0.25},
		{"cpu per request", r.CPUPerReq, 0.75},
		{"avg bytes", float64(r.AvgBytes), 1000},
		{"max", r.Max, 100},
		{"urls", float64(r.URLs), 3},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if r.P50 < 50 || r.P50 > 51 || r.P99 < 99 || r.P99 > 100.6 {
		t.Errorf("p50 %v, p99 %v", r.P50, r.P99)
	}
	if len(r.Statuses) != 1 || r.Statuses["404"] != 10 {
		t.Errorf("statuses = %v, want only 404×10", r.Statuses)
	}
}

// TestEvaluateWrites fails the writers' checks on a lost reply, a duplicate,
// counters that disagree with the rows, too few replies or errors.
func TestEvaluateWrites(t *testing.T) {
	tests := []struct {
		name           string
		change         func(w *writeResult)
		rate, lossless string
	}{
		{"all good", func(w *writeResult) {}, resultPass, resultPass},
		{"one lost", func(w *writeResult) { w.Count.Lost = 1 }, resultPass, resultFail},
		{"one twice", func(w *writeResult) { w.Count.Duplicated = 1 }, resultPass, resultFail},
		{"counters off", func(w *writeResult) { w.CounterDelta = 6999 }, resultPass, resultFail},
		{"too slow", func(w *writeResult) { w.RPS = 299 }, resultFail, resultPass},
		{"errors", func(w *writeResult) { w.Errors = 2 }, resultFail, resultPass},
		{"nothing confirmed", func(w *writeResult) { w.OK, w.RPS = 0, 0 }, resultFail, resultFail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sampleReport()
			tt.change(r.Writes)
			r.evaluate()
			got := map[string]string{}
			for _, c := range r.Checks {
				got[c.Name] = c.Result
			}
			if got["32 writers beside readers (issue 3)"] != tt.rate || got["replies lost or duplicated (issue 3)"] != tt.lossless {
				t.Errorf("writers %s, lossless %s; want %s, %s", got["32 writers beside readers (issue 3)"],
					got["replies lost or duplicated (issue 3)"], tt.rate, tt.lossless)
			}
		})
	}
}
