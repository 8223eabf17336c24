package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
)

// simAcceptor is the card_acceptor of a simulation (card_acceptor_model,
// plus country_code and postal_code as transaction_card_acceptor names
// them).
type simAcceptor struct {
	MID                    string `json:"mid"`
	MCC                    string `json:"mcc"`
	Name                   string `json:"name"`
	Address                string `json:"address"`
	City                   string `json:"city"`
	State                  string `json:"state"`
	Zip                    string `json:"zip"`
	PostalCode             string `json:"postal_code"`
	CountryCode            string `json:"country_code"`
	Country                string `json:"country"`
	PartialApprovalCapable bool   `json:"partial_approval_capable"`
}

// simRequest is the body of every simulation, Simulations 2.0 and legacy;
// which fields are required depends on the event.
type simRequest struct {
	CardToken    string       `json:"card_token"`
	Amount       *jit.Amount  `json:"amount"`
	CurrencyCode string       `json:"currency_code"`
	Network      string       `json:"network"`
	MID          string       `json:"mid"`
	CardAcceptor *simAcceptor `json:"card_acceptor"`
	// Simulations 2.0 follow-ups.
	Preceding string `json:"preceding_related_transaction_token"`
	// Legacy follow-ups.
	OriginalTransactionToken string `json:"original_transaction_token"`
	IsRefund                 bool   `json:"is_refund"`
	AccountType              string `json:"account_type"`
	// Clearing with no authorization.
	ForcePost bool `json:"force_post"`
	// Point of sale.
	IsPreAuth              bool `json:"is_pre_auth"`
	PartialApprovalCapable bool `json:"partial_approval_capable"`
	CardPresent            bool `json:"card_present"`
	// Multi-clearing: sequence number of count ("01" of "02"); the clearing
	// whose number equals the count is final.
	MultiClearingSequenceNumber int `json:"multi_clearing_sequence_number"`
	MultiClearingSequenceCount  int `json:"multi_clearing_sequence_count"`
	// Legacy only: where else to send this transaction's webhook.
	Webhook *legacyWebhook `json:"webhook"`
}

// legacyWebhook is CoreAPI.yaml's webhook object of the legacy /simulate
// requests.
type legacyWebhook struct {
	Endpoint string `json:"endpoint"`
	Username string `json:"username"`
	Password string `json:"password"`
	Secret   string `json:"secret"`
}

func (w *legacyWebhook) target() simulator.WebhookTarget {
	return simulator.WebhookTarget{URL: w.Endpoint, Username: w.Username, Password: w.Password, Secret: w.Secret}
}

func (s *simRequest) merchant() simulator.Merchant {
	m := simulator.Merchant{MID: s.MID}
	if a := s.CardAcceptor; a != nil {
		m = simulator.Merchant{
			MID: first(a.MID, s.MID), MCC: a.MCC, Name: a.Name, Address: a.Address, City: a.City,
			State: a.State, PostalCode: first(a.Zip, a.PostalCode), CountryCode: first(a.CountryCode, a.Country),
		}
	}
	return m
}

func (s *simRequest) auth() simulator.AuthRequest {
	r := simulator.AuthRequest{
		CardToken: s.CardToken, Currency: s.CurrencyCode, Merchant: s.merchant(), Network: strings.ToUpper(s.Network),
		Partial: s.PartialApprovalCapable || (s.CardAcceptor != nil && s.CardAcceptor.PartialApprovalCapable),
		Preauth: s.IsPreAuth, CardPresent: s.CardPresent,
	}
	if s.Amount != nil {
		r.Amount = *s.Amount
	}
	return r
}

func (s *simRequest) amount() jit.Amount {
	if s.Amount == nil {
		return jit.Amount{}
	}
	return *s.Amount
}

func first(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// needs checks that the named fields are set.
func needs(fields ...any) error {
	for i := 0; i+1 < len(fields); i += 2 {
		name := fields[i].(string)
		switch v := fields[i+1].(type) {
		case string:
			if v == "" {
				return requireField(name)
			}
		case *jit.Amount:
			if v == nil {
				return requireField(name)
			}
		case *simAcceptor:
			if v == nil {
				return requireField(name)
			}
		}
	}
	return nil
}

// SimulationEvents are the events POST /simulations/cardtransactions/{event}
// takes. Events named after a Marqeta event the engine has no flow for are
// mapped to the closest flow (see the package documentation); the
// transaction's type is then the engine's.
var SimulationEvents = []string{
	"authorization", "authorization.account_verification", "authorization.advice",
	"authorization.clearing", "authorization.reversal", "authorization.reversal.issuerexpiration",
	"authorization.incremental", "refund", "refund.authorization", "refund.authorization.advice",
	"refund.authorization.reversal", "refund.authorization.clearing",
	"pindebit", "pindebit.atm.withdrawal", "pindebit.balanceinquiry", "pindebit.reversal", "pindebit.refund",
	"pindebit.authorization", "pindebit.authorization.clearing", "pindebit.authorization.reversal",
	"balanceinquiry",
}

// unsupportedEvents are Marqeta simulation events jitsim cannot map onto an
// engine flow: they answer 400 saying so.
var unsupportedEvents = map[string]string{
	"authorization.cashback":            "jitsim's engine has no cash back flow",
	"authorization.clearing.chargeback": "chargebacks are back-office events jitsim does not simulate",
}

func (h *handler) registerSimulations() {
	h.handle("POST", "/simulations/cardtransactions/{event}", h.simulation)
	h.handle("POST", "/simulate/authorization", h.legacy(h.legacyAuthorization))
	h.handle("POST", "/simulate/authorization/advice", h.legacy(h.legacyAdvice))
	h.handle("POST", "/simulate/clearing", h.legacy(h.legacyClearing))
	h.handle("POST", "/simulate/reversal", h.legacy(h.legacyReversal))
	h.handle("POST", "/simulate/financial", h.legacy(h.legacyFinancial))
	h.handle("POST", "/simulate/financial/withdrawal", h.legacy(h.legacyWithdrawal))
	h.handle("POST", "/simulate/financial/balanceinquiry", h.legacy(h.legacyBalanceInquiry))
	for _, p := range []string{"/simulate/financial/advice", "/simulate/financial/originalcredit", "/simulate/directdeposits"} {
		h.handle("POST", p, func(w http.ResponseWriter, r *http.Request, _ params) {
			writeError(w, jit.Errorf(jit.EINVALID, "%s is not simulated by jitsim: its engine has no flow for it", strings.TrimPrefix(r.URL.Path, "/v3")))
		})
	}
}

// simContext is the context of an engine call: not cancelled when the
// client goes away, as the network's event does not depend on the caller
// (each gateway call is bounded by its timeout_millis).
func simContext(r *http.Request) context.Context { return context.WithoutCancel(r.Context()) }

// simulated answers a simulation: flush the webhook dispatcher, so that the
// transaction's webhook has been tried when the client reads the answer,
// then status with body.
func (h *handler) simulated(w http.ResponseWriter, r *http.Request, t *jit.Transaction, err error, body func(*jit.Transaction) any) {
	if err != nil {
		writeError(w, err)
		return
	}
	h.e.FlushWebhooks(simContext(r))
	writeJSON(w, http.StatusCreated, body(t))
}

// simulationAnswer is the Simulations 2.0 answer.
type simulationAnswer struct {
	Transaction *jit.Transaction `json:"transaction"`
}

// simulation serves POST /simulations/cardtransactions/{event}.
func (h *handler) simulation(w http.ResponseWriter, r *http.Request, p params) {
	event := p["event"]
	run, err := h.event(event)
	if err != nil {
		writeError(w, err)
		return
	}
	var s simRequest
	if !decodeOr(w, r, &s) {
		return
	}
	t, err := run(simContext(r), &s)
	h.simulated(w, r, t, err, func(t *jit.Transaction) any { return simulationAnswer{Transaction: t} })
}

type simFunc func(ctx context.Context, s *simRequest) (*jit.Transaction, error)

// event maps a Simulations 2.0 event name to an engine flow.
func (h *handler) event(name string) (simFunc, error) {
	e := h.e
	switch name {
	case "authorization", "pindebit.authorization":
		pin := name == "pindebit.authorization"
		return func(ctx context.Context, s *simRequest) (*jit.Transaction, error) {
			if err := needs("card_token", s.CardToken, "amount", s.Amount); err != nil {
				return nil, err
			}
			a := s.auth()
			a.CardPresent = a.CardPresent || pin
			if s.Amount.IsZero() {
				return e.VerifyAccount(ctx, a) // a zero-amount authorization is an account verification
			}
			return e.Authorize(ctx, a)
		}, nil
	case "authorization.account_verification":
		return func(ctx context.Context, s *simRequest) (*jit.Transaction, error) {
			if err := needs("card_token", s.CardToken); err != nil {
				return nil, err
			}
			return e.VerifyAccount(ctx, s.auth())
		}, nil
	case "authorization.advice":
		return func(ctx context.Context, s *simRequest) (*jit.Transaction, error) {
			if err := needs("preceding_related_transaction_token", s.Preceding, "amount", s.Amount); err != nil {
				return nil, err
			}
			return e.Advice(ctx, s.Preceding, *s.Amount)
		}, nil
	case "authorization.clearing", "pindebit.authorization.clearing":
		return func(ctx context.Context, s *simRequest) (*jit.Transaction, error) {
			if s.ForcePost {
				if s.Preceding != "" {
					return nil, jit.Errorf(jit.EINVALID, "force_post clears with no authorization: omit preceding_related_transaction_token (or omit force_post to clear it)")
				}
				if err := needs("card_token", s.CardToken, "amount", s.Amount); err != nil {
					return nil, err
				}
				return e.Clear(ctx, simulator.ClearRequest{CardToken: s.CardToken, Amount: *s.Amount, Currency: s.CurrencyCode, Merchant: s.merchant()})
			}
			if s.Preceding == "" {
				return nil, jit.Errorf(jit.EINVALID, "preceding_related_transaction_token is required (or force_post: true with card_token for a force post)")
			}
			return h.clear(ctx, s.Preceding, s)
		}, nil
	case "authorization.reversal", "pindebit.authorization.reversal":
		return func(ctx context.Context, s *simRequest) (*jit.Transaction, error) {
			if err := needs("preceding_related_transaction_token", s.Preceding); err != nil {
				return nil, err
			}
			return h.reverse(ctx, s.Preceding, s.Amount)
		}, nil
	case "authorization.reversal.issuerexpiration":
		return func(ctx context.Context, s *simRequest) (*jit.Transaction, error) {
			if err := needs("preceding_related_transaction_token", s.Preceding); err != nil {
				return nil, err
			}
			return e.Expire(ctx, s.Preceding)
		}, nil
	case "authorization.incremental":
		return func(ctx context.Context, s *simRequest) (*jit.Transaction, error) {
			if err := needs("preceding_related_transaction_token", s.Preceding, "amount", s.Amount); err != nil {
				return nil, err
			}
			return e.Incremental(ctx, s.Preceding, *s.Amount)
		}, nil
	case "refund", "pindebit.refund", "refund.authorization":
		flow := e.Refund
		if name == "refund.authorization" {
			flow = e.RefundAuthorize
		}
		return func(ctx context.Context, s *simRequest) (*jit.Transaction, error) {
			if s.Preceding == "" && s.CardToken == "" {
				return nil, jit.Errorf(jit.EINVALID, "preceding_related_transaction_token (a linked refund) or card_token (an unlinked one) is required")
			}
			if err := needs("amount", s.Amount); err != nil {
				return nil, err
			}
			return flow(ctx, simulator.RefundRequest{Preceding: s.Preceding, CardToken: s.CardToken, Amount: *s.Amount, Currency: s.CurrencyCode, Merchant: s.merchant()})
		}, nil
	case "refund.authorization.clearing":
		return h.clearRefundAuthorization, nil
	case "refund.authorization.advice":
		return func(ctx context.Context, s *simRequest) (*jit.Transaction, error) {
			if err := needs("preceding_related_transaction_token", s.Preceding, "amount", s.Amount); err != nil {
				return nil, err
			}
			return e.AdviseRefundAuthorization(ctx, s.Preceding, *s.Amount)
		}, nil
	case "refund.authorization.reversal":
		return func(ctx context.Context, s *simRequest) (*jit.Transaction, error) {
			if err := needs("preceding_related_transaction_token", s.Preceding); err != nil {
				return nil, err
			}
			amt, err := h.pendingRefundOr(s)
			if err != nil {
				return nil, err
			}
			return e.ReverseRefundAuthorization(ctx, s.Preceding, amt)
		}, nil
	case "pindebit", "pindebit.atm.withdrawal":
		return func(ctx context.Context, s *simRequest) (*jit.Transaction, error) {
			if err := needs("card_token", s.CardToken, "amount", s.Amount); err != nil {
				return nil, err
			}
			a := s.auth()
			a.CardPresent, a.ATM = true, name == "pindebit.atm.withdrawal"
			return e.PINDebit(ctx, a)
		}, nil
	case "pindebit.reversal":
		// A PIN debit moved the money at once: its reversal gives it back,
		// which the engine's flow for that is a refund linked to it.
		return func(ctx context.Context, s *simRequest) (*jit.Transaction, error) {
			if err := needs("preceding_related_transaction_token", s.Preceding); err != nil {
				return nil, err
			}
			prev, err := e.Transaction(s.Preceding)
			if err != nil {
				return nil, err
			}
			if prev.Type != jit.TypePindebit || prev.State != jit.StateCompletion {
				return nil, jit.Errorf(jit.EINVALID, "transaction %s is not an approved pindebit", s.Preceding)
			}
			amt := prev.Amount
			if s.Amount != nil {
				amt = *s.Amount
			}
			return e.Refund(ctx, simulator.RefundRequest{Preceding: s.Preceding, Amount: amt})
		}, nil
	case "balanceinquiry", "pindebit.balanceinquiry":
		return func(ctx context.Context, s *simRequest) (*jit.Transaction, error) {
			if err := needs("card_token", s.CardToken); err != nil {
				return nil, err
			}
			a := s.auth()
			a.CardPresent = a.CardPresent || name == "pindebit.balanceinquiry"
			return e.BalanceInquiry(ctx, a)
		}, nil
	}
	if why, ok := unsupportedEvents[name]; ok {
		return nil, jit.Errorf(jit.EINVALID, "simulation event %q is not supported: %s", clip(name), why)
	}
	return nil, jit.Errorf(jit.EINVALID, "unknown simulation event %q; jitsim simulates %s", clip(name), strings.Join(SimulationEvents, ", "))
}

// clear clears an authorization: amount (what it still holds when nil),
// with the request's multi-clearing sequence.
func (h *handler) clear(ctx context.Context, preceding string, s *simRequest) (*jit.Transaction, error) {
	amt := s.Amount
	if amt == nil {
		open, err := h.e.OpenAmount(preceding)
		if err != nil {
			return nil, err
		}
		amt = &open
	}
	return h.e.Clear(ctx, simulator.ClearRequest{
		Preceding: preceding, Amount: *amt, Currency: s.CurrencyCode, Merchant: s.merchant(),
		Sequence: s.MultiClearingSequenceNumber, Count: s.MultiClearingSequenceCount,
	})
}

// reverse reverses amount of an authorization (all it holds when nil).
func (h *handler) reverse(ctx context.Context, preceding string, amount *jit.Amount) (*jit.Transaction, error) {
	if amount == nil {
		open, err := h.e.OpenAmount(preceding)
		if err != nil {
			return nil, err
		}
		amount = &open
	}
	return h.e.Reverse(ctx, preceding, *amount)
}

// clearRefundAuthorization is refund.authorization.clearing: with a
// preceding refund authorization, its clearing (amount defaults to what is
// pending); otherwise, as before refund authorizations existed, a refund
// linked to the preceding transaction (or an unlinked one on card_token).
func (h *handler) clearRefundAuthorization(ctx context.Context, s *simRequest) (*jit.Transaction, error) {
	if s.Preceding != "" {
		if prev, err := h.e.Transaction(s.Preceding); err == nil && prev.Type == jit.TypeRefundAuthorization {
			amt, err := h.pendingRefundOr(s)
			if err != nil {
				return nil, err
			}
			return h.e.ClearRefundAuthorization(ctx, s.Preceding, amt)
		}
	}
	if s.Preceding == "" && s.CardToken == "" {
		return nil, jit.Errorf(jit.EINVALID, "preceding_related_transaction_token (a refund authorization, or a linked refund) or card_token (an unlinked refund) is required")
	}
	if err := needs("amount", s.Amount); err != nil {
		return nil, err
	}
	return h.e.Refund(ctx, simulator.RefundRequest{Preceding: s.Preceding, CardToken: s.CardToken, Amount: *s.Amount, Currency: s.CurrencyCode, Merchant: s.merchant()})
}

// pendingRefundOr is the request's amount, or what the preceding refund
// authorization still has pending when none is given.
func (h *handler) pendingRefundOr(s *simRequest) (jit.Amount, error) {
	if s.Amount != nil {
		return *s.Amount, nil
	}
	return h.e.PendingRefund(s.Preceding)
}

// ---- legacy /simulate/* ----

// legacyAnswer is simulation_response_model.
type legacyAnswer struct {
	Transaction *jit.Transaction `json:"transaction"`
	RawISO8583  map[string]any   `json:"raw_iso8583"`
}

// legacy wraps a legacy simulation: decode, check the webhook override,
// run, queue the transaction's webhook for the override endpoint too, flush,
// answer 201 with simulation_response_model.
func (h *handler) legacy(run simFunc) func(http.ResponseWriter, *http.Request, params) {
	return func(w http.ResponseWriter, r *http.Request, _ params) {
		var s simRequest
		if !decodeOr(w, r, &s) {
			return
		}
		if s.Webhook != nil {
			if err := h.e.AddWebhookTarget(s.Webhook.target()); err != nil {
				writeError(w, err) // before the event happens
				return
			}
		}
		t, err := run(simContext(r), &s)
		if err == nil && s.Webhook != nil {
			err = h.e.SendWebhookTo(s.Webhook.target(), t.Token)
		}
		h.simulated(w, r, t, err, func(t *jit.Transaction) any {
			return legacyAnswer{Transaction: t, RawISO8583: rawISO8583(t)}
		})
	}
}

// mid is the legacy required mid: top-level, or card_acceptor.mid.
func (s *simRequest) mid() string {
	if s.CardAcceptor != nil {
		return first(s.MID, s.CardAcceptor.MID)
	}
	return s.MID
}

// legacyAuthorization is /simulate/authorization (auth_request_model).
func (h *handler) legacyAuthorization(ctx context.Context, s *simRequest) (*jit.Transaction, error) {
	if err := needs("card_token", s.CardToken, "amount", s.Amount, "mid", s.mid()); err != nil {
		return nil, err
	}
	if s.Amount.IsZero() {
		return h.e.VerifyAccount(ctx, s.auth())
	}
	return h.e.Authorize(ctx, s.auth())
}

// legacyAdvice is /simulate/authorization/advice (authorization_advice_model).
func (h *handler) legacyAdvice(ctx context.Context, s *simRequest) (*jit.Transaction, error) {
	if err := needs("original_transaction_token", s.OriginalTransactionToken, "amount", s.Amount); err != nil {
		return nil, err
	}
	return h.e.Advice(ctx, s.OriginalTransactionToken, *s.Amount)
}

// legacyClearing is /simulate/clearing (ClearingModel): a clearing, a
// refund (is_refund) or a force post (force_post: on the original
// transaction's card, or card_token's).
func (h *handler) legacyClearing(ctx context.Context, s *simRequest) (*jit.Transaction, error) {
	orig := s.OriginalTransactionToken
	if orig == "" && !(s.ForcePost && s.CardToken != "") {
		return nil, requireField("original_transaction_token")
	}
	if err := needs("amount", s.Amount); err != nil {
		return nil, err
	}
	switch {
	case s.IsRefund && s.ForcePost:
		return nil, jit.Errorf(jit.EINVALID, "is_refund and force_post cannot both be true")
	case s.IsRefund:
		return h.e.Refund(ctx, simulator.RefundRequest{Preceding: orig, Amount: *s.Amount, Currency: s.CurrencyCode, Merchant: s.merchant()})
	case s.ForcePost:
		card := s.CardToken
		if card == "" {
			t, err := h.e.Transaction(orig)
			if err != nil {
				return nil, err
			}
			card = t.CardToken
		}
		return h.e.Clear(ctx, simulator.ClearRequest{CardToken: card, Amount: *s.Amount, Currency: s.CurrencyCode, Merchant: s.merchant()})
	}
	return h.clear(ctx, orig, s)
}

// legacyReversal is /simulate/reversal (ReversalModel).
func (h *handler) legacyReversal(ctx context.Context, s *simRequest) (*jit.Transaction, error) {
	if err := needs("original_transaction_token", s.OriginalTransactionToken, "amount", s.Amount); err != nil {
		return nil, err
	}
	return h.e.Reverse(ctx, s.OriginalTransactionToken, *s.Amount)
}

// legacyFinancial is /simulate/financial (financial_request_model): a
// single-message PIN debit.
func (h *handler) legacyFinancial(ctx context.Context, s *simRequest) (*jit.Transaction, error) {
	if err := needs("card_token", s.CardToken, "amount", s.Amount, "mid", s.mid()); err != nil {
		return nil, err
	}
	a := s.auth()
	a.CardPresent = true
	return h.e.PINDebit(ctx, a)
}

// legacyWithdrawal is /simulate/financial/withdrawal: an ATM withdrawal.
func (h *handler) legacyWithdrawal(ctx context.Context, s *simRequest) (*jit.Transaction, error) {
	if err := needs("card_token", s.CardToken, "amount", s.Amount, "mid", s.mid()); err != nil {
		return nil, err
	}
	a := s.auth()
	a.CardPresent, a.ATM = true, true
	return h.e.PINDebit(ctx, a)
}

// legacyBalanceInquiry is /simulate/financial/balanceinquiry
// (balance_inquiry_request_model).
func (h *handler) legacyBalanceInquiry(ctx context.Context, s *simRequest) (*jit.Transaction, error) {
	if err := needs("card_token", s.CardToken, "mid", s.mid(), "account_type", s.AccountType); err != nil {
		return nil, err
	}
	switch s.AccountType {
	case "checking", "savings", "credit":
	default:
		return nil, jit.Errorf(jit.EINVALID, "account_type must be checking, savings or credit")
	}
	a := s.auth()
	a.CardPresent = true
	return h.e.BalanceInquiry(ctx, a)
}

// rawISO8583 is a small, plausible picture of the network messages behind
// a legacy simulation: {"request": {...}, "response": {...}} with the MTI
// and the main data elements (processing code, amount in minor units,
// STAN, RRN, MCC, card acceptor id, approval and response codes). jitsim
// speaks no ISO 8583; this is informative only.
func rawISO8583(t *jit.Transaction) map[string]any {
	mti, pc := "0100", "000000"
	switch {
	case t.Type == jit.TypeAuthorizationAdvice:
		mti = "0120"
	case strings.HasPrefix(t.Type, "authorization.reversal"):
		mti = "0400"
	case t.Type == jit.TypeAuthorizationClearing:
		mti = "0220"
	case t.Type == jit.TypeRefund:
		mti, pc = "0220", "200000"
	case t.Type == jit.TypePindebit:
		mti = "0200"
	case t.Type == jit.TypePindebitATMWithdrawal:
		mti, pc = "0200", "010000" // processing code 01: cash withdrawal
	case t.Type == jit.TypeBalanceinquiry:
		pc = "310000"
	}
	req := map[string]any{"mti": mti, "de3_processing_code": pc}
	if minor, err := t.Amount.Minor(first(t.CurrencyCode, jit.DefaultCurrency)); err == nil {
		req["de4_amount_transaction"] = fmt.Sprintf("%012d", minor)
	}
	if a := t.Acquirer; a != nil {
		req["de11_stan"] = a.SystemTraceAuditNumber
		req["de37_rrn"] = a.RetrievalReferenceNumber
	}
	if ca := t.CardAcceptor; ca != nil {
		if ca.MCC != "" {
			req["de18_mcc"] = ca.MCC
		}
		if ca.MID != "" {
			req["de42_card_acceptor_id"] = ca.MID
		}
	}
	resp := map[string]any{"mti": mti[:2] + string(mti[2]+1) + mti[3:], "de39_response_code": isoResponseCode(t)}
	if t.ApprovalCode != "" {
		resp["de38_approval_code"] = t.ApprovalCode
	}
	return map[string]any{"request": req, "response": resp}
}

// isoResponseCode maps Marqeta's response code to ISO 8583 field 39.
func isoResponseCode(t *jit.Transaction) string {
	if t.Response == nil {
		return "00"
	}
	switch t.Response.Code {
	case jit.ResponseCodeApproved:
		return "00"
	case jit.ResponseCodePartialApproval:
		return "10"
	case jit.ResponseCodeNotSufficientFunds, jit.ResponseCodeJITInsufficientFunds:
		return "51"
	case jit.ResponseCodeJITInvalidAmount:
		return "13"
	case jit.ResponseCodeJITTransactionNotPermitted:
		return "57"
	case jit.ResponseCodeJITSuspectedFraud:
		return "59"
	case jit.ResponseCodeJITAmountLimitExceeded:
		return "61"
	case jit.ResponseCodeJITTransactionCountLimitExceeded:
		return "65"
	case jit.ResponseCodeJITDuplicateTransaction:
		return "94"
	}
	return "05"
}
