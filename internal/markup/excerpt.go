package markup

import (
	"strings"
	"unicode"
	"unicode/utf8"

	nethtml "golang.org/x/net/html"
)

// ellipsis marks a cut excerpt; it counts as one rune of the budget.
const ellipsis = "…"

// blockTags end a run of text: their boundary becomes a space in the excerpt
// so that "<p>a</p><p>b</p>" reads "a b", not "ab".
var blockTags = map[string]bool{
	"p": true, "br": true, "li": true, "ul": true, "ol": true, "blockquote": true,
	"pre": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"tr": true, "td": true, "th": true, "table": true, "hr": true, "div": true,
}

// Excerpt returns the text of the Markdown src without any markup, with runs
// of white space collapsed, cut to at most maxRunes runes (an ellipsis
// included) so that Chinese text is never split inside a character. It reads
// the rendered, sanitised HTML rather than the source, so escapes, entities
// and link syntax come out as a reader sees them. Source beyond
// MaxSourceBytes is ignored rather than refused: an excerpt needs only the
// beginning.
func (r *Renderer) Excerpt(src string, maxRunes int) string {
	if maxRunes <= 0 {
		return ""
	}
	if len(src) > MaxSourceBytes {
		src = src[:MaxSourceBytes] // ToValidUTF8 in render repairs a split rune
	}
	out, err := r.render(src)
	if err != nil {
		return ""
	}
	return truncate(plainText(out), maxRunes)
}

// plainText extracts the text of an HTML fragment, separating blocks with
// spaces and collapsing all white space (including the ideographic space) to
// single ASCII spaces.
func plainText(fragment string) string {
	var b strings.Builder
	z := nethtml.NewTokenizer(strings.NewReader(fragment))
	for {
		switch z.Next() {
		case nethtml.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case nethtml.TextToken:
			b.Write(z.Text()) // the tokenizer has already decoded entities
		case nethtml.StartTagToken, nethtml.EndTagToken, nethtml.SelfClosingTagToken:
			name, _ := z.TagName()
			if blockTags[string(name)] {
				b.WriteByte(' ')
			}
		}
	}
}

// truncate cuts s to at most max runes including the ellipsis. When the cut
// falls inside a word of a space-separated script, it backs off to the
// previous space if that keeps at least half the budget, so English excerpts
// do not end in half a word; Chinese is cut at any character.
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	if max == 1 {
		return ellipsis
	}
	runes := []rune(s)
	keep := max - 1
	cut := keep
	if isWordRune(runes[cut-1]) && isWordRune(runes[cut]) {
		for i := cut - 1; i >= keep/2; i-- {
			if runes[i] == ' ' {
				cut = i
				break
			}
		}
	}
	return strings.TrimRightFunc(string(runes[:cut]), unicode.IsSpace) + ellipsis
}

// isWordRune reports letters and digits of scripts that separate words with
// spaces; Han, Hiragana, Katakana and Hangul are cut anywhere.
func isWordRune(r rune) bool {
	if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// excerptScanBytes bounds how much of a stored HTML body an excerpt reads:
// far more than any excerpt shows, far less than a long entry.
const excerptScanBytes = 16 << 10

// ExcerptHTML is Excerpt for HTML that Render already produced (and that is
// stored beside the source): it skips the Markdown pass, which made the
// excerpts of a page of journal cards a noticeable part of rendering it.
func ExcerptHTML(renderedHTML string, maxRunes int) string {
	if maxRunes <= 0 {
		return ""
	}
	if len(renderedHTML) > excerptScanBytes {
		renderedHTML = strings.ToValidUTF8(renderedHTML[:excerptScanBytes], "")
	}
	return truncate(plainText(renderedHTML), maxRunes)
}
