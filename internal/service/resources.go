package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Teaching resources: who may add, see, change and remove them, in one
// place for the pages, the API and background jobs.
//
// Where a resource lives (its space) decides who may add it there:
//   - a personal space: its owner;
//   - an institutional space (school, group, district): the people whose
//     home institution is in its subtree, and the admins who manage it;
//   - a community: its members, while it is not archived.
//
// Its visibility decides who sees it: private (the owner), community (the
// members of its community and the admins of the institution that owns
// the community), institution (the people of its institution's school,
// groups included, and the admins who manage it: resource.InstPath),
// public (anyone, signed in or not). Platform admins see everything.
// Storage listings apply the same rule in SQL (store.ResourceViewer).
//
// The owner edits metadata; documents are co-edited by the owner and, in
// a community or institutional space, by whoever may add resources there
// and sees the document. The owner, the leads of its community, the
// admins who manage its space and platform admins may delete it.

// Resource event verbs and object type.
const (
	ObjResource                         = "resource"
	VerbResourceDownloaded   event.Verb = "downloaded"
	VerbResourceRated        event.Verb = "rated"
	VerbResourceFavourited   event.Verb = "favourited"
	VerbResourceUnfavourited event.Verb = "unfavourited"
	VerbResourceReused       event.Verb = "reused"
	VerbResourceRevised      event.Verb = "revised"
	VerbResourceExtracted    event.Verb = "text_extracted"
)

// ResourceOptions tune resources.
type ResourceOptions struct {
	// Quotas bound the bytes of files per space, by kind of space.
	Quotas map[space.Kind]int64
}

// DefaultResourceQuotas: a teacher's own files, a community's shared
// collection, and an institution's library (lesson recordings are large).
var DefaultResourceQuotas = map[space.Kind]int64{
	space.Personal:    5 << 30,
	space.Community:   50 << 30,
	space.Institution: 200 << 30,
}

func (o ResourceOptions) withDefaults() ResourceOptions {
	q := map[space.Kind]int64{}
	for k, v := range DefaultResourceQuotas {
		q[k] = v
	}
	for k, v := range o.Quotas {
		q[k] = v
	}
	o.Quotas = q
	return o
}

// errResourceNotFound hides resources from those who may not see them.
var errResourceNotFound = apperr.New(apperr.NotFound, "error.not_found")

// resourceHome is a space seen as a home for resources: what the viewer
// may do there and the subtree that sees its "institution" resources.
type resourceHome struct {
	sp       *space.Space
	comm     *community.Community // communities only
	instPath string
	canAdd   bool
	leads    bool // may delete others' resources: community leads, managing admins
	host     bool // community host or an admin managing it: may recommend others' resources
	instID   int64
	archived bool
}

// home loads a space and works out what actor may do there.
func (s *Service) home(ctx context.Context, actor *account.User, spaceID int64) (*resourceHome, error) {
	sp, err := s.db.R().SpaceByID(ctx, spaceID)
	if err != nil {
		return nil, err
	}
	h := &resourceHome{sp: sp}
	switch sp.Kind {
	case space.Personal:
		owner, err := s.db.R().UserByID(ctx, sp.OwnerID)
		if err != nil {
			return nil, fmt.Errorf("owner of space %d: %w", sp.ID, err)
		}
		if h.instPath, err = s.schoolPath(ctx, owner.InstitutionID); err != nil {
			return nil, err
		}
		h.instID = owner.InstitutionID
		h.canAdd = actor != nil && actor.ID == sp.OwnerID
		// A personal space has no leads; platform admins moderate.
		h.leads = actor != nil && actor.Role == account.Admin
	case space.Community:
		c, err := s.db.R().CommunityByID(ctx, sp.ID)
		if err != nil {
			return nil, err
		}
		a, err := s.access(ctx, actor, c)
		if err != nil {
			return nil, err
		}
		inst, err := s.spaces.get(ctx, c.InstitutionID)
		if err != nil {
			return nil, err
		}
		h.comm, h.instPath, h.instID, h.archived = c, inst.Path, c.InstitutionID, a.Archived
		h.canAdd, h.leads, h.host = a.Write, a.Lead, a.Host
	case space.Institution:
		if h.instPath, err = s.schoolPath(ctx, sp.ID); err != nil {
			return nil, err
		}
		h.instID = sp.ID
		manages, err := s.manages(ctx, actor, sp.Path)
		if err != nil {
			return nil, err
		}
		h.leads = manages
		h.canAdd = manages
		if actor != nil && actor.InstitutionID != 0 && !manages {
			homeRef, err := s.spaces.get(ctx, actor.InstitutionID)
			if err != nil {
				return nil, err
			}
			h.canAdd = strings.HasPrefix(homeRef.Path, sp.Path)
		}
	default:
		return nil, errResourceNotFound
	}
	return h, nil
}

// canSee applies the visibility rule to one resource.
func (s *Service) canSee(ctx context.Context, viewer *account.User, r *resource.Resource) (bool, error) {
	switch {
	case r.Visibility == resource.VisPublic:
		return true, nil
	case viewer == nil:
		return false, nil
	case viewer.Role == account.Admin || viewer.ID == r.OwnerID:
		return true, nil
	case r.Visibility == resource.VisPrivate || r.InstPath == "":
		return false, nil
	}
	if ok, err := s.manages(ctx, viewer, r.InstPath); ok || err != nil {
		return ok, err
	}
	switch r.Visibility {
	case resource.VisCommunity:
		role, err := s.db.R().MemberRole(ctx, r.SpaceID, viewer.ID)
		return role != "", err
	case resource.VisInstitution:
		if viewer.InstitutionID == 0 {
			return false, nil
		}
		home, err := s.spaces.get(ctx, viewer.InstitutionID)
		if err != nil {
			return false, err
		}
		return strings.HasPrefix(home.Path, r.InstPath), nil
	}
	return false, nil
}

// resourceFor loads a resource the viewer may see.
func (s *Service) resourceFor(ctx context.Context, viewer *account.User, id int64) (*resource.Resource, error) {
	r, err := s.db.R().ResourceByID(ctx, id)
	if err != nil {
		return nil, err
	}
	ok, err := s.canSee(ctx, viewer, r)
	if err != nil {
		return nil, err
	}
	if !ok {
		if viewer == nil {
			return nil, errUnauthorized
		}
		return nil, errResourceNotFound
	}
	return r, nil
}

// ResourceRights is what the viewer may do with one resource.
type ResourceRights struct {
	Edit   bool // change metadata and visibility
	CoEdit bool // save revisions of a document
	Delete bool
	Reuse  bool // copy it into their own space
	Social bool // rate, comment, favourite: any signed-in viewer
}

func (s *Service) rights(ctx context.Context, viewer *account.User, r *resource.Resource) (ResourceRights, error) {
	var rt ResourceRights
	if viewer == nil {
		return rt, nil
	}
	rt.Social = true
	owner := viewer.ID == r.OwnerID
	h, err := s.home(ctx, viewer, r.SpaceID)
	if err != nil {
		return rt, err
	}
	admin := viewer.Role == account.Admin
	rt.Edit = (owner && !h.archived) || admin
	rt.Delete = owner || h.leads || admin
	rt.CoEdit = r.Kind == resource.Document && !h.archived && (owner || (h.sp.Kind != space.Personal && h.canAdd))
	rt.Reuse = !owner && (r.Licence.Reusable() || admin)
	return rt, nil
}

// resourceEvent records a change to a resource.
func (s *Service) resourceEvent(ctx context.Context, q *store.Q, actor *account.User, r *resource.Resource, verb event.Verb, details map[string]any) error {
	if details == nil {
		details = map[string]any{}
	}
	details["title"] = r.Title
	details["visibility"] = r.Visibility
	var actorID int64
	if actor != nil {
		actorID = actor.ID
	}
	return s.record(ctx, q, event.Event{ActorID: actorID, Verb: verb, ObjectType: ObjResource, ObjectID: r.ID,
		SpaceID: r.SpaceID, InstitutionID: instOfPath(r.InstPath)}, details)
}

// instOfPath is the institution at the end of a path, 0 for none.
func instOfPath(p string) int64 {
	ids, err := space.AncestorIDs(p)
	if err != nil || len(ids) == 0 {
		return 0
	}
	return ids[len(ids)-1]
}

// checkTheme accepts a theme only when it is an adopted theme of the
// community the resource lives in.
func (s *Service) checkTheme(ctx context.Context, h *resourceHome, themeID int64) error {
	if themeID == 0 {
		return nil
	}
	f := apperr.Fields{}
	p, err := s.db.R().ProposalByID(ctx, themeID)
	if apperr.Is(err, apperr.NotFound) || err == nil && (h.comm == nil || p.SpaceID != h.sp.ID || p.Status != community.Adopted) {
		f.Add("theme_id", "resource.error.theme")
		return f.Err()
	}
	return err
}

// prepare checks that actor may add a resource of kind k to spaceID and
// validates the input, returning the space.
func (s *Service) prepare(ctx context.Context, actor *account.User, spaceID int64, k resource.Kind, in *resource.Input) (*resourceHome, error) {
	if actor == nil {
		return nil, errUnauthorized
	}
	if spaceID == 0 {
		spaceID = actor.PersonalSpaceID
	}
	h, err := s.home(ctx, actor, spaceID)
	if apperr.Is(err, apperr.NotFound) {
		f := apperr.Fields{}
		f.Add("space_id", "resource.error.space")
		return nil, f.Err()
	}
	if err != nil {
		return nil, err
	}
	if h.archived {
		return nil, errArchived
	}
	if !h.canAdd {
		return nil, errForbidden
	}
	if err := in.Validate(k, h.sp.Kind == space.Community); err != nil {
		return nil, err
	}
	if err := s.checkTheme(ctx, h, in.ThemeID); err != nil {
		return nil, err
	}
	return h, nil
}

// newResource builds the row shared by every kind.
func (s *Service) newResource(actor *account.User, h *resourceHome, k resource.Kind, in resource.Input) *resource.Resource {
	now := s.Now()
	return &resource.Resource{SpaceID: h.sp.ID, OwnerID: actor.ID, Kind: k, Title: in.Title, Description: in.Description,
		Meta: in.Meta, Visibility: in.Visibility, InstPath: h.instPath, URL: in.URL, DocType: in.DocType,
		CreatedAt: now, UpdatedAt: now, OwnerName: actor.Name(), SpaceName: h.sp.Name}
}

// CreateLink adds a link to a space (0: the actor's personal space).
func (s *Service) CreateLink(ctx context.Context, actor *account.User, spaceID int64, in resource.Input) (*resource.Resource, error) {
	h, err := s.prepare(ctx, actor, spaceID, resource.Link, &in)
	if err != nil {
		return nil, err
	}
	r := s.newResource(actor, h, resource.Link, in)
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.CreateResource(ctx, r); err != nil {
			return err
		}
		if err := s.index(ctx, q, r, ""); err != nil {
			return err
		}
		return s.resourceEvent(ctx, q, actor, r, event.Created, map[string]any{"kind": r.Kind})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// CreateDocument starts a native document with its first revision.
func (s *Service) CreateDocument(ctx context.Context, actor *account.User, spaceID int64, in resource.Input, sections map[string]string) (*resource.Resource, error) {
	if in.Type == "" && in.DocType.Valid() {
		in.Type = in.DocType.DefaultType()
	}
	h, err := s.prepare(ctx, actor, spaceID, resource.Document, &in)
	if err != nil {
		return nil, err
	}
	body, err := resource.NewBody(in.DocType, sections)
	if err != nil {
		return nil, err
	}
	r := s.newResource(actor, h, resource.Document, in)
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.CreateResource(ctx, r); err != nil {
			return err
		}
		rev := &resource.Revision{ResourceID: r.ID, AuthorID: actor.ID, Title: r.Title, Body: body, CreatedAt: r.CreatedAt}
		if err := q.SaveRevision(ctx, rev); err != nil {
			return err
		}
		r.RevisionID = rev.ID
		if err := s.index(ctx, q, r, body.PlainText()); err != nil {
			return err
		}
		return s.resourceEvent(ctx, q, actor, r, event.Created, map[string]any{"kind": r.Kind, "doc_type": r.DocType})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// index (re)writes a resource's search terms; body is its document text or
// the text extracted from its file.
func (s *Service) index(ctx context.Context, q *store.Q, r *resource.Resource, body string) error {
	if err := q.SetResourceText(ctx, r.ID, body, s.Now().UnixMilli()); err != nil {
		return err
	}
	doc := resource.IndexDoc{Title: r.Title, Meta: resource.MetaText(r), Body: body}
	return q.IndexResource(ctx, r.ID, doc.Fields(), s.Now().UnixMilli())
}

// ResourcePage is one resource with what its page shows.
type ResourcePage struct {
	Resource   *resource.Resource
	Rights     ResourceRights
	Revision   *resource.Revision // documents: the current revision
	MyRating   int
	Favourite  bool
	Comments   []*store.ResourceComment
	Reusers    []*resource.Resource // copies of it (visible ones)
	CopiedFrom *resource.Resource   // the original, when visible
	Space      *space.Space
}

// Resource returns a resource's page and counts the view (not the owner's).
func (s *Service) Resource(ctx context.Context, viewer *account.User, id int64) (*ResourcePage, error) {
	r, err := s.resourceFor(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	p := &ResourcePage{Resource: r}
	if p.Rights, err = s.rights(ctx, viewer, r); err != nil {
		return nil, err
	}
	rq := s.db.R()
	if r.RevisionID != 0 {
		if p.Revision, err = rq.RevisionByID(ctx, r.RevisionID); err != nil {
			return nil, err
		}
	}
	if viewer != nil {
		if p.MyRating, err = rq.MyRating(ctx, id, viewer.ID); err != nil {
			return nil, err
		}
		if p.Favourite, err = rq.IsFavourite(ctx, id, viewer.ID); err != nil {
			return nil, err
		}
	}
	if p.Comments, err = rq.ResourceComments(ctx, id, 200, 0); err != nil {
		return nil, err
	}
	copies, err := rq.Reusers(ctx, id, 50)
	if err != nil {
		return nil, err
	}
	for _, c := range copies {
		if ok, err := s.canSee(ctx, viewer, c); err != nil {
			return nil, err
		} else if ok {
			p.Reusers = append(p.Reusers, c)
		}
	}
	if r.CopiedFrom != 0 {
		if orig, err := s.resourceFor(ctx, viewer, r.CopiedFrom); err == nil {
			p.CopiedFrom = orig
		}
	}
	if p.Space, err = rq.SpaceByID(ctx, r.SpaceID); err != nil {
		return nil, err
	}
	if viewer == nil || viewer.ID != r.OwnerID {
		err := s.db.Tx(ctx, func(q *store.Q) error {
			if err := q.BumpResource(ctx, id, store.CountViews); err != nil {
				return err
			}
			return s.resourceEvent(ctx, q, viewer, r, event.Viewed, nil)
		})
		if err != nil {
			return nil, err
		}
		r.Views++
	}
	return p, nil
}

// ResourceByID returns a resource the viewer may see, without counting a view.
func (s *Service) ResourceByID(ctx context.Context, viewer *account.User, id int64) (*resource.Resource, error) {
	return s.resourceFor(ctx, viewer, id)
}

// UpdateResource changes a resource's metadata and visibility (the owner).
func (s *Service) UpdateResource(ctx context.Context, actor *account.User, id int64, in resource.Input) (*resource.Resource, error) {
	r, err := s.resourceFor(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	rt, err := s.rights(ctx, actor, r)
	if err != nil {
		return nil, err
	}
	if !rt.Edit {
		return nil, errForbidden
	}
	h, err := s.home(ctx, actor, r.SpaceID)
	if err != nil {
		return nil, err
	}
	in.DocType = r.DocType
	if err := in.Validate(r.Kind, h.sp.Kind == space.Community); err != nil {
		return nil, err
	}
	if err := s.checkTheme(ctx, h, in.ThemeID); err != nil {
		return nil, err
	}
	r.Title, r.Description, r.Meta, r.Visibility, r.UpdatedAt = in.Title, in.Description, in.Meta, in.Visibility, s.Now()
	if r.Kind == resource.Link {
		r.URL = in.URL
	}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.UpdateResource(ctx, r); err != nil {
			return err
		}
		body, err := q.ResourceText(ctx, r.ID)
		if err != nil {
			return err
		}
		if err := s.index(ctx, q, r, body); err != nil {
			return err
		}
		return s.resourceEvent(ctx, q, actor, r, event.Updated, nil)
	})
	return r, err
}

// DeleteResource removes a resource. Its file and its thumbnail stay in
// the blob store when another resource (a reuse, an identical upload) or
// anything else still points at them.
func (s *Service) DeleteResource(ctx context.Context, actor *account.User, id int64) error {
	r, err := s.resourceFor(ctx, actor, id)
	if err != nil {
		return err
	}
	rt, err := s.rights(ctx, actor, r)
	if err != nil {
		return err
	}
	if !rt.Delete {
		return errForbidden
	}
	// The file and its thumbnail are locked together (lockAll orders
	// them), so that no upload or reuse sharing either can commit between
	// the check below and the removal.
	unlock := s.blobLocks.lockAll(r.BlobKey, r.ThumbKey)
	var orphans []string
	late := ""
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.UnindexResource(ctx, id); err != nil {
			return err
		}
		thumb, err := q.DeleteResourceThumb(ctx, id)
		if err != nil {
			return err
		}
		if thumb != r.ThumbKey {
			late = thumb // recorded by the thumbnail job since r was read
		}
		for _, key := range []string{r.BlobKey, r.ThumbKey} {
			if key == "" || slices.Contains(orphans, key) {
				continue
			}
			used, err := q.BlobReferenced(ctx, key)
			if err != nil {
				return err
			}
			if !used {
				orphans = append(orphans, key)
			}
		}
		return s.resourceEvent(ctx, q, actor, r, event.Deleted, nil)
	})
	if err != nil {
		unlock()
		return err
	}
	for _, key := range orphans {
		s.deleteUnusedBlob(ctx, key, "a deleted resource")
	}
	unlock()
	if late != "" {
		// Not locked above: take its lock alone now. deleteUnusedBlob asks
		// the database again, under the lock, before removing it.
		defer s.blobLocks.lock(late)()
		s.deleteUnusedBlob(ctx, late, "a deleted resource's thumbnail")
	}
	return nil
}

// deleteUnusedBlob removes a stored file once nothing names it, asking the
// database again; the caller holds the file's blob lock. A failure only
// leaves an unused file behind, so it is logged, not returned.
func (s *Service) deleteUnusedBlob(ctx context.Context, key, why string) {
	if s.files == nil {
		return
	}
	used, err := s.db.R().BlobReferenced(ctx, key)
	if err == nil && !used {
		err = s.files.Delete(ctx, key)
	}
	if err != nil {
		s.log.Warn("remove the file of "+why, "key", key, "err", err)
	}
}

// ResourceQuery is a listing or search of resources.
type ResourceQuery struct {
	Q          string
	SpaceID    int64
	OwnerID    int64
	Subject    string
	Grade      string
	Type       resource.Type
	Kind       resource.Kind
	Format     resource.Format
	Licence    resource.Licence
	ThemeID    int64
	Tags       []string
	FeaturedIn int64
	Featured   bool
	Limit      int
	Offset     int
	// Facets asks for facet counts as well.
	Facets bool
}

// ResourceResults is one page of a listing or search.
type ResourceResults struct {
	Items  []*resource.Resource
	Total  int
	Facets *store.ResourceFacets // when asked for
	Terms  []string              // the query's search terms
}

// viewerFilter turns a viewer's rights into the listing filter.
func (s *Service) viewerFilter(ctx context.Context, viewer *account.User) (store.ResourceViewer, error) {
	var v store.ResourceViewer
	if viewer == nil {
		return v, nil
	}
	if viewer.Role == account.Admin {
		v.All = true
		return v, nil
	}
	v.ID = viewer.ID
	if viewer.InstitutionID != 0 {
		home, err := s.spaces.get(ctx, viewer.InstitutionID)
		if err != nil {
			return v, err
		}
		v.HomePath = home.Path
		if viewer.Role.ManagesInstitutions() {
			v.ManagedPaths = []string{home.Path}
		}
	}
	return v, nil
}

// SearchResources lists the resources the viewer may see: ranked by
// relevance when there is a query (every term must match), newest first
// otherwise, within the facet filters.
func (s *Service) SearchResources(ctx context.Context, viewer *account.User, rq ResourceQuery) (*ResourceResults, error) {
	f := apperr.Fields{}
	rq.Q = strings.TrimSpace(rq.Q)
	if len([]rune(rq.Q)) > resource.MaxQuery {
		f.Add("q", "form.too_long", "max", resource.MaxQuery)
	}
	if rq.Type != "" && !containsType(rq.Type) {
		f.Add("type", "form.invalid_choice")
	}
	if rq.Kind != "" && !rq.Kind.Valid() {
		f.Add("kind", "form.invalid_choice")
	}
	if rq.Format != "" && !rq.Format.Valid() {
		f.Add("format", "form.invalid_choice")
	}
	tags, key, args := resource.CleanTags(rq.Tags)
	if key != "" {
		f.Add("tags", key, args...)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	v, err := s.viewerFilter(ctx, viewer)
	if err != nil {
		return nil, err
	}
	if rq.Limit <= 0 || rq.Limit > 100 {
		rq.Limit = 20
	}
	sf := store.ResourceFilter{Viewer: v, Terms: resource.QueryTerms(rq.Q), SpaceID: rq.SpaceID, OwnerID: rq.OwnerID,
		Subject: rq.Subject, Grade: rq.Grade, Type: rq.Type, Kind: rq.Kind, Format: rq.Format, Licence: rq.Licence,
		ThemeID: rq.ThemeID, Tags: tags, FeaturedIn: rq.FeaturedIn, Featured: rq.Featured, Limit: rq.Limit,
		Offset: max(rq.Offset, 0)}
	res := &ResourceResults{Terms: sf.Terms}
	if rq.Q != "" && len(sf.Terms) == 0 {
		return res, nil // only punctuation: nothing can match
	}
	if res.Items, res.Total, err = s.db.R().SearchResources(ctx, sf); err != nil {
		return nil, err
	}
	if rq.Facets {
		if res.Facets, err = s.db.R().CountResourceFacets(ctx, sf); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func containsType(t resource.Type) bool {
	for _, x := range resource.Types {
		if x == t {
			return true
		}
	}
	return false
}
