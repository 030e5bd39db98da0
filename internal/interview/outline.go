package interview

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

// Outline is an interview guide (访谈提纲): the questions asked, in order,
// each with optional follow-up probes (追问).
type Outline struct {
	ID        int64
	ProjectID int64
	Title     string
	Intro     string // what the interviewer says first: purpose, consent, recording
	Questions []Question
	CreatedBy int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Question is one question of an outline.
type Question struct {
	Text   string
	Probes []string
}

// Outline limits.
const (
	MaxOutlines     = 20 // per project
	MaxOutlineTitle = 100
	MaxIntro        = 5000
	MaxQuestions    = 100
	MaxQuestion     = 500
	MaxProbes       = 10 // per question
	MaxProbe        = 300
)

// OutlineInput is what creating or editing an outline takes.
type OutlineInput struct {
	Title     string
	Intro     string
	Questions []Question
}

// Validate checks the outline, trims its texts and drops empty probes.
func (in *OutlineInput) Validate() error {
	in.Title = strings.TrimSpace(in.Title)
	in.Intro = NormalizeText(in.Intro)
	f := apperr.Fields{}
	requiredText(f, "title", in.Title, MaxOutlineTitle)
	maxText(f, "intro", in.Intro, MaxIntro)
	if len(in.Questions) > MaxQuestions {
		f.Add("questions", "interview.error.too_many_questions", "max", MaxQuestions)
	}
	out := in.Questions[:0]
	for i, q := range in.Questions {
		q.Text = strings.TrimSpace(q.Text)
		probes := q.Probes[:0:0]
		for _, p := range q.Probes {
			if p = strings.TrimSpace(p); p != "" {
				probes = append(probes, p)
			}
		}
		q.Probes = probes
		switch {
		case q.Text == "" && len(q.Probes) > 0:
			f.Add("questions", "interview.error.probe_without_question", "n", i+1)
		case utf8.RuneCountInString(q.Text) > MaxQuestion:
			f.Add("questions", "interview.error.question_too_long", "n", i+1, "max", MaxQuestion)
		case len(q.Probes) > MaxProbes:
			f.Add("questions", "interview.error.too_many_probes", "n", i+1, "max", MaxProbes)
		}
		for _, p := range q.Probes {
			if utf8.RuneCountInString(p) > MaxProbe {
				f.Add("questions", "interview.error.probe_too_long", "n", i+1, "max", MaxProbe)
			}
		}
		if q.Text != "" {
			out = append(out, q)
		}
	}
	in.Questions = out
	return f.Err()
}

// probeMarks are what people put before a probe in the outline's text form.
const probeMarks = "-－*•·—"

// numbering matches "1.", "1、", "(1)", "（1）", "Q1:" and the like before a
// question, which the text form drops: the order is the numbering.
var numbering = regexp.MustCompile(`^(?:[Qq]?\d{1,3}\s*[.、:：)）]|[(（]\d{1,3}[)）])\s*`)

// ParseQuestions reads the text form of an outline's questions, used by the
// HTML editor so that it works without JavaScript: every line is a
// question, and a line starting with "-" (or "•", "·", "－", "*", "—") is a
// probe of the question above it. Leading numbers are dropped. A probe before
// any question makes a question with empty text, which Validate reports.
func ParseQuestions(text string) []Question {
	var out []Question
	for line := range strings.SplitSeq(NormalizeText(text), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if r, size := utf8.DecodeRuneInString(line); strings.ContainsRune(probeMarks, r) {
			probe := strings.TrimSpace(line[size:])
			if len(out) == 0 {
				out = append(out, Question{})
			}
			out[len(out)-1].Probes = append(out[len(out)-1].Probes, probe)
			continue
		}
		out = append(out, Question{Text: numbering.ReplaceAllString(line, "")})
	}
	return out
}

// FormatQuestions writes questions in the text form ParseQuestions reads.
func FormatQuestions(qs []Question) string {
	var b strings.Builder
	for _, q := range qs {
		b.WriteString(q.Text)
		b.WriteByte('\n')
		for _, p := range q.Probes {
			b.WriteString("- ")
			b.WriteString(p)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
