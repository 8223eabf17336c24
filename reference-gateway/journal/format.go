package journal

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const (
	// MaxRecordSize is the largest payload Append accepts. A segment record
	// that claims to be longer is corrupt.
	MaxRecordSize = 16 << 20

	// MaxSnapshotSize is the largest snapshot WriteSnapshot accepts: the
	// length field is 32 bits wide.
	MaxSnapshotSize int64 = 1<<32 - 1

	// DefaultMaxBatchBytes is the group-commit write size used when
	// Options.MaxBatchBytes is zero.
	DefaultMaxBatchBytes = 4 << 20

	// DefaultSegmentSize is the size segment files are preallocated to
	// when Options.SegmentSize is zero.
	DefaultSegmentSize = 64 << 20

	// DefaultCommitDelay is the most the flusher waits for more records
	// before a group commit when Options.CommitDelay is zero.
	DefaultCommitDelay = time.Millisecond
)

const (
	// version is the format version written in new files' headers. Version
	// 2 segments are preallocated and zero-filled, so an all-zero frame
	// header ends their records. Version 3 segments hold batch frames (see
	// batchFlag) instead of bare record frames. Version 1 and 2 files are
	// still read, and a version 1 or 2 last segment is appended to in its
	// own format until the next segment starts.
	version      = 3
	minVersion   = 1
	batchVersion = 3 // the first version whose segments hold batch frames

	// batchFlag marks the length field of a batch frame: one group commit's
	// record frames, framed again as a whole, so that recovery can tell a
	// torn last batch (whose later disk pages may have been written while
	// earlier ones were not) from damage to acknowledged records. Record
	// lengths never reach bit 31.
	batchFlag = 1 << 31

	// maxBatchPayload is the largest batch a reader accepts; Options.
	// MaxBatchBytes is capped at maxBatchBytes so that a batch, even one
	// holding a single record longer than the cap, stays below it.
	maxBatchBytes   = 64 << 20
	maxBatchPayload = maxBatchBytes + frameHeaderSize + MaxRecordSize

	headerSize      = 16
	frameHeaderSize = 8

	segmentMagic  = "JLOG"
	snapshotMagic = "JSNP"

	segmentExt  = ".log"
	snapshotExt = ".snap"
	tempExt     = ".tmp"

	// spareName is the zero-filled file kept ready for the next segment.
	spareName = "prealloc" + tempExt

	nameDigits = 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// appendHeader appends a file header to b.
func appendHeader(b []byte, magic string, p Pos) []byte {
	b = append(b, magic...)
	b = binary.LittleEndian.AppendUint32(b, version)
	return binary.LittleEndian.AppendUint64(b, p)
}

// frameChecksum returns the checksum of a record: CRC-32C of its 4 length
// bytes followed by its payload.
func frameChecksum(length []byte, payload ...[]byte) uint32 {
	sum := crc32.Update(0, castagnoli, length)
	for _, p := range payload {
		sum = crc32.Update(sum, castagnoli, p)
	}
	return sum
}

// fillBatchHeader writes the batch frame header into the first
// frameHeaderSize bytes of b, which the batch's record frames follow.
func fillBatchHeader(b []byte) {
	binary.LittleEndian.PutUint32(b[:4], uint32(len(b)-frameHeaderSize)|batchFlag)
	binary.LittleEndian.PutUint32(b[4:8], frameChecksum(b[:4], b[frameHeaderSize:]))
}

// splitBatch calls fn with each record of a batch frame's payload, which
// must be whole, valid record frames with nothing after them; it returns a
// description of the first problem otherwise (or fn's error).
func splitBatch(payload []byte, fn func([]byte) error) (problem string, err error) {
	for off := 0; off < len(payload); {
		if len(payload)-off < frameHeaderSize {
			return fmt.Sprintf("partial record header at batch offset %d", off), nil
		}
		h := payload[off : off+frameHeaderSize]
		n64 := int64(binary.LittleEndian.Uint32(h[:4]))
		if n64 > MaxRecordSize || n64 > int64(len(payload)-off-frameHeaderSize) {
			return fmt.Sprintf("bad record length %d at batch offset %d", n64, off), nil
		}
		n := int(n64)
		data := payload[off+frameHeaderSize : off+frameHeaderSize+n]
		if frameChecksum(h[:4], data) != binary.LittleEndian.Uint32(h[4:]) {
			return fmt.Sprintf("record checksum mismatch at batch offset %d", off), nil
		}
		if err := fn(data); err != nil {
			return "", err
		}
		off += frameHeaderSize + n
	}
	return "", nil
}

// appendFrame appends data framed as one record to b.
func appendFrame(b, data []byte) []byte {
	var h [frameHeaderSize]byte
	binary.LittleEndian.PutUint32(h[:4], uint32(len(data)))
	binary.LittleEndian.PutUint32(h[4:], frameChecksum(h[:4], data))
	return append(append(b, h[:]...), data...)
}

// fileName returns the name of the segment or snapshot file for p.
func fileName(p Pos, ext string) string {
	return fmt.Sprintf("%0*d%s", nameDigits, p, ext)
}

// parseName returns the position in a file name of the form
// <20 digits><ext>, and whether name has that form with a position above 0.
func parseName(name, ext string) (Pos, bool) {
	digits, ok := strings.CutSuffix(name, ext)
	if !ok || len(digits) != nameDigits || strings.Trim(digits, "0123456789") != "" {
		return 0, false
	}
	p, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || p == 0 {
		return 0, false
	}
	return p, true
}

// recordReader reads the records of one segment or snapshot file after
// checking its header.
type recordReader struct {
	r    *bufio.Reader
	path string
	off  int64 // offset of the next record
	size int64 // bytes to read, from the start of the file
	max  int64 // largest valid payload
	hdr  [frameHeaderSize]byte

	// batched is set for a version 3 segment: its frames are batch frames,
	// whose length field carries batchFlag, holding record frames.
	batched bool

	// zeroEnds makes an all-zero frame header (or fewer than 8 bytes
	// before size, all zero) the end of the records, as in a segment's
	// preallocated tail. Without it, the reader knows where the records
	// end and such a header is a bad record.
	zeroEnds bool
}

// newRecordReader checks the header of the file r reads from, which must
// have the given magic and position, and returns a reader for the records in
// its first size bytes. A bad header is a *CorruptError; an I/O error is
// returned wrapped.
func newRecordReader(r io.Reader, path string, size int64, magic string, p Pos, max int64) (*recordReader, error) {
	rr := &recordReader{r: bufio.NewReaderSize(r, 256<<10), path: path, off: headerSize, size: size, max: max}
	if size < headerSize {
		return nil, rr.corrupt(0, fmt.Sprintf("short header (%d of %d bytes)", size, headerSize))
	}
	var h [headerSize]byte
	if _, err := io.ReadFull(rr.r, h[:]); err != nil {
		return nil, fmt.Errorf("journal: read %s: %w", path, err)
	}
	if string(h[:4]) != magic {
		return nil, rr.corrupt(0, fmt.Sprintf("bad magic %q, want %q", h[:4], magic))
	}
	v := binary.LittleEndian.Uint32(h[4:8])
	if v < minVersion || v > version {
		return nil, rr.corrupt(4, fmt.Sprintf("unsupported version %d", v))
	}
	if magic == segmentMagic && v >= batchVersion {
		rr.batched, rr.max = true, maxBatchPayload
	}
	if hp := binary.LittleEndian.Uint64(h[8:]); hp != p {
		return nil, rr.corrupt(8, fmt.Sprintf("header position %d does not match file name", hp))
	}
	return rr, nil
}

func (rr *recordReader) corrupt(off int64, reason string) *CorruptError {
	return &CorruptError{Path: rr.path, Offset: off, Reason: reason}
}

// next reads the next record and returns its payload, reusing buf when it is
// large enough (pass nil for a fresh slice). It returns io.EOF after the last
// record (leaving rr.off just past it), a *CorruptError for an invalid record
// (leaving rr.off at its start), and a wrapped error for an I/O failure.
func (rr *recordReader) next(buf []byte) ([]byte, error) {
	rem := rr.size - rr.off
	switch {
	case rem == 0:
		return nil, io.EOF
	case rem < frameHeaderSize:
		if rr.zeroEnds {
			if _, err := io.ReadFull(rr.r, rr.hdr[:rem]); err != nil {
				return nil, fmt.Errorf("journal: read %s: %w", rr.path, err)
			}
			if isZero(rr.hdr[:rem]) {
				return nil, io.EOF
			}
		}
		return nil, rr.corrupt(rr.off, fmt.Sprintf("partial length header (%d of %d bytes)", rem, frameHeaderSize))
	}
	if _, err := io.ReadFull(rr.r, rr.hdr[:]); err != nil {
		return nil, fmt.Errorf("journal: read %s: %w", rr.path, err)
	}
	if rr.zeroEnds && isZero(rr.hdr[:]) {
		return nil, io.EOF
	}
	n := int64(binary.LittleEndian.Uint32(rr.hdr[:4]))
	if rr.batched {
		if n&batchFlag == 0 {
			return nil, rr.corrupt(rr.off, "frame is not a batch")
		}
		n &^= batchFlag
	}
	if n > rr.max {
		return nil, rr.corrupt(rr.off, fmt.Sprintf("record length %d exceeds maximum %d", n, rr.max))
	}
	if have := rem - frameHeaderSize; n > have {
		return nil, rr.corrupt(rr.off, fmt.Sprintf("partial payload (%d of %d bytes)", have, n))
	}
	if int64(cap(buf)) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(rr.r, buf); err != nil {
		return nil, fmt.Errorf("journal: read %s: %w", rr.path, err)
	}
	if frameChecksum(rr.hdr[:4], buf) != binary.LittleEndian.Uint32(rr.hdr[4:]) {
		return nil, rr.corrupt(rr.off, "checksum mismatch")
	}
	rr.off += frameHeaderSize + n
	return buf, nil
}

// validFrameAfter returns the offset of the first byte position at or after
// from, and before size, where a valid frame starts, or -1 if there is none:
// with batched, a batch frame (batchFlag set, at most maxBatchPayload), so
// that the record frames inside a torn batch do not count; otherwise a
// record frame. Open uses it to tell a torn tail (nothing valid after the bad record)
// from corruption in the middle of a segment. A valid frame's header is
// never all zeros (the checksum of an empty record is not 0), so runs of
// zeros, such as a segment's preallocated tail, are skipped quickly.
func validFrameAfter(f io.ReaderAt, from, size int64, batched bool) (int64, error) {
	limit := int64(MaxRecordSize)
	if batched {
		limit = maxBatchPayload
	}
	buf := make([]byte, 1<<20)
	var base, end int64 // buf[:end-base] holds the file's bytes [base, end)
	for y := from; y+frameHeaderSize <= size; y++ {
		if y+frameHeaderSize > end {
			n, err := f.ReadAt(buf, y)
			if n < frameHeaderSize {
				if err == nil || err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				return 0, fmt.Errorf("read: %w", err)
			}
			base, end = y, y+int64(n)
		}
		h := buf[y-base : y-base+frameHeaderSize]
		if isZero(h) {
			// The next candidate must have a non-zero byte in its header.
			if z := firstNonZero(buf[y-base+frameHeaderSize : end-base]); z >= 0 {
				y += int64(z) // the candidate at y+z+1 ends its header with that byte
			} else {
				y = end - frameHeaderSize
			}
			continue
		}
		n := int64(binary.LittleEndian.Uint32(h[:4]))
		if batched {
			if n&batchFlag == 0 {
				continue
			}
			n &^= batchFlag
		}
		stop := y + frameHeaderSize + n
		if n > limit || stop > size {
			continue
		}
		var sum uint32
		if stop <= end {
			sum = frameChecksum(h[:4], buf[y-base+frameHeaderSize:stop-base])
		} else {
			c := crc32.New(castagnoli)
			c.Write(h[:4])
			if _, err := io.Copy(c, io.NewSectionReader(f, y+frameHeaderSize, n)); err != nil {
				return 0, fmt.Errorf("read: %w", err)
			}
			sum = c.Sum32()
		}
		if sum == binary.LittleEndian.Uint32(h[4:]) {
			return y, nil
		}
	}
	return -1, nil
}

// nonZeroSpan returns the offsets of the first and the last non-zero byte in
// f's bytes [from, size), or -1, -1 if they are all zeros.
func nonZeroSpan(f io.ReaderAt, from, size int64) (first, last int64, err error) {
	first, last = -1, -1
	buf := make([]byte, 1<<20)
	for off := from; off < size; {
		n, err := f.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if n == 0 {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return 0, 0, fmt.Errorf("read: %w", err)
		}
		b := buf[:n]
		if i := firstNonZero(b); i >= 0 {
			if first < 0 {
				first = off + int64(i)
			}
			last = off + int64(lastNonZero(b))
		}
		off += int64(n)
	}
	return first, last, nil
}

// isZero reports whether b holds only zeros.
func isZero(b []byte) bool { return firstNonZero(b) < 0 }

// firstNonZero returns the index of the first non-zero byte in b, or -1.
func firstNonZero(b []byte) int {
	for i := 0; i < len(b); {
		k := min(len(b)-i, len(zeroChunk))
		if bytes.Equal(b[i:i+k], zeroChunk[:k]) {
			i += k
			continue
		}
		for j, c := range b[i : i+k] {
			if c != 0 {
				return i + j
			}
		}
	}
	return -1
}

// lastNonZero returns the index of the last non-zero byte in b, or -1.
func lastNonZero(b []byte) int {
	for i := len(b); i > 0; {
		k := min(i, 4096)
		if bytes.Equal(b[i-k:i], zeroChunk[:k]) {
			i -= k
			continue
		}
		for j := i - 1; j >= i-k; j-- {
			if b[j] != 0 {
				return j
			}
		}
	}
	return -1
}

func segmentPath(dir string, p Pos) string  { return filepath.Join(dir, fileName(p, segmentExt)) }
func snapshotPath(dir string, p Pos) string { return filepath.Join(dir, fileName(p, snapshotExt)) }
