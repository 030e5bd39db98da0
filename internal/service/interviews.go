package service

import (
	"context"
	"slices"
	"strings"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/interview"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Interview research: projects and their teams. The permission rules, in
// one place:
//   - researchers (facilitators, experts and administrators) start
//     projects and own what they start;
//   - the owner invites co-researchers by username, whatever their role:
//     a teacher on the team codes like anyone else;
//   - only the team sees a project: to everyone else, administrators
//     included, it does not exist (404), because interview data are
//     confidential to the research team;
//   - members write outlines, records, codes and segments; what someone
//     else made is removed only by its maker or the owner;
//   - the owner alone edits or deletes the project and manages the team.
//
// Events are recorded without a space (interviews live in none), so no
// stream shows them to anyone but their actor.

// Interview event objects and verbs.
const (
	ObjInterviewProject            = "interview_project"
	ObjInterviewOutline            = "interview_outline"
	ObjInterviewRecord             = "interview_record"
	ObjInterviewCode               = "interview_code"
	ObjInterviewSegment            = "interview_segment"
	VerbMerged          event.Verb = "merged"
	// VerbMemberAdded: the owner adds a co-researcher, who is on the team
	// at once (unlike a community invitation, which waits for an answer).
	VerbMemberAdded event.Verb = "member_added"
)

// InterviewAccess is what one person may do in one project.
type InterviewAccess struct {
	Role  interview.Role
	Owner bool
}

// Removes reports whether the person may remove something made by maker.
func (a InterviewAccess) Removes(viewerID, maker int64) bool { return a.Owner || viewerID == maker }

var errInterviewNotFound = apperr.New(apperr.NotFound, "error.not_found")

// MayStartInterviews reports whether u may start interview projects:
// everyone but teachers, who join projects by invitation.
func MayStartInterviews(u *account.User) bool {
	return u != nil && u.Role != account.Teacher && !u.Disabled
}

// interviewProject loads a project and the viewer's access, failing with
// NotFound unless the viewer is on its team.
func (s *Service) interviewProject(ctx context.Context, q *store.Q, viewer *account.User, id int64) (*interview.Project, InterviewAccess, error) {
	if viewer == nil {
		return nil, InterviewAccess{}, errUnauthorized
	}
	role, err := q.InterviewMemberRole(ctx, id, viewer.ID)
	if err != nil {
		return nil, InterviewAccess{}, err
	}
	if role == "" {
		return nil, InterviewAccess{}, errInterviewNotFound
	}
	p, err := q.InterviewProjectByID(ctx, id)
	if err != nil {
		return nil, InterviewAccess{}, err
	}
	return p, InterviewAccess{Role: role, Owner: role == interview.RoleOwner}, nil
}

// interviewEvent records a change in a project inside its transaction and
// marks the project as recently worked on.
func (s *Service) interviewEvent(ctx context.Context, q *store.Q, actor *account.User, p *interview.Project, verb event.Verb,
	obj string, id int64, details map[string]any) error {
	if details == nil {
		details = map[string]any{}
	}
	if obj != ObjInterviewProject {
		details["project_id"] = p.ID
	}
	now := s.Now()
	if verb != event.Deleted || obj != ObjInterviewProject {
		if err := q.TouchInterviewProject(ctx, p.ID, now.UnixMilli()); err != nil {
			return err
		}
	}
	return s.record(ctx, q, event.Event{ActorID: actor.ID, Verb: verb, ObjectType: obj, ObjectID: id, At: now,
		InstitutionID: p.InstitutionID}, details)
}

// CreateInterviewProject starts a project owned by actor, in their institution.
func (s *Service) CreateInterviewProject(ctx context.Context, actor *account.User, in interview.ProjectInput) (*interview.Project, error) {
	if actor == nil {
		return nil, errUnauthorized
	}
	if !MayStartInterviews(actor) {
		return nil, errForbidden
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	now := s.Now()
	p := &interview.Project{OwnerID: actor.ID, OwnerName: actor.Name(), InstitutionID: actor.InstitutionID, Title: in.Title,
		Description: in.Description, CreatedAt: now, UpdatedAt: now}
	err := s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.CreateInterviewProject(ctx, p); err != nil {
			return err
		}
		if err := q.AddInterviewMember(ctx, p.ID, actor.ID, interview.RoleOwner, now.UnixMilli()); err != nil {
			return err
		}
		return s.interviewEvent(ctx, q, actor, p, event.Created, ObjInterviewProject, p.ID, map[string]any{"title": p.Title})
	})
	if err != nil {
		return nil, err
	}
	return s.db.R().InterviewProjectByID(ctx, p.ID)
}

// InterviewProjects lists the projects viewer is on the team of.
func (s *Service) InterviewProjects(ctx context.Context, viewer *account.User, limit, offset int) ([]*interview.Project, int, error) {
	if viewer == nil {
		return nil, 0, errUnauthorized
	}
	return s.db.R().InterviewProjectsOf(ctx, viewer.ID, limit, offset)
}

// InterviewProject returns a project on the viewer's team, with their access.
func (s *Service) InterviewProject(ctx context.Context, viewer *account.User, id int64) (*interview.Project, InterviewAccess, error) {
	return s.interviewProject(ctx, s.db.R(), viewer, id)
}

// UpdateInterviewProject changes a project's title and description (owner only).
func (s *Service) UpdateInterviewProject(ctx context.Context, actor *account.User, id int64, in interview.ProjectInput) (*interview.Project, error) {
	p, a, err := s.interviewProject(ctx, s.db.R(), actor, id)
	if err != nil {
		return nil, err
	}
	if !a.Owner {
		return nil, errForbidden
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	p.Title, p.Description, p.UpdatedAt = in.Title, in.Description, s.Now()
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.UpdateInterviewProject(ctx, p); err != nil {
			return err
		}
		return s.interviewEvent(ctx, q, actor, p, event.Updated, ObjInterviewProject, p.ID, map[string]any{"title": p.Title})
	})
	return p, err
}

// DeleteInterviewProject removes a project with all its outlines, records,
// codes and segments (owner only). Recordings stay in the blob store,
// which is shared by content.
func (s *Service) DeleteInterviewProject(ctx context.Context, actor *account.User, id int64) error {
	p, a, err := s.interviewProject(ctx, s.db.R(), actor, id)
	if err != nil {
		return err
	}
	if !a.Owner {
		return errForbidden
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.DeleteInterviewProject(ctx, p.ID); err != nil {
			return err
		}
		return s.interviewEvent(ctx, q, actor, p, event.Deleted, ObjInterviewProject, p.ID, map[string]any{"title": p.Title})
	})
}

// InterviewMembers lists a project's team.
func (s *Service) InterviewMembers(ctx context.Context, viewer *account.User, id int64) ([]interview.Member, error) {
	if _, _, err := s.interviewProject(ctx, s.db.R(), viewer, id); err != nil {
		return nil, err
	}
	return s.db.R().InterviewMembers(ctx, id)
}

// InviteInterviewMembers adds co-researchers by username (owner only). Every
// name must belong to an active account not yet on the team; otherwise
// nobody is added and the "usernames" field says which name failed.
func (s *Service) InviteInterviewMembers(ctx context.Context, actor *account.User, id int64, usernames []string) ([]*account.User, error) {
	p, a, err := s.interviewProject(ctx, s.db.R(), actor, id)
	if err != nil {
		return nil, err
	}
	if !a.Owner {
		return nil, errForbidden
	}
	f := apperr.Fields{}
	var names []string
	for _, n := range usernames {
		for part := range strings.FieldsFuncSeq(n, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' || r == '\n' }) {
			if part = strings.TrimPrefix(account.NormalizeUsername(part), "@"); part != "" && !slices.Contains(names, part) {
				names = append(names, part)
			}
		}
	}
	switch {
	case len(names) == 0:
		f.Add("usernames", "form.required")
	case len(names) > interview.MaxInvite:
		f.Add("usernames", "interview.error.too_many_invites", "max", interview.MaxInvite)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var added []*account.User
	for _, n := range names {
		u, err := s.UserByUsername(ctx, n)
		if apperr.Is(err, apperr.NotFound) || err == nil && u.Disabled {
			f.Add("usernames", "interview.error.unknown_user", "name", n)
			return nil, f.Err()
		}
		if err != nil {
			return nil, err
		}
		added = append(added, u)
	}
	now := s.Now()
	err = s.db.Tx(ctx, func(q *store.Q) error {
		n, err := q.CountInterviewMembers(ctx, p.ID)
		if err != nil {
			return err
		}
		if n+len(added) > interview.MaxMembers {
			f.Add("usernames", "interview.error.too_many_members", "max", interview.MaxMembers)
			return f.Err()
		}
		for _, u := range added {
			err := q.AddInterviewMember(ctx, p.ID, u.ID, interview.RoleCoder, now.UnixMilli())
			if apperr.Is(err, apperr.Conflict) {
				f.Add("usernames", "interview.error.already_member_named", "name", u.Username)
				return f.Err()
			}
			if err != nil {
				return err
			}
			if err := s.interviewEvent(ctx, q, actor, p, VerbMemberAdded, ObjInterviewProject, p.ID,
				map[string]any{"member": u.ID, "title": p.Title}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return added, nil
}

// RemoveInterviewMember takes a co-researcher off the team: the owner may
// remove anyone but themselves, a co-researcher only themselves (leaving).
// What they coded stays, under their name.
func (s *Service) RemoveInterviewMember(ctx context.Context, actor *account.User, id, userID int64) error {
	p, a, err := s.interviewProject(ctx, s.db.R(), actor, id)
	if err != nil {
		return err
	}
	if !a.Owner && actor.ID != userID {
		return errForbidden
	}
	if a.Owner && actor.ID == userID {
		return apperr.New(apperr.Conflict, "interview.error.owner_cannot_leave")
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		ok, err := q.RemoveInterviewMember(ctx, p.ID, userID)
		if err != nil {
			return err
		}
		if !ok {
			return errInterviewNotFound
		}
		verb := VerbRemoved
		if actor.ID == userID {
			verb = VerbLeft
		}
		return s.interviewEvent(ctx, q, actor, p, verb, ObjInterviewProject, p.ID, map[string]any{"member": userID, "title": p.Title})
	})
}
