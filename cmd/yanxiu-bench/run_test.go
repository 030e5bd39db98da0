package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The end-to-end tests run the driver against a stand-in for the yanxiu
// binary: this test binary itself, which behaves as a tiny yanxiu when its
// first argument is a yanxiu subcommand rather than a -test flag. (Not an
// environment variable: the driver strips YANXIU_* from its children, and a
// lost marker would make every child run the tests again.) The real server
// is measured by make bench, not here.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && (os.Args[1] == "demo" || os.Args[1] == "token" || os.Args[1] == "serve" || os.Args[1] == "version") {
		os.Exit(fakeYanxiu(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// fakeYanxiu implements demo, token create and serve the way the driver
// relies on them.
func fakeYanxiu(args []string) int {
	flagValue := func(name string) string {
		for i, a := range args {
			if a == "--"+name && i+1 < len(args) {
				return args[i+1]
			}
		}
		return ""
	}
	switch {
	case len(args) > 0 && args[0] == "demo":
		if err := fakeSeed(filepath.Join(flagValue("data"), dbFile)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println("seeded 3 institutions, 12 users, 0 journal entries, 40 events in 1ms")
		return 0
	case len(args) > 1 && args[0] == "token" && args[1] == "create":
		fmt.Fprintln(os.Stderr, "token for", flagValue("user"))
		fmt.Println("fake-token")
		return 0
	case len(args) > 0 && args[0] == "version":
		fmt.Println("yanxiu v9.9.9-test")
		return 0
	case len(args) > 0 && args[0] == "serve":
		return fakeServe(flagValue("addr"), filepath.Join(flagValue("data"), dbFile))
	}
	fmt.Fprintln(os.Stderr, "fake yanxiu: unknown command", args)
	return 2
}

func fakeServe(addr, dbPath string) int {
	mux := http.NewServeMux()
	done, err := fakeCommunityRoutes(mux, dbPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer done()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"status":"ok"}`) })
	mux.HandleFunc("GET /api/v1/users", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer fake-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		io.WriteString(w, `{"items":[{"username":"admin","role":"admin"},{"username":"t1","role":"teacher"},{"username":"t2","role":"teacher"},{"username":"ghost","role":"teacher"}],"total":4}`)
	})
	mux.HandleFunc("GET /api/v1/institutions", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"items":[{"id":5},{"id":6}],"total":2}`)
	})
	mux.HandleFunc("GET /api/v1/me", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer fake-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		io.WriteString(w, `{"username":"admin"}`)
	})
	mux.HandleFunc("GET /u/{name}", func(w http.ResponseWriter, r *http.Request) {
		if n := r.PathValue("name"); n == "ghost" || n == "teacher" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, strings.Repeat("<p>space</p>", 100))
	})
	mux.HandleFunc("GET /i/{id}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<h1>school</h1>") })
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	fmt.Printf("Yanxiu is running at http://%s/ (database: sqlite)\n", ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	<-ctx.Done()
	if err := srv.Shutdown(context.Background()); err != nil {
		return 1
	}
	return 0
}

func fakeOptions(t *testing.T, data string) options {
	t.Helper()
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	o, err := parseFlags([]string{"--bin", bin, "--data", data, "--duration", "300ms", "--warmup", "50ms",
		"--connections", "4", "--pick", "10", "--writers", "3", "--start-timeout", "20s"}, &stderr)
	if err != nil {
		t.Fatalf("parseFlags: %v (%s)", err, stderr.String())
	}
	return o
}

func TestBenchAgainstFake(t *testing.T) {
	data := t.TempDir()
	o := fakeOptions(t, data)
	var log bytes.Buffer
	rep, err := bench(context.Background(), o, &log)
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, log.String())
	}
	if !rep.Seed.SeededNow || !rep.Seed.Known || !strings.HasPrefix(rep.Seed.Summary, "seeded 3 institutions") {
		t.Errorf("seed = %+v, want seeded now with the demo's summary", rep.Seed)
	}
	if len(rep.Scenarios) != 6 {
		t.Fatalf("%d scenarios, want 6 (five pages and the readers beside the writers)", len(rep.Scenarios))
	}
	for _, s := range rep.Scenarios {
		if s.OK == 0 || s.Errors != 0 || s.RPS <= 0 || s.P99 <= 0 || s.PeakRSS <= 0 || s.OtherCPU < 0 {
			t.Errorf("scenario %s = %+v", s.Key, s)
		}
	}
	if got := rep.Scenarios[0].URLs; got != 2 {
		t.Errorf("personal space rotates %d URLs, want 2 (t1, t2)", got)
	}
	if c := rep.Communities; c == nil || len(c.IDs) != 2 || c.Dropped != 0 || c.TopicID != 100 || c.TopicReplies != 3 {
		t.Errorf("communities = %+v, want homes 10 and 12 (11 is private, 13 archived) and topic 100", c)
	}
	w := rep.Writes
	if w == nil || w.Writers != 3 || w.OK == 0 || w.Errors != 0 || !w.Lossless() || w.Count.Rows != int(w.OK) ||
		w.CounterRows != int(w.OK) || w.RPS <= 0 || w.Readers.OK == 0 {
		t.Errorf("writes = %+v", w)
	}
	if rep.Dataset.DroppedTeachers != 2 || rep.Dataset.Users != 4 || rep.Dataset.Schools != 2 {
		t.Errorf("dataset = %+v, want 2 teachers dropped (teacher, ghost), 4 users, 2 schools", rep.Dataset)
	}
	if rep.Machine.ServerVersion != "v9.9.9-test" {
		t.Errorf("server version %q, want the one yanxiu version prints", rep.Machine.ServerVersion)
	}
	if !strings.HasPrefix(rep.Shutdown, "exit status 0") {
		t.Errorf("shutdown = %q, want a clean exit", rep.Shutdown)
	}
	if rep.RSSSamples == 0 || rep.PeakRSS <= 0 {
		t.Errorf("rss samples %d, peak %d", rep.RSSSamples, rep.PeakRSS)
	}

	// The second run reuses the data and reports the recorded seeding time.
	rep2, err := bench(context.Background(), o, &log)
	if err != nil {
		t.Fatalf("second bench: %v", err)
	}
	if rep2.Seed.SeededNow || !rep2.Seed.Known || rep2.Seed.Seconds != rep.Seed.Seconds {
		t.Errorf("second run seed = %+v, want the recorded %+v reused", rep2.Seed, rep.Seed)
	}
	if !strings.Contains(log.String(), "reusing the data") {
		t.Errorf("log does not say the data is reused:\n%s", log.String())
	}
}

func TestRunWritesJSON(t *testing.T) {
	data := t.TempDir()
	o := fakeOptions(t, data)
	out := filepath.Join(t.TempDir(), "bench.json")
	var stdout, stderr bytes.Buffer
	args := []string{"--bin", o.bin, "--data", data, "--duration", "200ms", "--warmup", "0s", "--connections", "2",
		"--scenarios", "me", "--json", out}
	if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("run = %d\n%s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "GET /api/v1/me") || !strings.Contains(stdout.String(), "N/A") {
		t.Errorf("report:\n%s", stdout.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Scenarios) != 1 || rep.Scenarios[0].Key != "me" || len(rep.Checks) != 12 {
		t.Errorf("JSON report = %+v", rep)
	}
}

func TestRunFailures(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"unknown scenario", []string{"--scenarios", "space,nope"}, 2},
		{"bad writers", []string{"--writers", "0"}, 2},
		{"sqlite URL in --db", []string{"--db", "sqlite:/tmp/x.db"}, 2},
		{"bad connections", []string{"--connections", "0"}, 2},
		{"missing binary", []string{"--bin", filepath.Join(t.TempDir(), "none"), "--data", t.TempDir()}, 1},
		{"help", []string{"--help"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := run(context.Background(), tt.args, &stdout, &stderr); got != tt.want {
				t.Errorf("run = %d, want %d (%s)", got, tt.want, stderr.String())
			}
		})
	}
}

// TestInterrupted cancels the run once the load has started: the server
// must still be stopped and the run reported as interrupted.
func TestInterrupted(t *testing.T) {
	o := fakeOptions(t, t.TempDir())
	o.duration = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := &watchWriter{want: "warm-up", seen: make(chan struct{})}
	go func() {
		select {
		case <-log.seen:
			time.Sleep(300 * time.Millisecond)
		case <-time.After(time.Minute):
		}
		cancel()
	}()
	start := time.Now()
	_, err := bench(ctx, o, log)
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("bench = %v, want interrupted", err)
	}
	if time.Since(start) > 45*time.Second {
		t.Errorf("interrupt took %v", time.Since(start))
	}
	// The fake server's port must be free again: read it from the log.
	logText := log.String()
	i := strings.Index(logText, "http://")
	if i < 0 {
		t.Fatalf("no address in log:\n%s", logText)
	}
	addr := strings.SplitN(logText[i+len("http://"):], "/", 2)[0]
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("server at %s still accepts connections after the interrupt", addr)
	}
}

// watchWriter collects the driver's progress and closes seen when want
// first appears in it.
type watchWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	want   string
	seen   chan struct{}
	closed bool
}

func (w *watchWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if !w.closed && strings.Contains(w.buf.String(), w.want) {
		close(w.seen)
		w.closed = true
	}
	return n, err
}

func (w *watchWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func TestSpreadOffsets(t *testing.T) {
	tests := []struct {
		total, pages int
		want         []int
	}{
		{50, 4, []int{0}},
		{100, 4, []int{0}},
		{1000, 1, []int{0}},
		{1000, 4, []int{0, 300, 600, 900}},
		{100_000, 4, []int{0, 33300, 66600, 99900}},
		{101, 4, []int{0, 1}},
	}
	for _, tt := range tests {
		got := spreadOffsets(tt.total, tt.pages)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("spreadOffsets(%d, %d) = %v, want %v", tt.total, tt.pages, got, tt.want)
		}
	}
}

func TestHelpers(t *testing.T) {
	if got := lastLine("token for admin:\n\nabc123\n\n"); got != "abc123" {
		t.Errorf("lastLine = %q", got)
	}
	if got := demoSummary("progress\nseeded 2 institutions, 5 users in 1s\nDemo logins\n"); got != "seeded 2 institutions, 5 users in 1s" {
		t.Errorf("demoSummary = %q", got)
	}
	env := childEnv([]string{"PATH=/bin", "YANXIU_DB=postgres://x", "HOME=/root", "YANXIU_LOG_LEVEL=debug"})
	if fmt.Sprint(env) != "[PATH=/bin HOME=/root]" {
		t.Errorf("childEnv = %v", env)
	}
}

func TestSeedRecord(t *testing.T) {
	dir := t.TempDir()
	info, err := readSeedRecord(filepath.Join(dir, seedRecord))
	if err != nil || info.Known {
		t.Errorf("missing record = %+v, %v; want unknown, no error", info, err)
	}
	os.WriteFile(filepath.Join(dir, seedRecord), []byte(`{"seeded_now":true,"seconds":88.5,"scale":"district"}`), 0o644)
	info, err = readSeedRecord(filepath.Join(dir, seedRecord))
	if err != nil || !info.Known || info.SeededNow || info.Seconds != 88.5 {
		t.Errorf("record = %+v, %v", info, err)
	}
	os.WriteFile(filepath.Join(dir, seedRecord), []byte(`{"seconds":`), 0o644)
	if _, err := readSeedRecord(filepath.Join(dir, seedRecord)); err == nil {
		t.Error("a broken record was accepted")
	}
}
