package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/reference-gateway/ledger"
)

// badRequest is one hostile or malformed request and what it must get.
type badRequest struct {
	name    string
	path    string
	method  string // POST when empty
	body    string
	ctype   string // application/json when empty; "-" for none
	auth    string // user:pass; testUser:testPass when empty; "-" for none
	headers map[string]string
	status  int
	code    string // error_code for 4xx, decline_reason for 402
}

// auth body for the funded account, with one field replaced by raw JSON.
func authWith(replace, with string) string {
	b := string(jitRequest(jit.TypeAuthorization, jit.MethodAuthorization, "u1", "jbad", "tbad", "1.00"))
	if replace == "" {
		return b
	}
	if !strings.Contains(b, replace) {
		panic("no " + replace + " in " + b)
	}
	return strings.Replace(b, replace, with, 1)
}

func TestBadInputChangesNothing(t *testing.T) {
	huge := `{"a":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`
	rows := []badRequest{
		{name: "not JSON", path: "/jit", body: "hello", status: 400, code: jit.EINVALID},
		{name: "empty body", path: "/jit", body: "", status: 400, code: jit.EINVALID},
		{name: "JSON array", path: "/jit", body: `[1,2]`, status: 400, code: jit.EINVALID},
		{name: "JSON null", path: "/jit", body: `null`, status: 400, code: jit.EINVALID},
		{name: "amount is an object", path: "/jit", body: authWith(`"amount":1.00,"currency_code"`, `"amount":{"v":1},"currency_code"`), status: 400, code: jit.EINVALID},
		{name: "token is a number", path: "/jit", body: authWith(`"token":"jbad"`, `"token":7`), status: 400, code: jit.EINVALID},
		{name: "missing gpa_order.jit_funding", path: "/jit", body: `{"type":"authorization","state":"PENDING","token":"t","amount":1,"gpa_order":{"amount":1}}`, status: 400, code: jit.EINVALID},
		{name: "missing jit_funding.token", path: "/jit", body: authWith(`"token":"jbad",`, ``), status: 400, code: jit.EINVALID},
		{name: "missing jit_funding.method", path: "/jit", body: authWith(`"method":"pgfs.authorization",`, ``), status: 400, code: jit.EINVALID},
		{name: "missing jit_funding.user_token", path: "/jit", body: authWith(`"user_token":"u1","acting_user_token":"u1","amount":1.00}`, `"amount":1.00}`), status: 400, code: jit.EINVALID},
		{name: "negative amount", path: "/jit", body: authWith(`"user_token":"u1","acting_user_token":"u1","amount":1.00}`, `"user_token":"u1","acting_user_token":"u1","amount":-5.00}`), status: 402, code: jit.DeclineInvalidAmount},
		{name: "NaN amount", path: "/jit", body: authWith(`"amount":1.00,"currency_code"`, `"amount":"NaN","currency_code"`), status: 400, code: jit.EINVALID},
		{name: "Infinity amount", path: "/jit", body: authWith(`"amount":1.00,"currency_code"`, `"amount":"Infinity","currency_code"`), status: 400, code: jit.EINVALID},
		{name: "huge amount out of range", path: "/jit", body: authWith(`"user_token":"u1","acting_user_token":"u1","amount":1.00}`, `"user_token":"u1","acting_user_token":"u1","amount":1e30}`), status: 400, code: jit.EINVALID},
		{name: "huge amount in range", path: "/jit", body: authWith(`"user_token":"u1","acting_user_token":"u1","amount":1.00}`, `"user_token":"u1","acting_user_token":"u1","amount":900000000000}`), status: 402, code: jit.DeclineInsufficientFunds},
		{name: "three-decimal USD amount", path: "/jit", body: authWith(`"user_token":"u1","acting_user_token":"u1","amount":1.00}`, `"user_token":"u1","acting_user_token":"u1","amount":1.005}`), status: 402, code: jit.DeclineInvalidAmount},
		{name: "zero-amount authorization", path: "/jit", body: authWith(`"user_token":"u1","acting_user_token":"u1","amount":1.00}`, `"user_token":"u1","acting_user_token":"u1","amount":0}`), status: 402, code: jit.DeclineInvalidAmount},
		{name: "unknown currency", path: "/jit", body: authWith(`"currency_code":"USD"`, `"currency_code":"XYZ"`), status: 402, code: jit.DeclineInvalidAmount},
		{name: "unknown account", path: "/jit", body: strings.ReplaceAll(authWith("", ""), `"u1"`, `"nobody"`), status: 402, code: jit.DeclineInsufficientFunds},
		{name: "wrong password", path: "/jit", body: authWith("", ""), auth: testUser + ":nope", status: 401, code: jit.EUNAUTHORIZED},
		{name: "wrong user", path: "/jit", body: authWith("", ""), auth: "someone:" + testPass, status: 401, code: jit.EUNAUTHORIZED},
		{name: "no auth", path: "/jit", body: authWith("", ""), auth: "-", status: 401, code: jit.EUNAUTHORIZED},
		{name: "oversize body", path: "/jit", body: `{"pad":"` + strings.Repeat("x", 1<<20) + `"}`, status: 413, code: jit.ETOOLARGE},
		{name: "text/plain", path: "/jit", body: authWith("", ""), ctype: "text/plain", status: 415, code: jit.EMEDIATYPE},
		{name: "GET on /jit", path: "/jit", method: http.MethodGet, status: 405, code: jit.EMETHOD},
		{name: "duplicate top-level key", path: "/jit", body: strings.Replace(authWith("", ""), `{"type"`, `{"token":"other","type"`, 1), status: 400, code: jit.EINVALID},
		{name: "duplicate key in jit_funding", path: "/jit", body: authWith(`"amount":1.00}`, `"amount":1.00,"amount":0.01}`), status: 400, code: jit.EINVALID},
		{name: "trailing data", path: "/jit", body: authWith("", "") + `{}`, status: 400, code: jit.EINVALID},
		{name: "token over 36 characters", path: "/jit", body: strings.ReplaceAll(authWith("", ""), `"jbad"`, `"`+strings.Repeat("j", 37)+`"`), status: 400, code: jit.EINVALID},
		{name: "deeply nested JSON", path: "/jit", body: huge, status: 400, code: jit.EINVALID},
		{name: "invalid UTF-8 in a token", path: "/jit", body: strings.Replace(authWith("", ""), `"jbad"`, "\"j\xff\xfe\"", 1), status: 400, code: jit.EINVALID},
		{name: "unknown webhook type", path: "/webhooks", body: string(webhook(event("authorization.teleport", jit.StateCompletion, "u1", "w1", "jw1", "1.00", ""))), status: 400, code: jit.EINVALID},
		{name: "empty transactions", path: "/webhooks", body: `{"transactions":[]}`, status: 400, code: jit.EINVALID},
		{name: "neither transactions nor pings", path: "/webhooks", body: `{"hello":1}`, status: 400, code: jit.EINVALID},
		{name: "good event then bad event", path: "/webhooks", body: string(webhook(
			event(jit.TypeRefund, jit.StateCompletion, "u1", "r-good", "jr", "5.00", ""),
			event(jit.TypeRefund, jit.StateCompletion, "", "r-bad", "jr2", "5.00", "", func(t *jit.Transaction) { t.GPAOrder.JITFunding.UserToken = "" }))), status: 400, code: jit.EINVALID},
		{name: "negative webhook amount", path: "/webhooks", body: string(webhook(event(jit.TypeAuthorizationClearing, jit.StateCompletion, "u1", "c-neg", "jc", "-5.00", "t1"))), status: 400, code: jit.EINVALID},
		{name: "webhook with wrong password", path: "/webhooks", body: string(webhook(event(jit.TypeRefund, jit.StateCompletion, "u1", "r2", "jr", "5.00", ""))), auth: testUser + ":x", status: 401, code: jit.EUNAUTHORIZED},
		{name: "graphql not JSON", path: "/graphql", body: "mutation", status: 400},
		{name: "graphql credit of 1.005", path: "/graphql", body: `{"query":"mutation { credit(token: \"u1\", amount: \"1.005\", idempotencyKey: \"k9\") { ledger } }"}`, status: 200, code: "BAD_USER_INPUT"},
		{name: "graphql without auth", path: "/graphql", body: `{"query":"{ account(token: \"u1\") { ledger } }"}`, auth: "-", status: 401, code: jit.EUNAUTHORIZED},
		{name: "unknown path", path: "/admin", body: `{}`, status: 404, code: jit.ENOTFOUND},
	}
	g := startGateway(t, nil)
	g.fund("u1", 100_00)
	g.post("/jit", jitRequest(jit.TypeAuthorization, jit.MethodAuthorization, "u1", "j1", "t1", "10.00"))
	if len(rows) < 25 {
		t.Fatalf("only %d rows", len(rows))
	}
	for i, row := range rows {
		// Every row its own JIT token: a token seen before gets its first answer.
		row.body = strings.ReplaceAll(row.body, `"jbad"`, fmt.Sprintf(`"jbad%d"`, i))
		t.Run(row.name, func(t *testing.T) {
			before := snapshot(t, g, "u1", "nobody")
			status, body := g.raw(row)
			if status != row.status {
				t.Fatalf("status %d, want %d: %s", status, row.status, truncateBody(body))
			}
			var out map[string]any
			if err := json.Unmarshal(body, &out); err != nil {
				t.Fatalf("answer is not JSON: %q", truncateBody(body))
			}
			switch {
			case status == 402:
				jf, _ := out["jit_funding"].(map[string]any)
				if jf["decline_reason"] != row.code {
					t.Fatalf("decline_reason %v, want %s", jf["decline_reason"], row.code)
				}
			case status >= 400 && row.path != "/graphql":
				msg, _ := out["error_message"].(string)
				if out["error_code"] != row.code || msg == "" {
					t.Fatalf("error body %v, want code %s and a message", out, row.code)
				}
				for _, leak := range []string{"jit.Transaction", "goroutine", "panic", "runtime."} {
					if strings.Contains(msg, leak) {
						t.Fatalf("error message leaks internals: %q", msg)
					}
				}
			case row.code != "":
				if !strings.Contains(string(body), row.code) {
					t.Fatalf("answer lacks %s: %s", row.code, body)
				}
			}
			if after := snapshot(t, g, "u1", "nobody"); !reflect.DeepEqual(before, after) {
				t.Fatalf("ledger changed:\nbefore %+v\n after %+v", before, after)
			}
			if resp, err := http.Get(g.url + "/healthz"); err != nil || resp.StatusCode != 200 {
				t.Fatalf("gateway stopped answering: %v", err)
			}
		})
	}
}

// raw sends one row's request and returns the status and body.
func (g *gw) raw(row badRequest) (int, []byte) {
	g.t.Helper()
	method := row.method
	if method == "" {
		method = http.MethodPost
	}
	req, _ := http.NewRequest(method, g.url+row.path, bytes.NewReader([]byte(row.body)))
	switch row.ctype {
	case "":
		req.Header.Set("Content-Type", "application/json")
	case "-":
	default:
		req.Header.Set("Content-Type", row.ctype)
	}
	switch row.auth {
	case "":
		req.SetBasicAuth(testUser, testPass)
	case "-":
	default:
		u, p, _ := strings.Cut(row.auth, ":")
		req.SetBasicAuth(u, p)
	}
	for k, v := range row.headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// snapshot reads the accounts' views (balances and holds); a missing account
// reads as nil.
func snapshot(t *testing.T, g *gw, accts ...string) map[string]*ledger.View {
	t.Helper()
	out := map[string]*ledger.View{}
	for _, a := range accts {
		v, err := g.s.Ledger().Account(context.Background(), ledger.Key{Token: a, Currency: "USD"})
		if err == nil {
			out[a] = &v
		} else if jit.ErrorCode(err) != jit.ENOTFOUND {
			t.Fatal(err)
		}
	}
	return out
}

func truncateBody(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// TestBadInputWithControls covers the declines that depend on spend
// controls: unknown accounts and closed accounts.
func TestBadInputWithControls(t *testing.T) {
	g := startGateway(t, func(c *Config) {
		c.Controls.DeclineUnknown = true
		c.Controls.Closed = map[string]bool{"closed": true}
	})
	g.fund("closed", 100_00)
	for _, tc := range []struct{ user, reason string }{{"nobody", jit.DeclineNoCheckingAccount}, {"closed", jit.DeclineClosedAccount}} {
		before := snapshot(t, g, tc.user)
		status, out := g.post("/jit", jitRequest(jit.TypeAuthorization, jit.MethodAuthorization, tc.user, "j-"+tc.user, "t-"+tc.user, "1.00"))
		if status != 402 || jitFunding(out)["decline_reason"] != tc.reason {
			t.Fatalf("%s: %d %v", tc.user, status, out)
		}
		if after := snapshot(t, g, tc.user); !reflect.DeepEqual(before["closed"], after["closed"]) || after["nobody"] != nil {
			t.Fatalf("%s: ledger changed", tc.user)
		}
	}
}
