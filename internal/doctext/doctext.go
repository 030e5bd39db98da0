// Package doctext looks inside uploaded documents: it tells Office files
// apart by their container's directory (a .docx, a .pptx and a .xlsx are
// all zip archives; a .doc, a .ppt and a .xls are all OLE compound files),
// and it extracts their text for search: PDF through poppler's pdftotext
// in a child process under a deadline (see PDFToText), Office Open XML and
// OpenDocument with archive/zip and encoding/xml, which is all those
// formats are. Everything reads
// through an io.ReaderAt, so a file is never loaded whole, and every limit
// (entries, decompressed bytes, pages, characters) is bounded, so a zip
// bomb or a pathological PDF costs a bounded amount of work and fails
// with an error instead of taking the server down.
package doctext

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/richardlehane/mscfb"

	"github.com/yanxiu/yanxiu/internal/resource"
)

// Limits of extraction.
const (
	// MaxRunes is the most text kept from one file; the index reads only
	// the beginning anyway (resource.MaxIndexedRunes).
	MaxRunes = 100_000
	// maxEntryBytes bounds the decompressed size read from one zip entry.
	maxEntryBytes = 64 << 20
	// maxParts bounds the slides or sheets read.
	maxParts = 500
	// maxPages bounds the PDF pages read.
	maxPages = 300
)

// ErrUnsupported means the format has no text extraction (legacy OLE
// Office files, pictures, sound, video).
var ErrUnsupported = errors.New("doctext: no text extraction for this format")

// Inspect decides which Office format a container holds, from its
// directory. A zip or OLE file that holds no Word, PowerPoint or Excel
// part (an ordinary archive, a renamed .jar) is refused.
func Inspect(r io.ReaderAt, size int64, c resource.Container) (resource.Format, string, error) {
	switch c {
	case resource.ZipOffice:
		z, err := openZip(r, size)
		if err != nil {
			return "", "", fmt.Errorf("doctext: read zip directory: %w", err)
		}
		names := map[string]bool{}
		for _, f := range z.File {
			names[f.Name] = true
		}
		if !names["[Content_Types].xml"] {
			return "", "", errors.New("doctext: a zip archive, not an Office document")
		}
		for _, p := range []struct {
			part   string
			format resource.Format
		}{{"word/document.xml", resource.Word}, {"ppt/presentation.xml", resource.PowerPoint}, {"xl/workbook.xml", resource.Spreadsheet}} {
			if names[p.part] {
				return p.format, resource.OOXMLTypes[p.format], nil
			}
		}
		return "", "", errors.New("doctext: an Office container without a document, presentation or workbook")
	case resource.OLEOffice:
		doc, err := mscfb.New(r)
		if err != nil {
			return "", "", fmt.Errorf("doctext: read OLE directory: %w", err)
		}
		for i := 0; i < 10_000; i++ {
			e, err := doc.Next()
			if err != nil {
				break
			}
			var f resource.Format
			switch e.Name {
			case "WordDocument":
				f = resource.Word
			case "PowerPoint Document":
				f = resource.PowerPoint
			case "Workbook", "Book":
				f = resource.Spreadsheet
			default:
				continue
			}
			return f, resource.OLETypes[f], nil
		}
		return "", "", errors.New("doctext: an OLE file that is not a Word, PowerPoint or Excel file")
	}
	return "", "", fmt.Errorf("doctext: unknown container %q", c)
}

// Extract returns the text of a document, at most MaxRunes characters. A
// broken file gives an error, never a panic.
func Extract(ctx context.Context, r io.ReaderAt, size int64, contentType string) (text string, err error) {
	defer func() {
		if v := recover(); v != nil {
			text, err = "", fmt.Errorf("doctext: unreadable %s: %v", contentType, v)
		}
	}()
	var out string
	switch contentType {
	case "application/pdf":
		out, err = extractPDF(ctx, r, size)
	case resource.OOXMLTypes[resource.Word]:
		out, err = extractZipXML(ctx, r, size, func(name string) bool { return name == "word/document.xml" }, "p")
	case resource.OOXMLTypes[resource.PowerPoint]:
		out, err = extractZipXML(ctx, r, size, numbered("ppt/slides/slide"), "p")
	case resource.OOXMLTypes[resource.Spreadsheet]:
		out, err = extractZipXML(ctx, r, size, func(name string) bool { return name == "xl/sharedStrings.xml" }, "si")
	case "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.presentation",
		"application/vnd.oasis.opendocument.spreadsheet":
		out, err = extractZipXML(ctx, r, size, func(name string) bool { return name == "content.xml" }, "p")
	default:
		return "", ErrUnsupported
	}
	if err != nil {
		return "", err
	}
	return clip(out), nil
}

// clip normalises whitespace runs and cuts the text at MaxRunes.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }), "\n")
	if utf8.RuneCountInString(s) > MaxRunes {
		s = string([]rune(s)[:MaxRunes])
	}
	return strings.TrimSpace(s)
}

// numbered matches prefixN.xml parts (slides), which are then read in
// numeric order.
func numbered(prefix string) func(string) bool {
	return func(name string) bool {
		if !strings.HasPrefix(name, prefix) || path.Ext(name) != ".xml" {
			return false
		}
		_, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(name, prefix), ".xml"))
		return err == nil
	}
}

func partNumber(name string) int {
	base := strings.TrimSuffix(path.Base(name), ".xml")
	i := strings.LastIndexFunc(base, func(r rune) bool { return r < '0' || r > '9' })
	n, _ := strconv.Atoi(base[i+1:])
	return n
}

// extractZipXML reads the character data of the zip entries that want
// selects, with a line break after every element named brk (a paragraph,
// a shared string).
func extractZipXML(ctx context.Context, r io.ReaderAt, size int64, want func(string) bool, brk string) (string, error) {
	z, err := openZip(r, size)
	if err != nil {
		return "", fmt.Errorf("doctext: read zip: %w", err)
	}
	var parts []*zip.File
	seen := map[string]bool{}
	for _, f := range z.File {
		// A crafted zip may repeat one name thousands of times to have
		// the same large part decompressed and parsed over and over.
		if want(f.Name) && !seen[f.Name] {
			seen[f.Name] = true
			parts = append(parts, f)
		}
	}
	if len(parts) == 0 {
		return "", errors.New("doctext: the document has no text part")
	}
	slices.SortFunc(parts, func(a, b *zip.File) int { return partNumber(a.Name) - partNumber(b.Name) })
	var b strings.Builder
	for i, f := range parts {
		if i >= maxParts || b.Len() > 4*MaxRunes {
			break
		}
		if err := ctx.Err(); err != nil {
			return "", fmt.Errorf("doctext: %w", err)
		}
		rc, err := f.Open()
		if err != nil {
			return "", fmt.Errorf("doctext: open %s: %w", f.Name, err)
		}
		err = xmlText(ctx, &b, io.LimitReader(rc, maxEntryBytes), brk)
		rc.Close()
		if err != nil {
			return "", fmt.Errorf("doctext: read %s: %w", f.Name, err)
		}
	}
	return b.String(), nil
}

// maxXMLDepth bounds element nesting: the decoder keeps a stack entry per
// open element, so 64 MiB of nested tags would cost gigabytes. Real
// documents nest a few dozen levels.
const maxXMLDepth = 256

// ctxCheckTokens is how many tokens xmlText reads between looks at its
// context.
const ctxCheckTokens = 4096

// ErrTooDeep means an XML part nests elements deeper than maxXMLDepth.
var ErrTooDeep = errors.New("doctext: XML nested too deeply")

// xmlText appends the character data of an XML stream to b. It stops when
// ctx ends, so a timed-out extraction job does not keep parsing.
func xmlText(ctx context.Context, b *strings.Builder, r io.Reader, brk string) error {
	dec := xml.NewDecoder(r)
	dec.Strict = false
	depth := 0
	for n := 1; b.Len() <= 4*MaxRunes; n++ {
		if n%ctxCheckTokens == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(bytes.TrimRight(t, "\x00"))
		case xml.StartElement:
			if depth++; depth > maxXMLDepth {
				return ErrTooDeep
			}
			if t.Name.Local == "tab" || t.Name.Local == "s" {
				b.WriteByte(' ')
			}
		case xml.EndElement:
			depth--
			if t.Name.Local == brk {
				b.WriteByte('\n')
			}
		}
	}
	return nil
}

// PDFToText is the program that reads PDF text: poppler's pdftotext
// (Debian's poppler-utils), as Moodle's global search uses it. A PDF is a
// hostile format; the pure-Go readers we tried loop for ever or allocate
// gigabytes on truncated or cyclic files, found by fuzzing within seconds,
// and a goroutine stuck in a loop cannot be stopped. A child process can:
// it runs under a deadline and is killed when the deadline passes, and
// poppler is the reader every Linux desktop trusts with Chinese PDFs.
var PDFToText = "pdftotext"

// pdfTimeout bounds one PDF's extraction.
const pdfTimeout = time.Minute

// ErrNoPDFReader means pdftotext is not installed: PDFs are then stored and
// found by title and description, but not by their text.
var ErrNoPDFReader = errors.New("doctext: pdftotext (Debian package poppler-utils) is not installed")

// extractPDF copies the PDF to a temporary file (pdftotext needs to seek)
// and reads the text of at most maxPages pages from the child's output,
// keeping at most what clip would keep.
func extractPDF(ctx context.Context, r io.ReaderAt, size int64) (string, error) {
	bin, err := exec.LookPath(PDFToText)
	if err != nil {
		return "", ErrNoPDFReader
	}
	f, err := os.CreateTemp("", "yanxiu-pdf-*.pdf")
	if err != nil {
		return "", fmt.Errorf("doctext: temporary file: %w", err)
	}
	defer os.Remove(f.Name())
	_, err = io.Copy(f, io.NewSectionReader(r, 0, size))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("doctext: copy pdf: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, pdfTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-q", "-enc", "UTF-8", "-l", strconv.Itoa(maxPages), f.Name(), "-")
	var out limitedBuffer
	out.max = 4 * 4 * MaxRunes // bytes: UTF-8 Chinese is three per rune, with room for spaces clip drops
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil && !out.full {
		if ctx.Err() != nil {
			return "", fmt.Errorf("doctext: pdftotext took longer than %v", pdfTimeout)
		}
		return "", fmt.Errorf("doctext: read pdf: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return strings.ToValidUTF8(out.String(), ""), nil
}

// limitedBuffer keeps the first max bytes written to it and then fails the
// writes, which stops the child (it gets EPIPE) once enough text has come.
type limitedBuffer struct {
	bytes.Buffer
	max  int
	full bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); len(p) > room {
		b.Buffer.Write(p[:max(room, 0)])
		b.full = true
		return 0, errors.New("enough text")
	}
	return b.Buffer.Write(p)
}
