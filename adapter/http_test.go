package adapter

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

func TestHTTPStatuses(t *testing.T) {
	l := newFakeLedger()
	srv := newServer(t, l, WithMaxBodyBytes(4096))
	big := `{"query": "{ __typename }", "variables": {"pad": "` + strings.Repeat("x", 5000) + `"}}`
	for _, tc := range []struct {
		name, method, ct, body string
		status                 int
		code                   string
	}{
		{"ok", "POST", "application/json", `{"query": "{ __typename }"}`, 200, ""},
		{"ok with charset", "POST", "application/json; charset=UTF-8", `{"query": "{ __typename }", "variables": null, "operationName": null}`, 200, ""},
		{"validation error is 200", "POST", "application/json", `{"query": "{ nope }"}`, 200, CodeValidationFailed},
		{"syntax error is 200", "POST", "application/json", `{"query": "{"}`, 200, CodeParseFailed},
		{"not JSON", "POST", "application/json", `query { __typename }`, 400, CodeBadRequest},
		{"JSON array", "POST", "application/json", `[{"query": "{ __typename }"}]`, 400, CodeBadRequest},
		{"trailing data", "POST", "application/json", `{"query": "{ __typename }"} {}`, 400, CodeBadRequest},
		{"missing query", "POST", "application/json", `{"variables": {}}`, 400, CodeBadRequest},
		{"null body", "POST", "application/json", `null`, 400, CodeBadRequest},
		{"query not a string", "POST", "application/json", `{"query": 7}`, 400, CodeBadRequest},
		{"variables not an object", "POST", "application/json", `{"query": "{ __typename }", "variables": "x"}`, 400, CodeBadRequest},
		{"empty body", "POST", "application/json", ``, 400, CodeBadRequest},
		{"oversize body", "POST", "application/json", big, 413, "PAYLOAD_TOO_LARGE"},
		{"GET", "GET", "", ``, 405, "METHOD_NOT_ALLOWED"},
		{"PUT", "PUT", "application/json", `{"query": "{ __typename }"}`, 405, "METHOD_NOT_ALLOWED"},
		{"form", "POST", "application/x-www-form-urlencoded", `query=x`, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"graphql body", "POST", "application/graphql", `{ __typename }`, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"latin1", "POST", "application/json; charset=latin1", `{"query": "{ __typename }"}`, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"no content type", "POST", "", `{"query": "{ __typename }"}`, 415, "UNSUPPORTED_MEDIA_TYPE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.ct != "" {
				req.Header.Set("Content-Type", tc.ct)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode != tc.status {
				t.Errorf("status %d, want %d", res.StatusCode, tc.status)
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if tc.status == 405 && res.Header.Get("Allow") != "POST" {
				t.Errorf("Allow %q", res.Header.Get("Allow"))
			}
			var resp Response
			if err := json.NewDecoder(res.Body).Decode(&resp); err != nil {
				t.Fatalf("body is not JSON: %v", err)
			}
			var got string
			if len(resp.Errors) > 0 {
				got = resp.Errors[0].Code()
				if resp.Errors[0].Message == "" {
					t.Error("error without message")
				}
			}
			if got != tc.code {
				t.Errorf("code %q, want %q (%v)", got, tc.code, resp.Errors)
			}
			if tc.status != 200 && resp.Data != nil {
				t.Errorf("data %s on status %d", resp.Data, tc.status)
			}
		})
	}
	if l.callCount() != 0 {
		t.Errorf("ledger calls %d", l.callCount())
	}
}

// Numbers in variables are decoded exactly (UseNumber): an integer ID keeps
// all its digits.
func TestHTTPVariablesUseNumber(t *testing.T) {
	l := newFakeLedger()
	l.seed("9007199254740993", "USD", 5)
	srv := newServer(t, l)
	_, _, body := postRaw(t, srv.URL, "application/json",
		`{"query": "query ($t: ID!) { account(token: $t) { token ledger } }", "variables": {"t": 9007199254740993}}`)
	if !jsonEqual(t, body, `{"data":{"account":{"token":"9007199254740993","ledger":"0.05"}}}`) {
		t.Errorf("body %s", body)
	}
}

// Internal errors are logged with their cause, and only there.
func TestHTTPLogsInternalErrors(t *testing.T) {
	var logs bytes.Buffer
	l := newFakeLedger()
	l.fail["x"] = context.DeadlineExceeded
	srv := newServer(t, l, WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	resp, raw := gql(t, srv.URL, Request{Query: `{ account(token: "x") { token } }`})
	if len(resp.Errors) != 1 || resp.Errors[0].Message != "internal error" || strings.Contains(raw, "deadline") {
		t.Errorf("response %s", raw)
	}
	if !strings.Contains(logs.String(), "deadline exceeded") || !strings.Contains(logs.String(), "path=account") {
		t.Errorf("log %q", logs.String())
	}
}
