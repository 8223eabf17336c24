// Package servertest starts in-process reference gateways for tests: a
// fresh journal in the test's temporary directory, a listener on
// 127.0.0.1:0, and clean-up when the test ends.
package servertest

import (
	"net"
	"net/http"
	"testing"

	"github.com/jitsim/jitsim/reference-gateway/server"
)

// Start opens a reference gateway with cfg (JournalDir defaults to a fresh
// t.TempDir()), serves its handler behind wrap (nil: as is) on
// 127.0.0.1:0, and returns its base URL, such as "http://127.0.0.1:41234",
// and the server. Failing to open or listen fails the test. Both stop when
// the test ends.
func Start(t testing.TB, cfg server.Config, wrap func(http.Handler) http.Handler) (string, *server.Server) {
	t.Helper()
	if cfg.JournalDir == "" {
		cfg.JournalDir = t.TempDir()
	}
	s, err := server.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.Close()
		t.Fatal(err)
	}
	h := s.Handler()
	if wrap != nil {
		h = wrap(h)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() {
		srv.Close()
		s.Close()
	})
	return "http://" + ln.Addr().String(), s
}
