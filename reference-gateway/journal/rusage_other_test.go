//go:build !unix

package journal

import "time"

func rusage() (cpu, sys time.Duration) { return 0, 0 }
