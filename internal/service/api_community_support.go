package service

import (
	"context"

	"github.com/yanxiu/yanxiu/internal/account"
)

// Round returns one voting round as viewer may see it, with the same rules
// as Rounds (tallies only when the results are visible, voters' names only
// for named rounds). The JSON API answers opening a round and casting a
// ballot with the round itself, which Rounds, a listing of the latest
// rounds, cannot promise to contain.
func (s *Service) Round(ctx context.Context, viewer *account.User, id int64) (RoundView, error) {
	r, err := s.db.R().RoundByID(ctx, id)
	if err != nil {
		return RoundView{}, err
	}
	if _, _, err := s.community(ctx, viewer, r.SpaceID); err != nil {
		return RoundView{}, err
	}
	return s.roundView(ctx, viewer, r)
}
