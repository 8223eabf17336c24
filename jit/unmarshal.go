package jit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
)

// This file is the value half of DecodeTransaction and DecodeWebhook: a
// decoder for bodies that checkObject has already accepted (one well-formed
// JSON object, no duplicate keys at any depth). It decodes exactly as
// json.Unmarshal does for the types of this package (field names matched
// ignoring case, unknown fields skipped, null leaving a value alone and
// clearing a pointer, slice or map, Amount decoded by its UnmarshalJSON),
// without json.Unmarshal's second validation pass and with the work per type
// planned once, so a JIT request decodes in about a third of
// json.Unmarshal's time (BenchmarkDecodeTransaction against
// BenchmarkUnmarshalTransaction: 18.7–21.2 against 56.9–62.5 µs, checks
// included).
// FuzzDecodeTransaction and FuzzDecodeWebhook hold it to json.Unmarshal.

// kind is what a plan decodes.
type kind uint8

const (
	kString kind = iota
	kBool
	kInt
	kUnmarshaler // a type whose pointer implements json.Unmarshaler
	kPointer
	kStruct
	kSlice
	kMap // with string keys
)

// plan is how to decode one Go type.
type plan struct {
	kind   kind
	typ    reflect.Type
	elem   *plan             // kPointer, kSlice, kMap: the element's plan
	fields map[string]*field // kStruct: by JSON name, folded as appendFolded folds keys
	exact  map[string]*field // kStruct: by JSON name as written, tried first
	// first is the first known field of the latest object decoded by
	// this plan: fieldAfter's guess for an object's first known key
	// (kStruct).
	first atomic.Pointer[field]
}

// field is one decodable field of a struct.
type field struct {
	name  string // the JSON name, for error paths
	index int
	plan  *plan
	// check: the value is checked against plan as if decoded, and then
	// dropped (a Decoder's fields outside what it keeps).
	check bool
	// next is the field that followed this one the last time it was
	// decoded: senders write their fields in a fixed order, so it is
	// nearly always the next key's field, found without hashing.
	next atomic.Pointer[field]
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// webhookBody is what DecodeWebhook decodes: an envelope or a ping.
type webhookBody struct {
	Transactions []Transaction `json:"transactions"`
	Pings        []Ping        `json:"pings"`
}

// The plans of the two bodies, built once. A type this decoder does not
// support panics here, at start-up, so no request can reach it.
var (
	transactionPlan, webhookPlan = func() (*plan, *plan) {
		memo := map[reflect.Type]*plan{}
		return mustPlan(reflect.TypeFor[Transaction](), memo), mustPlan(reflect.TypeFor[webhookBody](), memo)
	}()
)

// mustPlan returns the plan of t, building the plans of the types it holds
// on the way; memo holds those already built (or being built, for
// recursive types).
func mustPlan(t reflect.Type, memo map[reflect.Type]*plan) *plan {
	if p := memo[t]; p != nil {
		return p
	}
	p := &plan{typ: t}
	memo[t] = p
	switch {
	case reflect.PointerTo(t).Implements(unmarshalerType):
		p.kind = kUnmarshaler
	case t.Kind() == reflect.String:
		p.kind = kString
	case t.Kind() == reflect.Bool:
		p.kind = kBool
	case t.Kind() == reflect.Int || t.Kind() == reflect.Int64:
		p.kind = kInt
	case t.Kind() == reflect.Pointer:
		p.kind, p.elem = kPointer, mustPlan(t.Elem(), memo)
	case t.Kind() == reflect.Slice:
		p.kind, p.elem = kSlice, mustPlan(t.Elem(), memo)
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String && !reflect.PointerTo(t.Key()).Implements(textUnmarshalerType):
		p.kind, p.elem = kMap, mustPlan(t.Elem(), memo)
	case t.Kind() == reflect.Struct:
		p.kind = kStruct
		p.fields = make(map[string]*field, t.NumField())
		p.exact = make(map[string]*field, t.NumField())
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			if sf.Anonymous || !sf.IsExported() {
				panic(fmt.Sprintf("jit: decoder: %s.%s: embedded and unexported fields are not supported", t, sf.Name))
			}
			name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if name == "-" && opts == "" {
				continue
			}
			if strings.Contains(opts, "string") {
				panic(fmt.Sprintf("jit: decoder: %s.%s: the ,string option is not supported", t, sf.Name))
			}
			if name == "" {
				name = sf.Name
			}
			key := string(appendFolded(nil, []byte(name)))
			if p.fields[key] != nil {
				panic(fmt.Sprintf("jit: decoder: %s: two fields named %q ignoring case", t, name))
			}
			f := &field{name: name, index: i, plan: mustPlan(sf.Type, memo)}
			p.fields[key], p.exact[name] = f, f
		}
	default:
		panic(fmt.Sprintf("jit: decoder: type %s is not supported", t))
	}
	return p
}

var textUnmarshalerType = reflect.TypeFor[interface{ UnmarshalText([]byte) error }]()

// typeError is a JSON value of the wrong type for its Go field, with the
// path to it, innermost segment first while the error travels up.
type typeError struct {
	value string // "string", "number 1.5", "object"...
	want  string // "string", "integer", "array"...
	path  []string
}

func (e *typeError) Error() string {
	return fmt.Sprintf("invalid value at %s: JSON %s where %s expected", e.pathString(), e.value, e.want)
}

// pathString returns the path as $.gpa_order.jit_funding.balances.USD or
// $.transactions[2].token.
func (e *typeError) pathString() string {
	b := []byte("$")
	for i := len(e.path) - 1; i >= 0; i-- {
		if seg := e.path[i]; strings.HasPrefix(seg, "[") {
			b = append(b, seg...)
		} else {
			b = appendPathKey(b, seg)
		}
	}
	return string(b)
}

// withinIndex is within for the element at index n of an array.
func withinIndex(err error, n int) error {
	if te, ok := err.(*typeError); ok {
		te.path = append(te.path, "["+strconv.Itoa(n)+"]")
	}
	return err
}

// within adds a path segment to err if it is a typeError.
func within(err error, seg string) error {
	if te, ok := err.(*typeError); ok {
		te.path = append(te.path, seg)
	}
	return err
}

// decoder walks a checked body.
type decoder struct {
	data []byte
	i    int
	fold [64]byte // scratch for folded keys
}

// unmarshal decodes data, already accepted by checkObject, into v, which
// points to a value of p's type. It returns the first problem in document
// order: a *typeError, or the error of an UnmarshalJSON method.
func unmarshal(data []byte, v any, p *plan) error {
	d := decoder{data: data}
	d.i = skipSpace(data, 0)
	return d.value(reflect.ValueOf(v).Elem(), p)
}

// value decodes the value at d.i (not a space) into v.
func (d *decoder) value(v reflect.Value, p *plan) error {
	c := d.data[d.i]
	switch p.kind {
	case kPointer:
		if c == 'n' {
			v.SetZero()
			d.i += len("null")
			return nil
		}
		if v.IsNil() {
			v.Set(reflect.New(p.typ.Elem()))
		}
		return d.value(v.Elem(), p.elem)
	case kUnmarshaler:
		start := d.i
		d.skip()
		return v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(d.data[start:d.i])
	}
	if c == 'n' {
		if p.kind == kSlice || p.kind == kMap {
			v.SetZero()
		}
		d.i += len("null")
		return nil
	}
	switch p.kind {
	case kString:
		if c == '"' {
			s, err := d.str()
			v.SetString(s)
			return err
		}
	case kBool:
		if c == 't' {
			v.SetBool(true)
			d.i += len("true")
			return nil
		}
		if c == 'f' {
			v.SetBool(false)
			d.i += len("false")
			return nil
		}
	case kInt:
		if c == '-' || c >= '0' && c <= '9' {
			n, err := d.integer(p)
			if err == nil {
				v.SetInt(n)
			}
			return err
		}
	case kStruct:
		if c == '{' {
			return d.object(v, p)
		}
	case kSlice:
		if c == '[' {
			return d.array(v, p)
		}
	case kMap:
		if c == '{' {
			return d.mapObject(v, p)
		}
	}
	return &typeError{value: describeJSON(c), want: jsonKind(p.typ)}
}

// integer decodes the number at d.i as p's integer type: a *typeError
// when it is not an integer or does not fit.
func (d *decoder) integer(p *plan) (int64, error) {
	start := d.i
	d.skip()
	lit := d.data[start:d.i]
	n, err := strconv.ParseInt(string(lit), 10, p.typ.Bits())
	if err != nil {
		return 0, &typeError{value: "number " + string(lit), want: "integer"}
	}
	return n, nil
}

// describeJSON names the JSON type of a value that starts with c.
func describeJSON(c byte) string {
	switch c {
	case '"':
		return "string"
	case 't', 'f':
		return "bool"
	case '[':
		return "array"
	case '{':
		return "object"
	}
	return "number"
}

// object decodes the object at d.i into the struct v.
func (d *decoder) object(v reflect.Value, p *plan) error {
	var prev *field
	return d.members(func(start, end int, escaped bool) error {
		f := d.fieldAfter(p, prev, start, end, escaped)
		if f != nil {
			prev = f // an unknown key in between does not change what follows prev
		}
		switch {
		case f == nil:
			d.skip()
			return nil
		case f.check:
			return within(d.check(f.plan), f.name)
		}
		return within(d.value(v.Field(f.index), f.plan), f.name)
	})
}

// fieldAfter is field for the key that follows prev's key in an object,
// not counting keys that name no field (prev nil: the object's first
// known key). It tries the field that followed last time first, and learns
// the order it sees. The guess stands only if the key is spelled exactly as
// its name, when field would find the same field.
func (d *decoder) fieldAfter(p *plan, prev *field, start, end int, escaped bool) *field {
	slot := &p.first
	if prev != nil {
		slot = &prev.next
	}
	guess := slot.Load()
	if guess != nil && !escaped && string(d.data[start:end]) == guess.name {
		return guess
	}
	f := d.field(p, start, end, escaped)
	if f != nil {
		slot.Store(f)
	}
	return f
}

// field returns the field of the struct plan p that the key at
// d.data[start:end] names, as encoding/json matches it, or nil.
func (d *decoder) field(p *plan, start, end int, escaped bool) *field {
	name := d.data[start:end]
	if escaped {
		name = []byte(unquoteKey(d.data[start-1 : end+1]))
	}
	// A key spelled as its field's JSON name finds the same field
	// folded or not; only other spellings need folding.
	if f := p.exact[string(name)]; f != nil {
		return f
	}
	return p.fields[string(appendFolded(d.fold[:0], name))]
}

// mapKey returns the map key at d.data[start:end], unquoted.
func (d *decoder) mapKey(start, end int, escaped bool) string {
	if escaped {
		return unquoteKey(d.data[start-1 : end+1])
	}
	return string(d.data[start:end])
}

// mapObject decodes the object at d.i into the map v.
func (d *decoder) mapObject(v reflect.Value, p *plan) error {
	if v.IsNil() {
		v.Set(reflect.MakeMap(p.typ))
	}
	elem := reflect.New(p.typ.Elem()).Elem()
	key := reflect.New(p.typ.Key()).Elem()
	return d.members(func(start, end int, escaped bool) error {
		k := d.mapKey(start, end, escaped)
		elem.SetZero()
		if err := d.value(elem, p.elem); err != nil {
			return within(err, k)
		}
		key.SetString(k)
		v.SetMapIndex(key, elem)
		return nil
	})
}

// members walks the object at d.i, calling member with each key (the
// offsets of its raw bytes between the quotes, and whether they hold
// escapes) and d.i on the first byte of its value. member must consume the
// value.
func (d *decoder) members(member func(start, end int, escaped bool) error) error {
	d.i = skipSpace(d.data, d.i+1) // past '{'
	if d.data[d.i] == '}' {
		d.i++
		return nil
	}
	for {
		start := d.i + 1
		end := strEnd(d.data, d.i) - 1 // on the closing quote
		d.i = skipSpace(d.data, end+1)
		d.i = skipSpace(d.data, d.i+1) // past ':'
		if err := member(start, end, bytes.IndexByte(d.data[start:end], '\\') >= 0); err != nil {
			return err
		}
		if d.next('}') {
			return nil
		}
	}
}

// next moves d.i past the ',' or the closing byte that follows a member or
// an element (and the spaces around a ','), and reports whether it was the
// closing byte.
func (d *decoder) next(closing byte) bool {
	d.i = skipSpace(d.data, d.i)
	c := d.data[d.i]
	d.i++
	if c == closing {
		return true
	}
	d.i = skipSpace(d.data, d.i) // past ','
	return false
}

// array decodes the array at d.i into the slice v.
func (d *decoder) array(v reflect.Value, p *plan) error {
	if v.IsNil() {
		v.Set(reflect.MakeSlice(p.typ, 0, 0)) // [] is an empty slice, not nil
	}
	v.SetLen(0)
	return d.elements(func(n int) error {
		if n == v.Cap() {
			v.Grow(1)
		}
		v.SetLen(n + 1)
		e := v.Index(n)
		e.SetZero()
		return withinIndex(d.value(e, p.elem), n)
	})
}

// elements walks the array at d.i, calling element with each
// index and d.i on the element; element must consume it.
func (d *decoder) elements(element func(n int) error) error {
	d.i = skipSpace(d.data, d.i+1) // past '['
	if d.data[d.i] == ']' {
		d.i++
		return nil
	}
	for n := 0; ; n++ {
		if err := element(n); err != nil {
			return err
		}
		if d.next(']') {
			return nil
		}
	}
}

// str decodes the string at d.i, as encoding/json does.
func (d *decoder) str() (string, error) {
	start := d.i
	d.i = strEnd(d.data, start)
	lit := d.data[start:d.i]
	if bytes.IndexByte(lit, '\\') < 0 {
		return string(lit[1 : len(lit)-1]), nil
	}
	var s string
	err := json.Unmarshal(lit, &s) // escapes are rare; checkObject checked them
	return s, err
}

// skip moves d.i past the value at d.i.
func (d *decoder) skip() {
	data := d.data
	switch data[d.i] {
	case '"':
		d.i = strEnd(data, d.i)
	case '{', '[':
		depth := 0
		for i := d.i; ; {
			switch data[i] {
			case '"':
				i = strEnd(data, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					d.i = i + 1
					return
				}
			}
			i++
		}
	default: // a number or a literal: up to the next delimiter
		i := d.i
		for i < len(data) {
			c := data[i]
			if c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t' {
				break
			}
			i++
		}
		d.i = i
	}
}

// strEnd returns the offset just past the string literal that opens at i.
func strEnd(data []byte, i int) int {
	for i++; ; i += 2 { // past a backslash and the byte it escapes
		i = quoteOrBackslash(data, i)
		if data[i] == '"' {
			return i + 1
		}
	}
}
