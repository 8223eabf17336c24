package loadtest

import (
	"context"
	"crypto/tls"
	"fmt"
	"math"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
	"github.com/tsenart/vegeta/v12/lib/plot"

	"github.com/jitsim/jitsim/jit"
)

// runner is one `jitsim load`: the pool, the client, the outputs, and the
// funding and reconciliation state shared by its attacks.
type runner struct {
	o      Options
	sla    *SLA
	src    *source
	client *http.Client
	hdr    http.Header
	enc    vegeta.Encoder
	plot   *plot.Plot
	fund   *funder
	holds  []hold // approved holds over all attacks
	unsure []hold
}

// Run generates the bodies, funds the cardholders (with AdapterURL), runs
// the pacer's attack or the FindMax search, writes Output and Plot, and
// reconciles (with Reconcile). A breached SLA or a drifting ledger is a
// Report with Pass false, not an error. Errors: jit.EINVALID for bad
// options; otherwise generation, funding, output and adapter failures, and
// ctx's error when cancelled before any result.
func Run(ctx context.Context, o Options) (*Report, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	sla, err := ParseSLA(o.SLA)
	if err != nil {
		return nil, err
	}
	r := &runner{o: o, sla: sla}
	if err := r.setup(ctx); err != nil {
		return nil, err
	}
	rep := &Report{GatewayURL: o.GatewayURL, Name: o.Name, Seed: o.Seed, Mix: o.Mix.String(), Connections: o.Connections,
		HTTP2: o.HTTP2, TimeoutMS: ms(o.Timeout), Pool: len(r.src.p.t), Cardholders: len(r.src.p.cardholders)}
	if o.Warmup > 0 {
		var first float64
		if o.FindMax != nil {
			first = o.FindMax.Start
		} else {
			first = o.Pacer.Rate(0)
		}
		if first > 0 {
			if _, err := r.attack(ctx, Constant(first, o.Warmup), o.Name+"-warmup", true); err != nil {
				return nil, err
			}
			rep.Warmup = fmt.Sprintf("%s/s for %s", fmtRate(first), o.Warmup)
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Second):
			}
		}
	}
	if o.FindMax != nil {
		if err := r.findMax(ctx, rep); err != nil {
			return nil, err
		}
	} else {
		s, err := r.attack(ctx, o.Pacer, o.Name, false)
		if err != nil {
			return nil, err
		}
		rep.setRun(o.Pacer, s, r.sla)
	}
	if o.Plot != nil {
		r.plot.Close()
		if _, err := r.plot.WriteTo(o.Plot); err != nil {
			return nil, fmt.Errorf("write plot: %w", err)
		}
	}
	if o.Reconcile {
		rec, err := r.fund.reconcile(ctx, r.holds, r.unsure)
		if err != nil {
			return nil, err
		}
		rep.Reconcile = rec
	}
	rep.Pass = rep.SLA.Pass && (rep.Reconcile == nil || rep.Reconcile.OK)
	return rep, ctx.Err()
}

func (r *runner) setup(ctx context.Context) error {
	o := &r.o
	// An incremental follows its authorization by ≥ 250 ms of schedule (at
	// the lowest rate a find-max step uses).
	rate, planned := 0.0, uint64(0)
	if o.FindMax != nil {
		if err := o.FindMax.defaults(); err != nil {
			return err
		}
		rate = o.FindMax.Start
		planned = uint64(math.Ceil(o.FindMax.MaxRate * o.FindMax.Step.Seconds()))
	} else {
		rate, planned = o.Pacer.Peak(), o.Pacer.Hits()
	}
	n := int(min(planned, uint64(o.PoolSize)))
	lag := max(1, min(int(math.Ceil(rate/4)), n/4))
	step := time.Second
	if rate > 0 {
		step = time.Duration(float64(time.Second) / rate)
	}
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, "generating %d JIT bodies with the simulator's engine…\n", max(n, 1))
	}
	p, err := generate(ctx, genConfig{Seed: o.Seed, N: max(n, 1), Cardholders: append([]Cardholder(nil), o.Cardholders...), Accounts: o.Accounts,
		Mix: o.Mix, Lag: lag, Start: o.Start, Step: step})
	if err != nil {
		return err
	}
	r.src = &source{p: p}
	r.hdr = http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}
	if o.Username != "" || o.Password != "" {
		req, _ := http.NewRequest(http.MethodPost, o.GatewayURL, nil)
		req.SetBasicAuth(o.Username, o.Password)
		r.hdr.Set("Authorization", req.Header.Get("Authorization"))
	}
	r.client = newClient(o, r.src)
	if o.Output != nil {
		r.enc = vegeta.NewEncoder(o.Output)
	}
	if o.Plot != nil {
		r.plot = plot.New(plot.Title("jitsim load: "+o.GatewayURL), plot.Label(outcomeLabel), plot.Downsample(plotPoints))
	}
	if o.AdapterURL != "" {
		r.fund = newFunder(o, p)
		if err := r.fund.baseline(ctx); err != nil {
			return err
		}
	}
	return nil
}

// newClient is a keep-alive client with at most o.Connections connections
// and no proxy, over the transport that renders each hit's body.
func newClient(o *Options, src *source) *http.Client {
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: o.Timeout, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          o.Connections,
		MaxIdleConnsPerHost:   o.Connections,
		MaxConnsPerHost:       o.Connections,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   o.Timeout,
		DisableCompression:    true,
		ResponseHeaderTimeout: o.Timeout,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
	}
	var p http.Protocols
	switch {
	case o.HTTP2 && strings.HasPrefix(o.GatewayURL, "https:"):
		p.SetHTTP2(true)
		tr.ForceAttemptHTTP2 = true
	case o.HTTP2:
		p.SetUnencryptedHTTP2(true)
	default:
		p.SetHTTP1(true)
	}
	tr.Protocols = &p
	return &http.Client{
		Timeout:       o.Timeout,
		Transport:     &seqTransport{next: tr, src: src},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// beganPacer records when vegeta's attack began: its first Pace call is
// told the time elapsed since then.
type beganPacer struct {
	Pacer
	began atomic.Int64 // Unix nanoseconds
}

func (p *beganPacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	if hits == 0 && p.began.Load() == 0 {
		p.began.Store(time.Now().Add(-elapsed).UnixNano())
	}
	return p.Pacer.Pace(elapsed, hits)
}

// attack runs one pacer with a new attacker (they are single-use). A
// warm-up attack is neither written nor plotted.
func (r *runner) attack(ctx context.Context, pacer Pacer, name string, warmup bool) (*Summary, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	hits := pacer.Hits()
	if hits/r.src.size() >= maxCycles-r.src.base/r.src.size() {
		return nil, jit.Errorf(jit.EINVALID, "run too long for a pool of %d bodies", r.src.size())
	}
	if r.fund != nil {
		if err := r.fund.fund(ctx, hits); err != nil {
			return nil, err
		}
	}
	atk := vegeta.NewAttacker(
		vegeta.Client(r.client), // the client's transport is ours: no vegeta transport options
		vegeta.MaxBody(maxBody),
		// MaxWorkers stays unbounded: capped workers would hide queueing
		// (coordinated omission). Connections are bounded in the transport
		// instead, so waiting for one is counted as latency.
	)
	stop := context.AfterFunc(ctx, func() { atk.Stop() })
	defer stop()
	bp := &beganPacer{Pacer: pacer}
	coll := NewCollector(r.o.Timeout)
	coll.track = r.o.Reconcile
	prog := newProgress(r.o.Progress, name, hits)
	tr := r.src.targeter(r.o.GatewayURL, r.hdr)
	var werr error
	for res := range atk.Attack(tr, bp, 0, name) {
		if werr != nil {
			continue // drain: vegeta's workers block until the results are read
		}
		sched := time.Unix(0, bp.began.Load()).Add(pacer.At(res.Seq))
		annotate(res, r.src.meta(r.src.base+res.Seq), sched, r.o.Timeout)
		label, corrected := coll.add(res)
		res.Headers[HeaderOutcome] = []string{label}
		if r.enc != nil && !warmup {
			if werr = r.enc.Encode(res); werr != nil {
				atk.Stop()
				continue
			}
		}
		if r.plot != nil && !warmup {
			r.plot.Add(res)
			c := *res
			c.Attack, c.Latency = name+" corrected", corrected
			r.plot.Add(&c)
		}
		prog.add(label, corrected)
	}
	prog.done()
	if werr != nil {
		return nil, fmt.Errorf("write results: %w", werr)
	}
	size := r.src.size()
	r.src.base = (r.src.base + hits + size - 1) / size * size // next attack starts a fresh cycle
	s := coll.Summary()
	r.holds = append(r.holds, s.approvedHolds...)
	r.unsure = append(r.unsure, s.uncertain...)
	if s.Requests == 0 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func outcomeLabel(r *vegeta.Result) string {
	if v := r.Headers[HeaderOutcome]; len(v) > 0 {
		return v[0]
	}
	return plot.ErrorLabeler(r)
}
