package store

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// topDocs must give what sorting everything gives, ties included.
func TestTopDocs(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 7, 80, 81, 1000} {
		for _, k := range []int{1, 20, 200} {
			docs := make([]scoredDoc, n)
			for i := range docs {
				docs[i] = scoredDoc{id: int64(i + 1), score: float64(r.IntN(30))} // many ties
			}
			want := slices.Clone(docs)
			slices.SortFunc(want, better)
			want = want[:min(k, n)]
			if got := topDocs(slices.Clone(docs), k); !slices.Equal(got, want) {
				t.Fatalf("n=%d k=%d: %v, want %v", n, k, got, want)
			}
		}
	}
}
