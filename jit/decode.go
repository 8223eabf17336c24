package jit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"sync"
	"unicode"
	"unicode/utf8"
)

// DecodeTransaction decodes a JIT funding request: one bare transaction
// object. It is stricter than json.Unmarshal about the shape of the body and
// as lenient about its content: unknown fields are ignored, because Marqeta
// adds fields over time. Every error is an *Error with code EINVALID whose
// message names the problem:
//   - an empty body, or one that is not a JSON object ("body is not a JSON
//     object: it starts with '['");
//   - malformed JSON, with the byte offset;
//   - data after the object ("trailing data after the JSON object at offset 12");
//   - a duplicate key at any depth (`duplicate key "amount" at
//     $.gpa_order.jit_funding`). Keys that differ only in letter case count as
//     duplicates, because encoding/json matches field names case-insensitively
//     and would let the second silently win;
//   - a value of the wrong type (`invalid value at $.gpa_order.token: JSON
//     number where string expected`) or an amount ParseAmount rejects.
func DecodeTransaction(data []byte) (*Transaction, error) {
	return wholeTransaction.Decode(data)
}

// wholeTransaction is the Decoder that keeps every field.
var wholeTransaction = &Decoder{plan: transactionPlan}

// DecodeWebhook decodes the body of a transaction webhook: either
// {"transactions": [...]}, returned as the envelope, or a ping
// {"pings": [...]}, returned as the pings; the other result is nil. The body
// is checked as strictly as by DecodeTransaction (one object, nothing after
// it, no duplicate keys at any depth, values of the right type; unknown
// fields allowed). It is also an *Error with code EINVALID when neither key
// is present (a null value counts as absent), when both are, or when the
// array present is empty.
func DecodeWebhook(data []byte) (*WebhookEnvelope, []Ping, error) {
	if err := checkUTF8(data); err != nil {
		return nil, nil, err
	}
	if err := checkObject(data); err != nil {
		return nil, nil, err
	}
	var body webhookBody
	if err := unmarshal(data, &body, webhookPlan); err != nil {
		return nil, nil, decodeError("webhook", err)
	}
	switch {
	case body.Transactions != nil && body.Pings != nil:
		return nil, nil, Errorf(EINVALID, `webhook body has both "transactions" and "pings"`)
	case body.Transactions != nil:
		if len(body.Transactions) == 0 {
			return nil, nil, Errorf(EINVALID, `webhook "transactions" is empty`)
		}
		return &WebhookEnvelope{Transactions: body.Transactions}, nil, nil
	case body.Pings != nil:
		if len(body.Pings) == 0 {
			return nil, nil, Errorf(EINVALID, `webhook "pings" is empty`)
		}
		return nil, body.Pings, nil
	}
	return nil, nil, Errorf(EINVALID, `webhook body has neither "transactions" nor "pings"`)
}

// checkUTF8 rejects a body that is not UTF-8 (RFC 8259 §8.1):
// encoding/json would silently replace the bad bytes with U+FFFD, and a
// gateway would then echo a token Marqeta never sent.
func checkUTF8(data []byte) error {
	if !utf8.Valid(data) {
		for i := 0; i < len(data); {
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n <= 1 {
				return Errorf(EINVALID, "body is not valid UTF-8: bad byte at offset %d", i)
			}
			i += n
		}
	}
	return nil
}

// decodeError turns an error of unmarshal into an *Error with code
// EINVALID: a value of the wrong type, or an invalid amount (an *Error
// already).
func decodeError(what string, err error) error {
	if te, ok := err.(*typeError); ok {
		return Errorf(EINVALID, "invalid %s: %s", what, te)
	}
	return Errorf(EINVALID, "invalid %s: %w", what, err)
}

// jsonKind names the JSON type a Go type decodes from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return t.String()
}

// maxDepth is the deepest nesting checkObject accepts; encoding/json refuses
// the same depth.
const maxDepth = 10000

// checkObject checks, in one pass over data, that it holds exactly one JSON
// object, that it is well-formed, and that no object in it has two keys that
// encoding/json would match to the same field. It allocates only for keys
// with escapes, for objects with very many keys and for errors.
func checkObject(data []byte) error {
	i := skipSpace(data, 0)
	if i == len(data) {
		return Errorf(EINVALID, "empty body")
	}
	if data[i] != '{' {
		return Errorf(EINVALID, "body is not a JSON object: it starts with %s", describeByte(data[i]))
	}
	s := scanners.Get().(*objScanner)
	s.data, s.i = data, i
	err := s.scan()
	end := s.i
	s.release()
	if err != nil {
		return err
	}
	if j := skipSpace(data, end); j != len(data) {
		return Errorf(EINVALID, "trailing data after the JSON object at offset %d", j)
	}
	return nil
}

// objScanner is the state of checkObject.
type objScanner struct {
	data  []byte
	i     int
	stack []scanFrame // open containers, outermost first
	keys  []scanKey   // keys of the open objects; each frame owns keys[keyStart:]
	arena []byte      // folded keys, as encoding/json folds them
}

type scanFrame struct {
	array      bool
	index      int                 // arrays: index of the current element
	keyStart   int                 // objects: first of this object's keys
	arenaStart int                 // objects: arena length when it opened
	cur        int                 // objects: index in keys of the latest key
	set        map[string]struct{} // objects with many keys: folded keys
}

// scanKey is one key of an open object: its folded form in the arena and its
// raw form (between the quotes) in the input.
type scanKey struct {
	off, n       int
	rawOff, rawN int
}

// scanners recycles objScanners and their buffers, so that checking a body
// does not allocate.
var scanners = sync.Pool{New: func() any {
	return &objScanner{
		stack: make([]scanFrame, 0, 16),
		keys:  make([]scanKey, 0, 64),
		arena: make([]byte, 0, 1024),
	}
}}

// release empties s and returns it to the pool, unless a huge body grew
// its buffers.
func (s *objScanner) release() {
	if cap(s.stack) > 1024 || cap(s.keys) > 4096 || cap(s.arena) > 64<<10 {
		return
	}
	clear(s.stack) // frames still open after an error may hold maps
	*s = objScanner{stack: s.stack[:0], keys: s.keys[:0], arena: s.arena[:0]}
	scanners.Put(s)
}

// maxLinearKeys is the number of keys of one object checked pairwise; an
// object with more switches to a map, so a body with very many keys cannot
// make the check quadratic.
const maxLinearKeys = 32

func (s *objScanner) scan() error {
	for {
		// A value starts at s.i (after optional spaces).
		s.i = skipSpace(s.data, s.i)
		if s.i == len(s.data) {
			return s.syntax("unexpected end of input")
		}
		opened := false
		switch c := s.data[s.i]; {
		case c == '{':
			s.i++
			if err := s.push(false); err != nil {
				return err
			}
			s.i = skipSpace(s.data, s.i)
			if s.i < len(s.data) && s.data[s.i] == '}' {
				s.i++
				s.pop()
			} else {
				if err := s.key(); err != nil {
					return err
				}
				opened = true
			}
		case c == '[':
			s.i++
			if err := s.push(true); err != nil {
				return err
			}
			s.i = skipSpace(s.data, s.i)
			if s.i < len(s.data) && s.data[s.i] == ']' {
				s.i++
				s.pop()
			} else {
				opened = true
			}
		case c == '"':
			if _, err := s.str(); err != nil {
				return err
			}
		case c == '-' || (c >= '0' && c <= '9'):
			if err := s.number(); err != nil {
				return err
			}
		case c == 't':
			if err := s.literal("true"); err != nil {
				return err
			}
		case c == 'f':
			if err := s.literal("false"); err != nil {
				return err
			}
		case c == 'n':
			if err := s.literal("null"); err != nil {
				return err
			}
		default:
			return s.syntax("invalid character " + describeByte(c) + " looking for the beginning of a value")
		}
		if opened {
			continue // the container's first value is next
		}
		// A value ended: close containers until one continues with ','.
		for {
			if len(s.stack) == 0 {
				return nil
			}
			s.i = skipSpace(s.data, s.i)
			if s.i == len(s.data) {
				return s.syntax("unexpected end of input")
			}
			top := &s.stack[len(s.stack)-1]
			c := s.data[s.i]
			if c == ',' {
				s.i++
				if top.array {
					top.index++
				} else {
					s.i = skipSpace(s.data, s.i)
					if err := s.key(); err != nil {
						return err
					}
				}
				break
			}
			if top.array && c == ']' || !top.array && c == '}' {
				s.i++
				s.pop()
				continue
			}
			if top.array {
				return s.syntax("invalid character " + describeByte(c) + " after an array element")
			}
			return s.syntax("invalid character " + describeByte(c) + " after an object value")
		}
	}
}

func (s *objScanner) push(array bool) error {
	if len(s.stack) >= maxDepth {
		return s.syntax(fmt.Sprintf("nesting deeper than %d", maxDepth))
	}
	s.stack = append(s.stack, scanFrame{array: array, keyStart: len(s.keys), arenaStart: len(s.arena)})
	return nil
}

func (s *objScanner) pop() {
	top := s.stack[len(s.stack)-1]
	s.stack[len(s.stack)-1] = scanFrame{} // drop its map, if any
	s.stack = s.stack[:len(s.stack)-1]
	if !top.array {
		s.keys = s.keys[:top.keyStart]
		s.arena = s.arena[:top.arenaStart]
	}
}

// key scans `"key" :` at s.i and checks the key against the other keys of
// the innermost object.
func (s *objScanner) key() error {
	if s.i == len(s.data) {
		return s.syntax("unexpected end of input")
	}
	if s.data[s.i] != '"' {
		return s.syntax("invalid character " + describeByte(s.data[s.i]) + " looking for the beginning of an object key")
	}
	rawOff := s.i + 1
	esc, err := s.str()
	if err != nil {
		return err
	}
	raw := s.data[rawOff : s.i-1]
	s.i = skipSpace(s.data, s.i)
	if s.i == len(s.data) {
		return s.syntax("unexpected end of input")
	}
	if s.data[s.i] != ':' {
		return s.syntax("invalid character " + describeByte(s.data[s.i]) + " after an object key")
	}
	s.i++

	name := raw
	if esc {
		name = []byte(unquoteKey(s.data[rawOff-1 : s.i-1]))
	}
	off := len(s.arena)
	s.arena = appendFolded(s.arena, name)
	k := scanKey{off: off, n: len(s.arena) - off, rawOff: rawOff, rawN: len(raw)}
	folded := s.arena[off:]
	top := &s.stack[len(s.stack)-1]
	mine := s.keys[top.keyStart:]
	if top.set == nil {
		for _, other := range mine {
			if other.n == k.n && bytes.Equal(s.arena[other.off:other.off+other.n], folded) {
				return s.duplicate(other, k)
			}
		}
		if len(mine) >= maxLinearKeys {
			top.set = make(map[string]struct{}, 2*len(mine))
			for _, other := range mine {
				top.set[string(s.arena[other.off:other.off+other.n])] = struct{}{}
			}
		}
	} else if _, dup := top.set[string(folded)]; dup {
		for _, other := range mine {
			if other.n == k.n && bytes.Equal(s.arena[other.off:other.off+other.n], folded) {
				return s.duplicate(other, k)
			}
		}
	}
	if top.set != nil {
		top.set[string(folded)] = struct{}{}
	}
	top.cur = len(s.keys)
	s.keys = append(s.keys, k)
	return nil
}

// duplicate reports key k, which clashes with the earlier key first.
func (s *objScanner) duplicate(first, k scanKey) error {
	name := s.keyText(k)
	where := s.path()
	if prev := s.keyText(first); prev != name {
		return Errorf(EINVALID, "duplicate key %q at %s (same field as %q: keys match ignoring case)",
			truncate(name, 64), where, truncate(prev, 64))
	}
	return Errorf(EINVALID, "duplicate key %q at %s", truncate(name, 64), where)
}

// keyText returns k as decoded text.
func (s *objScanner) keyText(k scanKey) string {
	return unquoteKey(s.data[k.rawOff-1 : k.rawOff+k.rawN+1])
}

// path returns the JSON path of the innermost open container, such as
// $.gpa_order.jit_funding or $.transactions[2].gpa_order.
func (s *objScanner) path() string {
	b := []byte("$")
	for _, f := range s.stack[:len(s.stack)-1] {
		if f.array {
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(f.index), 10)
			b = append(b, ']')
		} else {
			b = appendPathKey(b, s.keyText(s.keys[f.cur]))
		}
	}
	return string(b)
}

func appendPathKey(b []byte, key string) []byte {
	plain := key != ""
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			plain = false
			break
		}
	}
	if plain {
		return append(append(b, '.'), key...)
	}
	b = append(b, '[')
	b = strconv.AppendQuote(b, truncate(key, 64))
	return append(b, ']')
}

// unquoteKey decodes a JSON string literal (quotes included) already checked
// by str, exactly as encoding/json does.
func unquoteKey(lit []byte) string {
	if bytes.IndexByte(lit, '\\') < 0 && utf8.Valid(lit) {
		return string(lit[1 : len(lit)-1])
	}
	var out string
	// A copy, so that the scanner's buffers do not escape to the heap
	// through json.Unmarshal (keys with escapes are rare).
	if err := json.Unmarshal(bytes.Clone(lit), &out); err != nil {
		return string(lit[1 : len(lit)-1]) // not reached: lit was checked
	}
	return out
}

// appendFolded appends the name as encoding/json folds field names before
// matching them case-insensitively: ASCII letters upper-cased, any other rune
// replaced by the smallest rune of its case-folding orbit, invalid UTF-8 by
// U+FFFD (as encoding/json decodes it).
func appendFolded(dst, name []byte) []byte {
	// ASCII, as nearly every key is, in place; the first other byte hands
	// the rest to appendFoldedRunes.
	n := len(dst)
	dst = append(dst, name...)
	for i := n; i < len(dst); i++ {
		c := dst[i]
		if c >= utf8.RuneSelf {
			return appendFoldedRunes(dst[:i], name[i-n:])
		}
		if 'a' <= c && c <= 'z' {
			dst[i] = c - ('a' - 'A')
		}
	}
	return dst
}

// appendFoldedRunes is appendFolded rune by rune.
func appendFoldedRunes(dst, name []byte) []byte {
	for i := 0; i < len(name); {
		c := name[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(name[i:])
		dst = utf8.AppendRune(dst, foldRune(r))
		i += n
	}
	return dst
}

func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}

// str scans a string literal at s.i (on its opening quote) and reports
// whether it holds escapes.
func (s *objScanner) str() (escapes bool, err error) {
	d := s.data
	i := s.i + 1
	for i < len(d) {
		i = plainEnd(d, i) // past the bytes that need no attention
		if i == len(d) {
			break
		}
		c := d[i]
		switch {
		case c == '"':
			s.i = i + 1
			return escapes, nil
		case c == '\\':
			escapes = true
			if i+1 == len(d) {
				s.i = len(d)
				return false, s.syntax("unexpected end of input")
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				for j := i + 2; j < i+6; j++ {
					if j == len(d) {
						s.i = j
						return false, s.syntax("unexpected end of input")
					}
					if !isHex(d[j]) {
						s.i = j
						return false, s.syntax("invalid character " + describeByte(d[j]) + " in a \\u escape")
					}
				}
				i += 6
			default:
				s.i = i + 1
				return false, s.syntax("invalid escape " + describeByte(d[i+1]) + " in a string")
			}
		case c < 0x20:
			s.i = i
			return false, s.syntax("invalid character " + describeByte(c) + " in a string")
		default:
			i++
		}
	}
	s.i = len(d)
	return false, s.syntax("unexpected end of input")
}

// number scans a number at s.i following the JSON grammar.
func (s *objScanner) number() error {
	d, i := s.data, s.i
	if d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	default:
		s.i = i
		return s.numberError()
	}
	if i < len(d) && d[i] == '.' {
		i++
		start := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		if i == start {
			s.i = i
			return s.numberError()
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		start := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		if i == start {
			s.i = i
			return s.numberError()
		}
	}
	s.i = i
	return nil
}

func (s *objScanner) numberError() error {
	if s.i == len(s.data) {
		return s.syntax("unexpected end of input")
	}
	return s.syntax("invalid character " + describeByte(s.data[s.i]) + " in a number")
}

func (s *objScanner) literal(word string) error {
	for j := 0; j < len(word); j++ {
		if s.i+j == len(s.data) {
			s.i += j
			return s.syntax("unexpected end of input")
		}
		if s.data[s.i+j] != word[j] {
			s.i += j
			return s.syntax("invalid character " + describeByte(s.data[s.i]) + " in literal " + word)
		}
	}
	s.i += len(word)
	return nil
}

func (s *objScanner) syntax(what string) error {
	return Errorf(EINVALID, "invalid JSON at offset %d: %s", s.i, what)
}

func skipSpace(d []byte, i int) int {
	for i < len(d) && (d[i] == ' ' || d[i] == '\n' || d[i] == '\r' || d[i] == '\t') {
		i++
	}
	return i
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// describeByte quotes c for an error message: '{', or 0x01 for bytes that
// do not print.
func describeByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("0x%02x", c)
}
