package api

import (
	"net/http"

	"github.com/jitsim/jitsim/simulator"
)

// Handlers of /v3/fundingsources: program gateway funding sources.

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
