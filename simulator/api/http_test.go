package api

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jitsim/jitsim/simulator"
	"github.com/jitsim/jitsim/simulator/clock"
)

func TestAuthFailures(t *testing.T) {
	v := newEnv(t)
	tests := []struct {
		name, user, pass string
		want             int
	}{
		{"no credentials", "", "", 401},
		{"wrong application token", "nope", accessToken, 401},
		{"wrong access token", appToken, "nope", 401},
		{"swapped", accessToken, appToken, 401},
		{"right", appToken, accessToken, 200},
	}
	for _, tt := range tests {
		for _, p := range []string{"/users", "/no/such/path", "/simulations/cardtransactions/authorization"} {
			t.Run(tt.name+p, func(t *testing.T) {
				method := "GET"
				if strings.HasPrefix(p, "/simulations") {
					method = "POST"
				}
				r := v.call(t, method, p, nil, tt.user, tt.pass)
				if tt.want == 401 {
					if r.status != 401 || r.obj["error_code"] != "401" || r.header.Get("WWW-Authenticate") == "" {
						t.Fatalf("got %d %s", r.status, r.raw)
					}
					return
				}
				if r.status == 401 {
					t.Fatalf("right credentials refused: %s", r.raw)
				}
			})
		}
	}
	// Unconfigured tokens match nothing, not even empty credentials.
	h := NewHandler(v.e, Options{})
	req := httptest.NewRequest("GET", "/v3/users", nil)
	req.SetBasicAuth("", "")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != 401 {
		t.Fatalf("empty tokens: %d", w.Code)
	}
}

func TestProtocolErrors(t *testing.T) {
	v := newEnv(t)
	tests := []struct {
		name, method, path string
		body               any
		contentType        string
		want               int
		inMessage          string
	}{
		{"unknown path", "GET", "/nothing", nil, "", 404, "no endpoint"},
		{"unknown nested path", "GET", "/users/u1/extra/more", nil, "", 404, "no endpoint"},
		{"empty segment", "GET", "//users", nil, "", 404, ""},
		{"wrong method", "DELETE", "/users", nil, "", 405, "not allowed"},
		{"wrong method on token", "POST", "/users/u1", `{}`, "", 405, "GET, PUT"},
		{"not json", "POST", "/users", `token=x`, "application/x-www-form-urlencoded", 415, "Content-Type"},
		{"bad media type", "POST", "/users", `{}`, "nonsense/", 415, ""},
		{"malformed JSON", "POST", "/users", `{"token": "u9",`, "", 400, "malformed JSON"},
		{"JSON syntax error", "POST", "/users", `{"token" "u9"}`, "", 400, "malformed JSON"},
		{"array body", "POST", "/users", `[1,2]`, "", 400, "must be a JSON object"},
		{"trailing data", "POST", "/users", `{"token":"u9"} {}`, "", 400, "data after"},
		{"wrong type", "POST", "/users", `{"token":{"a":1}}`, "", 400, "token must be a string"},
		{"uncoercible boolean", "POST", "/users", `{"active":"maybe"}`, "", 400, `active must be a boolean, got string "maybe"`},
		{"token too long", "POST", "/users", `{"token":"0123456789012345678901234567890123456789"}`, "", 400, "36"},
		{"missing required", "POST", "/cardproducts", `{"name":"x"}`, "", 400, "start_date is required"},
		{"missing nested required", "POST", "/webhooks", `{"name":"w","events":["*"],"config":{"url":"http://127.0.0.1:1"}}`, "", 400, "config.basic_auth_username is required"},
		{"body token contradicts path", "PUT", "/cards/c1", `{"token":"c2"}`, "", 400, "does not match"},
		{"bad query count", "GET", "/users?count=abc", nil, "", 400, "count"},
		{"negative start_index", "GET", "/users?start_index=-1", nil, "", 400, "start_index"},
		{"bad sort_by", "GET", "/users?sort_by=name", nil, "", 400, "sort_by"},
		{"bad show_pan", "GET", "/cards/user/u1?show_pan=perhaps", nil, "", 400, "show_pan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rd *strings.Reader
			if s, ok := tt.body.(string); ok {
				rd = strings.NewReader(s)
			}
			req, _ := http.NewRequest(tt.method, v.api.URL+"/v3"+tt.path, nil)
			if rd != nil {
				req, _ = http.NewRequest(tt.method, v.api.URL+"/v3"+tt.path, rd)
			}
			req.SetBasicAuth(appToken, accessToken)
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			hr, err := v.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer hr.Body.Close()
			r := decodeAnswer(t, hr)
			if r.status != tt.want || r.obj["error_code"] != itoa(tt.want) || !strings.Contains(r.obj["error_message"].(string), tt.inMessage) {
				t.Fatalf("got %d %s, want %d containing %q", r.status, r.raw, tt.want, tt.inMessage)
			}
			if tt.want == 405 && r.header.Get("Allow") == "" {
				t.Fatal("405 without Allow")
			}
		})
	}
}

func TestBodyTooLarge(t *testing.T) {
	e := simulator.New(simulator.Config{Clock: clock.NewVirtual(testStart)})
	defer e.Close()
	srv := httptest.NewServer(NewHandler(e, Options{AppToken: appToken, AccessToken: accessToken, MaxBodyBytes: 64}))
	defer srv.Close()
	big := `{"token":"u1","first_name":"` + strings.Repeat("a", 100) + `"}`
	for _, chunked := range []bool{false, true} {
		req, _ := http.NewRequest("POST", srv.URL+"/v3/users", strings.NewReader(big))
		if chunked {
			req.ContentLength = -1 // no Content-Length: the limit trips while reading
		}
		req.SetBasicAuth(appToken, accessToken)
		hr, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r := decodeAnswer(t, hr)
		hr.Body.Close()
		if r.status != 413 || r.obj["error_code"] != "413" {
			t.Fatalf("chunked=%v: %d %s", chunked, r.status, r.raw)
		}
	}
}

// TestRecoverAnswers500 registers a panicking route: the handler answers
// 500 JSON and keeps serving.
func TestRecoverAnswers500(t *testing.T) {
	e := simulator.New(simulator.Config{Clock: clock.NewVirtual(testStart)})
	defer e.Close()
	h := newHandler(e, Options{AppToken: appToken, AccessToken: accessToken})
	h.log = slog.New(slog.DiscardHandler)
	h.handle("GET", "/boom", func(http.ResponseWriter, *http.Request, params) { panic("boom") })
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, p := range []string{"/v3/boom", "/v3/users"} {
		req, _ := http.NewRequest("GET", srv.URL+p, nil)
		req.SetBasicAuth(appToken, accessToken)
		hr, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r := decodeAnswer(t, hr)
		hr.Body.Close()
		want := 200
		if p == "/v3/boom" {
			want = 500
		}
		if r.status != want {
			t.Fatalf("%s: %d %s", p, r.status, r.raw)
		}
		if want == 500 && (r.obj["error_code"] != "500" || r.obj["error_message"] != "internal error") {
			t.Fatalf("500 body %s", r.raw)
		}
	}
}
