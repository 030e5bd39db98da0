package resource

import (
	"cmp"
	"encoding/binary"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// Posting blocks: how the search index stores postings (see migration 0014
// and internal/store/resource_search.go). A row of the index holds one
// block: the postings of one term among the resources of one subject and
// grade, up to MaxBlock of them in resource-id order, packed with varints.
// Packing is what makes the index fit district scale on SQLite: a common
// two-character term such as 数学 has a posting in a fifth of 500,000
// resources, and reading those as 100,000 rows costs SQLite hundreds of
// milliseconds, while reading them as 800 blocks and unpacking them in Go
// takes a few. Resources are added to or taken out of a block by
// rewriting it, which the block size keeps cheap.

// MaxBlock is the most postings a block holds; a fuller block is split.
// At about nine bytes a posting, 64 keep a block under the kilobyte that
// SQLite stores beside its key (a larger one spills into an overflow page
// of its own, which tripled the index's size at 128).
const MaxBlock = 64

// BlockPosting is one resource's entry in a term's block: the term's
// frequency in each field, the resource's field lengths (BM25 needs them,
// and keeping them here spares a read of the resource), and what decides
// who may see it: its visibility, and unless it is public its owner, the
// institution whose people see it or the community whose members do. With
// those a search decides whether the viewer may see a match without
// reading the resource: profiles at 500,000 resources showed those reads
// as three quarters of a search's time.
type BlockPosting struct {
	ID    int64
	TF    [NumFields]int
	Lens  [NumFields]int
	Vis   VisClass
	Owner int64 // unless public
	Inst  int64 // VisClassInstitution: the last institution of the resource's inst_path
	Space int64 // VisClassCommunity: the community's space
}

// VisClass is a Visibility as a block stores it.
type VisClass uint8

// The visibility classes.
const (
	VisClassPrivate VisClass = iota
	VisClassCommunity
	VisClassInstitution
	VisClassPublic
)

// ClassOf maps a visibility to its class (unknown ones to private, the
// narrowest).
func ClassOf(v Visibility) VisClass {
	switch v {
	case VisPublic:
		return VisClassPublic
	case VisInstitution:
		return VisClassInstitution
	case VisCommunity:
		return VisClassCommunity
	}
	return VisClassPrivate
}

// PathLeaf is the last institution of a subtree path such as "/1/7/42/"
// (42), or 0 for an empty or malformed path.
func PathLeaf(path string) int64 {
	path = strings.TrimSuffix(path, "/")
	i := strings.LastIndexByte(path, '/')
	if i < 0 {
		return 0
	}
	id, err := strconv.ParseInt(path[i+1:], 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// errBadBlock is returned for bytes that are not a block this file wrote.
var errBadBlock = errors.New("resource: corrupt posting block")

// EncodeBlock packs postings, which must be in increasing ID order.
func EncodeBlock(ps []BlockPosting) []byte {
	b := make([]byte, 0, len(ps)*10)
	var prev int64
	for _, p := range ps {
		b = binary.AppendUvarint(b, uint64(p.ID-prev))
		prev = p.ID
		b = binary.AppendUvarint(b, uint64(p.Vis&3))
		if p.Vis != VisClassPublic {
			b = binary.AppendUvarint(b, uint64(max(p.Owner, 0)))
		}
		switch p.Vis {
		case VisClassInstitution:
			b = binary.AppendUvarint(b, uint64(max(p.Inst, 0)))
		case VisClassCommunity:
			b = binary.AppendUvarint(b, uint64(max(p.Space, 0)))
		}
		for _, v := range p.TF {
			b = binary.AppendUvarint(b, uint64(max(v, 0)))
		}
		for _, v := range p.Lens {
			b = binary.AppendUvarint(b, uint64(max(v, 0)))
		}
	}
	return b
}

// DecodeBlock unpacks a block, appending to dst.
func DecodeBlock(b []byte, dst []BlockPosting) ([]BlockPosting, error) {
	var prev int64
	next := func() (int, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 || v > 1<<40 {
			return 0, false
		}
		b = b[n:]
		return int(v), true
	}
	for len(b) > 0 {
		var p BlockPosting
		d, ok := next()
		if !ok || d == 0 { // ids are positive and increasing

			return dst, errBadBlock
		}
		prev += int64(d)
		p.ID = prev
		vis, ok := next()
		if !ok || vis > int(VisClassPublic) {
			return dst, errBadBlock
		}
		p.Vis = VisClass(vis)
		var extra []*int64
		switch p.Vis {
		case VisClassPrivate:
			extra = []*int64{&p.Owner}
		case VisClassInstitution:
			extra = []*int64{&p.Owner, &p.Inst}
		case VisClassCommunity:
			extra = []*int64{&p.Owner, &p.Space}
		}
		for _, x := range extra {
			v, ok := next()
			if !ok {
				return dst, errBadBlock
			}
			*x = int64(v)
		}
		for i := range p.TF {
			if p.TF[i], ok = next(); !ok {
				return dst, errBadBlock
			}
		}
		for i := range p.Lens {
			if p.Lens[i], ok = next(); !ok {
				return dst, errBadBlock
			}
		}
		dst = append(dst, p)
	}
	return dst, nil
}

// InsertPosting puts p into ps (in ID order), replacing an entry for the
// same resource.
func InsertPosting(ps []BlockPosting, p BlockPosting) []BlockPosting {
	i, found := slices.BinarySearchFunc(ps, p.ID, func(x BlockPosting, id int64) int { return cmp.Compare(x.ID, id) })
	if found {
		ps[i] = p
		return ps
	}
	return slices.Insert(ps, i, p)
}

// RemovePosting takes the entry of resource id out of ps, reporting
// whether there was one.
func RemovePosting(ps []BlockPosting, id int64) ([]BlockPosting, bool) {
	i, found := slices.BinarySearchFunc(ps, id, func(x BlockPosting, id int64) int { return cmp.Compare(x.ID, id) })
	if !found {
		return ps, false
	}
	return slices.Delete(ps, i, i+1), true
}
