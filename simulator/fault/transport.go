package fault

import (
	"fmt"
	"net/http"
)

// JITTransport wraps next (http.DefaultTransport when nil) with the JIT
// faults, for simulator.Config.HTTPClient.Transport. Each round trip is one
// JIT request; every fault with a probability above 0 draws once for it.
//
// A request gets at most one of connection error, timeout and 5xx, in that
// precedence: a refused connection never reaches the gateway, so nothing
// after it applies; a timeout loses the answer, so there is none to
// replace with a 500. A fault outranked on a request draws but is not
// counted as an opportunity there, so its observed rate tracks its
// configured one. Resend combines with timeout and 5xx (the request is sent
// twice, then the answer is lost or replaced), not with a connection error.
func (s *Set) JITTransport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if s == nil {
		return next
	}
	return &jitTransport{s: s, next: next}
}

type jitTransport struct {
	s    *Set
	next http.RoundTripper
}

func (t *jitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	s := t.s
	conn, late, fail, twice := s.conn.roll(), s.timeout.roll(), s.server.roll(), s.resend.roll()
	s.conn.count(conn)
	if conn {
		return nil, s.conn.refuse(req)
	}
	s.timeout.count(late)
	if !late {
		s.server.count(fail)
	}
	s.resend.count(twice)
	var resp *http.Response
	var err error
	if twice {
		resp, err = s.resend.send(t.next, req)
	} else {
		resp, err = t.next.RoundTrip(req)
	}
	switch {
	case late:
		return s.timeout.late(resp, err)
	case fail:
		return s.server.replace(req, resp, err)
	}
	return resp, err
}

// WebhookTransport wraps next (http.DefaultTransport when nil) with the
// webhook faults, for webhook.Options.Client.Transport: a POST to a down
// endpoint gets a 503 without reaching it (webhook_down), and a body that
// Intercept marked is sent twice (webhook_duplicate).
func (s *Set) WebhookTransport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if s == nil {
		return next
	}
	return &webhookTransport{s: s, next: next}
}

type webhookTransport struct {
	s    *Set
	next http.RoundTripper
}

func (t *webhookTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	s := t.s
	if s.down.down(req) {
		if req.Body != nil {
			req.Body.Close()
		}
		return synthetic(req, http.StatusServiceUnavailable, downBody), nil
	}
	if !s.dup.marked() {
		return t.next.RoundTrip(req)
	}
	body, err := readBody(req)
	if err != nil {
		return nil, fmt.Errorf("fault %s: read request: %w", NameWebhookDuplicate, err)
	}
	if s.dup.take(body) {
		return s.dup.send(t.next, req, body)
	}
	return t.next.RoundTrip(withBody(req, body))
}
