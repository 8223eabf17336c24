package simulator

import (
	"reflect"

	"github.com/jitsim/jitsim/jit"
)

// cloneTxn deep-copies a transaction, so callers and the dispatcher never
// share memory with the engine's records. It copies by reflection rather
// than through a JSON round trip, which cost most of the generator's CPU.
func cloneTxn(t *jit.Transaction) *jit.Transaction {
	if t == nil {
		return nil
	}
	c := new(jit.Transaction)
	deepCopy(reflect.ValueOf(c).Elem(), reflect.ValueOf(t).Elem())
	return c
}

// deepCopy sets dst, a settable value, to a copy of src sharing no pointer,
// slice or map with it. Unexported fields are copied as they are: the jit
// types keep only plain values in them.
func deepCopy(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		p := reflect.New(src.Type().Elem())
		deepCopy(p.Elem(), src.Elem())
		dst.Set(p)
	case reflect.Struct:
		dst.Set(src) // every field, unexported ones included
		for i := 0; i < src.NumField(); i++ {
			if f := dst.Field(i); f.CanSet() && needsCopy(f.Kind()) {
				deepCopy(f, src.Field(i))
			}
		}
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := 0; i < src.Len(); i++ {
			deepCopy(s.Index(i), src.Index(i))
		}
		dst.Set(s)
	case reflect.Map:
		if src.IsNil() {
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		it := src.MapRange()
		for it.Next() {
			v := reflect.New(src.Type().Elem()).Elem()
			deepCopy(v, it.Value())
			m.SetMapIndex(it.Key(), v)
		}
		dst.Set(m)
	case reflect.Interface:
		if src.IsNil() {
			return
		}
		v := reflect.New(src.Elem().Type()).Elem()
		deepCopy(v, src.Elem())
		dst.Set(v)
	case reflect.Array:
		for i := 0; i < src.Len(); i++ {
			deepCopy(dst.Index(i), src.Index(i))
		}
	default:
		dst.Set(src)
	}
}

// needsCopy reports whether a field of kind k can share memory.
func needsCopy(k reflect.Kind) bool {
	switch k {
	case reflect.Pointer, reflect.Struct, reflect.Slice, reflect.Map, reflect.Interface, reflect.Array:
		return true
	}
	return false
}
