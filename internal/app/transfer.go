package app

import (
	"io"
	"net/http"
	"time"
)

// Server timeouts. An ordinary request must arrive, and its answer leave,
// within the read and write timeouts; a slow client cannot hold a
// connection longer than that. Resource uploads (up to 1 GB, a lesson
// recording) and downloads of the same files cannot meet a fixed budget on
// a school's line (1 GB at 2 MB/s takes over 8 minutes), so the server
// keeps the fixed timeouts and keepTransfersAlive moves a request's
// deadlines on while its body or answer keeps flowing: a transfer that
// moves transferChunk bytes within every transferIdle is never cut, and a
// stalled one is cut transferIdle after it stopped. Small requests never
// reach transferChunk, so they stay under the fixed timeouts, and trickling
// a small body slowly buys nothing.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 5 * time.Minute
	writeTimeout      = 5 * time.Minute
	idleTimeout       = 2 * time.Minute
	transferIdle      = 2 * time.Minute
	transferChunk     = 1 << 20
)

// transferPolicy says how keepTransfersAlive moves deadlines on; tests
// shrink it.
type transferPolicy struct {
	// read and write are the server's fixed timeouts, which an extension
	// never shortens.
	read, write time.Duration
	// idle is how long a transfer may stall; chunk how many bytes count as
	// progress.
	idle  time.Duration
	chunk int64
}

var defaultTransfers = transferPolicy{read: readTimeout, write: writeTimeout, idle: transferIdle, chunk: transferChunk}

// keepTransfersAlive wraps a handler so that long uploads and downloads
// extend their own deadlines through http.ResponseController as they make
// progress. Deadlines are per request: the server resets them before
// reading the next request on the connection.
func keepTransfersAlive(h http.Handler, p transferPolicy) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := &transfer{rc: http.NewResponseController(w), p: p, start: time.Now()}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = &progressBody{ReadCloser: r.Body, t: t}
		}
		h.ServeHTTP(&progressWriter{ResponseWriter: w, t: t}, r)
	})
}

// transfer is one request's progress.
type transfer struct {
	rc    *http.ResponseController
	p     transferPolicy
	start time.Time
	moved int64 // bytes since the last extension
	off   bool  // the connection refused a deadline (not a net.Conn): stop trying
}

// progress counts n bytes and, after each chunk, pushes both deadlines to
// idle from now, never earlier than the fixed ones. Both move together:
// the answer to a 20-minute upload is written after the upload, long past
// the fixed write deadline.
func (t *transfer) progress(n int) {
	if n <= 0 || t.off {
		return
	}
	t.moved += int64(n)
	if t.moved < t.p.chunk {
		return
	}
	t.moved = 0
	now := time.Now()
	read, write := now.Add(t.p.idle), now.Add(t.p.idle)
	if fixed := t.start.Add(t.p.read); read.Before(fixed) {
		read = fixed
	}
	if fixed := t.start.Add(t.p.write); write.Before(fixed) {
		write = fixed
	}
	if t.rc.SetReadDeadline(read) != nil || t.rc.SetWriteDeadline(write) != nil {
		t.off = true
	}
}

// progressBody counts what the handler reads of the request body.
type progressBody struct {
	io.ReadCloser
	t *transfer
}

func (b *progressBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.t.progress(n)
	return n, err
}

// progressWriter counts what the handler writes of the answer.
type progressWriter struct {
	http.ResponseWriter
	t *transfer
}

func (w *progressWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.t.progress(n)
	return n, err
}

// Unwrap lets http.ResponseController (ours and the handlers') reach the
// connection beneath.
func (w *progressWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
