package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// userHZ is the unit of the CPU times in /proc/PID/stat; Linux fixes it at
// 100 for user space whatever the kernel's own tick rate.
const userHZ = 100

// statusField reads a "Name:   123 kB" line of /proc/PID/status and returns
// the value in bytes.
func statusField(status []byte, name string) (int64, error) {
	for line := range bytes.Lines(status) {
		rest, ok := bytes.CutPrefix(line, []byte(name+":"))
		if !ok {
			continue
		}
		f := strings.Fields(string(rest))
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("%s: unexpected value %q", name, strings.TrimSpace(string(rest)))
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", name, err)
		}
		return kb * 1024, nil
	}
	return 0, fmt.Errorf("%s: not in the process status", name)
}

// processMemory returns the resident set size and its high-water mark.
func processMemory(pid int) (rss, hwm int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	if rss, err = statusField(b, "VmRSS"); err != nil {
		return 0, 0, err
	}
	if hwm, err = statusField(b, "VmHWM"); err != nil {
		return 0, 0, err
	}
	return rss, hwm, nil
}

// statCPU returns user plus system time from the text of /proc/PID/stat.
// The command name in parentheses may hold spaces, so fields are counted
// from the last closing parenthesis: state is field 3, utime 14, stime 15.
func statCPU(stat []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("stat: no command name")
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("stat: %d fields after the command name, want at least 13", len(f))
	}
	var ticks int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("stat: cpu time %q: %w", s, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}

// processCPU returns the CPU time a process has used so far.
func processCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return statCPU(b)
}

// statBusy returns the CPU time all processors spent busy, from the text
// of /proc/stat: the first line's total minus idle and iowait.
func statBusy(stat []byte) (time.Duration, error) {
	line, _, _ := bytes.Cut(stat, []byte("\n"))
	f := strings.Fields(string(line))
	if len(f) < 6 || f[0] != "cpu" {
		return 0, fmt.Errorf("/proc/stat: unexpected first line %q", line)
	}
	var busy int64
	for i, v := range f[1:] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/stat: %w", err)
		}
		// Fields 9 and 10 (guest, guest_nice) are already counted in user
		// and nice; 3 and 4 are idle and iowait.
		if i != 3 && i != 4 && i < 8 {
			busy += n
		}
	}
	return time.Duration(busy) * time.Second / userHZ, nil
}

// machineBusy returns the CPU time the whole machine has spent busy.
func machineBusy() (time.Duration, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	return statBusy(b)
}

// selfCPU returns the CPU time the load generator has used so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rssSampler polls a process's resident memory on a fixed period and keeps
// the peak over the whole run and over the current window (one scenario).
type rssSampler struct {
	pid  int
	stop chan struct{}
	done chan struct{}

	mu         sync.Mutex
	peak       int64
	windowPeak int64
	samples    int
	err        error
}

// startRSS samples pid now and then every period until close.
func startRSS(pid int, period time.Duration) *rssSampler {
	s := &rssSampler{pid: pid, stop: make(chan struct{}), done: make(chan struct{})}
	s.sample()
	go func() {
		defer close(s.done)
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				s.sample()
			}
		}
	}()
	return s
}

func (s *rssSampler) sample() {
	rss, _, err := processMemory(s.pid)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		// The process may have exited between two samples; the first error
		// is kept for the report and later samples still count.
		if s.err == nil {
			s.err = err
		}
		return
	}
	s.samples++
	s.peak = max(s.peak, rss)
	s.windowPeak = max(s.windowPeak, rss)
}

// window returns the peak since the previous call and starts a new window.
func (s *rssSampler) window() int64 {
	s.sample()
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.windowPeak
	s.windowPeak = 0
	return p
}

// close stops sampling and returns the overall peak, the number of samples
// and the first error met.
func (s *rssSampler) close() (peak int64, samples int, err error) {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak, s.samples, s.err
}
