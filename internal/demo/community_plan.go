package demo

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/space"
)

// Training communities (研修共同体): school-based ones owned by a school
// and hosted by its facilitator or principal, and district-wide ones owned
// by a district, hosted by its administrator with principals or
// facilitators of its schools as co-hosts, with the district's experts
// (教研员) and teachers from several schools. Each community's year: it is
// created, its experts and co-hosts are invited, it opens (planning →
// active), teachers join (openly, by request the host approves, or by
// invitation), members propose themes and discuss them, the host runs one
// approval vote and adopts the winners with a note, and the discussion
// goes on in topics with threaded replies, likes, @mentions and expert
// answers. A few communities end their work and are archived.
//
// Plans hold person indices and Unix-millisecond times; IDs are assigned
// when rows are written, in the order of time, as the services would have.

// The ways a member came in.
const (
	viaCreator uint8 = iota
	viaOpen
	viaInvite
	viaRequest
)

// viaName is how the service's "joined" event names the way in.
var viaName = map[uint8]string{viaOpen: "open", viaInvite: "invitation", viaRequest: "request"}

// commWorld is every community and all that happened in them.
type commWorld struct {
	list      []*commPlan
	members   []memberPlan // each community's run sorted by joining time
	proposals []*proposalPlan
	pcomments []pcommentPlan
	rounds    []*roundPlan
	ballots   []ballotPlan
	boards    []*boardPlan
	topics    []*topicPlan
	replies   []replyPlan // topic by topic, each topic's in posting order
	likes     []likePlan
	big       int32 // the topic made long for the benchmarks, -1 for none
	notified  int   // notifications written
}

type commPlan struct {
	c        *community.Community
	owner    *space.Space
	school   int32 // -1 for a district-wide community
	district int32
	host     int32 // the creator, a host
	focus    string
	subject  string // key, "" for cross-subject
	stage    string
	fixed    string // "a", "b" (school 0), "dw0", "dw1" (district 0) for the demo logins' communities
	// Unix ms: created, opened (planning → active), archived (0: still active).
	created, activated, archived int64
	mlo, mhi                     int32     // members[mlo:mhi]
	cum                          []float64 // cumulative posting weights of members[mlo:mhi]
	proposals                    []int32
	round                        int32
	adoptedAt                    int64
	adopted                      []int32
	boards                       []int32 // named boards
	defBoard                     int32   // the default board, -1 until a topic or board makes it
	topics                       []int32
	seed                         uint64
}

// end is the last moment anything happens in the community.
func (c *commPlan) end(now int64) int64 {
	if c.archived != 0 {
		return c.archived - 60_000
	}
	return now - 60_000
}

type memberPlan struct {
	comm   int32
	person int32
	role   space.MemberRole
	via    uint8
	at     int64 // joined
	asked  int64 // invited or requested; 0 for the creator and open joins
	reqID  int64 // the join request's ID, once written
}

// Purposes of the communities' random sources.
const (
	rngCommunities uint64 = iota + 100
	rngCommunity
	rngThemes
	rngTopics
	rngReplies
	rngReplyText
	rngLikes
	rngNotes
)

func msOf(t time.Time) int64 { return t.UnixMilli() }
func atMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// after returns a moment a while after t (exponential with the mean, out of
// the small hours) and before end; when that falls past end, a moment
// evenly between t and end.
func (w *world) after(r *rand.Rand, t, end int64, mean time.Duration) int64 {
	if end <= t+1 {
		return t
	}
	u, _ := w.cal.later(r, atMS(t), mean)
	v := u.UnixMilli()
	if v <= t {
		v = t + 1
	}
	if v >= end {
		v = t + 1 + int64(r.Float64()*float64(end-t-1))
	}
	return v
}

// between draws a moment in [from, to) following the calendar's rhythm.
func (w *world) between(r *rand.Rand, from, to int64) int64 {
	if to <= from+1 {
		return from
	}
	for range 6 {
		if t := msOf(w.cal.at(r, atMS(from))); t >= from && t < to {
			return t
		}
	}
	return from + int64(r.Float64()*float64(to-from))
}

// planCommunities decides which communities exist, who hosts and joins
// them when, then their themes and discussions.
func (w *world) planCommunities() {
	cw := &w.comm
	cw.big = -1
	if w.size.communities == 0 {
		return
	}
	wide := int(math.Round(float64(w.size.communities) * w.size.districtShare))
	counts := w.schoolCommunityCounts(w.size.communities - wide)
	k := 0
	for di, d := range w.districts {
		n := wide / len(w.districts)
		if di < wide%len(w.districts) {
			n++
		}
		for j := range n {
			w.planDistrictCommunity(w.rng(rngCommunity, uint64(k)), int32(di), j)
			k++
		}
		for _, si := range d.schools {
			for j := range counts[si] {
				w.planSchoolCommunity(w.rng(rngCommunity, uint64(k)), si, j)
				k++
			}
		}
	}
	for ci := range cw.list {
		w.planThemes(int32(ci))
	}
	w.planTopics()
	w.planReplies()
	w.log("planned %d communities, %d memberships, %d topics, %d replies", len(cw.list), len(cw.members),
		len(cw.topics), len(cw.replies))
}

// schoolCommunityCounts shares n communities between the schools by how
// many of their staff use the platform (largest remainders), the first
// school getting at least two for the demo logins.
func (w *world) schoolCommunityCounts(n int) []int {
	active := make([]float64, len(w.schools))
	sum := 0.0
	for i, s := range w.schools {
		if s.active != nil && len(s.active.items) >= 4 {
			active[i] = float64(len(s.active.items))
			sum += active[i]
		}
	}
	counts := make([]int, len(w.schools))
	if sum == 0 || n <= 0 {
		return counts
	}
	type rem struct {
		i int
		f float64
	}
	var rems []rem
	given := 0
	for i, a := range active {
		x := a * float64(n) / sum
		counts[i] = int(x)
		given += counts[i]
		if a > 0 {
			rems = append(rems, rem{i, x - float64(counts[i])})
		}
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return cmp.Compare(b.f, a.f) })
	for j := 0; given < n && len(rems) > 0; j = (j + 1) % len(rems) {
		counts[rems[j].i]++
		given++
	}
	for counts[0] < 2 && active[0] > 0 {
		big := 0
		for i := range counts {
			if i > 0 && counts[i] > counts[big] || big == 0 {
				big = i
			}
		}
		if big == 0 || counts[big] == 0 {
			break
		}
		counts[big]--
		counts[0]++
	}
	return counts
}

// usesPlatform reports whether a person would be in a community at all.
func usesPlatform(p *person) bool { return p.weight > 0 }

// planSchoolCommunity plans the j-th community of school si: hosted by its
// facilitator (the first) or principal, with colleagues of the focus
// subject and mostly one district expert.
func (w *world) planSchoolCommunity(r *rand.Rand, si int32, j int) {
	s := w.schools[si]
	d := w.districts[s.district]
	cp := &commPlan{owner: s.space, school: si, district: s.district, stage: s.kind.stage, seed: r.Uint64()}
	host := s.admin
	if j%2 == 0 && len(s.staff) > 1 && w.people[s.staff[1]].user.Role == account.Facilitator {
		host = s.staff[1]
	}
	cp.host = host
	// The subject of one of the larger groups, or none for a cross-subject focus.
	switch {
	case si == 0 && j == 0:
		cp.fixed, cp.subject, cp.focus = "a", "chinese", "大单元教学"
	case si == 0 && j == 1:
		cp.fixed, cp.subject, cp.focus = "b", "math", "作业设计"
	case r.IntN(5) == 0:
		cp.focus = pick(r, []string{"跨学科主题学习", "信息技术融合", "课后服务课程", "项目式学习", "课堂观察"})
	default:
		cp.subject = w.people[pick(r, s.staff)].subject()
		cp.focus = w.focusOf(r, cp.subject)
	}
	var candidates []int32
	for _, pi := range s.staff {
		if pi != host && usesPlatform(w.people[pi]) {
			candidates = append(candidates, pi)
		}
	}
	n := 3 + poisson(r, w.size.schoolMembers)
	picked := w.pickMembers(r, candidates, cp.subject, n, w.forced(cp))
	var experts []int32
	if cp.fixed == "a" || r.Float64() < 0.7 {
		experts = append(experts, w.expertFor(r, d, cp.subject, cp.stage))
	}
	tc := newCommText(r, cp.focus, cp.subject, cp.stage)
	tc.school = s.space.Name
	w.finishCommunity(r, cp, tc, schoolCommunityNames, picked, experts, nil, nil)
}

// planDistrictCommunity plans the j-th district-wide community of district
// di, hosted by its administrator with co-hosts from its schools.
func (w *world) planDistrictCommunity(r *rand.Rand, di int32, j int) {
	d := w.districts[di]
	cp := &commPlan{owner: d.space, school: -1, district: di, host: d.admin, seed: r.Uint64()}
	cp.stage = pick(r, stages)
	switch {
	case di == 0 && j == 0:
		cp.fixed, cp.subject, cp.stage, cp.focus = "dw0", "chinese", stagePrimary, "大单元教学"
	case di == 0 && j == 1:
		cp.fixed, cp.subject, cp.stage, cp.focus = "dw1", "", stagePrimary, "跨学科主题学习"
	case r.IntN(4) == 0:
		cp.focus = pick(r, []string{"跨学科主题学习", "信息技术融合", "学业质量评价", "项目式学习", "课堂观察"})
	default:
		cp.subject = subjectShares[cp.stage].pick(r)
		cp.focus = w.focusOf(r, cp.subject)
	}
	var candidates, leads []int32
	for _, si := range d.schools {
		s := w.schools[si]
		if s.kind.stage != cp.stage {
			continue
		}
		for _, pi := range s.staff {
			p := w.people[pi]
			switch {
			case !usesPlatform(p):
			case p.user.Role == account.Teacher:
				candidates = append(candidates, pi)
			case p.fixed == "facilitator" && cp.fixed == "dw0":
				// The demo facilitator helps lead the district's community.
			default:
				leads = append(leads, pi)
			}
		}
	}
	n := 12 + poisson(r, w.size.districtMembers)
	if cp.fixed == "dw0" {
		n = w.size.bigMembers
	}
	picked := w.pickMembers(r, candidates, cp.subject, n, w.forced(cp))
	var cohosts, facilitators []int32
	if len(leads) > 0 && cp.fixed != "dw0" {
		for _, pi := range pickN(r, leads, 1+r.IntN(2)) {
			cohosts = append(cohosts, pi)
		}
	}
	if cp.fixed == "dw0" {
		facilitators = append(facilitators, w.schools[0].staff[1])
		cohosts = append(cohosts, w.schools[0].admin)
	}
	experts := []int32{w.expertFor(r, d, cp.subject, cp.stage)}
	if r.IntN(3) == 0 && len(d.experts) > 1 {
		if e := pick(r, d.experts); e != experts[0] {
			experts = append(experts, e)
		}
	}
	tc := newCommText(r, cp.focus, cp.subject, cp.stage)
	tc.district = w.districtLabel(di)
	w.finishCommunity(r, cp, tc, districtCommunityNames, picked, experts, cohosts, facilitators)
}

// focusOf picks a focus that suits a subject.
func (w *world) focusOf(r *rand.Rand, subject string) string {
	if fs := focusFor[subject]; len(fs) > 0 && r.IntN(4) > 0 {
		return pick(r, fs)
	}
	return pick(r, focuses)
}

// expertFor picks the district expert closest to a subject and stage.
func (w *world) expertFor(r *rand.Rand, d *district, subject, stage string) int32 {
	best, score := d.experts[0], -1
	for _, e := range d.experts {
		p := w.people[e]
		s := r.IntN(2)
		if subject != "" && p.subject() == subject {
			s += 4
		}
		if p.user.GradeBand == stage {
			s += 2
		}
		if s > score {
			best, score = e, s
		}
	}
	return best
}

// forced are the demo logins a fixed community must have as members.
func (w *world) forced(cp *commPlan) []int32 {
	s0 := w.schools[0]
	switch cp.fixed {
	case "a":
		return []int32{s0.staff[2]} // teacher
	case "b":
		return []int32{s0.staff[3]} // teacher2
	case "dw0":
		return []int32{s0.staff[2]}
	case "dw1":
		return []int32{s0.staff[3]}
	}
	return nil
}

// pickMembers chooses n people, mostly teachers of the focus subject and
// more often the more active, the forced ones first.
func (w *world) pickMembers(r *rand.Rand, candidates []int32, subject string, n int, forced []int32) []int32 {
	type scored struct {
		pi int32
		s  float64
	}
	list := make([]scored, 0, len(candidates))
	for _, pi := range candidates {
		p := w.people[pi]
		if slices.Contains(forced, pi) || p.fixed != "" {
			continue // the demo logins belong where forced says, nowhere else
		}
		s := (0.5 + min(p.weight, 5)/5) * r.Float64()
		if subject != "" && !slices.Contains(p.user.Subjects, subject) {
			s *= 0.2
		}
		list = append(list, scored{pi, s})
	}
	slices.SortFunc(list, func(a, b scored) int { return cmp.Or(cmp.Compare(b.s, a.s), cmp.Compare(a.pi, b.pi)) })
	out := append([]int32(nil), forced...)
	for _, x := range list {
		if len(out) >= n {
			break
		}
		out = append(out, x.pi)
	}
	return out
}
