package survey

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

// The Decoder's JSON reading. Stored answers have a small, fixed shape
// ({"item": {"c": 3, "m": [1, 2], "r": {"row": 4}, "n": "1.5", "t": "…"}}),
// so a scanner that reads that shape straight into the decoder's state is
// an order of magnitude cheaper than encoding/json building a map per
// response, and, unlike a general-purpose parser building a tree, it can
// follow encoding/json's rules to the letter: the whole input is checked
// as RFC 8259 JSON (no trailing commas, no leading zeros, no control
// characters in strings, at most 10,000 levels of nesting); unknown keys
// and items are skipped; the answer's keys also match case-insensitively
// ("C" is "c"); a repeated item replaces the earlier answer, a repeated
// key inside an answer overwrites it ("r" merges, as into a map); null
// leaves a number or text unchanged, empties "m" and "r", and is 0 as an
// element of "r" (and whatever an earlier array left as an element of
// "m"); an integer is what strconv.ParseInt reads (1.0 and 1e2 are
// refused); and text with escapes or invalid UTF-8 is unquoted by
// encoding/json itself. (A general-purpose parser such as fastjson would
// build a tree of every value and bring rules of its own, such as
// case-sensitive keys.) TestDecoderMatchesValues and TestDecoderEdgeCases
// hold it to ParseAnswers and Values on random, rewritten, damaged and
// malformed input.

// DecodeError says where and why stored answers could not be read.
type DecodeError struct {
	Offset int // in bytes from the start of the JSON
	Msg    string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("answers JSON at byte %d: %s", e.Offset, e.Msg)
}

// maxDepth is encoding/json's bound on nesting.
const maxDepth = 10000

type scanner struct {
	b []byte
	i int
}

func (sc *scanner) fail(format string, args ...any) error {
	return &DecodeError{Offset: sc.i, Msg: fmt.Sprintf(format, args...)}
}

// unexpected reports the byte at the cursor, or the end of the input.
func (sc *scanner) unexpected(context string) error {
	if sc.i >= len(sc.b) {
		return sc.fail("unexpected end of JSON input")
	}
	return sc.fail("invalid character %s %s", strconv.QuoteRune(rune(sc.b[sc.i])), context)
}

func (sc *scanner) ws() {
	for sc.i < len(sc.b) {
		switch sc.b[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return
		}
	}
}

func (sc *scanner) peek() byte {
	if sc.i < len(sc.b) {
		return sc.b[sc.i]
	}
	return 0
}

// literal reads true, false or null.
func (sc *scanner) literal(word string) error {
	if len(sc.b)-sc.i < len(word) || string(sc.b[sc.i:sc.i+len(word)]) != word {
		for k := 0; k < len(word) && sc.i < len(sc.b) && sc.b[sc.i] == word[k]; k++ {
			sc.i++
		}
		return sc.unexpected("in literal " + word)
	}
	sc.i += len(word)
	return nil
}

// str reads a string at the cursor (which is on its opening quote) and
// returns its raw content, and whether it must be unquoted (escapes or
// bytes beyond ASCII).
func (sc *scanner) str() (raw []byte, special bool, err error) {
	sc.i++
	start := sc.i
	for sc.i < len(sc.b) {
		for sc.i < len(sc.b) && plain[sc.b[sc.i]] {
			sc.i++
		}
		if sc.i >= len(sc.b) {
			break
		}
		c := sc.b[sc.i]
		switch {
		case c == '"':
			raw = sc.b[start:sc.i]
			sc.i++
			return raw, special, nil
		case c < 0x20:
			return nil, false, sc.unexpected("in string literal")
		case c == '\\':
			special = true
			sc.i++
			switch sc.peek() {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				sc.i++
			case 'u':
				sc.i++
				for range 4 {
					if !isHex(sc.peek()) {
						return nil, false, sc.unexpected("in \\u hexadecimal character escape")
					}
					sc.i++
				}
			default:
				return nil, false, sc.unexpected("in string escape code")
			}
		case c >= utf8.RuneSelf:
			special = true
			sc.i++
		default:
			sc.i++
		}
	}
	return nil, false, sc.fail("unexpected end of JSON input")
}

// plain marks the bytes that stand for themselves in a string: not the
// closing quote, a backslash, a control character or part of a multi-byte
// character.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// text reads a string as encoding/json unquotes it.
func (sc *scanner) text() (string, error) {
	start := sc.i
	raw, special, err := sc.str()
	if err != nil {
		return "", err
	}
	return unquote(sc.b[start:sc.i], raw, special)
}

// unquote turns a string literal into its text: plain ASCII and valid
// UTF-8 without escapes as they are, anything else through encoding/json,
// so that escapes, surrogates and invalid bytes come out exactly as
// ParseAnswers has them.
func unquote(literal, raw []byte, special bool) (string, error) {
	if !special {
		return string(raw), nil
	}
	if utf8.Valid(raw) && bytes.IndexByte(raw, '\\') < 0 {
		return string(raw), nil
	}
	var s string
	if err := json.Unmarshal(literal, &s); err != nil {
		return "", &DecodeError{Msg: err.Error()}
	}
	return s, nil
}

// number reads a number and returns its text.
func (sc *scanner) number() ([]byte, error) {
	start := sc.i
	if sc.peek() == '-' {
		sc.i++
	}
	switch c := sc.peek(); {
	case c == '0':
		sc.i++
	case '1' <= c && c <= '9':
		for sc.i < len(sc.b) && isDigit(sc.b[sc.i]) {
			sc.i++
		}
	default:
		return nil, sc.unexpected("in numeric literal")
	}
	if sc.peek() == '.' {
		sc.i++
		if !isDigit(sc.peek()) {
			return nil, sc.unexpected("after decimal point in numeric literal")
		}
		for sc.i < len(sc.b) && isDigit(sc.b[sc.i]) {
			sc.i++
		}
	}
	if c := sc.peek(); c == 'e' || c == 'E' {
		sc.i++
		if c := sc.peek(); c == '+' || c == '-' {
			sc.i++
		}
		if !isDigit(sc.peek()) {
			return nil, sc.unexpected("in exponent of numeric literal")
		}
		for sc.i < len(sc.b) && isDigit(sc.b[sc.i]) {
			sc.i++
		}
	}
	return sc.b[start:sc.i], nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// integer reads an int field: a number strconv.ParseInt accepts, or null
// (ok false, leaving the field as it was). Anything else is refused, as
// encoding/json refuses it.
func (sc *scanner) integer(what string) (v int, ok bool, err error) {
	switch c := sc.peek(); {
	case c == 'n':
		return 0, false, sc.literal("null")
	case c == '-' || isDigit(c):
	default:
		return 0, false, sc.typeError(what, "an integer")
	}
	start := sc.i
	// The common case: a few digits, then a comma or a closing bracket.
	if n, k := 0, sc.i; k < len(sc.b) && '1' <= sc.b[k] && sc.b[k] <= '9' {
		for ; k < len(sc.b) && k-sc.i < 18 && isDigit(sc.b[k]); k++ {
			n = n*10 + int(sc.b[k]-'0')
		}
		if k < len(sc.b) && (sc.b[k] == ',' || sc.b[k] == '}' || sc.b[k] == ']') {
			sc.i = k
			return n, true, nil
		}
	}
	lit, err := sc.number()
	if err != nil {
		return 0, false, err
	}
	if len(lit) <= 18 {
		neg := lit[0] == '-'
		digits := lit
		if neg {
			digits = lit[1:]
		}
		n := 0
		for _, c := range digits {
			if !isDigit(c) {
				sc.i = start
				return 0, false, sc.typeError(what, "an integer")
			}
			n = n*10 + int(c-'0')
		}
		if neg {
			n = -n
		}
		return n, true, nil
	}
	n, perr := strconv.ParseInt(string(lit), 10, strconv.IntSize)
	if perr != nil {
		sc.i = start
		return 0, false, sc.typeError(what, "an integer")
	}
	return int(n), true, nil
}

// typeError refuses a value of the wrong type; it still reports a syntax
// error first when the value is not JSON at all.
func (sc *scanner) typeError(what, want string) error {
	at := sc.i
	if err := sc.skip(1); err != nil {
		return err
	}
	return &DecodeError{Offset: at, Msg: fmt.Sprintf("%s must be %s", what, want)}
}

// skip passes over any value; depth counts the containers open around it.
func (sc *scanner) skip(depth int) error {
	switch c := sc.peek(); {
	case c == '{' || c == '[':
		if depth >= maxDepth {
			return sc.fail("exceeded max depth")
		}
		closing := byte('}')
		if c == '[' {
			closing = ']'
		}
		sc.i++
		sc.ws()
		if sc.peek() == closing {
			sc.i++
			return nil
		}
		for {
			if c == '{' {
				if sc.peek() != '"' {
					return sc.unexpected("looking for beginning of object key string")
				}
				if _, _, err := sc.str(); err != nil {
					return err
				}
				if err := sc.colon(); err != nil {
					return err
				}
			}
			if err := sc.skip(depth + 1); err != nil {
				return err
			}
			more, err := sc.next(closing)
			if err != nil || !more {
				return err
			}
		}
	case c == '"':
		_, _, err := sc.str()
		return err
	case c == 't':
		return sc.literal("true")
	case c == 'f':
		return sc.literal("false")
	case c == 'n':
		return sc.literal("null")
	case c == '-' || isDigit(c):
		_, err := sc.number()
		return err
	}
	return sc.unexpected("looking for beginning of value")
}

// colon passes the ':' after an object key and the spaces around it.
func (sc *scanner) colon() error {
	sc.ws()
	if sc.peek() != ':' {
		return sc.unexpected("after object key")
	}
	sc.i++
	sc.ws()
	return nil
}

// next passes the ',' or the closing bracket after an element, reporting
// whether another element follows.
func (sc *scanner) next(closing byte) (bool, error) {
	sc.ws()
	switch sc.peek() {
	case ',':
		sc.i++
		sc.ws()
		return true, nil
	case closing:
		sc.i++
		return false, nil
	}
	if closing == '}' {
		return false, sc.unexpected("after object key:value pair")
	}
	return false, sc.unexpected("after array element")
}

// parse reads one response's answers into the item states of the current
// generation.
func (dec *Decoder) parse(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	if len(b) > MaxAnswersJSON {
		return apperr.New(apperr.TooLarge, "survey.error.response_too_large")
	}
	dec.sc = scanner{b: b}
	err := dec.answers()
	dec.sc = scanner{}
	if err != nil {
		return apperr.Wrap(apperr.Invalid, "form.invalid", err)
	}
	return nil
}

// answers reads the top-level value: the object of answers by item ID, or
// null (no answers).
func (dec *Decoder) answers() error {
	sc := &dec.sc
	sc.ws()
	switch sc.peek() {
	case 'n':
		if err := sc.literal("null"); err != nil {
			return err
		}
	case '{':
		sc.i++
		sc.ws()
		if sc.peek() == '}' {
			sc.i++
			break
		}
		prev := int32(-1)
		for {
			if sc.peek() != '"' {
				return sc.unexpected("looking for beginning of object key string")
			}
			if k, ok := dec.canonical(prev); ok {
				dec.next[prev+1], prev = k, k
			} else if err := dec.itemAnswer(&prev); err != nil {
				return err
			}
			more, err := sc.next('}')
			if err != nil {
				return err
			}
			if !more {
				break
			}
		}
	default:
		if sc.i >= len(sc.b) {
			return sc.unexpected("")
		}
		return sc.typeError("answers", "an object")
	}
	sc.ws()
	if sc.i < len(sc.b) {
		return sc.unexpected("after top-level value")
	}
	return nil
}

// canonical reads, when it is there, the predicted item answered with one
// code exactly as encoding/json writes it, "<id>":{"c":<code>}: most of
// the answers to a questionnaire of Likert items, read without the
// general path's steps. It reports whether it did.
func (dec *Decoder) canonical(prev int32) (int32, bool) {
	g := dec.next[prev+1]
	if int(g) >= len(dec.itemIDs) || !dec.plainID[g] {
		return 0, false
	}
	id := dec.itemIDs[g]
	b, i := dec.sc.b, dec.sc.i
	e := i + 1 + len(id) // the item ID's closing quote
	if e+8 > len(b) || string(b[i+1:e]) != id || string(b[e:e+7]) != `":{"c":` {
		return 0, false
	}
	k := e + 7
	if b[k] < '1' || b[k] > '9' {
		return 0, false
	}
	n := 0
	for start := k; k < len(b) && k-start < 18 && isDigit(b[k]); k++ {
		n = n*10 + int(b[k]-'0')
	}
	if k >= len(b) || b[k] != '}' {
		return 0, false
	}
	s := &dec.state[g]
	s.reset(dec.gen)
	s.choice = n
	dec.sc.i = k + 1
	return g, true
}

// itemAnswer reads an item's ID and its answer; prev is the item before
// it, and becomes this one when a variable reads it.
func (dec *Decoder) itemAnswer(prev *int32) error {
	k, err := dec.item(*prev)
	if err != nil {
		return err
	}
	if err := dec.sc.colon(); err != nil {
		return err
	}
	s := &dec.discard
	if k >= 0 {
		s = &dec.state[k]
		dec.next[*prev+1], *prev = k, k
	}
	return dec.answer(s, k)
}

// item reads an item ID and returns its index, or -1 for an item no
// variable reads; prev is the item before it.
func (dec *Decoder) item(prev int32) (int32, error) {
	sc := &dec.sc
	start := sc.i
	raw, special, err := sc.str()
	if err != nil {
		return 0, err
	}
	if !special {
		if g := dec.next[prev+1]; int(g) < len(dec.itemIDs) && dec.itemIDs[g] == string(raw) {
			return g, nil
		}
		if k, ok := dec.byID[string(raw)]; ok {
			return k, nil
		}
		return -1, nil
	}
	id, err := unquote(sc.b[start:sc.i], raw, special)
	if err != nil {
		return 0, err
	}
	if k, ok := dec.byID[id]; ok {
		return k, nil
	}
	return -1, nil
}

// answer reads one item's answer into s; k is the item's index (-1 when
// no variable reads it).
func (dec *Decoder) answer(s *itemState, k int32) error {
	sc := &dec.sc
	switch sc.peek() {
	case 'n':
		s.reset(dec.gen)
		return sc.literal("null")
	case '{':
	default:
		return sc.typeError("an answer", "an object")
	}
	s.reset(dec.gen)
	sc.i++
	sc.ws()
	if sc.peek() == '}' {
		sc.i++
		return nil
	}
	for {
		field, err := dec.field()
		if err != nil {
			return err
		}
		if err := sc.colon(); err != nil {
			return err
		}
		switch field {
		case 'c':
			v, ok, err := sc.integer(`"c"`)
			if err != nil {
				return err
			}
			if ok {
				s.choice = v
			}
		case 'm':
			if err := dec.choices(s); err != nil {
				return err
			}
		case 'r':
			if err := dec.rows(s, k); err != nil {
				return err
			}
		case 'n', 't':
			v, ok, err := dec.optText(`"` + string(field) + `"`)
			if err != nil {
				return err
			}
			switch {
			case !ok:
			case field == 'n':
				s.number = v
			default:
				s.text = v
			}
		default:
			if err := sc.skip(2); err != nil {
				return err
			}
		}
		more, err := sc.next('}')
		if err != nil || !more {
			return err
		}
	}
}

// field reads the key of an answer's field and returns the field it
// names ('c', 'm', 'r', 'n' or 't'; encoding/json matches field names
// case-insensitively), or 0 for any other key.
func (dec *Decoder) field() (byte, error) {
	sc := &dec.sc
	if sc.peek() != '"' {
		return 0, sc.unexpected("looking for beginning of object key string")
	}
	if k := sc.i; k+2 < len(sc.b) && plain[sc.b[k+1]] && sc.b[k+2] == '"' {
		sc.i += 3 // a one-letter key, the usual
		return sc.b[k+1] | 0x20, nil
	}
	start := sc.i
	raw, special, err := sc.str()
	if err != nil {
		return 0, err
	}
	if special {
		key, err := unquote(sc.b[start:sc.i], raw, special)
		if err != nil {
			return 0, err
		}
		raw = []byte(key)
	}
	if len(raw) != 1 {
		return 0, nil
	}
	return raw[0] | 0x20, nil
}

// optText reads a string field, ok false for null.
func (dec *Decoder) optText(what string) (string, bool, error) {
	sc := &dec.sc
	switch sc.peek() {
	case 'n':
		return "", false, sc.literal("null")
	case '"':
		t, err := sc.text()
		return t, err == nil, err
	}
	return "", false, sc.typeError(what, "a string")
}

// choices reads "m", a multiple choice's codes, reusing the positions an
// earlier array of the same answer left, as encoding/json does.
func (dec *Decoder) choices(s *itemState) error {
	sc := &dec.sc
	switch sc.peek() {
	case 'n':
		s.nChoices, s.capChoices = 0, 0
		return sc.literal("null")
	case '[':
	default:
		return sc.typeError(`"m"`, "an array of integers")
	}
	sc.i++
	sc.ws()
	n := 0
	if sc.peek() != ']' {
		for {
			if n >= s.capChoices {
				if n < len(s.choices) {
					s.choices[n] = 0
				} else {
					s.choices = append(s.choices, 0)
				}
				s.capChoices = n + 1
			}
			v, ok, err := sc.integer(`an element of "m"`)
			if err != nil {
				return err
			}
			if ok {
				s.choices[n] = v
			}
			n++
			more, err := sc.next(']')
			if err != nil {
				return err
			}
			if !more {
				break
			}
		}
	} else {
		sc.i++
	}
	s.nChoices = n
	if n == 0 {
		s.capChoices = 0 // an empty array is a new, empty slice
	}
	return nil
}

// rows reads "r", a matrix's codes by row ID, into the row slots of item
// k; rows that no variable reads are checked and skipped.
func (dec *Decoder) rows(s *itemState, k int32) error {
	sc := &dec.sc
	switch sc.peek() {
	case 'n':
		clear(s.rows)
		return sc.literal("null")
	case '{':
	default:
		return sc.typeError(`"r"`, "an object of integers")
	}
	var slots map[string]int
	if k >= 0 {
		slots = dec.rowSlots[k]
	}
	sc.i++
	sc.ws()
	if sc.peek() == '}' {
		sc.i++
		return nil
	}
	for {
		if sc.peek() != '"' {
			return sc.unexpected("looking for beginning of object key string")
		}
		start := sc.i
		raw, special, err := sc.str()
		if err != nil {
			return err
		}
		slot, known := -1, false
		if special {
			id, err := unquote(sc.b[start:sc.i], raw, special)
			if err != nil {
				return err
			}
			slot, known = slots[id]
		} else {
			slot, known = slots[string(raw)]
		}
		if err := sc.colon(); err != nil {
			return err
		}
		v, _, err := sc.integer(`a row of "r"`)
		if err != nil {
			return err
		}
		if known {
			s.rows[slot] = v // null is 0, a map's zero value
		}
		more, err := sc.next('}')
		if err != nil || !more {
			return err
		}
	}
}
