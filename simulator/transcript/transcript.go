// Package transcript writes and reads jitsim transcripts: JSON Lines of
// every message and answer of a run, one line per simulator.Observation
// (the JIT request as sent and how the network saw the answer, or the
// finished transaction as its webhook carries it), plus the notes a runner
// adds ({"kind":"fund",...}, {"kind":"advance",...}).
//
// A transcript is deterministic: times come from the engine's clock
// (Observation.At, virtual in a replayable run), never from the wall clock,
// so the real-time latency of a call (Outcome.Latency) is not written;
// fields are written in struct order and map keys sorted. The same seed,
// profile and version therefore give a byte-identical transcript.
//
// Line shapes, with "kind" first:
//
//	{"kind":"jit","at":T,"request":{transaction},"outcome":{"kind","approved","amount","decline_reason","standin_approved_by","status","body","body_text","error"}}
//	{"kind":"webhook","at":T,"transaction":{transaction}}
//	{"kind":NOTE, ...the note's own fields}
package transcript

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
)

// Record kinds written for observations.
const (
	KindJIT     = "jit"
	KindWebhook = "webhook"
)

// Outcome is how the network saw a gateway's answer, as a transcript
// records it: simulator.Outcome without the real-time latency, with the
// gateway's raw answer as JSON (Body) when it is JSON, else as text
// (BodyText). The engine observes an exchange before it applies stand-in,
// so a stood-in failure shows here as the failure (timeout, error) and the
// stand-in in the webhook line's standin_approved_by.
type Outcome struct {
	Kind          string          `json:"kind"`
	Approved      bool            `json:"approved"`
	Amount        int64           `json:"amount"`
	DeclineReason string          `json:"decline_reason,omitempty"`
	StandIn       string          `json:"standin_approved_by,omitempty"`
	Status        int             `json:"status,omitempty"`
	Body          json.RawMessage `json:"body,omitempty"`
	BodyText      string          `json:"body_text,omitempty"`
	Error         string          `json:"error,omitempty"`
}

// Record is one line of a transcript. Kind is KindJIT (At, Request and
// Outcome set), KindWebhook (At and Transaction set) or a note's kind
// (Raw holds the line; decode it into the note's own type).
type Record struct {
	Kind        string           `json:"kind"`
	At          *time.Time       `json:"at,omitempty"`
	Request     *jit.Transaction `json:"request,omitempty"`
	Outcome     *Outcome         `json:"outcome,omitempty"`
	Transaction *jit.Transaction `json:"transaction,omitempty"`
	// Raw is the whole line as read (not written).
	Raw json.RawMessage `json:"-"`
}

func outcomeOf(o *simulator.Outcome) *Outcome {
	if o == nil {
		return nil
	}
	out := &Outcome{Kind: o.Kind, Approved: o.Approved, Amount: o.Amount, DeclineReason: o.DeclineReason,
		StandIn: o.StandIn, Status: o.Status, Error: o.Error}
	if len(o.Body) > 0 {
		if json.Valid(o.Body) {
			out.Body = json.RawMessage(o.Body) // compacted by the encoder
		} else {
			out.BodyText = string(o.Body)
		}
	}
	return out
}

// Writer writes a transcript. It buffers; the first error sticks and is
// returned by Close (and every later call is a no-op). Its methods are not
// safe for concurrent use; simulator.Config.Observe is called in order,
// which is what a replayable run needs.
type Writer struct {
	w   *bufio.Writer
	buf bytes.Buffer
	err error
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: bufio.NewWriterSize(w, 64<<10)} }

// Observe writes one observation: a "jit" line when it has a Request, else
// a "webhook" line when it has a Webhook; an observation with neither is
// skipped.
func (w *Writer) Observe(obs simulator.Observation) {
	at := obs.At.UTC()
	switch {
	case obs.Request != nil:
		w.line(Record{Kind: KindJIT, At: &at, Request: obs.Request, Outcome: outcomeOf(obs.Outcome), Transaction: obs.Webhook})
	case obs.Webhook != nil:
		w.line(Record{Kind: KindWebhook, At: &at, Transaction: obs.Webhook})
	}
}

// Note writes a line of the runner's: {"kind":kind, ...v's fields} when v
// encodes as a JSON object, else {"kind":kind,"value":v}. v must not have
// a "kind" field of its own; that, an empty kind or a value that does not
// encode is a sticky error (code jit.EINVALID for the first two).
func (w *Writer) Note(kind string, v any) {
	if w.err != nil {
		return
	}
	if kind == "" || kind == KindJIT || kind == KindWebhook {
		w.err = jit.Errorf(jit.EINVALID, "transcript note kind %q is empty or reserved", kind)
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		w.err = fmt.Errorf("encode transcript note %s: %w", kind, err)
		return
	}
	k, _ := json.Marshal(kind)
	w.buf.Reset()
	w.buf.WriteString(`{"kind":`)
	w.buf.Write(k)
	if len(b) > 0 && b[0] == '{' {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(b, &fields); err != nil {
			w.err = fmt.Errorf("decode transcript note %s: %w", kind, err)
			return
		}
		if _, clash := fields["kind"]; clash {
			w.err = jit.Errorf(jit.EINVALID, "transcript note %s has a field named kind", kind)
			return
		}
		if len(fields) > 0 {
			w.buf.WriteByte(',')
			w.buf.Write(b[1:])
		} else {
			w.buf.WriteByte('}')
		}
	} else {
		w.buf.WriteString(`,"value":`)
		w.buf.Write(b)
		w.buf.WriteByte('}')
	}
	w.buf.WriteByte('\n')
	_, w.err = w.w.Write(w.buf.Bytes())
}

func (w *Writer) line(r Record) {
	if w.err != nil {
		return
	}
	b, err := json.Marshal(r)
	if err != nil {
		w.err = fmt.Errorf("encode transcript line: %w", err)
		return
	}
	b = append(b, '\n')
	if _, err := w.w.Write(b); err != nil {
		w.err = fmt.Errorf("write transcript: %w", err)
	}
}

// Close flushes the buffer and returns the first error of the Writer's
// life. It does not close the underlying io.Writer.
func (w *Writer) Close() error {
	if w.err == nil {
		if err := w.w.Flush(); err != nil {
			w.err = fmt.Errorf("write transcript: %w", err)
		}
	}
	return w.err
}

// MaxLine is the longest line Read accepts.
const MaxLine = 16 << 20

// Read yields the records of a transcript in order. Blank lines are
// skipped. A line that is not a JSON object with a non-empty "kind", or is
// longer than MaxLine, yields an error (code jit.EINVALID, naming the line
// number) and ends the sequence; so does a read error.
func Read(r io.Reader) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		br := bufio.NewReaderSize(r, 64<<10)
		for n := 1; ; n++ {
			line, err := readLine(br)
			if len(bytes.TrimSpace(line)) > 0 {
				var rec Record
				if derr := json.Unmarshal(line, &rec); derr != nil || rec.Kind == "" {
					yield(Record{}, jit.Errorf(jit.EINVALID, "transcript line %d is not a record: %v", n, cmpErr(derr)))
					return
				}
				rec.Raw = bytes.Clone(bytes.TrimRight(line, "\r\n"))
				if !yield(rec, nil) {
					return
				}
			}
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				yield(Record{}, fmt.Errorf("read transcript line %d: %w", n, err))
				return
			}
		}
	}
}

func cmpErr(err error) string {
	if err == nil {
		return "no kind"
	}
	return err.Error()
}

var errLineTooLong = jit.Errorf(jit.EINVALID, "transcript line longer than %d bytes", MaxLine)

// readLine reads one line (with its newline, if any), at most MaxLine bytes.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > MaxLine {
			return nil, errLineTooLong
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return line, err
		}
	}
}
