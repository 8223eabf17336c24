package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/jitsim/jitsim/jit"
)

// TestReadAll checks that the length hint never changes what is read: a
// hint that is right, short, long, unknown or over the limit, through
// readers that return a byte at a time or fail.
func TestReadAll(t *testing.T) {
	body := strings.Repeat("0123456789", 250) // 2,500 bytes
	for _, tc := range []struct {
		name          string
		length, limit int64
		oneByte       bool
	}{
		{"exact", 2500, 1 << 20, false},
		{"exact, a byte at a time", 2500, 1 << 20, true},
		{"unknown", -1, 1 << 20, false},
		{"zero", 0, 1 << 20, false},
		{"short hint", 100, 1 << 20, false},
		{"short hint, a byte at a time", 1, 1 << 20, true},
		{"long hint", 9000, 1 << 20, false},
		{"hint over the limit", 1 << 30, 1 << 20, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r io.Reader = strings.NewReader(body)
			if tc.oneByte {
				r = iotest.OneByteReader(r)
			}
			got, err := readAll(nil, r, tc.length, tc.limit)
			if err != nil || string(got) != body {
				t.Fatalf("readAll = %d bytes, %v; want the %d-byte body", len(got), err, len(body))
			}
		})
	}
	t.Run("empty", func(t *testing.T) {
		got, err := readAll(nil, strings.NewReader(""), 0, 10)
		if err != nil || len(got) != 0 {
			t.Fatalf("readAll = %q, %v", got, err)
		}
	})
	t.Run("error after data", func(t *testing.T) {
		boom := errors.New("boom")
		r := io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom))
		got, err := readAll(nil, r, 100, 1000)
		if !errors.Is(err, boom) || !bytes.Equal(got, []byte("abc")) {
			t.Fatalf("readAll = %q, %v; want abc and boom", got, err)
		}
	})
}

// TestBodyBuffersReused sends concurrent funding requests of different
// sizes (request bodies share recycled buffers) and checks that each
// answer echoes its own request, so that no body is read after it was
// handed back or was overwritten by another request's.
func TestBodyBuffersReused(t *testing.T) {
	g := startGateway(t, nil)
	const workers, each = 8, 40
	for w := range workers {
		g.fund(fmt.Sprintf("u%d", w), 1_000_000)
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := fmt.Sprintf("u%d", w)
			for i := range each {
				tok := fmt.Sprintf("j-%d-%d", w, i)
				amount := fmt.Sprintf("%d.%02d", 1+i, w)
				body := jitRequest(jit.TypeAuthorization, jit.MethodAuthorization, user, tok, "t-"+tok, amount, func(tx *jit.Transaction) {
					tx.CardAcceptor.Name = strings.Repeat("n", (w*each+i)*37%3000) // bodies from 1 KB to 4 KB
				})
				status, out := g.post("/jit", body)
				jf := jitFunding(out)
				if status != 200 || jf["token"] != tok || jf["user_token"] != user || fmt.Sprint(jf["amount"]) != strings.TrimRight(strings.TrimRight(amount, "0"), ".") {
					errs <- fmt.Errorf("request %s (amount %s): answer %d %v", tok, amount, status, jf)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for w := range workers {
		var want int64
		for i := range each {
			want += int64((1+i)*100 + w)
		}
		if b := g.balance(fmt.Sprintf("u%d", w)); b.Pending != want {
			t.Errorf("u%d: pending %d, want %d", w, b.Pending, want)
		}
	}
}
