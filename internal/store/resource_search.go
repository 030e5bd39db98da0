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
// terms are cut as they are, migration 0014 for the table layout and
// internal/resource/postings.go for the blocks). Writing: IndexResource
// puts a resource's postings into the blocks of its terms under its
// subject and grade, keeps each term's document frequency in
// resource_term_df and the collection figures in resource_index_stats
// exact, and records what it wrote in resource_index_docs, so that a later
// call (or UnindexResource) takes out exactly that. Reading:
// SearchResources unpacks the blocks of the query's rarest term within the
// subject and grade filters, keeps the resources that the other terms'
// blocks also hold, checks the remaining filters (visibility only for
// resources that are not public), and scores in Go with BM25, summing in a
// fixed order, so SQLite and PostgreSQL rank identically. Nothing here
// depends on how an engine collates text.

// termBatch is how many terms one IN list or df upsert carries.
const termBatch = 500

// posting is one term of a resource being indexed: its frequency in each field.
type posting struct {
	term string
	tf   [resource.NumFields]int
}

// docPostings merges a resource's fields into one entry per term, in term
// order (which also fixes the order in which rows are locked on
// PostgreSQL, so concurrent indexers cannot deadlock).
func docPostings(fields [resource.NumFields]resource.Terms) []posting {
	byTerm := map[string]*posting{}
	for f, t := range fields {
		for term, tf := range t.TF {
			p := byTerm[term]
			if p == nil {
				p = &posting{term: term}
				byTerm[term] = p
			}
			p.tf[f] = tf
		}
	}
	out := make([]posting, 0, len(byTerm))
	for _, p := range byTerm {
		out = append(out, *p)
	}
	slices.SortFunc(out, func(x, y posting) int { return strings.Compare(x.term, y.term) })
	return out
}

// blockKey names the blocks of one term within one subject and grade.
type blockKey struct{ term, subject, grade string }

// blockFor loads the block where resource id belongs: the one with the
// highest first id not above id, or else the first block after it.
func (q *Q) blockFor(ctx context.Context, k blockKey, id int64) (first int64, ps []resource.BlockPosting, found bool, err error) {
	var data []byte
	err = q.q.QueryRowContext(ctx, `SELECT first_id, data FROM resource_postings WHERE term = $1 AND subject = $2
		AND grade = $3 AND first_id <= $4 ORDER BY first_id DESC LIMIT 1`, k.term, k.subject, k.grade, id).Scan(&first, &data)
	if errors.Is(err, sql.ErrNoRows) {
		err = q.q.QueryRowContext(ctx, `SELECT first_id, data FROM resource_postings WHERE term = $1 AND subject = $2
			AND grade = $3 AND first_id > $4 ORDER BY first_id LIMIT 1`, k.term, k.subject, k.grade, id).Scan(&first, &data)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, false, nil
	}
	if err != nil {
		return 0, nil, false, fmt.Errorf("load postings of %q: %w", k.term, err)
	}
	ps, err = resource.DecodeBlock(data, nil)
	if err != nil {
		return 0, nil, false, fmt.Errorf("postings of %q from %d: %w", k.term, first, err)
	}
	return first, ps, true, nil
}

// writeBlock stores ps as the block that was named first (0: a new
// block); its name changes when its lowest resource does.
func (q *Q) writeBlock(ctx context.Context, k blockKey, first int64, ps []resource.BlockPosting) error {
	var err error
	switch {
	case first != 0 && len(ps) == 0:
		_, err = q.q.ExecContext(ctx, `DELETE FROM resource_postings WHERE term = $1 AND subject = $2 AND grade = $3
			AND first_id = $4`, k.term, k.subject, k.grade, first)
	case first == ps[0].ID:
		_, err = q.q.ExecContext(ctx, `UPDATE resource_postings SET n = $1, data = $2 WHERE term = $3 AND subject = $4
			AND grade = $5 AND first_id = $6`, len(ps), resource.EncodeBlock(ps), k.term, k.subject, k.grade, first)
	default:
		if first != 0 {
			if err := q.writeBlock(ctx, k, first, nil); err != nil {
				return err
			}
		}
		_, err = q.q.ExecContext(ctx, `INSERT INTO resource_postings (term, subject, grade, first_id, n, data)
			VALUES ($1, $2, $3, $4, $5, $6)`, k.term, k.subject, k.grade, ps[0].ID, len(ps), resource.EncodeBlock(ps))
	}
	if err != nil {
		return fmt.Errorf("write postings of %q: %w", k.term, err)
	}
	return nil
}

// addPosting puts p into the blocks of k, replacing the resource's entry
// if it has one, and splits a block that grows past resource.MaxBlock.
func (q *Q) addPosting(ctx context.Context, k blockKey, p resource.BlockPosting) error {
	first, ps, found, err := q.blockFor(ctx, k, p.ID)
	if err != nil {
		return err
	}
	if !found {
		return q.writeBlock(ctx, k, 0, []resource.BlockPosting{p})
	}
	ps = resource.InsertPosting(ps, p)
	if len(ps) <= resource.MaxBlock {
		return q.writeBlock(ctx, k, first, ps)
	}
	half := len(ps) / 2
	if err := q.writeBlock(ctx, k, first, ps[:half]); err != nil {
		return err
	}
	return q.writeBlock(ctx, k, 0, ps[half:])
}

// removePosting takes resource id out of the blocks of k.
func (q *Q) removePosting(ctx context.Context, k blockKey, id int64) error {
	first, ps, found, err := q.blockFor(ctx, k, id)
	if err != nil || !found {
		return err
	}
	ps, removed := resource.RemovePosting(ps, id)
	if !removed {
		return nil
	}
	return q.writeBlock(ctx, k, first, ps)
}

// indexRecord is a resource_index_docs row: what the index holds of a resource.
type indexRecord struct {
	subject, grade string
	lens           [resource.NumFields]int
	terms          []string
}

func (q *Q) indexRecord(ctx context.Context, id int64) (*indexRecord, error) {
	var r indexRecord
	var list string
	err := q.q.QueryRowContext(ctx, `SELECT subject, grade, title_len, meta_len, body_len, terms
		FROM resource_index_docs WHERE resource_id = $1`, id).Scan(&r.subject, &r.grade, &r.lens[0], &r.lens[1], &r.lens[2], &list)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load index record of resource %d: %w", id, err)
	}
	if list != "" {
		r.terms = strings.Split(list, "\n")
	}
	return &r, nil
}

// countTerms adds delta (+1 or -1) to the document frequency of terms,
// dropping terms no resource holds any more.
func (q *Q) countTerms(ctx context.Context, terms []string, delta int) error {
	for start := 0; start < len(terms); start += termBatch {
		batch := terms[start:min(start+termBatch, len(terms))]
		var a argList
		if delta > 0 {
			vals := make([]string, len(batch))
			for i, t := range batch {
				vals[i] = "(" + a.add(t) + ", 1)"
			}
			if _, err := q.q.ExecContext(ctx, `INSERT INTO resource_term_df (term, df) VALUES `+strings.Join(vals, ", ")+
				` ON CONFLICT (term) DO UPDATE SET df = resource_term_df.df + 1`, a.args...); err != nil {
				return fmt.Errorf("count terms: %w", err)
			}
			continue
		}
		in := termList(&a, batch)
		if _, err := q.q.ExecContext(ctx, `UPDATE resource_term_df SET df = df - 1 WHERE term IN (`+in+`)`, a.args...); err != nil {
			return fmt.Errorf("uncount terms: %w", err)
		}
		if _, err := q.q.ExecContext(ctx, `DELETE FROM resource_term_df WHERE term IN (`+in+`) AND df <= 0`, a.args...); err != nil {
			return fmt.Errorf("uncount terms: %w", err)
		}
	}
	return nil
}

// IndexResource replaces the index entries of a resource with fields,
// filed under the resource's current subject and grade. Terms the
// resource keeps have their entry rewritten in place; only terms it lost
// are taken out, so an edit costs about one block rewrite per term.
func (q *Q) IndexResource(ctx context.Context, id int64, fields [resource.NumFields]resource.Terms, at int64) error {
	var subject, grade, instPath string
	var vis resource.Visibility
	var owner, spaceID int64
	err := q.q.QueryRowContext(ctx, `SELECT subject, grade, visibility, inst_path, owner_id, space_id FROM resources
		WHERE id = $1`, id).Scan(&subject, &grade, &vis, &instPath, &owner, &spaceID)
	if err != nil {
		return fmt.Errorf("index resource %d: %w", id, err)
	}
	old, err := q.indexRecord(ctx, id)
	if err != nil {
		return err
	}
	if old != nil && (old.subject != subject || old.grade != grade) {
		if err := q.UnindexResource(ctx, id); err != nil {
			return err
		}
		old = nil
	}
	rows := docPostings(fields)
	l := [resource.NumFields]int{fields[0].Len, fields[1].Len, fields[2].Len}
	terms := make([]string, len(rows))
	for i, r := range rows {
		terms[i] = r.term
	}
	var gone, added []string
	if old != nil {
		for _, t := range old.terms {
			if _, keep := slices.BinarySearch(terms, t); !keep {
				gone = append(gone, t)
			}
		}
		for _, t := range terms {
			if _, had := slices.BinarySearch(old.terms, t); !had {
				added = append(added, t)
			}
		}
	} else {
		added = terms
	}
	for _, t := range gone {
		if err := q.removePosting(ctx, blockKey{t, subject, grade}, id); err != nil {
			return err
		}
	}
	for _, r := range rows {
		p := resource.BlockPosting{ID: id, TF: r.tf, Lens: l}
		setAccess(&p, vis, owner, spaceID, instPath)
		if err := q.addPosting(ctx, blockKey{r.term, subject, grade}, p); err != nil {
			return err
		}
	}
	if err := q.countTerms(ctx, added, 1); err != nil {
		return err
	}
	if err := q.countTerms(ctx, gone, -1); err != nil {
		return err
	}
	list := strings.Join(terms, "\n")
	var was [resource.NumFields]int
	docs := 1
	if old != nil {
		was, docs = old.lens, 0
		_, err = q.q.ExecContext(ctx, `UPDATE resource_index_docs SET title_len = $1, meta_len = $2, body_len = $3,
			terms = $4 WHERE resource_id = $5`, l[0], l[1], l[2], list, id)
	} else {
		_, err = q.q.ExecContext(ctx, `INSERT INTO resource_index_docs (resource_id, subject, grade, title_len, meta_len,
			body_len, terms) VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, subject, grade, l[0], l[1], l[2], list)
	}
	if err != nil {
		return fmt.Errorf("record index of resource %d: %w", id, err)
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE resources SET title_len = $1, meta_len = $2, body_len = $3, indexed_at = $4
		WHERE id = $5`, l[0], l[1], l[2], at, id); err != nil {
		return fmt.Errorf("record index lengths of resource %d: %w", id, err)
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE resource_index_stats SET docs = docs + $1, title_len = title_len + $2,
		meta_len = meta_len + $3, body_len = body_len + $4 WHERE id = 1`,
		docs, l[0]-was[0], l[1]-was[1], l[2]-was[2]); err != nil {
		return fmt.Errorf("update index figures: %w", err)
	}
	return nil
}

// setAccess fills what a posting keeps of who may see the resource.
func setAccess(p *resource.BlockPosting, vis resource.Visibility, owner, spaceID int64, instPath string) {
	p.Vis = resource.ClassOf(vis)
	if p.Vis != resource.VisClassPublic {
		p.Owner = owner
	}
	switch p.Vis {
	case resource.VisClassInstitution:
		p.Inst = resource.PathLeaf(instPath)
	case resource.VisClassCommunity:
		p.Space = spaceID
	}
}

// UnindexResource removes a resource from the index (before it is
// deleted, or re-filed under another subject or grade); a resource not in
// the index is left alone.
func (q *Q) UnindexResource(ctx context.Context, id int64) error {
	old, err := q.indexRecord(ctx, id)
	if err != nil || old == nil {
		return err
	}
	for _, t := range old.terms {
		if err := q.removePosting(ctx, blockKey{t, old.subject, old.grade}, id); err != nil {
			return err
		}
	}
	if err := q.countTerms(ctx, old.terms, -1); err != nil {
		return err
	}
	if _, err := q.q.ExecContext(ctx, `DELETE FROM resource_index_docs WHERE resource_id = $1`, id); err != nil {
		return fmt.Errorf("unindex resource %d: %w", id, err)
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE resources SET title_len = 0, meta_len = 0, body_len = 0, indexed_at = NULL
		WHERE id = $1`, id); err != nil {
		return fmt.Errorf("unindex resource %d: %w", id, err)
	}
	l := old.lens
	if _, err := q.q.ExecContext(ctx, `UPDATE resource_index_stats SET docs = docs - 1, title_len = title_len - $1,
		meta_len = meta_len - $2, body_len = body_len - $3 WHERE id = 1`, l[0], l[1], l[2]); err != nil {
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

func termList(a *argList, terms []string) string {
	ph := make([]string, len(terms))
	for i, t := range terms {
		ph[i] = a.add(t)
	}
	return strings.Join(ph, ", ")
}

// termFrequencies returns the document frequency of each of terms that
// some resource holds.
func (q *Q) termFrequencies(ctx context.Context, terms []string) (map[string]int64, error) {
	var a argList
	rows, err := q.q.QueryContext(ctx, `SELECT term, df FROM resource_term_df WHERE term IN (`+termList(&a, terms)+`)`,
		a.args...)
	if err != nil {
		return nil, fmt.Errorf("load term frequencies: %w", err)
	}
	defer rows.Close()
	df := map[string]int64{}
	for rows.Next() {
		var t string
		var n int64
		if err := rows.Scan(&t, &n); err != nil {
			return nil, fmt.Errorf("scan term frequency: %w", err)
		}
		if n > 0 {
			df[t] = n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load term frequencies: %w", err)
	}
	return df, nil
}

// termPostings unpacks the postings of term within the subject and grade
// filters (empty: any), calling fn with each block's subject, grade and
// entries.
func (q *Q) termPostings(ctx context.Context, term, subject, grade string, fn func(subject, grade string, ps []resource.BlockPosting)) error {
	var a argList
	cond := "term = " + a.add(term)
	if subject != "" {
		cond += " AND subject = " + a.add(subject)
	}
	if grade != "" {
		cond += " AND grade = " + a.add(grade)
	}
	rows, err := q.q.QueryContext(ctx, `SELECT subject, grade, data FROM resource_postings WHERE `+cond, a.args...)
	if err != nil {
		return fmt.Errorf("read postings of %q: %w", term, err)
	}
	defer rows.Close()
	// RawBytes spare a copy of every block and of its subject and grade,
	// which change only between ranges.
	var data, rawSubj, rawGrade sql.RawBytes
	var ps []resource.BlockPosting
	var subj, grd string
	for rows.Next() {
		if err := rows.Scan(&rawSubj, &rawGrade, &data); err != nil {
			return fmt.Errorf("read postings of %q: %w", term, err)
		}
		if string(rawSubj) != subj {
			subj = string(rawSubj)
		}
		if string(rawGrade) != grd {
			grd = string(rawGrade)
		}
		if ps, err = resource.DecodeBlock(data, ps[:0]); err != nil {
			return fmt.Errorf("postings of %q: %w", term, err)
		}
		fn(subj, grd, ps)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read postings of %q: %w", term, err)
	}
	return nil
}

// candidate is a resource that holds the query's terms seen so far.
type candidate struct {
	id             int64
	subject, grade string
	access         resource.BlockPosting     // the driving term's posting: lengths, visibility
	seen           int                       // terms found so far
	tf             [][resource.NumFields]int // several terms: each one's, in term order
}

// checkBatch is how many candidate IDs one filter query carries.
const checkBatch = 500

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
	terms, df, cands, err := q.searchCandidates(ctx, f)
	if err != nil || len(cands) == 0 {
		return nil, 0, err
	}
	scorer := resource.NewScorer(stats, df)
	idfs := make([]float64, len(terms))
	for i, t := range terms {
		idfs[i] = scorer.TermIDF(t)
	}
	ranked := make([]scoredDoc, len(cands))
	one := make([][resource.NumFields]int, 1)
	for i, c := range cands {
		tfs := c.tf
		if tfs == nil { // one term: its frequencies came with the posting
			one[0] = c.access.TF
			tfs = one
		}
		ranked[i] = scoredDoc{id: c.id, score: scorer.ScoreTF(idfs, tfs, c.access.Lens)}
	}
	total := len(ranked)
	best := topDocs(ranked, min(f.Offset+f.Limit, total))
	lo := min(f.Offset, len(best))
	ids := make([]int64, 0, len(best)-lo)
	for _, d := range best[lo:] {
		ids = append(ids, d.id)
	}
	out, err := q.ResourcesByIDs(ctx, ids)
	return out, total, err
}

// searchCandidates finds the resources that hold every term of f.Terms
// and pass f's filters, with the terms (sorted, without duplicates) and
// their document frequencies.
func (q *Q) searchCandidates(ctx context.Context, f ResourceFilter) ([]string, map[string]int64, []*candidate, error) {
	terms := slices.Clone(f.Terms)
	slices.Sort(terms)
	terms = slices.Compact(terms)
	df, err := q.termFrequencies(ctx, terms)
	if err != nil || len(df) < len(terms) {
		return terms, df, nil, err // a term in no resource at all matches nothing
	}
	// The rarest term drives: its postings are the fewest to unpack.
	order := make([]int, len(terms))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(df[terms[x]], df[terms[y]]) })

	// Candidates are allocated in slabs, and only a query of several
	// terms keeps them by ID and their frequencies per term: a common
	// term has thousands of matches, and allocating each was a quarter of
	// a search's time.
	var cands []*candidate
	var byID map[int64]*candidate
	if len(terms) > 1 {
		byID = map[int64]*candidate{}
	}
	var slab []candidate
	err = q.termPostings(ctx, terms[order[0]], f.Subject, f.Grade, func(subject, grade string, ps []resource.BlockPosting) {
		for _, p := range ps {
			if len(slab) == cap(slab) {
				slab = make([]candidate, 0, 256)
			}
			slab = append(slab, candidate{id: p.ID, subject: subject, grade: grade, access: p, seen: 1})
			c := &slab[len(slab)-1]
			if byID != nil {
				c.tf = make([][resource.NumFields]int, len(terms))
				c.tf[order[0]] = p.TF
				byID[p.ID] = c
			}
			cands = append(cands, c)
		}
	})
	if err != nil {
		return nil, nil, nil, err
	}
	for k, ti := range order[1:] {
		if len(cands) == 0 {
			break
		}
		err := q.termPostings(ctx, terms[ti], f.Subject, f.Grade, func(_, _ string, ps []resource.BlockPosting) {
			for _, p := range ps {
				if c := byID[p.ID]; c != nil && c.seen == k+1 {
					c.tf[ti] = p.TF
					c.seen++
				}
			}
		})
		if err != nil {
			return nil, nil, nil, err
		}
		cands = slices.DeleteFunc(cands, func(c *candidate) bool { return c.seen != k+2 })
	}
	cands, err = q.filterCandidates(ctx, f, cands)
	return terms, df, cands, err
}

// filterCandidates keeps the candidates that pass f's filters other than
// the terms, subject and grade (which the postings already applied). When
// the viewer's visibility is the only one left, it is decided from the
// postings where they suffice (public resources, and institution ones of
// the viewer's own institutions); only the rest are looked up.
func (q *Q) filterCandidates(ctx context.Context, f ResourceFilter, cands []*candidate) ([]*candidate, error) {
	rest := f
	rest.Subject, rest.Grade, rest.Terms = "", "", nil
	var probe argList
	if rest.where(&probe, noFacet) == "TRUE" {
		return cands, nil
	}
	others := rest
	others.Viewer = ResourceViewer{All: true}
	var probe2 argList
	onlyViewer := others.where(&probe2, noFacet) == "TRUE"
	v := f.Viewer
	// The communities the viewer belongs to, read only if a community
	// resource not their own is among the matches.
	var member map[int64]bool
	needMembers := false
	for _, c := range cands {
		if c.access.Vis == resource.VisClassCommunity && (v.ID == 0 || c.access.Owner != v.ID) {
			needMembers = onlyViewer && v.ID != 0
			break
		}
	}
	if needMembers {
		var err error
		if member, err = q.memberSpaces(ctx, v.ID); err != nil {
			return nil, err
		}
	}
	// The institutions on the viewer's path: the institution resources of
	// any of them are theirs to see.
	ancestors := map[int64]bool{}
	for _, part := range strings.Split(v.HomePath, "/") {
		if id, err := strconv.ParseInt(part, 10, 64); err == nil && id > 0 {
			ancestors[id] = true
		}
	}
	// decide is 1 (visible), -1 (not) or 0 (look it up), by the same rule
	// as ResourceFilter.where.
	decide := func(c *candidate) int {
		if !onlyViewer {
			return 0
		}
		a := &c.access
		switch {
		case a.Vis == resource.VisClassPublic:
			return 1
		case v.ID != 0 && a.Owner == v.ID:
			return 1
		case a.Vis == resource.VisClassInstitution && ancestors[a.Inst]:
			return 1
		case a.Vis == resource.VisClassCommunity && member[a.Space]:
			return 1
		case len(v.ManagedPaths) > 0 && a.Vis != resource.VisClassPrivate:
			return 0 // under an administered subtree? the path decides
		}
		return -1
	}
	var check []int64
	for _, c := range cands {
		if decide(c) == 0 {
			check = append(check, c.id)
		}
	}
	pass := map[int64]bool{}
	for start := 0; start < len(check); start += checkBatch {
		batch := check[start:min(start+checkBatch, len(check))]
		// The IDs come from the index, not from the request, and are
		// written as literals: binding hundreds of $N parameters costs
		// SQLite more than the lookups.
		ids := make([]string, len(batch))
		for i, id := range batch {
			ids[i] = strconv.FormatInt(id, 10)
		}
		var a argList
		cond := rest.where(&a, noFacet)
		rows, err := q.oneOff().QueryContext(ctx, `SELECT r.id FROM resources r WHERE r.id IN (`+strings.Join(ids, ",")+`) AND `+cond,
			a.args...)
		if err != nil {
			return nil, fmt.Errorf("filter search results: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("filter search results: %w", err)
			}
			pass[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("filter search results: %w", err)
		}
	}
	return slices.DeleteFunc(cands, func(c *candidate) bool {
		d := decide(c)
		return d < 0 || d == 0 && !pass[c.id]
	}), nil
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

// maxFacetMatches bounds the matches of a search whose metadata facets
// (type, kind, format, licence, theme, tag) are counted: each match costs
// a look at its resource. Beyond it those facets are left out, and the
// page offers subject and grade, which the postings count for free.
const maxFacetMatches = 20_000

// CountResourceFacets counts the facets of what f selects. Each facet is
// counted among the resources matching every filter but its own.
func (q *Q) CountResourceFacets(ctx context.Context, f ResourceFilter) (*ResourceFacets, error) {
	if len(f.Terms) > 0 {
		return q.countSearchFacets(ctx, f)
	}
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
		counts, err := q.facetCounts(ctx, q.q, `SELECT `+c.col+`, count(*) FROM resources r WHERE `+f.where(&a, c.fc)+
			` GROUP BY `+c.col, a.args)
		if err != nil {
			return nil, fmt.Errorf("count %s facet: %w", c.fc, err)
		}
		*c.dst = counts
	}
	var a argList
	tags, err := q.facetCounts(ctx, q.q, `SELECT tg.tag, count(*) FROM resource_tags tg JOIN resources r ON r.id = tg.resource_id
		WHERE `+f.where(&a, facetTag)+` GROUP BY tg.tag`, a.args)
	if err != nil {
		return nil, fmt.Errorf("count tag facet: %w", err)
	}
	out.Tag = tags[:min(len(tags), maxTagFacet)]
	return out, nil
}

// countSearchFacets counts the facets of a search: subject and grade from
// the postings (each match knows the block it came from), the others by
// grouping the matching resources in batches.
func (q *Q) countSearchFacets(ctx context.Context, f ResourceFilter) (*ResourceFacets, error) {
	out := &ResourceFacets{}
	tally := func(counts map[string]int) []FacetCount {
		var fc []FacetCount
		for v, n := range counts {
			if v != "" && v != "0" {
				fc = append(fc, FacetCount{Value: v, Count: n})
			}
		}
		slices.SortFunc(fc, func(x, y FacetCount) int {
			return cmp.Or(cmp.Compare(y.Count, x.Count), strings.Compare(x.Value, y.Value))
		})
		return fc
	}
	for _, g := range []struct {
		dst *[]FacetCount
		fn  func(f *ResourceFilter)
		key func(c *candidate) string
	}{
		{&out.Subject, func(f *ResourceFilter) { f.Subject = "" }, func(c *candidate) string { return c.subject }},
		{&out.Grade, func(f *ResourceFilter) { f.Grade = "" }, func(c *candidate) string { return c.grade }},
	} {
		g2 := f
		g.fn(&g2)
		_, _, cands, err := q.searchCandidates(ctx, g2)
		if err != nil {
			return nil, err
		}
		counts := map[string]int{}
		for _, c := range cands {
			counts[g.key(c)]++
		}
		*g.dst = tally(counts)
	}
	for _, c := range []struct {
		fc    facet
		col   string
		clear func(f *ResourceFilter)
		dst   *[]FacetCount
	}{
		{facetType, "r.resource_type", func(f *ResourceFilter) { f.Type = "" }, &out.Type},
		{facetKind, "r.kind", func(f *ResourceFilter) { f.Kind = "" }, &out.Kind},
		{facetFormat, "r.format", func(f *ResourceFilter) { f.Format = "" }, &out.Format},
		{facetLicence, "r.licence", func(f *ResourceFilter) { f.Licence = "" }, &out.Licence},
		{facetTheme, "COALESCE(r.theme_id, 0)", func(f *ResourceFilter) { f.ThemeID = 0 }, &out.Theme},
		{facetTag, "tg.tag", func(f *ResourceFilter) { f.Tags = nil }, &out.Tag},
	} {
		g := f
		c.clear(&g)
		_, _, cands, err := q.searchCandidates(ctx, g)
		if err != nil {
			return nil, err
		}
		if len(cands) > maxFacetMatches {
			continue
		}
		counts := map[string]int{}
		for start := 0; start < len(cands); start += checkBatch {
			batch := cands[start:min(start+checkBatch, len(cands))]
			var a argList
			ph := make([]string, len(batch))
			for i, cd := range batch {
				ph[i] = strconv.FormatInt(cd.id, 10)
			}
			from := "resources r"
			if c.fc == facetTag {
				from = "resource_tags tg JOIN resources r ON r.id = tg.resource_id"
			}
			fc, err := q.facetCounts(ctx, q.oneOff(), `SELECT `+c.col+`, count(*) FROM `+from+` WHERE r.id IN (`+
				strings.Join(ph, ", ")+`) GROUP BY `+c.col, a.args)
			if err != nil {
				return nil, fmt.Errorf("count %s facet: %w", c.fc, err)
			}
			for _, x := range fc {
				counts[x.Value] += x.Count
			}
		}
		*c.dst = tally(counts)
	}
	out.Tag = out.Tag[:min(len(out.Tag), maxTagFacet)]
	return out, nil
}

// facetCounts runs a "value, count" query and sorts the answer in Go (most
// first, then by value in code-point order), so the order does not depend
// on either engine's collation. Empty values and theme 0 are left out.
func (q *Q) facetCounts(ctx context.Context, on querier, query string, args []any) ([]FacetCount, error) {
	rows, err := on.QueryContext(ctx, query, args...)
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

// memberSpaces are the spaces (communities) a person belongs to.
func (q *Q) memberSpaces(ctx context.Context, userID int64) (map[int64]bool, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT space_id FROM space_members WHERE user_id = $1`, userID)
	if err != nil {
		return nil, fmt.Errorf("load memberships: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("load memberships: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

// scoredDoc is a match with its score.
type scoredDoc struct {
	id    int64
	score float64
}

// better orders matches best first: higher score, then newer (higher id).
func better(x, y scoredDoc) int {
	return cmp.Or(cmp.Compare(y.score, x.score), cmp.Compare(y.id, x.id))
}

// topDocs returns the k best of docs, best first. A page needs the first
// twenty of thousands of matches: a bounded heap finds them without
// sorting the rest.
func topDocs(docs []scoredDoc, k int) []scoredDoc {
	if k <= 0 {
		return nil
	}
	if len(docs) <= 4*k {
		slices.SortFunc(docs, better)
		return docs[:min(k, len(docs))]
	}
	// h is a heap whose root is the worst of the best k so far.
	h := slices.Clone(docs[:k])
	worse := func(i, j int) bool { return better(h[i], h[j]) > 0 }
	down := func(i int) {
		for {
			l, m := 2*i+1, i
			if l < len(h) && worse(l, m) {
				m = l
			}
			if r := l + 1; r < len(h) && worse(r, m) {
				m = r
			}
			if m == i {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for i := k/2 - 1; i >= 0; i-- {
		down(i)
	}
	for _, d := range docs[k:] {
		if better(d, h[0]) < 0 {
			h[0] = d
			down(0)
		}
	}
	slices.SortFunc(h, better)
	return h
}
