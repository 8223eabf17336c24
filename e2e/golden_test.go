package e2e

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// wireLog keeps the exact bodies the gateway received on /jit and
// /webhooks, in arrival order.
type wireLog struct {
	mu       sync.Mutex
	messages []json.RawMessage
}

type wireMessage struct {
	Path string          `json:"path"`
	Body json.RawMessage `json:"body"`
}

func (l *wireLog) record(r *http.Request) {
	if r.URL.Path != "/jit" && r.URL.Path != "/webhooks" {
		return
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	m, _ := json.Marshal(wireMessage{Path: r.URL.Path, Body: body})
	l.mu.Lock()
	l.messages = append(l.messages, m)
	l.mu.Unlock()
}

func (l *wireLog) reset() {
	l.mu.Lock()
	l.messages = nil
	l.mu.Unlock()
}

// compareGolden checks the messages against testdata/golden/<name>.json
// byte for byte, or rewrites it with -update. The simulator is seeded and
// runs on a virtual clock, so the messages are the same on every run.
func (l *wireLog) compareGolden(t *testing.T, name string) {
	t.Helper()
	l.mu.Lock()
	got, err := json.MarshalIndent(l.messages, "", "  ")
	l.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "golden", strings.NewReplacer(" ", "-", ",", "", ":", "").Replace(name)+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./e2e -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("%s differs from the golden file at line %d:\n got %s\nwant %s\n(run go test ./e2e -update if the change is intended)", path, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s differs in length: got %d lines, want %d", path, len(gl), len(wl))
	}
}
