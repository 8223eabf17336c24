package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator/clock"
)

var t0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// receiver records every request and answers with the next status.
type receiver struct {
	mu       sync.Mutex
	bodies   []string
	headers  []http.Header
	statuses []int
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.bodies = append(r.bodies, string(body))
	r.headers = append(r.headers, req.Header.Clone())
	status := 200
	if len(r.statuses) > 0 {
		status, r.statuses = r.statuses[0], r.statuses[1:]
	}
	r.mu.Unlock()
	w.WriteHeader(status)
}

func setup(t *testing.T, opts Options, statuses ...int) (*Dispatcher, *clock.Virtual, *receiver) {
	t.Helper()
	rec := &receiver{statuses: statuses}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	v := clock.NewVirtual(t0)
	d := New(v, opts)
	d.SetEndpoint(Endpoint{Token: "ep", URL: srv.URL, Username: "u", Password: "p", Secret: "s3cret", CustomHeaders: map[string]string{"X-Env": "test"}, Events: []string{"transaction.*"}, Active: true})
	return d, v, rec
}

func ev(typ string, i int) jit.Transaction {
	return jit.Transaction{Type: typ, State: jit.StateCompletion, Token: fmt.Sprintf("%s-%02d", typ, i), Amount: jit.MustAmount("1.00")}
}

func TestBatchingByType(t *testing.T) {
	d, _, rec := setup(t, Options{})
	for i := 0; i < 25; i++ {
		d.Enqueue(ev("authorization.clearing", i))
	}
	d.Enqueue(ev("refund", 0))
	d.Flush(context.Background())
	var sizes []string
	for _, b := range rec.bodies {
		var env jit.WebhookEnvelope
		json.Unmarshal([]byte(b), &env)
		types := map[string]bool{}
		for _, tx := range env.Transactions {
			types[tx.Type] = true
		}
		if len(types) != 1 {
			t.Fatalf("a batch mixes types: %v", types)
		}
		sizes = append(sizes, fmt.Sprint(len(env.Transactions)))
	}
	if fmt.Sprint(sizes) != "[10 10 1 5]" && fmt.Sprint(sizes) != "[10 10 5 1]" {
		t.Fatalf("batch sizes %v", sizes)
	}
	h := rec.headers[0]
	if h.Get("X-Env") != "test" || h.Get("Authorization") == "" || h.Get("X-Marqeta-Signature") != Sign("sha256", "s3cret", []byte(rec.bodies[0])) {
		t.Fatalf("headers %v", h)
	}
	if d.Pending() != 0 || d.Stats().Delivered != 4 {
		t.Fatalf("pending %d stats %+v", d.Pending(), d.Stats())
	}
}

func TestRetryScheduleAndGiveUp(t *testing.T) {
	statuses := make([]int, 11)
	for i := range statuses {
		statuses[i] = 500
	}
	d, v, rec := setup(t, Options{}, statuses...)
	d.Enqueue(ev("authorization", 1))
	d.Flush(context.Background())
	v.RunUntilIdle(100)
	as := d.Attempts("ep")
	if len(as) != 11 || len(rec.bodies) != 11 {
		t.Fatalf("%d attempts, %d requests", len(as), len(rec.bodies))
	}
	wait := 4 * time.Second
	for i := 1; i < len(as); i++ {
		if got := as[i].At.Sub(as[i-1].At); got != wait {
			t.Fatalf("retry %d after %v, want %v", i, got, wait)
		}
		wait *= 4
	}
	if s := d.Stats(); s.GaveUp != 1 || s.Delivered != 0 || d.Pending() != 0 {
		t.Fatalf("stats %+v pending %d", s, d.Pending())
	}
}

func TestRetryThenDelivered(t *testing.T) {
	d, v, rec := setup(t, Options{}, 503)
	d.Enqueue(ev("authorization", 1))
	d.Flush(context.Background())
	v.Advance(3999 * time.Millisecond)
	if len(rec.bodies) != 1 {
		t.Fatalf("retried early: %d", len(rec.bodies))
	}
	v.Advance(time.Millisecond)
	if len(rec.bodies) != 2 || rec.bodies[0] != rec.bodies[1] || d.Pending() != 0 {
		t.Fatalf("requests %d pending %d", len(rec.bodies), d.Pending())
	}
}

func TestFiltersInactiveSha1PingIntercept(t *testing.T) {
	d, _, rec := setup(t, Options{Intercept: func(bs []Batch) []Batch { return append(bs, bs...) }})
	d.SetEndpoint(Endpoint{Token: "off", URL: "http://127.0.0.1:1", Events: []string{"*"}, Active: false})
	d.SetEndpoint(Endpoint{Token: "refunds", URL: "http://127.0.0.1:1", Events: []string{"refund"}, Active: true})
	d.Enqueue(ev("authorization", 1)) // ep only: refunds does not want it, off is inactive
	d.Flush(context.Background())
	if len(rec.bodies) != 2 || rec.bodies[0] != rec.bodies[1] {
		t.Fatalf("intercepted duplicate not sent twice: %d", len(rec.bodies))
	}
	if len(d.Attempts("off")) != 0 || len(d.Attempts("refunds")) != 0 {
		t.Fatal("filtered endpoints got attempts")
	}
	d.SetEndpoint(Endpoint{Token: "ep", URL: d.endpoints["ep"].URL, Username: "u", Password: "p", Secret: "k", Algorithm: "sha1", Events: []string{"*"}, Active: true})
	a, err := d.Ping(context.Background(), "ep")
	if err != nil || !a.Delivered {
		t.Fatalf("ping %+v %v", a, err)
	}
	last := len(rec.bodies) - 1
	if rec.bodies[last] != `{"pings":[{"token":"marqeta","payload":"healthcheck"}]}` || rec.headers[last].Get("X-Marqeta-Signature") != Sign("sha1", "k", []byte(rec.bodies[last])) || len(rec.headers[last].Get("X-Marqeta-Signature")) != 40 {
		t.Fatalf("ping body %q", rec.bodies[last])
	}
	if _, err := d.Ping(context.Background(), "nope"); jit.ErrorCode(err) != jit.ENOTFOUND {
		t.Fatalf("unknown endpoint: %v", err)
	}
}

func TestBatchWindowOnTheClock(t *testing.T) {
	d, v, rec := setup(t, Options{BatchWindow: time.Second})
	d.Enqueue(ev("authorization", 1))
	d.Enqueue(ev("authorization", 2))
	if len(rec.bodies) != 0 {
		t.Fatal("sent before the window")
	}
	v.Advance(time.Second)
	if len(rec.bodies) != 1 {
		t.Fatalf("%d requests after the window", len(rec.bodies))
	}
}

func TestDeterministicAndConcurrent(t *testing.T) {
	run := func() []string {
		d, v, rec := setup(t, Options{}, 500, 200, 500)
		for i := 0; i < 30; i++ {
			d.Enqueue(ev([]string{"authorization", "refund", "authorization.clearing"}[i%3], i))
		}
		d.Flush(context.Background())
		v.RunUntilIdle(100)
		return rec.bodies
	}
	a, b := run(), run()
	if fmt.Sprint(a) != fmt.Sprint(b) || len(a) < 3 {
		t.Fatalf("runs differ or too few requests (%d)", len(a))
	}
	d, _, rec := setup(t, Options{})
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				d.Enqueue(ev("authorization", g*100+i))
			}
		}(g)
	}
	wg.Wait()
	d.Flush(context.Background())
	n := 0
	for _, body := range rec.bodies {
		var env jit.WebhookEnvelope
		json.Unmarshal([]byte(body), &env)
		n += len(env.Transactions)
	}
	if n != 160 {
		t.Fatalf("delivered %d of 160", n)
	}
}

func TestCancelledFlushKeepsBatches(t *testing.T) {
	d, _, rec := setup(t, Options{})
	d.Enqueue(ev("authorization", 1))
	d.Enqueue(ev("refund", 1))
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := d.Flush(cancelled); err == nil {
		t.Fatal("cancelled flush reported no error")
	}
	if len(rec.bodies) != 0 || d.Pending() != 2 {
		t.Fatalf("sent %d, pending %d", len(rec.bodies), d.Pending())
	}
	d.Flush(context.Background())
	if len(rec.bodies) != 2 || d.Pending() != 0 {
		t.Fatalf("after a second flush: sent %d, pending %d", len(rec.bodies), d.Pending())
	}
}

// A batch Intercept lists twice goes back to the queue once when a flush is
// cancelled before it is sent, and is then delivered (twice) and counted once.
func TestCancelledFlushKeepsInterceptDuplicatesOnce(t *testing.T) {
	d, _, rec := setup(t, Options{Intercept: func(bs []Batch) []Batch { return append(bs, bs...) }})
	d.Enqueue(ev("authorization", 1))
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := d.Flush(cancelled); err == nil {
		t.Fatal("cancelled flush reported no error")
	}
	if len(rec.bodies) != 0 || d.Pending() != 1 {
		t.Fatalf("sent %d, pending %d", len(rec.bodies), d.Pending())
	}
	if err := d.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := d.Stats(); len(rec.bodies) != 2 || d.Pending() != 0 || st.Batches != 1 || st.Delivered != 1 {
		t.Fatalf("after a second flush: sent %d, pending %d, stats %+v", len(rec.bodies), d.Pending(), st)
	}
}
