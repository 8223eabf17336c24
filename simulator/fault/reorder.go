package fault

import (
	"math/rand/v2"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator/webhook"
)

// Reorder is the out-of-order webhook fault: per flush of two or more
// batches, with Probability the batches are shuffled within consecutive
// windows of Window (so no batch moves more than Window-1 places) and the
// events within every batch are shuffled. Nothing is lost or added. A
// gateway must reach the same ledger whatever the order: a clearing or
// reversal may arrive before its authorization's webhook.
type Reorder struct {
	Probability float64
	Rand        *rand.Rand // this fault's own stream
	Window      int
	dice
}

// apply returns batches, permuted when the fault fires. The input and the
// batches' event slices are never modified: the permutation works on
// copies.
func (r *Reorder) apply(batches []webhook.Batch) []webhook.Batch {
	if r.Probability <= 0 || len(batches) < 2 {
		return batches
	}
	if !r.fire(r.Probability, r.Rand) {
		return batches
	}
	w := max(r.Window, 1)
	out := append([]webhook.Batch(nil), batches...)
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := 0; i < len(out); i += w {
		win := out[i:min(i+w, len(out))]
		r.Rand.Shuffle(len(win), func(a, b int) { win[a], win[b] = win[b], win[a] })
	}
	for i := range out {
		ev := append([]jit.Transaction(nil), out[i].Events...)
		r.Rand.Shuffle(len(ev), func(a, b int) { ev[a], ev[b] = ev[b], ev[a] })
		out[i].Events = ev
	}
	return out
}
