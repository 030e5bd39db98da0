package markup

import (
	"strings"
)

// goldmark, like most CommonMark parsers, takes time that grows with the
// square of some nesting and repetition counts: 100 KB of ">" (one block
// quote inside the next) takes seconds, and so do thousands of unclosed
// "[a](" on one line (each scans to the end of the line for a link
// destination), of "[" in one paragraph of thousands of lines (each label
// is looked up line by line) or of "*" and "_" runs in one paragraph
// (emphasis matching). guard rewrites such input, which no person writes, by
// escaping the markers past a generous count: container markers past
// maxContainerDepth on a line, link openers past maxLinkOpeners on a line,
// brackets past maxBrackets and emphasis runs past maxEmphasisRuns in a
// paragraph. Fenced code blocks are left alone, and
// ordinary Markdown comes back byte for byte. (Unclosed backtick runs, the
// other known case, are handled exactly in codespan.go.)
const (
	// maxContainerDepth is the deepest nesting of block quotes and list items
	// that one line may open; deeper markers become literal text.
	maxContainerDepth = 16
	// maxLinkOpeners is how many "](" one line may hold; a line of prose
	// with more than a few links is rare, and the cost is this count times
	// the line's length.
	maxLinkOpeners = 32
	// maxBrackets is how many "[" one paragraph may hold: room for hundreds
	// of links in one list.
	maxBrackets = 1024
	// maxEmphasisRuns is how many runs of "*" or "_" one paragraph may hold;
	// a long table with bold cells stays well below it.
	maxEmphasisRuns = 1024
)

// guard returns src with pathological nesting and inline markers escaped.
func guard(src string) string {
	var b strings.Builder
	b.Grow(len(src) + 64)
	var para strings.Builder // the lines since the last blank line
	flush := func() {
		guardParagraph(&b, para.String())
		para.Reset()
	}
	inFence := ""
	for line := range strings.SplitAfterSeq(src, "\n") {
		if fence := fenceMarker(line); fence != "" {
			switch {
			case inFence == "":
				flush()
				inFence = fence
			case fence[0] == inFence[0] && len(fence) >= len(inFence):
				inFence = ""
			}
			b.WriteString(line)
			continue
		}
		if inFence != "" {
			b.WriteString(line)
			continue
		}
		if strings.TrimSpace(line) == "" {
			flush()
			b.WriteString(line)
			continue
		}
		para.WriteString(capContainers(line))
	}
	flush()
	return b.String()
}

// guardParagraph copies one paragraph to b, escaping markers past the line's
// or paragraph's budget. Characters the writer escaped are
// copied as they are: escaping them again would turn "\*" into a literal
// backslash and an active "*".
func guardParagraph(b *strings.Builder, p string) {
	links, brackets, emphasis := 0, 0, 0
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p) && isASCIIPunct(p[i+1]):
			b.WriteString(p[i : i+2])
			i++
		case c == '[':
			brackets++
			if brackets > maxBrackets {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		case c == ']' && i+1 < len(p) && p[i+1] == '(':
			links++
			b.WriteByte(']')
			if links > maxLinkOpeners {
				b.WriteByte('\\')
			}
			b.WriteByte('(')
			i++
		case c == '*' || c == '_':
			if i == 0 || p[i-1] != c {
				emphasis++
			}
			if emphasis > maxEmphasisRuns {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		default:
			if c == '\n' {
				links = 0
			}
			b.WriteByte(c)
		}
	}
}

// isASCIIPunct reports the characters CommonMark lets a backslash escape.
func isASCIIPunct(c byte) bool {
	return strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0
}

// fenceMarker returns the ``` or ~~~ run that opens or closes a fenced code
// block on this line (after up to three spaces), or "".
func fenceMarker(line string) string {
	trimmed := strings.TrimLeft(line, " ")
	if len(line)-len(trimmed) > 3 || len(trimmed) < 3 {
		return ""
	}
	c := trimmed[0]
	if c != '`' && c != '~' {
		return ""
	}
	n := 0
	for n < len(trimmed) && trimmed[n] == c {
		n++
	}
	if n < 3 {
		return ""
	}
	return trimmed[:n]
}

// capContainers escapes the container marker that would open nesting level
// maxContainerDepth+1 on this line.
func capContainers(line string) string {
	i, depth := 0, 0
	for {
		// Up to three spaces of indentation may precede each marker.
		j := i
		for j < len(line) && j-i < 3 && line[j] == ' ' {
			j++
		}
		end, escapeAt := containerMarker(line, j)
		if end < 0 {
			return line
		}
		if depth == maxContainerDepth {
			return line[:escapeAt] + `\` + line[escapeAt:]
		}
		depth++
		i = end
	}
}

// containerMarker recognises a block quote ">" or list marker ("-", "+", "*",
// "1." or "1)" followed by a space or tab) at line[i]. It returns the index
// after the marker and its following space, and where a backslash would make
// it literal; end is -1 when there is no marker.
func containerMarker(line string, i int) (end, escapeAt int) {
	if i >= len(line) {
		return -1, -1
	}
	spaceAfter := func(k int) bool { return k < len(line) && (line[k] == ' ' || line[k] == '\t') }
	switch c := line[i]; {
	case c == '>':
		if spaceAfter(i + 1) {
			return i + 2, i
		}
		return i + 1, i
	case c == '-' || c == '+' || c == '*':
		if spaceAfter(i + 1) {
			return i + 2, i
		}
	case c >= '0' && c <= '9':
		k := i
		for k < len(line) && k-i < 9 && line[k] >= '0' && line[k] <= '9' {
			k++
		}
		if k < len(line) && (line[k] == '.' || line[k] == ')') && spaceAfter(k+1) {
			return k + 2, k
		}
	}
	return -1, -1
}
