package server

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jitsim/jitsim/jit"
)

// metrics holds the gateway's counters and histograms and writes them in
// Prometheus' text format. Label sets are few (methods, reasons, types), so
// a map of atomic counters behind a read-mostly lock is enough.
type metrics struct {
	mu        sync.RWMutex
	counters  map[string]*atomic.Int64 // "name{labels}" → value
	decisions *histogram
	fsyncs    *histogram
}

func newMetrics() *metrics {
	return &metrics{
		counters:  map[string]*atomic.Int64{},
		decisions: newHistogram(),
		fsyncs:    newHistogram(),
	}
}

func (m *metrics) inc(name string, labels ...string) {
	var b strings.Builder
	b.WriteString(name)
	if len(labels) > 0 {
		b.WriteByte('{')
		for i := 0; i < len(labels); i += 2 {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%s=%q", labels[i], labels[i+1])
		}
		b.WriteByte('}')
	}
	key := b.String()
	m.mu.RLock()
	c := m.counters[key]
	m.mu.RUnlock()
	if c == nil {
		m.mu.Lock()
		if c = m.counters[key]; c == nil {
			c = new(atomic.Int64)
			m.counters[key] = c
		}
		m.mu.Unlock()
	}
	c.Add(1)
}

// decided counts a decision by method and outcome and times it.
func (m *metrics) decided(method, reason string, d time.Duration) {
	if !knownMethods[method] {
		method = "unknown"
	}
	outcome := "approved"
	if reason != "" {
		outcome = "declined"
	}
	m.inc("jitsim_gateway_decisions_total", "method", method, "outcome", outcome, "reason", reason)
	m.decisions.observe(d)
}

// rejected counts a request answered with an error status.
func (m *metrics) rejected(endpoint string, err error) {
	m.inc("jitsim_gateway_rejected_total", "endpoint", endpoint, "code", jit.ErrorCode(err))
}

// event counts a webhook event by type and what became of it.
func (m *metrics) event(typ, result string) {
	if !knownTypes[typ] {
		typ = "unknown"
	}
	m.inc("jitsim_gateway_webhook_events_total", "type", typ, "result", result)
}

// ServeHTTP writes every metric.
func (m *metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	m.write(w)
}

var help = map[string]string{
	"jitsim_gateway_decisions_total":      "JIT funding decisions by method and outcome.",
	"jitsim_gateway_rejected_total":       "Requests rejected with an error status, by endpoint and error code.",
	"jitsim_gateway_webhook_events_total": "Webhook events by transaction type and result (applied, duplicate, ignored).",
}

func (m *metrics) write(w io.Writer) {
	m.mu.RLock()
	keys := make([]string, 0, len(m.counters))
	for k := range m.counters {
		keys = append(keys, k)
	}
	m.mu.RUnlock()
	sort.Strings(keys)
	last := ""
	for _, k := range keys {
		name := k
		if i := strings.IndexByte(k, '{'); i >= 0 {
			name = k[:i]
		}
		if name != last {
			fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", name, help[name], name)
			last = name
		}
		m.mu.RLock()
		v := m.counters[k].Load()
		m.mu.RUnlock()
		fmt.Fprintf(w, "%s %d\n", k, v)
	}
	m.decisions.write(w, "jitsim_gateway_decision_seconds", "Time to decide a JIT funding request, from body read to answer, including the journal fsync.")
	m.fsyncs.write(w, "jitsim_gateway_journal_fsync_seconds", "Time of one journal write and fsync (one group commit).")
}

// histogram is a fixed-bucket latency histogram with atomic counters.
type histogram struct {
	counts [len(bucketBounds) + 1]atomic.Int64
	sumNs  atomic.Int64
}

var bucketBounds = [...]float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

func newHistogram() *histogram { return &histogram{} }

func (h *histogram) observe(d time.Duration) {
	s := d.Seconds()
	i := sort.SearchFloat64s(bucketBounds[:], s)
	h.counts[i].Add(1)
	h.sumNs.Add(int64(d))
}

func (h *histogram) write(w io.Writer, name, helpText string) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", name, helpText, name)
	var cum int64
	for i, b := range bucketBounds {
		cum += h.counts[i].Load()
		fmt.Fprintf(w, "%s_bucket{le=\"%g\"} %d\n", name, b, cum)
	}
	cum += h.counts[len(bucketBounds)].Load()
	fmt.Fprintf(w, "%s_bucket{le=\"+Inf\"} %d\n", name, cum)
	fmt.Fprintf(w, "%s_sum %g\n", name, float64(h.sumNs.Load())/float64(time.Second))
	fmt.Fprintf(w, "%s_count %d\n", name, cum)
}
