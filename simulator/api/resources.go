package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
)

// register lists every endpoint (paths under /v3).
func (h *handler) register() {
	// Card products.
	h.handle("POST", "/cardproducts", h.createCardProduct)
	h.handle("GET", "/cardproducts", h.listCardProducts)
	h.handle("GET", "/cardproducts/{token}", h.getCardProduct)
	h.handle("PUT", "/cardproducts/{token}", h.updateCardProduct)
	// Users.
	h.handle("POST", "/users", h.createUser)
	h.handle("GET", "/users", h.listUsers)
	h.handle("GET", "/users/{token}", h.getUser)
	h.handle("PUT", "/users/{token}", h.updateUser)
	// Cards and card transitions.
	h.handle("POST", "/cards", h.createCard)
	h.handle("GET", "/cards", h.listCards)
	h.handle("GET", "/cards/{token}", h.getCard)
	h.handle("PUT", "/cards/{token}", h.updateCard)
	h.handle("GET", "/cards/user/{token}", h.listUserCards)
	h.handle("POST", "/cardtransitions", h.transitionCard)
	h.handle("GET", "/cardtransitions/{token}", h.getCardTransition)
	h.handle("GET", "/cardtransitions/card/{token}", h.listCardTransitions)
	// Program gateway funding sources.
	h.handle("POST", "/fundingsources/programgateway", h.createFundingSource)
	h.handle("GET", "/fundingsources/programgateway", h.listFundingSources) // extension
	h.handle("GET", "/fundingsources/programgateway/{token}", h.getFundingSource)
	h.handle("PUT", "/fundingsources/programgateway/{token}", h.updateFundingSource)
	h.handle("PUT", "/fundingsources/programgateway/customheaders/{token}", h.updateCustomHeaders)
	// Webhooks.
	h.handle("POST", "/webhooks", h.createWebhook)
	h.handle("GET", "/webhooks", h.listWebhooks)
	h.handle("GET", "/webhooks/{token}", h.getWebhook)
	h.handle("PUT", "/webhooks/{token}", h.updateWebhook)
	h.handle("POST", "/webhooks/{token}/ping", h.pingWebhook)
	h.handle("GET", "/webhooks/{token}/attempts", h.listAttempts) // extension
	// Commando Mode.
	h.handle("GET", "/commandomodes", h.listCommandoModes)
	h.handle("POST", "/commandomodes", h.createCommandoMode) // addendum
	h.handle("GET", "/commandomodes/{token}", h.getCommandoMode)
	h.handle("PUT", "/commandomodes/{token}", h.updateCommandoMode) // addendum
	h.handle("POST", "/commandomodes/transitions", h.createCommandoTransition)
	h.handle("GET", "/commandomodes/transitions/{token}", h.getCommandoTransition)
	h.handle("GET", "/commandomodes/{token}/transitions", h.listCommandoTransitions)
	// Transactions.
	h.handle("GET", "/transactions", h.listTransactions)
	h.handle("GET", "/transactions/{token}", h.getTransaction)
	// Simulations.
	h.registerSimulations()
}

// answer writes v with status, or the error.
func answer[T any](w http.ResponseWriter, status int, v T, err error) {
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, status, v)
}

// decodeOr decodes the body into dst, answering the error itself; it
// reports whether to go on.
func decodeOr(w http.ResponseWriter, r *http.Request, dst any) bool {
	if err := decodeBody(r, dst); err != nil {
		writeError(w, err)
		return false
	}
	return true
}

// timeKeys are the sort_by values of a resource: createdTime (creation
// order) and lastModifiedTime.
func timeKeys[T any](modified func(T) string) sortKeys[T] {
	return sortKeys[T]{"createdTime": nil, "lastModifiedTime": modified}
}

// ---- card products ----

type cardProductRequest struct {
	Token     string                       `json:"token"`
	Name      string                       `json:"name" api:"required"`
	Active    *bool                        `json:"active"`
	StartDate string                       `json:"start_date" api:"required"`
	EndDate   string                       `json:"end_date"`
	Config    *simulator.CardProductConfig `json:"config"`
}

type cardProductUpdate struct {
	Name      string                       `json:"name"`
	Active    *bool                        `json:"active"`
	StartDate string                       `json:"start_date"`
	EndDate   string                       `json:"end_date"`
	Config    *simulator.CardProductConfig `json:"config"`
}

func (h *handler) createCardProduct(w http.ResponseWriter, r *http.Request, _ params) {
	var req cardProductRequest
	if !decodeOr(w, r, &req) {
		return
	}
	p, err := h.e.CreateCardProduct(simulator.CardProduct{Token: req.Token, Name: req.Name, Active: req.Active, StartDate: req.StartDate, EndDate: req.EndDate, Config: req.Config})
	answer(w, http.StatusCreated, p, err)
}

func (h *handler) listCardProducts(w http.ResponseWriter, r *http.Request, _ params) {
	listPage(w, r, h.e.CardProducts(), 5, "-createdTime", timeKeys(func(p simulator.CardProduct) string { return p.LastModifiedTime }))
}

func (h *handler) getCardProduct(w http.ResponseWriter, r *http.Request, p params) {
	v, err := h.e.CardProduct(p["token"])
	answer(w, http.StatusOK, v, err)
}

func (h *handler) updateCardProduct(w http.ResponseWriter, r *http.Request, p params) {
	var req cardProductUpdate
	if !decodeOr(w, r, &req) {
		return
	}
	if len(req.Name) > 40 {
		writeError(w, jit.Errorf(jit.EINVALID, "name must be at most 40 characters"))
		return
	}
	v, err := h.e.UpdateCardProduct(p["token"], simulator.CardProduct{Name: req.Name, Active: req.Active, StartDate: req.StartDate, EndDate: req.EndDate, Config: req.Config})
	answer(w, http.StatusOK, v, err)
}

// ---- users ----

type userRequest struct {
	Token     string            `json:"token"`
	Active    *bool             `json:"active"`
	FirstName string            `json:"first_name"`
	LastName  string            `json:"last_name"`
	Email     string            `json:"email"`
	Metadata  map[string]string `json:"metadata"`
}

type userUpdate struct {
	FirstName string            `json:"first_name"`
	LastName  string            `json:"last_name"`
	Email     string            `json:"email"`
	Metadata  map[string]string `json:"metadata"`
}

func (h *handler) createUser(w http.ResponseWriter, r *http.Request, _ params) {
	var req userRequest
	if !decodeOr(w, r, &req) {
		return
	}
	u, err := h.e.CreateUser(simulator.User{Token: req.Token, Active: req.Active, FirstName: req.FirstName, LastName: req.LastName, Email: req.Email, Metadata: req.Metadata})
	answer(w, http.StatusCreated, u, err)
}

func (h *handler) listUsers(w http.ResponseWriter, r *http.Request, _ params) {
	listPage(w, r, h.e.Users(), 5, "-lastModifiedTime", timeKeys(func(u simulator.User) string { return u.LastModifiedTime }))
}

func (h *handler) getUser(w http.ResponseWriter, r *http.Request, p params) {
	u, err := h.e.User(p["token"])
	answer(w, http.StatusOK, u, err)
}

func (h *handler) updateUser(w http.ResponseWriter, r *http.Request, p params) {
	var req userUpdate
	if !decodeOr(w, r, &req) {
		return
	}
	u, err := h.e.UpdateUser(p["token"], simulator.User{FirstName: req.FirstName, LastName: req.LastName, Email: req.Email, Metadata: req.Metadata})
	answer(w, http.StatusOK, u, err)
}

// ---- cards ----

type cardRequest struct {
	Token            string            `json:"token"`
	UserToken        string            `json:"user_token" api:"required"`
	CardProductToken string            `json:"card_product_token" api:"required"`
	Metadata         map[string]string `json:"metadata"`
}

type cardUpdate struct {
	Token     string            `json:"token"`
	UserToken string            `json:"user_token"`
	Metadata  map[string]string `json:"metadata"`
}

// showCard masks the PAN (first six, last four) unless the request says
// show_pan=true, as Marqeta does.
func showCard(r *http.Request, c simulator.Card) (simulator.Card, error) {
	show, err := queryBool(r, "show_pan")
	if err != nil || show {
		return c, err
	}
	c.PAN = maskPAN(c.PAN)
	return c, nil
}

func maskPAN(pan string) string {
	if len(pan) < 11 {
		return pan
	}
	return pan[:6] + strings.Repeat("_", len(pan)-10) + pan[len(pan)-4:]
}

func (h *handler) answerCard(w http.ResponseWriter, r *http.Request, status int, c simulator.Card, err error) {
	if err == nil {
		c, err = showCard(r, c)
	}
	answer(w, status, c, err)
}

func (h *handler) createCard(w http.ResponseWriter, r *http.Request, _ params) {
	var req cardRequest
	if !decodeOr(w, r, &req) {
		return
	}
	if _, err := queryBool(r, "show_pan"); err != nil {
		writeError(w, err) // before creating anything
		return
	}
	c, err := h.e.CreateCard(simulator.Card{Token: req.Token, UserToken: req.UserToken, CardProductToken: req.CardProductToken, Metadata: req.Metadata})
	h.answerCard(w, r, http.StatusCreated, c, err)
}

func (h *handler) getCard(w http.ResponseWriter, r *http.Request, p params) {
	c, err := h.e.Card(p["token"])
	h.answerCard(w, r, http.StatusOK, c, err)
}

func (h *handler) updateCard(w http.ResponseWriter, r *http.Request, p params) {
	var req cardUpdate
	if !decodeOr(w, r, &req) {
		return
	}
	// card_update_request requires token; the path already names the card,
	// so an absent token is the path's and a different one is an error.
	if req.Token != "" && req.Token != p["token"] {
		writeError(w, jit.Errorf(jit.EINVALID, "token %q does not match the card in the path", clip(req.Token)))
		return
	}
	c, err := h.e.UpdateCard(p["token"], simulator.Card{UserToken: req.UserToken, Metadata: req.Metadata})
	h.answerCard(w, r, http.StatusOK, c, err)
}

func (h *handler) cardList(w http.ResponseWriter, r *http.Request, cards []simulator.Card) {
	if _, err := queryBool(r, "show_pan"); err != nil {
		writeError(w, err)
		return
	}
	for i := range cards {
		cards[i], _ = showCard(r, cards[i])
	}
	listPage(w, r, cards, 5, "-lastModifiedTime", timeKeys(func(c simulator.Card) string { return c.LastModifiedTime }))
}

func (h *handler) listCards(w http.ResponseWriter, r *http.Request, _ params) {
	cards := h.e.Cards()
	if lf := r.URL.Query().Get("last_four"); lf != "" {
		kept := cards[:0]
		for _, c := range cards {
			if c.LastFour == lf {
				kept = append(kept, c)
			}
		}
		cards = kept
	}
	h.cardList(w, r, cards)
}

func (h *handler) listUserCards(w http.ResponseWriter, r *http.Request, p params) {
	h.cardList(w, r, h.e.CardsByUser(p["token"]))
}

// ---- program gateway funding sources ----

type fundingSourceRequest struct {
	Token             string            `json:"token"`
	Name              string            `json:"name" api:"required"`
	URL               string            `json:"url" api:"required"`
	BasicAuthUsername string            `json:"basic_auth_username" api:"required"`
	BasicAuthPassword string            `json:"basic_auth_password" api:"required"`
	Active            *bool             `json:"active"`
	TimeoutMillis     int64             `json:"timeout_millis"`
	CustomHeader      map[string]string `json:"custom_header"`
	UseMTLS           bool              `json:"use_mtls"`
}

// fundingSourceUpdate is gateway_program_funding_source_update_request:
// url and both credentials are required, as the spec says.
type fundingSourceUpdate struct {
	Name              string            `json:"name"`
	URL               string            `json:"url" api:"required"`
	BasicAuthUsername string            `json:"basic_auth_username" api:"required"`
	BasicAuthPassword string            `json:"basic_auth_password" api:"required"`
	Active            *bool             `json:"active"`
	TimeoutMillis     int64             `json:"timeout_millis"`
	CustomHeader      map[string]string `json:"custom_header"`
}

func (h *handler) createFundingSource(w http.ResponseWriter, r *http.Request, _ params) {
	var req fundingSourceRequest
	if !decodeOr(w, r, &req) {
		return
	}
	f, err := h.e.CreateFundingSource(simulator.FundingSource{
		Token: req.Token, Name: req.Name, URL: req.URL, BasicAuthUsername: req.BasicAuthUsername,
		BasicAuthPassword: req.BasicAuthPassword, Active: req.Active, TimeoutMillis: req.TimeoutMillis,
		CustomHeader: req.CustomHeader, UseMTLS: req.UseMTLS,
	})
	answer(w, http.StatusCreated, f, err)
}

func (h *handler) listFundingSources(w http.ResponseWriter, r *http.Request, _ params) {
	listPage(w, r, h.e.FundingSources(), 5, "-createdTime", timeKeys(func(f simulator.FundingSource) string { return f.LastModifiedTime }))
}

func (h *handler) getFundingSource(w http.ResponseWriter, r *http.Request, p params) {
	f, err := h.e.FundingSource(p["token"])
	answer(w, http.StatusOK, f, err)
}

func (h *handler) updateFundingSource(w http.ResponseWriter, r *http.Request, p params) {
	var req fundingSourceUpdate
	if !decodeOr(w, r, &req) {
		return
	}
	f, err := h.e.UpdateFundingSource(p["token"], simulator.FundingSource{
		Name: req.Name, URL: req.URL, BasicAuthUsername: req.BasicAuthUsername, BasicAuthPassword: req.BasicAuthPassword,
		Active: req.Active, TimeoutMillis: req.TimeoutMillis, CustomHeader: req.CustomHeader,
	})
	answer(w, http.StatusOK, f, err)
}

type customHeaderUpdate struct {
	CustomHeader map[string]string `json:"custom_header" api:"required"`
}

func (h *handler) updateCustomHeaders(w http.ResponseWriter, r *http.Request, p params) {
	var req customHeaderUpdate
	if !decodeOr(w, r, &req) {
		return
	}
	f, err := h.e.UpdateFundingSource(p["token"], simulator.FundingSource{CustomHeader: req.CustomHeader})
	answer(w, http.StatusOK, f, err)
}

// ---- webhooks ----

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

// ---- Commando Mode ----

type commandoState struct {
	CommandoEnabled bool   `json:"commando_enabled" api:"required"`
	Reason          string `json:"reason"`
	Channel         string `json:"channel"`
	Username        string `json:"username"`
}

func (s *commandoState) transition() *simulator.CommandoTransition {
	if s == nil {
		return nil
	}
	return &simulator.CommandoTransition{CommandoEnabled: s.CommandoEnabled, Reason: s.Reason, Channel: s.Channel, Username: s.Username}
}

// commandoModeRequest is the body of POST /commandomodes and
// PUT /commandomodes/{token} (Marqeta's Commando Mode addendum).
type commandoModeRequest struct {
	Token                            string                         `json:"token"`
	ProgramGatewayFundingSourceToken string                         `json:"program_gateway_funding_source_token"`
	CommandoModeEnables              *simulator.CommandoModeEnables `json:"commando_mode_enables"`
	RealTimeStandinCriteria          *simulator.RealTimeStandin     `json:"real_time_standin_criteria"`
	CurrentState                     *commandoState                 `json:"current_state"`
}

func (req *commandoModeRequest) mode() simulator.CommandoMode {
	return simulator.CommandoMode{
		Token: req.Token, ProgramGatewayFundingSourceToken: req.ProgramGatewayFundingSourceToken,
		CommandoModeEnables: req.CommandoModeEnables, RealTimeStandinCriteria: req.RealTimeStandinCriteria,
		CurrentState: req.CurrentState.transition(),
	}
}

func (h *handler) createCommandoMode(w http.ResponseWriter, r *http.Request, _ params) {
	var req commandoModeRequest
	if !decodeOr(w, r, &req) {
		return
	}
	if req.ProgramGatewayFundingSourceToken == "" {
		writeError(w, requireField("program_gateway_funding_source_token"))
		return
	}
	c, err := h.e.CreateCommandoMode(req.mode())
	answer(w, http.StatusCreated, c, err)
}

func (h *handler) updateCommandoMode(w http.ResponseWriter, r *http.Request, p params) {
	var req commandoModeRequest
	if !decodeOr(w, r, &req) {
		return
	}
	if req.Token != "" && req.Token != p["token"] {
		writeError(w, jit.Errorf(jit.EINVALID, "token %q does not match the commando mode in the path", clip(req.Token)))
		return
	}
	c, err := h.e.UpdateCommandoMode(p["token"], req.mode())
	answer(w, http.StatusOK, c, err)
}

func (h *handler) listCommandoModes(w http.ResponseWriter, r *http.Request, _ params) {
	listPage(w, r, h.e.CommandoModes(), 5, "-lastModifiedTime", timeKeys(func(c simulator.CommandoMode) string { return c.LastModifiedTime }))
}

func (h *handler) getCommandoMode(w http.ResponseWriter, r *http.Request, p params) {
	c, err := h.e.CommandoMode(p["token"])
	answer(w, http.StatusOK, c, err)
}

// commandoTransitionRequest is the body of POST /commandomodes/transitions.
type commandoTransitionRequest struct {
	Token             string         `json:"token"`
	CommandoModeToken string         `json:"commando_mode_token" api:"required"`
	Name              string         `json:"name"`
	Transition        *commandoState `json:"transition" api:"required"`
}

func (h *handler) createCommandoTransition(w http.ResponseWriter, r *http.Request, _ params) {
	var req commandoTransitionRequest
	if !decodeOr(w, r, &req) {
		return
	}
	t, err := h.e.CreateCommandoModeTransition(simulator.CommandoModeTransition{
		Token: req.Token, CommandoModeToken: req.CommandoModeToken, Name: req.Name, Transition: *req.Transition.transition(),
	})
	answer(w, http.StatusCreated, t, err)
}

func (h *handler) getCommandoTransition(w http.ResponseWriter, r *http.Request, p params) {
	t, err := h.e.CommandoModeTransition(p["token"])
	answer(w, http.StatusOK, t, err)
}

func (h *handler) listCommandoTransitions(w http.ResponseWriter, r *http.Request, p params) {
	if _, err := h.e.CommandoMode(p["token"]); err != nil {
		writeError(w, err)
		return
	}
	listPage(w, r, h.e.CommandoModeTransitions(p["token"]), 5, "-createdTime", sortKeys[simulator.CommandoModeTransition]{"createdTime": nil})
}

// ---- transactions ----

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
