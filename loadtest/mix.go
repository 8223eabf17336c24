package loadtest

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/jitsim/jitsim/jit"
)

// Mix weighs the kinds of JIT request a run sends. Weights are relative;
// an incremental needs an earlier lodging or car-rental authorization and is
// an authorization until one exists.
type Mix struct {
	Authorization  float64 `json:"authorization"`
	Incremental    float64 `json:"incremental"`
	BalanceInquiry float64 `json:"balance_inquiry"`
}

// DefaultMix is 85% authorizations, 10% incrementals, 5% balance inquiries.
var DefaultMix = Mix{Authorization: 85, Incremental: 10, BalanceInquiry: 5}

// ParseMix reads "auth=85,incremental=10,balance=5" (any subset; names
// authorization/auth, incremental/incr, balance/balanceinquiry). It returns
// jit.EINVALID for an unknown name, a negative or non-numeric weight, or
// weights that sum to zero.
func ParseMix(s string) (Mix, error) {
	var m Mix
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return m, jit.Errorf(jit.EINVALID, "mix %q: want NAME=WEIGHT", part)
		}
		w, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || w < 0 || math.IsInf(w, 0) || math.IsNaN(w) {
			return m, jit.Errorf(jit.EINVALID, "mix %q: weight must be a non-negative number", part)
		}
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "auth", "authorization":
			m.Authorization = w
		case "incr", "incremental":
			m.Incremental = w
		case "balance", "balanceinquiry", "balance_inquiry":
			m.BalanceInquiry = w
		default:
			return m, jit.Errorf(jit.EINVALID, "mix %q: unknown kind %q (auth, incremental, balance)", part, k)
		}
	}
	if m.Authorization+m.Incremental+m.BalanceInquiry == 0 {
		return m, jit.Errorf(jit.EINVALID, "mix %q: weights sum to zero", s)
	}
	return m, nil
}

func (m Mix) normalized() Mix {
	sum := m.Authorization + m.Incremental + m.BalanceInquiry
	if sum <= 0 {
		return DefaultMix.normalized()
	}
	return Mix{m.Authorization / sum, m.Incremental / sum, m.BalanceInquiry / sum}
}

// pick maps u in [0,1) to a method by the (normalized) weights.
func (m Mix) pick(u float64) string {
	switch {
	case u < m.Authorization:
		return MethodAuthorization
	case u < m.Authorization+m.Incremental:
		return MethodIncremental
	case m.BalanceInquiry > 0:
		return MethodBalanceInquiry
	}
	return MethodAuthorization
}

func (m Mix) String() string {
	return fmt.Sprintf("auth=%g,incremental=%g,balance=%g", m.Authorization, m.Incremental, m.BalanceInquiry)
}
