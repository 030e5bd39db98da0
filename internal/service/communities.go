package service

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Community event verbs and object types.
const (
	VerbJoined        event.Verb = "joined"
	VerbLeft          event.Verb = "left"
	VerbRequested     event.Verb = "requested"
	VerbApproved      event.Verb = "approved"
	VerbDeclined      event.Verb = "declined"
	VerbInvited       event.Verb = "invited"
	VerbRemoved       event.Verb = "removed"
	VerbRoleChanged   event.Verb = "role_changed"
	VerbStatusChanged event.Verb = "status_changed"
	VerbProposed      event.Verb = "proposed"
	VerbVoted         event.Verb = "voted"
	VerbRoundOpened   event.Verb = "round_opened"
	VerbAdopted       event.Verb = "adopted"
	ObjCommunity                 = "community"
	ObjProposal                  = "theme_proposal"
	ObjRound                     = "vote_round"
)

// Access is what one person may do in one community.
type Access struct {
	Role     space.MemberRole // "" when not a member
	Read     bool
	Write    bool // post, propose, vote: members of a community that is not archived
	Lead     bool // host or facilitator (or an admin of the owner institution): manage members
	Host     bool // host (or an admin of the owner institution): settings, votes, adoption
	Archived bool
}

// errArchived refuses writes to an archived community, which is read-only.
var errArchived = apperr.New(apperr.Conflict, "community.error.archived")

// access works out a viewer's rights in a community. Admins of the owning
// institution act as hosts, so no community is ever left without one.
func (s *Service) access(ctx context.Context, viewer *account.User, c *community.Community) (Access, error) {
	a := Access{Archived: c.Status == community.Archived}
	var inst spaceRef
	var err error
	if inst, err = s.spaces.get(ctx, c.InstitutionID); err != nil {
		return a, err
	}
	if viewer != nil {
		if a.Role, err = s.db.R().MemberRole(ctx, c.Space.ID, viewer.ID); err != nil {
			return a, err
		}
	}
	manages, err := s.manages(ctx, viewer, inst.Path)
	if err != nil {
		return a, err
	}
	switch {
	case a.Role != "" || manages:
		a.Read = true
	case c.Space.Visibility == space.Public:
		a.Read = true
	case c.Space.Visibility == space.InstitutionOnly && viewer != nil && viewer.InstitutionID != 0:
		home, err := s.spaces.get(ctx, viewer.InstitutionID)
		if err != nil {
			return a, err
		}
		a.Read = strings.HasPrefix(home.Path, inst.Path)
	}
	if !a.Read && viewer != nil {
		// Someone invited by name may look before accepting, even into a
		// private community or across institutions.
		inv, err := s.db.R().OpenInvitationFor(ctx, c.Space.ID, viewer.ID, s.Now())
		if err != nil {
			return a, err
		}
		a.Read = inv != nil
	}
	a.Host = a.Role == community.RoleHost || manages
	a.Lead = a.Host || a.Role == community.RoleFacilitator
	a.Write = a.Role != "" && !a.Archived
	return a, nil
}

// community loads a community and the viewer's access, failing unless the
// viewer may read it.
func (s *Service) community(ctx context.Context, viewer *account.User, id int64) (*community.Community, Access, error) {
	c, err := s.communityByID(ctx, id)
	if err != nil {
		return nil, Access{}, err
	}
	a, err := s.access(ctx, viewer, c)
	if err != nil {
		return nil, a, err
	}
	if !a.Read {
		if viewer == nil {
			return nil, a, errUnauthorized
		}
		return nil, a, apperr.New(apperr.NotFound, "error.not_found")
	}
	return c, a, nil
}

// communityByID reads a community through the read cache: every page of a
// community and of its discussions starts with it. The caller gets its own
// copy of the record and of its space, free to change.
func (s *Service) communityByID(ctx context.Context, id int64) (*community.Community, error) {
	shared, err := cachedRead(ctx, s.reads, communityKey(id), communityTables,
		func(ctx context.Context) (*community.Community, error) { return s.db.R().CommunityByID(ctx, id) })
	if err != nil {
		return nil, err
	}
	c, sp := *shared, *shared.Space
	sp.Modules = slices.Clone(sp.Modules)
	c.Space = &sp
	return &c, nil
}

type communityKey int64

var communityTables = []string{"communities", "spaces"}

// canCreateCommunity: facilitators, experts and admins may start a community
// in their own institution's subtree (or one they manage).
func (s *Service) canCreateCommunity(ctx context.Context, actor *account.User, inst *space.Space) (bool, error) {
	if actor == nil {
		return false, nil
	}
	if ok, err := s.manages(ctx, actor, inst.Path); ok || err != nil {
		return ok, err
	}
	if actor.Role != account.Facilitator && actor.Role != account.Expert || actor.InstitutionID == 0 {
		return false, nil
	}
	home, err := s.spaces.get(ctx, actor.InstitutionID)
	if err != nil {
		return false, err
	}
	return strings.HasPrefix(inst.Path, home.Path), nil
}

// CreateCommunity starts a community owned by an institution (a school for
// school-based training, a district for one open across its schools); the
// creator becomes its host.
func (s *Service) CreateCommunity(ctx context.Context, actor *account.User, institutionID int64, in community.Input) (*community.Community, error) {
	if actor == nil {
		return nil, errUnauthorized
	}
	inst, err := s.institution(ctx, institutionID)
	if err != nil {
		return nil, err
	}
	ok, err := s.canCreateCommunity(ctx, actor, inst)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errForbidden
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	now := s.Now()
	c := &community.Community{
		Space: &space.Space{Kind: space.Community, ParentID: inst.ID, Name: in.Name, Visibility: in.Visibility,
			Modules: space.DefaultModules(space.Community), CreatedAt: now},
		InstitutionID: inst.ID, Institution: inst.Name, Purpose: in.Purpose, Subject: in.Subject, GradeBand: in.GradeBand,
		StartsOn: in.StartsOn, EndsOn: in.EndsOn, Status: community.Planning, JoinPolicy: in.JoinPolicy,
		MemberCap: in.MemberCap, CreatedBy: actor.ID,
	}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.CreateSpace(ctx, c.Space, inst.Path); err != nil {
			return err
		}
		if err := q.CreateCommunity(ctx, c); err != nil {
			return err
		}
		if err := q.AddMember(ctx, c.Space.ID, actor.ID, community.RoleHost, store.SortKey(actor.Name()), now.UnixMilli()); err != nil {
			return err
		}
		c.Space.MemberCount = 1
		return s.record(ctx, q, event.Event{ActorID: actor.ID, Verb: event.Created, ObjectType: ObjCommunity,
			ObjectID: c.Space.ID, SpaceID: c.Space.ID, InstitutionID: inst.ID}, map[string]any{"name": c.Space.Name})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Community returns a community the viewer may read, with their access.
func (s *Service) Community(ctx context.Context, viewer *account.User, id int64) (*community.Community, Access, error) {
	return s.community(ctx, viewer, id)
}

// UpdateCommunity changes a community's settings (host only, not when archived).
func (s *Service) UpdateCommunity(ctx context.Context, actor *account.User, id int64, in community.Input) (*community.Community, error) {
	c, a, err := s.community(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !a.Host {
		return nil, errForbidden
	}
	if a.Archived {
		return nil, errArchived
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	c.Space.Name, c.Space.Visibility, c.Space.UpdatedAt = in.Name, in.Visibility, s.Now()
	c.Purpose, c.Subject, c.GradeBand, c.StartsOn, c.EndsOn = in.Purpose, in.Subject, in.GradeBand, in.StartsOn, in.EndsOn
	c.JoinPolicy, c.MemberCap = in.JoinPolicy, in.MemberCap
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.UpdateCommunity(ctx, c); err != nil {
			return err
		}
		return s.recordCommunity(ctx, q, actor, c, event.Updated, nil)
	})
	return c, err
}

func (s *Service) recordCommunity(ctx context.Context, q *store.Q, actor *account.User, c *community.Community, verb event.Verb, details map[string]any) error {
	return s.record(ctx, q, event.Event{ActorID: actor.ID, Verb: verb, ObjectType: ObjCommunity, ObjectID: c.Space.ID,
		SpaceID: c.Space.ID, InstitutionID: c.InstitutionID}, details)
}

// SetCommunityStatus moves a community through its lifecycle. Archiving
// makes it read-only; a host may also reopen an archived community.
func (s *Service) SetCommunityStatus(ctx context.Context, actor *account.User, id int64, status community.Status) error {
	c, a, err := s.community(ctx, actor, id)
	if err != nil {
		return err
	}
	if !a.Host {
		return errForbidden
	}
	if !slices.Contains(community.Statuses, status) {
		f := apperr.Fields{}
		f.Add("status", "form.invalid_choice")
		return f.Err()
	}
	from := c.Status
	c.Status = status
	return s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.UpdateCommunity(ctx, c); err != nil {
			return err
		}
		return s.recordCommunity(ctx, q, actor, c, VerbStatusChanged, map[string]any{"from": from, "to": status})
	})
}

// Communities lists the communities a viewer may see: under an institution,
// one person's, or all.
func (s *Service) Communities(ctx context.Context, viewer *account.User, f store.CommunityFilter) ([]*community.Community, int, error) {
	f.ViewerID, f.ViewerPaths, f.ManagedPaths = 0, nil, nil
	if viewer != nil {
		f.ViewerID = viewer.ID
		if viewer.InstitutionID != 0 {
			home, err := s.spaces.get(ctx, viewer.InstitutionID)
			if err != nil {
				return nil, 0, err
			}
			f.ViewerPaths = []string{home.Path}
			if viewer.Role.ManagesInstitutions() {
				f.ManagedPaths = []string{home.Path}
			}
		}
		if viewer.Role == account.Admin {
			f.ManagedPaths = []string{"/"}
		}
	}
	if f.Query == "" && f.Status == "" && len(f.ManagedPaths) == 0 {
		switch {
		case f.InstitutionPath != "" && f.MemberID == 0:
			return s.visibleCommunities(ctx, f, communityRefsKey(f.InstitutionPath), communityTables,
				func(ctx context.Context) ([]store.CommunityRef, error) {
					return s.db.R().CommunityRefs(ctx, f.InstitutionPath)
				})
		case f.MemberID != 0 && f.InstitutionPath == "":
			return s.visibleCommunities(ctx, f, memberCommunitiesKey(f.MemberID), memberCommunityTables,
				func(ctx context.Context) ([]store.CommunityRef, error) {
					return s.db.R().MemberCommunityRefs(ctx, f.MemberID)
				})
		}
	}
	return s.db.R().Communities(ctx, f)
}

type (
	communityRefsKey     string
	memberCommunitiesKey int64
)

var memberCommunityTables = []string{"communities", "spaces", "space_members"}

// visibleCommunities answers Communities for an institution's page and
// listing, and for a person's page, from the read cache: the communities
// of the subtree (or the person's), the same for everyone, filtered by what
// this viewer may see (public ones, institution ones owned above the
// viewer's school, and their own), then the page's records. Profiles of
// the institution page put a quarter of its CPU into the query that did
// all of it for every request, and a fifth of the personal space's.
// Managers, who see everything of their subtree, and filtered lists take
// the query.
func (s *Service) visibleCommunities(ctx context.Context, f store.CommunityFilter, key any, tables []string,
	load func(context.Context) ([]store.CommunityRef, error)) ([]*community.Community, int, error) {
	refs, err := cachedRead(ctx, s.reads, key, tables, load)
	if err != nil {
		return nil, 0, err
	}
	if len(refs) == 0 {
		return nil, 0, nil
	}
	mine := map[int64]bool{}
	if f.ViewerID != 0 {
		ids, err := s.db.R().MembershipIDs(ctx, f.ViewerID)
		if err != nil {
			return nil, 0, err
		}
		for _, id := range ids {
			mine[id] = true
		}
	}
	total := 0
	var page []int64
	for _, r := range refs {
		visible := r.Visibility == space.Public || mine[r.ID] ||
			r.Visibility == space.InstitutionOnly && slices.ContainsFunc(f.ViewerPaths, func(p string) bool { return strings.HasPrefix(p, r.InstitutionPath) })
		if !visible {
			continue
		}
		if total >= f.Offset && len(page) < f.Limit {
			page = append(page, r.ID)
		}
		total++
	}
	out := make([]*community.Community, 0, len(page))
	for _, id := range page {
		c, err := s.communityByID(ctx, id)
		if apperr.Is(err, apperr.NotFound) {
			continue // deleted since the list was read
		}
		if err != nil {
			return nil, 0, err
		}
		out = append(out, c)
	}
	return out, total, nil
}

// MaxJoinMessage bounds the note sent with a join request.
const MaxJoinMessage = 500

// Join makes actor a member (open communities), files a join request (by
// request), or accepts a pending named invitation (by invitation).
func (s *Service) Join(ctx context.Context, actor *account.User, id int64, message string) (joined bool, err error) {
	c, a, err := s.community(ctx, actor, id)
	if err != nil {
		return false, err
	}
	if actor == nil {
		return false, errUnauthorized
	}
	if a.Archived {
		return false, errArchived
	}
	if a.Role != "" {
		return true, nil
	}
	now := s.Now()
	inv, err := s.db.R().OpenInvitationFor(ctx, c.Space.ID, actor.ID, now)
	if err != nil {
		return false, err
	}
	switch {
	case inv != nil:
		return true, s.db.Tx(ctx, func(q *store.Q) error {
			if ok, err := q.UseInvitation(ctx, inv.ID); err != nil || !ok {
				return firstErr(err, apperr.New(apperr.Conflict, "community.invite.used"))
			}
			return s.addCommunityMember(ctx, q, actor, actor, c, inv.Role, "invitation")
		})
	case c.JoinPolicy == community.Open:
		return true, s.db.Tx(ctx, func(q *store.Q) error {
			return s.addCommunityMember(ctx, q, actor, actor, c, community.RoleMember, "open")
		})
	case c.JoinPolicy == community.ByRequest:
		message = strings.TrimSpace(message)
		if utf8.RuneCountInString(message) > MaxJoinMessage {
			f := apperr.Fields{}
			f.Add("message", "form.too_long", "max", MaxJoinMessage)
			return false, f.Err()
		}
		return false, s.db.Tx(ctx, func(q *store.Q) error {
			r := &store.JoinRequest{SpaceID: c.Space.ID, UserID: actor.ID, Message: message, CreatedAt: now}
			if err := q.CreateJoinRequest(ctx, r); err != nil {
				return err
			}
			if err := s.notifyJoinRequest(ctx, q, actor, c, r); err != nil {
				return err
			}
			return s.recordCommunity(ctx, q, actor, c, VerbRequested, map[string]any{"request_id": r.ID})
		})
	}
	return false, apperr.New(apperr.Forbidden, "community.join.invite_only")
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// addCommunityMember adds a member inside a transaction, enforcing the cap
// against the count as the transaction sees it.
func (s *Service) addCommunityMember(ctx context.Context, q *store.Q, actor, member *account.User, c *community.Community, role space.MemberRole, how string) error {
	fresh, err := q.CommunityByID(ctx, c.Space.ID)
	if err != nil {
		return err
	}
	if fresh.Full() {
		return apperr.New(apperr.Conflict, "community.join.full")
	}
	if err := q.AddMember(ctx, c.Space.ID, member.ID, role, store.SortKey(member.Name()), s.Now().UnixMilli()); err != nil {
		return err
	}
	return s.record(ctx, q, event.Event{ActorID: actor.ID, Verb: VerbJoined, ObjectType: ObjCommunity, ObjectID: c.Space.ID,
		SpaceID: c.Space.ID, InstitutionID: member.InstitutionID}, map[string]any{"member": member.ID, "role": role, "via": how})
}

// JoinRequests lists pending requests for the leads of a community.
func (s *Service) JoinRequests(ctx context.Context, actor *account.User, id int64) ([]*store.JoinRequest, error) {
	_, a, err := s.community(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !a.Lead {
		return nil, errForbidden
	}
	return s.db.R().PendingRequests(ctx, id)
}

// MyJoinRequest returns actor's pending request to a community, or nil.
func (s *Service) MyJoinRequest(ctx context.Context, actor *account.User, id int64) (*store.JoinRequest, error) {
	if actor == nil {
		return nil, nil
	}
	return s.db.R().PendingRequestOf(ctx, id, actor.ID)
}

// MaxReason bounds a decline reason.
const MaxReason = 500

// DecideJoinRequest approves or declines a pending request (leads only).
func (s *Service) DecideJoinRequest(ctx context.Context, actor *account.User, id, requestID int64, approve bool, reason string) error {
	c, a, err := s.community(ctx, actor, id)
	if err != nil {
		return err
	}
	if !a.Lead {
		return errForbidden
	}
	if a.Archived {
		return errArchived
	}
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > MaxReason {
		f := apperr.Fields{}
		f.Add("reason", "form.too_long", "max", MaxReason)
		return f.Err()
	}
	status, verb := "declined", VerbDeclined
	if approve {
		status, verb = "approved", VerbApproved
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		r, err := q.DecideJoinRequest(ctx, requestID, c.Space.ID, status, reason, actor.ID, s.Now())
		if err != nil {
			return err
		}
		if approve {
			member, err := q.UserByID(ctx, r.UserID)
			if err != nil {
				return err
			}
			if err := s.addCommunityMember(ctx, q, actor, member, c, community.RoleMember, "request"); err != nil {
				return err
			}
		}
		if err := s.notifyJoinDecision(ctx, q, actor, c, r, approve, reason); err != nil {
			return err
		}
		return s.recordCommunity(ctx, q, actor, c, verb, map[string]any{"request_id": r.ID, "member": r.UserID})
	})
}

// Leave removes actor from a community; the last host must hand over first.
func (s *Service) Leave(ctx context.Context, actor *account.User, id int64) error {
	c, a, err := s.community(ctx, actor, id)
	if err != nil {
		return err
	}
	if a.Role == "" {
		return nil
	}
	if a.Archived {
		return errArchived
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		if a.Role == community.RoleHost {
			if n, err := q.CountMembersWithRole(ctx, c.Space.ID, community.RoleHost); err != nil || n <= 1 {
				return firstErr(err, apperr.New(apperr.Conflict, "community.leave.last_host"))
			}
		}
		if err := q.RemoveMember(ctx, c.Space.ID, actor.ID); err != nil {
			return err
		}
		return s.recordCommunity(ctx, q, actor, c, VerbLeft, nil)
	})
}

// RemoveMember takes someone out of a community. Their content stays,
// attributed to them. Facilitators cannot remove hosts.
func (s *Service) RemoveMember(ctx context.Context, actor *account.User, id, userID int64) error {
	c, a, err := s.community(ctx, actor, id)
	if err != nil {
		return err
	}
	if !a.Lead {
		return errForbidden
	}
	if a.Archived {
		return errArchived
	}
	role, err := s.db.R().MemberRole(ctx, id, userID)
	if err != nil {
		return err
	}
	if role == "" {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	if role == community.RoleHost && !a.Host {
		return errForbidden
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		if role == community.RoleHost {
			if n, err := q.CountMembersWithRole(ctx, c.Space.ID, community.RoleHost); err != nil || n <= 1 {
				return firstErr(err, apperr.New(apperr.Conflict, "community.leave.last_host"))
			}
		}
		if err := q.RemoveMember(ctx, c.Space.ID, userID); err != nil {
			return err
		}
		return s.recordCommunity(ctx, q, actor, c, VerbRemoved, map[string]any{"member": userID})
	})
}

// SetMemberRole changes a member's role (hosts only).
func (s *Service) SetMemberRole(ctx context.Context, actor *account.User, id, userID int64, role space.MemberRole) error {
	c, a, err := s.community(ctx, actor, id)
	if err != nil {
		return err
	}
	if !a.Host {
		return errForbidden
	}
	if a.Archived {
		return errArchived
	}
	if !community.ValidRole(role) {
		f := apperr.Fields{}
		f.Add("role", "form.invalid_choice")
		return f.Err()
	}
	member, err := s.db.R().UserByID(ctx, userID)
	if err != nil {
		return err
	}
	old, err := s.db.R().MemberRole(ctx, id, userID)
	if err != nil {
		return err
	}
	if old == "" {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		if old == community.RoleHost && role != community.RoleHost {
			if n, err := q.CountMembersWithRole(ctx, c.Space.ID, community.RoleHost); err != nil || n <= 1 {
				return firstErr(err, apperr.New(apperr.Conflict, "community.leave.last_host"))
			}
		}
		if err := q.AddMember(ctx, c.Space.ID, member.ID, role, store.SortKey(member.Name()), s.Now().UnixMilli()); err != nil {
			return err
		}
		return s.recordCommunity(ctx, q, actor, c, VerbRoleChanged, map[string]any{"member": userID, "from": old, "to": role})
	})
}

// CommunityMembers lists one page of members for readers of the community.
func (s *Service) CommunityMembers(ctx context.Context, viewer *account.User, id int64, limit, offset int) ([]store.Member, error) {
	if _, _, err := s.community(ctx, viewer, id); err != nil {
		return nil, err
	}
	return s.db.R().Members(ctx, id, limit, offset)
}

// Invitation lifetimes.
const (
	DefaultInviteDays = 7
	MaxInviteDays     = 90
)

// InviteByName invites named people (usernames); each can then join even a
// by-invitation community. Experts and members may come from any institution.
func (s *Service) InviteByName(ctx context.Context, actor *account.User, id int64, usernames []string, role space.MemberRole) (int, error) {
	c, a, err := s.community(ctx, actor, id)
	if err != nil {
		return 0, err
	}
	if !a.Lead {
		return 0, errForbidden
	}
	if a.Archived {
		return 0, errArchived
	}
	if !community.ValidRole(role) || role == community.RoleHost && !a.Host {
		f := apperr.Fields{}
		f.Add("role", "form.invalid_choice")
		return 0, f.Err()
	}
	var people []*account.User
	f := apperr.Fields{}
	for _, name := range usernames {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		u, err := s.UserByUsername(ctx, name)
		if err != nil {
			f.Add("usernames", "community.invite.unknown_user", "name", name)
			continue
		}
		people = append(people, u)
	}
	if len(people) == 0 && len(f) == 0 {
		f.Add("usernames", "form.required")
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	now := s.Now()
	err = s.db.Tx(ctx, func(q *store.Q) error {
		for _, u := range people {
			inv := &store.Invitation{SpaceID: c.Space.ID, InviterID: actor.ID, InviteeID: u.ID, Role: role,
				ExpiresAt: now.Add(MaxInviteDays * 24 * time.Hour), CreatedAt: now}
			if err := q.CreateInvitation(ctx, inv); err != nil {
				return err
			}
			if err := s.notifyInvitation(ctx, q, actor, u, c); err != nil {
				return err
			}
			if err := s.recordCommunity(ctx, q, actor, c, VerbInvited, map[string]any{"invitee": u.ID, "role": role}); err != nil {
				return err
			}
		}
		return nil
	})
	return len(people), err
}

// CreateInviteLink makes a link anyone signed in can use to join, until it
// expires or is used maxUses times (0 = unlimited). It returns the token.
func (s *Service) CreateInviteLink(ctx context.Context, actor *account.User, id int64, days, maxUses int) (string, error) {
	c, a, err := s.community(ctx, actor, id)
	if err != nil {
		return "", err
	}
	if !a.Lead {
		return "", errForbidden
	}
	if a.Archived {
		return "", errArchived
	}
	f := apperr.Fields{}
	if days < 1 || days > MaxInviteDays {
		f.Add("days", "form.out_of_range", "min", 1, "max", MaxInviteDays)
	}
	if maxUses < 0 || maxUses > 10_000 {
		f.Add("max_uses", "form.out_of_range", "min", 0, "max", 10_000)
	}
	if err := f.Err(); err != nil {
		return "", err
	}
	tok := randomToken(24)
	now := s.Now()
	err = s.db.Tx(ctx, func(q *store.Q) error {
		inv := &store.Invitation{SpaceID: c.Space.ID, InviterID: actor.ID, TokenHash: hashToken(tok), Role: community.RoleMember,
			MaxUses: maxUses, ExpiresAt: now.Add(time.Duration(days) * 24 * time.Hour), CreatedAt: now}
		if err := q.CreateInvitation(ctx, inv); err != nil {
			return err
		}
		return s.recordCommunity(ctx, q, actor, c, VerbInvited, map[string]any{"link": inv.ID})
	})
	return tok, err
}

// AcceptInviteLink joins actor to the link's community.
func (s *Service) AcceptInviteLink(ctx context.Context, actor *account.User, token string) (int64, error) {
	if actor == nil {
		return 0, errUnauthorized
	}
	if len(token) > 64 {
		return 0, apperr.New(apperr.NotFound, "community.invite.invalid")
	}
	inv, err := s.db.R().InvitationByToken(ctx, hashToken(token))
	if err != nil {
		return 0, err
	}
	if inv.RevokedAt != nil || !s.Now().Before(inv.ExpiresAt) {
		return 0, apperr.New(apperr.Conflict, "community.invite.expired")
	}
	c, err := s.db.R().CommunityByID(ctx, inv.SpaceID)
	if err != nil {
		return 0, err
	}
	if c.Status == community.Archived {
		return 0, errArchived
	}
	if role, err := s.db.R().MemberRole(ctx, c.Space.ID, actor.ID); err != nil || role != "" {
		return c.Space.ID, err
	}
	return c.Space.ID, s.db.Tx(ctx, func(q *store.Q) error {
		if ok, err := q.UseInvitation(ctx, inv.ID); err != nil || !ok {
			return firstErr(err, apperr.New(apperr.Conflict, "community.invite.used"))
		}
		return s.addCommunityMember(ctx, q, actor, actor, c, inv.Role, "link")
	})
}
