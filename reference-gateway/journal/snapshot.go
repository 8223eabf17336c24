package journal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// WriteSnapshot durably writes data (the concatenation of its chunks: a
// caller can build a large snapshot in pieces and never allocate it as one
// slice) as the snapshot that covers everything
// before p (temp file, fsync, rename, fsync dir) and then removes segments
// and older snapshots that it makes obsolete. p is normally a position Rotate
// returned; any position up to the next one to be appended works, and
// segments holding records at or after p are kept.
//
// WriteSnapshot first waits until every record before p is durable and the
// segment Rotate started at p exists, so a snapshot is never ahead of the
// segments. It returns an error for p == 0, for p beyond the next position to
// be appended, for p older than the newest snapshot, for data longer than
// MaxSnapshotSize, before Load has succeeded, after Close (ErrClosed), and
// when the journal has failed (that error). Errors writing the snapshot or
// removing obsolete files are returned wrapped; if only the removal fails the
// snapshot is in place, and the next Open removes the leftovers.
func (j *Journal) WriteSnapshot(p Pos, data ...[]byte) error {
	var size int64
	for _, c := range data {
		size += int64(len(c))
	}
	if size > MaxSnapshotSize {
		return fmt.Errorf("journal: snapshot of %d bytes exceeds maximum %d", size, MaxSnapshotSize)
	}
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
		return err
	}
	if err := j.await(p); err != nil {
		return err
	}

	var h [headerSize + frameHeaderSize]byte
	appendHeader(h[:0], snapshotMagic, p)
	binary.LittleEndian.PutUint32(h[headerSize:], uint32(size))
	binary.LittleEndian.PutUint32(h[headerSize+4:], frameChecksum(h[headerSize:headerSize+4], data...))
	if err := createFile(snapshotPath(j.dir, p), !j.opts.NoSync, append([][]byte{h[:]}, data...)...); err != nil {
		return fmt.Errorf("journal: write snapshot: %w", err)
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
		return fmt.Errorf("journal: remove obsolete files: %w", err)
	}
	return nil
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
