package service

import (
	"context"
	"strings"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/space"
)

// The permission rules of the foundation, in one place:
//   - a platform admin manages everything;
//   - a district or school admin manages the subtree of their home institution
//     (institutions, people, announcements, roster imports);
//   - everyone else manages only their own personal space;
//   - content marked "institution" is visible to people of the author's school
//     (its whole subtree, so teaching-research groups included) and to the
//     admins who manage it.

var errForbidden = apperr.New(apperr.Forbidden, "error.forbidden")
var errUnauthorized = apperr.New(apperr.Unauthorized, "error.unauthorized")

// manages reports whether actor administers the institution or space at path.
func (s *Service) manages(ctx context.Context, actor *account.User, path string) (bool, error) {
	if actor == nil {
		return false, nil
	}
	if actor.Role == account.Admin {
		return true, nil
	}
	if !actor.Role.ManagesInstitutions() || actor.InstitutionID == 0 || path == "" {
		return false, nil
	}
	home, err := s.spaces.get(ctx, actor.InstitutionID)
	if err != nil {
		return false, err
	}
	return strings.HasPrefix(path, home.Path), nil
}

// requireManage fails with Forbidden unless actor manages path.
func (s *Service) requireManage(ctx context.Context, actor *account.User, path string) error {
	if actor == nil {
		return errUnauthorized
	}
	ok, err := s.manages(ctx, actor, path)
	if err != nil {
		return err
	}
	if !ok {
		return errForbidden
	}
	return nil
}

// schoolPath returns the path of the school an institution belongs to: the
// institution itself for a school, its school ancestor for a group, and its
// own path above school level.
func (s *Service) schoolPath(ctx context.Context, institutionID int64) (string, error) {
	if institutionID == 0 {
		return "", nil
	}
	ref, err := s.spaces.get(ctx, institutionID)
	if err != nil {
		return "", err
	}
	if ref.Level != space.Group {
		return ref.Path, nil
	}
	ids, err := space.AncestorIDs(ref.Path)
	if err != nil {
		return "", err
	}
	for i := len(ids) - 2; i >= 0; i-- {
		anc, err := s.spaces.get(ctx, ids[i])
		if err != nil {
			return "", err
		}
		if anc.Level == space.School {
			return anc.Path, nil
		}
	}
	return ref.Path, nil
}

// sameSchool reports whether viewer belongs to the school of someone whose
// home institution is institutionID, or manages it.
func (s *Service) sameSchool(ctx context.Context, viewer *account.User, institutionID int64) (bool, error) {
	if viewer == nil || institutionID == 0 {
		return false, nil
	}
	sp, err := s.schoolPath(ctx, institutionID)
	if err != nil {
		return false, err
	}
	if viewer.InstitutionID != 0 {
		vref, err := s.spaces.get(ctx, viewer.InstitutionID)
		if err != nil {
			return false, err
		}
		if strings.HasPrefix(vref.Path, sp) {
			return true, nil
		}
	}
	return s.manages(ctx, viewer, sp)
}

// visibleTo returns the visibilities of an author's content that viewer may see.
func (s *Service) visibleTo(ctx context.Context, viewer, author *account.User) ([]space.Visibility, error) {
	if viewer != nil && viewer.ID == author.ID {
		return space.Visibilities, nil
	}
	ok, err := s.sameSchool(ctx, viewer, author.InstitutionID)
	if err != nil {
		return nil, err
	}
	if ok {
		return []space.Visibility{space.Public, space.InstitutionOnly}, nil
	}
	return []space.Visibility{space.Public}, nil
}

// canAssignRole reports whether actor may give role to someone: nobody hands
// out more power than they hold.
func canAssignRole(actor *account.User, role account.Role) bool {
	if actor == nil { // the command line, run by the server's operator
		return true
	}
	switch actor.Role {
	case account.Admin:
		return true
	case account.DistrictAdmin:
		return role != account.Admin
	case account.SchoolAdmin:
		return role != account.Admin && role != account.DistrictAdmin
	}
	return false
}
