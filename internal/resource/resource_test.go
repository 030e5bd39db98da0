package resource

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

func fieldsOf(t *testing.T, err error) map[string]apperr.FieldError {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != apperr.Invalid {
		t.Fatalf("error %v, want an invalid-input error", err)
	}
	return e.Fields
}

func TestValidate(t *testing.T) {
	good := func() Input {
		return Input{Title: "  一元一次方程 课件 ", Meta: Meta{Subject: "math", Grade: "g7", Type: TypeCourseware,
			Tags: []string{"方程，教研", "PPT", "ppt"}, Licence: CCBY}, Visibility: VisPublic}
	}
	in := good()
	if err := in.Validate(File, false); err != nil {
		t.Fatalf("good input refused: %v", err)
	}
	if in.Title != "一元一次方程 课件" || !slices.Equal(in.Tags, []string{"方程", "教研", "PPT"}) {
		t.Errorf("not normalised: %q %q", in.Title, in.Tags)
	}
	cases := map[string]struct {
		kind  Kind
		edit  func(*Input)
		field string
	}{
		"title required":       {File, func(i *Input) { i.Title = "  " }, "title"},
		"title too long":       {File, func(i *Input) { i.Title = strings.Repeat("课", MaxTitle+1) }, "title"},
		"title control":        {File, func(i *Input) { i.Title = "a\x07b" }, "title"},
		"unknown subject":      {File, func(i *Input) { i.Subject = "alchemy" }, "subject"},
		"unknown grade":        {File, func(i *Input) { i.Grade = "g13" }, "grade"},
		"unknown type":         {File, func(i *Input) { i.Type = "poster" }, "type"},
		"unknown licence":      {File, func(i *Input) { i.Licence = "gpl" }, "licence"},
		"bad visibility":       {File, func(i *Input) { i.Visibility = "friends" }, "visibility"},
		"community outside":    {File, func(i *Input) { i.Visibility = VisCommunity }, "visibility"},
		"too many tags":        {File, func(i *Input) { i.Tags = strings.Fields("a b c d e f g h i j k") }, "tags"},
		"long tag":             {File, func(i *Input) { i.Tags = []string{strings.Repeat("标", MaxTag+1)} }, "tags"},
		"link needs url":       {Link, func(i *Input) { i.URL = "" }, "url"},
		"javascript link":      {Link, func(i *Input) { i.URL = "javascript:alert(1)" }, "url"},
		"link with password":   {Link, func(i *Input) { i.URL = "https://u:p@example.org/" }, "url"},
		"document needs type":  {Document, func(i *Input) { i.DocType = "novel" }, "doc_type"},
		"chapter too long":     {File, func(i *Input) { i.Chapter = strings.Repeat("章", MaxChapter+1) }, "chapter"},
		"description too long": {File, func(i *Input) { i.Description = strings.Repeat("x", MaxDescription+1) }, "description"},
	}
	for name, c := range cases {
		in := good()
		c.edit(&in)
		f := fieldsOf(t, in.Validate(c.kind, false))
		if _, ok := f[c.field]; !ok {
			t.Errorf("%s: fields %v, want %s", name, f, c.field)
		}
	}
	in = good()
	in.Visibility = VisCommunity
	if err := in.Validate(File, true); err != nil {
		t.Errorf("community visibility inside a community: %v", err)
	}
	link := good()
	link.URL = " https://www.example.org/课例?id=1 "
	if err := link.Validate(Link, false); err != nil || !strings.HasPrefix(link.URL, "https://www.example.org/") {
		t.Errorf("link: %q %v", link.URL, err)
	}
}

func TestCheckFileName(t *testing.T) {
	for _, ok := range []string{"教案.docx", " 第一课 课件.pptx ", "a.b.c.pdf", "..hidden"} {
		if _, key := CheckFileName(ok); key != "" {
			t.Errorf("%q refused: %s", ok, key)
		}
	}
	bad := map[string]string{
		"":                                 "resource.error.file_name_missing",
		"../etc/passwd":                    "resource.error.file_name_path",
		`C:\Users\a.docx`:                  "resource.error.file_name_path",
		"a/b.pdf":                          "resource.error.file_name_path",
		"bad\x00name.pdf":                  "resource.error.file_name_bad",
		"line\nbreak.pdf":                  "resource.error.file_name_bad",
		"rtl\u202Efdp.exe":                 "resource.error.file_name_bad",
		"..":                               "resource.error.file_name_bad",
		"\xff\xfe.pdf":                     "resource.error.file_name_bad",
		strings.Repeat("长", MaxFileName+1): "resource.error.file_name_long",
	}
	for name, want := range bad {
		if _, key := CheckFileName(name); key != want {
			t.Errorf("CheckFileName(%q) = %q, want %q", name, key, want)
		}
	}
}

func TestSniff(t *testing.T) {
	pad := func(b []byte) []byte { return append(b, bytes.Repeat([]byte{0}, 64)...) }
	odt := append(append([]byte("PK\x03\x04"), make([]byte, 26)...), []byte("mimetypeapplication/vnd.oasis.opendocument.text")...)
	cases := []struct {
		name      string
		head      []byte
		format    Format
		container Container
		ok        bool
	}{
		{"pdf", []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj"), PDF, "", true},
		{"png", pad([]byte("\x89PNG\r\n\x1a\n")), Image, "", true},
		{"jpeg", pad([]byte("\xFF\xD8\xFF\xE0")), Image, "", true},
		{"mp4", pad([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")), Video, "", true},
		{"m4a", pad([]byte("\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00")), Audio, "", true},
		{"mp3 id3", pad([]byte("ID3\x03\x00\x00\x00")), Audio, "", true},
		{"mp3 frame", pad([]byte{0xFF, 0xFB, 0x90, 0x64}), Audio, "", true},
		{"webm", pad([]byte("\x1A\x45\xDF\xA3\x01\x00\x00\x00\x00\x00\x00\x1F\x42\x86\x81\x01\x42\xF7\x81\x01\x42\xF2\x81\x04\x42\xF3\x81\x08\x42\x82\x84webm")), Video, "", true},
		{"ooxml", pad([]byte("PK\x03\x04\x14\x00\x06\x00")), "", ZipOffice, true},
		{"ole", pad([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}), "", OLEOffice, true},
		{"odt", odt, Word, "", true},
		{"exe", pad([]byte("MZ\x90\x00")), "", "", false},
		{"elf", pad([]byte("\x7fELF\x02\x01")), "", "", false},
		{"html", []byte("<!DOCTYPE html><html><script>alert(1)</script>"), "", "", false},
		{"svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>`), "", "", false},
		{"text", []byte("只是一段文字"), "", "", false},
		{"utf16 text", []byte{0xFF, 0xFE, 0x41, 0x00}, "", "", false},
		{"gzip", pad([]byte("\x1f\x8b\x08")), "", "", false},
		{"empty", nil, "", "", false},
	}
	for _, c := range cases {
		s, ok := Sniff(c.head)
		if ok != c.ok || s.Format != c.format || s.Container != c.container {
			t.Errorf("%s: Sniff = %+v %v, want %s/%s %v", c.name, s, ok, c.format, c.container, c.ok)
		}
		if ok && c.container == "" && s.ContentType == "" {
			t.Errorf("%s: no content type", c.name)
		}
	}
}

func TestBody(t *testing.T) {
	b, err := NewBody(LessonPlan, map[string]string{"process": "导入\r\n新授  \n", "objectives": "会解方程"})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, s := range b {
		keys = append(keys, s.Key)
	}
	if !slices.Equal(keys, LessonPlan.Sections()) || b.Text("process") != "导入\n新授" {
		t.Fatalf("body = %+v", b)
	}
	back, err := DecodeBody(b.Encode())
	if err != nil || !slices.Equal(back, b) {
		t.Fatalf("round trip: %+v %v", back, err)
	}
	if _, err := NewBody(LessonPlan, map[string]string{"body": "x"}); err == nil {
		t.Error("a lesson plan took a section its template lacks")
	}
	if _, err := NewBody(Reflection, map[string]string{"body": strings.Repeat("字", MaxSectionText+1)}); err == nil {
		t.Error("oversized section accepted")
	}
	if !strings.Contains(b.PlainText(), "会解方程") {
		t.Error("plain text lacks a section")
	}
}

func TestQueryTerms(t *testing.T) {
	cases := map[string][]string{
		"数学":          {"数学"},
		"课例研修":        {"课例", "例研", "研修"},
		"PPT 课件":      {"ppt", "课件"},
		"ＰＰＴ课件":       {"ppt", "课件"},
		"3D打印 Python": {"3d", "打印", "python"},
		"数":           {"数"},
		"教研，教研":       {"教研"},
		"  !!! ":      nil,
		"Ｇｅｏｇｅｂｒａ 函数": {"geogebra", "函数"},
	}
	for q, want := range cases {
		if got := QueryTerms(q); !slices.Equal(got, want) {
			t.Errorf("QueryTerms(%q) = %q, want %q", q, got, want)
		}
	}
	if n := len(QueryTerms("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未")); n != MaxQueryTerms {
		t.Errorf("long query kept %d terms", n)
	}
}

func TestIndexTermsCoverEveryQuery(t *testing.T) {
	text := "小学数学课例研修：用PPT课件讲分数，教研组反思。"
	idx := IndexTerms(text)
	for _, q := range []string{"数学", "课例", "教研", "PPT 课件", "分数", "思", "学", "反思 ppt"} {
		for _, term := range QueryTerms(q) {
			if idx.TF[term] == 0 {
				t.Errorf("query %q term %q not in the index of %q", q, term, text)
			}
		}
	}
	if idx.TF["数学"] != 1 || idx.TF["学"] != 2 || idx.TF["ppt"] != 1 {
		t.Errorf("frequencies %v", idx.TF)
	}
	if idx.TF["学课"] == 0 {
		t.Error("bigrams overlap across word boundaries inside a run")
	}
	if idx.TF["数课"] != 0 {
		t.Error("a bigram skipped a character")
	}
}

func TestScorerRanksTitleAboveBody(t *testing.T) {
	stats := IndexStats{Docs: 10, TotalLen: [NumFields]int64{50, 100, 1000}}
	s := NewScorer(stats, map[string]int64{"教研": 2})
	title := s.Score([]Posting{{1, "教研", FieldTitle, 1}}, [NumFields]int{5, 10, 100})
	body := s.Score([]Posting{{2, "教研", FieldBody, 1}}, [NumFields]int{5, 10, 100})
	if !(title > body && body > 0) {
		t.Errorf("title %v, body %v", title, body)
	}
	rare := NewScorer(stats, map[string]int64{"教研": 1}).Score([]Posting{{1, "教研", FieldBody, 1}}, [NumFields]int{5, 10, 100})
	if rare <= body {
		t.Errorf("a rarer term does not score higher: %v <= %v", rare, body)
	}
}

// FuzzUploadNameAndMeta feeds arbitrary names and metadata through the
// checks: they must never panic, never accept a name that could leave its
// folder, and keep every accepted value within its limits.
func FuzzUploadNameAndMeta(f *testing.F) {
	f.Add("教案.docx", "课件", "数学,教研", "https://example.org")
	f.Add("../../x", "\x00", "a\u202eb", "javascript:alert(1)")
	f.Fuzz(func(t *testing.T, name, title, tags, link string) {
		if n, key := CheckFileName(name); key == "" {
			if strings.ContainsAny(n, "/\\\x00") || n == "." || n == ".." || !utf8.ValidString(n) ||
				utf8.RuneCountInString(n) > MaxFileName {
				t.Errorf("accepted name %q", n)
			}
		}
		in := Input{Title: title, Meta: Meta{Tags: []string{tags}}, Visibility: VisPublic, URL: link}
		if err := in.Validate(Link, false); err == nil {
			if utf8.RuneCountInString(in.Title) > MaxTitle || len(in.Tags) > MaxTags ||
				!(strings.HasPrefix(in.URL, "http://") || strings.HasPrefix(in.URL, "https://")) {
				t.Errorf("accepted %+v", in)
			}
		}
		QueryTerms(title)
		IndexTerms(tags)
	})
}
