package main

import (
	"os"
	"testing"
	"time"
)

func TestStatusField(t *testing.T) {
	status := []byte("Name:\tyanxiu\nVmPeak:\t 1300000 kB\nVmHWM:\t  150000 kB\nVmRSS:\t   98765 kB\nThreads:\t9\n")
	tests := []struct {
		field   string
		want    int64
		wantErr bool
	}{
		{"VmRSS", 98765 * 1024, false},
		{"VmHWM", 150000 * 1024, false},
		{"VmSwap", 0, true},  // absent
		{"Threads", 0, true}, // not in kB
	}
	for _, tt := range tests {
		got, err := statusField(status, tt.field)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("statusField(%s) = %d, %v; want %d, error %v", tt.field, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestStatCPU(t *testing.T) {
	// The command name holds a space and a parenthesis, as names may.
	stat := []byte("4242 (yan xiu) (x) S 1 4242 4242 0 -1 4194560 1500 0 0 0 250 75 0 0 20 0 9 0 12345 1000000 2000 18446744073709551615\n")
	got, err := statCPU(stat)
	if err != nil {
		t.Fatal(err)
	}
	if want := 3250 * time.Millisecond; got != want {
		t.Errorf("statCPU = %v, want %v", got, want)
	}
	if _, err := statCPU([]byte("4242 (short) S 1 2")); err == nil {
		t.Error("statCPU accepted a truncated line")
	}
}

func TestStatBusy(t *testing.T) {
	stat := []byte("cpu  1000 50 300 9000 200 10 20 5 70 0\ncpu0 500 25 150 4500 100 5 10 2 35 0\nintr 1\n")
	got, err := statBusy(stat)
	if err != nil {
		t.Fatal(err)
	}
	// user+nice+system+irq+softirq+steal = 1385 ticks; guest is inside user.
	if want := 13850 * time.Millisecond; got != want {
		t.Errorf("statBusy = %v, want %v", got, want)
	}
	if _, err := statBusy([]byte("intr 1 2 3\n")); err == nil {
		t.Error("statBusy accepted a file without the cpu line")
	}
	if _, err := machineBusy(); err != nil {
		t.Error(err)
	}
}

// TestOwnProcess reads this test's own /proc entries, which exist on any
// Linux machine.
func TestOwnProcess(t *testing.T) {
	rss, hwm, err := processMemory(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if rss <= 0 || hwm < rss {
		t.Errorf("rss %d, hwm %d", rss, hwm)
	}
	if _, err := processCPU(os.Getpid()); err != nil {
		t.Error(err)
	}
	s := startRSS(os.Getpid(), 10*time.Millisecond)
	time.Sleep(50 * time.Millisecond)
	if w := s.window(); w <= 0 {
		t.Errorf("window peak %d", w)
	}
	peak, samples, err := s.close()
	if err != nil || peak <= 0 || samples < 2 {
		t.Errorf("close = %d, %d, %v", peak, samples, err)
	}
}
