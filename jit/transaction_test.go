package jit

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.json in canonical form (decoded, then json.MarshalIndent with 2 spaces)")

// goldens lists every file of testdata/golden and the Go type it holds.
var goldens = []struct {
	file string
	new  func() any
}{
	{"jit_request_authorization.json", func() any { return new(Transaction) }},
	{"jit_request_incremental.json", func() any { return new(Transaction) }},
	{"jit_response_approval.json", func() any { return new(JITResponse) }},
	{"jit_response_decline.json", func() any { return new(JITResponse) }},
	{"jit_response_balanceinquiry.json", func() any { return new(JITResponse) }},
	{"webhook_clearing.json", func() any { return new(WebhookEnvelope) }},
	{"webhook_advice.json", func() any { return new(WebhookEnvelope) }},
	{"webhook_refund.json", func() any { return new(WebhookEnvelope) }},
	{"webhook_timeout.json", func() any { return new(WebhookEnvelope) }},
}

func goldenPath(name string) string { return filepath.Join("testdata", "golden", name) }

// readGolden decodes a golden file into a fresh value of its type, refusing
// unknown fields and trailing data.
func readGolden(t testing.TB, file string, v any) []byte {
	t.Helper()
	data, err := os.ReadFile(goldenPath(file))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if _, err := dec.Token(); err == nil {
		t.Fatalf("%s: data after the JSON value", file)
	}
	return data
}

func canonical(t testing.TB, v any) []byte {
	t.Helper()
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

// TestGoldenRoundTrip decodes each golden payload into the Go types and
// re-encodes it; the result must equal the file byte for byte. Run with
// -update to rewrite the files in that form.
func TestGoldenRoundTrip(t *testing.T) {
	for _, g := range goldens {
		t.Run(g.file, func(t *testing.T) {
			v := g.new()
			data := readGolden(t, g.file, v)
			out := canonical(t, v)
			if *update {
				if !bytes.Equal(out, data) {
					if err := os.WriteFile(goldenPath(g.file), out, 0o644); err != nil {
						t.Fatal(err)
					}
					t.Logf("rewrote %s", g.file)
				}
				return
			}
			if !bytes.Equal(out, data) {
				t.Errorf("re-encoding differs from the file (run go test ./jit -run TestGoldenRoundTrip -update to rewrite it):\n%s", firstDiff(data, out))
			}
			// The strict decoders agree with encoding/json on these.
			switch want := v.(type) {
			case *Transaction:
				got, err := DecodeTransaction(data)
				if err != nil {
					t.Fatalf("DecodeTransaction: %v", err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("DecodeTransaction differs from json.Unmarshal")
				}
			case *WebhookEnvelope:
				got, pings, err := DecodeWebhook(data)
				if err != nil {
					t.Fatalf("DecodeWebhook: %v", err)
				}
				if pings != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("DecodeWebhook differs from json.Unmarshal")
				}
			}
		})
	}
}

// TestGoldenFilesListed makes sure no golden file escapes the round trip.
func TestGoldenFilesListed(t *testing.T) {
	files, err := filepath.Glob(goldenPath("*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, g := range goldens {
		listed = append(listed, g.file)
	}
	for _, f := range files {
		if !slices.Contains(listed, filepath.Base(f)) {
			t.Errorf("%s is not listed in goldens", f)
		}
	}
	if len(files) != len(goldens) {
		t.Errorf("%d golden files, %d listed", len(files), len(goldens))
	}
}

func firstDiff(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  file:    " + w + "\n  encoded: " + g
		}
	}
	return "(no line differs)"
}

func goldenTransaction(t *testing.T, file string) *Transaction {
	t.Helper()
	var tx Transaction
	readGolden(t, file, &tx)
	return &tx
}

func goldenWebhook(t *testing.T, file string) []Transaction {
	t.Helper()
	var env WebhookEnvelope
	readGolden(t, file, &env)
	if len(env.Transactions) == 0 {
		t.Fatalf("%s holds no transactions", file)
	}
	return env.Transactions
}

func goldenResponse(t *testing.T, file string) *JITResponse {
	t.Helper()
	var r JITResponse
	readGolden(t, file, &r)
	return &r
}

func mustMinorT(t *testing.T, a Amount, cur string) int64 {
	t.Helper()
	m, err := a.Minor(cur)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestGoldenContent checks that the golden payloads say what protocol.md
// says such messages say, so the round trip is over realistic data.
func TestGoldenContent(t *testing.T) {
	t.Run("authorization request", func(t *testing.T) {
		tx := goldenTransaction(t, "jit_request_authorization.json")
		jf := tx.JITFundingOf()
		switch {
		case tx.Type != TypeAuthorization || tx.State != StatePending:
			t.Errorf("type/state = %s/%s", tx.Type, tx.State)
		case jf == nil || jf.Method != MethodAuthorization:
			t.Errorf("jit_funding = %+v", jf)
		case tx.Response != nil || tx.ApprovalCode != "" || tx.GPAOrder.Response != nil || tx.GatewayLogOf() != nil:
			t.Error("a JIT request carries no response, approval_code or gateway_log")
		case mustMinorT(t, jf.Amount, tx.CurrencyCode) != 4217:
			t.Errorf("amount = %s", jf.Amount)
		case tx.CardAcceptor.MCC != "5812" || tx.CardAcceptor.CountryCode != "USA":
			t.Errorf("card_acceptor = %+v", tx.CardAcceptor)
		case tx.GPAOrder.Funding.Source.Type != "programgateway":
			t.Errorf("funding source type = %q", tx.GPAOrder.Funding.Source.Type)
		case tx.POS.PartialApprovalCapable == nil || !*tx.POS.PartialApprovalCapable:
			t.Error("pos.partial_approval_capable should be true")
		}
	})
	t.Run("incremental request", func(t *testing.T) {
		tx := goldenTransaction(t, "jit_request_incremental.json")
		jf := tx.JITFundingOf()
		if tx.Type != TypeAuthorizationIncremental || jf.Method != MethodAuthorizationIncremental ||
			jf.OriginalJITFundingToken == "" || tx.PrecedingRelatedTransactionToken == "" {
			t.Errorf("incremental request lacks its links: %+v", jf)
		}
	})
	t.Run("responses", func(t *testing.T) {
		req := goldenTransaction(t, "jit_request_authorization.json").JITFundingOf()
		ok := goldenResponse(t, "jit_response_approval.json").JITFunding
		if ok.Token != req.Token || ok.Method != req.Method || ok.UserToken != req.UserToken || !ok.Amount.Equal(req.Amount) {
			t.Errorf("approval does not echo the request: %+v", ok)
		}
		if ok.DeclineReason != "" || ok.AddressVerification.Gateway.Response.Code != "0000" {
			t.Errorf("approval = %+v", ok)
		}
		no := goldenResponse(t, "jit_response_decline.json").JITFunding
		if code, _ := ResponseCodeForDecline(no.DeclineReason); code != ResponseCodeJITInsufficientFunds {
			t.Errorf("decline reason %q gives code %s", no.DeclineReason, code)
		}
		bi := goldenResponse(t, "jit_response_balanceinquiry.json").JITFunding
		if bi.Method != MethodBalanceinquiry || bi.Balances["USD"].AvailableBalance.Cmp(MustAmount("957.83")) != 0 {
			t.Errorf("balance inquiry = %+v", bi)
		}
	})
	t.Run("clearing webhook", func(t *testing.T) {
		txs := goldenWebhook(t, "webhook_clearing.json")
		if len(txs) != 2 {
			t.Fatalf("%d transactions, want 2", len(txs))
		}
		single, multi := txs[0], txs[1]
		log := single.GatewayLogOf()
		switch {
		case single.Type != TypeAuthorizationClearing || single.State != StateCompletion:
			t.Errorf("type/state = %s/%s", single.Type, single.State)
		case single.Response.Code != ResponseCodeApproved || single.ApprovalCode == "":
			t.Errorf("response = %+v", single.Response)
		case single.GPA.ImpactedAmount == nil || single.GPA.ImpactedAmount.Sign() >= 0:
			t.Error("gpa.impacted_amount of a clearing is negative")
		case log == nil || log.TimedOut == nil || *log.TimedOut || log.Response.Code != "200" || log.Message != GatewayMessageApproved:
			t.Errorf("gateway_log = %+v", log)
		case log.Response.Data.JITFunding.Token != log.TransactionID:
			t.Error("gateway_log.transaction_id is the JIT token")
		}
		if multi.Type != TypeAuthorizationClearing || multi.MultiClearingSequenceNumber != "01" ||
			multi.MultiClearingSequenceCount != "02" || multi.IsFinalClearing == nil || *multi.IsFinalClearing ||
			multi.AmountToBeReleased == nil {
			t.Errorf("multi-clearing fields = %q %q %v %v", multi.MultiClearingSequenceNumber,
				multi.MultiClearingSequenceCount, multi.IsFinalClearing, multi.AmountToBeReleased)
		}
		for _, tx := range txs {
			if tx.Type != txs[0].Type {
				t.Error("a webhook message carries events of one type")
			}
		}
	})
	t.Run("advice webhook", func(t *testing.T) {
		tx := goldenWebhook(t, "webhook_advice.json")[0]
		jf := tx.JITFundingOf()
		if tx.Type != TypeAuthorizationAdvice || jf.Method != MethodAuthorizationReversal || tx.Amount.Cmp(jf.Amount) == 0 {
			t.Errorf("advice: type %s method %s amount %s delta %s", tx.Type, jf.Method, tx.Amount, jf.Amount)
		}
	})
	t.Run("refund webhook", func(t *testing.T) {
		tx := goldenWebhook(t, "webhook_refund.json")[0]
		jf := tx.JITFundingOf()
		if tx.Type != TypeRefund || tx.GPAOrder != nil || tx.GPAOrderUnload == nil || jf.Method != MethodRefund ||
			tx.GPA.ImpactedAmount.Sign() <= 0 || tx.GatewayLogOf() == nil {
			t.Errorf("refund = %+v", tx)
		}
	})
	t.Run("timeout webhook", func(t *testing.T) {
		tx := goldenWebhook(t, "webhook_timeout.json")[0]
		log := tx.GatewayLogOf()
		if tx.State != StateDeclined || log == nil || log.TimedOut == nil || !*log.TimedOut || log.Response != nil {
			t.Errorf("timed-out authorization = %+v, log %+v", tx, log)
		}
	})
	t.Run("enums", func(t *testing.T) {
		var txs []*Transaction
		for _, g := range goldens {
			switch v := g.new().(type) {
			case *Transaction:
				readGolden(t, g.file, v)
				txs = append(txs, v)
			case *WebhookEnvelope:
				readGolden(t, g.file, v)
				for i := range v.Transactions {
					txs = append(txs, &v.Transactions[i])
				}
			}
		}
		for _, tx := range txs {
			if !slices.Contains(Types, tx.Type) || !slices.Contains(States, tx.State) {
				t.Errorf("%s: type %q or state %q not in the spec", tx.Token, tx.Type, tx.State)
			}
			if jf := tx.JITFundingOf(); jf == nil || !slices.Contains(Methods, jf.Method) {
				t.Errorf("%s: jit_funding missing or bad method", tx.Token)
			}
		}
	})
}

// specSchemaOf maps each wire type to its schema in CoreAPI.yaml.
var specSchemaOf = map[reflect.Type]string{
	reflect.TypeFor[Transaction]():               "transaction_model",
	reflect.TypeFor[JITFunding]():                "jit_funding_api",
	reflect.TypeFor[GPAOrder]():                  "gpa_response",
	reflect.TypeFor[GPAReturns]():                "gpa_returns",
	reflect.TypeFor[Funding]():                   "funding",
	reflect.TypeFor[FundingSource]():             "funding_source_model",
	reflect.TypeFor[GatewayLog]():                "gateway_log_model",
	reflect.TypeFor[GatewayResponse]():           "gateway_response",
	reflect.TypeFor[Response]():                  "response",
	reflect.TypeFor[CardholderBalance]():         "cardholder_balance",
	reflect.TypeFor[Acquirer]():                  "acquirer",
	reflect.TypeFor[CardAcceptor]():              "transaction_card_acceptor",
	reflect.TypeFor[POS]():                       "pos",
	reflect.TypeFor[TransactionMetadata]():       "transaction_metadata",
	reflect.TypeFor[JITAddressVerification]():    "jit_address_verification",
	reflect.TypeFor[AddressVerificationSource](): "address_verification_source",
	reflect.TypeFor[AVSInformation]():            "avs_information",
	reflect.TypeFor[JITResponse]():               "jit_program_response",
}

// TestTypesMatchSpec checks every json name of the wire types against the
// properties of their schema, and that the Go type fits the property's type:
// Amount for number, string, bool, integers, []string for arrays of strings,
// and for objects the Go type mapped to the referenced schema.
func TestTypesMatchSpec(t *testing.T) {
	amount := reflect.TypeFor[Amount]()
	var types []reflect.Type
	for typ := range specSchemaOf {
		types = append(types, typ)
	}
	sort.Slice(types, func(i, j int) bool { return types[i].Name() < types[j].Name() })
	checked := 0
	for _, typ := range types {
		schema := specSchemaOf[typ]
		props := specProperties(t, schema)
		if len(props) == 0 {
			t.Fatalf("schema %s: no properties extracted", schema)
		}
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			tag := f.Tag.Get("json")
			name, _, _ := strings.Cut(tag, ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				t.Errorf("%s.%s has no json name", typ.Name(), f.Name)
				continue
			}
			p, ok := props[name]
			if !ok {
				t.Errorf("%s.%s: %q is not a property of %s", typ.Name(), f.Name, name, schema)
				continue
			}
			checked++
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			where := typ.Name() + "." + f.Name + " (" + schema + "." + name + ")"
			switch {
			case ft == amount:
				if p.Type != "number" {
					t.Errorf("%s: Amount, but the spec type is %q", where, p.Type)
				}
			case ft.Kind() == reflect.String:
				if p.Type != "string" {
					t.Errorf("%s: string, but the spec type is %q", where, p.Type)
				}
			case ft.Kind() == reflect.Bool:
				if p.Type != "boolean" {
					t.Errorf("%s: bool, but the spec type is %q", where, p.Type)
				}
			case ft.Kind() == reflect.Int || ft.Kind() == reflect.Int32 || ft.Kind() == reflect.Int64:
				if p.Type != "integer" {
					t.Errorf("%s: integer, but the spec type is %q", where, p.Type)
				}
			case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.String:
				if p.Type != "array" || p.ItemsType != "string" {
					t.Errorf("%s: []string, but the spec has %+v", where, *p)
				}
			case ft.Kind() == reflect.Struct:
				want, ok := specSchemaOf[ft]
				if !ok {
					t.Errorf("%s: type %s has no schema in specSchemaOf", where, ft.Name())
				} else if p.Ref != want {
					t.Errorf("%s: %s is %s, but the spec refers to %q", where, ft.Name(), want, p.Ref)
				}
			case ft.Kind() == reflect.Map && ft.Key().Kind() == reflect.String:
				want, ok := specSchemaOf[ft.Elem()]
				if !ok || p.Type != "object" || p.Ref != want {
					t.Errorf("%s: map of %s, but the spec has %+v", where, ft.Elem().Name(), *p)
				}
			default:
				t.Errorf("%s: Go type %s not handled by this test", where, f.Type)
			}
		}
	}
	t.Logf("checked %d fields of %d types", checked, len(types))
	if checked < 150 {
		t.Errorf("checked only %d fields; the extractor or the map is broken", checked)
	}
}
