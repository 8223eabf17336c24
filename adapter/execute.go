package adapter

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator"
)

// Execute runs one request against l and returns its response; it does not
// fail otherwise. Syntax errors come back with code CodeParseFailed,
// validation errors with CodeValidationFailed, a missing or unknown
// operationName with CodeOperation and bad variables with CodeBadUserInput,
// all without data. Field errors (bad arguments, ledger errors) come back next
// to data, nulled per the GraphQL spec: an unknown account is a null account
// with no error; a failed credit nulls data. Internal errors are reported as
// "internal error" without detail; NewHandler's WithLogger logs them.
func Execute(ctx context.Context, l Ledger, req Request) Response {
	return execute(ctx, l, req, nil)
}

func execute(ctx context.Context, l Ledger, req Request, log *slog.Logger) Response {
	doc, errs := loadQuery(req.Query)
	if errs != nil {
		return Response{Errors: errs}
	}
	op, gerr := selectOperation(doc, req.OperationName)
	if gerr != nil {
		return Response{Errors: []Error{*gerr}}
	}
	schema := ParsedSchema()
	vars, err := validator.VariableValues(schema, op, req.Variables)
	if err != nil {
		ge, ok := err.(*gqlerror.Error)
		if !ok {
			ge = gqlerror.Wrap(err)
		}
		return Response{Errors: []Error{fromGQL(CodeBadUserInput, ge)}}
	}
	var root *ast.Definition
	switch op.Operation {
	case ast.Query:
		root = schema.Query
	case ast.Mutation:
		root = schema.Mutation
	}
	if root == nil { // unreachable after validation (KnownRootType)
		return Response{Errors: []Error{newError(CodeValidationFailed,
			"the schema has no "+string(op.Operation)+" type", op.Position)}}
	}
	e := &executor{ctx: ctx, ledger: l, schema: schema, doc: doc, vars: vars, log: log, budget: MaxFields}
	data, ok := e.selectionSet(root, nil, op.SelectionSet)
	resp := Response{Errors: e.errs}
	if ok {
		resp.Data = appendValue(nil, data)
	} else {
		resp.Data = json.RawMessage("null")
	}
	return resp
}

func selectOperation(doc *ast.QueryDocument, name string) (*ast.OperationDefinition, *Error) {
	if name != "" {
		if op := doc.Operations.ForName(name); op != nil {
			return op, nil
		}
		e := newError(CodeOperation, "unknown operation named "+strconv.Quote(name), nil)
		return nil, &e
	}
	if len(doc.Operations) == 1 {
		return doc.Operations[0], nil
	}
	e := newError(CodeOperation, "must provide operationName when the query contains several operations", nil)
	return nil, &e
}

// executor runs one operation of a validated document. Values it builds are
// *object, []any, string, bool, int and nil; appendValue encodes them.
type executor struct {
	ctx     context.Context
	ledger  Ledger
	schema  *ast.Schema
	doc     *ast.QueryDocument
	vars    map[string]any
	log     *slog.Logger
	errs    []Error
	path    []pathElem // the response path of the value being resolved
	budget  int        // fields left before CodeTooComplex
	aborted bool       // budget exhausted: every selection set resolves to a propagated null
}

// object is a JSON object that keeps its keys in selection order.
type object struct {
	keys []string
	vals []any
}

// pathElem is one step of the response path: a field's response key, or a
// list index when key is "".
type pathElem struct {
	key   string
	index int
}

// pathSlice returns the current response path, as the errors' path.
func (e *executor) pathSlice() []any {
	s := make([]any, len(e.path))
	for i, p := range e.path {
		if p.key != "" {
			s[i] = p.key
		} else {
			s[i] = p.index
		}
	}
	return s
}

type fieldGroup struct {
	key    string
	fields []*ast.Field
}

// selectionSet executes set on src, a value of the object type def. ok is
// false when a non-null field came back null, so the null propagates to the
// parent.
func (e *executor) selectionSet(def *ast.Definition, src any, set ast.SelectionSet) (*object, bool) {
	var visited map[string]bool
	groups := e.collectFields(def.Name, set, &visited, nil)
	out := &object{keys: make([]string, 0, len(groups)), vals: make([]any, 0, len(groups))}
	for _, g := range groups {
		if e.aborted {
			return nil, false
		}
		e.budget--
		if e.budget < 0 {
			e.aborted = true
			e.errs = append(e.errs, newError(CodeTooComplex,
				fmt.Sprintf("query too complex: more than %d fields", MaxFields), g.fields[0].Position))
			return nil, false
		}
		e.path = append(e.path, pathElem{key: g.key})
		v, ok := e.field(def, src, g)
		e.path = e.path[:len(e.path)-1]
		if !ok {
			return nil, false
		}
		out.keys = append(out.keys, g.key)
		out.vals = append(out.vals, v)
	}
	return out, true
}

// field resolves and completes one response key.
func (e *executor) field(def *ast.Definition, src any, g fieldGroup) (any, bool) {
	f := g.fields[0]
	if f.Name == "__typename" {
		return def.Name, true
	}
	fd := def.Fields.ForName(f.Name)
	if fd == nil { // unreachable after validation (FieldsOnCorrectType)
		e.fieldError(fmt.Errorf("no field %s.%s", def.Name, f.Name), f)
		return nil, false
	}
	args, err := e.arguments(fd.Arguments, f.Arguments)
	var v any
	if err == nil {
		v, err = e.resolve(def.Name, src, f.Name, args)
	}
	if err != nil {
		e.fieldError(err, f)
		return nil, !fd.Type.NonNull
	}
	return e.complete(fd.Type, g.fields, v)
}

// complete turns a resolved value into its result for type t: it checks
// nulls, walks lists and runs sub-selections.
func (e *executor) complete(t *ast.Type, fields []*ast.Field, v any) (any, bool) {
	if v == nil {
		if t.NonNull {
			e.fieldError(fmt.Errorf("null for non-null %s", t), fields[0])
			return nil, false
		}
		return nil, true
	}
	if t.Elem != nil {
		items, ok := v.([]any)
		if !ok {
			e.fieldError(fmt.Errorf("%T for list %s", v, t), fields[0])
			return nil, !t.NonNull
		}
		out := make([]any, len(items))
		for i, item := range items {
			e.path = append(e.path, pathElem{index: i})
			c, ok := e.complete(t.Elem, fields, item)
			e.path = e.path[:len(e.path)-1]
			if !ok {
				return nil, !t.NonNull
			}
			out[i] = c
		}
		return out, true
	}
	def := e.schema.Types[t.NamedType]
	switch {
	case def == nil:
	case def.Kind == ast.Object:
		var set ast.SelectionSet
		for _, f := range fields {
			set = append(set, f.SelectionSet...)
		}
		o, ok := e.selectionSet(def, v, set)
		if !ok {
			return nil, !t.NonNull
		}
		return o, true
	case def.Kind == ast.Enum:
		if s, ok := v.(string); ok && def.EnumValues.ForName(s) != nil {
			return s, true
		}
	case def.Kind == ast.Scalar:
		switch v.(type) {
		case string, bool, int:
			return v, true
		}
	}
	e.fieldError(fmt.Errorf("cannot serialize %T %v as %s", v, v, t), fields[0])
	return nil, !t.NonNull
}

// fieldError records a field error at the current path.
func (e *executor) fieldError(err error, f *ast.Field) {
	code, msg := codeOf(err)
	if code == CodeInternal && e.log != nil {
		e.log.ErrorContext(e.ctx, "graphql adapter: internal error",
			"path", fmt.Sprint(e.pathSlice()...), "err", err)
	}
	ge := newError(code, msg, f.Position)
	ge.Path = e.pathSlice()
	e.errs = append(e.errs, ge)
}

// collectFields groups the fields of set that apply to the object type
// typeName by response key, in order, following fragments and @skip/@include.
// visited holds the fragments already spread; it is made on first use.
func (e *executor) collectFields(typeName string, set ast.SelectionSet, visited *map[string]bool, groups []fieldGroup) []fieldGroup {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if !e.included(s.Directives) {
				continue
			}
			key := s.Alias
			if key == "" {
				key = s.Name
			}
			found := false
			for i := range groups {
				if groups[i].key == key {
					groups[i].fields = append(groups[i].fields, s)
					found = true
					break
				}
			}
			if !found {
				groups = append(groups, fieldGroup{key: key, fields: []*ast.Field{s}})
			}
		case *ast.FragmentSpread:
			if (*visited)[s.Name] || !e.included(s.Directives) {
				continue
			}
			if *visited == nil {
				*visited = map[string]bool{}
			}
			(*visited)[s.Name] = true
			frag := e.doc.Fragments.ForName(s.Name)
			if frag == nil || !e.applies(frag.TypeCondition, typeName) {
				continue
			}
			groups = e.collectFields(typeName, frag.SelectionSet, visited, groups)
		case *ast.InlineFragment:
			if !e.included(s.Directives) || !e.applies(s.TypeCondition, typeName) {
				continue
			}
			groups = e.collectFields(typeName, s.SelectionSet, visited, groups)
		}
	}
	return groups
}

// included evaluates @skip and @include. @defer is accepted and ignored:
// deferred fragments come back in the one response.
func (e *executor) included(dirs ast.DirectiveList) bool {
	for _, d := range dirs {
		if d.Name != "skip" && d.Name != "include" {
			continue
		}
		arg := d.Arguments.ForName("if")
		if arg == nil {
			continue
		}
		v, _ := e.value(arg.Value)
		b, ok := v.(bool)
		if !ok {
			continue
		}
		if b == (d.Name == "skip") {
			return false
		}
	}
	return true
}

// applies reports whether a fragment's type condition matches typeName.
func (e *executor) applies(cond, typeName string) bool {
	if cond == "" || cond == typeName {
		return true
	}
	def := e.schema.Types[cond]
	if def == nil || !def.IsAbstractType() {
		return false
	}
	for _, t := range e.schema.GetPossibleTypes(def) {
		if t.Name == typeName {
			return true
		}
	}
	return false
}
