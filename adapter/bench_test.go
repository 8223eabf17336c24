package adapter

import (
	"context"
	"strconv"
	"testing"
)

// BenchmarkExecuteAccount is the account query of a harness: parse,
// validate and execute. "cached" sends the same text every time, as a
// harness does; "uncached" makes every text new, so each is parsed and
// validated (the cost without the document cache).
func BenchmarkExecuteAccount(b *testing.B) {
	const query = `query JitsimAccount($token: ID!) { account(token: $token) { token currency available ledger pending } }`
	l := newFakeLedger()
	l.seed("u1", "USD", 1230)
	ctx := context.Background()
	vars := map[string]any{"token": "u1"}
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			resp := Execute(ctx, l, Request{Query: query, Variables: vars})
			if resp.Errors != nil {
				b.Fatal(resp.Errors)
			}
		}
	})
	b.Run("uncached", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			resp := Execute(ctx, l, Request{Query: query + " # " + strconv.Itoa(i), Variables: vars})
			if resp.Errors != nil {
				b.Fatal(resp.Errors)
			}
		}
	})
}
