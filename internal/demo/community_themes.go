package demo

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// Theme negotiation: members propose themes from their practice in the
// weeks after the community opens and discuss them; the host opens one
// approval vote over all of them (named, or secret), members vote before
// the deadline, and the host adopts the one or two most approved with a
// note. The others stay proposed, as history.

type proposalPlan struct {
	id                              int64
	comm                            int32
	author                          int32
	at                              int64
	title, problem, rationale, plan string
	popularity                      float64
	comments                        int
	adopted                         bool
	note                            string
}

type pcommentPlan struct {
	proposal int32
	author   int32
	at       int64
	seed     uint64
}

type roundPlan struct {
	id           int64
	comm         int32
	at, closes   int64
	title        string
	budget       int
	live, secret bool
	options      []int32 // proposals, in the order they were made
	tallies      []int
	voters       int
	ballots      []int32
	adoptAt      int64
}

type ballotPlan struct {
	round   int32
	person  int32
	at      int64
	approve []int32 // proposals
}

// planThemes plans the proposals, their discussion, the vote and the
// adoption of community ci.
func (w *world) planThemes(ci int32) {
	cw := &w.comm
	cp := cw.list[ci]
	r := w.rng(rngThemes, uint64(ci))
	now := msOf(w.cal.now)
	end := cp.end(now)
	tc := w.textOf(r, cp, cp.host)
	n := 2 + min(4, poisson(r, 1.3))
	t := cp.activated
	limit := cp.activated + 20*day
	teacher := w.schools[0].staff[2]
	used := map[string]bool{}
	for k := range n {
		t = w.after(r, t, limit, 3*24*time.Hour)
		author := cw.poster(r, cp, t)
		if k == 0 && cp.fixed == "a" {
			author = teacher
			if m, ok := cw.memberOf(cp, teacher); ok && m.at >= t {
				t = m.at + hour
			}
		}
		pc := w.textOf(r, cp, author)
		title := pc.fill(pick(r, proposalTitles))
		for tries := 0; used[title] && tries < 8; tries++ {
			title = pc.fill(pick(r, proposalTitles))
		}
		used[title] = true
		p := &proposalPlan{comm: ci, author: author, at: t, title: title, popularity: math.Exp(0.6 * r.NormFloat64()),
			problem: joinFilled(&pc, pickOrdered(r, problemSentences, 2)), rationale: joinFilled(&pc, pickOrdered(r, rationaleSentences, 1+r.IntN(2))),
			plan: joinFilled(&pc, pickOrdered(r, planSentences2, 2))}
		if k == 0 && cp.fixed == "a" {
			p.popularity *= 4
		}
		cp.proposals = append(cp.proposals, int32(len(cw.proposals)))
		cw.proposals = append(cw.proposals, p)
	}
	// The discussion of each proposal, before the vote opens.
	open := t
	for _, pi := range cp.proposals {
		p := cw.proposals[pi]
		for range poisson(r, 1.0) {
			at := w.after(r, p.at, limit+3*day, 30*time.Hour)
			who := cw.poster(r, cp, at)
			if who == p.author {
				continue
			}
			p.comments++
			cw.pcomments = append(cw.pcomments, pcommentPlan{proposal: pi, author: who, at: at, seed: r.Uint64()})
			open = max(open, at)
		}
	}
	w.planRound(r, ci, w.after(r, open, end-10*day, 30*time.Hour), tc)
}

// joinFilled fills and joins sentences into one paragraph.
func joinFilled(c *commText, ss []string) string {
	out := ""
	for _, s := range ss {
		out += c.fill(s)
	}
	return out
}

// planRound opens the vote at the given moment for a week, casts the
// members' ballots and adopts the winners.
func (w *world) planRound(r *rand.Rand, ci int32, at int64, tc commText) {
	cw := &w.comm
	cp := cw.list[ci]
	rd := &roundPlan{comm: ci, at: at, closes: at + 7*day, options: cp.proposals, budget: 1, live: r.IntN(2) == 0}
	if len(rd.options) >= 3 {
		rd.budget = 2
	}
	rd.secret = cp.fixed == "dw1" || cp.fixed == "" && r.Float64() < w.size.secretShare
	local := atMS(at).In(cst)
	tc.term = termName(local.Year(), int(local.Month()))
	rd.title = tc.fill(pick(r, roundTitles))
	rd.tallies = make([]int, len(rd.options))
	ri := int32(len(cw.rounds))
	teacher := w.schools[0].staff[2]
	for _, m := range cw.membersOf(cp) {
		if m.at >= rd.closes-hour {
			break
		}
		p := w.people[m.person]
		forced := m.person == teacher && (cp.fixed == "a" || cp.fixed == "dw0")
		if !forced && r.Float64() > 0.45+0.1*min(p.weight, 4) {
			continue
		}
		from := max(rd.at, m.at) + minute
		u := r.Float64()
		vt := from + int64(u*u*float64(rd.closes-minute-from))
		k := 1
		if rd.budget > 1 && r.Float64() < 0.6 {
			k = 2
		}
		approve := w.approvals(r, rd, k)
		for _, o := range approve {
			rd.tallies[slices.Index(rd.options, o)]++
		}
		rd.voters++
		rd.ballots = append(rd.ballots, int32(len(cw.ballots)))
		cw.ballots = append(cw.ballots, ballotPlan{round: ri, person: m.person, at: vt, approve: approve})
	}
	// Adoption: the most approved, and the runner-up when it came close.
	order := make([]int, len(rd.options))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rd.tallies[b], rd.tallies[a]) })
	win := []int{order[0]}
	if rd.budget > 1 && len(order) > 1 && rd.tallies[order[1]]*4 >= rd.tallies[order[0]]*3 && r.IntN(2) == 0 {
		win = append(win, order[1])
	}
	rd.adoptAt = w.after(r, rd.closes, cp.end(msOf(w.cal.now)), 20*time.Hour)
	cp.adoptedAt = rd.adoptAt
	for _, i := range win {
		p := cw.proposals[rd.options[i]]
		p.adopted = true
		nc := tc
		nc.title = p.title
		if nc.school == "" {
			nc.school = nc.district
		}
		p.note = nc.fill(pick(r, adoptionNotes))
		cp.adopted = append(cp.adopted, rd.options[i])
	}
	cp.round = ri
	cw.rounds = append(cw.rounds, rd)
}

// approvals draws k distinct proposals of a round, the more popular more often.
func (w *world) approvals(r *rand.Rand, rd *roundPlan, k int) []int32 {
	var out []int32
	for len(out) < k && len(out) < len(rd.options) {
		sum := 0.0
		for _, o := range rd.options {
			if !slices.Contains(out, o) {
				sum += w.comm.proposals[o].popularity
			}
		}
		x := r.Float64() * sum
		for _, o := range rd.options {
			if slices.Contains(out, o) {
				continue
			}
			x -= w.comm.proposals[o].popularity
			if x <= 0 {
				out = append(out, o)
				break
			}
		}
		if x > 0 { // rounding left nothing chosen: take the last free one
			for i := len(rd.options) - 1; i >= 0; i-- {
				if o := rd.options[i]; !slices.Contains(out, o) {
					out = append(out, o)
					break
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// textOf is the text context of something a person writes in a community.
func (w *world) textOf(r *rand.Rand, cp *commPlan, author int32) commText {
	p := w.people[author]
	subject := cp.subject
	if subject == "" {
		subject = p.subject()
	}
	stage := cp.stage
	if stage == "" {
		stage = p.stage
	}
	tc := newCommText(r, cp.focus, subject, stage)
	tc.district = w.districtLabel(cp.district)
	tc.community = cp.c.Space.Name
	if p.school >= 0 {
		tc.school = w.schools[p.school].space.Name
	} else {
		tc.school = tc.district + "教师发展中心"
	}
	tc.colleague = w.people[w.comm.memberAt(r, cp, msOf(w.cal.now))].surname
	return tc
}
