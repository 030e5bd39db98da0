package stats

import (
	"cmp"
	"math"
	"slices"
)

// sum adds with Neumaier's compensation, so that a million terms lose no
// more than a rounding or two.
func sum(xs []float64) float64 {
	var s, c float64
	for _, x := range xs {
		t := s + x
		if math.Abs(s) >= math.Abs(x) {
			c += (s - t) + x
		} else {
			c += (x - t) + s
		}
		s = t
	}
	return s + c
}

// kahan is a running compensated sum.
type kahan struct{ s, c float64 }

func (k *kahan) add(x float64) {
	t := k.s + x
	if math.Abs(k.s) >= math.Abs(x) {
		k.c += (k.s - t) + x
	} else {
		k.c += (x - t) + k.s
	}
	k.s = t
}

func (k *kahan) value() float64 { return k.s + k.c }

func mean(xs []float64) float64 { return sum(xs) / float64(len(xs)) }

// sumSquares returns Σ(x−m)² for the mean m of xs, and m.
func sumSquares(xs []float64) (ss, m float64) {
	m = mean(xs)
	var k kahan
	for _, x := range xs {
		d := x - m
		k.add(d * d)
	}
	return k.value(), m
}

// sortedCopy returns xs sorted; small-range integers (Likert answers) are
// counted rather than compared, which keeps 60 items × 100,000 answers fast.
func sortedCopy(xs []float64) []float64 {
	out := append([]float64(nil), xs...)
	if len(out) > 64 && countingSort(out) {
		return out
	}
	slices.Sort(out)
	return out
}

// countingSort sorts xs in place when every value is an integer within a
// range of 4096, and reports whether it did.
func countingSort(xs []float64) bool {
	lo, hi := xs[0], xs[0]
	for _, x := range xs {
		if x < lo {
			lo = x
		} else if x > hi {
			hi = x
		}
	}
	if hi-lo >= 4096 || lo != math.Trunc(lo) {
		return false
	}
	var small [8]int
	counts := small[:0]
	if span := int(hi-lo) + 1; span <= len(small) {
		counts = small[:span]
	} else {
		counts = make([]int, span)
	}
	for _, x := range xs {
		d := x - lo
		i := int(d)
		if float64(i) != d {
			return false
		}
		counts[i]++
	}
	i := 0
	for v, c := range counts {
		for ; c > 0; c-- {
			xs[i] = lo + float64(v)
			i++
		}
	}
	return true
}

// quantile7 is R's default (type 7) quantile of sorted data:
// x[h] + (h − ⌊h⌋)(x[h+1] − x[h]) with h = (n−1)p, 0-based.
func quantile7(sorted []float64, p float64) float64 {
	h := float64(len(sorted)-1) * p
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-lo)*(sorted[i+1]-sorted[i])
}

// median of unsorted data.
func median(xs []float64) float64 { return quantile7(sortedCopy(xs), 0.5) }

// sortIndex orders idx by the values xs[idx[i]].
func sortIndex(idx []int, xs []float64) {
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(xs[a], xs[b]) })
}
