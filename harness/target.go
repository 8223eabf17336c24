package harness

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/jitsim/jitsim/jit"
)

// Target is a gateway under test: its three endpoints and the Basic auth it
// requires on all of them (design.md §4, §5).
type Target struct {
	// JITURL is the gateway's JIT funding endpoint (POST /jit).
	JITURL string
	// WebhookURL is its transaction webhook endpoint (POST /webhooks).
	WebhookURL string
	// AdapterURL is its GraphQL adapter (POST /graphql); empty means
	// black-box mode, where accounts come from an AccountPool and balances
	// are read by pgfs.balanceinquiry.
	AdapterURL string
	// Username and Password are the HTTP Basic credentials of all three.
	// Marqeta requires a password of 20 to 100 characters.
	Username, Password string
	// WebhookSecret, when set, signs every webhook (X-Marqeta-Signature,
	// HMAC-SHA256) and enables the bad-signature checks.
	WebhookSecret string
	// TimeoutMillis is the funding source's timeout_millis (1000 when 0, the
	// smallest Marqeta allows, so that "too slow" scenarios are quick).
	TimeoutMillis int64
	// HTTPClient sends the harness's own requests (adapter, raw sends,
	// duplicates, the delaying proxy). Nil means a client without proxies
	// and a 30 s timeout.
	HTTPClient *http.Client
}

// BlackBox reports whether the target has no adapter.
func (t Target) BlackBox() bool { return t.AdapterURL == "" }

// Validate checks the URLs and credentials. It returns a *jit.Error with
// code EINVALID naming the first bad field.
func (t Target) Validate() error {
	for _, f := range []struct{ name, v string }{{"JIT URL", t.JITURL}, {"webhook URL", t.WebhookURL}, {"adapter URL", t.AdapterURL}} {
		if f.v == "" && f.name == "adapter URL" {
			continue
		}
		u, err := url.Parse(f.v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return jit.Errorf(jit.EINVALID, "%s %q is not an http(s) URL", f.name, f.v)
		}
	}
	if t.Username == "" || strings.Contains(t.Username, ":") {
		return jit.Errorf(jit.EINVALID, "a Basic auth user name is required (no colon)")
	}
	if len(t.Password) < 20 || len(t.Password) > 100 {
		return jit.Errorf(jit.EINVALID, "the Basic auth password must be 20 to 100 characters, as Marqeta requires of a program gateway funding source")
	}
	if t.TimeoutMillis != 0 && (t.TimeoutMillis < 1000 || t.TimeoutMillis > 7000) {
		return jit.Errorf(jit.EINVALID, "timeout_millis must be 1000 to 7000")
	}
	return nil
}

// ParseAuth splits USER:PASS. It returns a *jit.Error with code EINVALID
// when there is no colon or no user.
func ParseAuth(s string) (user, pass string, err error) {
	u, p, ok := strings.Cut(s, ":")
	if !ok || u == "" {
		return "", "", jit.Errorf(jit.EINVALID, "auth must be USER:PASS")
	}
	return u, p, nil
}

func (t Target) client() *http.Client {
	if t.HTTPClient != nil {
		return t.HTTPClient
	}
	return defaultClient
}

var defaultClient = &http.Client{Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 64}}
