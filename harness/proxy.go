package harness

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
)

// GatewayMode is how the path from Marqeta to the gateway's JIT endpoint
// behaves.
type GatewayMode int

// Gateway modes.
const (
	// GatewayUp passes requests straight through.
	GatewayUp GatewayMode = iota
	// GatewaySlow delivers the request only once Marqeta has given up
	// (after timeout_millis): the gateway decides late.
	GatewaySlow
	// GatewayLateAnswer delivers the request at once but holds the
	// gateway's answer until Marqeta has given up: the gateway approved in
	// time as far as it knows, and its answer was lost.
	GatewayLateAnswer
	// GatewayHeld delivers the request only when ReleaseLateRequests is
	// called, after Marqeta has given up (so the timeout webhook can go
	// first).
	GatewayHeld
	// GatewayDown drops every connection: Marqeta sees a connection error.
	GatewayDown
)

// proxy sits between the fake Marqeta and the gateway's JIT endpoint on
// 127.0.0.1:0 and delays or drops what passes. The gateway's late answers
// are logged; late signals each late request the gateway has finished.
type proxy struct {
	w      *World
	srv    *http.Server
	url    string
	mu     sync.Mutex
	mode   GatewayMode
	late   chan struct{}
	gate   chan struct{}
	closed chan struct{}
}

func (w *World) startProxy() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("delaying proxy: %w", err)
	}
	p := &proxy{w: w, url: "http://" + ln.Addr().String() + "/jit", late: make(chan struct{}, 64), gate: make(chan struct{}), closed: make(chan struct{})}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go p.srv.Serve(ln)
	if _, err := w.engine.UpdateFundingSource(w.source, simulator.FundingSource{URL: p.url}); err != nil {
		p.close()
		return fmt.Errorf("point the funding source at the proxy: %w", err)
	}
	w.proxy = p
	return nil
}

func (p *proxy) close() {
	close(p.closed)
	p.srv.Close()
}

// SetGateway changes how Marqeta reaches the gateway from now on. The first
// mode other than GatewayUp starts the proxy and points the funding source
// at it.
func (w *World) SetGateway(m GatewayMode) error {
	if w.proxy == nil {
		if m == GatewayUp {
			return nil
		}
		if err := w.startProxy(); err != nil {
			return err
		}
	}
	w.proxy.mu.Lock()
	w.proxy.mode = m
	w.proxy.mu.Unlock()
	return nil
}

// ReleaseLateRequests lets requests held by GatewayHeld through to the
// gateway, and waits until the gateway has answered n of them.
func (w *World) ReleaseLateRequests(ctx context.Context, n int) error {
	if w.proxy == nil {
		return jit.Errorf(jit.EINVALID, "no request is held")
	}
	close(w.proxy.gate)
	return w.WaitLate(ctx, n)
}

// WaitLate waits until the gateway has answered n requests that reached
// it, or whose answer was held, past Marqeta's timeout (10 s at most).
func (w *World) WaitLate(ctx context.Context, n int) error {
	if w.proxy == nil {
		return jit.Errorf(jit.EINVALID, "the gateway was never slow")
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for i := 0; i < n; i++ {
		select {
		case <-w.proxy.late:
		case <-ctx.Done():
			return fmt.Errorf("wait for the gateway's late answer: %w", ctx.Err())
		}
	}
	return nil
}

func (p *proxy) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return
	}
	p.mu.Lock()
	mode := p.mode
	p.mu.Unlock()
	switch mode {
	case GatewayDown:
		if hj, ok := rw.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				c.Close()
				p.w.log.Addf("proxy: the gateway is down, connection dropped")
				return
			}
		}
		rw.WriteHeader(http.StatusBadGateway)
	case GatewayUp:
		status, hdr, data, err := p.forward(r.Context(), r, body)
		if err != nil {
			rw.WriteHeader(http.StatusBadGateway)
			return
		}
		for k, v := range hdr {
			rw.Header()[k] = v
		}
		rw.WriteHeader(status)
		rw.Write(data)
	case GatewayLateAnswer:
		status, _, data, err := p.forward(context.Background(), r, body)
		<-r.Context().Done()
		p.lateDone(status, data, err, "its answer held until Marqeta gave up")
	case GatewaySlow, GatewayHeld:
		<-r.Context().Done()
		if mode == GatewayHeld {
			select {
			case <-p.gate:
			case <-p.closed:
				return
			}
		}
		status, _, data, err := p.forward(context.Background(), r, body)
		p.lateDone(status, data, err, "the request reached the gateway after Marqeta gave up")
	}
}

func (p *proxy) lateDone(status int, data []byte, err error, how string) {
	if err != nil {
		p.w.log.Addf("proxy: late request (%s) ⇒ %v", how, err)
	} else {
		p.w.log.Addf("proxy: late answer (%s) ⇒ HTTP %d %s", how, status, clipBody(data))
	}
	p.late <- struct{}{}
}

func (p *proxy) forward(ctx context.Context, in *http.Request, body []byte) (int, http.Header, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.w.target.JITURL, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	for _, h := range []string{"Content-Type", "Accept", "Authorization"} {
		if v := in.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	resp, err := p.w.target.client().Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, resp.Header, data, err
}
