package api

import (
	"context"
	"net/http"
	"time"

	"github.com/jitsim/jitsim/simulator"
)

// Handlers of /v3/webhooks: webhooks.

type webhookConfig struct {
	URL               string            `json:"url" api:"required"`
	BasicAuthUsername string            `json:"basic_auth_username" api:"required"`
	BasicAuthPassword string            `json:"basic_auth_password" api:"required"`
	Secret            string            `json:"secret"`
	CustomHeader      map[string]string `json:"custom_header"`
	UseMTLS           *bool             `json:"use_mtls"`
}

// webhookRequest is webhook_request_model; PUT takes the same without
// token (webhook_base_model).
type webhookRequest struct {
	Token  string         `json:"token"`
	Name   string         `json:"name" api:"required"`
	Active *bool          `json:"active"`
	Events []string       `json:"events" api:"required"`
	Config *webhookConfig `json:"config" api:"required"`
}

func (req *webhookRequest) webhook() simulator.Webhook {
	c := req.Config
	return simulator.Webhook{Token: req.Token, Name: req.Name, Active: req.Active, Events: req.Events, Config: simulator.WebhookConfig{
		URL: c.URL, BasicAuthUsername: c.BasicAuthUsername, BasicAuthPassword: c.BasicAuthPassword,
		Secret: c.Secret, CustomHeader: c.CustomHeader, UseMTLS: c.UseMTLS,
	}}
}

func (h *handler) createWebhook(w http.ResponseWriter, r *http.Request, _ params) {
	var req webhookRequest
	if !decodeOr(w, r, &req) {
		return
	}
	wh, err := h.e.CreateWebhook(req.webhook())
	answer(w, http.StatusCreated, wh, err)
}

func (h *handler) listWebhooks(w http.ResponseWriter, r *http.Request, _ params) {
	hooks := h.e.ListWebhooks()
	if r.URL.Query().Get("active") != "" {
		active, err := queryBool(r, "active")
		if err != nil {
			writeError(w, err)
			return
		}
		kept := hooks[:0]
		for _, wh := range hooks {
			if (wh.Active != nil && *wh.Active) == active {
				kept = append(kept, wh)
			}
		}
		hooks = kept
	}
	listPage(w, r, hooks, 5, "-createdTime", timeKeys(func(wh simulator.Webhook) string { return wh.LastModifiedTime }))
}

func (h *handler) getWebhook(w http.ResponseWriter, r *http.Request, p params) {
	wh, err := h.e.Webhook(p["token"])
	answer(w, http.StatusOK, wh, err)
}

func (h *handler) updateWebhook(w http.ResponseWriter, r *http.Request, p params) {
	var req webhookRequest
	if !decodeOr(w, r, &req) {
		return
	}
	wh, err := h.e.UpdateWebhook(p["token"], req.webhook())
	answer(w, http.StatusOK, wh, err)
}

// pingTimeout is how long Marqeta waits for a pinged endpoint.
const pingTimeout = 5 * time.Second

// pingAnswer is webhook_ping_model.
type pingAnswer struct {
	Pings []pingEcho `json:"pings"`
}

// pingEcho is echo_ping_request.
type pingEcho struct {
	Token   string `json:"token"`
	Payload string `json:"payload"`
}

// pingWebhook sends {"pings":[{"token":"marqeta","payload":"healthcheck"}]}
// to the endpoint through the dispatcher (the attempt is recorded). 200
// from the endpoint answers 200 with the ping; anything else is 422 with
// error_code 422600 "Webhook operation failed …".
func (h *handler) pingWebhook(w http.ResponseWriter, r *http.Request, p params) {
	if _, err := h.e.Webhook(p["token"]); err != nil {
		writeError(w, err)
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), pingTimeout)
	defer cancel()
	a, err := h.e.Webhooks().Ping(ctx, p["token"])
	switch {
	case err != nil:
		writeError(w, err)
	case !a.Delivered:
		detail := a.Err
		if detail == "" {
			detail = "endpoint answered HTTP " + http.StatusText(a.Status)
		}
		writeError(w, &pingFailure{detail: detail})
	default:
		writeJSON(w, http.StatusOK, pingAnswer{Pings: []pingEcho{{Token: "marqeta", Payload: "healthcheck"}}})
	}
}

// listAttempts (jitsim extension) lists every delivery attempt to a
// webhook, pings included, oldest first, in the list envelope (count
// defaults to 100).
func (h *handler) listAttempts(w http.ResponseWriter, r *http.Request, p params) {
	if _, err := h.e.Webhook(p["token"]); err != nil {
		writeError(w, err)
		return
	}
	var out []attemptView
	for _, a := range h.e.Webhooks().Attempts(p["token"]) {
		v := attemptView{
			ID: a.ID, BatchID: a.BatchID, Endpoint: a.Endpoint, Type: a.Type, Tokens: a.Tokens, Try: a.Try,
			At: a.At.UTC().Format(time.RFC3339Nano), Status: a.Status, DurationMillis: a.Duration.Milliseconds(),
			Error: a.Err, Delivered: a.Delivered,
		}
		if !a.NextRetry.IsZero() {
			v.NextRetry = a.NextRetry.UTC().Format(time.RFC3339Nano)
		}
		out = append(out, v)
	}
	listPage(w, r, out, 100, "", nil)
}

// attemptView is one delivery attempt as GET /webhooks/{token}/attempts
// shows it: type "ping" for a ping, else the transaction type of the batch
// with its transaction tokens; status 0 when no HTTP answer came (error
// says why); next_retry when another try is scheduled.
type attemptView struct {
	ID             int64    `json:"id"`
	BatchID        string   `json:"batch_id,omitempty"`
	Endpoint       string   `json:"endpoint"`
	Type           string   `json:"type"`
	Tokens         []string `json:"tokens,omitempty"`
	Try            int      `json:"try"`
	At             string   `json:"at"`
	Status         int      `json:"status"`
	DurationMillis int64    `json:"duration_ms"`
	Error          string   `json:"error,omitempty"`
	NextRetry      string   `json:"next_retry,omitempty"`
	Delivered      bool     `json:"delivered"`
}
