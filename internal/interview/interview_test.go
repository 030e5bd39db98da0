package interview

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

func fieldKey(t *testing.T, err error, field string) string {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok {
		t.Fatalf("error %v is not an apperr.Error", err)
	}
	return e.Fields[field].Key
}

func TestParseAndFormatQuestions(t *testing.T) {
	text := "1. 您参加研修共同体多久了？\r\n- 最初是怎么加入的？\r\n  · 谁邀请的？\n\n（2）在共同体里您最常做什么？\nQ3: 遇到过哪些困难？\n—时间上\n"
	got := ParseQuestions(text)
	want := []Question{
		{Text: "您参加研修共同体多久了？", Probes: []string{"最初是怎么加入的？", "谁邀请的？"}},
		{Text: "在共同体里您最常做什么？"},
		{Text: "遇到过哪些困难？", Probes: []string{"时间上"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseQuestions = %#v", got)
	}
	if again := ParseQuestions(FormatQuestions(got)); !reflect.DeepEqual(again, want) {
		t.Fatalf("round trip = %#v", again)
	}
	in := OutlineInput{Title: " 提纲 ", Questions: ParseQuestions("- 没有问题的追问\n问题")}
	if err := in.Validate(); fieldKey(t, err, "questions") != "interview.error.probe_without_question" {
		t.Fatalf("probe before any question: %v", err)
	}
	in = OutlineInput{Title: "", Questions: []Question{{Text: strings.Repeat("问", MaxQuestion+1)}}}
	err := in.Validate()
	if fieldKey(t, err, "title") != "form.required" || fieldKey(t, err, "questions") != "interview.error.question_too_long" {
		t.Fatalf("validate: %v", err)
	}
}

func TestRecordValidate(t *testing.T) {
	in := RecordInput{Pseudonym: " 教师A ", Gender: "female", YearsBand: "6_10", Title: "first", Location: "rural", Subject: "math",
		Attributes: []Attr{{" 学段 ", " 小学 "}, {"", ""}}, Transcript: "\ufeff问：你好\r\n答：好\r\n"}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	if in.Pseudonym != "教师A" || in.Transcript != "问：你好\n答：好" || len(in.Attributes) != 1 || in.Attributes[0] != (Attr{"学段", "小学"}) {
		t.Fatalf("normalised: %+v", in)
	}
	bad := RecordInput{Gender: "x", YearsBand: "3", Location: "moon", Subject: "alchemy",
		Attributes: []Attr{{"a", "1"}, {"a", "2"}}, Transcript: strings.Repeat("字", MaxTranscript+1)}
	err := bad.Validate()
	for field, key := range map[string]string{"pseudonym": "form.required", "gender": "form.invalid_choice", "years_band": "form.invalid_choice",
		"location": "form.invalid_choice", "subject": "form.invalid_choice", "attributes": "interview.error.attr_duplicate",
		"transcript": "interview.error.transcript_too_long"} {
		if got := fieldKey(t, err, field); got != key {
			t.Errorf("%s: %q, want %q", field, got, key)
		}
	}
	for years, band := range map[int]string{0: "0_5", 5: "0_5", 6: "6_10", 10: "6_10", 11: "11_20", 20: "11_20", 21: "21_plus", 40: "21_plus"} {
		if got := YearsBand(years); got != band {
			t.Errorf("YearsBand(%d) = %s, want %s", years, got, band)
		}
	}
}

func TestSniffAudio(t *testing.T) {
	pad := func(b []byte) []byte { return append(b, make([]byte, 64)...) }
	cases := []struct {
		head []byte
		want string
	}{
		{pad([]byte("ID3\x04\x00")), "audio/mpeg"},
		{pad([]byte{0xFF, 0xFB, 0x90, 0x64}), "audio/mpeg"},
		{pad([]byte("\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00")), "audio/mp4"},
		{pad([]byte("RIFF\x24\x00\x00\x00WAVEfmt ")), "audio/wav"},
		{pad([]byte("OggS\x00\x02")), "audio/ogg"},
		{pad(append([]byte{0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84}, "webm"...)), "audio/webm"},
		{pad([]byte("<html><script>")), ""},
		{pad([]byte("RIFF\x24\x00\x00\x00AVI ")), ""},
		{pad([]byte("\x00\x00\x00\x20ftypqt  ")), ""},
		{pad([]byte{0xFF, 0xFD}), ""}, // MPEG layer II
		{nil, ""},
	}
	for i, c := range cases {
		got, ok := SniffAudio(c.head)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("case %d: %q %v, want %q", i, got, ok, c.want)
		}
	}
}

func book(t *testing.T) *Book {
	t.Helper()
	// 1 专业成长 ─ 2 教学反思 ─ 4 课后反思
	//           └ 3 同伴互助
	// 5 参与障碍
	return NewBook([]*Code{
		{ID: 1, Name: "专业成长"}, {ID: 2, ParentID: 1, Name: "教学反思"}, {ID: 3, ParentID: 1, Name: "同伴互助"},
		{ID: 4, ParentID: 2, Name: "课后反思"}, {ID: 5, Name: "参与障碍"},
	})
}

func TestBook(t *testing.T) {
	b := book(t)
	var order []int64
	var depths []int
	for _, n := range b.Tree() {
		order, depths = append(order, n.Code.ID), append(depths, n.Depth)
	}
	if !reflect.DeepEqual(order, []int64{1, 2, 4, 3, 5}) || !reflect.DeepEqual(depths, []int{0, 1, 2, 1, 0}) {
		t.Fatalf("tree %v %v", order, depths)
	}
	if got := b.Subtree(1); !reflect.DeepEqual(got, []int64{1, 2, 3, 4}) {
		t.Fatalf("subtree %v", got)
	}
	if got := b.Path(4); got != "专业成长 / 教学反思 / 课后反思" {
		t.Fatalf("path %q", got)
	}
	if err := b.CheckParent(1, 4); fieldKey(t, err, "parent") != "interview.error.code_cycle" {
		t.Fatalf("cycle: %v", err)
	}
	if err := b.CheckParent(2, 2); fieldKey(t, err, "parent") != "interview.error.code_cycle" {
		t.Fatalf("own parent: %v", err)
	}
	if err := b.CheckParent(5, 99); fieldKey(t, err, "parent") != "form.invalid_choice" {
		t.Fatalf("missing parent: %v", err)
	}
	if err := b.CheckParent(1, 5); err != nil {
		t.Fatalf("moving a three-level subtree under a top code: %v", err)
	}
	// 5 levels are allowed (depths 0..4): a new code under 4 sits at depth 3.
	if err := b.CheckParent(0, 4); err != nil {
		t.Fatal(err)
	}
	deep := NewBook([]*Code{{ID: 1}, {ID: 2, ParentID: 1}, {ID: 3, ParentID: 2}, {ID: 4, ParentID: 3}, {ID: 5, ParentID: 4}})
	if err := deep.CheckParent(0, 5); fieldKey(t, err, "parent") != "interview.error.code_too_deep" {
		t.Fatalf("sixth level: %v", err)
	}
	if err := b.CheckMerge(1, 4); fieldKey(t, err, "into") != "interview.error.merge_into_descendant" {
		t.Fatalf("merge into descendant: %v", err)
	}
	if err := b.CheckMerge(2, 2); fieldKey(t, err, "into") != "form.invalid_choice" {
		t.Fatalf("merge into itself: %v", err)
	}
	if err := b.CheckMerge(2, 5); err != nil {
		t.Fatal(err)
	}
	in := CodeInput{Name: "  教学   反思 ", Definition: "a\r\nb"}
	if err := in.Validate(); err != nil || in.Name != "教学 反思" || in.Definition != "a\nb" {
		t.Fatalf("code input: %+v %v", in, err)
	}
	in = CodeInput{Name: "a / b"}
	if err := in.Validate(); fieldKey(t, err, "name") != "interview.error.code_name_slash" {
		t.Fatalf("slash: %v", err)
	}
}

func ptr(n int) *int { return &n }

func TestOffsetsInCodePoints(t *testing.T) {
	// 😀 is one code point but two UTF-16 units and four bytes.
	text := "问：您好😀。\n答：我在乡村小学教数学，教了十二年。我觉得共同体帮助很大。"
	if got, ok := Slice(text, 4, 6); !ok || got != "😀。" {
		t.Fatalf("Slice = %q %v", got, ok)
	}
	if _, ok := Slice(text, 3, Len(text)+1); ok {
		t.Fatal("slice past the end")
	}
	if got := Locate("啊啊啊", "啊啊"); !reflect.DeepEqual(got, []int{0, 1}) {
		t.Fatalf("overlapping Locate = %v", got)
	}
	if got := Locate(text, "共同体"); !reflect.DeepEqual(got, []int{28}) {
		t.Fatalf("Locate = %v", got)
	}
	sp, err := Resolve(text, Selection{Quote: " 共同体帮助很大 "})
	if err != nil || sp != (Span{28, 35}) {
		t.Fatalf("by quote: %v %v", sp, err)
	}
	// Offsets from the browser, confirmed by the quote it selected; the
	// line break and space at the edges are trimmed.
	sp, err = Resolve(text, Selection{Start: ptr(6), End: ptr(11), Quote: "\r\n答：我在"})
	if err != nil || sp != (Span{7, 11}) {
		t.Fatalf("by offsets: %v %v", sp, err)
	}
	if _, err := Resolve(text, Selection{Start: ptr(6), End: ptr(11), Quote: "别的文字"}); fieldKey(t, err, "quote") != "interview.error.quote_mismatch" {
		t.Fatalf("mismatch: %v", err)
	}
	if _, err := Resolve(text, Selection{Start: ptr(30), End: ptr(99)}); fieldKey(t, err, "start") != "interview.error.offsets_out_of_range" {
		t.Fatalf("out of range: %v", err)
	}
	if _, err := Resolve(text, Selection{Start: ptr(30)}); fieldKey(t, err, "start") != "interview.error.offsets_incomplete" {
		t.Fatalf("half: %v", err)
	}
	if _, err := Resolve(text, Selection{Quote: "不存在"}); fieldKey(t, err, "quote") != "interview.error.quote_not_found" {
		t.Fatalf("not found: %v", err)
	}
	if _, err := Resolve(text, Selection{Quote: "教"}); fieldKey(t, err, "occurrence") != "interview.error.quote_ambiguous" {
		t.Fatalf("ambiguous: %v", err)
	}
	if sp, err := Resolve(text, Selection{Quote: "教", Occurrence: 2}); err != nil || sp != (Span{19, 20}) {
		t.Fatalf("second occurrence: %v %v", sp, err)
	}
	if _, err := Resolve(text, Selection{Quote: "教", Occurrence: 3}); fieldKey(t, err, "occurrence") != "interview.error.occurrence_out_of_range" {
		t.Fatalf("third occurrence: %v", err)
	}
	if _, err := Resolve(text, Selection{Start: ptr(6), End: ptr(7)}); fieldKey(t, err, "quote") != "interview.error.selection_blank" {
		t.Fatalf("blank: %v", err)
	}
	if _, err := Resolve(text, Selection{}); fieldKey(t, err, "quote") != "interview.error.selection_required" {
		t.Fatalf("nothing: %v", err)
	}
}

func TestReanchor(t *testing.T) {
	old := "甲：开头。乙：共同体帮助很大。丙：结尾。"
	at := Locate(old, "共同体帮助很大")[0]
	moved := &Segment{ID: 1, Start: at, End: at + 7, Quote: "共同体帮助很大"}
	kept := &Segment{ID: 2, Start: 0, End: 2, Quote: "甲："}
	lost := &Segment{ID: 3, Start: 16, End: 19, Quote: "结尾。"}
	segs := []*Segment{moved, kept, lost}
	changed := Reanchor("甲：新加了一句话。开头。乙：共同体帮助很大。", segs)
	if len(changed) != 2 || moved.Start != 14 || moved.End != 21 || moved.Stale || kept.Start != 0 || !lost.Stale {
		t.Fatalf("reanchor: %+v %+v %+v (%d changed)", moved, kept, lost, len(changed))
	}
	// Text restored: the stale segment comes back at its place.
	if changed := Reanchor(old, segs); len(changed) != 2 || lost.Stale || moved.Start != at {
		t.Fatalf("restore: %+v %+v", moved, lost)
	}
}

// TestCount checks frequencies against figures worked out by hand. Eight
// records, four women and four men; code 2 (教学反思) is a child of 1.
//
//	record  gender  segments
//	1       female  2 ×2, 4 (child of 2)
//	2       female  2
//	3       female  3
//	4       female  —
//	5       male    1
//	6       male    —
//	7       male    5
//	8       —       2
func TestCount(t *testing.T) {
	b := book(t)
	var recs []*Record
	for i, g := range []string{"female", "female", "female", "female", "male", "male", "male", ""} {
		recs = append(recs, &Record{ID: int64(i + 1), Gender: g})
	}
	segs := []Coded{{1, 2}, {1, 2}, {1, 4}, {2, 2}, {3, 3}, {5, 1}, {7, 5}, {8, 2}, {99, 1}, {1, 99}}
	fr := Count(b, recs, segs, ByGender)
	wantGroups := []Group{{"male", 3}, {"female", 4}, {"", 1}}
	if !reflect.DeepEqual(fr.Groups, wantGroups) || fr.Records != 8 {
		t.Fatalf("groups %+v", fr.Groups)
	}
	type fig struct {
		id                     int64
		own, segs, recs        int
		male, female, unstated Cell
	}
	want := []fig{
		// 专业成长 rolls up 2, 3 and 4: records 1, 2, 3, 5, 8.
		{1, 1, 7, 5, Cell{1, 1}, Cell{3, 5}, Cell{1, 1}},
		{2, 4, 5, 3, Cell{}, Cell{2, 4}, Cell{1, 1}},
		{4, 1, 1, 1, Cell{}, Cell{1, 1}, Cell{}},
		{3, 1, 1, 1, Cell{}, Cell{1, 1}, Cell{}},
		{5, 1, 1, 1, Cell{1, 1}, Cell{}, Cell{}},
	}
	for i, w := range want {
		r := fr.Rows[i]
		got := fig{r.Code.ID, r.OwnSegments, r.Segments, r.Records, r.ByGroup[0], r.ByGroup[1], r.ByGroup[2]}
		if got != w {
			t.Errorf("row %d: %+v, want %+v", i, got, w)
		}
	}
	has, group := fr.Indicators(fr.Rows[0])
	yes := map[string]int{}
	for i := range has {
		if has[i] == "yes" {
			yes[group[i]]++
		}
	}
	if len(has) != 7 || yes["female"] != 3 || yes["male"] != 1 {
		t.Fatalf("indicators %v %v", has, group)
	}
	// A free attribute: values sorted, unstated last.
	recs[0].Attributes = []Attr{{"学段", "小学"}}
	recs[1].Attributes = []Attr{{"学段", "初中"}}
	fr = Count(b, recs, segs, AttrPrefix+"学段")
	if len(fr.Groups) != 3 || fr.Groups[0].Value != "初中" || fr.Groups[1].Value != "小学" || fr.Groups[2] != (Group{"", 6}) {
		t.Fatalf("attribute groups %+v", fr.Groups)
	}
	if !ValidGrouping("attr:学段") || ValidGrouping("attr:") || ValidGrouping("nonsense") {
		t.Fatal("ValidGrouping")
	}
}

func FuzzResolve(f *testing.F) {
	f.Add("问：您好😀。\n答：好。", "好", 0, 1, 3, true)
	f.Add("abc", "b", 2, 0, 0, false)
	f.Fuzz(func(t *testing.T, text, quote string, occ, start, end int, offsets bool) {
		if !utf8.ValidString(text) {
			return
		}
		sel := Selection{Quote: quote, Occurrence: occ}
		if offsets {
			sel.Start, sel.End = &start, &end
		}
		sp, err := Resolve(text, sel)
		if err != nil {
			if _, ok := apperr.As(err); !ok {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		got, ok := Slice(text, sp.Start, sp.End)
		if !ok || strings.TrimSpace(got) != got || got == "" {
			t.Fatalf("span %v gives %q", sp, got)
		}
	})
}

func FuzzParseQuestions(f *testing.F) {
	f.Add("1. 问题\n- 追问\n（2）另一个")
	f.Fuzz(func(t *testing.T, text string) {
		qs := ParseQuestions(text)
		for _, q := range qs {
			if strings.Contains(q.Text, "\n") {
				t.Fatalf("question spans lines: %q", q.Text)
			}
		}
	})
}
