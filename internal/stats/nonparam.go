package stats

import (
	"cmp"
	"math"
	"slices"
	"strconv"
)

// GroupRanks describes one group of a rank test.
type GroupRanks struct {
	Name     string
	N        int
	RankSum  float64
	MeanRank float64
}

// MannWhitney is the Mann–Whitney U (Wilcoxon rank-sum) test between two
// groups by the normal approximation with continuity and tie corrections,
// as R's wilcox.test(exact = FALSE) computes it. U is the statistic of the
// first group (R's W): its rank sum minus n₁(n₁+1)/2; Z includes the
// continuity correction.
type MannWhitney struct {
	N, Excluded int
	Groups      [2]GroupRanks
	U, Z, P     float64
}

// KruskalWallis is the Kruskal–Wallis H test with the tie correction, as R's
// kruskal.test computes it.
type KruskalWallis struct {
	N, Excluded int
	Groups      []GroupRanks
	H           float64
	DF          int
	P           float64
}

// rankGroups ranks all grouped values together (average ranks for ties) and
// returns the rank sums per group and Σ(t³ − t) over tie groups.
//
// Ranks are multiples of ½, so while the sums stay below 2^51 every partial
// sum is exact and the order of adding does not matter: the ranks then come
// from a ranker (counting, for Likert answers) and are added row by row.
// Larger samples are sorted and added in sorted order.
func rankGroups(v *Column, gr *groupedRows) (sums []float64, ties float64) {
	sums = make([]float64, len(gr.rows))
	if n := float64(gr.n); n*(n+1)/2 < 1<<51 {
		xs := make([]float64, 0, gr.n)
		for _, rows := range gr.rows {
			for _, r := range rows {
				xs = append(xs, v.x[r])
			}
		}
		rk := newRanker(xs)
		off := 0
		for j, rows := range gr.rows {
			var s float64
			for _, x := range xs[off : off+len(rows)] {
				s += rk.rank(x)
			}
			sums[j] = s
			off += len(rows)
		}
		return sums, rk.ties()
	}
	type obs struct {
		x float64
		g int
	}
	all := make([]obs, 0, gr.n)
	for j, rows := range gr.rows {
		for _, r := range rows {
			all = append(all, obs{v.x[r], j})
		}
	}
	slices.SortFunc(all, func(a, b obs) int { return cmp.Compare(a.x, b.x) })
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].x == all[i].x {
			j++
		}
		rank := float64(i+j+1) / 2 // average of ranks i+1 … j
		for k := i; k < j; k++ {
			sums[all[k].g] += rank
		}
		if t := float64(j - i); t > 1 {
			ties += t*t*t - t
		}
		i = j
	}
	return sums, ties
}

func rankSummaries(gr *groupedRows, sums []float64) []GroupRanks {
	out := make([]GroupRanks, len(sums))
	for j, s := range sums {
		n := len(gr.rows[j])
		out[j] = GroupRanks{Name: gr.labels[j], N: n, RankSum: s, MeanRank: s / float64(n)}
	}
	return out
}

// MannWhitneyU compares the distributions of v in the two groups of g.
func MannWhitneyU(v *Column, g *Factor) (*MannWhitney, error) {
	gr, err := splitRows(v, g)
	if err != nil {
		return nil, err
	}
	switch k := len(gr.labels); {
	case k < 2:
		return nil, newError(CodeTooFewGroups, "column", g.name)
	case k > 2:
		return nil, newError(CodeNotTwoGroups, "column", g.name, "k", strconv.Itoa(k))
	}
	sums, ties := rankGroups(v, gr)
	n1, n2 := float64(len(gr.rows[0])), float64(len(gr.rows[1]))
	n := n1 + n2
	u := sums[0] - n1*(n1+1)/2
	sigma := math.Sqrt(n1 * n2 / 12 * ((n + 1) - ties/(n*(n-1))))
	if sigma == 0 || math.IsNaN(sigma) {
		return nil, newError(CodeAllTied, "column", v.name)
	}
	z := u - n1*n2/2
	switch {
	case z > 0:
		z = (z - 0.5) / sigma
	case z < 0:
		z = (z + 0.5) / sigma
	}
	r := &MannWhitney{N: gr.n, Excluded: gr.excluded, U: u, Z: z, P: pNorm2(z)}
	copy(r.Groups[:], rankSummaries(gr, sums))
	return r, nil
}

// KruskalWallisH compares the distributions of v across the groups of g.
func KruskalWallisH(v *Column, g *Factor) (*KruskalWallis, error) {
	gr, err := splitRows(v, g)
	if err != nil {
		return nil, err
	}
	k := len(gr.labels)
	if k < 2 {
		return nil, newError(CodeTooFewGroups, "column", g.name)
	}
	sums, ties := rankGroups(v, gr)
	n := float64(gr.n)
	corr := 1 - ties/(n*n*n-n)
	if corr <= 0 {
		return nil, newError(CodeAllTied, "column", v.name)
	}
	var s kahan
	for j, rs := range sums {
		s.add(rs * rs / float64(len(gr.rows[j])))
	}
	h := (12*s.value()/(n*(n+1)) - 3*(n+1)) / corr
	r := &KruskalWallis{N: gr.n, Excluded: gr.excluded, Groups: rankSummaries(gr, sums), H: h, DF: k - 1}
	r.P = pChisqUpper(h, float64(k-1))
	return r, nil
}
