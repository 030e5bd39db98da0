package discussion

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

func TestParseMentions(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string
	}{
		{"plain", "@zhangwei 请看看", []string{"zhangwei"}},
		{"Chinese before and after", "谢谢@zhangwei老师的建议，也请@li.na看看", []string{"zhangwei", "li.na"}},
		{"full-width punctuation", "（@wang_fang）、@chen-jing。", []string{"wang_fang", "chen-jing"}},
		{"uppercase is folded, repeats once", "@ZhangWei and @zhangwei", []string{"zhangwei"}},
		{"sentence-final dot", "Thanks @zhangwei.", []string{"zhangwei"}},
		{"e-mail is not a mention", "写信给 li@school.cn 或 zhang@qq.com", nil},
		{"Latin letter before", "abc@zhangwei", nil},
		{"accented letter before", "café@zhangwei", nil},
		{"accented letter after", "@zhangé", nil},
		{"escaped", `\@zhangwei`, nil},
		{"url path", "https://example.com/@zhangwei", nil},
		{"too short", "@ab", nil},
		{"too long", "@" + strings.Repeat("a", 33), nil},
		{"must start with letter or digit", "@_hidden @.dot @-dash", nil},
		{"double at", "@@zhangwei @a@b", nil},
		{"inline code", "see `@zhangwei` and ``x @liuyang ` y`` but @chenjing", []string{"chenjing"}},
		{"unclosed backtick is text", "a ` @zhangwei", []string{"zhangwei"}},
		{"fenced code", "before @one1\n```go\n@two2\n```\n~~~\n@three\n~~~\nafter @four", []string{"one1", "four"}},
		{"unclosed fence swallows the rest", "```\n@zhangwei", nil},
		{"Markdown emphasis", "**@zhangwei** _@lina_", []string{"zhangwei"}},
		{"Japanese and Korean boundaries", "さん@tanaka、님@kimmin", []string{"tanaka", "kimmin"}},
		{"digits", "@2024teacher", []string{"2024teacher"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ParseMentions(tc.src); !slices.Equal(got, tc.want) {
				t.Fatalf("ParseMentions(%q) = %q, want %q", tc.src, got, tc.want)
			}
		})
	}
	var many strings.Builder
	for i := range 30 {
		many.WriteString(" @user" + string(rune('a'+i%26)) + string(rune('a'+i/26)))
	}
	if got := ParseMentions(many.String()); len(got) != MaxMentions {
		t.Fatalf("%d mentions kept, want the cap %d", len(got), MaxMentions)
	}
}

func FuzzParseMentions(f *testing.F) {
	for _, s := range []string{"@zhangwei", "谢谢@li.na老师", "`@x`", "```\n@a\n```", "a@b.c", "@@@", "\xff@abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		got := ParseMentions(src)
		if len(got) > MaxMentions {
			t.Fatalf("%d mentions", len(got))
		}
		seen := map[string]bool{}
		for _, n := range got {
			if !validName(n) || strings.ToLower(n) != n || strings.TrimFunc(n, func(r rune) bool { return r < 128 && isNameByte(byte(r)) }) != "" {
				t.Fatalf("invalid name %q from %q", n, src)
			}
			if seen[n] {
				t.Fatalf("%q twice", n)
			}
			seen[n] = true
			if !strings.Contains(strings.ToLower(src), "@"+n) {
				t.Fatalf("%q not in source %q", n, src)
			}
		}
	})
}

func TestArrange(t *testing.T) {
	// Posting order: 10 (topic), 11 → 10, 12 (topic), 13 → 11, 14 → 5 (earlier page), 15 → 12.
	page := []*Reply{{ID: 10}, {ID: 11, ParentID: 10}, {ID: 12}, {ID: 13, ParentID: 11}, {ID: 14, ParentID: 5}, {ID: 15, ParentID: 12}}
	got := Arrange(page, 50)
	type row struct {
		id            int64
		floor, indent int
		parentOnPage  bool
	}
	want := []row{{10, 51, 0, false}, {11, 52, 1, true}, {13, 54, 2, true}, {12, 53, 0, false}, {15, 56, 1, true}, {14, 55, 0, false}}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.ID != w.id || g.Floor != w.floor || g.Indent != w.indent || g.ParentOnPage != w.parentOnPage {
			t.Errorf("row %d = {%d %d %d %v}, want %v", i, g.ID, g.Floor, g.Indent, g.ParentOnPage, w)
		}
	}
	// A deep chain is indented at most MaxIndent.
	var chain []*Reply
	for i := int64(1); i <= 8; i++ {
		chain = append(chain, &Reply{ID: i, ParentID: i - 1})
	}
	rows := Arrange(chain, 0)
	if rows[7].Indent != MaxIndent || rows[0].Indent != 0 {
		t.Fatalf("indents %d..%d", rows[0].Indent, rows[7].Indent)
	}
}

func TestSniff(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	pdf := []byte("%PDF-1.7\n")
	zip := append([]byte("PK\x03\x04"), make([]byte, 30)...)
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 30)...)
	cases := []struct {
		head  []byte
		name  string
		ctype string
		ok    bool
	}{
		{png, "photo.png", "image/png", true},
		{png, "photo.docx", "image/png", true},
		{[]byte("\xff\xd8\xff\xe0\x00\x10JFIF"), "课堂.jpg", "image/jpeg", true},
		{pdf, "教案.pdf", "application/pdf", true},
		{zip, "教案.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", true},
		{zip, "成绩.XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", true},
		{zip, "archive.zip", "", false},
		{zip, "evil.doc", "", false},
		{ole, "旧教案.doc", "application/msword", true},
		{ole, "table.xls", "application/vnd.ms-excel", true},
		{ole, "x.docx", "", false},
		{[]byte("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"), "a.svg", "", false},
		{[]byte("<html><script>alert(1)</script>"), "a.pdf", "", false},
		{[]byte("#!/bin/sh\nrm -rf /"), "run.docx", "", false},
		{nil, "empty.pdf", "", false},
	}
	for _, tc := range cases {
		ctype, ok := Sniff(tc.head, tc.name)
		if ctype != tc.ctype || ok != tc.ok {
			t.Errorf("Sniff(%q) = %q %v, want %q %v", tc.name, ctype, ok, tc.ctype, tc.ok)
		}
	}
}

func TestCleanFileName(t *testing.T) {
	long := strings.Repeat("长", 200) + ".pdf"
	cases := map[string]string{
		"../../etc/passwd":   "passwd",
		`C:\Users\李\教案.docx`: "教案.docx",
		"a\x00b\u202e.pdf":   "ab.pdf",
		"   ":                "file",
		"..":                 "file",
		"\xff\xfe":           "file",
		"第一课 课件.pptx":        "第一课 课件.pptx",
		".hidden":            "hidden",
	}
	for in, want := range cases {
		if got := CleanFileName(in); got != want {
			t.Errorf("CleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
	got := CleanFileName(long)
	if utf8.RuneCountInString(got) != MaxFileName || !strings.HasSuffix(got, ".pdf") {
		t.Errorf("long name cut to %d runes: %q", utf8.RuneCountInString(got), got)
	}
}

func TestValidate(t *testing.T) {
	fieldOf := func(err error) []string {
		e, _ := apperr.As(err)
		if e == nil {
			return nil
		}
		var fs []string
		for f := range e.Fields {
			fs = append(fs, f)
		}
		slices.Sort(fs)
		return fs
	}
	ti := TopicInput{Title: "  ", Body: ""}
	if got := fieldOf(ti.Validate()); !slices.Equal(got, []string{"body", "title"}) {
		t.Errorf("empty topic: %v", got)
	}
	ti = TopicInput{Title: " 大单元教学 ", Body: " 如何设计？ "}
	if err := ti.Validate(); err != nil || ti.Title != "大单元教学" || ti.Body != "如何设计？" {
		t.Errorf("good topic: %v %q %q", err, ti.Title, ti.Body)
	}
	ti = TopicInput{Title: strings.Repeat("题", MaxTitle+1), Body: strings.Repeat("长", MaxTopicBody+1)}
	if got := fieldOf(ti.Validate()); !slices.Equal(got, []string{"body", "title"}) {
		t.Errorf("long topic: %v", got)
	}
	ri := ReplyInput{Body: strings.Repeat("字", MaxReplyBody), ParentID: -1}
	if got := fieldOf(ri.Validate()); !slices.Equal(got, []string{"parent"}) {
		t.Errorf("reply: %v", got)
	}
	ei := EditInput{Title: "", Body: "x"}
	if err := ei.Validate(ReplyPost); err != nil {
		t.Errorf("reply edit needs no title: %v", err)
	}
	if got := fieldOf(ei.Validate(TopicPost)); !slices.Equal(got, []string{"title"}) {
		t.Errorf("topic edit: %v", got)
	}
	for _, tc := range []struct {
		in   ReportInput
		want []string
	}{
		{ReportInput{Reason: "spam"}, nil},
		{ReportInput{Reason: "other"}, []string{"note"}},
		{ReportInput{Reason: "because"}, []string{"reason"}},
		{ReportInput{Reason: "abuse", Note: strings.Repeat("x", MaxReportNote+1)}, []string{"note"}},
	} {
		if got := fieldOf(tc.in.Validate()); !slices.Equal(got, tc.want) {
			t.Errorf("report %+v: %v, want %v", tc.in, got, tc.want)
		}
	}
	bi := BoardInput{Name: strings.Repeat("板", MaxBoardName+1)}
	if got := fieldOf(bi.Validate()); !slices.Equal(got, []string{"name"}) {
		t.Errorf("board: %v", got)
	}
	if Pages(0) != 1 || Pages(50) != 1 || Pages(51) != 2 || Pages(5000) != 100 || PageOf(49) != 1 || PageOf(50) != 2 {
		t.Error("page arithmetic")
	}
}
