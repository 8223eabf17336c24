package simulator

import (
	"net/url"
	"strings"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator/webhook"
)

// Setup: create, read, update and list the resources a JIT program needs.
// Create assigns a token when none is given and answers ECONFLICT for a token
// in use; reads answer ENOTFOUND; invalid fields answer EINVALID naming the
// field.

func isTrue(b *bool) bool { return b != nil && *b }

func checkToken(tok string) error {
	if len(tok) > 36 {
		return jit.Errorf(jit.EINVALID, "token must be at most 36 characters")
	}
	return nil
}

func (e *Engine) newToken(tok string) string {
	if tok != "" {
		return tok
	}
	return e.tok.uuid()
}

// CreateCardProduct adds a card product.
func (e *Engine) CreateCardProduct(p CardProduct) (CardProduct, error) {
	if p.Name == "" || len(p.Name) > 40 {
		return p, jit.Errorf(jit.EINVALID, "name is required (1 to 40 characters)")
	}
	if p.StartDate == "" {
		return p, jit.Errorf(jit.EINVALID, "start_date is required")
	}
	if err := checkToken(p.Token); err != nil {
		return p, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if cfg := programGateway(&p); cfg != nil && cfg.FundingSourceToken != "" {
		if _, ok := e.sources.get(cfg.FundingSourceToken); !ok {
			return p, jit.Errorf(jit.EINVALID, "config.jit_funding.programgateway_funding_source.funding_source_token %q does not exist", cfg.FundingSourceToken)
		}
	}
	tok, err := claim(e, &e.products, "card product", p.Token)
	if err != nil {
		return p, err
	}
	p.Token = tok
	if p.Active == nil {
		p.Active = jit.Bool(true)
	}
	p.CreatedTime, p.LastModifiedTime = e.now(), e.now()
	e.products.put(p.Token, &p)
	return p, nil
}

// CardProduct returns a card product, or ENOTFOUND.
func (e *Engine) CardProduct(tok string) (CardProduct, error) {
	return lookup(e, &e.products, "card product", tok)
}

// CardProducts lists card products in creation order.
func (e *Engine) CardProducts() []CardProduct { return listOf(e, &e.products, nil) }

// UpdateCardProduct replaces the fields set in p (name, active,
// start_date, end_date, config). It returns ENOTFOUND for an unknown card
// product.
func (e *Engine) UpdateCardProduct(tok string, p CardProduct) (CardProduct, error) {
	return update(e, &e.products, "card product", tok, func(n *CardProduct) error {
		setIf(&n.Name, p.Name)
		setIf(&n.Active, p.Active)
		setIf(&n.StartDate, p.StartDate)
		setIf(&n.EndDate, p.EndDate)
		setIf(&n.Config, p.Config)
		n.LastModifiedTime = e.now()
		return nil
	})
}

func programGateway(p *CardProduct) *ProgramGatewayJIT {
	if p.Config == nil || p.Config.JITFunding == nil {
		return nil
	}
	return p.Config.JITFunding.ProgramGatewayFundingSource
}

// CreateFundingSource adds a program gateway funding source. timeout_millis
// defaults to 3000 and must be 1000–7000; the password must be 20–100
// characters, as Marqeta requires.
func (e *Engine) CreateFundingSource(f FundingSource) (FundingSource, error) {
	if err := checkFundingSource(&f); err != nil {
		return f, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	tok, err := claim(e, &e.sources, "funding source", f.Token)
	if err != nil {
		return f, err
	}
	f.Token = tok
	if f.Active == nil {
		f.Active = jit.Bool(true)
	}
	if f.CustomHeader == nil {
		f.CustomHeader = map[string]string{}
	}
	f.Account, f.Version = "12."+e.tok.digits(12), "1"
	f.CreatedTime, f.LastModifiedTime = e.now(), e.now()
	e.sources.put(f.Token, &f)
	return f, nil
}

func checkFundingSource(f *FundingSource) error {
	switch {
	case f.Name == "" || len(f.Name) > 50:
		return jit.Errorf(jit.EINVALID, "name is required (1 to 50 characters)")
	case f.URL == "" || len(f.URL) > 250:
		return jit.Errorf(jit.EINVALID, "url is required (at most 250 characters)")
	case f.BasicAuthUsername == "" || len(f.BasicAuthUsername) > 50:
		return jit.Errorf(jit.EINVALID, "basic_auth_username is required (1 to 50 characters)")
	case len(f.BasicAuthPassword) < 20 || len(f.BasicAuthPassword) > 100:
		return jit.Errorf(jit.EINVALID, "basic_auth_password must be 20 to 100 characters")
	}
	if u, err := url.Parse(f.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return jit.Errorf(jit.EINVALID, "url %q is not an http(s) URL", f.URL)
	}
	if f.TimeoutMillis == 0 {
		f.TimeoutMillis = 3000
	}
	if f.TimeoutMillis < 1000 || f.TimeoutMillis > 7000 {
		return jit.Errorf(jit.EINVALID, "timeout_millis must be 1000 to 7000")
	}
	return checkToken(f.Token)
}

// FundingSource returns a program gateway funding source, or ENOTFOUND.
func (e *Engine) FundingSource(tok string) (FundingSource, error) {
	return lookup(e, &e.sources, "funding source", tok)
}

// UpdateFundingSource replaces the fields set in f (name, url, both
// credentials, active, timeout_millis, custom_header); the result is
// checked as CreateFundingSource checks (EINVALID). It returns ENOTFOUND
// for an unknown funding source.
func (e *Engine) UpdateFundingSource(tok string, f FundingSource) (FundingSource, error) {
	return update(e, &e.sources, "funding source", tok, func(n *FundingSource) error {
		setIf(&n.Name, f.Name)
		setIf(&n.URL, f.URL)
		setIf(&n.BasicAuthUsername, f.BasicAuthUsername)
		setIf(&n.BasicAuthPassword, f.BasicAuthPassword)
		setIf(&n.Active, f.Active)
		setIf(&n.TimeoutMillis, f.TimeoutMillis)
		setMap(&n.CustomHeader, f.CustomHeader)
		if err := checkFundingSource(n); err != nil {
			return err
		}
		n.LastModifiedTime = e.now()
		return nil
	})
}

// CreateUser adds a user (active unless told otherwise).
func (e *Engine) CreateUser(u User) (User, error) {
	if err := checkToken(u.Token); err != nil {
		return u, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	tok, err := claim(e, &e.users, "user", u.Token)
	if err != nil {
		return u, err
	}
	u.Token = tok
	if u.Active == nil {
		u.Active = jit.Bool(true)
	}
	if u.Status == "" {
		u.Status = "ACTIVE"
	}
	u.CreatedTime, u.LastModifiedTime = e.now(), e.now()
	e.users.put(u.Token, &u)
	return u, nil
}

// User returns a user, or ENOTFOUND.
func (e *Engine) User(tok string) (User, error) { return lookup(e, &e.users, "user", tok) }

// Users lists users in creation order.
func (e *Engine) Users() []User { return listOf(e, &e.users, nil) }

// CreateCard issues a card to a user on a card product. A virtual card on a
// product with activate_upon_issue is ACTIVE at once; others start
// UNACTIVATED with fulfillment ISSUED.
func (e *Engine) CreateCard(c Card) (Card, error) {
	if err := checkToken(c.Token); err != nil {
		return c, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.users.get(c.UserToken); !ok {
		return c, jit.Errorf(jit.EINVALID, "user_token %q does not exist", c.UserToken)
	}
	p, ok := e.products.get(c.CardProductToken)
	if !ok {
		return c, jit.Errorf(jit.EINVALID, "card_product_token %q does not exist", c.CardProductToken)
	}
	tok, err := claim(e, &e.cards, "card", c.Token)
	if err != nil {
		return c, err
	}
	c.Token = tok
	now := e.clock.Now().UTC()
	exp := now.AddDate(4, 0, 0)
	c.PAN = "4111" + e.tok.digits(12)
	c.LastFour = c.PAN[12:]
	c.Expiration = exp.Format("0106")
	c.ExpirationTime = exp.Format("2006-01-02T15:04:05Z")
	c.Barcode = e.tok.digits(20)
	c.FulfillmentStatus = "ISSUED"
	c.InstrumentType = firstNonEmpty(c.InstrumentType, "VIRTUAL_PAN")
	c.State, c.StateReason = "UNACTIVATED", "New card"
	if p.Config != nil && p.Config.CardLifeCycle != nil && isTrue(p.Config.CardLifeCycle.ActivateUponIssue) {
		c.State, c.StateReason = "ACTIVE", "Activated upon issue"
	}
	if strings.HasPrefix(c.InstrumentType, "PHYSICAL") {
		c.FulfillmentStatus, c.State, c.StateReason = "ORDERED", "UNACTIVATED", "Awaiting fulfillment"
	}
	c.CreatedTime, c.LastModifiedTime = e.now(), e.now()
	e.cards.put(c.Token, &c)
	return c, nil
}

// Card returns a card, or ENOTFOUND.
func (e *Engine) Card(tok string) (Card, error) { return lookup(e, &e.cards, "card", tok) }

// CardsByUser lists a user's cards in creation order.
func (e *Engine) CardsByUser(user string) []Card {
	return listOf(e, &e.cards, func(c *Card) bool { return c.UserToken == user })
}

// SetCardState moves a card to state (ACTIVE, SUSPENDED, TERMINATED…)
// without recording a transition (TransitionCard does). It returns
// ENOTFOUND for an unknown card.
func (e *Engine) SetCardState(tok, state, reason string) (Card, error) {
	return update(e, &e.cards, "card", tok, func(n *Card) error {
		n.State, n.StateReason, n.LastModifiedTime = state, reason, e.now()
		return nil
	})
}

// checkWebhook checks what CreateWebhook and UpdateWebhook require.
func checkWebhook(w *Webhook) error {
	switch {
	case w.Name == "" || len(w.Name) > 64:
		return jit.Errorf(jit.EINVALID, "name is required (1 to 64 characters)")
	case w.Config.URL == "":
		return jit.Errorf(jit.EINVALID, "config.url is required")
	case w.Config.BasicAuthUsername == "" || w.Config.BasicAuthPassword == "":
		return jit.Errorf(jit.EINVALID, "config.basic_auth_username and config.basic_auth_password are required")
	case len(w.Events) == 0:
		return jit.Errorf(jit.EINVALID, "events is required")
	}
	return nil
}

// CreateWebhook registers a webhook endpoint with the dispatcher. It
// returns EINVALID for a missing name, config.url, credentials or events
// or a bad token, and ECONFLICT for a token in use.
func (e *Engine) CreateWebhook(w Webhook) (Webhook, error) {
	if err := checkWebhook(&w); err != nil {
		return w, err
	}
	if err := checkToken(w.Token); err != nil {
		return w, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	tok, err := claim(e, &e.hooks, "webhook", w.Token)
	if err != nil {
		return w, err
	}
	w.Token = tok
	if w.Active == nil {
		w.Active = jit.Bool(true)
	}
	w.CreatedTime, w.LastModifiedTime = e.now(), e.now()
	e.hooks.put(w.Token, &w)
	e.webhooks.SetEndpoint(endpointOf(&w))
	return w, nil
}

// Webhook returns a webhook, or ENOTFOUND.
func (e *Engine) Webhook(tok string) (Webhook, error) { return lookup(e, &e.hooks, "webhook", tok) }

func endpointOf(w *Webhook) webhook.Endpoint {
	return webhook.Endpoint{
		Token: w.Token, Name: w.Name, URL: w.Config.URL,
		Username: w.Config.BasicAuthUsername, Password: w.Config.BasicAuthPassword,
		Secret: w.Config.Secret, CustomHeaders: w.Config.CustomHeader,
		Events: w.Events, Active: isTrue(w.Active),
	}
}

// SetCommandoMode creates or replaces the commando mode of a funding source.
func (e *Engine) SetCommandoMode(c CommandoMode) (CommandoMode, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.sources.get(c.ProgramGatewayFundingSourceToken); !ok {
		return c, jit.Errorf(jit.EINVALID, "program_gateway_funding_source_token %q does not exist", c.ProgramGatewayFundingSourceToken)
	}
	c.Token = e.newToken(c.Token)
	if c.CurrentState == nil {
		c.CurrentState = &CommandoTransition{CommandoEnabled: false, Channel: "API"}
	}
	if c.CreatedTime == "" {
		c.CreatedTime = e.now()
	}
	c.LastModifiedTime = e.now()
	e.commando.put(c.Token, &c)
	return c, nil
}

// TransitionCommandoMode turns manual Commando Mode on or off (channel API
// when empty). It returns ENOTFOUND for an unknown commando mode.
func (e *Engine) TransitionCommandoMode(tok string, t CommandoTransition) (CommandoMode, error) {
	t.Channel = firstNonEmpty(t.Channel, "API")
	return update(e, &e.commando, "commando mode", tok, func(n *CommandoMode) error {
		n.CurrentState, n.LastModifiedTime = &t, e.now()
		return nil
	})
}

// CommandoMode returns a commando mode, or ENOTFOUND.
func (e *Engine) CommandoMode(tok string) (CommandoMode, error) {
	return lookup(e, &e.commando, "commando mode", tok)
}

// commandoFor returns the commando mode of a funding source, if any. e.mu held.
func (e *Engine) commandoFor(source string) *CommandoMode {
	for _, c := range e.commando.list(nil) {
		if c.ProgramGatewayFundingSourceToken == source {
			return c
		}
	}
	return nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
