package simulator

import (
	"context"
	"fmt"
	"net/url"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator/webhook"
)

// Webhook targets: one-off receivers of a single transaction's webhook, as
// the legacy /simulate endpoints' "webhook" object names them. Each distinct
// target has a dispatcher of its own (the engine's Config.Webhooks options,
// the engine's clock), so its deliveries are batched, signed, retried and
// recorded as the registered webhooks' are, and only the transactions sent
// to it reach it.

// WebhookTarget is a one-off webhook receiver (CoreAPI.yaml's webhook
// object: endpoint, username, password, secret).
type WebhookTarget struct {
	URL      string // endpoint, http(s), at most 512 characters
	Username string
	Password string
	Secret   string // signs bodies (X-Marqeta-Signature, HMAC-SHA256) when set
}

// MaxWebhookTargets bounds how many distinct targets an engine keeps.
const MaxWebhookTargets = 100

// CheckWebhookTarget returns an EINVALID *jit.Error naming the field when
// t is not a usable target: endpoint, username and password are required,
// and the endpoint must be an http(s) URL of at most 512 characters.
func CheckWebhookTarget(t WebhookTarget) error {
	switch {
	case t.URL == "" || len(t.URL) > 512:
		return jit.Errorf(jit.EINVALID, "webhook.endpoint is required (1 to 512 characters)")
	case t.Username == "":
		return jit.Errorf(jit.EINVALID, "webhook.username is required")
	case t.Password == "":
		return jit.Errorf(jit.EINVALID, "webhook.password is required")
	}
	if u, err := url.Parse(t.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return jit.Errorf(jit.EINVALID, "webhook.endpoint %q is not an http(s) URL", t.URL)
	}
	return nil
}

// targetDispatcher is one target's dispatcher; its endpoint token names the
// target in attempts.
type targetDispatcher struct {
	token string
	d     *webhook.Dispatcher
}

// AddWebhookTarget makes target known to the engine (it is a no-op for a
// known one), so that a later SendWebhookTo to it cannot be refused. It
// returns EINVALID for a bad target or when MaxWebhookTargets distinct
// targets are in use.
func (e *Engine) AddWebhookTarget(target WebhookTarget) error {
	if err := CheckWebhookTarget(target); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	_, err := e.targetFor(target)
	return err
}

// SendWebhookTo queues the webhook of transaction tok (as the registered
// webhooks got it) for target as well, whatever events the registered
// webhooks take. It is delivered by the next FlushWebhooks. It returns
// EINVALID as AddWebhookTarget does, and ENOTFOUND for an unknown
// transaction.
func (e *Engine) SendWebhookTo(target WebhookTarget, tok string) error {
	if err := CheckWebhookTarget(target); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	t, ok := e.txns.get(tok)
	if !ok {
		return jit.Errorf(jit.ENOTFOUND, "transaction %s not found", tok)
	}
	td, err := e.targetFor(target)
	if err != nil {
		return err
	}
	td.d.Enqueue(*cloneTxn(t))
	return nil
}

// targetFor returns target's dispatcher, creating it. e.mu held.
func (e *Engine) targetFor(target WebhookTarget) (*targetDispatcher, error) {
	if td, ok := e.targets[target]; ok {
		return td, nil
	}
	if len(e.targets) >= MaxWebhookTargets {
		return nil, jit.Errorf(jit.EINVALID, "at most %d distinct webhook endpoints may be named in simulations", MaxWebhookTargets)
	}
	td := &targetDispatcher{token: fmt.Sprintf("simulate-webhook-%d", len(e.targetOrder)+1), d: webhook.New(e.clock, e.cfg.Webhooks)}
	td.d.SetEndpoint(webhook.Endpoint{
		Token: td.token, Name: "simulation webhook", URL: target.URL, Username: target.Username,
		Password: target.Password, Secret: target.Secret, Events: []string{"*"}, Active: true,
	})
	e.targets[target] = td
	e.targetOrder = append(e.targetOrder, td)
	return td, nil
}

// FlushWebhooks sends every queued webhook now: the registered webhooks'
// first, then each target's. Failed deliveries are retried later on the
// clock. The error is ctx's, if it ends first.
func (e *Engine) FlushWebhooks(ctx context.Context) error {
	if err := e.webhooks.Flush(ctx); err != nil {
		return err
	}
	for _, td := range e.targetList() {
		if err := td.d.Flush(ctx); err != nil {
			return err
		}
	}
	return nil
}

// WebhookTargetAttempts lists the delivery attempts to webhook targets,
// target by target in the order they were first named, oldest first. An
// attempt's Endpoint is "simulate-webhook-N" for the N-th target.
func (e *Engine) WebhookTargetAttempts() []webhook.Attempt {
	var out []webhook.Attempt
	for _, td := range e.targetList() {
		out = append(out, td.d.Attempts("")...)
	}
	return out
}

// WebhookTargetsPending counts target events neither delivered nor given
// up on.
func (e *Engine) WebhookTargetsPending() int {
	n := 0
	for _, td := range e.targetList() {
		n += td.d.Pending()
	}
	return n
}

func (e *Engine) targetList() []*targetDispatcher {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]*targetDispatcher(nil), e.targetOrder...)
}

func (e *Engine) closeTargets() {
	for _, td := range e.targetList() {
		td.d.Close()
	}
}
