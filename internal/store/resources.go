package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/resource"
)

// Teaching resources: rows, tags, listings with visibility and facet
// filters, counters. Revisions and extracted text are in resource_docs.go,
// ratings, comments, favourites and reviews in resource_social.go, and the
// search index in resource_search.go.

const resourceColumns = `r.id, r.space_id, r.owner_id, r.kind, r.title, r.description, r.subject, r.grade, r.edition,
	r.chapter, r.resource_type, r.tags, r.licence, COALESCE(r.theme_id, 0), r.visibility, r.blob_key, r.file_name, r.format,
	r.content_type, r.size, r.text_status, r.url, r.doc_type, COALESCE(r.revision_id, 0), COALESCE(r.copied_from, 0),
	r.featured, r.view_count, r.download_count, r.favourite_count, r.comment_count, r.reuse_count, r.rating_count,
	r.rating_sum, r.created_at, r.updated_at, u.username, u.display_name, s.name, r.inst_path, r.thumb_key`

// resourceFrom joins the owner's and the space's names for display.
const resourceFrom = ` FROM resources r JOIN users u ON u.id = r.owner_id JOIN spaces s ON s.id = r.space_id `

func scanResource(rs rowScanner, extra ...any) (*resource.Resource, error) {
	var r resource.Resource
	var tags, username, display string
	var created, updated int64
	dest := []any{&r.ID, &r.SpaceID, &r.OwnerID, &r.Kind, &r.Title, &r.Description, &r.Subject, &r.Grade, &r.Edition,
		&r.Chapter, &r.Type, &tags, &r.Licence, &r.ThemeID, &r.Visibility, &r.BlobKey, &r.FileName, &r.Format,
		&r.ContentType, &r.Size, &r.TextStatus, &r.URL, &r.DocType, &r.RevisionID, &r.CopiedFrom,
		&r.Featured, &r.Views, &r.Downloads, &r.Favourites, &r.Comments, &r.Reuses, &r.RatingCount,
		&r.RatingSum, &created, &updated, &username, &display, &r.SpaceName, &r.InstPath, &r.ThumbKey}
	if err := rs.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	if tags != "" {
		r.Tags = strings.Split(tags, "\t")
	}
	r.CreatedAt, r.UpdatedAt = fromMS(created), fromMS(updated)
	r.OwnerName = display
	if r.OwnerName == "" {
		r.OwnerName = username
	}
	return &r, nil
}

// CreateResource inserts a resource and its tags.
func (q *Q) CreateResource(ctx context.Context, r *resource.Resource) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO resources (space_id, owner_id, kind, title, description, subject, grade,
		edition, chapter, resource_type, tags, licence, theme_id, visibility, inst_path, blob_key, file_name, format,
		content_type, size, text_status, url, doc_type, copied_from, created_at, updated_at, thumb_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
		$24, $25, $26, $27) RETURNING id`,
		r.SpaceID, r.OwnerID, r.Kind, r.Title, r.Description, r.Subject, r.Grade, r.Edition, r.Chapter, r.Type,
		strings.Join(r.Tags, "\t"), r.Licence, nullInt(r.ThemeID), r.Visibility, r.InstPath, r.BlobKey, r.FileName,
		r.Format, r.ContentType, r.Size, r.TextStatus, r.URL, r.DocType, nullInt(r.CopiedFrom), ms(r.CreatedAt),
		ms(r.UpdatedAt), r.ThumbKey).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("insert resource %q: %w", r.Title, err)
	}
	return q.setResourceTags(ctx, r.ID, r.Tags)
}

func (q *Q) setResourceTags(ctx context.Context, id int64, tags []string) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM resource_tags WHERE resource_id = $1`, id); err != nil {
		return fmt.Errorf("clear tags of resource %d: %w", id, err)
	}
	for _, t := range tags {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO resource_tags (resource_id, tag) VALUES ($1, $2)
			ON CONFLICT DO NOTHING`, id, t); err != nil {
			return fmt.Errorf("tag resource %d: %w", id, err)
		}
	}
	return nil
}

// UpdateResource writes a resource's metadata and visibility.
func (q *Q) UpdateResource(ctx context.Context, r *resource.Resource) error {
	_, err := q.q.ExecContext(ctx, `UPDATE resources SET title = $1, description = $2, subject = $3, grade = $4,
		edition = $5, chapter = $6, resource_type = $7, tags = $8, licence = $9, theme_id = $10, visibility = $11,
		url = $12, updated_at = $13 WHERE id = $14`,
		r.Title, r.Description, r.Subject, r.Grade, r.Edition, r.Chapter, r.Type, strings.Join(r.Tags, "\t"), r.Licence,
		nullInt(r.ThemeID), r.Visibility, r.URL, ms(r.UpdatedAt), r.ID)
	if err != nil {
		return fmt.Errorf("update resource %d: %w", r.ID, err)
	}
	return q.setResourceTags(ctx, r.ID, r.Tags)
}

// SetResourceTextStatus records how text extraction went.
func (q *Q) SetResourceTextStatus(ctx context.Context, id int64, st resource.TextStatus) error {
	if _, err := q.q.ExecContext(ctx, `UPDATE resources SET text_status = $1 WHERE id = $2`, st, id); err != nil {
		return fmt.Errorf("set text status of resource %d: %w", id, err)
	}
	return nil
}

// DeleteResource removes a resource; its revisions, ratings, comments,
// favourites, reviews and index rows go with it. Copies made from it keep
// existing and lose their provenance link.
func (q *Q) DeleteResource(ctx context.Context, id int64) error {
	_, err := q.DeleteResourceThumb(ctx, id)
	return err
}

// DeleteResourceThumb is DeleteResource returning the thumbnail key the row
// had when it was deleted ("" for none, or no row). The key comes from the
// deleted row itself, not from an earlier read, so a thumbnail that a
// background job recorded a moment before the deletion is not forgotten
// (and its file left behind).
func (q *Q) DeleteResourceThumb(ctx context.Context, id int64) (string, error) {
	var key string
	err := q.q.QueryRowContext(ctx, `DELETE FROM resources WHERE id = $1 RETURNING thumb_key`, id).Scan(&key)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("delete resource %d: %w", id, err)
	}
	return key, nil
}

// SetResourceThumb records a resource's thumbnail, unless the resource
// already has one: two runs of the job for one resource (a retry after a
// lost lease) keep the first. It reports whether the key was recorded.
func (q *Q) SetResourceThumb(ctx context.Context, id int64, key string) (bool, error) {
	res, err := q.q.ExecContext(ctx, `UPDATE resources SET thumb_key = $1 WHERE id = $2 AND thumb_key = ''`, key, id)
	if err != nil {
		return false, fmt.Errorf("set thumbnail of resource %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("set thumbnail of resource %d: %w", id, err)
	}
	return n == 1, nil
}

// ResourceByID loads a resource with its owner's and space's names.
func (q *Q) ResourceByID(ctx context.Context, id int64) (*resource.Resource, error) {
	r, err := scanResource(q.q.QueryRowContext(ctx, `SELECT `+resourceColumns+resourceFrom+`WHERE r.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("load resource %d: %w", id, err)
	}
	return r, nil
}

// SpaceFileBytes sums the sizes of the files in a space, for its quota.
func (q *Q) SpaceFileBytes(ctx context.Context, spaceID int64) (int64, error) {
	var n int64
	if err := q.q.QueryRowContext(ctx, `SELECT COALESCE(SUM(size), 0) FROM resources WHERE space_id = $1 AND kind = 'file'`,
		spaceID).Scan(&n); err != nil {
		return 0, fmt.Errorf("sum file sizes of space %d: %w", spaceID, err)
	}
	return n, nil
}

// LockSpaceForQuota serialises, until the transaction ends, the writers
// that check a space's quota and then add to it: on PostgreSQL it locks the
// space's row (READ COMMITTED would let two transactions both sum the old
// total and both fit). SQLite's write transactions (BEGIN IMMEDIATE)
// already run one at a time, so there it does nothing.
func (q *Q) LockSpaceForQuota(ctx context.Context, spaceID int64) error {
	if q.dialect != Postgres {
		return nil
	}
	var id int64
	if err := q.q.QueryRowContext(ctx, `SELECT id FROM spaces WHERE id = $1 FOR UPDATE`, spaceID).Scan(&id); err != nil {
		return fmt.Errorf("lock space %d for its quota: %w", spaceID, err)
	}
	return nil
}

// BlobReferenced reports whether anything still uses a stored file: a
// resource (its file or its thumbnail), a discussion attachment, an
// interview recording or an avatar.
func (q *Q) BlobReferenced(ctx context.Context, key string) (bool, error) {
	var used bool
	// The partial indexes (migrations 0009, 0012, 0013) leave out empty
	// keys; a query is allowed to use one only when it repeats the index's
	// condition, since neither engine proves that a parameter is not ''.
	// Without it, SQLite scans all four tables on every deletion.
	err := q.q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM resources WHERE blob_key = $1 AND blob_key <> '')
		OR EXISTS (SELECT 1 FROM resources WHERE thumb_key = $1 AND thumb_key <> '')
		OR EXISTS (SELECT 1 FROM attachments WHERE blob_key = $1)
		OR EXISTS (SELECT 1 FROM interview_records WHERE audio_key = $1 AND audio_key <> '')
		OR EXISTS (SELECT 1 FROM users WHERE avatar_key = $1 AND avatar_key <> '')`, key).Scan(&used)
	if err != nil {
		return false, fmt.Errorf("look for uses of blob %s: %w", key, err)
	}
	return used, nil
}

// ResourceCounter names a counter column.
type ResourceCounter string

// The counters that change one by one.
const (
	CountViews     ResourceCounter = "view_count"
	CountDownloads ResourceCounter = "download_count"
	CountReuses    ResourceCounter = "reuse_count"
)

// BumpResource adds one to a counter.
func (q *Q) BumpResource(ctx context.Context, id int64, c ResourceCounter) error {
	switch c {
	case CountViews, CountDownloads, CountReuses:
	default:
		return fmt.Errorf("unknown resource counter %q", c)
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE resources SET `+string(c)+` = `+string(c)+` + 1 WHERE id = $1`, id); err != nil {
		return fmt.Errorf("count %s of resource %d: %w", c, id, err)
	}
	return nil
}

// ResourceViewer is what a listing may show to one person; the service
// fills it from the viewer's rights.
type ResourceViewer struct {
	// All: a platform admin sees everything.
	All bool
	// ID sees their own resources and those of communities they belong to.
	ID int64
	// HomePath sees "institution" resources whose subtree contains it.
	HomePath string
	// ManagedPaths are subtrees administered: their institution and
	// community resources are visible.
	ManagedPaths []string
}

// ResourceFilter selects resources. Empty fields do not filter.
type ResourceFilter struct {
	Viewer     ResourceViewer
	Terms      []string // search terms (resource.QueryTerms); all must match
	SpaceID    int64
	OwnerID    int64
	Subject    string
	Grade      string
	Type       resource.Type
	Kind       resource.Kind
	Format     resource.Format
	Licence    resource.Licence
	ThemeID    int64
	Tags       []string // all of them
	FeaturedIn int64    // in this institution's featured collection
	Featured   bool     // featured anywhere
	Limit      int
	Offset     int
}

// facet names a filterable dimension; where leaves one out to count it.
type facet string

const (
	facetSubject facet = "subject"
	facetGrade   facet = "grade"
	facetType    facet = "resource_type"
	facetKind    facet = "kind"
	facetFormat  facet = "format"
	facetLicence facet = "licence"
	facetTheme   facet = "theme"
	facetTag     facet = "tag"
	noFacet      facet = ""
)

// argList collects query arguments and hands out their placeholders.
type argList struct{ args []any }

func (a *argList) add(v any) string {
	a.args = append(a.args, v)
	return fmt.Sprintf("$%d", len(a.args))
}

// where builds the conditions of f on resources r, leaving out the facet
// skip (so that its counts show the alternatives).
func (f *ResourceFilter) where(a *argList, skip facet) string {
	var w []string
	v := f.Viewer
	if !v.All {
		vis := []string{"r.visibility = 'public'"}
		if v.ID != 0 {
			vis = append(vis, "r.owner_id = "+a.add(v.ID),
				"(r.visibility = 'community' AND r.space_id IN (SELECT space_id FROM space_members WHERE user_id = "+a.add(v.ID)+"))")
		}
		if v.HomePath != "" {
			vis = append(vis, "(r.visibility = 'institution' AND r.inst_path <> '' AND "+a.add(v.HomePath)+" LIKE r.inst_path || '%')")
		}
		for _, p := range v.ManagedPaths {
			vis = append(vis, "(r.visibility IN ('institution', 'community') AND r.inst_path LIKE "+a.add(p+"%")+")")
		}
		w = append(w, "("+strings.Join(vis, " OR ")+")")
	}
	eq := func(col string, val any, zero bool, fc facet) {
		if !zero && fc != skip {
			w = append(w, col+" = "+a.add(val))
		}
	}
	eq("r.space_id", f.SpaceID, f.SpaceID == 0, noFacet)
	eq("r.owner_id", f.OwnerID, f.OwnerID == 0, noFacet)
	eq("r.subject", f.Subject, f.Subject == "", facetSubject)
	eq("r.grade", f.Grade, f.Grade == "", facetGrade)
	eq("r.resource_type", f.Type, f.Type == "", facetType)
	eq("r.kind", f.Kind, f.Kind == "", facetKind)
	eq("r.format", f.Format, f.Format == "", facetFormat)
	eq("r.licence", f.Licence, f.Licence == "", facetLicence)
	eq("r.theme_id", f.ThemeID, f.ThemeID == 0, facetTheme)
	if f.Featured {
		w = append(w, "r.featured")
	}
	if f.FeaturedIn != 0 {
		w = append(w, "r.id IN (SELECT resource_id FROM resource_featured WHERE institution_id = "+a.add(f.FeaturedIn)+")")
	}
	if skip != facetTag {
		for _, t := range f.Tags {
			w = append(w, "r.id IN (SELECT resource_id FROM resource_tags WHERE tag = "+a.add(t)+")")
		}
	}
	if len(w) == 0 {
		return "TRUE"
	}
	return strings.Join(w, " AND ")
}

// ListResources lists resources without a search query, newest first,
// with the total. Searches go through SearchResources, which ranks.
func (q *Q) ListResources(ctx context.Context, f ResourceFilter) ([]*resource.Resource, int, error) {
	var a argList
	cond := f.where(&a, noFacet)
	from := resourceFrom
	if f.FeaturedIn != 0 {
		// An institution's featured collection (its page shows six) is
		// read from the collection outwards: CROSS JOIN fixes that order
		// on SQLite, which would otherwise walk every public resource by
		// date looking for featured ones.
		from = ` FROM resource_featured rf CROSS JOIN resources r JOIN users u ON u.id = r.owner_id JOIN spaces s ON s.id = r.space_id `
		cond = "rf.institution_id = " + a.add(f.FeaturedIn) + " AND r.id = rf.resource_id AND " + cond
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+resourceColumns+`, count(*) OVER ()`+from+`WHERE `+cond+
		` ORDER BY r.created_at DESC, r.id DESC LIMIT `+a.add(f.Limit)+` OFFSET `+a.add(f.Offset), a.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list resources: %w", err)
	}
	defer rows.Close()
	var out []*resource.Resource
	total := 0
	for rows.Next() {
		r, err := scanResource(rows, &total)
		if err != nil {
			return nil, 0, fmt.Errorf("scan resource: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list resources: %w", err)
	}
	if len(out) == 0 && f.Offset > 0 {
		var b argList
		if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM resources r WHERE `+f.where(&b, noFacet), b.args...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count resources: %w", err)
		}
	}
	return out, total, nil
}

// ResourcesByIDs loads resources in the order of ids, skipping missing ones.
func (q *Q) ResourcesByIDs(ctx context.Context, ids []int64) ([]*resource.Resource, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var a argList
	ph := make([]string, len(ids))
	for i, id := range ids {
		ph[i] = a.add(id)
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+resourceColumns+resourceFrom+`WHERE r.id IN (`+strings.Join(ph, ", ")+`)`, a.args...)
	if err != nil {
		return nil, fmt.Errorf("load resources: %w", err)
	}
	defer rows.Close()
	byID := make(map[int64]*resource.Resource, len(ids))
	for rows.Next() {
		r, err := scanResource(rows)
		if err != nil {
			return nil, fmt.Errorf("scan resource: %w", err)
		}
		byID[r.ID] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load resources: %w", err)
	}
	out := make([]*resource.Resource, 0, len(ids))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// Reusers lists the copies made of a resource, newest first, for the
// original's page ("reused by").
func (q *Q) Reusers(ctx context.Context, id int64, limit int) ([]*resource.Resource, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+resourceColumns+resourceFrom+`WHERE r.copied_from = $1
		ORDER BY r.created_at DESC, r.id DESC LIMIT $2`, id, limit)
	if err != nil {
		return nil, fmt.Errorf("list reuses of resource %d: %w", id, err)
	}
	defer rows.Close()
	var out []*resource.Resource
	for rows.Next() {
		r, err := scanResource(rows)
		if err != nil {
			return nil, fmt.Errorf("scan resource: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
