package interview

import (
	"bytes"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/teacher"
)

// Record is one interview: who was interviewed (by a pseudonym, never a
// real name), the attributes analyses group interviewees by, when and by
// whom, the transcript, and the recording if there is one.
type Record struct {
	ID        int64
	ProjectID int64
	OutlineID int64 // 0 when the interview followed no outline
	Pseudonym string
	// Demographic attributes: keys of the teacher vocabulary (Gender, Title,
	// Subject), of YearsBands and of space.Locations; "" when not stated.
	Gender    string
	YearsBand string
	Title     string
	Location  string
	Subject   string
	// Attributes are further variables the researcher defines (学段, 是否班主任 ...).
	Attributes    []Attr
	InterviewedOn *time.Time // a date (midnight UTC)
	Interviewer   string
	Transcript    string
	Audio         *Audio // nil when no recording is attached
	CreatedBy     int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Segments      int // coded segments, filled by listings
}

// Attr is one free attribute of a record.
type Attr struct {
	Name  string
	Value string
}

// Audio is a record's recording, stored in the blob store.
type Audio struct {
	Key         string
	Name        string
	ContentType string
	Size        int64
}

// Record limits.
const (
	MaxRecords     = 1000 // per project
	MaxPseudonym   = 40
	MaxInterviewer = 40
	// MaxTranscript is in characters (code points): a two-hour interview
	// transcribed in Chinese runs to about 30,000.
	MaxTranscript = 200_000
	MaxAttrs      = 10
	MaxAttrName   = 30
	MaxAttrValue  = 100
	MaxAudioBytes = 100 << 20
	// SniffBytes is how much of a file SniffAudio needs.
	SniffBytes = 64
)

// YearsBands are the years-of-teaching bands interview studies group by,
// the bands Chinese teacher surveys commonly report.
var YearsBands = []string{"0_5", "6_10", "11_20", "21_plus"}

// YearsBand returns the band of a number of years of teaching.
func YearsBand(years int) string {
	switch {
	case years <= 5:
		return "0_5"
	case years <= 10:
		return "6_10"
	case years <= 20:
		return "11_20"
	}
	return "21_plus"
}

// RecordInput is what creating or editing a record takes.
type RecordInput struct {
	OutlineID     int64
	Pseudonym     string
	Gender        string
	YearsBand     string
	Title         string
	Location      string
	Subject       string
	Attributes    []Attr
	InterviewedOn *time.Time
	Interviewer   string
	Transcript    string
}

// Validate checks a record and normalises it: trimmed texts, "\n" line
// endings in the transcript, empty free attributes dropped.
func (in *RecordInput) Validate() error {
	in.Pseudonym = strings.TrimSpace(in.Pseudonym)
	in.Interviewer = strings.TrimSpace(in.Interviewer)
	in.Transcript = NormalizeText(in.Transcript)
	f := apperr.Fields{}
	requiredText(f, "pseudonym", in.Pseudonym, MaxPseudonym)
	maxText(f, "interviewer", in.Interviewer, MaxInterviewer)
	if n := utf8.RuneCountInString(in.Transcript); n > MaxTranscript {
		f.Add("transcript", "interview.error.transcript_too_long", "max", MaxTranscript, "n", n)
	}
	vocab := []struct {
		field, kind, value string
	}{{"gender", teacher.KindGender, in.Gender}, {"title", teacher.KindTitle, in.Title}, {"subject", teacher.KindSubject, in.Subject}}
	for _, v := range vocab {
		if _, ok := teacher.Lookup(v.kind, v.value); v.value != "" && !ok {
			f.Add(v.field, "form.invalid_choice")
		}
	}
	if in.YearsBand != "" && !slices.Contains(YearsBands, in.YearsBand) {
		f.Add("years_band", "form.invalid_choice")
	}
	if in.Location != "" && !slices.Contains(space.Locations, in.Location) {
		f.Add("location", "form.invalid_choice")
	}
	attrs := in.Attributes[:0:0]
	seen := map[string]bool{}
	for _, a := range in.Attributes {
		a.Name, a.Value = strings.TrimSpace(a.Name), strings.TrimSpace(a.Value)
		switch {
		case a.Name == "" && a.Value == "":
			continue
		case a.Name == "":
			f.Add("attributes", "interview.error.attr_name_required")
		case utf8.RuneCountInString(a.Name) > MaxAttrName:
			f.Add("attributes", "interview.error.attr_name_too_long", "max", MaxAttrName)
		case utf8.RuneCountInString(a.Value) > MaxAttrValue:
			f.Add("attributes", "interview.error.attr_value_too_long", "max", MaxAttrValue)
		case seen[a.Name]:
			f.Add("attributes", "interview.error.attr_duplicate", "name", a.Name)
		}
		seen[a.Name] = true
		attrs = append(attrs, a)
	}
	if len(attrs) > MaxAttrs {
		f.Add("attributes", "interview.error.too_many_attrs", "max", MaxAttrs)
	}
	in.Attributes = attrs
	return f.Err()
}

// Attribute returns the value of a free attribute, "" when absent.
func (r *Record) Attribute(name string) string {
	for _, a := range r.Attributes {
		if a.Name == name {
			return a.Value
		}
	}
	return ""
}

// audioSignature is one recognised container.
type audioSignature struct {
	ctype string
	match func(head []byte) bool
}

// mp4Brands are the ISO base media brands of audio files (.m4a) and of the
// generic MP4 files some recorders write for audio alone.
var mp4Brands = []string{"M4A ", "M4B ", "mp42", "mp41", "isom", "iso2", "iso4", "iso5", "iso6", "dash", "3gp4", "3gp5"}

var audioSignatures = []audioSignature{
	{"audio/mpeg", func(h []byte) bool {
		// An ID3 tag, or an MPEG audio frame header of layer III.
		return bytes.HasPrefix(h, []byte("ID3")) || len(h) >= 2 && h[0] == 0xFF && h[1]&0xE0 == 0xE0 && (h[1]>>1)&3 == 1
	}},
	{"audio/mp4", func(h []byte) bool {
		return len(h) >= 12 && string(h[4:8]) == "ftyp" && slices.Contains(mp4Brands, string(h[8:12]))
	}},
	{"audio/wav", func(h []byte) bool { return len(h) >= 12 && string(h[:4]) == "RIFF" && string(h[8:12]) == "WAVE" }},
	{"audio/ogg", func(h []byte) bool { return bytes.HasPrefix(h, []byte("OggS")) }},
	{"audio/webm", func(h []byte) bool {
		return bytes.HasPrefix(h, []byte{0x1A, 0x45, 0xDF, 0xA3}) && bytes.Contains(h, []byte("webm"))
	}},
}

// AudioTypes lists the Content-Types SniffAudio can return, for the file
// input's accept attribute.
var AudioTypes = []string{"audio/mpeg", "audio/mp4", "audio/wav", "audio/ogg", "audio/webm"}

// SniffAudio decides from a file's first bytes (SniffBytes of them when the
// file is that long) whether it is a recording in a format browsers play —
// MP3, M4A (AAC in MP4), WAV, Ogg or WebM — and which Content-Type it is
// served with. The bytes decide, never the name: a page renamed .mp3 is
// refused.
func SniffAudio(head []byte) (ctype string, ok bool) {
	for _, s := range audioSignatures {
		if s.match(head) {
			return s.ctype, true
		}
	}
	return "", false
}
