package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Options tune Validate.
type Options struct {
	// Required reports required properties that are absent. Marqeta marks
	// as required, in models shared by requests and responses, fields that
	// real JIT Funding requests and webhooks leave out, so it is off by
	// default.
	Required bool
	// Ignore lists JSON paths, in the syntax of Issue.Path, whose values
	// (and everything under them) are not checked, nor reported missing.
	// A "*" segment (".*" or "[*]") matches any field or array index:
	// "$.transactions[*].pos", "$.gpa_order.funding".
	Ignore []string
}

// Issue is one way in which a JSON document departs from a schema.
type Issue struct {
	// Path locates the value: "$" for the document,
	// "$.gpa_order.jit_funding.amount", "$.transactions[0].token",
	// `$.headers["X-Api-Key"]` for a name that is not a plain identifier.
	Path    string
	Problem string
}

// String returns "path: problem".
func (i Issue) String() string { return i.Path + ": " + i.Problem }

// maxDepth bounds the nesting of the documents Validate reads.
const maxDepth = 1000

// Validate checks the JSON document doc against the schema named schema in
// components.schemas, following $ref, allOf, items, additionalProperties
// and discriminator mappings, and returns the issues it finds in document
// order (nil when there are none):
//
//   - a field that is not a property of its schema (unless the schema has
//     additionalProperties, or declares no properties at all), and a field
//     that appears twice in one object;
//   - a JSON type other than the schema's (an integer must be written
//     without fraction or exponent, and fit format int32 or int64), or null
//     where the schema is not nullable;
//   - a value outside an enum, a string longer than maxLength or shorter
//     than minLength, a number beyond minimum or maximum, an array with
//     fewer than minItems or more than maxItems items;
//   - a string that does not match format date-time (RFC 3339), date
//     (YYYY-MM-DD) or uuid;
//   - with opts.Required, a required property that is absent.
//
// Numbers are compared exactly, as written. Patterns and uniqueItems are
// not checked. When an object's schema has a discriminator, the schema its
// mapping selects applies too (so a funding source of type "program" may
// have the properties of funding_source_model and of
// program_funding_source_model). For oneOf and anyOf without a
// discriminator, the value must match an alternative (together with the
// rest of the schema); for oneOf, matching several is an issue only with
// opts.Required, since alternatives often differ only in what they require.
//
// Validate never fails: an unknown schema name, a doc that is not one
// JSON value, or a malformed opts.Ignore path is reported as an issue.
func (s *Spec) Validate(schema string, doc []byte, opts Options) []Issue {
	v := &validator{spec: s, opts: opts}
	for _, p := range opts.Ignore {
		segs, err := parsePath(p)
		if err != nil {
			v.issues = append(v.issues, Issue{Path: "$", Problem: fmt.Sprintf("Options.Ignore: bad path %q: %v", p, err)})
			continue
		}
		v.ignore = append(v.ignore, segs)
	}
	root, ok := s.schemas[schema]
	if !ok {
		return append(v.issues, Issue{Path: "$", Problem: fmt.Sprintf("no schema %q in components.schemas", schema)})
	}
	val, err := decodeJSON(doc)
	if err != nil {
		return append(v.issues, Issue{Path: "$", Problem: "invalid JSON: " + err.Error()})
	}
	v.check(root, val)
	return v.issues
}

// member is one field of a JSON object; object keeps fields in order.
type member struct {
	key string
	val any
}

type object []member

func (o object) get(key string) (any, bool) {
	for _, m := range o {
		if m.key == key {
			return m.val, true
		}
	}
	return nil, false
}

// decodeJSON reads one JSON value: nil, bool, json.Number, string, []any
// or object.
func decodeJSON(doc []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	val, err := decodeValue(dec, 0)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = errors.New("data after the top-level value")
		}
		return nil, err
	}
	return val, nil
}

func decodeValue(dec *json.Decoder, depth int) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	if depth >= maxDepth {
		return nil, fmt.Errorf("nested deeper than %d levels", maxDepth)
	}
	switch d {
	case '{':
		obj := object{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, err
			}
			key, ok := kt.(string)
			if !ok {
				return nil, fmt.Errorf("object key %v is not a string", kt)
			}
			val, err := decodeValue(dec, depth+1)
			if err != nil {
				return nil, err
			}
			obj = append(obj, member{key, val})
		}
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
		return obj, nil
	case '[':
		arr := []any{}
		for dec.More() {
			val, err := decodeValue(dec, depth+1)
			if err != nil {
				return nil, err
			}
			arr = append(arr, val)
		}
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
		return arr, nil
	}
	return nil, fmt.Errorf("unexpected %v", d)
}

// seg is one step of a JSON path: a field name, or an index when idx >= 0.
// In Options.Ignore patterns, any is a "*" that matches either.
type seg struct {
	key string
	idx int
	any bool
}

type validator struct {
	spec   *Spec
	opts   Options
	ignore [][]seg
	path   []seg
	issues []Issue
	// noAlts holds the schemas whose oneOf/anyOf is being tried, so that an
	// alternative that refers back to them does not try them again.
	noAlts []*Schema
	// unknown counts unknown fields, to bound the cost of suggestions.
	unknown int
}

// maxSuggestions bounds the unknown fields of a document for which
// Validate looks for a close property name ("did you mean …").
const maxSuggestions = 100

func (v *validator) push(s seg) { v.path = append(v.path, s) }
func (v *validator) pop()       { v.path = v.path[:len(v.path)-1] }

func (v *validator) report(format string, args ...any) {
	v.issues = append(v.issues, Issue{Path: formatPath(v.path), Problem: fmt.Sprintf(format, args...)})
}

// ignored reports whether the current path matches an Options.Ignore path.
func (v *validator) ignored() bool {
outer:
	for _, p := range v.ignore {
		if len(p) != len(v.path) {
			continue
		}
		for i, s := range p {
			c := v.path[i]
			if !s.any && (s.idx != c.idx || s.key != c.key) {
				continue outer
			}
		}
		return true
	}
	return false
}

// isIdent reports whether a field name can follow a dot in a path.
func isIdent(key string) bool {
	if key == "" || key == "*" {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func formatPath(path []seg) string {
	var b strings.Builder
	b.WriteByte('$')
	for _, s := range path {
		switch {
		case s.idx >= 0:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.idx))
			b.WriteByte(']')
		case isIdent(s.key):
			b.WriteByte('.')
			b.WriteString(s.key)
		default:
			b.WriteByte('[')
			b.WriteString(strconv.Quote(s.key))
			b.WriteByte(']')
		}
	}
	return b.String()
}

// parsePath parses a path in the syntax of formatPath, with "*" segments.
func parsePath(p string) ([]seg, error) {
	rest, ok := strings.CutPrefix(p, "$")
	if !ok {
		return nil, errors.New(`a path starts with "$"`)
	}
	var segs []seg
	for rest != "" {
		switch rest[0] {
		case '.':
			rest = rest[1:]
			n := 0
			for n < len(rest) && rest[n] != '.' && rest[n] != '[' {
				n++
			}
			name := rest[:n]
			rest = rest[n:]
			switch {
			case name == "*":
				segs = append(segs, seg{idx: -1, any: true})
			case isIdent(name):
				segs = append(segs, seg{key: name, idx: -1})
			default:
				return nil, fmt.Errorf("bad field name %q (quote it: [%q])", name, name)
			}
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, errors.New("[ without ]")
			}
			in := rest[1:end]
			switch {
			case in == "*":
				segs = append(segs, seg{idx: -1, any: true})
			case strings.HasPrefix(in, `"`):
				// A quoted name may contain ']': find the closing quote.
				q, err := strconv.QuotedPrefix(rest[1:])
				if err != nil || !strings.HasPrefix(rest[1+len(q):], "]") {
					return nil, fmt.Errorf("bad quoted field name in %q", rest)
				}
				key, _ := strconv.Unquote(q)
				segs = append(segs, seg{key: key, idx: -1})
				end = 1 + len(q)
			default:
				i, err := strconv.Atoi(in)
				if err != nil || i < 0 || strings.HasPrefix(in, "+") {
					return nil, fmt.Errorf("bad index [%s]", in)
				}
				segs = append(segs, seg{idx: i})
			}
			rest = rest[end+1:]
		default:
			return nil, fmt.Errorf("unexpected %q", rest)
		}
	}
	return segs, nil
}

// check validates val against sch at the current path.
func (v *validator) check(sch *Schema, val any) {
	if len(v.ignore) > 0 && v.ignored() {
		return
	}
	parts, ok := v.expand(nil, sch, val)
	if !ok {
		return
	}
	v.checkParts(parts, val)
}

// expand appends to parts the schemas that apply to val through sch: sch
// itself after $refs, its allOf members, and the schema its discriminator
// selects. ok is false when a $ref does not resolve (which is reported).
func (v *validator) expand(parts []*Schema, sch *Schema, val any) (_ []*Schema, ok bool) {
	r, bad := v.spec.resolve(sch)
	if r == nil {
		v.report("%s: $ref %q does not name a schema of components.schemas", sch.Name, bad)
		return parts, false
	}
	if slices.Contains(parts, r) {
		return parts, true
	}
	parts = append(parts, r)
	for _, a := range r.AllOf {
		if parts, ok = v.expand(parts, a, val); !ok {
			return parts, false
		}
	}
	if ref, _, found := v.discriminated(r, val); ref != "" {
		return v.expand(parts, &Schema{Name: r.Name + ".discriminator", Ref: ref}, val)
	} else if found {
		d := r.Discriminator
		v.push(seg{key: d.PropertyName, idx: -1})
		if !v.ignored() {
			vals := make([]string, 0, len(d.Mapping))
			for k := range d.Mapping {
				vals = append(vals, k)
			}
			slices.Sort(vals)
			tv, _ := val.(object).get(d.PropertyName)
			v.report("%v selects no schema of the discriminator of %s (want %s)", jsonText(tv), r.Name, list(vals))
		}
		v.pop()
	}
	return parts, true
}

// discriminated returns the $ref that the discriminator of sch selects for
// val. found is true when val is an object with the discriminator's
// property, whether or not its value selects a schema.
func (v *validator) discriminated(sch *Schema, val any) (ref string, value string, found bool) {
	d := sch.Discriminator
	obj, isObj := val.(object)
	if d == nil || !isObj {
		return "", "", false
	}
	tv, ok := obj.get(d.PropertyName)
	if !ok {
		return "", "", false
	}
	str, _ := tv.(string)
	if ref, ok := d.Mapping[str]; ok && str != "" {
		return ref, str, true
	}
	if _, ok := v.spec.schemas[str]; ok && str != "" {
		return SchemaRefPrefix + str, str, true // the implicit mapping
	}
	return "", str, true
}

// checkParts validates val against all of parts.
func (v *validator) checkParts(parts []*Schema, val any) {
	for _, p := range parts {
		if v.tryAlternatives(parts, p, val) {
			return
		}
	}
	if val == nil {
		want := ""
		for _, p := range parts {
			if p.Nullable {
				return
			}
			if want == "" {
				want = p.Type
			}
		}
		if want != "" {
			v.report("null is not allowed here, want %s", want)
		}
		return
	}
	for _, p := range parts {
		if p.Type != "" && !v.checkType(p.Type, val) {
			return
		}
	}
	switch x := val.(type) {
	case string:
		for _, p := range parts {
			v.checkString(p, x)
		}
	case json.Number:
		for _, p := range parts {
			v.checkNumber(p, x)
		}
	case object:
		v.checkObject(parts, x)
	case []any:
		v.checkArray(parts, x)
	}
}

// tryAlternatives handles the oneOf or anyOf of p, one of parts: it checks
// val against parts plus each alternative in turn and keeps the best. It
// returns false when p has no alternatives to try.
func (v *validator) tryAlternatives(parts []*Schema, p *Schema, val any) bool {
	alts, kind := p.OneOf, "oneOf"
	if len(alts) == 0 {
		alts, kind = p.AnyOf, "anyOf"
	}
	if len(alts) == 0 || slices.Contains(v.noAlts, p) {
		return false
	}
	if ref, _, _ := v.discriminated(p, val); ref != "" {
		return false // expand added the selected schema
	}
	var best []Issue
	matches := 0
	for _, alt := range alts {
		sub := &validator{spec: v.spec, opts: v.opts, ignore: v.ignore, path: v.path,
			noAlts: append(slices.Clone(v.noAlts), p)}
		if cand, ok := sub.expand(slices.Clone(parts), alt, val); ok {
			sub.checkParts(cand, val)
		}
		if len(sub.issues) == 0 {
			matches++
		} else if best == nil || len(sub.issues) < len(best) {
			best = sub.issues
		}
	}
	switch {
	case matches == 0:
		v.report("matches none of the %d %s alternatives of %s; the closest one has these issues:", len(alts), kind, p.Name)
		v.issues = append(v.issues, best...)
	case matches > 1 && kind == "oneOf" && v.opts.Required:
		// Without required checks, alternatives that differ only in
		// what they require cannot be told apart: not an issue then.
		v.report("matches %d of the oneOf alternatives of %s, want exactly one", matches, p.Name)
	}
	return true
}

// jsonType names the JSON type of a decoded value.
func jsonType(val any) string {
	switch val.(type) {
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case object:
		return "object"
	case []any:
		return "array"
	}
	return "null"
}

// jsonText shows a scalar value in a problem.
func jsonText(val any) string {
	switch x := val.(type) {
	case string:
		if utf8.RuneCountInString(x) > 60 {
			x = string([]rune(x)[:57]) + "..."
		}
		return strconv.Quote(x)
	case json.Number:
		if len(x) > 60 {
			return string(x[:57]) + "..."
		}
		return string(x)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return "null"
	}
	return "an " + jsonType(val)
}

func (v *validator) checkType(want string, val any) bool {
	got := jsonType(val)
	if want == "integer" && got == "number" {
		n := string(val.(json.Number))
		if strings.ContainsAny(n, ".eE") {
			v.report("want integer, got %s (an integer has no fraction or exponent)", jsonText(val))
			return false
		}
		return true
	}
	if got == want {
		return true
	}
	if got == "string" || got == "number" || got == "boolean" {
		v.report("want %s, got %s %s", want, got, jsonText(val))
	} else {
		v.report("want %s, got %s", want, got)
	}
	return false
}

func (v *validator) checkString(p *Schema, s string) {
	if len(p.Enum) > 0 && p.Type != "integer" && p.Type != "number" && !slices.Contains(p.Enum, s) {
		v.report("%s is not one of %s", jsonText(s), list(p.Enum))
	}
	if p.MaxLength != nil || p.MinLength != nil {
		n := utf8.RuneCountInString(s)
		if p.MaxLength != nil && n > *p.MaxLength {
			v.report("%d characters, want at most %d (maxLength)", n, *p.MaxLength)
		}
		if p.MinLength != nil && n < *p.MinLength {
			v.report("%d characters, want at least %d (minLength)", n, *p.MinLength)
		}
	}
	switch p.Format {
	case "date-time":
		if !isDateTime(s) {
			v.report("%s is not an RFC 3339 date-time (like 2025-03-18T16:41:55.067Z)", jsonText(s))
		}
	case "date":
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			v.report("%s is not a date (YYYY-MM-DD)", jsonText(s))
		}
	case "uuid":
		if !isUUID(s) {
			v.report("%s is not a UUID", jsonText(s))
		}
	}
}

// isDateTime reports whether s is an RFC 3339 date-time: the layout
// 2006-01-02T15:04:05[.fraction](Z|±07:00), with valid fields.
func isDateTime(s string) bool {
	const l = "0000-00-00T00:00:00"
	if len(s) < len(l)+1 {
		return false
	}
	for i := 0; i < len(l); i++ {
		if l[i] == '0' {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		} else if s[i] != l[i] {
			return false
		}
	}
	rest := s[len(l):]
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 {
			return false
		}
		rest = rest[n:]
	}
	switch {
	case rest == "Z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
		isDigits(rest[1:3]) && isDigits(rest[4:6]):
	default:
		return false
	}
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// list shows enum values in a problem, abbreviated when there are many.
func list(vals []string) string {
	const show = 12
	if len(vals) <= show {
		return "[" + strings.Join(vals, " ") + "]"
	}
	return fmt.Sprintf("[%s … and %d more]", strings.Join(vals[:show], " "), len(vals)-show)
}

func (v *validator) checkNumber(p *Schema, n json.Number) {
	num, ok := parseDecimal(string(n))
	if !ok {
		return // json.Decoder only returns valid numbers
	}
	if len(p.Enum) > 0 && (p.Type == "integer" || p.Type == "number") {
		in := false
		for _, e := range p.Enum {
			if d, ok := parseDecimal(e); ok && cmpDecimal(num, d) == 0 {
				in = true
				break
			}
		}
		if !in {
			v.report("%s is not one of %s", jsonText(n), list(p.Enum))
		}
	}
	if p.Type == "integer" {
		bits := 0
		switch p.Format {
		case "int32":
			bits = 32
		case "int64":
			bits = 64
		}
		if bits > 0 {
			if _, err := strconv.ParseInt(string(n), 10, bits); err != nil {
				v.report("%s does not fit format %s", jsonText(n), p.Format)
			}
		}
	}
	if p.MinimumText != "" {
		if m, ok := parseDecimal(p.MinimumText); ok {
			c := cmpDecimal(num, m)
			if c < 0 || c == 0 && p.ExclusiveMinimum {
				rel := "at least"
				if p.ExclusiveMinimum {
					rel = "more than"
				}
				v.report("%s is below the minimum: want %s %s", jsonText(n), rel, p.MinimumText)
			}
		}
	}
	if p.MaximumText != "" {
		if m, ok := parseDecimal(p.MaximumText); ok {
			c := cmpDecimal(num, m)
			if c > 0 || c == 0 && p.ExclusiveMaximum {
				rel := "at most"
				if p.ExclusiveMaximum {
					rel = "less than"
				}
				v.report("%s is above the maximum: want %s %s", jsonText(n), rel, p.MaximumText)
			}
		}
	}
}

func (v *validator) checkObject(parts []*Schema, obj object) {
	var addl *Schema
	declared, closed := false, false
	for _, p := range parts {
		if len(p.Properties) > 0 {
			declared = true
		}
		if addl == nil {
			addl = p.AdditionalProperties
		}
		closed = closed || p.closed
	}
	freeForm := !declared && addl == nil && !closed
	var seen map[string]bool
	if len(obj) > 16 {
		seen = make(map[string]bool, len(obj))
	}
	for i, m := range obj {
		v.push(seg{key: m.key, idx: -1})
		if len(v.ignore) > 0 && v.ignored() {
			v.pop()
			continue
		}
		if dup := seen[m.key] || seen == nil && slices.ContainsFunc(obj[:i], func(o member) bool { return o.key == m.key }); dup {
			v.report("duplicate field %q", m.key)
		}
		if seen != nil {
			seen[m.key] = true
		}
		var checked []*Schema
		for _, p := range parts {
			if ps := p.Properties[m.key]; ps != nil && !slices.Contains(checked, ps) {
				checked = append(checked, ps)
				v.check(ps, m.val)
			}
		}
		matched := len(checked) > 0
		switch {
		case matched || freeForm:
		case addl != nil:
			v.check(addl, m.val)
		case slices.ContainsFunc(parts, func(p *Schema) bool { return slices.Contains(p.Required, m.key) }):
			// Named by required but not described: any value.
		default:
			hint := ""
			if v.unknown++; v.unknown <= maxSuggestions {
				hint = suggest(m.key, parts)
			}
			v.report("unknown field %q: not a property of %s%s", m.key, schemaNames(parts), hint)
		}
		v.pop()
	}
	if !v.opts.Required {
		return
	}
	var reported []string
	for _, p := range parts {
		for _, r := range p.Required {
			if _, ok := obj.get(r); ok || slices.Contains(reported, r) {
				continue
			}
			reported = append(reported, r)
			v.push(seg{key: r, idx: -1})
			if len(v.ignore) == 0 || !v.ignored() {
				v.report("required field is missing (required by %s)", p.Name)
			}
			v.pop()
		}
	}
}

// schemaNames names the schemas that declare properties among parts.
func schemaNames(parts []*Schema) string {
	var names []string
	for _, p := range parts {
		if len(p.Properties) > 0 {
			names = append(names, p.Name)
		}
	}
	if len(names) == 0 {
		return parts[0].Name
	}
	return strings.Join(names, " + ")
}

// suggest proposes the property closest to an unknown field name.
func suggest(key string, parts []*Schema) string {
	maxD := 2
	if len(key) <= 4 {
		maxD = 1
	}
	best, bestD := "", maxD+1
	for _, p := range parts {
		for name := range p.Properties {
			if d := distance(key, name, bestD+1); d < bestD || d == bestD && name < best {
				best, bestD = name, d
			}
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// distance returns the Levenshtein distance between a and b, or limit when
// it is at least limit.
func distance(a, b string, limit int) int {
	if len(a)-len(b) >= limit || len(b)-len(a) >= limit {
		return limit
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			low = min(low, cur[j])
		}
		if low >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit)
}

func (v *validator) checkArray(parts []*Schema, arr []any) {
	for _, p := range parts {
		if p.MinItems != nil && len(arr) < *p.MinItems {
			v.report("%d items, want at least %d (minItems)", len(arr), *p.MinItems)
		}
		if p.MaxItems != nil && len(arr) > *p.MaxItems {
			v.report("%d items, want at most %d (maxItems)", len(arr), *p.MaxItems)
		}
	}
	for i, el := range arr {
		v.push(seg{idx: i})
		for _, p := range parts {
			if p.Items != nil {
				v.check(p.Items, el)
			}
		}
		v.pop()
	}
}

// decimal is an exact decimal number: 0.digits × 10^exp, with neither
// leading nor trailing zeros in digits; zero has no digits.
type decimal struct {
	neg    bool
	digits string
	exp    int64
}

// validNumber reports whether s is a decimal literal: an optional sign,
// digits with an optional fraction, and an optional exponent.
func validNumber(s string) bool {
	_, ok := parseDecimal(s)
	return ok
}

func parseDecimal(s string) (decimal, bool) {
	var d decimal
	if s != "" && (s[0] == '-' || s[0] == '+') {
		d.neg = s[0] == '-'
		s = s[1:]
	}
	mant, expText, hasExp := strings.Cut(strings.ToLower(s), "e")
	intPart, frac, hasFrac := strings.Cut(mant, ".")
	if !isDigits(intPart) || hasFrac && !isDigits(frac) {
		return decimal{}, false
	}
	var exp int64
	if hasExp {
		t := expText
		if t != "" && (t[0] == '-' || t[0] == '+') {
			t = t[1:]
		}
		if !isDigits(t) {
			return decimal{}, false
		}
		for i := 0; i < len(t); i++ {
			if exp < 1e15 {
				exp = exp*10 + int64(t[i]-'0')
			}
		}
		if expText[0] == '-' {
			exp = -exp
		}
	}
	digits := intPart + frac
	exp += int64(len(intPart))
	for digits != "" && digits[0] == '0' {
		digits = digits[1:]
		exp--
	}
	digits = strings.TrimRight(digits, "0")
	if digits == "" {
		return decimal{}, true
	}
	d.digits, d.exp = digits, exp
	return d, true
}

// cmpDecimal compares a and b: -1, 0 or +1.
func cmpDecimal(a, b decimal) int {
	sign := func(d decimal) int {
		switch {
		case d.digits == "":
			return 0
		case d.neg:
			return -1
		}
		return 1
	}
	sa, sb := sign(a), sign(b)
	if sa != sb || sa == 0 {
		return cmpInt(sa, sb)
	}
	m := cmpInt(int(min(max(a.exp-b.exp, -1), 1)), 0)
	if m == 0 {
		m = strings.Compare(a.digits, b.digits)
	}
	return m * sa
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
