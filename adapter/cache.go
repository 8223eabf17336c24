package adapter

import (
	"container/list"
	"errors"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// MaxTokens is the most lexical tokens a query may have; a longer one is a
// syntax error. It bounds the work validation does on hostile input.
const MaxTokens = 5_000

// Query documents are cached by query text, since a harness sends the same
// few queries over and over: a validated document is read-only during
// execution, so one can serve concurrent requests.
const (
	cacheEntries  = 256
	cacheMaxQuery = 16 << 10 // longer queries are parsed every time
)

type cachedQuery struct {
	query string
	doc   *ast.QueryDocument
	errs  []Error
}

type queryCache struct {
	mu    sync.Mutex
	order *list.List // of *cachedQuery, most recent first
	byKey map[string]*list.Element
}

var defaultRules = rules.NewDefaultRules()

var cache = queryCache{order: list.New(), byKey: map[string]*list.Element{}}

func (c *queryCache) get(q string) (*cachedQuery, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[q]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cachedQuery), true
}

func (c *queryCache) put(cq *cachedQuery) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[cq.query]; ok {
		c.order.MoveToFront(el)
		return
	}
	c.byKey[cq.query] = c.order.PushFront(cq)
	for c.order.Len() > cacheEntries {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.byKey, last.Value.(*cachedQuery).query)
	}
}

// loadQuery parses and validates query against ParsedSchema, through the
// cache. It returns the document or the errors (a copy the caller may keep).
func loadQuery(query string) (*ast.QueryDocument, []Error) {
	if len(query) <= cacheMaxQuery {
		if cq, ok := cache.get(query); ok {
			return cq.doc, copyErrors(cq.errs)
		}
	}
	doc, errs := parseAndValidate(query)
	if len(query) <= cacheMaxQuery {
		cache.put(&cachedQuery{query: query, doc: doc, errs: errs})
	}
	return doc, copyErrors(errs)
}

func parseAndValidate(query string) (*ast.QueryDocument, []Error) {
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Name: "query", Input: query}, MaxTokens)
	if err != nil {
		var ge *gqlerror.Error
		if !errors.As(err, &ge) {
			ge = gqlerror.Wrap(err)
		}
		return nil, []Error{fromGQL(CodeParseFailed, ge)}
	}
	if len(doc.Operations) == 0 {
		return nil, []Error{newError(CodeParseFailed, "the query has no operation", nil)}
	}
	list := validator.ValidateWithRules(ParsedSchema(), doc, defaultRules)
	if len(list) > 0 {
		errs := make([]Error, len(list))
		for i, ge := range list {
			errs[i] = fromGQL(CodeValidationFailed, ge)
		}
		return nil, errs
	}
	return doc, nil
}

func copyErrors(errs []Error) []Error {
	if errs == nil {
		return nil
	}
	out := make([]Error, len(errs))
	for i, e := range errs {
		out[i] = e
		out[i].Locations = append([]Location(nil), e.Locations...)
		out[i].Extensions = map[string]any{"code": e.Code()}
	}
	return out
}
