package simulator

import (
	"testing"

	"github.com/jitsim/jitsim/jit"
)

// TestUpdatesReplaceOnlyWhatIsSet checks the Update rule every resource
// shares: fields given replace, zero fields keep what was there, a refused
// update (EINVALID, ECONFLICT) changes nothing, and an unknown token is
// ENOTFOUND.
func TestUpdatesReplaceOnlyWhatIsSet(t *testing.T) {
	e, card := program(t, &fakeGateway{answer: echo(200, "")}, 3000)
	src := e.FundingSources()[0]
	if _, err := e.CreateUser(User{Token: "user_2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.CreateCommandoMode(CommandoMode{Token: "cm1", ProgramGatewayFundingSourceToken: src.Token}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		run   func() error
		code  string // "" for success
		check func() bool
	}{
		{"user: set fields replace, empty ones keep", func() error {
			_, err := e.UpdateUser("user_1", User{LastName: "Lovelace", Metadata: map[string]string{"k": "v"}})
			return err
		}, "", func() bool {
			u, _ := e.User("user_1")
			return u.FirstName == "Ada" && u.LastName == "Lovelace" && u.Metadata["k"] == "v" && u.Status == "ACTIVE"
		}},
		{"user: active false suspends", func() error {
			_, err := e.UpdateUser("user_1", User{Active: jit.Bool(false)})
			return err
		}, "", func() bool {
			u, _ := e.User("user_1")
			return !*u.Active && u.Status == "SUSPENDED" && u.LastName == "Lovelace"
		}},
		{"user: unknown", func() error { _, err := e.UpdateUser("nope", User{FirstName: "X"}); return err }, jit.ENOTFOUND, nil},
		{"funding source: timeout replaced", func() error {
			_, err := e.UpdateFundingSource(src.Token, FundingSource{TimeoutMillis: 5000})
			return err
		}, "", func() bool {
			f, _ := e.FundingSource(src.Token)
			return f.TimeoutMillis == 5000 && f.URL == src.URL && f.CustomHeader["X-Program"] == "p1"
		}},
		{"funding source: invalid result refused, unchanged", func() error {
			_, err := e.UpdateFundingSource(src.Token, FundingSource{TimeoutMillis: 9000, Name: "renamed"})
			return err
		}, jit.EINVALID, func() bool {
			f, _ := e.FundingSource(src.Token)
			return f.TimeoutMillis == 5000 && f.Name == src.Name
		}},
		{"card: unknown user refused, unchanged", func() error {
			_, err := e.UpdateCard(card, Card{UserToken: "nope", Metadata: map[string]string{"a": "b"}})
			return err
		}, jit.EINVALID, func() bool {
			c, _ := e.Card(card)
			return c.UserToken == "user_1" && c.Metadata == nil
		}},
		{"card: moved to another user", func() error { _, err := e.UpdateCard(card, Card{UserToken: "user_2"}); return err }, "", func() bool {
			c, _ := e.Card(card)
			return c.UserToken == "user_2"
		}},
		{"card product: config kept when not given", func() error {
			p := e.CardProducts()[0]
			_, err := e.UpdateCardProduct(p.Token, CardProduct{Name: "Renamed"})
			return err
		}, "", func() bool {
			p := e.CardProducts()[0]
			return p.Name == "Renamed" && programGateway(&p).FundingSourceToken == src.Token
		}},
		{"commando mode: criteria replaced, state kept", func() error {
			_, err := e.UpdateCommandoMode("cm1", CommandoMode{RealTimeStandinCriteria: &RealTimeStandin{Enabled: true}})
			return err
		}, "", func() bool {
			c, _ := e.CommandoMode("cm1")
			return c.RealTimeStandinCriteria.Enabled && c.CurrentState != nil && !c.CurrentState.CommandoEnabled
		}},
		{"commando mode: unknown source refused", func() error {
			_, err := e.UpdateCommandoMode("cm1", CommandoMode{ProgramGatewayFundingSourceToken: "nope"})
			return err
		}, jit.EINVALID, func() bool {
			c, _ := e.CommandoMode("cm1")
			return c.ProgramGatewayFundingSourceToken == src.Token
		}},
		{"user: duplicate create", func() error { _, err := e.CreateUser(User{Token: "user_2"}); return err }, jit.ECONFLICT, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if got := jit.ErrorCode(err); (tt.code == "") != (err == nil) || (err != nil && got != tt.code) {
				t.Fatalf("err %v, want code %q", err, tt.code)
			}
			if tt.check != nil && !tt.check() {
				t.Fatal("state after the update is wrong")
			}
		})
	}
}
