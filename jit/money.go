package jit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// MaxScale is the number of decimal places an Amount can hold exactly. It is
// above every ISO 4217 minor-unit exponent (the largest is 4).
const MaxScale = 6

const scaleFactor = 1_000_000 // 10^MaxScale

// Amount is an exact decimal amount in major units, as it travels on the wire
// ("42.17" US dollars). It is an int64 count of 10^-6 units, so it never goes
// through float64; the zero value is 0.
//
// Amount decodes from a JSON number or a numeric string and encodes as a JSON
// number with the decimals it was written with (or the currency's exponent,
// for amounts built with FromMinor), so a decoded payload re-encodes byte for
// byte. Compare amounts with Cmp or Equal, not ==, which also compares how
// many decimals are printed.
type Amount struct {
	micros int64
	places uint8 // decimals to print; 0..MaxScale
}

// Micros returns the amount in 10^-6 major units.
func (a Amount) Micros() int64 { return a.micros }

// Sign returns -1, 0 or +1.
func (a Amount) Sign() int {
	switch {
	case a.micros < 0:
		return -1
	case a.micros > 0:
		return 1
	}
	return 0
}

// Cmp compares a and b by value: -1 if a < b, 0 if equal, +1 if a > b.
func (a Amount) Cmp(b Amount) int {
	switch {
	case a.micros < b.micros:
		return -1
	case a.micros > b.micros:
		return 1
	}
	return 0
}

// Equal reports whether a and b have the same value, however they print.
func (a Amount) Equal(b Amount) bool { return a.micros == b.micros }

// IsZero reports whether the amount is zero.
func (a Amount) IsZero() bool { return a.micros == 0 }

// Minor converts the amount to minor units of currency (cents for USD).
// It returns an *Error with code EINVALID when the currency is unknown or the
// amount has more decimals than the currency allows ("1.005" USD).
func (a Amount) Minor(currency string) (int64, error) {
	exp, err := Exponent(currency)
	if err != nil {
		return 0, err
	}
	unit := pow10[MaxScale-exp]
	if a.micros%unit != 0 {
		return 0, Errorf(EINVALID, "amount %s has more than %d decimal places for %s", a, exp, currency)
	}
	return a.micros / unit, nil
}

// FromMinor builds the Amount of minor units of currency; it prints with the
// currency's exponent ("10.00" for 1000 USD cents). It returns an *Error with
// code EINVALID when the currency is unknown or the value is out of range.
func FromMinor(minor int64, currency string) (Amount, error) {
	exp, err := Exponent(currency)
	if err != nil {
		return Amount{}, err
	}
	unit := pow10[MaxScale-exp]
	if minor > math.MaxInt64/unit || minor < math.MinInt64/unit {
		return Amount{}, Errorf(EINVALID, "amount %d %s minor units is out of range", minor, currency)
	}
	return Amount{micros: minor * unit, places: uint8(exp)}, nil
}

// MustMinor is FromMinor for amounts known to be valid, such as constants in
// tests and generators; it panics on error.
func MustMinor(minor int64, currency string) Amount {
	a, err := FromMinor(minor, currency)
	if err != nil {
		panic(err)
	}
	return a
}

// ParseAmount parses a JSON number such as "42.17", "-3", "1.5e2" or
// "0.001". It follows the JSON number grammar exactly, so "+1", ".5", "1.",
// "012", "0x10", "NaN", "Infinity", surrounding spaces and the empty string
// are rejected. The value must be exact in an Amount: a non-zero value that
// needs more than MaxScale decimals ("0.0000001", "1e-400"; trailing zeros
// as in "1.0000000" do not count) or lies beyond the int64 range of micros
// ("1e400", "9223372036854.775808") is rejected rather than rounded. Zero
// is accepted however it is written ("-0", "0e-400"); it prints without a
// sign and with at most MaxScale decimals. Errors are *Error with code
// EINVALID.
func ParseAmount(s string) (Amount, error) {
	a, ok := parseDecimal(s)
	if !ok {
		return Amount{}, Errorf(EINVALID, "invalid amount %q", truncate(s, 40))
	}
	return a, nil
}

// MustAmount is ParseAmount for constants; it panics on error.
func MustAmount(s string) Amount {
	a, err := ParseAmount(s)
	if err != nil {
		panic(err)
	}
	return a
}

// String returns the amount as a plain decimal ("42.17", "-0.50", "10").
func (a Amount) String() string {
	var buf [24]byte
	return string(a.appendText(buf[:0]))
}

// appendText appends the decimal form of a: a sign for negative amounts, the
// whole part, and then a.places decimals, or more when the value has more
// significant decimals than a.places says (never fewer than needed, so the
// text always parses back to an equal Amount).
func (a Amount) appendText(b []byte) []byte {
	m := a.micros
	var u uint64
	if m < 0 {
		b = append(b, '-')
		u = uint64(-(m + 1)) + 1 // safe for MinInt64
	} else {
		u = uint64(m)
	}
	whole, frac := u/scaleFactor, u%scaleFactor
	b = strconv.AppendUint(b, whole, 10)
	places := min(int(a.places), MaxScale)
	if frac != 0 {
		need := MaxScale
		for f := frac; f%10 == 0; f /= 10 {
			need--
		}
		places = max(places, need)
	}
	if places == 0 {
		return b
	}
	var digits [MaxScale]byte // frac, zero-padded to MaxScale digits
	for i := MaxScale - 1; i >= 0; i-- {
		digits[i] = byte('0' + frac%10)
		frac /= 10
	}
	b = append(b, '.')
	return append(b, digits[:places]...)
}

// MarshalJSON writes the amount as a JSON number, with the decimals it was
// parsed with ("10.00" stays 10.00) or, for FromMinor, the currency's
// exponent. It never returns an error.
func (a Amount) MarshalJSON() ([]byte, error) {
	return a.appendText(make([]byte, 0, 24)), nil
}

// UnmarshalJSON accepts a JSON number, or a JSON string holding exactly a JSON
// number (no surrounding spaces). null leaves the amount unchanged, as
// encoding/json does for other types. Anything else, and any number
// ParseAmount rejects, is an *Error with code EINVALID.
func (a *Amount) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	num := data
	if len(data) > 0 && data[0] == '"' {
		if len(data) >= 2 && data[len(data)-1] == '"' && bytes.IndexByte(data[1:len(data)-1], '\\') < 0 {
			num = data[1 : len(data)-1]
		} else {
			// Escapes ("\u0034\u0032") are rare: let encoding/json unquote.
			var s string
			if err := json.Unmarshal(data, &s); err != nil {
				return Errorf(EINVALID, "invalid amount %s", truncate(string(data), 40))
			}
			num = []byte(s)
		}
	}
	v, ok := parseDecimal(num)
	if !ok {
		return Errorf(EINVALID, "invalid amount %s", truncate(string(data), 40))
	}
	*a = v
	return nil
}

var pow10 = [...]int64{1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
	1_000_000_000, 10_000_000_000, 100_000_000_000, 1_000_000_000_000, 10_000_000_000_000,
	100_000_000_000_000, 1_000_000_000_000_000, 10_000_000_000_000_000, 100_000_000_000_000_000,
	1_000_000_000_000_000_000}

// maxExp bounds the exponent we keep; larger exponents saturate. It is far
// beyond any exponent that can yield a representable non-zero Amount, so
// saturating changes no result, and it keeps the arithmetic below in range.
const maxExp = 1_000_000_000

// parseDecimal parses the JSON number grammar exactly, without floats:
//
//	number = [ "-" ] ( "0" / digit1-9 *digit ) [ "." 1*digit ] [ ( "e" / "E" ) [ "-" / "+" ] 1*digit ]
//
// so "+1", ".5", "1.", "01", "0x10", " 1", "NaN" and "Inf" are rejected. The
// value must be exactly representable: at most MaxScale significant decimals
// and within the int64 range of micros. Zero is always representable, however
// it is written ("0e-400", "-0.0"): negative zero becomes zero, and the
// decimals to print are capped at MaxScale.
func parseDecimal[T string | []byte](s T) (Amount, bool) {
	i, n := 0, len(s)
	neg := false
	if i < n && s[i] == '-' {
		neg = true
		i++
	}
	var (
		mant    uint64 // significant digits, trailing zeros excluded
		nd      int    // digits in mant
		zeros   int    // zeros after the last non-zero digit, not yet in mant
		frac    int    // digits after the decimal point
		tooMany bool   // more than 19 significant digits: never representable
	)
	digit := func(c byte) {
		if c == '0' {
			if nd > 0 {
				zeros++
			}
			return
		}
		if nd+zeros >= 19 {
			tooMany = true
			return
		}
		for ; zeros > 0; zeros-- {
			mant *= 10
			nd++
		}
		mant = mant*10 + uint64(c-'0')
		nd++
	}
	// Integer part: "0", or a non-zero digit and more digits.
	switch {
	case i < n && s[i] == '0':
		i++
	case i < n && s[i] >= '1' && s[i] <= '9':
		for ; i < n && s[i] >= '0' && s[i] <= '9'; i++ {
			digit(s[i])
		}
	default:
		return Amount{}, false
	}
	if i < n && s[i] == '.' {
		i++
		start := i
		for ; i < n && s[i] >= '0' && s[i] <= '9'; i++ {
			digit(s[i])
		}
		frac = i - start
		if frac == 0 {
			return Amount{}, false
		}
	}
	var exp int64
	if i < n && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < n && (s[i] == '-' || s[i] == '+') {
			eneg = s[i] == '-'
			i++
		}
		start := i
		for ; i < n && s[i] >= '0' && s[i] <= '9'; i++ {
			if exp < maxExp {
				exp = exp*10 + int64(s[i]-'0')
			}
		}
		if i == start {
			return Amount{}, false
		}
		if eneg {
			exp = -exp
		}
	}
	if i != n || tooMany {
		return Amount{}, false
	}
	places := min(max(int64(frac)-exp, 0), MaxScale)
	if mant == 0 {
		return Amount{places: uint8(places)}, true
	}
	// value = mant × 10^(zeros − frac + exp) = mant × 10^(shift − MaxScale) micros.
	shift := MaxScale + int64(zeros) - int64(frac) + exp
	if shift < 0 || shift >= int64(len(pow10)) {
		return Amount{}, false // too many decimals, or far too large
	}
	limit := uint64(math.MaxInt64)
	if neg {
		limit++ // -2^63 is representable
	}
	p := uint64(pow10[shift])
	if mant > limit/p {
		return Amount{}, false
	}
	u := mant * p
	m := int64(u)
	if neg {
		m = -int64(u-1) - 1 // u == 2^63 gives MinInt64
	}
	return Amount{micros: m, places: uint8(places)}, true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Amount prints itself in messages (%s, %v).
var _ fmt.Stringer = Amount{}
