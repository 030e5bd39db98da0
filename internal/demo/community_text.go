package demo

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/yanxiu/yanxiu/internal/markup"
)

// commText is what fills the placeholders of one community text.
type commText struct {
	focus, subject, stage, grade, class, topic string
	name, colleague, school, district          string
	community, title, term, book               string
	n, day                                     int
}

// newCommText draws the grade, class, lesson topic and book of a text about
// a subject and stage (keys), the rest being the caller's.
func newCommText(r *rand.Rand, focus, subject, stage string) commText {
	if stage == "" {
		stage = stagePrimary
	}
	if subject == "" {
		subject = "chinese"
	}
	c := commText{focus: focus, subject: subjectZH[subject], stage: stageZH[stage]}
	c.grade = pick(r, grades[stage])
	c.class = c.grade + "（" + strconv.Itoa(1+r.IntN(8)) + "）班"
	c.topic = strings.Trim(pick(r, topicsFor(subject, stage)), "《》")
	c.book = pick(r, books)
	c.n = 2 + r.IntN(10)
	c.day = 1 + r.IntN(120)
	return c
}

// fill replaces the placeholders of s. An unknown placeholder is left as
// it is, which the tests catch.
func (c *commText) fill(s string) string {
	if strings.IndexByte(s, '{') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 32)
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		key := s[i+1 : i+j]
		if v, ok := c.value(key); ok {
			b.WriteString(v)
		} else {
			b.WriteString(s[i : i+j+1])
		}
		s = s[i+j+1:]
	}
}

func (c *commText) value(key string) (string, bool) {
	switch key {
	case "focus":
		return c.focus, true
	case "subject":
		return c.subject, true
	case "stage":
		return c.stage, true
	case "grade":
		return c.grade, true
	case "class":
		return c.class, true
	case "topic":
		return c.topic, true
	case "name":
		return c.name, true
	case "colleague":
		return c.colleague, true
	case "school":
		return c.school, true
	case "district":
		return c.district, true
	case "community":
		return c.community, true
	case "title":
		return c.title, true
	case "term":
		return c.term, true
	case "book":
		return c.book, true
	case "n":
		return strconv.Itoa(c.n), true
	case "day":
		return strconv.Itoa(c.day), true
	}
	return "", false
}

// blockRenderer renders Markdown one block (a paragraph, a heading, a
// list) at a time and keeps each block's HTML: the demo's million replies
// are made of a few thousand distinct blocks. Blocks separated by a blank
// line render independently, so the HTML of a body is the concatenation of
// its blocks' (TestBlocksRenderAsWhole holds this to the renderer's own
// output) — as long as no two lists follow each other, which Markdown
// would join into one.
type blockRenderer struct {
	md    *markup.Renderer
	cache map[string]string
}

// maxCachedBlocks bounds the cache; past it the cache starts afresh.
const maxCachedBlocks = 200_000

func newBlockRenderer() *blockRenderer {
	return &blockRenderer{md: markup.New(), cache: map[string]string{}}
}

// render returns the Markdown body of blocks and its HTML.
func (b *blockRenderer) render(blocks []string) (body, html string, err error) {
	var h strings.Builder
	for _, blk := range blocks {
		out, ok := b.cache[blk]
		if !ok {
			r, err := b.md.Render(blk)
			if err != nil {
				return "", "", fmt.Errorf("render %q: %w", blk, err)
			}
			out = string(r)
			if len(b.cache) >= maxCachedBlocks {
				clear(b.cache)
			}
			b.cache[blk] = out
		}
		h.WriteString(out)
	}
	return strings.Join(blocks, "\n\n"), h.String(), nil
}

// mentionLink is how the service links a member's @name in a post's HTML.
func mentionLink(username string) string {
	return `<a class="mention" href="/u/` + username + `">@` + username + `</a>`
}

// linkMention links the first "@username" of rendered HTML, where the
// demo's texts put a mention: at the start of a paragraph, followed by a
// space.
func linkMention(html, username string) string {
	return strings.Replace(html, "@"+username+" ", mentionLink(username)+" ", 1)
}

// termName names the school term a moment falls in: 秋季学期 from August
// to January, 春季学期 from February to July.
func termName(year int, month int) string {
	switch {
	case month >= 8:
		return strconv.Itoa(year) + "年秋季学期"
	case month == 1:
		return strconv.Itoa(year-1) + "年秋季学期"
	}
	return strconv.Itoa(year) + "年春季学期"
}
