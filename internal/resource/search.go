package resource

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Search works on Chinese the way the issue asks (a two-character query
// such as 数学, 教研 or 课例 finds every document containing it; mixed
// queries such as "PPT 课件" work; SQLite and PostgreSQL give the same
// results in the same order) through an inverted index that Yanxiu keeps
// in its own tables, filled from the terms this file cuts:
//
//   - Han characters (and kana and Hangul) become overlapping bigrams:
//     "课例研修" → 课例, 例研, 研修. Every character is also indexed on
//     its own, so that a one-character query (a single Han character is
//     searched as a unigram) finds it anywhere.
//   - Latin letters and digits become lower-cased words, with full-width
//     forms folded to ASCII: "ＰＰＴ课件" → ppt, 课件.
//   - A query is cut the same way, and every one of its terms must match
//     (AND). Results are ranked by BM25 with a title hit weighted above a
//     hit in the description and tags, and both above one in the body.
//
// Why not the alternatives:
//   - A dictionary segmenter (jieba, gse) misses words its dictionary lacks,
//     and education keeps coining them (课例, 教研, 大单元, 双减, 跨学科
//     主题学习): a query segmented one way and a document another way do not
//     meet. Bigrams need no dictionary, so every two-character word, new or
//     old, is found, at the cost of a larger index and the odd false match
//     of three-character queries, which ranking pushes down.
//   - The engines' own full-text search differs: SQLite's FTS5 has no
//     Chinese tokenizer without cgo or an extension, and PostgreSQL's
//     tsvector needs zhparser or pg_jieba installed in the server. Either
//     way the two engines would disagree, and we promise identical results.
//   - A search library (bleve) keeps a second store beside the database,
//     which several app instances behind a load balancer cannot share, and
//     which backups, transactions and deletions must keep in step.
//
// Plain tables with the same SQL on both engines, terms cut in Go and
// scores computed in Go (so floating-point sums happen in one fixed order),
// give the same answers everywhere, with no cgo and no extra service.

// Field is where in a resource a term was found.
type Field int

// The indexed fields, in falling weight.
const (
	FieldTitle Field = iota // the title
	FieldMeta               // description, tags, edition, chapter, file name
	FieldBody               // document text and text extracted from files
	NumFields
)

// fieldWeights make a title hit count three times a body hit.
var fieldWeights = [NumFields]float64{3, 1.5, 1}

// Limits of indexing and querying.
const (
	// MaxIndexedRunes bounds the body text indexed per resource: the
	// beginning of a 300-page PDF says what it is about, and the index
	// stays proportional to the number of resources.
	MaxIndexedRunes = 20_000
	// MaxWordRunes cuts very long "words" (hashes, URLs run together).
	MaxWordRunes = 32
	// MaxQueryTerms bounds the terms of one query.
	MaxQueryTerms = 12
	// MaxQuery bounds a query's length in characters.
	MaxQuery = 100
)

// bm25 parameters, the usual ones.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// fold maps full-width ASCII forms and the ideographic space to their
// ASCII equivalents and lower-cases letters.
func fold(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFEE0
	case r == 0x3000:
		r = ' '
	}
	return unicode.ToLower(r)
}

// isCJK reports whether r is written without spaces between words.
func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) ||
		unicode.Is(unicode.Hangul, r)
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// scan walks text and calls word for each Latin word and run for each run
// of CJK characters, both already folded.
func scan(text string, word func(string), run func([]rune)) {
	var w strings.Builder
	var cjk []rune
	flushWord := func() {
		if w.Len() > 0 {
			s := w.String()
			if utf8.RuneCountInString(s) > MaxWordRunes {
				s = string([]rune(s)[:MaxWordRunes])
			}
			word(s)
			w.Reset()
		}
	}
	flushRun := func() {
		if len(cjk) > 0 {
			run(cjk)
			cjk = cjk[:0]
		}
	}
	for _, r := range text {
		r = fold(r)
		switch {
		case isCJK(r):
			flushWord()
			cjk = append(cjk, r)
		case isWordRune(r):
			flushRun()
			w.WriteRune(r)
		default:
			flushWord()
			flushRun()
		}
	}
	flushWord()
	flushRun()
}

// Terms are the index terms of one field: term → frequency, and the
// field's length in tokens (words and bigrams, as BM25 normalises by).
type Terms struct {
	TF  map[string]int
	Len int
}

// IndexTerms cuts text into the terms stored in the index.
func IndexTerms(text string) Terms {
	t := Terms{TF: map[string]int{}}
	scan(text, func(w string) {
		t.TF[w]++
		t.Len++
	}, func(run []rune) {
		for i, r := range run {
			t.TF[string(r)]++
			if i+1 < len(run) {
				t.TF[string(run[i:i+2])]++
				t.Len++
			}
		}
		if len(run) == 1 {
			t.Len++
		}
	})
	return t
}

// QueryTerms cuts a query into the terms that must all match, without
// duplicates, in the order they appear, at most MaxQueryTerms.
func QueryTerms(q string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] && len(out) < MaxQueryTerms {
			seen[s] = true
			out = append(out, s)
		}
	}
	scan(q, add, func(run []rune) {
		if len(run) == 1 {
			add(string(run))
			return
		}
		for i := 0; i+1 < len(run); i++ {
			add(string(run[i : i+2]))
		}
	})
	return out
}

// IndexDoc is what gets indexed for one resource: its fields' text.
type IndexDoc struct {
	Title, Meta, Body string
}

// Fields cuts each field into terms, the body capped at MaxIndexedRunes.
func (d IndexDoc) Fields() [NumFields]Terms {
	body := d.Body
	if utf8.RuneCountInString(body) > MaxIndexedRunes {
		body = string([]rune(body)[:MaxIndexedRunes])
	}
	return [NumFields]Terms{IndexTerms(d.Title), IndexTerms(d.Meta), IndexTerms(body)}
}

// MetaText joins a resource's descriptive fields for the FieldMeta field.
func MetaText(r *Resource) string {
	parts := []string{r.Description, strings.Join(r.Tags, " "), r.Edition, r.Chapter, r.FileName}
	return strings.Join(parts, "\n")
}

// IndexStats are the collection-wide figures BM25 needs: how many resources
// are indexed and the total length of each field over all of them.
type IndexStats struct {
	Docs     int64
	TotalLen [NumFields]int64
}

// Posting is one row of the index: a term in a field of a resource.
type Posting struct {
	ResourceID int64
	Term       string
	Field      Field
	TF         int
}

// Scorer computes BM25 scores for the resources that matched a query.
type Scorer struct {
	stats IndexStats
	idf   map[string]float64
}

// NewScorer prepares scoring from the collection's figures and each query
// term's document frequency.
func NewScorer(stats IndexStats, df map[string]int64) *Scorer {
	s := &Scorer{stats: stats, idf: make(map[string]float64, len(df))}
	n := float64(max(stats.Docs, 1))
	for term, d := range df {
		f := float64(d)
		s.idf[term] = math.Log(1 + (n-f+0.5)/(f+0.5))
	}
	return s
}

// Score sums the contributions of a resource's postings, given the lengths
// of its fields. Postings must come in a fixed order (the caller sorts them)
// so that the floating-point sum is the same whichever engine returned them.
func (s *Scorer) Score(postings []Posting, lens [NumFields]int) float64 {
	var score float64
	for _, p := range postings {
		if p.Field >= 0 && p.Field < NumFields {
			score += s.contribution(p.Field, s.idf[p.Term], p.TF, lens[p.Field])
		}
	}
	return score
}

// contribution is BM25's term for a frequency tf in field f of length n.
func (s *Scorer) contribution(f Field, idf float64, tf, n int) float64 {
	avg := float64(s.stats.TotalLen[f]) / float64(max(s.stats.Docs, 1))
	if avg <= 0 {
		avg = 1
	}
	t := float64(tf)
	norm := 1 - bm25B + bm25B*float64(n)/avg
	return fieldWeights[f] * idf * t * (bm25K1 + 1) / (t + bm25K1*norm)
}

// TermIDF is the inverse document frequency the scorer gives term.
func (s *Scorer) TermIDF(term string) float64 { return s.idf[term] }

// ScoreTF is Score for a resource given each query term's frequency per
// field (tfs, in the order of idfs, terms sorted). It adds the same terms
// in the same order as Score over the equivalent postings, so the two agree
// to the bit, without building postings for every match.
func (s *Scorer) ScoreTF(idfs []float64, tfs [][NumFields]int, lens [NumFields]int) float64 {
	var score float64
	for i, tf := range tfs {
		for f, n := range tf {
			if n > 0 {
				score += s.contribution(Field(f), idfs[i], n, lens[f])
			}
		}
	}
	return score
}
