package loadtest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// maxCycles bounds how often a pool is reused: cycle k rewrites the first
// 8 characters of every per-event token to "z%07x".
const maxCycles = 1 << 28

// source serves the pool's bodies: request g of a run is template g mod P
// in cycle g / P. Cycle 0 sends the tokens as generated; cycle k ≥ 1
// replaces the first 8 characters of every per-event token (transaction,
// gpa_order and JIT tokens, and the references an incremental makes to its
// authorization) with "z" and k in 7 hex digits. Generated tokens are hex
// UUIDs whose last 28 characters are unique in the pool, so every token of
// every cycle is unique and an incremental still points at its own
// authorization of the same cycle.
type source struct {
	p    *pool
	base uint64 // g of the current attack's hit 0
}

func (s *source) size() uint64 { return uint64(len(s.p.t)) }

// body renders request g.
func (s *source) body(g uint64) []byte {
	t := &s.p.t[g%s.size()]
	cycle := g / s.size()
	if cycle == 0 {
		return t.body
	}
	b := bytes.Clone(t.body)
	prefix := fmt.Sprintf("z%07x", cycle%maxCycles)
	for _, off := range t.offs {
		copy(b[off:off+8], prefix)
	}
	return b
}

// meta is what the harness knows of request g without sending it.
type meta struct {
	method, user, jitToken string
	amount                 int64
}

func (s *source) meta(g uint64) meta {
	t := &s.p.t[g%s.size()]
	tok := t.jitToken
	if cycle := g / s.size(); cycle > 0 {
		tok = fmt.Sprintf("z%07x", cycle%maxCycles) + tok[8:]
	}
	return meta{method: t.method, user: t.user, jitToken: tok, amount: t.amount}
}

// targeter gives vegeta a POST to url with the request's headers. Its body
// only sizes BytesOut: the transport replaces it with the body of the hit's
// sequence number, so that hit k of the attack is always request base+k,
// whichever worker sends it.
func (s *source) targeter(url string, hdr http.Header) vegeta.Targeter {
	var n atomic.Uint64 // vegeta calls a targeter from many workers
	return func(t *vegeta.Target) error {
		t.Method, t.URL, t.Header = http.MethodPost, url, hdr
		t.Body = s.p.t[(n.Add(1)-1)%s.size()].body
		return nil
	}
}

// seqTransport renders the body of hit X-Vegeta-Seq and strips vegeta's own
// headers, so that the gateway sees what Marqeta sends.
type seqTransport struct {
	next http.RoundTripper
	src  *source
}

func (t *seqTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	seq, err := strconv.ParseUint(r.Header.Get("X-Vegeta-Seq"), 10, 64)
	if err != nil {
		return t.next.RoundTrip(r)
	}
	r2 := r.Clone(r.Context())
	r2.Header.Del("X-Vegeta-Seq")
	r2.Header.Del("X-Vegeta-Attack")
	b := t.src.body(t.src.base + seq)
	r2.Body = io.NopCloser(bytes.NewReader(b))
	r2.ContentLength = int64(len(b))
	r2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	return t.next.RoundTrip(r2)
}
