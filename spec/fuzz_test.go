package spec

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// FuzzValidate checks that Validate never panics on arbitrary input and
// that its answers are consistent. Seeds: the golden documents, and
// testdata/fuzz/FuzzValidate.
func FuzzValidate(f *testing.F) {
	s := mustLoad(f)
	for _, g := range goldenDocs(f) {
		f.Add(g.doc)
	}
	schemas := []string{"transaction_model", "jit_program_response", "funding_source_model", "cardholder_balance"}
	f.Fuzz(func(t *testing.T, doc []byte) {
		valid := json.Valid(doc)
		for _, schema := range schemas {
			off := s.Validate(schema, doc, Options{})
			on := s.Validate(schema, doc, Options{Required: true})
			if again := s.Validate(schema, doc, Options{}); !reflect.DeepEqual(off, again) {
				t.Fatalf("%s: two runs differ:\n%v\n%v", schema, off, again)
			}
			invalid := false
			for _, is := range on {
				if is.Problem == "" {
					t.Fatalf("%s: issue without a problem at %s", schema, is.Path)
				}
				if _, err := parsePath(is.Path); err != nil {
					t.Fatalf("%s: issue path %q does not parse: %v", schema, is.Path, err)
				}
				if strings.HasPrefix(is.Problem, "invalid JSON") {
					invalid = true
					if strings.Contains(is.Problem, "nested deeper") {
						valid = false // json.Valid allows more nesting
					}
				}
			}
			if valid == invalid {
				t.Fatalf("%s: json.Valid = %v but issues %v", schema, valid, on)
			}
			// Checking required fields only adds issues.
			j := 0
			for _, is := range off {
				for j < len(on) && on[j] != is {
					j++
				}
				if j == len(on) {
					t.Fatalf("%s: issue %v without Required is missing with it:\n%v", schema, is, on)
				}
				j++
			}
		}
	})
}
