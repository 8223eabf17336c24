package server

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"testing"
)

// TestTuneRuntime checks that TuneRuntime sets what it reports, leaves alone
// what the environment sets, and changes nothing more when called again.
func TestTuneRuntime(t *testing.T) {
	procs := runtime.GOMAXPROCS(0)
	gc := debug.SetGCPercent(100)
	t.Cleanup(func() {
		runtime.GOMAXPROCS(procs)
		debug.SetGCPercent(gc)
	})
	base := defaultProcs()

	t.Setenv("GOGC", "")
	t.Setenv("GOMAXPROCS", "")
	want := fmt.Sprintf("GOGC=400 GOMAXPROCS=%d", procsFor(base))
	for i := range 2 {
		if got := TuneRuntime(true); got != want {
			t.Fatalf("call %d: TuneRuntime(true) = %q, want %q", i+1, got, want)
		}
		if got := runtime.GOMAXPROCS(0); got != procsFor(base) {
			t.Fatalf("call %d: GOMAXPROCS %d, want %d", i+1, got, procsFor(base))
		}
		if got := debug.SetGCPercent(400); got != 400 {
			t.Fatalf("call %d: GOGC %d, want 400", i+1, got)
		}
	}

	runtime.GOMAXPROCS(base)
	debug.SetGCPercent(100)
	t.Setenv("GOGC", "100")
	t.Setenv("GOMAXPROCS", fmt.Sprint(base))
	if got := TuneRuntime(true); got != "" {
		t.Fatalf("with GOGC and GOMAXPROCS set, TuneRuntime(true) = %q, want nothing", got)
	}
	t.Setenv("GOGC", "")
	t.Setenv("GOMAXPROCS", "")
	if got := TuneRuntime(false); got != "GOGC=400" {
		t.Fatalf("TuneRuntime(false) = %q, want GOGC=400", got)
	}
	if got := runtime.GOMAXPROCS(0); got != base || debug.SetGCPercent(100) != 400 {
		t.Fatalf("after TuneRuntime(false): GOMAXPROCS %d, want %d, and GOGC 400", got, base)
	}
}

// TestProcsFor checks the processor counts TuneRuntime sets: one above Go's
// default, and four where that would be three.
func TestProcsFor(t *testing.T) {
	for procs, want := range map[int]int{1: 2, 2: 4, 3: 4, 4: 5, 8: 9} {
		if got := procsFor(procs); got != want {
			t.Errorf("procsFor(%d) = %d, want %d", procs, got, want)
		}
	}
}
