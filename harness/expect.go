package harness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
)

// ErrNoHolds means the gateway's adapter does not serve the optional
// Account.holds field, so hold expectations cannot be checked.
var ErrNoHolds = errors.New("the gateway's adapter does not serve Account.holds")

func (ev *Event) describe() string {
	s := "the " + ev.Action
	if ev.Txn != nil && !ev.Txn.Amount.IsZero() {
		s += " of " + ev.Txn.Amount.String()
	}
	return s
}

func (ev *Event) answer() string {
	if ev.Outcome == nil {
		s := "no JIT exchange, transaction " + ev.Txn.State
		if ev.Txn.StandinApprovedBy != "" {
			s += ", stood in by " + ev.Txn.StandinApprovedBy
		}
		return s
	}
	s := describeOutcome(ev.Outcome)
	if ev.Outcome.StandIn != "" {
		s += ", stood in by " + ev.Outcome.StandIn
	}
	return s + ", network " + map[bool]string{true: "approved", false: "declined"}[ev.Outcome.Approved]
}

// ExpectApproved checks the network approved ev.
func (w *World) ExpectApproved(ev *Event) error {
	if ev.Outcome == nil || !ev.Outcome.Approved || ev.Txn.State == jit.StateDeclined {
		return w.fail("outcome of "+ev.describe(), "approved", ev.answer())
	}
	return nil
}

// ExpectDeclined checks the network declined ev, with reason when one is
// given (the gateway's decline_reason).
func (w *World) ExpectDeclined(ev *Event, reason string) error {
	want := "declined"
	if reason != "" {
		want += " " + reason
	}
	if ev.Outcome == nil || ev.Outcome.Approved || ev.Txn.State != jit.StateDeclined ||
		(reason != "" && ev.Outcome.DeclineReason != reason) {
		return w.fail("outcome of "+ev.describe(), want, ev.answer())
	}
	return nil
}

// ExpectStatus checks the HTTP status the gateway answered ev's JIT request
// with.
func (w *World) ExpectStatus(ev *Event, status int) error {
	if ev.Outcome == nil || ev.Outcome.Status != status {
		return w.fail("the gateway's HTTP status for "+ev.describe(), fmt.Sprintf("HTTP %d", status), ev.answer())
	}
	return nil
}

// ExpectTimedOut checks Marqeta gave up waiting for the gateway on ev and
// declined it.
func (w *World) ExpectTimedOut(ev *Event) error {
	gl := ev.Txn.GatewayLogOf()
	if ev.Outcome == nil || ev.Outcome.Kind != simulator.OutcomeTimeout || ev.Txn.State != jit.StateDeclined || gl == nil || gl.TimedOut == nil || !*gl.TimedOut {
		return w.fail("outcome of "+ev.describe(), "declined by Marqeta after timeout_millis, gateway_log.timed_out", ev.answer())
	}
	return nil
}

// ExpectStandIn checks Marqeta approved ev on the gateway's behalf (by is
// COMMANDO_AUTO or COMMANDO_MANUAL; "" accepts either).
func (w *World) ExpectStandIn(ev *Event, by string) error {
	got := ev.Txn.StandinApprovedBy
	approved := (ev.Outcome == nil || ev.Outcome.Approved) && ev.Txn.State != jit.StateDeclined
	if !approved || got == "" || (by != "" && got != by) {
		return w.fail("outcome of "+ev.describe(), "approved by stand-in "+by, ev.answer())
	}
	return nil
}

// ExpectInquiryAnswer checks the balances a balance inquiry answered with.
func (w *World) ExpectInquiryAnswer(ev *Event, available, ledger string) error {
	cur := ev.Holder.Currency
	a, err := parseMinor(available, cur)
	if err != nil {
		return err
	}
	l, err := parseMinor(ledger, cur)
	if err != nil {
		return err
	}
	want := "available " + FormatMoney(a, cur) + ", ledger " + FormatMoney(l, cur)
	b, err := inquiryBalances(ev.Outcome, cur)
	if err != nil {
		return w.fail("balance inquiry answer", want, err.Error())
	}
	if b.Available != a || b.Ledger != l || !ev.Outcome.Approved {
		return w.fail("balance inquiry answer", want+", approved", fmt.Sprintf("available %s, ledger %s, %s", FormatMoney(b.Available, cur), FormatMoney(b.Ledger, cur), ev.answer()))
	}
	return nil
}

func inquiryBalances(o *simulator.Outcome, cur string) (Balances, error) {
	if o == nil || o.Echo == nil {
		return Balances{}, fmt.Errorf("no answer body: %s", describeOutcome(o))
	}
	bal, ok := o.Echo.JITFunding.Balances[cur]
	if !ok {
		return Balances{}, fmt.Errorf("an answer without jit_funding.balances.%s (%s)", cur, describeOutcome(o))
	}
	a, err := bal.AvailableBalance.Minor(cur)
	if err != nil {
		return Balances{}, fmt.Errorf("available_balance %s: %v", bal.AvailableBalance, err)
	}
	l, err := bal.LedgerBalance.Minor(cur)
	if err != nil {
		return Balances{}, fmt.Errorf("ledger_balance %s: %v", bal.LedgerBalance, err)
	}
	return Balances{Available: a, Ledger: l, Pending: l - a}, nil
}

// Balances delivers queued webhooks (unless held back) and reads the
// cardholder's balances: through the adapter, or in black-box mode from a
// balance inquiry's answer (pending = ledger - available).
func (w *World) Balances(ctx context.Context, holder string) (Balances, error) {
	h, err := w.Cardholder(holder)
	if err != nil {
		return Balances{}, err
	}
	if err := w.settle(ctx); err != nil {
		return Balances{}, err
	}
	if w.BlackBox() {
		return w.inquire(ctx, h)
	}
	a, err := w.adapter.Account(ctx, h.UserToken, h.Currency)
	if err != nil {
		w.log.Addf("adapter account %s ⇒ error %v", h.UserToken, err)
		return Balances{}, fmt.Errorf("read balances of %s through the adapter: %w", h.UserToken, err)
	}
	b := Balances{a.Available, a.Ledger, a.Pending}
	w.log.Addf("adapter account %s ⇒ %s", h.UserToken, b.format(h.Currency))
	return b, nil
}

func (h *Cardholder) label() string {
	if h.Name == "" {
		return "the cardholder (" + h.UserToken + ")"
	}
	return h.Name + " (" + h.UserToken + ")"
}

// ExpectBalances checks the cardholder's balances to the cent; a mismatch
// is an *ExpectationError with both sides and the message log.
func (w *World) ExpectBalances(ctx context.Context, holder string, want Balances) error {
	h, err := w.Cardholder(holder)
	if err != nil {
		return err
	}
	got, err := w.Balances(ctx, holder)
	if err != nil {
		return err
	}
	if got != want {
		return w.fail("balances of "+h.label(), want.format(h.Currency), got.format(h.Currency))
	}
	return nil
}

// ParseBalances reads the three balances as the features write them.
func ParseBalances(available, ledger, pending, currency string) (Balances, error) {
	var b Balances
	var err error
	if b.Available, err = parseMinor(available, currency); err != nil {
		return b, err
	}
	if b.Ledger, err = parseMinor(ledger, currency); err != nil {
		return b, err
	}
	if b.Pending, err = parseMinor(pending, currency); err != nil {
		return b, err
	}
	return b, nil
}

// ExpectHold checks the gateway's hold for the event labelled ref through
// the adapter's optional Account.holds: its open amount and state (OPEN,
// CLEARED, RELEASED, EXPIRED). It returns ErrNoHolds when the adapter does
// not serve holds.
func (w *World) ExpectHold(ctx context.Context, ref, amount, state string) error {
	ev, err := w.Ref(ref)
	if err != nil {
		return err
	}
	if w.BlackBox() {
		return ErrNoHolds
	}
	if ok, err := w.adapter.HasHolds(ctx); err != nil {
		return fmt.Errorf("ask the adapter for holds: %w", err)
	} else if !ok {
		return ErrNoHolds
	}
	if err := w.settle(ctx); err != nil {
		return err
	}
	cur := ev.Holder.Currency
	m, err := parseMinor(amount, cur)
	if err != nil {
		return err
	}
	a, err := w.adapter.AccountWithHolds(ctx, ev.Holder.UserToken, cur)
	if err != nil {
		return fmt.Errorf("read holds of %s: %w", ev.Holder.UserToken, err)
	}
	jitTok := ""
	if jf := ev.Txn.JITFundingOf(); jf != nil {
		jitTok = jf.Token
	}
	var seen []string
	want := fmt.Sprintf("a %s hold of %s for JIT token %s", strings.ToUpper(state), FormatMoney(m, cur), jitTok)
	for _, h := range a.Holds {
		seen = append(seen, fmt.Sprintf("%s %s %s", short(h.JITToken), h.State, FormatMoney(h.Amount, cur)))
		if h.JITToken == jitTok || (h.TransactionToken != "" && h.TransactionToken == ev.Txn.Token) {
			if h.Amount == m && strings.EqualFold(h.State, state) {
				return nil
			}
		}
	}
	return w.fail("hold of "+ev.describe(), want, "holds ["+strings.Join(seen, "; ")+"]")
}

// ExpectRawStatus checks a raw answer's status is one of want.
func (w *World) ExpectRawStatus(what string, ans *RawAnswer, want ...int) error {
	for _, s := range want {
		if ans.Status == s {
			return nil
		}
	}
	ws := make([]string, len(want))
	for i, s := range want {
		ws[i] = fmt.Sprintf("HTTP %d", s)
	}
	return w.fail(what, strings.Join(ws, " or "), fmt.Sprintf("HTTP %d %s", ans.Status, clipBody(ans.Body)))
}

// inquire reads balances in black-box mode: a pgfs.balanceinquiry the
// harness sends the gateway itself, past the proxy and Commando Mode, so
// that a slow or stood-in gateway can still be read.
func (w *World) inquire(ctx context.Context, h *Cardholder) (Balances, error) {
	w.seq++
	tok := fmt.Sprintf("bi-%s-%d", w.prefix, w.seq)
	zero := jit.MustMinor(0, h.Currency)
	t := jit.Transaction{Type: jit.TypeBalanceinquiry, State: jit.StatePending, Token: tok, UserToken: h.UserToken, CardToken: h.CardToken,
		Amount: zero, CurrencyCode: h.Currency, CreatedTime: w.clock.Now().UTC().Format("2006-01-02T15:04:05Z"),
		GPAOrder: &jit.GPAOrder{Token: tok + "-o", Amount: zero, State: jit.StatePending, CurrencyCode: h.Currency,
			JITFunding: &jit.JITFunding{Token: tok + "-j", Method: jit.MethodBalanceinquiry, UserToken: h.UserToken, Amount: zero}},
	}
	body, err := json.Marshal(t)
	if err != nil {
		return Balances{}, fmt.Errorf("encode balance inquiry: %w", err)
	}
	ans, err := w.SendRaw(ctx, RawRequest{Endpoint: EndpointJIT, Body: body, What: "black-box balance inquiry for " + h.UserToken})
	if err != nil {
		return Balances{}, err
	}
	b, err := inquiryBalances(&simulator.Outcome{Kind: "answer", Status: ans.Status, Echo: ans.Echo, Approved: ans.Status == 200}, h.Currency)
	if err != nil || ans.Status != 200 {
		return Balances{}, w.fail("balances of "+h.label()+" by balance inquiry", "HTTP 200 with jit_funding.balances", fmt.Sprintf("HTTP %d %s", ans.Status, clipBody(ans.Body)))
	}
	return b, nil
}
