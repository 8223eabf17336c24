package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// startSandbox runs `jitsim sandbox args…` in-process and reads its start
// banner: the base URL and the credentials. It returns them, a cancel that
// stops the sandbox, and the channel its result arrives on.
func startSandbox(t *testing.T, args ...string) (base, user, pass string, stop context.CancelFunc, done chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	pr, pw := io.Pipe()
	done = make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{"sandbox", "--addr", "127.0.0.1:0"}, args...), pw, io.Discard)
		pw.Close()
		done <- err
	}()
	br := bufio.NewReader(pr)
	var lines []string
	for len(lines) < 3 {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("banner: %v (read %q)", err, lines)
		}
		lines = append(lines, line)
	}
	go io.Copy(io.Discard, br)
	f := strings.Fields(lines[0])
	base = f[len(f)-1]
	if !strings.HasPrefix(base, "http://127.0.0.1:") || !strings.HasSuffix(base, "/v3") {
		t.Fatalf("banner %q", lines[0])
	}
	f = strings.Fields(lines[1])
	user = f[len(f)-1]
	f = strings.Fields(lines[2])
	pass = f[len(f)-1]
	return base, user, pass, cancel, done
}

func sandboxCall(t *testing.T, method, url, user, pass, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(user, pass)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: answer is not JSON: %v", method, url, err)
	}
	return resp.StatusCode, out
}

func TestSandboxServesAndShutsDown(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		user, pwd string // expected credentials; "" means generated
	}{
		{"given tokens", []string{"--app-token", "my-app", "--access-token", "my-access", "--seed", "9"}, "my-app", "my-access"},
		{"generated tokens", nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, user, pass, stop, done := startSandbox(t, tt.args...)
			if tt.user != "" && (user != tt.user || pass != tt.pwd) {
				t.Fatalf("credentials %q %q", user, pass)
			}
			if tt.user == "" && (!strings.HasPrefix(user, "app-") || !strings.HasPrefix(pass, "access-") || len(pass) < 20) {
				t.Fatalf("generated credentials %q %q", user, pass)
			}
			if code, out := sandboxCall(t, "POST", base+"/users", user, pass, `{"token":"ada","first_name":"Ada","active":"true"}`); code != 201 || out["token"] != "ada" || out["active"] != true {
				t.Fatalf("create user: %d %v", code, out)
			}
			if code, out := sandboxCall(t, "GET", base+"/users", user, pass, ""); code != 200 || out["count"] != 1.0 {
				t.Fatalf("list users: %d %v", code, out)
			}
			if code, out := sandboxCall(t, "GET", base+"/users", user, "wrong", ""); code != 401 || out["error_code"] != "401" {
				t.Fatalf("wrong password: %d %v", code, out)
			}
			stop()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("sandbox exited with %v", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("sandbox did not shut down")
			}
		})
	}
}

func TestSandboxUsage(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"sandbox", "extra"}, "takes no arguments"},
		{[]string{"sandbox", "--seed", "minus-one"}, "invalid value"},
		{[]string{"sandbox", "--addr", "256.0.0.1:bad"}, "listen"},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		err := run(context.Background(), tt.args, io.Discard, &stderr)
		if code := exitCode(err, &stderr); code != exitUsage || !strings.Contains(stderr.String(), tt.wantErr) {
			t.Errorf("%v: exit %d, stderr %q", tt.args, code, stderr.String())
		}
	}
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"help", "sandbox"}, &stdout, io.Discard); err != nil || !strings.Contains(stdout.String(), "-app-token") {
		t.Fatalf("help sandbox: %v %q", err, stdout.String())
	}
}
