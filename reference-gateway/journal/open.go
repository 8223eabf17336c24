package journal

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Open opens (creating if missing) the journal directory dir. It validates
// every segment. In the LAST segment, records end at an all-zero frame
// header (the preallocated tail) or at the end of the file; an invalid
// record with no valid record anywhere after it (a torn tail: a partial
// length header, partial payload, or checksum mismatch) also ends them, and
// Open overwrites its bytes with zeros so that later records are written
// over a clean tail. An invalid record followed by a valid one, any invalid
// record in a non-last segment, and an all-zero frame header followed by a
// valid record in the last segment are errors of type *CorruptError naming
// the file and byte offset. So is a corrupt newest snapshot, a bad file
// header, or a gap in the positions of the segments.
//
// Open also removes what a crash may have left behind: temporary files, the
// spare segment file, and segments and snapshots that the newest snapshot
// makes obsolete (those segments are not read). Other errors are I/O errors,
// wrapped. Appends continue at the logical end of the last segment.
func Open(dir string, opts Options) (*Journal, error) {
	return open(dir, opts, nil)
}

// open is Open with wrap, if not nil, wrapping every segment file the
// journal writes to; tests use it to inject write and sync failures.
func open(dir string, opts Options, wrap func(*os.File) segmentFile) (*Journal, error) {
	if opts.MaxBatchBytes <= 0 {
		opts.MaxBatchBytes = DefaultMaxBatchBytes
	}
	opts.MaxBatchBytes = min(opts.MaxBatchBytes, maxBatchBytes)
	if opts.SegmentSize <= 0 {
		opts.SegmentSize = DefaultSegmentSize
	}
	if err := mkdir(dir, !opts.NoSync); err != nil {
		return nil, fmt.Errorf("journal: create directory: %w", err)
	}
	j := &Journal{
		dir:     dir,
		opts:    opts,
		wrap:    wrap,
		kick:    make(chan struct{}, 1),
		prep:    newPreparer(dir, opts.SegmentSize, !opts.NoSync),
		stopped: make(chan struct{}),
	}
	j.space.L = &j.mu
	f, err := j.recover()
	if err != nil {
		return nil, err
	}
	j.w = j.wrapFile(f)
	j.segFirst = j.segs[len(j.segs)-1].first
	j.durable = j.next - 1
	j.cur = j.newBatch(j.next)
	if j.wOff > j.wCap/2 {
		j.prep.request()
		j.spareAsked = true
	}
	go j.prep.run()
	prio := make(chan string, 1)
	go j.run(prio)
	j.priority = <-prio
	return j, nil
}

// recover validates the directory and sets j.segs, j.snapPos, j.next,
// j.size, j.wOff and j.wCap from it, zeroing a torn tail and removing
// leftovers. It returns the last segment, open for writing.
func (j *Journal) recover() (*os.File, error) {
	segs, snaps, err := j.list()
	if err != nil {
		return nil, err
	}
	if len(snaps) > 0 {
		j.snapPos = snaps[len(snaps)-1]
		if _, err := readSnapshot(snapshotPath(j.dir, j.snapPos), j.snapPos); err != nil {
			return nil, err
		}
	}
	var obsolete []string
	for _, p := range snaps[:max(len(snaps)-1, 0)] {
		obsolete = append(obsolete, snapshotPath(j.dir, p))
	}
	for len(segs) > 1 && segs[1] <= j.snapPos {
		obsolete = append(obsolete, segmentPath(j.dir, segs[0]))
		segs = segs[1:]
	}
	for _, path := range obsolete {
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("journal: remove obsolete file: %w", err)
		}
	}

	if len(segs) == 0 {
		first := max(j.snapPos, 1)
		f, err := createSegment(segmentPath(j.dir, first), first, j.opts.SegmentSize, true, !j.opts.NoSync)
		if err != nil {
			return nil, fmt.Errorf("journal: create segment: %w", err)
		}
		j.segs = []segment{{first: first, size: headerSize}}
		j.next = first
		j.size.Store(headerSize)
		j.wOff, j.wCap, j.wBatched = headerSize, max(j.opts.SegmentSize, headerSize), true
		return f, nil
	}

	want := max(j.snapPos, 1) // the first segment must start at or before this
	var f *os.File
	for i, first := range segs {
		path := segmentPath(j.dir, first)
		if first > want || (i > 0 && first != want) {
			return nil, &CorruptError{Path: path, Offset: 0, Reason: fmt.Sprintf("segment starts at position %d, want %d", first, want)}
		}
		last := i == len(segs)-1
		n, end, size, batched, err := j.checkSegment(path, first, last)
		if err != nil {
			return nil, err
		}
		j.segs = append(j.segs, segment{first: first, size: end})
		j.size.Add(end)
		want = first + Pos(n)
		if last {
			if f, err = os.OpenFile(path, os.O_RDWR, 0); err != nil {
				return nil, fmt.Errorf("journal: %w", err)
			}
			j.wOff, j.wCap, j.wBatched = end, size, batched
		}
	}
	j.next = want
	if j.next < j.snapPos {
		f.Close()
		return nil, &CorruptError{
			Path:   snapshotPath(j.dir, j.snapPos),
			Offset: 0,
			Reason: fmt.Sprintf("snapshot covers positions before %d but the segments end before %d", j.snapPos, j.next),
		}
	}
	return f, nil
}

// list returns the positions of the segment and snapshot files in j.dir, in
// increasing order, after removing temporary files left by a crash.
func (j *Journal) list() (segs, snaps []Pos, err error) {
	ents, err := os.ReadDir(j.dir)
	if err != nil {
		return nil, nil, fmt.Errorf("journal: %w", err)
	}
	for _, e := range ents {
		name := e.Name()
		if !e.Type().IsRegular() {
			continue
		}
		if p, ok := parseName(name, segmentExt); ok {
			segs = append(segs, p)
		} else if p, ok := parseName(name, snapshotExt); ok {
			snaps = append(snaps, p)
		} else if base, ok := strings.CutSuffix(name, tempExt); (ok && isJournalName(base)) || name == spareName {
			if err := os.Remove(filepath.Join(j.dir, name)); err != nil {
				return nil, nil, fmt.Errorf("journal: remove temporary file: %w", err)
			}
		}
	}
	slices.Sort(segs)
	slices.Sort(snaps)
	return segs, snaps, nil
}

func isJournalName(name string) bool {
	_, seg := parseName(name, segmentExt)
	_, snap := parseName(name, snapshotExt)
	return seg || snap
}

// checkSegment validates the segment at path, which must start at position
// first, and returns its number of records, its logical end (the offset just
// past the last record), its size and whether it holds batch frames
// (version 3). Its records end at an all-zero frame
// header or at the end of the file. In the last segment, an invalid record
// with no valid record anywhere after it is a torn tail, as are non-zero
// bytes after the end with no valid record among them: checkSegment
// overwrites them with zeros. Bytes after the end of a segment that is not
// the last are not read: the flusher synced the segment, with any torn tail
// zeroed by an earlier Open, before it started the next one, and a record
// lost from its end shows as a gap before the next segment.
func (j *Journal) checkSegment(path string, first Pos, last bool) (n, end, size int64, batched bool, err error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, 0, 0, false, fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, 0, 0, false, fmt.Errorf("journal: %w", err)
	}
	size = fi.Size()
	rr, err := newRecordReader(f, path, size, segmentMagic, first, MaxRecordSize)
	if err != nil {
		return 0, 0, 0, false, err
	}
	rr.zeroEnds = true
	buf := make([]byte, 0, 64<<10)
	for {
		start := rr.off
		data, err := rr.next(buf)
		if err == nil {
			buf = data[:0]
			if !rr.batched {
				n++
				continue
			}
			// A batch whose checksum holds was written whole: bad record
			// frames inside it are damage, never a torn tail.
			problem, _ := splitBatch(data, func([]byte) error { n++; return nil })
			if problem != "" {
				return 0, 0, 0, false, rr.corrupt(start, "batch: "+problem)
			}
			continue
		}
		var ce *CorruptError
		if err != io.EOF && !errors.As(err, &ce) {
			return 0, 0, 0, false, err
		}
		if !last {
			if ce != nil {
				return 0, 0, 0, false, ce
			}
			return n, rr.off, size, rr.batched, nil
		}
		from, to, ferr := nonZeroSpan(f, rr.off, size)
		if ferr != nil {
			return 0, 0, 0, false, fmt.Errorf("journal: %s: %w", path, ferr)
		}
		if from < 0 {
			return n, rr.off, size, rr.batched, nil // the records end at the zeros
		}
		at, ferr := validFrameAfter(f, rr.off+1, size, rr.batched)
		if ferr != nil {
			return 0, 0, 0, false, fmt.Errorf("journal: %s: %w", path, ferr)
		}
		switch {
		case at >= 0 && ce != nil:
			return 0, 0, 0, false, ce
		case at >= 0:
			return 0, 0, 0, false, rr.corrupt(rr.off, fmt.Sprintf("zero frame header before a valid record at offset %d", at))
		}
		return n, rr.off, size, rr.batched, j.zeroTail(f, from, to+1)
	}
}

// zeroTail overwrites f's bytes [from, to), a torn tail, with zeros and
// makes them durable.
func (j *Journal) zeroTail(f *os.File, from, to int64) error {
	for off := from; off < to; off += int64(len(zeroChunk)) {
		if _, err := f.WriteAt(zeroChunk[:min(int64(len(zeroChunk)), to-off)], off); err != nil {
			return fmt.Errorf("journal: zero torn tail: %w", err)
		}
	}
	if j.opts.NoSync {
		return nil
	}
	if err := datasync(f); err != nil {
		return fmt.Errorf("journal: zero torn tail: %w", err)
	}
	return nil
}
