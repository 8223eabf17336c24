package ledger

import (
	"slices"
	"strconv"

	"github.com/jitsim/jitsim/jit"
)

// appendRecord appends r's journal encoding: exactly what json.Marshal
// writes for it (TestAppendRecord and FuzzAppendRecord check that byte for
// byte), without reflection or a fresh buffer per record, because every
// decision writes one.
func appendRecord(b []byte, r *record) []byte {
	b = append(b, `{"a":{"t":`...)
	b = jit.AppendJSONString(b, r.Acct.Token, true)
	b = append(b, `,"c":`...)
	b = jit.AppendJSONString(b, r.Acct.Currency, true)
	b = append(b, `},"at":`...)
	b = strconv.AppendInt(b, r.At, 10)
	if r.Ledger != 0 {
		b = append(b, `,"l":`...)
		b = strconv.AppendInt(b, r.Ledger, 10)
	}
	if r.Hold != nil {
		b = append(b, `,"h":`...)
		b = appendHold(b, r.Hold)
	}
	if a := r.Answer; a != nil {
		b = append(b, `,"ans":{"jit":`...)
		b = jit.AppendJSONString(b, a.JIT, true)
		b = appendAnswerTail(b, a.Approved, a.Amount, a.Reason, a.At)
	}
	if r.Seen != "" {
		b = append(b, `,"seen":`...)
		b = jit.AppendJSONString(b, r.Seen, true)
	}
	if c := r.Credit; c != nil {
		b = append(b, `,"credit":`...)
		b = appendCredit(b, c)
	}
	if r.Day != "" {
		b = append(b, `,"day":`...)
		b = jit.AppendJSONString(b, r.Day, true)
	}
	if r.Count != 0 {
		b = append(b, `,"count":`...)
		b = strconv.AppendInt(b, int64(r.Count), 10)
	}
	return append(b, '}')
}

// appendAnswerTail writes an answer's members after its JIT token, and
// closes it.
func appendAnswerTail(b []byte, approved bool, amount int64, reason string, at int64) []byte {
	b = append(b, `,"ok":`...)
	b = strconv.AppendBool(b, approved)
	b = append(b, `,"amt":`...)
	b = strconv.AppendInt(b, amount, 10)
	if reason != "" {
		b = append(b, `,"reason":`...)
		b = jit.AppendJSONString(b, reason, true)
	}
	b = append(b, `,"at":`...)
	b = strconv.AppendInt(b, at, 10)
	return append(b, '}')
}

func appendCredit(b []byte, c *creditKey) []byte {
	b = append(b, `{"key":`...)
	b = jit.AppendJSONString(b, c.Key, true)
	b = append(b, `,"amt":`...)
	b = strconv.AppendInt(b, c.Amount, 10)
	return append(b, '}')
}

// appendHold writes h as json.Marshal does: fields at their zero value
// are left out (omitempty), but for id, state and created.
func appendHold(b []byte, h *hold) []byte {
	b = append(b, `{"id":`...)
	b = jit.AppendJSONString(b, h.ID, true)
	if len(h.JIT) > 0 {
		b = append(b, `,"jit":`...)
		b = appendStrings(b, h.JIT)
	}
	if len(h.Txn) > 0 {
		b = append(b, `,"txn":`...)
		b = appendStrings(b, h.Txn)
	}
	b = appendIntField(b, `,"auth":`, h.Auth)
	if h.AuthKnown {
		b = append(b, `,"auth_known":true`...)
	}
	if len(h.Incr) > 0 {
		b = append(b, `,"incr":`...)
		b = appendMap(b, h.Incr, appendInt)
	}
	if len(h.Void) > 0 {
		b = append(b, `,"void":`...)
		b = appendMap(b, h.Void, strconv.AppendBool)
	}
	return appendHoldTail(b, h.Released, h.Consumed, h.State, h.Debit, h.Debited, h.Created, h.Closed)
}

// appendHoldTail writes a hold's members from released on, and closes it;
// appendSlot shares it.
func appendHoldTail(b []byte, released, consumed int64, state HoldState, debit bool, debited, created, closed int64) []byte {
	b = appendIntField(b, `,"released":`, released)
	b = appendIntField(b, `,"consumed":`, consumed)
	b = append(b, `,"state":`...)
	b = jit.AppendJSONString(b, string(state), true)
	if debit {
		b = append(b, `,"debit":true`...)
	}
	b = appendIntField(b, `,"debited":`, debited)
	b = append(b, `,"created":`...)
	b = strconv.AppendInt(b, created, 10)
	b = appendIntField(b, `,"closed":`, closed)
	return append(b, '}')
}

// appendIntField writes name and v unless v is zero (omitempty).
func appendIntField(b []byte, name string, v int64) []byte {
	if v == 0 {
		return b
	}
	b = append(b, name...)
	return strconv.AppendInt(b, v, 10)
}

func appendInt(b []byte, v int64) []byte { return strconv.AppendInt(b, v, 10) }

// appendStrings appends v as a JSON array; nil is null, as json.Marshal
// writes it.
func appendStrings(b []byte, v []string) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = jit.AppendJSONString(b, s, true)
	}
	return append(b, ']')
}

// appendMap appends m as a JSON object with its keys sorted, as
// json.Marshal writes it (nil is null).
func appendMap[V int64 | bool](b []byte, m map[string]V, appendValue func([]byte, V) []byte) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = jit.AppendJSONString(b, k, true)
		b = append(b, ':')
		b = appendValue(b, m[k])
	}
	return append(b, '}')
}
