package harness

import "github.com/jitsim/jitsim/jit"

// Keep files ev under label as well, so that later actions can refer to it
// by that label (a fixture's step id): follow-ups record themselves under
// their action's name ("clearing", "reversal"), which two clearings of one
// scenario would share. It returns a *jit.Error with code EINVALID for an
// empty label or a nil event.
func (w *World) Keep(label string, ev *Event) error {
	if label == "" || ev == nil {
		return jit.Errorf(jit.EINVALID, "keep: a label and an event are required")
	}
	w.events[label] = ev
	return nil
}
