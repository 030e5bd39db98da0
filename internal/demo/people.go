package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
)

// Password is the password of every demo account.
const Password = "demo12345"

// fixedProfile is a demo login with a known username and profile.
type fixedProfile struct {
	username, name, gender, subject, band, title, bio string
	role                                              account.Role
	years                                             int
	weight                                            float64
	note                                              string
}

var fixedProfiles = map[string]fixedProfile{
	"admin": {username: "admin", name: "平台管理员", role: account.Admin, weight: 0.5, note: "platform administrator"},
	"district": {username: "district", name: "周国平", gender: "male", role: account.DistrictAdmin, years: 27, weight: 3,
		title: "senior", subject: "math", band: "junior", bio: "青湖区教育局教师工作科，负责全区教师研修工作。",
		note: "district administrator of %s"},
	"expert": {username: "expert", name: "陈志远", gender: "male", role: account.Expert, years: 24, weight: 8,
		title: "full_senior", subject: "chinese", band: "primary", bio: "青湖区教师发展中心小学语文教研员，关注大单元教学与学习任务群。",
		note: "expert (教研员) at %s"},
	"school": {username: "school", name: "王建华", gender: "male", role: account.SchoolAdmin, years: 26, weight: 3,
		title: "senior", subject: "math", band: "primary", bio: "青湖区实验小学校长。", note: "school administrator of %s"},
	"facilitator": {username: "facilitator", name: "刘芳", gender: "female", role: account.Facilitator, years: 18, weight: 8,
		title: "senior", subject: "chinese", band: "primary", bio: "语文教研组长，喜欢和年轻老师一起磨课。",
		note: "facilitator (语文教研组长) at %s"},
	"teacher": {username: "teacher", name: "张晓梅", gender: "female", role: account.Teacher, years: 12, weight: 10,
		title: "first", subject: "chinese", band: "primary", bio: "语文教师，三年级班主任。喜欢和孩子们一起读书。",
		note: "Chinese teacher at %s, with journal entries"},
	"teacher2": {username: "teacher2", name: "李明", gender: "male", role: account.Teacher, years: 4, weight: 4,
		title: "second", subject: "math", band: "primary", bio: "数学教师，正在学习如何上好每一节课。",
		note: "mathematics teacher at %s"},
}

// fixedOrder is the order logins are reported in.
var fixedOrder = []string{"admin", "district", "school", "teacher", "teacher2", "expert", "facilitator"}

// add appends a person and returns its index.
func (w *world) add(p *person) int32 {
	w.people = append(w.people, p)
	return int32(len(w.people) - 1)
}

// applyFixed turns a generated person into a fixed demo login.
func (w *world) applyFixed(p *person, key string, inst string) {
	f := fixedProfiles[key]
	p.fixed = key
	u := &p.user
	u.Username, u.DisplayName, u.Role, u.Gender, u.Bio = f.username, f.name, f.role, f.gender, f.bio
	u.Title, u.GradeBand, u.Subjects = f.title, f.band, nil
	if f.subject != "" {
		u.Subjects = []string{f.subject}
	}
	u.YearsOfTeaching = nil
	if f.years > 0 {
		y := f.years
		u.YearsOfTeaching = &y
	}
	if f.name != "" {
		p.surname = string([]rune(f.name)[:1])
	}
	if f.role == account.Admin {
		u.Email, u.StaffNo = "admin@example.edu.cn", ""
	} else {
		u.Email = f.username + "@qinghu.edu.cn"
	}
	p.weight = f.weight
	note := f.note
	if inst != "" {
		note = fmt.Sprintf(note, inst)
	}
	w.logins = append(w.logins, Login{Username: f.username, Password: Password, Role: string(f.role), Note: note})
}

// buildPeople creates every account: the platform admin, the region's and
// districts' staff, and each school's staff with their groups.
func (w *world) buildPeople() {
	for _, f := range fixedProfiles {
		w.users[f.username]++ // generated names never take a fixed username
	}
	setup := w.region.CreatedAt
	admin := &person{school: -1, district: -1, group: -1, user: account.User{CreatedAt: setup}}
	w.applyFixed(admin, "admin", "")
	w.add(admin)
	r := w.rng(rngDistrict, 0)
	w.regionAdm = w.add(w.official(r, account.DistrictAdmin, -1, "", setup.Add(30*time.Second)))
	for di, d := range w.districts {
		r := w.rng(rngDistrict, uint64(di+1))
		at := d.space.CreatedAt.Add(30 * time.Second)
		d.admin = w.add(w.official(r, account.DistrictAdmin, int32(di), "", at))
		subjects := []string{"chinese", "math", "english", "physics", "chemistry", "biology", "morality_law", "history",
			"geography", "science", "pe", "music", "fine_arts", "information_technology", "politics"}
		for i := range w.expertsOf(d) {
			d.experts = append(d.experts, w.add(w.official(r, account.Expert, int32(di), subjects[i%len(subjects)],
				at.Add(time.Duration(i+1)*time.Second))))
		}
		if di == 0 {
			w.applyFixed(w.people[d.admin], "district", d.space.Name)
			w.applyFixed(w.people[d.experts[0]], "expert", d.space.Name)
		}
		for _, si := range d.schools {
			w.buildStaff(si)
		}
	}
	w.sortLogins()
}

func (w *world) sortLogins() {
	slices.SortFunc(w.logins, func(a, b Login) int {
		return slices.Index(fixedOrder, a.Username) - slices.Index(fixedOrder, b.Username)
	})
}

// official makes a district or region administrator or expert.
func (w *world) official(r *rand.Rand, role account.Role, di int32, subject string, at time.Time) *person {
	years := 15 + r.IntN(16)
	female := r.Float64() < 0.45
	display, py := w.names.name(r, female, years > 20)
	p := &person{surname: string([]rune(display)[:1]), school: -1, district: di, group: -1, weight: 1 + 3*r.Float64()}
	u := &p.user
	u.Username, u.DisplayName, u.Role, u.Gender = w.users.next(py), display, role, gender(female)
	u.YearsOfTeaching, u.CreatedAt = &years, at
	u.Title = "senior"
	if r.IntN(5) == 0 {
		u.Title = "full_senior"
	}
	domain := "jiangzhou"
	if di >= 0 {
		domain = w.districts[di].name.pinyin
	}
	u.Email = u.Username + "@" + domain + ".edu.cn"
	if subject != "" {
		u.Subjects = []string{subject}
		u.GradeBand = pick(r, stages)
		if subject == "science" {
			u.GradeBand = stagePrimary
		}
		u.Bio = fmt.Sprintf("%s教师发展中心%s%s教研员。", w.districtLabel(di), stageZH[u.GradeBand], subjectZH[subject])
		p.weight *= 2.5
	}
	return p
}

func (w *world) districtLabel(di int32) string {
	if di < 0 {
		return "江州市"
	}
	n := w.districts[di].name
	return n.short + n.suffix
}

func gender(female bool) string {
	if female {
		return "female"
	}
	return "male"
}

// yearsBands weight the years of teaching: a young and a middle-aged peak.
var yearsBands = newTable([][2]int{{0, 0}, {1, 2}, {3, 5}, {6, 10}, {11, 20}, {21, 30}, {31, 38}},
	[]float64{4, 7, 12, 18, 28, 22, 9})

// titleFor gives the professional title that goes with years of teaching:
// 二级 after the first years, 一级 after about eight, 高级 for a good part
// of the experienced, 正高级 for very few.
func titleFor(r *rand.Rand, years int, stage string) string {
	x := r.Float64()
	switch {
	case years == 0:
		return "unrated"
	case years <= 2:
		return pickBy(x, []float64{0.2, 0.3}, "unrated", "third", "second")
	case years <= 7:
		return pickBy(x, []float64{0.05, 0.8}, "third", "second", "first")
	case years <= 14:
		return pickBy(x, []float64{0.25, 0.9}, "second", "first", "senior")
	case years <= 24:
		return pickBy(x, []float64{0.03, 0.58}, "second", "first", "senior")
	default:
		full := 0.97
		if stage == stagePrimary {
			full = 0.99
		}
		return pickBy(x, []float64{0.45, full}, "first", "senior", "full_senior")
	}
}

// pickBy returns the first value whose cumulative threshold x falls under.
func pickBy(x float64, thresholds []float64, values ...string) string {
	for i, t := range thresholds {
		if x < t {
			return values[i]
		}
	}
	return values[len(values)-1]
}

// femaleShare is the chance a teacher is a woman: most primary teachers
// are, fewer in senior schools, and fewer among PE and physics teachers.
func femaleShare(stage, subject string) float64 {
	f := map[string]float64{stagePrimary: 0.78, stageJunior: 0.62, stageSenior: 0.52}[stage]
	f += map[string]float64{"pe": -0.35, "physics": -0.2, "information_technology": -0.15, "general_technology": -0.2,
		"chemistry": -0.05, "english": 0.12, "chinese": 0.08, "music": 0.1}[subject]
	return min(0.95, max(0.1, f))
}
