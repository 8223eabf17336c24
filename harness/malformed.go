package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/jitsim/jitsim/jit"
)

// malformed builds broken bodies from a well-formed one.
var malformed = map[string]func(good []byte) []byte{
	"not JSON":  func([]byte) []byte { return []byte("this is not JSON") },
	"truncated": func(g []byte) []byte { return g[:len(g)/2] },
	"empty":     func([]byte) []byte { return nil },
	"an array":  func([]byte) []byte { return []byte("[]") },
	"a word for the amount": func(g []byte) []byte {
		return rewriteJSON(g, func(m map[string]any) { setAmount(m, "lots") })
	},
	"a negative amount": func(g []byte) []byte {
		return rewriteJSON(g, func(m map[string]any) { setAmount(m, json.Number("-40.00")) })
	},
	"no jit_funding": func(g []byte) []byte {
		return rewriteJSON(g, func(m map[string]any) {
			if o, ok := m["gpa_order"].(map[string]any); ok {
				delete(o, "jit_funding")
			}
		})
	},
}

// MalformedKinds lists the kinds of broken body SendMalformed knows.
func MalformedKinds() []string {
	var k []string
	for name := range malformed {
		k = append(k, name)
	}
	sort.Strings(k)
	return k
}

func rewriteJSON(good []byte, f func(map[string]any)) []byte {
	var m map[string]any
	if err := json.Unmarshal(good, &m); err != nil {
		return good
	}
	if txns, ok := m["transactions"].([]any); ok {
		for _, t := range txns {
			if tm, ok := t.(map[string]any); ok {
				f(tm)
			}
		}
	} else {
		f(m)
	}
	out, _ := json.Marshal(m)
	return out
}

func setAmount(m map[string]any, v any) {
	m["amount"] = v
	if o, ok := m["gpa_order"].(map[string]any); ok {
		o["amount"] = v
		if jf, ok := o["jit_funding"].(map[string]any); ok {
			jf["amount"] = v
		}
	}
}

// wellFormed is an authorization for amount on h's card, as Marqeta would
// send it to the JIT endpoint, with fresh tokens.
func (w *World) wellFormed(h *Cardholder, amount int64) []byte {
	w.seq++
	tok := fmt.Sprintf("raw-%s-%d", w.prefix, w.seq)
	a := jit.MustMinor(amount, h.Currency)
	t := jit.Transaction{Type: jit.TypeAuthorization, State: jit.StatePending, Token: tok, UserToken: h.UserToken, CardToken: h.CardToken,
		Amount: a, CurrencyCode: h.Currency, CreatedTime: w.clock.Now().UTC().Format("2006-01-02T15:04:05Z"),
		GPAOrder: &jit.GPAOrder{Token: tok + "-o", Amount: a, State: jit.StatePending, CurrencyCode: h.Currency,
			JITFunding: &jit.JITFunding{Token: tok + "-j", Method: jit.MethodAuthorization, UserToken: h.UserToken, Amount: a}},
	}
	body, _ := json.Marshal(t)
	return body
}

// SendMalformed sends the gateway's endpoint (EndpointJIT or
// EndpointWebhooks) a broken version of a $40.00 authorization for the
// cardholder: kind is one of MalformedKinds. It returns a *jit.Error with
// code EINVALID for an unknown kind.
func (w *World) SendMalformed(ctx context.Context, endpoint, holder, kind string) (*RawAnswer, error) {
	h, err := w.Cardholder(holder)
	if err != nil {
		return nil, err
	}
	f, ok := malformed[kind]
	if !ok {
		return nil, jit.Errorf(jit.EINVALID, "unknown kind of malformed body %q (one of %v)", kind, MalformedKinds())
	}
	good := w.wellFormed(h, 4000)
	if endpoint == EndpointWebhooks {
		var t jit.Transaction
		json.Unmarshal(good, &t)
		t.State = jit.StateCompletion
		t.Type = jit.TypeAuthorizationClearing
		t.GPAOrder.JITFunding.Method = jit.MethodForceCapture
		good, _ = json.Marshal(jit.WebhookEnvelope{Transactions: []jit.Transaction{t}})
	}
	body := f(good)
	return w.SendRaw(ctx, RawRequest{Endpoint: endpoint, Body: body, What: "a request body that is " + kind, Sign: true})
}

// ExpectRejectedAsMalformed checks a raw answer is a client error other
// than a decline or an auth failure (4xx but not 401, 402 or 403).
func (w *World) ExpectRejectedAsMalformed(ans *RawAnswer) error {
	if ans.Status >= 400 && ans.Status < 500 && ans.Status != 401 && ans.Status != 402 && ans.Status != 403 {
		return nil
	}
	return w.fail("answer to a malformed request", "a client error (HTTP 4xx, not 401/402/403)", fmt.Sprintf("HTTP %d %s", ans.Status, clipBody(ans.Body)))
}
