package simulator

import (
	"testing"

	"github.com/jitsim/jitsim/jit"
)

// TestCardTransitionsRecorded checks that every accepted transition is
// stored under its token with the card as it stood right after it, listed
// per card oldest first, and that refused ones (a duplicate token, a bad
// state, a terminated card) leave neither a record nor a state change.
func TestCardTransitionsRecorded(t *testing.T) {
	e, card := program(t, &fakeGateway{answer: echo(200, "")}, 3000)
	steps := []struct {
		in       CardTransition
		code     string // jit error code, "" for success
		typ      string
		cardNow  string // the card's state afterwards
		recorded int    // transitions listed for the card afterwards
	}{
		{CardTransition{Token: "t1", CardToken: card, State: "SUSPENDED", Channel: "API", Reason: "lost"}, "", "state.suspended", "SUSPENDED", 1},
		{CardTransition{Token: "t1", CardToken: card, State: "ACTIVE", Channel: "API"}, jit.ECONFLICT, "", "SUSPENDED", 1},
		{CardTransition{CardToken: card, State: "ACTIVE", Channel: "IVR"}, "", "state.reinstated", "ACTIVE", 2},
		{CardTransition{Token: "t3", CardToken: card, State: "FROZEN", Channel: "API"}, jit.EINVALID, "", "ACTIVE", 2},
		{CardTransition{Token: "t4", CardToken: "nope", State: "ACTIVE", Channel: "API"}, jit.ENOTFOUND, "", "ACTIVE", 2},
		{CardTransition{Token: "t5", CardToken: card, State: "TERMINATED", Channel: "FRAUD"}, "", "state.terminated", "TERMINATED", 3},
		{CardTransition{Token: "t6", CardToken: card, State: "ACTIVE", Channel: "API"}, jit.EINVALID, "", "TERMINATED", 3},
	}
	for i, s := range steps {
		tr, c, err := e.TransitionCard(s.in)
		if got := jit.ErrorCode(err); (s.code == "") != (err == nil) || (err != nil && got != s.code) {
			t.Fatalf("step %d: err %v, want code %q", i, err, s.code)
		}
		if err == nil {
			if tr.Type != s.typ || tr.Token == "" || c.State != s.cardNow {
				t.Fatalf("step %d: transition %+v card state %s", i, tr, c.State)
			}
			rec, err := e.CardTransition(tr.Token)
			if err != nil || rec.Transition != tr || rec.Card.State != s.cardNow || rec.Card.Token != card {
				t.Fatalf("step %d: stored %+v, %v", i, rec, err)
			}
		}
		if now, _ := e.Card(card); now.State != s.cardNow {
			t.Fatalf("step %d: card is %s, want %s", i, now.State, s.cardNow)
		}
		if n := len(e.CardTransitions(card)); n != s.recorded {
			t.Fatalf("step %d: %d transitions listed, want %d", i, n, s.recorded)
		}
	}
	list := e.CardTransitions(card)
	if list[0].Transition.Token != "t1" || list[0].Card.State != "SUSPENDED" || list[2].Transition.Token != "t5" {
		t.Fatalf("list out of order or snapshots wrong: %+v", list)
	}
	if _, err := e.CardTransition("t6"); jit.ErrorCode(err) != jit.ENOTFOUND {
		t.Fatalf("refused transition was stored: %v", err)
	}
	if got := e.CardTransitions("nope"); len(got) != 0 {
		t.Fatalf("unknown card lists %d transitions", len(got))
	}
}
