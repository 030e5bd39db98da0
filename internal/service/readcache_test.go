package service_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestCommunitiesUnderMatchQuery checks the institution and member listings served from
// the read cache and filtered per viewer against the store's query that
// decides visibility in SQL, for every kind of viewer, subtree and page,
// and that a change shows on the next listing.
func TestCommunitiesUnderMatchQuery(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		var private *community.Community
		for _, inst := range []*space.Space{w.school, w.group, w.other} {
			host := w.schoolAdm
			if inst == w.other {
				host = w.districtAdm
			}
			for _, vis := range space.Visibilities {
				c := newCommunity(t, w, host, inst.ID, community.ByInvite, vis)
				if vis == space.Private && inst == w.school {
					private = c
				}
			}
		}
		if _, err := w.svc.InviteByName(ctx, w.schoolAdm, private.Space.ID, []string{"stranger"}, community.RoleMember); err != nil {
			t.Fatal(err)
		}
		if joined, err := w.svc.Join(ctx, w.stranger, private.Space.ID, ""); err != nil || !joined {
			t.Fatalf("join: %v %v", joined, err)
		}
		listed := func(cs []*community.Community, total int) string {
			s := fmt.Sprint(total, ":")
			for _, c := range cs {
				s += fmt.Sprint(" ", c.Space.ID, c.Space.Name != "", c.Institution != "")
			}
			return s
		}
		check := func() {
			t.Helper()
			for _, viewer := range []*account.User{nil, w.teacher, w.groupMember, w.stranger} {
				f := store.CommunityFilter{}
				if viewer != nil {
					f.ViewerID = viewer.ID
					home, err := db.R().SpaceByID(ctx, viewer.InstitutionID)
					if err != nil {
						t.Fatal(err)
					}
					f.ViewerPaths = []string{home.Path}
				}
				compare := func(what string, sel store.CommunityFilter) {
					t.Helper()
					for _, pg := range [][2]int{{10, 0}, {2, 1}, {3, 8}} {
						sel.Limit, sel.Offset = pg[0], pg[1]
						cs, total, err := w.svc.Communities(ctx, viewer, sel)
						if err != nil {
							t.Fatal(err)
						}
						f.InstitutionPath, f.MemberID, f.Limit, f.Offset = sel.InstitutionPath, sel.MemberID, pg[0], pg[1]
						want, wantTotal, err := db.R().Communities(ctx, f)
						if err != nil {
							t.Fatal(err)
						}
						if got, want := listed(cs, total), listed(want, wantTotal); got != want {
							t.Errorf("viewer %v, %s, page %v: %s, query says %s", viewer != nil, what, pg, got, want)
						}
					}
				}
				for _, inst := range []*space.Space{w.district, w.school, w.group, w.other} {
					compare(inst.Name, store.CommunityFilter{InstitutionPath: inst.Path})
				}
				// A person's communities, as their personal space lists them.
				for _, member := range []*account.User{w.teacher, w.stranger, w.schoolAdm, w.districtAdm} {
					compare("communities of "+member.Username, store.CommunityFilter{MemberID: member.ID})
				}
			}
		}
		check()
		// A new community, a new member and a community made public show at once.
		newCommunity(t, w, w.schoolAdm, w.group.ID, community.Open, space.Public)
		if joined, err := w.svc.Join(ctx, w.teacher, private.Space.ID, ""); err == nil && joined {
			t.Fatal("joined an invitation-only community uninvited")
		}
		if _, err := w.svc.InviteByName(ctx, w.schoolAdm, private.Space.ID, []string{"teacher"}, community.RoleMember); err != nil {
			t.Fatal(err)
		}
		if joined, err := w.svc.Join(ctx, w.teacher, private.Space.ID, ""); err != nil || !joined {
			t.Fatalf("join: %v %v", joined, err)
		}
		check()
	})
}
