package resource

import (
	"bytes"
	"net/http"
	"slices"
)

// Format is what an uploaded file is, decided from its bytes.
type Format string

// The file formats accepted.
const (
	Word        Format = "word"
	PowerPoint  Format = "powerpoint"
	Spreadsheet Format = "spreadsheet"
	PDF         Format = "pdf"
	Image       Format = "image"
	Audio       Format = "audio"
	Video       Format = "video"
)

// Formats lists them for facets.
var Formats = []Format{Word, PowerPoint, Spreadsheet, PDF, Image, Audio, Video}

// Valid reports whether f is known.
func (f Format) Valid() bool { return slices.Contains(Formats, f) }

// MaxBytes is the size limit of a file of the format. Video is large
// because lesson recordings (课堂实录) are; the rest are generous for
// slides full of pictures and scanned PDFs.
func (f Format) MaxBytes() int64 {
	switch f {
	case Video:
		return 2 << 30
	case Audio:
		return 300 << 20
	case Image:
		return 20 << 20
	case Word, Spreadsheet:
		return 100 << 20
	}
	return 200 << 20 // PowerPoint, PDF
}

// MaxUploadBytes is the largest file of any format: an upload is read no
// further than this before its format is known.
const MaxUploadBytes int64 = 2 << 30

// Extractable reports whether text can be extracted from the format for
// search, in a background job.
func (f Format) Extractable() bool {
	return f == Word || f == PowerPoint || f == Spreadsheet || f == PDF
}

// Inline reports whether the file is shown in the page (pictures, players)
// rather than only offered as a download.
func (f Format) Inline() bool { return f == Image || f == Audio || f == Video }

// SniffBytes is how much of a file's beginning Sniff looks at.
const SniffBytes = 512

// Container is a file format that its first bytes cannot tell apart: Office
// Open XML documents, presentations and workbooks are all zip archives, and
// legacy Office files are all OLE compound files. The caller opens the
// container's directory (doctext.Inspect) to decide.
type Container string

// The containers that need a look inside.
const (
	NoContainer Container = ""
	ZipOffice   Container = "zip" // .docx, .pptx, .xlsx (and OpenDocument, told apart by its mimetype entry)
	OLEOffice   Container = "ole" // .doc, .ppt, .xls
)

// Sniffed is the verdict on a file's first bytes.
type Sniffed struct {
	Format      Format
	ContentType string
	// Container, when set, means Format is not yet known: the container's
	// directory decides, and a container holding none of the expected parts
	// is refused.
	Container Container
}

// Magic numbers that http.DetectContentType does not know or lumps together.
var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	// OpenDocument puts an uncompressed "mimetype" entry first, so its type
	// is readable at a fixed offset.
	odfMime = []byte("mimetypeapplication/vnd.oasis.opendocument.")
)

// Sniff decides from a file's first bytes (SniffBytes of them, or the whole
// file when it is shorter) what it is. The file's name is never consulted:
// an executable renamed to 课件.pptx is refused, and a PNG named .docx is a
// picture. It reports ok false for every type the platform does not take:
// archives, executables, HTML and SVG (which could run script in a
// viewer's browser), plain text, and anything unrecognised.
func Sniff(head []byte) (s Sniffed, ok bool) {
	if len(head) == 0 {
		return Sniffed{}, false
	}
	if bytes.HasPrefix(head, zipMagic) {
		if len(head) >= 30+len(odfMime) && bytes.HasPrefix(head[30:], odfMime) {
			rest := head[30+len(odfMime):]
			switch {
			case bytes.HasPrefix(rest, []byte("text")):
				return Sniffed{Format: Word, ContentType: "application/vnd.oasis.opendocument.text"}, true
			case bytes.HasPrefix(rest, []byte("presentation")):
				return Sniffed{Format: PowerPoint, ContentType: "application/vnd.oasis.opendocument.presentation"}, true
			case bytes.HasPrefix(rest, []byte("spreadsheet")):
				return Sniffed{Format: Spreadsheet, ContentType: "application/vnd.oasis.opendocument.spreadsheet"}, true
			}
			return Sniffed{}, false
		}
		return Sniffed{Container: ZipOffice}, true
	}
	if bytes.HasPrefix(head, oleMagic) {
		return Sniffed{Container: OLEOffice}, true
	}
	// MP4 family: the brand says whether it is sound only.
	if len(head) >= 12 && string(head[4:8]) == "ftyp" {
		switch string(head[8:12]) {
		case "M4A ", "M4B ":
			return Sniffed{Format: Audio, ContentType: "audio/mp4"}, true
		}
	}
	// MPEG audio without an ID3 tag starts with a frame sync, which
	// DetectContentType does not look for.
	if mpegFrame(head) {
		return Sniffed{Format: Audio, ContentType: "audio/mpeg"}, true
	}
	switch ct := http.DetectContentType(head); ct {
	case "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp":
		return Sniffed{Format: Image, ContentType: ct}, true
	case "application/pdf":
		return Sniffed{Format: PDF, ContentType: ct}, true
	case "audio/mpeg", "audio/wave", "audio/aiff", "audio/basic":
		return Sniffed{Format: Audio, ContentType: ct}, true
	case "application/ogg":
		return Sniffed{Format: Audio, ContentType: "audio/ogg"}, true
	case "video/mp4", "video/webm", "video/avi":
		return Sniffed{Format: Video, ContentType: ct}, true
	}
	return Sniffed{}, false
}

// Office Open XML and legacy Office content types, by format.
var (
	OOXMLTypes = map[Format]string{
		Word:        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		PowerPoint:  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
		Spreadsheet: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	}
	OLETypes = map[Format]string{
		Word:        "application/msword",
		PowerPoint:  "application/vnd.ms-powerpoint",
		Spreadsheet: "application/vnd.ms-excel",
	}
)

// mpegFrame reports whether head starts with an MPEG audio frame header:
// eleven sync bits, a version and a layer that are not reserved, and a
// bitrate and sample rate that are not invalid. A UTF-16 byte order mark
// (FF FE) is text, never a frame.
func mpegFrame(head []byte) bool {
	if len(head) < 4 || head[0] != 0xFF || head[1]&0xE0 != 0xE0 || head[1] == 0xFE {
		return false
	}
	version, layer := (head[1]>>3)&3, (head[1]>>1)&3
	bitrate, rate := head[2]>>4, (head[2]>>2)&3
	return version != 1 && layer != 0 && bitrate != 0xF && rate != 3
}
