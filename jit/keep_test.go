package jit

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"sync"
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

// BenchmarkDecodeCompact decodes the golden authorization as gateways
// receive it, without indentation (the other decode benchmarks read the
// indented file): whole is DecodeTransaction, as the side-by-side floor
// decodes; keep is the reference gateway's Decoder (the widest keep set).
func BenchmarkDecodeCompact(b *testing.B) {
	raw, err := os.ReadFile(goldenPath("jit_request_authorization.json"))
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	keep, err := NewDecoder(keepSets[len(keepSets)-1]...)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		d    *Decoder
	}{{"whole", wholeTransaction}, {"keep", keep}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.d.Decode(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestDecodersLearnKeyOrderSafely decodes the same fields in shuffled
// orders and spellings, from several goroutines at once (run with -race),
// and checks each result against encoding/json: the field a decoder guesses
// from the order it saw last may only stand for a key spelled exactly as
// its name.
func TestDecodersLearnKeyOrderSafely(t *testing.T) {
	keep, err := NewDecoder("token", "user_token", "gpa_order.jit_funding")
	if err != nil {
		t.Fatal(err)
	}
	members := []string{`"token":"t1"`, `"user_token":"u1"`, `"state":"PENDING"`, `"gpa_order":{"jit_funding":{"token":"j1","method":"pgfs.authorization","user_token":"u1","amount":"1.00"}}`}
	variants := []string{
		`{"Token":"t2","USER_TOKEN":"u2"}`,      // spelled otherwise: found by folding, never guessed
		`{"\u0074oken":"t3","user_token":"u3"}`, // escaped: never guessed
		`{"user_token":"u4","token":"t4"}`,
		`{"token":"t5","unknown":1,"user_token":"u5"}`,
	}
	r := rand.New(rand.NewPCG(3, 4))
	var bodies []string
	for range 200 {
		r.Shuffle(len(members), func(i, j int) { members[i], members[j] = members[j], members[i] })
		bodies = append(bodies, "{"+strings.Join(members, ",")+"}")
	}
	bodies = append(bodies, variants...)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range bodies {
				body := []byte(bodies[(i+g*37)%len(bodies)])
				var want Transaction
				if err := json.Unmarshal(body, &want); err != nil {
					t.Errorf("json.Unmarshal(%s): %v", body, err)
					return
				}
				whole, err := DecodeTransaction(body)
				if err != nil || !reflect.DeepEqual(*whole, want) {
					t.Errorf("DecodeTransaction(%s) = %+v, %v; want %+v", body, whole, err, want)
					return
				}
				kept, err := keep.Decode(body)
				if err != nil || kept.Token != want.Token || kept.UserToken != want.UserToken || !reflect.DeepEqual(kept.JITFundingOf(), want.JITFundingOf()) || kept.State != "" {
					t.Errorf("keep.Decode(%s) = %+v, %v; want the kept fields of %+v", body, kept, err, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestDecoderLearnsOrderPastUnknownKeys checks what the decoder learns from
// a body with keys it does not know: the first known key, and each known
// key's known successor. Unknown keys in between must not make it relearn
// (a shared store) on every request.
func TestDecoderLearnsOrderPastUnknownKeys(t *testing.T) {
	d, err := NewDecoder("token", "user_token")
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"new_field":1,"token":"a","another":{"x":2},"user_token":"b","state":"PENDING"}`)
	for range 2 {
		if _, err := d.Decode(body); err != nil {
			t.Fatal(err)
		}
	}
	p := d.plan
	token, user, state := p.exact["token"], p.exact["user_token"], p.exact["state"]
	name := func(f *field) string {
		if f == nil {
			return "nothing"
		}
		return f.name
	}
	if got := p.first.Load(); got != token {
		t.Errorf("first known field learned: %s, want token", name(got))
	}
	if got := token.next.Load(); got != user {
		t.Errorf("after token: %s, want user_token", name(got))
	}
	if got := user.next.Load(); got != state {
		t.Errorf("after user_token: %s, want state", name(got))
	}
}
