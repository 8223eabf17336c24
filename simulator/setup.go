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
	p.Token = e.newToken(p.Token)
	if _, dup := e.products.get(p.Token); dup {
		return p, jit.Errorf(jit.ECONFLICT, "card product %s already exists", p.Token)
	}
	if p.Active == nil {
		p.Active = jit.Bool(true)
	}
	p.CreatedTime, p.LastModifiedTime = e.now(), e.now()
	e.products.put(p.Token, &p)
	return p, nil
}

// CardProduct returns a card product.
func (e *Engine) CardProduct(tok string) (CardProduct, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if p, ok := e.products.get(tok); ok {
		return *p, nil
	}
	return CardProduct{}, jit.Errorf(jit.ENOTFOUND, "card product %s not found", tok)
}

// CardProducts lists card products in creation order.
func (e *Engine) CardProducts() []CardProduct {
	e.mu.Lock()
	defer e.mu.Unlock()
	return values(e.products.list(nil))
}

// UpdateCardProduct replaces the fields set in p.
func (e *Engine) UpdateCardProduct(tok string, p CardProduct) (CardProduct, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	cur, ok := e.products.get(tok)
	if !ok {
		return CardProduct{}, jit.Errorf(jit.ENOTFOUND, "card product %s not found", tok)
	}
	n := *cur
	if p.Name != "" {
		n.Name = p.Name
	}
	if p.Active != nil {
		n.Active = p.Active
	}
	if p.StartDate != "" {
		n.StartDate = p.StartDate
	}
	if p.EndDate != "" {
		n.EndDate = p.EndDate
	}
	if p.Config != nil {
		n.Config = p.Config
	}
	n.LastModifiedTime = e.now()
	e.products.put(tok, &n)
	return n, nil
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
	f.Token = e.newToken(f.Token)
	if _, dup := e.sources.get(f.Token); dup {
		return f, jit.Errorf(jit.ECONFLICT, "funding source %s already exists", f.Token)
	}
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

// FundingSource returns a program gateway funding source.
func (e *Engine) FundingSource(tok string) (FundingSource, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if f, ok := e.sources.get(tok); ok {
		return *f, nil
	}
	return FundingSource{}, jit.Errorf(jit.ENOTFOUND, "funding source %s not found", tok)
}

// UpdateFundingSource replaces the fields set in f.
func (e *Engine) UpdateFundingSource(tok string, f FundingSource) (FundingSource, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	cur, ok := e.sources.get(tok)
	if !ok {
		return FundingSource{}, jit.Errorf(jit.ENOTFOUND, "funding source %s not found", tok)
	}
	n := *cur
	if f.Name != "" {
		n.Name = f.Name
	}
	if f.URL != "" {
		n.URL = f.URL
	}
	if f.BasicAuthUsername != "" {
		n.BasicAuthUsername = f.BasicAuthUsername
	}
	if f.BasicAuthPassword != "" {
		n.BasicAuthPassword = f.BasicAuthPassword
	}
	if f.Active != nil {
		n.Active = f.Active
	}
	if f.TimeoutMillis != 0 {
		n.TimeoutMillis = f.TimeoutMillis
	}
	if f.CustomHeader != nil {
		n.CustomHeader = f.CustomHeader
	}
	if err := checkFundingSource(&n); err != nil {
		return FundingSource{}, err
	}
	n.LastModifiedTime = e.now()
	e.sources.put(tok, &n)
	return n, nil
}

// CreateUser adds a user (active unless told otherwise).
func (e *Engine) CreateUser(u User) (User, error) {
	if err := checkToken(u.Token); err != nil {
		return u, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u.Token = e.newToken(u.Token)
	if _, dup := e.users.get(u.Token); dup {
		return u, jit.Errorf(jit.ECONFLICT, "user %s already exists", u.Token)
	}
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

// User returns a user.
func (e *Engine) User(tok string) (User, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if u, ok := e.users.get(tok); ok {
		return *u, nil
	}
	return User{}, jit.Errorf(jit.ENOTFOUND, "user %s not found", tok)
}

// Users lists users in creation order.
func (e *Engine) Users() []User {
	e.mu.Lock()
	defer e.mu.Unlock()
	return values(e.users.list(nil))
}

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
	c.Token = e.newToken(c.Token)
	if _, dup := e.cards.get(c.Token); dup {
		return c, jit.Errorf(jit.ECONFLICT, "card %s already exists", c.Token)
	}
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

// Card returns a card.
func (e *Engine) Card(tok string) (Card, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if c, ok := e.cards.get(tok); ok {
		return *c, nil
	}
	return Card{}, jit.Errorf(jit.ENOTFOUND, "card %s not found", tok)
}

// CardsByUser lists a user's cards in creation order.
func (e *Engine) CardsByUser(user string) []Card {
	e.mu.Lock()
	defer e.mu.Unlock()
	return values(e.cards.list(func(c *Card) bool { return c.UserToken == user }))
}

// SetCardState moves a card to state (ACTIVE, SUSPENDED, TERMINATED…).
func (e *Engine) SetCardState(tok, state, reason string) (Card, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, ok := e.cards.get(tok)
	if !ok {
		return Card{}, jit.Errorf(jit.ENOTFOUND, "card %s not found", tok)
	}
	n := *c
	n.State, n.StateReason, n.LastModifiedTime = state, reason, e.now()
	e.cards.put(tok, &n)
	return n, nil
}

// CreateWebhook registers a webhook endpoint with the dispatcher.
func (e *Engine) CreateWebhook(w Webhook) (Webhook, error) {
	switch {
	case w.Name == "" || len(w.Name) > 64:
		return w, jit.Errorf(jit.EINVALID, "name is required (1 to 64 characters)")
	case w.Config.URL == "":
		return w, jit.Errorf(jit.EINVALID, "config.url is required")
	case w.Config.BasicAuthUsername == "" || w.Config.BasicAuthPassword == "":
		return w, jit.Errorf(jit.EINVALID, "config.basic_auth_username and config.basic_auth_password are required")
	case len(w.Events) == 0:
		return w, jit.Errorf(jit.EINVALID, "events is required")
	}
	if err := checkToken(w.Token); err != nil {
		return w, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	w.Token = e.newToken(w.Token)
	if _, dup := e.hooks.get(w.Token); dup {
		return w, jit.Errorf(jit.ECONFLICT, "webhook %s already exists", w.Token)
	}
	if w.Active == nil {
		w.Active = jit.Bool(true)
	}
	w.CreatedTime, w.LastModifiedTime = e.now(), e.now()
	e.hooks.put(w.Token, &w)
	e.webhooks.SetEndpoint(endpointOf(&w))
	return w, nil
}

// Webhook returns a webhook.
func (e *Engine) Webhook(tok string) (Webhook, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if w, ok := e.hooks.get(tok); ok {
		return *w, nil
	}
	return Webhook{}, jit.Errorf(jit.ENOTFOUND, "webhook %s not found", tok)
}

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

// TransitionCommandoMode turns manual Commando Mode on or off.
func (e *Engine) TransitionCommandoMode(tok string, t CommandoTransition) (CommandoMode, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, ok := e.commando.get(tok)
	if !ok {
		return CommandoMode{}, jit.Errorf(jit.ENOTFOUND, "commando mode %s not found", tok)
	}
	n := *c
	if t.Channel == "" {
		t.Channel = "API"
	}
	n.CurrentState, n.LastModifiedTime = &t, e.now()
	e.commando.put(tok, &n)
	return n, nil
}

// CommandoMode returns a commando mode.
func (e *Engine) CommandoMode(tok string) (CommandoMode, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if c, ok := e.commando.get(tok); ok {
		return *c, nil
	}
	return CommandoMode{}, jit.Errorf(jit.ENOTFOUND, "commando mode %s not found", tok)
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

func values[T any](ps []*T) []T {
	out := make([]T, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
