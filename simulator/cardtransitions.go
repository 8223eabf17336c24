package simulator

import (
	"github.com/jitsim/jitsim/jit"
)

// Card transitions (POST /cardtransitions): a card's state changes, each
// recorded under its token so that it can be read back and listed per card.

// CardTransition is card_transition_request / the transition part of
// card_transition_response.
type CardTransition struct {
	Token       string `json:"token"`
	CardToken   string `json:"card_token"`
	State       string `json:"state"`
	Reason      string `json:"reason,omitempty"`
	ReasonCode  string `json:"reason_code,omitempty"`
	Channel     string `json:"channel"`
	Type        string `json:"type"` // state.activated, state.suspended, state.reinstated, state.terminated
	CreatedTime string `json:"created_time"`
}

// CardTransitionRecord is a recorded transition and the card as it stood
// right after it (card_transition_response carries both).
type CardTransitionRecord struct {
	Transition CardTransition
	Card       Card
}

// TransitionCard moves a card to ACTIVE, SUSPENDED or TERMINATED, records
// the transition, and returns it (with its type and token) and the card. A
// TERMINATED card moves no more. It returns EINVALID for a bad state,
// channel or token and for a terminated card, ENOTFOUND for an unknown
// card, and ECONFLICT for a transition token already recorded.
func (e *Engine) TransitionCard(t CardTransition) (CardTransition, Card, error) {
	switch t.Channel {
	case "API", "IVR", "FRAUD", "ADMIN", "SYSTEM":
	default:
		return t, Card{}, jit.Errorf(jit.EINVALID, "channel must be API, IVR, FRAUD, ADMIN or SYSTEM")
	}
	if err := checkToken(t.Token); err != nil {
		return t, Card{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, dup := e.cardTrans.get(t.Token); dup {
		return t, Card{}, jit.Errorf(jit.ECONFLICT, "card transition %s already exists", t.Token)
	}
	c, ok := e.cards.get(t.CardToken)
	if !ok {
		return t, Card{}, jit.Errorf(jit.ENOTFOUND, "card %s not found", t.CardToken)
	}
	if c.State == "TERMINATED" {
		return t, Card{}, jit.Errorf(jit.EINVALID, "card %s is TERMINATED", c.Token)
	}
	switch {
	case t.State == "ACTIVE" && c.State == "SUSPENDED":
		t.Type = "state.reinstated"
	case t.State == "ACTIVE":
		t.Type = "state.activated"
	case t.State == "SUSPENDED":
		t.Type = "state.suspended"
	case t.State == "TERMINATED":
		t.Type = "state.terminated"
	default:
		return t, Card{}, jit.Errorf(jit.EINVALID, "state must be ACTIVE, SUSPENDED or TERMINATED")
	}
	t.Token = e.newToken(t.Token)
	t.CreatedTime = e.now()
	n := *c
	n.State, n.StateReason, n.LastModifiedTime = t.State, firstNonEmpty(t.Reason, t.Type), t.CreatedTime
	e.cards.put(n.Token, &n)
	e.cardTrans.put(t.Token, &CardTransitionRecord{Transition: t, Card: n})
	return t, n, nil
}

// CardTransition returns a recorded transition and the card as it stood
// right after it, or ENOTFOUND.
func (e *Engine) CardTransition(tok string) (CardTransitionRecord, error) {
	return lookup(e, &e.cardTrans, "card transition", tok)
}

// CardTransitions lists a card's recorded transitions, oldest first (none
// for an unknown card).
func (e *Engine) CardTransitions(card string) []CardTransitionRecord {
	return listOf(e, &e.cardTrans, func(r *CardTransitionRecord) bool { return r.Transition.CardToken == card })
}
