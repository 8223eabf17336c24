package jit

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// specPath is Marqeta's Core API description, relative to this package: the
// copy embedded by package spec, which is part of the repository (and which
// that package's tests keep identical to ../../shared/marqeta/CoreAPI.yaml).
// Package jit imports nothing of jitsim, not even in tests, so it reads the
// file rather than importing package spec.
const specPath = "../spec/CoreAPI.yaml"

// specProp is what the tests need to know of one schema property.
type specProp struct {
	Type      string   // type: of the property ("string", "number", …); "" for a $ref
	Ref       string   // schema named by $ref, or by items/additionalProperties $ref
	ItemsType string   // type: of items, for arrays
	Enum      []string // enum values, in the spec's order
}

var spec struct {
	once    sync.Once
	err     error
	schemas map[string][]string // schema name → the lines of its block
}

// specSchema returns the lines of components.schemas.<name> in CoreAPI.yaml.
//
// The extractor is line-based and relies on the layout of that file, which
// the tests below check stays true: `components:` at column 0, `  schemas:`
// at indent 2, each schema `    name:` at indent 4, its `      properties:`
// at indent 6, each property `        name:` at indent 8, the property's keys
// (type, $ref, enum, items, additionalProperties) at indent 10, enum items
// `- value` and the keys of items/additionalProperties at indent 12.
func specSchema(t testing.TB, name string) []string {
	t.Helper()
	spec.once.Do(func() {
		data, err := os.ReadFile(specPath)
		if err != nil {
			spec.err = err
			return
		}
		spec.schemas = map[string][]string{}
		inComponents, inSchemas := false, false
		var cur string
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimRight(line, "\r")
			if strings.TrimSpace(line) == "" {
				continue
			}
			ind := indent(line)
			switch {
			case ind == 0:
				inComponents = line == "components:"
				inSchemas = false
				cur = ""
				continue
			case !inComponents:
				continue
			case ind == 2:
				inSchemas = line == "  schemas:"
				cur = ""
				continue
			case !inSchemas:
				continue
			case ind == 4:
				cur = unquoteYAML(strings.TrimSuffix(strings.TrimSpace(line), ":"))
				spec.schemas[cur] = nil
				continue
			}
			if cur != "" {
				spec.schemas[cur] = append(spec.schemas[cur], line)
			}
		}
	})
	if spec.err != nil {
		t.Fatalf("cannot read the Core API spec at %s (it is part of the repository, in the spec directory): %v", specPath, spec.err)
	}
	lines, ok := spec.schemas[name]
	if !ok {
		t.Fatalf("schema %q not found under components.schemas in %s (%d schemas found)", name, specPath, len(spec.schemas))
	}
	return lines
}

// specProperties returns the properties of components.schemas.<name>.
func specProperties(t testing.TB, name string) map[string]*specProp {
	t.Helper()
	props := map[string]*specProp{}
	inProps := false
	var p *specProp
	var sub string // key at indent 10 whose block we are in
	for _, line := range specSchema(t, name) {
		ind := indent(line)
		text := strings.TrimSpace(line)
		switch {
		case ind <= 6:
			inProps = ind == 6 && text == "properties:"
			p = nil
		case !inProps:
		case ind == 8:
			key, _, _ := strings.Cut(text, ":")
			p = &specProp{}
			props[unquoteYAML(key)] = p
			sub = ""
		case p == nil:
		case ind == 10:
			key, val, _ := strings.Cut(text, ":")
			sub = key
			val = unquoteYAML(strings.TrimSpace(val))
			switch key {
			case "type":
				p.Type = val
			case "$ref":
				p.Ref = refName(val)
			}
		case ind == 12 && sub == "enum" && strings.HasPrefix(text, "- "):
			p.Enum = append(p.Enum, unquoteYAML(strings.TrimPrefix(text, "- ")))
		case ind == 12 && (sub == "items" || sub == "additionalProperties"):
			key, val, _ := strings.Cut(text, ":")
			val = unquoteYAML(strings.TrimSpace(val))
			switch {
			case key == "$ref":
				p.Ref = refName(val)
			case key == "type" && sub == "items":
				p.ItemsType = val
			}
		}
	}
	return props
}

// specEnum returns the enum of components.schemas.<schema>.properties.<prop>.
func specEnum(t testing.TB, schema, prop string) []string {
	t.Helper()
	p, ok := specProperties(t, schema)[prop]
	if !ok {
		t.Fatalf("%s has no property %q", schema, prop)
	}
	return p.Enum
}

func indent(line string) int { return len(line) - len(strings.TrimLeft(line, " ")) }

func refName(ref string) string { return ref[strings.LastIndexByte(ref, '/')+1:] }

// unquoteYAML strips YAML single or double quotes from a scalar.
func unquoteYAML(s string) string {
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'")
	}
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
	}
	return s
}

// TestSpecExtractor checks the extractor against facts about the file, so
// that a change of layout fails here rather than making other tests vacuous.
func TestSpecExtractor(t *testing.T) {
	specSchema(t, "transaction_model")
	if n := len(spec.schemas); n < 500 {
		t.Errorf("found %d schemas, want several hundred (638 in version 3.0.19)", n)
	}
	jf := specProperties(t, "jit_funding_api")
	want := map[string]specProp{
		"token":                {Type: "string"},
		"amount":               {Type: "number"},
		"balances":             {Type: "object", Ref: "cardholder_balance"},
		"address_verification": {Ref: "jit_address_verification"},
		"incremental_authorization_jit_funding_tokens": {Type: "array", ItemsType: "string"},
	}
	for name, w := range want {
		p, ok := jf[name]
		if !ok {
			t.Errorf("jit_funding_api.%s not found", name)
			continue
		}
		if p.Type != w.Type || p.Ref != w.Ref || p.ItemsType != w.ItemsType {
			t.Errorf("jit_funding_api.%s = %+v, want %+v", name, *p, w)
		}
	}
	if n := len(jf); n != 15 {
		t.Errorf("jit_funding_api has %d properties, want 15", n)
	}
	if n := len(specProperties(t, "transaction_model")); n < 90 {
		t.Errorf("transaction_model has %d properties, want about 100", n)
	}
	// Quoted enum values come back unquoted.
	if got := specEnum(t, "pos", "pin_entry_mode"); strings.Join(got, ",") != "UNKNOWN,TRUE,FALSE,DEFECTIVE" {
		t.Errorf("pos.pin_entry_mode enum = %q", got)
	}
}
