package loadtest

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/jitsim/jitsim/jit"
)

// Headers jitsim adds to each vegeta Result before it is judged or written,
// so a results file carries what the report needs (merge reads them back).
const (
	HeaderScheduled = "X-Jitsim-Scheduled" // when the pacer scheduled the hit, Unix nanoseconds
	HeaderMethod    = "X-Jitsim-Method"    // the JIT method sent
	HeaderUser      = "X-Jitsim-User"      // the cardholder's user token
	HeaderToken     = "X-Jitsim-Token"     // the JIT token sent
	HeaderAmount    = "X-Jitsim-Amount"    // the amount asked for, in minor units
	HeaderTimeout   = "X-Jitsim-Timeout"   // the timeout the run used, in nanoseconds
	HeaderOutcome   = "X-Jitsim-Outcome"   // approved, declined, timeout or error (the plot's labels)
)

// Outcome kinds that are declines without a gateway decision (the names of
// simulator's outcome kinds); a 402's reason is the gateway's decline_reason.
const (
	KindTimeout          = "timeout"           // no answer within the timeout (from the scheduled time)
	KindConnectionError  = "connection_error"  // refused, reset, no route
	KindApplicationError = "application_error" // another status, or a body that is not the echo
	ReasonNone           = "NO_REASON"         // a 402 without decline_reason
)

// annotate stamps r with what the source knows of request g and when it
// was scheduled.
func annotate(r *vegeta.Result, m meta, scheduled time.Time, timeout time.Duration) {
	if r.Headers == nil {
		r.Headers = http.Header{}
	}
	r.Headers[HeaderScheduled] = []string{strconv.FormatInt(scheduled.UnixNano(), 10)}
	r.Headers[HeaderMethod] = []string{m.method}
	r.Headers[HeaderUser] = []string{m.user}
	r.Headers[HeaderToken] = []string{m.jitToken}
	r.Headers[HeaderAmount] = []string{strconv.FormatInt(m.amount, 10)}
	r.Headers[HeaderTimeout] = []string{strconv.FormatInt(int64(timeout), 10)}
}

// MethodStats counts one JIT method's outcomes.
type MethodStats struct {
	Requests uint64 `json:"requests"`
	Approved uint64 `json:"approved"`
	Declined uint64 `json:"declined"`
}

// hold is an amount the gateway holds (or may hold) for a user: a new
// hold keyed by token, or (incremental) an increase of the hold of the
// authorization it refers to.
type hold struct {
	user, token string
	amount      int64
	incremental bool
}

// Collector turns a stream of vegeta Results into a Summary without keeping
// them. It is not safe for concurrent use.
type Collector struct {
	timeout   time.Duration
	raw       vegeta.Metrics
	corrected vegeta.LatencyMetrics
	lag       vegeta.LatencyMetrics // actual send time − scheduled send time
	approved  uint64
	declined  uint64
	answered  uint64 // 200 or 402 in time
	reasons   map[string]uint64
	methods   map[string]*MethodStats
	errs      map[string]uint64
	// approvedHolds are the holds the 200s placed; uncertain are requests
	// without a usable answer the gateway may nevertheless have approved.
	// Kept only when track is set (for reconciliation).
	track         bool
	approvedHolds []hold
	uncertain     []hold
}

// NewCollector judges answers slower than timeout (from the scheduled time)
// as timeouts.
func NewCollector(timeout time.Duration) *Collector {
	return &Collector{timeout: timeout, reasons: map[string]uint64{}, methods: map[string]*MethodStats{}, errs: map[string]uint64{}}
}

// Add counts one result.
func (c *Collector) Add(r *vegeta.Result) { c.add(r) }

// add counts r and returns its outcome label (approved, declined, timeout,
// error) and its corrected latency.
func (c *Collector) add(r *vegeta.Result) (string, time.Duration) {
	c.raw.Add(r)
	corrected, lag := r.Latency, time.Duration(0)
	if s := headerInt(r, HeaderScheduled); s != 0 {
		if d := r.End().Sub(time.Unix(0, s)); d > corrected {
			corrected = d
		}
		lag = max(0, r.Timestamp.Sub(time.Unix(0, s)))
	}
	c.corrected.Add(corrected)
	c.lag.Add(lag)
	timeout := c.timeout
	if t := headerInt(r, HeaderTimeout); timeout == 0 && t > 0 {
		timeout = time.Duration(t)
	}
	method := header(r, HeaderMethod)
	if method == "" {
		method = "unknown"
	}
	ms := c.methods[method]
	if ms == nil {
		ms = &MethodStats{}
		c.methods[method] = ms
	}
	ms.Requests++
	h := hold{user: header(r, HeaderUser), token: header(r, HeaderToken), amount: headerInt(r, HeaderAmount), incremental: method == MethodIncremental}

	kind, reason := "", ""
	var echo jit.JITResponse
	switch {
	case r.Code == 0:
		kind = KindConnectionError
		if isTimeout(r.Error) {
			kind = KindTimeout
		}
		c.err(r.Error)
	case timeout > 0 && corrected >= timeout:
		kind = KindTimeout
	case r.Code != http.StatusOK && r.Code != http.StatusPaymentRequired:
		kind = KindApplicationError
		c.err("HTTP " + strconv.Itoa(int(r.Code)))
	default:
		if err := json.Unmarshal(r.Body, &echo); err != nil || echo.JITFunding.Token == "" ||
			(h.token != "" && echo.JITFunding.Token != h.token) {
			kind = KindApplicationError
			c.err("answer is not the jit_funding echo")
		} else if r.Code == http.StatusPaymentRequired {
			reason = echo.JITFunding.DeclineReason
			if reason == "" {
				reason = ReasonNone
			}
		}
	}
	switch {
	case kind != "":
		c.declined++
		ms.Declined++
		c.reasons[kind]++
		if c.track && h.amount > 0 && method != MethodBalanceInquiry {
			c.uncertain = append(c.uncertain, h)
		}
		if kind == KindTimeout {
			return "timeout", corrected
		}
		return "error", corrected
	case reason != "":
		c.answered++
		c.declined++
		ms.Declined++
		c.reasons[reason]++
		return "declined", corrected
	default:
		c.answered++
		c.approved++
		ms.Approved++
		if c.track && method != MethodBalanceInquiry {
			amt, err := echo.JITFunding.Amount.Minor(jit.DefaultCurrency)
			if err == nil && amt > 0 {
				c.approvedHolds = append(c.approvedHolds, hold{user: echo.JITFunding.UserToken, token: echo.JITFunding.Token, amount: amt})
			}
		}
		return "approved", corrected
	}
}

func (c *Collector) err(s string) {
	if _, ok := c.errs[s]; !ok && len(c.errs) >= 20 {
		s = "(other errors)"
	}
	c.errs[s]++
}

func isTimeout(e string) bool {
	return strings.Contains(e, "Timeout exceeded") || strings.Contains(e, "deadline exceeded") || strings.Contains(e, "timeout")
}

func header(r *vegeta.Result, k string) string {
	if v := r.Headers[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func headerInt(r *vegeta.Result, k string) int64 {
	n, _ := strconv.ParseInt(header(r, k), 10, 64)
	return n
}

// Latencies are latency quantiles (t-digest estimates, as vegeta's) and
// the exact mean and maximum.
type Latencies struct {
	P50, P90, P95, P99, P999, Max, Mean time.Duration
}

func latencies(l *vegeta.LatencyMetrics, n uint64) Latencies {
	if n == 0 {
		return Latencies{}
	}
	return Latencies{P50: l.Quantile(0.5), P90: l.Quantile(0.9), P95: l.Quantile(0.95), P99: l.Quantile(0.99), P999: l.Quantile(0.999),
		Max: l.Max, Mean: l.Total / time.Duration(n)}
}

func (l Latencies) get(metric string) time.Duration {
	switch metric {
	case "p50":
		return l.P50
	case "p90":
		return l.P90
	case "p95":
		return l.P95
	case "p99":
		return l.P99
	case "p999":
		return l.P999
	case "mean":
		return l.Mean
	}
	return l.Max
}

// MarshalJSON writes milliseconds: {"p50": 1.25, …, "max": 9.5, "mean": 1.3}.
func (l Latencies) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]float64{"p50": ms(l.P50), "p90": ms(l.P90), "p95": ms(l.P95), "p99": ms(l.P99),
		"p999": ms(l.P999), "max": ms(l.Max), "mean": ms(l.Mean)})
}

// ErrorCount is one kind of error and how often it happened.
type ErrorCount struct {
	Error string `json:"error"`
	Count uint64 `json:"count"`
}

// Summary is one attack (or a merge of several) judged.
type Summary struct {
	Requests   uint64        `json:"requests"`
	Rate       float64       `json:"rate"`       // achieved send rate, req/s (vegeta's)
	Throughput float64       `json:"throughput"` // 2xx answers per second (vegeta's)
	Success    float64       `json:"success"`    // share answered 200 or 402 within the timeout
	Answered   uint64        `json:"answered"`   // requests answered 200 or 402 within the timeout
	Duration   time.Duration `json:"-"`
	Timeout    time.Duration `json:"-"`
	// Latency is vegeta's own (from the actual send); LatencyCorrected from
	// the scheduled send time; SendLag is actual − scheduled send time.
	Latency          Latencies               `json:"latency"`
	LatencyCorrected Latencies               `json:"latency_corrected"`
	SendLag          Latencies               `json:"send_lag"`
	StatusCodes      map[string]int          `json:"status_codes"`
	Approved         uint64                  `json:"approved"`
	Declined         uint64                  `json:"declined"`
	DeclineReasons   map[string]uint64       `json:"decline_reasons"`
	Methods          map[string]*MethodStats `json:"methods"`
	Errors           []ErrorCount            `json:"errors"`
	VegetaSuccess    float64                 `json:"vegeta_success"` // vegeta's: share of 2xx/3xx (a 402 is not one)

	approvedHolds, uncertain []hold
}

// ErrorShare is the share of requests without a usable answer in time.
func (s *Summary) ErrorShare() float64 {
	if s.Requests == 0 {
		return 0
	}
	return float64(s.Requests-s.Answered) / float64(s.Requests)
}

// DeclineShare is the share of requests not approved.
func (s *Summary) DeclineShare() float64 {
	if s.Requests == 0 {
		return 0
	}
	return float64(s.Declined) / float64(s.Requests)
}

// Summary closes the counts.
func (c *Collector) Summary() *Summary {
	c.raw.Close()
	n := c.raw.Requests
	s := &Summary{Requests: n, Rate: c.raw.Rate, Throughput: c.raw.Throughput, Duration: c.raw.Duration, Timeout: c.timeout,
		Latency: latencies(&c.raw.Latencies, n), LatencyCorrected: latencies(&c.corrected, n), SendLag: latencies(&c.lag, n),
		StatusCodes: c.raw.StatusCodes, Approved: c.approved, Declined: c.declined, DeclineReasons: c.reasons,
		Methods: c.methods, VegetaSuccess: c.raw.Success, approvedHolds: c.approvedHolds, uncertain: c.uncertain}
	if n > 0 {
		s.Success = float64(c.answered) / float64(n)
		s.Answered = c.answered
	}
	s.Latency.Max = c.raw.Latencies.Max
	for e, k := range c.errs {
		s.Errors = append(s.Errors, ErrorCount{e, k})
	}
	sort.Slice(s.Errors, func(i, j int) bool {
		if s.Errors[i].Count != s.Errors[j].Count {
			return s.Errors[i].Count > s.Errors[j].Count
		}
		return s.Errors[i].Error < s.Errors[j].Error
	})
	return s
}
