package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator/webhook"
)

// delivery is how the next flush sends its batches.
type delivery struct {
	reverse bool // newest first, events within a batch reversed too
}

// intercept is the dispatcher's hook: it applies the delivery mode and
// keeps what is sent, for duplicates and the log.
func (w *World) intercept(batches []webhook.Batch) []webhook.Batch {
	w.mu.Lock()
	d := w.delivery
	w.delivery = delivery{}
	w.mu.Unlock()
	if d.reverse {
		out := make([]webhook.Batch, len(batches))
		for i, b := range batches {
			b.Events = slices.Clone(b.Events)
			slices.Reverse(b.Events)
			out[len(batches)-1-i] = b
		}
		batches = out
	}
	w.mu.Lock()
	w.sent = append(w.sent, batches...)
	w.mu.Unlock()
	return batches
}

// HoldWebhooks makes webhooks wait until DeliverWebhooks (on) or go out
// before every balance check (off, the default).
func (w *World) HoldWebhooks(on bool) { w.hold = on }

// DeliverWebhooks sends every queued webhook now, oldest first, and checks
// the gateway accepted each with HTTP 200; a rejected one is an
// *ExpectationError.
func (w *World) DeliverWebhooks(ctx context.Context) error {
	attempts, err := w.flush(ctx)
	if err != nil {
		return err
	}
	return w.expectDelivered(attempts)
}

// DeliverWebhooksReversed sends every queued webhook newest first (a
// clearing before its authorization, say), and checks each was accepted.
func (w *World) DeliverWebhooksReversed(ctx context.Context) error {
	w.mu.Lock()
	w.delivery.reverse = true
	w.mu.Unlock()
	return w.DeliverWebhooks(ctx)
}

// DeliverWebhooksTwice sends every queued webhook, then sends the very same
// messages again (bodies byte for byte, as an at-least-once retry would),
// and checks every send was accepted.
func (w *World) DeliverWebhooksTwice(ctx context.Context) error {
	w.mu.Lock()
	w.sent = nil
	w.mu.Unlock()
	if err := w.DeliverWebhooks(ctx); err != nil {
		return err
	}
	w.mu.Lock()
	again := slices.Clone(w.sent)
	w.mu.Unlock()
	if len(again) == 0 {
		return jit.Errorf(jit.EINVALID, "no webhook was queued to deliver twice")
	}
	for _, b := range again {
		body, _ := json.Marshal(jit.WebhookEnvelope{Transactions: b.Events})
		ans, err := w.SendRaw(ctx, RawRequest{Endpoint: EndpointWebhooks, Body: body, What: "the same " + b.Type + " webhook again", Sign: true})
		if err != nil {
			return err
		}
		if ans.Status != 200 {
			return w.fail("duplicate "+b.Type+" webhook", "HTTP 200 (already booked, acknowledged again)", fmt.Sprintf("HTTP %d %s", ans.Status, clipBody(ans.Body)))
		}
	}
	return nil
}

// flush delivers queued webhooks and returns the attempts it made.
func (w *World) flush(ctx context.Context) ([]webhook.Attempt, error) {
	if err := w.engine.Webhooks().Flush(ctx); err != nil {
		return nil, fmt.Errorf("deliver webhooks: %w", err)
	}
	return w.newAttempts(), nil
}

// newAttempts returns the attempts made since the last call, logging each.
func (w *World) newAttempts() []webhook.Attempt {
	all := w.engine.Webhooks().Attempts("")
	if w.marks > len(all) {
		w.marks = len(all)
	}
	fresh := all[w.marks:]
	w.marks = len(all)
	for _, a := range fresh {
		ans := fmt.Sprintf("HTTP %d", a.Status)
		if a.Status == 0 {
			ans = a.Err
		}
		w.log.Addf("Marqeta → gateway: webhook %s (%d event(s) %s, try %d) ⇒ %s", a.Type, len(a.Tokens), shortAll(a.Tokens), a.Try, ans)
	}
	return fresh
}

func shortAll(toks []string) string {
	s := make([]string, len(toks))
	for i, t := range toks {
		s[i] = short(t)
	}
	return strings.Join(s, ", ")
}

func (w *World) expectDelivered(attempts []webhook.Attempt) error {
	for _, a := range attempts {
		if !a.Delivered {
			got := fmt.Sprintf("HTTP %d", a.Status)
			if a.Status == 0 {
				got = a.Err
			}
			return w.fail("delivery of the "+a.Type+" webhook", "HTTP 200", got)
		}
	}
	return nil
}

// settle delivers queued webhooks unless they are held back.
func (w *World) settle(ctx context.Context) error {
	if w.hold {
		return nil
	}
	return w.DeliverWebhooks(ctx)
}

// DeliverWebhooksWithPassword sends every queued webhook with another
// Basic auth password and expects the gateway to refuse each with HTTP 401
// or 403. The webhook's password is restored afterwards; Marqeta retries
// the refused messages later (RetryWebhooks).
func (w *World) DeliverWebhooksWithPassword(ctx context.Context, password string) error {
	if _, err := w.engine.UpdateWebhook(w.hook, w.webhookSpec(password)); err != nil {
		return fmt.Errorf("set webhook password: %w", err)
	}
	attempts, err := w.flush(ctx)
	if _, rerr := w.engine.UpdateWebhook(w.hook, w.webhookSpec(w.target.Password)); rerr != nil && err == nil {
		err = fmt.Errorf("restore webhook password: %w", rerr)
	}
	if err != nil {
		return err
	}
	if len(attempts) == 0 {
		return jit.Errorf(jit.EINVALID, "no webhook was queued")
	}
	for _, a := range attempts {
		if a.Status != 401 && a.Status != 403 {
			return w.fail("webhook "+a.Type+" sent with a wrong password", "HTTP 401 or 403", fmt.Sprintf("HTTP %d %s", a.Status, a.Err))
		}
	}
	return nil
}

// RetryWebhooks lets Marqeta's retry schedule run (the virtual clock moves
// past every pending retry) and checks the retried messages were accepted.
func (w *World) RetryWebhooks(ctx context.Context) error {
	w.clock.Advance(5 * time.Second)
	for i := 0; i < 10 && w.engine.Webhooks().Stats().RetriesPending > 0; i++ {
		next, ok := w.clock.Next()
		if !ok {
			break
		}
		w.clock.AdvanceTo(next)
	}
	attempts := w.newAttempts()
	if len(attempts) == 0 {
		return jit.Errorf(jit.EINVALID, "no webhook was waiting for a retry")
	}
	return w.expectDelivered(attempts)
}

// SendEventWebhook posts the webhook of the event labelled ref on its own,
// signed with secret ("" for no signature header), with the right Basic
// auth, and returns the gateway's answer.
func (w *World) SendEventWebhook(ctx context.Context, ref, secret string) (*RawAnswer, error) {
	ev, err := w.Ref(ref)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(jit.WebhookEnvelope{Transactions: []jit.Transaction{*ev.Txn}})
	if err != nil {
		return nil, fmt.Errorf("encode webhook: %w", err)
	}
	r := RawRequest{Endpoint: EndpointWebhooks, Body: body, What: ev.Action + " webhook"}
	switch secret {
	case "":
		r.What += " without a signature"
		r.NoSignature = true
	default:
		r.Signature = webhook.Sign("sha256", secret, body)
		r.What += " signed with another secret"
	}
	return w.SendRaw(ctx, r)
}

func clipBody(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}
