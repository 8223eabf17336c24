package api

import (
	"net/http"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
)

// Handlers of /v3/commandomodes: Commando Mode.

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
