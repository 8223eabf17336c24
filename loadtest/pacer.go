package loadtest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/jitsim/jitsim/jit"
)

// Pacer is a vegeta.Pacer whose schedule is known exactly: hit k (from 0)
// is due At(k) after the attack began. Pace is derived from At, so the
// corrected latency measures from the very instant the pacer asked for.
type Pacer interface {
	vegeta.Pacer
	// At is when hit k is due, from the start of the attack.
	At(k uint64) time.Duration
	// Hits is how many hits the pacer schedules in all.
	Hits() uint64
	// Duration is how long the schedule lasts.
	Duration() time.Duration
	// Peak is the highest rate in hits per second.
	Peak() float64
	// String is the pacer in the --pacer syntax.
	String() string
}

// StepPacer holds Rates[i] hits per second for Each, one step after the
// other. A one-step StepPacer is a constant rate.
type StepPacer struct {
	Rates []float64
	Each  time.Duration
	hits  []uint64 // hits per step
	first []uint64 // index of each step's first hit
}

// Constant is a constant rate for d.
func Constant(rate float64, d time.Duration) *StepPacer { return Steps([]float64{rate}, d) }

// Steps holds each rate for each.
func Steps(rates []float64, each time.Duration) *StepPacer {
	p := &StepPacer{Rates: rates, Each: each}
	var n uint64
	for _, r := range rates {
		h := uint64(math.Round(r * each.Seconds()))
		p.first = append(p.first, n)
		p.hits = append(p.hits, h)
		n += h
	}
	return p
}

// Pace implements vegeta.Pacer: wait until hit hits is due; stop after the last.
func (p *StepPacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	if hits >= p.Hits() {
		return 0, true
	}
	return p.At(hits) - elapsed, false
}

// Rate implements vegeta.Pacer: the rate of the step at elapsed.
func (p *StepPacer) Rate(elapsed time.Duration) float64 {
	if elapsed < 0 || p.Each <= 0 {
		return 0
	}
	i := int(elapsed / p.Each)
	if i >= len(p.Rates) {
		return 0
	}
	return p.Rates[i]
}

// At is when hit k is due: spread evenly over its step.
func (p *StepPacer) At(k uint64) time.Duration {
	for i := range p.Rates {
		if k < p.first[i]+p.hits[i] {
			off := k - p.first[i]
			return time.Duration(i)*p.Each + time.Duration(float64(off)*float64(p.Each)/float64(p.hits[i]))
		}
	}
	return p.Duration()
}

// Hits is the sum of each step's rate times Each, rounded per step.
func (p *StepPacer) Hits() uint64 {
	if len(p.hits) == 0 {
		return 0
	}
	return p.first[len(p.first)-1] + p.hits[len(p.hits)-1]
}

// Duration is len(Rates) × Each.
func (p *StepPacer) Duration() time.Duration { return time.Duration(len(p.Rates)) * p.Each }

// Peak is the highest step rate.
func (p *StepPacer) Peak() float64 {
	m := 0.0
	for _, r := range p.Rates {
		m = math.Max(m, r)
	}
	return m
}

func (p *StepPacer) String() string {
	if len(p.Rates) == 1 {
		return fmt.Sprintf("constant:%s/s for %s", fmtRate(p.Rates[0]), p.Each)
	}
	parts := make([]string, len(p.Rates))
	for i, r := range p.Rates {
		parts[i] = fmtRate(r)
	}
	return fmt.Sprintf("step:%s@%s", strings.Join(parts, ","), p.Each)
}

// LinearPacer ramps the rate from Start to End hits per second over D.
type LinearPacer struct {
	Start, End float64
	D          time.Duration
}

// Pace implements vegeta.Pacer.
func (p LinearPacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	if hits >= p.Hits() {
		return 0, true
	}
	return p.At(hits) - elapsed, false
}

// Rate implements vegeta.Pacer: the rate at elapsed.
func (p LinearPacer) Rate(elapsed time.Duration) float64 {
	if elapsed < 0 || elapsed > p.D || p.D <= 0 {
		return 0
	}
	return p.Start + (p.End-p.Start)*elapsed.Seconds()/p.D.Seconds()
}

// At solves start·t + (end−start)·t²/(2D) = k for t.
func (p LinearPacer) At(k uint64) time.Duration {
	if k == 0 {
		return 0
	}
	a := (p.End - p.Start) / (2 * p.D.Seconds())
	b := p.Start
	disc := b*b + 4*a*float64(k)
	if disc < 0 || b+math.Sqrt(disc) <= 0 {
		return p.D
	}
	t := 2 * float64(k) / (b + math.Sqrt(disc))
	return min(time.Duration(t*float64(time.Second)), p.D)
}

// Hits is the area under the ramp.
func (p LinearPacer) Hits() uint64 {
	return uint64(math.Round((p.Start + p.End) / 2 * p.D.Seconds()))
}

// Duration is D.
func (p LinearPacer) Duration() time.Duration { return p.D }

// Peak is the larger of Start and End.
func (p LinearPacer) Peak() float64 { return math.Max(p.Start, p.End) }

func (p LinearPacer) String() string {
	return fmt.Sprintf("linear:%s-%s over %s", fmtRate(p.Start), fmtRate(p.End), p.D)
}

func fmtRate(r float64) string { return strconv.FormatFloat(r, 'f', -1, 64) }

// ParsePacer reads the --pacer syntax: "" or "constant" (rate for d),
// "linear:START-END" (over d), or "step:R1,R2,...@EACH" (d is then
// len(R)×EACH and the d given is ignored). It returns jit.EINVALID for a
// malformed spec, a negative or non-finite rate, a non-positive duration, or
// a schedule of no hits.
func ParsePacer(spec string, rate float64, d time.Duration) (Pacer, error) {
	var p Pacer
	switch {
	case spec == "" || spec == "constant":
		if err := checkRate(rate, "--rate"); err != nil {
			return nil, err
		}
		if d <= 0 {
			return nil, jit.Errorf(jit.EINVALID, "duration must be positive, got %s", d)
		}
		p = Constant(rate, d)
	case strings.HasPrefix(spec, "linear:"):
		lo, hi, ok := strings.Cut(strings.TrimPrefix(spec, "linear:"), "-")
		if !ok {
			return nil, jit.Errorf(jit.EINVALID, "pacer %q: want linear:START-END", spec)
		}
		s, err1 := strconv.ParseFloat(lo, 64)
		e, err2 := strconv.ParseFloat(hi, 64)
		if err1 != nil || err2 != nil {
			return nil, jit.Errorf(jit.EINVALID, "pacer %q: START and END must be numbers", spec)
		}
		if err := checkRate(s, "linear START"); err != nil {
			return nil, err
		}
		if err := checkRate(e, "linear END"); err != nil {
			return nil, err
		}
		if d <= 0 {
			return nil, jit.Errorf(jit.EINVALID, "duration must be positive, got %s", d)
		}
		p = LinearPacer{Start: s, End: e, D: d}
	case strings.HasPrefix(spec, "step:"):
		list, each, ok := strings.Cut(strings.TrimPrefix(spec, "step:"), "@")
		if !ok {
			return nil, jit.Errorf(jit.EINVALID, "pacer %q: want step:R1,R2,...@DURATION", spec)
		}
		ed, err := time.ParseDuration(each)
		if err != nil || ed <= 0 {
			return nil, jit.Errorf(jit.EINVALID, "pacer %q: %q is not a positive duration", spec, each)
		}
		var rates []float64
		for _, f := range strings.Split(list, ",") {
			r, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				return nil, jit.Errorf(jit.EINVALID, "pacer %q: %q is not a rate", spec, f)
			}
			if err := checkRate(r, "step rate"); err != nil {
				return nil, err
			}
			rates = append(rates, r)
		}
		p = Steps(rates, ed)
	default:
		return nil, jit.Errorf(jit.EINVALID, "pacer %q: want constant, linear:START-END or step:R1,R2,...@DURATION", spec)
	}
	if p.Hits() == 0 {
		return nil, jit.Errorf(jit.EINVALID, "pacer %s schedules no requests", p)
	}
	return p, nil
}

func checkRate(r float64, what string) error {
	if math.IsNaN(r) || math.IsInf(r, 0) || r < 0 {
		return jit.Errorf(jit.EINVALID, "%s must be a non-negative rate, got %v", what, r)
	}
	return nil
}
