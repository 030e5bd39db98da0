package store

import (
	"slices"
	"testing"
)

func TestSortKeyPinyinOrder(t *testing.T) {
	names := []string{"张伟", "李娜", "王芳", "陈静", "Anna", "赵磊"}
	slices.SortFunc(names, func(a, b string) int {
		ka, kb := SortKey(a), SortKey(b)
		switch {
		case ka < kb:
			return -1
		case ka > kb:
			return 1
		}
		return 0
	})
	want := []string{"Anna", "陈静", "李娜", "王芳", "张伟", "赵磊"}
	if !slices.Equal(names, want) {
		t.Fatalf("sorted = %v, want %v", names, want)
	}
}

func TestPathRange(t *testing.T) {
	lo, hi := pathRange("/1/7/")
	for p, want := range map[string]bool{"/1/7/": true, "/1/7/42/": true, "/1/7/9/3/": true, "/1/70/": false, "/1/8/": false, "/1/": false} {
		if got := p >= lo && p < hi; got != want {
			t.Errorf("%q in range = %v", p, got)
		}
	}
}
