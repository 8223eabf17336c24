package jit

import (
	"slices"
	"testing"
)

// TestEnumsMatchSpec checks each enum list of enums.go against CoreAPI.yaml,
// both ways: every value of the spec is ours, and we have no value the spec
// lacks.
func TestEnumsMatchSpec(t *testing.T) {
	tests := []struct {
		schema, prop string
		ours         []string
		wantLen      int // size of the spec's enum (CoreAPI.yaml 3.0.19)
	}{
		{"jit_funding_api", "method", Methods, 50},
		{"jit_funding_api", "decline_reason", DeclineReasons, 21},
		{"transaction_model", "state", States, 5},
		{"transaction_model", "type", Types, 127},
	}
	for _, tc := range tests {
		t.Run(tc.schema+"."+tc.prop, func(t *testing.T) {
			got := specEnum(t, tc.schema, tc.prop)
			if len(got) == 0 {
				t.Fatalf("extracted no enum values for %s.%s: the extractor is broken", tc.schema, tc.prop)
			}
			if tc.wantLen != 0 && len(got) != tc.wantLen {
				t.Errorf("extracted %d values from the spec, want %d", len(got), tc.wantLen)
			}
			for _, v := range got {
				if !slices.Contains(tc.ours, v) {
					t.Errorf("spec value %q is missing from our list", v)
				}
			}
			for _, v := range tc.ours {
				if !slices.Contains(got, v) {
					t.Errorf("our value %q is not in the spec", v)
				}
			}
			if len(tc.ours) != len(got) {
				t.Errorf("our list has %d values, the spec %d (duplicates?)", len(tc.ours), len(got))
			}
			if !slices.Equal(tc.ours, got) {
				t.Errorf("our list is not in the spec's order")
			}
		})
	}
}

// TestDeclineReasonsHaveNoUnauthorizedMerchant guards a common mistake: the
// spec has INVALID_MERCHANT, not UNAUTHORIZED_MERCHANT.
func TestDeclineReasonsHaveNoUnauthorizedMerchant(t *testing.T) {
	if slices.Contains(DeclineReasons, "UNAUTHORIZED_MERCHANT") {
		t.Error("DeclineReasons contains UNAUTHORIZED_MERCHANT, which the spec does not have")
	}
}
