package journal

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
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

// reportBatching reports how many records shared each write and fsync.
func reportBatching(b *testing.B, j *Journal) {
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
			j := benchJournal(b, Options{})
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
		})
	}
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
