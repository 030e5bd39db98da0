package demo

import (
	"math/rand/v2"
	"strings"

	"github.com/yanxiu/yanxiu/internal/discussion"
)

// Texts of topics, replies and proposal comments, composed from a seed when
// their rows are written (and again when a reply is quoted), so that a
// million replies need no text held in memory. Bodies are lists of
// Markdown blocks; see blockRenderer.

// replyContext is the text context of a reply: its author's school and
// subject, the topic author's name.
func (w *world) replyContext(r *rand.Rand, rp *replyPlan) commText {
	cw := &w.comm
	tp := cw.topics[rp.topic]
	cp := cw.list[tp.comm]
	p := w.people[rp.author]
	subject, stage := cp.subject, cp.stage
	if subject == "" {
		subject = p.subject()
	}
	if stage == "" {
		stage = p.stage
	}
	tc := newCommText(r, cp.focus, subject, stage)
	tc.name = w.people[tp.author].surname
	if rp.parent >= 0 {
		tc.name = w.people[cw.replies[rp.parent].author].surname
	}
	tc.colleague = tc.name
	if p.school >= 0 {
		tc.school = w.schools[p.school].space.Name
	} else {
		tc.school = w.districtLabel(p.district) + "教师发展中心"
	}
	tc.community = cp.c.Space.Name
	return tc
}

// replyBlocks composes the Markdown blocks of reply ri, an @mention first
// when it has one.
func (w *world) replyBlocks(ri int32) []string {
	rp := &w.comm.replies[ri]
	tp := w.comm.topics[rp.topic]
	r := w.rng(rngReplyText, uint64(ri))
	tc := w.replyContext(r, rp)
	var blocks []string
	switch {
	case rp.expert:
		for _, s := range pickN(r, expertSentences, 1+r.IntN(2)) {
			blocks = append(blocks, tc.fill(s))
		}
	case tp.kind == topicWelcome:
		blocks = append(blocks, tc.fill(pick(r, welcomeReplies)))
	case tp.kind == topicCheckin:
		blocks = append(blocks, tc.fill(pick(r, checkinReplies)))
	default:
		for range 1 + r.IntN(2) {
			var b strings.Builder
			for _, s := range pickN(r, replySentences, 1+r.IntN(2)) {
				b.WriteString(tc.fill(s))
			}
			blocks = append(blocks, b.String())
		}
	}
	if rp.mention >= 0 {
		blocks[0] = "@" + w.people[rp.mention].user.Username + " " + blocks[0]
	}
	return blocks
}

// topicText composes a topic's title and the blocks of its opening post.
func (w *world) topicText(ti int32) (string, []string) {
	cw := &w.comm
	tp := cw.topics[ti]
	cp := cw.list[tp.comm]
	r := rand.New(rand.NewPCG(tp.seed, rngTopics))
	tc := w.textOf(r, cp, tp.author)
	var title string
	var blocks []string
	switch tp.kind {
	case topicWelcome:
		title = tc.fill(pick(r, welcomeTitles))
		blocks = strings.Split(tc.fill(pick(r, welcomeBodies)), "\n\n")
		if tp.mention >= 0 {
			blocks = append(blocks, "特别邀请@"+w.people[tp.mention].user.Username+" 老师担任本共同体的指导专家，欢迎大家踊跃提问。")
		}
	case topicCheckin:
		title = tc.fill(pick(r, checkinTitles))
		blocks = []string{
			tc.fill("每天上完课，用一两句话记下当天在{focus}方面的一点收获或困惑。贵在坚持，积少成多。"),
			"- 每天一条，简短即可\n- 可以附上学生作品或课堂照片\n- 看到好的做法请点赞，也欢迎追问",
		}
	default:
		title = tc.fill(pick(r, topicTitles))
		if tp.theme >= 0 && r.IntN(3) == 0 {
			title = "【" + cw.proposals[tp.theme].title + "】" + title
		}
		blocks = append(blocks, tc.fill(pick(r, topicOpenings)))
		var list strings.Builder
		for i, s := range pickN(r, topicPoints, 2+r.IntN(2)) {
			if i > 0 {
				list.WriteByte('\n')
			}
			list.WriteString("- " + tc.fill(s))
		}
		blocks = append(blocks, list.String(), tc.fill(pick(r, topicQuestions)))
	}
	if n := []rune(title); len(n) > discussion.MaxTitle {
		title = string(n[:discussion.MaxTitle])
	}
	return title, blocks
}

// proposalCommentText composes a comment on a proposal.
func (w *world) proposalCommentText(pc *pcommentPlan) string {
	cw := &w.comm
	p := cw.proposals[pc.proposal]
	cp := cw.list[p.comm]
	r := rand.New(rand.NewPCG(pc.seed, rngThemes))
	tc := commText{focus: cp.focus}
	var b strings.Builder
	for _, s := range pickN(r, proposalComments, 1+r.IntN(2)) {
		b.WriteString(tc.fill(s))
	}
	return b.String()
}
