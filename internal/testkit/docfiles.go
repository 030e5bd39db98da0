package testkit

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
)

// Small, real files for tests of uploads, type sniffing and text
// extraction, generated rather than checked in so that their content is
// visible in the test that uses them.

// PDF returns a one-page PDF whose text is lines, Chinese included: every
// character is drawn with an Identity-H font whose ToUnicode map gives the
// text back, as PDFs written by Word or WPS do.
func PDF(lines ...string) []byte {
	text := strings.Join(lines, " ")
	cids := map[rune]int{}
	var order []rune
	var shown strings.Builder
	for _, r := range text {
		if _, ok := cids[r]; !ok {
			cids[r] = len(cids) + 1
			order = append(order, r)
		}
		fmt.Fprintf(&shown, "%04X", cids[r])
	}
	var cmap strings.Builder
	cmap.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	fmt.Fprintf(&cmap, "%d beginbfchar\n", len(order))
	for _, r := range order {
		fmt.Fprintf(&cmap, "<%04X> <%04X>\n", cids[r], r)
	}
	cmap.WriteString("endbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend end")

	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n")
	offsets := make([]int, 8)
	obj := func(n int, body string) {
		offsets[n] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, body)
	}
	stream := func(n int, content string) {
		obj(n, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
	}
	obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>")
	stream(4, "BT /F1 12 Tf 50 800 Td <"+shown.String()+"> Tj ET")
	obj(5, "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H /DescendantFonts [7 0 R] /ToUnicode 6 0 R >>")
	stream(6, cmap.String())
	obj(7, "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> >>")
	xref := b.Len()
	b.WriteString("xref\n0 8\n0000000000 65535 f \n")
	for n := 1; n <= 7; n++ {
		fmt.Fprintf(&b, "%010d 00000 n \n", offsets[n])
	}
	fmt.Fprintf(&b, "trailer\n<< /Size 8 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

// zipFile writes a zip archive of the given entries, in order.
func zipFile(entries ...[2]string) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, e := range entries {
		w, err := z.Create(e[0])
		if err != nil {
			panic(err)
		}
		w.Write([]byte(e[1]))
	}
	if err := z.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

const contentTypes = `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"></Types>`

func xmlEscape(s string) string {
	var b bytes.Buffer
	if err := xmlEscapeTo(&b, s); err != nil {
		panic(err)
	}
	return b.String()
}

// DOCX returns a Word document with one paragraph per argument.
func DOCX(paragraphs ...string) []byte {
	var body strings.Builder
	for _, p := range paragraphs {
		body.WriteString(`<w:p><w:r><w:t>` + xmlEscape(p) + `</w:t></w:r></w:p>`)
	}
	return zipFile([2]string{"[Content_Types].xml", contentTypes}, [2]string{"_rels/.rels", "<Relationships/>"},
		[2]string{"word/document.xml", `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
			body.String() + `</w:body></w:document>`})
}

// PPTX returns a presentation with one slide per argument. The slides are
// stored last first, so that a reader must order them by number.
func PPTX(slides ...string) []byte {
	entries := [][2]string{{"[Content_Types].xml", contentTypes}, {"ppt/presentation.xml", "<p:presentation/>"}}
	for i := len(slides) - 1; i >= 0; i-- {
		entries = append(entries, [2]string{fmt.Sprintf("ppt/slides/slide%d.xml", i+1),
			`<p:sld xmlns:p="p" xmlns:a="a"><a:p><a:r><a:t>` + xmlEscape(slides[i]) + `</a:t></a:r></a:p></p:sld>`})
	}
	return zipFile(entries...)
}

// XLSX returns a workbook whose shared strings are cells.
func XLSX(cells ...string) []byte {
	var sst strings.Builder
	for _, c := range cells {
		sst.WriteString("<si><t>" + xmlEscape(c) + "</t></si>")
	}
	return zipFile([2]string{"[Content_Types].xml", contentTypes}, [2]string{"xl/workbook.xml", "<workbook/>"},
		[2]string{"xl/sharedStrings.xml", `<sst xmlns="x">` + sst.String() + `</sst>`})
}

// Zip returns an ordinary zip archive, which is not an Office document.
func Zip() []byte {
	return zipFile([2]string{"readme.txt", "hello"}, [2]string{"setup.exe", "MZ"})
}

// PNG returns a small picture.
func PNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{200, 30, 30, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func xmlEscapeTo(b *bytes.Buffer, s string) error { return xml.EscapeText(b, []byte(s)) }
