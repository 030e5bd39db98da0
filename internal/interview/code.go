package interview

import (
	"strings"
	"time"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

// Code is one entry of a project's code book (编码本): a name, what it
// means, an example of text it applies to, and optionally a parent code, so
// that codes form a tree of themes and sub-themes.
type Code struct {
	ID         int64
	ProjectID  int64
	ParentID   int64 // 0 for a top-level code
	Name       string
	Definition string
	Example    string
	CreatedBy  int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Segments   int // segments coded with this code itself, filled by reads
}

// Code book limits.
const (
	MaxCodes      = 500 // per project
	MaxCodeName   = 40
	MaxDefinition = 2000
	MaxExample    = 2000
	// MaxDepth is how deep the tree may grow: a theme, its categories and
	// their codes, with room to spare.
	MaxDepth = 5
)

// CodeInput is what creating or editing a code takes.
type CodeInput struct {
	Name       string
	Definition string
	Example    string
	ParentID   int64
}

// Validate checks a code's texts; where it may sit in the tree is the
// Book's to decide (CheckParent).
func (in *CodeInput) Validate() error {
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	in.Definition = NormalizeText(in.Definition)
	in.Example = NormalizeText(in.Example)
	f := apperr.Fields{}
	requiredText(f, "name", in.Name, MaxCodeName)
	if strings.Contains(in.Name, PathSeparator) {
		f.Add("name", "interview.error.code_name_slash")
	}
	maxText(f, "definition", in.Definition, MaxDefinition)
	maxText(f, "example", in.Example, MaxExample)
	if in.ParentID < 0 {
		f.Add("parent", "form.invalid_choice")
	}
	return f.Err()
}

// PathSeparator joins the names of a code's ancestors in exports ("专业成长 / 教学反思").
const PathSeparator = " / "

// Book is a project's code book as a tree, for the questions that need
// the whole of it: where a code may move, what rolls up into what, and the
// order codes are listed in.
type Book struct {
	codes    []*Code
	byID     map[int64]*Code
	children map[int64][]*Code // parent ID (0 for the top) → children in list order
}

// NewBook indexes codes, which come in list order (creation order). A code
// whose parent is missing is treated as top-level.
func NewBook(codes []*Code) *Book {
	b := &Book{codes: codes, byID: make(map[int64]*Code, len(codes)), children: map[int64][]*Code{}}
	for _, c := range codes {
		b.byID[c.ID] = c
	}
	for _, c := range codes {
		p := c.ParentID
		if _, ok := b.byID[p]; !ok || p == c.ID {
			p = 0
		}
		b.children[p] = append(b.children[p], c)
	}
	return b
}

// Len is the number of codes.
func (b *Book) Len() int { return len(b.codes) }

// Code returns a code by ID.
func (b *Book) Code(id int64) (*Code, bool) {
	c, ok := b.byID[id]
	return c, ok
}

// Children lists a code's direct children (0 for the top level).
func (b *Book) Children(id int64) []*Code { return b.children[id] }

// Node is a code in tree order with its depth (0 at the top).
type Node struct {
	Code  *Code
	Depth int
}

// Tree lists every code depth-first, each after its parent.
func (b *Book) Tree() []Node {
	out := make([]Node, 0, len(b.codes))
	var walk func(parent int64, depth int)
	walk = func(parent int64, depth int) {
		for _, c := range b.children[parent] {
			out = append(out, Node{Code: c, Depth: depth})
			walk(c.ID, depth+1)
		}
	}
	walk(0, 0)
	return out
}

// Subtree returns the IDs of a code and all its descendants.
func (b *Book) Subtree(id int64) []int64 {
	out := []int64{id}
	for i := 0; i < len(out); i++ {
		for _, c := range b.children[out[i]] {
			out = append(out, c.ID)
		}
	}
	return out
}

// Depth is a code's depth: 0 for a top-level code.
func (b *Book) Depth(id int64) int {
	d := 0
	for c, ok := b.byID[id]; ok && c.ParentID != 0 && d <= len(b.codes); c, ok = b.byID[c.ParentID] {
		d++
	}
	return d
}

// height is the number of levels below a code (0 for a leaf).
func (b *Book) height(id int64) int {
	h := 0
	for _, c := range b.children[id] {
		h = max(h, 1+b.height(c.ID))
	}
	return h
}

// Path names a code with its ancestors, top first.
func (b *Book) Path(id int64) string {
	var names []string
	for c, ok := b.byID[id]; ok && len(names) <= len(b.codes); c, ok = b.byID[c.ParentID] {
		names = append(names, c.Name)
		if c.ParentID == 0 {
			break
		}
	}
	for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
		names[i], names[j] = names[j], names[i]
	}
	return strings.Join(names, PathSeparator)
}

// CheckParent reports whether code id (0 for a new code) may sit under
// parent (0 for the top level): the parent must exist, must not be the code
// itself or one of its descendants (which would make a cycle), and the
// tree must stay within MaxDepth levels.
func (b *Book) CheckParent(id, parent int64) error {
	if parent == 0 {
		return nil
	}
	f := apperr.Fields{}
	if _, ok := b.byID[parent]; !ok {
		f.Add("parent", "form.invalid_choice")
		return f.Err()
	}
	if id != 0 {
		for _, d := range b.Subtree(id) {
			if d == parent {
				f.Add("parent", "interview.error.code_cycle")
				return f.Err()
			}
		}
	}
	below := 0
	if id != 0 {
		below = b.height(id)
	}
	if b.Depth(parent)+1+below >= MaxDepth {
		f.Add("parent", "interview.error.code_too_deep", "max", MaxDepth)
	}
	return f.Err()
}

// CheckMerge reports whether code from may be merged into code into: both
// must exist and differ, and into must not lie inside from's subtree (its
// children, moving up to into, would then become their own ancestors).
func (b *Book) CheckMerge(from, into int64) error {
	f := apperr.Fields{}
	if _, ok := b.byID[into]; !ok || from == into {
		f.Add("into", "form.invalid_choice")
		return f.Err()
	}
	for _, d := range b.Subtree(from) {
		if d == into {
			f.Add("into", "interview.error.merge_into_descendant")
			return f.Err()
		}
	}
	if b.Depth(into)+1+max(0, b.height(from)-1) >= MaxDepth && len(b.children[from]) > 0 {
		f.Add("into", "interview.error.code_too_deep", "max", MaxDepth)
	}
	return f.Err()
}
