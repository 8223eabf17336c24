// Package floor is the speed floor of design.md §6: a bare net/http
// handler that decodes a JIT funding request and echoes its jit_funding
// with 200, doing none of a gateway's work (no auth, ledger or journal).
// The side-by-side benchmark and the generator benchmark measure against
// it.
package floor

import (
	"encoding/json"
	"io"
	"net/http"

	"github.com/jitsim/jitsim/jit"
)

// Handler answers a JIT request with 200 and its jit_funding echoed, and a
// body that is not a funding request with 400 and the decoder's error.
var Handler http.Handler = http.HandlerFunc(serve)

func serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	t, err := jit.DecodeTransaction(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	jf := t.JITFundingOf()
	if jf == nil {
		http.Error(w, "no jit_funding", http.StatusBadRequest)
		return
	}
	data, err := json.Marshal(jit.JITResponse{JITFunding: *jf})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(append(data, '\n'))
}
