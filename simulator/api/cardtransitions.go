package api

import (
	"net/http"

	"github.com/jitsim/jitsim/simulator"
)

// ---- card transitions ----

type cardTransitionRequest struct {
	Token      string `json:"token"`
	CardToken  string `json:"card_token" api:"required"`
	Channel    string `json:"channel" api:"required"`
	State      string `json:"state" api:"required"`
	Reason     string `json:"reason"`
	ReasonCode string `json:"reason_code"`
}

// cardTransitionResponse is card_transition_response: the transition and
// the card as it stood right after it, PAN masked.
type cardTransitionResponse struct {
	simulator.CardTransition
	UserToken         string `json:"user_token"`
	CardProductToken  string `json:"card_product_token"`
	LastFour          string `json:"last_four"`
	PAN               string `json:"pan"`
	Expiration        string `json:"expiration"`
	ExpirationTime    string `json:"expiration_time"`
	Barcode           string `json:"barcode"`
	PINIsSet          bool   `json:"pin_is_set"`
	Expedite          bool   `json:"expedite"`
	FulfillmentStatus string `json:"fulfillment_status"`
}

func transitionView(r simulator.CardTransitionRecord) cardTransitionResponse {
	c := r.Card
	return cardTransitionResponse{
		CardTransition: r.Transition, UserToken: c.UserToken, CardProductToken: c.CardProductToken, LastFour: c.LastFour,
		PAN: maskPAN(c.PAN), Expiration: c.Expiration, ExpirationTime: c.ExpirationTime, Barcode: c.Barcode,
		PINIsSet: c.PINIsSet, FulfillmentStatus: c.FulfillmentStatus,
	}
}

// transitionCard serves POST /cardtransitions: 201 with the transition, 409
// for a transition token already used.
func (h *handler) transitionCard(w http.ResponseWriter, r *http.Request, _ params) {
	var req cardTransitionRequest
	if !decodeOr(w, r, &req) {
		return
	}
	t, c, err := h.e.TransitionCard(simulator.CardTransition{Token: req.Token, CardToken: req.CardToken, State: req.State, Reason: req.Reason, ReasonCode: req.ReasonCode, Channel: req.Channel})
	answer(w, http.StatusCreated, transitionView(simulator.CardTransitionRecord{Transition: t, Card: c}), err)
}

// getCardTransition serves GET /cardtransitions/{token}: 200, or 404.
func (h *handler) getCardTransition(w http.ResponseWriter, r *http.Request, p params) {
	rec, err := h.e.CardTransition(p["token"])
	answer(w, http.StatusOK, transitionView(rec), err)
}

// listCardTransitions serves GET /cardtransitions/card/{token}: the card's
// transitions in the list envelope (CardTransitionListResponse), count 5
// and sort_by -createdTime by default. An unknown card has none (an empty
// list, as the spec lists no 404 here).
func (h *handler) listCardTransitions(w http.ResponseWriter, r *http.Request, p params) {
	recs := h.e.CardTransitions(p["token"])
	out := make([]cardTransitionResponse, len(recs))
	for i, rec := range recs {
		out[i] = transitionView(rec)
	}
	created := func(t cardTransitionResponse) string { return t.CreatedTime }
	listPage(w, r, out, 5, "-createdTime", sortKeys[cardTransitionResponse]{"createdTime": nil, "lastModifiedTime": created})
}
