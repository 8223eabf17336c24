//go:build unix

package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jitsim/jitsim/adapter"
	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/reference-gateway/ledger"
)

// The crash test's knobs. Each worker owns crashAccounts accounts and sends
// one request at a time, so at most one request per account is in flight
// when the gateway is killed.
const (
	crashRounds      = 2    // kill/restart cycles on the same journal
	crashWorkers     = 8    // concurrent clients
	crashAccounts    = 4    // accounts per worker
	crashKillAfter   = 1000 // acknowledged requests per round before the SIGKILL
	crashMaxRequests = 4000
	crashDeadline    = 50 * time.Second // the whole test

	crashChildEnv = "JITSIM_CRASH_CHILD"
	crashDirEnv   = "JITSIM_CRASH_DIR"
)

// TestCrashHelperProcess is the gateway TestCrashRecovery kills: the test
// binary re-executed with JITSIM_CRASH_CHILD=1. It prints its address on
// stdout and serves until SIGKILL, snapshotting often so that kills also land
// around snapshots. It exits by itself when the parent goes away (stdin
// closes) or after two minutes.
func TestCrashHelperProcess(t *testing.T) {
	if os.Getenv(crashChildEnv) != "1" {
		return
	}
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	time.AfterFunc(2*time.Minute, func() { os.Exit(4) })
	// The journal syncs as under `jitsim gateway`: holding its processor, on
	// a real-time thread where permitted.
	TuneRuntime(true)
	s, err := Open(Config{
		JournalDir: os.Getenv(crashDirEnv), Username: testUser, Password: testPass,
		SnapshotBytes: 32 << 10, SweepEvery: 10 * time.Millisecond, HoldProcessor: true, RealtimeFlusher: true,
	})
	if err != nil {
		fmt.Printf("open: %v\n", err)
		os.Exit(3)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Printf("listen: %v\n", err)
		os.Exit(3)
	}
	fmt.Printf("listening %s\n", ln.Addr())
	err = s.Serve(context.Background(), ln)
	fmt.Fprintf(os.Stderr, "crash child: Serve returned before SIGKILL: %v\n", err)
	os.Exit(5)
}

// crashChild is a gateway child process.
type crashChild struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser // held open: the child exits when it closes
	base   string         // http://127.0.0.1:port
	waited bool
	stderr syncBuffer // what it wrote to stderr, also copied to the test's (syncBuffer: sidebyside_test.go)
}

// startCrashChild starts a gateway on dir in a child process and returns once
// it has printed its address: the journal is loaded and it is listening.
func startCrashChild(ctx context.Context, t *testing.T, dir string) *crashChild {
	t.Helper()
	c := &crashChild{}
	var err error
	c.cmd, c.stdin, c.base, err = startHelperProcess(ctx, "TestCrashHelperProcess",
		[]string{crashChildEnv + "=1", crashDirEnv + "=" + dir}, io.MultiWriter(os.Stderr, &c.stderr))
	if err != nil {
		t.Fatalf("gateway child: %v", err)
	}
	t.Cleanup(func() { c.kill() })
	return c
}

// kill SIGKILLs the child and reaps it. It reports whether the child was
// still running, i.e. died of this SIGKILL and not earlier on its own, and
// fails if the race detector reported a race in the child (a killed child
// cannot exit with the race detector's status).
func (c *crashChild) kill() (killedBySignal bool, err error) {
	if c.waited {
		return false, errors.New("already reaped")
	}
	c.waited = true
	c.cmd.Process.Signal(syscall.SIGKILL)
	werr := c.cmd.Wait()
	c.stdin.Close()
	ws, ok := c.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if strings.Contains(c.stderr.String(), "DATA RACE") {
		return false, errors.New("the race detector reported a data race in the gateway child (see its stderr above)")
	}
	if ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
		return true, nil
	}
	return false, fmt.Errorf("gateway child ended with %v before it was killed", werr)
}

type crashKind uint8

const (
	crashCredit  crashKind = iota + 1 // POST /graphql credit
	crashAuth                         // POST /jit pgfs.authorization
	crashClear                        // webhook: final clearing of an approval
	crashTimeout                      // webhook: the approval timed out at Marqeta, DECLINED: release the hold
	crashRefund                       // webhook: unlinked refund
)

func (k crashKind) String() string {
	return [...]string{"?", "credit", "authorization", "clearing", "timed-out decline", "refund"}[k]
}

// crashOp is one request and what the harness knows of its fate.
type crashOp struct {
	kind  crashKind
	acct  *crashAcct
	round int
	token string   // credit: idempotency key; auth: JIT token; webhook: event token
	txn   string   // auth: transaction token
	cents int64    // credit, refund: amount; auth: amount asked; clearing: amount cleared
	hold  *crashOp // clearing, timeout: the approval it closes
	body  []byte   // auth, webhook: the body sent

	want     bool // auth: the model approves it (amount ≤ available when sent)
	acked    bool // answered before the kill
	cut      bool // sent, and the connection died before an answer
	landed   bool // its effect is in the ledger: acknowledged, or cut and settled
	approved bool // auth: the gateway's answer, once known
	amount   int64
	reason   string
	closedBy *crashOp // auth: the landed webhook that closed its hold
}

func (o *crashOp) String() string {
	s := fmt.Sprintf("%s %s on %s (round %d, %s)", o.kind, o.token, o.acct.name, o.round, jit.MustMinor(o.cents, "USD"))
	if o.hold != nil {
		s += " of approval " + o.hold.token
	}
	return s
}

// crashAcct is one account and the model of its state: what every landed
// request did to it. Exactly one worker sends to it.
type crashAcct struct {
	name            string
	exists          bool
	ledger, pending int64
	open            []*crashOp // approvals no webhook was sent for yet
	ops             []*crashOp
}

// land applies o's effect to the model.
func (o *crashOp) land() {
	a := o.acct
	o.landed, a.exists = true, true
	switch o.kind {
	case crashCredit, crashRefund:
		a.ledger += o.cents
	case crashAuth:
		if o.approved {
			a.pending += o.amount
			a.open = append(a.open, o)
		}
	case crashClear:
		a.ledger -= o.cents
		a.pending -= o.hold.amount
		o.hold.closedBy = o
	case crashTimeout:
		a.pending -= o.hold.amount
		o.hold.closedBy = o
	}
}

// next picks the worker's next request on a: deterministic per round and
// worker. The first request on an account funds it, so that no decision is
// ever taken on an account that does not exist (those are not recorded).
func nextCrashOp(rng *rand.Rand, round, w, i int, a *crashAcct) *crashOp {
	id := fmt.Sprintf("%d-%d-%d", round, w, i)
	o := &crashOp{acct: a, round: round}
	take := func() *crashOp {
		h := a.open[0]
		a.open = a.open[1:]
		return h
	}
	switch r := rng.IntN(100); {
	case !a.exists || r < 18:
		o.kind, o.token, o.cents = crashCredit, "k-"+id, int64(20_00+rng.IntN(60)*1_00)
	case r < 30 && len(a.open) > 0:
		h := take()
		// Tips and partial clearings: the ledger moves by what cleared.
		o.kind, o.hold, o.token, o.cents = crashClear, h, "c-"+h.token, h.amount+int64(rng.IntN(7)-2)*50
		amount := jit.MustMinor(o.cents, "USD").String()
		o.body = webhook(event(jit.TypeAuthorizationClearing, jit.StateCompletion, a.name, o.token, "jc-"+h.token, amount, h.txn))
	case r < 38 && len(a.open) > 0:
		h := take()
		o.kind, o.hold, o.token, o.cents = crashTimeout, h, h.txn, h.amount
		amount := jit.MustMinor(h.amount, "USD").String()
		o.body = webhook(event(jit.TypeAuthorization, jit.StateDeclined, a.name, h.txn, h.token, amount, "", func(t *jit.Transaction) {
			t.GPAOrder.Funding.GatewayLog.TimedOut = jit.Bool(true)
		}))
	case r < 45:
		o.kind, o.token, o.cents = crashRefund, "r-"+id, int64(1_00+rng.IntN(1400))
		amount := jit.MustMinor(o.cents, "USD")
		o.body = webhook(event(jit.TypeRefund, jit.StateCompletion, a.name, o.token, "jr-"+id, amount.String(), "", func(t *jit.Transaction) {
			t.GPAOrder, t.GPAOrderUnload = nil, &jit.GPAReturns{Amount: amount, JITFunding: &jit.JITFunding{Token: "jr-" + id, Method: jit.MethodRefund, UserToken: a.name, Amount: amount}}
		}))
	default:
		o.kind, o.token, o.txn, o.cents = crashAuth, "j-"+id, "t-"+id, int64(5_00+rng.IntN(4000))
		o.want = o.cents <= a.ledger-a.pending
		o.body = jitRequest(jit.TypeAuthorization, jit.MethodAuthorization, a.name, o.token, o.txn, jit.MustMinor(o.cents, "USD").String())
	}
	return o
}

// crashResult is a gateway's answer to one request.
type crashResult struct {
	approved   bool
	amount     int64
	reason     string
	applied    int
	duplicates int
	acct       *adapter.Account
}

// crashSender sends requests to one gateway.
type crashSender struct {
	base string
	http *http.Client
	gql  *adapter.Client
}

func newCrashSender(base string) *crashSender {
	hc := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 2 * crashWorkers}}
	return &crashSender{base: base, http: hc, gql: &adapter.Client{URL: base + "/graphql", Username: testUser, Password: testPass, HTTP: hc}}
}

// errCut marks a transport failure: no answer, the request's effect unknown.
type errCut struct{ err error }

func (e errCut) Error() string { return "no answer: " + e.err.Error() }

func isCut(err error) bool {
	var c errCut
	var u *url.Error
	var n net.Error
	return errors.As(err, &c) || errors.As(err, &u) || errors.As(err, &n) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
}

// send sends o once. An error is an errCut (or the adapter client's wrapped
// transport error) when no answer came, any other error a wrong answer.
func (c *crashSender) send(ctx context.Context, o *crashOp) (crashResult, error) {
	var res crashResult
	if o.kind == crashCredit {
		acct, err := c.gql.Credit(ctx, o.acct.name, "USD", o.cents, o.token)
		res.acct = acct
		return res, err
	}
	path := "/webhooks"
	if o.kind == crashAuth {
		path = "/jit"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(o.body))
	if err != nil {
		return res, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(testUser, testPass)
	resp, err := c.http.Do(req)
	if err != nil {
		return res, errCut{err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return res, errCut{err}
	}
	switch {
	case o.kind == crashAuth && (resp.StatusCode == 200 || resp.StatusCode == 402):
		var out jit.JITResponse
		if err := json.Unmarshal(data, &out); err != nil || out.JITFunding.Token != o.token {
			return res, fmt.Errorf("HTTP %d with a bad JIT answer %q (%v)", resp.StatusCode, data, err)
		}
		res.approved, res.reason = resp.StatusCode == 200, out.JITFunding.DeclineReason
		if res.amount, err = out.JITFunding.Amount.Minor("USD"); err != nil {
			return res, fmt.Errorf("JIT answer amount: %v", err)
		}
	case o.kind != crashAuth && resp.StatusCode == 200:
		var out webhookResult
		if err := json.Unmarshal(data, &out); err != nil {
			return res, fmt.Errorf("HTTP 200 with a bad webhook answer %q", data)
		}
		res.applied, res.duplicates = out.Applied, out.Duplicates
	default:
		return res, fmt.Errorf("HTTP %d %s", resp.StatusCode, data)
	}
	return res, nil
}

// checkFirst checks the answer to a request sent for the first time against
// the model, before the op lands: the decision the model predicts, a webhook
// applied once, a credit whose returned balances are the model's.
func checkFirst(o *crashOp, res crashResult) error {
	a := o.acct
	switch o.kind {
	case crashAuth:
		if res.approved != o.want || res.approved && res.amount != o.cents || !res.approved && res.reason != jit.DeclineInsufficientFunds {
			return fmt.Errorf("answered approved=%v amount=%d reason=%q; want approved=%v amount=%d (available %d)",
				res.approved, res.amount, res.reason, o.want, o.cents, a.ledger-a.pending)
		}
	case crashCredit:
		if res.acct == nil || res.acct.Ledger != a.ledger+o.cents || res.acct.Pending != a.pending {
			return fmt.Errorf("answered %+v; want ledger %d pending %d", res.acct, a.ledger+o.cents, a.pending)
		}
	default:
		if res.applied != 1 || res.duplicates != 0 {
			return fmt.Errorf("answered applied=%d duplicates=%d; want applied=1", res.applied, res.duplicates)
		}
	}
	return nil
}

// record stores a first answer on o and lands it.
func (o *crashOp) record(res crashResult) {
	o.approved, o.amount, o.reason = res.approved, res.amount, res.reason
	o.land()
}

// TestCrashRecovery SIGKILLs the gateway, running in a child process, while
// eight clients send credits, authorizations, clearings, refunds and
// timed-out declines over 32 accounts; restarts it on the same journal and
// proves that every acknowledged approval, decline, credit and webhook
// survived, that each request cut off by the kill either landed whole or not
// at all, and that re-sending every request applies nothing twice. Then it
// does it all again on the same journal, whose tail was torn once already.
//
// The harness keeps a model of each account: each is owned by one client,
// which sends one request at a time, so every answer is predicted exactly
// and at most one request per account is in doubt after a kill.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("starts gateway child processes")
	}
	ctx, cancel := context.WithTimeout(context.Background(), crashDeadline)
	defer cancel()
	dir := t.TempDir()
	accts := make([][]*crashAcct, crashWorkers)
	for w := range accts {
		for k := 0; k < crashAccounts; k++ {
			accts[w] = append(accts[w], &crashAcct{name: fmt.Sprintf("crash-%d-%d", w, k)})
		}
	}
	for round := 1; round <= crashRounds; round++ {
		start := time.Now()
		child := startCrashChild(ctx, t, dir)
		snd := newCrashSender(child.base)
		var acked atomic.Int64
		enough, killed := make(chan struct{}), make(chan struct{})
		var wg sync.WaitGroup
		for w := 0; w < crashWorkers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(round), uint64(w)))
				for i := 0; i < crashMaxRequests; i++ {
					a := accts[w][i%crashAccounts]
					o := nextCrashOp(rng, round, w, i, a)
					a.ops = append(a.ops, o)
					res, err := snd.send(ctx, o)
					if err != nil {
						select {
						case <-killed:
							if isCut(err) {
								o.cut = true
								return
							}
						default:
						}
						t.Errorf("round %d: %s: %v", round, o, err)
						return
					}
					if err := checkFirst(o, res); err != nil {
						t.Errorf("round %d: %s: %v", round, o, err)
						return
					}
					o.acked = true
					o.record(res)
					if acked.Add(1) == crashKillAfter {
						close(enough)
					}
				}
			}()
		}
		workersDone := make(chan struct{})
		go func() { wg.Wait(); close(workersDone) }()
		select {
		case <-enough:
		case <-workersDone:
			t.Errorf("round %d: every client stopped after %d acknowledged requests, before the kill", round, acked.Load())
		case <-ctx.Done():
			t.Errorf("round %d: fewer than %d requests acknowledged before the deadline", round, crashKillAfter)
		}
		close(killed)
		bySignal, err := child.kill()
		wg.Wait()
		if !bySignal {
			t.Fatalf("round %d: %v", round, err)
		}
		if t.Failed() {
			return
		}
		files := journalFiles(t, dir)
		traffic := time.Since(start)
		n := verifyAfterCrash(ctx, t, dir, round, accts)
		t.Logf("round %d: SIGKILL after %d acknowledged requests (%s); %d cut off, %d of them had landed; journal %s; traffic %v, restart and checks %v",
			round, acked.Load(), crashMix(accts, round), n.cut, n.landed, files, traffic.Round(time.Millisecond), (time.Since(start) - traffic).Round(time.Millisecond))
		if t.Failed() {
			return
		}
	}
}

// crashMix counts a round's acknowledged requests by kind.
func crashMix(accts [][]*crashAcct, round int) string {
	var n [6]int
	declines := 0
	for _, group := range accts {
		for _, a := range group {
			for _, o := range a.ops {
				if o.round == round && o.acked {
					n[o.kind]++
					if o.kind == crashAuth && !o.approved {
						declines++
					}
				}
			}
		}
	}
	return fmt.Sprintf("%d credits, %d authorizations of which %d declined, %d clearings, %d timed-out declines, %d refunds",
		n[crashCredit], n[crashAuth], declines, n[crashClear], n[crashTimeout], n[crashRefund])
}

// journalFiles summarises the journal directory as the kill left it.
func journalFiles(t *testing.T, dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, e := range entries {
		count[filepath.Ext(e.Name())]++
	}
	return fmt.Sprintf("%d segments, %d snapshots, %d temporary", count[".log"], count[".snap"], count[".tmp"])
}

// verifyAfterCrash opens the journal in-process and checks it against the
// model: first as the kill left it (each account is its model plus, at most,
// its one cut request, whole), then after re-sending each cut request (which
// must report whether it had landed consistently with what the ledger
// shows), then after re-sending every request ever sent (nothing moves).
func verifyAfterCrash(ctx context.Context, t *testing.T, dir string, round int, accts [][]*crashAcct) (n struct{ cut, landed int }) {
	t.Helper()
	s, err := Open(Config{JournalDir: dir, Username: testUser, Password: testPass})
	if err != nil {
		t.Fatalf("round %d: reopen after SIGKILL: %v", round, err)
	}
	defer func() {
		if err := s.Close(); err != nil {
			t.Errorf("round %d: close: %v", round, err)
		}
	}()
	hs := httptest.NewServer(s.Handler())
	defer hs.Close()
	snd := newCrashSender(hs.URL)
	defer snd.http.CloseIdleConnections()
	view := func(a *crashAcct) (ledger.View, bool) {
		v, err := s.Ledger().Account(ctx, ledger.Key{Token: a.name, Currency: "USD"})
		if jit.ErrorCode(err) == jit.ENOTFOUND {
			return v, false
		}
		if err != nil {
			t.Fatalf("round %d: %s: %v", round, a.name, err)
		}
		return v, true
	}

	for _, group := range accts {
		for _, a := range group {
			var cut []*crashOp
			for _, o := range a.ops {
				if o.cut && !o.landed {
					cut = append(cut, o)
				}
			}
			if len(cut) > 1 {
				t.Fatalf("round %d: %s has %d requests in doubt; the harness sends one at a time", round, a.name, len(cut))
			}
			v, found := view(a)
			if len(cut) == 0 {
				checkCrashAcct(t, fmt.Sprintf("round %d, after restart", round), a, v, found)
				continue
			}
			// The cut request landed whole or not at all: the ledger says which.
			o := cut[0]
			n.cut++
			landed := false
			switch o.kind {
			case crashCredit, crashRefund:
				landed = v.Ledger == a.ledger+o.cents
			case crashAuth:
				landed = holdOf(v, o.token) != nil
			case crashClear, crashTimeout:
				h := holdOf(v, o.hold.token)
				landed = h != nil && h.State != ledger.Open
			}
			if landed {
				n.landed++
				if o.kind == crashAuth {
					o.approved, o.amount = true, holdOf(v, o.token).Amount
				}
				o.land()
			}
			when := fmt.Sprintf("round %d, after restart, with the cut-off %s landed=%v", round, o, landed)
			checkCrashAcct(t, when, a, v, found)
			if t.Failed() {
				return n
			}
			// Settle it: sent again, it must say what the ledger said.
			res, err := snd.send(ctx, o)
			if err != nil {
				t.Fatalf("round %d: re-sending cut-off %s: %v", round, o, err)
			}
			wantLedger := a.ledger
			if !landed {
				wantLedger += o.cents
			}
			switch {
			case o.kind == crashAuth && (res.approved != o.want || res.approved && res.amount != o.cents || landed && !res.approved):
				t.Fatalf("round %d: cut-off %s (hold there after restart: %v) re-sent: approved=%v amount=%d reason=%q; want approved=%v",
					round, o, landed, res.approved, res.amount, res.reason, o.want)
			case o.kind == crashCredit && (res.acct == nil || res.acct.Ledger != wantLedger):
				t.Fatalf("round %d: cut-off %s (landed: %v) re-sent: account %+v", round, o, landed, res.acct)
			case o.kind != crashAuth && o.kind != crashCredit && (res.duplicates == 1) != landed:
				t.Fatalf("round %d: cut-off %s: the ledger says landed=%v, re-sending it says applied=%d duplicates=%d",
					round, o, landed, res.applied, res.duplicates)
			}
			if !landed {
				o.record(res)
			}
			v, found = view(a)
			checkCrashAcct(t, fmt.Sprintf("round %d, after settling the cut-off %s", round, o), a, v, found)
		}
	}
	if t.Failed() {
		return n
	}

	// Every request ever sent, again, concurrently: the same answers, no
	// webhook applied, no credit booked, no balance moved.
	var wg sync.WaitGroup
	for _, group := range accts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, a := range group {
				for _, o := range a.ops {
					if !o.landed {
						t.Errorf("round %d: %s never settled", round, o)
						return
					}
					res, err := snd.send(ctx, o)
					switch {
					case err != nil:
						t.Errorf("round %d: re-sending %s: %v", round, o, err)
						return
					case o.kind == crashAuth && (res.approved != o.approved || res.amount != o.amount || res.reason != o.reason):
						t.Errorf("round %d: %s answered approved=%v amount=%d reason=%q, then approved=%v amount=%d reason=%q when re-sent",
							round, o, o.approved, o.amount, o.reason, res.approved, res.amount, res.reason)
					case o.kind == crashCredit && (res.acct == nil || res.acct.Ledger != a.ledger || res.acct.Pending != a.pending):
						t.Errorf("round %d: %s re-sent: account %+v; want ledger %d pending %d", round, o, res.acct, a.ledger, a.pending)
					case o.kind != crashAuth && o.kind != crashCredit && (res.applied != 0 || res.duplicates != 1):
						t.Errorf("round %d: %s re-sent: applied=%d duplicates=%d; want a duplicate", round, o, res.applied, res.duplicates)
					}
				}
			}
		}()
	}
	wg.Wait()

	// Conservation, from the requests rather than the running model.
	var credits, refunds, cleared, held, gotLedger, gotPending int64
	for _, group := range accts {
		for _, a := range group {
			v, found := view(a)
			checkCrashAcct(t, fmt.Sprintf("round %d, after re-sending every request", round), a, v, found)
			gotLedger += v.Ledger
			gotPending += v.Pending
			for _, o := range a.ops {
				switch {
				case o.kind == crashCredit:
					credits += o.cents
				case o.kind == crashRefund:
					refunds += o.cents
				case o.kind == crashClear:
					cleared += o.cents
				case o.kind == crashAuth && o.approved && o.closedBy == nil:
					held += o.amount
				}
			}
		}
	}
	if gotLedger != credits+refunds-cleared || gotPending != held {
		t.Errorf("round %d: money not conserved: Σ ledger %d, want credits %d + refunds %d − clearings %d = %d; Σ pending %d, want open approvals %d",
			round, gotLedger, credits, refunds, cleared, credits+refunds-cleared, gotPending, held)
	}
	return n
}

// holdOf returns v's hold for a JIT token, or nil.
func holdOf(v ledger.View, jitToken string) *ledger.HoldView {
	for i := range v.Holds {
		if v.Holds[i].JITToken == jitToken {
			return &v.Holds[i]
		}
	}
	return nil
}

// checkCrashAcct compares an account's view with its model: balances, and
// exactly one hold per landed approval, open or closed by the webhook that
// landed; no hold for a decline.
func checkCrashAcct(t *testing.T, when string, a *crashAcct, v ledger.View, found bool) {
	t.Helper()
	if found != a.exists {
		t.Errorf("%s: %s exists=%v, want %v", when, a.name, found, a.exists)
		return
	}
	if v.Ledger != a.ledger || v.Pending != a.pending || v.Available != v.Ledger-v.Pending {
		t.Errorf("%s: %s ledger %d pending %d available %d; want ledger %d pending %d available %d",
			when, a.name, v.Ledger, v.Pending, v.Available, a.ledger, a.pending, a.ledger-a.pending)
	}
	want := 0
	for _, o := range a.ops {
		if o.kind != crashAuth || !o.landed {
			continue
		}
		h := holdOf(v, o.token)
		if !o.approved {
			if h != nil {
				t.Errorf("%s: acknowledged decline %s left a hold %+v", when, o, *h)
			}
			continue
		}
		want++
		state, amount := ledger.Open, o.amount
		switch {
		case o.closedBy == nil:
		case o.closedBy.kind == crashClear:
			state, amount = ledger.Cleared, 0
		default:
			state, amount = ledger.Released, 0
		}
		switch {
		case h == nil:
			t.Errorf("%s: approval %s (acknowledged: %v): no hold", when, o, o.acked)
		case h.State != state || h.Amount != amount || h.TransactionToken != o.txn:
			t.Errorf("%s: approval %s: hold %+v; want %s, %d open, transaction %s", when, o, *h, state, amount, o.txn)
		}
	}
	if len(v.Holds) != want {
		t.Errorf("%s: %s has %d holds, want %d: %+v", when, a.name, len(v.Holds), want, v.Holds)
	}
}
