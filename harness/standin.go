package harness

import (
	"fmt"

	"github.com/jitsim/jitsim/simulator"
)

// StandIn configures Marqeta's automatic stand-in (Commando Mode's
// real_time_standin_criteria): when the gateway times out, cannot be
// reached or answers garbage, Marqeta approves on its behalf and the gateway
// learns of it only from the webhook.
func (w *World) StandIn(onTimeout, onConnectionError, onApplicationError bool) error {
	rts := &simulator.RealTimeStandin{Enabled: true, IncludeResponseTimeouts: onTimeout,
		IncludeConnectionErrors: onConnectionError, IncludeApplicationErrors: onApplicationError}
	return w.commandoMode(func(c *simulator.CommandoMode) { c.RealTimeStandinCriteria = rts })
}

// Commando turns manual Commando Mode on or off: while on, Marqeta does not
// call the gateway and approves every authorization itself.
func (w *World) Commando(on bool) error {
	if err := w.commandoMode(nil); err != nil {
		return err
	}
	if _, err := w.engine.TransitionCommandoMode(w.commando, simulator.CommandoTransition{CommandoEnabled: on, Reason: "conformance", Channel: "API"}); err != nil {
		return fmt.Errorf("commando mode transition: %w", err)
	}
	w.log.Addf("Marqeta: manual Commando Mode %s", map[bool]string{true: "on", false: "off"}[on])
	return nil
}

// commandoMode creates the funding source's commando mode once and applies
// change to it.
func (w *World) commandoMode(change func(*simulator.CommandoMode)) error {
	if w.commando == "" {
		cm, err := w.engine.CreateCommandoMode(simulator.CommandoMode{ProgramGatewayFundingSourceToken: w.source,
			CommandoModeEnables: &simulator.CommandoModeEnables{ProgramFundingSource: "conformance"}})
		if err != nil {
			return fmt.Errorf("commando mode: %w", err)
		}
		w.commando = cm.Token
	}
	if change == nil {
		return nil
	}
	cm, err := w.engine.CommandoMode(w.commando)
	if err != nil {
		return fmt.Errorf("commando mode: %w", err)
	}
	change(&cm)
	if _, err := w.engine.UpdateCommandoMode(w.commando, cm); err != nil {
		return fmt.Errorf("commando mode: %w", err)
	}
	w.log.Addf("Marqeta: stand-in criteria %+v", *cm.RealTimeStandinCriteria)
	return nil
}

// UseJITPassword makes Marqeta call the gateway's JIT endpoint with another
// Basic auth password ("" restores the right one).
func (w *World) UseJITPassword(password string) error {
	if password == "" {
		password = w.target.Password
	}
	if _, err := w.engine.UpdateFundingSource(w.source, simulator.FundingSource{BasicAuthPassword: password}); err != nil {
		return fmt.Errorf("funding source password: %w", err)
	}
	return nil
}
