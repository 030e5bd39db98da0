package resource

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Crafted revisions whose sections share no line make go-diff's search for
// a minimal diff quadratic; one compare must still end within its budget
// (without the limits it took a second per section) and stay correct.
func TestDiffBodiesIsBounded(t *testing.T) {
	sec := func(prefix string) string {
		var s strings.Builder
		for i := 0; s.Len() < MaxSectionText-20; i++ {
			fmt.Fprintf(&s, "%s%x\n", prefix, i)
		}
		return s.String()
	}
	a, b := Body{}, Body{}
	for _, k := range LessonPlan.Sections() {
		a = append(a, Section{Key: k, Text: sec("a")})
		b = append(b, Section{Key: k, Text: sec("b")})
	}
	start := time.Now()
	d := DiffBodies(LessonPlan, a, b)
	if el := time.Since(start); el > 1500*time.Millisecond { // the budget is 300 ms; slack for a busy machine
		t.Errorf("compare of %d crafted sections took %v", len(d), el)
	}
	for _, s := range d {
		del, ins := 0, 0
		for _, l := range s.Lines {
			switch {
			case l.Op == DiffDelete && strings.HasPrefix(l.Text, "a"):
				del++
			case l.Op == DiffInsert && strings.HasPrefix(l.Text, "b"):
				ins++
			default:
				t.Fatalf("section %s: unexpected line %+v", s.Key, l)
			}
		}
		if want := strings.Count(a.Text(s.Key), "\n"); del != want || ins != want {
			t.Errorf("section %s: %d deleted, %d inserted, want %d each", s.Key, del, ins, want)
		}
	}
}
