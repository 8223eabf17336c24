package harness_test

import (
	"bytes"
	"context"
	"errors"
	"hash/fnv"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jitsim/jitsim/adapter"
	"github.com/jitsim/jitsim/harness"
	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/reference-gateway/server"
	"github.com/jitsim/jitsim/reference-gateway/servertest"
)

const (
	user   = "marqeta"
	pass   = "gateway-password-0123456789"
	secret = "webhook-secret-0123456789"
)

var ctx = context.Background()

// gateway serves a reference gateway on 127.0.0.1:0, behind wrap when set.
func gateway(t *testing.T, wrap func(http.Handler) http.Handler) harness.Target {
	t.Helper()
	base, _ := servertest.Start(t, server.Config{Username: user, Password: pass, WebhookSecret: secret}, wrap)
	return harness.Target{JITURL: base + "/jit", WebhookURL: base + "/webhooks", AdapterURL: base + "/graphql", Username: user, Password: pass, WebhookSecret: secret}
}

func world(t *testing.T, target harness.Target, funds string) *harness.World {
	t.Helper()
	// Worlds sharing a gateway need seeds of their own (their tokens).
	h := fnv.New64a()
	h.Write([]byte(t.Name()))
	w, err := harness.New(harness.Config{Target: target, Seed: h.Sum64()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	if _, err := w.AddCardholder(ctx, "", funds); err != nil {
		t.Fatal(err)
	}
	return w
}

// must fails the test on an action's error: must(t)(w.Authorize(...)).
func must(t *testing.T) func(*harness.Event, error) *harness.Event {
	return func(ev *harness.Event, err error) *harness.Event {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
}

func balances(t *testing.T, available, ledger, pending string) harness.Balances {
	t.Helper()
	b, err := harness.ParseBalances(available, ledger, pending, "USD")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"$42.17", 4217, true}, {"42.17", 4217, true}, {"-$20.00", -2000, true}, {"$1,000.00", 100000, true},
		{"$0.00", 0, true}, {"$1.005", 0, false}, {"", 0, false}, {"$", 0, false}, {"ten", 0, false}, {"--$1.00", 0, false}, {"$+1.00", 0, false},
	}
	for _, tt := range tests {
		got, err := harness.ParseMoney(tt.in, "USD")
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && jit.ErrorCode(err) != jit.EINVALID {
			t.Errorf("ParseMoney(%q): code %s", tt.in, jit.ErrorCode(err))
		}
	}
	if s := harness.FormatMoney(-2050, "USD"); s != "-20.50" {
		t.Errorf("FormatMoney(-2050) = %s", s)
	}
}

func TestTargetValidate(t *testing.T) {
	good := harness.Target{JITURL: "http://a/jit", WebhookURL: "http://a/webhooks", AdapterURL: "http://a/graphql", Username: "u", Password: pass}
	tests := []struct {
		name   string
		change func(*harness.Target)
		want   string // "" ok
	}{
		{"good", func(*harness.Target) {}, ""},
		{"black-box", func(t *harness.Target) { t.AdapterURL = "" }, ""},
		{"bad jit url", func(t *harness.Target) { t.JITURL = "ftp://a" }, "JIT URL"},
		{"no webhook url", func(t *harness.Target) { t.WebhookURL = "" }, "webhook URL"},
		{"bad adapter url", func(t *harness.Target) { t.AdapterURL = "a/graphql" }, "adapter URL"},
		{"no user", func(t *harness.Target) { t.Username = "" }, "user name"},
		{"short password", func(t *harness.Target) { t.Password = "short" }, "20 to 100"},
		{"timeout", func(t *harness.Target) { t.TimeoutMillis = 500 }, "timeout_millis"},
	}
	for _, tt := range tests {
		tg := good
		tt.change(&tg)
		err := tg.Validate()
		if (err == nil) != (tt.want == "") || (err != nil && (!strings.Contains(err.Error(), tt.want) || jit.ErrorCode(err) != jit.EINVALID)) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestReadAccountsFile(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"good", `{"accounts":[{"user_token":"a","balance":"100.00"},{"user_token":"b","balance":"100.00"},{"user_token":"c","balance":"250.00"}]}`, ""},
		{"not json", `{`, "accounts file"},
		{"no accounts", `{"accounts":[]}`, "lists no accounts"},
		{"no token", `{"accounts":[{"balance":"1.00"}]}`, "user_token"},
		{"twice", `{"accounts":[{"user_token":"a","balance":"1.00"},{"user_token":"a","balance":"1.00"}]}`, "listed twice"},
		{"bad balance", `{"accounts":[{"user_token":"a","balance":"1.005"}]}`, "balance"},
	}
	for _, tt := range tests {
		path := filepath.Join(t.TempDir(), "accounts.json")
		os.WriteFile(path, []byte(tt.data), 0o644)
		f, err := harness.ReadAccountsFile(path)
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
			continue
		}
		if f == nil {
			continue
		}
		p := harness.NewAccountPool(f)
		a1, err1 := p.Claim("USD", 10000)
		a2, err2 := p.Claim("USD", 10000)
		_, err3 := p.Claim("USD", 10000)
		if err1 != nil || err2 != nil || a1.UserToken == a2.UserToken || !errors.Is(err3, harness.ErrNoAccount) || p.Remaining() != 1 {
			t.Errorf("claims: %v %v %v %v, %d left", a1, a2, err2, err3, p.Remaining())
		}
	}
}

// TestFlows drives each action against the reference gateway and checks
// the balances it leaves.
func TestFlows(t *testing.T) {
	target := gateway(t, nil)
	tests := []struct {
		name                       string
		run                        func(t *testing.T, w *harness.World)
		available, ledger, pending string
	}{
		{"authorize", func(t *testing.T, w *harness.World) {
			ev := must(t)(w.Authorize(ctx, harness.Purchase{Amount: "$42.17"}))
			if err := w.ExpectApproved(ev); err != nil {
				t.Fatal(err)
			}
		}, "57.83", "100.00", "42.17"},
		{"decline", func(t *testing.T, w *harness.World) {
			ev := must(t)(w.Authorize(ctx, harness.Purchase{Amount: "$100.01"}))
			if err := w.ExpectDeclined(ev, jit.DeclineInsufficientFunds); err != nil {
				t.Fatal(err)
			}
			if w.ExpectApproved(ev) == nil {
				t.Fatal("a decline passed as approved")
			}
		}, "100.00", "100.00", "0.00"},
		{"multi-clearing", func(t *testing.T, w *harness.World) {
			must(t)(w.Authorize(ctx, harness.Purchase{Amount: "$60.00"}))
			must(t)(w.Clear(ctx, harness.Clearing{Amount: "$25.00", Sequence: 1, Count: 2}))
		}, "40.00", "75.00", "35.00"},
		{"incremental, advice, clearing", func(t *testing.T, w *harness.World) {
			must(t)(w.Authorize(ctx, harness.Purchase{Amount: "$40.00", MCC: "7011"}))
			must(t)(w.Incremental(ctx, "", "$20.00"))
			must(t)(w.Advice(ctx, "", "$50.00"))
			must(t)(w.Clear(ctx, harness.Clearing{Amount: "$50.00"}))
		}, "50.00", "50.00", "0.00"},
		{"reversal, expiry", func(t *testing.T, w *harness.World) {
			must(t)(w.Authorize(ctx, harness.Purchase{Amount: "$40.00"}))
			must(t)(w.Reverse(ctx, "", "$15.00"))
			must(t)(w.Expire(ctx, ""))
		}, "100.00", "100.00", "0.00"},
		{"PIN debit, force post, refunds", func(t *testing.T, w *harness.World) {
			must(t)(w.PINDebit(ctx, harness.Purchase{Amount: "$20.00"}))
			must(t)(w.ForcePost(ctx, "", "$5.00"))
			must(t)(w.Authorize(ctx, harness.Purchase{Amount: "$10.00"}))
			must(t)(w.Clear(ctx, harness.Clearing{Amount: "$10.00"}))
			must(t)(w.Refund(ctx, "", "$4.00"))
			must(t)(w.RefundUnlinked(ctx, "", "$1.00"))
		}, "70.00", "70.00", "0.00"},
		{"webhooks twice and reversed", func(t *testing.T, w *harness.World) {
			w.HoldWebhooks(true)
			must(t)(w.Authorize(ctx, harness.Purchase{Amount: "$30.00"}))
			must(t)(w.Clear(ctx, harness.Clearing{Amount: "$30.00"}))
			if err := w.DeliverWebhooksReversed(ctx); err != nil {
				t.Fatal(err)
			}
			must(t)(w.RefundUnlinked(ctx, "", "$3.00"))
			if err := w.DeliverWebhooksTwice(ctx); err != nil {
				t.Fatal(err)
			}
		}, "73.00", "73.00", "0.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := world(t, target, "$100.00")
			tt.run(t, w)
			if err := w.ExpectBalances(ctx, "", balances(t, tt.available, tt.ledger, tt.pending)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestExpectationErrorCarriesTheLog checks a failed expectation says what
// was expected, what the gateway showed and what was sent.
func TestExpectationErrorCarriesTheLog(t *testing.T) {
	w := world(t, gateway(t, nil), "$100.00")
	must(t)(w.Authorize(ctx, harness.Purchase{Amount: "$42.17"}))
	err := w.ExpectBalances(ctx, "", balances(t, "100.00", "100.00", "0.00"))
	var ee *harness.ExpectationError
	if !errors.As(err, &ee) {
		t.Fatalf("got %v, want an *ExpectationError", err)
	}
	for _, want := range []string{
		"expected available 100.00, ledger 100.00, pending 0.00",
		"but the gateway shows available 57.83, ledger 100.00, pending 42.17",
		"adapter credit 100.00",
		"Marqeta → gateway: JIT pgfs.authorization 42.17 USD",
		"Marqeta → gateway: webhook authorization",
	} {
		if !strings.Contains(ee.Error(), want) {
			t.Errorf("error lacks %q:\n%s", want, ee.Error())
		}
	}
}

func TestGatewayModes(t *testing.T) {
	target := gateway(t, nil)
	tests := []struct {
		name    string
		mode    harness.GatewayMode
		standIn bool
		check   func(w *harness.World, ev *harness.Event) error
		pending string
	}{
		{"slow", harness.GatewaySlow, false, (*harness.World).ExpectTimedOut, "0.00"},
		{"late answer", harness.GatewayLateAnswer, false, (*harness.World).ExpectTimedOut, "0.00"},
		{"down", harness.GatewayDown, false, func(w *harness.World, ev *harness.Event) error { return w.ExpectDeclined(ev, "") }, "0.00"},
		{"down with stand-in", harness.GatewayDown, true, func(w *harness.World, ev *harness.Event) error { return w.ExpectStandIn(ev, "COMMANDO_AUTO") }, "30.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := world(t, target, "$100.00")
			if tt.standIn {
				if err := w.StandIn(false, true, false); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.SetGateway(tt.mode); err != nil {
				t.Fatal(err)
			}
			ev := must(t)(w.Authorize(ctx, harness.Purchase{Amount: "$30.00"}))
			if err := tt.check(w, ev); err != nil {
				t.Fatal(err)
			}
			if err := w.SetGateway(harness.GatewayUp); err != nil {
				t.Fatal(err)
			}
			b := balances(t, "100.00", "100.00", tt.pending)
			b.Available -= b.Pending
			if err := w.ExpectBalances(ctx, "", b); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// answersDifferentlyTwice approves a JIT token the first time and declines
// it the second: a gateway without idempotent answers.
func answersDifferentlyTwice(h http.Handler) http.Handler {
	var mu sync.Mutex
	seen := map[string]bool{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/jit" {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			if t, err := jit.DecodeTransaction(body); err == nil && t.JITFundingOf() != nil {
				mu.Lock()
				again := seen[t.Token]
				seen[t.Token] = true
				mu.Unlock()
				if again {
					jf := t.JITFundingOf()
					w.WriteHeader(http.StatusPaymentRequired)
					w.Write([]byte(`{"jit_funding":{"token":"` + jf.Token + `","method":"` + jf.Method + `","user_token":"` + jf.UserToken + `","amount":` + jf.Amount.String() + `,"decline_reason":"DUPLICATE_TRANSACTION"}}`))
					return
				}
			}
		}
		h.ServeHTTP(w, r)
	})
}

func TestResendJIT(t *testing.T) {
	for _, tt := range []struct {
		name string
		wrap func(http.Handler) http.Handler
		same bool
	}{{"reference", nil, true}, {"not idempotent", answersDifferentlyTwice, false}} {
		t.Run(tt.name, func(t *testing.T) {
			w := world(t, gateway(t, tt.wrap), "$100.00")
			must(t)(w.Authorize(ctx, harness.Purchase{Amount: "$40.00"}))
			_, err := w.ResendJIT(ctx, "")
			var ee *harness.ExpectationError
			if tt.same != (err == nil) || (!tt.same && !errors.As(err, &ee)) {
				t.Fatalf("ResendJIT: %v, want same answer %v", err, tt.same)
			}
		})
	}
}

func TestRawSends(t *testing.T) {
	w := world(t, gateway(t, nil), "$100.00")
	noAuth, err := w.SendAuthorizationRaw(ctx, "", "$40.00", "", "")
	if err != nil || w.ExpectRawStatus("no credentials", noAuth, 401, 403) != nil {
		t.Fatalf("no credentials: %+v %v", noAuth, err)
	}
	good, err := w.SendAuthorizationRaw(ctx, "", "$40.00", user, pass)
	if err != nil || good.Status != 200 || good.Echo == nil {
		t.Fatalf("right credentials: %+v %v", good, err)
	}
	for _, kind := range harness.MalformedKinds() {
		if kind == "no jit_funding" || kind == "a negative amount" {
			continue
		}
		ans, err := w.SendMalformed(ctx, harness.EndpointJIT, "", kind)
		if err != nil || w.ExpectRejectedAsMalformed(ans) != nil {
			t.Errorf("%s: %+v %v", kind, ans, err)
		}
	}
	if _, err := w.SendMalformed(ctx, harness.EndpointJIT, "", "no such kind"); jit.ErrorCode(err) != jit.EINVALID {
		t.Errorf("unknown kind: %v", err)
	}
	// Only the well-formed authorization with the right credentials holds.
	if err := w.ExpectBalances(ctx, "", balances(t, "60.00", "100.00", "40.00")); err != nil {
		t.Fatal(err)
	}
}

func TestBlackBox(t *testing.T) {
	target := gateway(t, nil)
	a := &adapter.Client{URL: target.AdapterURL, Username: user, Password: pass}
	if _, err := a.Credit(ctx, "bb-1", "USD", 100_00, "fund-bb-1"); err != nil {
		t.Fatal(err)
	}
	target.AdapterURL = ""
	pool := harness.NewAccountPool(&harness.AccountsFile{Accounts: []harness.PrefundedAccount{{UserToken: "bb-1", Balance: "100.00"}, {UserToken: "bb-2", Balance: "50.00"}}})
	if _, err := harness.New(harness.Config{Target: target}); jit.ErrorCode(err) != jit.EINVALID {
		t.Fatalf("black-box without accounts: %v", err)
	}
	w, err := harness.New(harness.Config{Target: target, Seed: 3, Accounts: pool})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.AddCardholder(ctx, "", "$250.00"); !errors.Is(err, harness.ErrNoAccount) {
		t.Fatalf("no account of 250.00: %v", err)
	}
	if _, err := w.AddCardholder(ctx, "ada", "$100.00"); err != nil {
		t.Fatal(err)
	}
	must(t)(w.Authorize(ctx, harness.Purchase{Holder: "ada", Amount: "$30.00"}))
	if err := w.ExpectBalances(ctx, "ada", balances(t, "70.00", "100.00", "30.00")); err != nil {
		t.Fatal(err)
	}
	if err := w.Credit(ctx, "ada", "$1.00", ""); jit.ErrorCode(err) != jit.EINVALID {
		t.Fatalf("credit in black-box mode: %v", err)
	}
	// bb-2 was never funded: the inquiry shows 0.00, not the file's 50.00.
	if _, err := w.AddCardholder(ctx, "bob", "$50.00"); err == nil || !strings.Contains(err.Error(), "expected available 50.00") {
		t.Fatalf("stale accounts file: %v", err)
	}
}
