package api

import (
	"net/http"
	"strings"

	"github.com/jitsim/jitsim/jit"
)

// Handlers of /v3/transactions.

func (h *handler) getTransaction(w http.ResponseWriter, r *http.Request, p params) {
	t, err := h.e.Transaction(p["token"])
	answer(w, http.StatusOK, t, err)
}

// listTransactions filters by user_token, card_token, state (a comma list;
// PENDING,COMPLETION when absent, as the spec says) and type (a comma
// list), newest first unless sort_by says otherwise.
func (h *handler) listTransactions(w http.ResponseWriter, r *http.Request, _ params) {
	q := r.URL.Query()
	states := commaSet(q.Get("state"))
	if q.Get("state") == "" {
		states = commaSet(jit.StatePending + "," + jit.StateCompletion)
	}
	types := commaSet(q.Get("type"))
	var out []*jit.Transaction
	for _, t := range h.e.Transactions(q.Get("user_token"), q.Get("card_token")) {
		if states[t.State] && (len(types) == 0 || types[t.Type]) {
			out = append(out, t)
		}
	}
	utt := func(t *jit.Transaction) string { return t.UserTransactionTime }
	listPage(w, r, out, 10, "-user_transaction_time", sortKeys[*jit.Transaction]{
		"user_transaction_time": utt, "userTransactionTime": utt, "createdTime": nil, "created_time": nil,
	})
}

func commaSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			m[v] = true
		}
	}
	return m
}
