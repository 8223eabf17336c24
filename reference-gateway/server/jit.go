package server

import (
	"errors"
	"net/http"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/reference-gateway/ledger"
)

// handleJIT answers one funding request: 200 with the echo approves, 402 with
// a decline_reason declines, 4xx with an error body rejects a request that is
// not a well-formed funding request (nothing is booked then).
func (s *Server) handleJIT(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	body, err := readBody(w, r, s.auth, s.cfg.MaxBodyBytes)
	if err != nil {
		s.metrics.rejected("jit", err)
		writeError(w, err)
		return
	}
	defer releaseBody(body)
	t, err := jitDecoder.Decode(body)
	if err != nil {
		s.metrics.rejected("jit", err)
		writeError(w, err)
		return
	}
	jf := t.JITFundingOf()
	if err := checkFunding(jf); err != nil {
		s.metrics.rejected("jit", err)
		writeError(w, err)
		return
	}
	status, resp, err := s.decide(r, t, jf)
	if err != nil {
		s.log.Error("jit decision failed", "jit_token", jf.Token, "err", err)
		s.metrics.rejected("jit", err)
		writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(appendJITResponse(make([]byte, 0, 256), resp))
	s.metrics.decided(jf.Method, resp.JITFunding.DeclineReason, time.Since(start))
}

// jitDecoder decodes funding requests keeping only the fields the gateway
// reads (here, in decide and in toRequest); it rejects exactly the bodies
// jit.DecodeTransaction rejects, with the same errors, so keeping less
// changes no answer (TestJITDecoderKeepsWhatTheGatewayReads).
var jitDecoder = func() *jit.Decoder {
	d, err := jit.NewDecoder("token", "user_token", "business_token", "currency_code",
		"created_time", "user_transaction_time", "preceding_related_transaction_token",
		"gpa_order.currency_code", "gpa_order.jit_funding", "gpa_order_unload.jit_funding",
		"card_acceptor.mcc", "pos.partial_approval_capable")
	if err != nil {
		panic(err)
	}
	return d
}()

// checkFunding rejects a request without the jit_funding fields the spec
// requires.
func checkFunding(jf *jit.JITFunding) error {
	switch {
	case jf == nil:
		return jit.Errorf(jit.EINVALID, "missing gpa_order.jit_funding (or gpa_order_unload.jit_funding)")
	case jf.Token == "":
		return jit.Errorf(jit.EINVALID, "missing jit_funding.token")
	case jf.Method == "":
		return jit.Errorf(jit.EINVALID, "missing jit_funding.method")
	case jf.UserToken == "":
		return jit.Errorf(jit.EINVALID, "missing jit_funding.user_token")
	case len(jf.Token) > 36 || len(jf.UserToken) > 36:
		return jit.Errorf(jit.EINVALID, "jit_funding token longer than 36 characters")
	}
	return nil
}

// decide books the decision a funding request asks for and builds the
// answer. Informative and unknown methods are acknowledged with 200.
func (s *Server) decide(r *http.Request, t *jit.Transaction, jf *jit.JITFunding) (int, *jit.JITResponse, error) {
	resp := &jit.JITResponse{JITFunding: jit.JITFunding{
		Token:           jf.Token,
		Method:          jf.Method,
		UserToken:       jf.UserToken,
		ActingUserToken: jf.ActingUserToken,
		BusinessToken:   jf.BusinessToken,
		Amount:          jf.Amount,
	}}
	kind, ok := decisionKinds[jf.Method]
	if !ok {
		if !knownMethods[jf.Method] {
			s.log.Warn("unknown jit_funding.method acknowledged", "method", jf.Method, "jit_token", jf.Token)
		}
		return http.StatusOK, resp, nil
	}
	req, err := toRequest(t, jf, kind, s.cfg.Now())
	if err != nil {
		resp.JITFunding.DeclineReason = jit.DeclineInvalidAmount
		return http.StatusPaymentRequired, resp, nil
	}
	ans, err := s.store.Decide(r.Context(), req)
	if err != nil {
		return 0, nil, err
	}
	cur := req.Account.Currency
	if kind == ledger.Inquiry || kind == ledger.Verify {
		cb, err := cardholderBalance(ans.Balance, cur)
		if err != nil {
			return 0, nil, err
		}
		resp.JITFunding.Balances = map[string]jit.CardholderBalance{cur: cb}
	}
	if !ans.Approved {
		resp.JITFunding.DeclineReason = ans.Reason
		return http.StatusPaymentRequired, resp, nil
	}
	if kind != ledger.Inquiry && kind != ledger.Verify {
		if resp.JITFunding.Amount, err = jit.FromMinor(ans.Amount, cur); err != nil {
			return 0, nil, err
		}
	}
	return http.StatusOK, resp, nil
}

// cardholderBalance is b on the wire. It fails only for balances beyond
// what an Amount can hold, which the ledger's range checks on credits and
// events prevent.
func cardholderBalance(b ledger.Balance, cur string) (jit.CardholderBalance, error) {
	avail, err1 := jit.FromMinor(b.Available, cur)
	led, err2 := jit.FromMinor(b.Ledger, cur)
	zero, err3 := jit.FromMinor(0, cur)
	if err := errors.Join(err1, err2, err3); err != nil {
		return jit.CardholderBalance{}, jit.Errorf(jit.EINTERNAL, "balance out of range: %w", err)
	}
	return jit.CardholderBalance{CurrencyCode: cur, AvailableBalance: avail, LedgerBalance: led, CreditBalance: zero, PendingCredits: zero}, nil
}

var knownMethods = func() map[string]bool {
	m := make(map[string]bool, len(jit.Methods))
	for _, v := range jit.Methods {
		m[v] = true
	}
	return m
}()
