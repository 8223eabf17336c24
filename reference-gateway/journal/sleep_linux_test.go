package journal

import (
	"syscall"
	"time"
)

// preciseSleep blocks the calling thread in nanosleep(2) for d. The pacer
// of BenchmarkPaced uses it because a Go timer shorter than a millisecond
// fires about a millisecond late when the process is otherwise idle (the
// runtime's epoll_wait timeout is in whole milliseconds), which would turn
// an even pace into bursts.
func preciseSleep(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	for syscall.Nanosleep(&ts, &ts) == syscall.EINTR {
	}
}
