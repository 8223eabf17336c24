package ledger

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/jitsim/jitsim/jit"
)

// memJournal keeps records in memory; positions start at 1.
type memJournal struct {
	mu   sync.Mutex
	recs [][]byte
	fail error
}

func (m *memJournal) Append(data []byte) (pos, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return 0, m.fail
	}
	m.recs = append(m.recs, append([]byte(nil), data...))
	return pos(len(m.recs)), nil
}

func (m *memJournal) Wait(p pos) error { return nil }

var ctx = context.Background()

func usd(tok string) Key { return Key{Token: tok, Currency: "USD"} }

func newTestLedger(t testing.TB, cfg Config) (*Ledger, *memJournal) {
	t.Helper()
	j := &memJournal{}
	clock := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return clock }
	}
	return New(cfg, j), j
}

func mustCredit(t testing.TB, l *Ledger, k Key, amt int64) {
	t.Helper()
	if _, err := l.Credit(ctx, k, amt, fmt.Sprintf("fund-%s-%d", k.Token, amt)); err != nil {
		t.Fatal(err)
	}
}

func bal(t testing.TB, l *Ledger, k Key) Balance {
	t.Helper()
	v, err := l.Account(ctx, k)
	if err != nil {
		t.Fatal(err)
	}
	if v.Available != v.Ledger-v.Pending {
		t.Fatalf("available %d != ledger %d - pending %d", v.Available, v.Ledger, v.Pending)
	}
	return v.Balance
}

func auth(acct Key, jitTok, txn string, amt int64) Request {
	return Request{Kind: Authorize, Account: acct, JITToken: jitTok, TxnToken: txn, Amount: amt, Day: "2026-11-01"}
}

func TestDecideAuthorization(t *testing.T) {
	tests := []struct {
		name       string
		funds      int64
		req        Request
		wantOK     bool
		wantAmount int64
		wantReason string
		partial    bool
	}{
		{"approve", 10000, auth(usd("u"), "j1", "t1", 4217), true, 4217, "", false},
		{"exactly the balance", 10000, auth(usd("u"), "j1", "t1", 10000), true, 10000, "", false},
		{"one cent over", 10000, auth(usd("u"), "j1", "t1", 10001), false, 0, jit.DeclineInsufficientFunds, false},
		{"zero amount", 10000, auth(usd("u"), "j1", "t1", 0), false, 0, jit.DeclineInvalidAmount, false},
		{"negative amount", 10000, auth(usd("u"), "j1", "t1", -5), false, 0, jit.DeclineInvalidAmount, false},
		{"partial approval when capable", 10000, func() Request { r := auth(usd("u"), "j1", "t1", 15000); r.Partial = true; return r }(), true, 10000, "", true},
		{"partial capable but gateway disallows", 10000, func() Request { r := auth(usd("u"), "j1", "t1", 15000); r.Partial = true; return r }(), false, 0, jit.DeclineInsufficientFunds, false},
		{"verification", 0, Request{Kind: Verify, Account: usd("u"), JITToken: "j1"}, true, 0, "", false},
		{"inquiry", 500, Request{Kind: Inquiry, Account: usd("u"), JITToken: "j1"}, true, 0, "", false},
		{"unknown account", 0, auth(usd("nobody"), "j1", "t1", 100), false, 0, jit.DeclineInsufficientFunds, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, _ := newTestLedger(t, Config{PartialApprovals: tt.partial})
			if tt.funds > 0 {
				mustCredit(t, l, usd("u"), tt.funds)
			}
			ans, err := l.Decide(ctx, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if ans.Approved != tt.wantOK || ans.Amount != tt.wantAmount || ans.Reason != tt.wantReason {
				t.Fatalf("got %+v, want ok=%v amount=%d reason=%q", ans, tt.wantOK, tt.wantAmount, tt.wantReason)
			}
			if tt.funds > 0 {
				b := bal(t, l, usd("u"))
				wantPending := int64(0)
				if tt.wantOK && tt.req.Kind == Authorize {
					wantPending = tt.wantAmount
				}
				if b.Pending != wantPending || b.Ledger != tt.funds {
					t.Fatalf("balance %+v, want pending %d ledger %d", b, wantPending, tt.funds)
				}
			}
		})
	}
}

func TestUnknownAccountIsNotCreated(t *testing.T) {
	l, j := newTestLedger(t, Config{})
	ans, err := l.Decide(ctx, auth(usd("ghost"), "j1", "t1", 100))
	if err != nil || ans.Approved {
		t.Fatalf("got %+v %v", ans, err)
	}
	if _, err := l.Account(ctx, usd("ghost")); jit.ErrorCode(err) != jit.ENOTFOUND {
		t.Fatalf("account exists after a decline: %v", err)
	}
	if len(j.recs) != 0 {
		t.Fatalf("journaled %d records for a decline on an unknown account", len(j.recs))
	}
}

func TestDuplicateJITSameAnswerHeldOnce(t *testing.T) {
	l, _ := newTestLedger(t, Config{})
	mustCredit(t, l, usd("u"), 10000)
	a1, _ := l.Decide(ctx, auth(usd("u"), "j1", "t1", 6000))
	a2, _ := l.Decide(ctx, auth(usd("u"), "j1", "t1", 6000))
	if !a1.Approved || !a2.Approved || a1.Amount != a2.Amount {
		t.Fatalf("answers differ: %+v %+v", a1, a2)
	}
	if b := bal(t, l, usd("u")); b.Pending != 6000 {
		t.Fatalf("held twice: %+v", b)
	}
	// A declined token stays declined even after funds arrive.
	d1, _ := l.Decide(ctx, auth(usd("u"), "j2", "t2", 9000))
	mustCredit(t, l, usd("u"), 50000)
	d2, _ := l.Decide(ctx, auth(usd("u"), "j2", "t2", 9000))
	if d1.Approved || d2.Approved || d2.Reason != jit.DeclineInsufficientFunds {
		t.Fatalf("duplicate of a decline: %+v then %+v", d1, d2)
	}
}

func TestControls(t *testing.T) {
	c := Controls{
		MaxAmount:   map[string]int64{"USD": 50000},
		DailyCount:  2,
		BlockedMCCs: map[string]bool{"7995": true},
		Closed:      map[string]bool{"closed": true},
	}
	l, _ := newTestLedger(t, Config{Controls: c})
	mustCredit(t, l, usd("u"), 1_000_000)
	mustCredit(t, l, usd("closed"), 1_000_000)
	check := func(r Request, reason string) {
		t.Helper()
		ans, err := l.Decide(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if ans.Reason != reason || ans.Approved != (reason == "") {
			t.Fatalf("%s: got %+v, want reason %q", r.JITToken, ans, reason)
		}
	}
	check(auth(usd("u"), "over", "t0", 50001), jit.DeclineAmountLimitExceeded)
	check(auth(usd("u"), "max", "t1", 50000), "")
	gamble := auth(usd("u"), "mcc", "t2", 100)
	gamble.MCC = "7995"
	check(gamble, jit.DeclineInvalidMerchant)
	check(auth(usd("u"), "second", "t3", 100), "")
	check(auth(usd("u"), "third", "t4", 100), jit.DeclineTransactionCountLimitExceeded)
	next := auth(usd("u"), "nextday", "t5", 100)
	next.Day = "2026-11-02"
	check(next, "")
	check(auth(usd("closed"), "c1", "t6", 100), jit.DeclineClosedAccount)

	l2, _ := newTestLedger(t, Config{Controls: Controls{DeclineUnknown: true}})
	ans, _ := l2.Decide(ctx, auth(usd("nobody"), "j", "t", 1))
	if ans.Reason != jit.DeclineNoCheckingAccount {
		t.Fatalf("unknown account: %+v", ans)
	}
}

func TestCreditIdempotent(t *testing.T) {
	l, _ := newTestLedger(t, Config{})
	for i := 0; i < 3; i++ {
		if _, err := l.Credit(ctx, usd("u"), 1000, "k1"); err != nil {
			t.Fatal(err)
		}
	}
	if b := bal(t, l, usd("u")); b.Ledger != 1000 {
		t.Fatalf("credited more than once: %+v", b)
	}
	if _, err := l.Credit(ctx, usd("u"), 2000, "k1"); jit.ErrorCode(err) != jit.ECONFLICT {
		t.Fatalf("other amount: %v", err)
	}
	if _, err := l.Credit(ctx, usd("v"), 1000, "k1"); jit.ErrorCode(err) != jit.ECONFLICT {
		t.Fatalf("other account: %v", err)
	}
	for _, amt := range []int64{0, -1} {
		if _, err := l.Credit(ctx, usd("u"), amt, "k2"); jit.ErrorCode(err) != jit.EINVALID {
			t.Fatalf("amount %d: %v", amt, err)
		}
	}
	if _, err := l.Credit(ctx, Key{Token: "u", Currency: "XXX"}, 1, "k3"); jit.ErrorCode(err) != jit.EINVALID {
		t.Fatalf("bad currency: %v", err)
	}
	if b := bal(t, l, usd("u")); b.Ledger != 1000 {
		t.Fatalf("rejected credits moved money: %+v", b)
	}
	// Balances stay inside what the wire can carry.
	huge := int64(math.MaxInt64 / 8)
	if _, err := l.Credit(ctx, usd("u"), huge, "huge"); jit.ErrorCode(err) != jit.EINVALID {
		t.Fatalf("huge credit: %v", err)
	}
	if _, err := l.Credit(ctx, usd("u"), 500, "huge"); err != nil {
		t.Fatalf("a rejected credit consumed its key: %v", err)
	}
	if b := bal(t, l, usd("u")); b.Ledger != 1500 {
		t.Fatalf("after huge credit: %+v", b)
	}
}

func TestJournalFailureIsAnErrorAndChangesNothing(t *testing.T) {
	l, j := newTestLedger(t, Config{})
	mustCredit(t, l, usd("u"), 1000)
	j.fail = fmt.Errorf("disk on fire")
	if _, err := l.Decide(ctx, auth(usd("u"), "j", "t", 100)); jit.ErrorCode(err) != jit.EINTERNAL {
		t.Fatalf("got %v", err)
	}
	if b := bal(t, l, usd("u")); b.Pending != 0 {
		t.Fatalf("failed append changed state: %+v", b)
	}
}

// TestConcurrentNoOverdraft races many authorizations on one account: the
// approved total never exceeds the funds.
func TestConcurrentNoOverdraft(t *testing.T) {
	l, _ := newTestLedger(t, Config{})
	mustCredit(t, l, usd("u"), 100_00)
	var wg sync.WaitGroup
	var mu sync.Mutex
	approved := int64(0)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				tok := fmt.Sprintf("j-%d-%d", g, i)
				ans, err := l.Decide(ctx, auth(usd("u"), tok, "t"+tok, 37))
				if err != nil {
					t.Error(err)
					return
				}
				if ans.Approved {
					mu.Lock()
					approved += ans.Amount
					mu.Unlock()
				}
			}
		}(g)
	}
	wg.Wait()
	b := bal(t, l, usd("u"))
	if approved > 100_00 || b.Pending != approved || b.Available < 0 {
		t.Fatalf("approved %d, balance %+v", approved, b)
	}
	if approved != 100_00/37*37 {
		t.Fatalf("approved %d, want every whole 37 that fits (%d)", approved, 100_00/37*37)
	}
}

// replayed rebuilds a ledger from j's records and checks it matches l.
func assertReplayMatches(t *testing.T, l *Ledger, j *memJournal, keys ...Key) {
	t.Helper()
	r := New(Config{Now: l.cfg.Now}, &memJournal{})
	for i, rec := range j.recs {
		if err := r.Replay(pos(i+1), rec); err != nil {
			t.Fatal(err)
		}
	}
	s := New(Config{Now: l.cfg.Now}, &memJournal{})
	if err := s.Restore(snapshotBytes(t, l)); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		want, _ := l.Account(ctx, k)
		got, _ := r.Account(ctx, k)
		snap, _ := s.Account(ctx, k)
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("replay of %v:\n got %+v\nwant %+v", k, got, want)
		}
		if !reflect.DeepEqual(want, snap) {
			t.Fatalf("snapshot of %v:\n got %+v\nwant %+v", k, snap, want)
		}
	}
}

func TestReplayAndSnapshotRebuildState(t *testing.T) {
	l, j := newTestLedger(t, Config{})
	u, v := usd("u"), usd("v")
	mustCredit(t, l, u, 500_00)
	mustCredit(t, l, v, 20_00)
	l.Decide(ctx, auth(u, "j1", "t1", 100_00))
	l.Decide(ctx, Request{Kind: Increment, Account: u, JITToken: "j1i", RootJIT: "j1", RefTxn: "t1", Amount: 50_00})
	l.Decide(ctx, auth(u, "j2", "t2", 40_00))
	l.Decide(ctx, Request{Kind: Capture, Account: v, JITToken: "j3", TxnToken: "t3", Amount: 15_00})
	l.Apply(ctx, Event{Kind: Clear, Account: u, Token: "c1", RefTxn: "t1", Amount: 120_00, Movement: -120_00, Final: true})
	l.Apply(ctx, Event{Kind: Reverse, Account: u, Token: "r2", RefTxn: "t2", Amount: 10_00})
	l.Apply(ctx, Event{Kind: Post, Account: v, Token: "refund", Movement: 3_00})
	assertReplayMatches(t, l, j, u, v)
	if b := bal(t, l, u); b.Ledger != 380_00 || b.Pending != 30_00 {
		t.Fatalf("u: %+v", b)
	}
	if b := bal(t, l, v); b.Ledger != 8_00 || b.Pending != 0 {
		t.Fatalf("v: %+v", b)
	}
}

func TestHugeEventsAreRejectedNotWrapped(t *testing.T) {
	l, _ := newTestLedger(t, Config{})
	u := usd("u")
	mustCredit(t, l, u, 100_00)
	huge := int64(math.MaxInt64 / 10)
	for i, e := range []Event{
		{Kind: Post, Account: u, Token: "r1", Amount: huge, Movement: huge},
		{Kind: AuthApproved, Account: u, Token: "t1", JITToken: "j1", Amount: huge},
		{Kind: Clear, Account: u, Token: "c1", Amount: huge, Movement: -huge, Final: true},
	} {
		if _, err := l.Apply(ctx, e); jit.ErrorCode(err) != jit.EINVALID {
			t.Fatalf("event %d: %v", i, err)
		}
	}
	// Many large but individually valid refunds stop before overflowing.
	var lastErr error
	for i := 0; i < 200 && lastErr == nil; i++ {
		_, lastErr = l.Apply(ctx, Event{Kind: Post, Account: u, Token: fmt.Sprintf("big-%d", i), Movement: 9_000_000_000_000_00})
	}
	if jit.ErrorCode(lastErr) != jit.EINVALID {
		t.Fatalf("large refunds never rejected: %v", lastErr)
	}
	if b := bal(t, l, u); b.Ledger <= 0 {
		t.Fatalf("balance wrapped: %+v", b)
	}
}

// An overdrawn account (a force post or an over-clearing took its ledger
// below zero) can be credited by less than the overdraft.
func TestCreditOverdrawnAccount(t *testing.T) {
	l, _ := newTestLedger(t, Config{})
	u := usd("u")
	mustCredit(t, l, u, 10_00)
	if _, err := l.Apply(ctx, Event{Kind: Clear, Account: u, Token: "fp1", Amount: 50_00, Movement: -50_00, Final: true}); err != nil {
		t.Fatal(err)
	}
	if b := bal(t, l, u); b.Ledger != -40_00 {
		t.Fatalf("after force post: %+v", b)
	}
	if _, err := l.Credit(ctx, u, 5_00, "top-up"); err != nil {
		t.Fatalf("credit to an overdrawn account: %v", err)
	}
	if b := bal(t, l, u); b != (Balance{Ledger: -35_00, Available: -35_00}) {
		t.Fatalf("after credit: %+v", b)
	}
}
