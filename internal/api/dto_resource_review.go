package api

import (
	"time"

	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/store"
)

// DTOs of what people do around a resource: recommendations and their
// review, comments, the diff between two revisions and the conflict a
// stale revert or save runs into.

// reviewDTO is one recommendation of a resource to an institution. When
// the resource has since been narrowed so that the reviewers may no longer
// open it, hidden is true and the title is blank.
type reviewDTO struct {
	ID            int64              `json:"id"`
	Resource      reviewResourceDTO  `json:"resource"`
	Institution   namedRef           `json:"institution"`
	RecommendedBy personRef          `json:"recommended_by"`
	Note          string             `json:"note"`
	Status        store.ReviewStatus `json:"status"`
	Reviewer      *personRef         `json:"reviewer"`
	Comments      string             `json:"comments"`
	CreatedAt     time.Time          `json:"created_at"`
	DecidedAt     *time.Time         `json:"decided_at"`
}

type reviewResourceDTO struct {
	ID      int64  `json:"id"`
	Title   string `json:"title"`
	OwnerID int64  `json:"owner_id"`
	Hidden  bool   `json:"hidden"`
}

func newReview(it *store.ReviewItem) reviewDTO {
	d := reviewDTO{ID: it.ID, Resource: reviewResourceDTO{ID: it.ResourceID, Title: it.ResourceTitle, OwnerID: it.OwnerID,
		Hidden: it.Hidden}, Institution: namedRef{ID: it.InstitutionID, Name: it.InstitutionName},
		RecommendedBy: personRef{ID: it.RecommendedBy, DisplayName: it.RecommenderName}, Note: it.Note, Status: it.Status,
		Comments: it.Comments, CreatedAt: it.CreatedAt.UTC()}
	if it.ReviewerID != 0 {
		d.Reviewer = &personRef{ID: it.ReviewerID, DisplayName: it.ReviewerName}
	}
	if it.DecidedAt != nil {
		t := it.DecidedAt.UTC()
		d.DecidedAt = &t
	}
	return d
}

// recommendBody is the body of POST /resources/{id}/recommend.
type recommendBody struct {
	InstitutionID int64  `json:"institution_id"`
	Note          string `json:"note"`
}

// reviewDecision is the body of POST /reviews/{id}/approve and /return.
type reviewDecision struct {
	Comments string `json:"comments"`
}

// resourceCommentDTO is a comment under a resource.
type resourceCommentDTO struct {
	ID         int64     `json:"id"`
	ResourceID int64     `json:"resource_id"`
	Author     personRef `json:"author"`
	Body       string    `json:"body"`
	BodyHTML   string    `json:"body_html"`
	CreatedAt  time.Time `json:"created_at"`
}

func newResourceComment(c *store.ResourceComment) resourceCommentDTO {
	return resourceCommentDTO{ID: c.ID, ResourceID: c.ResourceID, Author: personRef{ID: c.AuthorID, DisplayName: c.AuthorName},
		Body: c.Body, BodyHTML: c.BodyHTML, CreatedAt: c.CreatedAt.UTC()}
}

// ratingBody is the body of PUT /resources/{id}/rating.
type ratingBody struct {
	Stars int `json:"stars"`
}

// revertBody is the body of POST /resources/{id}/revert.
type revertBody struct {
	RevisionID int64  `json:"revision_id"`
	BaseID     int64  `json:"base_id"`
	Note       string `json:"note"`
}

// revisionRefDTO names a revision without its text.
type revisionRefDTO struct {
	ID        int64     `json:"id"`
	Number    int       `json:"number"`
	Title     string    `json:"title"`
	Author    personRef `json:"author"`
	CreatedAt time.Time `json:"created_at"`
}

func newRevisionRef(v *resource.Revision) revisionRefDTO {
	return revisionRefDTO{ID: v.ID, Number: v.Number, Title: v.Title,
		Author: personRef{ID: v.AuthorID, DisplayName: v.AuthorName}, CreatedAt: v.CreatedAt.UTC()}
}

// diffHunkDTO is a run of consecutive lines that the diff treats alike:
// kept, inserted or deleted.
type diffHunkDTO struct {
	Op    resource.DiffOp `json:"op"`
	Lines []string        `json:"lines"`
}

// sectionDiffDTO is the diff of one section of the document's template.
type sectionDiffDTO struct {
	Key     string        `json:"key"`
	Changed bool          `json:"changed"`
	Hunks   []diffHunkDTO `json:"hunks"`
}

func newSectionDiffs(ds []resource.SectionDiff) []sectionDiffDTO {
	out := make([]sectionDiffDTO, 0, len(ds))
	for _, d := range ds {
		s := sectionDiffDTO{Key: d.Key, Changed: d.Changed, Hunks: []diffHunkDTO{}}
		for _, l := range d.Lines {
			if n := len(s.Hunks); n > 0 && s.Hunks[n-1].Op == l.Op {
				s.Hunks[n-1].Lines = append(s.Hunks[n-1].Lines, l.Text)
				continue
			}
			s.Hunks = append(s.Hunks, diffHunkDTO{Op: l.Op, Lines: []string{l.Text}})
		}
		out = append(out, s)
	}
	return out
}

// revisionDiffDTO is the diff between two revisions of a document.
type revisionDiffDTO struct {
	ResourceID int64            `json:"resource_id"`
	From       revisionRefDTO   `json:"from"`
	To         revisionRefDTO   `json:"to"`
	Sections   []sectionDiffDTO `json:"sections"`
}

func newRevisionDiff(c *service.RevisionComparison) revisionDiffDTO {
	return revisionDiffDTO{ResourceID: c.Resource.ID, From: newRevisionRef(c.From), To: newRevisionRef(c.To),
		Sections: newSectionDiffs(c.Sections)}
}

// conflictDTO is what the web's conflict screen shows, as data: the
// revision the refused edit started from (null when base_id named no
// revision of the document), the current one someone else saved since,
// both changes against the base, and a proposed merge to edit and send
// again with current.id as base_id.
type conflictDTO struct {
	Base        *revisionDTO       `json:"base"`
	Current     revisionDTO        `json:"current"`
	Theirs      []sectionDiffDTO   `json:"theirs"`
	Yours       []sectionDiffDTO   `json:"yours"`
	MergedTitle string             `json:"merged_title"`
	Merged      []resource.Section `json:"merged"`
	Clashes     []string           `json:"clashes"`
}

func newConflict(c *service.EditConflict) conflictDTO {
	d := conflictDTO{Current: newRevision(c.Current), Theirs: newSectionDiffs(c.Theirs), Yours: newSectionDiffs(c.Yours),
		MergedTitle: c.MergedTitle, Merged: []resource.Section(c.Merged), Clashes: c.Clashes}
	if c.Base != nil && c.Base.ID != 0 {
		b := newRevision(c.Base)
		d.Base = &b
	}
	if d.Merged == nil {
		d.Merged = []resource.Section{}
	}
	if d.Clashes == nil {
		d.Clashes = []string{}
	}
	return d
}

// conflictEnvelope is the 409 answer of a stale save or revert: the usual
// error envelope with the conflict beside it.
type conflictEnvelope struct {
	Error    errorDTO    `json:"error"`
	Conflict conflictDTO `json:"conflict"`
}
