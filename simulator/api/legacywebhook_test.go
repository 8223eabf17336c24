package api

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator/webhook"
)

// overrideSink is the endpoint a legacy simulation names in its webhook
// object: it records each message's credentials, signature and
// transaction tokens.
type overrideSink struct {
	mu   sync.Mutex
	msgs []overrideMsg
}

type overrideMsg struct {
	auth, sig string
	body      []byte
	tokens    []string
}

func (s *overrideSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	u, p, _ := r.BasicAuth()
	m := overrideMsg{auth: u + ":" + p, sig: r.Header.Get("X-Marqeta-Signature"), body: body}
	if env, _, err := jit.DecodeWebhook(body); err == nil && env != nil {
		for _, t := range env.Transactions {
			m.tokens = append(m.tokens, t.Token)
		}
	}
	s.mu.Lock()
	s.msgs = append(s.msgs, m)
	s.mu.Unlock()
}

func (s *overrideSink) all() []overrideMsg {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]overrideMsg(nil), s.msgs...)
}

// TestLegacyWebhookOverride runs legacy simulations that name a webhook
// endpoint: that transaction's webhook reaches the endpoint (with its Basic
// auth and, with a secret, its signature) before the answer, in addition to
// the registered webhook; simulations without the object, and Simulations
// 2.0, send nothing there; a bad object is 400 before anything happens.
func TestLegacyWebhookOverride(t *testing.T) {
	v := newEnv(t)
	v.program(t)
	sink := &overrideSink{}
	srv := httptest.NewServer(sink) // 127.0.0.1:0
	t.Cleanup(srv.Close)
	hook := `"webhook":{"endpoint":"` + srv.URL + `/legacy","username":"legacy","password":"legacy-pass","secret":"abc"}`
	steps := []struct {
		name    string
		path    string
		body    string
		status  int
		save    string
		sent    bool   // the transaction reached the sink
		inError string // for a 400
	}{
		{name: "authorization with a webhook", path: "/simulate/authorization", status: 201, save: "l1", sent: true,
			body: `{"card_token":"c1","amount":"12.00","mid":"1",` + hook + `}`},
		{name: "clearing with a webhook", path: "/simulate/clearing", status: 201, sent: true,
			body: `{"original_transaction_token":"{l1}","amount":"12.00",` + hook + `}`},
		{name: "authorization without one", path: "/simulate/authorization", status: 201,
			body: `{"card_token":"c1","amount":"3.00","mid":"1"}`},
		{name: "Simulations 2.0 ignores it", path: "/simulations/cardtransactions/authorization", status: 201,
			body: `{"card_token":"c1","amount":"4.00",` + hook + `}`},
		{name: "webhook without password", path: "/simulate/authorization", status: 400, inError: "webhook.password",
			body: `{"card_token":"c1","amount":"5.00","mid":"1","webhook":{"endpoint":"` + srv.URL + `","username":"legacy"}}`},
		{name: "webhook endpoint not a URL", path: "/simulate/financial", status: 400, inError: "webhook.endpoint",
			body: `{"card_token":"c1","amount":"5.00","mid":"1","webhook":{"endpoint":"nowhere","username":"u","password":"p"}}`},
	}
	saved := map[string]string{}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			body := st.body
			for k, val := range saved {
				body = strings.ReplaceAll(body, "{"+k+"}", val)
			}
			before, gwBefore, txBefore := len(sink.all()), v.gw.count(), len(v.e.Transactions("", ""))
			r := v.must(t, st.status, "POST", st.path, body)
			if st.status != 201 {
				if !strings.Contains(r.obj["error_message"].(string), st.inError) || v.gw.count() != gwBefore || len(v.e.Transactions("", "")) != txBefore {
					t.Fatalf("refusal %s had effects or does not name %q", r.raw, st.inError)
				}
				return
			}
			tok := path(r.obj, "transaction.token").(string)
			if st.save != "" {
				saved[st.save] = tok
			}
			if v.recv.event(tok) == nil {
				t.Fatal("the registered webhook did not get the transaction")
			}
			msgs := sink.all()[before:]
			if !st.sent {
				if len(msgs) != 0 {
					t.Fatalf("sink got %d messages", len(msgs))
				}
				return
			}
			if len(msgs) != 1 || len(msgs[0].tokens) != 1 || msgs[0].tokens[0] != tok {
				t.Fatalf("sink got %+v, want the one transaction %s", msgs, tok)
			}
			if m := msgs[0]; m.auth != "legacy:legacy-pass" || m.sig != webhook.Sign("sha256", "abc", m.body) {
				t.Fatalf("sink auth %q signature %q", m.auth, m.sig)
			}
		})
	}
	if at := v.e.WebhookTargetAttempts(); len(at) != 2 || !at[0].Delivered || !at[1].Delivered {
		t.Fatalf("target attempts %+v", at)
	}
}
