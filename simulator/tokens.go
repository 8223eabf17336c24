package simulator

import (
	"fmt"
	"math/rand/v2"
)

// tokens makes Marqeta-shaped tokens (UUID v4 strings) from a seeded
// generator, so that a seed replays the same tokens.
type tokens struct {
	rng *rand.Rand
}

func newTokens(seed uint64) *tokens {
	return &tokens{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (t *tokens) uuid() string {
	hi, lo := t.rng.Uint64(), t.rng.Uint64()
	hi = hi&^(0xf<<12) | 4<<12   // version 4
	lo = lo&^(0x3<<62) | 0x2<<62 // RFC 4122 variant
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", hi>>32, hi>>16&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}

// digits returns n random decimal digits (approval codes, STANs, MIDs).
func (t *tokens) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + t.rng.IntN(10))
	}
	return string(b)
}
