package journal

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// benchRecord is the size of a typical ledger record.
var benchRecord = bytes.Repeat([]byte("x"), 128)

func benchJournal(b *testing.B, opts Options) *Journal {
	b.Helper()
	j, err := Open(b.TempDir(), opts)
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := loadAll(j); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { j.Close() })
	return j
}

// reportBatching reports how many records shared each write and sync, and
// how many batches the flusher held open for more records.
func reportBatching(b *testing.B, j *Journal) {
	if n := j.syncs.Load(); n > 0 {
		b.ReportMetric(float64(j.gathers.Load())/float64(n), "held/fsync")
	}
	if n := j.syncs.Load(); n > 0 {
		b.ReportMetric(float64(b.N)/float64(n), "records/fsync")
	}
	if n := j.writes.Load(); n > 0 {
		b.ReportMetric(float64(b.N)/float64(n), "records/write")
	}
}

// BenchmarkAppendWait is the gateway's hot path: many goroutines each
// appending a record and waiting for it to be durable, with real fsyncs.
func BenchmarkAppendWait(b *testing.B) {
	for _, par := range []int{1, 8, 64} {
		b.Run(fmt.Sprintf("goroutines=%d", par*runtime.GOMAXPROCS(0)), func(b *testing.B) {
			benchAppendWait(b, par, Options{})
		})
	}
}

// BenchmarkAppendWaitNoDelay is BenchmarkAppendWait with CommitDelay off.
func BenchmarkAppendWaitNoDelay(b *testing.B) {
	for _, par := range []int{1, 8, 64} {
		b.Run(fmt.Sprintf("goroutines=%d", par*runtime.GOMAXPROCS(0)), func(b *testing.B) {
			benchAppendWait(b, par, Options{CommitDelay: -1})
		})
	}
}

func benchAppendWait(b *testing.B, par int, opts Options) {
	j := benchJournal(b, opts)
	b.SetBytes(int64(len(benchRecord)))
	b.SetParallelism(par)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			p, err := j.Append(benchRecord)
			if err == nil {
				err = j.Wait(p)
			}
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	reportBatching(b, j)
}

// BenchmarkAppendWaitSerial is one appender waiting for each record: one
// fsync per record, so ns/op is about the fsync latency.
func BenchmarkAppendWaitSerial(b *testing.B) {
	j := benchJournal(b, Options{})
	b.SetBytes(int64(len(benchRecord)))
	b.ResetTimer()
	for range b.N {
		p, err := j.Append(benchRecord)
		if err == nil {
			err = j.Wait(p)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportBatching(b, j)
}

// BenchmarkAppendNoSync measures the cost of Append itself and of framing
// and writing without fsync.
func BenchmarkAppendNoSync(b *testing.B) {
	j := benchJournal(b, Options{NoSync: true})
	b.SetBytes(int64(len(benchRecord)))
	b.ResetTimer()
	var p Pos
	for range b.N {
		var err error
		if p, err = j.Append(benchRecord); err != nil {
			b.Fatal(err)
		}
	}
	if err := j.Wait(p); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	reportBatching(b, j)
}

// BenchmarkRawFsync is the floor under every durable write: append 128 bytes
// to a file and fsync it.
func BenchmarkRawFsync(b *testing.B) {
	f, err := os.Create(filepath.Join(b.TempDir(), "fsync"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.ResetTimer()
	for range b.N {
		if _, err := f.Write(benchRecord); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
	}
}

var (
	pacedDuration = flag.Duration("paced", 2*time.Second, "how long BenchmarkPaced measures each rate (after a quarter-second warm-up)")
	// The pace of background I/O (the spare segment file's fill), to
	// compare others with BenchmarkPaced's "spare" variant.
	flagSpareFlush = flag.Int64("spareflush", bgSyncBytes, "BenchmarkPaced: bytes between syncs of the spare segment's fill")
	flagSpareRest  = flag.Duration("sparerest", bgRest, "BenchmarkPaced: rest after each sync of the spare segment's fill")
	flagShrink     = flag.Int64("shrink", bgShrinkBytes, "BenchmarkPaced: bytes an obsolete file shrinks per step before it is removed")
	flagDelay      = flag.Duration("delay", 0, "BenchmarkPaced: CommitDelay of every variant but \"nodelay\" (0: the default)")
	flagSnapBytes  = flag.Int("snapbytes", 128<<20, "BenchmarkPaced: size of the snapshot the \"snapshot\" variant writes")
	flagRealtime   = flag.Bool("realtime", false, "BenchmarkPaced: the flusher holds its processor and runs at real-time priority where permitted (Options.HoldProcessor and Realtime, as `jitsim gateway` runs)")
	flagBurn       = flag.Int("burn", 0, "BenchmarkPaced: this many busy-loop processes (sh) compete for the cores during the measured run")
)

// pacedRecord is about the size of a ledger decision record.
var pacedRecord = bytes.Repeat([]byte("p"), 700)

// BenchmarkPaced is open-loop load like the gateway's under HTTP: appends
// arrive at a fixed rate, each in its own goroutine started at its scheduled
// time, which appends one record and waits for it, however slow the journal
// is. Arrivals are either evenly spaced (as vegeta paces them) or Poisson
// (independent clients). Each iteration runs a quarter-second warm-up and
// then -paced (2 s) of measured load, and reports the latency from each
// append's scheduled time to its Wait returning (p50, p99, max), the records
// per fsync, and the process's user+system CPU per record
// (getrusage(RUSAGE_SELF), so the pacer and the goroutines are included).
// Run it with -benchtime 1x.
//
// The variants: "delay" is the default adaptive commit delay, "nodelay" has
// CommitDelay -1, "spare" is the default with the flusher's spare segment
// file being zero-filled and fsynced (64 MiB) during the measured run, which
// happens once per segment, and "snapshot" is the default while a snapshot
// of -snapbytes (128 MiB) is written and the one before it, as large, is
// removed. -delay sets CommitDelay (but for "nodelay"); -spareflush,
// -sparerest and -shrink set the background pace
// (huge values turn it off: -spareflush=1e15 -shrink=1e15).
func BenchmarkPaced(b *testing.B) {
	for _, arrivals := range []string{"even", "poisson"} {
		for _, rate := range []int{2000, 4000, 8000} {
			for _, v := range []string{"delay", "nodelay", "spare", "snapshot"} {
				if (v == "spare" || v == "snapshot") && arrivals == "poisson" {
					continue
				}
				b.Run(fmt.Sprintf("%s/rate=%d/%s", arrivals, rate, v), func(b *testing.B) {
					opts := Options{CommitDelay: *flagDelay, HoldProcessor: *flagRealtime, Realtime: *flagRealtime}
					if v == "nodelay" {
						opts.CommitDelay = -1
					}
					benchPaced(b, opts, arrivals == "poisson", rate, v)
				})
			}
		}
	}
}

// pacedResult is what one paced run measured.
type pacedResult struct {
	records, syncs int64
	gathers        int64           // batches held open for more records
	lat            []time.Duration // sorted
	cpu, sys       time.Duration
	elapsed        time.Duration
}

func benchPaced(b *testing.B, opts Options, poisson bool, rate int, variant string) {
	bgSyncBytes, bgRest, bgShrinkBytes = *flagSpareFlush, *flagSpareRest, *flagShrink
	spare := variant == "spare"
	var slow atomic.Int64 // group commits over 5 ms
	opts.OnSync = func(d time.Duration) {
		if d > 5*time.Millisecond {
			slow.Add(1)
		}
	}
	j := benchJournal(b, opts)
	if *flagRealtime {
		b.Logf("flusher: %s", j.Priority())
	}
	var snap []byte
	var snapTook time.Duration
	if variant == "snapshot" {
		snap = bytes.Repeat([]byte("s"), *flagSnapBytes)
		p, _ := j.Rotate()
		if err := j.WriteSnapshot(p, snap); err != nil { // the one to remove
			b.Fatal(err)
		}
	}
	var res pacedResult
	for range b.N {
		runPaced(b, j, poisson, rate, time.Second/4, nil) // warm-up
		slow.Store(0)
		stopBurn := burn(b, *flagBurn)
		if spare {
			j.prep.request()
		}
		done := make(chan error, 1)
		if snap != nil {
			go func() {
				time.Sleep(*pacedDuration / 8)
				start := time.Now()
				p, err := j.Rotate()
				if err == nil {
					err = j.WriteSnapshot(p, snap)
				}
				snapTook = time.Since(start)
				done <- err
			}()
		} else {
			done <- nil
		}
		res = runPaced(b, j, poisson, rate, *pacedDuration, &res)
		stopBurn()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
	}
	if snap != nil {
		b.ReportMetric(float64(snapTook)/1e6, "snapshot-ms")
	}
	b.StopTimer()
	q := func(f float64) float64 {
		return float64(res.lat[min(len(res.lat)-1, int(f*float64(len(res.lat))))]) / 1e3
	}
	b.ReportMetric(float64(res.records)/res.elapsed.Seconds(), "appends/s")
	b.ReportMetric(q(0.50), "p50-µs")
	b.ReportMetric(q(0.99), "p99-µs")
	b.ReportMetric(float64(res.lat[len(res.lat)-1])/1e3, "max-µs")
	if res.syncs > 0 {
		b.ReportMetric(float64(res.records)/float64(res.syncs), "records/fsync")
	}
	b.ReportMetric(float64(slow.Load()), "syncs>5ms")
	b.ReportMetric(float64(res.cpu)/1e3/float64(res.records), "cpu-µs/record")
	b.ReportMetric(float64(res.sys)/1e3/float64(res.records), "sys-µs/record")
	if res.syncs > 0 {
		b.ReportMetric(float64(res.gathers)/float64(res.syncs), "held/fsync")
	}
	if spare {
		j.prep.mu.Lock()
		took := j.prep.took
		j.prep.mu.Unlock()
		b.ReportMetric(float64(took)/1e6, "spare-ms")
	}
}

// runPaced appends at rate for d and returns what it measured. A non-nil
// into's latency slice is reused.
func runPaced(b *testing.B, j *Journal, poisson bool, rate int, d time.Duration, into *pacedResult) pacedResult {
	n := int(int64(rate) * int64(d) / int64(time.Second))
	due := make([]time.Duration, n) // offsets from the start
	rng := rand.New(rand.NewPCG(uint64(rate), 1))
	var t float64
	for i := range due {
		if poisson {
			t += rng.ExpFloat64() / float64(rate)
		} else {
			t = float64(i) / float64(rate)
		}
		due[i] = time.Duration(t * 1e9)
	}
	var lat []time.Duration
	if into != nil && cap(into.lat) >= n {
		lat = into.lat[:n]
	} else {
		lat = make([]time.Duration, n)
	}
	runtime.GC()
	syncs0, gathers0 := j.syncs.Load(), j.gathers.Load()
	cpu0, sys0 := rusage()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		at := start.Add(due[i])
		if w := time.Until(at); w > 0 {
			preciseSleep(w)
		}
		wg.Go(func() {
			p, err := j.Append(pacedRecord)
			if err == nil {
				err = j.Wait(p)
			}
			lat[i] = time.Since(at)
			if err != nil {
				b.Error(err)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu1, sys1 := rusage()
	slices.Sort(lat)
	return pacedResult{
		records: int64(n),
		syncs:   j.syncs.Load() - syncs0,
		gathers: j.gathers.Load() - gathers0,
		lat:     lat,
		cpu:     cpu1 - cpu0,
		sys:     sys1 - sys0,
		elapsed: elapsed,
	}
}

// rawFile makes the file BenchmarkSegmentCreate and BenchmarkRawCommit
// measure, of size bytes, in one of these ways:
//
//	append            empty: commits append and grow it
//	truncate          sparse: ftruncate to size
//	fallocate         fallocate(2): reserved, unwritten extents
//	zeros             zeros written over the whole file
//	fallocate+zeros   fallocate, then zeros written (what the journal does)
//
// and fsyncs it.
func rawFile(b *testing.B, path, how string, size int64) *os.File {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	switch how {
	case "append":
	case "truncate":
		err = f.Truncate(size)
	case "fallocate", "fallocate+zeros":
		var ok bool
		if ok, err = allocate(f, size); err == nil && !ok {
			b.Skip("no fallocate here")
		}
	}
	if err == nil && (how == "zeros" || how == "fallocate+zeros") {
		for off := int64(0); off < size && err == nil; off += int64(len(zeroChunk)) {
			_, err = f.WriteAt(zeroChunk[:min(int64(len(zeroChunk)), size-off)], off)
		}
	}
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		b.Fatal(err)
	}
	return f
}

var rawMethods = []string{"append", "truncate", "fallocate", "zeros", "fallocate+zeros"}

// BenchmarkSegmentCreate is the cost of making a DefaultSegmentSize segment
// file each way rawFile can (ns/op is wall time; cpu-ms/op is user+system).
func BenchmarkSegmentCreate(b *testing.B) {
	for _, how := range rawMethods[1:] {
		b.Run(how, func(b *testing.B) {
			dir := b.TempDir()
			cpu0, _ := rusage()
			for i := range b.N {
				path := filepath.Join(dir, fmt.Sprint(i))
				rawFile(b, path, how, DefaultSegmentSize).Close()
				b.StopTimer()
				os.Remove(path)
				b.StartTimer()
			}
			cpu1, _ := rusage()
			b.ReportMetric(float64(cpu1-cpu0)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}

// BenchmarkRawCommit is one commit without the journal: write 700 bytes
// after the previous ones and sync, in a file made each way rawFile can.
// "append" uses write(2) and fsync, as the journal did before it
// preallocated; the others use pwrite(2) and fdatasync.
func BenchmarkRawCommit(b *testing.B) {
	for _, how := range rawMethods {
		b.Run(how, func(b *testing.B) {
			f := rawFile(b, filepath.Join(b.TempDir(), "raw"), how, DefaultSegmentSize)
			defer f.Close()
			lat := make([]time.Duration, 0, b.N)
			cpu0, sys0 := rusage()
			b.ResetTimer()
			var off int64
			for range b.N {
				start := time.Now()
				var err error
				if how == "append" {
					if _, err = f.Write(pacedRecord); err == nil {
						err = f.Sync()
					}
				} else {
					if off+int64(len(pacedRecord)) > DefaultSegmentSize {
						off = 0
					}
					if _, err = f.WriteAt(pacedRecord, off); err == nil {
						err = datasync(f)
					}
					off += int64(len(pacedRecord))
				}
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			cpu1, sys1 := rusage()
			slices.Sort(lat)
			b.ReportMetric(float64(cpu1-cpu0)/1e3/float64(b.N), "cpu-µs/op")
			b.ReportMetric(float64(sys1-sys0)/1e3/float64(b.N), "sys-µs/op")
			b.ReportMetric(float64(lat[len(lat)*99/100])/1e3, "p99-µs")
			b.ReportMetric(float64(lat[len(lat)-1])/1e3, "max-µs")
		})
	}
}

// burn starts n busy-loop processes, to take the cores from the journal as
// a loaded gateway's handlers and load generator do, and returns the
// function that stops them.
func burn(b *testing.B, n int) func() {
	var cmds []*exec.Cmd
	for range n {
		c := exec.Command("sh", "-c", "while :; do :; done")
		if err := c.Start(); err != nil {
			b.Fatalf("-burn: %v", err)
		}
		cmds = append(cmds, c)
	}
	return func() {
		for _, c := range cmds {
			c.Process.Kill()
			c.Wait()
		}
	}
}
