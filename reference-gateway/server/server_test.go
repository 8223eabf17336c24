package server

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jitsim/jitsim/adapter"
	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/reference-gateway/ledger"
)

const (
	testUser = "gateway"
	testPass = "s3cret-Passw0rd-for-tests"
)

// gw is a gateway serving on 127.0.0.1:0 for one test.
type gw struct {
	t   testing.TB
	s   *Server
	url string
}

func startGateway(t testing.TB, mod func(*Config)) *gw {
	t.Helper()
	cfg := Config{JournalDir: t.TempDir(), Username: testUser, Password: testPass}
	if mod != nil {
		mod(&cfg)
	}
	s, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return &gw{t: t, s: s, url: "http://" + ln.Addr().String()}
}

// post sends body to path with the test credentials and returns the status
// and the decoded JSON answer.
func (g *gw) post(path string, body []byte, hdr ...string) (int, map[string]any) {
	g.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, g.url+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(testUser, testPass)
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		g.t.Fatalf("%s answered %d with non-JSON %q", path, resp.StatusCode, data)
	}
	return resp.StatusCode, out
}

func (g *gw) fund(token string, cents int64) {
	g.t.Helper()
	if _, err := g.s.Ledger().Credit(context.Background(), ledger.Key{Token: token, Currency: "USD"}, cents, fmt.Sprintf("fund-%s-%d", token, cents)); err != nil {
		g.t.Fatal(err)
	}
}

func (g *gw) balance(token string) ledger.Balance {
	g.t.Helper()
	v, err := g.s.Ledger().Account(context.Background(), ledger.Key{Token: token, Currency: "USD"})
	if err != nil {
		g.t.Fatal(err)
	}
	return v.Balance
}

// jitRequest is a funding request as Marqeta sends it.
func jitRequest(typ, method, user, jitToken, txn, amount string, mod ...func(*jit.Transaction)) []byte {
	t := jit.Transaction{
		Type: typ, State: jit.StatePending, Token: txn, UserToken: user, ActingUserToken: user,
		CardToken: "card_" + user, Amount: jit.MustAmount(amount), CurrencyCode: "USD",
		CreatedTime: "2026-11-01T12:00:00Z", UserTransactionTime: "2026-11-01T12:00:00Z",
		Network: "VISA", Subnetwork: "GATEWAY_JIT",
		CardAcceptor: &jit.CardAcceptor{MID: "000000001", MCC: "5812", Name: "Cafe", CountryCode: "USA"},
		GPAOrder: &jit.GPAOrder{
			Token: "gpa_" + jitToken, Amount: jit.MustAmount(amount), State: jit.StatePending,
			Funding:    &jit.Funding{Source: &jit.FundingSource{Type: "programgateway", Token: "pgfs_1"}},
			JITFunding: &jit.JITFunding{Token: jitToken, Method: method, UserToken: user, ActingUserToken: user, Amount: jit.MustAmount(amount)},
		},
	}
	for _, m := range mod {
		m(&t)
	}
	data, err := json.Marshal(t)
	if err != nil {
		panic(err)
	}
	return data
}

// webhook wraps events in the envelope.
func webhook(events ...jit.Transaction) []byte {
	data, err := json.Marshal(jit.WebhookEnvelope{Transactions: events})
	if err != nil {
		panic(err)
	}
	return data
}

func event(typ, state, user, txn, jitToken, amount, preceding string, mod ...func(*jit.Transaction)) jit.Transaction {
	t := jit.Transaction{
		Type: typ, State: state, Token: txn, UserToken: user, Amount: jit.MustAmount(amount), CurrencyCode: "USD",
		PrecedingRelatedTransactionToken: preceding,
		GPAOrder: &jit.GPAOrder{
			Amount:     jit.MustAmount(amount),
			JITFunding: &jit.JITFunding{Token: jitToken, Method: jit.MethodAuthorization, UserToken: user, Amount: jit.MustAmount(amount)},
			Funding:    &jit.Funding{GatewayLog: &jit.GatewayLog{OrderNumber: "o", TransactionID: jitToken, Message: "Approved or completed successfully", TimedOut: jit.Bool(false)}},
		},
	}
	for _, m := range mod {
		m(&t)
	}
	return t
}

func jitFunding(out map[string]any) map[string]any {
	jf, _ := out["jit_funding"].(map[string]any)
	return jf
}

func TestJITApproveDeclineEcho(t *testing.T) {
	g := startGateway(t, nil)
	g.fund("u1", 100_00)
	status, out := g.post("/jit", jitRequest(jit.TypeAuthorization, jit.MethodAuthorization, "u1", "j1", "t1", "42.17"))
	jf := jitFunding(out)
	if status != 200 || jf["token"] != "j1" || jf["method"] != jit.MethodAuthorization || jf["user_token"] != "u1" || jf["amount"] != 42.17 {
		t.Fatalf("approve: %d %v", status, out)
	}
	if _, ok := jf["decline_reason"]; ok {
		t.Fatalf("approval carries a decline_reason: %v", jf)
	}
	status, out = g.post("/jit", jitRequest(jit.TypeAuthorization, jit.MethodAuthorization, "u1", "j2", "t2", "57.84"))
	if status != 402 || jitFunding(out)["decline_reason"] != jit.DeclineInsufficientFunds || jitFunding(out)["token"] != "j2" {
		t.Fatalf("decline: %d %v", status, out)
	}
	// Exactly what is left is approved.
	status, _ = g.post("/jit", jitRequest(jit.TypeAuthorization, jit.MethodAuthorization, "u1", "j3", "t3", "57.83"))
	if status != 200 {
		t.Fatalf("exact balance: %d", status)
	}
	if b := g.balance("u1"); b.Pending != 100_00 || b.Available != 0 || b.Ledger != 100_00 {
		t.Fatalf("balance %+v", b)
	}
	// The same JIT token again: same answer, held once.
	status, out = g.post("/jit", jitRequest(jit.TypeAuthorization, jit.MethodAuthorization, "u1", "j1", "t1", "42.17"))
	if status != 200 || jitFunding(out)["amount"] != 42.17 {
		t.Fatalf("duplicate: %d %v", status, out)
	}
	if b := g.balance("u1"); b.Pending != 100_00 {
		t.Fatalf("duplicate held twice: %+v", b)
	}
}

func TestJITBalanceInquiryAndVerification(t *testing.T) {
	g := startGateway(t, nil)
	g.fund("u1", 250_00)
	g.post("/jit", jitRequest(jit.TypeAuthorization, jit.MethodAuthorization, "u1", "j1", "t1", "50.00"))
	status, out := g.post("/jit", jitRequest(jit.TypeBalanceinquiry, jit.MethodBalanceinquiry, "u1", "b1", "tb1", "0"))
	bals, _ := jitFunding(out)["balances"].(map[string]any)
	usd, _ := bals["USD"].(map[string]any)
	if status != 200 || usd["available_balance"] != 200.0 || usd["ledger_balance"] != 250.0 || usd["currency_code"] != "USD" {
		t.Fatalf("inquiry: %d %v", status, out)
	}
	status, out = g.post("/jit", jitRequest(jit.TypeAuthorization, jit.MethodAuthorizationAccountVerification, "u1", "v1", "tv1", "0"))
	if status != 200 || jitFunding(out)["balances"] == nil {
		t.Fatalf("verification: %d %v", status, out)
	}
	if b := g.balance("u1"); b.Pending != 50_00 || b.Ledger != 250_00 {
		t.Fatalf("inquiry moved money: %+v", b)
	}
}

func TestJITInformativeAndUnknownMethods(t *testing.T) {
	g := startGateway(t, nil)
	g.fund("u1", 10_00)
	for _, m := range []string{jit.MethodAuthorizationClearing, jit.MethodRefund, jit.MethodForceCapture, "pgfs.something.new"} {
		status, out := g.post("/jit", jitRequest(jit.TypeAuthorization, m, "u1", "j-"+m, "t-"+m, "5.00"))
		if status != 200 || jitFunding(out)["method"] != m {
			t.Fatalf("%s: %d %v", m, status, out)
		}
	}
	if b := g.balance("u1"); b.Pending != 0 || b.Ledger != 10_00 {
		t.Fatalf("informative methods moved money: %+v", b)
	}
}

func TestJITIncrementalAndCapture(t *testing.T) {
	g := startGateway(t, nil)
	g.fund("u1", 500_00)
	g.post("/jit", jitRequest(jit.TypeAuthorization, jit.MethodAuthorization, "u1", "j1", "t1", "200.00"))
	status, _ := g.post("/jit", jitRequest(jit.TypeAuthorizationIncremental, jit.MethodAuthorizationIncremental, "u1", "j1i", "t1i", "75.00", func(t *jit.Transaction) {
		t.PrecedingRelatedTransactionToken = "t1"
		t.GPAOrder.JITFunding.OriginalJITFundingToken = "j1"
	}))
	if status != 200 {
		t.Fatalf("incremental: %d", status)
	}
	status, _ = g.post("/jit", jitRequest(jit.TypePindebit, jit.MethodAuthPlusCapture, "u1", "p1", "tp1", "20.00"))
	if status != 200 {
		t.Fatalf("capture: %d", status)
	}
	if b := g.balance("u1"); b.Pending != 275_00 || b.Ledger != 480_00 {
		t.Fatalf("balance %+v", b)
	}
}

func TestWebhookFlows(t *testing.T) {
	g := startGateway(t, nil)
	g.fund("u1", 300_00)
	g.post("/jit", jitRequest(jit.TypeAuthorization, jit.MethodAuthorization, "u1", "j1", "t1", "100.00"))
	g.post("/jit", jitRequest(jit.TypeAuthorization, jit.MethodAuthorization, "u1", "j2", "t2", "50.00"))
	// Clearing with a tip, above the hold; timed-out authorization released.
	clear := event(jit.TypeAuthorizationClearing, jit.StateCompletion, "u1", "c1", "jc1", "120.00", "t1")
	timedOut := event(jit.TypeAuthorization, jit.StateDeclined, "u1", "t2", "j2", "50.00", "", func(t *jit.Transaction) {
		t.GPAOrder.Funding.GatewayLog.TimedOut = jit.Bool(true)
	})
	status, out := g.post("/webhooks", webhook(clear))
	if status != 200 || out["applied"] != 1.0 {
		t.Fatalf("clearing: %d %v", status, out)
	}
	status, _ = g.post("/webhooks", webhook(timedOut))
	if status != 200 {
		t.Fatalf("timeout: %d", status)
	}
	// Delivered again: applied once.
	status, out = g.post("/webhooks", webhook(clear))
	if status != 200 || out["duplicates"] != 1.0 {
		t.Fatalf("duplicate: %d %v", status, out)
	}
	if b := g.balance("u1"); b.Ledger != 180_00 || b.Pending != 0 {
		t.Fatalf("balance %+v", b)
	}
	// Stand-in approval while the gateway never saw the JIT request.
	standin := event(jit.TypeAuthorization, jit.StatePending, "u1", "t9", "j9", "400.00", "", func(t *jit.Transaction) {
		t.StandinApprovedBy, t.Subnetwork = "COMMANDO_AUTO", "MANAGED_JIT"
	})
	g.post("/webhooks", webhook(standin))
	if b := g.balance("u1"); b.Pending != 400_00 || b.Available != -220_00 {
		t.Fatalf("stand-in: %+v", b)
	}
	// Stand-in after the gateway timed out: the webhook carries timed_out
	// and standin_approved_by; it is an approval, booked as a hold.
	late := event(jit.TypeAuthorization, jit.StatePending, "u1", "t10", "j10", "30.00", "", func(t *jit.Transaction) {
		t.GPAOrder.Funding.GatewayLog.TimedOut = jit.Bool(true)
		t.StandinApprovedBy, t.Subnetwork = "COMMANDO_AUTO", "MANAGED_JIT"
	})
	g.post("/webhooks", webhook(late))
	if b := g.balance("u1"); b.Pending != 430_00 || b.Available != -250_00 {
		t.Fatalf("stand-in after timeout: %+v", b)
	}
	// Refund and ping.
	refund := event(jit.TypeRefund, jit.StateCompletion, "u1", "r1", "jr1", "20.00", "", func(t *jit.Transaction) {
		t.GPAOrderUnload, t.GPAOrder = &jit.GPAReturns{Amount: jit.MustAmount("20.00"), JITFunding: &jit.JITFunding{Token: "jr1", Method: jit.MethodRefund, UserToken: "u1", Amount: jit.MustAmount("20.00")}}, nil
	})
	g.post("/webhooks", webhook(refund))
	if b := g.balance("u1"); b.Ledger != 200_00 {
		t.Fatalf("refund: %+v", b)
	}
	status, out = g.post("/webhooks", []byte(`{"pings":[{"token":"marqeta","payload":"healthcheck"}]}`))
	if status != 200 || out["pings"] != 1.0 {
		t.Fatalf("ping: %d %v", status, out)
	}
}

func TestWebhookSignature(t *testing.T) {
	const secret = "whsec-test"
	g := startGateway(t, func(c *Config) { c.WebhookSecret = secret })
	g.fund("u1", 10_00)
	body := webhook(event(jit.TypeRefund, jit.StateCompletion, "u1", "r1", "jr1", "1.00", ""))
	sign := func(h func() hash.Hash) string {
		m := hmac.New(h, []byte(secret))
		m.Write(body)
		return hex.EncodeToString(m.Sum(nil))
	}
	for _, tc := range []struct {
		name, sig string
		want      int
	}{
		{"missing", "", 401},
		{"wrong", strings.Repeat("ab", 32), 401},
		{"not hex", "zz", 401},
		{"sha256", sign(sha256.New), 200},
		{"sha1", sign(sha1.New), 200},
	} {
		status, out := g.post("/webhooks", body, "X-Marqeta-Signature", tc.sig)
		if status != tc.want {
			t.Fatalf("%s: %d %v", tc.name, status, out)
		}
	}
	if b := g.balance("u1"); b.Ledger != 11_00 {
		t.Fatalf("refund booked %+v times", b)
	}
}

func TestAdapterOverHTTP(t *testing.T) {
	g := startGateway(t, nil)
	c := &adapter.Client{URL: g.url + "/graphql", Username: testUser, Password: testPass}
	ctx := context.Background()
	a, err := c.Credit(ctx, "u1", "USD", 123_45, "k1")
	if err != nil || a.Ledger != 123_45 {
		t.Fatalf("credit: %+v %v", a, err)
	}
	if _, err := c.Credit(ctx, "u1", "USD", 123_45, "k1"); err != nil {
		t.Fatal(err)
	}
	g.post("/jit", jitRequest(jit.TypeAuthorization, jit.MethodAuthorization, "u1", "j1", "t1", "23.45"))
	a, err = c.AccountWithHolds(ctx, "u1", "USD")
	if err != nil || a.Available != 100_00 || a.Pending != 23_45 || len(a.Holds) != 1 || a.Holds[0].JITToken != "j1" || a.Holds[0].State != "OPEN" {
		t.Fatalf("account: %+v %v", a, err)
	}
	bad := &adapter.Client{URL: g.url + "/graphql", Username: testUser, Password: "wrong"}
	if _, err := bad.Account(ctx, "u1", "USD"); err == nil {
		t.Fatal("wrong password read an account")
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	g := startGateway(t, nil)
	g.fund("u1", 10_00)
	g.post("/jit", jitRequest(jit.TypeAuthorization, jit.MethodAuthorization, "u1", "j1", "t1", "1.00"))
	g.post("/webhooks", webhook(event(jit.TypeAuthorizationClearing, jit.StateCompletion, "u1", "c1", "jc1", "1.00", "t1")))
	for _, p := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(g.url + p)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %v %v", p, resp, err)
		}
		resp.Body.Close()
	}
	resp, err := http.Get(g.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`jitsim_gateway_decisions_total{method="pgfs.authorization",outcome="approved",reason=""} 1`,
		`jitsim_gateway_webhook_events_total{type="authorization.clearing",result="applied"} 1`,
		`jitsim_gateway_decision_seconds_count 1`,
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("metrics lack %q:\n%s", want, data)
		}
	}
	// Three acknowledged writes (credit, approval, clearing): at least one fsync.
	if strings.Contains(string(data), "jitsim_gateway_journal_fsync_seconds_count 0\n") || !strings.Contains(string(data), "jitsim_gateway_journal_fsync_seconds_count") {
		t.Errorf("no fsync observed:\n%s", data)
	}
}

// TestRestartKeepsEverything closes the gateway and opens the same journal.
func TestRestartKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(Config{JournalDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	k := ledger.Key{Token: "u1", Currency: "USD"}
	s.Ledger().Credit(ctx, k, 100_00, "k1")
	s.Ledger().Decide(ctx, ledger.Request{Kind: ledger.Authorize, Account: k, JITToken: "j1", TxnToken: "t1", Amount: 30_00})
	if err := s.Snapshot(); err != nil {
		t.Fatal(err)
	}
	s.Ledger().Apply(ctx, ledger.Event{Kind: ledger.Clear, Account: k, Token: "c1", RefTxn: "t1", Amount: 25_00, Movement: -25_00, Final: true})
	s.Ledger().Decide(ctx, ledger.Request{Kind: ledger.Authorize, Account: k, JITToken: "j2", TxnToken: "t2", Amount: 10_00})
	want, _ := s.Ledger().Account(ctx, k)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(Config{JournalDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, _ := s2.Ledger().Account(ctx, k)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after restart\n got %+v\nwant %+v", got, want)
	}
	if want.Ledger != 75_00 || want.Pending != 10_00 {
		t.Fatalf("unexpected state %+v", want)
	}
	// Idempotency survives the restart too.
	s2.Ledger().Credit(ctx, k, 100_00, "k1")
	if a, _ := s2.Ledger().Decide(ctx, ledger.Request{Kind: ledger.Authorize, Account: k, JITToken: "j2", TxnToken: "t2", Amount: 10_00}); !a.Approved {
		t.Fatalf("duplicate after restart answered differently: %+v", a)
	}
	if got, _ := s2.Ledger().Account(ctx, k); got.Ledger != 75_00 || got.Pending != 10_00 {
		t.Fatalf("replayed duplicates moved money: %+v", got)
	}
}

// TestSnapshotPolicy checks that a snapshot is due only once the journal has
// grown past both SnapshotBytes and the newest snapshot's size, and that the
// size of a snapshot loaded at start counts too.
func TestSnapshotPolicy(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(Config{JournalDir: dir, SnapshotBytes: 1 << 10, SweepEvery: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	credit := func(s *Server, from, to int) {
		for i := from; i < to; i++ {
			k := ledger.Key{Token: fmt.Sprintf("acct-%04d", i), Currency: "USD"}
			if _, err := s.Ledger().Credit(ctx, k, 100_00, fmt.Sprintf("k%d", i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	credit(s, 0, 400)
	if !s.snapshotDue() {
		t.Fatalf("journal of %d bytes past SnapshotBytes, but no snapshot due", s.journal.Size())
	}
	if err := s.Snapshot(); err != nil {
		t.Fatal(err)
	}
	snap := s.snapSize.Load()
	if snap < 8<<10 {
		t.Fatalf("snapshot of %d bytes: the test needs one much larger than SnapshotBytes", snap)
	}
	// Past SnapshotBytes but not past the snapshot: not due.
	credit(s, 400, 420)
	if size := s.journal.Size(); size <= 1<<10 || size >= snap || s.snapshotDue() {
		t.Fatalf("journal %d bytes, snapshot %d bytes: due = %v, want false", size, snap, s.snapshotDue())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// The loaded snapshot's size is remembered across a restart.
	s, err = Open(Config{JournalDir: dir, SnapshotBytes: 1 << 10, SweepEvery: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.snapSize.Load(); got != snap {
		t.Fatalf("snapshot size after restart %d, want %d", got, snap)
	}
	if s.snapshotDue() {
		t.Fatal("snapshot due right after restart")
	}
	for i := 420; !s.snapshotDue(); i += 20 {
		credit(s, i, i+20)
		if i > 10_000 {
			t.Fatal("never due")
		}
	}
	if size := s.journal.Size(); size <= snap {
		t.Fatalf("due at %d bytes of journal, before the snapshot's %d", size, snap)
	}
}
