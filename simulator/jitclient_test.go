package simulator

import (
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
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
	// Errors as http.Client returns them, built here: no network needed.
	wrap := func(err error) error { return &url.Error{Op: "Post", URL: "http://gw.example:8080/jit", Err: err} }
	for _, tc := range []struct {
		err  error
		want string
	}{
		{wrap(&net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "gw.example", IsNotFound: true}}), "Unknown host"},
		{wrap(&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}), "Connection refused"},
		{wrap(&net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}), "Connection reset"},
		{wrap(io.ErrUnexpectedEOF), "Connection closed before an answer"},
		{&net.OpError{Op: "read", Err: errString("weird")}, "Connection error"},
	} {
		got := connectionMessage(tc.err)
		if got != tc.want {
			t.Errorf("connectionMessage(%v) = %q, want %q", tc.err, got, tc.want)
		}
		if strings.Contains(got, "gw.example") {
			t.Errorf("%q names the gateway", got)
		}
	}
}

type errString string

func (e errString) Error() string { return string(e) }
