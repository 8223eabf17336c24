package loadtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// TestRunAgainstReferenceGateway is the vertical slice: 1.5 s at 200/s
// against the reference gateway, funded through its adapter, reconciled.
func TestRunAgainstReferenceGateway(t *testing.T) {
	g := startGateway(t, nil)
	var out, plotBuf bytes.Buffer
	o := g.options(Constant(200, 1500*time.Millisecond))
	o.Reconcile, o.Output, o.Plot = true, &out, &plotBuf
	o.SLA = "max<3s,errors<=0%"
	rep, err := Run(bg, o)
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	rep.WriteText(&text)
	t.Log("\n" + text.String())
	if rep.Requests != 300 {
		t.Fatalf("requests %d, want 300", rep.Requests)
	}
	if rep.Approved != rep.Requests || rep.Declined != 0 {
		t.Fatalf("approved %d declined %d %v: funded cardholders must be approved", rep.Approved, rep.Declined, rep.DeclineReasons)
	}
	if rep.Methods[MethodIncremental] == nil || rep.Methods[MethodIncremental].Approved == 0 {
		t.Fatalf("no approved incrementals: %+v", rep.Methods)
	}
	if rep.Reconcile == nil || !rep.Reconcile.OK || rep.Reconcile.AccountsChecked != 10 || rep.Reconcile.ApprovedAmount == 0 {
		t.Fatalf("reconcile %+v", rep.Reconcile)
	}
	if !rep.SLA.Pass || !rep.Pass {
		t.Fatalf("verdict %+v", rep.SLA)
	}
	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(js.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"requests", "rate", "success", "latency", "latency_corrected", "decline_reasons", "sla", "reconcile", "target_rate"} {
		if _, ok := m[k]; !ok {
			t.Errorf("report JSON lacks %q", k)
		}
	}
	lat, _ := m["latency"].(map[string]any)
	for _, k := range []string{"p50", "p90", "p95", "p99", "p999", "max"} {
		if _, ok := lat[k]; !ok {
			t.Errorf("latency lacks %q", k)
		}
	}
	// The results file is vegeta's own gob: its decoder reads every result.
	dec := vegeta.NewDecoder(&out)
	n := 0
	for {
		var r vegeta.Result
		err := dec.Decode(&r)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if r.Code != 200 || r.Headers.Get(HeaderScheduled) == "" {
			t.Fatalf("result %d: code %d headers %v", n, r.Code, r.Headers)
		}
		n++
	}
	if n != 300 {
		t.Fatalf("decoded %d results", n)
	}
	if !strings.Contains(plotBuf.String(), "<html") || !strings.Contains(plotBuf.String(), "corrected") {
		t.Fatalf("plot is not an HTML plot with the corrected series")
	}
}

// TestWarmupNotReported: the warm-up's requests reach the gateway but not
// the report or the results file; its holds are still reconciled.
func TestWarmupNotReported(t *testing.T) {
	g := startGateway(t, nil)
	var out bytes.Buffer
	o := g.options(Constant(100, 500*time.Millisecond))
	o.Warmup, o.Reconcile, o.Output = 500*time.Millisecond, true, &out
	rep, err := Run(bg, o)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Requests != 50 || rep.Warmup != "100/s for 500ms" || !rep.Reconcile.OK || rep.Reconcile.ApprovedHolds < 60 {
		t.Fatalf("requests %d warmup %q reconcile %+v", rep.Requests, rep.Warmup, rep.Reconcile)
	}
	dec := vegeta.NewDecoder(&out)
	n := 0
	for {
		var r vegeta.Result
		if err := dec.Decode(&r); err != nil {
			break
		}
		if strings.HasSuffix(r.Attack, "warmup") {
			t.Fatal("warm-up result written")
		}
		n++
	}
	if n != 50 {
		t.Fatalf("%d results written, want 50", n)
	}
}
