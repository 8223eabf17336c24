package traffic

import (
	"math"
	"reflect"
	"testing"
	"time"
)

func testProfile(t *testing.T, seed uint64) Profile {
	t.Helper()
	p := Default()
	p.Seed = seed
	return p
}

func plan(t *testing.T, p Profile, n int) []*Flow {
	t.Helper()
	g, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]*Flow, n)
	for i := range out {
		out[i] = g.Next()
	}
	return out
}

func TestSameSeedSamePlan(t *testing.T) {
	a := plan(t, testProfile(t, 42), 500)
	b := plan(t, testProfile(t, 42), 500)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave different flows")
	}
	c := plan(t, testProfile(t, 43), 500)
	if reflect.DeepEqual(a, c) {
		t.Fatal("seeds 42 and 43 gave the same flows")
	}
	ga, _ := New(testProfile(t, 42))
	gb, _ := New(testProfile(t, 42))
	if !reflect.DeepEqual(ga.Holders(), gb.Holders()) {
		t.Fatal("the same seed gave different cardholders")
	}
	if a[0].Merchant.Name == "" || a[0].Merchant.City == "" || len(a[0].Merchant.MCC) != 4 {
		t.Fatalf("merchant not filled in: %+v", a[0].Merchant)
	}
}

func TestMixConvergesToWeights(t *testing.T) {
	p := testProfile(t, 7)
	const n = 40000
	counts := map[string]int{}
	for _, f := range plan(t, p, n) {
		counts[f.Scenario]++
	}
	total := 0
	for _, w := range p.Mix {
		total += w
	}
	for name, w := range p.Mix {
		want := float64(w) / float64(total)
		got := float64(counts[name]) / n
		// Five standard deviations of a binomial share.
		tol := 5 * math.Sqrt(want*(1-want)/n)
		if math.Abs(got-want) > tol {
			t.Errorf("%s: share %.4f, want %.4f ± %.4f", name, got, want, tol)
		}
	}
	if len(counts) != len(p.Mix) {
		t.Errorf("%d scenarios drawn, want %d", len(counts), len(p.Mix))
	}
}

func TestZeroWeightNeverDrawn(t *testing.T) {
	p := testProfile(t, 3)
	p.Mix = map[string]int{ScenarioGrocery: 1, ScenarioATM: 0}
	for _, f := range plan(t, p, 2000) {
		if f.Scenario != ScenarioGrocery {
			t.Fatalf("drew %s with weight 0", f.Scenario)
		}
	}
}

// TestPlanShapes checks amounts and offsets of every scenario's plan
// against the profile's distributions.
func TestPlanShapes(t *testing.T) {
	p := testProfile(t, 11)
	g, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	maxDelay := time.Duration(p.ClearingDelay.Max)
	for range 5000 {
		f := g.Next()
		if len(f.Steps) == 0 {
			t.Fatalf("flow %d (%s) has no steps", f.ID, f.Scenario)
		}
		var prev time.Duration
		for i, s := range f.Steps {
			if s.After < prev {
				t.Fatalf("%s: step %d at %s before step %d at %s", f.Scenario, i, s.After, i-1, prev)
			}
			prev = s.After
			if s.Amount < 0 || (s.Amount == 0 && !s.Open && s.Op != OpBalanceInquiry && s.Op != OpExpire) {
				t.Fatalf("%s: step %d %s amount %d", f.Scenario, i, s.Op, s.Amount)
			}
		}
		switch f.Scenario {
		case ScenarioRestaurant:
			a, c := f.Steps[0].Amount, f.Steps[1].Amount
			if c < a || c > a+a*int64(p.TipPercent.Max)/100 {
				t.Fatalf("restaurant: clearing %d for authorization %d", c, a)
			}
			if d := f.Steps[1].After; d < time.Duration(p.ClearingDelay.Min) || d > maxDelay {
				t.Fatalf("restaurant: clearing delay %s", d)
			}
		case ScenarioFuelStatusCheck:
			if f.Steps[0].Amount != 100 {
				t.Fatalf("fuel status check for %d", f.Steps[0].Amount)
			}
		case ScenarioFuelPreauth:
			a, c := f.Steps[0].Amount, f.Steps[len(f.Steps)-1].Amount
			if (a != 17500 && a != 10000) || c > a {
				t.Fatalf("fuel pre-authorization %d cleared at %d", a, c)
			}
		case ScenarioSplitShipment:
			var sum int64
			clearings := f.Steps[1:]
			for i, s := range clearings {
				sum += s.Amount
				if s.Sequence != i+1 || s.Count != len(clearings) {
					t.Fatalf("split shipment clearing %d is %d of %d", i, s.Sequence, s.Count)
				}
			}
			if sum != f.Steps[0].Amount {
				t.Fatalf("split shipment clears %d of %d", sum, f.Steps[0].Amount)
			}
		case ScenarioATM:
			if f.Steps[0].Amount%2000 != 0 {
				t.Fatalf("ATM withdrawal of %d", f.Steps[0].Amount)
			}
		case ScenarioInsufficientFunds:
			if f.Steps[0].Amount <= g.Holders()[f.Holder].Balance {
				t.Fatalf("insufficient funds authorization %d within balance %d", f.Steps[0].Amount, g.Holders()[f.Holder].Balance)
			}
		}
	}
}
