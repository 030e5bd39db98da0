package interview

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

// Segment is a passage of a transcript coded with one code: [Start, End)
// in code points, with the passage's text as it was when coded (Quote), so
// that exports and the code's list of quotes read well even after the
// transcript changes.
type Segment struct {
	ID        int64
	ProjectID int64
	RecordID  int64
	CodeID    int64
	Start     int
	End       int
	Quote     string
	Memo      string
	// Stale is set when the transcript was edited and the quoted passage
	// could not be found in it again; the segment keeps its quote and
	// still counts, but no longer marks a place in the text.
	Stale     bool
	CoderID   int64
	CreatedAt time.Time
	UpdatedAt time.Time
	// Filled by reads.
	CoderName string
	CodeName  string
	Pseudonym string
}

// Segment limits.
const (
	MaxSegmentsPerRecord = 2000
	// MaxSegmentLen bounds a segment in characters: a long answer, not a
	// whole interview.
	MaxSegmentLen = 20_000
	MaxMemo       = 2000
)

// Span is a range of code points [Start, End).
type Span struct {
	Start, End int
}

// Len returns the number of code points in s.
func Len(s string) int { return utf8.RuneCountInString(s) }

// byteOffset returns the byte offset of code point n in s, or -1 when s is
// shorter; n == Len(s) gives len(s).
func byteOffset(s string, n int) int {
	if n < 0 {
		return -1
	}
	i := 0
	for b := range s {
		if i == n {
			return b
		}
		i++
	}
	if i == n {
		return len(s)
	}
	return -1
}

// Slice returns the code points [start, end) of s; ok is false when the
// range is empty, reversed or outside s.
func Slice(s string, start, end int) (string, bool) {
	if start < 0 || end <= start {
		return "", false
	}
	b := byteOffset(s, start)
	if b < 0 {
		return "", false
	}
	e := byteOffset(s[b:], end-start)
	if e < 0 {
		return "", false
	}
	return s[b : b+e], true
}

// Locate returns the code point offsets of every occurrence of quote in s,
// overlapping ones included, in order.
func Locate(s, quote string) []int {
	if quote == "" {
		return nil
	}
	var out []int
	runes, from := 0, 0 // code points in s[:from]
	for {
		i := strings.Index(s[from:], quote)
		if i < 0 {
			return out
		}
		runes += utf8.RuneCountInString(s[from : from+i])
		out = append(out, runes)
		_, size := utf8.DecodeRuneInString(s[from+i:])
		runes++
		from += i + size
	}
}

// trimSpan narrows [start, end) of s past white space at either edge, as a
// selection made with the mouse often takes a line break or a space along.
func trimSpan(s string, start, end int) Span {
	text, ok := Slice(s, start, end)
	if !ok {
		return Span{start, end}
	}
	lead := Len(text) - Len(strings.TrimLeftFunc(text, unicode.IsSpace))
	trail := Len(text) - Len(strings.TrimRightFunc(text, unicode.IsSpace))
	if lead+trail >= end-start {
		return Span{start, start}
	}
	return Span{start + lead, end - trail}
}

// Selection is how a coder points at a passage: by offsets (the browser
// script and API clients), by the quoted text (a form without
// JavaScript), or both, when the quote confirms the offsets.
type Selection struct {
	Start, End *int
	Quote      string
	// Occurrence picks among several places the quote appears (1 is the
	// first); 0 when the quote should be unique.
	Occurrence int
}

// Resolve finds the span a selection means in a transcript, trimmed of
// white space at its edges. Problems are field errors: "start" for offsets
// outside the text, "quote" for a quote that does not match the offsets,
// is not found, or is ambiguous, and "occurrence" for an occurrence that
// does not exist.
func Resolve(transcript string, sel Selection) (Span, error) {
	f := apperr.Fields{}
	quote := sel.Quote
	if !utf8.ValidString(quote) {
		f.Add("quote", "form.invalid")
		return Span{}, f.Err()
	}
	if strings.ContainsRune(quote, '\r') {
		quote = strings.ReplaceAll(strings.ReplaceAll(quote, "\r\n", "\n"), "\r", "\n")
	}
	n := Len(transcript)
	var sp Span
	switch {
	case sel.Start != nil || sel.End != nil:
		if sel.Start == nil || sel.End == nil {
			f.Add("start", "interview.error.offsets_incomplete")
			return Span{}, f.Err()
		}
		sp = Span{*sel.Start, *sel.End}
		if sp.Start < 0 || sp.End > n || sp.End <= sp.Start {
			f.Add("start", "interview.error.offsets_out_of_range", "n", n)
			return Span{}, f.Err()
		}
		if quote != "" {
			if text, _ := Slice(transcript, sp.Start, sp.End); text != quote {
				// The transcript changed since the page showed it, or
				// the client counted in something other than code points.
				f.Add("quote", "interview.error.quote_mismatch")
				return Span{}, f.Err()
			}
		}
	default:
		quote = strings.TrimSpace(quote)
		if quote == "" {
			f.Add("quote", "interview.error.selection_required")
			return Span{}, f.Err()
		}
		at := Locate(transcript, quote)
		switch {
		case len(at) == 0:
			f.Add("quote", "interview.error.quote_not_found")
			return Span{}, f.Err()
		case sel.Occurrence > len(at) || sel.Occurrence < 0:
			f.Add("occurrence", "interview.error.occurrence_out_of_range", "n", len(at))
			return Span{}, f.Err()
		case sel.Occurrence == 0 && len(at) > 1:
			f.Add("occurrence", "interview.error.quote_ambiguous", "n", len(at))
			return Span{}, f.Err()
		}
		i := max(sel.Occurrence, 1) - 1
		sp = Span{at[i], at[i] + Len(quote)}
	}
	sp = trimSpan(transcript, sp.Start, sp.End)
	if sp.End <= sp.Start {
		f.Add("quote", "interview.error.selection_blank")
		return Span{}, f.Err()
	}
	if sp.End-sp.Start > MaxSegmentLen {
		f.Add("quote", "interview.error.segment_too_long", "max", MaxSegmentLen)
		return Span{}, f.Err()
	}
	return sp, nil
}

// Reanchor moves segments to where their quoted passages are in a new
// version of a transcript: a segment whose text is still at its offsets
// stays; otherwise it moves to the occurrence of its quote nearest its old
// place; a segment whose quote is gone is marked stale (and one found again
// is no longer stale). It returns the segments it changed.
func Reanchor(transcript string, segs []*Segment) []*Segment {
	var changed []*Segment
	for _, s := range segs {
		if text, ok := Slice(transcript, s.Start, s.End); ok && text == s.Quote {
			if s.Stale {
				s.Stale = false
				changed = append(changed, s)
			}
			continue
		}
		at := Locate(transcript, s.Quote)
		if len(at) == 0 {
			if !s.Stale {
				s.Stale = true
				changed = append(changed, s)
			}
			continue
		}
		best := at[0]
		for _, a := range at[1:] {
			if abs(a-s.Start) < abs(best-s.Start) {
				best = a
			}
		}
		s.Start, s.End, s.Stale = best, best+Len(s.Quote), false
		changed = append(changed, s)
	}
	return changed
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// ValidateMemo trims a memo and checks its length.
func ValidateMemo(memo string) (string, error) {
	memo = NormalizeText(memo)
	f := apperr.Fields{}
	maxText(f, "memo", memo, MaxMemo)
	return memo, f.Err()
}
