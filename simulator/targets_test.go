package simulator

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator/clock"
	"github.com/jitsim/jitsim/simulator/webhook"
)

// hookSink is a webhook receiver on 127.0.0.1:0 that answers the statuses
// in fail first (then 200) and records every request it accepted or not.
type hookSink struct {
	mu   sync.Mutex
	fail []int
	got  []sinkHit
}

type sinkHit struct {
	user, pass, sig string
	body            []byte
	status          int
}

func (s *hookSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	u, p, _ := r.BasicAuth()
	s.mu.Lock()
	defer s.mu.Unlock()
	status := http.StatusOK
	if len(s.fail) > 0 {
		status, s.fail = s.fail[0], s.fail[1:]
	}
	s.got = append(s.got, sinkHit{user: u, pass: p, sig: r.Header.Get("X-Marqeta-Signature"), body: body, status: status})
	w.WriteHeader(status)
}

func (s *hookSink) hits() []sinkHit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sinkHit(nil), s.got...)
}

// TestSendWebhookTo sends one transaction's webhook to a target besides the
// registered webhook: the target gets exactly that transaction, with its own
// Basic auth and signature, retried on the clock after a failure; the
// registered webhook gets its copy too, and other transactions never reach
// the target.
func TestSendWebhookTo(t *testing.T) {
	gw := &fakeGateway{answer: echo(200, "")}
	srv := httptest.NewServer(gw)
	t.Cleanup(srv.Close)
	target, registered := &hookSink{fail: []int{500}}, &hookSink{}
	tsrv, rsrv := httptest.NewServer(target), httptest.NewServer(registered)
	t.Cleanup(tsrv.Close)
	t.Cleanup(rsrv.Close)
	v := clock.NewVirtual(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC))
	e := New(Config{Clock: v, Seed: 3})
	t.Cleanup(e.Close)
	card := setUp(t, e, srv.URL, 3000)
	if _, err := e.CreateWebhook(Webhook{Name: "all", Events: []string{"*"}, Config: WebhookConfig{URL: rsrv.URL, BasicAuthUsername: "reg", BasicAuthPassword: "reg-pass"}}); err != nil {
		t.Fatal(err)
	}
	first, _ := e.Authorize(ctx, AuthRequest{CardToken: card, Amount: jit.MustAmount("10.00")})
	second, _ := e.Authorize(ctx, AuthRequest{CardToken: card, Amount: jit.MustAmount("11.00")})
	tg := WebhookTarget{URL: tsrv.URL + "/hook", Username: "one-off", Password: "one-off-pass", Secret: "s3cret"}
	if err := e.SendWebhookTo(tg, second.Token); err != nil {
		t.Fatal(err)
	}
	if err := e.FlushWebhooks(ctx); err != nil {
		t.Fatal(err)
	}
	hits := target.hits()
	if len(hits) != 1 || hits[0].status != 500 {
		t.Fatalf("target hits %+v, want one failed try", hits)
	}
	v.Advance(4 * time.Second) // the first retry is due
	hits = target.hits()
	if len(hits) != 2 || hits[1].status != 200 {
		t.Fatalf("target hits after 4 s: %+v", hits)
	}
	h := hits[1]
	env, _, err := jit.DecodeWebhook(h.body)
	if err != nil || env == nil || len(env.Transactions) != 1 || env.Transactions[0].Token != second.Token {
		t.Fatalf("target body %s (%v)", h.body, err)
	}
	if h.user != "one-off" || h.pass != "one-off-pass" || h.sig != webhook.Sign("sha256", "s3cret", h.body) {
		t.Fatalf("target auth %q:%q signature %q", h.user, h.pass, h.sig)
	}
	if got := len(registered.hits()); got != 1 { // one batch: both authorizations
		t.Fatalf("registered webhook got %d messages", got)
	}
	if env, _, _ := jit.DecodeWebhook(registered.hits()[0].body); len(env.Transactions) != 2 || env.Transactions[0].Token != first.Token {
		t.Fatalf("registered webhook body %s", registered.hits()[0].body)
	}
	at := e.WebhookTargetAttempts()
	if len(at) != 2 || at[0].Endpoint != "simulate-webhook-1" || at[0].Delivered || !at[1].Delivered || e.WebhookTargetsPending() != 0 {
		t.Fatalf("attempts %+v, pending %d", at, e.WebhookTargetsPending())
	}
}

// TestWebhookTargetRefused checks the refusals: a bad target (EINVALID, the
// field named), an unknown transaction (ENOTFOUND), and more distinct
// targets than MaxWebhookTargets (EINVALID), while a known target is still
// accepted at the cap.
func TestWebhookTargetRefused(t *testing.T) {
	e, card := program(t, &fakeGateway{answer: echo(200, "")}, 3000)
	a, _ := e.Authorize(ctx, AuthRequest{CardToken: card, Amount: jit.MustAmount("1.00")})
	ok := WebhookTarget{URL: "http://127.0.0.1:1/hook", Username: "u", Password: "p"}
	tests := []struct {
		name   string
		target WebhookTarget
		tok    string
		code   string
		inMsg  string
	}{
		{"no endpoint", WebhookTarget{Username: "u", Password: "p"}, a.Token, jit.EINVALID, "webhook.endpoint"},
		{"not http", WebhookTarget{URL: "ftp://x/y", Username: "u", Password: "p"}, a.Token, jit.EINVALID, "webhook.endpoint"},
		{"no username", WebhookTarget{URL: ok.URL, Password: "p"}, a.Token, jit.EINVALID, "webhook.username"},
		{"no password", WebhookTarget{URL: ok.URL, Username: "u"}, a.Token, jit.EINVALID, "webhook.password"},
		{"unknown transaction", ok, "nope", jit.ENOTFOUND, "nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := e.SendWebhookTo(tt.target, tt.tok)
			if jit.ErrorCode(err) != tt.code || !strings.Contains(jit.ErrorMessage(err), tt.inMsg) {
				t.Fatalf("err %v, want %s naming %q", err, tt.code, tt.inMsg)
			}
		})
	}
	for i := 0; i < MaxWebhookTargets; i++ {
		if err := e.AddWebhookTarget(WebhookTarget{URL: fmt.Sprintf("http://127.0.0.1:1/%d", i), Username: "u", Password: "p"}); err != nil {
			t.Fatalf("target %d: %v", i, err)
		}
	}
	if err := e.AddWebhookTarget(ok); jit.ErrorCode(err) != jit.EINVALID {
		t.Fatalf("target beyond the cap: %v", err)
	}
	if err := e.SendWebhookTo(WebhookTarget{URL: "http://127.0.0.1:1/0", Username: "u", Password: "p"}, a.Token); err != nil {
		t.Fatalf("known target at the cap: %v", err)
	}
}
