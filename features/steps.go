package features

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/cucumber/godog"

	"github.com/jitsim/jitsim/harness"
	"github.com/jitsim/jitsim/jit"
)

// amt matches an amount as the features write it: $42.17, $1,000.00, -$20.00.
const amt = `(-?\$[0-9][0-9,]*\.[0-9]{2})`

// wrongPassword is what Marqeta sends when a scenario wants the credentials
// wrong (long enough for Marqeta to accept it on the funding source).
const wrongPassword = "not-the-gateway-password-0000"

// register binds every step. Steps only parse their arguments and call the
// harness.
func (s *scenario) register(ctx *godog.ScenarioContext) {
	// Cardholders and funding.
	ctx.Step(`^a cardholder with `+amt+`$`, s.cardholder)
	ctx.Step(`^the account is credited `+amt+` with idempotency key "([^"]+)"$`, s.credit)

	// Network events.
	ctx.Step(`^(?:an|another) authorization for `+amt+` arrives$`, s.authorize(""))
	ctx.Step(`^(?:an|another) authorization for `+amt+` arrives from merchant category (\d{4})$`, s.authorizeAt)
	ctx.Step(`^(\d+) authorizations for `+amt+` arrive$`, s.authorizeMany)
	ctx.Step(`^a pre-authorization for `+amt+` arrives from a fuel pump$`, s.fuel)
	ctx.Step(`^a zero-amount account verification arrives$`, s.verify)
	ctx.Step(`^a balance inquiry arrives$`, s.inquiry)
	ctx.Step(`^a PIN debit for `+amt+` arrives$`, s.pinDebit)
	ctx.Step(`^an incremental authorization for `+amt+` arrives$`, s.incremental)
	ctx.Step(`^an advice lowers the authorization to `+amt+`$`, s.advice)
	ctx.Step(`^the authorization clears for `+amt+`$`, s.clear)
	ctx.Step(`^clearing (\d+) of (\d+) arrives for `+amt+`$`, s.multiClear)
	ctx.Step(`^a force post of `+amt+` arrives$`, s.forcePost)
	ctx.Step(`^the merchant reverses the authorization$`, s.reverse(false))
	ctx.Step(`^the merchant tries to reverse the authorization$`, s.reverse(true))
	ctx.Step(`^the merchant reverses `+amt+` of the authorization$`, s.reversePart)
	ctx.Step(`^the merchant refunds `+amt+` of the clearing$`, s.refund)
	ctx.Step(`^an unlinked refund of `+amt+` arrives$`, s.refundUnlinked)
	ctx.Step(`^the authorization expires$`, s.expire)

	// Webhooks.
	ctx.Step(`^Marqeta holds back the webhooks$`, s.holdWebhooks)
	ctx.Step(`^the webhooks are delivered$`, s.deliver)
	ctx.Step(`^the webhooks are delivered newest first$`, s.deliverReversed)
	ctx.Step(`^every webhook is delivered twice$`, s.deliverTwice)
	ctx.Step(`^the webhooks are delivered with a wrong password$`, s.deliverWrongPassword)
	ctx.Step(`^Marqeta retries the webhooks$`, s.retry)
	ctx.Step(`^the clearing webhook arrives signed with another secret$`, s.badSignature(false))
	ctx.Step(`^the clearing webhook arrives without a signature$`, s.badSignature(true))

	// The path to the gateway, stand-in, duplicates, raw input.
	ctx.Step(`^the gateway is too slow to answer within the timeout$`, s.gateway(harness.GatewaySlow))
	ctx.Step(`^the gateway's answers arrive after the timeout$`, s.gateway(harness.GatewayLateAnswer))
	ctx.Step(`^the gateway's requests are held until after the timeout webhook$`, s.gateway(harness.GatewayHeld))
	ctx.Step(`^the gateway is down$`, s.gateway(harness.GatewayDown))
	ctx.Step(`^the gateway is back up$`, s.gateway(harness.GatewayUp))
	ctx.Step(`^the late request finally reaches the gateway$`, s.releaseLate)
	ctx.Step(`^Marqeta stands in when the gateway (times out|cannot be reached)$`, s.standIn)
	ctx.Step(`^Marqeta is in Commando Mode$`, s.commando(true))
	ctx.Step(`^Commando Mode ends$`, s.commando(false))
	ctx.Step(`^Marqeta calls the gateway with a wrong password$`, s.wrongJITPassword)
	ctx.Step(`^Marqeta sends the same JIT request again$`, s.resend)
	ctx.Step(`^a JIT request for `+amt+` arrives without credentials$`, s.rawNoAuth)
	ctx.Step(`^a (JIT request|webhook) arrives whose body is (.+)$`, s.malformed)

	// Expectations.
	ctx.Step(`^it is approved$`, s.approved)
	ctx.Step(`^it is declined(?: with ([A-Z_]+))?$`, s.declined)
	ctx.Step(`^the gateway answered HTTP (\d{3})$`, s.status)
	ctx.Step(`^the gateway refused the credentials$`, s.refusedCredentials)
	ctx.Step(`^Marqeta declined it after the timeout$`, s.timedOut)
	ctx.Step(`^Marqeta approved it on the gateway's behalf$`, s.stoodIn)
	ctx.Step(`^the cardholder has `+amt+` available, `+amt+` on the ledger and `+amt+` pending$`, s.balances)
	ctx.Step(`^the balance inquiry answers `+amt+` available and `+amt+` on the ledger$`, s.inquiryAnswer)
	ctx.Step(`^the gateway holds `+amt+` for the authorization$`, s.holds)
	ctx.Step(`^the network refuses the reversal$`, s.networkRefused)
	ctx.Step(`^the gateway refused it$`, s.rawRefused)
	ctx.Step(`^the gateway rejected it as malformed$`, s.rawMalformed)
	ctx.Step(`^the gateway did not approve it$`, s.rawNotApproved)
}

func (s *scenario) cardholder(ctx context.Context, funds string) error {
	_, err := s.w.AddCardholder(ctx, "", funds)
	if errors.Is(err, harness.ErrNoAccount) {
		return s.skipf("black-box: no unused pre-funded account holding " + funds)
	}
	return err
}

func (s *scenario) credit(ctx context.Context, amount, key string) error {
	h, err := s.w.Cardholder("")
	if err != nil {
		return err
	}
	return s.w.Credit(ctx, "", amount, h.UserToken+"-"+key)
}

func (s *scenario) authorize(mcc string) func(context.Context, string) error {
	return func(ctx context.Context, amount string) error {
		_, err := s.w.Authorize(ctx, harness.Purchase{Amount: amount, MCC: mcc})
		return err
	}
}

func (s *scenario) authorizeAt(ctx context.Context, amount, mcc string) error {
	return s.authorize(mcc)(ctx, amount)
}

func (s *scenario) authorizeMany(ctx context.Context, n, amount string) error {
	count, err := strconv.Atoi(n)
	if err != nil || count < 1 || count > 100 {
		return jit.Errorf(jit.EINVALID, "a count of 1 to 100 authorizations, not %q", n)
	}
	for i := 0; i < count; i++ {
		ev, err := s.w.Authorize(ctx, harness.Purchase{Amount: amount})
		if err != nil {
			return err
		}
		if err := s.w.ExpectApproved(ev); err != nil {
			return err
		}
	}
	return nil
}

func (s *scenario) fuel(ctx context.Context, amount string) error {
	_, err := s.w.Authorize(ctx, harness.Purchase{Amount: amount, MCC: "5542", Merchant: "Fuel Stop", Preauth: true, CardPresent: true})
	return err
}

func (s *scenario) verify(ctx context.Context) error {
	_, err := s.w.VerifyAccount(ctx, harness.Purchase{})
	return err
}

func (s *scenario) inquiry(ctx context.Context) error {
	_, err := s.w.BalanceInquiry(ctx, "")
	return err
}

func (s *scenario) pinDebit(ctx context.Context, amount string) error {
	_, err := s.w.PINDebit(ctx, harness.Purchase{Amount: amount, MCC: "5411"})
	return err
}

func (s *scenario) incremental(ctx context.Context, amount string) error {
	_, err := s.w.Incremental(ctx, "", amount)
	return err
}

func (s *scenario) advice(ctx context.Context, total string) error {
	_, err := s.w.Advice(ctx, "", total)
	return err
}

func (s *scenario) clear(ctx context.Context, amount string) error {
	_, err := s.w.Clear(ctx, harness.Clearing{Amount: amount})
	return err
}

func (s *scenario) multiClear(ctx context.Context, seq, count, amount string) error {
	n, err1 := strconv.Atoi(seq)
	c, err2 := strconv.Atoi(count)
	if err1 != nil || err2 != nil {
		return jit.Errorf(jit.EINVALID, "clearing %q of %q", seq, count)
	}
	_, err := s.w.Clear(ctx, harness.Clearing{Amount: amount, Sequence: n, Count: c})
	return err
}

func (s *scenario) forcePost(ctx context.Context, amount string) error {
	_, err := s.w.ForcePost(ctx, "", amount)
	return err
}

func (s *scenario) reverse(mayBeRefused bool) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := s.w.Reverse(ctx, "", "")
		if mayBeRefused && err != nil && jit.ErrorCode(err) == jit.EINVALID {
			s.refused = err
			return nil
		}
		return err
	}
}

func (s *scenario) reversePart(ctx context.Context, amount string) error {
	_, err := s.w.Reverse(ctx, "", amount)
	return err
}

func (s *scenario) refund(ctx context.Context, amount string) error {
	_, err := s.w.Refund(ctx, harness.LabelClearing, amount)
	return err
}

func (s *scenario) refundUnlinked(ctx context.Context, amount string) error {
	_, err := s.w.RefundUnlinked(ctx, "", amount)
	return err
}

func (s *scenario) expire(ctx context.Context) error {
	_, err := s.w.Expire(ctx, "")
	return err
}

func (s *scenario) holdWebhooks(context.Context) error {
	s.w.HoldWebhooks(true)
	return nil
}

func (s *scenario) deliver(ctx context.Context) error { return s.w.DeliverWebhooks(ctx) }

func (s *scenario) deliverReversed(ctx context.Context) error {
	return s.w.DeliverWebhooksReversed(ctx)
}

func (s *scenario) deliverTwice(ctx context.Context) error { return s.w.DeliverWebhooksTwice(ctx) }

func (s *scenario) deliverWrongPassword(ctx context.Context) error {
	return s.w.DeliverWebhooksWithPassword(ctx, wrongPassword)
}

func (s *scenario) retry(ctx context.Context) error { return s.w.RetryWebhooks(ctx) }

func (s *scenario) badSignature(none bool) func(context.Context) error {
	return func(ctx context.Context) error {
		secret := "another-secret-entirely"
		if none {
			secret = ""
		}
		ans, err := s.w.SendEventWebhook(ctx, harness.LabelClearing, secret)
		s.raw = ans
		return err
	}
}

func (s *scenario) gateway(m harness.GatewayMode) func(context.Context) error {
	return func(context.Context) error { return s.w.SetGateway(m) }
}

func (s *scenario) releaseLate(ctx context.Context) error {
	return s.w.ReleaseLateRequests(ctx, 1)
}

func (s *scenario) standIn(_ context.Context, when string) error {
	if when == "times out" {
		return s.w.StandIn(true, false, false)
	}
	return s.w.StandIn(false, true, false)
}

func (s *scenario) commando(on bool) func(context.Context) error {
	return func(context.Context) error { return s.w.Commando(on) }
}

func (s *scenario) wrongJITPassword(context.Context) error {
	return s.w.UseJITPassword(wrongPassword)
}

func (s *scenario) resend(ctx context.Context) error {
	_, err := s.w.ResendJIT(ctx, "")
	return err
}

func (s *scenario) rawNoAuth(ctx context.Context, amount string) error {
	ans, err := s.w.SendAuthorizationRaw(ctx, "", amount, "", "")
	s.raw = ans
	return err
}

func (s *scenario) malformed(ctx context.Context, where, kind string) error {
	endpoint := harness.EndpointJIT
	if where == "webhook" {
		endpoint = harness.EndpointWebhooks
	}
	ans, err := s.w.SendMalformed(ctx, endpoint, "", kind)
	s.raw = ans
	return err
}

func (s *scenario) last() (*harness.Event, error) {
	ev := s.w.Last()
	if ev == nil {
		return nil, jit.Errorf(jit.EINVALID, "nothing has happened yet to check")
	}
	return ev, nil
}

func (s *scenario) approved(context.Context) error {
	ev, err := s.last()
	if err != nil {
		return err
	}
	return s.w.ExpectApproved(ev)
}

func (s *scenario) declined(_ context.Context, reason string) error {
	ev, err := s.last()
	if err != nil {
		return err
	}
	return s.w.ExpectDeclined(ev, reason)
}

func (s *scenario) status(_ context.Context, code string) error {
	ev, err := s.last()
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(code)
	return s.w.ExpectStatus(ev, n)
}

func (s *scenario) refusedCredentials(context.Context) error {
	ev, err := s.last()
	if err != nil {
		return err
	}
	if s.w.ExpectStatus(ev, 401) == nil {
		return nil
	}
	return s.w.ExpectStatus(ev, 403)
}

func (s *scenario) timedOut(context.Context) error {
	ev, err := s.last()
	if err != nil {
		return err
	}
	return s.w.ExpectTimedOut(ev)
}

func (s *scenario) stoodIn(context.Context) error {
	ev, err := s.last()
	if err != nil {
		return err
	}
	return s.w.ExpectStandIn(ev, "")
}

func (s *scenario) balances(ctx context.Context, available, ledger, pending string) error {
	b, err := harness.ParseBalances(available, ledger, pending, jit.DefaultCurrency)
	if err != nil {
		return err
	}
	return s.w.ExpectBalances(ctx, "", b)
}

func (s *scenario) inquiryAnswer(_ context.Context, available, ledger string) error {
	ev, err := s.last()
	if err != nil {
		return err
	}
	return s.w.ExpectInquiryAnswer(ev, available, ledger)
}

func (s *scenario) holds(ctx context.Context, amount string) error {
	err := s.w.ExpectHold(ctx, "", amount, "OPEN")
	if errors.Is(err, harness.ErrNoHolds) {
		return s.skipf("the gateway's adapter does not serve the optional Account.holds")
	}
	return err
}

func (s *scenario) networkRefused(context.Context) error {
	if s.refused == nil {
		return fmt.Errorf("the network sent the reversal: expected it to refuse, since the authorization was already final")
	}
	return nil
}

func (s *scenario) rawAnswer() (*harness.RawAnswer, error) {
	if s.raw == nil {
		return nil, jit.Errorf(jit.EINVALID, "no request was sent straight to the gateway")
	}
	return s.raw, nil
}

func (s *scenario) rawRefused(context.Context) error {
	ans, err := s.rawAnswer()
	if err != nil {
		return err
	}
	return s.w.ExpectRawStatus("answer to a request with bad credentials or signature", ans, 401, 403)
}

func (s *scenario) rawMalformed(context.Context) error {
	ans, err := s.rawAnswer()
	if err != nil {
		return err
	}
	return s.w.ExpectRejectedAsMalformed(ans)
}

func (s *scenario) rawNotApproved(context.Context) error {
	ans, err := s.rawAnswer()
	if err != nil {
		return err
	}
	if ans.Status >= 400 && ans.Status < 500 {
		return nil
	}
	return s.w.ExpectRawStatus("answer to a request that cannot be approved", ans, 400, 402)
}
