package loadtest

import (
	"errors"
	"fmt"
	"io"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
	"github.com/tsenart/vegeta/v12/lib/plot"

	"github.com/jitsim/jitsim/jit"
)

// MergeOptions configure Merge.
type MergeOptions struct {
	// SLA to judge the merged results by (default DefaultSLA of the
	// timeout the first result was run with, or of 3s).
	SLA string
	// Timeout overrides the timeout recorded in the results.
	Timeout time.Duration
	// Plot, when set, receives an HTML plot of all files.
	Plot io.Writer
}

// Merge reads results files that `jitsim load --output` wrote on several
// nodes (gob, or vegeta's JSON or CSV) and judges them as one run: the
// counts add up, latencies and decline reasons are recomputed from every
// result. Rates assume the nodes' clocks are synchronised. It returns
// jit.EINVALID for a bad SLA or a file that is not vegeta results.
func Merge(files []io.Reader, o MergeOptions) (*Report, error) {
	if len(files) == 0 {
		return nil, jit.Errorf(jit.EINVALID, "merge: no files")
	}
	var p *plot.Plot
	if o.Plot != nil {
		p = plot.New(plot.Title("jitsim load (merged)"), plot.Label(outcomeLabel), plot.Downsample(plotPoints))
	}
	c := NewCollector(o.Timeout)
	timeout := o.Timeout
	for i, f := range files {
		dec := vegeta.DecoderFor(f)
		if dec == nil {
			return nil, jit.Errorf(jit.EINVALID, "merge: file %d is not vegeta results", i+1)
		}
		for {
			var r vegeta.Result
			err := dec.Decode(&r)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, jit.Errorf(jit.EINVALID, "merge: file %d: %w", i+1, err)
			}
			if timeout == 0 {
				timeout = time.Duration(headerInt(&r, HeaderTimeout))
			}
			label, corrected := c.add(&r)
			if p != nil {
				if r.Headers == nil {
					r.Headers = map[string][]string{}
				}
				r.Headers[HeaderOutcome] = []string{label}
				if err := p.Add(&r); err != nil {
					return nil, fmt.Errorf("merge: plot: %w", err)
				}
				cr := r
				cr.Attack, cr.Latency = r.Attack+" corrected", corrected
				if err := p.Add(&cr); err != nil {
					return nil, fmt.Errorf("merge: plot: %w", err)
				}
			}
		}
	}
	if timeout == 0 {
		timeout = defaultTimeout
	}
	c.timeout = timeout
	expr := o.SLA
	if expr == "" {
		expr = DefaultSLA(timeout)
	}
	sla, err := ParseSLA(expr)
	if err != nil {
		return nil, err
	}
	s := c.Summary()
	s.Timeout = timeout
	rep := &Report{Name: "merged", TimeoutMS: ms(timeout)}
	rep.setRun(nil, s, sla)
	rep.Pass = rep.SLA.Pass
	if p != nil {
		p.Close()
		if _, err := p.WriteTo(o.Plot); err != nil {
			return nil, fmt.Errorf("merge: write plot: %w", err)
		}
	}
	return rep, nil
}
