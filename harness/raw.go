package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator/webhook"
)

// Endpoints a raw request can go to.
const (
	EndpointJIT      = "jit"
	EndpointWebhooks = "webhooks"
)

// RawRequest is an HTTP request the harness sends the gateway itself, past
// the fake Marqeta: duplicates, wrong credentials, bad signatures, broken
// bodies.
type RawRequest struct {
	Endpoint string // EndpointJIT or EndpointWebhooks
	Body     []byte
	// What describes it for the log.
	What string
	// Username and Password replace the target's Basic auth when either is
	// set; NoAuth sends none.
	Username, Password string
	NoAuth             bool
	// Sign signs a webhook body with the target's secret, when it has one.
	// Signature sets X-Marqeta-Signature as given instead. NoSignature
	// sends none.
	Sign        bool
	Signature   string
	NoSignature bool
	// ContentType is application/json when empty.
	ContentType string
}

// RawAnswer is the gateway's answer to a RawRequest.
type RawAnswer struct {
	Status int
	Body   []byte
	// Echo is the decoded JIT answer, when the body is one.
	Echo *jit.JITResponse
}

// SendRaw posts r to the gateway and logs it. Only transport failures are
// errors.
func (w *World) SendRaw(ctx context.Context, r RawRequest) (*RawAnswer, error) {
	url := w.target.JITURL
	if r.Endpoint == EndpointWebhooks {
		url = w.target.WebhookURL
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(r.Body))
	if err != nil {
		return nil, fmt.Errorf("raw request: %w", err)
	}
	req.Header.Set("Content-Type", firstNonEmpty(r.ContentType, "application/json"))
	switch {
	case r.NoAuth:
	case r.Username != "" || r.Password != "":
		req.SetBasicAuth(r.Username, r.Password)
	default:
		req.SetBasicAuth(w.target.Username, w.target.Password)
	}
	switch {
	case r.NoSignature:
	case r.Signature != "":
		req.Header.Set("X-Marqeta-Signature", r.Signature)
	case r.Sign && w.target.WebhookSecret != "":
		req.Header.Set("X-Marqeta-Signature", webhook.Sign("sha256", w.target.WebhookSecret, r.Body))
	}
	resp, err := w.target.client().Do(req)
	if err != nil {
		w.log.Addf("harness → gateway /%s: %s ⇒ %v", r.Endpoint, r.What, err)
		return nil, fmt.Errorf("send %s: %w", r.What, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("read answer to %s: %w", r.What, err)
	}
	ans := &RawAnswer{Status: resp.StatusCode, Body: body}
	var echo jit.JITResponse
	if r.Endpoint == EndpointJIT && json.Unmarshal(body, &echo) == nil && echo.JITFunding.Token != "" {
		ans.Echo = &echo
	}
	w.log.Addf("harness → gateway /%s: %s ⇒ HTTP %d %s", r.Endpoint, r.What, resp.StatusCode, clipBody(body))
	return ans, nil
}

// ResendJIT sends the JIT request of the event labelled ref ("" for the
// latest JIT request) again, byte for byte, as a duplicated network message
// would arrive, and expects the same answer as the first time: the same
// status, decline reason and approved amount. A different answer is an
// *ExpectationError.
func (w *World) ResendJIT(ctx context.Context, ref string) (*RawAnswer, error) {
	w.mu.Lock()
	tok := w.lastReq
	w.mu.Unlock()
	if ref != "" {
		ev, err := w.Ref(ref)
		if err != nil {
			return nil, err
		}
		tok = ev.Txn.Token
	}
	w.mu.Lock()
	req, first := w.requests[tok], w.outcomes[tok]
	w.mu.Unlock()
	if req == nil || first == nil {
		return nil, jit.Errorf(jit.EINVALID, "no JIT request to send again")
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("encode JIT request: %w", err)
	}
	ans, err := w.SendRaw(ctx, RawRequest{Endpoint: EndpointJIT, Body: body, What: "the same " + req.JITFundingOf().Method + " request again"})
	if err != nil {
		return nil, err
	}
	want := fmt.Sprintf("HTTP %d", first.Status)
	got := fmt.Sprintf("HTTP %d", ans.Status)
	if first.Echo != nil {
		want += " " + answerSummary(first.Echo)
	}
	if ans.Echo != nil {
		got += " " + answerSummary(ans.Echo)
	}
	if want != got {
		return ans, w.fail("answer to the duplicated JIT request", "the first answer again: "+want, got)
	}
	return ans, nil
}

func answerSummary(r *jit.JITResponse) string {
	s := "amount " + r.JITFunding.Amount.String()
	if r.JITFunding.DeclineReason != "" {
		s += " " + r.JITFunding.DeclineReason
	}
	return s
}

// SendAuthorizationRaw sends the gateway an authorization for amount on the
// cardholder's card straight to its JIT endpoint, with the given Basic auth
// (both empty: none at all), and returns its answer.
func (w *World) SendAuthorizationRaw(ctx context.Context, holder, amount, username, password string) (*RawAnswer, error) {
	h, err := w.Cardholder(holder)
	if err != nil {
		return nil, err
	}
	m, err := parseMinor(amount, h.Currency)
	if err != nil {
		return nil, err
	}
	r := RawRequest{Endpoint: EndpointJIT, Body: w.wellFormed(h, m), Username: username, Password: password}
	switch {
	case username == "" && password == "":
		r.NoAuth, r.What = true, "an authorization for "+FormatMoney(m, h.Currency)+" without credentials"
	default:
		r.What = "an authorization for " + FormatMoney(m, h.Currency) + " with user " + username + " and another password"
	}
	return w.SendRaw(ctx, r)
}
