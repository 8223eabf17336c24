package ledger

import (
	"testing"
	"time"
)

func TestSweepExpiresAndPrunes(t *testing.T) {
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	j := &memJournal{}
	l := New(Config{Now: clock}, j)
	u := usd("u")
	mustCredit(t, l, u, 100_00)
	l.Decide(ctx, auth(u, "old", "t-old", 10_00))
	l.Decide(ctx, Request{Kind: Capture, Account: u, JITToken: "debit", TxnToken: "t-debit", Amount: 5_00})
	now = now.Add(10 * 24 * time.Hour)
	l.Decide(ctx, auth(u, "new", "t-new", 20_00))
	l.Apply(ctx, Event{Kind: Post, Account: u, Token: "refund", Movement: 1_00})

	// Expire holds opened more than 7 days ago: only "old".
	n, err := l.Sweep(ctx, now.Add(-7*24*time.Hour), time.Time{})
	if err != nil || n != 1 {
		t.Fatalf("expired %d, %v; want 1", n, err)
	}
	v, _ := l.Account(ctx, u)
	if v.Pending != 20_00 || v.Ledger != 96_00 {
		t.Fatalf("after expiry %+v", v.Balance)
	}
	states := map[string]HoldState{}
	for _, h := range v.Holds {
		states[h.JITToken] = h.State
	}
	if states["old"] != Expired || states["new"] != Open {
		t.Fatalf("hold states %v", states)
	}
	// The expiry is journaled: replay gives the same state.
	assertReplayMatches(t, l, j, u)
	// A second sweep expires nothing more.
	if n, _ := l.Sweep(ctx, now.Add(-7*24*time.Hour), time.Time{}); n != 0 {
		t.Fatalf("second sweep expired %d", n)
	}

	// Pruning forgets closed holds and seen tokens older than the cutoff but
	// keeps balances and open holds.
	now = now.Add(60 * 24 * time.Hour)
	if _, err := l.Sweep(ctx, time.Time{}, now.Add(-45*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	v2, _ := l.Account(ctx, u)
	if v2.Balance != v.Balance {
		t.Fatalf("pruning changed balances: %+v → %+v", v.Balance, v2.Balance)
	}
	if len(v2.Holds) != 1 || v2.Holds[0].JITToken != "new" {
		t.Fatalf("holds after pruning: %+v", v2.Holds)
	}
	s := l.shard(u)
	a := s.accounts[u]
	if _, ok := a.seen[mkTok("refund")]; ok {
		t.Fatal("old event token not pruned")
	}
	if _, held := a.lookup("old"); held {
		t.Fatal("closed hold's index not pruned")
	}
	if _, ok := a.answer("old"); ok {
		t.Fatal("closed hold's answer not pruned")
	}
	if _, ok := a.index[ikey{kID, mkTok("old")}]; ok || a.slots.n != 1 || len(a.slots.free) == 0 {
		t.Fatalf("closed hold's slot not released: %d in use, %d free", a.slots.n, len(a.slots.free))
	}
}
