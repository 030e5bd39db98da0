package demo

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/markup"
	"github.com/yanxiu/yanxiu/internal/service"
)

// TestCommunityVerbsMatchService keeps the demo's copies of the service's
// community verbs and object types equal to the originals.
func TestCommunityVerbsMatchService(t *testing.T) {
	for _, c := range []struct{ demo, service string }{
		{string(verbJoined), string(service.VerbJoined)}, {string(verbRequested), string(service.VerbRequested)},
		{string(verbApproved), string(service.VerbApproved)}, {string(verbInvited), string(service.VerbInvited)},
		{string(verbStatusChanged), string(service.VerbStatusChanged)}, {string(verbProposed), string(service.VerbProposed)},
		{string(verbVoted), string(service.VerbVoted)}, {string(verbRoundOpened), string(service.VerbRoundOpened)},
		{string(verbAdopted), string(service.VerbAdopted)}, {objCommunity, service.ObjCommunity},
		{objProposal, service.ObjProposal}, {objRound, service.ObjRound}, {objJoinApproved, service.ObjJoinApproved},
		{communityURL(12), service.CommunityURL(12)},
	} {
		if c.demo != c.service {
			t.Errorf("demo has %q where the service has %q", c.demo, c.service)
		}
	}
	if inviteDays != service.MaxInviteDays {
		t.Errorf("invitations last %d days, the service's %d", inviteDays, service.MaxInviteDays)
	}
}

// TestCommunityTextsFill fills every community phrase bank and checks no
// placeholder is left over.
func TestCommunityTextsFill(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	banks := [][]string{focuses, schoolCommunityNames, schoolCommunityNamesMixed, districtCommunityNames,
		districtCommunityNamesMixed, purposeSentences, proposalTitles, problemSentences, rationaleSentences, planSentences2,
		roundTitles, adoptionNotes, proposalComments, joinMessages, boardNames, welcomeTitles, welcomeBodies, checkinTitles,
		topicTitles, topicOpenings, topicPoints, topicQuestions, replySentences, expertSentences, welcomeReplies, checkinReplies}
	for _, fs := range focusFor {
		banks = append(banks, fs)
	}
	for subject := range subjectZH {
		for _, stage := range stages {
			c := newCommText(r, pick(r, focuses), subject, stage)
			c.name, c.colleague, c.school, c.district, c.community, c.title, c.term = "王", "李", "实验小学", "青湖区", "工作坊", "主题", "2025年秋季学期"
			for _, bank := range banks {
				for _, s := range bank {
					if out := c.fill(s); strings.ContainsAny(out, "{}") {
						t.Fatalf("unfilled %q → %q", s, out)
					}
				}
			}
		}
	}
}

// TestBlocksRenderAsWhole holds blockRenderer to the renderer's own output
// for the bodies the demo composes: a body rendered whole gives the
// concatenation of its blocks' HTML.
func TestBlocksRenderAsWhole(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	br := newBlockRenderer()
	compose := func() []string {
		c := newCommText(r, pick(r, focuses), pick(r, []string{"chinese", "math", "english", "physics"}), pick(r, stages))
		c.name, c.colleague, c.school, c.community = "张", "刘", "青湖区实验小学", "青湖区实验小学语文大单元教学研修坊"
		var blocks []string
		for _, bank := range [][]string{welcomeBodies, replySentences, expertSentences, topicOpenings, checkinReplies} {
			blocks = append(blocks, strings.Split(c.fill(pick(r, bank)), "\n\n")...)
		}
		var list []string
		for _, s := range pickN(r, topicPoints, 3) {
			list = append(list, "- "+c.fill(s))
		}
		blocks = append(blocks, strings.Join(list, "\n"), "@zhangwei3 "+c.fill(pick(r, replySentences)))
		r.Shuffle(len(blocks), func(i, j int) { blocks[i], blocks[j] = blocks[j], blocks[i] })
		blocks = blocks[:1+r.IntN(len(blocks))]
		// Two lists in a row are one list: the demo never writes them so.
		for i := 1; i < len(blocks); i++ {
			if strings.HasPrefix(blocks[i], "- ") && strings.HasPrefix(blocks[i-1], "- ") {
				blocks = append(blocks[:i], blocks[i+1:]...)
				i--
			}
		}
		return blocks
	}
	for range 300 {
		blocks := compose()
		body, html, err := br.render(blocks)
		if err != nil {
			t.Fatal(err)
		}
		want, err := markup.Render(body)
		if err != nil || html != string(want) {
			t.Fatalf("blocks %q:\nwhole  %q\nblocks %q", blocks, want, html)
		}
	}
	if got := linkMention("<p>@li.ming 你好</p>\n", "li.ming"); got != `<p><a class="mention" href="/u/li.ming">@li.ming</a> 你好</p>`+"\n" {
		t.Errorf("linkMention = %q", got)
	}
}

func TestTermName(t *testing.T) {
	for _, c := range []struct {
		year, month int
		want        string
	}{{2025, 9, "2025年秋季学期"}, {2026, 1, "2025年秋季学期"}, {2026, 3, "2026年春季学期"}, {2026, 7, "2026年春季学期"}} {
		if got := termName(c.year, c.month); got != c.want {
			t.Errorf("termName(%d, %d) = %q, want %q", c.year, c.month, got, c.want)
		}
	}
}

// TestResourceVerbsMatchService keeps the demo's copies of the service's
// resource verbs equal to the originals.
func TestResourceVerbsMatchService(t *testing.T) {
	if verbResourceRevised != service.VerbResourceRevised || verbResourceRecommended != service.VerbResourceRecommended ||
		verbResourceFeatured != service.VerbResourceFeatured || service.ObjResource != "resource" ||
		verbResourceExtracted != service.VerbResourceExtracted {
		t.Error("the demo's resource verbs differ from the service's")
	}
}
