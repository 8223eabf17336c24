package jit

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// keepSets are the path lists the Decoder tests run with: none, one field,
// a whole object, a field deep inside one, and what the reference gateway
// keeps.
var keepSets = [][]string{
	nil,
	{"token"},
	{"gpa_order"},
	{"gpa_order.jit_funding.amount", "pos.partial_approval_capable"},
	{"token", "type", "user_token", "business_token", "currency_code", "created_time", "user_transaction_time",
		"preceding_related_transaction_token", "gpa_order.currency_code", "gpa_order.jit_funding",
		"gpa_order_unload.jit_funding", "card_acceptor.mcc", "pos.partial_approval_capable"},
}

// project returns a copy of v holding only what paths reach, built from
// the struct tags independently of prune.
func project(v reflect.Value, paths [][]string) reflect.Value {
	out := reflect.New(v.Type()).Elem()
	for _, p := range paths {
		if len(p) == 0 {
			out.Set(v)
			return out
		}
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			out.Set(project(v.Elem(), paths).Addr())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
			var sub [][]string
			for _, p := range paths {
				if p[0] == name {
					sub = append(sub, p[1:])
				}
			}
			if sub != nil {
				out.Field(i).Set(project(v.Field(i), sub))
			}
		}
	}
	return out
}

func splitPaths(keep []string) [][]string {
	var paths [][]string
	for _, k := range keep {
		paths = append(paths, strings.Split(k, "."))
	}
	return paths
}

// checkDecoders holds every Decoder of keepSets to DecodeTransaction on
// data: the same error, or the same transaction with only the kept fields.
func checkDecoders(t *testing.T, data []byte) (kept int) {
	t.Helper()
	full, fullErr := DecodeTransaction(data)
	for _, keep := range keepSets {
		d, err := NewDecoder(keep...)
		if err != nil {
			t.Fatalf("NewDecoder(%q): %v", keep, err)
		}
		got, err := d.Decode(data)
		if ErrorMessage(err) != ErrorMessage(fullErr) || (err == nil) != (fullErr == nil) {
			t.Fatalf("keep %q: error %v, DecodeTransaction's %v", keep, err, fullErr)
		}
		if err != nil {
			continue
		}
		want := project(reflect.ValueOf(full).Elem(), splitPaths(keep)).Addr().Interface()
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("keep %q:\n got %#v\nwant %#v", keep, got, want)
		}
		if !reflect.DeepEqual(got, &Transaction{}) {
			kept++
		}
	}
	return kept
}

func TestDecoderKeeps(t *testing.T) {
	for _, g := range goldens {
		if !strings.HasPrefix(g.file, "jit_request") {
			continue
		}
		data, err := os.ReadFile(goldenPath(g.file))
		if err != nil {
			t.Fatal(err)
		}
		if kept := checkDecoders(t, data); kept < len(keepSets)-1 {
			t.Errorf("%s: only %d decoders kept anything", g.file, kept)
		}
	}
	// Wrong types and bad amounts in dropped fields are errors all the
	// same, at the same path.
	for _, body := range []string{
		`{"gpa":{"balances":{"USD":{"available_balance":"x"}}}}`,
		`{"acquirer":{"institution_country":840}}`,
		`{"pos":{"pin_present":"yes"}}`,
		`{"gpa_order":{"funding":{"amount":1.234e400}}}`,
		`{"card_acceptor":{"mcc":5812}}`,
		`{"gpa_order":{"jit_funding":{"amount":"1.2.3"}}}`,
		`{"incremental_authorization_transaction_tokens":["a",2]}`,
		`{"gpa_order":{"jit_funding":{"token":"a","TOKEN":"b"}}}`,
		`{"acquirer":{"institution_country":"840"}} x`,
	} {
		if _, err := DecodeTransaction([]byte(body)); err == nil {
			t.Fatalf("%s: DecodeTransaction accepts it; the case tests nothing", body)
		}
		checkDecoders(t, []byte(body))
	}
}

func TestNewDecoderRejectsBadPaths(t *testing.T) {
	for _, keep := range [][]string{{"no_such_field"}, {"token.inner"}, {"gpa_order.nope"}, {"gpa.balances.USD"}, {""}} {
		if _, err := NewDecoder(keep...); ErrorCode(err) != EINVALID {
			t.Errorf("NewDecoder(%q): %v, want EINVALID", keep, err)
		}
	}
}

func FuzzDecoderKeep(f *testing.F) {
	goldenSeeds(f, "jit_request")
	for _, s := range []string{`{}`, `{"gpa":{"balances":{"USD":{"ledger_balance":"1.001"}}}}`, `{"pos":{"partial_approval_capable":1}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkDecoders(t, data) })
}

func BenchmarkDecoderKeep(b *testing.B) {
	data, err := os.ReadFile(goldenPath("jit_request_authorization.json"))
	if err != nil {
		b.Fatal(err)
	}
	d, err := NewDecoder(keepSets[len(keepSets)-1]...)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}
