package ledger

import (
	"io"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/jitsim/jitsim/jit"
)

// This file writes an account into a snapshot straight from its stored
// form, as json.Marshal(a.snapshot()) would write it (TestAppendSnapshot
// checks that they decode to the same thing), without materialising a hold
// or a string per token: a snapshot of a million decisions is written in a
// tenth of the time and with a few hundred allocations instead of millions
// (BenchmarkSnapshotEncode). Lists built from maps (answers, applied event
// tokens, credits) come in map order, which Restore does not depend on.

// snapPaceEvery is how many holds, answers or event tokens are written
// between two calls of the pacer.
const snapPaceEvery = 256

// snapFlushAt is how full the writer's scratch buffer gets before it is
// written out.
const snapFlushAt = 64 << 10

// snapWriter writes a snapshot to out through one reused scratch buffer.
type snapWriter struct {
	out  io.Writer
	err  error // out's first error; nothing is written after it
	buf  []byte
	n    int // items since the pacer was last called
	pace *pacer
}

// item counts one written item, writes the scratch buffer out once it is
// full, and calls the pacer every snapPaceEvery items.
func (w *snapWriter) item() {
	if len(w.buf) >= snapFlushAt {
		w.flush()
	}
	if w.n++; w.n >= snapPaceEvery {
		w.n = 0
		w.pace.step()
	}
}

// flush writes the scratch buffer to out. The time out takes (a paced
// disk write) does not count as the snapshot's work.
func (w *snapWriter) flush() {
	if w.err == nil {
		start := time.Now()
		_, w.err = w.out.Write(w.buf)
		w.pace.waited(time.Since(start))
	}
	w.buf = w.buf[:0]
}

// appendSnapshot writes a (a clone: nothing else may change it meanwhile)
// as one element of the snapshot's array.
func (w *snapWriter) appendSnapshot(a *account) {
	b := append(w.buf, `{"key":{"t":`...)
	b = jit.AppendJSONString(b, a.key.Token, true)
	b = append(b, `,"c":`...)
	b = jit.AppendJSONString(b, a.key.Currency, true)
	b = append(b, `},"ledger":`...)
	w.buf = strconv.AppendInt(b, a.ledger, 10)

	first := true
	a.slots.each(func(i int32, s *slot) {
		w.buf = append(w.buf, listSep(&first, `,"holds":[`)...)
		if s.more {
			w.buf = appendHold(w.buf, a.hold(i))
		} else {
			w.buf = a.appendSlot(w.buf, s)
		}
		w.item()
	})
	w.closeList(first, ']')

	first = true
	for t, v := range a.answers {
		b := append(w.buf, listSep(&first, `,"answers":[`)...)
		b = append(b, `{"jit":`...)
		b = a.appendTok(b, t)
		w.buf = appendAnswerTail(b, v.approved, v.amount, reasonName(v.reason), v.at)
		w.item()
	}
	w.closeList(first, ']')

	first = true
	for t, at := range a.seen {
		b := append(w.buf, listSep(&first, `,"seen":{`)...)
		b = append(a.appendTok(b, t), ':')
		w.buf = strconv.AppendInt(b, at, 10)
		w.item()
	}
	w.closeList(first, '}')

	first = true
	for _, c := range a.credits {
		b := append(w.buf, listSep(&first, `,"credits":[`)...)
		w.buf = appendCredit(b, c)
		w.item()
	}
	w.closeList(first, ']')

	b = w.buf
	if len(a.days) > 0 {
		days := make([]string, 0, len(a.days))
		for d := range a.days {
			days = append(days, d)
		}
		slices.Sort(days)
		for i, d := range days {
			if i == 0 {
				b = append(b, `,"days":{`...)
			} else {
				b = append(b, ',')
			}
			b = append(jit.AppendJSONString(b, d, true), ':')
			b = strconv.AppendInt(b, int64(a.days[d]), 10)
		}
		b = append(b, '}')
	}
	if a.last != 0 {
		b = append(b, `,"last":`...)
		b = strconv.AppendUint(b, a.last, 10)
	}
	w.buf = append(b, '}')
	w.item()
}

// listSep returns open before a list's first element, and a comma before
// the others.
func listSep(first *bool, open string) string {
	if *first {
		*first = false
		return open
	}
	return ","
}

// closeList closes a list that was opened (first is false once it was).
func (w *snapWriter) closeList(first bool, closing byte) {
	if !first {
		w.buf = append(w.buf, closing)
	}
}

// appendSlot writes the hold in s, which has no extras, exactly as
// appendHold writes a.hold of it (TestAppendSlot).
func (a *account) appendSlot(b []byte, s *slot) []byte {
	b = append(b, `{"id":`...)
	b = a.appendTok(b, s.id)
	if s.jit.n != 0 {
		b = append(b, `,"jit":[`...)
		b = append(a.appendTok(b, s.jit), ']')
	}
	if s.txn.n != 0 {
		b = append(b, `,"txn":[`...)
		b = append(a.appendTok(b, s.txn), ']')
	}
	b = appendIntField(b, `,"auth":`, s.auth)
	if s.authKnown {
		b = append(b, `,"auth_known":true`...)
	}
	return appendHoldTail(b, s.released, s.consumed, stateNames[s.state], s.debit, s.debited, s.created, s.closed)
}

// appendTok writes the token t was made from as a JSON string, without
// making a string of it when it needs no escaping.
func (a *account) appendTok(b []byte, t tok) []byte {
	if t.n == longTok {
		return jit.AppendJSONString(b, a.long[t], true)
	}
	raw := t.b[:t.n]
	for _, c := range raw {
		if c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return jit.AppendJSONString(b, string(raw), true)
		}
	}
	b = append(b, '"')
	b = append(b, raw...)
	return append(b, '"')
}
