package demo

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/space"
)

const (
	minute = int64(time.Minute / time.Millisecond)
	hour   = int64(time.Hour / time.Millisecond)
	day    = 24 * hour
)

// lastStart is how long before "today" a community must have been created
// for its one voting round to be over and decided.
const lastStart = 60 * day

// finishCommunity settles a community's settings, its dates and its members:
// the creator, the experts, co-hosts and facilitators the creator invites,
// and the picked teachers joining as the join policy lets them.
func (w *world) finishCommunity(r *rand.Rand, cp *commPlan, tc commText, names []string, picked, experts, cohosts, facilitators []int32) {
	cw := &w.comm
	now := msOf(w.cal.now)
	latest := now - lastStart
	from := max(msOf(cp.owner.CreatedAt), msOf(w.people[cp.host].user.CreatedAt)) + hour
	switch {
	case latest <= from:
		cp.created = from
	case cp.fixed != "":
		// The demo logins' communities start with the autumn term.
		cp.created = msOf(w.termStart(r, atMS(from)))
		if cp.created > latest || cp.created < from {
			cp.created = from + (latest-from)/20
		}
	default:
		cp.created = w.between(r, from, latest)
	}
	if cp.fixed == "" && r.Float64() < w.size.archivedShare {
		if a := cp.created + int64(150+r.IntN(60))*day; a < now-14*day {
			cp.archived = a
		}
	}
	end := cp.end(now)

	// Name, purpose and settings.
	if cp.subject == "" {
		tc.subject = ""
		if cp.school >= 0 {
			names = schoolCommunityNamesMixed
		} else {
			names = districtCommunityNamesMixed
		}
	}
	name := tc.fill(names[0])
	if cp.fixed == "" {
		name = tc.fill(pick(r, names))
	}
	if utf8.RuneCountInString(name) > community.MaxName {
		name = string([]rune(name)[:community.MaxName])
	}
	var purpose strings.Builder
	for _, s := range pickOrdered(r, purposeSentences, 2+r.IntN(2)) {
		purpose.WriteString(tc.fill(s))
	}
	vis := space.Public
	if cp.fixed == "" {
		switch x := r.Float64(); {
		case x < 0.3:
			vis = space.InstitutionOnly
		case x < 0.35:
			vis = space.Private
		}
	}
	policy := community.Open
	switch cp.fixed {
	case "b", "dw0":
		policy = community.ByRequest
	case "":
		x := r.Float64()
		if cp.school >= 0 {
			switch {
			case x < 0.3:
				policy = community.ByRequest
			case x < 0.45:
				policy = community.ByInvite
			}
		} else if x < 0.65 {
			policy = community.ByRequest
		}
	}
	cp.c = &community.Community{
		Space: &space.Space{Kind: space.Community, Name: name, Visibility: vis,
			Modules: space.DefaultModules(space.Community), CreatedAt: atMS(cp.created)},
		Purpose: purpose.String(), Subject: cp.subject, GradeBand: cp.stage, Status: community.Active, JoinPolicy: policy,
	}
	if cp.archived != 0 {
		cp.c.Status = community.Archived
	}

	// Members: the creator, those invited with a role, then the teachers.
	ms := []memberPlan{{person: cp.host, role: community.RoleHost, via: viaCreator, at: cp.created}}
	in := map[int32]bool{cp.host: true}
	lastInvited := cp.created
	invite := func(pi int32, role space.MemberRole) {
		if in[pi] {
			return
		}
		in[pi] = true
		asked := w.after(r, max(cp.created, msOf(w.people[pi].user.CreatedAt)+minute), end, 10*time.Hour)
		at := w.after(r, asked, end, 8*time.Hour)
		ms = append(ms, memberPlan{person: pi, role: role, via: viaInvite, at: at, asked: asked})
		lastInvited = max(lastInvited, at)
	}
	for _, pi := range cohosts {
		invite(pi, community.RoleHost)
	}
	for _, pi := range facilitators {
		invite(pi, community.RoleFacilitator)
	}
	for _, pi := range experts {
		invite(pi, community.RoleExpert)
	}
	cp.activated = w.after(r, lastInvited, end, 30*time.Hour)
	forced := w.forced(cp)
	for _, pi := range picked {
		if in[pi] {
			continue
		}
		t0 := max(cp.created, msOf(w.people[pi].user.CreatedAt)+minute)
		if t0 >= end-day {
			continue // arrived too late to join before the community's work ended
		}
		in[pi] = true
		var asked int64
		switch {
		case slices.Contains(forced, pi):
			asked = w.after(r, t0, end, 20*time.Hour)
		case r.Float64() < 0.8:
			asked = w.after(r, t0, end, 5*24*time.Hour)
		default:
			asked = w.between(r, t0, end-day)
		}
		m := memberPlan{person: pi, role: community.RoleMember, asked: asked}
		switch policy {
		case community.Open:
			m.via, m.at, m.asked = viaOpen, asked, 0
		case community.ByRequest:
			m.via, m.at = viaRequest, w.after(r, asked, end, 20*time.Hour)
		default:
			m.via, m.at = viaInvite, w.after(r, asked, end, 12*time.Hour)
		}
		ms = append(ms, m)
	}
	slices.SortStableFunc(ms[1:], func(a, b memberPlan) int { return cmp.Compare(a.at, b.at) })
	if cp.fixed == "" && r.IntN(5) == 0 {
		cp.c.MemberCap = (len(ms)/10 + 2) * 10
	}
	ci := int32(len(cw.list))
	cp.mlo = int32(len(cw.members))
	cp.cum = make([]float64, len(ms))
	sum := 0.0
	for i := range ms {
		ms[i].comm = ci
		wt := w.people[ms[i].person].weight
		switch ms[i].role {
		case community.RoleHost:
			wt *= 2
		case community.RoleFacilitator:
			wt *= 1.5
		case community.RoleExpert:
			wt *= 0.6
		}
		sum += max(wt, 0.05)
		cp.cum[i] = sum
	}
	cw.members = append(cw.members, ms...)
	cp.mhi = int32(len(cw.members))
	cp.round, cp.defBoard = -1, -1
	starts := dayStart(cp.activated)
	ends := w.yearEnd()
	if cp.archived != 0 {
		ends = dayStart(cp.archived)
	}
	cp.c.StartsOn, cp.c.EndsOn = &starts, &ends
	cw.list = append(cw.list, cp)
}

// dayStart is midnight (China time) of the day of a Unix-ms moment, as the
// community form stores dates.
func dayStart(v int64) time.Time {
	t := atMS(v).In(cst)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, cst).UTC()
}

// yearEnd is the end of the school year "today" falls in: 10 July.
func (w *world) yearEnd() time.Time {
	now := w.cal.now.In(cst)
	y := now.Year()
	if now.Month() > time.July || now.Month() == time.July && now.Day() > 10 {
		y++
	}
	return time.Date(y, time.July, 10, 0, 0, 0, 0, cst).UTC()
}

// membersOf returns a community's memberships, in joining order.
func (cw *commWorld) membersOf(cp *commPlan) []memberPlan { return cw.members[cp.mlo:cp.mhi] }

// joinedBy counts the members of a community who had joined by t.
func (cw *commWorld) joinedBy(cp *commPlan, t int64) int {
	ms := cw.membersOf(cp)
	return sort.Search(len(ms), func(i int) bool { return ms[i].at > t })
}

// poster picks a member who had joined by t, more often the more active;
// the creator always has.
func (cw *commWorld) poster(r *rand.Rand, cp *commPlan, t int64) int32 {
	k := max(1, cw.joinedBy(cp, t))
	x := r.Float64() * cp.cum[k-1]
	i := min(sort.SearchFloat64s(cp.cum[:k], x), k-1)
	return cw.members[int(cp.mlo)+i].person
}

// memberAt returns a uniformly drawn member who had joined by t.
func (cw *commWorld) memberAt(r *rand.Rand, cp *commPlan, t int64) int32 {
	k := max(1, cw.joinedBy(cp, t))
	return cw.members[int(cp.mlo)+r.IntN(k)].person
}

// memberOf returns the membership of a person in a community.
func (cw *commWorld) memberOf(cp *commPlan, pi int32) (memberPlan, bool) {
	for _, m := range cw.membersOf(cp) {
		if m.person == pi {
			return m, true
		}
	}
	return memberPlan{}, false
}
