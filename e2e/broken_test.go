package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/jitsim/jitsim/simulator/oracle"
	"github.com/jitsim/jitsim/simulator/run"
	"github.com/jitsim/jitsim/simulator/traffic"
)

// webhookRewriter wraps a gateway so that every webhook body passes through
// edit first: edit gets each transaction event (decoded with UseNumber, so
// amounts stay exact) and returns the events to hand on — none, the same
// one changed, or more. An emptied body is answered 200 without reaching the
// gateway, as a gateway that ignored the events would.
func webhookRewriter(edit func(ev map[string]any) []map[string]any) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/webhooks" {
				next.ServeHTTP(w, r)
				return
			}
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			var msg struct {
				Transactions []map[string]any `json:"transactions"`
			}
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.UseNumber()
			if err := dec.Decode(&msg); err != nil || msg.Transactions == nil {
				r.Body = io.NopCloser(bytes.NewReader(body)) // a ping, or not ours to judge
				next.ServeHTTP(w, r)
				return
			}
			var kept []map[string]any
			for _, ev := range msg.Transactions {
				kept = append(kept, edit(ev)...)
			}
			if len(kept) == 0 {
				w.WriteHeader(http.StatusOK)
				return
			}
			out, err := json.Marshal(map[string]any{"transactions": kept})
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(out))
			r.ContentLength = int64(len(out))
			next.ServeHTTP(w, r)
		})
	}
}

func str(ev map[string]any, key string) string {
	s, _ := ev[key].(string)
	return s
}

// timedOut reports whether a webhook says the gateway's answer came too late
// (gpa_order.funding.gateway_log.timed_out).
func timedOut(ev map[string]any) bool {
	order, _ := ev["gpa_order"].(map[string]any)
	funding, _ := order["funding"].(map[string]any)
	log, _ := funding["gateway_log"].(map[string]any)
	b, _ := log["timed_out"].(bool)
	return b
}

// TestRunReportsDriftOfBrokenGateways wraps the reference gateway in three
// deliberate bugs and expects the run to report drift (exit status 1 in the
// commands) with the drifting accounts' histories.
func TestRunReportsDriftOfBrokenGateways(t *testing.T) {
	tests := []struct {
		name   string
		faults func(p *traffic.Profile)
		wrap   func(http.Handler) http.Handler
		// how every drifting account must differ
		wrong func(expected, actual oracle.Balance) bool
	}{
		{
			// Approves, times out at Marqeta, and never hears that it must
			// release the hold: drops DECLINED webhooks that say timed_out.
			name:   "never releases a hold after a timeout",
			faults: func(p *traffic.Profile) { p.Faults.Timeout = 0.2 },
			wrap: webhookRewriter(func(ev map[string]any) []map[string]any {
				if str(ev, "state") == "DECLINED" && timedOut(ev) {
					return nil
				}
				return []map[string]any{ev}
			}),
			wrong: func(e, a oracle.Balance) bool { return a.Available < e.Available }, // a kept hold, or a kept PIN debit
		},
		{
			// Books a webhook delivered twice as two events: the second
			// delivery of a token reaches the ledger under a new token.
			name:   "books a duplicated webhook twice",
			faults: func(p *traffic.Profile) { p.Faults.WebhookDuplicate = 0.3 },
			wrap: func() func(http.Handler) http.Handler {
				var mu sync.Mutex
				seen := map[string]bool{}
				return webhookRewriter(func(ev map[string]any) []map[string]any {
					mu.Lock()
					defer mu.Unlock()
					tok := str(ev, "token")
					if seen[tok] {
						ev["token"] = tok[:len(tok)-4] + "dup0"
					}
					seen[tok] = true
					return []map[string]any{ev}
				})
			}(),
			wrong: func(e, a oracle.Balance) bool { return a != e },
		},
		{
			// Keeps the rest of the hold after a final clearing: every
			// clearing reaches the ledger as the first of two.
			name:   "keeps the hold after clearing",
			faults: func(p *traffic.Profile) {},
			wrap: webhookRewriter(func(ev map[string]any) []map[string]any {
				if str(ev, "type") == "authorization.clearing" && str(ev, "preceding_related_transaction_token") != "" {
					ev["multi_clearing_sequence_number"] = "01"
					ev["multi_clearing_sequence_count"] = "02"
					ev["is_final_clearing"] = false
					delete(ev, "amount_to_be_released")
				}
				return []map[string]any{ev}
			}),
			wrong: func(e, a oracle.Balance) bool { return a.Pending > e.Pending && a.Ledger == e.Ledger },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := runProfile(21, 800)
			p.Faults = traffic.Default().Faults
			tt.faults(&p)
			rep, err := runAgainst(t, runGateway(t, tt.wrap), p, nil)
			if !errors.Is(err, run.ErrDrift) {
				t.Fatalf("want ErrDrift, got %v", err)
			}
			if rep == nil || rep.Pass || rep.DriftAccounts == 0 || len(rep.Drift) != rep.DriftAccounts {
				t.Fatalf("report: %+v", rep)
			}
			for _, d := range rep.Drift {
				if len(d.History) == 0 {
					t.Fatalf("drifting account %s without a history", d.Account)
				}
				if !tt.wrong(d.Expected, d.Actual) {
					t.Fatalf("account %s drifts the wrong way: expected %+v, gateway %+v", d.Account, d.Expected, d.Actual)
				}
			}
			var text bytes.Buffer
			if err := rep.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(text.String(), "FAIL") || !strings.Contains(text.String(), "drift "+rep.Drift[0].Account) {
				t.Fatalf("text report does not show the failure:\n%s", text.String())
			}
		})
	}
}
