package simulator

import (
	"github.com/jitsim/jitsim/jit"
)

// The create, read, list and update steps every resource shares. lookup,
// listOf and update take e.mu themselves, and what they are given to run
// (keep, change) runs under it; claim runs under the caller's lock.

// lookup returns a copy of resource tok of s, or ENOTFOUND naming what
// ("card", "user"…).
func lookup[T any](e *Engine, s *store[T], what, tok string) (T, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if v, ok := s.get(tok); ok {
		return *v, nil
	}
	var zero T
	return zero, jit.Errorf(jit.ENOTFOUND, "%s %s not found", what, tok)
}

// listOf returns copies of the resources of s that keep accepts (all when
// keep is nil), in creation order.
func listOf[T any](e *Engine, s *store[T], keep func(*T) bool) []T {
	e.mu.Lock()
	defer e.mu.Unlock()
	return values(s.list(keep))
}

// update applies change to a copy of resource tok of s and stores the
// copy, unless change refuses with an error (then nothing changes). It
// returns ENOTFOUND naming what for an unknown token.
func update[T any](e *Engine, s *store[T], what, tok string, change func(n *T) error) (T, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	cur, ok := s.get(tok)
	if !ok {
		var zero T
		return zero, jit.Errorf(jit.ENOTFOUND, "%s %s not found", what, tok)
	}
	n := *cur
	if err := change(&n); err != nil {
		var zero T
		return zero, err
	}
	s.put(tok, &n)
	return n, nil
}

// claim returns the token of a new resource of s: tok, or a generated one
// when tok is empty. It returns ECONFLICT naming what when the token is in
// use. e.mu must be held.
func claim[T any](e *Engine, s *store[T], what, tok string) (string, error) {
	tok = e.newToken(tok)
	if _, dup := s.get(tok); dup {
		return tok, jit.Errorf(jit.ECONFLICT, "%s %s already exists", what, tok)
	}
	return tok, nil
}

// setIf sets *dst to src when src is set (not its zero value: "", 0, nil):
// the "replace the fields given" rule of every Update.
func setIf[T comparable](dst *T, src T) {
	var zero T
	if src != zero {
		*dst = src
	}
}

// setMap is setIf for maps: a nil map leaves *dst alone, an empty one
// clears it.
func setMap[K comparable, V any](dst *map[K]V, src map[K]V) {
	if src != nil {
		*dst = src
	}
}

func values[T any](ps []*T) []T {
	out := make([]T, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}
