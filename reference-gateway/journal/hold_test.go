package journal

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestHoldProcessor runs the concurrent append test with the flusher holding
// its processor through each sync, with GOMAXPROCS=1 as the harshest case:
// while the only P waits for the disk nothing else runs, yet every sync
// returns by itself, so appenders must still all get their records durable.
func TestHoldProcessor(t *testing.T) {
	for _, procs := range []int{1, runtime.GOMAXPROCS(0)} {
		prev := runtime.GOMAXPROCS(procs)
		concurrentAppend(t, Options{HoldProcessor: true})
		runtime.GOMAXPROCS(prev)
	}

	j, _, _ := openT(t, t.TempDir(), Options{HoldProcessor: true})
	defer closeT(t, j)
	waitT(t, j, appendT(t, j, "x"))
	if f, ok := j.w.(osFile); !ok || !f.hold {
		t.Fatalf("the flusher's segment file is %#v, want an osFile that holds its processor", j.w)
	}
}

// TestDatasyncHeld checks the raw fdatasync: it syncs a file, and reports
// the system call's error, named for the file, where there is nothing to
// sync to (a pipe: EINVAL on Linux), or a closed file.
func TestDatasyncHeld(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write([]byte("data")); err != nil {
		t.Fatal(err)
	}
	if err := datasyncHeld(f); err != nil {
		t.Fatalf("datasyncHeld on a file: %v", err)
	}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	defer r.Close()
	err = datasyncHeld(r)
	var pe *os.PathError
	if !errors.As(err, &pe) || pe.Path != r.Name() {
		t.Fatalf("datasyncHeld on a pipe: %v, want a *os.PathError naming %s", err, r.Name())
	}

	f.Close()
	if err := datasyncHeld(f); err == nil {
		t.Fatal("datasyncHeld on a closed file: no error")
	}
}
