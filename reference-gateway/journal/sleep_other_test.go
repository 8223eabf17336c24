//go:build !linux

package journal

import "time"

func preciseSleep(d time.Duration) { time.Sleep(d) }
