package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/space"
)

// buildStaff creates the people of one school, as its roster import would
// have: a principal (school_admin), in larger schools a facilitator, and
// teachers; then the teaching-research groups that have members.
func (w *world) buildStaff(si int32) {
	s := w.schools[si]
	d := w.districts[s.district]
	r := w.rng(rngSchool, uint64(si))
	n := len(s.staff)
	defs := groupsOf(s.kind.stage, n)
	// The roster was imported on one of the first days, all at once.
	imported := w.cal.dayStart(r.IntN(min(14, w.cal.days()))).Add(time.Duration(9*3600+r.IntN(8*3600)) * time.Second)
	if si == 0 || imported.Before(w.region.CreatedAt) {
		imported = s.space.CreatedAt.Add(time.Hour)
	}
	hasFacilitator := si == 0 || (n >= 30 && r.IntN(2) == 0)
	members := make([]int, len(defs))
	for j := range n {
		role := account.Teacher
		switch {
		case j == 0:
			role = account.SchoolAdmin
		case j == 1 && hasFacilitator:
			role = account.Facilitator
		}
		p := w.teacher(r, s, d, j, role, imported)
		p.school = si
		if si == 0 {
			switch j {
			case 0:
				w.applyFixed(p, "school", s.space.Name)
			case 1:
				w.applyFixed(p, "facilitator", s.space.Name)
			case 2:
				w.applyFixed(p, "teacher", s.space.Name)
			case 3:
				w.applyFixed(p, "teacher2", s.space.Name)
			}
			p.user.StaffNo = fmt.Sprintf("%d%04d", w.cal.now.In(cst).Year()-*p.user.YearsOfTeaching, j+1)
		}
		p.group = -1
		for g, def := range defs {
			if slices.Contains(def.subjects, p.subject()) {
				p.group = int32(g)
				break
			}
		}
		if p.group < 0 {
			p.group = int32(len(defs) - 1)
		}
		members[p.group]++
		s.staff[j] = w.add(p)
	}
	s.admin = s.staff[0]
	// Keep only groups with members, renumbering the people's groups.
	renumber := make([]int32, len(defs))
	for g, def := range defs {
		renumber[g] = -1
		if members[g] == 0 {
			continue
		}
		renumber[g] = int32(len(s.defs))
		s.defs = append(s.defs, def)
		s.groups = append(s.groups, &space.Space{Kind: space.Institution, Level: space.Group, Name: def.name,
			Description: fmt.Sprintf("%s%s，共有教师%d人，每周开展一次集体备课或听评课活动。", s.space.Name, def.name, members[g]),
			Location:    s.kind.location, Visibility: space.Public, Modules: space.DefaultModules(space.Institution),
			CreatedAt: s.space.CreatedAt.Add(time.Duration(g+1) * time.Millisecond)})
	}
	for _, pi := range s.staff {
		p := w.people[pi]
		p.group = renumber[p.group]
	}
}

// teacher makes one member of a school's staff.
func (w *world) teacher(r *rand.Rand, s *school, d *district, j int, role account.Role, imported time.Time) *person {
	stage := s.kind.stage
	band := yearsBands.pick(r)
	years := band[0] + r.IntN(band[1]-band[0]+1)
	if role == account.SchoolAdmin {
		years = 15 + r.IntN(16)
	}
	subject := subjectShares[stage].pick(r)
	subjects := []string{subject}
	second := 0.1
	if s.kind.location != "urban" {
		second = 0.3
	}
	if alt := secondSubjects[subject]; len(alt) > 0 && r.Float64() < second {
		subjects = append(subjects, pick(r, alt))
	}
	femaleP := femaleShare(stage, subject)
	if role == account.SchoolAdmin {
		femaleP = 0.35
	}
	female := r.Float64() < femaleP
	display, py := w.names.name(r, female, years > 20)
	p := &person{surname: string([]rune(display)[:1]), stage: stage, school: -1, district: s.district}
	u := &p.user
	u.Username, u.DisplayName, u.Role, u.Gender = w.users.next(py), display, role, gender(female)
	u.Subjects, u.GradeBand, u.YearsOfTeaching = subjects, stage, &years
	u.Title = titleFor(r, years, stage)
	u.StaffNo = fmt.Sprintf("%d%04d", w.cal.now.In(cst).Year()-years, j+1)
	switch x := r.Float64(); {
	case x < 0.5:
		u.Email = u.Username + "@" + d.name.pinyin + ".edu.cn"
	case x < 0.8:
		u.Email = fmt.Sprintf("%d@qq.com", 10_000_000+r.IntN(3_000_000_000))
	case x < 0.95:
		u.Email = u.Username + "@163.com"
	}
	if r.Float64() < 0.35 {
		u.Bio = bioText(r, subject)
	}
	if role == account.SchoolAdmin {
		u.Bio = s.space.Name + pick(r, []string{"校长", "副校长", "教学副校长"}) + "。"
	}
	// New teachers arrive for the autumn term; a few transfer in during the year.
	u.CreatedAt = imported.Add(time.Duration(j) * time.Millisecond)
	switch {
	case years == 0:
		u.CreatedAt = w.termStart(r, imported)
	case r.Float64() < 0.04:
		u.CreatedAt = w.cal.at(r, imported)
	}
	p.weight = w.activity(r, s.kind.location, role, years)
	return p
}

// termStart returns a moment in the days around the last 1 September, when
// new teachers get their accounts, but never before from.
func (w *world) termStart(r *rand.Rand, from time.Time) time.Time {
	now := w.cal.now.In(cst)
	year := now.Year()
	sep := time.Date(year, time.September, 1, 0, 0, 0, 0, cst)
	if sep.After(now.AddDate(0, 0, -7)) {
		sep = sep.AddDate(-1, 0, 0)
	}
	t := w.cal.clock(r, sep.AddDate(0, 0, r.IntN(10)-5))
	if t.Before(from) || !t.Before(w.cal.now) {
		return w.cal.at(r, from)
	}
	return t
}

// activity draws how much a person uses the platform: about a fifth never
// do (more in village schools), half now and then, a quarter regularly and
// a few a great deal. Facilitators and young teachers do more.
func (w *world) activity(r *rand.Rand, location string, role account.Role, years int) float64 {
	never := map[string]float64{"urban": 0.12, "town": 0.18, "rural": 0.28}[location]
	var a float64
	switch x := r.Float64(); {
	case x < never && role == account.Teacher:
		return 0
	case x < 0.68:
		a = 0.3 + 0.9*r.Float64()
	case x < 0.92:
		a = 1.5 + 2.5*r.Float64()
	default:
		a = 5 + 7*r.Float64()
	}
	a *= map[string]float64{"urban": 1.15, "town": 1, "rural": 0.75}[location]
	switch role {
	case account.Facilitator:
		a *= 2.5
	case account.SchoolAdmin:
		a *= 1.5
	}
	switch {
	case years <= 5:
		a *= 1.2
	case years >= 25:
		a *= 0.7
	}
	return a
}
