package simulator

import (
	"github.com/jitsim/jitsim/jit"
)

// More setup, for the REST API (simulator/api): lists, updates, card and
// Commando Mode transitions. The conventions are setup.go's: errors are
// *jit.Error — EINVALID naming the field, ENOTFOUND for an unknown token,
// ECONFLICT for a token in use — and tokens are at most 36 characters.

// FundingSources lists program gateway funding sources in creation order.
func (e *Engine) FundingSources() []FundingSource { return listOf(e, &e.sources, nil) }

// ListWebhooks lists webhooks in creation order. (Webhooks is the
// dispatcher.)
func (e *Engine) ListWebhooks() []Webhook { return listOf(e, &e.hooks, nil) }

// Cards lists every card in creation order.
func (e *Engine) Cards() []Card { return listOf(e, &e.cards, nil) }

// CommandoModes lists commando modes in creation order.
func (e *Engine) CommandoModes() []CommandoMode { return listOf(e, &e.commando, nil) }

// UpdateUser replaces the fields set in u (first_name, last_name, email,
// metadata, business_token, active). It returns ENOTFOUND for an unknown
// user.
func (e *Engine) UpdateUser(tok string, u User) (User, error) {
	return update(e, &e.users, "user", tok, func(n *User) error {
		setIf(&n.FirstName, u.FirstName)
		setIf(&n.LastName, u.LastName)
		setIf(&n.Email, u.Email)
		setIf(&n.BusinessToken, u.BusinessToken)
		setMap(&n.Metadata, u.Metadata)
		if u.Active != nil {
			n.Active = u.Active
			n.Status = "ACTIVE"
			if !*u.Active {
				n.Status = "SUSPENDED"
			}
		}
		n.LastModifiedTime = e.now()
		return nil
	})
}

// UpdateCard replaces the fields set in c: user_token (which must exist,
// else EINVALID) and metadata. It returns ENOTFOUND for an unknown card.
func (e *Engine) UpdateCard(tok string, c Card) (Card, error) {
	return update(e, &e.cards, "card", tok, func(n *Card) error {
		if c.UserToken != "" {
			if _, ok := e.users.get(c.UserToken); !ok {
				return jit.Errorf(jit.EINVALID, "user_token %q does not exist", c.UserToken)
			}
		}
		setIf(&n.UserToken, c.UserToken)
		setMap(&n.Metadata, c.Metadata)
		n.LastModifiedTime = e.now()
		return nil
	})
}

// UpdateWebhook replaces a webhook's name, events and config (and active
// when set), checked as CreateWebhook checks them (EINVALID), and updates
// the dispatcher's endpoint. It returns ENOTFOUND for an unknown webhook.
func (e *Engine) UpdateWebhook(tok string, w Webhook) (Webhook, error) {
	if err := checkWebhook(&w); err != nil {
		return w, err
	}
	return update(e, &e.hooks, "webhook", tok, func(n *Webhook) error {
		n.Name, n.Events, n.Config = w.Name, w.Events, w.Config
		setIf(&n.Active, w.Active)
		n.LastModifiedTime = e.now()
		e.webhooks.SetEndpoint(endpointOf(n))
		return nil
	})
}

// CreateCommandoMode adds the commando mode of a program gateway funding
// source (one per source, as Marqeta allows). It returns EINVALID for an
// unknown or missing source or a bad token, and ECONFLICT for a token in use
// or a source that already has one.
func (e *Engine) CreateCommandoMode(c CommandoMode) (CommandoMode, error) {
	if err := checkToken(c.Token); err != nil {
		return c, err
	}
	if err := checkCommandoState(c.CurrentState); err != nil {
		return c, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.sources.get(c.ProgramGatewayFundingSourceToken); !ok {
		return c, jit.Errorf(jit.EINVALID, "program_gateway_funding_source_token %q does not exist", c.ProgramGatewayFundingSourceToken)
	}
	tok, err := claim(e, &e.commando, "commando mode", c.Token)
	if err != nil {
		return c, err
	}
	c.Token = tok
	if other := e.commandoFor(c.ProgramGatewayFundingSourceToken); other != nil {
		return c, jit.Errorf(jit.ECONFLICT, "funding source %s already has commando mode %s", c.ProgramGatewayFundingSourceToken, other.Token)
	}
	if c.CurrentState == nil {
		c.CurrentState = &CommandoTransition{CommandoEnabled: false, Channel: "API"}
	}
	c.CreatedTime, c.LastModifiedTime = e.now(), e.now()
	e.commando.put(c.Token, &c)
	return c, nil
}

// UpdateCommandoMode replaces the parts set in c: commando_mode_enables,
// real_time_standin_criteria, current_state, and the funding source (which
// must exist and have no other commando mode: EINVALID, ECONFLICT). It
// returns ENOTFOUND for an unknown commando mode.
func (e *Engine) UpdateCommandoMode(tok string, c CommandoMode) (CommandoMode, error) {
	if err := checkCommandoState(c.CurrentState); err != nil {
		return c, err
	}
	return update(e, &e.commando, "commando mode", tok, func(n *CommandoMode) error {
		if src := c.ProgramGatewayFundingSourceToken; src != "" && src != n.ProgramGatewayFundingSourceToken {
			if _, ok := e.sources.get(src); !ok {
				return jit.Errorf(jit.EINVALID, "program_gateway_funding_source_token %q does not exist", src)
			}
			if other := e.commandoFor(src); other != nil {
				return jit.Errorf(jit.ECONFLICT, "funding source %s already has commando mode %s", src, other.Token)
			}
			n.ProgramGatewayFundingSourceToken = src
		}
		setIf(&n.CommandoModeEnables, c.CommandoModeEnables)
		setIf(&n.RealTimeStandinCriteria, c.RealTimeStandinCriteria)
		setIf(&n.CurrentState, c.CurrentState)
		n.LastModifiedTime = e.now()
		return nil
	})
}

func checkCommandoState(t *CommandoTransition) error {
	if t == nil {
		return nil
	}
	switch t.Channel {
	case "":
		t.Channel = "API"
	case "API", "SYSTEM", "ADMIN":
	default:
		return jit.Errorf(jit.EINVALID, "transition.channel must be API, SYSTEM or ADMIN")
	}
	return nil
}

// CommandoModeTransition is commando_mode_transition_response: one manual
// change of a commando mode's current_state.
type CommandoModeTransition struct {
	Token             string             `json:"token"`
	CommandoModeToken string             `json:"commando_mode_token"`
	Name              string             `json:"name,omitempty"`
	Type              string             `json:"type,omitempty"`
	Transition        CommandoTransition `json:"transition"`
	CreatedTime       string             `json:"created_time"`
}

// CreateCommandoModeTransition turns manual Commando Mode on or off
// (POST /commandomodes/transitions) and records the transition. It returns
// EINVALID for an unknown commando_mode_token, a bad channel or token, and
// ECONFLICT for a transition token in use.
func (e *Engine) CreateCommandoModeTransition(t CommandoModeTransition) (CommandoModeTransition, error) {
	if err := checkToken(t.Token); err != nil {
		return t, err
	}
	if err := checkCommandoState(&t.Transition); err != nil {
		return t, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	c, ok := e.commando.get(t.CommandoModeToken)
	if !ok {
		return t, jit.Errorf(jit.EINVALID, "commando_mode_token %q does not exist", t.CommandoModeToken)
	}
	tok, err := claim(e, &e.cmTrans, "commando mode transition", t.Token)
	if err != nil {
		return t, err
	}
	t.Token = tok
	t.CreatedTime = e.now()
	n := *c
	st := t.Transition
	n.CurrentState, n.LastModifiedTime = &st, t.CreatedTime
	e.commando.put(n.Token, &n)
	e.cmTrans.put(t.Token, &t)
	return t, nil
}

// CommandoModeTransition returns one recorded transition, or ENOTFOUND.
func (e *Engine) CommandoModeTransition(tok string) (CommandoModeTransition, error) {
	return lookup(e, &e.cmTrans, "commando mode transition", tok)
}

// CommandoModeTransitions lists the transitions of a commando mode, oldest
// first.
func (e *Engine) CommandoModeTransitions(commandoMode string) []CommandoModeTransition {
	return listOf(e, &e.cmTrans, func(t *CommandoModeTransition) bool { return t.CommandoModeToken == commandoMode })
}

// OpenAmount returns what an approved authorization still holds, in its
// currency: the amount a reversal or clearing with no amount applies to. It
// returns ENOTFOUND for an unknown transaction and EINVALID for one that is
// not an approved authorization or is already closed.
func (e *Engine) OpenAmount(authToken string) (jit.Amount, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.openChain(authToken)
	if err != nil {
		return jit.Amount{}, err
	}
	return jit.MustMinor(c.open, c.cur), nil
}
