package run

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jitsim/jitsim/simulator/traffic"
)

// progress draws a one-line progress bar, at most ten times a second. A nil
// writer draws nothing.
type progress struct {
	w     io.Writer
	total int64         // messages to send (0: bounded by duration)
	span  time.Duration // duration mode
	wall  func() time.Time
	start time.Time
	last  time.Time
	drawn bool
}

func newProgress(w io.Writer, p traffic.Profile, wall func() time.Time) *progress {
	now := wall()
	return &progress{w: w, total: p.Transactions, span: time.Duration(p.Duration), wall: wall, start: now}
}

const barWidth = 30

func (b *progress) update(sent int64) {
	if b.w == nil {
		return
	}
	now := b.wall()
	if now.Sub(b.last) < 100*time.Millisecond && (b.total == 0 || sent < b.total) {
		return
	}
	b.last = now
	elapsed := now.Sub(b.start)
	frac := 0.0
	switch {
	case b.total > 0:
		frac = float64(sent) / float64(b.total)
	case b.span > 0:
		frac = float64(elapsed) / float64(b.span)
	}
	frac = min(max(frac, 0), 1)
	fill := int(frac * barWidth)
	rate := 0.0
	if elapsed > 0 {
		rate = float64(sent) / elapsed.Seconds()
	}
	fmt.Fprintf(b.w, "\r[%s%s] %3.0f%% %d transactions %.0f/s ", strings.Repeat("#", fill), strings.Repeat(".", barWidth-fill), 100*frac, sent, rate)
	b.drawn = true
}

// done ends the bar's line.
func (b *progress) done() {
	if b.w != nil && b.drawn {
		fmt.Fprint(b.w, "\r\033[K")
		b.drawn = false
	}
}
