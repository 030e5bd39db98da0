package discussion

import (
	"bytes"
	"net/http"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Attachment limits.
const (
	MaxAttachmentBytes = 20 << 20
	MaxAttachments     = 5 // per post
	MaxFileName        = 120
	// SniffBytes is how much of a file Sniff needs.
	SniffBytes = 512
)

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// officeTypes maps a document's extension to its type, by container: Office
// Open XML and OpenDocument files are zip archives, older Office files are
// OLE compound files. The extension only chooses among documents whose
// bytes already have the right container signature.
var officeTypes = map[string]struct {
	ctype string
	magic []byte
}{
	".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", zipMagic},
	".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", zipMagic},
	".pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation", zipMagic},
	".odt":  {"application/vnd.oasis.opendocument.text", zipMagic},
	".ods":  {"application/vnd.oasis.opendocument.spreadsheet", zipMagic},
	".odp":  {"application/vnd.oasis.opendocument.presentation", zipMagic},
	".doc":  {"application/msword", oleMagic},
	".xls":  {"application/vnd.ms-excel", oleMagic},
	".ppt":  {"application/vnd.ms-powerpoint", oleMagic},
}

// imageTypes are the pictures shown inline. SVG is not among them: it can
// carry script, and DetectContentType never reports it as an image anyway.
var imageTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// Sniff decides from a file's first bytes (at least SniffBytes of them when
// the file is that long) and its name whether it may be attached, and which
// Content-Type it is served with. The bytes decide, never the name alone: a
// script renamed to .pdf is refused, and a PNG named .docx is a PNG.
func Sniff(head []byte, name string) (ctype string, ok bool) {
	detected := http.DetectContentType(head)
	if imageTypes[detected] {
		return detected, true
	}
	if detected == "application/pdf" {
		return detected, true
	}
	if t, found := officeTypes[strings.ToLower(path.Ext(name))]; found && bytes.HasPrefix(head, t.magic) {
		return t.ctype, true
	}
	return "", false
}

// CleanFileName keeps the last element of an uploaded file's name, without
// control or format characters, at most MaxFileName characters with its
// extension kept; "file" when nothing is left.
func CleanFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.ToValidUTF8(name, "")
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, name)
	name = strings.Trim(strings.TrimSpace(name), ".")
	if name == "" {
		return "file"
	}
	if utf8.RuneCountInString(name) > MaxFileName {
		ext := path.Ext(name)
		if utf8.RuneCountInString(ext) > 10 {
			ext = ""
		}
		r := []rune(strings.TrimSuffix(name, ext))
		name = string(r[:MaxFileName-utf8.RuneCountInString(ext)]) + ext
	}
	return name
}
