package loadtest

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/jitsim/jitsim/reference-gateway/server"
	"github.com/jitsim/jitsim/reference-gateway/servertest"
)

const (
	gwUser = "marqeta"
	gwPass = "gateway-password-0123456789"
)

// gateway is an in-process reference gateway on 127.0.0.1:0, optionally
// behind a wrapper (slow, capacity-limited).
type gateway struct {
	base string
	srv  *server.Server
}

func startGateway(t testing.TB, wrap func(http.Handler) http.Handler) *gateway {
	t.Helper()
	base, s := servertest.Start(t, server.Config{Username: gwUser, Password: gwPass}, wrap)
	return &gateway{base: base, srv: s}
}

func (g *gateway) options(p Pacer) Options {
	return Options{GatewayURL: g.base + "/jit", AdapterURL: g.base + "/graphql", Username: gwUser, Password: gwPass,
		Pacer: p, Seed: 42, Accounts: 10, Start: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
}

var bg = context.Background()
