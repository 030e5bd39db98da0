package main

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestBucketBoundaries(t *testing.T) {
	// Every value must land in a bucket whose upper edge is at least the
	// value and at most 1/64 above it.
	for _, us := range []int64{0, 1, 63, 64, 127, 128, 129, 255, 256, 1000, 4095, 4096, 50_000, 1 << 30, 1<<37 - 1} {
		i := bucketOf(us)
		up := bucketUpper(i)
		if up < us {
			t.Errorf("bucketOf(%d) = %d with upper edge %d, below the value", us, i, up)
		}
		if float64(up-us) > float64(us)/64+1 {
			t.Errorf("bucketOf(%d): upper edge %d is more than 1/64 above", us, up)
		}
		if i > 0 && bucketUpper(i-1) >= us {
			t.Errorf("bucketOf(%d) = %d but the previous bucket reaches %d", us, i, bucketUpper(i-1))
		}
	}
	if got := bucketOf(1 << 50); got != bucketCount-1 {
		t.Errorf("huge value in bucket %d, want the last (%d)", got, bucketCount-1)
	}
	if got := bucketOf(-5); got != 0 {
		t.Errorf("negative value in bucket %d, want 0", got)
	}
}

func TestPercentiles(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name   string
		values []time.Duration
		q      float64
		want   time.Duration
	}{
		{"empty", nil, 0.5, 0},
		{"single", []time.Duration{7 * ms}, 0.99, 7 * ms},
		{"median of 1..100 µs is exact", seq(1, 100, time.Microsecond), 0.5, 50 * time.Microsecond},
		{"p99 of 1..100 µs", seq(1, 100, time.Microsecond), 0.99, 99 * time.Microsecond},
		{"p100 is the max", seq(1, 100, ms), 1, 100 * ms},
		{"p0 is the min", seq(3, 9, ms), 0, 3 * ms},
		{"p90 of 1..1000 ms within 1.6%", seq(1, 1000, ms), 0.9, 900 * ms},
		{"one slow outlier shows at p99 only", append(repeat(99, 2*ms), 400*ms), 0.99, 2 * ms},
		{"outlier is the max", append(repeat(99, 2*ms), 400*ms), 1, 400 * ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h histogram
			for _, v := range tt.values {
				h.record(v)
			}
			got := h.percentile(tt.q)
			if got < tt.want || float64(got-tt.want) > float64(tt.want)/64+float64(time.Microsecond) {
				t.Errorf("percentile(%v) = %v, want %v (or up to 1/64 above)", tt.q, got, tt.want)
			}
		})
	}
}

// TestPercentilesAgainstSort compares with exact percentiles of a random
// sample: the histogram may err on the slow side by one bucket only.
func TestPercentilesAgainstSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var h histogram
	vals := make([]time.Duration, 20000)
	for i := range vals {
		vals[i] = time.Duration(r.ExpFloat64() * float64(3*time.Millisecond))
		h.record(vals[i])
	}
	slices.Sort(vals)
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
		exact := vals[int(q*float64(len(vals)))-1].Truncate(time.Microsecond)
		got := h.percentile(q)
		if got < exact || float64(got-exact) > float64(exact)/64+float64(time.Microsecond) {
			t.Errorf("p%v = %v, exact %v", q*100, got, exact)
		}
	}
	if h.max != vals[len(vals)-1] || h.min != vals[0] {
		t.Errorf("min/max = %v/%v, want %v/%v", h.min, h.max, vals[0], vals[len(vals)-1])
	}
}

func TestMerge(t *testing.T) {
	var a, b, all histogram
	for i := 1; i <= 1000; i++ {
		d := time.Duration(i) * 37 * time.Microsecond
		all.record(d)
		if i%3 == 0 {
			a.record(d)
		} else {
			b.record(d)
		}
	}
	var m histogram
	m.merge(&a)
	m.merge(&b)
	m.merge(&histogram{})
	if m.count != all.count || m.min != all.min || m.max != all.max || m.sum != all.sum {
		t.Fatalf("merged count/min/max/sum = %d/%v/%v/%v, want %d/%v/%v/%v", m.count, m.min, m.max, m.sum, all.count, all.min, all.max, all.sum)
	}
	for _, q := range []float64{0.5, 0.9, 0.99} {
		if m.percentile(q) != all.percentile(q) {
			t.Errorf("merged p%v = %v, want %v", q*100, m.percentile(q), all.percentile(q))
		}
	}
	if m.mean() != all.mean() {
		t.Errorf("mean = %v, want %v", m.mean(), all.mean())
	}
}

func seq(from, to int, unit time.Duration) []time.Duration {
	var out []time.Duration
	for i := from; i <= to; i++ {
		out = append(out, time.Duration(i)*unit)
	}
	return out
}

func repeat(n int, d time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d
	}
	return out
}
