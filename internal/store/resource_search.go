package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/yanxiu/yanxiu/internal/resource"
)

// The search index of resources (see internal/resource/search.go for why
// it is built this way). Writing: IndexResource replaces a resource's rows
// in resource_terms and keeps resource_index_stats exact. Reading: the
// same SQL on both engines finds the resources holding every query term
// (an INTERSECT of primary-key lookups) within the filters, and Go scores
// them with BM25, summing in a fixed order, so SQLite and PostgreSQL rank
// identically. Nothing here depends on how an engine collates text.

// insertBatch is how many term rows one INSERT carries (4 parameters each,
// well under both engines' parameter limits).
const insertBatch = 200

// IndexResource replaces the index rows of a resource with fields.
func (q *Q) IndexResource(ctx context.Context, id int64, fields [resource.NumFields]resource.Terms, at int64) error {
	if err := q.UnindexResource(ctx, id); err != nil {
		return err
	}
	type row struct {
		term  string
		field int
		tf    int
	}
	var rows []row
	for f, t := range fields {
		for term, tf := range t.TF {
			rows = append(rows, row{term, f, tf})
		}
	}
	for start := 0; start < len(rows); start += insertBatch {
		batch := rows[start:min(start+insertBatch, len(rows))]
		var a argList
		vals := make([]string, len(batch))
		for i, r := range batch {
			vals[i] = "(" + a.add(r.term) + ", " + a.add(id) + ", " + a.add(r.field) + ", " + a.add(r.tf) + ")"
		}
		if _, err := q.q.ExecContext(ctx, `INSERT INTO resource_terms (term, resource_id, field, tf) VALUES `+
			strings.Join(vals, ", "), a.args...); err != nil {
			return fmt.Errorf("index resource %d: %w", id, err)
		}
	}
	l := [resource.NumFields]int{fields[0].Len, fields[1].Len, fields[2].Len}
	if _, err := q.q.ExecContext(ctx, `UPDATE resources SET title_len = $1, meta_len = $2, body_len = $3, indexed_at = $4
		WHERE id = $5`, l[0], l[1], l[2], at, id); err != nil {
		return fmt.Errorf("record index lengths of resource %d: %w", id, err)
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE resource_index_stats SET docs = docs + 1, title_len = title_len + $1,
		meta_len = meta_len + $2, body_len = body_len + $3 WHERE id = 1`, l[0], l[1], l[2]); err != nil {
		return fmt.Errorf("update index figures: %w", err)
	}
	return nil
}

// UnindexResource removes a resource from the index (before it is
// deleted, or re-indexed); a resource not in the index is left alone.
func (q *Q) UnindexResource(ctx context.Context, id int64) error {
	var tl, ml, bl int
	var at sql.NullInt64
	err := q.q.QueryRowContext(ctx, `SELECT title_len, meta_len, body_len, indexed_at FROM resources WHERE id = $1`, id).
		Scan(&tl, &ml, &bl, &at)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !at.Valid {
		return nil
	}
	if err != nil {
		return fmt.Errorf("load index lengths of resource %d: %w", id, err)
	}
	if _, err := q.q.ExecContext(ctx, `DELETE FROM resource_terms WHERE resource_id = $1`, id); err != nil {
		return fmt.Errorf("unindex resource %d: %w", id, err)
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE resources SET title_len = 0, meta_len = 0, body_len = 0, indexed_at = NULL
		WHERE id = $1`, id); err != nil {
		return fmt.Errorf("unindex resource %d: %w", id, err)
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE resource_index_stats SET docs = docs - 1, title_len = title_len - $1,
		meta_len = meta_len - $2, body_len = body_len - $3 WHERE id = 1`, tl, ml, bl); err != nil {
		return fmt.Errorf("update index figures: %w", err)
	}
	return nil
}

// ResourceIndexStats returns the collection figures BM25 needs.
func (q *Q) ResourceIndexStats(ctx context.Context) (resource.IndexStats, error) {
	var s resource.IndexStats
	err := q.q.QueryRowContext(ctx, `SELECT docs, title_len, meta_len, body_len FROM resource_index_stats WHERE id = 1`).
		Scan(&s.Docs, &s.TotalLen[0], &s.TotalLen[1], &s.TotalLen[2])
	if err != nil {
		return s, fmt.Errorf("load index figures: %w", err)
	}
	return s, nil
}

// matchSQL is a subquery of the IDs of resources holding every term.
func matchSQL(a *argList, terms []string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = "SELECT resource_id FROM resource_terms WHERE term = " + a.add(t)
	}
	return strings.Join(parts, " INTERSECT ")
}

func termList(a *argList, terms []string) string {
	ph := make([]string, len(terms))
	for i, t := range terms {
		ph[i] = a.add(t)
	}
	return strings.Join(ph, ", ")
}

// SearchResources finds the resources holding every term of f.Terms
// within f's filters, best match first (ties: newest first), with the
// total number of matches.
func (q *Q) SearchResources(ctx context.Context, f ResourceFilter) ([]*resource.Resource, int, error) {
	if len(f.Terms) == 0 {
		return q.ListResources(ctx, f)
	}
	stats, err := q.ResourceIndexStats(ctx)
	if err != nil {
		return nil, 0, err
	}
	var a argList
	rows, err := q.q.QueryContext(ctx, `SELECT term, count(DISTINCT resource_id) FROM resource_terms
		WHERE term IN (`+termList(&a, f.Terms)+`) GROUP BY term`, a.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("count term frequencies: %w", err)
	}
	df := map[string]int64{}
	for rows.Next() {
		var t string
		var n int64
		if err := rows.Scan(&t, &n); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("scan term frequency: %w", err)
		}
		df[t] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("count term frequencies: %w", err)
	}
	if len(df) < len(f.Terms) {
		return nil, 0, nil // some term is in no resource at all
	}

	type doc struct {
		id       int64
		lens     [resource.NumFields]int
		postings []resource.Posting
		score    float64
	}
	docs := map[int64]*doc{}
	var b argList
	terms := termList(&b, f.Terms)
	rows, err = q.q.QueryContext(ctx, `SELECT t.resource_id, t.term, t.field, t.tf, r.title_len, r.meta_len, r.body_len
		FROM resource_terms t JOIN resources r ON r.id = t.resource_id
		WHERE t.term IN (`+terms+`) AND `+f.where(&b, noFacet), b.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("search resources: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p resource.Posting
		var l [resource.NumFields]int
		if err := rows.Scan(&p.ResourceID, &p.Term, &p.Field, &p.TF, &l[0], &l[1], &l[2]); err != nil {
			return nil, 0, fmt.Errorf("scan posting: %w", err)
		}
		d := docs[p.ResourceID]
		if d == nil {
			d = &doc{id: p.ResourceID, lens: l}
			docs[p.ResourceID] = d
		}
		d.postings = append(d.postings, p)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("search resources: %w", err)
	}
	scorer := resource.NewScorer(stats, df)
	ranked := make([]*doc, 0, len(docs))
	for _, d := range docs {
		// The engines return rows in their own order; sort before summing
		// so that the floating-point result is the same on both.
		slices.SortFunc(d.postings, func(x, y resource.Posting) int {
			return cmp.Or(strings.Compare(x.Term, y.Term), cmp.Compare(x.Field, y.Field))
		})
		d.score = scorer.Score(d.postings, d.lens)
		ranked = append(ranked, d)
	}
	slices.SortFunc(ranked, func(x, y *doc) int {
		return cmp.Or(cmp.Compare(y.score, x.score), cmp.Compare(y.id, x.id))
	})
	total := len(ranked)
	lo, hi := min(f.Offset, total), min(f.Offset+f.Limit, total)
	ids := make([]int64, 0, hi-lo)
	for _, d := range ranked[lo:hi] {
		ids = append(ids, d.id)
	}
	out, err := q.ResourcesByIDs(ctx, ids)
	return out, total, err
}

// FacetCount is one value of a facet and how many resources have it.
type FacetCount struct {
	Value string
	Count int
}

// ResourceFacets are the counts of each facet's values among the resources
// a filter selects. Each facet is counted with every filter except its
// own, so that it shows the alternatives to the value chosen.
type ResourceFacets struct {
	Subject, Grade, Type, Kind, Format, Licence, Theme, Tag []FacetCount
}

// maxTagFacet bounds the tags a facet lists: the most used ones.
const maxTagFacet = 30

// CountResourceFacets counts the facets of what f selects.
func (q *Q) CountResourceFacets(ctx context.Context, f ResourceFilter) (*ResourceFacets, error) {
	out := &ResourceFacets{}
	for _, c := range []struct {
		fc  facet
		col string
		dst *[]FacetCount
	}{
		{facetSubject, "r.subject", &out.Subject},
		{facetGrade, "r.grade", &out.Grade},
		{facetType, "r.resource_type", &out.Type},
		{facetKind, "r.kind", &out.Kind},
		{facetFormat, "r.format", &out.Format},
		{facetLicence, "r.licence", &out.Licence},
		{facetTheme, "COALESCE(r.theme_id, 0)", &out.Theme},
	} {
		var a argList
		counts, err := q.facetCounts(ctx, `SELECT `+c.col+`, count(*) FROM resources r WHERE `+f.where(&a, c.fc)+
			` GROUP BY `+c.col, a.args)
		if err != nil {
			return nil, fmt.Errorf("count %s facet: %w", c.fc, err)
		}
		*c.dst = counts
	}
	var a argList
	tags, err := q.facetCounts(ctx, `SELECT tg.tag, count(*) FROM resource_tags tg JOIN resources r ON r.id = tg.resource_id
		WHERE `+f.where(&a, facetTag)+` GROUP BY tg.tag`, a.args)
	if err != nil {
		return nil, fmt.Errorf("count tag facet: %w", err)
	}
	out.Tag = tags[:min(len(tags), maxTagFacet)]
	return out, nil
}

// facetCounts runs a "value, count" query and sorts the answer in Go (most
// first, then by value in code-point order), so the order does not depend
// on either engine's collation. Empty values and theme 0 are left out.
func (q *Q) facetCounts(ctx context.Context, query string, args []any) ([]FacetCount, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FacetCount
	for rows.Next() {
		var v any
		var n int
		if err := rows.Scan(&v, &n); err != nil {
			return nil, err
		}
		var s string
		switch x := v.(type) {
		case int64:
			s = strconv.FormatInt(x, 10)
		case []byte:
			s = string(x)
		case string:
			s = x
		}
		if s == "" || s == "0" {
			continue
		}
		out = append(out, FacetCount{Value: s, Count: n})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(x, y FacetCount) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), strings.Compare(x.Value, y.Value))
	})
	return out, nil
}
