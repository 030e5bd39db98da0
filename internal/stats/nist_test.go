package stats_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/yanxiu/yanxiu/internal/stats"
)

// nistDir finds the NIST StRD files, which live in shared/ beside the
// repository (../shared/testdata/nist from the directory holding go.mod).
func nistDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("NIST StRD data not found: no go.mod above the test directory")
		}
		dir = parent
	}
	nist := filepath.Join(dir, "..", "shared", "testdata", "nist")
	if _, err := os.Stat(nist); err != nil {
		t.Skipf("NIST StRD data not found at %s (a copy of shared/ must sit beside the repository): %v", nist, err)
	}
	return nist
}

// lre is NIST's log relative error: the number of correct significant digits.
func lre(got, want float64) float64 {
	if got == want {
		return 15
	}
	if want == 0 {
		return min(15, -math.Log10(math.Abs(got)))
	}
	return min(15, -math.Log10(math.Abs(got-want)/math.Abs(want)))
}

type nistSet struct {
	Dataset    string          `json:"dataset"`
	Difficulty string          `json:"difficulty"`
	Data       []json.Number   `json:"data"`
	Groups     [][]json.Number `json:"groups"`
	Labels     []string        `json:"group_labels"`
	Certified  struct {
		Mean     float64 `json:"mean"`
		SD       float64 `json:"sd"`
		Autocorr float64 `json:"autocorr_lag1"`
		Between  struct{ DF, SS, MS, F float64 }
		Within   struct{ DF, SS, MS float64 }
		RSquared float64 `json:"r_squared"`
		ResSD    float64 `json:"residual_sd"`
	} `json:"certified"`
}

func loadNIST(t *testing.T, dir, name string) nistSet {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.UseNumber() // keep the decimal text exactly as written
	var s nistSet
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return s
}

func cells(ns []json.Number) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.String()
	}
	return out
}

func TestNISTUnivariate(t *testing.T) {
	dir := nistDir(t)
	for _, name := range []string{"PiDigits", "Lottery", "Lew", "Mavro", "Michelso", "NumAcc1", "NumAcc2", "NumAcc3", "NumAcc4"} {
		t.Run(name, func(t *testing.T) {
			s := loadNIST(t, dir, name+".json")
			col, err := stats.ParseColumn("y", cells(s.Data))
			if err != nil {
				t.Fatal(err)
			}
			d, err := stats.Describe(col)
			if err != nil {
				t.Fatal(err)
			}
			// The same data handed over as float64 (as the service layer
			// does) must fare as well: each float is read as its shortest
			// decimal, so the exact path applies.
			floats := make([]float64, len(s.Data))
			for i, n := range s.Data {
				if floats[i], err = n.Float64(); err != nil {
					t.Fatal(err)
				}
			}
			fc, err := stats.NewColumn("y", floats)
			if err != nil {
				t.Fatal(err)
			}
			fd, err := stats.Describe(fc)
			if err != nil {
				t.Fatal(err)
			}
			if fd.Mean != d.Mean || fd.SD != d.SD || fd.Lag1Autocorrelation != d.Lag1Autocorrelation {
				t.Errorf("float64 input differs from decimal input: %+v vs %+v", fd, d)
			}
			for _, c := range []struct {
				what      string
				got, want float64
			}{
				{"mean", d.Mean, s.Certified.Mean},
				{"sd", d.SD.Value, s.Certified.SD},
				{"lag-1 autocorrelation", d.Lag1Autocorrelation.Value, s.Certified.Autocorr},
			} {
				l := lre(c.got, c.want)
				t.Logf("%s: %.17g (certified %.15g) LRE %.1f", c.what, c.got, c.want, l)
				if l < 9 {
					t.Errorf("%s %s: LRE %.2f < 9 (got %.17g, certified %.15g)", name, c.what, l, c.got, c.want)
				}
			}
		})
	}
}

func TestNISTANOVA(t *testing.T) {
	dir := nistDir(t)
	for _, name := range []string{"SiRstv", "AtmWtAg", "SmLs01", "SmLs02", "SmLs03", "SmLs04", "SmLs05", "SmLs06", "SmLs07", "SmLs08", "SmLs09"} {
		t.Run(name, func(t *testing.T) {
			s := loadNIST(t, dir, name+".json")
			var values, labels []string
			for j, g := range s.Groups {
				values = append(values, cells(g)...)
				for range g {
					labels = append(labels, strconv.Itoa(j+1))
				}
			}
			v, err := stats.ParseColumn("y", values)
			if err != nil {
				t.Fatal(err)
			}
			a, err := stats.OneWayANOVA(v, stats.NewFactor("treatment", labels))
			if err != nil {
				t.Fatal(err)
			}
			c := s.Certified
			if a.Between.DF != c.Between.DF || a.Within.DF != c.Within.DF {
				t.Errorf("df = %v, %v; certified %v, %v", a.Between.DF, a.Within.DF, c.Between.DF, c.Within.DF)
			}
			for _, k := range []struct {
				what      string
				got, want float64
			}{
				{"between SS", a.Between.SS, c.Between.SS},
				{"between MS", a.Between.MS, c.Between.MS},
				{"within SS", a.Within.SS, c.Within.SS},
				{"within MS", a.Within.MS, c.Within.MS},
				{"F", a.F, c.Between.F},
				{"R squared", a.RSquared, c.RSquared},
				{"residual SD", a.ResidualSD, c.ResSD},
			} {
				l := lre(k.got, k.want)
				t.Logf("%s: %.17g (certified %.15g) LRE %.1f", k.what, k.got, k.want, l)
				if l < 9 {
					t.Errorf("%s %s: LRE %.2f < 9 (got %.17g, certified %.15g)", name, k.what, l, k.got, k.want)
				}
			}
		})
	}
}
