package stats

import (
	"math"
	"strconv"

	"gonum.org/v1/gonum/mat"
)

// KMO is the Kaiser–Meyer–Olkin measure of sampling adequacy, overall and
// per item (SPSS's MSA), with Bartlett's test of sphericity, over the
// respondents who answered every item.
type KMO struct {
	N, Excluded int
	Items       []string
	KMO         float64
	PerItem     []float64
	Bartlett    Bartlett
}

// Bartlett is Bartlett's test that the item correlation matrix is the identity.
type Bartlett struct {
	Chi2 float64
	DF   int
	P    float64
}

// KaiserMeyerOlkin computes KMO and Bartlett's test for a set of items.
func KaiserMeyerOlkin(items []*Column) (*KMO, error) {
	cov, n, excluded, err := itemCovariance(items)
	if err != nil {
		return nil, err
	}
	p := len(items)
	// A correlation matrix of p items needs more than p respondents to be
	// invertible, and Bartlett's factor n − 1 − (2p+5)/6 must be positive.
	factor := float64(n) - 1 - float64(2*p+5)/6
	if n <= p || factor <= 0 {
		need := max(p+1, int(math.Floor(1+float64(2*p+5)/6))+1)
		return nil, newError(CodeFewRespondents, "min", strconv.Itoa(need), "n", strconv.Itoa(n))
	}
	corr := mat.NewSymDense(p, nil)
	for i := range p {
		for j := i; j < p; j++ {
			corr.SetSym(i, j, cov[i][j]/math.Sqrt(cov[i][i]*cov[j][j]))
		}
	}
	var chol mat.Cholesky
	if ok := chol.Factorize(corr); !ok {
		return nil, newError(CodeSingular)
	}
	var inv mat.SymDense
	if err := chol.InverseTo(&inv); err != nil {
		return nil, newError(CodeSingular)
	}
	logDet := chol.LogDet()
	if math.IsInf(logDet, 0) || math.IsNaN(logDet) {
		return nil, newError(CodeSingular)
	}
	r := &KMO{N: n, Excluded: excluded}
	var r2all, a2all float64
	for i := range p {
		r.Items = append(r.Items, items[i].name)
		var r2, a2 float64
		for j := range p {
			if i == j {
				continue
			}
			rij := corr.At(i, j)
			aij := -inv.At(i, j) / math.Sqrt(inv.At(i, i)*inv.At(j, j))
			r2 += rij * rij
			a2 += aij * aij
		}
		r.PerItem = append(r.PerItem, r2/(r2+a2))
		r2all += r2
		a2all += a2
	}
	r.KMO = r2all / (r2all + a2all)
	r.Bartlett.Chi2 = -factor * logDet
	r.Bartlett.DF = p * (p - 1) / 2
	r.Bartlett.P = pChisqUpper(r.Bartlett.Chi2, float64(r.Bartlett.DF))
	vals := append([]float64{r.KMO, r.Bartlett.Chi2, r.Bartlett.P}, r.PerItem...)
	if !finite(vals...) {
		return nil, newError(CodeSingular)
	}
	return r, nil
}
