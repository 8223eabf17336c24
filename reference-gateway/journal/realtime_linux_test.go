package journal

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRealtime checks Options.Realtime: records commit as before; Priority
// says what the flusher's thread got; where that is SCHED_FIFO, one more
// thread of the process runs at that policy while the journal is open, and
// it is gone after Close, so the raised thread never runs other goroutines.
func TestRealtime(t *testing.T) {
	concurrentAppend(t, Options{Realtime: true, HoldProcessor: true})

	before := fifoThreads(t)
	j, _, _ := openT(t, t.TempDir(), Options{Realtime: true})
	waitT(t, j, appendT(t, j, "x"))
	got := j.Priority()
	switch {
	case got == "SCHED_FIFO 1":
		if n := fifoThreads(t); n != before+1 {
			t.Fatalf("Priority %q, but %d SCHED_FIFO threads with the journal open and %d before", got, n, before)
		}
	case got == "nice -10", strings.HasPrefix(got, "normal (SCHED_FIFO: "):
		t.Logf("not permitted real-time priority here: %s", got)
	default:
		t.Fatalf("Priority() = %q", got)
	}
	closeT(t, j)
	if got == "SCHED_FIFO 1" {
		// The thread exits just after the flusher's goroutine returns.
		deadline := time.Now().Add(5 * time.Second)
		for fifoThreads(t) != before {
			if time.Now().After(deadline) {
				t.Fatalf("%d SCHED_FIFO threads 5 s after Close, want %d as before Open", fifoThreads(t), before)
			}
			time.Sleep(time.Millisecond)
		}
	}

	j2, _, _ := openT(t, t.TempDir(), Options{})
	defer closeT(t, j2)
	if got := j2.Priority(); got != "normal (Options.Realtime off)" {
		t.Fatalf("without Realtime, Priority() = %q", got)
	}
}

// TestSetNice checks the fallback where SCHED_FIFO is not permitted: the
// thread's nice value is raised, and restore sets back the one it had. It
// needs the right to lower nice (root, CAP_SYS_NICE or RLIMIT_NICE).
func TestSetNice(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	tid := syscall.Gettid()
	nice := func() int {
		p, err := syscall.Getpriority(syscall.PRIO_PROCESS, tid)
		if err != nil {
			t.Fatal(err)
		}
		return 20 - p
	}
	before := nice()
	restore, err := setNice(before - 3)
	if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES) {
		t.Skipf("not permitted to lower nice here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if got := nice(); got != before-3 {
		restore()
		t.Fatalf("nice %d after setNice(%d)", got, before-3)
	}
	restore()
	if got := nice(); got != before {
		t.Fatalf("nice %d after restore, want %d as before", got, before)
	}
}

// fifoThreads counts the process's threads scheduled SCHED_FIFO (policy 1,
// the 41st field of /proc/self/task/*/stat).
func fifoThreads(t *testing.T) int {
	t.Helper()
	tasks, err := filepath.Glob("/proc/self/task/*/stat")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range tasks {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // the thread exited meanwhile
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]) // fields 3 on
		if len(f) > 38 && f[38] == "1" {
			n++
		}
	}
	return n
}
