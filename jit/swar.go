package jit

import (
	"encoding/binary"
	"math/bits"
)

// Scanning strings eight bytes at a time ("SIMD within a register"): most
// of a JIT request's bytes are inside strings, and most string bytes need
// no attention. In each 64-bit word, a byte's high bit marks a byte of
// interest. The classic tests used here can also mark a byte above a
// marked one (a borrow carries into it), but never one below the lowest
// marked byte, so the lowest mark is exact; that is the only one read.

const (
	lsbs = 0x0101010101010101
	msbs = 0x8080808080808080
)

// zeroBytes marks the zero bytes of w (the lowest mark exactly).
func zeroBytes(w uint64) uint64 { return (w - lsbs) & ^w & msbs }

// plainEnd returns the offset of the first byte at or after i that a
// string scanner must look at — a quote, a backslash or a control
// character (below 0x20) — or len(d).
func plainEnd(d []byte, i int) int {
	for ; i+8 <= len(d); i += 8 {
		w := binary.LittleEndian.Uint64(d[i:])
		m := zeroBytes(w^(lsbs*'"')) | zeroBytes(w^(lsbs*'\\')) | (w-lsbs*0x20)&^w&msbs
		if m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for i < len(d) && d[i] >= 0x20 && d[i] != '"' && d[i] != '\\' {
		i++
	}
	return i
}

// quoteOrBackslash returns the offset of the first quote or backslash at
// or after i, or len(d).
func quoteOrBackslash(d []byte, i int) int {
	for ; i+8 <= len(d); i += 8 {
		w := binary.LittleEndian.Uint64(d[i:])
		if m := zeroBytes(w^(lsbs*'"')) | zeroBytes(w^(lsbs*'\\')); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for i < len(d) && d[i] != '"' && d[i] != '\\' {
		i++
	}
	return i
}
