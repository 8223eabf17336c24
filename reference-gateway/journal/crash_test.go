package journal

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

const (
	crashDirEnv     = "JOURNAL_CRASH_DIR"
	crashSegmentEnv = "JOURNAL_CRASH_SEGMENT_SIZE"
)

// crashPayload is record i of the crash test: its index and up to 3 KiB of
// filler, so that batches span pages and a kill can tear one.
func crashPayload(i int) []byte {
	s := fmt.Sprintf("record %d:", i)
	return append([]byte(s), bytes.Repeat([]byte{byte('a' + i%26)}, (i*7919)%3000)...)
}

// TestHelperProcess is the child of TestCrash: it opens the journal in
// $JOURNAL_CRASH_DIR with segments of $JOURNAL_CRASH_SEGMENT_SIZE bytes,
// continues its records from where they end, and prints the index of each
// record once Wait has returned for it, until it is killed. Every 200
// records it rotates and writes a snapshot holding the number of records
// before it.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("child process of TestCrash")
	}
	die := func(err error) {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(2)
	}
	segSize, err := strconv.ParseInt(os.Getenv(crashSegmentEnv), 10, 64)
	if err != nil {
		die(err)
	}
	j, err := Open(dir, Options{SegmentSize: segSize})
	if err != nil {
		die(err)
	}
	n, err := loadCrashJournal(j)
	if err != nil {
		die(err)
	}

	var mu sync.Mutex // orders appends, as the ledger's own locks would
	var out sync.Mutex
	next := n
	appender := func() {
		for {
			mu.Lock()
			i := next
			next++
			p, err := j.Append(crashPayload(i))
			if err != nil {
				die(err)
			}
			if p != Pos(i+1) {
				die(fmt.Errorf("record %d at position %d", i, p))
			}
			var snap Pos
			if i%200 == 199 {
				if snap, err = j.Rotate(); err != nil {
					die(err)
				}
			}
			mu.Unlock()
			if snap != 0 {
				if err := j.WriteSnapshot(snap, []byte(strconv.Itoa(i+1))); err != nil {
					die(err)
				}
			}
			if err := j.Wait(p); err != nil {
				die(err)
			}
			out.Lock()
			fmt.Fprintf(os.Stdout, "%d\n", i)
			out.Unlock()
		}
	}
	for range 7 {
		go appender()
	}
	appender()
}

// loadCrashJournal loads a crash test journal, checking that it holds
// records 0..n-1 after a snapshot that counts them, and returns n.
func loadCrashJournal(j *Journal) (n int, err error) {
	err = j.Load(
		func(data []byte) error {
			n, err = strconv.Atoi(string(data))
			return err
		},
		func(_ Pos, data []byte) error {
			if !bytes.Equal(data, crashPayload(n)) {
				return fmt.Errorf("record %d is %.20q...", n, data)
			}
			n++
			return nil
		})
	return n, err
}

// TestCrash runs TestHelperProcess as a child, SIGKILLs it once it has
// acknowledged 300 records, and checks that the reopened journal holds every
// acknowledged record, in order, with no gaps. It repeats on the same
// directory so that later rounds recover from earlier kills. Rounds
// alternate between 96 KiB segments, which the child fills every 60 or so
// records and so rotates on its own as well as for its snapshots, and the
// default 64 MiB.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	total := 0
	for round := range 6 {
		segSize := int64(96 << 10)
		if round%2 == 1 {
			segSize = DefaultSegmentSize
		}
		acked, maxAcked := crashChild(t, dir, 300, segSize)
		segs := segmentFiles(t, dir)
		j, err := Open(dir, Options{SegmentSize: segSize})
		if err != nil {
			t.Fatalf("round %d: Open after kill: %v", round, err)
		}
		n, err := loadCrashJournal(j)
		if err != nil {
			t.Fatalf("round %d: Load after kill: %v", round, err)
		}
		if err := j.Close(); err != nil {
			t.Fatal(err)
		}
		if n <= maxAcked {
			t.Fatalf("round %d: journal holds records 0..%d, but %d was acknowledged", round, n-1, maxAcked)
		}
		if n < total+acked {
			t.Fatalf("round %d: journal holds %d records, %d were acknowledged", round, n, total+acked)
		}
		zeroed := 0
		for name, data := range segmentFiles(t, dir) {
			was, ok := segs[name]
			if !ok {
				continue
			}
			if len(data) != len(was) {
				t.Fatalf("round %d: Open changed the size of %s from %d to %d", round, name, len(was), len(data))
			}
			for i := range data {
				if data[i] != was[i] {
					if data[i] != 0 {
						t.Fatalf("round %d: Open wrote a non-zero byte at offset %d of %s", round, i, name)
					}
					zeroed++
				}
			}
		}
		t.Logf("round %d (%d-byte segments): %d acknowledged (highest %d), %d recovered, %d segments, %d torn bytes zeroed",
			round, segSize, acked, maxAcked, n, len(segs), zeroed)
		total = n
	}
}

// crashChild starts the child on dir, kills it after it has acknowledged
// want records, and returns how many it acknowledged in all and the highest
// index among them.
func crashChild(t *testing.T, dir string, want int, segSize int64) (acked, maxAcked int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, fmt.Sprintf("%s=%d", crashSegmentEnv, segSize))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	maxAcked = -1
	killed := false
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		i, err := strconv.Atoi(strings.TrimSpace(sc.Text()))
		if err != nil {
			continue // test framework chatter
		}
		acked++
		maxAcked = max(maxAcked, i)
		if acked == want && !killed {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	// Lines still in the pipe after the kill were acknowledged too.
	werr := cmd.Wait()
	if !killed {
		t.Fatalf("child exited after %d acknowledgements: %v\n%s", acked, werr, stderr.String())
	}
	return acked, maxAcked
}

// segmentFiles returns the contents of the segment files in dir.
func segmentFiles(t *testing.T, dir string) map[string][]byte {
	m := make(map[string][]byte)
	for _, name := range files(t, dir) {
		if strings.HasSuffix(name, segmentExt) {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			m[name] = data
		}
	}
	return m
}
