package simulator

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/jitsim/jitsim/jit"
)

// engineTransactions runs every kind of flow against an approving gateway
// and returns what the engine recorded: transactions with every nested
// object the engine fills in.
func engineTransactions(t *testing.T) []*jit.Transaction {
	t.Helper()
	gw := &fakeGateway{answer: echo(200, "")}
	e, card := program(t, gw, 1000)
	a, err := e.Authorize(ctx, AuthRequest{CardToken: card, Amount: jit.MustAmount("50.00"), Merchant: Merchant{MCC: "5812", Name: "Cafe"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Incremental(ctx, a.Token, jit.MustAmount("5.00")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Clear(ctx, ClearRequest{Preceding: a.Token, Amount: jit.MustAmount("60.00")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.BalanceInquiry(ctx, AuthRequest{CardToken: card}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Refund(ctx, RefundRequest{CardToken: card, Amount: jit.MustAmount("3.00")}); err != nil {
		t.Fatal(err)
	}
	return e.Transactions("", "")
}

// The copy equals the original field for field, encodes to the same bytes,
// and shares no memory with it: changing every reachable value in the copy
// leaves the original's encoding as it was.
func TestCloneTxn(t *testing.T) {
	txns := engineTransactions(t)
	if len(txns) < 5 {
		t.Fatalf("%d transactions", len(txns))
	}
	for _, x := range txns {
		before, _ := json.Marshal(x)
		c := cloneTxn(x)
		if !reflect.DeepEqual(c, x) {
			t.Fatalf("%s: copy differs", x.Type)
		}
		after, _ := json.Marshal(c)
		if string(after) != string(before) {
			t.Fatalf("%s: copy encodes differently:\n%s\n%s", x.Type, before, after)
		}
		scribble(reflect.ValueOf(c).Elem())
		if again, _ := json.Marshal(x); string(again) != string(before) {
			t.Fatalf("%s: changing the copy changed the original:\n%s\n%s", x.Type, before, again)
		}
	}
	if cloneTxn(nil) != nil {
		t.Fatal("nil")
	}
}

// scribble overwrites every settable string, number and bool reachable from
// v, through pointers, slices and maps.
func scribble(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			scribble(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Field(i).CanSet() {
				scribble(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			scribble(v.Index(i))
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(it.Value())
			scribble(e)
			v.SetMapIndex(it.Key(), e)
		}
	case reflect.String:
		v.SetString("scribbled")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(v.Int() + 7)
	}
}
