package run

import (
	"context"
	"fmt"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator/oracle"
)

// Run sets up the fake Marqeta against the gateway, plays the profile's
// traffic, drains the webhooks and reconciles every account. It returns the
// report; with an error wrapping ErrDrift when the verdict fails, or
// another error (and a nil report) when the run could not be made: bad
// configuration (code EINVALID), an account the gateway already holds (code
// ECONFLICT), a gateway or adapter that fails during set-up or
// reconciliation, or ctx ending.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	p := profile(cfg)
	sh := newShared(cfg, p)
	n := max(cfg.Workers, 1)
	lanes := make([]*world, n)
	for i := range lanes {
		lp := p
		if n > 1 {
			lp = laneProfile(p, i, n)
		}
		w, err := build(cfg, lp, sh)
		if err != nil {
			return nil, err
		}
		defer w.engine.Close()
		lanes[i] = w
	}
	t0 := cfg.Wall()
	for _, w := range lanes {
		if err := w.setUp(ctx); err != nil {
			return nil, fmt.Errorf("set up: %w", err)
		}
	}
	t1 := cfg.Wall()
	bar := newProgress(cfg.Progress, p, cfg.Wall)
	tick := &ticker{bar: bar, fn: cfg.Tick}
	if err := each(ctx, lanes, func(ctx context.Context, w *world) error { return w.play(ctx, tick) }); err != nil {
		bar.done()
		return nil, err
	}
	t2 := cfg.Wall()
	if err := each(ctx, lanes, func(ctx context.Context, w *world) error { return w.drain(ctx) }); err != nil {
		bar.done()
		return nil, fmt.Errorf("drain webhooks: %w", err)
	}
	bar.done()
	hooks := webhookTotals(lanes) // before the black-box inquiries add their own
	rec, err := sh.oracle.Reconcile(ctx, lanes[0].reader())
	if err != nil {
		return nil, fmt.Errorf("reconcile: %w", err)
	}
	if w := lanes[0]; w.script != nil {
		if err := w.script.Close(); err != nil {
			return nil, fmt.Errorf("transcript: %w", err)
		}
	}
	r := report(lanes, p, rec, hooks, timings{setUp: t1.Sub(t0), traffic: t2.Sub(t1), total: cfg.Wall().Sub(t0)})
	if !r.Pass {
		return r, fmt.Errorf("%w: %s", ErrDrift, r.Summary())
	}
	return r, nil
}

// reader reads the gateway's balances: through the adapter, or in
// black-box mode by balance inquiries with the faults off.
func (w *world) reader() oracle.Reader {
	if len(w.cfg.Accounts) == 0 {
		return oracle.AdapterReader(w.adapter)
	}
	w.reconciling = true
	w.jit.on.Store(false)
	cards := map[string]string{}
	for i, u := range w.users {
		cards[u] = w.cards[i]
	}
	return oracle.InquiryReader(w.engine, func(k oracle.Key) (string, bool) {
		c, ok := cards[k.Account]
		return c, ok
	})
}

// timings are the real-time phases of a run.
type timings struct{ setUp, traffic, total time.Duration }

// play runs flows in virtual-time order until the profile's count or
// duration is reached and every started flow is done.
func (w *world) play(ctx context.Context, tick *ticker) error {
	p, wall := w.p, w.cfg.Wall
	var q queue
	var planned int64 // steps sent or still queued
	next := w.gen.Next()
	start := wall()
	admit := func() bool {
		if p.Transactions > 0 && planned >= p.Transactions {
			return false
		}
		return p.Duration <= 0 || wall().Sub(start) < time.Duration(p.Duration)
	}
	sinceFlush := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		for admit() {
			due := p.Start.Add(next.Start)
			if top, ok := q.peek(); ok && due.After(top) {
				break
			}
			f := next
			next = w.gen.Next()
			if left := p.Transactions - planned; p.Transactions > 0 && int64(len(f.Steps)) > left {
				f.Steps = f.Steps[:left] // the count is exact
			}
			planned += int64(len(f.Steps))
			q.schedule(f, later(due, w.clock.Now()), 0)
		}
		if q.Len() == 0 {
			return nil
		}
		it := q.next()
		w.clock.AdvanceTo(it.due)
		if w.cfg.OnTime != nil {
			w.cfg.OnTime(it.due)
		}
		if p.Rate > 0 {
			if err := w.pace(ctx, start); err != nil {
				return err
			}
		}
		sent, err := w.exec(ctx, it)
		if err != nil {
			return err
		}
		if !sent {
			planned--
		}
		if it.step+1 < len(it.flow.Steps) {
			q.schedule(it.flow, it.start, it.step+1)
		}
		if sinceFlush++; sinceFlush >= w.cfg.FlushEvery {
			sinceFlush = 0
			if err := w.engine.Webhooks().Flush(ctx); err != nil {
				return err
			}
		}
		n := w.stats.counts.Transactions
		tick.add(n - w.ticked)
		w.ticked = n
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// pace waits for the next message's slot: message n is due n/rate after
// start, so a slow gateway makes the run fall behind (reported) rather than
// stretch the schedule.
func (w *world) pace(ctx context.Context, start time.Time) error {
	n := w.stats.counts.Transactions
	slot := start.Add(time.Duration(float64(n) / w.p.Rate * float64(time.Second)))
	wait := slot.Sub(w.cfg.Wall())
	if wait <= 0 {
		w.lag = max(w.lag, -wait)
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stepNote is the transcript line before each step: which flow and scenario
// the following messages belong to.
type stepNote struct {
	Flow     int64  `json:"flow"`
	Scenario string `json:"scenario"`
	Step     int    `json:"step"`
	Op       string `json:"op"`
	Card     string `json:"card"`
}

// exec runs one step (in Commando Mode when that fault fires on a JIT
// event) and counts it. It reports whether a message was sent.
func (w *world) exec(ctx context.Context, it pending) (bool, error) {
	f, i := it.flow, it.step
	card := w.cards[f.Holder]
	w.stats.begin()
	if f.Skips(i) {
		w.stats.step(f, i, nil)
		return false, nil
	}
	w.note("step", stepNote{Flow: f.ID, Scenario: f.Scenario, Step: i, Op: f.Steps[i].Op.String(), Card: card})
	var txn *jit.Transaction
	do := func() error {
		var err error
		txn, err = f.Exec(ctx, w.engine, card, i)
		return err
	}
	var err error
	if f.Steps[i].Op.JIT() {
		err = w.faults.Around(ctx, w.engine, w.source, do)
	} else {
		err = do()
	}
	if err != nil {
		return false, err
	}
	w.stats.step(f, i, txn)
	return txn != nil, nil
}

// drain delivers what is queued, then advances the virtual clock from one
// pending timer to the next (webhook retries) until nothing is pending, or
// drainSteps timers have fired.
func (w *world) drain(ctx context.Context) error {
	d := w.engine.Webhooks()
	if err := d.Flush(ctx); err != nil {
		return err
	}
	for i := 0; d.Pending() > 0 && i < drainSteps; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		next, ok := w.clock.Next()
		if !ok {
			break
		}
		w.clock.AdvanceTo(next)
		if err := d.Flush(ctx); err != nil {
			return err
		}
	}
	return nil
}
