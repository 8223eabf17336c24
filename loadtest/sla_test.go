package loadtest

import (
	"strings"
	"testing"
	"time"

	"github.com/jitsim/jitsim/jit"
)

func TestParseSLA(t *testing.T) {
	tests := []struct {
		expr    string
		want    []Clause // Metric, Op, Latency/Share only
		wantErr string   // substring; "" = valid
	}{
		{"p99<=500ms,p999<=1s,max<3s,errors<=0.1%", []Clause{{Metric: "p99", Op: "<=", Latency: 500 * time.Millisecond},
			{Metric: "p999", Op: "<=", Latency: time.Second}, {Metric: "max", Op: "<", Latency: 3 * time.Second}, {Metric: "errors", Op: "<=", Share: 0.001}}, ""},
		{" p50 < 1.5ms , declines >= 0 ", []Clause{{Metric: "p50", Op: "<", Latency: 1500 * time.Microsecond}, {Metric: "declines", Op: ">=", Share: 0}}, ""},
		{"P99<=250ms", []Clause{{Metric: "p99", Op: "<=", Latency: 250 * time.Millisecond}}, ""},
		{"errors<=100%", []Clause{{Metric: "errors", Op: "<=", Share: 1}}, ""},
		{"mean>0s", []Clause{{Metric: "mean", Op: ">", Latency: 0}}, ""},
		{"", nil, "empty expression"},
		{"p99<=500ms,", nil, `clause 2 "": empty clause`},
		{"p99=500ms", nil, `clause 1 "p99=500ms": no operator`},
		{"p98<=1s", nil, `unknown metric "p98"`},
		{"<=1s", nil, "no metric"},
		{"p99<=fast", nil, `"fast" is not a duration`},
		{"p99<=-1s", nil, "negative duration"},
		{"p99<=500", nil, `"500" is not a duration`},
		{"errors<=0.1", nil, `"0.1" is not a percentage`},
		{"errors<=101%", nil, "between 0% and 100%"},
		{"errors<=x%", nil, "between 0% and 100%"},
		{"max<3s,p99<<1s", nil, `clause 2 "p99<<1s": more than one operator`},
		{"max<=>3s", nil, "more than one operator"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			s, err := ParseSLA(tt.expr)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || jit.ErrorCode(err) != jit.EINVALID {
					t.Fatalf("err %v, want EINVALID containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Clauses) != len(tt.want) {
				t.Fatalf("%d clauses, want %d", len(s.Clauses), len(tt.want))
			}
			for i, c := range s.Clauses {
				w := tt.want[i]
				if c.Metric != w.Metric || c.Op != w.Op || c.Latency != w.Latency || c.Share != w.Share {
					t.Errorf("clause %d = %+v, want %+v", i, c, w)
				}
			}
		})
	}
}

func TestDefaultSLAParses(t *testing.T) {
	for _, d := range []time.Duration{time.Second, 3 * time.Second, 7 * time.Second, 1500 * time.Millisecond} {
		s, err := ParseSLA(DefaultSLA(d))
		if err != nil {
			t.Fatal(err)
		}
		if s.Clauses[0].Metric != "max" || s.Clauses[0].Op != "<" || s.Clauses[0].Latency != d || s.Clauses[1].Share != 0.001 {
			t.Fatalf("default for %s: %+v", d, s.Clauses)
		}
	}
}

func TestJudge(t *testing.T) {
	sum := &Summary{Requests: 1000, Success: 0.998, Answered: 998, Approved: 990, Declined: 10,
		LatencyCorrected: Latencies{P50: time.Millisecond, P99: 400 * time.Millisecond, P999: 900 * time.Millisecond, Max: 3 * time.Second}}
	tests := []struct {
		expr string
		pass []bool
	}{
		{"p99<=400ms", []bool{true}},
		{"p99<400ms", []bool{false}},
		{"p999<=1s,max<3s", []bool{true, false}},
		{"max<=3s", []bool{true}},
		{"errors<=0.2%", []bool{true}},
		{"errors<=0.1%", []bool{false}},
		{"declines<=1%", []bool{true}},
		{"declines<1%", []bool{false}},
		{"p50>=1ms,p50>1ms", []bool{true, false}},
	}
	for _, tt := range tests {
		s, err := ParseSLA(tt.expr)
		if err != nil {
			t.Fatal(err)
		}
		all, vs := s.Judge(sum)
		wantAll := true
		for i, v := range vs {
			if v.Pass != tt.pass[i] {
				t.Errorf("%s: clause %q pass %v (observed %s), want %v", tt.expr, v.Clause, v.Pass, v.Observed, tt.pass[i])
			}
			wantAll = wantAll && tt.pass[i]
		}
		if all != wantAll {
			t.Errorf("%s: verdict %v, want %v", tt.expr, all, wantAll)
		}
	}
}
