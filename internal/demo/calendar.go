package demo

import (
	"math"
	"math/rand/v2"
	"sort"
	"time"
)

// cst is China Standard Time. A fixed zone, so the demo needs no time zone
// database on the machine.
var cst = time.FixedZone("CST", 8*3600)

// calendar is the school year before "today": a weight per day that follows
// the rhythm of a Chinese school (busy weekdays in term, quiet weekends, very
// quiet 寒暑假 and national holidays) and a weight per hour of the day.
type calendar struct {
	now   time.Time
	start time.Time // 365 days before now
	day0  time.Time // midnight (CST) of the start's day
	cum   []float64 // cumulative day weights; day i begins at day0 + i days
}

func newCalendar(now time.Time) *calendar {
	start := now.Add(-365 * 24 * time.Hour)
	s := start.In(cst)
	c := &calendar{now: now, start: start, day0: time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, cst)}
	sum := 0.0
	for d := c.day0; d.Before(now); d = d.AddDate(0, 0, 1) {
		sum += dayWeight(d)
		c.cum = append(c.cum, sum)
	}
	return c
}

// dayWeight is how busy a day is, relative to an ordinary school weekday.
func dayWeight(d time.Time) float64 {
	w := 1.0
	switch d.Weekday() {
	case time.Saturday:
		w = 0.25
	case time.Sunday:
		w = 0.45 // preparing the week ahead
	}
	m, day := d.Month(), d.Day()
	switch {
	case m == time.July && day >= 15, m == time.August && day <= 24: // 暑假
		w *= 0.12
	case m == time.August: // back before term to prepare
		w *= 0.6
	case m == time.July: // exams and the end of term
		w *= 0.75
	case m == time.January && day >= 20, m == time.February && day <= 22: // 寒假 and the Spring Festival
		w *= 0.1
	case m == time.January && day >= 10: // end-of-term exams
		w *= 0.8
	case m == time.January && day == 1, m == time.October && day <= 7, m == time.May && day <= 5:
		w *= 0.12 // New Year, National Day week, Labour Day
	case m == time.April && day >= 4 && day <= 6: // 清明
		w *= 0.3
	case m == time.September && day <= 15: // a new term starts busy
		w *= 1.2
	}
	return w
}

// hourWeights are the hours teachers use the platform: before school,
// lunch, after class and the evening.
var hourWeights = newTable(
	[]int{0, 1, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23},
	[]float64{0.05, 0.02, 0.03, 0.2, 0.8, 1.0, 0.9, 1.0, 0.9, 1.3, 1.2, 0.9, 1.0, 1.4, 1.0, 0.6, 0.9, 1.4, 1.3, 0.8, 0.3})

// days is the number of days in the year.
func (c *calendar) days() int { return len(c.cum) }

// dayOf returns the index of the day t falls on (clamped to the year).
func (c *calendar) dayOf(t time.Time) int {
	d := int(t.Sub(c.day0).Hours() / 24)
	return max(0, min(d, c.days()-1))
}

// dayStart returns the midnight beginning day i.
func (c *calendar) dayStart(i int) time.Time { return c.day0.AddDate(0, 0, i) }

// share is the part of the year's activity that lies after t, so that
// people who joined late do proportionally less.
func (c *calendar) share(t time.Time) float64 {
	d := c.dayOf(t)
	before := 0.0
	if d > 0 {
		before = c.cum[d-1]
	}
	total := c.cum[len(c.cum)-1]
	return (total - before) / total
}

// at draws a moment after from (and before now) following the day and hour
// weights. It returns now minus a minute when no such moment exists.
func (c *calendar) at(r *rand.Rand, from time.Time) time.Time {
	first := c.dayOf(from)
	lo := 0.0
	if first > 0 {
		lo = c.cum[first-1]
	}
	hi := c.cum[len(c.cum)-1]
	for range 8 {
		x := lo + r.Float64()*(hi-lo)
		d := sort.SearchFloat64s(c.cum, x)
		d = min(d, c.days()-1)
		t := c.clock(r, c.dayStart(d))
		if !t.Before(from) && t.Before(c.now) {
			return t
		}
	}
	t := from.Add(time.Duration(r.IntN(3600)) * time.Second)
	if !t.Before(c.now) {
		t = c.now.Add(-time.Minute)
	}
	return t
}

// clock picks a time of day on the day beginning at midnight.
func (c *calendar) clock(r *rand.Rand, midnight time.Time) time.Time {
	h := hourWeights.pick(r)
	return midnight.Add(time.Duration(h)*time.Hour + time.Duration(r.IntN(3600))*time.Second)
}

// later returns a moment a while after t (exponentially distributed with
// the given mean), moved out of the small hours, or false if it falls
// after now.
func (c *calendar) later(r *rand.Rand, t time.Time, mean time.Duration) (time.Time, bool) {
	u := t.Add(time.Duration(r.ExpFloat64() * float64(mean)))
	if h := u.In(cst).Hour(); h < 6 {
		u = u.Add(time.Duration(7-h) * time.Hour)
	}
	return u, u.Before(c.now)
}

// poisson draws a Poisson-distributed count with mean lambda: Knuth's
// product method for small means, a rounded normal for large ones.
func poisson(r *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda > 30 {
		return max(0, int(math.Round(lambda+math.Sqrt(lambda)*r.NormFloat64())))
	}
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
