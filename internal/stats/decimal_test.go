package stats

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"testing"
)

func TestParseDecimal(t *testing.T) {
	for _, c := range []struct {
		in    string
		f     float64
		mant  int64
		scale int
		exact bool
		code  string
	}{
		{in: "0", f: 0, exact: true},
		{in: "-0", f: 0, exact: true},
		{in: "42", f: 42, mant: 42, exact: true},
		{in: "+7", f: 7, mant: 7, exact: true},
		{in: "1.50", f: 1.5, mant: 15, scale: 1, exact: true},
		{in: ".5", f: 0.5, mant: 5, scale: 1, exact: true},
		{in: "5.", f: 5, mant: 5, exact: true},
		{in: "-0.001", f: -0.001, mant: -1, scale: 3, exact: true},
		{in: "1e3", f: 1000, mant: 1000, exact: true},
		{in: "1.5E-3", f: 0.0015, mant: 15, scale: 4, exact: true},
		{in: "1000000000000.4", f: 1000000000000.4, mant: 10000000000004, scale: 1, exact: true},
		{in: "0.30000000000000004", f: 0.30000000000000004, mant: 30000000000000004, scale: 17, exact: true},
		{in: "12345678901234567890", f: 12345678901234567890},
		{in: "1e300", f: 1e300},
		{in: "1e-400", f: 0},
		{in: "", code: CodeNotANumber},
		{in: "-", code: CodeNotANumber},
		{in: ".", code: CodeNotANumber},
		{in: "1e", code: CodeNotANumber},
		{in: "1.2.3", code: CodeNotANumber},
		{in: " 1", code: CodeNotANumber},
		{in: "1,5", code: CodeNotANumber},
		{in: "1_000", code: CodeNotANumber},
		{in: "0x10", code: CodeNotANumber},
		{in: "Inf", code: CodeNotANumber},
		{in: "NaN", code: CodeNotANumber},
		{in: "1e400", code: CodeOutOfRange},
	} {
		d, err := ParseDecimal(c.in)
		if c.code != "" {
			var se *Error
			if !errors.As(err, &se) || se.Code != c.code {
				t.Errorf("ParseDecimal(%q) error = %v, want code %s", c.in, err, c.code)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseDecimal(%q): %v", c.in, err)
			continue
		}
		m, s, ok := d.Exact()
		if d.Float() != c.f || ok != c.exact || (ok && (m != c.mant || s != c.scale)) {
			t.Errorf("ParseDecimal(%q) = %v (%d, %d, %v), want %v (%d, %d, %v)", c.in, d.Float(), m, s, ok, c.f, c.mant, c.scale, c.exact)
		}
	}
}

// FuzzParseDecimal checks that any accepted text yields the float64
// strconv gives it and, when exact, a mantissa and scale equal to it.
func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"0", "-1.25", ".5", "1e-3", "1000000000000.4", "99999999999999999999", "1e309", "4.9e-324"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDecimal(s)
		if err != nil {
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		want, perr := strconv.ParseFloat(s, 64)
		if perr != nil && !errors.Is(perr, strconv.ErrRange) || math.IsInf(want, 0) {
			t.Fatalf("accepted %q, which strconv rejects: %v", s, perr)
		}
		if d.Float() != want {
			t.Fatalf("%q: float %v, strconv %v", s, d.Float(), want)
		}
		if m, sc, ok := d.Exact(); ok {
			r, ok2 := new(big.Rat).SetString(s)
			if !ok2 {
				t.Fatalf("big.Rat rejects %q", s)
			}
			got := new(big.Rat).SetFrac(big.NewInt(m), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(sc)), nil))
			if got.Cmp(r) != 0 {
				t.Fatalf("%q: exact form %d×10^-%d is %v, not %v", s, m, sc, got, r)
			}
			if sc < 0 || sc > maxScale || abs64(m) > maxMant {
				t.Fatalf("%q: mantissa %d scale %d out of bounds", s, m, sc)
			}
		}
	})
}

func TestColumnKinds(t *testing.T) {
	likert, _ := NewColumn("q", []float64{1, 5, 3, math.NaN(), 4})
	if likert.kind != kindInteger || likert.Missing() != 1 || likert.mant != nil {
		t.Errorf("likert column: kind %v, missing %d", likert.kind, likert.Missing())
	}
	dec, _ := NewColumn("x", []float64{0.1, 0.25, 3})
	if dec.kind != kindDecimal || dec.scale != 2 || dec.mant[0] != 10 || dec.mant[1] != 25 || dec.mant[2] != 300 {
		t.Errorf("decimal column: kind %v scale %d mant %v", dec.kind, dec.scale, dec.mant)
	}
	tenth, fifth := 0.1, 0.2
	odd, _ := NewColumn("x", []float64{tenth + fifth, 1}) // 0.30000000000000004
	if odd.kind != kindDecimal || odd.scale != 17 {
		t.Errorf("0.1+0.2: kind %v scale %d", odd.kind, odd.scale)
	}
	wide, _ := NewColumn("x", []float64{1e15 + 0.5, 1e-15})
	if wide.kind != kindBinary {
		t.Errorf("mixed magnitudes should fall back to float64, got kind %v", wide.kind)
	}
	// The float fallback still describes sensibly.
	d, err := Describe(wide)
	if err != nil || d.Max != 1e15+0.5 {
		t.Errorf("describe binary column: %v %v", d, err)
	}
	p, err := ParseColumn("y", []string{"1.5", " ", "", "2"})
	if err != nil || p.Missing() != 2 || p.Len() != 4 {
		t.Errorf("ParseColumn: %v missing %d", err, p.Missing())
	}
	if _, err := ParseColumn("y", []string{"1", "two"}); err == nil || err.(*Error).Params["index"] != "1" {
		t.Errorf("ParseColumn bad cell: %v", err)
	}
}

func TestCentreIsExact(t *testing.T) {
	// 13 shared leading digits: the deviations must come out exactly.
	c, err := ParseColumn("y", []string{"1000000000000.4", "1000000000000.3", "1000000000000.5"})
	if err != nil {
		t.Fatal(err)
	}
	cen := c.centre(c.presentRows())
	if cen.base != 1000000000000.4 || cen.dev[0] != 0 || cen.dev[1] != -0.1 || cen.dev[2] != 0.1 {
		t.Errorf("centre = %v %v", cen.base, cen.dev)
	}
}

func TestAcc128(t *testing.T) {
	var a acc128
	for range 1000 {
		a.add(maxMant)
		a.add(-3)
	}
	want := new(big.Int).Mul(big.NewInt(maxMant-3), big.NewInt(1000))
	if a.bigInt().Cmp(want) != 0 {
		t.Errorf("sum = %v, want %v", a.bigInt(), want)
	}
	if m := a.roundedMean(1000); m != maxMant-3 {
		t.Errorf("mean = %d", m)
	}
	var b acc128
	for _, v := range []int64{-7, -8} {
		b.add(v)
	}
	if m := b.roundedMean(2); m != -8 { // −7.5 rounds away from zero
		t.Errorf("mean of -7, -8 = %d", m)
	}
}

func TestRender(t *testing.T) {
	got := Render("{a} and {b} but {c", map[string]string{"a": "x", "b": "y"})
	if got != "x and y but {c" {
		t.Errorf("Render = %q", got)
	}
}
