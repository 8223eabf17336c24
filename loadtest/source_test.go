package loadtest

import (
	"bytes"
	"testing"
	"time"

	"github.com/jitsim/jitsim/jit"
)

func testPool(t *testing.T, seed uint64, n int) *pool {
	t.Helper()
	p, err := generate(bg, genConfig{Seed: seed, N: n, Accounts: 5, Mix: Mix{Authorization: 50, Incremental: 40, BalanceInquiry: 10},
		Lag: 3, Start: t0, Step: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSourceTokensUniqueAcrossCycles renders four cycles of a pool and
// checks that every per-event token is new and every incremental points at
// the authorization of its own cycle, sent earlier.
func TestSourceTokensUniqueAcrossCycles(t *testing.T) {
	p := testPool(t, 7, 60)
	src := &source{p: p}
	seen := map[string]uint64{}
	authJIT := map[string]uint64{} // JIT token of an authorization → g
	authTxn := map[string]string{} // its transaction token → JIT token
	incrementals := 0
	for g := uint64(0); g < 4*src.size(); g++ {
		body := src.body(g)
		req, err := jit.DecodeTransaction(body)
		if err != nil {
			t.Fatalf("g %d: %v", g, err)
		}
		jf := req.JITFundingOf()
		for _, tok := range []string{req.Token, req.GPAOrder.Token, jf.Token} {
			if prev, dup := seen[tok]; dup {
				t.Fatalf("g %d reuses token %s of g %d", g, tok, prev)
			}
			if len(tok) > 36 {
				t.Fatalf("token %q longer than 36", tok)
			}
			seen[tok] = g
		}
		if m := src.meta(g); m.jitToken != jf.Token || m.method != jf.Method || m.user != jf.UserToken {
			t.Fatalf("g %d: meta %+v does not describe the body (%s %s %s)", g, m, jf.Token, jf.Method, jf.UserToken)
		}
		if req.GPAOrder.TransactionToken != req.Token {
			t.Fatalf("g %d: gpa_order.transaction_token %s, token %s", g, req.GPAOrder.TransactionToken, req.Token)
		}
		switch jf.Method {
		case MethodAuthorization:
			authJIT[jf.Token], authTxn[req.Token] = g, jf.Token
		case MethodIncremental:
			incrementals++
			ag, ok := authJIT[jf.OriginalJITFundingToken]
			if !ok || ag/src.size() != g/src.size() || ag+3 > g {
				t.Fatalf("g %d: incremental of %s (g %d, known %v): not an earlier authorization of its cycle", g, jf.OriginalJITFundingToken, ag, ok)
			}
			if authTxn[req.PrecedingRelatedTransactionToken] != jf.OriginalJITFundingToken {
				t.Fatalf("g %d: preceding transaction %s is not the original authorization's", g, req.PrecedingRelatedTransactionToken)
			}
		}
	}
	if incrementals < 8 {
		t.Fatalf("only %d incrementals in 4 cycles", incrementals)
	}
}

func TestGenerateDeterministic(t *testing.T) {
	a, b, c := testPool(t, 11, 30), testPool(t, 11, 30), testPool(t, 12, 30)
	same := true
	for i := range a.t {
		if !bytes.Equal(a.t[i].body, b.t[i].body) {
			t.Fatalf("body %d differs under the same seed", i)
		}
		same = same && bytes.Equal(a.t[i].body, c.t[i].body)
	}
	if same {
		t.Fatal("another seed gave the same bodies")
	}
}

func TestGenerateGivenCardholders(t *testing.T) {
	holders := []Cardholder{{UserToken: "bb-user-1", CardToken: "bb-card-1"}, {UserToken: "bb-user-2"}}
	p, err := generate(bg, genConfig{Seed: 1, N: 40, Cardholders: holders, Mix: DefaultMix, Lag: 5, Start: t0, Step: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]int{}
	for _, tm := range p.t {
		users[tm.user]++
	}
	if len(users) != 2 || users["bb-user-1"] == 0 || users["bb-user-2"] == 0 {
		t.Fatalf("bodies spend from %v, want the two given users", users)
	}
}
