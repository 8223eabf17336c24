package harness

import (
	"fmt"
	"strings"
	"sync"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
)

// Log is a World's message log: what the harness sent the gateway and what
// came back, in order. It is safe for concurrent use.
type Log struct {
	mu    sync.Mutex
	lines []string
}

// Addf appends one line.
func (l *Log) Addf(format string, args ...any) {
	l.mu.Lock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
	l.mu.Unlock()
}

// Lines returns a copy of the lines.
func (l *Log) Lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// String numbers the lines, one a line.
func (l *Log) String() string { return numbered(l.Lines()) }

func numbered(lines []string) string {
	var b strings.Builder
	for i, s := range lines {
		fmt.Fprintf(&b, "  %2d. %s\n", i+1, s)
	}
	return b.String()
}

// short clips a token for the log.
func short(tok string) string {
	if len(tok) > 13 {
		return tok[:13] + "…"
	}
	return tok
}

func describeRequest(t *jit.Transaction) string {
	jf := t.JITFundingOf()
	if jf == nil {
		return fmt.Sprintf("JIT %s %s %s", t.Type, t.Amount, t.CurrencyCode)
	}
	s := fmt.Sprintf("JIT %s %s %s txn %s user %s", jf.Method, jf.Amount, t.CurrencyCode, short(t.Token), jf.UserToken)
	if t.CardAcceptor != nil && t.CardAcceptor.MCC != "" {
		s += " mcc " + t.CardAcceptor.MCC
	}
	return s
}

func describeOutcome(o *simulator.Outcome) string {
	if o == nil {
		return "no answer"
	}
	var b strings.Builder
	if o.Status != 0 {
		fmt.Fprintf(&b, "HTTP %d ", o.Status)
	}
	b.WriteString(o.Kind)
	if o.DeclineReason != "" {
		b.WriteString(" " + o.DeclineReason)
	}
	if o.Error != "" {
		b.WriteString(" (" + o.Error + ")")
	}
	if o.Echo != nil {
		if bal, ok := o.Echo.JITFunding.Balances[jit.DefaultCurrency]; ok {
			fmt.Fprintf(&b, " balances available %s ledger %s", bal.AvailableBalance, bal.LedgerBalance)
		}
	}
	return b.String()
}

func describeEvent(t *jit.Transaction) string {
	s := fmt.Sprintf("%s %s %s txn %s", t.Type, t.State, t.Amount, short(t.Token))
	if t.PrecedingRelatedTransactionToken != "" {
		s += " after " + short(t.PrecedingRelatedTransactionToken)
	}
	if t.MultiClearingSequenceNumber != "" {
		s += fmt.Sprintf(" clearing %s of %s", t.MultiClearingSequenceNumber, t.MultiClearingSequenceCount)
		if t.IsFinalClearing != nil && *t.IsFinalClearing {
			s += " final"
		}
	}
	if t.StandinApprovedBy != "" {
		s += " stand-in " + t.StandinApprovedBy
	}
	if gl := t.GatewayLogOf(); gl != nil && gl.TimedOut != nil && *gl.TimedOut {
		s += " timed_out"
	}
	return s
}

// ExpectationError is a failed expectation: what was expected, what the
// gateway showed, and the scenario's message log up to that point.
type ExpectationError struct {
	What     string   // "balances of cardholder Ada", "outcome of the authorization"
	Expected string   // as the feature says it
	Actual   string   // as the gateway showed it
	Log      []string // the message log
}

// Error prints the expectation, the gateway's side and the numbered log.
func (e *ExpectationError) Error() string {
	return fmt.Sprintf("%s: expected %s\n  but the gateway shows %s\nmessages in this scenario:\n%s", e.What, e.Expected, e.Actual, numbered(e.Log))
}

func (w *World) fail(what, expected, actual string) error {
	return &ExpectationError{What: what, Expected: expected, Actual: actual, Log: w.log.Lines()}
}
