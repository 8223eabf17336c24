package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/jitsim/jitsim/jit"
)

// Lenient decoding, the one way every endpoint reads its body, as lenient
// as Marqeta's own API and no more:
//
//   - the body is one JSON object (an empty body is {}); malformed JSON,
//     another top-level value or trailing data is 400;
//   - unknown fields are ignored;
//   - a field the spec types boolean takes true/false or the strings "true"
//     and "false" (any letter case); an integer field takes a JSON number
//     or a numeric string ("3000"), integral and in range; an amount
//     (jit.Amount) takes a number or a numeric string ("12.00"); a string
//     field takes a string, or a number or boolean written as its JSON text;
//   - null is the same as an absent field;
//   - a field tagged `api:"required"` must be present and not null;
//   - any other value is 400 naming the field by its JSON path
//     ("config.jit_funding.programgateway_funding_source.enabled must be a
//     boolean, got string \"maybe\"").
//
// Request types are plain structs with json tags (the simulator's resource
// types decode directly); decoding is driven by the Go type of each field.

// decodeBody reads the request body into dst (a pointer to a struct). Errors
// are *jit.Error: ETOOLARGE past the body limit, EINVALID otherwise.
func decodeBody(r *http.Request, dst any) error {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return jit.Errorf(jit.ETOOLARGE, "request body is larger than %d bytes", mbe.Limit)
		}
		return jit.Errorf(jit.EINVALID, "reading the request body: %v", err)
	}
	return decodeJSON(data, dst)
}

// decodeJSON is decodeBody on bytes.
func decodeJSON(data []byte, dst any) error {
	obj, err := parseObject(data)
	if err != nil {
		return err
	}
	return fill(reflect.ValueOf(dst).Elem(), obj, "")
}

// parseObject parses data as one JSON object with numbers kept as text.
func parseObject(data []byte) (map[string]any, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, jit.Errorf(jit.EINVALID, "malformed JSON body: %s", jsonErrorText(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, jit.Errorf(jit.EINVALID, "malformed JSON body: data after the JSON object at offset %d", dec.InputOffset())
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, jit.Errorf(jit.EINVALID, "request body must be a JSON object, got %s", describe(v))
	}
	return obj, nil
}

func jsonErrorText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s (at offset %d)", se.Error(), se.Offset)
	}
	if err == io.ErrUnexpectedEOF {
		return "unexpected end of input"
	}
	return err.Error()
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// field is one decodable struct field.
type field struct {
	index    int
	name     string
	required bool
}

var fieldCache sync.Map // reflect.Type → []field

func fieldsOf(t reflect.Type) []field {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]field)
	}
	var fs []field
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		fs = append(fs, field{index: i, name: name, required: sf.Tag.Get("api") == "required"})
	}
	fieldCache.Store(t, fs)
	return fs
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// fill sets v from raw (a value from parseObject) by v's type.
func fill(v reflect.Value, raw any, path string) error {
	if raw == nil {
		return nil // null is absent
	}
	t := v.Type()
	if t.Kind() == reflect.Pointer {
		n := reflect.New(t.Elem())
		if err := fill(n.Elem(), raw, path); err != nil {
			return err
		}
		v.Set(n)
		return nil
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		data, err := json.Marshal(raw)
		if err == nil {
			err = v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(data)
		}
		if err != nil {
			return jit.Errorf(jit.EINVALID, "%s: %s", path, jit.ErrorMessage(err))
		}
		return nil
	}
	switch t.Kind() {
	case reflect.String:
		s, ok := scalarText(raw)
		if !ok {
			return typeError(path, "a string", raw)
		}
		v.SetString(s)
	case reflect.Bool:
		b, ok := lenientBool(raw)
		if !ok {
			return typeError(path, "a boolean", raw)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := lenientInt(raw)
		if !ok || v.OverflowInt(n) {
			return typeError(path, "an integer", raw)
		}
		v.SetInt(n)
	case reflect.Struct:
		obj, ok := raw.(map[string]any)
		if !ok {
			return typeError(path, "an object", raw)
		}
		for _, f := range fieldsOf(t) {
			val, present := obj[f.name]
			if f.required && (!present || val == nil) {
				return jit.Errorf(jit.EINVALID, "%s is required", join(path, f.name))
			}
			if err := fill(v.Field(f.index), val, join(path, f.name)); err != nil {
				return err
			}
		}
	case reflect.Map:
		obj, ok := raw.(map[string]any)
		if !ok || t.Key().Kind() != reflect.String {
			return typeError(path, "an object", raw)
		}
		m := reflect.MakeMapWithSize(t, len(obj))
		for k, val := range obj {
			ev := reflect.New(t.Elem()).Elem()
			if err := fill(ev, val, join(path, k)); err != nil {
				return err
			}
			m.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), ev)
		}
		v.Set(m)
	case reflect.Slice:
		arr, ok := raw.([]any)
		if !ok {
			return typeError(path, "an array", raw)
		}
		s := reflect.MakeSlice(t, len(arr), len(arr))
		for i, val := range arr {
			if err := fill(s.Index(i), val, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		v.Set(s)
	case reflect.Interface:
		v.Set(reflect.ValueOf(raw))
	default:
		return jit.Errorf(jit.EINTERNAL, "api: cannot decode %s into %s", path, t)
	}
	return nil
}

// scalarText is a string field's value: a string, or a number or boolean as
// its JSON text.
func scalarText(raw any) (string, bool) {
	switch x := raw.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

func lenientBool(raw any) (bool, bool) {
	switch x := raw.(type) {
	case bool:
		return x, true
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

func lenientInt(raw any) (int64, bool) {
	var s string
	switch x := raw.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = strings.TrimSpace(x)
	default:
		return 0, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	// "3000.0", "3e3": integral values written as decimals.
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) >= 1<<53 {
		return 0, false
	}
	return int64(f), true
}

func typeError(path, want string, raw any) error {
	return jit.Errorf(jit.EINVALID, "%s must be %s, got %s", path, want, describe(raw))
}

// describe names a JSON value for an error message.
func describe(raw any) string {
	switch x := raw.(type) {
	case nil:
		return "null"
	case string:
		return "string " + strconv.Quote(clip(x))
	case json.Number:
		return "number " + clip(x.String())
	case bool:
		return "boolean " + strconv.FormatBool(x)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", raw)
}

// requireField is the "X is required" error of fields whose requirement
// depends on the request (simulations).
func requireField(name string) error {
	return jit.Errorf(jit.EINVALID, "%s is required", name)
}

// queryInt reads an integer query parameter (def when absent), at least min.
func queryInt(r *http.Request, name string, def, min int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, ok := lenientInt(s)
	if !ok || n < int64(min) || n > math.MaxInt32 {
		return 0, jit.Errorf(jit.EINVALID, "query parameter %s must be an integer ≥ %d, got %q", name, min, clip(s))
	}
	return int(n), nil
}

// queryBool reads a boolean query parameter (false when absent).
func queryBool(r *http.Request, name string) (bool, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return false, nil
	}
	b, ok := lenientBool(s)
	if !ok {
		return false, jit.Errorf(jit.EINVALID, "query parameter %s must be true or false, got %q", name, clip(s))
	}
	return b, nil
}
