package spec

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file is a small YAML reader for the subset of YAML 1.2 that
// machine-generated OpenAPI files use: block mappings and sequences
// (including sequences indented at the level of their key), plain scalars
// spanning several lines, single- and double-quoted scalars (also spanning
// lines, with escapes and escaped line breaks), literal and folded block
// scalars with chomping and indentation indicators, flow sequences and
// mappings (possibly spread over several lines), and comments. It rejects,
// with an error naming the line, what it does not implement: anchors,
// aliases, tags, complex keys, directives and several documents. Scalars are
// kept as text; the caller decides what a scalar means.

// kind is the kind of a YAML node.
type kind uint8

const (
	scalarKind kind = iota
	mapKind
	seqKind
)

// node is a parsed YAML node.
type node struct {
	kind  kind
	line  int      // 1-based line on which the node starts
	value string   // scalar text, unquoted and folded
	style byte     // scalars: 0 plain, '\'' or '"' quoted, '|' literal, '>' folded
	keys  []string // mapping keys, in document order
	vals  []*node  // mapping values (parallel to keys) or sequence items
}

// get returns the value of key in a mapping node, or nil.
func (n *node) get(key string) *node {
	if n == nil || n.kind != mapKind {
		return nil
	}
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

// isNull reports whether n is an empty or null plain scalar.
func (n *node) isNull() bool {
	if n.kind != scalarKind || n.style != 0 {
		return false
	}
	switch n.value {
	case "", "~", "null", "Null", "NULL":
		return true
	}
	return false
}

// yline is one line of the input.
type yline struct {
	raw   string // the line without its line break
	text  string // raw without leading spaces
	ind   int    // number of leading spaces
	num   int    // 1-based line number
	blank bool   // empty, only whitespace, or only a comment
}

type parser struct {
	name  string
	lines []yline
	pos   int
}

// yamlError is a syntax error at a line of a YAML file.
type yamlError struct {
	file string
	line int
	msg  string
}

func (e *yamlError) Error() string { return fmt.Sprintf("%s:%d: %s", e.file, e.line, e.msg) }

func (p *parser) errf(line int, format string, args ...any) error {
	return &yamlError{file: p.name, line: line, msg: fmt.Sprintf(format, args...)}
}

// parseYAML parses a one-document YAML file; name is used in errors.
func parseYAML(name string, data []byte) (*node, error) {
	if !utf8.Valid(data) {
		return nil, &yamlError{file: name, line: 1, msg: "not valid UTF-8"}
	}
	src := string(data)
	src = strings.TrimPrefix(src, "\uFEFF")
	n := strings.Count(src, "\n") + 1
	p := &parser{name: name, lines: make([]yline, 0, n)}
	for i := 0; len(src) > 0; i++ {
		raw, rest, _ := strings.Cut(src, "\n")
		src = rest
		raw = strings.TrimSuffix(raw, "\r")
		text := strings.TrimLeft(raw, " ")
		t := strings.TrimLeft(text, " \t")
		p.lines = append(p.lines, yline{
			raw:   raw,
			text:  text,
			ind:   len(raw) - len(text),
			num:   i + 1,
			blank: t == "" || t[0] == '#',
		})
	}
	p.skip()
	if p.pos < len(p.lines) {
		l := p.lines[p.pos]
		switch {
		case strings.HasPrefix(l.text, "%"):
			return nil, p.errf(l.num, "YAML directives are not supported")
		case l.ind == 0 && (l.text == "---" || strings.HasPrefix(l.text, "--- ")):
			if strings.TrimSpace(l.text[3:]) != "" {
				return nil, p.errf(l.num, "content after the document marker is not supported")
			}
			p.pos++
			p.skip()
		}
	}
	if p.pos >= len(p.lines) {
		return &node{kind: scalarKind, line: 1}, nil
	}
	root, err := p.blockNode(-1)
	if err != nil {
		return nil, err
	}
	p.skip()
	if p.pos < len(p.lines) {
		l := p.lines[p.pos]
		if isDocMarker(l) {
			return nil, p.errf(l.num, "several documents in one file are not supported")
		}
		return nil, p.errf(l.num, "unexpected indentation or content")
	}
	return root, nil
}

// skip moves past blank and comment lines.
func (p *parser) skip() {
	for p.pos < len(p.lines) && p.lines[p.pos].blank {
		p.pos++
	}
}

// blockNode parses the node starting at the current (non-blank) line, whose
// indentation is greater than parent.
func (p *parser) blockNode(parent int) (*node, error) {
	l := p.lines[p.pos]
	if isSeqItem(l.text) {
		return p.sequence(l.ind)
	}
	_, _, isKey, err := p.splitKey(l)
	if err != nil {
		return nil, err
	}
	if isKey {
		return p.mapping(l.ind)
	}
	return p.value(l.text, parent, false)
}

// isDocMarker reports whether l starts or ends a document.
func isDocMarker(l yline) bool {
	return l.ind == 0 && (l.text == "..." || l.text == "---" || strings.HasPrefix(l.text, "--- "))
}

func isSeqItem(text string) bool {
	return text == "-" || strings.HasPrefix(text, "- ") || strings.HasPrefix(text, "-\t")
}

// mapping parses a block mapping whose keys are at indentation ind.
func (p *parser) mapping(ind int) (*node, error) {
	n := &node{kind: mapKind, line: p.lines[p.pos].num}
	seen := map[string]bool{}
	for {
		p.skip()
		if p.pos >= len(p.lines) {
			return n, nil
		}
		l := p.lines[p.pos]
		if l.ind < ind || isDocMarker(l) {
			return n, nil
		}
		if l.ind > ind {
			return nil, p.errf(l.num, "unexpected indentation (%d spaces, the mapping's keys have %d)", l.ind, ind)
		}
		if isSeqItem(l.text) {
			return nil, p.errf(l.num, "sequence item where a mapping key was expected")
		}
		key, rest, ok, err := p.splitKey(l)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, p.errf(l.num, "expected a mapping key (key: value)")
		}
		if seen[key] {
			return nil, p.errf(l.num, "duplicate mapping key %q", key)
		}
		seen[key] = true
		v, err := p.value(rest, ind, true)
		if err != nil {
			return nil, err
		}
		n.keys = append(n.keys, key)
		n.vals = append(n.vals, v)
	}
}

// sequence parses a block sequence whose dashes are at indentation ind.
func (p *parser) sequence(ind int) (*node, error) {
	n := &node{kind: seqKind, line: p.lines[p.pos].num}
	for {
		p.skip()
		if p.pos >= len(p.lines) {
			return n, nil
		}
		l := p.lines[p.pos]
		if l.ind < ind || (l.ind == ind && !isSeqItem(l.text)) || isDocMarker(l) {
			return n, nil
		}
		if l.ind > ind {
			return nil, p.errf(l.num, "unexpected indentation (%d spaces, the sequence's dashes have %d)", l.ind, ind)
		}
		rest := strings.TrimLeft(l.text[1:], " \t")
		col := l.ind + len(l.text) - len(rest)
		var item *node
		var err error
		switch {
		case rest == "" || rest[0] == '#':
			item, err = p.value("", ind, false)
		case isSeqItem(rest):
			// "- - x": a sequence nested on the same line.
			p.lines[p.pos] = yline{raw: l.raw, text: rest, ind: col, num: l.num}
			item, err = p.sequence(col)
		default:
			sub := yline{raw: l.raw, text: rest, ind: col, num: l.num}
			var isKey bool
			_, _, isKey, err = p.splitKey(sub)
			if err != nil {
				return nil, err
			}
			if isKey {
				// "- key: value" starts a mapping whose keys are at col.
				p.lines[p.pos] = sub
				item, err = p.mapping(col)
			} else {
				item, err = p.value(rest, ind, false)
			}
		}
		if err != nil {
			return nil, err
		}
		n.vals = append(n.vals, item)
	}
}

// splitKey splits a line "key: rest" into the key and what follows the
// colon. ok is false when the line is not a mapping entry.
func (p *parser) splitKey(l yline) (key, rest string, ok bool, err error) {
	text := l.text
	if text == "" {
		return "", "", false, nil
	}
	switch text[0] {
	case '\'', '"':
		end := closingQuote(text[1:], text[0])
		if end < 0 {
			return "", "", false, nil // a multi-line quoted scalar, not a key
		}
		after := strings.TrimLeft(text[end+2:], " \t")
		if !strings.HasPrefix(after, ":") || (len(after) > 1 && after[1] != ' ' && after[1] != '\t') {
			return "", "", false, nil
		}
		key, err = p.unquote([]string{text[1 : end+1]}, text[0], l.num)
		return key, strings.TrimLeft(after[1:], " \t"), err == nil, err
	case '[', '{', '|', '>', '#':
		return "", "", false, nil
	case '?':
		if len(text) == 1 || text[1] == ' ' {
			return "", "", false, p.errf(l.num, "complex mapping keys (? key) are not supported")
		}
	case '&', '*', '!':
		return "", "", false, p.errf(l.num, "anchors, aliases and tags are not supported")
	}
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case ':':
			if i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\t' {
				return strings.TrimRight(text[:i], " \t"), strings.TrimLeft(text[i+1:], " \t"), true, nil
			}
		case '#':
			if i > 0 && (text[i-1] == ' ' || text[i-1] == '\t') {
				return "", "", false, nil
			}
		}
	}
	return "", "", false, nil
}

// value parses the value that starts with rest on the current line. The
// value's continuation lines are indented more than parent. inMap allows a
// sequence at indentation parent when rest is empty ("key:" then "- item").
func (p *parser) value(rest string, parent int, inMap bool) (*node, error) {
	l := p.lines[p.pos]
	if rest == "" || rest[0] == '#' {
		p.pos++
		p.skip()
		if p.pos < len(p.lines) {
			next := p.lines[p.pos]
			if next.ind > parent {
				return p.blockNode(parent)
			}
			if inMap && next.ind == parent && isSeqItem(next.text) {
				return p.sequence(parent)
			}
		}
		return &node{kind: scalarKind, line: l.num}, nil
	}
	switch rest[0] {
	case '|', '>':
		return p.blockScalar(rest, parent)
	case '[', '{':
		return p.flow(rest)
	case '\'', '"':
		return p.quoted(rest, parent)
	case '&', '*', '!':
		return nil, p.errf(l.num, "anchors, aliases and tags are not supported")
	case '@', '`', '%':
		return nil, p.errf(l.num, "a plain scalar cannot start with %q", rest[0])
	}
	return p.plain(rest, parent)
}

// stripComment removes a trailing " # comment" from plain text.
func stripComment(s string) string {
	for i := 1; i < len(s); i++ {
		if s[i] == '#' && (s[i-1] == ' ' || s[i-1] == '\t') {
			return s[:i]
		}
	}
	return s
}

// plain parses a plain scalar, folding its continuation lines.
func (p *parser) plain(rest string, parent int) (*node, error) {
	first := p.lines[p.pos]
	n := &node{kind: scalarKind, line: first.num}
	var b strings.Builder
	b.WriteString(strings.TrimRight(stripComment(rest), " \t"))
	p.pos++
	breaks := 0
	for p.pos < len(p.lines) {
		l := p.lines[p.pos]
		t := strings.TrimSpace(l.raw)
		if t == "" {
			breaks++
			p.pos++
			continue
		}
		if l.ind <= parent || t[0] == '#' || isDocMarker(l) {
			break
		}
		if breaks == 0 {
			b.WriteByte(' ')
		} else {
			b.WriteString(strings.Repeat("\n", breaks))
		}
		breaks = 0
		b.WriteString(strings.TrimRight(stripComment(t), " \t"))
		p.pos++
	}
	n.value = b.String()
	return n, nil
}

// closingQuote returns the index in s of the quote q that closes a scalar,
// or -1.
func closingQuote(s string, q byte) int {
	for i := 0; i < len(s); i++ {
		switch {
		case q == '"' && s[i] == '\\':
			i++
		case s[i] == q:
			if q == '\'' && i+1 < len(s) && s[i+1] == '\'' {
				i++
				continue
			}
			return i
		}
	}
	return -1
}

// quoted parses a single- or double-quoted scalar, which may span lines.
func (p *parser) quoted(rest string, parent int) (*node, error) {
	q := rest[0]
	first := p.lines[p.pos]
	cur := rest[1:]
	var segs []string
	for {
		if end := closingQuote(cur, q); end >= 0 {
			segs = append(segs, cur[:end])
			after := strings.TrimLeft(cur[end+1:], " \t")
			if after != "" && after[0] != '#' {
				return nil, p.errf(p.lines[p.pos].num, "unexpected text %q after a quoted scalar", after)
			}
			p.pos++
			break
		}
		segs = append(segs, cur)
		p.pos++
		if p.pos >= len(p.lines) {
			return nil, p.errf(first.num, "quoted scalar is not closed")
		}
		l := p.lines[p.pos]
		if strings.TrimSpace(l.raw) != "" && l.ind <= parent {
			return nil, p.errf(l.num, "quoted scalar continues at too small an indentation")
		}
		cur = l.raw
	}
	v, err := p.unquote(segs, q, first.num)
	if err != nil {
		return nil, err
	}
	return &node{kind: scalarKind, line: first.num, value: v, style: q}, nil
}

// unquote folds the lines of a quoted scalar (the text between the quotes,
// split at line breaks) and resolves its escapes.
func (p *parser) unquote(segs []string, q byte, line int) (string, error) {
	var b strings.Builder
	for i := 0; i < len(segs); {
		s := segs[i]
		if i > 0 {
			s = strings.TrimLeft(s, " \t")
		}
		if i == len(segs)-1 {
			b.WriteString(s)
			break
		}
		if q == '"' && trailingBackslashes(s)%2 == 1 {
			// An escaped line break: join without a space.
			b.WriteString(s[:len(s)-1])
			i++
			continue
		}
		b.WriteString(strings.TrimRight(s, " \t"))
		j, empty := i+1, 0
		for j < len(segs)-1 && strings.TrimSpace(segs[j]) == "" {
			empty++
			j++
		}
		if empty == 0 {
			b.WriteByte(' ')
		} else {
			b.WriteString(strings.Repeat("\n", empty))
		}
		i = j
	}
	s := b.String()
	if q == '\'' {
		return strings.ReplaceAll(s, "''", "'"), nil
	}
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	return unescape(s, func(msg string) error { return p.errf(line, "%s", msg) })
}

func trailingBackslashes(s string) int {
	n := 0
	for n < len(s) && s[len(s)-1-n] == '\\' {
		n++
	}
	return n
}

// unescape resolves the escapes of a double-quoted YAML scalar.
func unescape(s string, fail func(string) error) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(s) {
			return "", fail("backslash at the end of a double-quoted scalar")
		}
		size := 0
		switch s[i] {
		case '0':
			b.WriteByte(0)
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 't', '\t':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'v':
			b.WriteByte('\v')
		case 'f':
			b.WriteByte('\f')
		case 'r':
			b.WriteByte('\r')
		case 'e':
			b.WriteByte(0x1b)
		case ' ', '"', '/', '\\':
			b.WriteByte(s[i])
		case 'N':
			b.WriteString("\u0085")
		case '_':
			b.WriteString("\u00a0")
		case 'L':
			b.WriteString("\u2028")
		case 'P':
			b.WriteString("\u2029")
		case 'x':
			size = 2
		case 'u':
			size = 4
		case 'U':
			size = 8
		default:
			return "", fail(fmt.Sprintf("unknown escape \\%c in a double-quoted scalar", s[i]))
		}
		if size > 0 {
			if i+1+size > len(s) {
				return "", fail("short \\" + string(s[i]) + " escape")
			}
			r, err := strconv.ParseUint(s[i+1:i+1+size], 16, 32)
			if err != nil || !utf8.ValidRune(rune(r)) {
				return "", fail("bad \\" + string(s[i]) + " escape")
			}
			b.WriteRune(rune(r))
			i += size
		}
	}
	return b.String(), nil
}

// blockScalar parses a literal (|) or folded (>) block scalar whose header
// is rest.
func (p *parser) blockScalar(rest string, parent int) (*node, error) {
	first := p.lines[p.pos]
	style := rest[0]
	chomp := byte(0)
	explicit := 0
	h := rest[1:]
	for len(h) > 0 && h[0] != ' ' && h[0] != '\t' {
		switch c := h[0]; {
		case (c == '-' || c == '+') && chomp == 0:
			chomp = c
		case c >= '1' && c <= '9' && explicit == 0:
			explicit = int(c - '0')
		default:
			return nil, p.errf(first.num, "bad block scalar header %q", rest)
		}
		h = h[1:]
	}
	if h = strings.TrimLeft(h, " \t"); h != "" && h[0] != '#' {
		return nil, p.errf(first.num, "unexpected text after a block scalar header %q", rest)
	}
	p.pos++
	contentInd := -1
	if explicit > 0 {
		contentInd = max(parent, 0) + explicit
	}
	var lines []string
	for p.pos < len(p.lines) {
		l := p.lines[p.pos]
		if strings.TrimLeft(l.raw, " ") == "" {
			extra := ""
			if contentInd >= 0 && len(l.raw) > contentInd {
				extra = l.raw[contentInd:]
			}
			lines = append(lines, extra)
			p.pos++
			continue
		}
		if contentInd < 0 {
			if l.ind <= parent {
				break
			}
			contentInd = l.ind
		}
		if l.ind < contentInd {
			break
		}
		lines = append(lines, l.raw[contentInd:])
		p.pos++
	}
	// k is the number of lines up to the last non-empty one.
	k := len(lines)
	for k > 0 && lines[k-1] == "" {
		k--
	}
	trailing := len(lines) - k
	var body string
	if style == '|' {
		body = strings.Join(lines[:k], "\n")
	} else {
		body = foldBlock(lines[:k])
	}
	switch {
	case k == 0 && chomp != '+':
		body = ""
	case chomp == '-':
	case chomp == '+':
		body += strings.Repeat("\n", trailing+min(k, 1))
	default:
		body += "\n"
	}
	return &node{kind: scalarKind, line: first.num, value: body, style: style}, nil
}

// foldBlock folds the lines of a folded block scalar: a line break between
// two lines of text becomes a space, empty lines become line breaks, and
// the breaks around more-indented lines are kept.
func foldBlock(lines []string) string {
	var b strings.Builder
	i := 0
	for i < len(lines) && lines[i] == "" {
		b.WriteByte('\n')
		i++
	}
	if i == len(lines) {
		return b.String()
	}
	more := func(s string) bool { return s != "" && (s[0] == ' ' || s[0] == '\t') }
	prev := lines[i]
	b.WriteString(prev)
	for i++; i < len(lines); i++ {
		empty := 0
		for lines[i] == "" {
			empty++
			i++
		}
		cur := lines[i]
		switch {
		case more(prev) || more(cur):
			b.WriteString(strings.Repeat("\n", empty+1))
		case empty == 0:
			b.WriteByte(' ')
		default:
			b.WriteString(strings.Repeat("\n", empty))
		}
		b.WriteString(cur)
		prev = cur
	}
	return b.String()
}

// flow parses a flow sequence or mapping that starts with rest and may
// continue on the following lines.
func (p *parser) flow(rest string) (*node, error) {
	first := p.lines[p.pos]
	var b strings.Builder
	depth := 0
	var quote byte
	cur := rest
	for {
		for i := 0; i < len(cur); i++ {
			c := cur[i]
			switch {
			case quote == '"' && c == '\\':
				b.WriteByte(c)
				i++
				if i < len(cur) {
					c = cur[i]
				} else {
					continue
				}
			case quote != 0 && c == quote:
				if quote == '\'' && i+1 < len(cur) && cur[i+1] == '\'' {
					b.WriteByte(c)
					i++
				} else {
					quote = 0
				}
			case quote != 0:
			case c == '\'' || c == '"':
				quote = c
			case c == '[' || c == '{':
				depth++
			case c == ']' || c == '}':
				depth--
				if depth == 0 {
					b.WriteByte(c)
					after := strings.TrimLeft(cur[i+1:], " \t")
					if after != "" && after[0] != '#' {
						return nil, p.errf(p.lines[p.pos].num, "unexpected text %q after a flow collection", after)
					}
					p.pos++
					fp := &flowParser{s: b.String(), p: p, line: first.num}
					n, err := fp.value()
					if err != nil {
						return nil, err
					}
					if fp.skipSpace(); fp.i < len(fp.s) {
						return nil, p.errf(first.num, "unexpected text in a flow collection")
					}
					return n, nil
				}
			case c == '#' && (i == 0 || cur[i-1] == ' '):
				cur = cur[:i] // a comment
				continue
			}
			b.WriteByte(c)
		}
		p.pos++
		if p.pos >= len(p.lines) {
			return nil, p.errf(first.num, "flow collection is not closed")
		}
		cur = strings.TrimLeft(p.lines[p.pos].raw, " \t")
		b.WriteByte(' ')
	}
}

// flowParser parses a flow collection gathered on one line.
type flowParser struct {
	s    string
	i    int
	p    *parser
	line int
}

func (f *flowParser) skipSpace() {
	for f.i < len(f.s) && (f.s[f.i] == ' ' || f.s[f.i] == '\t') {
		f.i++
	}
}

func (f *flowParser) value() (*node, error) {
	f.skipSpace()
	if f.i >= len(f.s) {
		return nil, f.p.errf(f.line, "unexpected end of a flow collection")
	}
	switch c := f.s[f.i]; c {
	case '[', '{':
		f.i++
		close := byte(']')
		n := &node{kind: seqKind, line: f.line}
		if c == '{' {
			close, n.kind = '}', mapKind
		}
		for {
			f.skipSpace()
			if f.i < len(f.s) && f.s[f.i] == close {
				f.i++
				return n, nil
			}
			k, err := f.value()
			if err != nil {
				return nil, err
			}
			f.skipSpace()
			var v *node
			if f.i < len(f.s) && f.s[f.i] == ':' {
				f.i++
				f.skipSpace()
				if f.i < len(f.s) && (f.s[f.i] == ',' || f.s[f.i] == close) {
					v = &node{kind: scalarKind, line: f.line}
				} else if v, err = f.value(); err != nil {
					return nil, err
				}
			}
			if n.kind == mapKind || v != nil {
				if k.kind != scalarKind {
					return nil, f.p.errf(f.line, "flow mapping keys must be scalars")
				}
				if v == nil {
					v = &node{kind: scalarKind, line: f.line}
				}
				if n.kind == mapKind {
					if n.get(k.value) != nil {
						return nil, f.p.errf(f.line, "duplicate mapping key %q", k.value)
					}
					n.keys = append(n.keys, k.value)
					n.vals = append(n.vals, v)
				} else {
					n.vals = append(n.vals, &node{kind: mapKind, line: f.line, keys: []string{k.value}, vals: []*node{v}})
				}
			} else {
				n.vals = append(n.vals, k)
			}
			f.skipSpace()
			if f.i < len(f.s) && f.s[f.i] == ',' {
				f.i++
				continue
			}
			if f.i < len(f.s) && f.s[f.i] == close {
				continue
			}
			return nil, f.p.errf(f.line, "expected , or %c in a flow collection", close)
		}
	case '\'', '"':
		end := closingQuote(f.s[f.i+1:], c)
		if end < 0 {
			return nil, f.p.errf(f.line, "quoted scalar is not closed")
		}
		v, err := f.p.unquote([]string{f.s[f.i+1 : f.i+1+end]}, c, f.line)
		if err != nil {
			return nil, err
		}
		f.i += end + 2
		return &node{kind: scalarKind, line: f.line, value: v, style: c}, nil
	case ']', '}', ',':
		return nil, f.p.errf(f.line, "unexpected %q in a flow collection", c)
	case '&', '*', '!':
		return nil, f.p.errf(f.line, "anchors, aliases and tags are not supported")
	}
	start := f.i
	for f.i < len(f.s) {
		c := f.s[f.i]
		if c == ',' || c == '[' || c == ']' || c == '{' || c == '}' {
			break
		}
		if c == ':' && (f.i+1 == len(f.s) || strings.IndexByte(" \t,[]{}", f.s[f.i+1]) >= 0) {
			break
		}
		f.i++
	}
	return &node{kind: scalarKind, line: f.line, value: strings.TrimSpace(f.s[start:f.i])}, nil
}
