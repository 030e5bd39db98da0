package app

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// The transfer tests run a real http.Server on loopback with timeouts
// shrunk from minutes to a few hundred milliseconds, and move data in
// chunks spaced so that the whole transfer outlasts the fixed timeouts.

const testChunk = 64 << 10

var testPolicy = transferPolicy{read: 300 * time.Millisecond, write: 300 * time.Millisecond, idle: 400 * time.Millisecond,
	chunk: testChunk}

// serveWith starts a server with the test's fixed timeouts around h,
// wrapped by keepTransfersAlive when wrap is set.
func serveWith(t *testing.T, h http.Handler, wrap bool) string {
	t.Helper()
	if wrap {
		h = keepTransfersAlive(h, testPolicy)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: time.Second, ReadTimeout: testPolicy.read,
		WriteTimeout: testPolicy.write, IdleTimeout: time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// slowBody yields n chunks with a pause before each after the first, then
// stalls for stall before ending.
func slowBody(n int, pause, stall time.Duration) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		chunk := bytes.Repeat([]byte("x"), testChunk)
		for i := range n {
			if i > 0 {
				time.Sleep(pause)
			}
			if _, err := pw.Write(chunk); err != nil {
				return
			}
		}
		time.Sleep(stall)
		pw.Close()
	}()
	return pr
}

// upload sends a slow body to a handler that reads it all and reports
// what it read, how reading ended and how long it took.
func upload(t *testing.T, wrap bool, n int, pause, stall time.Duration) (int64, time.Duration, error) {
	t.Helper()
	type result struct {
		n   int64
		d   time.Duration
		err error
	}
	done := make(chan result, 1)
	url := serveWith(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		got, err := io.Copy(io.Discard, r.Body)
		done <- result{got, time.Since(start), err}
		if err == nil {
			io.WriteString(w, "ok")
		}
	}), wrap)
	res, err := http.Post(url, "application/octet-stream", slowBody(n, pause, stall))
	if err == nil {
		res.Body.Close()
	}
	select {
	case r := <-done:
		return r.n, r.d, r.err
	case <-time.After(10 * time.Second):
		t.Fatal("the handler never finished reading")
	}
	return 0, 0, nil
}

func TestSlowUploadOutlastsReadTimeout(t *testing.T) {
	// 10 chunks 120 ms apart: over a second, against a 300 ms ReadTimeout.
	got, _, err := upload(t, true, 10, 120*time.Millisecond, 0)
	if err != nil || got != 10*testChunk {
		t.Fatalf("a flowing upload was cut: read %d bytes, %v", got, err)
	}
}

func TestSlowUploadIsCutWithoutExtension(t *testing.T) {
	// The control: the same upload against the bare server fails, so the
	// test above shows the extension at work rather than a lax timeout.
	got, _, err := upload(t, false, 10, 120*time.Millisecond, 0)
	if err == nil {
		t.Fatalf("the bare server read all %d bytes past its ReadTimeout", got)
	}
}

func TestStalledUploadIsCut(t *testing.T) {
	// Three chunks, then nothing for two seconds: cut idle after the last
	// extension, long before the body ends.
	got, d, err := upload(t, true, 3, 50*time.Millisecond, 2*time.Second)
	if err == nil {
		t.Fatalf("a stalled upload was never cut (read %d bytes)", got)
	}
	if d > 1500*time.Millisecond {
		t.Errorf("the stalled upload was cut after %v, want about %v", d, testPolicy.idle)
	}
}

func TestSmallTrickleGetsNoExtension(t *testing.T) {
	// Less than a chunk, trickled: the fixed ReadTimeout still applies.
	url := serveWith(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			w.WriteHeader(http.StatusBadRequest)
		}
	}), true)
	pr, pw := io.Pipe()
	go func() {
		for range 8 {
			if _, err := pw.Write([]byte("x")); err != nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		pw.Close()
	}()
	res, err := http.Post(url, "text/plain", pr)
	if err == nil {
		defer res.Body.Close()
		if res.StatusCode == http.StatusOK {
			t.Fatal("a trickled small body outlasted the ReadTimeout")
		}
	}
}

func TestSlowDownloadOutlastsWriteTimeout(t *testing.T) {
	for _, wrap := range []bool{true, false} {
		url := serveWith(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			chunk := bytes.Repeat([]byte("y"), testChunk)
			for range 10 {
				if _, err := w.Write(chunk); err != nil {
					return
				}
				time.Sleep(80 * time.Millisecond)
			}
		}), wrap)
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		switch {
		case wrap && (err != nil || got != 10*testChunk):
			t.Errorf("a flowing download was cut after %d bytes: %v", got, err)
		case !wrap && err == nil && got == 10*testChunk:
			t.Errorf("the bare server wrote all %d bytes past its WriteTimeout", got)
		}
	}
}
