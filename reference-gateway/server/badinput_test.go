package server

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/reference-gateway/ledger"
)

// badRequest is one malformed or hostile request and what it must get.
type badRequest struct {
	name    string
	gw      string // which gateway: "" (plain), "controls" or "secret"
	path    string
	method  string // POST when empty
	body    string // "jbad" and "tbad" are replaced by tokens unique to the row
	ctype   string // application/json when empty; "-" for none
	auth    string // user:pass; the test credentials when empty; "-" for none
	headers map[string]string
	status  int
	// code is the decline_reason of a 402, the error_code of a gateway 4xx,
	// or, with gql set, the GraphQL errors[0].extensions.code.
	code   string
	gql    bool
	msgHas string // the error message must contain this
	// after runs once the ledger was found unchanged.
	after func(t *testing.T, g *gw, out map[string]any)
}

const badSecret = "whsec-badinput"

// The accounts every row's ledger snapshot covers: the funded ones and the
// unknown ones rows name, which must not come into existence.
var badAccounts = []string{"u1", "closed", "nobody", "biz"}

// badAuth is a funding request for the funded account u1.
func badAuth(mod ...func(*jit.Transaction)) string {
	return string(jitRequest(jit.TypeAuthorization, jit.MethodAuthorization, "u1", "jbad", "tbad", "1.00", mod...))
}

// badEdit returns the JSON object body with the value at each dotted path
// (gpa_order.jit_funding.amount) replaced by raw JSON, or deleted when raw is
// empty. Pairs: path, raw.
func badEdit(body string, pathRaw ...string) string {
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		panic(err)
	}
	for i := 0; i+1 < len(pathRaw); i += 2 {
		keys := strings.Split(pathRaw[i], ".")
		obj := m
		for _, k := range keys[:len(keys)-1] {
			next, ok := obj[k].(map[string]any)
			if !ok {
				panic("no object at " + k + " in " + pathRaw[i])
			}
			obj = next
		}
		last := keys[len(keys)-1]
		if pathRaw[i+1] == "" {
			delete(obj, last)
		} else {
			obj[last] = json.RawMessage(pathRaw[i+1])
		}
	}
	out, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return string(out)
}

// badReplace is strings.Replace that insists old is there.
func badReplace(s, old, new string) string {
	if !strings.Contains(s, old) {
		panic(fmt.Sprintf("no %q in %s", old, s))
	}
	return strings.Replace(s, old, new, 1)
}

func badSign(body string) string {
	m := hmac.New(sha256.New, []byte(badSecret))
	m.Write([]byte(body))
	return hex.EncodeToString(m.Sum(nil))
}

func badRefund(user, txn, amount string, mod ...func(*jit.Transaction)) jit.Transaction {
	return event(jit.TypeRefund, jit.StateCompletion, user, txn, "j"+txn, amount, "", mod...)
}

func badHook(events ...jit.Transaction) string { return string(webhook(events...)) }

// badNested is an object holding depth-1 nested arrays: depth levels in all.
func badNested(depth int) string {
	return `{"deep":` + strings.Repeat("[", depth-1) + strings.Repeat("]", depth-1) + `}`
}

// badLeak matches what must not reach a client in an error message: Go type
// and package names, encoding/json's own wording, panics, stack traces and
// pointers.
var badLeak = regexp.MustCompile(`json: |[Gg]o (struct|value)|\b(jit|ledger|server|journal|adapter|json|http|runtime|reflect|main)\.[A-Z]|goroutine|panic|\.go:\d|0x[0-9a-f]{8,}|interface \{|\[\]u?int8|\[\]byte|map\[`)

// badMaxMessage bounds an error message: a hostile body is not echoed back.
const badMaxMessage = 512

func TestBadInput(t *testing.T) {
	gws := map[string]*gw{
		"":         startGateway(t, nil),
		"controls": startGateway(t, func(c *Config) { c.Controls.DeclineUnknown, c.Controls.Closed = true, map[string]bool{"closed": true} }),
		"secret":   startGateway(t, func(c *Config) { c.WebhookSecret = badSecret }),
	}
	for _, g := range gws {
		g.fund("u1", 100_00)
		g.fund("closed", 100_00)
		// An open hold, so that the snapshots compare holds too.
		if status, out := g.post("/jit", jitRequest(jit.TypeAuthorization, jit.MethodAuthorization, "u1", "j-setup", "t-setup", "10.00")); status != 200 {
			t.Fatalf("setup authorization: %d %v", status, out)
		}
	}

	good := badAuth()
	jf := "gpa_order.jit_funding."
	longToken := strings.Repeat("j", 37)
	goodHook := badHook(badRefund("u1", "r-first", "5.00"))
	rows := []badRequest{
		// The body is not a funding request at all.
		{name: "not JSON", path: "/jit", body: "hello", status: 400, code: jit.EINVALID, msgHas: "not a JSON object"},
		{name: "empty body", path: "/jit", body: "", status: 400, code: jit.EINVALID, msgHas: "empty body"},
		{name: "whitespace only", path: "/jit", body: " \r\n\t ", status: 400, code: jit.EINVALID, msgHas: "empty body"},
		{name: "JSON array of a valid request", path: "/jit", body: "[" + good + "]", status: 400, code: jit.EINVALID, msgHas: "not a JSON object"},
		{name: "JSON null", path: "/jit", body: "null", status: 400, code: jit.EINVALID, msgHas: "not a JSON object"},
		{name: "JSON string", path: "/jit", body: `"authorization"`, status: 400, code: jit.EINVALID, msgHas: "not a JSON object"},
		{name: "truncated object", path: "/jit", body: good[:len(good)/2], status: 400, code: jit.EINVALID, msgHas: "unexpected end of input"},
		{name: "trailing garbage", path: "/jit", body: good + "x", status: 400, code: jit.EINVALID, msgHas: "trailing data"},
		{name: "two objects", path: "/jit", body: good + "\n{}", status: 400, code: jit.EINVALID, msgHas: "trailing data"},
		{name: "deeply nested JSON, 10,000 levels", path: "/jit", body: badNested(10_000), status: 400, code: jit.EINVALID},
		{name: "deeply nested JSON, 400,000 levels", path: "/jit", body: badNested(400_000), status: 400, code: jit.EINVALID, msgHas: "nesting deeper than"},
		{name: "invalid UTF-8 in a token", path: "/jit", body: badReplace(good, `"jbad"`, "\"jbad\xff\xfe\""), status: 400, code: jit.EINVALID, msgHas: "UTF-8"},

		// Wrong types.
		{name: "amount is an object", path: "/jit", body: badEdit(good, jf+"amount", `{"value":1}`), status: 400, code: jit.EINVALID, msgHas: "amount"},
		{name: "amount is a boolean", path: "/jit", body: badEdit(good, "amount", `true`), status: 400, code: jit.EINVALID, msgHas: "amount"},
		{name: "token is a number", path: "/jit", body: badEdit(good, jf+"token", `7`), status: 400, code: jit.EINVALID, msgHas: "gpa_order.jit_funding.token"},
		{name: "jit_funding is a string", path: "/jit", body: badEdit(good, jf[:len(jf)-1], `"jit"`), status: 400, code: jit.EINVALID, msgHas: "jit_funding"},

		// Required fields missing.
		{name: "missing gpa_order.jit_funding", path: "/jit", body: badEdit(good, jf[:len(jf)-1], ""), status: 400, code: jit.EINVALID, msgHas: "jit_funding"},
		{name: "gpa_order is null", path: "/jit", body: badEdit(good, "gpa_order", "null"), status: 400, code: jit.EINVALID, msgHas: "jit_funding"},
		{name: "missing jit_funding.token", path: "/jit", body: badEdit(good, jf+"token", ""), status: 400, code: jit.EINVALID, msgHas: "jit_funding.token"},
		{name: "empty jit_funding.token", path: "/jit", body: badEdit(good, jf+"token", `""`), status: 400, code: jit.EINVALID, msgHas: "jit_funding.token"},
		{name: "missing jit_funding.method", path: "/jit", body: badEdit(good, jf+"method", ""), status: 400, code: jit.EINVALID, msgHas: "jit_funding.method"},
		{name: "missing jit_funding.user_token", path: "/jit", body: badEdit(good, jf+"user_token", ""), status: 400, code: jit.EINVALID, msgHas: "jit_funding.user_token"},
		{name: "token longer than 36 characters", path: "/jit", body: badEdit(good, jf+"token", `"`+longToken+`"`), status: 400, code: jit.EINVALID, msgHas: "36"},
		{name: "user_token longer than 36 characters", path: "/jit", body: badEdit(good, jf+"user_token", `"`+longToken+`"`), status: 400, code: jit.EINVALID, msgHas: "36"},

		// Duplicate keys: encoding/json would let the last one win.
		{name: "duplicate top-level key", path: "/jit", body: badReplace(good, `{"type"`, `{"token":"other","type"`), status: 400, code: jit.EINVALID, msgHas: `duplicate key "token" at $`},
		{name: "duplicate key in jit_funding", path: "/jit", body: badReplace(good, `"amount":1.00}}}`, `"amount":1.00,"amount":0.01}}}`), status: 400, code: jit.EINVALID, msgHas: `duplicate key "amount" at $.gpa_order.jit_funding`},
		{name: "duplicate key in jit_funding differing in case", path: "/jit", body: badReplace(good, `"amount":1.00}}}`, `"amount":1.00,"AMOUNT":0.01}}}`), status: 400, code: jit.EINVALID, msgHas: `"AMOUNT"`},

		// Amounts.
		{name: "negative amount", path: "/jit", body: badEdit(good, jf+"amount", `-5.00`), status: 402, code: jit.DeclineInvalidAmount},
		{name: "zero-amount authorization", path: "/jit", body: badEdit(good, jf+"amount", `0`, "amount", `0`), status: 402, code: jit.DeclineInvalidAmount},
		{name: "three-decimal USD amount", path: "/jit", body: badEdit(good, jf+"amount", `1.005`), status: 402, code: jit.DeclineInvalidAmount},
		{name: "NaN string amount", path: "/jit", body: badEdit(good, jf+"amount", `"NaN"`), status: 400, code: jit.EINVALID, msgHas: "invalid amount"},
		{name: "Infinity string amount", path: "/jit", body: badEdit(good, jf+"amount", `"Infinity"`), status: 400, code: jit.EINVALID, msgHas: "invalid amount"},
		{name: "bare NaN", path: "/jit", body: badReplace(good, `"amount":1.00}}}`, `"amount":NaN}}}`), status: 400, code: jit.EINVALID, msgHas: "invalid JSON"},
		{name: "huge amount 1e30 is out of range", path: "/jit", body: badEdit(good, jf+"amount", `1e30`), status: 400, code: jit.EINVALID, msgHas: "invalid amount"},
		{name: "largest USD amount is in range", path: "/jit", body: badEdit(good, jf+"amount", `9223372036854.77`), status: 402, code: jit.DeclineInsufficientFunds},
		{name: "unknown currency code", path: "/jit", body: badEdit(good, "currency_code", `"XYZ"`), status: 402, code: jit.DeclineInvalidAmount},
		{name: "lower-case currency code", path: "/jit", body: badEdit(good, "currency_code", `"usd"`), status: 402, code: jit.DeclineInvalidAmount},

		// Accounts.
		{name: "unknown account", path: "/jit", body: badAuth(func(t *jit.Transaction) { t.UserToken, t.GPAOrder.JITFunding.UserToken = "nobody", "nobody" }), status: 402, code: jit.DeclineInsufficientFunds},
		{name: "unknown business", path: "/jit", body: badAuth(func(t *jit.Transaction) { t.GPAOrder.JITFunding.BusinessToken = "biz" }), status: 402, code: jit.DeclineInsufficientFunds},
		{name: "unknown account with DeclineUnknown", gw: "controls", path: "/jit", body: badAuth(func(t *jit.Transaction) { t.UserToken, t.GPAOrder.JITFunding.UserToken = "nobody", "nobody" }), status: 402, code: jit.DeclineNoCheckingAccount},
		{name: "closed account", gw: "controls", path: "/jit", body: badAuth(func(t *jit.Transaction) { t.UserToken, t.GPAOrder.JITFunding.UserToken = "closed", "closed" }), status: 402, code: jit.DeclineClosedAccount},
		{name: "closed account balance inquiry", gw: "controls", path: "/jit", body: badAuth(func(t *jit.Transaction) {
			t.Type, t.UserToken, t.GPAOrder.JITFunding.UserToken, t.GPAOrder.JITFunding.Method = jit.TypeBalanceinquiry, "closed", "closed", jit.MethodBalanceinquiry
		}), status: 402, code: jit.DeclineClosedAccount},

		// Informative and unknown methods are acknowledged and book nothing,
		// whatever their amount.
		{name: "refund with a negative amount", path: "/jit", body: badEdit(badAuth(func(t *jit.Transaction) {
			t.GPAOrderUnload, t.GPAOrder = &jit.GPAReturns{Amount: jit.MustAmount("5.00"), JITFunding: &jit.JITFunding{Token: "jbad", Method: jit.MethodRefund, UserToken: "u1", Amount: jit.MustAmount("5.00")}}, nil
		}), "gpa_order_unload.jit_funding.amount", `-5.00`), status: 200, after: badWantEcho("-5.00")},
		{name: "clearing with a three-decimal amount", path: "/jit", body: badEdit(badAuth(func(t *jit.Transaction) { t.GPAOrder.JITFunding.Method = jit.MethodAuthorizationClearing }), jf+"amount", `1.005`), status: 200, after: badWantEcho("1.005")},
		{name: "unknown method", path: "/jit", body: badAuth(func(t *jit.Transaction) { t.GPAOrder.JITFunding.Method = "pgfs.give_me_money" }), status: 200, after: badWantEcho("1.00")},
		{name: "balance inquiry with a negative amount", path: "/jit", body: badEdit(badAuth(func(t *jit.Transaction) {
			t.Type, t.GPAOrder.JITFunding.Method = jit.TypeBalanceinquiry, jit.MethodBalanceinquiry
		}), jf+"amount", `-1.00`), status: 200},

		// HTTP: credentials, method, content type, size.
		{name: "wrong password", path: "/jit", body: good, auth: testUser + ":nope", status: 401, code: jit.EUNAUTHORIZED},
		{name: "basic auth with wrong user", path: "/jit", body: good, auth: "someone:" + testPass, status: 401, code: jit.EUNAUTHORIZED},
		{name: "missing auth", path: "/jit", body: good, auth: "-", status: 401, code: jit.EUNAUTHORIZED, msgHas: "missing"},
		{name: "malformed Authorization header", path: "/jit", body: good, auth: "-", headers: map[string]string{"Authorization": "Basic !!!not-base64"}, status: 401, code: jit.EUNAUTHORIZED},
		{name: "bearer token instead of basic", path: "/jit", body: good, auth: "-", headers: map[string]string{"Authorization": "Bearer " + testPass}, status: 401, code: jit.EUNAUTHORIZED},
		{name: "oversize body", path: "/jit", body: badReplace(good, `{"type"`, `{"pad":"`+strings.Repeat("x", 1<<20)+`","type"`), status: 413, code: jit.ETOOLARGE},
		{name: "text/plain", path: "/jit", body: good, ctype: "text/plain", status: 415, code: jit.EMEDIATYPE},
		{name: "unparsable content type", path: "/jit", body: good, ctype: "application/json; charset", status: 415, code: jit.EMEDIATYPE},
		{name: "form content type", path: "/jit", body: good, ctype: "application/x-www-form-urlencoded", status: 415, code: jit.EMEDIATYPE},
		{name: "GET on /jit", path: "/jit", method: http.MethodGet, status: 405, code: jit.EMETHOD},
		{name: "PUT on /jit", path: "/jit", method: http.MethodPut, body: good, status: 405, code: jit.EMETHOD},

		// Webhooks.
		{name: "webhook not JSON", path: "/webhooks", body: "transactions", status: 400, code: jit.EINVALID},
		{name: "webhook JSON array", path: "/webhooks", body: "[" + goodHook + "]", status: 400, code: jit.EINVALID, msgHas: "not a JSON object"},
		{name: "webhook for an unknown transaction type", path: "/webhooks", body: badHook(badRefund("u1", "w-type", "1.00", func(t *jit.Transaction) { t.Type = "authorization.teleport" })), status: 400, code: jit.EINVALID, msgHas: "authorization.teleport"},
		{name: "webhook with a 100,000-character type", path: "/webhooks", body: badHook(badRefund("u1", "w-longtype", "1.00", func(t *jit.Transaction) { t.Type = strings.Repeat("t", 100_000) })), status: 400, code: jit.EINVALID, msgHas: "unknown transaction type"},
		{name: "webhook with empty transactions", path: "/webhooks", body: `{"transactions":[]}`, status: 400, code: jit.EINVALID, msgHas: "empty"},
		{name: "webhook with empty pings", path: "/webhooks", body: `{"pings":[]}`, status: 400, code: jit.EINVALID, msgHas: "empty"},
		{name: "webhook with neither transactions nor pings", path: "/webhooks", body: `{"hello":1}`, status: 400, code: jit.EINVALID, msgHas: "neither"},
		{name: "webhook with null transactions", path: "/webhooks", body: `{"transactions":null}`, status: 400, code: jit.EINVALID, msgHas: "neither"},
		{name: "webhook with both transactions and pings", path: "/webhooks", body: badReplace(goodHook, `{"transactions"`, `{"pings":[{"token":"marqeta","payload":"healthcheck"}],"transactions"`), status: 400, code: jit.EINVALID, msgHas: "both"},
		{name: "webhook transactions is an object", path: "/webhooks", body: `{"transactions":{"type":"refund"}}`, status: 400, code: jit.EINVALID, msgHas: "transactions"},
		{name: "webhook batch: 1st good, 2nd bad", path: "/webhooks", body: badHook(badRefund("u1", "r-first", "5.00"), badRefund("u1", "r-second", "5.00", func(t *jit.Transaction) { t.Type = "refund.bogus" })), status: 400, code: jit.EINVALID,
			after: func(t *testing.T, g *gw, _ map[string]any) {
				// The 1st event was not even recorded as seen: sent alone, it is applied.
				status, out := g.post("/webhooks", []byte(goodHook))
				if status != 200 || out["applied"] != 1.0 || out["duplicates"] != 0.0 {
					t.Fatalf("the good event of the rejected batch was booked: %d %v", status, out)
				}
			}},
		{name: "webhook event with no user_token", path: "/webhooks", body: badHook(badRefund("", "w-nouser", "5.00", func(t *jit.Transaction) { t.GPAOrder.JITFunding.UserToken = "" })), status: 400, code: jit.EINVALID, msgHas: "user_token"},
		{name: "webhook event with no token", path: "/webhooks", body: badHook(badRefund("u1", "", "5.00")), status: 400, code: jit.EINVALID, msgHas: "without a token"},
		{name: "webhook with a negative amount", path: "/webhooks", body: badHook(event(jit.TypeAuthorizationClearing, jit.StateCompletion, "u1", "w-neg", "jw-neg", "-5.00", "t-setup")), status: 400, code: jit.EINVALID, msgHas: "negative"},
		{name: "webhook incremental with a negative jit_funding.amount", path: "/webhooks", body: badHook(event(jit.TypeAuthorizationIncremental, jit.StatePending, "u1", "w-negincr", "jw-negincr", "5.00", "t-setup", func(t *jit.Transaction) {
			t.GPAOrder.JITFunding.Method, t.GPAOrder.JITFunding.OriginalJITFundingToken = jit.MethodAuthorizationIncremental, "j-setup"
			t.GPAOrder.JITFunding.Amount = jit.MustAmount("-8.00")
		})), status: 400, code: jit.EINVALID, msgHas: "negative"},
		{name: "webhook advice releasing a negative amount", path: "/webhooks", body: badHook(event(jit.TypeAuthorizationAdvice, jit.StatePending, "u1", "w-negadv", "jw-negadv", "5.00", "t-setup", func(t *jit.Transaction) {
			t.GPAOrder.JITFunding.Method, t.GPAOrder.JITFunding.Amount = jit.MethodAuthorizationReversal, jit.MustAmount("-50.00")
		})), status: 400, code: jit.EINVALID, msgHas: "negative"},
		{name: "webhook with a three-decimal amount", path: "/webhooks", body: badHook(badRefund("u1", "w-3dp", "5.005")), status: 400, code: jit.EINVALID, msgHas: "decimal places"},
		{name: "webhook with an unknown currency", path: "/webhooks", body: badHook(badRefund("u1", "w-cur", "5.00", func(t *jit.Transaction) { t.CurrencyCode = "XYZ" })), status: 400, code: jit.EINVALID, msgHas: "currency"},
		{name: "webhook with a duplicate key in an event", path: "/webhooks", body: badReplace(goodHook, `"amount":5.00,"currency_code"`, `"amount":5.00,"amount":500.00,"currency_code"`), status: 400, code: jit.EINVALID, msgHas: `duplicate key "amount" at $.transactions[0]`},
		{name: "webhook with wrong password", path: "/webhooks", body: goodHook, auth: testUser + ":x", status: 401, code: jit.EUNAUTHORIZED},
		{name: "webhook with a bad signature", gw: "secret", path: "/webhooks", body: goodHook, headers: map[string]string{"X-Marqeta-Signature": badSign(goodHook + " ")}, status: 401, code: jit.EUNAUTHORIZED, msgHas: "does not match"},
		{name: "webhook with no signature", gw: "secret", path: "/webhooks", body: goodHook, status: 401, code: jit.EUNAUTHORIZED, msgHas: "missing"},
		{name: "webhook with a truncated signature", gw: "secret", path: "/webhooks", body: goodHook, headers: map[string]string{"X-Marqeta-Signature": badSign(goodHook)[:62]}, status: 401, code: jit.EUNAUTHORIZED},
		{name: "signed webhook that is not JSON", gw: "secret", path: "/webhooks", body: "nope", headers: map[string]string{"X-Marqeta-Signature": badSign("nope")}, status: 400, code: jit.EINVALID},
		{name: "GET on /webhooks", path: "/webhooks", method: http.MethodGet, status: 405, code: jit.EMETHOD},
		{name: "webhook as text/plain", path: "/webhooks", body: goodHook, ctype: "text/plain", status: 415, code: jit.EMEDIATYPE},
		{name: "oversize webhook", path: "/webhooks", body: badReplace(goodHook, `{"transactions"`, `{"pad":"`+strings.Repeat("x", 1<<20)+`","transactions"`), status: 413, code: jit.ETOOLARGE},

		// GraphQL adapter.
		{name: "graphql with a non-JSON body", path: "/graphql", body: "mutation { credit }", status: 400, gql: true, code: "BAD_REQUEST"},
		{name: "graphql credit of 1.005", path: "/graphql", body: `{"query":"mutation { credit(token: \"u1\", amount: \"1.005\", idempotencyKey: \"bad-1\") { ledger } }"}`, status: 200, gql: true, code: "BAD_USER_INPUT"},
		{name: "graphql credit of -5.00", path: "/graphql", body: `{"query":"mutation { credit(token: \"u1\", amount: \"-5.00\", idempotencyKey: \"bad-2\") { ledger } }"}`, status: 200, gql: true, code: "BAD_USER_INPUT"},
		{name: "graphql without auth", path: "/graphql", body: `{"query":"{ account(token: \"u1\") { ledger } }"}`, auth: "-", status: 401, code: jit.EUNAUTHORIZED},

		{name: "unknown path", path: "/admin", body: `{}`, status: 404, code: jit.ENOTFOUND},
	}
	if len(rows) < 30 {
		t.Fatalf("only %d rows", len(rows))
	}
	for i, row := range rows {
		if row.path == "/jit" {
			// Every row its own tokens: a JIT token seen before gets its first answer.
			row.body = strings.ReplaceAll(row.body, `"jbad"`, fmt.Sprintf(`"jbad%d"`, i))
			row.body = strings.ReplaceAll(row.body, `"tbad"`, fmt.Sprintf(`"tbad%d"`, i))
		}
		g := gws[row.gw]
		t.Run(row.name, func(t *testing.T) {
			before := badSnapshot(t, g)
			status, hdr, body := g.badDo(row)
			t.Logf("%d %s", status, badTruncate(body))
			if status != row.status {
				t.Fatalf("status %d, want %d: %s", status, row.status, badTruncate(body))
			}
			if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			var out map[string]any
			if err := json.Unmarshal(body, &out); err != nil {
				t.Fatalf("answer is not a JSON object: %q", badTruncate(body))
			}
			switch {
			case row.gql:
				badCheckGraphQL(t, out, row.code)
			case status == 402:
				jf := jitFunding(out)
				if jf["decline_reason"] != row.code {
					t.Fatalf("decline_reason %v, want %s: %v", jf["decline_reason"], row.code, out)
				}
				if tok, _ := jf["token"].(string); !strings.HasPrefix(tok, "jbad") {
					t.Fatalf("402 does not echo the JIT token: %v", out)
				}
			case status >= 400:
				badCheckError(t, out, row.code, row.msgHas)
			}
			switch status {
			case 401:
				if hdr.Get("WWW-Authenticate") == "" {
					t.Errorf("401 without WWW-Authenticate")
				}
			case 405:
				if hdr.Get("Allow") != http.MethodPost {
					t.Errorf("405 with Allow %q, want POST", hdr.Get("Allow"))
				}
			}
			if after := badSnapshot(t, g); !reflect.DeepEqual(before, after) {
				t.Fatalf("ledger changed:\nbefore %+v\n after %+v", before, after)
			}
			badHealthy(t, g)
			if row.after != nil {
				row.after(t, g, out)
			}
		})
	}
}

// badCheckError checks a gateway error answer: exactly error_code and a
// non-empty error_message that leaks nothing and echoes little.
func badCheckError(t *testing.T, out map[string]any, code, msgHas string) {
	t.Helper()
	msg, _ := out["error_message"].(string)
	if out["error_code"] != code || msg == "" || len(out) != 2 {
		t.Fatalf("error body %v, want error_code %q and an error_message", out, code)
	}
	if !strings.Contains(msg, msgHas) {
		t.Fatalf("error_message %q does not say %q", msg, msgHas)
	}
	if leak := badLeak.FindString(msg); leak != "" {
		t.Fatalf("error_message leaks internals (%q): %q", leak, msg)
	}
	if len(msg) > badMaxMessage {
		t.Fatalf("error_message of %d bytes echoes the request: %s", len(msg), badTruncate([]byte(msg)))
	}
}

// badCheckGraphQL checks an adapter answer: errors[0] with a message and
// extensions.code, and no data that could have come from a write.
func badCheckGraphQL(t *testing.T, out map[string]any, code string) {
	t.Helper()
	errs, _ := out["errors"].([]any)
	if len(errs) == 0 {
		t.Fatalf("no GraphQL errors: %v", out)
	}
	e, _ := errs[0].(map[string]any)
	ext, _ := e["extensions"].(map[string]any)
	msg, _ := e["message"].(string)
	if ext["code"] != code || msg == "" {
		t.Fatalf("GraphQL error %v, want code %s and a message", e, code)
	}
	if leak := badLeak.FindString(msg); leak != "" {
		t.Fatalf("GraphQL message leaks internals (%q): %q", leak, msg)
	}
	if data, ok := out["data"].(map[string]any); ok && data["credit"] != nil {
		t.Fatalf("credit answered data: %v", out)
	}
}

// badWantEcho checks a 200 echo of an informative or unknown method: the JIT
// token and the amount as sent, no decline reason.
func badWantEcho(amount string) func(t *testing.T, g *gw, out map[string]any) {
	return func(t *testing.T, g *gw, out map[string]any) {
		jf := jitFunding(out)
		tok, _ := jf["token"].(string)
		want, _ := strconv.ParseFloat(amount, 64)
		if !strings.HasPrefix(tok, "jbad") || jf["decline_reason"] != nil || jf["amount"] != want {
			t.Fatalf("echo %v, want token jbad…, amount %s, no decline_reason", jf, amount)
		}
	}
}

// badDo sends one row's request; it returns the status, headers and body.
func (g *gw) badDo(row badRequest) (int, http.Header, []byte) {
	g.t.Helper()
	method := row.method
	if method == "" {
		method = http.MethodPost
	}
	req, err := http.NewRequest(method, g.url+row.path, bytes.NewReader([]byte(row.body)))
	if err != nil {
		g.t.Fatal(err)
	}
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
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		g.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, body
}

// badSnapshot reads the views (balances and holds) of badAccounts; an
// account that does not exist reads as nil.
func badSnapshot(t *testing.T, g *gw) map[string]*ledger.View {
	t.Helper()
	out := map[string]*ledger.View{}
	for _, a := range badAccounts {
		v, err := g.s.Ledger().Account(context.Background(), ledger.Key{Token: a, Currency: "USD"})
		switch {
		case err == nil:
			out[a] = &v
		case jit.ErrorCode(err) == jit.ENOTFOUND:
			out[a] = nil
		default:
			t.Fatal(err)
		}
	}
	return out
}

// badHealthy checks that the gateway still answers, so no request took it down.
func badHealthy(t *testing.T, g *gw) {
	t.Helper()
	resp, err := http.Get(g.url + "/healthz")
	if err != nil {
		t.Fatalf("gateway stopped answering: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/healthz answered %d", resp.StatusCode)
	}
}

func badTruncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}
