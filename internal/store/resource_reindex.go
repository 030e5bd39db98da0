package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/yanxiu/yanxiu/internal/resource"
)

// Rebuilding the whole search index (`yanxiu resources reindex`, after a
// change to how text is cut, or to load a migrated collection). Indexing
// resource by resource through IndexResource would rewrite a block per
// term and upsert document frequencies hundreds of times per resource; at
// 500,000 resources that is a hundred million scattered writes. Instead
// the rebuild cuts every resource's text first, keeping each posting as
// 16 bytes in memory (2 GB for the 125 million postings of the
// 500,000-resource benchmark; the command peaked at about 4 GB), sorts
// them into key order, packs them into
// full blocks appended to the emptied table, then writes each term's
// frequency once, all through rowWriter (anonymous parameters, one
// prepared statement for full batches). The whole rebuild is one transaction: searches meanwhile
// see the old index, and a failed rebuild leaves it as it was.

// reindexChunk is how many resources are read and cut at a time; it bounds
// the text held in memory, not the postings.
const reindexChunk = 5000

// packedPosting is a posting in the rebuild: key holds the term's rank in
// byte order (24 bits), the subject and grade's rank (12 bits) and the
// resource's place in id order (28 bits), so sorting by key is sorting by
// the table's primary key.
type packedPosting struct {
	key uint64
	tf  [resource.NumFields]uint16
}

// Bounds of a rebuild, from the widths in packedPosting's key.
const (
	maxReindexTerms = 1 << 24
	maxReindexSG    = 1 << 12
	maxReindexDocs  = 1 << 28
)

// reindexDoc is what the rebuild keeps of each resource after cutting it.
type reindexDoc struct {
	lens   [resource.NumFields]int
	access resource.BlockPosting // ID and the visibility fields
}

// ReindexProgress reports a rebuild's phases: what it is doing and how
// many resources it has cut so far.
type ReindexProgress func(phase string, done int)

// ReindexAllResources rebuilds the search index of every resource from its
// title, descriptive fields and kept text (resource_texts), and returns
// how many resources it indexed. Run it on the writer inside a
// transaction (db.Tx).
func (q *Q) ReindexAllResources(ctx context.Context, at int64, progress ReindexProgress) (int, error) {
	if progress == nil {
		progress = func(string, int) {}
	}
	for _, stmt := range []string{
		`DELETE FROM resource_postings`,
		`DELETE FROM resource_term_df`,
		`DELETE FROM resource_index_docs`,
		`UPDATE resource_index_stats SET docs = 0, title_len = 0, meta_len = 0, body_len = 0 WHERE id = 1`,
	} {
		if _, err := q.q.ExecContext(ctx, stmt); err != nil {
			return 0, fmt.Errorf("empty the search index: %w", err)
		}
	}
	termIDs := map[string]uint32{}
	var termNames []string
	sgIDs := map[[2]string]uint32{}
	var sgNames [][2]string
	var docs []reindexDoc
	var postings []packedPosting
	var total [resource.NumFields]int64

	var last int64
	for {
		chunk, err := q.reindexSource(ctx, last)
		if err != nil {
			return 0, err
		}
		if len(chunk) == 0 {
			break
		}
		last = chunk[len(chunk)-1].id
		docRows := make([][]any, 0, len(chunk))
		for _, src := range chunk {
			if len(docs) >= maxReindexDocs {
				return 0, fmt.Errorf("reindex: more than %d resources", maxReindexDocs)
			}
			fields := resource.IndexDoc{Title: src.title, Meta: src.meta, Body: src.body}.Fields()
			rows := docPostings(fields)
			sg := [2]string{src.subject, src.grade}
			sgID, ok := sgIDs[sg]
			if !ok {
				if len(sgNames) >= maxReindexSG {
					return 0, fmt.Errorf("reindex: more than %d subject and grade pairs", maxReindexSG)
				}
				sgID = uint32(len(sgNames))
				sgIDs[sg] = sgID
				sgNames = append(sgNames, sg)
			}
			place := uint64(len(docs))
			terms := make([]string, len(rows))
			for i, p := range rows {
				terms[i] = p.term
				id, ok := termIDs[p.term]
				if !ok {
					if len(termNames) >= maxReindexTerms {
						return 0, fmt.Errorf("reindex: more than %d distinct terms", maxReindexTerms)
					}
					id = uint32(len(termNames))
					termIDs[p.term] = id
					termNames = append(termNames, p.term)
				}
				pp := packedPosting{key: uint64(id)<<40 | uint64(sgID)<<28 | place}
				for f, n := range p.tf {
					pp.tf[f] = uint16(min(n, 65535))
				}
				postings = append(postings, pp)
			}
			l := [resource.NumFields]int{fields[0].Len, fields[1].Len, fields[2].Len}
			for f := range l {
				total[f] += int64(l[f])
			}
			docs = append(docs, reindexDoc{lens: l, access: src.access})
			docRows = append(docRows, []any{src.id, src.subject, src.grade, l[0], l[1], l[2], strings.Join(terms, "\n")})
		}
		dw := q.rowWriter("resource_index_docs", "resource_id", "subject", "grade", "title_len", "meta_len", "body_len", "terms")
		for _, r := range docRows {
			if err := dw.add(ctx, r...); err != nil {
				dw.close(ctx)
				return 0, fmt.Errorf("record indexed resources: %w", err)
			}
		}
		if err := dw.close(ctx); err != nil {
			return 0, fmt.Errorf("record indexed resources: %w", err)
		}
		progress("cut", len(docs))
	}

	// Ranks in byte order, which is the order of both engines' keys here
	// (SQLite compares text bytewise; PostgreSQL's order does not matter
	// for correctness, only for how sequential the inserts are).
	termRank := ranks(termNames, strings.Compare)
	sgRank := ranks(sgNames, func(x, y [2]string) int { return cmp.Or(strings.Compare(x[0], y[0]), strings.Compare(x[1], y[1])) })
	df := make([]int64, len(termNames))
	for i := range postings {
		k := postings[i].key
		t, sg := k>>40, (k>>28)&(maxReindexSG-1)
		df[t]++
		postings[i].key = uint64(termRank[t])<<40 | uint64(sgRank[sg])<<28 | k&(maxReindexDocs-1)
	}
	progress("sort", len(docs))
	slices.SortFunc(postings, func(x, y packedPosting) int { return cmp.Compare(x.key, y.key) })
	byRank := make([]string, len(termNames))
	for id, r := range termRank {
		byRank[r] = termNames[id]
	}
	sgByRank := make([][2]string, len(sgNames))
	for id, r := range sgRank {
		sgByRank[r] = sgNames[id]
	}

	progress("write", len(docs))
	w := q.rowWriter("resource_postings", "term", "subject", "grade", "first_id", "n", "data")
	block := make([]resource.BlockPosting, 0, resource.MaxBlock)
	var blockKey uint64 // term and subject-grade ranks of the block being filled
	flush := func() error {
		if len(block) == 0 {
			return nil
		}
		sg := sgByRank[(blockKey>>28)&(maxReindexSG-1)]
		err := w.add(ctx, byRank[blockKey>>40], sg[0], sg[1], block[0].ID, len(block), resource.EncodeBlock(block))
		block = block[:0]
		return err
	}
	for i, p := range postings {
		k := p.key
		if len(block) == resource.MaxBlock || k>>28 != blockKey>>28 {
			if err := flush(); err != nil {
				w.close(ctx)
				return 0, fmt.Errorf("write postings: %w", err)
			}
			blockKey = k
		}
		d := docs[k&(maxReindexDocs-1)]
		bp := d.access
		bp.Lens, bp.TF = d.lens, [resource.NumFields]int{int(p.tf[0]), int(p.tf[1]), int(p.tf[2])}
		block = append(block, bp)
		if i%10_000_000 == 0 {
			progress("write", i)
		}
	}
	if err := flush(); err != nil {
		w.close(ctx)
		return 0, fmt.Errorf("write postings: %w", err)
	}
	if err := w.close(ctx); err != nil {
		return 0, fmt.Errorf("write postings: %w", err)
	}
	postings = nil

	fw := q.rowWriter("resource_term_df", "term", "df")
	idByRank := make([]int, len(termNames))
	for id, r := range termRank {
		idByRank[r] = id
	}
	for _, id := range idByRank { // in key order
		if err := fw.add(ctx, termNames[id], df[id]); err != nil {
			fw.close(ctx)
			return 0, fmt.Errorf("write term frequencies: %w", err)
		}
	}
	if err := fw.close(ctx); err != nil {
		return 0, fmt.Errorf("write term frequencies: %w", err)
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE resources SET title_len = d.title_len, meta_len = d.meta_len,
		body_len = d.body_len, indexed_at = $1 FROM resource_index_docs d WHERE d.resource_id = resources.id`, at); err != nil {
		return 0, fmt.Errorf("record index lengths: %w", err)
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE resource_index_stats SET docs = $1, title_len = $2, meta_len = $3,
		body_len = $4 WHERE id = 1`, len(docs), total[0], total[1], total[2]); err != nil {
		return 0, fmt.Errorf("update index figures: %w", err)
	}
	return len(docs), nil
}

// ranks gives each element's place when xs is sorted by compare.
func ranks[T any](xs []T, compare func(a, b T) int) []uint32 {
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return compare(xs[a], xs[b]) })
	out := make([]uint32, len(xs))
	for r, i := range order {
		out[i] = uint32(r)
	}
	return out
}

// reindexSourceDoc is one resource's indexable text.
type reindexSourceDoc struct {
	id                                int64
	subject, grade, title, meta, body string
	access                            resource.BlockPosting // ID and the visibility fields
}

// reindexSource reads the next chunk of resources after id last, in id order.
func (q *Q) reindexSource(ctx context.Context, last int64) ([]reindexSourceDoc, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT r.id, r.subject, r.grade, r.title, r.description, r.tags, r.edition,
		r.chapter, r.file_name, COALESCE(t.body, ''), r.visibility, r.inst_path, r.owner_id, r.space_id
		FROM resources r LEFT JOIN resource_texts t ON t.resource_id = r.id
		WHERE r.id > $1 ORDER BY r.id LIMIT `+fmt.Sprint(reindexChunk), last)
	if err != nil {
		return nil, fmt.Errorf("read resources to index: %w", err)
	}
	defer rows.Close()
	var out []reindexSourceDoc
	for rows.Next() {
		var d reindexSourceDoc
		var r resource.Resource
		var tags string
		if err := rows.Scan(&d.id, &d.subject, &d.grade, &d.title, &r.Description, &tags, &r.Edition, &r.Chapter,
			&r.FileName, &d.body, &r.Visibility, &r.InstPath, &r.OwnerID, &r.SpaceID); err != nil {
			return nil, fmt.Errorf("read resources to index: %w", err)
		}
		if tags != "" {
			r.Tags = strings.Split(tags, "\t")
		}
		d.meta = resource.MetaText(&r)
		d.access.ID = d.id
		setAccess(&d.access, r.Visibility, r.OwnerID, r.SpaceID, r.InstPath)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read resources to index: %w", err)
	}
	return out, nil
}

// UnindexedResources lists up to limit resources after id after that are
// missing from the search index, in id order.
func (q *Q) UnindexedResources(ctx context.Context, after int64, limit int) ([]int64, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id FROM resources WHERE indexed_at IS NULL AND id > $1 ORDER BY id LIMIT `+
		fmt.Sprint(limit), after)
	if err != nil {
		return nil, fmt.Errorf("list unindexed resources: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list unindexed resources: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
