package discussion

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseMentions returns the usernames a post's Markdown source @mentions,
// lowercased, each once, in order of first appearance, at most MaxMentions.
// The caller resolves them against the community's members; a name that is
// nobody's is simply not stored.
//
// Boundaries are Unicode-aware. Chinese is written without spaces, so
// "谢谢@zhangwei老师" mentions zhangwei: a Han, kana or Hangul character
// before the @ or after the name is a boundary. A Latin (or other
// space-separated script) letter or digit directly before the @ is not, so
// e-mail addresses ("li@school.cn") and handles inside words are not
// mentions; neither is an escaped "\@name", a name inside a URL path
// ("/@name"), or anything in a code span or fenced code block. A name runs
// over [a-zA-Z0-9._-]; a trailing dot is taken as sentence punctuation. A
// name followed directly by a letter of a space-separated script ("@zhangé")
// is not a clean name and is skipped.
func ParseMentions(src string) []string {
	var out []string
	seen := map[string]bool{}
	forEachProseLine(src, func(line string) bool {
		for _, seg := range outsideCodeSpans(line) {
			for _, name := range mentionsIn(seg) {
				if !seen[name] {
					seen[name] = true
					out = append(out, name)
					if len(out) == MaxMentions {
						return false
					}
				}
			}
		}
		return true
	})
	return out
}

// mentionsIn scans one stretch of prose for @names.
func mentionsIn(s string) []string {
	spans := MentionSpans(s)
	out := make([]string, len(spans))
	for i, sp := range spans {
		out[i] = sp.Name
	}
	return out
}

// Span is one @mention in a stretch of text: s[Start:End] is the "@name"
// as written, Name the username it names (lowercased).
type Span struct {
	Start, End int
	Name       string
}

// MentionSpans finds the @mentions in one stretch of plain text (no code
// spans or fences: the caller has removed those, or is walking the text of
// rendered HTML outside code), with the boundaries ParseMentions uses.
func MentionSpans(s string) []Span {
	var out []Span
	prev := rune(-1) // start of the stretch counts as a boundary
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != '@' || blocksMention(prev) {
			prev = r
			i += size
			continue
		}
		j := i + 1
		for j < len(s) && isNameByte(s[j]) {
			j++
		}
		written := strings.TrimRight(s[i+1:j], ".")
		name := strings.ToLower(written)
		next, _ := utf8.DecodeRuneInString(s[j:])
		if j == len(s) {
			next = -1
		}
		if validName(name) && !joinsWord(next) && next != '@' {
			out = append(out, Span{Start: i, End: i + 1 + len(written), Name: name})
		}
		prev = '@'
		if j > i+1 {
			prev = rune(s[j-1])
		}
		i = j
	}
	return out
}

// blocksMention reports whether a rune directly before '@' makes it part of
// something else: a word of a space-separated script, an address, a URL, an
// escape.
func blocksMention(r rune) bool {
	if r < 0 {
		return false
	}
	if r < utf8.RuneSelf {
		return isNameByte(byte(r)) || strings.ContainsRune(`/\@:+=&?#%~`, r)
	}
	return joinsWord(r)
}

// joinsWord reports whether r is a letter or digit of a script that
// separates words with spaces; Han, kana, Hangul and Bopomofo are not, so
// they border a mention without a space.
func joinsWord(r rune) bool {
	if r < 0 {
		return false
	}
	if r < utf8.RuneSelf {
		b := byte(r)
		return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
	}
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return false
	}
	return !unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Bopomofo)
}

func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-'
}

// validName matches account usernames: 3–32 of [a-z0-9._-], starting with a
// letter or digit.
func validName(s string) bool {
	if len(s) < 3 || len(s) > 32 {
		return false
	}
	c := s[0]
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
}

// forEachProseLine calls fn with every line outside fenced code blocks,
// until fn returns false.
func forEachProseLine(src string, fn func(line string) bool) {
	var fence string // the open fence's marker run, "" outside a block
	for line := range strings.Lines(src) {
		line = strings.TrimRight(line, "\r\n")
		if marker := fenceOf(line); marker != "" {
			switch {
			case fence == "":
				fence = marker
				continue
			case marker[0] == fence[0] && len(marker) >= len(fence) && strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), marker[:1])) == "":
				fence = ""
				continue
			}
		}
		if fence != "" {
			continue
		}
		if !fn(line) {
			return
		}
	}
}

// fenceOf returns the run of ``` or ~~~ (three or more) that opens line
// after at most three spaces of indent, or "".
func fenceOf(line string) string {
	indent := len(line) - len(strings.TrimLeft(line, " "))
	if indent > 3 {
		return ""
	}
	rest := line[indent:]
	if rest == "" || rest[0] != '`' && rest[0] != '~' {
		return ""
	}
	n := len(rest) - len(strings.TrimLeft(rest, rest[:1]))
	if n < 3 {
		return ""
	}
	return rest[:n]
}

// outsideCodeSpans splits a line into the stretches that are not inside an
// inline code span (a run of N backticks up to the next run of exactly N).
// An unclosed run is literal text, as in CommonMark.
func outsideCodeSpans(line string) []string {
	var out []string
	start := 0
	for i := 0; i < len(line); {
		if line[i] != '`' {
			i++
			continue
		}
		n := runAt(line, i)
		closeAt := -1
		for j := i + n; j < len(line); {
			if line[j] != '`' {
				j++
				continue
			}
			m := runAt(line, j)
			if m == n {
				closeAt = j
				break
			}
			j += m
		}
		if closeAt < 0 {
			i += n
			continue
		}
		out = append(out, line[start:i])
		i = closeAt + n
		start = i
	}
	return append(out, line[start:])
}

func runAt(s string, i int) int {
	n := 0
	for i+n < len(s) && s[i+n] == '`' {
		n++
	}
	return n
}
