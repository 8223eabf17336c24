package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
	"github.com/jitsim/jitsim/simulator/clock"
	"github.com/jitsim/jitsim/simulator/webhook"
)

// fuzzStatuses are the statuses the API may answer a random request with.
var fuzzStatuses = map[int]bool{200: true, 201: true, 204: true, 400: true, 401: true, 404: true, 405: true, 409: true, 413: true, 415: true}

// Fuzz request flags.
const (
	fuzzAuth      = 1 << iota // send the right credentials
	fuzzJSON                  // Content-Type: application/json
	fuzzOtherType             // Content-Type: text/plain
)

// FuzzAPI sends random requests to a freshly set-up handler (funding source
// fs1 at a fake gateway, product cp1, user u1, card c1, webhook wh1, commando
// mode cm1, one authorization a1): it must never panic (a recovered panic
// is a 500, which fails), always answer JSON, with an allowed status, and
// errors with Marqeta's error body.
func FuzzAPI(f *testing.F) {
	seeds := []struct {
		method, path, body string
		flags              uint8
	}{
		{"GET", "/v3/users", "", fuzzAuth},
		{"GET", "/v3/users?count=2&start_index=1&sort_by=-createdTime", "", fuzzAuth},
		{"GET", "/v3/users/u1", "", 0},
		{"POST", "/v3/users", `{"token":"u2","active":"true","metadata":{"a":1}}`, fuzzAuth | fuzzJSON},
		{"PUT", "/v3/users/u1", `{"first_name":"X"}`, fuzzAuth},
		{"POST", "/v3/cardproducts", `{"name":"p","start_date":"2026-01-01","config":{"jit_funding":{"programgateway_funding_source":{"enabled":"true","funding_source_token":"fs1"}}}}`, fuzzAuth},
		{"PUT", "/v3/cardproducts/cp1", `{"active":"false"}`, fuzzAuth},
		{"POST", "/v3/cards", `{"user_token":"u1","card_product_token":"cp1"}`, fuzzAuth},
		{"GET", "/v3/cards/user/u1?show_pan=true", "", fuzzAuth},
		{"PUT", "/v3/cards/c1", `{"metadata":{"k":"v"}}`, fuzzAuth},
		{"POST", "/v3/cardtransitions", `{"card_token":"c1","channel":"API","state":"SUSPENDED"}`, fuzzAuth},
		{"GET", "/v3/cardtransitions/card/c1?count=1&sort_by=-createdTime", "", fuzzAuth},
		{"GET", "/v3/cardtransitions/nope", "", fuzzAuth},
		{"POST", "/v3/fundingsources/programgateway", `{"name":"g","url":"http://127.0.0.1:1/","basic_auth_username":"u","basic_auth_password":"01234567890123456789","timeout_millis":"3000"}`, fuzzAuth},
		{"PUT", "/v3/fundingsources/programgateway/fs1", `{"url":"http://127.0.0.1:1/","basic_auth_username":"u","basic_auth_password":"01234567890123456789"}`, fuzzAuth},
		{"PUT", "/v3/fundingsources/programgateway/customheaders/fs1", `{"custom_header":{"a":"b"}}`, fuzzAuth},
		{"POST", "/v3/webhooks", `{"name":"w","events":["*"],"config":{"url":"http://127.0.0.1:1/","basic_auth_username":"a","basic_auth_password":"b"}}`, fuzzAuth},
		{"POST", "/v3/webhooks/wh1/ping", `{}`, fuzzAuth},
		{"GET", "/v3/webhooks/wh1/attempts", "", fuzzAuth},
		{"GET", "/v3/commandomodes?count=x", "", fuzzAuth},
		{"POST", "/v3/commandomodes/transitions", `{"commando_mode_token":"cm1","transition":{"commando_enabled":"true"}}`, fuzzAuth},
		{"PUT", "/v3/commandomodes/cm1", `{"real_time_standin_criteria":{"enabled":true}}`, fuzzAuth},
		{"GET", "/v3/transactions?card_token=c1&state=PENDING,DECLINED", "", fuzzAuth},
		{"POST", "/v3/simulations/cardtransactions/authorization", `{"card_token":"c1","amount":"12.00","card_acceptor":{"mcc":"5812"}}`, fuzzAuth},
		{"POST", "/v3/simulations/cardtransactions/authorization.clearing", `{"preceding_related_transaction_token":"a1","amount":"1.00","multi_clearing_sequence_number":1,"multi_clearing_sequence_count":2}`, fuzzAuth},
		{"POST", "/v3/simulations/cardtransactions/authorization.clearing", `{"force_post":true,"card_token":"c1","amount":5}`, fuzzAuth},
		{"POST", "/v3/simulations/cardtransactions/authorization.reversal", `{"preceding_related_transaction_token":"a1"}`, fuzzAuth},
		{"POST", "/v3/simulations/cardtransactions/refund", `{"preceding_related_transaction_token":"a1","amount":"1"}`, fuzzAuth},
		{"POST", "/v3/simulations/cardtransactions/pindebit.reversal", `{"preceding_related_transaction_token":"a1"}`, fuzzAuth},
		{"POST", "/v3/simulate/clearing", `{"original_transaction_token":"a1","amount":"1","is_refund":"true"}`, fuzzAuth},
		{"POST", "/v3/simulate/financial/balanceinquiry", `{"card_token":"c1","mid":"1","account_type":"savings"}`, fuzzAuth},
		{"POST", "/v3/users", `{"token":`, fuzzAuth | fuzzJSON},
		{"POST", "/v3/users", `[]`, fuzzAuth | fuzzOtherType},
		{"POST", "/v3/users", strings.Repeat("x", 5000), fuzzAuth},
		{"DELETE", "/v3/users/u1", "", fuzzAuth},
		{"GET", "/v3/%zz", "", fuzzAuth},
		{"GET", "/elsewhere", "", fuzzAuth},
	}
	// The engine's gateway and webhook clients reach the fakes in-process:
	// fast, and whatever URL an input sets, nothing leaves the process.
	gwClient := &http.Client{Transport: handlerTransport{&fakeGateway{}}}
	hookClient := &http.Client{Transport: handlerTransport{&receiver{}}}
	const gwURL, recvURL = "http://gateway.invalid", "http://receiver.invalid/webhooks"
	// The seeded engine makes the same authorization token every time.
	e0, a1 := fuzzEngine(f, gwURL, recvURL, gwClient, hookClient)
	e0.Close()
	for _, s := range seeds {
		f.Add(s.method, s.path, []byte(strings.ReplaceAll(s.body, `"a1"`, `"`+a1+`"`)), s.flags)
	}

	f.Fuzz(func(t *testing.T, method, target string, body []byte, flags uint8) {
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		req, err := http.NewRequest(method, "http://sandbox"+target, bytes.NewReader(body))
		if err != nil {
			return // not a request an HTTP client could send
		}
		if flags&fuzzAuth != 0 {
			req.SetBasicAuth(appToken, accessToken)
		}
		switch {
		case flags&fuzzJSON != 0:
			req.Header.Set("Content-Type", "application/json; charset=utf-8")
		case flags&fuzzOtherType != 0:
			req.Header.Set("Content-Type", "text/plain")
		}
		e, _ := fuzzEngine(t, gwURL, recvURL, gwClient, hookClient)
		defer e.Close()
		h := newHandler(e, Options{AppToken: appToken, AccessToken: accessToken, MaxBodyBytes: 4096})
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if !fuzzStatuses[w.Code] {
			t.Fatalf("%s %q: status %d: %s", method, target, w.Code, w.Body.Bytes())
		}
		if ct := w.Header().Get("Content-Type"); ct != "application/json" || !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%s %q: not JSON (%q): %q", method, target, ct, w.Body.Bytes())
		}
		if w.Code >= 400 {
			var e apiError
			json.Unmarshal(w.Body.Bytes(), &e)
			if e.ErrorCode != strconv.Itoa(w.Code) || e.ErrorMessage == "" {
				t.Fatalf("%s %q: error body %s", method, target, w.Body.Bytes())
			}
		}
	})
}

// fuzzEngine sets up a small program directly on a new engine and returns
// it with the token of an approved authorization on c1.
func fuzzEngine(t testing.TB, gwURL, recvURL string, gwClient, hookClient *http.Client) (*simulator.Engine, string) {
	e := simulator.New(simulator.Config{
		Clock: clock.NewVirtual(testStart), Seed: 3, HTTPClient: gwClient,
		Webhooks: webhook.Options{Client: hookClient},
	})
	must := func(_ any, err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(e.CreateFundingSource(simulator.FundingSource{Token: "fs1", Name: "gw", URL: gwURL + "/jit", BasicAuthUsername: "marqeta", BasicAuthPassword: gwPassword}))
	must(e.CreateCardProduct(simulator.CardProduct{Token: "cp1", Name: "p", StartDate: "2026-01-01", Config: &simulator.CardProductConfig{
		CardLifeCycle: &simulator.CardLifeCycle{ActivateUponIssue: jit.Bool(true)},
		JITFunding:    &simulator.JITFundingCfg{ProgramGatewayFundingSource: &simulator.ProgramGatewayJIT{Enabled: jit.Bool(true), FundingSourceToken: "fs1"}},
	}}))
	must(e.CreateUser(simulator.User{Token: "u1"}))
	must(e.CreateCard(simulator.Card{Token: "c1", UserToken: "u1", CardProductToken: "cp1"}))
	must(e.CreateWebhook(simulator.Webhook{Token: "wh1", Name: "w", Events: []string{"*"}, Config: simulator.WebhookConfig{URL: recvURL, BasicAuthUsername: "hook", BasicAuthPassword: "hook-password"}}))
	must(e.CreateCommandoMode(simulator.CommandoMode{Token: "cm1", ProgramGatewayFundingSourceToken: "fs1"}))
	a, err := e.Authorize(context.Background(), simulator.AuthRequest{CardToken: "c1", Amount: jit.MustAmount("50.00")})
	if err != nil || a.State != jit.StatePending {
		t.Fatalf("fixture authorization: %v %+v", err, a)
	}
	e.Webhooks().Flush(context.Background())
	return e, a.Token
}

// handlerTransport is an http.RoundTripper that serves every request with h.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	w := httptest.NewRecorder()
	t.h.ServeHTTP(w, r)
	return w.Result(), nil
}
