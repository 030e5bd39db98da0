package csvdata

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/stats"
)

func TestRead(t *testing.T) {
	in := "\xEF\xBB\xBF id , gender,score,note\n1,F,3.50,\"a, b\"\n2,, ,x\n\n3,M,-1e2,\n"
	tbl, err := Read(strings.NewReader(in), Request{Numeric: []string{"score", "id"}, Factors: []string{"gender"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tbl.Header(), "|"); got != "id|gender|score|note" {
		t.Errorf("header = %q", got)
	}
	if tbl.Rows() != 3 {
		t.Errorf("rows = %d", tbl.Rows())
	}
	score := tbl.Column("score")
	if v, ok := score.Value(0); !ok || v != 3.5 {
		t.Errorf("score[0] = %v %v", v, ok)
	}
	if _, ok := score.Value(1); ok {
		t.Error("blank cell should be missing")
	}
	if v, _ := score.Value(2); v != -100 {
		t.Errorf("score[2] = %v", v)
	}
	if !score.Exact() {
		t.Error("decimal input should stay exact")
	}
	g := tbl.Factor("gender")
	if l, ok := g.Label(1); ok || l != "" {
		t.Errorf("empty gender should be missing, got %q", l)
	}
	if got := strings.Join(g.Levels(), ","); got != "F,M" {
		t.Errorf("levels = %q", got)
	}
	if tbl.Column("note") != nil || tbl.Factor("score") != nil {
		t.Error("unrequested columns must not be returned")
	}
}

func TestReadErrors(t *testing.T) {
	for _, c := range []struct {
		name, in string
		req      Request
		code     string
		line     int
		column   string
	}{
		{"empty", "", Request{}, CodeEmpty, 0, ""},
		{"bad number", "a,b\n1,2\n3,x4\n", Request{Numeric: []string{"b"}}, CodeNotANumber, 3, "b"},
		{"huge number", "a\n1e999\n", Request{Numeric: []string{"a"}}, CodeOutOfRange, 2, "a"},
		{"ragged row", "a,b\n1,2\n3\n", Request{}, CodeFieldCount, 3, ""},
		{"duplicate header", "a,b,a\n1,2,3\n", Request{}, CodeDuplicate, 1, "a"},
		{"nameless column", "a,,c\n1,2,3\n", Request{}, CodeNoName, 1, ""},
		{"unknown column", "a,b\n1,2\n", Request{Factors: []string{"z"}}, CodeUnknownColumn, 0, "z"},
		{"bare quote", "a,b\n1,x\"y\n", Request{}, CodeSyntax, 2, ""},
		{"invalid utf-8", "a,b\n1,\xff\n", Request{}, CodeEncoding, 2, ""},
		{"number with spaces inside", "a\n1 000\n", Request{Numeric: []string{"a"}}, CodeNotANumber, 2, "a"},
		{"multi-line field then bad number", "a,b\n\"x\ny\",2\n\"p\",q\n", Request{Numeric: []string{"b"}}, CodeNotANumber, 4, "b"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(c.in), c.req)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if e.Code != c.code || e.Line != c.line || e.Column != c.column {
				t.Errorf("got %s line %d column %q (%v), want %s line %d column %q", e.Code, e.Line, e.Column, err, c.code, c.line, c.column)
			}
			if strings.Contains(err.Error(), "{") {
				t.Errorf("unfilled placeholder in %q", err.Error())
			}
		})
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadIOError(t *testing.T) {
	_, err := Read(io.MultiReader(strings.NewReader("a\n1\n"), failingReader{}), Request{})
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeRead || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("err = %v", err)
	}
}

// FuzzRead feeds arbitrary bytes to the reader: it must never panic, and
// whatever it accepts must agree cell by cell with encoding/csv and strconv.
func FuzzRead(f *testing.F) {
	f.Add([]byte("a,b\n1,x\n2.5,y\n,z\n"))
	f.Add([]byte("\xEF\xBB\xBFv,g\n1e3,\"a,b\"\n-0.5, c \n"))
	f.Add([]byte("x\n\"1\n2\"\n"))
	f.Add([]byte("a,a\n1,2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		first, err := Read(bytes.NewReader(data), Request{})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		header := first.Header()
		tbl, err := Read(bytes.NewReader(data), Request{Numeric: header, Factors: header})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeNotANumber && e.Code != CodeOutOfRange {
				t.Fatalf("second read failed differently: %v", err)
			}
			return
		}
		// Every cell must match what encoding/csv and strconv make of it.
		cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, bom)))
		recs, err := cr.ReadAll()
		if err != nil {
			t.Fatalf("encoding/csv rejects accepted input: %v", err)
		}
		if len(recs)-1 != tbl.Rows() {
			t.Fatalf("rows %d, encoding/csv %d", tbl.Rows(), len(recs)-1)
		}
		for r, rec := range recs[1:] {
			for c, name := range header {
				cell := strings.TrimSpace(rec[c])
				if !utf8.ValidString(rec[c]) {
					t.Fatalf("accepted invalid UTF-8")
				}
				v, ok := tbl.Column(name).Value(r)
				label, lok := tbl.Factor(name).Label(r)
				if cell == "" {
					if ok || lok {
						t.Fatalf("row %d %s: blank cell not missing", r, name)
					}
					continue
				}
				want, perr := strconv.ParseFloat(cell, 64)
				if perr != nil && !errors.Is(perr, strconv.ErrRange) || !ok || v != want || math.IsInf(v, 0) {
					t.Fatalf("row %d %s: %q read as %v, strconv %v (%v)", r, name, cell, v, want, perr)
				}
				if !lok || label != cell {
					t.Fatalf("row %d %s: label %q, want %q", r, name, label, cell)
				}
			}
		}
		_ = stats.Codes()
	})
}
