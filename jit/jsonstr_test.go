package jit

import (
	"bytes"
	"encoding/json"
	"testing"
)

// jsonString is what encoding/json writes for s, with or without HTML
// escaping.
func jsonString(t testing.TB, s string, escapeHTML bool) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

var jsonStringCases = []string{
	"", "tok-123", `quote " and \ backslash`, "tab\tnew\nline\rcr\bbs\fff",
	"\x00\x01\x1f\x7f", "<script>&amp;</script>", "héllo wörld ☃ 𝄞",
	"bad \xff utf8 \xc3", "\xe2\x80", "line\u2028para\u2029end", "\u2027\u202a",
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range jsonStringCases {
		for _, html := range []bool{true, false} {
			got := string(AppendJSONString([]byte("x"), s, html))
			if want := "x" + jsonString(t, s, html); got != want {
				t.Errorf("AppendJSONString(%q, html=%v) = %s, want %s", s, html, got, want)
			}
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range jsonStringCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, html := range []bool{true, false} {
			if got, want := string(AppendJSONString(nil, s, html)), jsonString(t, s, html); got != want {
				t.Fatalf("AppendJSONString(%q, html=%v) = %s, want %s", s, html, got, want)
			}
		}
	})
}
