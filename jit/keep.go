package jit

import (
	"encoding/json"
	"reflect"
	"strings"
)

// A Decoder decodes JIT funding requests exactly as DecodeTransaction does,
// with the same errors for the same body, but stores only the fields it was
// made to keep: every other field is checked as if decoded and dropped, so
// a body a Decoder accepts is one DecodeTransaction accepts. A gateway that
// reads a dozen of a request's fields saves the memory and time of the
// rest (BenchmarkDecoderKeep). A Decoder is safe for concurrent use.
type Decoder struct {
	plan *plan
}

// NewDecoder returns a Decoder that keeps the fields at the given paths:
// JSON names joined by dots, from the transaction object
// ("gpa_order.jit_funding", "card_acceptor.mcc"). A path keeps everything
// under it, and the objects on its way hold only what paths name. It
// returns an *Error with code EINVALID for a path that names no field of
// Transaction, or that goes on past a value that is not an object.
func NewDecoder(keep ...string) (*Decoder, error) {
	paths := make([][]string, len(keep))
	for i, k := range keep {
		paths[i] = strings.Split(k, ".")
	}
	p, err := prune(transactionPlan, paths)
	if err != nil {
		return nil, err
	}
	return &Decoder{plan: p}, nil
}

// Decode decodes a JIT funding request, keeping only the Decoder's fields:
// the others are left zero. Its errors are DecodeTransaction's.
func (d *Decoder) Decode(data []byte) (*Transaction, error) {
	if err := checkUTF8(data); err != nil {
		return nil, err
	}
	if err := checkObject(data); err != nil {
		return nil, err
	}
	t := new(Transaction)
	if err := unmarshal(data, t, d.plan); err != nil {
		return nil, decodeError("transaction", err)
	}
	return t, nil
}

// prune returns a copy of p that keeps only what paths reach: p itself when
// a path ends here, else, for a struct, its fields on some path (pruned
// further) and every other field as checked only. Pointers are followed.
func prune(p *plan, paths [][]string) (*plan, error) {
	for _, path := range paths {
		if len(path) == 0 {
			return p, nil
		}
	}
	switch p.kind {
	case kPointer:
		elem, err := prune(p.elem, paths)
		if err != nil {
			return nil, err
		}
		return &plan{kind: kPointer, typ: p.typ, elem: elem}, nil
	case kStruct:
	default:
		return nil, Errorf(EINVALID, "path %q goes on past %s, which holds no fields", strings.Join(paths[0], "."), p.typ)
	}
	c := &plan{kind: kStruct, typ: p.typ, fields: make(map[string]*field, len(p.fields)), exact: make(map[string]*field, len(p.exact))}
	pruned := map[*field]*field{}
	for name, f := range p.exact {
		var sub [][]string
		for _, path := range paths {
			if path[0] == name {
				sub = append(sub, path[1:])
			}
		}
		nf := &field{name: f.name, index: f.index, plan: f.plan, check: true}
		if sub != nil {
			fp, err := prune(f.plan, sub)
			if err != nil {
				return nil, err
			}
			nf.plan, nf.check = fp, false
		}
		c.exact[name] = nf
		pruned[f] = nf
	}
	for key, f := range p.fields {
		c.fields[key] = pruned[f]
	}
	for _, path := range paths {
		if p.exact[path[0]] == nil {
			return nil, Errorf(EINVALID, "path %q: %s has no field %q", strings.Join(path, "."), p.typ, path[0])
		}
	}
	return c, nil
}

var amountType = reflect.TypeFor[Amount]()

// check moves d.i past the value at d.i, returning the error that decoding
// it by p would return, without storing anything.
func (d *decoder) check(p *plan) error {
	c := d.data[d.i]
	switch p.kind {
	case kPointer:
		if c == 'n' {
			d.i += len("null")
			return nil
		}
		return d.check(p.elem)
	case kUnmarshaler:
		start := d.i
		d.skip()
		if p.typ == amountType {
			var a Amount
			return a.UnmarshalJSON(d.data[start:d.i])
		}
		return reflect.New(p.typ).Interface().(json.Unmarshaler).UnmarshalJSON(d.data[start:d.i])
	}
	if c == 'n' {
		d.i += len("null")
		return nil
	}
	switch p.kind {
	case kString:
		if c == '"' {
			d.i = strEnd(d.data, d.i) // checkObject checked its escapes
			return nil
		}
	case kBool:
		if c == 't' || c == 'f' {
			d.skip()
			return nil
		}
	case kInt:
		if c == '-' || c >= '0' && c <= '9' {
			_, err := d.integer(p)
			return err
		}
	case kStruct:
		if c == '{' {
			var prev *field
			return d.members(func(start, end int, escaped bool) error {
				if f := d.fieldAfter(p, prev, start, end, escaped); f != nil {
					prev = f
					return within(d.check(f.plan), f.name)
				}
				d.skip()
				return nil
			})
		}
	case kSlice:
		if c == '[' {
			return d.elements(func(n int) error {
				return withinIndex(d.check(p.elem), n)
			})
		}
	case kMap:
		if c == '{' {
			return d.members(func(start, end int, escaped bool) error {
				if err := d.check(p.elem); err != nil {
					return within(err, d.mapKey(start, end, escaped))
				}
				return nil
			})
		}
	}
	return &typeError{value: describeJSON(c), want: jsonKind(p.typ)}
}
