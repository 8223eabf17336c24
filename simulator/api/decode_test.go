package api

import (
	"fmt"
	"strings"
	"testing"

	"github.com/jitsim/jitsim/jit"
)

type decodeSample struct {
	S      string            `json:"s"`
	B      bool              `json:"b"`
	PB     *bool             `json:"pb"`
	N      int64             `json:"n"`
	I32    int32             `json:"i32"`
	A      jit.Amount        `json:"a"`
	PA     *jit.Amount       `json:"pa"`
	M      map[string]string `json:"m"`
	L      []string          `json:"l"`
	Nested *struct {
		R string `json:"r" api:"required"`
		B bool   `json:"b"`
	} `json:"nested"`
	Req string `json:"req" api:"required"`
}

func TestLenientDecoding(t *testing.T) {
	ok := []struct {
		body string
		want string // fmt of selected fields
	}{
		{`{"req":"x"}`, "s= b=false pb=<nil> n=0 i32=0 a=0 pa=<nil>"},
		{`{"req":"x","b":"true","pb":"FALSE","n":"3000","i32":3000,"a":"12.00","pa":12.5}`, "s= b=true pb=false n=3000 i32=3000 a=12.00 pa=12.5"},
		{`{"req":"x","b":true,"pb":true,"n":3000.0,"s":12,"a":12}`, "s=12 b=true pb=true n=3000 i32=0 a=12 pa=<nil>"},
		{`{"req":"x","s":true,"n":" 42 ","i32":"3e3"}`, "s=true b=false pb=<nil> n=42 i32=3000 a=0 pa=<nil>"},
		{`{"req":"x","b":null,"pb":null,"s":null,"unknown":{"deep":[1,2,{"x":null}]}}`, "s= b=false pb=<nil> n=0 i32=0 a=0 pa=<nil>"},
		{` {"req":"x"} `, "s= b=false pb=<nil> n=0 i32=0 a=0 pa=<nil>"},
	}
	for _, tt := range ok {
		t.Run(tt.body, func(t *testing.T) {
			var d decodeSample
			if err := decodeJSON([]byte(tt.body), &d); err != nil {
				t.Fatal(err)
			}
			pb, pa := "<nil>", "<nil>"
			if d.PB != nil {
				pb = fmt.Sprint(*d.PB)
			}
			if d.PA != nil {
				pa = d.PA.String()
			}
			got := fmt.Sprintf("s=%s b=%v pb=%s n=%d i32=%d a=%s pa=%s", d.S, d.B, pb, d.N, d.I32, d.A, pa)
			if got != tt.want {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	var d decodeSample
	if err := decodeJSON([]byte(`{"req":"x","m":{"a":"1","b":2,"c":false},"l":["x",3],"nested":{"r":"y","b":"true"}}`), &d); err != nil {
		t.Fatal(err)
	}
	if d.M["b"] != "2" || d.M["c"] != "false" || d.L[1] != "3" || d.Nested.R != "y" || !d.Nested.B {
		t.Fatalf("maps, slices, nested: %+v %+v", d, d.Nested)
	}

	bad := []struct{ body, msg string }{
		{``, "req is required"},
		{`{}`, "req is required"},
		{`{"req":null}`, "req is required"},
		{`{"req":"x","nested":{}}`, "nested.r is required"},
		{`{"req":"x","b":"maybe"}`, `b must be a boolean, got string "maybe"`},
		{`{"req":"x","b":1}`, "b must be a boolean, got number 1"},
		{`{"req":"x","n":"12.5"}`, "n must be an integer"},
		{`{"req":"x","n":"abc"}`, "n must be an integer"},
		{`{"req":"x","n":true}`, "n must be an integer, got boolean true"},
		{`{"req":"x","i32":4294967296}`, "i32 must be an integer"},
		{`{"req":"x","a":"12.0.0"}`, "a: invalid amount"},
		{`{"req":"x","a":true}`, "a: invalid amount"},
		{`{"req":"x","pa":{}}`, "pa: invalid amount"},
		{`{"req":"x","s":{}}`, "s must be a string, got an object"},
		{`{"req":"x","s":[]}`, "s must be a string, got an array"},
		{`{"req":"x","m":{"a":{}}}`, "m.a must be a string"},
		{`{"req":"x","m":[]}`, "m must be an object"},
		{`{"req":"x","l":"x"}`, "l must be an array"},
		{`{"req":"x","l":[{}]}`, "l[0] must be a string"},
		{`{"req":"x","nested":{"r":"y","b":"yes"}}`, "nested.b must be a boolean"},
		{`{"req":"x","nested":5}`, "nested must be an object"},
		{`{"req":`, "malformed JSON"},
		{`{"req":"x"}}`, "malformed JSON"},
		{`{"req":"x"}{}`, "data after the JSON object"},
		{`"req"`, "must be a JSON object, got string"},
		{`null`, "must be a JSON object, got null"},
		{`[]`, "must be a JSON object, got an array"},
	}
	for _, tt := range bad {
		t.Run("bad "+tt.body, func(t *testing.T) {
			var d decodeSample
			err := decodeJSON([]byte(tt.body), &d)
			if jit.ErrorCode(err) != jit.EINVALID || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error %v, want EINVALID containing %q", err, tt.msg)
			}
		})
	}
}
