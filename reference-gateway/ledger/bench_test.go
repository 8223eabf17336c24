package ledger

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// nopJournal is a Journal that keeps nothing: Append returns increasing
// positions and Wait returns at once. It isolates the ledger's own cost
// (decision, record encoding, locking) from the journal's write and fsync.
type nopJournal struct{ next atomic.Uint64 }

func (j *nopJournal) Append(data []byte) (pos, error) { return j.next.Add(1), nil }
func (j *nopJournal) Wait(p pos) error                { return nil }

const (
	benchAccounts = 1000
	benchFunds    = 1_000_000_000_00 // $1bn per account: no decision declines for lack of funds
	benchAmount   = 42_17
)

// benchLedger returns a ledger over a no-op journal with n accounts, each
// funded with benchFunds, and their keys.
func benchLedger(b *testing.B, n int) (*Ledger, []Key) {
	b.Helper()
	l := New(Config{}, &nopJournal{})
	keys := make([]Key, n)
	for i := range keys {
		keys[i] = Key{Token: fmt.Sprintf("acct-%04d", i), Currency: "USD"}
		if _, err := l.Credit(context.Background(), keys[i], benchFunds, "fund-"+keys[i].Token); err != nil {
			b.Fatal(err)
		}
	}
	return l, keys
}

// runDecide runs authorizations in parallel, each with a unique JIT and
// transaction token, spread round-robin over keys.
func runDecide(b *testing.B, l *Ledger, keys []Key) {
	var seq atomic.Uint64
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		buf := make([]byte, 0, 32)
		for pb.Next() {
			n := seq.Add(1)
			buf = strconv.AppendUint(append(buf[:0], 'j'), n, 36)
			tok := string(buf)
			r := Request{
				Kind: Authorize, Account: keys[n%uint64(len(keys))],
				JITToken: tok, TxnToken: "t" + tok[1:],
				Amount: benchAmount, MCC: "5812", Day: "2026-11-01",
			}
			ans, err := l.Decide(ctx, r)
			if err != nil {
				b.Error(err)
				return
			}
			if !ans.Approved {
				b.Errorf("declined: %s", ans.Reason)
				return
			}
		}
	})
}

// BenchmarkDecide is the ledger's share of a JIT authorization: the
// decision, the record's JSON encoding and the shard locking, over 1,000
// funded accounts (little contention), without journal I/O.
func BenchmarkDecide(b *testing.B) {
	for _, par := range []int{1, 16} {
		b.Run(fmt.Sprintf("parallelism=%d", par), func(b *testing.B) {
			l, keys := benchLedger(b, benchAccounts)
			b.SetParallelism(par)
			runDecide(b, l, keys)
		})
	}
}

// BenchmarkDecideOneAccount is the worst case for the shard locks: every
// goroutine decides on the same account.
func BenchmarkDecideOneAccount(b *testing.B) {
	for _, par := range []int{1, 16} {
		b.Run(fmt.Sprintf("parallelism=%d", par), func(b *testing.B) {
			l, keys := benchLedger(b, 1)
			b.SetParallelism(par)
			runDecide(b, l, keys)
		})
	}
}

// BenchmarkApplyClearing books a final clearing for an open hold: b.N
// authorizations are approved before the timer starts, then each operation
// clears one of them (webhook path, without journal I/O).
func BenchmarkApplyClearing(b *testing.B) {
	l, keys := benchLedger(b, benchAccounts)
	ctx := context.Background()
	txn := func(i int) string { return "t" + strconv.Itoa(i) }
	// Open the holds with all cores; the order does not matter.
	var wg sync.WaitGroup
	const fillers = 8
	for w := range fillers {
		wg.Go(func() {
			for i := w; i < b.N; i += fillers {
				_, err := l.Decide(ctx, Request{
					Kind: Authorize, Account: keys[i%len(keys)], JITToken: "j" + strconv.Itoa(i), TxnToken: txn(i),
					Amount: benchAmount, Day: "2026-11-01",
				})
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	var seq atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(seq.Add(1) - 1)
			e := Event{
				Kind: Clear, Account: keys[i%len(keys)], Token: "c" + strconv.Itoa(i), RefTxn: txn(i),
				Amount: 48_50, Movement: -48_50, Final: true,
			}
			applied, err := l.Apply(ctx, e)
			if err != nil {
				b.Error(err)
				return
			}
			if !applied {
				b.Errorf("clearing %d not applied", i)
				return
			}
		}
	})
}

// BenchmarkLiveHeapPerDecision reports the live heap an approved
// authorization keeps (its hold, answer and indexes), the figure that sets
// the GC's work and the memory of a long run.
func BenchmarkLiveHeapPerDecision(b *testing.B) {
	const accounts = 1000
	for i := 0; i < b.N; i++ {
		l := New(Config{}, &nopJournal{})
		for a := 0; a < accounts; a++ {
			l.Credit(context.Background(), Key{Token: fmt.Sprintf("acct-%04d", a), Currency: "USD"}, 1_000_000_00, fmt.Sprintf("fund-%d", a))
		}
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		const n = 100_000
		for d := 0; d < n; d++ {
			tok := fmt.Sprintf("%08d-aaaa-bbbb-cccc-dddddddddddd", d)
			l.Decide(context.Background(), Request{Kind: Authorize, Account: Key{Token: fmt.Sprintf("acct-%04d", d%accounts), Currency: "USD"},
				JITToken: tok, TxnToken: "t" + tok[1:], Amount: 1234, Day: "2026-11-01"})
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/n, "live-B/decision")
		// The collector's work over that heap: how much of it must be
		// scanned for pointers, and how long a full collection takes, which
		// is what a mark phase takes from requests under load.
		sample := []metrics.Sample{{Name: "/gc/scan/heap:bytes"}}
		metrics.Read(sample)
		b.ReportMetric(float64(sample[0].Value.Uint64())/n, "scan-B/decision")
		const gcs = 10
		start := time.Now()
		for g := 0; g < gcs; g++ {
			runtime.GC()
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/gcs, "µs/GC")
		runtime.KeepAlive(l)
	}
}

// BenchmarkSnapshotFreeze measures how long a snapshot holds up decisions
// on a ledger of 100,000 approved authorizations over 1,000 accounts: the
// longest decision taken while one goroutine decides without pause and
// another takes the snapshot, and the snapshot's own time and size.
func BenchmarkSnapshotFreeze(b *testing.B) {
	const accounts, n = 1000, 100_000
	l := New(Config{}, &nopJournal{})
	for a := 0; a < accounts; a++ {
		l.Credit(context.Background(), Key{Token: fmt.Sprintf("acct-%04d", a), Currency: "USD"}, 1_000_000_00, fmt.Sprintf("fund-%d", a))
	}
	for d := 0; d < n; d++ {
		tok := fmt.Sprintf("%08d-aaaa-bbbb-cccc-dddddddddddd", d)
		l.Decide(context.Background(), Request{Kind: Authorize, Account: Key{Token: fmt.Sprintf("acct-%04d", d%accounts), Currency: "USD"},
			JITToken: tok, TxnToken: "t" + tok[1:], Amount: 1234, Day: "2026-11-01"})
	}
	var worst, total time.Duration
	var size int
	for i := 0; i < b.N; i++ {
		stop := make(chan struct{})
		var longest atomic.Int64
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := 0; ; d++ {
				select {
				case <-stop:
					return
				default:
				}
				start := time.Now()
				l.Decide(context.Background(), Request{Kind: Verify, Account: Key{Token: fmt.Sprintf("acct-%04d", d%accounts), Currency: "USD"},
					JITToken: fmt.Sprintf("v-%d-%d", i, d), Day: "2026-11-01"})
				if t := int64(time.Since(start)); t > longest.Load() {
					longest.Store(t)
				}
			}
		}()
		time.Sleep(time.Millisecond)
		start := time.Now()
		var n byteCount
		err := l.SnapshotTo(&n)
		total += time.Since(start)
		close(stop)
		wg.Wait()
		if err != nil {
			b.Fatal(err)
		}
		size = int(n)
		worst = max(worst, time.Duration(longest.Load()))
	}
	b.ReportMetric(float64(worst.Microseconds())/1000, "longest-decision-ms")
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "snapshot-ms")
	b.ReportMetric(float64(size)/1e6, "snapshot-MB")
}

// BenchmarkSnapshotEncode is a snapshot's own work, without its pacing: a
// ledger of 200,000 approved authorizations (a hold and an answer each)
// and 50,000 cleared ones (an applied event token each) over 200 accounts.
// ns/op is one whole snapshot; ns/decision divides it by the decisions.
func BenchmarkSnapshotEncode(b *testing.B) {
	const accounts, n, cleared = 200, 200_000, 50_000
	l := New(Config{}, &nopJournal{})
	key := func(d int) Key { return Key{Token: fmt.Sprintf("acct-%04d", d%accounts), Currency: "USD"} }
	for a := 0; a < accounts; a++ {
		l.Credit(context.Background(), key(a), 1_000_000_000_00, fmt.Sprintf("fund-%d", a))
	}
	for d := 0; d < n; d++ {
		tok := fmt.Sprintf("%08d-aaaa-bbbb-cccc-dddddddddddd", d)
		l.Decide(context.Background(), Request{Kind: Authorize, Account: key(d), JITToken: tok, TxnToken: "t" + tok[1:], Amount: 1234, Day: "2026-11-01"})
		if d < cleared {
			l.Apply(context.Background(), Event{Kind: Clear, Account: key(d), Token: "c" + tok[1:], RefTxn: "t" + tok[1:], Amount: 1234, Movement: -1234, Final: true})
		}
	}
	var size byteCount
	b.ReportAllocs()
	for b.Loop() {
		size = 0
		if err := l.snapshotTo(&size, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/decision")
	b.ReportMetric(float64(size)/1e6, "snapshot-MB")
}

// byteCount is a writer that only counts.
type byteCount int64

func (c *byteCount) Write(b []byte) (int, error) {
	*c += byteCount(len(b))
	return len(b), nil
}
