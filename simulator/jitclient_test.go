package simulator

import (
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator/clock"
)

// A gateway nobody listens on is a connection error whose gateway log says
// so without the gateway's address.
func TestConnectionRefusedMessage(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	e := New(Config{Clock: clock.NewVirtual(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)), Seed: 1})
	t.Cleanup(e.Close)
	card := setUp(t, e, "http://"+addr, 1000)
	x, err := e.Authorize(ctx, AuthRequest{CardToken: card, Amount: jit.MustAmount("5.00")})
	if err != nil {
		t.Fatal(err)
	}
	gl := x.GatewayLogOf()
	if x.State != jit.StateDeclined || gl == nil || gl.Message != "Connection refused" {
		t.Fatalf("state %s gateway_log %+v", x.State, gl)
	}
	if strings.Contains(gl.Message, addr) {
		t.Fatalf("message names the address: %q", gl.Message)
	}
}

func TestConnectionMessage(t *testing.T) {
	_, err := http.Get("http://no-such-host.invalid/")
	for _, tc := range []struct {
		err  error
		want string
	}{
		{err, "Unknown host"},
		{&net.OpError{Op: "read", Err: errString("weird")}, "Connection error"},
	} {
		if got := connectionMessage(tc.err); got != tc.want {
			t.Errorf("connectionMessage(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

type errString string

func (e errString) Error() string { return string(e) }
