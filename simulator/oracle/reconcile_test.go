package oracle

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/jitsim/jitsim/jit"
)

// fakeReader answers from a map; missing accounts are ENOTFOUND.
type fakeReader struct {
	bal   map[Key]Balance
	holds map[Key][]Hold
	err   error
	reads int
}

func (f *fakeReader) Balance(ctx context.Context, k Key) (Balance, error) {
	f.reads++
	if f.err != nil {
		return Balance{}, f.err
	}
	b, ok := f.bal[k]
	if !ok {
		return Balance{}, jit.Errorf(jit.ENOTFOUND, "no account %s", k.Account)
	}
	return b, nil
}

type fakeHoldReader struct{ *fakeReader }

func (f fakeHoldReader) Holds(ctx context.Context, k Key) ([]Hold, error) { return f.holds[k], nil }

// world: two accounts; u1 with an open hold and a cleared one, u2 funded.
func reconcileWorld() *Oracle {
	o := New(Options{})
	o.Fund(usd, 10000, "f1")
	o.Fund(Key{"u2", "USD"}, 2500, "f2")
	feed(o, tx(auth, pend, "a", "", "30.00"), tx(auth, pend, "b", "", "20.00"), tx(clr, compl, "c", "b", "20.00"))
	return o
}

func TestReconcile(t *testing.T) {
	u2 := Key{"u2", "USD"}
	right := map[Key]Balance{usd: {5000, 8000, 3000}, u2: {2500, 2500, 0}}
	tests := []struct {
		name      string
		bal       map[Key]Balance
		holds     map[Key][]Hold
		drift     []Key
		violation []string
	}{
		{"no drift", right, nil, nil, nil},
		{"one account drifts", map[Key]Balance{usd: {7000, 8000, 1000}, u2: right[u2]}, nil, []Key{usd}, nil},
		{"a missing account with money drifts", map[Key]Balance{usd: right[usd]}, nil, []Key{u2}, nil},
		{"holds agree", right, map[Key][]Hold{usd: {
			{JITToken: "j-a", TransactionToken: "a", Amount: 3000, Open: true},
			{JITToken: "j-b", TransactionToken: "b", Amount: 2000, Open: false},
		}}, nil, nil},
		{"hold kept after the final clearing", right, map[Key][]Hold{usd: {
			{JITToken: "j-a", TransactionToken: "a", Amount: 3000, Open: true},
			{JITToken: "j-b", TransactionToken: "b", Amount: 1, Open: true},
			{JITToken: "j-z", TransactionToken: "z", Amount: 0, Open: true}, // holds nothing: not reported
		}}, nil, []string{ViolationFinalHold}},
		{"hold amount differs, found by JIT token", right, map[Key][]Hold{usd: {{JITToken: "j-a", Amount: 2999, Open: true}}}, nil, []string{ViolationHoldAmount}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := reconcileWorld()
			var r Reader = &fakeReader{bal: tt.bal}
			if tt.holds != nil {
				r = fakeHoldReader{&fakeReader{bal: tt.bal, holds: tt.holds}}
			}
			rep, err := o.Reconcile(context.Background(), r)
			if err != nil {
				t.Fatal(err)
			}
			if rep.AccountsChecked != 2 {
				t.Fatalf("checked %d accounts", rep.AccountsChecked)
			}
			if len(rep.Drift) != len(tt.drift) {
				t.Fatalf("drift %+v, want %v", rep.Drift, tt.drift)
			}
			for i, k := range tt.drift {
				d := rep.Drift[i]
				if d.Key != k || d.Expected != o.Expected(k) || d.Actual != tt.bal[k] {
					t.Fatalf("drift %+v", d)
				}
				if len(d.History) == 0 || len(d.History) != len(o.History(k)) {
					t.Fatalf("drift of %v without its history: %+v", k, d.History)
				}
			}
			if k := "drift"; tt.drift != nil && rep.Drift[0].Key == usd {
				// The drifting account's history names every message.
				var toks []string
				for _, e := range rep.Drift[0].History {
					toks = append(toks, e.Token)
				}
				if got := strings.Join(toks, ","); got != "f1,a,b,c" {
					t.Fatalf("%s history tokens %s", k, got)
				}
			}
			if len(rep.Violations) != len(tt.violation) {
				t.Fatalf("violations %+v, want %v", rep.Violations, tt.violation)
			}
			for i, kind := range tt.violation {
				if rep.Violations[i].Kind != kind {
					t.Fatalf("violation %+v, want %s", rep.Violations[i], kind)
				}
			}
			if rep.OK() != (len(tt.drift) == 0 && len(tt.violation) == 0) {
				t.Fatalf("OK() = %v", rep.OK())
			}
		})
	}
}

func TestReconcileErrors(t *testing.T) {
	o := reconcileWorld()
	boom := errors.New("boom")
	r := &fakeReader{err: boom}
	if _, err := o.Reconcile(context.Background(), r); !errors.Is(err, boom) || r.reads != 1 {
		t.Fatalf("err %v after %d reads", err, r.reads)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := o.Reconcile(ctx, &fakeReader{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

// TestReportJSON pins the report's snake_case names.
func TestReportJSON(t *testing.T) {
	o := reconcileWorld()
	rep, err := o.Reconcile(context.Background(), &fakeReader{bal: map[Key]Balance{}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m["accounts_checked"] != float64(2) {
		t.Fatalf("accounts_checked in %s", b)
	}
	drift := m["drift_accounts"].([]any)[0].(map[string]any)
	for _, f := range []string{"account", "currency", "expected", "actual", "history"} {
		if _, ok := drift[f]; !ok {
			t.Fatalf("drift has no %q: %s", f, b)
		}
	}
	if exp := drift["expected"].(map[string]any); exp["available"] != float64(5000) || exp["ledger"] != float64(8000) || exp["pending"] != float64(3000) {
		t.Fatalf("expected %v", exp)
	}
	h := drift["history"].([]any)[1].(map[string]any)
	if h["type"] != "authorization" || h["effect"] != "hold +3000" || h["token"] != "a" || h["kind"] != "webhook" {
		t.Fatalf("history entry %v", h)
	}
}
