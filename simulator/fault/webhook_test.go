package fault

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/jitsim/jitsim/simulator/clock"
	"github.com/jitsim/jitsim/simulator/webhook"
)

// downSeed finds a seed whose webhook_down stream fires on its first draw
// and not on its second at probability 0.5: one outage, then delivery.
func downSeed(t *testing.T) uint64 {
	t.Helper()
	for seed := uint64(1); seed < 100; seed++ {
		r := stream(seed, NameWebhookDown)
		if r.Float64() < 0.5 && r.Float64() >= 0.5 {
			return seed
		}
	}
	t.Fatal("no seed found")
	return 0
}

// TestWebhookDown: the first POST takes the endpoint down for 30 s of
// virtual time; the dispatcher's retries at +4 s and +20 s get 503s
// without reaching the gateway; the retry at +84 s delivers. With
// duplicates on as well, the duplicate is sent when the batch finally
// reaches the gateway.
func TestWebhookDown(t *testing.T) {
	for _, dup := range []float64{0, 1} {
		seed := downSeed(t)
		w := newWorld(t, Config{WebhookDown: 0.5, WebhookDuplicate: dup}, seed)
		txn := w.authorize(t, "10.00")
		d := w.e.Webhooks()
		if err := d.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		step := func(advance time.Duration, attempts int, delivered bool) {
			t.Helper()
			w.clock.Advance(advance)
			as := d.Attempts("")
			if len(as) != attempts {
				t.Fatalf("after %s: %d attempts, want %d: %+v", advance, len(as), attempts, as)
			}
			last := as[len(as)-1]
			if last.Delivered != delivered || !delivered && last.Status != http.StatusServiceUnavailable {
				t.Fatalf("attempt %+v, want delivered %v (else 503)", last, delivered)
			}
			if got := len(w.gw.received()) > 0; got != delivered {
				t.Fatalf("gateway received %v, want delivered %v", w.gw.received(), delivered)
			}
		}
		step(0, 1, false)
		step(4*time.Second, 2, false)
		step(16*time.Second, 3, false)
		step(63*time.Second, 3, false) // t+83 s: the next retry is due at t+84 s
		step(time.Second, 4, true)
		want := []string{txn.Token}
		if dup == 1 {
			want = append(want, txn.Token)
		}
		if got := w.gw.received(); !slices.Equal(got, want) {
			t.Errorf("gateway received %v, want %v", got, want)
		}
		if d.Pending() != 0 {
			t.Errorf("%d events pending", d.Pending())
		}
		if c := w.s.Counts(); c.WebhookRefused != 3 {
			t.Errorf("counts %+v, want 3 refused", c)
		}
		if st := w.s.Stats()[0]; st.Name != NameWebhookDown || st.Opportunities != 2 || st.Injected != 1 {
			t.Errorf("stats %+v, want 2 opportunities (the first POST and the one after the outage), 1 injected", st)
		}
	}
}

// TestDuplicate: a duplicated batch reaches the gateway twice, and the
// dispatcher still counts one batch, one attempt, one delivery and nothing
// pending.
func TestDuplicate(t *testing.T) {
	w := newWorld(t, Config{WebhookDuplicate: 1}, 1)
	txn := w.authorize(t, "10.00")
	d := w.e.Webhooks()
	if err := d.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := w.gw.received(); !slices.Equal(got, []string{txn.Token, txn.Token}) {
		t.Fatalf("gateway received %v, want %s twice", got, txn.Token)
	}
	if st := d.Stats(); st.Batches != 1 || st.Attempts != 1 || st.Delivered != 1 || d.Pending() != 0 {
		t.Errorf("dispatcher stats %+v pending %d; want 1 batch, attempt, delivery and nothing pending", st, d.Pending())
	}
	if c := w.s.Counts(); c.DuplicatesSent != 1 || c.DuplicateRejected != 0 {
		t.Errorf("counts %+v", c)
	}
}

// TestDuplicateRejected: a gateway that answers a duplicate with an error
// is counted, and the dispatcher (which gets the copy's answer) retries.
func TestDuplicateRejected(t *testing.T) {
	w := newWorld(t, Config{WebhookDuplicate: 1}, 1)
	w.gw.statuses = []int{http.StatusOK, http.StatusConflict}
	w.authorize(t, "10.00")
	d := w.e.Webhooks()
	d.Flush(ctx)
	if c := w.s.Counts(); c.DuplicatesSent != 1 || c.DuplicateRejected != 1 {
		t.Errorf("counts %+v, want 1 sent, 1 rejected", c)
	}
	if d.Pending() != 1 || d.Stats().RetriesPending != 1 {
		t.Errorf("pending %d stats %+v; want the batch waiting for a retry", d.Pending(), d.Stats())
	}
}

// TestInterceptDuplicatesCountOnce: a batch returned twice from Intercept
// reaches the gateway twice and is recorded as two attempts, but counts
// once: one batch, one delivery, nothing left pending, no retry.
func TestInterceptDuplicatesCountOnce(t *testing.T) {
	gw := newGateway(t)
	v := clock.NewVirtual(t0)
	d := webhook.New(v, webhook.Options{Intercept: func(bs []webhook.Batch) []webhook.Batch { return append(bs, bs...) }})
	d.SetEndpoint(webhook.Endpoint{Token: "ep", URL: gw.URL + "/webhooks", Events: []string{"*"}, Active: true})
	d.Enqueue(event("authorization", 1))
	if err := d.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := gw.received(); len(got) != 2 || got[0] != got[1] {
		t.Fatalf("gateway received %v, want the same event twice", got)
	}
	if got, st := d.Pending(), d.Stats(); got != 0 || st.Delivered != 1 || st.Batches != 1 || st.Attempts != 2 || st.RetriesPending != 0 {
		t.Fatalf("pending %d stats %+v", got, st)
	}
	if a := d.Attempts(""); len(a) != 2 || !a[0].Delivered || !a[1].Delivered || a[0].BatchID != a[1].BatchID {
		t.Fatalf("attempts %+v", a)
	}
}

// TestReorder: through a real dispatcher, reordering changes the order the
// gateway sees for this seed, keeps every event exactly once, moves no
// batch out of its window, and leaves the dispatcher's bookkeeping right.
func TestReorder(t *testing.T) {
	gw := newGateway(t)
	v := clock.NewVirtual(t0)
	s, err := New(Config{WebhookReorder: 1, ReorderWindow: 4}, 1, v)
	if err != nil {
		t.Fatal(err)
	}
	d := webhook.New(v, webhook.Options{MaxBatch: 2, Intercept: s.Intercept})
	d.SetEndpoint(webhook.Endpoint{Token: "ep", URL: gw.URL + "/webhooks", Events: []string{"*"}, Active: true})
	var want []string
	for i := range 20 {
		e := event("authorization", i)
		want = append(want, e.Token)
		d.Enqueue(e)
	}
	if err := d.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got := gw.received()
	if slices.Equal(got, want) {
		t.Error("order unchanged under reorder at probability 1")
	}
	sorted := slices.Clone(got)
	slices.Sort(sorted)
	if !slices.Equal(sorted, want) {
		t.Errorf("events changed: got %v, want %v in some order", got, want)
	}
	gw.mu.Lock()
	posts := slices.Clone(gw.webhooks)
	gw.mu.Unlock()
	for pos, toks := range posts {
		orig := slices.Index(want, slices.Min(toks)) / 2 // batch index at enqueue
		if orig/4 != pos/4 {
			t.Errorf("batch %d sent at position %d: outside its window of 4", orig, pos)
		}
	}
	if st := d.Stats(); st.Delivered != 10 || d.Pending() != 0 {
		t.Errorf("stats %+v pending %d", st, d.Pending())
	}
	if st := s.Stats(); len(st) != 1 || st[0].Opportunities != 1 || st[0].Injected != 1 {
		t.Errorf("stats %+v, want one flush, reordered", st)
	}
}
