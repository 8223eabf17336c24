//go:build unix

package journal

import (
	"syscall"
	"time"
)

// rusage returns the user+system and the system CPU time this process has
// used so far.
func rusage() (cpu, sys time.Duration) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	u, s := time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
	return u + s, s
}
