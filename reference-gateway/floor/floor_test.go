package floor

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jitsim/jitsim/jit"
)

func TestHandler(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		status     int
	}{
		{"funding request", `{"type":"authorization","token":"t1","amount":12.30,"gpa_order":{"jit_funding":{"token":"j1","method":"pgfs.authorization","user_token":"u1","amount":12.30}}}`, 200},
		{"not JSON", `nope`, 400},
		{"no jit_funding", `{"type":"authorization","token":"t1"}`, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/jit", strings.NewReader(tc.body)))
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.status != 200 {
				return
			}
			var got jit.JITResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if jf := got.JITFunding; jf.Token != "j1" || jf.Method != jit.MethodAuthorization || jf.UserToken != "u1" || jf.Amount.String() != "12.30" {
				t.Fatalf("echo %+v", jf)
			}
		})
	}
}
