package service

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
)

// InstitutionInput is what creating or editing an institution takes.
type InstitutionInput struct {
	Name        string
	Level       space.Level // on create only
	Code        string
	Description string
	Location    string
	// Modules switched on, on edit only (nil leaves them as they are).
	Modules []space.Module
}

func (in *InstitutionInput) validate(f apperr.Fields) {
	in.Name, in.Code, in.Location = strings.TrimSpace(in.Name), strings.TrimSpace(in.Code), strings.TrimSpace(in.Location)
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		f.Add("name", "form.required")
	case n > space.MaxName:
		f.Add("name", "form.too_long", "max", space.MaxName)
	}
	if len(in.Code) > space.MaxCode {
		f.Add("code", "form.too_long", "max", space.MaxCode)
	}
	if len(in.Description) > space.MaxDescription {
		f.Add("description", "form.too_long", "max", space.MaxDescription)
	}
	if in.Location != "" && !slices.Contains(space.Locations, in.Location) {
		f.Add("location", "form.invalid")
	}
	for _, m := range in.Modules {
		if !slices.Contains(space.Optional(space.Institution), m) {
			f.Add("modules", "form.invalid_choice")
		}
	}
}

// withModules sets the optional modules of sp to on, keeping the others.
func withModules(sp *space.Space, on []space.Module) []space.Module {
	optional := space.Optional(sp.Kind)
	var out []space.Module
	for _, m := range sp.Modules {
		if !slices.Contains(optional, m) {
			out = append(out, m)
		}
	}
	for _, m := range optional {
		if slices.Contains(on, m) {
			out = append(out, m)
		}
	}
	return out
}

// CreateInstitution adds an institution under parentID (0 for a root region,
// which only a platform admin may create). actor nil is the operator.
func (s *Service) CreateInstitution(ctx context.Context, actor *account.User, parentID int64, in InstitutionInput) (*space.Space, error) {
	f := apperr.Fields{}
	in.validate(f)
	var parent *space.Space
	if parentID != 0 {
		var err error
		if parent, err = s.db.R().SpaceByID(ctx, parentID); err != nil || parent.Kind != space.Institution {
			return nil, apperr.New(apperr.NotFound, "error.not_found")
		}
		if want, ok := parent.Level.ChildLevel(); !ok || (in.Level != want && in.Level != "") {
			f.Add("level", "institution.level.mismatch")
		} else {
			in.Level = want
		}
	} else if !in.Level.Valid() {
		f.Add("level", "form.invalid")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if actor != nil {
		if parent == nil {
			if actor.Role != account.Admin {
				return nil, errForbidden
			}
		} else if err := s.requireManage(ctx, actor, parent.Path); err != nil {
			return nil, err
		}
	}
	sp := &space.Space{Kind: space.Institution, Level: in.Level, ParentID: parentID, Name: in.Name, Code: in.Code,
		Description: in.Description, Location: in.Location, Visibility: space.Public,
		Modules: space.DefaultModules(space.Institution), CreatedAt: s.Now()}
	parentPath := ""
	if parent != nil {
		parentPath = parent.Path
	}
	err := s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.CreateSpace(ctx, sp, parentPath); err != nil {
			return err
		}
		var actorID int64
		if actor != nil {
			actorID = actor.ID
		}
		return s.record(ctx, q, event.Event{ActorID: actorID, Verb: event.InstitutionAdded, ObjectType: event.ObjSpace,
			ObjectID: sp.ID, SpaceID: sp.ID, InstitutionID: sp.ID}, map[string]any{"name": sp.Name, "level": sp.Level})
	})
	if err != nil {
		return nil, err
	}
	return sp, nil
}

// UpdateInstitution edits an institution's profile.
func (s *Service) UpdateInstitution(ctx context.Context, actor *account.User, id int64, in InstitutionInput) (*space.Space, error) {
	sp, err := s.institution(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.requireManage(ctx, actor, sp.Path); err != nil {
		return nil, err
	}
	f := apperr.Fields{}
	in.validate(f)
	if err := f.Err(); err != nil {
		return nil, err
	}
	sp.Name, sp.Code, sp.Description, sp.Location, sp.UpdatedAt = in.Name, in.Code, in.Description, in.Location, s.Now()
	if in.Modules != nil {
		sp.Modules = withModules(sp, in.Modules)
	}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.UpdateSpace(ctx, sp); err != nil {
			return err
		}
		return s.record(ctx, q, event.Event{ActorID: actor.ID, Verb: event.Updated, ObjectType: event.ObjSpace,
			ObjectID: sp.ID, SpaceID: sp.ID, InstitutionID: sp.ID}, nil)
	})
	if err != nil {
		return nil, err
	}
	return sp, nil
}

func (s *Service) institution(ctx context.Context, id int64) (*space.Space, error) {
	sp, err := s.db.R().SpaceByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if sp.Kind != space.Institution {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	return sp, nil
}

// InstitutionPage is what an institutional space shows. Everything but
// CanManage is the same for every viewer and comes from the read cache:
// read-only.
type InstitutionPage struct {
	// Shared numbers the read of everything but CanManage (see
	// readCache.readID).
	Shared        uint64
	Space         *space.Space
	Ancestors     []*space.Space // root first, excluding the space itself
	Children      []*space.Space
	ChildTotal    int
	Members       []store.Member
	Announcements []*store.Announcement
	CanManage     bool
}

// Institution loads an institutional space. Institutions are public: their
// profile, announcements, sub-institutions and members are what a district
// shows its teachers; personal details stay on each person's own page.
func (s *Service) Institution(ctx context.Context, viewer *account.User, id int64, memberLimit, memberOffset int) (*InstitutionPage, error) {
	shared, err := cachedRead(ctx, s.reads, institutionPageKey{id, memberLimit, memberOffset}, institutionPageTables,
		func(ctx context.Context) (*InstitutionPage, error) {
			return s.loadInstitutionPage(ctx, id, memberLimit, memberOffset)
		})
	if err != nil {
		return nil, err
	}
	p := *shared // the cached page is shared; CanManage is this viewer's
	if p.CanManage, err = s.manages(ctx, viewer, p.Space.Path); err != nil {
		return nil, err
	}
	return &p, nil
}

// institutionPageKey names the parts of an institution page every viewer
// sees alike; institutionPageTables are what they are read from.
type institutionPageKey struct {
	id            int64
	limit, offset int
}

var institutionPageTables = []string{"spaces", "space_members", "users", "announcements"}

// loadInstitutionPage reads what an institution page shows every viewer.
func (s *Service) loadInstitutionPage(ctx context.Context, id int64, memberLimit, memberOffset int) (*InstitutionPage, error) {
	sp, err := s.institution(ctx, id)
	if err != nil {
		return nil, err
	}
	r := s.db.R()
	p := &InstitutionPage{Shared: s.reads.readID(), Space: sp}
	ids, err := space.AncestorIDs(sp.Path)
	if err != nil {
		return nil, err
	}
	if len(ids) > 1 {
		anc, err := r.SpacesByIDs(ctx, ids[:len(ids)-1])
		if err != nil {
			return nil, err
		}
		slices.SortFunc(anc, func(a, b *space.Space) int { return len(a.Path) - len(b.Path) })
		p.Ancestors = anc
	}
	if p.Children, p.ChildTotal, err = r.Children(ctx, sp.ID, 200, 0); err != nil {
		return nil, err
	}
	if sp.Has(space.ModMembers) {
		if p.Members, err = r.Members(ctx, sp.ID, memberLimit, memberOffset); err != nil {
			return nil, err
		}
	}
	if sp.Has(space.ModAnnouncements) {
		if p.Announcements, err = r.Announcements(ctx, sp.ID, 10); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Institutions lists institutions for the API: all of them, optionally one
// subtree or level.
func (s *Service) Institutions(ctx context.Context, f store.InstitutionFilter) ([]*space.Space, int, error) {
	return s.db.R().ListInstitutions(ctx, f)
}

// InstitutionByID returns one institution.
func (s *Service) InstitutionByID(ctx context.Context, id int64) (*space.Space, error) {
	return s.institution(ctx, id)
}

// Limits on announcements.
const (
	MaxAnnouncementTitle = 120
	MaxAnnouncementBody  = 20_000
)

// PostAnnouncement publishes an announcement in an institutional space.
func (s *Service) PostAnnouncement(ctx context.Context, actor *account.User, spaceID int64, title, body string) (*store.Announcement, error) {
	sp, err := s.institution(ctx, spaceID)
	if err != nil {
		return nil, err
	}
	if err := s.requireManage(ctx, actor, sp.Path); err != nil {
		return nil, err
	}
	if !sp.Has(space.ModAnnouncements) {
		return nil, apperr.New(apperr.Conflict, "space.module_off")
	}
	title, body = strings.TrimSpace(title), strings.TrimSpace(body)
	f := apperr.Fields{}
	switch n := utf8.RuneCountInString(title); {
	case n == 0:
		f.Add("title", "form.required")
	case n > MaxAnnouncementTitle:
		f.Add("title", "form.too_long", "max", MaxAnnouncementTitle)
	}
	switch n := utf8.RuneCountInString(body); {
	case n == 0:
		f.Add("body", "form.required")
	case n > MaxAnnouncementBody:
		f.Add("body", "form.too_long", "max", MaxAnnouncementBody)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	html, err := render("body", body)
	if err != nil {
		return nil, err
	}
	a := &store.Announcement{SpaceID: sp.ID, AuthorID: actor.ID, AuthorName: actor.Name(), Title: title, Body: body,
		BodyHTML: html, CreatedAt: s.Now()}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.CreateAnnouncement(ctx, a); err != nil {
			return err
		}
		return s.record(ctx, q, event.Event{ActorID: actor.ID, Verb: event.Announced, ObjectType: event.ObjAnnouncement,
			ObjectID: a.ID, SpaceID: sp.ID, InstitutionID: sp.ID}, map[string]any{"title": truncate(title, 200)})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// DeleteAnnouncement removes an announcement from an institution the actor manages.
func (s *Service) DeleteAnnouncement(ctx context.Context, actor *account.User, spaceID, id int64) error {
	sp, err := s.institution(ctx, spaceID)
	if err != nil {
		return err
	}
	if err := s.requireManage(ctx, actor, sp.Path); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		ok, err := q.DeleteAnnouncement(ctx, sp.ID, id)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.New(apperr.NotFound, "error.not_found")
		}
		return s.record(ctx, q, event.Event{ActorID: actor.ID, Verb: event.Deleted, ObjectType: event.ObjAnnouncement,
			ObjectID: id, SpaceID: sp.ID, InstitutionID: sp.ID}, nil)
	})
}

// Events lists the actor's own events, for the API.
func (s *Service) Events(ctx context.Context, actor *account.User, beforeID int64, limit int) ([]*event.Event, int, error) {
	if actor == nil {
		return nil, 0, errUnauthorized
	}
	r := s.db.R()
	evs, err := r.Events(ctx, store.EventFilter{ActorID: actor.ID, BeforeID: beforeID, Limit: limit})
	if err != nil {
		return nil, 0, err
	}
	n, err := r.CountEvents(ctx, store.EventFilter{ActorID: actor.ID})
	return evs, n, err
}
