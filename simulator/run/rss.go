package run

import (
	"bufio"
	"io"
	"os"
	"strconv"
	"strings"
)

// peakRSS is this process's peak resident set size in bytes (VmHWM in
// /proc/self/status), or 0 where that file does not exist.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	return parseHWM(f)
}

// parseHWM reads the VmHWM line ("VmHWM:   123456 kB") of a status file.
func parseHWM(r io.Reader) int64 {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return 0
		}
		return kb << 10
	}
	return 0
}
