package adapter

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Introspection (__schema, __type) is answered from ParsedSchema. The
// sources of the introspection types are:
//
//	__Schema      introSchema
//	__Type        *introType
//	__Field       *ast.FieldDefinition
//	__InputValue  *ast.ArgumentDefinition (input object fields are converted)
//	__EnumValue   *ast.EnumValueDefinition
//	__Directive   *ast.DirectiveDefinition
type introSchema struct{}

// introType is a named type (def) or a wrapper (kind LIST or NON_NULL of of).
type introType struct {
	def  *ast.Definition
	kind string
	of   *ast.Type
}

func (e *executor) typeRef(t *ast.Type) any {
	if t == nil {
		return nil
	}
	if t.NonNull {
		inner := *t
		inner.NonNull = false
		return &introType{kind: "NON_NULL", of: &inner}
	}
	if t.Elem != nil {
		return &introType{kind: "LIST", of: t.Elem}
	}
	return e.named(t.NamedType)
}

func (e *executor) named(name string) any {
	def := e.schema.Types[name]
	if def == nil {
		return nil
	}
	return &introType{def: def, kind: string(def.Kind)}
}

func (e *executor) typeByName(args map[string]any) (any, error) {
	name, err := stringArg(args, "name")
	if err != nil {
		return nil, err
	}
	return e.named(name), nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func deprecation(dirs ast.DirectiveList) (bool, any) {
	d := dirs.ForName("deprecated")
	if d == nil {
		return false, nil
	}
	if a := d.Arguments.ForName("reason"); a != nil && a.Value != nil && a.Value.Kind == ast.StringValue {
		return true, a.Value.Raw
	}
	return true, "No longer supported"
}

func (e *executor) introspect(src any, name string, args map[string]any) (any, error) {
	switch s := src.(type) {
	case introSchema:
		return e.introSchemaField(name)
	case *introType:
		return e.introTypeField(s, name, args)
	case *ast.FieldDefinition:
		dep, reason := deprecation(s.Directives)
		switch name {
		case "name":
			return s.Name, nil
		case "description":
			return nullable(s.Description), nil
		case "args":
			return inputValues(s.Arguments, boolArg(args, "includeDeprecated")), nil
		case "type":
			return e.typeRef(s.Type), nil
		case "isDeprecated":
			return dep, nil
		case "deprecationReason":
			return reason, nil
		}
	case *ast.ArgumentDefinition:
		dep, reason := deprecation(s.Directives)
		switch name {
		case "name":
			return s.Name, nil
		case "description":
			return nullable(s.Description), nil
		case "type":
			return e.typeRef(s.Type), nil
		case "defaultValue":
			if s.DefaultValue == nil {
				return nil, nil
			}
			return s.DefaultValue.String(), nil
		case "isDeprecated":
			return dep, nil
		case "deprecationReason":
			return reason, nil
		}
	case *ast.EnumValueDefinition:
		dep, reason := deprecation(s.Directives)
		switch name {
		case "name":
			return s.Name, nil
		case "description":
			return nullable(s.Description), nil
		case "isDeprecated":
			return dep, nil
		case "deprecationReason":
			return reason, nil
		}
	case *ast.DirectiveDefinition:
		switch name {
		case "name":
			return s.Name, nil
		case "description":
			return nullable(s.Description), nil
		case "isRepeatable":
			return s.IsRepeatable, nil
		case "locations":
			locs := make([]any, len(s.Locations))
			for i, l := range s.Locations {
				locs[i] = string(l)
			}
			return locs, nil
		case "args":
			return inputValues(s.Arguments, boolArg(args, "includeDeprecated")), nil
		}
	}
	return nil, fmt.Errorf("no introspection resolver for %T.%s", src, name)
}

func (e *executor) introSchemaField(name string) (any, error) {
	switch name {
	case "description":
		return nullable(e.schema.Description), nil
	case "types":
		names := make([]string, 0, len(e.schema.Types))
		for n := range e.schema.Types {
			names = append(names, n)
		}
		sort.Strings(names)
		types := make([]any, len(names))
		for i, n := range names {
			types[i] = e.named(n)
		}
		return types, nil
	case "queryType":
		return e.defRef(e.schema.Query), nil
	case "mutationType":
		return e.defRef(e.schema.Mutation), nil
	case "subscriptionType":
		return e.defRef(e.schema.Subscription), nil
	case "directives":
		names := make([]string, 0, len(e.schema.Directives))
		for n := range e.schema.Directives {
			names = append(names, n)
		}
		sort.Strings(names)
		dirs := make([]any, len(names))
		for i, n := range names {
			dirs[i] = e.schema.Directives[n]
		}
		return dirs, nil
	}
	return nil, fmt.Errorf("no introspection resolver for __Schema.%s", name)
}

func (e *executor) defRef(def *ast.Definition) any {
	if def == nil {
		return nil
	}
	return e.named(def.Name)
}

func (e *executor) introTypeField(t *introType, name string, args map[string]any) (any, error) {
	def := t.def
	switch name {
	case "kind":
		return t.kind, nil
	case "ofType":
		if def != nil {
			return nil, nil
		}
		return e.typeRef(t.of), nil
	}
	if def == nil { // a wrapper has nothing else
		return nil, nil
	}
	includeDeprecated := boolArg(args, "includeDeprecated")
	switch name {
	case "name":
		return def.Name, nil
	case "description":
		return nullable(def.Description), nil
	case "specifiedByURL":
		if d := def.Directives.ForName("specifiedBy"); d != nil {
			if a := d.Arguments.ForName("url"); a != nil && a.Value != nil {
				return a.Value.Raw, nil
			}
		}
		return nil, nil
	case "fields":
		if def.Kind != ast.Object && def.Kind != ast.Interface {
			return nil, nil
		}
		var out []any
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue // __schema and __type are implicit
			}
			if dep, _ := deprecation(f.Directives); dep && !includeDeprecated {
				continue
			}
			out = append(out, f)
		}
		return emptyList(out), nil
	case "interfaces":
		if def.Kind != ast.Object && def.Kind != ast.Interface {
			return nil, nil
		}
		out := []any{}
		for _, n := range def.Interfaces {
			if r := e.named(n); r != nil {
				out = append(out, r)
			}
		}
		return out, nil
	case "possibleTypes":
		if !def.IsAbstractType() {
			return nil, nil
		}
		out := []any{}
		for _, p := range e.schema.GetPossibleTypes(def) {
			out = append(out, e.named(p.Name))
		}
		return out, nil
	case "enumValues":
		if def.Kind != ast.Enum {
			return nil, nil
		}
		out := []any{}
		for _, v := range def.EnumValues {
			if dep, _ := deprecation(v.Directives); dep && !includeDeprecated {
				continue
			}
			out = append(out, v)
		}
		return out, nil
	case "inputFields":
		if def.Kind != ast.InputObject {
			return nil, nil
		}
		args := make(ast.ArgumentDefinitionList, len(def.Fields))
		for i, f := range def.Fields {
			args[i] = &ast.ArgumentDefinition{Name: f.Name, Description: f.Description,
				DefaultValue: f.DefaultValue, Type: f.Type, Directives: f.Directives}
		}
		return inputValues(args, includeDeprecated), nil
	case "isOneOf":
		if def.Kind != ast.InputObject {
			return nil, nil
		}
		return def.Directives.ForName("oneOf") != nil, nil
	}
	return nil, fmt.Errorf("no introspection resolver for __Type.%s", name)
}

func inputValues(defs ast.ArgumentDefinitionList, includeDeprecated bool) []any {
	out := []any{}
	for _, a := range defs {
		if dep, _ := deprecation(a.Directives); dep && !includeDeprecated {
			continue
		}
		out = append(out, a)
	}
	return out
}

func emptyList(l []any) []any {
	if l == nil {
		return []any{}
	}
	return l
}
