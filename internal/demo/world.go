package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/space"
)

// world is the whole generated district before and while it is written:
// institutions, people, and the plans of what they did over the year.
type world struct {
	opts  Options
	size  size
	cal   *calendar
	names *namer
	users usernames
	keys  map[string]string // sort keys by name

	region    *space.Space
	regionAdm int32 // index into people
	districts []*district
	schools   []*school
	people    []*person

	entries  []*entryPlan
	comments []*commentPlan
	follows  []followPlan
	notices  []*noticePlan
	profiles []happening // profile updates
	sessions []happening
	logins   []Login
	comm     commWorld // the training communities

	lib       []*libPlan    // the resource library, oldest first
	libEvents []event.Event // its events, once written
	libIndex  []libIndexJob // its texts, to index beside the events
}

type district struct {
	space   *space.Space
	name    districtName
	schools []int32 // indices into world.schools
	admin   int32
	experts []int32
	public  []int32 // published public entries so far, while events are written
}

type school struct {
	space    *space.Space
	kind     schoolKind
	district int32
	groups   []*space.Space
	defs     []groupDef
	staff    []int32 // indices into world.people
	admin    int32
	active   *table[int32] // staff who use the platform, by how much; nil if none
	visible  []int32       // published entries visible to colleagues so far
}

// person is one account with what the plans need to know about it.
type person struct {
	user     account.User
	surname  string
	stage    string
	school   int32 // -1 for district and platform staff
	district int32 // -1 for the region and the platform
	group    int32 // index into the school's groups, -1 for none
	weight   float64
	fixed    string // the fixed login this person is, if any
}

func (p *person) subject() string {
	if len(p.user.Subjects) > 0 {
		return p.user.Subjects[0]
	}
	return "chinese"
}

// rng returns a random source for one purpose; the same seed and purpose
// always give the same numbers, whatever else the generator did before.
func (w *world) rng(purpose, index uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(w.opts.Seed)^purpose*0x9E3779B97F4A7C15, index+purpose<<40))
}

// Purposes of random sources.
const (
	rngTree uint64 = iota + 1
	rngSchool
	rngDistrict
	rngEntries
	rngEntryText
	rngComments
	rngCommentText
	rngFollows
	rngNotices
	rngNoticeText
	rngSessions
	rngViews
	rngProfiles
)

// buildTree lays out the region, its districts and their schools, and the
// size of each school's staff.
func (w *world) buildTree() {
	r := w.rng(rngTree, 0)
	day0 := w.cal.dayStart(0)
	setup := day0.Add(9 * time.Hour)
	if setup.Before(w.cal.start) {
		setup = w.cal.start.Add(time.Minute)
	}
	w.region = &space.Space{Kind: space.Institution, Level: space.Region, Name: regionName, Code: regionCode,
		Description: "江州市教育局负责全市中小学教育教学与教师队伍建设，下设教师发展中心。",
		Visibility:  space.Public, Modules: space.DefaultModules(space.Institution), CreatedAt: setup}
	for i := range w.size.districts {
		dn := districtNames[i%len(districtNames)]
		if i >= len(districtNames) {
			dn.short += ordinal(i/len(districtNames) + 1)
		}
		d := &district{name: dn, space: &space.Space{Kind: space.Institution, Level: space.District,
			Name: dn.short + dn.suffix + "教育局", Code: fmt.Sprintf("%s%02d", regionCode, i+2),
			Description: fmt.Sprintf("%s%s教育局主管全%s中小学教育工作。%s%s教师发展中心负责全%s教师培训、教学研究和校本研修指导。",
				dn.short, dn.suffix, dn.suffix, dn.short, dn.suffix, dn.suffix),
			Visibility: space.Public, Modules: space.DefaultModules(space.Institution),
			CreatedAt: setup.Add(time.Duration(i+1) * time.Minute)}}
		w.districts = append(w.districts, d)
	}
	// Split the schools between districts and the staff between schools.
	perDistrict := w.size.schools / w.size.districts
	var sizes []float64
	for di, d := range w.districts {
		n := perDistrict
		if di < w.size.schools%w.size.districts {
			n++
		}
		namer := newSchoolNamer(r, d.name)
		for si, k := range schoolKinds(n) {
			name := namer.name(k)
			s := &school{kind: k, district: int32(di), space: &space.Space{Kind: space.Institution, Level: space.School,
				Name: name, Code: fmt.Sprintf("%s%04d", d.space.Code, si+1), Location: k.location,
				Visibility: space.Public, Modules: space.DefaultModules(space.Institution),
				CreatedAt: d.space.CreatedAt.Add(time.Duration(si+1) * time.Second)}}
			d.schools = append(d.schools, int32(len(w.schools)))
			w.schools = append(w.schools, s)
			base := 0.0
			for _, ks := range kindShares {
				if ks.kind == k {
					base = ks.size
				}
			}
			sizes = append(sizes, base*(0.7+0.6*r.Float64()))
		}
	}
	staff := w.size.people - w.overhead()
	total := 0.0
	for _, s := range sizes {
		total += s
	}
	counts := make([]int, len(sizes))
	assigned := 0
	for i, s := range sizes {
		counts[i] = max(6, int(s*float64(staff)/total))
		assigned += counts[i]
	}
	for i := 0; assigned < staff; i = (i + 1) % len(counts) {
		counts[i]++
		assigned++
	}
	for i := len(counts) - 1; assigned > staff && i >= 0; i-- {
		if counts[i] > 6 {
			counts[i]--
			assigned--
		}
	}
	for i, s := range w.schools {
		s.staff = make([]int32, counts[i]) // filled by buildPeople
		stage := stageZH[s.kind.stage]
		s.space.Description = fmt.Sprintf("%s是%s公办%s，现有教职工%d人。学校重视校本研修，各学科教研组定期开展集体备课和听评课活动。",
			s.space.Name, map[string]string{"urban": "一所城区", "town": "一所乡镇", "rural": "一所农村"}[s.kind.location],
			stage, counts[i])
	}
}

// overhead is the number of people outside schools: the platform admin, the
// region's admin, and each district's admin and experts (教研员).
func (w *world) overhead() int {
	n := 2
	for _, d := range w.districts {
		n += 1 + w.expertsOf(d)
	}
	return n
}

func (w *world) expertsOf(d *district) int { return max(2, len(d.schools)/20) }
