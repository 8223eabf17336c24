package traffic

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
	"github.com/jitsim/jitsim/simulator/fault"
)

// Profile is what traffic to generate. docs/profile.md documents every field;
// default.json (Default) is the built-in one.
type Profile struct {
	// Rate is network messages a second of real time; 0 sends as fast as
	// the gateway answers.
	Rate float64 `json:"rate"`
	// Transactions is how many network messages to send (0: until Duration
	// ends). The last flow is cut short to make the count exact.
	Transactions int64 `json:"transactions"`
	// Duration is how long (real time) to start new flows for (0: until
	// Transactions are sent). Flows started by then still finish.
	Duration Duration `json:"duration"`
	// Seed drives every random choice; 0 is replaced by 1.
	Seed uint64 `json:"seed"`
	// Currency of every card transaction (ISO 4217 alpha code).
	Currency string `json:"currency"`
	// Start is the virtual clock's reading when the run starts.
	Start time.Time `json:"start"`
	// Interval is the virtual time between two flows' first messages.
	Interval Duration `json:"interval"`
	// TimeoutMillis is the funding source's timeout_millis (1000–7000).
	TimeoutMillis int64 `json:"timeout_millis"`
	// Cardholders are the users, one card each, funded at the start.
	Cardholders Cardholders `json:"cardholders"`
	// Mix weighs the scenarios (see Scenarios); a scenario left out never
	// runs. A profile file's mix replaces the default mix as a whole.
	Mix map[string]int `json:"mix"`
	// Amounts is each scenario's purchase amount range, in major units.
	Amounts map[string]MoneyRange `json:"amounts"`
	// ClearingDelay is how long after the authorization a clearing arrives.
	ClearingDelay DurationRange `json:"clearing_delay"`
	// TipPercent is the restaurant tip added at clearing (0–20 by default).
	TipPercent IntRange `json:"tip_percent"`
	// Fuel shapes the two fuel scenarios.
	Fuel Fuel `json:"fuel"`
	// Hotel and CarRental shape the incremental-authorization scenarios.
	Hotel     Stay `json:"hotel"`
	CarRental Stay `json:"car_rental"`
	// Ecommerce shapes the e-commerce scenario's reversals.
	Ecommerce Ecommerce `json:"ecommerce"`
	// SplitShipment is how many clearings a split shipment has (2–99).
	SplitShipment IntRange `json:"split_shipment_clearings"`
	// RefundPercent is how much of a cleared purchase is refunded.
	RefundPercent IntRange `json:"refund_percent"`
	// RefundDelay is how long after the clearing a refund arrives.
	RefundDelay DurationRange `json:"refund_delay"`
	// ExpiryWindow is when a never-cleared hold expires, after its
	// authorization.
	ExpiryWindow Duration `json:"expiry_window"`
	// RealTimeStandin is the funding source's Commando Mode
	// real_time_standin_criteria: which gateway failures Marqeta stands in
	// for (approves) instead of declining.
	RealTimeStandin simulator.RealTimeStandin `json:"real_time_standin"`
	// Faults are the injected faults (simulator/fault).
	Faults fault.Config `json:"faults"`
}

// Cardholders is how many users there are and what each starts with.
type Cardholders struct {
	Count   int        `json:"count"`
	Balance MoneyRange `json:"balance"`
}

// Fuel shapes the fuel scenarios: a status check (a small authorization
// cleared at the dispensed amount) and a pump pre-authorization (one of
// Preauth) followed, in AdviceShare of flows, by an advice to the dispensed
// amount, then a clearing of that amount.
type Fuel struct {
	StatusCheck jit.Amount   `json:"status_check"`
	Preauth     []jit.Amount `json:"preauth"`
	Dispensed   MoneyRange   `json:"dispensed"`
	AdviceShare float64      `json:"advice_share"`
}

// Stay shapes a hotel or car rental: how many incremental authorizations
// follow the first one, and their amounts.
type Stay struct {
	Incrementals IntRange   `json:"incrementals"`
	Incremental  MoneyRange `json:"incremental_amount"`
}

// Ecommerce is the share of e-commerce orders fully reversed (cancelled)
// and partly reversed (an item out of stock) before the clearing.
type Ecommerce struct {
	FullReversal    float64 `json:"full_reversal_share"`
	PartialReversal float64 `json:"partial_reversal_share"`
}

// MoneyRange is a uniform distribution of amounts in major units, bounds
// included.
type MoneyRange struct {
	Min jit.Amount `json:"min"`
	Max jit.Amount `json:"max"`
}

// IntRange is a uniform distribution of integers, bounds included.
type IntRange struct {
	Min int `json:"min"`
	Max int `json:"max"`
}

// DurationRange is a uniform distribution of durations (whole seconds),
// bounds included.
type DurationRange struct {
	Min Duration `json:"min"`
	Max Duration `json:"max"`
}

// Duration is a time.Duration written in JSON as a Go duration string
// ("36h", "90s").
type Duration = fault.Duration

//go:embed default.json
var defaultJSON []byte

// Default returns the built-in profile: every scenario and every fault on,
// a few thousand messages as fast as possible.
func Default() Profile {
	var p Profile
	if err := decodeStrict(bytes.NewReader(defaultJSON), &p); err != nil {
		panic("traffic: the embedded default.json does not decode: " + err.Error())
	}
	return p
}

// DefaultJSON returns the built-in profile as JSON, to start a profile file
// from.
func DefaultJSON() []byte { return bytes.Clone(defaultJSON) }

// Decode reads a profile from r on top of Default: a field the file leaves
// out keeps its default value, except mix, which the file replaces as a
// whole when it has one. Decoding is strict: an unknown field, a duplicate
// document or a value of the wrong type is an error naming the field, as is
// every Validate error. All are *jit.Error values with code EINVALID.
func Decode(r io.Reader) (Profile, error) {
	p := Default()
	mix := p.Mix
	p.Mix = nil
	if err := decodeStrict(r, &p); err != nil {
		return Profile{}, err
	}
	if p.Mix == nil {
		p.Mix = mix
	}
	if err := p.Validate(); err != nil {
		return Profile{}, err
	}
	return p, nil
}

func decodeStrict(r io.Reader, p *Profile) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(p); err != nil {
		return profileError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return jit.Errorf(jit.EINVALID, "profile: unexpected data after the JSON object")
	}
	return nil
}

// profileError turns a JSON decoding error into an EINVALID that names the
// field.
func profileError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return jit.Errorf(jit.EINVALID, "profile: field %s: %s is not a %s", te.Field, te.Value, te.Type)
	case errors.As(err, &se):
		return jit.Errorf(jit.EINVALID, "profile: not JSON at byte %d: %v", se.Offset, err)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return jit.Errorf(jit.EINVALID, "profile: unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return jit.Errorf(jit.EINVALID, "profile: empty or truncated JSON")
	}
	var je *jit.Error
	if errors.As(err, &je) {
		return jit.Errorf(jit.EINVALID, "profile: %s", je.Message)
	}
	return jit.Errorf(jit.EINVALID, "profile: %v", err)
}

// String returns the profile as indented JSON.
func (p Profile) String() string {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Sprintf("profile: %v", err)
	}
	return string(b)
}
