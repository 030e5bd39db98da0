package doctext

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

func extract(t *testing.T, data []byte) (string, error) {
	t.Helper()
	s, ok := resource.Sniff(data[:min(len(data), resource.SniffBytes)])
	if !ok {
		t.Fatalf("Sniff refused the file")
	}
	ctype := s.ContentType
	if s.Container != "" {
		_, ct, err := Inspect(bytes.NewReader(data), int64(len(data)), s.Container)
		if err != nil {
			t.Fatalf("Inspect: %v", err)
		}
		ctype = ct
	}
	return Extract(context.Background(), bytes.NewReader(data), int64(len(data)), ctype)
}

func TestExtract(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		want []string
	}{
		{"pdf", testkit.PDF("小学数学课例研修", "Lesson study PPT"), []string{"小学数学课例研修", "Lesson", "study", "PPT"}},
		{"docx", testkit.DOCX("教学目标：理解分数", "板书设计 & <要点>"), []string{"教学目标：理解分数\n板书设计 & <要点>"}},
		{"pptx", testkit.PPTX("第一页 导入", "第二页 新授", "3", "4", "5", "6", "7", "8", "9", "第十页 小结"),
			[]string{"第一页 导入\n第二页 新授\n3", "9\n第十页 小结"}},
		{"xlsx", testkit.XLSX("姓名", "成绩", "数学"), []string{"姓名\n成绩\n数学"}},
	}
	for _, c := range cases {
		got, err := extract(t, c.data)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: text %q lacks %q", c.name, got, w)
			}
		}
	}
}

func TestInspect(t *testing.T) {
	for _, c := range []struct {
		data   []byte
		format resource.Format
	}{{testkit.DOCX("x"), resource.Word}, {testkit.PPTX("x"), resource.PowerPoint}, {testkit.XLSX("x"), resource.Spreadsheet}} {
		f, ct, err := Inspect(bytes.NewReader(c.data), int64(len(c.data)), resource.ZipOffice)
		if err != nil || f != c.format || ct != resource.OOXMLTypes[c.format] {
			t.Errorf("Inspect = %s %s %v, want %s", f, ct, err, c.format)
		}
	}
	z := testkit.Zip()
	if _, _, err := Inspect(bytes.NewReader(z), int64(len(z)), resource.ZipOffice); err == nil {
		t.Error("an ordinary zip passed as an Office document")
	}
	junk := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...)
	if _, _, err := Inspect(bytes.NewReader(junk), int64(len(junk)), resource.OLEOffice); err == nil {
		t.Error("a broken OLE file passed")
	}
}

// Broken files fail with an error, never a panic or a hang.
func TestExtractBrokenFiles(t *testing.T) {
	pdf := testkit.PDF("数学")
	docx := testkit.DOCX("数学")
	for name, c := range map[string]struct {
		data  []byte
		ctype string
	}{
		"truncated pdf":    {pdf[:len(pdf)/2], "application/pdf"},
		"garbage pdf":      {append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("obj<<>>stream"), 100)...), "application/pdf"},
		"truncated docx":   {docx[:len(docx)-30], resource.OOXMLTypes[resource.Word]},
		"docx without doc": {testkit.XLSX("x"), resource.OOXMLTypes[resource.Word]},
		"not a zip":        {[]byte("PK\x03\x04 nothing"), resource.OOXMLTypes[resource.PowerPoint]},
	} {
		if _, err := Extract(context.Background(), bytes.NewReader(c.data), int64(len(c.data)), c.ctype); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := Extract(context.Background(), bytes.NewReader([]byte("x")), 1, "image/png"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("image: %v", err)
	}
}

// Without pdftotext, a PDF's text is reported unreadable with a reason that
// names the package to install; the resource itself is unaffected.
func TestExtractWithoutPDFReader(t *testing.T) {
	was := PDFToText
	PDFToText = "yanxiu-no-such-program"
	defer func() { PDFToText = was }()
	data := testkit.PDF("数学")
	if _, err := Extract(context.Background(), bytes.NewReader(data), int64(len(data)), "application/pdf"); !errors.Is(err, ErrNoPDFReader) {
		t.Errorf("without pdftotext: %v", err)
	}
}

func FuzzExtract(f *testing.F) {
	f.Add(testkit.PDF("数学"), "application/pdf")
	f.Add(testkit.DOCX("数学"), resource.OOXMLTypes[resource.Word])
	f.Fuzz(func(t *testing.T, data []byte, ctype string) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			Extract(context.Background(), bytes.NewReader(data), int64(len(data)), ctype) // must not panic
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second): // nor hang
			t.Fatalf("Extract(%q) did not return", ctype)
		}
	})
}
