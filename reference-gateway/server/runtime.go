package server

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// defaultProcs is GOMAXPROCS as the process started, before TuneRuntime
// raised it, so that calling TuneRuntime again changes nothing.
var defaultProcs = sync.OnceValue(func() int { return runtime.GOMAXPROCS(0) })

// TuneRuntime applies the Go runtime settings `jitsim gateway` runs with,
// each unless its environment variable is set, and returns them as
// "NAME=value" words for a log line (empty when it changed nothing):
//
//   - GOGC=400: the ledger's live heap grows with traffic, and collecting
//     less often keeps mark phases out of the decisions' tail;
//   - with hold (Config.HoldProcessor), GOMAXPROCS one above its default
//     (procsFor), so that the processor the journal's flusher holds through
//     each fdatasync costs the handlers no CPU: the flusher's thread sleeps
//     in the kernel meanwhile, and the other processors keep every core
//     busy. Setting it stops the runtime from following later changes of
//     the container's CPU limit.
//
// Calling it again changes nothing more. It changes process-wide settings,
// so only a main function, or a benchmark that measures the gateway as that
// command runs it, should call it.
func TuneRuntime(hold bool) string {
	var set []string
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
		set = append(set, "GOGC=400")
	}
	if hold && os.Getenv("GOMAXPROCS") == "" {
		n := procsFor(defaultProcs())
		runtime.GOMAXPROCS(n)
		set = append(set, fmt.Sprintf("GOMAXPROCS=%d", n))
	}
	return strings.Join(set, " ")
}

// procsFor returns the GOMAXPROCS TuneRuntime sets where Go's default is
// procs: one more, and four rather than three. The collector's background
// share is a quarter of the processors; with four it runs as one dedicated
// worker, but with three (0.75 of one) Go runs it only as a fractional
// worker, and requests that allocate during a mark carry more of the
// marking in assists. On two cores, at 5,000 req/s, four processors passed
// 11 of 24 five-second steps against 8 of 24 with three, and a trace at
// 5,500 req/s had 1,886 ms in assists against 4,820 ms
// (docs/performance-history.md, seventh session).
func procsFor(procs int) int {
	if procs+1 == 3 {
		return 4
	}
	return procs + 1
}
