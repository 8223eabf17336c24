package ledger

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/jitsim/jitsim/jit"
)

func TestTokKeys(t *testing.T) {
	long := strings.Repeat("x", tokLen+1)
	cases := []struct {
		a, b string
		same bool
	}{
		{"", "", true},
		{"abc", "abc", true},
		{"abc", "abd", false},
		{"abc", "abc\x00", false}, // the length is part of the key
		{strings.Repeat("y", tokLen), strings.Repeat("y", tokLen), true},
		{long, long, true},
		{long, long + "y", false},
		{long[:tokLen], long, false}, // inline and digest never meet
	}
	for _, c := range cases {
		if got := mkTok(c.a) == mkTok(c.b); got != c.same {
			t.Errorf("mkTok(%q) == mkTok(%q) is %v, want %v", c.a, c.b, got, c.same)
		}
	}
	a := newAccount(usd("u"))
	for _, s := range []string{"", "j1", strings.Repeat("z", tokLen), long, long + "tail"} {
		if got := a.str(a.intern(s)); got != s {
			t.Errorf("str(intern(%q)) = %q", s, got)
		}
	}
}

// TestPruneForgetsLongTokens checks that pruning drops the text of a long
// token once nothing is known by it, and keeps it while something is.
func TestPruneForgetsLongTokens(t *testing.T) {
	a := newAccount(usd("u"))
	long := func(s string) string { return s + strings.Repeat("-", 60) }
	a.apply(&record{At: 10, Seen: long("event")})
	a.apply(&record{Answer: &answer{JIT: long("old"), Approved: true, Amount: 5, At: 10}})
	a.apply(&record{Answer: &answer{JIT: long("new"), Approved: true, Amount: 5, At: 30}})
	if len(a.long) != 3 {
		t.Fatalf("%d long texts kept, want 3", len(a.long))
	}
	a.prune(20)
	if len(a.long) != 1 || a.str(mkTok(long("new"))) != long("new") {
		t.Fatalf("after pruning before 20: long texts %v, want only the newer answer's", a.long)
	}
}

// Tokens longer than Marqeta's 36 characters, in any role, behave like any
// other: found, shown in full, replayed and snapshotted.
func TestLongTokens(t *testing.T) {
	l, j := newTestLedger(t, Config{})
	u := usd(strings.Repeat("u", 50))
	mustCredit(t, l, u, 500_00)
	long := func(s string) string { return s + strings.Repeat("-", 60) }
	if ans, _ := l.Decide(ctx, auth(u, long("j1"), long("t1"), 100_00)); !ans.Approved {
		t.Fatalf("auth declined: %+v", ans)
	}
	if ans, _ := l.Decide(ctx, Request{Kind: Increment, Account: u, JITToken: long("j1i"), RootJIT: long("j1"), Amount: 20_00}); !ans.Approved {
		t.Fatalf("incremental declined: %+v", ans)
	}
	// The duplicate gets the first answer and holds nothing more.
	if ans, _ := l.Decide(ctx, auth(u, long("j1"), long("t1"), 100_00)); !ans.Approved || ans.Amount != 100_00 || ans.Balance.Pending != 120_00 {
		t.Fatalf("duplicate: %+v", ans)
	}
	if ok, _ := l.Apply(ctx, Event{Kind: Clear, Account: u, Token: long("c1"), RefTxn: long("t1"), Amount: 50_00, Movement: -50_00}); !ok {
		t.Fatal("clearing not applied")
	}
	if ok, _ := l.Apply(ctx, Event{Kind: Clear, Account: u, Token: long("c1"), RefTxn: long("t1"), Amount: 50_00, Movement: -50_00}); ok {
		t.Fatal("clearing applied twice")
	}
	v, _ := l.Account(ctx, u)
	if len(v.Holds) != 1 || v.Holds[0].JITToken != long("j1") || v.Holds[0].TransactionToken != long("t1") || v.Holds[0].Amount != 70_00 {
		t.Fatalf("holds %+v", v.Holds)
	}
	if v.Balance != (Balance{Ledger: 450_00, Pending: 70_00, Available: 380_00}) {
		t.Fatalf("balance %+v", v.Balance)
	}
	assertReplayMatches(t, l, j, u)
}

// Slots freed by pruning are reused, and a reused slot carries nothing of
// the hold that had it.
func TestSlotReuse(t *testing.T) {
	var s slots
	var got []int32
	for i := 0; i < slotChunk+2; i++ {
		got = append(got, s.alloc())
	}
	if got[slotChunk+1] != slotChunk+1 || len(s.chunks) != 2 || s.n != slotChunk+2 {
		t.Fatalf("alloc: last %d, %d chunks, %d in use", got[slotChunk+1], len(s.chunks), s.n)
	}
	s.at(7).auth, s.at(7).used = 99, true
	s.release(7)
	if i := s.alloc(); i != 7 || *s.at(7) != (slot{}) {
		t.Fatalf("reuse: slot %d = %+v", i, *s.at(7))
	}
}

// A journal record this version cannot store faithfully is an error on
// replay, never a silent change of meaning.
func TestReplayRejectsUnknownCodes(t *testing.T) {
	for name, rec := range map[string]record{
		"hold state":     {Acct: usd("u"), Hold: &hold{ID: "h", State: "PENDING_REVIEW"}},
		"decline reason": {Acct: usd("u"), Answer: &answer{JIT: "j", Reason: "NOT_A_REASON"}},
	} {
		data, _ := json.Marshal(rec)
		l := New(Config{}, &memJournal{})
		err := l.Replay(1, data)
		var je *jit.Error
		if !errors.As(err, &je) || je.Code != jit.EINVALID {
			t.Errorf("%s: replay error %v, want EINVALID", name, err)
		}
	}
	for _, r := range jit.DeclineReasons {
		if code, ok := reasonCode(r); !ok || reasonName(code) != r {
			t.Errorf("decline reason %s does not round-trip (code %d)", r, code)
		}
	}
}
