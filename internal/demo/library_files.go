package demo

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"strings"
	"time"
)

// Small generated files for the library: a Word document that Word, WPS
// and the platform's own text extraction read, and a picture of a board
// design. Both are built byte for byte the same from the same input, so
// the same seed stores the same blobs under the same keys.

// docxTime is the modification time written into the generated zips: a
// fixed one keeps their bytes, and so their keys, the same from run to run.
var docxTime = time.Date(2025, 9, 1, 8, 0, 0, 0, time.UTC)

const docxContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`</Types>`

const docxRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`</Relationships>`

// makeDOCX writes a minimal Word document with one paragraph per line (a
// line with breaks becomes several paragraphs); the first is bold.
func makeDOCX(lines []string) []byte {
	var doc strings.Builder
	doc.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	first := true
	for _, l := range lines {
		for _, para := range strings.Split(l, "\n") {
			doc.WriteString("<w:p><w:r>")
			if first {
				doc.WriteString("<w:rPr><w:b/><w:sz w:val=\"32\"/></w:rPr>")
				first = false
			}
			doc.WriteString(`<w:t xml:space="preserve">`)
			xml.EscapeText(&doc, []byte(para)) //nolint:errcheck // a strings.Builder does not fail
			doc.WriteString("</w:t></w:r></w:p>")
		}
	}
	doc.WriteString(`<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>`)
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, part := range []struct{ name, body string }{
		{"[Content_Types].xml", docxContentTypes}, {"_rels/.rels", docxRels}, {"word/document.xml", doc.String()},
	} {
		f, err := z.CreateHeader(&zip.FileHeader{Name: part.name, Method: zip.Deflate, Modified: docxTime})
		if err != nil {
			panic(err) // writing to memory cannot fail
		}
		f.Write([]byte(part.body)) //nolint:errcheck // as above
	}
	if err := z.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// boardColours are the chalkboard and chalk colours of the pictures.
var boardColours = []color.Color{
	color.RGBA{0x2f, 0x4f, 0x3f, 0xff}, // board green
	color.RGBA{0xf5, 0xf5, 0xf0, 0xff}, // white chalk
	color.RGBA{0xf2, 0xd0, 0x5c, 0xff}, // yellow chalk
	color.RGBA{0xe8, 0x8a, 0x8a, 0xff}, // pink chalk
	color.RGBA{0x8c, 0xc8, 0xe8, 0xff}, // blue chalk
}

// makePNG draws a small picture of a board design: a title bar and boxes
// of chalk joined by lines, laid out at random.
func makePNG(r *rand.Rand, subject string) []byte {
	const w, h = 480, 320
	img := image.NewPaletted(image.Rect(0, 0, w, h), boardColours)
	// The palette's first colour is the board, which a new image already is.
	fill := func(x0, y0, x1, y1 int, c uint8) {
		for y := max(0, y0); y < min(h, y1); y++ {
			row := img.Pix[y*img.Stride : (y+1)*img.Stride]
			for x := max(0, x0); x < min(w, x1); x++ {
				row[x] = c
			}
		}
	}
	fill(140, 16, 340, 40, 1) // the title
	boxes := 3 + r.IntN(3)
	for i := range boxes {
		x := 20 + i*(440/boxes)
		y := 90 + r.IntN(120)
		c := uint8(1 + r.IntN(4))
		fill(x, y, x+440/boxes-20, y+3, c)     // top
		fill(x, y+40, x+440/boxes-20, y+43, c) // bottom
		fill(x, y, x+3, y+43, c)               // left
		fill(x+440/boxes-23, y, x+440/boxes-20, y+43, c)
		fill(x+20, y+16, x+440/boxes-40, y+26, 1) // a line of writing
		fill(x+(440/boxes-20)/2, 40, x+(440/boxes-20)/2+2, y, 2)
	}
	if len(subject)%2 == 0 { // some boards end with a summary line
		fill(60, 280, 420, 286, 2)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err) // encoding to memory cannot fail
	}
	return buf.Bytes()
}
