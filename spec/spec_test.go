package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// sharedPath is the repository's shared copy of the Core API description,
// present in CI but not in a clone of this repository alone.
const sharedPath = "../../shared/marqeta/CoreAPI.yaml"

// TestEmbeddedMatchesShared keeps the embedded CoreAPI.yaml identical to the
// shared one, when there is one to compare with.
func TestEmbeddedMatchesShared(t *testing.T) {
	compareWithShared(t, sharedPath)
	onDisk, err := os.ReadFile("CoreAPI.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(onDisk, coreAPI) {
		t.Error("CoreAPI.yaml on disk differs from the embedded copy")
	}
}

// reporter is the part of testing.TB that compareWithShared uses.
type reporter interface {
	Helper()
	Logf(format string, args ...any)
	Errorf(format string, args ...any)
}

// compareWithShared reports an error when the file at path differs from
// the embedded copy, and only logs when there is no such file.
func compareWithShared(r reporter, path string) {
	r.Helper()
	shared, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		r.Logf("%s is absent: compared nothing; the embedded CoreAPI.yaml (%d bytes) is the description in use", path, len(coreAPI))
	case err != nil:
		r.Errorf("%v", err)
	case !bytes.Equal(coreAPI, shared):
		r.Errorf("spec/CoreAPI.yaml (%d bytes) differs from %s (%d bytes): copy the shared file into spec/", len(coreAPI), path, len(shared))
	default:
		r.Logf("the embedded CoreAPI.yaml is identical to %s", path)
	}
}

// recorder is a reporter that remembers what it was told.
type recorder struct{ logs, errors []string }

func (r *recorder) Helper() {}

func (r *recorder) Logf(format string, args ...any) {
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// TestCompareWithShared checks the comparison itself: a clone without the
// shared files passes with a log line, a stale copy fails.
func TestCompareWithShared(t *testing.T) {
	dir := t.TempDir()
	var absent recorder
	compareWithShared(&absent, filepath.Join(dir, "missing.yaml"))
	if len(absent.errors) != 0 || len(absent.logs) != 1 || !strings.Contains(absent.logs[0], "compared nothing") {
		t.Errorf("absent file: %+v", absent)
	}
	stale := filepath.Join(dir, "stale.yaml")
	if err := os.WriteFile(stale, append(slices.Clone(coreAPI), '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	var differs recorder
	compareWithShared(&differs, stale)
	if len(differs.errors) != 1 || !strings.Contains(differs.errors[0], "differs from") {
		t.Errorf("stale file: %+v", differs)
	}
	same := filepath.Join(dir, "same.yaml")
	if err := os.WriteFile(same, coreAPI, 0o644); err != nil {
		t.Fatal(err)
	}
	var equal recorder
	compareWithShared(&equal, same)
	if len(equal.errors) != 0 {
		t.Errorf("identical file: %+v", equal)
	}
}

func mustLoad(t testing.TB) *Spec {
	t.Helper()
	s, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}

func mustSchema(t testing.TB, s *Spec, name string) *Schema {
	t.Helper()
	sch, ok := s.Schema(name)
	if !ok {
		t.Fatalf("no schema %q", name)
	}
	return sch
}

func TestLoad(t *testing.T) {
	start := time.Now()
	s, err := Parse(coreAPI)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	t.Logf("parsed %d bytes in %v", len(coreAPI), time.Since(start))
	if l := mustLoad(t); l == s {
		t.Error("Load returned the result of another Parse")
	} else if l2 := mustLoad(t); l2 != l {
		t.Error("Load returned two different specs")
	}

	if v := s.Version(); v != "3.0.19" {
		t.Errorf("Version() = %q, want 3.0.19 (update the counts below with the file)", v)
	}
	names := s.SchemaNames()
	if len(names) != 638 {
		t.Errorf("%d schemas, want 638", len(names))
	}
	if !slices.IsSorted(names) {
		t.Error("SchemaNames is not sorted")
	}

	tm := mustSchema(t, s, "transaction_model")
	if tm.Name != "transaction_model" || tm.Type != "object" {
		t.Errorf("transaction_model: Name %q, Type %q", tm.Name, tm.Type)
	}
	if n := len(tm.Properties); n != 93 {
		t.Errorf("transaction_model has %d properties, want 93", n)
	}
	for _, p := range []string{"token", "gpa_order", "state", "type", "amount", "card_acceptor"} {
		if tm.Properties[p] == nil {
			t.Errorf("transaction_model has no property %q", p)
		}
	}
	if got := tm.Properties["state"].Enum; !slices.Equal(got, []string{"PENDING", "CLEARED", "COMPLETION", "DECLINED", "ERROR"}) {
		t.Errorf("transaction_model.state enum = %q", got)
	}
	if got := tm.Required; !slices.Equal(got, []string{"acting_user_token", "amount", "state", "token", "type"}) {
		t.Errorf("transaction_model required = %q", got)
	}
	tok := tm.Properties["token"]
	if tok.Name != "transaction_model.token" || tok.MaxLength == nil || *tok.MaxLength != 36 || tok.MinLength == nil || *tok.MinLength != 1 || !tok.ReadOnly {
		t.Errorf("transaction_model.token = %+v", tok)
	}
	if got := tm.Properties["gpa_order"].RefName(); got != "gpa_response" {
		t.Errorf("transaction_model.gpa_order refers to %q, want gpa_response", got)
	}
	if got := tm.Properties["transaction_attributes"].AdditionalProperties; got == nil || got.Type != "string" {
		t.Errorf("transaction_model.transaction_attributes.additionalProperties = %+v", got)
	}
	if !strings.HasPrefix(tm.Properties["state"].Description, "Current state of the transaction.\nFor more information") {
		t.Errorf("transaction_model.state description = %q", tm.Properties["state"].Description)
	}

	jf := mustSchema(t, s, "jit_funding_api")
	if n := len(jf.Properties["method"].Enum); n != 50 {
		t.Errorf("jit_funding_api.method has %d enum values, want 50", n)
	}
	if len(jf.Properties) != 15 {
		t.Errorf("jit_funding_api has %d properties, want 15", len(jf.Properties))
	}
	amt := jf.Properties["amount"]
	if amt.Type != "number" || amt.Minimum == nil || *amt.Minimum != 0 || amt.MinimumText != "0" || amt.ExclusiveMinimum {
		t.Errorf("jit_funding_api.amount = %+v", amt)
	}
	if got := jf.Properties["balances"].AdditionalProperties; got == nil || got.RefName() != "cardholder_balance" {
		t.Errorf("jit_funding_api.balances.additionalProperties = %+v", got)
	}
	if it := jf.Properties["incremental_authorization_jit_funding_tokens"]; it.Type != "array" || it.Items == nil || it.Items.Type != "string" {
		t.Errorf("jit_funding_api.incremental_authorization_jit_funding_tokens = %+v", it)
	}
	if got := mustSchema(t, s, "pos").Properties["pin_entry_mode"].Enum; strings.Join(got, ",") != "UNKNOWN,TRUE,FALSE,DEFECTIVE" {
		t.Errorf("pos.pin_entry_mode enum = %q", got)
	}

	fsm := mustSchema(t, s, "funding_source_model")
	if d := fsm.Discriminator; d == nil || d.PropertyName != "type" || len(d.Mapping) != 6 ||
		d.Mapping["programgateway"] != SchemaRefPrefix+"program_gateway_funding_source_model" {
		t.Errorf("funding_source_model.discriminator = %+v", fsm.Discriminator)
	}
	pg := mustSchema(t, s, "program_gateway_funding_source_model")
	if len(pg.AllOf) != 2 || pg.AllOf[0].RefName() != "funding_source_model" || pg.AllOf[1].Properties["name"] == nil ||
		pg.AllOf[1].Name != "program_gateway_funding_source_model.allOf[1]" {
		t.Errorf("program_gateway_funding_source_model.allOf = %+v", pg.AllOf)
	}
	// YAML 1.1 (PyYAML) reads 9.9999999999999E11 as a string; it is a number.
	found := false
	for _, name := range names {
		for _, p := range mustSchema(t, s, name).Properties {
			if p.MaximumText == "9.9999999999999E11" {
				found = true
				if *p.Maximum != 9.9999999999999e11 {
					t.Errorf("%s.Maximum = %v", p.Name, *p.Maximum)
				}
			}
		}
	}
	if !found {
		t.Error("no maximum 9.9999999999999E11 found")
	}

	paths := s.Paths()
	if len(paths) != 268 {
		t.Errorf("%d paths, want 268", len(paths))
	}
	ops := 0
	for _, ms := range paths {
		ops += len(ms)
	}
	if ops != 346 {
		t.Errorf("%d operations, want 346", ops)
	}
	for p, want := range map[string][]string{
		"/gpaorders":              {"POST"},
		"/cards/{token}":          {"GET", "PUT"},
		"/transactions/{token}":   {"GET"},
		"/simulate/authorization": {"POST"},
	} {
		if got := paths[p]; !slices.Equal(got, want) {
			t.Errorf("Paths()[%q] = %q, want %q", p, got, want)
		}
	}
	paths["/gpaorders"][0] = "changed"
	if s.Paths()["/gpaorders"][0] != "POST" {
		t.Error("Paths returned the spec's own slices")
	}
}

// TestRefsResolve checks that every $ref of every schema names a schema.
func TestRefsResolve(t *testing.T) {
	s := mustLoad(t)
	n := 0
	var walk func(*Schema)
	walk = func(sch *Schema) {
		if sch == nil {
			return
		}
		if sch.Ref != "" {
			n++
			if _, bad := s.resolve(sch); bad != "" {
				t.Errorf("%s: $ref %q does not resolve", sch.Name, bad)
			}
		}
		for _, p := range sch.Properties {
			walk(p)
		}
		walk(sch.Items)
		walk(sch.AdditionalProperties)
		for _, l := range [][]*Schema{sch.AllOf, sch.OneOf, sch.AnyOf} {
			for _, a := range l {
				walk(a)
			}
		}
		if d := sch.Discriminator; d != nil {
			for _, ref := range d.Mapping {
				walk(&Schema{Name: sch.Name + ".discriminator", Ref: ref})
			}
		}
	}
	for _, name := range s.SchemaNames() {
		walk(mustSchema(t, s, name))
	}
	if n < 600 {
		t.Errorf("only %d $refs found", n)
	}
}

func TestParseSchemas(t *testing.T) {
	const doc = `openapi: 3.0.3
info:
  version: 1.2.3
paths:
  /things/{token}:
    get:
      summary: Get
    parameters:
      - in: path
    put:
      summary: Put
components:
  schemas:
    thing:
      description: |-
        A thing.

        With two paragraphs.
      properties:
        kind:
          enum: [A, 'B', "C"]
          type: string
        tags:
          additionalProperties:
            type: string
          type: object
        anything:
          additionalProperties: true
        closed:
          additionalProperties: false
          properties: {
            }
        list:
          items:
            $ref: '#/components/schemas/other'
          maxItems: 3
          type: array
        size:
          exclusiveMaximum: true
          maximum: 1.5E2
          minimum: -1
          type: number
      required: [kind, size]
      type: object
    other:
      nullable: true
      oneOf:
        - $ref: '#/components/schemas/thing'
      x-extension: ignored
`
	s, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if s.Version() != "1.2.3" {
		t.Errorf("Version() = %q", s.Version())
	}
	if got := s.Paths(); len(got) != 1 || !slices.Equal(got["/things/{token}"], []string{"GET", "PUT"}) {
		t.Errorf("Paths() = %q", got)
	}
	th := mustSchema(t, s, "thing")
	if th.Description != "A thing.\n\nWith two paragraphs." {
		t.Errorf("description = %q", th.Description)
	}
	if got := th.Properties["kind"].Enum; !slices.Equal(got, []string{"A", "B", "C"}) {
		t.Errorf("kind enum = %q", got)
	}
	if !slices.Equal(th.Required, []string{"kind", "size"}) {
		t.Errorf("required = %q", th.Required)
	}
	if ap := th.Properties["anything"].AdditionalProperties; ap == nil || ap.Type != "" {
		t.Errorf("additionalProperties: true = %+v", ap)
	}
	if c := th.Properties["closed"]; c.AdditionalProperties != nil || !c.closed || len(c.Properties) != 0 {
		t.Errorf("additionalProperties: false = %+v", c)
	}
	if l := th.Properties["list"]; l.Items.RefName() != "other" || *l.MaxItems != 3 || l.Items.Name != "thing.list.items" {
		t.Errorf("list = %+v", l)
	}
	if sz := th.Properties["size"]; *sz.Maximum != 150 || sz.MaximumText != "1.5E2" || !sz.ExclusiveMaximum || *sz.Minimum != -1 {
		t.Errorf("size = %+v", sz)
	}
	if o := mustSchema(t, s, "other"); !o.Nullable || len(o.OneOf) != 1 || o.OneOf[0].RefName() != "thing" {
		t.Errorf("other = %+v", o)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, schema, want string }{
		{"unknown keyword", "x:\n      not:\n        type: string\n", `schema x uses "not"`},
		{"unknown type", "x:\n      type: text\n", `schema x has unknown type "text"`},
		{"not a mapping", "x: 3\n", "schema x is not a mapping"},
		{"bad maxLength", "x:\n      maxLength: -2\n", "x.maxLength is not a non-negative integer"},
		{"bad minimum", "x:\n      minimum: ten\n", "x.minimum is not a number"},
		{"bad bool", "x:\n      nullable: yes\n", "x.nullable is not true or false"},
		{"enum not a list", "x:\n      enum: A\n", "x.enum is not a sequence"},
		{"discriminator", "x:\n      discriminator:\n        mapping: {}\n", "x.discriminator has no propertyName"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte("components:\n  schemas:\n    " + tt.schema))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := Parse([]byte("- a\n")); err == nil {
		t.Error("no error for a document that is not a mapping")
	}
	if _, err := Parse([]byte("a: &x b\n")); err == nil || !strings.HasPrefix(err.Error(), "spec: CoreAPI.yaml:1:") {
		t.Errorf("error = %v, want one naming the line", err)
	}
}

// BenchmarkParse parses the whole embedded file, as Load does once.
func BenchmarkParse(b *testing.B) {
	b.SetBytes(int64(len(coreAPI)))
	for b.Loop() {
		if _, err := Parse(coreAPI); err != nil {
			b.Fatal(err)
		}
	}
}
