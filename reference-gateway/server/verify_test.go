package server

import (
	"context"
	"testing"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/reference-gateway/ledger"
)

// An account verification's webhook, in any order and delivered twice,
// leaves no hold behind: nothing was ever held for it.
func TestAccountVerificationLeavesNoHold(t *testing.T) {
	ev := event(jit.TypeAuthorization, jit.StateCompletion, "u1", "t1", "j1", "0.00", "", func(t *jit.Transaction) {
		t.GPAOrder.JITFunding.Method = jit.MethodAuthorizationAccountVerification
	})
	req := jitRequest(jit.TypeAuthorization, jit.MethodAuthorizationAccountVerification, "u1", "j1", "t1", "0.00")
	for _, tc := range []struct {
		name  string
		posts [][2]string
	}{
		{"jit then webhook", [][2]string{{"/jit", string(req)}, {"/webhooks", string(webhook(ev))}}},
		{"webhook then jit", [][2]string{{"/webhooks", string(webhook(ev))}, {"/jit", string(req)}}},
		{"webhook twice", [][2]string{{"/jit", string(req)}, {"/webhooks", string(webhook(ev))}, {"/webhooks", string(webhook(ev))}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := startGateway(t, nil)
			g.fund("u1", 10_00)
			for _, p := range tc.posts {
				if status, out := g.post(p[0], []byte(p[1])); status != 200 {
					t.Fatalf("%s: %d %v", p[0], status, out)
				}
			}
			a, err := g.s.Ledger().Account(context.Background(), ledger.Key{Token: "u1", Currency: "USD"})
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Holds) != 0 || a.Balance != (ledger.Balance{Ledger: 10_00, Available: 10_00}) {
				t.Fatalf("balance %+v holds %+v", a.Balance, a.Holds)
			}
		})
	}
}
