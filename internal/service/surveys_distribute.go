package service

import (
	"context"
	"crypto/rand"
	"encoding/base64"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/survey"
)

// Distributing questionnaires: to communities the manager hosts,
// institutions they administer (with their subtrees), or by link.

// maxDistributionTargets bounds the institutions the distribution form lists.
const maxDistributionTargets = 1000

// DistributionTargets are what a manager may distribute to.
type DistributionTargets struct {
	Communities  []*community.Community // the communities the actor hosts
	Institutions []*space.Space         // the actor's administered subtree, in tree order
}

// SurveyDistributionTargets lists the communities and institutions actor
// may distribute questionnaires to, for the distribution form.
func (s *Service) SurveyDistributionTargets(ctx context.Context, actor *account.User) (*DistributionTargets, error) {
	if actor == nil {
		return nil, errUnauthorized
	}
	out := &DistributionTargets{}
	cs, _, err := s.db.R().Communities(ctx, store.CommunityFilter{MemberID: actor.ID, ViewerID: actor.ID, Limit: 200})
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		a, err := s.access(ctx, actor, c)
		if err != nil {
			return nil, err
		}
		if a.Host && !a.Archived {
			out.Communities = append(out.Communities, c)
		}
	}
	// The whole administered subtree (in tree order), not only the home
	// institution and its children: a district administrator can send a
	// questionnaire to one school, or to one group inside a school.
	f := store.InstitutionFilter{Limit: maxDistributionTargets}
	if actor.Role == account.Admin && actor.InstitutionID == 0 {
		// every institution
	} else if actor.Role.ManagesInstitutions() && actor.InstitutionID != 0 {
		home, err := s.institution(ctx, actor.InstitutionID)
		if err != nil {
			return nil, err
		}
		f.UnderPath = home.Path
	} else {
		return out, nil
	}
	insts, _, err := s.db.R().ListInstitutions(ctx, f)
	if err != nil {
		return nil, err
	}
	out.Institutions = insts
	return out, nil
}

// DistributeSurvey makes a questionnaire answerable by a community the
// actor hosts, an institution (with its subtree) the actor administers, or
// by link; for a link it returns the token, shown this once.
func (s *Service) DistributeSurvey(ctx context.Context, actor *account.User, id int64, kind survey.TargetKind, targetID int64) (string, error) {
	sv, err := s.managedSurvey(ctx, actor, id)
	if err != nil {
		return "", err
	}
	if sv.Status == survey.Closed {
		return "", apperr.New(apperr.Conflict, "survey.error.closed")
	}
	f := apperr.Fields{}
	d := &survey.Distribution{SurveyID: sv.ID, Kind: kind, CreatedBy: actor.ID, CreatedAt: s.Now()}
	details := map[string]any{"kind": string(kind)}
	var token string
	switch kind {
	case survey.TargetCommunity:
		c, a, err := s.community(ctx, actor, targetID)
		if apperr.Is(err, apperr.NotFound) {
			f.Add("target", "form.invalid_choice")
			return "", f.Err()
		}
		if err != nil {
			return "", err
		}
		if !a.Host || a.Archived {
			return "", apperr.New(apperr.Forbidden, "survey.error.not_your_community")
		}
		d.TargetID, details["target"] = c.Space.ID, c.Space.Name
	case survey.TargetInstitution:
		inst, err := s.institution(ctx, targetID)
		if apperr.Is(err, apperr.NotFound) {
			f.Add("target", "form.invalid_choice")
			return "", f.Err()
		}
		if err != nil {
			return "", err
		}
		if ok, err := s.manages(ctx, actor, inst.Path); err != nil {
			return "", err
		} else if !ok {
			return "", apperr.New(apperr.Forbidden, "survey.error.not_your_institution")
		}
		d.TargetID, details["target"] = inst.ID, inst.Name
	case survey.TargetLink:
		b := make([]byte, 24)
		rand.Read(b)
		token = base64.RawURLEncoding.EncodeToString(b)
		d.TokenHash = hashSurveyToken(token)
	default:
		f.Add("kind", "form.invalid_choice")
		return "", f.Err()
	}
	existing, err := s.db.R().SurveyDistributions(ctx, sv.ID)
	if err != nil {
		return "", err
	}
	if len(existing) >= survey.MaxDistributions {
		return "", apperr.New(apperr.Conflict, "survey.error.too_many_distributions")
	}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.AddSurveyDistribution(ctx, d); err != nil {
			return err
		}
		return s.recordSurvey(ctx, q, actor, sv, VerbDistributed, details)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// RevokeSurveyDistribution stops a distribution; answers already given stay.
func (s *Service) RevokeSurveyDistribution(ctx context.Context, actor *account.User, id, distributionID int64) error {
	sv, err := s.managedSurvey(ctx, actor, id)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.RevokeSurveyDistribution(ctx, sv.ID, distributionID, s.Now()); err != nil {
			return err
		}
		return s.recordSurvey(ctx, q, actor, sv, VerbDistributionRevoked, map[string]any{"distribution": distributionID})
	})
}
