package spec

import (
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

//go:embed CoreAPI.yaml
var coreAPI []byte

// SchemaRefPrefix starts every $ref to a schema of components.schemas.
const SchemaRefPrefix = "#/components/schemas/"

// Spec is a parsed Core API description. It is read-only and safe for
// concurrent use.
type Spec struct {
	version string
	schemas map[string]*Schema
	paths   map[string][]string
}

// Schema is one OpenAPI schema object: a named schema of
// components.schemas or a schema nested in one (a property, items,
// additionalProperties, an allOf member, …). Schemas returned by a Spec are
// shared: callers must not modify them.
type Schema struct {
	// Name is the key under components.schemas for a named schema and a
	// dotted location for a nested one: "transaction_model.state",
	// "ACHListResponse.data.items", "cardholder_balance.balances.additionalProperties",
	// "VelocityControlBalance.allOf[1]".
	Name        string
	Type        string // "string", "number", "integer", "boolean", "object", "array" or ""
	Format      string // "date-time", "int32", … or ""
	Description string
	Enum        []string // allowed values in the file's order (numbers as written)
	Properties  map[string]*Schema
	Required    []string
	Items       *Schema // for arrays
	// Ref is the $ref as written ("#/components/schemas/cardholder_balance");
	// RefName returns the schema it names. In OpenAPI 3.0 the other fields
	// of a schema with a $ref are ignored.
	Ref string
	// AdditionalProperties is the schema of the values of properties not
	// named in Properties (a map, like jit_funding_api.balances).
	// additionalProperties: true is an empty Schema (anything goes);
	// additionalProperties: false, like its absence, is nil.
	AdditionalProperties *Schema
	MaxLength, MinLength *int
	MaxItems, MinItems   *int
	// Minimum and Maximum are the bounds of numbers; MinimumText and
	// MaximumText are the literals of the file, which Validate compares
	// exactly.
	Minimum, Maximum                   *float64
	MinimumText, MaximumText           string
	ExclusiveMinimum, ExclusiveMaximum bool
	Pattern                            string // ECMA-262 pattern; Validate does not check it
	Nullable, ReadOnly, WriteOnly      bool
	Deprecated, UniqueItems            bool
	AllOf, OneOf, AnyOf                []*Schema
	Discriminator                      *Discriminator

	closed bool // additionalProperties: false
}

// Discriminator selects, by the value of one property, the schema that
// applies to an object (OpenAPI's discriminator object).
type Discriminator struct {
	PropertyName string
	Mapping      map[string]string // property value → $ref
}

// RefName returns the name of the components.schemas entry that s.Ref
// names, or "" when s has no $ref or its $ref points elsewhere.
func (s *Schema) RefName() string {
	name, ok := strings.CutPrefix(s.Ref, SchemaRefPrefix)
	if !ok {
		return ""
	}
	return name
}

var loaded struct {
	once sync.Once
	spec *Spec
	err  error
}

// Load returns the embedded Core API description, parsing it on the first
// call (about 20 ms for the 2 MB file); later calls return the same *Spec. The error, the same on every
// call, is non-nil only if the embedded file cannot be parsed (a syntax
// error with its line number, or a schema keyword the package does not
// know), which the package's tests rule out.
func Load() (*Spec, error) {
	loaded.once.Do(func() {
		loaded.spec, loaded.err = Parse(coreAPI)
	})
	return loaded.spec, loaded.err
}

// Parse parses an OpenAPI 3.0 description in YAML, such as another version
// of CoreAPI.yaml. It returns an error naming the line for YAML it cannot
// read (anchors, aliases, tags and complex keys are not supported), for a
// document that is not a mapping, and for a schema that is not a mapping
// or uses an unknown keyword.
func Parse(data []byte) (*Spec, error) {
	root, err := parseYAML("CoreAPI.yaml", data)
	if err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	if root.kind != mapKind {
		return nil, fmt.Errorf("spec: the document is not a mapping")
	}
	s := &Spec{schemas: map[string]*Schema{}, paths: map[string][]string{}}
	if v := root.get("info").get("version"); v != nil && v.kind == scalarKind {
		s.version = v.value
	}
	if n := root.get("components").get("schemas"); n != nil && !n.isNull() {
		if n.kind != mapKind {
			return nil, fmt.Errorf("spec: line %d: components.schemas is not a mapping", n.line)
		}
		for i, name := range n.keys {
			sch, err := buildSchema(n.vals[i], name)
			if err != nil {
				return nil, fmt.Errorf("spec: %w", err)
			}
			s.schemas[name] = sch
		}
	}
	if n := root.get("paths"); n != nil && !n.isNull() {
		if n.kind != mapKind {
			return nil, fmt.Errorf("spec: line %d: paths is not a mapping", n.line)
		}
		for i, path := range n.keys {
			var methods []string
			if item := n.vals[i]; item.kind == mapKind {
				for _, k := range item.keys {
					switch k {
					case "get", "put", "post", "delete", "options", "head", "patch", "trace":
						methods = append(methods, strings.ToUpper(k))
					}
				}
			}
			sort.Strings(methods)
			s.paths[path] = methods
		}
	}
	return s, nil
}

// Version returns info.version of the description ("3.0.19").
func (s *Spec) Version() string { return s.version }

// Schema returns the schema named name under components.schemas; ok is
// false when there is none.
func (s *Spec) Schema(name string) (sch *Schema, ok bool) {
	sch, ok = s.schemas[name]
	return sch, ok
}

// SchemaNames returns the names of components.schemas, sorted.
func (s *Spec) SchemaNames() []string {
	names := make([]string, 0, len(s.schemas))
	for n := range s.schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Paths returns the paths of the description ("/gpaorders",
// "/cards/{token}", … relative to the server URL /v3), each with its
// operations' HTTP methods in upper case, sorted. The map is a copy.
func (s *Spec) Paths() map[string][]string {
	m := make(map[string][]string, len(s.paths))
	for p, ms := range s.paths {
		m[p] = slices.Clone(ms)
	}
	return m
}

// resolve follows $refs from sch to a schema without one. It returns nil
// and the unresolved $ref when one does not name a schema of
// components.schemas (or when $refs form a loop).
func (s *Spec) resolve(sch *Schema) (*Schema, string) {
	for range 64 {
		if sch.Ref == "" {
			return sch, ""
		}
		next, ok := s.schemas[sch.RefName()]
		if !ok {
			return nil, sch.Ref
		}
		sch = next
	}
	return nil, sch.Ref
}

// buildSchema converts a YAML mapping into a Schema.
func buildSchema(n *node, name string) (*Schema, error) {
	if n.kind != mapKind {
		return nil, fmt.Errorf("line %d: schema %s is not a mapping", n.line, name)
	}
	s := &Schema{Name: name}
	for i, key := range n.keys {
		v := n.vals[i]
		var err error
		switch key {
		case "type":
			if s.Type, err = scalar(v, name, key); err == nil {
				switch s.Type {
				case "string", "number", "integer", "boolean", "object", "array":
				default:
					return nil, fmt.Errorf("line %d: schema %s has unknown type %q", v.line, name, s.Type)
				}
			}
		case "format":
			s.Format, err = scalar(v, name, key)
		case "description":
			s.Description, err = scalar(v, name, key)
		case "pattern":
			s.Pattern, err = scalar(v, name, key)
		case "$ref":
			s.Ref, err = scalar(v, name, key)
		case "enum":
			s.Enum, err = scalars(v, name, key)
		case "required":
			s.Required, err = scalars(v, name, key)
		case "properties":
			if v.isNull() {
				break
			}
			if v.kind != mapKind {
				return nil, fmt.Errorf("line %d: %s.properties is not a mapping", v.line, name)
			}
			s.Properties = make(map[string]*Schema, len(v.keys))
			for j, p := range v.keys {
				if s.Properties[p], err = buildSchema(v.vals[j], name+"."+p); err != nil {
					return nil, err
				}
			}
		case "items":
			s.Items, err = buildSchema(v, name+".items")
		case "additionalProperties":
			if v.kind == scalarKind {
				var b bool
				if b, err = boolean(v, name, key); b {
					s.AdditionalProperties = &Schema{Name: name + ".additionalProperties"}
				} else {
					s.closed = true
				}
				break
			}
			s.AdditionalProperties, err = buildSchema(v, name+".additionalProperties")
		case "allOf", "oneOf", "anyOf":
			if v.kind != seqKind {
				return nil, fmt.Errorf("line %d: %s.%s is not a sequence", v.line, name, key)
			}
			list := make([]*Schema, len(v.vals))
			for j, item := range v.vals {
				if list[j], err = buildSchema(item, fmt.Sprintf("%s.%s[%d]", name, key, j)); err != nil {
					return nil, err
				}
			}
			switch key {
			case "allOf":
				s.AllOf = list
			case "oneOf":
				s.OneOf = list
			default:
				s.AnyOf = list
			}
		case "discriminator":
			s.Discriminator, err = discriminator(v, name)
		case "maxLength":
			s.MaxLength, err = integer(v, name, key)
		case "minLength":
			s.MinLength, err = integer(v, name, key)
		case "maxItems":
			s.MaxItems, err = integer(v, name, key)
		case "minItems":
			s.MinItems, err = integer(v, name, key)
		case "minimum":
			s.Minimum, s.MinimumText, err = number(v, name, key)
		case "maximum":
			s.Maximum, s.MaximumText, err = number(v, name, key)
		case "exclusiveMinimum":
			s.ExclusiveMinimum, err = boolean(v, name, key)
		case "exclusiveMaximum":
			s.ExclusiveMaximum, err = boolean(v, name, key)
		case "nullable":
			s.Nullable, err = boolean(v, name, key)
		case "readOnly":
			s.ReadOnly, err = boolean(v, name, key)
		case "writeOnly":
			s.WriteOnly, err = boolean(v, name, key)
		case "deprecated":
			s.Deprecated, err = boolean(v, name, key)
		case "uniqueItems":
			s.UniqueItems, err = boolean(v, name, key)
		case "title", "default", "example", "externalDocs", "xml":
			// Annotations: nothing to check.
		default:
			if !strings.HasPrefix(key, "x-") {
				return nil, fmt.Errorf("line %d: schema %s uses %q, which this package does not support", v.line, name, key)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

func scalar(n *node, name, key string) (string, error) {
	if n.kind != scalarKind {
		return "", fmt.Errorf("line %d: %s.%s is not a scalar", n.line, name, key)
	}
	return n.value, nil
}

func scalars(n *node, name, key string) ([]string, error) {
	if n.kind != seqKind {
		return nil, fmt.Errorf("line %d: %s.%s is not a sequence", n.line, name, key)
	}
	list := make([]string, len(n.vals))
	for i, v := range n.vals {
		if v.kind != scalarKind {
			return nil, fmt.Errorf("line %d: %s.%s[%d] is not a scalar", v.line, name, key, i)
		}
		list[i] = v.value
	}
	return list, nil
}

func boolean(n *node, name, key string) (bool, error) {
	if n.kind == scalarKind && n.style == 0 {
		switch n.value {
		case "true", "True", "TRUE":
			return true, nil
		case "false", "False", "FALSE":
			return false, nil
		}
	}
	return false, fmt.Errorf("line %d: %s.%s is not true or false", n.line, name, key)
}

func integer(n *node, name, key string) (*int, error) {
	if n.kind == scalarKind && n.style == 0 {
		if i, err := strconv.Atoi(n.value); err == nil && i >= 0 {
			return &i, nil
		}
	}
	return nil, fmt.Errorf("line %d: %s.%s is not a non-negative integer", n.line, name, key)
}

func number(n *node, name, key string) (*float64, string, error) {
	if n.kind == scalarKind && n.style == 0 && validNumber(n.value) {
		if f, err := strconv.ParseFloat(n.value, 64); err == nil {
			return &f, n.value, nil
		}
	}
	return nil, "", fmt.Errorf("line %d: %s.%s is not a number", n.line, name, key)
}

func discriminator(n *node, name string) (*Discriminator, error) {
	if n.kind != mapKind {
		return nil, fmt.Errorf("line %d: %s.discriminator is not a mapping", n.line, name)
	}
	d := &Discriminator{}
	for i, key := range n.keys {
		v := n.vals[i]
		switch key {
		case "propertyName":
			if v.kind != scalarKind {
				return nil, fmt.Errorf("line %d: %s.discriminator.propertyName is not a scalar", v.line, name)
			}
			d.PropertyName = v.value
		case "mapping":
			if v.kind != mapKind {
				return nil, fmt.Errorf("line %d: %s.discriminator.mapping is not a mapping", v.line, name)
			}
			d.Mapping = make(map[string]string, len(v.keys))
			for j, k := range v.keys {
				if v.vals[j].kind != scalarKind {
					return nil, fmt.Errorf("line %d: %s.discriminator.mapping.%s is not a scalar", v.vals[j].line, name, k)
				}
				d.Mapping[k] = v.vals[j].value
			}
		default:
			if !strings.HasPrefix(key, "x-") {
				return nil, fmt.Errorf("line %d: %s.discriminator uses %q, which this package does not support", v.line, name, key)
			}
		}
	}
	if d.PropertyName == "" {
		return nil, fmt.Errorf("line %d: %s.discriminator has no propertyName", n.line, name)
	}
	return d, nil
}
