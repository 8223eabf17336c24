package loadtest

import (
	"fmt"
	"io"
	"time"
)

// progress prints one line a second while an attack runs (on a terminal;
// the command passes no writer otherwise).
type progress struct {
	w              io.Writer
	name           string
	total, n       uint64
	approved, errs uint64
	worst          time.Duration
	start, last    time.Time
}

func newProgress(w io.Writer, name string, total uint64) *progress {
	now := time.Now()
	return &progress{w: w, name: name, total: total, start: now, last: now}
}

func (p *progress) add(label string, corrected time.Duration) {
	if p.w == nil {
		return
	}
	p.n++
	switch label {
	case "approved":
		p.approved++
	case "timeout", "error":
		p.errs++
	}
	p.worst = max(p.worst, corrected)
	if now := time.Now(); now.Sub(p.last) >= time.Second {
		p.last = now
		fmt.Fprintf(p.w, "\r%s %5.0fs  %d/%d answered  %d approved  %d errors  max %s   ",
			p.name, now.Sub(p.start).Seconds(), p.n, p.total, p.approved, p.errs, p.worst.Round(time.Millisecond))
	}
}

func (p *progress) done() {
	if p.w != nil && p.n > 0 {
		fmt.Fprintln(p.w)
	}
}
