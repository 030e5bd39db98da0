// Package markup turns the Markdown that people write (journal entries,
// announcements, comments) into HTML that is safe to put in a page, and into
// short plain-text excerpts for lists and feeds.
//
// Rendering is two steps on purpose: goldmark parses GitHub-flavoured
// Markdown and drops raw HTML, then bluemonday's UGC policy sanitises the
// result, so a bug or a new feature in the Markdown renderer can never let
// script through on its own.
package markup

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// MaxSourceBytes bounds the Markdown accepted by Render. 100 KB is about
// 34,000 Chinese characters, far beyond any journal entry or lesson plan. It
// is no larger because goldmark's worst cases grow with the square of the
// input: guard.go defuses the worst known patterns, and what remains (runs of
// mixed emphasis markers) stays under a second at this size.
const MaxSourceBytes = 100 << 10

// ErrTooLarge is matched (errors.Is) by every *TooLargeError.
var ErrTooLarge = errors.New("markup: source too large")

// TooLargeError reports Markdown over MaxSourceBytes, with the sizes so that
// a form can tell the writer by how much.
type TooLargeError struct {
	Size, Limit int
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("markup: source is %d bytes, limit is %d", e.Size, e.Limit)
}

// Is makes errors.Is(err, ErrTooLarge) true.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// Renderer holds a configured Markdown parser and sanitiser. Both are safe
// for concurrent use once built, so one Renderer serves a whole process.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// New builds a Renderer with Yanxiu's Markdown dialect and sanitising policy.
func New() *Renderer {
	return &Renderer{md: newMarkdown(inlineParsers()), policy: policy()}
}

// newMarkdown configures goldmark with the given inline parsers; tests build
// it with goldmark's own parsers to check that ours change nothing.
func newMarkdown(inline []util.PrioritizedValue) goldmark.Markdown {
	return goldmark.New(
		goldmark.WithParser(parser.NewParser(
			parser.WithBlockParsers(parser.DefaultBlockParsers()...),
			parser.WithInlineParsers(inline...),
			parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
		)),
		// GitHub-flavoured Markdown, spelled out so that tables can mark
		// column alignment with the align attribute: the sanitiser drops
		// style attributes, which goldmark would otherwise use.
		goldmark.WithExtensions(
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.Linkify,
			extension.TaskList,
		),
		goldmark.WithRendererOptions(
			// Teachers type in a plain textarea and expect a line break to
			// stay a line break; in Chinese a soft break would otherwise
			// become a stray space between characters.
			html.WithHardWraps(),
		),
		// No html.WithUnsafe: raw HTML in the source is dropped, not passed on.
	)
}

// taskCheckbox matches the only input goldmark's task lists produce.
var taskCheckbox = regexp.MustCompile(`^checkbox$`)

func policy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	// UGC already requires rel="nofollow" on every link; external links also
	// open in a new tab, which makes bluemonday add rel="noopener".
	p.AddTargetBlankToFullyQualifiedLinks(true)
	// Task list items render as disabled checkboxes.
	p.AllowAttrs("type").Matching(taskCheckbox).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^(|checked|disabled)$`)).OnElements("input")
	// GFM table column alignment.
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|right|center)$`)).OnElements("th", "td")
	return p
}

// defaultRenderer is built on first use; it is never modified afterwards.
var defaultRenderer = sync.OnceValue(New)

// Render converts Markdown to sanitised HTML using the default Renderer.
func Render(src string) (template.HTML, error) {
	return defaultRenderer().Render(src)
}

// Excerpt returns plain text of at most maxRunes runes using the default
// Renderer.
func Excerpt(src string, maxRunes int) string {
	return defaultRenderer().Excerpt(src, maxRunes)
}

// Render converts Markdown to HTML that is safe to embed in a page. It fails
// only for input over MaxSourceBytes; invalid UTF-8 is repaired, not refused.
func (r *Renderer) Render(src string) (template.HTML, error) {
	if len(src) > MaxSourceBytes {
		return "", &TooLargeError{Size: len(src), Limit: MaxSourceBytes}
	}
	out, err := r.render(src)
	if err != nil {
		return "", err
	}
	return template.HTML(out), nil
}

func (r *Renderer) render(src string) (string, error) {
	src = guard(strings.ToValidUTF8(src, string(utf8.RuneError)))
	var buf bytes.Buffer
	buf.Grow(len(src) + len(src)/4)
	if err := r.md.Convert([]byte(src), &buf); err != nil {
		return "", fmt.Errorf("markup: convert markdown: %w", err)
	}
	return r.policy.SanitizeReader(&buf).String(), nil
}
