package loadtest

import (
	"strings"
	"testing"
	"time"

	"github.com/jitsim/jitsim/jit"
)

func TestPacerSchedules(t *testing.T) {
	tests := []struct {
		name     string
		p        Pacer
		hits     uint64
		at       map[uint64]time.Duration
		duration time.Duration
	}{
		{"constant", Constant(200, 2*time.Second), 400, map[uint64]time.Duration{0: 0, 1: 5 * time.Millisecond, 200: time.Second, 399: 1995 * time.Millisecond}, 2 * time.Second},
		{"steps", Steps([]float64{100, 0, 400}, time.Second), 500, map[uint64]time.Duration{0: 0, 99: 990 * time.Millisecond, 100: 2 * time.Second, 101: 2*time.Second + 2500*time.Microsecond}, 3 * time.Second},
		// 0→200/s over 2s: N(t) = 50 t², so hit 50 is due at 1s, hit 200 at 2s.
		{"linear up", LinearPacer{Start: 0, End: 200, D: 2 * time.Second}, 200, map[uint64]time.Duration{0: 0, 50: time.Second, 200: 2 * time.Second}, 2 * time.Second},
		// constant as a degenerate ramp
		{"linear flat", LinearPacer{Start: 100, End: 100, D: time.Second}, 100, map[uint64]time.Duration{10: 100 * time.Millisecond}, time.Second},
		// 200→0/s over 2s: N(t) = 200t − 50t², hit 150 at 1s.
		{"linear down", LinearPacer{Start: 200, End: 0, D: 2 * time.Second}, 200, map[uint64]time.Duration{150: time.Second}, 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Hits(); got != tt.hits {
				t.Fatalf("hits %d, want %d", got, tt.hits)
			}
			if got := tt.p.Duration(); got != tt.duration {
				t.Fatalf("duration %s, want %s", got, tt.duration)
			}
			for k, want := range tt.at {
				if got := tt.p.At(k); (got - want).Abs() > time.Microsecond {
					t.Errorf("At(%d) = %s, want %s", k, got, want)
				}
			}
			prev := time.Duration(-1)
			for k := uint64(0); k < tt.p.Hits(); k++ {
				a := tt.p.At(k)
				if a < prev || a > tt.p.Duration() {
					t.Fatalf("At(%d) = %s after %s: schedule not monotonic within the duration", k, a, prev)
				}
				prev = a
			}
			// Pace waits until the next hit is due, and stops after the last.
			if wait, stop := tt.p.Pace(0, 1); stop || wait != tt.p.At(1) {
				t.Errorf("Pace(0, 1) = %s, %v; want %s", wait, stop, tt.p.At(1))
			}
			if _, stop := tt.p.Pace(tt.p.Duration(), tt.p.Hits()); !stop {
				t.Error("Pace after the last hit does not stop")
			}
		})
	}
}

func TestParsePacer(t *testing.T) {
	tests := []struct {
		spec    string
		rate    float64
		d       time.Duration
		want    string // String() of the result
		wantErr string
	}{
		{"", 100, time.Second, "constant:100/s for 1s", ""},
		{"constant", 2000, time.Minute, "constant:2000/s for 1m0s", ""},
		{"linear:100-1000", 0, 10 * time.Second, "linear:100-1000 over 10s", ""},
		{"step:100,200,400@5s", 0, 0, "step:100,200,400@5s", ""},
		{"constant", 0, time.Second, "", "schedules no requests"},
		{"constant", -1, time.Second, "", "non-negative rate"},
		{"constant", 100, 0, "", "duration must be positive"},
		{"linear:100", 0, time.Second, "", "want linear:START-END"},
		{"linear:a-b", 0, time.Second, "", "must be numbers"},
		{"linear:100-200", 0, 0, "", "duration must be positive"},
		{"step:100,200", 0, 0, "", "want step:"},
		{"step:100,x@1s", 0, 0, "", `"x" is not a rate`},
		{"step:100@0s", 0, 0, "", "not a positive duration"},
		{"sine", 1, time.Second, "", "want constant"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			p, err := ParsePacer(tt.spec, tt.rate, tt.d)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || jit.ErrorCode(err) != jit.EINVALID {
					t.Fatalf("err %v, want EINVALID containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.String() != tt.want {
				t.Fatalf("%q, want %q", p.String(), tt.want)
			}
		})
	}
}
