package adapter

import (
	_ "embed"
	"sync"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// Schema is the adapter's GraphQL schema in SDL, as shipped in schema.graphql:
// design.md section 4 with the optional holds, plus an optional currency
// argument on Query.account.
//
//go:embed schema.graphql
var Schema string

var parsedSchema = sync.OnceValue(func() *ast.Schema {
	return gqlparser.MustLoadSchema(&ast.Source{Name: "schema.graphql", Input: Schema})
})

// ParsedSchema returns Schema loaded with gqlparser, built-in types and
// introspection types included. It is parsed once and shared: callers must
// not modify it. It never fails (it panics at first use if the embedded
// schema does not load, which the package's tests rule out).
func ParsedSchema() *ast.Schema { return parsedSchema() }
