package resource

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestBlockRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var ps []BlockPosting
	id := int64(0)
	for range MaxBlock {
		id += 1 + r.Int64N(1<<20)
		ps = append(ps, BlockPosting{ID: id, TF: [NumFields]int{r.IntN(3), r.IntN(300), r.IntN(70000)},
			Lens: [NumFields]int{r.IntN(40), r.IntN(500), r.IntN(20000)}, Vis: VisClass(r.IntN(4))})
		switch p := &ps[len(ps)-1]; p.Vis {
		case VisClassInstitution:
			p.Owner, p.Inst = 1+r.Int64N(1<<30), 1+r.Int64N(1<<30)
		case VisClassCommunity:
			p.Owner, p.Space = 1+r.Int64N(1<<30), 1+r.Int64N(1<<30)
		case VisClassPrivate:
			p.Owner = 1 + r.Int64N(1<<30)
		}
	}
	got, err := DecodeBlock(EncodeBlock(ps), nil)
	if err != nil || !slices.Equal(got, ps) {
		t.Fatalf("round trip: %v\n%v\n%v", err, got[:2], ps[:2])
	}
	if got, err := DecodeBlock(nil, nil); err != nil || len(got) != 0 {
		t.Errorf("empty block: %v %v", got, err)
	}
}

func TestBlockEditing(t *testing.T) {
	var ps []BlockPosting
	for _, id := range []int64{5, 1, 9, 3} {
		ps = InsertPosting(ps, BlockPosting{ID: id})
	}
	ps = InsertPosting(ps, BlockPosting{ID: 3, Vis: VisClassPublic}) // replaces
	if len(ps) != 4 || ps[0].ID != 1 || ps[1].ID != 3 || ps[1].Vis != VisClassPublic || ps[3].ID != 9 {
		t.Fatalf("after inserts: %+v", ps)
	}
	ps, ok := RemovePosting(ps, 5)
	if !ok || len(ps) != 3 {
		t.Fatalf("remove 5: %v %+v", ok, ps)
	}
	if _, ok := RemovePosting(ps, 4); ok {
		t.Error("removed an absent resource")
	}
}

// FuzzDecodeBlock: no input makes decoding panic or loop, and whatever
// decodes encodes back to the same bytes.
func FuzzDecodeBlock(f *testing.F) {
	f.Add(EncodeBlock([]BlockPosting{{ID: 7, TF: [NumFields]int{1, 0, 2}, Lens: [NumFields]int{3, 4, 5}}}))
	f.Add([]byte{0x80})
	f.Add([]byte{1, 2, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		ps, err := DecodeBlock(b, nil)
		if err != nil {
			return
		}
		for i := 1; i < len(ps); i++ {
			if ps[i].ID <= ps[i-1].ID {
				t.Fatalf("ids out of order: %+v", ps)
			}
		}
		again, err := DecodeBlock(EncodeBlock(ps), nil)
		if err != nil || !slices.Equal(again, ps) {
			t.Fatalf("re-encoding changed the block: %v", err)
		}
	})
}

func TestInstitutionPaths(t *testing.T) {
	for _, c := range []struct {
		path string
		leaf int64
	}{{"/1/7/42/", 42}, {"/3/", 3}, {"", 0}, {"/", 0}, {"/x/", 0}} {
		if got := PathLeaf(c.path); got != c.leaf {
			t.Errorf("PathLeaf(%q) = %d, want %d", c.path, got, c.leaf)
		}
	}
}

// ScoreTF, the search's fast path, agrees with Score to the bit.
func TestScoreTFMatchesScore(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	stats := IndexStats{Docs: 1000, TotalLen: [NumFields]int64{9000, 40000, 300000}}
	terms := []string{"教研", "数学", "课例"}
	s := NewScorer(stats, map[string]int64{"教研": 10, "数学": 400, "课例": 77})
	idfs := []float64{s.TermIDF(terms[0]), s.TermIDF(terms[1]), s.TermIDF(terms[2])}
	for range 1000 {
		tfs := make([][NumFields]int, len(terms))
		var ps []Posting
		for i, term := range terms {
			for f := range NumFields {
				if n := r.IntN(4); n > 0 {
					tfs[i][f] = n
					ps = append(ps, Posting{Term: term, Field: f, TF: n})
				}
			}
		}
		lens := [NumFields]int{r.IntN(30), r.IntN(100), r.IntN(2000)}
		if a, b := s.Score(ps, lens), s.ScoreTF(idfs, tfs, lens); a != b {
			t.Fatalf("Score %v, ScoreTF %v for %v %v", a, b, tfs, lens)
		}
	}
}
