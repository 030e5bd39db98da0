package stats

import (
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
	if len(out) > 64 && (countingSort(out) || fewValuesSort(out)) {
		return out
	}
	slices.Sort(out)
	return out
}

// maxFewValues is how many distinct values fewValuesSort counts.
const maxFewValues = 256

// fewValuesSort sorts xs in place when it holds at most maxFewValues
// distinct values, such as dimension scores (means of a few Likert
// answers), by counting them in a small hash table, and reports whether it
// did. Equal values are then the same bits, so the result is exactly
// slices.Sort's; it declines negative zero (equal to zero but not the same
// bits, which slices.Sort leaves in no defined order) and NaN.
func fewValuesSort(xs []float64) bool {
	const size = rankSlots
	var keys [size]uint64
	var counts [size]int
	distinct := 0
	for _, x := range xs {
		b := math.Float64bits(x)
		if x != x || (x == 0 && b != 0) {
			return false
		}
		h := rankHash(b)
		for counts[h] > 0 && keys[h] != b {
			h = (h + 1) & (size - 1)
		}
		if counts[h] == 0 {
			if distinct == maxFewValues {
				return false
			}
			keys[h] = b
			distinct++
		}
		counts[h]++
	}
	vals := make([]float64, 0, distinct)
	for h, c := range counts {
		if c > 0 {
			vals = append(vals, math.Float64frombits(keys[h]))
		}
	}
	slices.Sort(vals)
	i := 0
	for _, v := range vals {
		b := math.Float64bits(v)
		h := rankHash(b)
		for keys[h] != b || counts[h] == 0 {
			h = (h + 1) & (size - 1)
		}
		for c := counts[h]; c > 0; c-- {
			xs[i] = v
			i++
		}
	}
	return true
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
