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
// every segment: a torn tail of the LAST segment (a partial length header,
// partial payload, or checksum mismatch in the final record with nothing
// valid after it) is truncated away; any corruption before the tail, or in a
// non-last segment, is an error of type *CorruptError naming the file and
// byte offset. So is a corrupt newest snapshot, a bad file header, or a gap
// in the positions of the segments.
//
// Open also removes what a crash may have left behind: temporary files, and
// segments and snapshots that the newest snapshot makes obsolete (those
// segments are not read). Other errors are I/O errors, wrapped.
func Open(dir string, opts Options) (*Journal, error) {
	return open(dir, opts, nil)
}

// open is Open with wrap, if not nil, wrapping every segment file the
// journal appends to; tests use it to inject write and sync failures.
func open(dir string, opts Options, wrap func(*os.File) segmentFile) (*Journal, error) {
	if opts.MaxBatchBytes <= 0 {
		opts.MaxBatchBytes = DefaultMaxBatchBytes
	}
	if err := mkdir(dir, !opts.NoSync); err != nil {
		return nil, fmt.Errorf("journal: create directory: %w", err)
	}
	j := &Journal{dir: dir, opts: opts, wrap: wrap, stopped: make(chan struct{})}
	j.work.L = &j.mu
	j.space.L = &j.mu
	if err := j.recover(); err != nil {
		return nil, err
	}
	last := j.segs[len(j.segs)-1]
	w, err := j.openSegment(segmentPath(dir, last.first))
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	j.w = w
	j.segFirst = last.first
	j.durable = j.next - 1
	j.cur = j.newBatch(j.next)
	go j.run()
	return j, nil
}

// recover validates the directory and sets j.segs, j.snapPos, j.next and
// j.size from it, truncating a torn tail and removing leftovers.
func (j *Journal) recover() error {
	segs, snaps, err := j.list()
	if err != nil {
		return err
	}
	if len(snaps) > 0 {
		j.snapPos = snaps[len(snaps)-1]
		if _, err := readSnapshot(snapshotPath(j.dir, j.snapPos), j.snapPos); err != nil {
			return err
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
			return fmt.Errorf("journal: remove obsolete file: %w", err)
		}
	}

	if len(segs) == 0 {
		first := max(j.snapPos, 1)
		if err := createFile(segmentPath(j.dir, first), !j.opts.NoSync, appendHeader(nil, segmentMagic, first)); err != nil {
			return fmt.Errorf("journal: create segment: %w", err)
		}
		j.segs = []segment{{first: first, size: headerSize}}
		j.next = first
		j.size.Store(headerSize)
		return nil
	}

	want := max(j.snapPos, 1) // the first segment must start at or before this
	for i, first := range segs {
		path := segmentPath(j.dir, first)
		if first > want || (i > 0 && first != want) {
			return &CorruptError{Path: path, Offset: 0, Reason: fmt.Sprintf("segment starts at position %d, want %d", first, want)}
		}
		n, end, err := j.checkSegment(path, first, i == len(segs)-1)
		if err != nil {
			return err
		}
		j.segs = append(j.segs, segment{first: first, size: end})
		j.size.Add(end)
		want = first + Pos(n)
	}
	j.next = want
	if j.next < j.snapPos {
		return &CorruptError{
			Path:   snapshotPath(j.dir, j.snapPos),
			Offset: 0,
			Reason: fmt.Sprintf("snapshot covers positions before %d but the segments end before %d", j.snapPos, j.next),
		}
	}
	return nil
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
		} else if base, ok := strings.CutSuffix(name, tempExt); ok && isJournalName(base) {
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
// first, and returns its number of records and the offset just past the last
// one. In the last segment, an invalid record with no valid record anywhere
// after it is a torn tail: checkSegment truncates the file before it.
func (j *Journal) checkSegment(path string, first Pos, last bool) (n int64, end int64, err error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, 0, fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, 0, fmt.Errorf("journal: %w", err)
	}
	size := fi.Size()
	rr, err := newRecordReader(f, path, size, segmentMagic, first, MaxRecordSize)
	if err != nil {
		return 0, 0, err
	}
	buf := make([]byte, 0, 64<<10)
	for {
		data, err := rr.next(buf)
		if err == io.EOF {
			return n, rr.off, nil
		}
		var ce *CorruptError
		if errors.As(err, &ce) && last {
			at, ferr := validFrameAfter(f, rr.off+1, size)
			if ferr != nil {
				return 0, 0, fmt.Errorf("journal: %s: %w", path, ferr)
			}
			if at < 0 {
				return n, rr.off, j.truncate(f, rr.off)
			}
		}
		if err != nil {
			return 0, 0, err
		}
		buf = data[:0]
		n++
	}
}

// truncate cuts a torn tail off f at off and makes the new size durable.
func (j *Journal) truncate(f *os.File, off int64) error {
	if err := f.Truncate(off); err != nil {
		return fmt.Errorf("journal: truncate torn tail: %w", err)
	}
	if j.opts.NoSync {
		return nil
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("journal: truncate torn tail: %w", err)
	}
	return nil
}
