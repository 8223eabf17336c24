package traffic

import "time"

// Scenario names, as the profile's mix and amounts spell them.
const (
	ScenarioGrocery           = "grocery"            // authorization, clearing of the same amount
	ScenarioRestaurant        = "restaurant"         // clearing up to tip_percent above the authorization
	ScenarioFuelStatusCheck   = "fuel_status_check"  // $1 status check, clearing at the dispensed amount
	ScenarioFuelPreauth       = "fuel_preauth"       // $175/$100 pre-authorization, advice or lower clearing
	ScenarioHotel             = "hotel"              // pre-authorization, incrementals, clearing of the total
	ScenarioCarRental         = "car_rental"         // as hotel
	ScenarioEcommerce         = "ecommerce"          // full reversal, partial reversal then clearing, or clearing
	ScenarioSplitShipment     = "split_shipment"     // several clearings, is_final_clearing on the last
	ScenarioRefund            = "refund"             // authorization, clearing, linked refund
	ScenarioUnlinkedRefund    = "unlinked_refund"    // refund with no earlier transaction
	ScenarioBalanceInquiry    = "balance_inquiry"    // pgfs.balanceinquiry
	ScenarioPINDebit          = "pin_debit"          // single-message purchase
	ScenarioATM               = "atm"                // single-message withdrawal in multiples of 20
	ScenarioForcePost         = "force_post"         // clearing with no authorization
	ScenarioInsufficientFunds = "insufficient_funds" // authorization above the cardholder's balance
	ScenarioExpiry            = "expiry"             // authorization never cleared, expired after expiry_window
)

// scenario is one row of the scenario table.
type scenario struct {
	mccs   []string // merchant category codes, one drawn per merchant
	label  string   // merchant name pattern (%s: a company name)
	amount bool     // needs amounts[name]
	plan   func(g *Generator, f *Flow)
}

// scenarios is the scenario table; order is Scenarios' order.
var scenarios = map[string]scenario{
	ScenarioGrocery:           {[]string{"5411"}, "%s Market", true, planGrocery},
	ScenarioRestaurant:        {[]string{"5812", "5814"}, "%s Bistro", true, planRestaurant},
	ScenarioFuelStatusCheck:   {[]string{"5542"}, "%s Fuel", false, planFuelStatusCheck},
	ScenarioFuelPreauth:       {[]string{"5542"}, "%s Fuel", false, planFuelPreauth},
	ScenarioHotel:             {[]string{"7011"}, "%s Hotel", true, planStay},
	ScenarioCarRental:         {[]string{"7512"}, "%s Car Rental", true, planStay},
	ScenarioEcommerce:         {[]string{"5999", "5732"}, "%s Online", true, planEcommerce},
	ScenarioSplitShipment:     {[]string{"5999", "5732"}, "%s Direct", true, planSplitShipment},
	ScenarioRefund:            {[]string{"5651", "5311"}, "%s Outfitters", true, planRefund},
	ScenarioUnlinkedRefund:    {[]string{"5651", "5311"}, "%s Store", true, planUnlinkedRefund},
	ScenarioBalanceInquiry:    {[]string{"6011"}, "%s Bank", false, planBalanceInquiry},
	ScenarioPINDebit:          {[]string{"5411", "5310"}, "%s Superstore", true, planPINDebit},
	ScenarioATM:               {[]string{"6011"}, "%s Bank ATM", true, planATM},
	ScenarioForcePost:         {[]string{"4121", "5999"}, "%s Transit", true, planForcePost},
	ScenarioInsufficientFunds: {[]string{"5732", "5944"}, "%s Electronics", true, planInsufficientFunds},
	ScenarioExpiry:            {[]string{"5411", "5999"}, "%s Goods", true, planExpiry},
}

var scenarioOrder = []string{
	ScenarioGrocery, ScenarioRestaurant, ScenarioFuelStatusCheck, ScenarioFuelPreauth,
	ScenarioHotel, ScenarioCarRental, ScenarioEcommerce, ScenarioSplitShipment,
	ScenarioRefund, ScenarioUnlinkedRefund, ScenarioBalanceInquiry, ScenarioPINDebit,
	ScenarioATM, ScenarioForcePost, ScenarioInsufficientFunds, ScenarioExpiry,
}

// Scenarios lists every scenario name in a fixed order.
func Scenarios() []string { return append([]string(nil), scenarioOrder...) }

func isScenario(name string) bool {
	_, ok := scenarios[name]
	return ok
}

// The plans: each appends a flow's steps, offsets from the flow's start.

func planGrocery(g *Generator, f *Flow) {
	a := g.money(g.p.Amounts[f.Scenario])
	f.add(Step{Op: OpAuthorize, Amount: a, CardPresent: true})
	f.add(Step{After: g.delay(g.p.ClearingDelay), Op: OpClear, Amount: a})
}

func planRestaurant(g *Generator, f *Flow) {
	a := g.money(g.p.Amounts[f.Scenario])
	bp := int64(g.intn(IntRange{g.p.TipPercent.Min * 100, g.p.TipPercent.Max * 100}))
	f.add(Step{Op: OpAuthorize, Amount: a, CardPresent: true})
	f.add(Step{After: g.delay(g.p.ClearingDelay), Op: OpClear, Amount: a + a*bp/10000})
}

func planFuelStatusCheck(g *Generator, f *Flow) {
	f.add(Step{Op: OpAuthorize, Amount: g.minor(g.p.Fuel.StatusCheck), CardPresent: true})
	f.add(Step{After: g.delay(g.p.ClearingDelay), Op: OpClear, Amount: g.money(g.p.Fuel.Dispensed)})
}

func planFuelPreauth(g *Generator, f *Flow) {
	pre := g.minor(g.p.Fuel.Preauth[g.rng.IntN(len(g.p.Fuel.Preauth))])
	dispensed := min(g.money(g.p.Fuel.Dispensed), pre)
	f.add(Step{Op: OpAuthorize, Amount: pre, Preauth: true, CardPresent: true})
	if g.rng.Float64() < g.p.Fuel.AdviceShare {
		f.add(Step{After: time.Duration(2+g.rng.IntN(10)) * time.Minute, Op: OpAdvice, Amount: dispensed})
	}
	f.add(Step{After: g.delay(g.p.ClearingDelay), Op: OpClear, Amount: dispensed})
}

func planStay(g *Generator, f *Flow) {
	stay := g.p.Hotel
	if f.Scenario == ScenarioCarRental {
		stay = g.p.CarRental
	}
	f.add(Step{Op: OpAuthorize, Amount: g.money(g.p.Amounts[f.Scenario]), Preauth: true, CardPresent: true})
	var at time.Duration
	for range g.intn(stay.Incrementals) {
		at += time.Duration(6+g.rng.IntN(19)) * time.Hour
		f.add(Step{After: at, Op: OpIncremental, Amount: g.money(stay.Incremental)})
	}
	f.add(Step{After: at + g.delay(g.p.ClearingDelay), Op: OpClear, Open: true})
}

func planEcommerce(g *Generator, f *Flow) {
	a := g.money(g.p.Amounts[f.Scenario])
	f.add(Step{Op: OpAuthorize, Amount: a})
	cancel := time.Duration(10+g.rng.IntN(12*60)) * time.Minute
	switch u := g.rng.Float64(); {
	case u < g.p.Ecommerce.FullReversal:
		f.add(Step{After: cancel, Op: OpReverse, Open: true})
	case u < g.p.Ecommerce.FullReversal+g.p.Ecommerce.PartialReversal:
		part := max(a*int64(10+g.rng.IntN(41))/100, 1)
		f.add(Step{After: cancel, Op: OpReverse, Amount: part})
		f.add(Step{After: cancel + g.delay(g.p.ClearingDelay), Op: OpClear, Open: true})
	default:
		f.add(Step{After: g.delay(g.p.ClearingDelay), Op: OpClear, Amount: a})
	}
}

func planSplitShipment(g *Generator, f *Flow) {
	a := g.money(g.p.Amounts[f.Scenario])
	n := int64(g.intn(g.p.SplitShipment))
	n = min(n, a) // every part at least one minor unit
	f.add(Step{Op: OpAuthorize, Amount: a})
	at := g.delay(g.p.ClearingDelay)
	left := a
	for i := int64(1); i <= n; i++ {
		part := left
		if i < n {
			// A share of what is left, leaving a unit for each later part.
			part = 1 + g.rng.Int64N(max(left-(n-i), 1))
			part = min(part, left-(n-i))
		}
		left -= part
		f.add(Step{After: at, Op: OpClear, Amount: part, Sequence: int(i), Count: int(n)})
		at += time.Duration(1+g.rng.IntN(48)) * time.Hour
	}
}

func planRefund(g *Generator, f *Flow) {
	a := g.money(g.p.Amounts[f.Scenario])
	clear := g.delay(g.p.ClearingDelay)
	f.add(Step{Op: OpAuthorize, Amount: a, CardPresent: true})
	f.add(Step{After: clear, Op: OpClear, Amount: a})
	pct := int64(g.intn(g.p.RefundPercent))
	f.add(Step{After: clear + g.delay(g.p.RefundDelay), Op: OpRefund, Amount: max(a*pct/100, 1)})
}

func planUnlinkedRefund(g *Generator, f *Flow) {
	f.add(Step{Op: OpUnlinkedRefund, Amount: g.money(g.p.Amounts[f.Scenario])})
}

func planBalanceInquiry(g *Generator, f *Flow) {
	f.add(Step{Op: OpBalanceInquiry, CardPresent: true})
}

func planPINDebit(g *Generator, f *Flow) {
	f.add(Step{Op: OpPINDebit, Amount: g.money(g.p.Amounts[f.Scenario]), CardPresent: true})
}

func planATM(g *Generator, f *Flow) {
	unit := g.minor(g.twenty)
	a := max(g.money(g.p.Amounts[f.Scenario])/unit, 1) * unit
	f.add(Step{Op: OpPINDebit, Amount: a, CardPresent: true})
}

func planForcePost(g *Generator, f *Flow) {
	f.add(Step{Op: OpForcePost, Amount: g.money(g.p.Amounts[f.Scenario])})
}

func planInsufficientFunds(g *Generator, f *Flow) {
	// Above what the cardholder started with: only refunds could cover it.
	a := g.holders[f.Holder].Balance + g.money(g.p.Amounts[f.Scenario])
	f.add(Step{Op: OpAuthorize, Amount: a})
	// Declined, nothing follows; approved by a stand-in, the hold expires.
	f.add(Step{After: time.Duration(g.p.ExpiryWindow), Op: OpExpire})
}

func planExpiry(g *Generator, f *Flow) {
	f.add(Step{Op: OpAuthorize, Amount: g.money(g.p.Amounts[f.Scenario])})
	f.add(Step{After: time.Duration(g.p.ExpiryWindow), Op: OpExpire})
}
