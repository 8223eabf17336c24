package fault

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"

	"github.com/jitsim/jitsim/simulator"
)

// Commando is the Commando stand-in fault: per JIT-bearing network event,
// with Probability manual Commando Mode is turned on for the event's
// funding source while the event runs, and back to its previous state
// after. The engine then does not call the gateway and approves as
// COMMANDO_MANUAL; the gateway learns of the approval only from the
// webhook and must book it (a hold that may overdraw).
//
// While one event runs in Commando Mode, concurrent events on the same
// funding source run in it too; drive the engine from one goroutine for an
// exact count.
type Commando struct {
	Probability float64
	Rand        *rand.Rand // this fault's own stream
	dice

	mu     sync.Mutex
	active map[string]*standin // by funding source
}

// standin is one funding source's Commando Mode while faults hold it on.
type standin struct {
	users    int
	mode     string                       // commando mode token
	prior    simulator.CommandoTransition // state to restore
	switched bool                         // whether we turned it on
}

// around runs fn, in Commando Mode when the fault fires.
func (c *Commando) around(ctx context.Context, e *simulator.Engine, source string, fn func() error) error {
	if !c.roll(c.Probability, c.Rand) {
		c.count(false)
		return fn()
	}
	if err := ctx.Err(); err != nil {
		c.count(false)
		return err
	}
	if err := c.enable(e, source); err != nil {
		c.count(false)
		return fmt.Errorf("fault %s: %w", NameCommando, err)
	}
	c.count(true)
	err := fn()
	if derr := c.disable(e, source); derr != nil {
		return errors.Join(err, fmt.Errorf("fault %s: %w", NameCommando, derr))
	}
	return err
}

// enable turns manual Commando Mode on for source, creating its commando
// mode if it has none.
func (c *Commando) enable(e *simulator.Engine, source string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.active[source]; s != nil {
		s.users++
		return nil
	}
	var mode *simulator.CommandoMode
	for _, m := range e.CommandoModes() {
		if m.ProgramGatewayFundingSourceToken == source {
			mode = &m
			break
		}
	}
	if mode == nil {
		m, err := e.CreateCommandoMode(simulator.CommandoMode{ProgramGatewayFundingSourceToken: source})
		if err != nil {
			return fmt.Errorf("create commando mode: %w", err)
		}
		mode = &m
	}
	s := &standin{users: 1, mode: mode.Token, prior: simulator.CommandoTransition{Channel: "API"}}
	if mode.CurrentState != nil {
		s.prior = *mode.CurrentState
	}
	if !s.prior.CommandoEnabled {
		on := simulator.CommandoTransition{CommandoEnabled: true, Reason: "injected fault " + NameCommando, Channel: "API"}
		if _, err := e.TransitionCommandoMode(mode.Token, on); err != nil {
			return fmt.Errorf("turn commando mode on: %w", err)
		}
		s.switched = true
	}
	if c.active == nil {
		c.active = map[string]*standin{}
	}
	c.active[source] = s
	return nil
}

// disable restores source's previous state once its last user is done.
func (c *Commando) disable(e *simulator.Engine, source string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.active[source]
	if s == nil {
		return nil
	}
	if s.users--; s.users > 0 {
		return nil
	}
	delete(c.active, source)
	if !s.switched {
		return nil
	}
	if _, err := e.TransitionCommandoMode(s.mode, s.prior); err != nil {
		return fmt.Errorf("turn commando mode off: %w", err)
	}
	return nil
}
