package journal

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

// allocate reserves size bytes for f with fallocate(2), extending it to size
// bytes that read as zeros. It reports false, and changes nothing, where the
// file system does not support it; the caller then writes zeros or
// truncates instead.
func allocate(f *os.File, size int64) (bool, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return false, err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) {
		ferr = retryEINTR(func() error { return syscall.Fallocate(int(fd), 0, 0, size) })
	}); err != nil {
		return false, err
	}
	if errors.Is(ferr, syscall.EOPNOTSUPP) || errors.Is(ferr, syscall.ENOSYS) {
		return false, nil
	}
	return ferr == nil, ferr
}

// datasync flushes f's data, and only the metadata needed to read it back,
// to stable storage: fdatasync(2). Writes inside a segment's zero-filled,
// already durable extent change neither its size nor its block map, so this
// skips the inode update (mtime) that fsync would also write.
func datasync(f *os.File) error { return fdatasync(f, false) }

// datasyncHeld is datasync issued as a raw system call, which does not tell
// the Go scheduler that the goroutine blocks: it keeps its processor (P)
// while the disk flushes, and runs on the moment the flush returns (see
// Options.HoldProcessor).
func datasyncHeld(f *os.File) error { return fdatasync(f, true) }

func fdatasync(f *os.File, held bool) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = retryEINTR(func() error {
			if !held {
				return syscall.Fdatasync(int(fd))
			}
			if _, _, e := syscall.RawSyscall(syscall.SYS_FDATASYNC, fd, 0, 0); e != 0 {
				return e
			}
			return nil
		})
	}); err != nil {
		return err
	}
	if serr != nil {
		return &os.PathError{Op: "fdatasync", Path: f.Name(), Err: serr}
	}
	return nil
}

func retryEINTR(fn func() error) error {
	for {
		if err := fn(); err != syscall.EINTR {
			return err
		}
	}
}

// Scheduling policies of sched_setscheduler(2); resetOnFork keeps threads
// the raised one creates from inheriting its policy.
const (
	schedOther  = 0
	schedFIFO   = 1
	resetOnFork = 0x40000000
)

// raisePriority raises the calling OS thread to SCHED_FIFO priority 1, or
// failing that to nice -10, and describes what it got (see
// Options.Realtime). The caller must have locked its goroutine to the
// thread, and must call restore on it before unlocking or exiting: a
// goroutine that exits locked ends its thread, except the process's main
// thread, which the runtime keeps.
func raisePriority() (got string, restore func()) {
	param := struct{ priority int32 }{1}
	_, _, e := syscall.RawSyscall(syscall.SYS_SCHED_SETSCHEDULER, 0, schedFIFO|resetOnFork, uintptr(unsafe.Pointer(&param)))
	if e == 0 {
		return "SCHED_FIFO 1", func() {
			param := struct{ priority int32 }{0}
			syscall.RawSyscall(syscall.SYS_SCHED_SETSCHEDULER, 0, schedOther, uintptr(unsafe.Pointer(&param)))
		}
	}
	restore, err := setNice(-10)
	if err == nil {
		return "nice -10", restore
	}
	return fmt.Sprintf("normal (SCHED_FIFO: %v; nice -10: %v)", e, err), func() {}
}

// setNice sets the calling OS thread's nice value to n and returns the
// function that sets back the one it had, or the error that stopped it.
func setNice(n int) (restore func(), err error) {
	tid := syscall.Gettid()
	prev, err := syscall.Getpriority(syscall.PRIO_PROCESS, tid) // the raw call: 20 - nice
	if err != nil {
		return nil, err
	}
	if err := syscall.Setpriority(syscall.PRIO_PROCESS, tid, n); err != nil {
		return nil, err
	}
	return func() { syscall.Setpriority(syscall.PRIO_PROCESS, tid, 20-prev) }, nil
}
