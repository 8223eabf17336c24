package adapter

import (
	"encoding/json"
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Request is one GraphQL request, as it travels in a POST body. Variables
// decoded from JSON should be decoded with json.Decoder.UseNumber.
type Request struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables,omitempty"`
	OperationName string         `json:"operationName,omitempty"`
}

// Response is a GraphQL response. Data is the JSON result of the operation:
// nil (and absent from the JSON) when the request failed before execution
// (a syntax, validation, operation-selection or variable error), the JSON
// literal null when a field error propagated to the root, and an object
// otherwise. Errors lists the request or field errors, in the order they
// occurred.
type Response struct {
	Data   json.RawMessage `json:"data,omitempty"`
	Errors []Error         `json:"errors,omitempty"`
}

// Error is one entry of a GraphQL response's errors list. Extensions["code"]
// holds one of the Code constants (any string, for other gateways).
type Error struct {
	Message    string         `json:"message"`
	Locations  []Location     `json:"locations,omitempty"`
	Path       []any          `json:"path,omitempty"` // field names (string) and list indexes (int)
	Extensions map[string]any `json:"extensions,omitempty"`
}

// Location is a position in the query text; both count from 1.
type Location struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// Error codes, in the errors' extensions.code.
const (
	CodeParseFailed      = "GRAPHQL_PARSE_FAILED"         // the query is not GraphQL
	CodeValidationFailed = "GRAPHQL_VALIDATION_FAILED"    // the query does not fit Schema
	CodeOperation        = "OPERATION_RESOLUTION_FAILURE" // operationName missing or unknown
	CodeBadUserInput     = "BAD_USER_INPUT"               // a bad variable or argument value
	CodeNotFound         = "NOT_FOUND"                    // the ledger said jit.ENOTFOUND
	CodeConflict         = "CONFLICT"                     // the ledger said jit.ECONFLICT
	CodeTooComplex       = "QUERY_TOO_COMPLEX"            // over MaxFields fields
	CodeInternal         = "INTERNAL_SERVER_ERROR"        // anything else; message "internal error"
	CodeBadRequest       = "BAD_REQUEST"                  // HTTP: the body is not a GraphQL request
)

// MaxFields is the most fields one request may resolve (aliases and
// fragments can multiply a short query); past it, data is null and the one
// error has code CodeTooComplex.
const MaxFields = 20_000

// Error returns the message, prefixed with the path when there is one.
func (e Error) Error() string {
	if len(e.Path) == 0 {
		return e.Message
	}
	return fmt.Sprint(e.Path...) + ": " + e.Message
}

// Code returns extensions.code, or "" when there is none.
func (e Error) Code() string {
	c, _ := e.Extensions["code"].(string)
	return c
}

func newError(code, msg string, pos *ast.Position) Error {
	e := Error{Message: msg, Extensions: map[string]any{"code": code}}
	if pos != nil && pos.Line > 0 {
		e.Locations = []Location{{Line: pos.Line, Column: pos.Column}}
	}
	return e
}

// fromGQL converts a gqlparser error (a parse, validation or variable error).
func fromGQL(code string, err *gqlerror.Error) Error {
	e := Error{Message: err.Message, Extensions: map[string]any{"code": code}}
	for _, l := range err.Locations {
		e.Locations = append(e.Locations, Location{Line: l.Line, Column: l.Column})
	}
	if len(err.Path) > 0 {
		e.Message = err.Path.String() + ": " + e.Message
	}
	return e
}
