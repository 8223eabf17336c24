package features

import (
	"context"
	"errors"
	"sync"

	"github.com/cucumber/godog"

	"github.com/jitsim/jitsim/harness"
)

// runState is one Run's shared state: options, the black-box account pool,
// results, and the Worlds still open.
type runState struct {
	opts Options
	pool *harness.AccountPool
	col  *collector

	mu   sync.Mutex
	open map[*scenario]bool
}

// scenario is one scenario's state: its World and what the last raw send
// or refused event left for the Then steps.
type scenario struct {
	rs      *runState
	sc      *godog.Scenario
	w       *harness.World
	cleanup func()
	raw     *harness.RawAnswer
	refused error
	skip    string
	done    bool
}

func (rs *runState) initScenario(ctx *godog.ScenarioContext) {
	s := &scenario{rs: rs}
	ctx.Before(s.before)
	ctx.After(s.after)
	s.register(ctx)
}

func tagsOf(sc *godog.Scenario) map[string]bool {
	m := map[string]bool{}
	for _, t := range sc.Tags {
		m[t.Name] = true
	}
	return m
}

// before skips what this run cannot check, then builds the World.
func (s *scenario) before(ctx context.Context, sc *godog.Scenario) (context.Context, error) {
	s.sc = sc
	tags := tagsOf(sc)
	o := s.rs.opts
	switch {
	case tags["@adapter"] && o.BlackBox != nil:
		return ctx, s.skipf("needs the gateway's adapter (black-box mode)")
	case tags["@webhook-secret"] && o.NewTarget == nil && o.Target.WebhookSecret == "":
		return ctx, s.skipf("needs the gateway's webhook secret (--webhook-secret)")
	case tags["@controls"] && !o.Controls:
		return ctx, s.skipf("spend controls: run with --tags @controls against a gateway configured as controls.feature describes")
	}
	target, cleanup := o.Target, func() {}
	if o.NewTarget != nil {
		var err error
		if target, cleanup, err = o.NewTarget(sc.Name); err != nil {
			return ctx, err
		}
		if o.BlackBox != nil {
			target.AdapterURL = ""
		}
	}
	s.cleanup = cleanup
	w, err := harness.New(harness.Config{Target: target, Seed: scenarioSeed(o.Seed, sc), Accounts: s.rs.pool})
	if err != nil {
		cleanup()
		s.cleanup = nil
		return ctx, err
	}
	s.w = w
	s.rs.mu.Lock()
	if s.rs.open == nil {
		s.rs.open = map[*scenario]bool{}
	}
	s.rs.open[s] = true
	s.rs.mu.Unlock()
	return ctx, nil
}

func (s *scenario) skipf(reason string) error {
	s.skip = reason
	return godog.ErrSkip
}

// after records the result and closes the World.
func (s *scenario) after(ctx context.Context, sc *godog.Scenario, err error) (context.Context, error) {
	if s.done {
		return ctx, nil
	}
	s.done = true
	r := ScenarioResult{Name: sc.Name, id: sc.Id}
	for _, t := range sc.Tags {
		r.Tags = append(r.Tags, t.Name)
	}
	switch {
	case s.skip != "" && (err == nil || errors.Is(err, godog.ErrSkip)):
		r.Status, r.SkipReason = StatusSkipped, s.skip
	case err == nil:
		r.Status = StatusPassed
	default:
		r.Status, r.Error = StatusFailed, err.Error()
		if errors.Is(err, godog.ErrUndefined) {
			r.Error = "undefined step: " + err.Error()
		}
	}
	s.rs.col.add(sc.Uri, r)
	s.close()
	return ctx, nil
}

func (s *scenario) close() {
	if s.w != nil {
		s.w.Close()
	}
	if s.cleanup != nil {
		s.cleanup()
		s.cleanup = nil
	}
	s.rs.mu.Lock()
	delete(s.rs.open, s)
	s.rs.mu.Unlock()
}

// closeAll closes Worlds whose scenario never reached its After hook.
func (rs *runState) closeAll() {
	rs.mu.Lock()
	var left []*scenario
	for s := range rs.open {
		left = append(left, s)
	}
	rs.mu.Unlock()
	for _, s := range left {
		s.close()
	}
}
