package features

import (
	"net"
	"net/http"
	"os"
	"testing"

	"github.com/jitsim/jitsim/harness"
	"github.com/jitsim/jitsim/reference-gateway/ledger"
	"github.com/jitsim/jitsim/reference-gateway/server"
)

const (
	gwUser   = "marqeta"
	gwPass   = "gateway-password-0123456789"
	gwSecret = "webhook-secret-0123456789"
)

// referenceGateways returns a NewTarget that starts a fresh reference
// gateway for every scenario, on its own journal, served on 127.0.0.1:0,
// with the spend controls controls.feature describes. wrap, when set, stands
// between the network and the gateway's handler (a broken gateway).
func referenceGateways(t testing.TB, wrap func(http.Handler) http.Handler) func(string) (harness.Target, func(), error) {
	root := t.TempDir()
	return func(string) (harness.Target, func(), error) {
		dir, err := os.MkdirTemp(root, "journal-")
		if err != nil {
			return harness.Target{}, nil, err
		}
		s, err := server.Open(server.Config{JournalDir: dir, Username: gwUser, Password: gwPass, WebhookSecret: gwSecret,
			Controls: ledger.Controls{MaxAmount: map[string]int64{"USD": 500_00}, DailyCount: 10, BlockedMCCs: map[string]bool{"7995": true}}})
		if err != nil {
			return harness.Target{}, nil, err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			s.Close()
			return harness.Target{}, nil, err
		}
		h := s.Handler()
		if wrap != nil {
			h = wrap(h)
		}
		srv := &http.Server{Handler: h}
		go srv.Serve(ln)
		base := "http://" + ln.Addr().String()
		return harness.Target{
				JITURL: base + "/jit", WebhookURL: base + "/webhooks", AdapterURL: base + "/graphql",
				Username: gwUser, Password: gwPass, WebhookSecret: gwSecret,
			}, func() {
				srv.Close()
				s.Close()
				os.RemoveAll(dir)
			}, nil
	}
}
