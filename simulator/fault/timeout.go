package fault

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
)

// Timeout is the gateway timeout fault: per JIT request, the request is
// forwarded (the gateway sees it and may book a hold), then its answer is
// treated as arriving after timeout_millis: the round trip fails at once
// with an error wrapping context.DeadlineExceeded, which the engine
// classifies as OutcomeTimeout (the webhook says DECLINED, gateway_log
// timed_out true). No real time passes.
type Timeout struct {
	Probability float64
	Rand        *rand.Rand // this fault's own stream
	dice
}

// ErrLate is the cause of an injected timeout; errors.Is(err,
// context.DeadlineExceeded) holds for it.
var ErrLate = fmt.Errorf("fault %s: the gateway's answer arrived after timeout_millis: %w", NameTimeout, context.DeadlineExceeded)

func (t *Timeout) roll() bool { return t.dice.roll(t.Probability, t.Rand) }

// late discards the gateway's answer and returns ErrLate. A round trip that
// failed on its own keeps its own error.
func (t *Timeout) late(resp *http.Response, err error) (*http.Response, error) {
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswer))
	resp.Body.Close()
	return nil, ErrLate
}
