package traffic

import (
	"strings"
	"testing"

	"github.com/jitsim/jitsim/jit"
)

func TestDefaultValidates(t *testing.T) {
	p := Default()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, name := range Scenarios() {
		if p.Mix[name] <= 0 {
			t.Errorf("the default mix leaves out %s", name)
		}
	}
	if p.Faults.Timeout == 0 || p.Faults.ConnectionError == 0 || p.Faults.ServerError == 0 || p.Faults.JITResend == 0 ||
		p.Faults.WebhookDown == 0 || p.Faults.WebhookDuplicate == 0 || p.Faults.WebhookReorder == 0 || p.Faults.Commando == 0 {
		t.Errorf("the default profile leaves a fault off: %+v", p.Faults)
	}
	if _, err := Decode(strings.NewReader(string(DefaultJSON()))); err != nil {
		t.Fatalf("DefaultJSON does not decode: %v", err)
	}
}

func TestDecodeOverridesDefaults(t *testing.T) {
	p, err := Decode(strings.NewReader(`{"transactions": 10, "seed": 9, "mix": {"grocery": 1}}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Transactions != 10 || p.Seed != 9 {
		t.Fatalf("transactions %d seed %d", p.Transactions, p.Seed)
	}
	if len(p.Mix) != 1 || p.Mix[ScenarioGrocery] != 1 {
		t.Fatalf("mix %v, want only grocery", p.Mix)
	}
	if p.Cardholders.Count != Default().Cardholders.Count {
		t.Fatalf("cardholders not kept from the default")
	}
	q, err := Decode(strings.NewReader(`{"seed": 2}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Mix) != len(Default().Mix) {
		t.Fatalf("a file without a mix lost the default mix: %v", q.Mix)
	}
}

// TestDecodeErrorsNameTheField checks that every rejected profile says which
// field is wrong.
func TestDecodeErrorsNameTheField(t *testing.T) {
	tests := []struct {
		name, json, field string
	}{
		{"unknown field", `{"rat": 5}`, `"rat"`},
		{"unknown nested field", `{"fuel": {"preauthh": []}}`, `"preauthh"`},
		{"wrong type", `{"transactions": "many"}`, "transactions"},
		{"negative rate", `{"rate": -1}`, "rate"},
		{"no count or duration", `{"transactions": 0, "duration": "0s"}`, "transactions"},
		{"bad duration", `{"duration": "soon"}`, "soon"},
		{"negative duration", `{"duration": "-1s"}`, "duration"},
		{"unknown currency", `{"currency": "XYZ"}`, "currency"},
		{"timeout out of range", `{"timeout_millis": 500}`, "timeout_millis"},
		{"no cardholders", `{"cardholders": {"count": 0}}`, "cardholders.count"},
		{"balance range upside down", `{"cardholders": {"count": 1, "balance": {"min": "10.00", "max": "5.00"}}}`, "cardholders.balance"},
		{"unknown scenario", `{"mix": {"casino": 1}}`, "mix.casino"},
		{"negative weight", `{"mix": {"grocery": -1}}`, "mix.grocery"},
		{"empty mix", `{"mix": {"grocery": 0}}`, "mix"},
		{"amount not exact", `{"amounts": {"grocery": {"min": "1.001", "max": "2.00"}}}`, "amounts.grocery.min"},
		{"tip too large", `{"tip_percent": {"min": 0, "max": 150}}`, "tip_percent"},
		{"one clearing is no split", `{"split_shipment_clearings": {"min": 1, "max": 3}}`, "split_shipment_clearings"},
		{"no fuel preauth", `{"fuel": {"preauth": []}}`, "fuel.preauth"},
		{"share above one", `{"fuel": {"advice_share": 1.5}}`, "fuel.advice_share"},
		{"reversal shares above one", `{"ecommerce": {"full_reversal_share": 0.6, "partial_reversal_share": 0.6}}`, "ecommerce"},
		{"zero expiry", `{"expiry_window": "0s"}`, "expiry_window"},
		{"fault probability", `{"faults": {"gateway_timeout": 2}}`, "faults.gateway_timeout"},
		{"unknown fault", `{"faults": {"meteor": 0.1}}`, `"meteor"`},
		{"trailing data", `{"seed": 1} {}`, "after"},
		{"not JSON", `{"seed": `, "truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(tt.json))
			if err == nil {
				t.Fatal("decoded")
			}
			if jit.ErrorCode(err) != jit.EINVALID {
				t.Fatalf("code %s: %v", jit.ErrorCode(err), err)
			}
			if !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("error %q does not name %s", err, tt.field)
			}
		})
	}
}
