package doctext

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/resource"
)

// zipOf builds a zip from name/content pairs, names possibly repeated.
func zipOf(t *testing.T, parts ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(parts); i += 2 {
		w, err := zw.Create(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(parts[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestExtractRefusesDeepNesting(t *testing.T) {
	n := maxXMLDepth + 10
	doc := strings.Repeat("<a>", n) + "深" + strings.Repeat("</a>", n)
	data := zipOf(t, "word/document.xml", doc)
	_, err := Extract(context.Background(), bytes.NewReader(data), int64(len(data)), resource.OOXMLTypes[resource.Word])
	if !errors.Is(err, ErrTooDeep) {
		t.Fatalf("nesting %d: err = %v, want ErrTooDeep", n, err)
	}
	ok := strings.Repeat("<a>", maxXMLDepth-1) + "浅" + strings.Repeat("</a>", maxXMLDepth-1)
	data = zipOf(t, "word/document.xml", ok)
	if got, err := Extract(context.Background(), bytes.NewReader(data), int64(len(data)), resource.OOXMLTypes[resource.Word]); err != nil || got != "浅" {
		t.Fatalf("nesting %d: %q %v", maxXMLDepth-1, got, err)
	}
}

func TestExtractSkipsDuplicateParts(t *testing.T) {
	slide := "<p:sld><a:p>重复页</a:p></p:sld>"
	data := zipOf(t, "ppt/slides/slide1.xml", slide, "ppt/slides/slide1.xml", slide, "ppt/slides/slide1.xml", slide)
	got, err := Extract(context.Background(), bytes.NewReader(data), int64(len(data)), resource.OOXMLTypes[resource.PowerPoint])
	if err != nil {
		t.Fatal(err)
	}
	if c := strings.Count(got, "重复页"); c != 1 {
		t.Errorf("a part repeated 3 times was read %d times: %q", c, got)
	}
}

func TestExtractStopsWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data := zipOf(t, "word/document.xml", "<w:p>文字</w:p>")
	if _, err := Extract(ctx, bytes.NewReader(data), int64(len(data)), resource.OOXMLTypes[resource.Word]); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before the first part: %v", err)
	}
	// Within one long part, too.
	var b strings.Builder
	err := xmlText(ctx, &b, strings.NewReader(strings.Repeat("<x/>", 3*ctxCheckTokens)), "p")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled within a part: %v", err)
	}
}
