package statcli

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// writeMillion writes a 1,000,000-row CSV of decimal scores in four
// years-of-teaching bands, with a few missing cells, into a temp dir.
func writeMillion(b *testing.B) string {
	b.Helper()
	p := filepath.Join(b.TempDir(), "million.csv")
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "id,band,score")
	bands := []string{"0-5", "6-10", "11-20", "21+"}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 1_000_000 {
		band := rng.IntN(4)
		if rng.IntN(1000) == 0 {
			fmt.Fprintf(w, "%d,%s,\n", i, bands[band])
			continue
		}
		score := 3 + 0.1*float64(band) + rng.NormFloat64()*0.7
		fmt.Fprintf(w, "%d,%s,%.2f\n", i, bands[band], score)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkANOVAMillionRows is `yanxiu stats anova` on a 1,000,000-row
// CSV, reading and parsing included (target: <= 3 s).
func BenchmarkANOVAMillionRows(b *testing.B) {
	p := writeMillion(b)
	b.ResetTimer()
	for b.Loop() {
		if code := Run([]string{"anova", "--in", p, "--value", "score", "--group", "band"}, io.Discard, os.Stderr); code != ExitOK {
			b.Fatalf("exit %d", code)
		}
	}
}
