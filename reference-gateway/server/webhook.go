package server

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"net/http"
	"strings"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/reference-gateway/ledger"
)

// webhookResult is the body of a 200 answer to a webhook, for people and
// tests; Marqeta only reads the status.
type webhookResult struct {
	Applied    int `json:"applied"`
	Duplicates int `json:"duplicates"`
	Ignored    int `json:"ignored"`
	Pings      int `json:"pings,omitempty"`
}

// handleWebhook books a transaction webhook. Every event is checked before
// any is booked, so a malformed batch changes nothing; the answer is 200 only
// once every event's effect is durable, and a duplicate event is booked once.
func (s *Server) handleWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(w, r, s.auth, s.cfg.MaxBodyBytes)
	defer releaseBody(body)
	if err == nil {
		err = s.checkSignature(r, body)
	}
	if err != nil {
		s.metrics.rejected("webhooks", err)
		writeError(w, err)
		return
	}
	env, pings, err := jit.DecodeWebhook(body)
	if err != nil {
		s.metrics.rejected("webhooks", err)
		writeError(w, err)
		return
	}
	if env == nil {
		writeJSON(w, http.StatusOK, webhookResult{Pings: len(pings)})
		return
	}
	events := make([]ledger.Event, 0, len(env.Transactions))
	types := make([]string, 0, len(env.Transactions))
	var res webhookResult
	for i := range env.Transactions {
		t := &env.Transactions[i]
		e, ok, err := toEvent(t)
		if err != nil {
			s.metrics.rejected("webhooks", err)
			writeError(w, err)
			return
		}
		if !ok {
			res.Ignored++
			s.metrics.event(t.Type, "ignored")
			continue
		}
		events = append(events, e)
		types = append(types, t.Type)
	}
	for i, e := range events {
		applied, err := s.store.Apply(r.Context(), e)
		if err != nil {
			s.log.Error("webhook event failed", "token", e.Token, "err", err)
			s.metrics.rejected("webhooks", err)
			writeError(w, err)
			return
		}
		if applied {
			res.Applied++
			s.metrics.event(types[i], "applied")
		} else {
			res.Duplicates++
			s.metrics.event(types[i], "duplicate")
		}
	}
	writeJSON(w, http.StatusOK, res)
}

// checkSignature verifies X-Marqeta-Signature when a webhook secret is
// configured: the hex HMAC of the raw body, SHA-256 (64 hex digits) or SHA-1
// (40). It returns an EUNAUTHORIZED error when it is missing or wrong.
func (s *Server) checkSignature(r *http.Request, body []byte) error {
	if s.cfg.WebhookSecret == "" {
		return nil
	}
	sig := strings.TrimSpace(r.Header.Get("X-Marqeta-Signature"))
	if sig == "" {
		return jit.Errorf(jit.EUNAUTHORIZED, "missing X-Marqeta-Signature")
	}
	got, err := hex.DecodeString(sig)
	if err != nil {
		return jit.Errorf(jit.EUNAUTHORIZED, "X-Marqeta-Signature is not hex")
	}
	var h func() hash.Hash
	switch len(got) {
	case sha256.Size:
		h = sha256.New
	case sha1.Size:
		h = sha1.New
	default:
		return jit.Errorf(jit.EUNAUTHORIZED, "X-Marqeta-Signature has %d bytes; want an HMAC-SHA256 or HMAC-SHA1", len(got))
	}
	mac := hmac.New(h, []byte(s.cfg.WebhookSecret))
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return jit.Errorf(jit.EUNAUTHORIZED, "X-Marqeta-Signature does not match the body")
	}
	return nil
}
