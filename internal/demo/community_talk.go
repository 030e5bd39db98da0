package demo

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/yanxiu/yanxiu/internal/community"
)

// Discussion: boards, topics with threaded replies, likes, @mentions and
// expert answers. Every community opens with the host's pinned welcome
// topic, in which members introduce themselves; the demo district's first
// district-wide community also keeps a daily check-in thread that grows to
// the benchmark's long topic (5,000 replies at district scale). Replies
// are shared out over topics with a long tail, so that most topics have a
// handful and a few have hundreds.

// Kinds of topic, which decide their texts.
const (
	topicNormal uint8 = iota
	topicWelcome
	topicCheckin
)

type boardPlan struct {
	id       int64
	comm     int32
	name     string // "" for the default board
	at       int64
	position int
}

type topicPlan struct {
	id       int64
	comm     int32
	board    int32
	author   int32
	theme    int32 // adopted proposal, -1 for none
	at       int64
	pinnedAt int64 // 0 when not pinned
	kind     uint8
	title    string // composed when the topic is written
	seed     uint64
	mention  int32 // a person the opening post @mentions, -1 for none
	rlo, rhi int32 // replies[rlo:rhi]
	weight   float64
	n        int // replies planned
}

type replyPlan struct {
	id       int64
	at       int64
	markedAt int64 // when marked an expert answer
	topic    int32
	author   int32
	parent   int32 // index into replies, -1 for the topic itself
	quote    int32 // index into replies, -1 for none
	mention  int32 // person @mentioned, -1 for none
	markedBy int32 // person, -1 for none
	likes    int32
	depth    uint8
	expert   bool // written by an expert as an answer
}

type likePlan struct {
	reply  int32
	person int32
	at     int64
}

// planTopics plans each community's boards and topics.
func (w *world) planTopics() {
	cw := &w.comm
	now := msOf(w.cal.now)
	mean := float64(w.size.topics) / float64(len(cw.list))
	avgMembers := float64(len(cw.members)) / float64(len(cw.list))
	for ci, cp := range cw.list {
		r := w.rng(rngTopics, uint64(ci))
		end := cp.end(now)
		// Named boards, made by the host soon after the community opens.
		nb := 0
		switch {
		case cp.fixed == "a":
			nb = 2
		case r.Float64() < 0.35:
			nb = 1 + r.IntN(2)
		}
		welcome := w.after(r, cp.activated, end, 3*time.Hour)
		t := cp.activated
		for k, name := range pickN(r, boardNames, nb) {
			t = w.after(r, t, end, 6*time.Hour)
			if k == 0 {
				// Making the first named board makes the default one too.
				w.defaultBoard(ci, min(t, welcome))
			}
			cp.boards = append(cp.boards, int32(len(cw.boards)))
			cw.boards = append(cw.boards, &boardPlan{comm: int32(ci), name: name, at: t, position: k + 1})
		}
		f := min(3, max(0.5, float64(cp.mhi-cp.mlo)/avgMembers))
		n := max(2, poisson(r, mean*f))
		w.addTopic(r, ci, cp.host, welcome, topicWelcome)
		if cp.fixed == "dw0" {
			lead := w.schools[0].staff[1] // the demo facilitator keeps the check-in thread
			cw.big = w.addTopic(r, ci, lead, w.after(r, welcome+day, end, 10*time.Hour), topicCheckin)
			n--
		}
		for k := 1; k < n; k++ {
			at := w.between(r, max(cp.activated+hour, welcome+minute), end-2*hour)
			author := cw.poster(r, cp, at)
			if k == 1 && cp.fixed == "a" {
				author = w.schools[0].staff[2] // the demo teacher opens a topic
				m, _ := cw.memberOf(cp, author)
				at = max(at, m.at+hour)
			}
			w.addTopic(r, ci, author, at, topicNormal)
		}
		slices.SortStableFunc(cp.topics, func(a, b int32) int { return cmp.Compare(cw.topics[a].at, cw.topics[b].at) })
	}
}

// defaultBoard makes a community's default board at t, unless it has one.
func (w *world) defaultBoard(ci int, t int64) {
	cw := &w.comm
	cp := cw.list[ci]
	if cp.defBoard >= 0 {
		return
	}
	cp.defBoard = int32(len(cw.boards))
	cw.boards = append(cw.boards, &boardPlan{comm: int32(ci), at: t})
}

// addTopic plans a topic and returns its index.
func (w *world) addTopic(r *rand.Rand, ci int, author int32, at int64, kind uint8) int32 {
	cw := &w.comm
	cp := cw.list[ci]
	tp := &topicPlan{comm: int32(ci), author: author, at: at, kind: kind, theme: -1, mention: -1, seed: r.Uint64()}
	w.defaultBoard(ci, at)
	tp.board = cp.defBoard
	var named []int32
	for _, b := range cp.boards {
		if cw.boards[b].at < at {
			named = append(named, b)
		}
	}
	if kind == topicNormal && len(named) > 0 && r.Float64() < 0.7 {
		tp.board = pick(r, named)
	}
	if kind == topicNormal && len(cp.adopted) > 0 && at > cp.adoptedAt && r.Float64() < 0.6 {
		tp.theme = pick(r, cp.adopted)
	}
	if kind == topicWelcome {
		tp.pinnedAt = at + int64(1+r.IntN(5))*minute
		for _, m := range cw.membersOf(cp) {
			if m.role == community.RoleExpert && m.at < at {
				tp.mention = m.person
				break
			}
		}
	}
	remaining := float64(cp.end(msOf(w.cal.now))-at) / float64(30*day)
	tp.weight = math.Pow(float64(cp.cum[len(cp.cum)-1]), 0.6) * math.Exp(0.9*r.NormFloat64()) * math.Sqrt(min(1, max(0.02, remaining)))
	if kind == topicWelcome {
		tp.weight *= 1.5
	}
	ti := int32(len(cw.topics))
	cp.topics = append(cp.topics, ti)
	cw.topics = append(cw.topics, tp)
	return ti
}

// planReplies shares the replies out over the topics (the long topic
// getting its fixed number) by largest remainders, then plans each topic's.
func (w *world) planReplies() {
	cw := &w.comm
	total := w.size.replies
	sum := 0.0
	for i, tp := range cw.topics {
		if int32(i) != cw.big {
			sum += tp.weight
		}
	}
	rest := total
	if cw.big >= 0 {
		cw.topics[cw.big].n = w.size.bigTopic
		rest -= w.size.bigTopic
	}
	type rem struct {
		i int
		f float64
	}
	rems := make([]rem, 0, len(cw.topics))
	given := 0
	for i, tp := range cw.topics {
		if int32(i) == cw.big {
			continue
		}
		x := tp.weight * float64(rest) / sum
		tp.n = int(x)
		given += tp.n
		rems = append(rems, rem{i, x - float64(tp.n)})
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return cmp.Compare(b.f, a.f) })
	for j := 0; given < rest && len(rems) > 0; j = (j + 1) % len(rems) {
		cw.topics[rems[j].i].n++
		given++
	}
	cw.replies = make([]replyPlan, 0, total)
	for ti := range cw.topics {
		w.planTopicReplies(int32(ti))
	}
}

// planTopicReplies plans the replies of one topic: when, by whom, answering
// or quoting what, mentioning whom, and their likes.
func (w *world) planTopicReplies(ti int32) {
	cw := &w.comm
	tp := cw.topics[ti]
	cp := cw.list[tp.comm]
	r := w.rng(rngReplies, uint64(ti))
	end := cp.end(msOf(w.cal.now))
	times := w.replyTimes(r, tp, end)
	tp.rlo = int32(len(cw.replies))
	var experts []memberPlan
	for _, m := range cw.membersOf(cp) {
		if m.role == community.RoleExpert {
			experts = append(experts, m)
		}
	}
	expertAt := -1
	if tp.kind == topicNormal && len(experts) > 0 && len(times) >= 2 && r.Float64() < 0.35 {
		expertAt = r.IntN(min(len(times), 5))
	}
	likes := w.size.likesPerReply
	for i, t := range times {
		rp := replyPlan{at: t, topic: ti, parent: -1, quote: -1, mention: -1, markedBy: -1}
		rp.author = cw.poster(r, cp, t)
		if i > 0 && rp.author == cw.replies[len(cw.replies)-1].author {
			rp.author = cw.poster(r, cp, t)
		}
		if i == expertAt {
			for _, e := range experts {
				if e.at <= t {
					rp.author, rp.expert = e.person, true
					if m := w.after(r, t, end, 12*time.Hour); m < end && m > t {
						rp.markedBy, rp.markedAt = cp.host, m
					}
					break
				}
			}
		}
		base := int(tp.rlo)
		if i > 0 && tp.kind != topicCheckin && r.Float64() < 0.25 {
			j := base + max(0, i-8) + r.IntN(min(i, 8))
			if p := cw.replies[j]; p.depth < 3 && p.author != rp.author {
				rp.parent, rp.depth = int32(j), p.depth+1
			}
		}
		if i > 0 && r.Float64() < 0.04 {
			rp.quote = int32(base + max(0, i-20) + r.IntN(min(i, 20)))
		}
		if r.Float64() < 0.08 {
			switch {
			case rp.parent >= 0 && cw.replies[rp.parent].author != rp.author:
				rp.mention = cw.replies[rp.parent].author
			case tp.author != rp.author:
				rp.mention = tp.author
			default:
				if m := cw.memberAt(r, cp, t); m != rp.author {
					rp.mention = m
				}
			}
		}
		f := 1.0
		switch {
		case rp.expert:
			f = 3
		case tp.kind == topicWelcome:
			f = 0.6
		case tp.kind == topicCheckin:
			f = 0.4
		}
		idx := int32(len(cw.replies))
		var who []int32
		for range poisson(r, likes*f) {
			at := w.after(r, t, end, 18*time.Hour)
			for range 3 {
				m := cw.memberAt(r, cp, at)
				if m != rp.author && !slices.Contains(who, m) {
					who = append(who, m)
					cw.likes = append(cw.likes, likePlan{reply: idx, person: m, at: at})
					break
				}
			}
		}
		rp.likes = int32(len(who))
		cw.replies = append(cw.replies, rp)
	}
	tp.rhi = int32(len(cw.replies))
}

// replyTimes draws the moments of a topic's replies, in order: a long
// thread spreads over the rest of the community's year, an ordinary topic
// is answered in a burst that tails off over days or weeks.
func (w *world) replyTimes(r *rand.Rand, tp *topicPlan, end int64) []int64 {
	from := tp.at + minute
	out := make([]int64, tp.n)
	if end <= from {
		for i := range out {
			out[i] = from
		}
		return out
	}
	span := float64(end - from)
	mean := float64(day) * (1 + 0.5*math.Sqrt(float64(tp.n)))
	for i := range out {
		if tp.kind == topicCheckin || tp.n >= 300 {
			out[i] = w.between(r, from, end)
			continue
		}
		d := r.ExpFloat64() * mean
		t := from + int64(span*(1-math.Exp(-d/span)))
		if h := atMS(t).In(cst).Hour(); h < 6 {
			if u := t + int64(7-h)*hour; u < end {
				t = u
			}
		}
		out[i] = t
	}
	slices.Sort(out)
	return out
}
