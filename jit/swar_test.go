package jit

import (
	"math/rand/v2"
	"testing"
)

// TestSWARScansMatchByteLoops checks the word-at-a-time scanners against
// byte loops at every offset of random inputs rich in the bytes they look
// for and in their neighbours (0x1f, 0x20, 0x21, 0x22, 0x5c, 0x7f, 0x80,
// 0xa2, 0xdc, 0xff), so that a borrow or a false mark would show.
func TestSWARScansMatchByteLoops(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte{0x00, 0x01, 0x1f, 0x20, 0x21, '"', '\\', 'a', 0x7f, 0x80, 0xa2, 0xdc, 0xff, 0x23, 0x5b, 0x5d}
	for n := 0; n < 2000; n++ {
		d := make([]byte, r.IntN(40))
		for i := range d {
			if r.IntN(4) == 0 {
				d[i] = alphabet[r.IntN(len(alphabet))]
			} else {
				d[i] = byte('a' + r.IntN(26))
			}
		}
		for i := 0; i <= len(d); i++ {
			if got, want := plainEnd(d, i), naivePlainEnd(d, i); got != want {
				t.Fatalf("plainEnd(%q, %d) = %d, want %d", d, i, got, want)
			}
			if got, want := quoteOrBackslash(d, i), naiveQuoteOrBackslash(d, i); got != want {
				t.Fatalf("quoteOrBackslash(%q, %d) = %d, want %d", d, i, got, want)
			}
		}
	}
}

func naivePlainEnd(d []byte, i int) int {
	for i < len(d) && d[i] >= 0x20 && d[i] != '"' && d[i] != '\\' {
		i++
	}
	return i
}

func naiveQuoteOrBackslash(d []byte, i int) int {
	for i < len(d) && d[i] != '"' && d[i] != '\\' {
		i++
	}
	return i
}
