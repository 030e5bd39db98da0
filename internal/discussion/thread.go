package discussion

// MaxIndent caps how far a threaded reply is indented, so that a long
// back-and-forth stays readable on a phone.
const MaxIndent = 4

// Threaded is a reply placed on a page: its floor (楼层, the 1-based
// position in the whole topic in posting order) and its indent.
type Threaded struct {
	*Reply
	Floor  int
	Indent int
	// ParentOnPage is true when the reply's parent is shown above it on the
	// same page; otherwise a "in reply to" link points at the parent.
	ParentOnPage bool
}

// Arrange lays out one page of replies, given in posting order (ascending
// ID) and starting at the given 0-based position in the topic, as a thread:
// each reply follows its parent (when the parent is on the page), siblings
// stay in posting order, and a reply whose parent is on another page starts
// a thread of its own at its posting position. Paging stays by posting
// order, so a page never changes when someone answers an old reply on
// another page, and every reply appears on exactly one page.
func Arrange(page []*Reply, offset int) []Threaded {
	floor := make(map[int64]int, len(page))
	onPage := make(map[int64]bool, len(page))
	for i, r := range page {
		floor[r.ID] = offset + i + 1
		onPage[r.ID] = true
	}
	children := map[int64][]*Reply{}
	var roots []*Reply
	for _, r := range page {
		if r.ParentID != 0 && onPage[r.ParentID] && r.ParentID < r.ID {
			children[r.ParentID] = append(children[r.ParentID], r)
			continue
		}
		roots = append(roots, r)
	}
	out := make([]Threaded, 0, len(page))
	var walk func(r *Reply, indent int, parentOnPage bool)
	walk = func(r *Reply, indent int, parentOnPage bool) {
		out = append(out, Threaded{Reply: r, Floor: floor[r.ID], Indent: min(indent, MaxIndent), ParentOnPage: parentOnPage})
		for _, c := range children[r.ID] {
			walk(c, indent+1, true)
		}
	}
	for _, r := range roots {
		walk(r, 0, false)
	}
	return out
}
