package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"
)

// snapshotBytes returns a snapshot of l, taken as the gateway takes one.
func snapshotBytes(t testing.TB, l *Ledger) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := l.SnapshotTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A snapshot is taken while decisions and webhooks keep running, so some
// records land after the rotate position but before their account is
// copied. Restoring it and replaying the journal from that position must
// give exactly the live state: those records are skipped, not applied twice.
func TestSnapshotUnderLoad(t *testing.T) {
	l, j := newTestLedger(t, Config{})
	var keys []Key
	for i := range 8 {
		k := usd(fmt.Sprintf("acct-%d", i))
		keys = append(keys, k)
		mustCredit(t, l, k, 1_000_000_00)
	}
	traffic := func(worker, n int) {
		for i := range n {
			k := keys[(worker+i)%len(keys)]
			jt, txn := fmt.Sprintf("j-%d-%d", worker, i), fmt.Sprintf("t-%d-%d", worker, i)
			if _, err := l.Decide(ctx, auth(k, jt, txn, int64(100+i))); err != nil {
				t.Error(err)
				return
			}
			if i%3 == 0 {
				l.Apply(ctx, Event{Kind: Clear, Account: k, Token: "c" + txn, RefTxn: txn, Amount: 50, Movement: -50, Final: i%2 == 0})
			}
		}
	}
	traffic(0, 200) // before the snapshot

	// Records appended between the rotate and the copy, on purpose, and
	// others from goroutines racing the copy.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 1; w <= 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; ; round++ {
				select {
				case <-stop:
					return
				default:
				}
				traffic(w*1000+round, 20)
			}
		}()
	}
	j.mu.Lock()
	p := pos(len(j.recs) + 1) // the journal "rotates" here
	j.mu.Unlock()
	traffic(99, 50) // after the rotate, before any account is copied
	joined := snapshotBytes(t, l)
	traffic(100, 100) // after the snapshot
	close(stop)
	wg.Wait()

	var accts []snapAccount
	if err := json.Unmarshal(joined, &accts); err != nil {
		t.Fatal(err)
	}
	inWindow := 0
	for _, sa := range accts {
		if sa.Last >= p {
			inWindow++
		}
	}
	if inWindow == 0 {
		t.Fatalf("no account holds records from after the rotate position %d: the test did not exercise the skip", p)
	}

	r := New(Config{Now: l.cfg.Now}, &memJournal{})
	if err := r.Restore(joined); err != nil {
		t.Fatal(err)
	}
	j.mu.Lock()
	recs := j.recs[p-1:]
	j.mu.Unlock()
	for i, rec := range recs {
		if err := r.Replay(p+pos(i), rec); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range keys {
		want, _ := l.Account(ctx, k)
		got, _ := r.Account(ctx, k)
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("%s after snapshot + replay:\n got %+v\nwant %+v", k.Token, got.Balance, want.Balance)
		}
	}
}

// A snapshot's copy of an account shares nothing that later decisions
// change.
func TestAccountCloneIsDetached(t *testing.T) {
	l, _ := newTestLedger(t, Config{})
	u := usd("u")
	mustCredit(t, l, u, 1_000_00)
	l.Decide(ctx, auth(u, "j1", "t1", 10_00))
	a := l.shard(u).accounts[u]
	c := a.clone()
	before := c.snapshot()
	l.Decide(ctx, auth(u, "j2", "t2", 20_00))
	l.Apply(ctx, Event{Kind: Clear, Account: u, Token: "c1", RefTxn: "t1", Amount: 10_00, Movement: -10_00, Final: true})
	l.Apply(ctx, Event{Kind: Post, Account: u, Token: "refund", Movement: 1_00})
	if after := c.snapshot(); !reflect.DeepEqual(before, after) {
		t.Fatalf("clone changed with the account:\nbefore %+v\n after %+v", before, after)
	}
	if len(before.Holds) != 1 || before.Holds[0].State != Open {
		t.Fatalf("clone holds %+v", before.Holds)
	}
}

// Time a snapshot spends waiting on its writer is not counted as its work:
// waited moves the start of the current stretch of work forward by it, so
// a slow disk does not make the encoding rest more, and a fast writer does
// not stop it from resting at all.
func TestPacerWaitedExcludesWriteTime(t *testing.T) {
	start := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	p := &pacer{since: start}
	p.waited(3 * time.Millisecond)
	if want := start.Add(3 * time.Millisecond); !p.since.Equal(want) {
		t.Fatalf("since %v after waiting 3 ms, want %v", p.since, want)
	}
	var none *pacer
	none.waited(time.Second) // a nil pacer (no pacing) ignores it
}
