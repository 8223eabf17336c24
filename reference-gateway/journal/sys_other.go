//go:build !linux

package journal

import "os"

// allocate reports false: without fallocate(2) the caller writes zeros or
// truncates instead.
func allocate(f *os.File, size int64) (bool, error) { return false, nil }

// datasync is (*os.File).Sync where fdatasync(2) is not available (on
// darwin, Sync is fcntl F_FULLFSYNC).
func datasync(f *os.File) error { return f.Sync() }

// datasyncHeld is datasync: Options.HoldProcessor has an effect on Linux only.
func datasyncHeld(f *os.File) error { return datasync(f) }

// raisePriority changes nothing: Options.Realtime has an effect on Linux only.
func raisePriority() (string, func()) { return "normal (real-time priority needs Linux)", func() {} }
