package space

import (
	"slices"
	"testing"
)

func TestPaths(t *testing.T) {
	root := ChildPath("", 1)
	child := ChildPath(root, 7)
	if root != "/1/" || child != "/1/7/" {
		t.Fatalf("paths %q %q", root, child)
	}
	s := Space{Path: root}
	if !s.Contains(child) || (&Space{Path: child}).Contains(root) {
		t.Fatal("Contains")
	}
	if (&Space{Path: "/1/"}).Contains("/11/") {
		t.Fatal("prefix must stop at a separator")
	}
	ids, err := AncestorIDs("/1/7/42/")
	if err != nil || !slices.Equal(ids, []int64{1, 7, 42}) {
		t.Fatalf("AncestorIDs = %v %v", ids, err)
	}
	if _, err := AncestorIDs("/1/x/"); err == nil {
		t.Fatal("bad path accepted")
	}
}

func TestChildLevel(t *testing.T) {
	cases := map[Level]Level{Region: District, District: School, School: Group, Group: Group}
	for p, want := range cases {
		if got, ok := p.ChildLevel(); !ok || got != want {
			t.Errorf("ChildLevel(%s) = %s %v", p, got, ok)
		}
	}
}
