package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/jitsim/jitsim/jit"
)

// marqeta is what Marqeta's sample client is: net/http and JSON against a
// sandbox's /v3 base URL, HTTP Basic with the application and access
// tokens. Nothing in it knows the sandbox is jitsim.
type marqeta struct {
	t                   *testing.T
	base                string // http://host:port/v3
	appToken, accessTok string
	http                *http.Client
}

// obj is a JSON object body.
type obj = map[string]any

// num is an exact JSON number, as sample clients write amounts.
func num(s string) json.Number { return json.Number(s) }

// call sends method path with body (marshalled when not nil) and returns
// the status and the raw answer, which must be JSON.
func (m *marqeta) call(method, path string, body any) (int, []byte) {
	m.t.Helper()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			m.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, m.base+path, rd)
	if err != nil {
		m.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(m.appToken, m.accessTok)
	resp, err := m.http.Do(req)
	if err != nil {
		m.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil || !json.Valid(raw) {
		m.t.Fatalf("%s %s: answer %q is not JSON (%v)", method, path, raw, err)
	}
	return resp.StatusCode, raw
}

// create POSTs a resource and returns the token of the 201 answer.
func (m *marqeta) create(path string, body any) string {
	m.t.Helper()
	status, raw := m.call(http.MethodPost, path, body)
	var got struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(raw, &got); status != http.StatusCreated || err != nil || got.Token == "" {
		m.t.Fatalf("POST %s: %d %s", path, status, raw)
	}
	return got.Token
}

// simulate POSTs /simulations/cardtransactions/{event} and returns the
// answer's transaction (the sample client reads transaction.token).
func (m *marqeta) simulate(event string, body any) *jit.Transaction {
	m.t.Helper()
	status, raw := m.call(http.MethodPost, "/simulations/cardtransactions/"+event, body)
	var got struct {
		Transaction *jit.Transaction `json:"transaction"`
	}
	if err := json.Unmarshal(raw, &got); status != http.StatusCreated || err != nil || got.Transaction == nil || got.Transaction.Token == "" {
		m.t.Fatalf("simulate %s: %d %s (%v)", event, status, raw, err)
	}
	return got.Transaction
}

// refused POSTs a simulation that must be refused with status, and returns
// Marqeta's error body.
func (m *marqeta) refused(event string, body any, status int) (code, message string) {
	m.t.Helper()
	got, raw := m.call(http.MethodPost, "/simulations/cardtransactions/"+event, body)
	var e struct {
		Code    string `json:"error_code"`
		Message string `json:"error_message"`
	}
	if err := json.Unmarshal(raw, &e); got != status || err != nil || e.Code == "" {
		m.t.Fatalf("simulate %s: %d %s, want a %d error", event, got, raw, status)
	}
	return e.Code, e.Message
}

// undelivered lists the webhook's delivery attempts (GET
// /webhooks/{token}/attempts) that did not deliver.
func (m *marqeta) undelivered(webhook string) []json.RawMessage {
	m.t.Helper()
	status, raw := m.call(http.MethodGet, "/webhooks/"+webhook+"/attempts?count=1000", nil)
	var page struct {
		IsMore bool `json:"is_more"`
		Data   []struct {
			Delivered bool `json:"delivered"`
		} `json:"data"`
	}
	var all struct {
		Data []json.RawMessage `json:"data"`
	}
	if status != http.StatusOK || json.Unmarshal(raw, &page) != nil || json.Unmarshal(raw, &all) != nil || page.IsMore {
		m.t.Fatalf("GET attempts: %d %s", status, raw)
	}
	var bad []json.RawMessage
	for i, a := range page.Data {
		if !a.Delivered {
			bad = append(bad, all.Data[i])
		}
	}
	return bad
}

var httpClient = &http.Client{Timeout: 30 * time.Second}
