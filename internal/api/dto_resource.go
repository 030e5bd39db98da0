package api

import (
	"strconv"
	"time"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/store"
)

// DTOs of teaching resources. A file resource names its format, type and
// size; its bytes come from GET /resources/{id}/file, and its thumbnail,
// once made, from GET /resources/{id}/thumbnail.

// resourceDTO is a resource as listings show it.
type resourceDTO struct {
	ID          int64               `json:"id"`
	Title       string              `json:"title"`
	Type        resource.Type       `json:"type"`
	Kind        resource.Kind       `json:"kind"`
	Description string              `json:"description"`
	Subject     string              `json:"subject"`
	Grade       string              `json:"grade"`
	Edition     string              `json:"edition"`
	Chapter     string              `json:"chapter"`
	Tags        []string            `json:"tags"`
	Licence     resource.Licence    `json:"licence"`
	ThemeID     *int64              `json:"theme_id"`
	Visibility  resource.Visibility `json:"visibility"`
	Space       namedRef            `json:"space"`
	Owner       personRef           `json:"owner"`
	Format      *resource.Format    `json:"format"`
	ContentType *string             `json:"content_type"`
	Size        *int64              `json:"size"`
	FileName    *string             `json:"file_name"`
	Thumbnail   *string             `json:"thumbnail"`
	URL         *string             `json:"url"`
	DocType     *resource.DocType   `json:"doc_type"`
	CopiedFrom  *int64              `json:"copied_from"`
	Featured    bool                `json:"featured"`
	Counts      resourceCountsDTO   `json:"counts"`
	CreatedAt   time.Time           `json:"created_at"`
	UpdatedAt   time.Time           `json:"updated_at"`
}

type resourceCountsDTO struct {
	Views      int     `json:"views"`
	Downloads  int     `json:"downloads"`
	Favourites int     `json:"favourites"`
	Comments   int     `json:"comments"`
	Reuses     int     `json:"reuses"`
	Ratings    int     `json:"ratings"`
	Rating     float64 `json:"rating"`
}

func newResource(r *resource.Resource) resourceDTO {
	d := resourceDTO{ID: r.ID, Title: r.Title, Type: r.Type, Kind: r.Kind, Description: r.Description,
		Subject: r.Subject, Grade: r.Grade, Edition: r.Edition, Chapter: r.Chapter, Tags: r.Tags, Licence: r.Licence,
		ThemeID: optID(r.ThemeID), Visibility: r.Visibility, Space: namedRef{ID: r.SpaceID, Name: r.SpaceName},
		Owner: personRef{ID: r.OwnerID, DisplayName: r.OwnerName}, CopiedFrom: optID(r.CopiedFrom), Featured: r.Featured,
		Counts: resourceCountsDTO{Views: r.Views, Downloads: r.Downloads, Favourites: r.Favourites, Comments: r.Comments,
			Reuses: r.Reuses, Ratings: r.RatingCount, Rating: r.Rating()},
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if d.Tags == nil {
		d.Tags = []string{}
	}
	switch r.Kind {
	case resource.File:
		f, ct, size, name := r.Format, r.ContentType, r.Size, r.FileName
		d.Format, d.ContentType, d.Size, d.FileName = &f, &ct, &size, &name
		if r.ThumbKey != "" {
			u := Prefix + "/resources/" + strconv.FormatInt(r.ID, 10) + "/thumbnail"
			d.Thumbnail = &u
		}
	case resource.Link:
		u := r.URL
		d.URL = &u
	case resource.Document:
		dt := r.DocType
		d.DocType = &dt
	}
	return d
}

// revisionDTO is one revision of a document.
type revisionDTO struct {
	ID        int64              `json:"id"`
	Number    int                `json:"number"`
	Author    personRef          `json:"author"`
	BaseID    *int64             `json:"base_id"`
	Title     string             `json:"title"`
	Sections  []resource.Section `json:"sections"`
	Note      string             `json:"note"`
	CreatedAt time.Time          `json:"created_at"`
}

func newRevision(v *resource.Revision) revisionDTO {
	s := []resource.Section(v.Body)
	if s == nil {
		s = []resource.Section{}
	}
	return revisionDTO{ID: v.ID, Number: v.Number, Author: personRef{ID: v.AuthorID, DisplayName: v.AuthorName},
		BaseID: optID(v.BaseID), Title: v.Title, Sections: s, Note: v.Note, CreatedAt: v.CreatedAt.UTC()}
}

// resourceDetailDTO is one resource with its current revision (documents)
// and what the caller may do with it.
type resourceDetailDTO struct {
	resourceDTO
	Revision *revisionDTO      `json:"revision"`
	Viewer   resourceViewerDTO `json:"viewer"`
}

type resourceViewerDTO struct {
	Edit      bool `json:"edit"`
	CoEdit    bool `json:"co_edit"`
	Delete    bool `json:"delete"`
	Reuse     bool `json:"reuse"`
	Rating    int  `json:"rating"`
	Favourite bool `json:"favourite"`
}

func newResourceDetail(p *service.ResourcePage) resourceDetailDTO {
	d := resourceDetailDTO{resourceDTO: newResource(p.Resource), Viewer: resourceViewerDTO{Edit: p.Rights.Edit,
		CoEdit: p.Rights.CoEdit, Delete: p.Rights.Delete, Reuse: p.Rights.Reuse, Rating: p.MyRating, Favourite: p.Favourite}}
	if p.Revision != nil {
		rv := newRevision(p.Revision)
		d.Revision = &rv
	}
	return d
}

// facetDTO is one value of a facet with its count.
type facetDTO struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// resourceListDTO is the common list envelope plus facet counts.
type resourceListDTO struct {
	Items  []resourceDTO         `json:"items"`
	Total  int                   `json:"total"`
	Facets map[string][]facetDTO `json:"facets"`
}

func newFacets(f *store.ResourceFacets) map[string][]facetDTO {
	out := map[string][]facetDTO{}
	if f == nil {
		return out
	}
	for name, counts := range map[string][]store.FacetCount{"subject": f.Subject, "grade": f.Grade, "type": f.Type,
		"kind": f.Kind, "format": f.Format, "licence": f.Licence, "theme": f.Theme, "tag": f.Tag} {
		l := make([]facetDTO, 0, len(counts))
		for _, c := range counts {
			l = append(l, facetDTO{Value: c.Value, Count: c.Count})
		}
		out[name] = l
	}
	return out
}

// resourceCreate is the body of POST /resources: a link or a document.
type resourceCreate struct {
	Kind        resource.Kind       `json:"kind"`
	SpaceID     int64               `json:"space_id"`
	Title       string              `json:"title"`
	Description string              `json:"description"`
	Subject     string              `json:"subject"`
	Grade       string              `json:"grade"`
	Edition     string              `json:"edition"`
	Chapter     string              `json:"chapter"`
	Type        resource.Type       `json:"type"`
	Tags        []string            `json:"tags"`
	Licence     resource.Licence    `json:"licence"`
	ThemeID     int64               `json:"theme_id"`
	Visibility  resource.Visibility `json:"visibility"`
	URL         string              `json:"url"`
	DocType     resource.DocType    `json:"doc_type"`
	Sections    map[string]string   `json:"sections"`
}

func (in resourceCreate) input() resource.Input {
	return resource.Input{Title: in.Title, Description: in.Description, Meta: resource.Meta{Subject: in.Subject,
		Grade: in.Grade, Edition: in.Edition, Chapter: in.Chapter, Type: in.Type, Tags: in.Tags, Licence: in.Licence,
		ThemeID: in.ThemeID}, Visibility: in.Visibility, URL: in.URL, DocType: in.DocType}
}

// revisionCreate is the body of POST /resources/{id}/revisions.
type revisionCreate struct {
	BaseID   int64             `json:"base_id"`
	Title    string            `json:"title"`
	Sections map[string]string `json:"sections"`
	Note     string            `json:"note"`
}

// reuseBody is the body of POST /resources/{id}/reuse.
type reuseBody struct {
	SpaceID int64 `json:"space_id"`
}

// errKind refuses kinds POST /resources does not create.
func errKind() error {
	f := apperr.Fields{}
	f.Add("kind", "api.field.resource_kind")
	return f.Err()
}
