package harness

import (
	"strings"

	"github.com/jitsim/jitsim/jit"
)

// ParseMoney reads an amount as the features write it ("$42.17", "42.17",
// "-$20.00") into minor units of currency. It returns a *jit.Error with code
// EINVALID for anything else, or for more decimals than the currency has.
func ParseMoney(s, currency string) (int64, error) { return parseMinor(s, currency) }

func parseMinor(s, currency string) (int64, error) {
	t := strings.TrimSpace(s)
	neg := strings.HasPrefix(t, "-")
	t = strings.TrimPrefix(t, "-")
	t = strings.TrimPrefix(t, "$")
	t = strings.ReplaceAll(t, ",", "")
	if t == "" || strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+") {
		return 0, jit.Errorf(jit.EINVALID, "amount %q is not a decimal amount", s)
	}
	a, err := jit.ParseAmount(t)
	if err != nil {
		return 0, jit.Errorf(jit.EINVALID, "amount %q: %v", s, err)
	}
	m, err := a.Minor(currency)
	if err != nil {
		return 0, jit.Errorf(jit.EINVALID, "amount %q: %v", s, err)
	}
	if neg {
		m = -m
	}
	return m, nil
}

// FormatMoney prints minor units of currency as a decimal in major units
// ("42.17", "-20.00").
func FormatMoney(minor int64, currency string) string {
	if minor < 0 {
		return "-" + jit.MustMinor(-minor, currency).String()
	}
	return jit.MustMinor(minor, currency).String()
}

// Balances are an account's balances in minor units.
type Balances struct {
	Available, Ledger, Pending int64
}

func (b Balances) format(cur string) string {
	return "available " + FormatMoney(b.Available, cur) + ", ledger " + FormatMoney(b.Ledger, cur) + ", pending " + FormatMoney(b.Pending, cur)
}
