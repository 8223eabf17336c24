package loadtest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jitsim/jitsim/jit"
)

// SLA is a parsed --sla expression: clauses that must all hold.
//
// Grammar (spaces around tokens are ignored):
//
//	sla     = clause { "," clause }
//	clause  = metric op value
//	metric  = "p50" | "p90" | "p95" | "p99" | "p999" | "max" | "mean"   (a latency)
//	        | "errors" | "declines"                                     (a share of requests)
//	op      = "<" | "<=" | ">" | ">="
//	value   = Go duration for a latency ("250ms", "1.5s", "800us")
//	        | percentage for a share ("0.1%", "5%", or "0")
//
// Latencies are the corrected ones (from the scheduled send time). errors is
// the share of requests without a usable answer in time (timeouts,
// connection errors, statuses other than 200 and 402, malformed bodies);
// declines is the share not approved for any reason (402s and errors).
type SLA struct {
	Expr    string
	Clauses []Clause
}

// Clause is one condition of an SLA.
type Clause struct {
	Text    string        // as written, trimmed
	Metric  string        // p50 … max, mean, errors, declines
	Op      string        // <, <=, >, >=
	Latency time.Duration // the limit of a latency metric
	Share   float64       // the limit of a share metric, as a fraction
}

var latencyMetrics = map[string]bool{"p50": true, "p90": true, "p95": true, "p99": true, "p999": true, "max": true, "mean": true}
var shareMetrics = map[string]bool{"errors": true, "declines": true}

// DefaultSLA is the SLA used when none is given: no answer as late as the
// timeout (Marqeta would have declined it), and at most 0.1% errors.
func DefaultSLA(timeout time.Duration) string {
	return fmt.Sprintf("max<%s,errors<=0.1%%", timeout)
}

// ParseSLA parses expr (see SLA). It returns jit.EINVALID naming the
// clause (its position and text) for an empty clause, an unknown metric,
// a missing operator, or a value that is not a duration or percentage.
func ParseSLA(expr string) (*SLA, error) {
	s := &SLA{Expr: strings.TrimSpace(expr)}
	if s.Expr == "" {
		return nil, jit.Errorf(jit.EINVALID, "sla: empty expression")
	}
	for i, raw := range strings.Split(s.Expr, ",") {
		c, err := parseClause(strings.TrimSpace(raw))
		if err != nil {
			return nil, jit.Errorf(jit.EINVALID, "sla clause %d %q: %s", i+1, strings.TrimSpace(raw), err.Error())
		}
		s.Clauses = append(s.Clauses, c)
	}
	return s, nil
}

func parseClause(text string) (Clause, error) {
	c := Clause{Text: text}
	if text == "" {
		return c, fmt.Errorf("empty clause")
	}
	i := strings.IndexAny(text, "<>")
	if i < 0 {
		return c, fmt.Errorf("no operator (want <, <=, > or >=)")
	}
	c.Metric = strings.ToLower(strings.TrimSpace(text[:i]))
	rest := text[i:]
	switch {
	case strings.HasPrefix(rest, "<="), strings.HasPrefix(rest, ">="):
		c.Op, rest = rest[:2], rest[2:]
	default:
		c.Op, rest = rest[:1], rest[1:]
	}
	val := strings.TrimSpace(rest)
	if strings.ContainsAny(val, "<>=") {
		return c, fmt.Errorf("more than one operator")
	}
	switch {
	case latencyMetrics[c.Metric]:
		d, err := time.ParseDuration(val)
		if err != nil {
			return c, fmt.Errorf("%q is not a duration (e.g. 250ms, 1s)", val)
		}
		if d < 0 {
			return c, fmt.Errorf("negative duration %s", val)
		}
		c.Latency = d
	case shareMetrics[c.Metric]:
		f, err := parseShare(val)
		if err != nil {
			return c, err
		}
		c.Share = f
	case c.Metric == "":
		return c, fmt.Errorf("no metric before %q", c.Op)
	default:
		return c, fmt.Errorf("unknown metric %q (want p50, p90, p95, p99, p999, max, mean, errors or declines)", c.Metric)
	}
	return c, nil
}

func parseShare(val string) (float64, error) {
	if val == "0" {
		return 0, nil
	}
	num, ok := strings.CutSuffix(val, "%")
	if !ok {
		return 0, fmt.Errorf("%q is not a percentage (e.g. 0.1%%)", val)
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || f < 0 || f > 100 {
		return 0, fmt.Errorf("%q is not a percentage between 0%% and 100%%", val)
	}
	return f / 100, nil
}

// Verdict is one clause judged against a run.
type Verdict struct {
	Clause   string  `json:"clause"`
	Observed string  `json:"observed"`
	Pass     bool    `json:"pass"`
	Value    float64 `json:"value"` // observed, in milliseconds for a latency, as a fraction for a share
}

// Judge checks every clause against s (corrected latencies) and reports
// whether all hold.
func (sla *SLA) Judge(s *Summary) (bool, []Verdict) {
	all := true
	var out []Verdict
	for _, c := range sla.Clauses {
		v := Verdict{Clause: c.Text}
		if latencyMetrics[c.Metric] {
			got := s.LatencyCorrected.get(c.Metric)
			v.Pass = compare(float64(got), c.Op, float64(c.Latency))
			v.Observed, v.Value = dur(got), ms(got)
		} else {
			got := s.ErrorShare()
			if c.Metric == "declines" {
				got = s.DeclineShare()
			}
			v.Pass = compareShare(got, c.Op, c.Share)
			v.Observed, v.Value = fmt.Sprintf("%.4g%%", 100*got), got
		}
		all = all && v.Pass
		out = append(out, v)
	}
	return all, out
}

func compare(got float64, op string, limit float64) bool {
	switch op {
	case "<":
		return got < limit
	case "<=":
		return got <= limit
	case ">":
		return got > limit
	default:
		return got >= limit
	}
}

// compareShare compares fractions that went through float arithmetic
// (0.2/100 and 2/1000 may differ in the last bit): equal within 1e-12.
func compareShare(got float64, op string, limit float64) bool {
	if math.Abs(got-limit) <= 1e-12 {
		got = limit
	}
	return compare(got, op, limit)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
