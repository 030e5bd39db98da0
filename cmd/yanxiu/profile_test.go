package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoCPUProfile seeds the small district with --cpuprofile and finds
// a profile written, and the summary counting the demo's resources.
func TestDemoCPUProfile(t *testing.T) {
	data := t.TempDir()
	prof := filepath.Join(t.TempDir(), "seed.pprof")
	code, out, errOut := yx(t, "demo", "--data", data, "--scale", "small", "--cpuprofile", prof)
	if code != 0 || !strings.Contains(out, " 40 resources, ") {
		t.Fatalf("demo: %d %q %q", code, out, errOut)
	}
	if fi, err := os.Stat(prof); err != nil || fi.Size() == 0 {
		t.Fatalf("profile: %v, %v", fi, err)
	}
	if code, _, errOut := yx(t, "demo", "--data", data, "--cpuprofile", filepath.Join(data, "no", "such", "dir", "p")); code == 0 || !strings.Contains(errOut, "cpu profile") {
		t.Fatalf("an unwritable profile: %d %q", code, errOut)
	}
}
