package spec

import (
	"reflect"
	"strings"
	"testing"
)

// tree converts a node for comparison: a mapping becomes a list of
// key/value pairs (order matters), a sequence a []any, a scalar its text.
func tree(n *node) any {
	switch n.kind {
	case mapKind:
		pairs := []any{}
		for i, k := range n.keys {
			pairs = append(pairs, kv{k, tree(n.vals[i])})
		}
		return pairs
	case seqKind:
		items := seq{}
		for _, v := range n.vals {
			items = append(items, tree(v))
		}
		return items
	}
	return n.value
}

type kv struct {
	K string
	V any
}

type seq []any

func m(pairs ...kv) []any {
	out := []any{}
	for _, p := range pairs {
		out = append(out, p)
	}
	return out
}

func TestParseYAML(t *testing.T) {
	tests := []struct {
		name, in string
		want     any
	}{
		{"scalars", "a: b\nc: 'd e'\nf: \"g\"\nh:\n", m(kv{"a", "b"}, kv{"c", "d e"}, kv{"f", "g"}, kv{"h", ""})},
		{"ref", "items:\n  $ref: '#/components/schemas/x'\n",
			m(kv{"items", m(kv{"$ref", "#/components/schemas/x"})})},
		{"nested", "a:\n  b:\n    c: d\n  e: f\ng: h\n",
			m(kv{"a", m(kv{"b", m(kv{"c", "d"})}, kv{"e", "f"})}, kv{"g", "h"})},
		{"list indented", "required:\n  - a\n  - b\nx: y\n", m(kv{"required", seq{"a", "b"}}, kv{"x", "y"})},
		{"list at key level", "required:\n- a\n- b\nx: y\n", m(kv{"required", seq{"a", "b"}}, kv{"x", "y"})},
		{"enum quoted", "enum:\n  - 'TRUE'\n  - \"00\"\n  - PENDING\n  - 'it''s'\n",
			m(kv{"enum", seq{"TRUE", "00", "PENDING", "it's"}})},
		{"flow sequence", "required: [a, 'b c', \"d\"]\n", m(kv{"required", seq{"a", "b c", "d"}})},
		{"empty flow over lines", "security:\n  - token: [\n      ]\np: {\n  }\n",
			m(kv{"security", seq{m(kv{"token", seq{}})}}, kv{"p", m()})},
		{"flow mapping", "x: {a: 1, b: [2, 3], 'c': }\n",
			m(kv{"x", m(kv{"a", "1"}, kv{"b", seq{"2", "3"}}, kv{"c", ""})})},
		{"sequence of mappings", "allOf:\n  - $ref: '#/components/schemas/base'\n  - properties:\n      name:\n        type: string\n    type: object\n",
			m(kv{"allOf", seq{
				m(kv{"$ref", "#/components/schemas/base"}),
				m(kv{"properties", m(kv{"name", m(kv{"type", "string"})})}, kv{"type", "object"}),
			}})},
		{"nested sequence on one line", "- - a\n  - b\n- c\n", seq{seq{"a", "b"}, "c"}},
		{"block literal strip", "d: |-\n  line one\n\n    indented\n  last\ne: f\n",
			m(kv{"d", "line one\n\n  indented\nlast"}, kv{"e", "f"})},
		{"block literal clip", "d: |\n  a\n  b\n\n\ne: f\n", m(kv{"d", "a\nb\n"}, kv{"e", "f"})},
		{"block literal keep", "d: |+\n  a\n\n\ne: f\n", m(kv{"d", "a\n\n\n"}, kv{"e", "f"})},
		{"block literal explicit indent", "d: |2-\n    a\n  b\n", m(kv{"d", "  a\nb"})},
		{"block folded", "d: >-\n  a\n  b\n\n  c\n    more\n  d\n", m(kv{"d", "a b\nc\n  more\nd"})},
		{"block in sequence", "- |-\n  x\n  y\n- z\n", seq{"x\ny", "z"}},
		{"plain multi-line", "description: A value of `true` indicates that more\n  unreturned resources\n\n  exist.\ntype: boolean\n",
			m(kv{"description", "A value of `true` indicates that more unreturned resources\nexist."}, kv{"type", "boolean"})},
		{"plain with colon and hash", "a: http://x/y#z\nb: c # comment\n", m(kv{"a", "http://x/y#z"}, kv{"b", "c"})},
		{"single-quoted multi-line", "d: 'Contains name: the\n  full name, isn''t it\n\n  end'\n",
			m(kv{"d", "Contains name: the full name, isn't it\nend"})},
		{"double-quoted escapes and breaks", "d: \"Day starts. \\nIf an override value\\\n  \\ is not provided,\n  the default \\\"x\\\" \\u00e9\\x41\"\n",
			m(kv{"d", "Day starts. \nIf an override value is not provided, the default \"x\" éA"})},
		{"quoted keys", "'200':\n  x: y\n\"a b\": c\n", m(kv{"200", m(kv{"x", "y"})}, kv{"a b", "c"})},
		{"comments and document marker", "---\n# top\na: b\n  # indented comment\nc: d\n", m(kv{"a", "b"}, kv{"c", "d"})},
		{"CRLF", "a: b\r\nc:\r\n  - d\r\n", m(kv{"a", "b"}, kv{"c", seq{"d"}})},
		{"empty document", "\n# nothing\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := parseYAML("test.yaml", []byte(tt.in))
			if err != nil {
				t.Fatalf("parseYAML: %v", err)
			}
			if got := tree(n); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestParseYAMLStyles(t *testing.T) {
	n, err := parseYAML("test.yaml", []byte("a: b\nc: 'd'\ne: \"f\"\ng: |-\n  h\ni: >\n  j\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{0, '\'', '"', '|', '>'}
	for i, v := range n.vals {
		if v.style != want[i] {
			t.Errorf("%s: style %q, want %q", n.keys[i], v.style, want[i])
		}
	}
	if n.vals[0].line != 1 || n.vals[3].line != 4 {
		t.Errorf("lines = %d, %d; want 1, 4", n.vals[0].line, n.vals[3].line)
	}
}

func TestParseYAMLErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"anchor", "a: &x b\n", "test.yaml:1: anchors, aliases and tags are not supported"},
		{"alias", "a: b\nc: *x\n", "test.yaml:2: anchors"},
		{"tag", "a: !!str b\n", "test.yaml:1: anchors"},
		{"complex key", "? a\n: b\n", "test.yaml:1: complex mapping keys"},
		{"duplicate key", "a: b\na: c\n", `test.yaml:2: duplicate mapping key "a"`},
		{"bad indentation", "a:\n    b: c\n  d: e\n", "test.yaml:3: unexpected indentation"},
		{"unclosed quote", "a: 'b\n  c\n", "test.yaml:1: quoted scalar is not closed"},
		{"unclosed flow", "a: [b,\n", "test.yaml:1: flow collection is not closed"},
		{"text after quote", "a: 'b' c\n", "test.yaml:1: unexpected text"},
		{"bad escape", "a: \"\\q\"\n", `test.yaml:1: unknown escape \q`},
		{"item among keys", "a: b\n- c\n", "test.yaml:2: sequence item where a mapping key was expected"},
		{"two documents", "a: b\n---\nc: d\n", "test.yaml:2: several documents"},
		{"directive", "%YAML 1.2\n---\na: b\n", "test.yaml:1: YAML directives"},
		{"not UTF-8", "a: \xff\n", "test.yaml:1: not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseYAML("test.yaml", []byte(tt.in))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %v, want one starting with %q", err, tt.want)
			}
		})
	}
}
