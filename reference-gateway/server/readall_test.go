package server

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
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
			got, err := readAll(r, tc.length, tc.limit)
			if err != nil || string(got) != body {
				t.Fatalf("readAll = %d bytes, %v; want the %d-byte body", len(got), err, len(body))
			}
		})
	}
	t.Run("empty", func(t *testing.T) {
		got, err := readAll(strings.NewReader(""), 0, 10)
		if err != nil || len(got) != 0 {
			t.Fatalf("readAll = %q, %v", got, err)
		}
	})
	t.Run("error after data", func(t *testing.T) {
		boom := errors.New("boom")
		r := io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom))
		got, err := readAll(r, 100, 1000)
		if !errors.Is(err, boom) || !bytes.Equal(got, []byte("abc")) {
			t.Fatalf("readAll = %q, %v; want abc and boom", got, err)
		}
	})
}
