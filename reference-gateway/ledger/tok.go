package ledger

import (
	"crypto/sha256"

	"github.com/jitsim/jitsim/jit"
)

// tokLen is the longest token a tok holds inline: Marqeta's tokens are at
// most 36 characters.
const tokLen = 36

// longTok marks a tok that holds the SHA-256 digest of a longer token.
const longTok = 0xff

// tok is a token as a map key with no pointers in it. The ledger's indexes
// grow with every decision; keyed and valued by pointer-free types, their
// memory is never scanned by the garbage collector, so a mark phase costs
// the same after a million decisions as after ten. A token of up to tokLen
// bytes is stored inline; a longer one by its digest, with its text kept in
// the account's long map.
type tok struct {
	n uint8 // length, or longTok
	b [tokLen]byte
}

// mkTok returns the key of s, for lookups. Use account.intern to store one.
func mkTok(s string) tok {
	var t tok
	if len(s) <= tokLen {
		t.n = uint8(len(s))
		copy(t.b[:], s)
		return t
	}
	t.n = longTok
	sum := sha256.Sum256([]byte(s))
	copy(t.b[:], sum[:])
	return t
}

// intern returns the key of s and keeps the text of a long token, so that
// str can give it back.
func (a *account) intern(s string) tok {
	t := mkTok(s)
	if t.n == longTok {
		if a.long == nil {
			a.long = map[tok]string{}
		}
		a.long[t] = s
	}
	return t
}

// str returns the token t was made from.
func (a *account) str(t tok) string {
	if t.n == longTok {
		return a.long[t]
	}
	return string(t.b[:t.n])
}

// reasonCode is a decline reason as a byte: 0 for none, else 1 + its index
// in jit.DeclineReasons. The ledger only ever declines with those.
func reasonCode(reason string) (uint8, bool) {
	if reason == "" {
		return 0, true
	}
	code, ok := reasonCodes[reason]
	return code, ok
}

func reasonName(code uint8) string {
	if code == 0 || int(code) > len(jit.DeclineReasons) {
		return ""
	}
	return jit.DeclineReasons[code-1]
}

var reasonCodes = func() map[string]uint8 {
	m := make(map[string]uint8, len(jit.DeclineReasons))
	for i, r := range jit.DeclineReasons {
		m[r] = uint8(i + 1)
	}
	return m
}()

// stateCode is a HoldState as a byte.
func stateCode(s HoldState) uint8 {
	switch s {
	case Open:
		return 1
	case Cleared:
		return 2
	case Released:
		return 3
	case Expired:
		return 4
	}
	return 0
}

var stateNames = [...]HoldState{"", Open, Cleared, Released, Expired}
