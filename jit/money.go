package jit

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
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

// ParseAmount parses a decimal such as "42.17", "-3", "1.5e2" or "0.001".
// It rejects NaN, infinities, hexadecimal, empty strings, values beyond the
// int64 range of Amount and more than MaxScale significant decimals, with an
// *Error of code EINVALID.
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
	return string(a.appendText(nil))
}

func (a Amount) appendText(b []byte) []byte {
	m := a.micros
	neg := m < 0
	var u uint64
	if neg {
		u = uint64(-(m + 1)) + 1 // safe for MinInt64
		b = append(b, '-')
	} else {
		u = uint64(m)
	}
	whole, frac := u/scaleFactor, u%scaleFactor
	b = strconv.AppendUint(b, whole, 10)
	places := int(a.places)
	// Never drop significant digits, whatever places says.
	need := MaxScale
	for f := frac; need > 0 && f%10 == 0; f /= 10 {
		need--
	}
	if frac == 0 {
		need = 0
	}
	if need > places {
		places = need
	}
	if places == 0 {
		return b
	}
	b = append(b, '.')
	digits := strconv.AppendUint(make([]byte, 0, MaxScale), frac+scaleFactor, 10)[1:] // zero-padded to MaxScale
	return append(b, digits[:places]...)
}

// MarshalJSON writes the amount as a JSON number.
func (a Amount) MarshalJSON() ([]byte, error) { return a.appendText(nil), nil }

// UnmarshalJSON accepts a JSON number or a string holding one. null leaves the
// amount unchanged, as encoding/json does for other types.
func (a *Amount) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if string(data) == "null" {
		return nil
	}
	s := string(data)
	if len(data) >= 2 && data[0] == '"' && data[len(data)-1] == '"' {
		unq, err := strconv.Unquote(s)
		if err != nil {
			return Errorf(EINVALID, "invalid amount %s", truncate(s, 40))
		}
		s = strings.TrimSpace(unq)
	}
	v, err := ParseAmount(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}

var pow10 = [...]int64{1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
	1_000_000_000, 10_000_000_000, 100_000_000_000, 1_000_000_000_000, 10_000_000_000_000,
	100_000_000_000_000, 1_000_000_000_000_000, 10_000_000_000_000_000, 100_000_000_000_000_000,
	1_000_000_000_000_000_000}

// parseDecimal parses the JSON number grammar exactly, without floats.
func parseDecimal(s string) (Amount, bool) {
	i, n := 0, len(s)
	neg := false
	if i < n && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	var digits []byte // significant digits, leading zeros dropped
	intDigits, fracDigits := 0, 0
	for ; i < n && s[i] >= '0' && s[i] <= '9'; i++ {
		intDigits++
		if len(digits) > 0 || s[i] != '0' {
			digits = append(digits, s[i])
		}
	}
	if i < n && s[i] == '.' {
		i++
		for ; i < n && s[i] >= '0' && s[i] <= '9'; i++ {
			fracDigits++
			digits = append(digits, s[i])
		}
		if fracDigits == 0 {
			return Amount{}, false
		}
	}
	if intDigits == 0 && fracDigits == 0 {
		return Amount{}, false
	}
	exp := 0
	if i < n && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < n && (s[i] == '-' || s[i] == '+') {
			eneg = s[i] == '-'
			i++
		}
		start := i
		for ; i < n && s[i] >= '0' && s[i] <= '9'; i++ {
			if exp > 1000 {
				return Amount{}, false
			}
			exp = exp*10 + int(s[i]-'0')
		}
		if i == start {
			return Amount{}, false
		}
		if eneg {
			exp = -exp
		}
	}
	if i != n {
		return Amount{}, false
	}
	// value = 0.digits-with-fracDigits-decimals × 10^exp; drop trailing zeros.
	scale := fracDigits - exp // decimal places of the integer in digits
	for len(digits) > 0 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
		scale--
	}
	places := fracDigits - exp
	if places < 0 {
		places = 0
	}
	if len(digits) == 0 {
		if places > MaxScale {
			places = MaxScale
		}
		return Amount{places: uint8(places)}, true
	}
	if scale > MaxScale || len(digits) > 19 {
		return Amount{}, false
	}
	var u uint64
	for _, d := range digits {
		u = u*10 + uint64(d-'0')
	}
	shift := MaxScale - scale // ≥ 0
	if shift > 18 {
		return Amount{}, false
	}
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	if u > limit/uint64(pow10[shift]) {
		return Amount{}, false
	}
	u *= uint64(pow10[shift])
	if u > limit {
		return Amount{}, false
	}
	var m int64
	if neg {
		m = -int64(u-1) - 1
	} else {
		m = int64(u)
	}
	if places > MaxScale {
		places = MaxScale
	}
	return Amount{micros: m, places: uint8(places)}, true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Sprint is fmt.Sprint for amounts in messages.
var _ fmt.Stringer = Amount{}
