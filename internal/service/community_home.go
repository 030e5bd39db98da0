package service

import (
	"context"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/briefing"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/store"
)

// CommunityHome is what a community's home page shows.
type CommunityHome struct {
	Community *community.Community
	Access    Access
	// Members, Themes and Briefings are shared through the read cache:
	// read-only. Shared numbers their read (see readCache.readID).
	Shared    uint64
	Members   []store.Member
	Themes    []*community.Proposal // adopted, current
	Briefings []*briefing.Briefing  // the latest published
	Requests  []*store.JoinRequest  // pending, for leads
	MyRequest *store.JoinRequest    // the viewer's pending request, if any
}

// communityHomeKey names the parts of a community's home page that every
// viewer sees alike (members, current themes, latest briefings), which
// come from the read cache; communityHomeTables are what they are read
// from.
type communityHomeKey struct {
	id                       int64
	limit, offset, briefings int
}

var communityHomeTables = []string{"space_members", "users", "theme_proposals", "briefings"}

// CommunityHome loads a community's home page for viewer: the community and
// the viewer's access are read and checked once, then each part is read
// straight from the store. (Asking CommunityMembers, CurrentThemes and
// LatestBriefings in turn checked access four times; profiles of the home
// page under load put a sixth of its CPU there.)
func (s *Service) CommunityHome(ctx context.Context, viewer *account.User, id int64, memberLimit, memberOffset, briefings int) (*CommunityHome, error) {
	c, a, err := s.community(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	r := s.db.R()
	h := &CommunityHome{Community: c, Access: a}
	shared, err := cachedRead(ctx, s.reads, communityHomeKey{id, memberLimit, memberOffset, briefings}, communityHomeTables,
		func(ctx context.Context) (*CommunityHome, error) {
			h := &CommunityHome{Shared: s.reads.readID()}
			var err error
			if h.Members, err = r.Members(ctx, id, memberLimit, memberOffset); err != nil {
				return nil, err
			}
			if h.Themes, err = r.Proposals(ctx, id, community.Adopted); err != nil {
				return nil, err
			}
			if h.Briefings, _, err = r.Briefings(ctx, id, briefing.Published, briefings, 0); err != nil {
				return nil, err
			}
			return h, nil
		})
	if err != nil {
		return nil, err
	}
	h.Shared, h.Members, h.Themes, h.Briefings = shared.Shared, shared.Members, shared.Themes, shared.Briefings
	if a.Lead {
		if h.Requests, err = r.PendingRequests(ctx, id); err != nil {
			return nil, err
		}
	}
	if a.Role == "" && viewer != nil {
		if h.MyRequest, err = r.PendingRequestOf(ctx, id, viewer.ID); err != nil {
			return nil, err
		}
	}
	return h, nil
}
