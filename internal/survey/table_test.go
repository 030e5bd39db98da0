package survey

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

// decodeDefinition has an item of every kind, "other" options, matrix
// rows, reverse-scored Likert items of two scales in two dimensions, and
// variables named by Var.
func decodeDefinition() *Definition {
	opts := func(n int) []Option {
		var out []Option
		for v := 1; v <= n; v++ {
			out = append(out, Option{Value: v, Label: "选项" + strconv.Itoa(v)})
		}
		return out
	}
	min, max := -5.0, 1e6
	d := &Definition{Version: CurrentVersion, Sections: []Section{{ID: "s1", Items: []Item{
		{ID: "gender", Kind: Demographic, Field: FieldGender, Options: opts(2), Var: "GENDER"},
		{ID: "single", Kind: Single, Options: opts(4), Other: true},
		{ID: "multi", Kind: Multiple, Options: opts(5), Other: true},
		{ID: "l1", Kind: Likert, Scale: 5, Options: opts(5), Dimension: "a"},
		{ID: "l2", Kind: Likert, Scale: 5, Options: opts(5), Dimension: "a", Reverse: true},
		{ID: "l3", Kind: Likert, Scale: 7, Options: opts(7), Dimension: "b"},
		{ID: "l4", Kind: Likert, Scale: 7, Options: opts(7), Dimension: "b", Reverse: true},
		{ID: "l5", Kind: Likert, Scale: 4, Options: opts(4)},
		{ID: "mx", Kind: Matrix, Options: opts(3), Rows: []Row{{ID: "r1"}, {ID: "r2"}, {ID: "r3"}}},
		{ID: "num", Kind: Number, Min: &min, Max: &max},
		{ID: "txt", Kind: Text},
	}}}, Dimensions: []Dimension{{Key: "a", Name: "A"}, {Key: "b", Name: "B"}, {Key: "empty", Name: "none"}}}
	for _, it := range d.Items() {
		it.Text = "题目 " + it.ID
		for k := range it.Rows {
			it.Rows[k].Label = "行 " + it.Rows[k].ID
		}
	}
	return d
}

// randomAnswers answers some items of d with values of every sort
// Answers.JSON can hold, meaningful or not: codes out of range, "other"
// in a multiple choice, unknown matrix rows, numbers that do not parse,
// text with escapes and invalid UTF-8, unknown items.
func randomAnswers(r *rand.Rand, d *Definition) Answers {
	texts := []string{"", "好", "a \"quoted\" \\ text\n\ttab", "\u2028 line sep", "bad \xff utf-8", "emoji 😀", "</script>&<", "\x01 control"}
	numbers := []string{"", "0", "-3.25", "1000000", "12", "NaN", "1e400", "abc", "0.1", "-0"}
	codes := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, -1, OtherCode, 1 << 40}
	a := Answers{}
	for _, it := range d.Items() {
		if r.IntN(5) == 0 {
			continue
		}
		var ans Answer
		pick := func() int { return codes[r.IntN(len(codes))] }
		if r.IntN(3) > 0 {
			ans.Choice = pick()
		}
		if r.IntN(3) == 0 || it.Kind == Multiple {
			for range r.IntN(4) {
				ans.Choices = append(ans.Choices, pick())
			}
		}
		if r.IntN(3) == 0 || it.Kind == Matrix {
			ans.Rows = map[string]int{}
			for _, id := range []string{"r1", "r2", "r3", "zz"} {
				if r.IntN(3) > 0 {
					ans.Rows[id] = pick()
				}
			}
		}
		if r.IntN(3) == 0 || it.Kind == Number {
			ans.Number = numbers[r.IntN(len(numbers))]
		}
		if r.IntN(3) == 0 || it.Kind == Text {
			ans.Text = texts[r.IntN(len(texts))]
		}
		a[it.ID] = ans
	}
	if r.IntN(4) == 0 {
		a["unknown"] = Answer{Choice: 3, Text: "x"}
	}
	return a
}

// scramble writes answers as other JSON would: keys in random order and
// escaped, answer keys in upper case, white space, unknown keys with any
// value, nulls, and items repeated (the last one counting).
func scramble(r *rand.Rand, a Answers) []byte {
	var b bytes.Buffer
	sp := func() {
		for range r.IntN(3) {
			b.WriteByte(" \t\r\n"[r.IntN(4)])
		}
	}
	key := func(k string) {
		if r.IntN(4) == 0 && k != "" {
			fmt.Fprintf(&b, `"\u%04x%s"`, k[0], k[1:])
		} else {
			b.WriteString(strconv.Quote(k))
		}
		sp()
		b.WriteByte(':')
		sp()
	}
	field := func(k string) {
		if r.IntN(4) == 0 {
			k = strings.ToUpper(k)
		}
		key(k)
	}
	ids := make([]string, 0, len(a))
	for id := range a {
		ids = append(ids, id)
	}
	r.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	if r.IntN(4) == 0 && len(ids) > 0 {
		ids = append([]string{ids[0]}, ids...) // a repeat; the later one counts and equals it
	}
	sp()
	b.WriteByte('{')
	for n, id := range ids {
		if n > 0 {
			b.WriteByte(',')
		}
		sp()
		key(id)
		ans := a[id]
		b.WriteByte('{')
		sep := ""
		if r.IntN(4) == 0 {
			b.WriteString(`"junk":{"deep":[1,2.5e-3,true,false,null,"x\u00e9"]}`)
			sep = ","
		}
		if ans.Choice != 0 || r.IntN(4) == 0 {
			b.WriteString(sep)
			field("c")
			b.WriteString(strconv.Itoa(ans.Choice))
			sep = ","
		} else if r.IntN(3) == 0 {
			b.WriteString(sep)
			field("c")
			b.WriteString("null")
			sep = ","
		}
		if len(ans.Choices) > 0 {
			b.WriteString(sep)
			if r.IntN(3) == 0 { // an earlier array that the later one replaces
				field("m")
				b.WriteString("[7,8,9,10,11,12],")
			}
			field("m")
			b.WriteByte('[')
			for k, c := range ans.Choices {
				if k > 0 {
					b.WriteByte(',')
				}
				sp()
				b.WriteString(strconv.Itoa(c))
				sp()
			}
			b.WriteByte(']')
			sep = ","
		}
		if ans.Rows != nil {
			b.WriteString(sep)
			if r.IntN(3) == 0 {
				field("r")
				b.WriteString(`null,`)
			}
			field("r")
			b.WriteByte('{')
			k := 0
			for id, c := range ans.Rows {
				if k > 0 {
					b.WriteByte(',')
				}
				key(id)
				b.WriteString(strconv.Itoa(c))
				k++
			}
			b.WriteByte('}')
			sep = ","
		}
		for _, f := range []struct{ k, v string }{{"n", ans.Number}, {"t", ans.Text}} {
			if f.v == "" && r.IntN(2) == 0 {
				continue
			}
			b.WriteString(sep)
			field(f.k)
			q, _ := jsonString(f.v)
			b.Write(q)
			if r.IntN(4) == 0 {
				b.WriteString(",")
				field(f.k)
				b.WriteString("null")
			}
			sep = ","
		}
		b.WriteByte('}')
		sp()
	}
	b.WriteByte('}')
	sp()
	return b.Bytes()
}

func jsonString(s string) ([]byte, error) { return json.Marshal(s) }

func sameValue(a, b Value) bool {
	if a.Missing || b.Missing {
		return a.Missing == b.Missing
	}
	return a.Str == b.Str && (a.Num == b.Num || math.IsNaN(a.Num) && math.IsNaN(b.Num))
}

// reference decodes as the map-based path does: ParseAnswers, then Values.
func reference(d *Definition, vars []Variable, b []byte) ([]Value, error) {
	a, err := ParseAnswers(b)
	if err != nil {
		return nil, err
	}
	return Values(d, vars, a), nil
}

// checkRow decodes b both ways and compares; it reports whether both
// accepted it.
func checkRow(t *testing.T, d *Definition, vars []Variable, dec *Decoder, b []byte) bool {
	t.Helper()
	want, werr := reference(d, vars, b)
	n := dec.Table().Len()
	gerr := dec.Decode(b)
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("%q: encoding/json says %v, the decoder %v", b, werr, gerr)
	}
	if gerr != nil {
		if dec.Table().Len() != n {
			t.Fatalf("%q: a refused response added a row", b)
		}
		return false
	}
	tab := dec.Table()
	if tab.Len() != n+1 {
		t.Fatalf("%q: %d rows after %d", b, tab.Len(), n)
	}
	for i, v := range vars {
		if got := tab.Value(n, i); !sameValue(got, want[i]) {
			t.Fatalf("%q: variable %s = %+v, Values gives %+v", b, v.Name, got, want[i])
		}
	}
	return true
}

func TestDecoderMatchesValues(t *testing.T) {
	d := decodeDefinition()
	if err := d.Validate(); err != nil {
		t.Fatalf("definition: %v", err)
	}
	vars := Variables(d)
	dec := NewDecoder(d, vars)
	r := rand.New(rand.NewPCG(1, 2))
	accepted := 0
	damage := []byte("{}[]\":,0-1.eE+ntfau\\ \x00\xff")
	for range 3000 {
		a := randomAnswers(r, d)
		b, err := a.JSON()
		if err != nil {
			t.Fatal(err)
		}
		checkRow(t, d, vars, dec, b)
		checkRow(t, d, vars, dec, scramble(r, a))
		// Damaged copies: cut short, or a byte changed. Most are refused by
		// both; the rest must give the same cells.
		cut := b[:r.IntN(len(b)+1)]
		checkRow(t, d, vars, dec, cut)
		bad := bytes.Clone(b)
		bad[r.IntN(len(bad))] = damage[r.IntN(len(damage))]
		if checkRow(t, d, vars, dec, bad) {
			accepted++
		}
	}
	if dec.Table().Len() < 6000 {
		t.Errorf("only %d rows decoded", dec.Table().Len())
	}
	t.Logf("%d rows; %d damaged copies still valid", dec.Table().Len(), accepted)
}

func TestDecoderEdgeCases(t *testing.T) {
	d := decodeDefinition()
	vars := Variables(d)
	dec := NewDecoder(d, vars)
	valid := []string{
		``, `null`, ` {} `, `{"l1":null}`, `{"multi":null}`, `{"multi":{}}`,
		`{"l1":{"c":3},"l1":{"c":4}}`,
		`{"l1":{"c":3,"c":null}}`, `{"l1":{"C":2}}`, `{"l1":{"\u0063":2}}`, `{"l\u0031":{"c":2}}`,
		`{"multi":{"m":[5,6],"m":[1,null]}}`, `{"multi":{"m":[5,6],"m":[],"m":[null,null]}}`,
		`{"multi":{"m":[5,6],"m":null,"m":[null,2]}}`, `{"multi":{"m":[1,2,3],"m":[4],"m":[null,null,null,null,null]}}`,
		`{"multi":{"m":[99],"t":"other"}}`, `{"single":{"m":[99],"t":"via m"}}`, `{"single":{"c":99,"t":""}}`,
		`{"mx":{"r":{"r1":2},"r":{"r2":3}}}`, `{"mx":{"r":{"r1":2},"r":null,"r":{"r3":1}}}`, `{"mx":{"r":{"r1":null,"r2":0}}}`,
		`{"mx":{"r":{"r\u0031":2,"zz":3}}}`,
		`{"num":{"n":" 12"}}`, `{"num":{"n":"Inf"}}`, `{"num":{"n":"0x10"}}`, `{"num":{"n":null}}`,
		`{"txt":{"t":"\ud83d\ude00 \ud800 \u00e9"}}`, "{\"txt\":{\"t\":\"bad \xff\xfe\"}}", "{\"txt\xff\":{\"t\":\"x\"}}",
		`{"l1":{"c":-0}}`, `{"l1":{"c":123456789012345678}}`, `{"l1":{"c":1234567890123456789}}`,
		`{"l1":{"c":3,"x":[[[[]]]],"y":{"z":-1.5E+3}}}`, `{"nobody":{"c":3,"m":[1],"r":{"a":1}}}`,
	}
	for _, s := range valid {
		if !checkRow(t, d, vars, dec, []byte(s)) {
			t.Errorf("%s refused", s)
		}
	}
	invalid := []string{
		` `, `[]`, `"x"`, `3`, `true`, `{`, `{"l1"}`, `{"l1":}`, `{"l1":{"c":3},}`, `{"l1":{"c":3}} x`, `{"l1":{"c":3}}{}`,
		`{"l1":3}`, `{"l1":[]}`, `{"l1":"x"}`, `{"l1":{"c":"3"}}`, `{"l1":{"c":3.0}}`, `{"l1":{"c":1e2}}`, `{"l1":{"c":01}}`,
		`{"l1":{"c":true}}`, `{"l1":{"c":99999999999999999999}}`, `{"l1":{"c":-}}`, `{"l1":{"c":+1}}`,
		`{"multi":{"m":3}}`, `{"multi":{"m":[1,"2"]}}`, `{"multi":{"m":[1,]}}`, `{"multi":{"m":[1.5]}}`,
		`{"mx":{"r":[1]}}`, `{"mx":{"r":{"r1":2,"zz":{"x":1}}}}`, `{"mx":{"r":{"r1":"2"}}}`, `{"zz":{"r":{"r1":1.5}}}`,
		`{"num":{"n":12}}`, `{"txt":{"t":5}}`, `{"txt":{"t":"a` + "\x01" + `"}}`, `{"txt":{"t":"\x"}}`, `{"txt":{"t":"\u12"}}`,
		`{"l1":{"c":3,"x":[1 2]}}`, `{"l1":{"c":3,"x":tru}}`, `{'l1':{}}`, `{"nobody":5}`, `{"nobody":{"c":"x"}}`,
		"\ufeff{}", `{"l1":{"c":3}` + strings.Repeat(" ", 5),
		`{"l1":{"x":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}}`,
	}
	for _, s := range invalid {
		if checkRow(t, d, vars, dec, []byte(s)) {
			t.Errorf("%s accepted", s)
			continue
		}
		err := dec.Decode([]byte(s))
		var de *DecodeError
		if e, ok := apperr.As(err); !ok || e.Code != apperr.Invalid || !errors.As(err, &de) || de.Msg == "" {
			t.Errorf("%s: error %v is not an Invalid DecodeError", s, err)
		}
	}
	// encoding/json allows 10,000 levels of nesting, not one more.
	nest := func(n int) []byte {
		return []byte(`{"l1":{"x":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}}`)
	}
	if !checkRow(t, d, vars, dec, nest(9998)) {
		t.Error("10,000 levels refused")
	}
	if checkRow(t, d, vars, dec, nest(9999)) {
		t.Error("10,001 levels accepted")
	}
	big := []byte(`{"txt":{"t":"` + strings.Repeat("x", MaxAnswersJSON) + `"}}`)
	if e, ok := apperr.As(dec.Decode(big)); !ok || e.Code != apperr.TooLarge {
		t.Errorf("oversized answers: %v", dec.Decode(big))
	}
}

func TestTableTruncateAndGrow(t *testing.T) {
	d := decodeDefinition()
	vars := Variables(d)
	dec := NewDecoder(d, vars)
	tab := dec.Table()
	tab.Grow(10)
	for _, s := range []string{`{"l1":{"c":1},"txt":{"t":"a"},"num":{"n":"1.50"}}`, `{"l1":{"c":2},"txt":{"t":"b"}}`, `{"l1":{"c":3}}`} {
		if err := dec.Decode([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	tab.Truncate(1)
	if err := dec.Decode([]byte(`{"l1":{"c":5}}`)); err != nil {
		t.Fatal(err)
	}
	l1, txt, num := 0, 0, 0
	for i, v := range vars {
		switch v.ItemID {
		case "l1":
			l1 = i
		case "txt":
			txt = i
		case "num":
			num = i
		}
	}
	if tab.Len() != 2 || tab.Floats(l1)[0] != 1 || tab.Floats(l1)[1] != 5 || tab.Strings(txt)[1] != "" ||
		tab.Strings(num)[0] != "1.50" || tab.Floats(num)[0] != 1.5 || tab.Floats(txt) != nil || tab.Strings(l1) != nil {
		t.Errorf("table after truncating: %d rows, l1 %v, txt %q, num %q", tab.Len(), tab.Floats(l1), tab.Strings(txt), tab.Strings(num))
	}
}

// BenchmarkDecoder decodes answers shaped like BenchmarkSurveyResults100k's
// (two demographics and 60 Likert items), per response.
func BenchmarkDecoder(b *testing.B) {
	d := &Definition{Version: CurrentVersion}
	sec := Section{ID: "s", Items: []Item{{ID: "gender", Kind: Demographic, Options: []Option{{Value: 1}, {Value: 2}}},
		{ID: "years", Kind: Demographic, Options: []Option{{Value: 1}, {Value: 2}, {Value: 3}, {Value: 4}}}}}
	for k := range 6 {
		key := strconv.Itoa(k + 1)
		d.Dimensions = append(d.Dimensions, Dimension{Key: key})
		for j := range 10 {
			sec.Items = append(sec.Items, Item{ID: fmt.Sprintf("q%d_%d", k+1, j+1), Kind: Likert, Scale: 5, Dimension: key, Reverse: j == 9})
		}
	}
	d.Sections = []Section{sec}
	r := rand.New(rand.NewPCG(1, 1))
	var docs [][]byte
	for range 1000 {
		a := Answers{"gender": {Choice: 1 + r.IntN(2)}, "years": {Choice: 1 + r.IntN(4)}}
		for _, it := range sec.Items[2:] {
			a[it.ID] = Answer{Choice: 1 + r.IntN(5)}
		}
		j, _ := a.JSON()
		docs = append(docs, j)
	}
	dec := NewDecoder(d, Variables(d))
	b.SetBytes(int64(len(docs[0])))
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if i%len(docs) == 0 {
			dec.Table().Truncate(0)
		}
		if err := dec.Decode(docs[i%len(docs)]); err != nil {
			b.Fatal(err)
		}
	}
}
