package ledger

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// richLedger returns a ledger whose accounts hold every shape a snapshot
// writes: plain holds and holds with extras (incrementals, several
// tokens), debits, declines with reasons, applied event tokens, credits,
// day counts, and tokens that need escaping or are longer than a tok holds.
func richLedger(t *testing.T) (*Ledger, []Key) {
	l, _ := newTestLedger(t, Config{Controls: Controls{DailyCount: 50}})
	odd := []string{
		"plain-0001", `quote"back\slash`, "<html>&amp;", "tab\tnew\nline\x01", "ünïcödé-€", "line\u2028sep", "a<b", "c>d",
		strings.Repeat("long-token-", 5), strings.Repeat("<&>", 20), "",
	}
	var keys []Key
	for i, acct := range []string{"u", "v<&>", strings.Repeat("w", 40)} {
		k := usd(acct)
		keys = append(keys, k)
		mustCredit(t, l, k, 900_00)
		l.Credit(ctx, k, 5_00, fmt.Sprintf("credit-%d-<%d>", i, i))
		for j, s := range odd {
			jt, txn := "j"+s+fmt.Sprint(j), "t"+s+fmt.Sprint(j)
			l.Decide(ctx, auth(k, jt, txn, int64(10_00+j)))
			switch j % 4 {
			case 0:
				l.Decide(ctx, Request{Kind: Increment, Account: k, JITToken: jt + "-i", RootJIT: jt, RefTxn: txn, Amount: 3_00, Day: "2026-11-02"})
			case 1:
				l.Apply(ctx, Event{Kind: Clear, Account: k, Token: "c" + s, RefTxn: txn, Amount: 5_00, Movement: -5_00})
			case 2:
				l.Apply(ctx, Event{Kind: Reverse, Account: k, Token: "r" + s, RefTxn: txn, Amount: 10_00 + int64(j), Final: true})
			case 3:
				l.Apply(ctx, Event{Kind: AuthApproved, Account: k, Token: "other-" + txn, JITToken: jt, Amount: 10_00 + int64(j)})
			}
		}
		l.Decide(ctx, Request{Kind: Capture, Account: k, JITToken: "cap" + odd[i], TxnToken: "capt" + odd[i], Amount: 7_00, Day: "2026-11-03"})
		l.Decide(ctx, auth(k, "too-much"+odd[i], "tm", 1_000_000_00)) // declined: INSUFFICIENT_FUNDS
		l.Apply(ctx, Event{Kind: Post, Account: k, Token: "refund" + odd[i], Movement: 2_00})
	}
	l.Decide(ctx, auth(usd("nobody"), "j-nobody", "t-nobody", 1_00)) // declined, unknown account
	return l, keys
}

// Every hold without extras is written by appendSlot exactly as appendHold
// writes it, byte for byte.
func TestAppendSlot(t *testing.T) {
	l, keys := richLedger(t)
	plain := 0
	for _, k := range keys {
		a := l.shard(k).accounts[k]
		a.slots.each(func(i int32, s *slot) {
			if s.more {
				return
			}
			plain++
			want := string(appendHold(nil, a.hold(i)))
			if got := string(a.appendSlot(nil, s)); got != want {
				t.Errorf("%s slot %d:\n got %s\nwant %s", k.Token, i, got, want)
			}
		})
	}
	if plain < 10 {
		t.Fatalf("only %d plain holds: the test does not exercise appendSlot", plain)
	}
}

// A snapshot decodes to what json.Marshal(a.snapshot()) decodes to, for
// every account, with the lists built from maps put in one order.
func TestAppendSnapshot(t *testing.T) {
	l, keys := richLedger(t)
	var got []snapAccount
	if err := json.Unmarshal(snapshotBytes(t, l), &got); err != nil {
		t.Fatalf("snapshot is not JSON: %v", err)
	}
	var want []snapAccount
	for _, k := range append(keys, usd("nobody")) {
		if a := l.shard(k).accounts[k]; a != nil {
			enc, err := json.Marshal(a.clone().snapshot())
			if err != nil {
				t.Fatal(err)
			}
			var sa snapAccount
			if err := json.Unmarshal(enc, &sa); err != nil {
				t.Fatal(err)
			}
			want = append(want, sa)
		}
	}
	slices.SortFunc(want, func(a, b snapAccount) int { return strings.Compare(a.Key.Token, b.Key.Token) })
	if len(got) != len(want) {
		t.Fatalf("%d accounts, want %d", len(got), len(want))
	}
	extras, escaped := 0, 0
	for i := range want {
		g, w := canonical(t, got[i]), canonical(t, want[i])
		if g != w {
			t.Errorf("account %q:\n got %s\nwant %s", want[i].Key.Token, g, w)
		}
		for _, h := range want[i].Holds {
			if len(h.Incr) > 0 || len(h.JIT) > 1 || len(h.Txn) > 1 {
				extras++
			}
		}
		escaped += strings.Count(w, `\u003c`)
	}
	if extras == 0 || escaped == 0 {
		t.Fatalf("%d holds with extras, %d escaped '<': the test does not exercise them", extras, escaped)
	}
}

// snapshot returns the account as a snapshot stores it, built the plain
// way: the oracle appendSnapshot is held to.
func (a *account) snapshot() snapAccount {
	sa := snapAccount{Key: a.key, Ledger: a.ledger, Days: a.days, Last: a.last} // a is a clone
	a.slots.each(func(i int32, _ *slot) { sa.Holds = append(sa.Holds, a.hold(i)) })
	for t := range a.answers {
		ans, _ := a.answer(a.str(t))
		sa.Answers = append(sa.Answers, ans)
	}
	if len(a.seen) > 0 {
		sa.Seen = make(map[string]int64, len(a.seen))
		for t, at := range a.seen {
			sa.Seen[a.str(t)] = at
		}
	}
	for _, c := range a.credits {
		sa.Credits = append(sa.Credits, c)
	}
	return sa
}

// canonical encodes sa with its map-ordered lists sorted.
func canonical(t *testing.T, sa snapAccount) string {
	slices.SortFunc(sa.Answers, func(a, b *answer) int { return strings.Compare(a.JIT, b.JIT) })
	slices.SortFunc(sa.Credits, func(a, b *creditKey) int { return strings.Compare(a.Key, b.Key) })
	slices.SortFunc(sa.Holds, func(a, b *hold) int { return cmp.Compare(a.ID, b.ID) })
	enc, err := json.Marshal(sa)
	if err != nil {
		t.Fatal(err)
	}
	return string(enc)
}

// failAfter is a writer that fails once it has taken n bytes.
type failAfter struct{ n int }

var errFull = errors.New("disk full")

func (f *failAfter) Write(b []byte) (int, error) {
	if len(b) > f.n {
		return 0, errFull
	}
	f.n -= len(b)
	return len(b), nil
}

// SnapshotTo stops at its writer's first error and returns it.
func TestSnapshotToReturnsWriteError(t *testing.T) {
	l, _ := newTestLedger(t, Config{})
	for a := range 20 {
		k := usd(fmt.Sprintf("acct-%02d", a))
		mustCredit(t, l, k, 1_000_000_00)
		for d := range 200 {
			l.Decide(ctx, auth(k, fmt.Sprintf("%02d-j-%08d-aaaa-bbbb-cccc-dddddddddddd", a, d), fmt.Sprintf("t-%d-%d", a, d), 1_00))
		}
	}
	size := len(snapshotBytes(t, l))
	if size < 3*snapFlushAt {
		t.Fatalf("snapshot of %d bytes: too small to fail halfway", size)
	}
	if err := l.SnapshotTo(&failAfter{n: size / 2}); !errors.Is(err, errFull) {
		t.Fatalf("SnapshotTo into a writer that fails: %v, want %v", err, errFull)
	}
}
