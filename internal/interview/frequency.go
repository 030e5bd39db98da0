package interview

import (
	"cmp"
	"slices"
	"strings"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/teacher"
)

// Groupings: the demographic attributes a project's code frequencies can be
// cross-tabulated by; a free attribute is grouped by as AttrPrefix + name.
const (
	ByGender    = "gender"
	ByYearsBand = "years_band"
	ByTitle     = "title"
	ByLocation  = "location"
	BySubject   = "subject"
	AttrPrefix  = "attr:"
)

// Groupings lists the built-in groupings in the order forms offer them.
var Groupings = []string{ByGender, ByYearsBand, ByTitle, ByLocation, BySubject}

// ValidGrouping reports whether g names a built-in grouping or a free
// attribute (whose name is then up to the project's records).
func ValidGrouping(g string) bool {
	if name, ok := strings.CutPrefix(g, AttrPrefix); ok {
		return name != "" && Len(name) <= MaxAttrName
	}
	return slices.Contains(Groupings, g)
}

// CheckGrouping returns a field error for the "by" field unless g is valid.
func CheckGrouping(g string) error {
	if ValidGrouping(g) {
		return nil
	}
	f := apperr.Fields{}
	f.Add("by", "form.invalid_choice")
	return f.Err()
}

// GroupValue is a record's value for a grouping, "" when not stated.
func (r *Record) GroupValue(g string) string {
	switch g {
	case ByGender:
		return r.Gender
	case ByYearsBand:
		return r.YearsBand
	case ByTitle:
		return r.Title
	case ByLocation:
		return r.Location
	case BySubject:
		return r.Subject
	}
	if name, ok := strings.CutPrefix(g, AttrPrefix); ok {
		return r.Attribute(name)
	}
	return ""
}

// levelOrder is the order a built-in grouping's values are listed in: the
// vocabulary's, so that tables read 男, 女 and bands from the youngest.
func levelOrder(g string) []string {
	terms := func(ts []teacher.Term) []string {
		out := make([]string, len(ts))
		for i, t := range ts {
			out[i] = t.Key
		}
		return out
	}
	switch g {
	case ByGender:
		return terms(teacher.Genders())
	case ByYearsBand:
		return YearsBands
	case ByTitle:
		return terms(teacher.Titles())
	case ByLocation:
		return space.Locations
	case BySubject:
		return terms(teacher.Subjects())
	}
	return nil
}

// Group is one value of the grouping with the records that have it.
type Group struct {
	Value   string // "" is the group of records where the value is not stated
	Records int
}

// Cell is one code's figures in one group.
type Cell struct {
	Records  int // records of the group with the code (or a descendant)
	Segments int // segments coded with the code or a descendant in those records
}

// Row is one code's frequencies. Segments and Records roll up: they count
// what is coded with the code itself or any code below it, each segment
// once and each record once.
type Row struct {
	Code        *Code
	Depth       int
	OwnSegments int
	Segments    int
	Records     int
	ByGroup     []Cell // aligned with Frequencies.Groups
}

// Frequencies is a project's code frequencies, cross-tabulated by a grouping.
type Frequencies struct {
	Grouping string
	Records  int     // records in the project
	Groups   []Group // stated values first, in vocabulary order, then "" if any record lacks one
	Rows     []Row   // in code book (tree) order
}

// Coded is what counting needs of a segment.
type Coded struct {
	RecordID, CodeID int64
}

// Count computes a code book's frequencies over a project's records and
// segments, grouped by g. Segments of records or codes it is not given are
// ignored.
func Count(book *Book, records []*Record, segs []Coded, g string) *Frequencies {
	fr := &Frequencies{Grouping: g, Records: len(records)}
	// Groups: known levels in their order, then other stated values sorted,
	// then "not stated".
	size := map[string]int{}
	for _, r := range records {
		size[r.GroupValue(g)]++
	}
	var values []string
	for _, v := range levelOrder(g) {
		if size[v] > 0 {
			values = append(values, v)
		}
	}
	var others []string
	for v := range size {
		if v != "" && !slices.Contains(values, v) {
			others = append(others, v)
		}
	}
	slices.Sort(others)
	values = append(values, others...)
	if size[""] > 0 {
		values = append(values, "")
	}
	groupOf := map[string]int{}
	for i, v := range values {
		fr.Groups = append(fr.Groups, Group{Value: v, Records: size[v]})
		groupOf[v] = i
	}
	recGroup := make(map[int64]int, len(records))
	for _, r := range records {
		recGroup[r.ID] = groupOf[r.GroupValue(g)]
	}
	// Segments per (code, record), counted once per code.
	type key struct{ code, record int64 }
	per := map[key]int{}
	own := map[int64]int{}
	for _, s := range segs {
		if _, ok := recGroup[s.RecordID]; !ok {
			continue
		}
		if _, ok := book.Code(s.CodeID); !ok {
			continue
		}
		per[key{s.CodeID, s.RecordID}]++
		own[s.CodeID]++
	}
	byCode := map[int64][]int64{} // code → records coded with it
	for k := range per {
		byCode[k.code] = append(byCode[k.code], k.record)
	}
	for _, n := range book.Tree() {
		row := Row{Code: n.Code, Depth: n.Depth, OwnSegments: own[n.Code.ID], ByGroup: make([]Cell, len(values))}
		recSegs := map[int64]int{}
		for _, id := range book.Subtree(n.Code.ID) {
			for _, rec := range byCode[id] {
				recSegs[rec] += per[key{id, rec}]
			}
		}
		for rec, k := range recSegs {
			row.Records++
			row.Segments += k
			c := &row.ByGroup[recGroup[rec]]
			c.Records++
			c.Segments += k
		}
		fr.Rows = append(fr.Rows, row)
	}
	return fr
}

// Indicators returns, for one row, a "yes"/"no" label per record of the
// stated groups (whether the record has the code) beside its group, the
// two columns of a records-with-code × group contingency table. Records
// whose group is not stated are left out.
func (fr *Frequencies) Indicators(row Row) (has, group []string) {
	for gi, gr := range fr.Groups {
		if gr.Value == "" {
			continue
		}
		c := row.ByGroup[gi]
		for i := range gr.Records {
			label := "no"
			if i < c.Records {
				label = "yes"
			}
			has = append(has, label)
			group = append(group, gr.Value)
		}
	}
	return has, group
}

// SortedAttrNames lists the free attribute names used by records, sorted,
// for the grouping choice.
func SortedAttrNames(records []*Record) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range records {
		for _, a := range r.Attributes {
			if !seen[a.Name] {
				seen[a.Name] = true
				out = append(out, a.Name)
			}
		}
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Compare(a, b) })
	return out
}
