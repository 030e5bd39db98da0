package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// stopTimeout bounds a graceful stop; the server's own shutdown timeout is
// 10 s, so a server still running after this is stuck and gets killed.
const stopTimeout = 20 * time.Second

// childEnv is the environment of the yanxiu processes: ours without the
// YANXIU_* variables, so that a YANXIU_DB pointing at PostgreSQL or a
// debug log level in the caller's shell cannot change what is measured.
func childEnv(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if !strings.HasPrefix(kv, "YANXIU_") {
			out = append(out, kv)
		}
	}
	return out
}

// server is a yanxiu serve child process.
type server struct {
	cmd     *exec.Cmd
	addr    string
	logPath string
	done    chan struct{} // closed when the process has exited
	waitErr error         // readable once done is closed
	log     *os.File
}

// freeLoopbackAddr asks the kernel for a free port on 127.0.0.1.
func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// startServer runs bin serve on a free loopback port with its output in
// DATA/bench-server.log, and returns once /healthz answers ok.
func startServer(ctx context.Context, bin, data, dbURL string, timeout time.Duration) (*server, error) {
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	s := &server{addr: addr, logPath: filepath.Join(data, "bench-server.log"), done: make(chan struct{})}
	if s.log, err = os.Create(s.logPath); err != nil {
		return nil, fmt.Errorf("server log: %w", err)
	}
	s.cmd = exec.Command(bin, withDB([]string{"serve", "--addr", addr, "--data", data}, dbURL)...)
	s.cmd.Env = childEnv(os.Environ())
	s.cmd.Stdout = s.log
	s.cmd.Stderr = s.log
	if err := s.cmd.Start(); err != nil {
		s.log.Close()
		return nil, fmt.Errorf("start %s serve: %w", bin, err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		s.log.Close()
		close(s.done)
	}()
	if err := s.waitHealthy(ctx, timeout); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// pid returns the server's process id.
func (s *server) pid() int { return s.cmd.Process.Pid }

// url returns the absolute URL of a path on the server.
func (s *server) url(path string) string { return "http://" + s.addr + path }

// waitHealthy polls /healthz every 100 ms until it answers {"status":"ok"},
// the process exits, ctx ends or the timeout passes.
func (s *server) waitHealthy(ctx context.Context, timeout time.Duration) error {
	c := &http.Client{Timeout: time.Second}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.done:
			return fmt.Errorf("server exited before it was ready (%v); last lines of %s:\n%s", s.waitErr, s.logPath, tail(s.logPath, 15))
		case <-deadline.C:
			return fmt.Errorf("server not healthy after %s; last lines of %s:\n%s", timeout, s.logPath, tail(s.logPath, 15))
		case <-tick.C:
			if healthy(c, s.url("/healthz")) {
				return nil
			}
		}
	}
}

func healthy(c *http.Client, url string) bool {
	resp, err := c.Get(url)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return err == nil && resp.StatusCode == http.StatusOK &&
		(bytes.Contains(b, []byte(`"status":"ok"`)) || bytes.Contains(b, []byte(`"status": "ok"`)))
}

// stopResult says how the server ended.
type stopResult struct {
	Took   time.Duration
	Clean  bool   // exited with status 0 after SIGTERM
	Detail string // exit status or what went wrong
}

// stop sends SIGTERM and waits for the exit, killing the process after
// stopTimeout. It is safe to call more than once.
func (s *server) stop() stopResult {
	start := time.Now()
	select {
	case <-s.done:
		return stopResult{Detail: fmt.Sprintf("had already exited: %v", s.waitErr)}
	default:
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return stopResult{Detail: fmt.Sprintf("SIGTERM: %v", err)}
	}
	t := time.NewTimer(stopTimeout)
	defer t.Stop()
	select {
	case <-s.done:
	case <-t.C:
		s.cmd.Process.Kill()
		<-s.done
		return stopResult{Took: time.Since(start), Detail: fmt.Sprintf("still running %s after SIGTERM; killed", stopTimeout)}
	}
	r := stopResult{Took: time.Since(start), Clean: s.waitErr == nil, Detail: "exit status 0"}
	if s.waitErr != nil {
		r.Detail = s.waitErr.Error()
	}
	return r
}

// tail returns the last n lines of a file, for error messages.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "  " + strings.Join(lines, "\n  ")
}

// runTool runs a short yanxiu subcommand and returns its stdout; a failure
// carries the subcommand's stderr.
func runTool(ctx context.Context, bin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = childEnv(os.Environ())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %w: %s", filepath.Base(bin), strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// createToken issues an API token for user with yanxiu token create, which
// prints the token alone on the last line of its output.
func createToken(ctx context.Context, bin, data, dbURL, user string) (string, error) {
	out, err := runTool(ctx, bin, withDB([]string{"token", "create", "--data", data, "--user", user, "--name", "yanxiu-bench"}, dbURL)...)
	if err != nil {
		return "", err
	}
	tok := lastLine(out)
	if tok == "" || strings.ContainsAny(tok, " \t") {
		return "", fmt.Errorf("token create printed no token (output %q)", out)
	}
	return tok, nil
}

// lastLine returns the last non-empty line of s, trimmed.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
