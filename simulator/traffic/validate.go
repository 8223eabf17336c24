package traffic

import (
	"errors"
	"math"
	"time"

	"github.com/jitsim/jitsim/jit"
)

// Limits of a profile.
const (
	MaxCardholders = 1_000_000
	maxClearings   = 99 // two-digit multi_clearing_sequence_count
)

// Validate checks p. It returns a *jit.Error with code EINVALID naming the
// first field (by its JSON path) that is out of range.
func (p Profile) Validate() error {
	bad := func(field, format string, args ...any) error {
		return jit.Errorf(jit.EINVALID, "profile: "+field+": "+format, args...)
	}
	switch {
	case math.IsNaN(p.Rate) || math.IsInf(p.Rate, 0) || p.Rate < 0:
		return bad("rate", "must be 0 (as fast as possible) or a positive number of messages a second, got %v", p.Rate)
	case p.Transactions < 0:
		return bad("transactions", "must not be negative, got %d", p.Transactions)
	case p.Duration < 0:
		return bad("duration", "must not be negative, got %s", time.Duration(p.Duration))
	case p.Transactions == 0 && p.Duration == 0:
		return bad("transactions", "set transactions or duration (both are 0)")
	case p.Currency == "":
		return bad("currency", "must be set")
	case p.Start.IsZero():
		return bad("start", "must be set (RFC 3339)")
	case p.Interval < 0:
		return bad("interval", "must not be negative, got %s", time.Duration(p.Interval))
	case p.TimeoutMillis != 0 && (p.TimeoutMillis < 1000 || p.TimeoutMillis > 7000):
		return bad("timeout_millis", "must be 1000–7000 as Marqeta allows, got %d", p.TimeoutMillis)
	case p.Cardholders.Count < 1 || p.Cardholders.Count > MaxCardholders:
		return bad("cardholders.count", "must be 1–%d, got %d", MaxCardholders, p.Cardholders.Count)
	}
	if _, err := jit.FromMinor(1, p.Currency); err != nil {
		return bad("currency", "unknown currency %q", p.Currency)
	}
	if err := p.moneyRange("cardholders.balance", p.Cardholders.Balance); err != nil {
		return err
	}
	total := 0
	for name, w := range p.Mix {
		if !isScenario(name) {
			return bad("mix."+name, "unknown scenario (known: %v)", Scenarios())
		}
		if w < 0 || w > 1_000_000 {
			return bad("mix."+name, "weight must be 0–1000000, got %d", w)
		}
		total += w
	}
	if total == 0 {
		return bad("mix", "needs at least one scenario with a positive weight")
	}
	for name, r := range p.Amounts {
		if !isScenario(name) {
			return bad("amounts."+name, "unknown scenario (known: %v)", Scenarios())
		}
		if err := p.moneyRange("amounts."+name, r); err != nil {
			return err
		}
	}
	for _, name := range Scenarios() {
		if p.Mix[name] > 0 && scenarios[name].amount {
			if _, ok := p.Amounts[name]; !ok {
				return bad("amounts."+name, "missing: scenario %s is in the mix", name)
			}
		}
	}
	if err := durationRange("clearing_delay", p.ClearingDelay); err != nil {
		return err
	}
	if err := durationRange("refund_delay", p.RefundDelay); err != nil {
		return err
	}
	if err := intRange("tip_percent", p.TipPercent, 0, 100); err != nil {
		return err
	}
	if err := intRange("refund_percent", p.RefundPercent, 1, 100); err != nil {
		return err
	}
	if err := intRange("split_shipment_clearings", p.SplitShipment, 2, maxClearings); err != nil {
		return err
	}
	if err := p.validateShapes(); err != nil {
		return err
	}
	if p.ExpiryWindow <= 0 {
		return bad("expiry_window", "must be positive, got %s", time.Duration(p.ExpiryWindow))
	}
	if err := p.Faults.Validate(); err != nil {
		msg := err.Error()
		var je *jit.Error
		if errors.As(err, &je) {
			msg = je.Message
		}
		return jit.Errorf(jit.EINVALID, "profile: faults.%s", msg)
	}
	return nil
}

func (p Profile) validateShapes() error {
	if err := p.amount("fuel.status_check", p.Fuel.StatusCheck); err != nil {
		return err
	}
	if len(p.Fuel.Preauth) == 0 {
		return jit.Errorf(jit.EINVALID, "profile: fuel.preauth: needs at least one amount")
	}
	for _, a := range p.Fuel.Preauth {
		if err := p.amount("fuel.preauth", a); err != nil {
			return err
		}
	}
	if err := p.moneyRange("fuel.dispensed", p.Fuel.Dispensed); err != nil {
		return err
	}
	if err := share("fuel.advice_share", p.Fuel.AdviceShare); err != nil {
		return err
	}
	for _, s := range []struct {
		name string
		stay Stay
	}{{"hotel", p.Hotel}, {"car_rental", p.CarRental}} {
		if err := intRange(s.name+".incrementals", s.stay.Incrementals, 0, 20); err != nil {
			return err
		}
		if err := p.moneyRange(s.name+".incremental_amount", s.stay.Incremental); err != nil {
			return err
		}
	}
	if err := share("ecommerce.full_reversal_share", p.Ecommerce.FullReversal); err != nil {
		return err
	}
	if err := share("ecommerce.partial_reversal_share", p.Ecommerce.PartialReversal); err != nil {
		return err
	}
	if p.Ecommerce.FullReversal+p.Ecommerce.PartialReversal > 1 {
		return jit.Errorf(jit.EINVALID, "profile: ecommerce: full_reversal_share + partial_reversal_share must be at most 1")
	}
	return nil
}

// amount checks a positive amount exact in the profile's currency.
func (p Profile) amount(field string, a jit.Amount) error {
	m, err := a.Minor(p.Currency)
	if err != nil {
		return jit.Errorf(jit.EINVALID, "profile: %s: %s is not an exact %s amount", field, a, p.Currency)
	}
	if m <= 0 {
		return jit.Errorf(jit.EINVALID, "profile: %s: must be positive, got %s", field, a)
	}
	return nil
}

func (p Profile) moneyRange(field string, r MoneyRange) error {
	if err := p.amount(field+".min", r.Min); err != nil {
		return err
	}
	if err := p.amount(field+".max", r.Max); err != nil {
		return err
	}
	if r.Min.Cmp(r.Max) > 0 {
		return jit.Errorf(jit.EINVALID, "profile: %s: min %s is above max %s", field, r.Min, r.Max)
	}
	return nil
}

func intRange(field string, r IntRange, lo, hi int) error {
	if r.Min < lo || r.Max > hi || r.Min > r.Max {
		return jit.Errorf(jit.EINVALID, "profile: %s: must satisfy %d <= min <= max <= %d, got %d..%d", field, lo, hi, r.Min, r.Max)
	}
	return nil
}

func durationRange(field string, r DurationRange) error {
	if r.Min < 0 || r.Min > r.Max {
		return jit.Errorf(jit.EINVALID, "profile: %s: must satisfy 0 <= min <= max, got %s..%s", field, time.Duration(r.Min), time.Duration(r.Max))
	}
	return nil
}

func share(field string, v float64) error {
	if math.IsNaN(v) || v < 0 || v > 1 {
		return jit.Errorf(jit.EINVALID, "profile: %s: must be a share between 0 and 1, got %v", field, v)
	}
	return nil
}
