package loadtest

import (
	"strings"
	"testing"

	"github.com/jitsim/jitsim/jit"
)

func TestReadAccounts(t *testing.T) {
	tests := []struct {
		in      string
		n       int
		wantErr string
	}{
		{`{"accounts": [{"user_token": "u-1", "card_token": "c-1"}, {"user_token": "u-2"}]}`, 2, ""},
		{`{"accounts": []}`, 0, "no accounts"},
		{`{"accounts": [{"user_token": ""}]}`, 0, "1 to 36 characters"},
		{`{"accounts": [{"user_token": "` + strings.Repeat("x", 37) + `"}]}`, 0, "1 to 36 characters"},
		{`{"accounts": [{"user_token": "u"}, {"user_token": "u"}]}`, 0, "appears twice"},
		{`{"accounts": [{"user_token": "u", "balance": 5}]}`, 0, "unknown field"},
		{`[1,2]`, 0, "accounts file"},
	}
	for _, tt := range tests {
		got, err := ReadAccounts(strings.NewReader(tt.in))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || jit.ErrorCode(err) != jit.EINVALID {
				t.Errorf("%s: err %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || len(got) != tt.n {
			t.Errorf("%s: %v, %v", tt.in, got, err)
		}
	}
}
