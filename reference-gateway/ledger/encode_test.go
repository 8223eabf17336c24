package ledger

import (
	"encoding/json"
	"math/rand"
	"reflect"
	"testing"
)

// checkRecordEncoding fails unless appendRecord writes exactly what
// json.Marshal writes for r.
func checkRecordEncoding(t *testing.T, r *record) {
	t.Helper()
	want, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if got := appendRecord([]byte("x"), r); string(got) != "x"+string(want) {
		t.Fatalf("appendRecord:\n got %s\nwant x%s", got, want)
	}
}

func TestAppendRecord(t *testing.T) {
	key := Key{Token: "u1", Currency: "USD"}
	for name, r := range map[string]*record{
		"empty":  {},
		"ledger": {Acct: key, At: 1, Ledger: -4217},
		"answer": {Acct: key, At: 2, Answer: &answer{JIT: "j1", Approved: true, Amount: 4217, At: 2}},
		"decline": {Acct: key, At: 3, Answer: &answer{JIT: "j2", Amount: 10, Reason: "INSUFFICIENT_FUNDS", At: 3},
			Day: "2026-11-27", Count: 7},
		"hold, nil lists": {Acct: key, Hold: &hold{ID: "j1", State: Open}},
		"hold, empty lists": {Acct: key, Hold: &hold{ID: "j1", JIT: []string{}, Txn: []string{},
			Incr: map[string]int64{}, Void: map[string]bool{}, State: Cleared}},
		"hold, full": {Acct: key, At: 9, Ledger: -500, Seen: "t9", Hold: &hold{
			ID: "j1", JIT: []string{"j1", "j1i", "j1k"}, Txn: []string{"t1", "t2"}, Auth: 1000, AuthKnown: true,
			Incr: map[string]int64{"j1k": 3, "j1i": -2, "a": 0}, Void: map[string]bool{"j1k": true, "b": false},
			Released: 7, Consumed: 500, State: Released, Debit: true, Debited: 1, Created: -5, Closed: 1 << 62}},
		"credit": {Acct: key, At: 4, Ledger: 100000, Credit: &creditKey{Key: "fund-1", Amount: 100000}},
		"escapes": {Acct: Key{Token: "<u&1>\"\\\n\u2028\xff", Currency: "ÉUR"}, Seen: "t\x00",
			Hold: &hold{ID: "é", JIT: []string{"<"}, Incr: map[string]int64{"&": 1, "\t": 2}, State: "ODD"}},
	} {
		t.Run(name, func(t *testing.T) { checkRecordEncoding(t, r) })
	}
}

// TestAppendRecordRandom compares the encoders on records with random
// fields, tokens drawn from an alphabet with every kind of escape.
func TestAppendRecordRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := []string{"a", "Z", "0", "-", "_", "\"", "\\", "<", ">", "&", "\n", "\x01", "é", "☃", "\u2028", "\xff", " "}
	str := func() string {
		s := ""
		for range rng.Intn(8) {
			s += alphabet[rng.Intn(len(alphabet))]
		}
		return s
	}
	num := func() int64 {
		switch rng.Intn(4) {
		case 0:
			return 0
		case 1:
			return rng.Int63()
		case 2:
			return -rng.Int63()
		}
		return rng.Int63n(100000) - 50000
	}
	strs := func() []string {
		if rng.Intn(3) == 0 {
			return nil
		}
		v := make([]string, rng.Intn(4))
		for i := range v {
			v[i] = str()
		}
		return v
	}
	for range 2000 {
		r := &record{Acct: Key{Token: str(), Currency: str()}, At: num(), Ledger: num(), Seen: str(), Day: str(), Count: int(num() % 1000)}
		if rng.Intn(2) == 0 {
			h := &hold{ID: str(), JIT: strs(), Txn: strs(), Auth: num(), AuthKnown: rng.Intn(2) == 0,
				Released: num(), Consumed: num(), State: HoldState(str()), Debit: rng.Intn(2) == 0,
				Debited: num(), Created: num(), Closed: num()}
			if rng.Intn(3) > 0 {
				h.Incr, h.Void = map[string]int64{}, map[string]bool{}
				for range rng.Intn(5) {
					h.Incr[str()] = num()
					h.Void[str()] = rng.Intn(2) == 0
				}
			}
			r.Hold = h
		}
		if rng.Intn(2) == 0 {
			r.Answer = &answer{JIT: str(), Approved: rng.Intn(2) == 0, Amount: num(), Reason: str(), At: num()}
		}
		if rng.Intn(4) == 0 {
			r.Credit = &creditKey{Key: str(), Amount: num()}
		}
		checkRecordEncoding(t, r)
	}
}

func FuzzAppendRecord(f *testing.F) {
	f.Add("u1", "USD", "j1", "t1", "INSUFFICIENT_FUNDS", int64(4217), true)
	f.Add("<&>", "\xff", "\u2028", "", "\"", int64(-1), false)
	f.Fuzz(func(t *testing.T, acct, cur, jitTok, txn, reason string, amount int64, ok bool) {
		checkRecordEncoding(t, &record{
			Acct: Key{Token: acct, Currency: cur}, At: amount, Ledger: -amount, Seen: txn, Day: reason, Count: int(amount % 7),
			Hold: &hold{ID: jitTok, JIT: []string{jitTok, txn}, Txn: []string{txn}, Auth: amount, AuthKnown: ok,
				Incr: map[string]int64{txn: amount, reason: -amount}, Void: map[string]bool{reason: ok}, State: HoldState(reason)},
			Answer: &answer{JIT: jitTok, Approved: ok, Amount: amount, Reason: reason, At: amount},
			Credit: &creditKey{Key: acct + txn, Amount: amount},
		})
	})
}

// Records written before holds left out their zero fields (every field
// spelled out, nulls included) replay to the same state as records written
// now.
func TestReplayReadsRecordsWithEveryField(t *testing.T) {
	old := []string{
		`{"a":{"t":"u","c":"USD"},"at":1,"l":50000,"credit":{"key":"k","amt":50000}}`,
		`{"a":{"t":"u","c":"USD"},"at":2,"h":{"id":"j1","jit":["j1"],"txn":["t1"],"auth":1234,"auth_known":true,"incr":null,"void":null,"released":0,"consumed":0,"state":"OPEN","debit":false,"debited":0,"created":2,"closed":0},"ans":{"jit":"j1","ok":true,"amt":1234,"at":2},"day":"2026-11-28","count":1}`,
	}
	r := New(Config{}, &memJournal{})
	for i, rec := range old {
		if err := r.Replay(pos(i+1), []byte(rec)); err != nil {
			t.Fatal(err)
		}
	}
	l, _ := newTestLedger(t, Config{})
	mustCredit(t, l, usd("u"), 500_00)
	ans, err := l.Decide(ctx, Request{Kind: Authorize, Account: usd("u"), JITToken: "j1", TxnToken: "t1", Amount: 1234, Day: "2026-11-28"})
	if err != nil || !ans.Approved {
		t.Fatalf("decide: %+v, %v", ans, err)
	}
	want, _ := l.Account(ctx, usd("u"))
	got, _ := r.Account(ctx, usd("u"))
	if !reflect.DeepEqual(got, want) || got.Pending != 1234 {
		t.Fatalf("replayed %+v, want %+v", got, want)
	}
}
