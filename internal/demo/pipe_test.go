package demo

import (
	"errors"
	"slices"
	"testing"
)

// TestWritePipe runs writes in the order sent, stops at the first failure
// and reports it, and refuses writes once closed.
func TestWritePipe(t *testing.T) {
	p := newWritePipe()
	var done []int
	for i := range 10 {
		if err := p.send(func() error { done = append(done, i); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.wait(); err != nil || !slices.Equal(done, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Fatalf("ran %v, %v", done, err)
	}
	if err := p.send(func() error { return nil }); err == nil {
		t.Error("a write after wait was accepted")
	}

	boom := errors.New("boom")
	p, done = newWritePipe(), nil
	for i := range 5 {
		p.send(func() error { //nolint:errcheck // failures come back from wait
			done = append(done, i)
			if i == 2 {
				return boom
			}
			return nil
		})
	}
	if err := p.wait(); !errors.Is(err, boom) || !slices.Equal(done, []int{0, 1, 2}) {
		t.Fatalf("ran %v, %v; want the first three and the failure", done, err)
	}
	if err := p.wait(); !errors.Is(err, boom) {
		t.Errorf("a second wait says %v", err)
	}
}
