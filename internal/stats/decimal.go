package stats

import (
	"errors"
	"math"
	"math/big"
	"math/bits"
	"strconv"
)

// maxMant bounds exact mantissas so that the difference of any two of them
// still fits in an int64.
const maxMant = 1 << 62

// maxScale bounds the number of decimal places kept exactly; beyond it a
// number is held as float64 only.
const maxScale = 40

// pow10f holds the powers of ten as float64; up to 1e22 they are exact.
var pow10f = func() [maxScale + 1]float64 {
	var t [maxScale + 1]float64
	for i := range t {
		t[i], _ = strconv.ParseFloat("1e"+strconv.Itoa(i), 64)
	}
	return t
}()

// pow10i holds the powers of ten that fit in an int64.
var pow10i = func() [19]int64 {
	var t [19]int64
	t[0] = 1
	for i := 1; i < len(t); i++ {
		t[i] = t[i-1] * 10
	}
	return t
}()

// Decimal is a number as it was written: when exact it equals mant×10^-scale
// with no rounding at all, and f is the float64 nearest to it. Keeping the
// decimal lets analyses centre data exactly before any rounding, which is
// what data such as NIST's SmLs07-09 (13 constant leading digits) need.
type Decimal struct {
	f     float64
	mant  int64
	scale int32
	exact bool
}

// Float returns the float64 nearest to the number.
func (d Decimal) Float() float64 { return d.f }

// Exact returns the number as mant×10^-scale with scale >= 0, and false when
// the number has too many digits to be held exactly (then only Float is
// meaningful).
func (d Decimal) Exact() (mant int64, scale int, ok bool) {
	return d.mant, int(d.scale), d.exact
}

// ParseDecimal reads a plain decimal number: an optional sign, digits with at
// most one decimal point, and an optional exponent ("-12.50", ".5", "1e-3").
// Infinities, NaN, hexadecimal, digit separators and spaces are rejected, so
// that a cell either is a number a person wrote or is reported as an error.
func ParseDecimal(s string) (Decimal, error) {
	i, neg := 0, false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	var mant uint64
	exact, sawDigit, sawDot := true, false, false
	scale, dropped := 0, 0 // dropped: integer digits beyond the mantissa's reach
digits:
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			sawDigit = true
			if sawDot {
				scale++
			}
			if mant == 0 && c == '0' {
				continue
			}
			if mant > (maxMant-9)/10 {
				exact = false
				if !sawDot {
					dropped++
				}
				continue
			}
			mant = mant*10 + uint64(c-'0')
		case c == '.' && !sawDot:
			sawDot = true
		default:
			break digits
		}
	}
	if !sawDigit {
		return Decimal{}, newError(CodeNotANumber, "value", strconv.Quote(s))
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		start := i
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			if exp < 100000 {
				exp = exp*10 + int(s[i]-'0')
			}
		}
		if i == start {
			return Decimal{}, newError(CodeNotANumber, "value", strconv.Quote(s))
		}
		if eneg {
			exp = -exp
		}
	}
	if i != len(s) {
		return Decimal{}, newError(CodeNotANumber, "value", strconv.Quote(s))
	}
	scale -= exp + dropped
	d := Decimal{exact: exact}
	if mant == 0 {
		scale = 0
	}
	for exact && scale > 0 && mant%10 == 0 {
		mant /= 10
		scale--
	}
	for exact && scale < 0 {
		if mant > maxMant/10 {
			d.exact = false
			break
		}
		mant *= 10
		scale++
	}
	if scale > maxScale {
		d.exact = false
	}
	if d.exact {
		d.mant, d.scale = int64(mant), int32(scale)
		if neg {
			d.mant = -d.mant
		}
		if mant < 1<<53 && scale <= 22 {
			d.f = float64(d.mant) / pow10f[scale]
			return d, nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if math.IsInf(f, 0) {
		return Decimal{}, newError(CodeOutOfRange, "value", strconv.Quote(s))
	}
	if err != nil && f == 0 && !errors.Is(err, strconv.ErrRange) {
		return Decimal{}, newError(CodeNotANumber, "value", strconv.Quote(s))
	}
	d.f = f
	if !d.exact {
		d.mant, d.scale = 0, 0
	}
	return d, nil
}

// floatDecimal finds the decimal with the fewest places that rounds to x, so
// that a float64 handed in by a caller is treated as the number a person
// typed (0.1 as one tenth, not as its binary neighbour).
func floatDecimal(x float64) (mant int64, scale int, ok bool) {
	for s := 0; s <= 22; s++ {
		m := math.Round(x * pow10f[s])
		if math.Abs(m) >= 1<<53 {
			break
		}
		if m/pow10f[s] == x {
			return int64(m), s, true
		}
	}
	d, err := ParseDecimal(strconv.FormatFloat(x, 'g', -1, 64))
	if err != nil || !d.exact {
		return 0, 0, false
	}
	return d.mant, int(d.scale), true
}

// rescale multiplies an exact mantissa by 10^by, reporting overflow past maxMant.
func rescale(m int64, by int) (int64, bool) {
	if by == 0 {
		return m, true
	}
	if by >= len(pow10i) {
		return 0, m == 0
	}
	hi, lo := bits.Mul64(uint64(abs64(m)), uint64(pow10i[by]))
	if hi != 0 || lo > maxMant {
		return 0, false
	}
	if m < 0 {
		return -int64(lo), true
	}
	return int64(lo), true
}

func abs64(m int64) int64 {
	if m < 0 {
		return -m
	}
	return m
}

// acc128 sums int64 values exactly in 128-bit two's complement.
type acc128 struct {
	hi int64
	lo uint64
}

func (a *acc128) add(v int64) {
	var c uint64
	a.lo, c = bits.Add64(a.lo, uint64(v), 0)
	a.hi += (v >> 63) + int64(c)
}

func (a acc128) bigInt() *big.Int {
	hi := new(big.Int).Lsh(big.NewInt(a.hi), 64)
	return hi.Add(hi, new(big.Int).SetUint64(a.lo))
}

// roundedMean returns sum/n rounded to the nearest integer.
func (a acc128) roundedMean(n int) int64 {
	q, r := new(big.Int).QuoRem(a.bigInt(), big.NewInt(int64(n)), new(big.Int))
	r.Mul(r, big.NewInt(2))
	if r.CmpAbs(big.NewInt(int64(n))) >= 0 {
		if r.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q.Int64()
}

// scaledFloat converts mant×10^-scale to the nearest float64.
func scaledFloat(mant int64, scale int) float64 {
	if abs64(mant) < 1<<53 && scale <= 22 {
		return float64(mant) / pow10f[scale]
	}
	r := new(big.Rat).SetFrac(big.NewInt(mant), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil))
	f, _ := r.Float64()
	return f
}
