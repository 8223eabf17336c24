package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
	"github.com/jitsim/jitsim/simulator/clock"
)

const (
	appToken    = "app-token"
	accessToken = "access-token"
	gwPassword  = "gateway-password-0123456789"
)

// fakeGateway answers JIT requests with the echo of jit_funding: 200, or
// 402 INSUFFICIENT_FUNDS when the card acceptor's name is "DECLINE", or 200
// for half the amount when it is "PARTIAL". It records every request.
type fakeGateway struct {
	mu   sync.Mutex
	reqs []*jit.Transaction
}

func (g *fakeGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	t, err := jit.DecodeTransaction(body)
	if u, p, _ := r.BasicAuth(); err != nil || u != "marqeta" || p != gwPassword {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	g.mu.Lock()
	g.reqs = append(g.reqs, t)
	g.mu.Unlock()
	jf := *t.JITFundingOf()
	status := http.StatusOK
	if t.CardAcceptor != nil {
		switch t.CardAcceptor.Name {
		case "DECLINE":
			status, jf.DeclineReason = http.StatusPaymentRequired, jit.DeclineInsufficientFunds
		case "PARTIAL":
			minor, _ := jf.Amount.Minor("USD")
			jf.Amount = jit.MustMinor(minor/2, "USD")
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(jit.JITResponse{JITFunding: jit.JITFunding{Token: jf.Token, Method: jf.Method, UserToken: jf.UserToken, Amount: jf.Amount, DeclineReason: jf.DeclineReason}})
}

func (g *fakeGateway) count() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.reqs)
}

func (g *fakeGateway) last() *jit.Transaction {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.reqs[len(g.reqs)-1]
}

// receiver is a webhook endpoint that records every body; it answers
// status (200 unless set).
type receiver struct {
	mu     sync.Mutex
	status int
	bodies [][]byte
	events []jit.Transaction
	pings  int
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if u, p, _ := r.BasicAuth(); u != "hook" || p != "hook-password" {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	rc.bodies = append(rc.bodies, body)
	env, pings, err := jit.DecodeWebhook(body)
	switch {
	case err != nil:
	case env != nil:
		rc.events = append(rc.events, env.Transactions...)
	default:
		rc.pings += len(pings)
	}
	if rc.status != 0 {
		w.WriteHeader(rc.status)
	}
}

func (rc *receiver) event(token string) *jit.Transaction {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for i := range rc.events {
		if rc.events[i].Token == token {
			return &rc.events[i]
		}
	}
	return nil
}

// env is an engine on a virtual clock behind the API on a real server,
// with a fake gateway and a webhook receiver, all on 127.0.0.1.
type env struct {
	e      *simulator.Engine
	api    *httptest.Server
	gw     *fakeGateway
	gwURL  string
	recv   *receiver
	recvOK string // URL of recv
	client *http.Client
}

func newEnv(t *testing.T) *env {
	t.Helper()
	v := &env{gw: &fakeGateway{}, recv: &receiver{}, client: &http.Client{Timeout: 30 * time.Second}}
	gw := httptest.NewServer(v.gw)
	t.Cleanup(gw.Close)
	recv := httptest.NewServer(v.recv)
	t.Cleanup(recv.Close)
	v.gwURL, v.recvOK = gw.URL+"/jit", recv.URL+"/webhooks"
	v.e = simulator.New(simulator.Config{Clock: clock.NewVirtual(testStart), Seed: 7})
	t.Cleanup(v.e.Close)
	v.api = httptest.NewServer(NewHandler(v.e, Options{AppToken: appToken, AccessToken: accessToken}))
	t.Cleanup(v.api.Close)
	return v
}

// resp is an answer, decoded.
type resp struct {
	status int
	header http.Header
	raw    []byte
	obj    map[string]any
}

// call sends method path (under /v3) with body (a string sent as is, or a
// value marshalled) and credentials, and checks that the answer is JSON.
func (v *env) call(t *testing.T, method, path string, body any, user, pass string) resp {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, v.api.URL+"/v3"+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" || pass != "" {
		req.SetBasicAuth(user, pass)
	}
	hr, err := v.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer hr.Body.Close()
	return decodeAnswer(t, hr)
}

// decodeAnswer reads an answer and checks that it is JSON, and that an
// error carries Marqeta's error body.
func decodeAnswer(t *testing.T, hr *http.Response) resp {
	t.Helper()
	raw, _ := io.ReadAll(hr.Body)
	r := resp{status: hr.StatusCode, header: hr.Header, raw: raw}
	what := hr.Request.Method + " " + hr.Request.URL.Path
	if ct := hr.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("%s: Content-Type %q, body %s", what, ct, raw)
	}
	if !json.Valid(raw) {
		t.Fatalf("%s: answer is not JSON: %s", what, raw)
	}
	json.Unmarshal(raw, &r.obj)
	if r.status >= 400 {
		if code, _ := r.obj["error_code"].(string); code == "" || r.obj["error_message"] == nil {
			t.Fatalf("%s: error %d without error_code/error_message: %s", what, r.status, raw)
		}
	}
	return r
}

var testStart = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func itoa(n int) string { return strconv.Itoa(n) }

// do is call with the right credentials.
func (v *env) do(t *testing.T, method, path string, body any) resp {
	t.Helper()
	return v.call(t, method, path, body, appToken, accessToken)
}

// must is do expecting status; it returns the answer.
func (v *env) must(t *testing.T, status int, method, path string, body any) resp {
	t.Helper()
	r := v.do(t, method, path, body)
	if r.status != status {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, status, r.raw)
	}
	return r
}

// program sets up, over HTTP, a funding source at the fake gateway, a card
// product funding from it, user u1 with active card c1, and webhook wh1 at
// the receiver. Booleans and numbers are sent as strings, as real clients
// do.
func (v *env) program(t *testing.T) {
	t.Helper()
	v.must(t, 201, "POST", "/fundingsources/programgateway", `{"token":"fs1","name":"gateway","url":"`+v.gwURL+`",
		"basic_auth_username":"marqeta","basic_auth_password":"`+gwPassword+`","active":"true","timeout_millis":"3000"}`)
	v.must(t, 201, "POST", "/cardproducts", `{"token":"cp1","name":"JIT card","start_date":"2026-01-01","active":"true",
		"config":{"card_life_cycle":{"activate_upon_issue":"true"},
		"jit_funding":{"programgateway_funding_source":{"enabled":"true","funding_source_token":"fs1","refunds_destination":"GATEWAY"}}}}`)
	v.must(t, 201, "POST", "/users", `{"token":"u1","first_name":"Ada","last_name":"Lovelace","active":true}`)
	c := v.must(t, 201, "POST", "/cards", `{"token":"c1","user_token":"u1","card_product_token":"cp1"}`)
	if c.obj["state"] != "ACTIVE" {
		t.Fatalf("card not active: %s", c.raw)
	}
	v.must(t, 201, "POST", "/webhooks", `{"token":"wh1","name":"ledger","events":["transaction.*"],"active":"true",
		"config":{"url":"`+v.recvOK+`","basic_auth_username":"hook","basic_auth_password":"hook-password"}}`)
}

// path returns the value at a dotted path of a decoded answer.
func path(obj map[string]any, p string) any {
	var cur any = obj
	for _, k := range strings.Split(p, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}
