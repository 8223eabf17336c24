package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jitsim/jitsim/jit"
)

// echoHandler approves every JIT request with its echo, after wait (a fixed
// service time) under a semaphore of slots concurrent requests: a server
// whose capacity is slots/wait requests per second whatever the machine.
func echoHandler(slots int, wait time.Duration) http.Handler {
	sem := make(chan struct{}, max(slots, 1))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if slots > 0 {
			sem <- struct{}{}
			time.Sleep(wait)
			<-sem
		}
		req, err := jit.DecodeTransaction(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		jf := req.JITFundingOf()
		out, _ := json.Marshal(jit.JITResponse{JITFunding: jit.JITFunding{Token: jf.Token, Method: jf.Method, UserToken: jf.UserToken, Amount: jf.Amount}})
		w.Header().Set("Content-Type", "application/json")
		w.Write(out)
	})
}

func serve(t *testing.T, h http.Handler, h2c bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: h}
	if h2c {
		var p http.Protocols
		p.SetHTTP1(true)
		p.SetUnencryptedHTTP2(true)
		hs.Protocols = &p
	}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return "http://" + ln.Addr().String() + "/jit"
}

// TestSlowGatewayBreachesSLA: a gateway that takes 300 ms breaches a
// p99<=100ms SLA, and answers past the 250 ms timeout are declines.
func TestSlowGatewayBreachesSLA(t *testing.T) {
	url := serve(t, echoHandler(1000, 300*time.Millisecond), false)
	rep, err := Run(bg, Options{GatewayURL: url, Pacer: Constant(50, time.Second), Timeout: 250 * time.Millisecond, SLA: "p99<=100ms", Accounts: 3, Seed: 1, Start: t0})
	if err != nil {
		t.Fatal(err)
	}
	if rep.SLA.Pass || rep.Pass {
		t.Fatalf("slow gateway passed: %+v", rep.SLA)
	}
	if rep.Approved != 0 || rep.DeclineReasons[KindTimeout] != rep.Requests || rep.Requests != 50 {
		t.Fatalf("approved %d, reasons %v of %d: every late answer is a timeout decline", rep.Approved, rep.DeclineReasons, rep.Requests)
	}
}

// TestFindMaxKnownCapacity: a server with 4 slots and a 20 ms service time
// serves at most 200 requests/s. The search must land near it: above 100
// (which it serves with room to spare) and not above 250.
func TestFindMaxKnownCapacity(t *testing.T) {
	if testing.Short() {
		t.Skip("capacity search takes ~10 s")
	}
	url := serve(t, echoHandler(4, 20*time.Millisecond), false)
	rep, err := Run(bg, Options{GatewayURL: url, Timeout: time.Second, SLA: "p99<=150ms,errors<=0%", Accounts: 3, Seed: 2, Start: t0,
		FindMax: &FindMax{Start: 50, MaxRate: 1600, Step: time.Second, Pause: -1, MaxSteps: 9, Precision: 0.1}})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	rep.WriteText(&b)
	t.Log("\n" + b.String())
	f := rep.FindMax
	if f == nil || len(f.Steps) < 4 {
		t.Fatalf("find-max %+v", f)
	}
	if f.MaxRate < 100 || f.MaxRate > 250 {
		t.Fatalf("max rate %.0f outside [100, 250] for a 200/s server", f.MaxRate)
	}
	if f.Steps[0].Rate != 50 || f.Steps[1].Rate != 100 || !f.Steps[0].Pass {
		t.Fatalf("ladder does not double from 50: %+v", f.Steps)
	}
	if !rep.Pass || !strings.Contains(b.String(), "Highest rate meeting the SLA") {
		t.Fatalf("pass %v", rep.Pass)
	}
}

// TestHTTP2 speaks h2c to a server that accepts it.
func TestHTTP2(t *testing.T) {
	var h2 atomic.Int64
	inner := echoHandler(0, 0)
	url := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor == 2 {
			h2.Add(1)
		}
		inner.ServeHTTP(w, r)
	}), true)
	rep, err := Run(bg, Options{GatewayURL: url, Pacer: Constant(100, 500*time.Millisecond), HTTP2: true, Accounts: 2, Seed: 3, Start: t0})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Approved != 50 || h2.Load() != 50 {
		t.Fatalf("approved %d, HTTP/2 requests %d, want 50", rep.Approved, h2.Load())
	}
}

// TestReconcileFindsDrift: a gateway front that approves one request in
// ten without booking it leaves pending below the approvals.
func TestReconcileFindsDrift(t *testing.T) {
	var n atomic.Int64
	fake := echoHandler(0, 0)
	g := startGateway(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/jit" && n.Add(1)%10 == 0 {
				fake.ServeHTTP(w, r) // approved, never booked
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	o := g.options(Constant(100, time.Second))
	o.Reconcile, o.Mix = true, Mix{Authorization: 1}
	rep, err := Run(bg, o)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Approved != 100 || rep.Reconcile == nil || rep.Reconcile.OK || rep.Reconcile.DriftAccounts == 0 || rep.Pass {
		t.Fatalf("approved %d, reconcile %+v, pass %v: the unbooked approvals must show as drift", rep.Approved, rep.Reconcile, rep.Pass)
	}
	for _, d := range rep.Reconcile.Drift {
		if d.GotPending >= d.WantPending || d.GotLedger != d.WantLedger {
			t.Fatalf("drift %+v: pending should be short, ledger right", d)
		}
	}
}

// TestLateApprovalsAreNotDrift: the reference gateway behind a front that
// holds some answers past the timeout books holds Marqeta declined; the
// reconciliation finds them by JIT token and reports them apart.
func TestLateApprovalsAreNotDrift(t *testing.T) {
	var n atomic.Int64
	g := startGateway(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/jit" && n.Add(1)%10 == 0 {
				rec := &bufferedWriter{header: http.Header{}}
				h.ServeHTTP(rec, r.WithContext(bg)) // booked at once...
				<-r.Context().Done()                // ...answered after the client gave up
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	o := g.options(Constant(100, time.Second))
	o.Reconcile, o.Mix, o.Timeout = true, Mix{Authorization: 1}, 500*time.Millisecond
	rep, err := Run(bg, o)
	if err != nil {
		t.Fatal(err)
	}
	// The 10 held answers time out and were booked; on a loaded machine an
	// ordinary answer may time out too (booked or not): never drift.
	r, timeouts := rep.Reconcile, int(rep.DeclineReasons[KindTimeout])
	if r == nil || !r.OK || r.LateHolds < 10 || r.LateHolds > timeouts || r.Uncertain != timeouts {
		t.Fatalf("reconcile %+v, reasons %v", r, rep.DeclineReasons)
	}
}

// TestLateIncrementalsAreNotDrift: incrementals the gateway books after
// the timeout raise their authorization's hold, which no token finds; the
// reconciliation allows for them and still finds no drift.
func TestLateIncrementalsAreNotDrift(t *testing.T) {
	var lateIncr atomic.Int64
	g := startGateway(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			if r.URL.Path == "/jit" && bytes.Contains(body, []byte(MethodIncremental)) {
				lateIncr.Add(1)
				h.ServeHTTP(&bufferedWriter{header: http.Header{}}, r.WithContext(bg))
				<-r.Context().Done()
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	o := g.options(Constant(200, time.Second))
	o.Reconcile, o.Timeout = true, 500*time.Millisecond
	o.Mix = Mix{Authorization: 50, Incremental: 50}
	rep, err := Run(bg, o)
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Reconcile
	if lateIncr.Load() == 0 || r == nil || !r.OK || r.Unverifiable == 0 {
		t.Fatalf("late incrementals %d, reconcile %+v", lateIncr.Load(), r)
	}
}

type bufferedWriter struct {
	header http.Header
	buf    bytes.Buffer
	code   int
}

func (b *bufferedWriter) Header() http.Header         { return b.header }
func (b *bufferedWriter) Write(p []byte) (int, error) { return b.buf.Write(p) }
func (b *bufferedWriter) WriteHeader(c int)           { b.code = c }

// TestMergeSumsRequests: two nodes' results files merge into one report.
func TestMergeSumsRequests(t *testing.T) {
	url := serve(t, echoHandler(0, 0), false)
	var files [2]bytes.Buffer
	for i := range files {
		_, err := Run(bg, Options{GatewayURL: url, Pacer: Constant(100, 500*time.Millisecond), Accounts: 2, Seed: uint64(10 + i), Start: t0,
			Output: &files[i], Name: []string{"node-1", "node-2"}[i]})
		if err != nil {
			t.Fatal(err)
		}
	}
	var plotBuf bytes.Buffer
	rep, err := Merge([]io.Reader{&files[0], &files[1]}, MergeOptions{SLA: "p99<=2s", Plot: &plotBuf})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Requests != 100 || rep.Approved != 100 || !rep.Pass || rep.TimeoutMS != 3000 {
		t.Fatalf("merged requests %d approved %d pass %v timeout %v", rep.Requests, rep.Approved, rep.Pass, rep.TimeoutMS)
	}
	if !strings.Contains(plotBuf.String(), "node-2 corrected") {
		t.Fatal("plot lacks the second node's corrected series")
	}
	if _, err := Merge([]io.Reader{strings.NewReader("not results")}, MergeOptions{}); jit.ErrorCode(err) != jit.EINVALID {
		t.Fatalf("merge of garbage: %v", err)
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n++; f.n > 3 {
		return 0, io.ErrShortWrite
	}
	return len(p), nil
}

// TestOutputErrorStopsRun: a results file that cannot be written ends the
// run with an error (and the attack's workers are drained, not leaked).
func TestOutputErrorStopsRun(t *testing.T) {
	url := serve(t, echoHandler(0, 0), false)
	_, err := Run(bg, Options{GatewayURL: url, Pacer: Constant(200, 500*time.Millisecond), Accounts: 2, Seed: 4, Start: t0, Output: &failWriter{}})
	if err == nil || !strings.Contains(err.Error(), "write results") {
		t.Fatalf("err %v", err)
	}
}

// TestCancelStopsRun: cancelling the context stops the attack; the report
// says how much was sent and warns that the run was interrupted.
func TestCancelStopsRun(t *testing.T) {
	var n atomic.Int64
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	inner := echoHandler(0, 0)
	url := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 50 {
			cancel()
		}
		inner.ServeHTTP(w, r)
	}), false)
	rep, err := Run(ctx, Options{GatewayURL: url, Pacer: Constant(100, 30*time.Second), Accounts: 2, Seed: 5, Start: t0})
	if !errors.Is(err, context.Canceled) || rep == nil {
		t.Fatalf("rep %v err %v", rep, err)
	}
	if rep.Requests < 50 || rep.Requests >= 3000 || len(rep.Warnings) == 0 || !strings.Contains(strings.Join(rep.Warnings, " "), "interrupted") {
		t.Fatalf("requests %d warnings %v", rep.Requests, rep.Warnings)
	}
}
