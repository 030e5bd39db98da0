package demo

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/journal"
	"github.com/yanxiu/yanxiu/internal/markup"
	"github.com/yanxiu/yanxiu/internal/teacher"
)

func TestDayWeight(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, cst) }
	tests := []struct {
		name     string
		busy     time.Time
		quiet    time.Time
		maxQuiet float64
	}{
		{"weekend", day(2025, 11, 12), day(2025, 11, 15), 0.3},        // Wednesday, Saturday
		{"summer holiday", day(2025, 11, 12), day(2025, 8, 6), 0.15},  // a Wednesday in 暑假
		{"spring festival", day(2026, 3, 11), day(2026, 2, 11), 0.15}, // a Wednesday in 寒假
		{"national day", day(2025, 10, 15), day(2025, 10, 3), 0.15},   // Friday of 国庆
		{"start of term", day(2025, 9, 3), day(2025, 11, 12), 1},      // September is busiest
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, q := dayWeight(tt.busy), dayWeight(tt.quiet)
			if q >= b || q > tt.maxQuiet {
				t.Errorf("busy %s = %.2f, quiet %s = %.2f", tt.busy.Format(time.DateOnly), b, tt.quiet.Format(time.DateOnly), q)
			}
		})
	}
}

func TestCalendarAt(t *testing.T) {
	now := time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)
	c := newCalendar(now)
	if c.days() != 366 && c.days() != 365 {
		t.Errorf("year of %d days", c.days())
	}
	r := rand.New(rand.NewPCG(1, 2))
	from := now.AddDate(0, -2, 0)
	night := 0
	for range 2000 {
		at := c.at(r, from)
		if at.Before(from) || !at.Before(now) {
			t.Fatalf("at(%s) = %s, outside [from, now)", from, at)
		}
		if h := at.In(cst).Hour(); h >= 2 && h < 5 {
			night++
		}
	}
	if night > 0 {
		t.Errorf("%d of 2000 moments between 2 and 5 in the morning", night)
	}
	if got := c.at(r, now.Add(-time.Second)); !got.Before(now) {
		t.Errorf("at just before now = %s", got)
	}
	if s := c.share(now.AddDate(0, -6, 0)); s <= 0.2 || s >= 0.8 {
		t.Errorf("share of the last half year = %.2f", s)
	}
}

func TestPoisson(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, lambda := range []float64{0.3, 4, 50} {
		sum := 0
		for range 20_000 {
			sum += poisson(r, lambda)
		}
		if mean := float64(sum) / 20_000; mean < lambda*0.95 || mean > lambda*1.05 {
			t.Errorf("mean of poisson(%.1f) = %.2f", lambda, mean)
		}
	}
}

var pinyinRE = regexp.MustCompile(`^[a-z]+$`)

func TestNamer(t *testing.T) {
	n := newNamer()
	for _, parts := range []nameParts{n.female, n.male} {
		for _, list := range [][]string{parts.single, parts.first, parts.second} {
			for _, c := range list {
				if !pinyinRE.MatchString(n.pinyin[c]) {
					t.Errorf("character %q has pinyin %q", c, n.pinyin[c])
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	common := 0
	users := usernames{}
	seen := map[string]bool{}
	for i := range 10_000 {
		display, py := n.name(r, i%2 == 0, i%3 == 0)
		if k := utf8.RuneCountInString(display); k < 2 || k > 4 || !pinyinRE.MatchString(py) {
			t.Fatalf("name %q, pinyin %q", display, py)
		}
		if strings.ContainsAny(display[:3], "王李张") {
			common++
		}
		u := users.next(py)
		if seen[u] {
			t.Fatalf("username %q handed out twice", u)
		}
		seen[u] = true
	}
	if common < 1500 || common > 2600 { // 王, 李 and 张 are about a fifth of people
		t.Errorf("%d of 10,000 names start with 王, 李 or 张", common)
	}
}

func TestSchoolKindsAndNames(t *testing.T) {
	for _, n := range []int{1, 12, 100, 137} {
		kinds := schoolKinds(n)
		if len(kinds) != n || kinds[0] != (schoolKind{stagePrimary, "urban"}) {
			t.Fatalf("schoolKinds(%d) = %v", n, kinds)
		}
		namer := newSchoolNamer(rand.New(rand.NewPCG(7, 8)), districtNames[0])
		seen := map[string]bool{}
		for i, k := range kinds {
			name := namer.name(k)
			if seen[name] {
				t.Errorf("school name %q twice among %d", name, n)
			}
			seen[name] = true
			if i == 0 && name != "青湖区实验小学" {
				t.Errorf("first school is %q", name)
			}
			if !strings.HasSuffix(name, "学") && !strings.HasSuffix(name, "校") && !strings.HasSuffix(name, "高中") {
				t.Errorf("odd school name %q", name)
			}
		}
	}
}

func TestTitlesFollowYears(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for years := 0; years <= 38; years++ {
		for range 200 {
			title := titleFor(r, years, stageSenior)
			if _, ok := teacher.Lookup(teacher.KindTitle, title); !ok {
				t.Fatalf("unknown title %q", title)
			}
			senior := title == "senior" || title == "full_senior"
			if years == 0 && title != "unrated" || years < 8 && senior || years < 25 && title == "full_senior" {
				t.Fatalf("%s after %d years", title, years)
			}
		}
	}
}

// TestTextsRender composes entries, comments and announcements for every
// subject and stage and renders them as the journal would.
func TestTextsRender(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for subject := range subjectZH {
		if _, ok := teacher.Lookup(teacher.KindSubject, subject); !ok {
			t.Errorf("subject %q is not in the vocabulary", subject)
		}
		for _, stage := range stages {
			for range 20 {
				title, body := entryText(r, newTextContext(r, subject, stage, "王", "语文组", "青湖区实验小学"))
				checkText(t, title, body)
				if utf8.RuneCountInString(title) > journal.MaxTitle || !strings.HasPrefix(body, "## ") {
					t.Errorf("entry %q: %q", title, body)
				}
			}
		}
	}
	for i := range 50 {
		checkText(t, "", commentText(r, "王", pick(r, themes)))
		title, body := announcementText(r, i%2 == 0, "数学组")
		checkText(t, title, body)
		checkText(t, "", bioText(r, "math"))
	}
}

func checkText(t *testing.T, title, body string) {
	t.Helper()
	if strings.ContainsAny(title+body, "{}") || body == "" {
		t.Errorf("unfilled text: %q %q", title, body)
	}
	html, err := markup.Render(body)
	if err != nil || len(html) < len(body)/2 {
		t.Errorf("render %q: %v", body, err)
	}
}
