package journal

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
)

// WriteSnapshot durably writes data (the concatenation of its chunks: a
// caller can build a large snapshot in pieces and never allocate it as one
// slice) as the snapshot that covers everything before p. It is
// WriteSnapshotFrom with data as what it writes.
func (j *Journal) WriteSnapshot(p Pos, data ...[]byte) error {
	_, err := j.WriteSnapshotFrom(p, func(w io.Writer) error {
		for _, c := range data {
			if _, err := w.Write(c); err != nil {
				return err
			}
		}
		return nil
	})
	return err
}

// WriteSnapshotFrom durably writes what write writes to w as the snapshot
// that covers everything before p (temp file, fsync, rename, fsync dir),
// and then removes segments and older snapshots that it makes obsolete; it
// returns the snapshot's size (what write wrote). w
// puts the bytes into the snapshot's file as they come (the header, with
// the length and checksum, is written last), so a snapshot of any size
// needs only a small buffer in memory. p is normally a position Rotate
// returned; any position up to the next one to be appended works, and
// segments holding records at or after p are kept.
//
// WriteSnapshotFrom first waits until every record before p is durable and
// the segment Rotate started at p exists, so a snapshot is never ahead of the
// segments. It returns an error for p == 0, for p beyond the next position to
// be appended, for p older than the newest snapshot, for more than
// MaxSnapshotSize bytes, before Load has succeeded, after Close (ErrClosed),
// and when the journal has failed (that error). An error from write, or
// from writing the snapshot, is returned wrapped and leaves no snapshot;
// if only the removal of obsolete files fails the snapshot is in place, and
// the next Open removes the leftovers.
func (j *Journal) WriteSnapshotFrom(p Pos, write func(w io.Writer) error) (int64, error) {
	j.snapMu.Lock()
	defer j.snapMu.Unlock()

	j.mu.Lock()
	err := j.writable()
	switch {
	case err != nil:
	case p == 0 || p > j.next:
		err = fmt.Errorf("journal: snapshot position %d out of range 1..%d", p, j.next)
	case p < j.snapPos:
		err = fmt.Errorf("journal: snapshot position %d older than snapshot %d", p, j.snapPos)
	}
	j.mu.Unlock()
	if err != nil {
		return 0, err
	}
	if err := j.await(p); err != nil {
		return 0, err
	}
	var size int64
	if err := createFile(snapshotPath(j.dir, p), !j.opts.NoSync, func(f *os.File, w io.Writer) (err error) {
		size, err = fillSnapshot(f, w, p, write)
		return err
	}); err != nil {
		return 0, fmt.Errorf("journal: write snapshot: %w", err)
	}

	j.mu.Lock()
	var obsolete []string
	if j.snapPos != 0 && j.snapPos != p {
		obsolete = append(obsolete, snapshotPath(j.dir, j.snapPos))
	}
	j.snapPos = p
	k := 0
	for k < len(j.segs)-1 && j.segs[k+1].first <= p {
		obsolete = append(obsolete, segmentPath(j.dir, j.segs[k].first))
		j.size.Add(-j.segs[k].size)
		k++
	}
	j.segs = append([]segment(nil), j.segs[k:]...)
	j.mu.Unlock()

	var errs []error
	for _, path := range obsolete {
		if err := removePaced(path); err != nil && !errNotExist(err) {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return size, fmt.Errorf("journal: remove obsolete files: %w", err)
	}
	return size, nil
}

// fillSnapshot writes a snapshot file for position p through w: room for
// the header, then what write writes, then the header, whose checksum
// covers the length first and so is computed from the data read back from
// f (the page cache) once its length is known.
func fillSnapshot(f *os.File, w io.Writer, p Pos, write func(io.Writer) error) (int64, error) {
	var h [headerSize + frameHeaderSize]byte
	if _, err := w.Write(h[:]); err != nil {
		return 0, err
	}
	cw := &countWriter{w: w, max: MaxSnapshotSize}
	bw := bufio.NewWriterSize(cw, 64<<10)
	if err := write(bw); err != nil {
		return 0, err
	}
	if err := bw.Flush(); err != nil {
		return 0, err
	}
	appendHeader(h[:0], snapshotMagic, p)
	binary.LittleEndian.PutUint32(h[headerSize:], uint32(cw.n))
	sum := crc32.Update(0, castagnoli, h[headerSize:headerSize+4])
	buf := make([]byte, 1<<20)
	for off := int64(0); off < cw.n; {
		n, err := f.ReadAt(buf[:min(int64(len(buf)), cw.n-off)], int64(len(h))+off)
		if err != nil {
			return 0, fmt.Errorf("read back: %w", err)
		}
		sum = crc32.Update(sum, castagnoli, buf[:n])
		off += int64(n)
	}
	binary.LittleEndian.PutUint32(h[headerSize+4:], sum)
	_, err := f.WriteAt(h[:], 0)
	return cw.n, err
}

// countWriter counts what it passes on, and fails past max bytes.
type countWriter struct {
	w   io.Writer
	n   int64
	max int64
}

func (c *countWriter) Write(b []byte) (int, error) {
	if c.n+int64(len(b)) > c.max {
		return 0, fmt.Errorf("snapshot exceeds the maximum of %d bytes", c.max)
	}
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// readSnapshot reads the snapshot file at path, which must be for position
// p, and returns its data. Damage is a *CorruptError.
func readSnapshot(path string, p Pos) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	rr, err := newRecordReader(f, path, fi.Size(), snapshotMagic, p, MaxSnapshotSize)
	if err != nil {
		return nil, err
	}
	data, err := rr.next(nil)
	if err == io.EOF {
		return nil, rr.corrupt(rr.off, "missing snapshot record")
	}
	if err != nil {
		return nil, err
	}
	if rr.off != rr.size {
		return nil, rr.corrupt(rr.off, fmt.Sprintf("%d bytes after the snapshot record", rr.size-rr.off))
	}
	return data, nil
}
