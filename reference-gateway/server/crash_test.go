package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/reference-gateway/ledger"
)

// TestCrashHelperProcess is the gateway that TestCrashRecovery kills. It runs
// only when re-executed with JITSIM_CRASH_DIR set.
func TestCrashHelperProcess(t *testing.T) {
	dir := os.Getenv("JITSIM_CRASH_DIR")
	if dir == "" {
		return
	}
	s, err := Open(Config{JournalDir: dir, Username: testUser, Password: testPass})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(3)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.Exit(3)
	}
	fmt.Printf("listening %s\n", ln.Addr())
	s.Serve(context.Background(), ln) // until SIGKILL
}

// op is one request the harness sent, and what it knows of its fate.
type op struct {
	kind    string // "credit", "auth", "clear"
	acct    string
	jit     string // auth: JIT token; clear: the authorization's JIT token
	txn     string
	token   string // clear: event token; credit: idempotency key
	cents   int64
	acked   bool // answered: 200/402, or a credit that succeeded
	ok      bool // auth approved
	path    string
	body    []byte
	crashed bool // sent, and the connection died before the answer
}

// crashClient sends ops to one gateway address.
type crashClient struct {
	base   string
	client *http.Client
}

func (c *crashClient) send(o *op) error {
	req, _ := http.NewRequest(http.MethodPost, c.base+o.path, bytes.NewReader(o.body))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(testUser, testPass)
	resp, err := c.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	switch {
	case o.kind == "auth" && (resp.StatusCode == 200 || resp.StatusCode == 402):
		o.acked, o.ok = true, resp.StatusCode == 200
	case o.kind == "credit" && resp.StatusCode == 200 && bytes.Contains(data, []byte(`"ledger"`)) && !bytes.Contains(data, []byte(`"errors"`)):
		o.acked = true
	case o.kind == "clear" && resp.StatusCode == 200:
		o.acked = true
	default:
		return fmt.Errorf("%s %s: HTTP %d %s", o.kind, o.token, resp.StatusCode, data)
	}
	return nil
}

func creditOp(acct, key string, cents int64) *op {
	body, _ := json.Marshal(map[string]string{"query": fmt.Sprintf("mutation { credit(token: %q, amount: %q, idempotencyKey: %q) { ledger } }", acct, jit.MustMinor(cents, "USD").String(), key)})
	return &op{kind: "credit", acct: acct, token: key, cents: cents, path: "/graphql", body: body}
}

func authOp(acct, jitTok string, cents int64) *op {
	amount := jit.MustMinor(cents, "USD").String()
	return &op{kind: "auth", acct: acct, jit: jitTok, txn: "t-" + jitTok, cents: cents, path: "/jit",
		body: jitRequest(jit.TypeAuthorization, jit.MethodAuthorization, acct, jitTok, "t-"+jitTok, amount)}
}

func clearOp(a *op) *op {
	amount := jit.MustMinor(a.cents, "USD").String()
	return &op{kind: "clear", acct: a.acct, jit: a.jit, txn: a.txn, token: "c-" + a.jit, cents: a.cents, path: "/webhooks",
		body: webhook(event(jit.TypeAuthorizationClearing, jit.StateCompletion, a.acct, "c-"+a.jit, "jc-"+a.jit, amount, a.txn))}
}

// startChild runs the gateway in a child process on dir.
func startChild(t *testing.T, dir string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelperProcess$")
	cmd.Env = append(os.Environ(), "JITSIM_CRASH_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "listening ") {
		cmd.Process.Kill()
		t.Fatalf("child did not start: %q %v", line, err)
	}
	return cmd, "http://" + strings.TrimSpace(strings.TrimPrefix(line, "listening "))
}

// TestCrashRecovery SIGKILLs the gateway while traffic flows, restarts it on
// the same journal and proves that every acknowledged approval, decline,
// credit and webhook survived and that nothing is applied twice. It does so
// twice, so the second restart replays a journal that was cut mid-traffic
// once already.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	const workers, accountsPer = 6, 3
	var all []*op
	var allMu sync.Mutex
	for round := 0; round < 2; round++ {
		cmd, base := startChild(t, dir)
		c := &crashClient{base: base, client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: nil}}}
		var acked atomic.Int64
		killed, enough := make(chan struct{}), make(chan struct{})
		var once sync.Once
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				// Each worker owns its accounts: one request at a time per account.
				var mine []*op
				defer func() { allMu.Lock(); all = append(all, mine...); allMu.Unlock() }()
				send := func(o *op) bool {
					mine = append(mine, o)
					if err := c.send(o); err != nil {
						select {
						case <-killed:
							o.crashed = true
							return false
						default:
							t.Errorf("round %d: %v", round, err)
							return false
						}
					}
					if acked.Add(1) >= 400 {
						once.Do(func() { close(enough) })
					}
					return true
				}
				for i := 0; ; i++ {
					acct := fmt.Sprintf("acct-%d-%d", w, i%accountsPer)
					if (i/accountsPer)%3 == 0 && !send(creditOp(acct, fmt.Sprintf("k-%d-%d-%d", round, w, i), 50_00)) {
						return
					}
					a := authOp(acct, fmt.Sprintf("j-%d-%d-%d", round, w, i), int64(7_00+i%5*3_00))
					if !send(a) {
						return
					}
					if a.ok && i%2 == 0 && !send(clearOp(a)) {
						return
					}
				}
			}(w)
		}
		select {
		case <-enough:
		case <-time.After(60 * time.Second):
			t.Fatal("traffic too slow: fewer than 400 acknowledged requests in 60 s")
		}
		close(killed)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		wg.Wait()
		if t.Failed() {
			return
		}
		verifyAfterCrash(t, dir, all)
	}
}

// verifyAfterCrash opens the journal in-process, settles the requests that
// were cut off by re-sending them (each then landed exactly once), checks
// every account against what was acknowledged, and re-sends everything to
// prove nothing is applied twice.
func verifyAfterCrash(t *testing.T, dir string, ops []*op) {
	t.Helper()
	s, err := Open(Config{JournalDir: dir, Username: testUser, Password: testPass})
	if err != nil {
		t.Fatalf("reopen after SIGKILL: %v", err)
	}
	defer s.Close()
	hs := httptest.NewServer(s.Handler())
	defer hs.Close()
	c := &crashClient{base: hs.URL, client: &http.Client{Transport: &http.Transport{Proxy: nil}}}
	// Acknowledged holds must be there before anything is re-sent.
	for _, o := range ops {
		if o.kind == "auth" && o.acked && o.ok {
			v, err := s.Ledger().Account(context.Background(), ledger.Key{Token: o.acct, Currency: "USD"})
			if err != nil {
				t.Fatalf("acknowledged approval %s: account lost: %v", o.jit, err)
			}
			found := false
			for _, h := range v.Holds {
				found = found || h.JITToken == o.jit
			}
			if !found {
				t.Fatalf("acknowledged approval %s lost after SIGKILL", o.jit)
			}
		}
	}
	for _, o := range ops {
		if o.crashed {
			if err := c.send(o); err != nil {
				t.Fatalf("re-send of cut-off %s %s: %v", o.kind, o.token+o.jit, err)
			}
		}
	}
	crashed := 0
	for _, o := range ops {
		if o.crashed {
			crashed++
		}
	}
	t.Logf("%d requests sent, %d cut off by SIGKILL and settled by re-sending", len(ops), crashed)
	want := expected(ops)
	check := func(when string) {
		t.Helper()
		for acct, b := range want {
			v, err := s.Ledger().Account(context.Background(), ledger.Key{Token: acct, Currency: "USD"})
			if jit.ErrorCode(err) == jit.ENOTFOUND && b == (ledger.Balance{}) {
				continue // only declines: the account was never created
			}
			if err != nil {
				t.Fatalf("%s: %s: %v", when, acct, err)
			}
			if v.Ledger != b.Ledger || v.Pending != b.Pending || v.Available != v.Ledger-v.Pending {
				t.Fatalf("%s: %s ledger %d pending %d, want ledger %d pending %d", when, acct, v.Ledger, v.Pending, b.Ledger, b.Pending)
			}
		}
	}
	check("after restart")
	// Everything again: every answer the same, no balance moves.
	for _, o := range ops {
		if !o.acked {
			continue
		}
		wasOK := o.ok
		if err := c.send(o); err != nil {
			t.Fatalf("re-send %s: %v", o.kind, err)
		}
		if o.kind == "auth" && o.ok != wasOK {
			t.Fatalf("JIT %s answered %v before the crash and %v after", o.jit, wasOK, o.ok)
		}
	}
	check("after re-sending everything")
}

// expected computes each account's balances from what landed: credits add,
// approved authorizations hold, clearings move the held amount to the ledger.
func expected(ops []*op) map[string]ledger.Balance {
	want := map[string]ledger.Balance{}
	for _, o := range ops {
		if !o.acked {
			continue
		}
		b := want[o.acct]
		switch {
		case o.kind == "credit":
			b.Ledger += o.cents
		case o.kind == "auth" && o.ok:
			b.Pending += o.cents
		case o.kind == "clear":
			b.Ledger -= o.cents
			b.Pending -= o.cents
		}
		want[o.acct] = b
	}
	return want
}
