package api

import (
	"net/http"
	"strings"

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
