package api

import (
	"fmt"
	"strings"
	"testing"

	"github.com/jitsim/jitsim/spec"
)

// TestResources runs every resource through create (201, string-typed
// booleans and numbers accepted), duplicate (409), get (200, 404), update
// (200, 404), list (envelope) and a missing required field (400 naming it).
func TestResources(t *testing.T) {
	tests := []struct {
		name      string
		program   bool // set up fs1, cp1, u1, c1, wh1 first
		create    string
		body      string
		token     string
		created   map[string]any // path → value after create
		update    string
		updated   map[string]any // path → value after update
		list      string
		missing   string // a body missing a required field
		missField string
	}{
		{
			name: "card product", program: true, create: "/cardproducts", token: "cp9",
			body:    `{"token":"cp9","name":"Prod","start_date":"2026-01-01","active":"false","config":{"jit_funding":{"programgateway_funding_source":{"enabled":"true","funding_source_token":"fs1"}}}}`,
			created: map[string]any{"name": "Prod", "active": false, "config.jit_funding.programgateway_funding_source.enabled": true},
			update:  `{"name":"Prod 2","active":"TRUE","unknown_field":{"ignored":1}}`,
			updated: map[string]any{"name": "Prod 2", "active": true, "start_date": "2026-01-01"},
			list:    "/cardproducts", missing: `{"name":"x"}`, missField: "start_date",
		},
		{
			name: "user", create: "/users", token: "u9",
			body:    `{"token":"u9","first_name":"Grace","active":"false","metadata":{"tier":"gold","n":7}}`,
			created: map[string]any{"first_name": "Grace", "active": false, "metadata.n": "7"},
			update:  `{"last_name":"Hopper","email":"grace@example.com"}`,
			updated: map[string]any{"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"},
			list:    "/users", missing: `{"token":7}`, // a number is a fine string: no required field to miss
		},
		{
			name: "card", program: true, create: "/cards", token: "c9",
			body:    `{"token":"c9","user_token":"u1","card_product_token":"cp1"}`,
			created: map[string]any{"state": "ACTIVE", "user_token": "u1", "instrument_type": "VIRTUAL_PAN"},
			update:  `{"metadata":{"nick":"travel"}}`,
			updated: map[string]any{"metadata.nick": "travel", "state": "ACTIVE"},
			list:    "/cards/user/u1", missing: `{"user_token":"u1"}`, missField: "card_product_token",
		},
		{
			name: "program gateway funding source", create: "/fundingsources/programgateway", token: "fs9",
			body: `{"token":"fs9","name":"gw","url":"http://127.0.0.1:9/jit","basic_auth_username":"marqeta",
				"basic_auth_password":"` + gwPassword + `","timeout_millis":"3000","active":"true","use_mtls":"false","custom_header":{"X-Program":"p1"}}`,
			created: map[string]any{"timeout_millis": 3000.0, "active": true, "custom_header.X-Program": "p1", "version": "1"},
			update:  `{"url":"http://127.0.0.1:9/jit2","basic_auth_username":"marqeta","basic_auth_password":"` + gwPassword + `","timeout_millis":"5000"}`,
			updated: map[string]any{"timeout_millis": 5000.0, "url": "http://127.0.0.1:9/jit2", "name": "gw"},
			list:    "/fundingsources/programgateway", missing: `{"name":"gw"}`, missField: "url",
		},
		{
			name: "webhook", create: "/webhooks", token: "wh9",
			body:    `{"token":"wh9","name":"w","events":["transaction.*"],"config":{"url":"http://127.0.0.1:9/wh","basic_auth_username":"hook","basic_auth_password":"hook-password"}}`,
			created: map[string]any{"name": "w", "active": true, "config.url": "http://127.0.0.1:9/wh"},
			update:  `{"name":"w2","events":["authorization"],"active":"false","config":{"url":"http://127.0.0.1:9/wh2","basic_auth_username":"hook","basic_auth_password":"hook-password"}}`,
			updated: map[string]any{"name": "w2", "active": false, "config.url": "http://127.0.0.1:9/wh2"},
			list:    "/webhooks", missing: `{"name":"w","events":["*"]}`, missField: "config",
		},
		{
			name: "commando mode", program: true, create: "/commandomodes", token: "cm9",
			body: `{"token":"cm9","program_gateway_funding_source_token":"fs1","commando_mode_enables":{"program_funding_source":"pfs1"},
				"real_time_standin_criteria":{"enabled":"true","include_response_timeouts":"true"}}`,
			created: map[string]any{"real_time_standin_criteria.enabled": true, "real_time_standin_criteria.include_connection_errors": false, "current_state.commando_enabled": false, "current_state.channel": "API"},
			update:  `{"real_time_standin_criteria":{"enabled":"false"}}`,
			updated: map[string]any{"real_time_standin_criteria.enabled": false, "program_gateway_funding_source_token": "fs1"},
			list:    "/commandomodes", missing: `{"token":"cm8"}`, missField: "program_gateway_funding_source_token",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newEnv(t)
			if tt.program {
				v.program(t)
			}
			check := func(what string, obj map[string]any, want map[string]any) {
				t.Helper()
				for p, w := range want {
					if got := path(obj, p); fmt.Sprint(got) != fmt.Sprint(w) {
						t.Errorf("%s: %s = %v, want %v", what, p, got, w)
					}
				}
			}
			r := v.must(t, 201, "POST", tt.create, tt.body)
			if r.obj["token"] != tt.token || r.obj["created_time"] == nil {
				t.Fatalf("create answered %s", r.raw)
			}
			check("create", r.obj, tt.created)
			if r := v.must(t, 409, "POST", tt.create, tt.body); r.obj["error_code"] != "409" {
				t.Fatalf("duplicate: %s", r.raw)
			}
			r = v.must(t, 200, "GET", tt.create+"/"+tt.token, nil)
			check("get", r.obj, tt.created)
			v.must(t, 404, "GET", tt.create+"/no-such-token", nil)
			r = v.must(t, 200, "PUT", tt.create+"/"+tt.token, tt.update)
			check("update", r.obj, tt.updated)
			r = v.must(t, 200, "GET", tt.create+"/"+tt.token, nil)
			check("get after update", r.obj, tt.updated)
			if r := v.must(t, 404, "PUT", tt.create+"/no-such-token", tt.update); r.obj["error_code"] != "404" {
				t.Fatalf("update unknown: %s", r.raw)
			}
			r = v.must(t, 200, "GET", tt.list+"?count=100", nil)
			found := false
			for _, d := range r.obj["data"].([]any) {
				found = found || d.(map[string]any)["token"] == tt.token
			}
			if !found || r.obj["is_more"] != false || r.obj["start_index"] != 0.0 || r.obj["count"] != float64(len(r.obj["data"].([]any))) {
				t.Fatalf("list %s", r.raw)
			}
			if tt.missField != "" {
				r := v.must(t, 400, "POST", tt.create, tt.missing)
				if msg := r.obj["error_message"].(string); !strings.Contains(msg, tt.missField+" is required") {
					t.Fatalf("missing field: %s", r.raw)
				}
			} else if tt.missing != "" {
				v.must(t, 201, "POST", tt.create, tt.missing)
			}
		})
	}
}

// tokens lists the tokens of a list answer's data, comma-separated.
func tokens(r resp) string {
	var out []string
	for _, d := range r.obj["data"].([]any) {
		out = append(out, d.(map[string]any)["token"].(string))
	}
	return strings.Join(out, ",")
}

func TestListPaging(t *testing.T) {
	v := newEnv(t)
	for i := 1; i <= 7; i++ {
		v.must(t, 201, "POST", "/users", fmt.Sprintf(`{"token":"u%d"}`, i))
	}
	tests := []struct {
		query             string
		tokens            string
		count, start, end float64
		isMore            bool
	}{
		{"", "u7,u6,u5,u4,u3", 5, 0, 4, true}, // spec default: count 5, -lastModifiedTime
		{"?count=2&start_index=6", "u1", 1, 6, 6, false},
		{"?count=3&sort_by=createdTime", "u1,u2,u3", 3, 0, 2, true},
		{"?count=%222%22&start_index=1&sort_by=-createdTime", "u6,u5", 2, 1, 2, true},
		{"?start_index=20", "", 0, 20, 20, false},
		{"?count=0", "", 0, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := v.must(t, 200, "GET", "/users"+strings.ReplaceAll(tt.query, "%22", ""), nil)
			if got := tokens(r); got != tt.tokens || r.obj["count"] != tt.count || r.obj["start_index"] != tt.start ||
				r.obj["end_index"] != tt.end || r.obj["is_more"] != tt.isMore {
				t.Fatalf("got %s (tokens %s)", r.raw, got)
			}
		})
	}
}

func TestCardTransitions(t *testing.T) {
	v := newEnv(t)
	v.program(t)
	auth := `{"card_token":"c1","amount":"1.00"}`
	steps := []struct {
		body     string
		status   int
		typ      string
		authWant int // status of an authorization afterwards
	}{
		{`{"card_token":"c1","channel":"API","state":"SUSPENDED","reason":"lost"}`, 201, "state.suspended", 400},
		{`{"card_token":"c1","channel":"API","state":"ACTIVE"}`, 201, "state.reinstated", 201},
		{`{"card_token":"c1","channel":"PHONE","state":"ACTIVE"}`, 400, "", 201},
		{`{"card_token":"c1","channel":"API","state":"GONE"}`, 400, "", 201},
		{`{"card_token":"nope","channel":"API","state":"ACTIVE"}`, 404, "", 201},
		{`{"card_token":"c1","state":"ACTIVE"}`, 400, "", 201},
		{`{"token":"t9","card_token":"c1","channel":"FRAUD","state":"TERMINATED"}`, 201, "state.terminated", 400},
		{`{"card_token":"c1","channel":"API","state":"ACTIVE"}`, 400, "", 400},
	}
	for i, s := range steps {
		r := v.must(t, s.status, "POST", "/cardtransitions", s.body)
		if s.status == 201 {
			if r.obj["type"] != s.typ || r.obj["card_token"] != "c1" || r.obj["token"] == "" || !strings.Contains(r.obj["pan"].(string), "______") {
				t.Fatalf("step %d: %s", i, r.raw)
			}
		}
		v.must(t, s.authWant, "POST", "/simulations/cardtransactions/authorization", auth)
	}
	if r := v.must(t, 200, "GET", "/cards/c1", nil); r.obj["state"] != "TERMINATED" {
		t.Fatalf("card %s", r.raw)
	}
	if r := v.must(t, 200, "GET", "/cards/c1?show_pan=true", nil); strings.Contains(r.obj["pan"].(string), "_") || len(r.obj["pan"].(string)) != 16 {
		t.Fatalf("show_pan: %s", r.raw)
	}
}

// TestCardTransitionsStoredAndListed reads transitions back over
// GET /cardtransitions/{token} and GET /cardtransitions/card/{token}, checks
// the answers against CoreAPI.yaml's card_transition_response and
// CardTransitionListResponse (required fields included), the spec's list
// defaults (count 5, newest first), paging, and 409 for a reused token.
func TestCardTransitionsStoredAndListed(t *testing.T) {
	s, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	valid := func(t *testing.T, schema string, raw []byte) {
		t.Helper()
		if issues := s.Validate(schema, raw, spec.Options{Required: true}); len(issues) > 0 {
			t.Fatalf("%s: %s %s\n%s", schema, issues[0].Path, issues[0].Problem, raw)
		}
	}
	v := newEnv(t)
	v.program(t)
	states := []string{"SUSPENDED", "ACTIVE", "SUSPENDED", "ACTIVE", "SUSPENDED", "ACTIVE"}
	for i, st := range states {
		r := v.must(t, 201, "POST", "/cardtransitions", `{"token":"tr`+itoa(i)+`","card_token":"c1","channel":"API","state":"`+st+`","reason_code":"01"}`)
		valid(t, "card_transition_response", r.raw)
	}
	// A reused token is 409 and moves nothing.
	v.must(t, 409, "POST", "/cardtransitions", `{"token":"tr5","card_token":"c1","channel":"API","state":"TERMINATED"}`)
	if r := v.must(t, 200, "GET", "/cards/c1", nil); r.obj["state"] != "ACTIVE" {
		t.Fatalf("a refused transition moved the card: %s", r.raw)
	}

	one := v.must(t, 200, "GET", "/cardtransitions/tr2", nil)
	valid(t, "card_transition_response", one.raw)
	if one.obj["token"] != "tr2" || one.obj["state"] != "SUSPENDED" || one.obj["type"] != "state.suspended" ||
		one.obj["card_token"] != "c1" || one.obj["user_token"] != "u1" || !strings.Contains(one.obj["pan"].(string), "______") {
		t.Fatalf("GET transition: %s", one.raw)
	}
	v.must(t, 404, "GET", "/cardtransitions/nope", nil)

	tests := []struct {
		query  string
		tokens string
		isMore bool
	}{
		{"", "tr5,tr4,tr3,tr2,tr1", true},
		{"?count=10", "tr5,tr4,tr3,tr2,tr1,tr0", false},
		{"?count=2&start_index=1", "tr4,tr3", true},
		{"?sort_by=createdTime&count=3", "tr0,tr1,tr2", true},
	}
	for _, tt := range tests {
		t.Run("list"+tt.query, func(t *testing.T) {
			r := v.must(t, 200, "GET", "/cardtransitions/card/c1"+tt.query, nil)
			valid(t, "CardTransitionListResponse", r.raw)
			if got := tokens(r); got != tt.tokens || r.obj["is_more"] != tt.isMore {
				t.Fatalf("got %s (tokens %s)", r.raw, got)
			}
		})
	}
	if r := v.must(t, 200, "GET", "/cardtransitions/card/nope", nil); r.obj["count"] != 0.0 {
		t.Fatalf("unknown card: %s", r.raw)
	}
	v.must(t, 400, "GET", "/cardtransitions/card/c1?sort_by=pan", nil)
}

func TestCommandoModeTransitions(t *testing.T) {
	v := newEnv(t)
	v.program(t)
	v.must(t, 201, "POST", "/commandomodes", `{"token":"cm1","program_gateway_funding_source_token":"fs1"}`)
	// One commando mode per funding source.
	v.must(t, 409, "POST", "/commandomodes", `{"token":"cm2","program_gateway_funding_source_token":"fs1"}`)
	v.must(t, 400, "POST", "/commandomodes", `{"token":"cm3","program_gateway_funding_source_token":"nope"}`)

	r := v.must(t, 201, "POST", "/commandomodes/transitions", `{"token":"tr1","commando_mode_token":"cm1","name":"ops",
		"transition":{"commando_enabled":"true","reason":"gateway down","channel":"API","username":"ada"}}`)
	if path(r.obj, "transition.commando_enabled") != true || r.obj["commando_mode_token"] != "cm1" || r.obj["created_time"] == nil {
		t.Fatalf("transition %s", r.raw)
	}
	v.must(t, 409, "POST", "/commandomodes/transitions", `{"token":"tr1","commando_mode_token":"cm1","transition":{"commando_enabled":false}}`)
	v.must(t, 400, "POST", "/commandomodes/transitions", `{"commando_mode_token":"nope","transition":{"commando_enabled":false}}`)
	if r := v.must(t, 400, "POST", "/commandomodes/transitions", `{"commando_mode_token":"cm1","transition":{"reason":"x"}}`); !strings.Contains(r.obj["error_message"].(string), "transition.commando_enabled is required") {
		t.Fatalf("missing nested: %s", r.raw)
	}
	v.must(t, 400, "POST", "/commandomodes/transitions", `{"commando_mode_token":"cm1","transition":{"commando_enabled":true,"channel":"PIGEON"}}`)
	if r := v.must(t, 200, "GET", "/commandomodes/cm1", nil); path(r.obj, "current_state.commando_enabled") != true || path(r.obj, "current_state.reason") != "gateway down" {
		t.Fatalf("commando mode %s", r.raw)
	}
	// Manual Commando Mode: Marqeta stands in, the gateway is not called.
	before := v.gw.count()
	r = v.must(t, 201, "POST", "/simulations/cardtransactions/authorization", `{"card_token":"c1","amount":"9.99"}`)
	if path(r.obj, "transaction.standin_approved_by") != "COMMANDO_MANUAL" || path(r.obj, "transaction.state") != "PENDING" || v.gw.count() != before {
		t.Fatalf("commando authorization %s (gateway calls %d → %d)", r.raw, before, v.gw.count())
	}
	v.must(t, 201, "POST", "/commandomodes/transitions", `{"token":"tr2","commando_mode_token":"cm1","transition":{"commando_enabled":false}}`)
	if r := v.must(t, 200, "GET", "/commandomodes/transitions/tr2", nil); path(r.obj, "transition.channel") != "API" {
		t.Fatalf("transition default channel: %s", r.raw)
	}
	v.must(t, 404, "GET", "/commandomodes/transitions/nope", nil)
	r = v.must(t, 200, "GET", "/commandomodes/cm1/transitions", nil)
	if r.obj["count"] != 2.0 || path(r.obj["data"].([]any)[0].(map[string]any), "token") != "tr2" {
		t.Fatalf("transitions list %s", r.raw)
	}
	v.must(t, 404, "GET", "/commandomodes/nope/transitions", nil)
	v.must(t, 201, "POST", "/simulations/cardtransactions/authorization", `{"card_token":"c1","amount":"1.00"}`)
	if v.gw.count() != before+1 {
		t.Fatal("gateway not called after Commando Mode was turned off")
	}
}

func TestTransactions(t *testing.T) {
	v := newEnv(t)
	v.program(t)
	a := v.must(t, 201, "POST", "/simulations/cardtransactions/authorization", `{"card_token":"c1","amount":"5.00"}`)
	tok := path(a.obj, "transaction.token").(string)
	v.must(t, 201, "POST", "/simulations/cardtransactions/authorization.clearing", `{"preceding_related_transaction_token":"`+tok+`"}`)
	v.must(t, 201, "POST", "/simulations/cardtransactions/authorization", `{"card_token":"c1","amount":"6.00","card_acceptor":{"name":"DECLINE"}}`)
	if r := v.must(t, 200, "GET", "/transactions/"+tok, nil); r.obj["token"] != tok || r.obj["type"] != "authorization" || path(r.obj, "gpa_order.jit_funding.method") != "pgfs.authorization" {
		t.Fatalf("transaction %s", r.raw)
	}
	v.must(t, 404, "GET", "/transactions/nope", nil)
	types := func(r resp) string {
		var out []string
		for _, d := range r.obj["data"].([]any) {
			m := d.(map[string]any)
			out = append(out, m["type"].(string)+":"+m["state"].(string))
		}
		return strings.Join(out, ",")
	}
	tests := []struct{ query, want string }{
		{"?user_token=u1&sort_by=createdTime", "authorization:PENDING,authorization.clearing:COMPLETION"}, // spec default state PENDING,COMPLETION
		{"?card_token=c1&state=DECLINED", "authorization:DECLINED"},
		{"?card_token=c1&state=PENDING,COMPLETION,DECLINED&sort_by=createdTime", "authorization:PENDING,authorization.clearing:COMPLETION,authorization:DECLINED"},
		{"?card_token=c1&state=PENDING,COMPLETION,DECLINED&sort_by=-createdTime&count=1&start_index=1", "authorization.clearing:COMPLETION"},
		{"?user_token=u1&type=authorization.clearing", "authorization.clearing:COMPLETION"},
		{"?user_token=nobody", ""},
	}
	for _, tt := range tests {
		if got := types(v.must(t, 200, "GET", "/transactions"+tt.query, nil)); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.query, got, tt.want)
		}
	}
}

func TestWebhookPingAndAttempts(t *testing.T) {
	v := newEnv(t)
	v.program(t)
	r := v.must(t, 200, "POST", "/webhooks/wh1/ping", `{}`)
	if path(r.obj["pings"].([]any)[0].(map[string]any), "payload") != "healthcheck" || v.recv.pings != 1 {
		t.Fatalf("ping %s (receiver saw %d pings)", r.raw, v.recv.pings)
	}
	v.must(t, 404, "POST", "/webhooks/nope/ping", nil)
	// An endpoint that fails: 422 with Marqeta's 422600.
	v.must(t, 201, "POST", "/webhooks", `{"token":"bad","name":"bad","events":["*"],"config":{"url":"`+v.recvOK+`","basic_auth_username":"hook","basic_auth_password":"wrong"}}`)
	r = v.must(t, 422, "POST", "/webhooks/bad/ping", nil)
	if r.obj["error_code"] != "422600" || !strings.Contains(r.obj["error_message"].(string), "Webhook operation failed") {
		t.Fatalf("failed ping %s", r.raw)
	}
	a := v.must(t, 201, "POST", "/simulations/cardtransactions/authorization", `{"card_token":"c1","amount":"2.00"}`)
	tok := path(a.obj, "transaction.token").(string)
	r = v.must(t, 200, "GET", "/webhooks/wh1/attempts", nil)
	data := r.obj["data"].([]any)
	if len(data) != 2 {
		t.Fatalf("attempts %s", r.raw)
	}
	ping, hook := data[0].(map[string]any), data[1].(map[string]any)
	if ping["type"] != "ping" || ping["delivered"] != true || hook["type"] != "authorization" || hook["delivered"] != true ||
		hook["status"] != 200.0 || hook["tokens"].([]any)[0] != tok || hook["endpoint"] != "wh1" {
		t.Fatalf("attempts %s", r.raw)
	}
	r = v.must(t, 200, "GET", "/webhooks/bad/attempts", nil)
	if r.obj["count"] != 2.0 {
		t.Fatalf("bad endpoint attempts %s", r.raw)
	}
	failedPing, failedHook := r.obj["data"].([]any)[0].(map[string]any), r.obj["data"].([]any)[1].(map[string]any)
	if failedPing["delivered"] != false || failedPing["next_retry"] != nil || failedPing["status"] != 401.0 ||
		failedHook["delivered"] != false || failedHook["next_retry"] == nil || failedHook["error"] == nil {
		t.Fatalf("bad endpoint attempts %s", r.raw)
	}
	v.must(t, 404, "GET", "/webhooks/nope/attempts", nil)
	if r := v.must(t, 200, "GET", "/webhooks?active=true&count=10", nil); r.obj["count"] != 2.0 {
		t.Fatalf("active webhooks %s", r.raw)
	}
	v.must(t, 200, "PUT", "/fundingsources/programgateway/customheaders/fs1", `{"custom_header":{"X-Program":"p2"}}`)
	if r := v.must(t, 200, "GET", "/fundingsources/programgateway/fs1", nil); path(r.obj, "custom_header.X-Program") != "p2" {
		t.Fatalf("custom headers %s", r.raw)
	}
}
