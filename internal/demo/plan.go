package demo

import (
	"math/rand/v2"
	"slices"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/space"
)

// The plans say who did what when; texts are composed only when rows are
// written, from each plan's seed, so a district's worth of plans stays small.

type entryPlan struct {
	id        int64
	title     string // set when the entry is written
	author    int32
	created   time.Time
	published time.Time // zero for a draft
	updated   time.Time // a draft's last edit, zero if none
	vis       space.Visibility
	comments  int
	seed      uint64
}

func (e *entryPlan) draft() bool { return e.published.IsZero() }

type commentPlan struct {
	id     int64
	entry  int32 // index into world.entries
	author int32
	at     time.Time
	seed   uint64
}

type followPlan struct {
	from, to int32
	at       time.Time
}

type noticePlan struct {
	id       int64
	title    string // set when the announcement is written
	space    *space.Space
	author   int32
	at       time.Time
	seed     uint64
	district bool
	group    string
}

// happening is something at a moment that becomes events: idx points into
// the list its kind names.
type happening struct {
	at   int64 // Unix ms
	kind uint8
	idx  int32
}

// The kinds of happening, in the order events of the same moment are written.
const (
	hInstitution uint8 = iota
	hRegistered
	hSession
	hProfile
	hEntryCreated
	hEntryPublished
	hEntryUpdated
	hComment
	hFollow
	hNotice
)

// fixedEntries is how many entries the fixed logins have written.
var fixedEntries = map[string]int{"teacher": 5, "teacher2": 3, "facilitator": 6, "expert": 4}

// writes reports whether a person writes a journal at all.
func writes(p *person) bool {
	return p.weight > 0 && p.user.Role != account.Admin && p.user.Role != account.DistrictAdmin
}

// indexActive builds each school's table of staff who use the platform.
func (w *world) indexActive() {
	for _, s := range w.schools {
		var ids []int32
		var ws []float64
		for _, pi := range s.staff {
			if p := w.people[pi]; p.weight > 0 {
				ids = append(ids, pi)
				ws = append(ws, p.weight)
			}
		}
		if len(ids) > 0 {
			s.active = newTable(ids, ws)
		}
	}
}

// planEntries decides who writes how many entries when, with what
// visibility, and which stay drafts.
func (w *world) planEntries() {
	r := w.rng(rngEntries, 0)
	sum := 0.0
	for _, p := range w.people {
		if writes(p) {
			sum += p.weight * w.cal.share(p.user.CreatedAt)
		}
	}
	for pi, p := range w.people {
		if !writes(p) {
			continue
		}
		n := poisson(r, float64(w.size.entries)*p.weight*w.cal.share(p.user.CreatedAt)/sum)
		if k, ok := fixedEntries[p.fixed]; ok {
			n = k
		}
		for k := range n {
			e := &entryPlan{author: int32(pi), seed: r.Uint64(), created: w.cal.at(r, p.user.CreatedAt)}
			switch x := r.Float64(); {
			case x < 0.6:
				e.vis = space.Public
			case x < 0.9:
				e.vis = space.InstitutionOnly
			default:
				e.vis = space.Private
			}
			switch x := r.Float64(); {
			case x < 0.75:
				e.published = e.created
			case x < 0.88:
				if t, ok := w.cal.later(r, e.created, 36*time.Hour); ok {
					e.published = t
				}
			default:
				if t, ok := w.cal.later(r, e.created, 48*time.Hour); ok && r.IntN(5) < 2 {
					e.updated = t
				}
			}
			if p.fixed == "teacher" { // a known mix for the demo teacher
				e.vis = []space.Visibility{space.Public, space.Public, space.InstitutionOnly, space.Private, space.Public}[k]
				e.published, e.updated = e.created, time.Time{}
				if k == n-1 {
					e.published = time.Time{}
				}
			}
			w.entries = append(w.entries, e)
		}
	}
	slices.SortStableFunc(w.entries, func(a, b *entryPlan) int { return a.created.Compare(b.created) })
}

// planComments has colleagues, experts and readers across the district
// comment on published entries they can see.
func (w *world) planComments() {
	r := w.rng(rngComments, 0)
	raw := make([]float64, len(w.entries))
	sum := 0.0
	for i, e := range w.entries {
		if e.draft() || e.vis == space.Private {
			continue
		}
		raw[i] = 0.5 + min(w.people[e.author].weight, 10)/5
		if e.vis != space.Public {
			raw[i] *= 0.7
		}
		sum += raw[i]
	}
	if sum == 0 {
		return
	}
	for i, e := range w.entries {
		n := poisson(r, raw[i]*float64(w.size.comments)/sum)
		for range n {
			c := w.commenter(r, e)
			if c < 0 {
				continue
			}
			at, ok := w.cal.later(r, e.published, 30*time.Hour)
			if !ok || at.Before(w.people[c].user.CreatedAt) {
				continue
			}
			e.comments++
			w.comments = append(w.comments, &commentPlan{entry: int32(i), author: c, at: at, seed: r.Uint64()})
		}
	}
	slices.SortStableFunc(w.comments, func(a, b *commentPlan) int { return a.at.Compare(b.at) })
}

// commenter picks who comments on e among the people allowed to read it:
// mostly a colleague of the author's school, sometimes a district expert,
// for public entries anyone in the district. It returns -1 when nobody fits.
func (w *world) commenter(r *rand.Rand, e *entryPlan) int32 {
	a := w.people[e.author]
	for range 4 {
		var c int32 = -1
		switch x := r.Float64(); {
		case x < 0.7 && a.school >= 0:
			if t := w.schools[a.school].active; t != nil {
				c = t.pick(r)
			}
		case x < 0.85 && a.district >= 0 && (e.vis == space.Public || a.school < 0):
			// Experts work at the district: they see a school's entries
			// only when public, fellow experts' also when institution-wide.
			c = pick(r, w.districts[a.district].experts)
		case e.vis == space.Public:
			c = w.districtReader(r, a.district)
		}
		if c >= 0 && c != e.author && w.people[c].weight > 0 {
			return c
		}
	}
	return -1
}

// districtReader picks an active person of a random school of the district
// (of any district for people above districts).
func (w *world) districtReader(r *rand.Rand, di int32) int32 {
	if di < 0 {
		di = int32(r.IntN(len(w.districts)))
	}
	d := w.districts[di]
	if len(d.schools) == 0 {
		return -1
	}
	if t := w.schools[pick(r, d.schools)].active; t != nil {
		return t.pick(r)
	}
	return -1
}

// planFollows has active people follow colleagues, experts and the busy
// writers of their district.
func (w *world) planFollows() {
	r := w.rng(rngFollows, 0)
	seen := map[[2]int32]bool{}
	add := func(from, to int32) {
		if from == to || seen[[2]int32{from, to}] {
			return
		}
		seen[[2]int32{from, to}] = true
		a, b := w.people[from].user.CreatedAt, w.people[to].user.CreatedAt
		w.follows = append(w.follows, followPlan{from: from, to: to, at: w.cal.at(r, later(a, b))})
	}
	fixed := map[string]int32{}
	for pi, p := range w.people {
		if p.fixed != "" {
			fixed[p.fixed] = int32(pi)
		}
	}
	for _, f := range [][2]string{{"teacher", "teacher2"}, {"teacher", "facilitator"}, {"teacher", "expert"},
		{"teacher2", "teacher"}, {"facilitator", "teacher"}, {"expert", "facilitator"}} {
		add(fixed[f[0]], fixed[f[1]])
	}
	sum := 0.0
	for _, p := range w.people {
		sum += p.weight
	}
	for pi, p := range w.people {
		if p.weight == 0 || p.user.Role == account.Admin {
			continue
		}
		for range poisson(r, float64(w.size.follows)*p.weight/sum) {
			to := int32(-1)
			switch x := r.Float64(); {
			case x < 0.7 && p.school >= 0:
				if t := w.schools[p.school].active; t != nil {
					to = t.pick(r)
				}
			case x < 0.85 && p.district >= 0:
				to = pick(r, w.districts[p.district].experts)
			default:
				to = w.districtReader(r, p.district)
			}
			if to >= 0 {
				add(int32(pi), to)
			}
		}
	}
	slices.SortStableFunc(w.follows, func(a, b followPlan) int { return a.at.Compare(b.at) })
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// planNotices has principals and district and region administrators post
// announcements through the year.
func (w *world) planNotices() {
	r := w.rng(rngNotices, 0)
	post := func(sp *space.Space, author int32, n int, district bool, groups []groupDef) {
		for range n {
			np := &noticePlan{space: sp, author: author, seed: r.Uint64(), district: district,
				at: w.cal.at(r, w.people[author].user.CreatedAt)}
			if len(groups) > 0 {
				np.group = pick(r, groups).name
			}
			w.notices = append(w.notices, np)
		}
	}
	post(w.region, w.regionAdm, 3, true, nil)
	for _, d := range w.districts {
		post(d.space, d.admin, 4+poisson(r, 2), true, nil)
	}
	for si, s := range w.schools {
		n := poisson(r, w.size.noticesPerSchool)
		if si == 0 {
			n = 5
		}
		post(s.space, s.admin, n, false, s.defs)
	}
	slices.SortStableFunc(w.notices, func(a, b *noticePlan) int { return a.at.Compare(b.at) })
}

// planProfiles has about a third of active people edit their profile once.
func (w *world) planProfiles() {
	r := w.rng(rngProfiles, 0)
	for pi, p := range w.people {
		if p.weight > 0 && r.Float64() < 0.3 {
			w.profiles = append(w.profiles, happening{at: w.cal.at(r, p.user.CreatedAt).UnixMilli(), kind: hProfile, idx: int32(pi)})
		}
	}
}

// eventsPerSession is what a visit averages: the login and its page views.
const eventsPerSession = 1 + 1/(1-viewContinue)

// planSessions spends what is left of the event budget on visits: logins
// followed by page views, more for more active people, none for those who
// never use the platform.
func (w *world) planSessions(institutions int) {
	r := w.rng(rngSessions, 0)
	fixed := institutions + len(w.people) + len(w.comments) + len(w.follows) + len(w.notices) + len(w.profiles)
	for _, e := range w.entries {
		fixed++
		if !e.draft() || !e.updated.IsZero() {
			fixed++
		}
	}
	budget := float64(max(0, w.size.events-fixed)) / eventsPerSession
	sum := 0.0
	for _, p := range w.people {
		sum += p.weight * w.cal.share(p.user.CreatedAt)
	}
	for pi, p := range w.people {
		if p.weight == 0 {
			continue
		}
		for range poisson(r, budget*p.weight*w.cal.share(p.user.CreatedAt)/sum) {
			w.sessions = append(w.sessions, happening{at: w.cal.at(r, p.user.CreatedAt).UnixMilli(), kind: hSession, idx: int32(pi)})
		}
	}
}
