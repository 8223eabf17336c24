package fault

import (
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"os"
	"syscall"
)

// ConnectionError is the connection error fault: per JIT request, the
// request is not forwarded (the gateway never sees it) and the round trip
// fails as a refused connection: a *net.OpError wrapping
// syscall.ECONNREFUSED, which the engine classifies as
// OutcomeConnectionError.
type ConnectionError struct {
	Probability float64
	Rand        *rand.Rand // this fault's own stream
	dice
}

func (c *ConnectionError) roll() bool { return c.dice.roll(c.Probability, c.Rand) }

// refuse closes the request body and returns the refusal.
func (c *ConnectionError) refuse(req *http.Request) error {
	if req.Body != nil {
		req.Body.Close()
	}
	e := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	if ap, err := netip.ParseAddrPort(req.URL.Host); err == nil {
		e.Addr = net.TCPAddrFromAddrPort(ap)
	}
	return e
}
