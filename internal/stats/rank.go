package stats

import "math"

// ranker gives each value of a sample its average rank (from 1, tied
// values sharing the mean of their ranks) without sorting the sample's
// rows: a Likert item's 100,000 answers are counted (a handful of distinct
// values), other samples are sorted as plain numbers and looked up. The
// ranks are exactly those of sorting the rows, (i+j+1)/2 for the tie group
// at sorted positions i … j−1.
type ranker struct {
	// Integers within a small span: rank and count by value − lo.
	lo       float64
	counting bool
	// Otherwise: the distinct values in ascending order, and for a few of
	// them (dimension scores) a hash table of their positions.
	distinct []float64
	ranks    []float64 // per offset or per distinct value
	counts   []int
	keys     []uint64 // the bits of x+0 (no negative zero)
	slots    []int32  // position in distinct, -1 for an empty slot
}

// rankSlots is the size of the ranker's hash table: twice maxFewValues,
// a power of two.
const rankSlots = 2 * maxFewValues

func rankHash(b uint64) uint64 { return (b * 0x9E3779B97F4A7C15) >> (64 - 9) }

// maxCountingSpan bounds the value range ranked by counting, as
// countingSort's.
const maxCountingSpan = 4096

// newRanker ranks xs, which has no missing values.
func newRanker(xs []float64) *ranker {
	r := &ranker{}
	if len(xs) == 0 {
		return r
	}
	lo, hi := xs[0], xs[0]
	integers := true
	for _, x := range xs {
		if x != math.Trunc(x) {
			integers = false
			break
		}
		lo, hi = min(lo, x), max(hi, x)
	}
	if integers && hi-lo < maxCountingSpan {
		r.lo, r.counting = lo, true
		r.counts = make([]int, int(hi-lo)+1)
		for _, x := range xs {
			r.counts[int(x-lo)]++
		}
		r.ranks = make([]float64, len(r.counts))
		i := 0
		for o, c := range r.counts {
			r.ranks[o] = float64(i+i+c+1) / 2
			i += c
		}
		return r
	}
	sorted := sortedCopy(xs)
	for i := 0; i < len(sorted); {
		j := i
		for j < len(sorted) && sorted[j] == sorted[i] {
			j++
		}
		r.distinct = append(r.distinct, sorted[i])
		r.ranks = append(r.ranks, float64(i+j+1)/2)
		r.counts = append(r.counts, j-i)
		i = j
	}
	if len(r.distinct) <= maxFewValues {
		r.keys, r.slots = make([]uint64, rankSlots), make([]int32, rankSlots)
		for h := range r.slots {
			r.slots[h] = -1
		}
		for k, x := range r.distinct {
			b := math.Float64bits(x + 0)
			h := rankHash(b)
			for r.slots[h] >= 0 {
				h = (h + 1) & (rankSlots - 1)
			}
			r.keys[h], r.slots[h] = b, int32(k)
		}
	}
	return r
}

// rank returns the average rank of x, a value of the sample.
func (r *ranker) rank(x float64) float64 {
	if r.counting {
		return r.ranks[int(x-r.lo)]
	}
	if r.slots != nil {
		b := math.Float64bits(x + 0)
		for h := rankHash(b); r.slots[h] >= 0; h = (h + 1) & (rankSlots - 1) {
			if r.keys[h] == b {
				return r.ranks[r.slots[h]]
			}
		}
	}
	lo, hi := 0, len(r.distinct)
	for lo < hi { // the first distinct value ≥ x, which equals x
		m := int(uint(lo+hi) >> 1)
		if r.distinct[m] < x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return r.ranks[lo]
}

// ties returns Σ(t³ − t) over the tie groups, in ascending order of value.
func (r *ranker) ties() float64 {
	var ties float64
	for _, c := range r.counts {
		if t := float64(c); t > 1 {
			ties += t*t*t - t
		}
	}
	return ties
}
