package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"
)

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
	var p pos
	data, gotP, err := l.Snapshot(func() (pos, error) {
		j.mu.Lock()
		p = pos(len(j.recs) + 1)
		j.mu.Unlock()
		traffic(99, 50) // after the rotate, before any shard is copied
		return p, nil
	})
	if err != nil || gotP != p {
		t.Fatalf("Snapshot: pos %d (want %d), %v", gotP, p, err)
	}
	traffic(100, 100) // after the snapshot
	close(stop)
	wg.Wait()

	var accts []snapAccount
	joined := bytes.Join(data, nil)
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

func TestChunks(t *testing.T) {
	var c chunks
	var want []byte
	for i, n := range []int{0, 1, chunkSize - 1, 2, chunkSize, 3*chunkSize + 5} {
		b := bytes.Repeat([]byte{byte('a' + i)}, n)
		c.write(b)
		want = append(want, b...)
	}
	for i, b := range c.bufs {
		if len(b) > chunkSize || i < len(c.bufs)-1 && len(b) != chunkSize {
			t.Fatalf("chunk %d of %d holds %d bytes", i, len(c.bufs), len(b))
		}
	}
	if !bytes.Equal(bytes.Join(c.bufs, nil), want) {
		t.Fatal("chunks do not join to what was written")
	}
}
