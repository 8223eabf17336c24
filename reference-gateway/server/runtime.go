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
//   - with hold (Config.HoldProcessor), GOMAXPROCS one above its default,
//     so that the processor the journal's flusher holds through each
//     fdatasync costs the handlers no CPU: the flusher's thread sleeps in
//     the kernel meanwhile, and the other processors keep every core busy.
//     Setting it stops the runtime from following later changes of the
//     container's CPU limit.
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
		n := defaultProcs() + 1
		runtime.GOMAXPROCS(n)
		set = append(set, fmt.Sprintf("GOMAXPROCS=%d", n))
	}
	return strings.Join(set, " ")
}
