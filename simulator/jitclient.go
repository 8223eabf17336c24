package simulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/jitsim/jitsim/jit"
)

// Outcome kinds: how the network saw the gateway's answer (protocol.md §3,
// §4, §9).
const (
	OutcomeApproved         = "approved"          // 200 with a matching echo
	OutcomePartial          = "partial"           // 200 for less, on a partial-approval capable POS
	OutcomeDeclined         = "declined"          // 402
	OutcomeTimeout          = "timeout"           // no answer within timeout_millis
	OutcomeConnectionError  = "connection_error"  // no connection, reset, refused
	OutcomeApplicationError = "application_error" // other status, malformed body, echo mismatch, over-approval
	OutcomeCommando         = "commando"          // manual Commando Mode: the gateway was not called
)

// Outcome is what came of one JIT request.
type Outcome struct {
	Kind          string           `json:"kind"`
	Approved      bool             `json:"approved"`
	Amount        int64            `json:"amount"`                   // approved, minor units
	DeclineReason string           `json:"decline_reason,omitempty"` // from a 402
	StandIn       string           `json:"standin_approved_by,omitempty"`
	Status        int              `json:"status,omitempty"` // the gateway's HTTP status
	Body          []byte           `json:"-"`                // the gateway's raw answer
	Echo          *jit.JITResponse `json:"-"`
	Latency       time.Duration    `json:"latency"` // real time the call took
	Error         string           `json:"error,omitempty"`
}

// failed reports whether the gateway failed (as opposed to answering).
func (o *Outcome) failed() bool {
	switch o.Kind {
	case OutcomeTimeout, OutcomeConnectionError, OutcomeApplicationError:
		return true
	}
	return false
}

const maxAnswerBytes = 1 << 20

// callGateway sends req to src's URL with its Basic auth and custom headers
// under timeout_millis and classifies the answer. want is the requested
// amount in minor units; partial says whether the point of sale accepts a
// partial approval.
func (e *Engine) callGateway(ctx context.Context, src *FundingSource, req *jit.Transaction, jf *jit.JITFunding, want int64, partial bool) Outcome {
	body, err := json.Marshal(req)
	if err != nil {
		return Outcome{Kind: OutcomeApplicationError, Error: "encode request: " + err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(src.TimeoutMillis)*time.Millisecond)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, src.URL, bytes.NewReader(body))
	if err != nil {
		return Outcome{Kind: OutcomeConnectionError, Error: err.Error()}
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "application/json")
	for k, v := range src.CustomHeader {
		hreq.Header.Set(k, v)
	}
	hreq.SetBasicAuth(src.BasicAuthUsername, src.BasicAuthPassword)
	start := time.Now()
	resp, err := e.client.Do(hreq)
	var data []byte
	if err == nil {
		data, err = io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
		resp.Body.Close()
	}
	o := Outcome{Latency: time.Since(start)}
	switch {
	case err != nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded)):
		o.Kind, o.Error = OutcomeTimeout, "Read timed out."
		return o
	case err != nil:
		o.Kind, o.Error = OutcomeConnectionError, connectionMessage(err)
		return o
	}
	o.Status, o.Body = resp.StatusCode, data
	classify(&o, jf, currencyOfJIT(req), want, partial)
	return o
}

// classify decides an answered call: 200 approves, 402 declines, and
// anything else, a body that is not the echo, or an approval above the
// request is an application error.
func classify(o *Outcome, jf *jit.JITFunding, cur string, want int64, partial bool) {
	if o.Status != http.StatusOK && o.Status != http.StatusPaymentRequired {
		o.Kind, o.Error = OutcomeApplicationError, "unexpected HTTP status "+http.StatusText(o.Status)
		return
	}
	var echo jit.JITResponse
	if err := json.Unmarshal(o.Body, &echo); err != nil {
		o.Kind, o.Error = OutcomeApplicationError, "malformed answer: "+err.Error()
		return
	}
	ej := &echo.JITFunding
	if ej.Token != jf.Token || ej.Method != jf.Method || ej.UserToken != jf.UserToken {
		o.Kind, o.Error = OutcomeApplicationError, "answer does not echo jit_funding token, method and user_token"
		return
	}
	o.Echo = &echo
	if o.Status == http.StatusPaymentRequired {
		o.Kind, o.DeclineReason = OutcomeDeclined, ej.DeclineReason
		return
	}
	got, err := ej.Amount.Minor(cur)
	switch {
	case err != nil:
		o.Kind, o.Error = OutcomeApplicationError, "answer amount: "+err.Error()
	case got == want || want == 0:
		o.Kind, o.Approved, o.Amount = OutcomeApproved, true, want
	case got > want || got <= 0:
		o.Kind, o.Error = OutcomeApplicationError, "answer approves an amount other than requested"
	case partial:
		o.Kind, o.Approved, o.Amount = OutcomePartial, true, got
	default:
		// Less than requested where the POS cannot take a partial approval.
		o.Kind = OutcomeDeclined
	}
}

func currencyOfJIT(t *jit.Transaction) string {
	return firstNonEmpty(t.CurrencyCode, jit.DefaultCurrency)
}

// connectionMessage describes a failed connection the way a gateway log
// would, without the gateway's address, so that messages (and transcripts)
// do not depend on the port a gateway happens to listen on.
func connectionMessage(err error) string {
	var dns *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "Connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "Connection reset"
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return "Connection closed before an answer"
	case errors.As(err, &dns):
		return "Unknown host"
	case errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH):
		return "Host unreachable"
	}
	return "Connection error"
}
