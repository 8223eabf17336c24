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
// Prometheus' text format. Label sets are few (methods, reasons, types): a
// map from a comparable key to an atomic counter behind a read-mostly lock,
// with labels formatted only when /metrics is read.
type metrics struct {
	mu        sync.RWMutex
	counters  map[counterKey]*atomic.Int64
	decisions *histogram
	fsyncs    *histogram
}

// counterKey is a metric name and up to three label name/value pairs.
type counterKey struct {
	name   string
	labels [6]string
}

func (k counterKey) String() string {
	var b strings.Builder
	b.WriteString(k.name)
	if k.labels[0] != "" {
		b.WriteByte('{')
		for i := 0; i < len(k.labels) && k.labels[i] != ""; i += 2 {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%s=%q", k.labels[i], k.labels[i+1])
		}
		b.WriteByte('}')
	}
	return b.String()
}

func newMetrics() *metrics {
	return &metrics{
		counters:  map[counterKey]*atomic.Int64{},
		decisions: newHistogram(),
		fsyncs:    newHistogram(),
	}
}

func (m *metrics) inc(name string, labels ...string) {
	key := counterKey{name: name}
	copy(key.labels[:], labels)
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
	type line struct {
		key  counterKey
		text string
		v    int64
	}
	lines := make([]line, 0, len(m.counters))
	for k, c := range m.counters {
		lines = append(lines, line{k, k.String(), c.Load()})
	}
	m.mu.RUnlock()
	sort.Slice(lines, func(i, j int) bool { return lines[i].text < lines[j].text })
	last := ""
	for _, l := range lines {
		if l.key.name != last {
			fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", l.key.name, help[l.key.name], l.key.name)
			last = l.key.name
		}
		fmt.Fprintf(w, "%s %d\n", l.text, l.v)
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
