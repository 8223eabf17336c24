package servertest

import (
	"net/http"
	"testing"

	"github.com/jitsim/jitsim/reference-gateway/server"
)

func TestStart(t *testing.T) {
	var wrapped int
	base, s := Start(t, server.Config{Username: "u", Password: "p"}, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { wrapped++; h.ServeHTTP(w, r) })
	})
	if s == nil {
		t.Fatal("no server")
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || wrapped != 1 {
		t.Fatalf("status %d, wrapper ran %d times", resp.StatusCode, wrapped)
	}
	// Every other endpoint wants the credentials given.
	resp, err = http.Post(base+"/jit", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("/jit without auth: %d", resp.StatusCode)
	}
}
