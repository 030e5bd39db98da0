package stats

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// sortedRanks is the ranking by sorting the rows that ranker replaced.
func sortedRanks(xs []float64) []float64 {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(xs[a], xs[b]) })
	ranks := make([]float64, len(xs))
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && xs[idx[j]] == xs[idx[i]] {
			j++
		}
		for k := i; k < j; k++ {
			ranks[idx[k]] = float64(i+j+1) / 2
		}
		i = j
	}
	return ranks
}

// randomSample draws samples of the shapes ranked in practice: Likert
// answers, wide integers, scores with few distinct values, continuous
// values, signed zeros.
func randomSample(r *rand.Rand, n int) []float64 {
	xs := make([]float64, n)
	kind := r.IntN(6)
	for i := range xs {
		switch kind {
		case 0:
			xs[i] = float64(1 + r.IntN(5))
		case 1:
			xs[i] = float64(r.IntN(100000) - 50000)
		case 2:
			xs[i] = float64(r.IntN(41)) / 10
		case 3:
			xs[i] = r.NormFloat64() * 1e6
		case 4:
			xs[i] = []float64{0, math.Copysign(0, -1), 1, -1}[r.IntN(4)]
		default:
			xs[i] = []float64{0, math.Copysign(0, -1), 0.5, -0.5, 2.25}[r.IntN(5)]
		}
	}
	return xs
}

func TestRankerMatchesSorting(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for range 400 {
		n := 1 + r.IntN(3000)
		xs := randomSample(r, n)
		got, want := averageRanks(xs), sortedRanks(xs)
		if !slices.Equal(got, want) {
			t.Fatalf("ranks of %v: %v, want %v", xs[:min(n, 10)], got[:min(n, 10)], want[:min(n, 10)])
		}
		// Rank sums and ties by group, against the sorted pass.
		k := 2 + r.IntN(3)
		labels := make([]string, n)
		for i := range labels {
			labels[i] = string(rune('a' + r.IntN(k)))
			if r.IntN(50) == 0 {
				labels[i] = ""
			}
			if r.IntN(50) == 0 {
				xs[i] = math.NaN()
			}
		}
		v, err := NewColumn("x", xs)
		if err != nil {
			t.Fatal(err)
		}
		gr, err := splitRows(v, NewFactor("g", labels))
		if err != nil {
			t.Fatal(err)
		}
		sums, ties := rankGroups(v, gr)
		var all []float64
		var group []int
		for j, rows := range gr.rows {
			for _, row := range rows {
				all = append(all, v.x[row])
				group = append(group, j)
			}
		}
		ranks := sortedRanks(all)
		wantSums := make([]float64, len(gr.rows))
		for i, rk := range ranks {
			wantSums[group[i]] += rk
		}
		sorted := slices.Clone(all)
		slices.Sort(sorted)
		var wantTies float64
		for i := 0; i < len(sorted); {
			j := i
			for j < len(sorted) && sorted[j] == sorted[i] {
				j++
			}
			if t := float64(j - i); t > 1 {
				wantTies += t*t*t - t
			}
			i = j
		}
		if !slices.Equal(sums, wantSums) || ties != wantTies {
			t.Fatalf("rank sums %v ties %v, want %v %v", sums, ties, wantSums, wantTies)
		}
	}
}

func TestSortedCopyMatchesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 400 {
		xs := randomSample(r, 65+r.IntN(3000))
		if r.IntN(3) == 0 { // a few values beyond the counting sort's reach
			for i := range xs {
				xs[i] = float64(r.IntN(300)) / 7
			}
		}
		want := slices.Clone(xs)
		slices.Sort(want)
		got := sortedCopy(xs)
		for i := range got {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) && !(got[i] == 0 && want[i] == 0) {
				t.Fatalf("sorted %v…: position %d is %v, want %v", xs[:5], i, got[i], want[i])
			}
		}
	}
	if fewValuesSort([]float64{1.5, math.Copysign(0, -1), 2.5}) || fewValuesSort([]float64{1.5, math.NaN()}) {
		t.Error("negative zero or NaN counted")
	}
	many := make([]float64, 1000)
	for i := range many {
		many[i] = float64(i) + 0.5
	}
	if fewValuesSort(many) {
		t.Error("1,000 distinct values counted")
	}
}
