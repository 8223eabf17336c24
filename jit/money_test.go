package jit

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
)

func TestParseAmountAccepts(t *testing.T) {
	tests := []struct {
		in     string
		micros int64
		str    string // String()
	}{
		{"42.17", 42_170_000, "42.17"},
		{"-0.50", -500_000, "-0.50"},
		{"1e2", 100_000_000, "100"},
		{"1E+2", 100_000_000, "100"},
		{"1.5E-1", 150_000, "0.15"},
		{"100e-2", 1_000_000, "1.00"},
		{"0", 0, "0"},
		{"-0", 0, "0"},      // negative zero is zero
		{"-0.0", 0, "0.0"},  // and keeps its decimals
		{"0.00", 0, "0.00"}, // zero keeps its decimals
		{"0.000001", 1, "0.000001"},
		{"1e-6", 1, "0.000001"},
		{"10", 10_000_000, "10"},
		{"10.00", 10_000_000, "10.00"},
		{"12.30", 12_300_000, "12.30"},
		{"1.0000000", 1_000_000, "1.000000"}, // trailing zeros beyond MaxScale are fine
		{"0e-400", 0, "0.000000"},            // exact zero: accepted, decimals capped
		{"0e999999999999999999999", 0, "0"},  // huge exponent on zero
		{"0.00000000000000000001e20", 1_000_000, "1"},
		{"1000000000000000000000e-9", 1_000_000_000_000_000_000, "1000000000000.000000"},
		{"9223372036854.775807", math.MaxInt64, "9223372036854.775807"},
		{"-9223372036854.775808", math.MinInt64, "-9223372036854.775808"},
		{"9223372036854775807e-6", math.MaxInt64, "9223372036854.775807"},
		{"-9223372036854.775807", -math.MaxInt64, "-9223372036854.775807"},
		{"1e12", 1_000_000_000_000_000_000, "1000000000000"},
	}
	for _, tc := range tests {
		a, err := ParseAmount(tc.in)
		if err != nil {
			t.Errorf("ParseAmount(%q): %v", tc.in, err)
			continue
		}
		if a.Micros() != tc.micros || a.String() != tc.str {
			t.Errorf("ParseAmount(%q) = %d micros %q, want %d %q", tc.in, a.Micros(), a, tc.micros, tc.str)
		}
		b, err := ParseAmount(a.String())
		if err != nil || b != a {
			t.Errorf("ParseAmount(%q).String() = %q re-parses to %v, %v", tc.in, a, b, err)
		}
	}
}

func TestParseAmountRejects(t *testing.T) {
	for _, in := range []string{
		"", " ", "abc", "NaN", "nan", "Infinity", "-Infinity", "Inf", "-Inf", "+Inf",
		"1.", ".5", "-.5", "+1", "+0", "--1", "-", "1e", "1e+", "1e-", "e5", "1.e5",
		"0x10", "0X1A", "00012", "01", "-01", "00", "1_000", "1,5", "1.2.3", "１",
		" 1", "1 ", "\t1", "1\n", "\"1\"",
		"0.0000001", "1e-7", "1e-400", "-1e-400", "0.1234567",
		"1e400", "-1e400", "1e18", "1e13", "9223372036854.775808", "-9223372036854.775809",
		"9223372036854775808e-6", "12345678901234567890", "123456789012345678901e-8",
		"1e999999999999999999999",
	} {
		a, err := ParseAmount(in)
		if err == nil {
			t.Errorf("ParseAmount(%q) = %s, want an error", in, a)
			continue
		}
		if ErrorCode(err) != EINVALID {
			t.Errorf("ParseAmount(%q): code %q, want %q", in, ErrorCode(err), EINVALID)
		}
	}
}

func TestAmountUnmarshalJSON(t *testing.T) {
	tests := []struct {
		in   string
		want string // String(), or "" for an error
	}{
		{`42.17`, "42.17"},
		{`"42.17"`, "42.17"},
		{`"-0.50"`, "-0.50"},
		{`1e2`, "100"},
		{`"1.5E-1"`, "0.15"},
		{`"\u0034\u0032.5"`, "42.5"},
		{`0.000001`, "0.000001"},
		{`"abc"`, ""},
		{`""`, ""},
		{`" 42"`, ""},
		{`"42 "`, ""},
		{`"+1"`, ""},
		{`".5"`, ""},
		{`"NaN"`, ""},
		{`"Infinity"`, ""},
		{`true`, ""},
		{`{}`, ""},
		{`[]`, ""},
		{`"`, ""},
		{`"1e400"`, ""},
		{`1.0000001`, ""},
	}
	for _, tc := range tests {
		var a Amount
		err := a.UnmarshalJSON([]byte(tc.in))
		if tc.want == "" {
			if err == nil {
				t.Errorf("UnmarshalJSON(%s) = %s, want an error", tc.in, a)
			} else if ErrorCode(err) != EINVALID {
				t.Errorf("UnmarshalJSON(%s): code %q", tc.in, ErrorCode(err))
			}
			continue
		}
		if err != nil || a.String() != tc.want {
			t.Errorf("UnmarshalJSON(%s) = %s, %v; want %s", tc.in, a, err, tc.want)
		}
	}
	// null leaves the amount as it was.
	a := MustAmount("3.50")
	if err := json.Unmarshal([]byte(`null`), &a); err != nil || a.String() != "3.50" {
		t.Errorf("null: %s, %v", a, err)
	}
	// Through encoding/json, in a struct, the error is ours.
	var v struct{ A Amount }
	err := json.Unmarshal([]byte(`{"A":"1.2.3"}`), &v)
	var e *Error
	if !errors.As(err, &e) || e.Code != EINVALID {
		t.Errorf("json.Unmarshal with a bad amount: %v", err)
	}
}

func TestAmountMarshalRoundTrip(t *testing.T) {
	// A decoded value re-encodes byte for byte.
	for _, in := range []string{
		"42.17", "10.00", "10", "-0.50", "0", "0.0", "0.000001", "957.83", "1000.000",
		"9223372036854.775807", "-9223372036854.775808", "-9223372036854.775807", "123456.789012",
	} {
		var a Amount
		if err := json.Unmarshal([]byte(in), &a); err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		out, err := json.Marshal(a)
		if err != nil || string(out) != in {
			t.Errorf("round trip of %s gave %s, %v", in, out, err)
		}
		// Through a pointer and inside a struct as well.
		out, _ = json.Marshal(struct {
			P *Amount `json:"p"`
		}{&a})
		if string(out) != `{"p":`+in+`}` {
			t.Errorf("struct round trip of %s gave %s", in, out)
		}
	}
	// Forms that are not canonical re-encode canonically.
	for in, want := range map[string]string{"1e2": "100", "-0": "0", "1.5E-1": "0.15", "0e-400": "0.000000", `"42.17"`: "42.17"} {
		var a Amount
		if err := json.Unmarshal([]byte(in), &a); err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if out, _ := json.Marshal(a); string(out) != want {
			t.Errorf("%s re-encodes as %s, want %s", in, out, want)
		}
	}
}

func TestFromMinor(t *testing.T) {
	tests := []struct {
		minor    int64
		currency string
		want     string // MarshalJSON, or "" for an error
	}{
		{1000, "USD", "10.00"},
		{4217, "USD", "42.17"},
		{-1, "USD", "-0.01"},
		{0, "USD", "0.00"},
		{1000, "", "10.00"}, // DefaultCurrency
		{5, "JPY", "5"},
		{-5, "JPY", "-5"},
		{1005, "KWD", "1.005"},
		{12345, "CLF", "1.2345"},
		{math.MaxInt64 / 10_000, "USD", "9223372036854.77"},
		{math.MinInt64 / 10_000, "USD", "-9223372036854.77"},
		{math.MaxInt64/10_000 + 1, "USD", ""},
		{math.MinInt64/10_000 - 1, "USD", ""},
		{math.MaxInt64 / 1_000_000, "JPY", "9223372036854"},
		{math.MaxInt64/1_000_000 + 1, "JPY", ""},
		{1, "XXX", ""},
		{1, "usd", ""},
	}
	for _, tc := range tests {
		a, err := FromMinor(tc.minor, tc.currency)
		if tc.want == "" {
			if ErrorCode(err) != EINVALID {
				t.Errorf("FromMinor(%d, %q) = %s, %v; want an EINVALID error", tc.minor, tc.currency, a, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("FromMinor(%d, %q): %v", tc.minor, tc.currency, err)
			continue
		}
		out, _ := a.MarshalJSON()
		if string(out) != tc.want {
			t.Errorf("FromMinor(%d, %q) marshals as %s, want %s", tc.minor, tc.currency, out, tc.want)
		}
		back, err := a.Minor(tc.currency)
		if err != nil || back != tc.minor {
			t.Errorf("FromMinor(%d, %q).Minor = %d, %v", tc.minor, tc.currency, back, err)
		}
	}
}

func TestMinor(t *testing.T) {
	tests := []struct {
		amount, currency string
		want             int64
		ok               bool
	}{
		{"1.00", "USD", 100, true},
		{"1.5", "USD", 150, true},
		{"42.17", "USD", 4217, true},
		{"-0.50", "USD", -50, true},
		{"1.005", "USD", 0, false},
		{"0.001", "USD", 0, false},
		{"1.5", "JPY", 0, false},
		{"15", "JPY", 15, true},
		{"1.005", "KWD", 1005, true},
		{"1.0005", "KWD", 0, false},
		{"1.0005", "CLF", 10005, true},
		{"1.00", "", 100, true},
		{"1.00", "XXX", 0, false},
		{"1.00", "ZZZ", 0, false},
		{"9223372036854.775807", "USD", 0, false},
		{"-9223372036854.775808", "USD", 0, false},
		{"-9223372036854.77", "USD", -922337203685477, true},
	}
	for _, tc := range tests {
		got, err := MustAmount(tc.amount).Minor(tc.currency)
		if !tc.ok {
			if ErrorCode(err) != EINVALID {
				t.Errorf("%s %s: Minor = %d, %v; want an EINVALID error", tc.amount, tc.currency, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s %s: Minor = %d, %v; want %d", tc.amount, tc.currency, got, err, tc.want)
		}
	}
}

func TestAmountCompare(t *testing.T) {
	a, b := MustAmount("10"), MustAmount("10.00")
	if !a.Equal(b) || a.Cmp(b) != 0 || a == b {
		t.Error("10 and 10.00 are equal in value but print differently")
	}
	neg, pos := MustAmount("-0.01"), MustAmount("0.01")
	if neg.Cmp(pos) != -1 || pos.Cmp(neg) != 1 || neg.Sign() != -1 || pos.Sign() != 1 {
		t.Error("Cmp or Sign is wrong")
	}
	if !MustAmount("0.00").IsZero() || MustAmount("0.00").Sign() != 0 || pos.IsZero() {
		t.Error("IsZero or Sign of zero is wrong")
	}
	if (Amount{}).String() != "0" {
		t.Errorf("zero value prints %q", Amount{})
	}
	if MustMinor(1, "USD").String() != "0.01" {
		t.Error("MustMinor")
	}
	defer func() {
		if recover() == nil {
			t.Error("MustAmount of garbage did not panic")
		}
	}()
	MustAmount("x")
}

// representable is the oracle for the fuzz target: the exact value of a JSON
// number s, via math/big, and whether an Amount can hold it.
func representable(s string) (micros int64, ok, checked bool) {
	// Keep big.Rat away from huge exponents.
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		exp := strings.TrimLeft(s[i+1:], "+-")
		if len(strings.TrimLeft(exp, "0")) > 3 {
			return 0, false, false
		}
	}
	if len(s) > 200 {
		return 0, false, false
	}
	r, good := new(big.Rat).SetString(s)
	if !good {
		return 0, false, false
	}
	r.Mul(r, big.NewRat(scaleFactor, 1))
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, false, true
	}
	return r.Num().Int64(), true, true
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{
		"42.17", "-0.50", "1e2", "1.5E-1", "0", "-0", "0.000001", "0e-400", "1e-400", "+1", ".5",
		"1.", "00012", "9223372036854.775807", "9223372036854.775808", "-9223372036854.775808",
		"1e18", "0.00000000000000000001e20", "NaN", "0x10", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAmount(s)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("ParseAmount(%q): code %q", s, ErrorCode(err))
			}
		} else {
			if !json.Valid([]byte(s)) || strings.ContainsAny(s, " \t\r\n\"") {
				t.Fatalf("ParseAmount(%q) accepted something that is not a JSON number", s)
			}
			text := a.String()
			b, err := ParseAmount(text)
			if err != nil || !b.Equal(a) {
				t.Fatalf("ParseAmount(%q) = %s, which re-parses to %v, %v", s, text, b, err)
			}
			if b.String() != text {
				t.Fatalf("String is not stable: %q then %q", text, b.String())
			}
			if out, _ := a.MarshalJSON(); string(out) != text {
				t.Fatalf("MarshalJSON %s != String %s", out, text)
			}
			var c Amount
			if err := json.Unmarshal([]byte(s), &c); err != nil || c != a {
				t.Fatalf("json.Unmarshal(%q) = %v, %v; ParseAmount gave %v", s, c, err, a)
			}
		}
		// Against math/big: accepted exactly when the value is representable.
		if micros, ok, checked := representable(s); checked && json.Valid([]byte(s)) && s != "" &&
			(s[0] == '-' || s[0] >= '0' && s[0] <= '9') && !strings.ContainsAny(s, " \t\r\n") {
			if ok != (err == nil) {
				t.Fatalf("ParseAmount(%q): err %v, but representable = %v", s, err, ok)
			}
			if ok && a.Micros() != micros {
				t.Fatalf("ParseAmount(%q) = %d micros, want %d", s, a.Micros(), micros)
			}
		}
	})
}
