package web

import (
	"html/template"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/yanxiu/yanxiu/internal/markup"
	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Resource pages: the search and listing with facets, a resource's page
// with its preview, and its file. Forms are in resources_forms.go, the
// streamed upload in resources_upload.go, actions (rate, comment,
// favourite, reuse, delete, revise) in resources_actions.go.

const resourcesPerPage = 20

// facetNames are the query parameters that narrow a listing, in the order
// the sidebar shows them.
var facetNames = []string{"subject", "grade", "type", "kind", "format", "licence", "tag"}

type resourceListView struct {
	*Page
	Query  url.Values
	Q      string
	Items  []*resource.Resource
	Total  int
	Facets []facetGroup
	Pager  pager
	Space  int64 // the listing is one space's
	// Reviewer: the person reviews recommendations (links to the queue).
	Reviewer bool
}

// facetGroup is one facet of the sidebar with links that toggle its values.
type facetGroup struct {
	Name   string
	Label  string
	Values []facetValue
}

type facetValue struct {
	Label  string
	Count  int
	URL    string
	Active bool
}

// facetLabel names a facet value in the page's language.
func facetLabel(p *Page, name, value string) string {
	switch name {
	case "subject":
		return p.T("subject." + value)
	case "grade", "type", "kind", "format", "licence":
		return p.T("resource." + name + "." + value)
	}
	return value
}

// Label names a resource's metadata value, for cards and the resource page.
func (v resourceListView) Label(name, value string) string { return facetLabel(v.Page, name, value) }

// toggleURL is the listing's URL with name=value set, or removed when it is
// the current value; paging starts over.
func toggleURL(q url.Values, name, value string) string {
	q2 := url.Values{}
	for k, vs := range q {
		q2[k] = append([]string(nil), vs...)
	}
	q2.Del("page")
	if name == "tag" {
		tags := q2["tag"]
		var kept []string
		found := false
		for _, t := range tags {
			if t == value {
				found = true
				continue
			}
			kept = append(kept, t)
		}
		if !found {
			kept = append(kept, value)
		}
		q2["tag"] = kept
	} else if q2.Get(name) == value {
		q2.Del(name)
	} else {
		q2.Set(name, value)
	}
	return "/resources?" + q2.Encode()
}

func (s *Server) listResources(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := s.page(r, "resource.list.title")
	s.takeFlash(w, r, p)
	page := pageParam(r)
	rq := service.ResourceQuery{Q: q.Get("q"), Subject: q.Get("subject"), Grade: q.Get("grade"),
		Type: resource.Type(q.Get("type")), Kind: resource.Kind(q.Get("kind")), Format: resource.Format(q.Get("format")),
		Licence: resource.Licence(q.Get("licence")), Tags: q["tag"], Featured: q.Get("featured") == "1",
		Limit: resourcesPerPage, Offset: (page - 1) * resourcesPerPage, Facets: true}
	if id, ok := pathID(q.Get("space")); ok {
		rq.SpaceID = id
	}
	if id, ok := pathID(q.Get("featured_in")); ok {
		rq.FeaturedIn = id // an institution's featured collection (精品资源)
	}
	v := resourceListView{Page: p, Query: q, Q: rq.Q, Space: rq.SpaceID}
	if p.User != nil {
		var err error
		if v.Reviewer, err = s.svc.Reviewer(r.Context(), p.User); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	res, err := s.svc.SearchResources(r.Context(), currentUser(r), rq)
	if err != nil {
		// A bad filter (a hand-edited URL) shows the form's message and no results.
		if _, ok := formErrors(p, err); !ok {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusOK, "resource_list", v)
		return
	}
	v.Items, v.Total = res.Items, res.Total
	v.Pager = newPager(r, page, resourcesPerPage, res.Total)
	f := res.Facets
	for _, g := range []struct {
		name   string
		counts []store.FacetCount
	}{{"subject", f.Subject}, {"grade", f.Grade}, {"type", f.Type}, {"kind", f.Kind}, {"format", f.Format},
		{"licence", f.Licence}, {"tag", f.Tag}} {
		if len(g.counts) == 0 {
			continue
		}
		fg := facetGroup{Name: g.name, Label: p.T("resource.facet." + g.name)}
		for _, c := range g.counts {
			active := q.Get(g.name) == c.Value
			if g.name == "tag" {
				active = containsString(q["tag"], c.Value)
			}
			fg.Values = append(fg.Values, facetValue{Label: facetLabel(p, g.name, c.Value), Count: c.Count,
				URL: toggleURL(q, g.name, c.Value), Active: active})
		}
		v.Facets = append(v.Facets, fg)
	}
	s.render(w, r, http.StatusOK, "resource_list", v)
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

type resourceView struct {
	*Page
	*service.ResourcePage
	Stars []int
	// For the owner: the recommendations and where it may be recommended.
	Reviews       []*store.ReviewItem
	ReviewTargets []*space.Space
}

// Label names a metadata value in the page's language.
func (v resourceView) Label(name, value string) string { return facetLabel(v.Page, name, value) }

// FileURL is where the page's preview and download link point.
func (v resourceView) FileURL() string {
	return "/resources/" + strconv.FormatInt(v.Resource.ID, 10) + "/file"
}

// SizeMB shows a file size in MiB with one decimal.
func (v resourceView) SizeMB() string {
	return strconv.FormatFloat(float64(v.Resource.Size)/(1<<20), 'f', 1, 64)
}

// RatingText is the mean rating with one decimal.
func (v resourceView) RatingText() string {
	return strconv.FormatFloat(v.Resource.Rating(), 'f', 1, 64)
}

// SectionHTML renders a document section's Markdown, sanitised.
func (v resourceView) SectionHTML(text string) (template.HTML, error) { return markup.Render(text) }

func (s *Server) showResource(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	rp, err := s.svc.Resource(r.Context(), currentUser(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	reviews, targets, err := s.svc.ResourceReviews(r.Context(), currentUser(r), rp.Resource)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "")
	p.Title = rp.Resource.Title
	s.takeFlash(w, r, p)
	s.render(w, r, http.StatusOK, "resource_show", resourceView{Page: p, ResourcePage: rp, Stars: []int{1, 2, 3, 4, 5},
		Reviews: reviews, ReviewTargets: targets})
}

// serveResourceFile sends a resource's file with Range support, so that a
// video seeks and a download resumes. Pictures, sound and video may be
// shown inline (?inline=1, used by the page's preview); everything else is
// always an attachment, so a document can never render as a page of this
// site. The type stored at upload, decided from the bytes, is the only
// Content-Type ever sent.
func (s *Server) serveResourceFile(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	inline := r.URL.Query().Get("inline") == "1"
	rg := r.Header.Get("Range")
	count := !inline && (rg == "" || strings.HasPrefix(rg, "bytes=0-"))
	f, err := s.svc.OpenResourceFile(r.Context(), currentUser(r), id, count)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Reader.Close()
	res := f.Resource
	disposition := "attachment"
	if inline && res.Format.Inline() {
		disposition = "inline"
	}
	h := w.Header()
	h.Set("Content-Type", res.ContentType)
	cd := mime.FormatMediaType(disposition, map[string]string{"filename": res.FileName})
	if cd == "" {
		cd = disposition
	}
	h.Set("Content-Disposition", cd)
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; media-src 'self'; sandbox")
	h.Set("Cache-Control", "private, max-age=3600")
	// The content never changes under its key: a perfect validator.
	h.Set("ETag", `"`+res.BlobKey+`"`)
	http.ServeContent(w, r, "", res.CreatedAt, f.Reader)
}

// serveResourceThumbnail sends a resource's thumbnail (a JPEG made by a
// background job) to whoever may see the resource. The key is the hash of
// the thumbnail's bytes, so it is the ETag and a browser revalidates with
// If-None-Match for a 304; no view or download is counted.
func (s *Server) serveResourceThumbnail(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	f, err := s.svc.OpenResourceThumbnail(r.Context(), currentUser(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Reader.Close()
	h := w.Header()
	h.Set("Content-Type", resource.ThumbContentType)
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	// Private: the resource's visibility may narrow later, and shared
	// caches must not keep what only some people may see.
	h.Set("Cache-Control", "private, max-age=86400")
	h.Set("ETag", `"`+f.Resource.ThumbKey+`"`)
	http.ServeContent(w, r, "", f.Reader.ModTime(), f.Reader)
}
