package journal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the journal directories under testdata")

// Helpers that build journal files byte by byte for testdata.

func r(i int) []byte { return []byte(recName(i)) } // 8 bytes: 16 framed

// segPad is the size the testdata's version 2 segments are preallocated to.
const segPad = 256

// segBytes returns a version 2 segment starting at first holding recs,
// zero-filled to segPad bytes.
func segBytes(first Pos, recs ...[]byte) []byte { return pad(rawSeg(first, recs...)) }

// rawSeg returns the header and records of a segment starting at first,
// without the zero-filled tail.
func rawSeg(first Pos, recs ...[]byte) []byte {
	b := put32(appendHeader(nil, segmentMagic, first), 4, 2)
	for _, rec := range recs {
		b = appendFrame(b, rec)
	}
	return b
}

// pad returns b followed by zeros up to segPad bytes.
func pad(b []byte) []byte { return append(bytes.Clone(b), make([]byte, segPad-len(b))...) }

// v1Seg returns a version 1 segment: appended records, no zero-filled tail.
func v1Seg(first Pos, recs ...[]byte) []byte { return put32(rawSeg(first, recs...), 4, 1) }

func snapBytes(p Pos, data []byte) []byte {
	return appendFrame(put32(appendHeader(nil, snapshotMagic, p), 4, 2), data)
}

// batchFrame returns recs as one version 3 batch frame.
func batchFrame(recs ...[]byte) []byte {
	b := make([]byte, frameHeaderSize)
	for _, rec := range recs {
		b = appendFrame(b, rec)
	}
	fillBatchHeader(b)
	return b
}

// rebatch returns b with its batch header computed again.
func rebatch(b []byte) []byte {
	b = bytes.Clone(b)
	fillBatchHeader(b)
	return b
}

// v3Seg returns a version 3 segment starting at first holding batches,
// zero-filled to segPad bytes.
func v3Seg(first Pos, batches ...[]byte) []byte {
	return pad(cat(append([][]byte{appendHeader(nil, segmentMagic, first)}, batches...)...))
}

func frame(data []byte) []byte { return appendFrame(nil, data) }

func cat(bs ...[]byte) []byte { return bytes.Join(bs, nil) }

// flip returns a copy of b with the bits in mask flipped at offset off.
func flip(b []byte, off int, mask byte) []byte {
	b = bytes.Clone(b)
	b[off] ^= mask
	return b
}

// put32 returns a copy of b with v written little-endian at off.
func put32(b []byte, off int, v uint32) []byte {
	b = bytes.Clone(b)
	binary.LittleEndian.PutUint32(b[off:], v)
	return b
}

var (
	seg1 = fileName(1, segmentExt)
	seg4 = fileName(4, segmentExt)
	seg5 = fileName(5, segmentExt)
)

// testdataDirs is what -update writes: one journal directory per case.
// Offsets in the comments are for segment 1, where record i (from 1) starts
// at 16*i: a 16-byte file header, then 16-byte frames of 8-byte payloads.
// Version 2 segments are zero-filled to segPad (256) bytes, as Open and the
// flusher preallocate them; the v1-* cases are version 1 segments, written
// by appending, that the journal still reads.
func testdataDirs() map[string]map[string][]byte {
	three := rawSeg(1, r(1), r(2), r(3)) // 64 bytes
	four := rawSeg(1, r(1), r(2), r(3), r(4))
	five := rawSeg(1, r(1), r(2), r(3), r(4), r(5))
	junk := bytes.Repeat([]byte{0xa5, 0x5a, 0xc3}, 10) // no plausible lengths
	return map[string]map[string][]byte{
		// three records, then the zero-filled tail: where they end.
		"valid": {seg1: pad(three)},
		// 5 of the 8 bytes of record 4's frame header, then zeros.
		"torn-header": {seg1: pad(cat(three, frame(r(4))[:5]))},
		// record 4's frame header and 4 of its 8 payload bytes, then zeros.
		"torn-payload": {seg1: pad(cat(three, frame(r(4))[:12]))},
		// record 4 complete but its last payload byte damaged.
		"bad-checksum-tail": {seg1: pad(flip(four, 79, 0x01))},
		// record 4's length is garbage and only zeros follow.
		"huge-length-tail": {seg1: pad(put32(four, 64, 0xfffffff0))},
		// junk after the zeros that follow the records, with no valid
		// record in it: a torn tail, zeroed.
		"junk-after-zeros": {seg1: pad(cat(three, make([]byte, 100), junk))},
		// record 2's payload damaged, with valid records 3..5 after it.
		"corrupt-middle": {seg1: pad(flip(five, 43, 0x20))},
		// record 2's length 8 → 9, with valid records after it.
		"flipped-length": {seg1: pad(flip(four, 32, 0x01))},
		// record 2's length is garbage, with valid records after it.
		"huge-length": {seg1: pad(put32(four, 32, 0xfffffff0))},
		// record 2's frame zeroed, with valid records 3 and 4 after it:
		// zeros end the records only if nothing valid follows them.
		"zeroed-middle": {seg1: pad(cat(four[:32], make([]byte, 16), four[48:]))},
		"bad-magic":     {seg1: pad(cat([]byte("XLOG"), three[4:]))},
		"bad-version":   {seg1: pad(put32(three, 4, 4))},
		// a segment file renamed: its header says it starts at 7.
		"header-mismatch": {seg1: segBytes(7, r(1))},
		// a torn record in a segment that is not the last one.
		"corrupt-nonlast": {seg1: pad(cat(three, frame(r(4))[:12])), seg4: segBytes(4, r(4), r(5))},
		// segment 5 follows segment 1, which ends at position 4.
		"gap": {seg1: pad(three), seg5: segBytes(5, r(5))},
		// the newest snapshot's payload damaged.
		"corrupt-snapshot": {
			fileName(4, snapshotExt): flip(snapBytes(4, []byte("state before 4")), 30, 0x04),
			seg4:                     segBytes(4, r(4), r(5)),
		},
		// a crash after writing snapshot 4 but before removing segment 1 and
		// snapshot 2, a temporary file from a crashed rotation, and a spare
		// segment file.
		"snapshot": {
			fileName(2, snapshotExt):          snapBytes(2, []byte("state before 2")),
			fileName(4, snapshotExt):          snapBytes(4, []byte("state before 4")),
			seg1:                              pad(three),
			seg4:                              segBytes(4, r(4), r(5)),
			fileName(6, segmentExt) + tempExt: []byte("JLOG"),
			spareName:                         make([]byte, segPad),
		},
		// version 1: three appended records.
		"v1": {seg1: v1Seg(1, r(1), r(2), r(3))},
		// version 1: what a file system can leave when a crash extends a
		// file but not its data.
		"zero-tail": {seg1: cat(v1Seg(1, r(1), r(2), r(3)), make([]byte, 4096))},
		// version 1: record 4's frame header and 4 of its 8 payload bytes
		// at the end of the file.
		"v1-torn-payload": {seg1: cat(v1Seg(1, r(1), r(2), r(3)), frame(r(4))[:12])},
		// version 1 then version 2, as after an upgrade.
		"v1-then-v2": {seg1: v1Seg(1, r(1), r(2), r(3)), seg4: segBytes(4, r(4), r(5))},
		// version 2 then version 3, as after an upgrade.
		"v2-then-v3": {seg1: pad(three), seg4: v3Seg(4, batchFrame(r(4), r(5)))},
		// version 3: two batches, records 1-2 (16..56) and 3 (56..80).
		"v3-valid": {seg1: v3Seg(1, batchFrame(r(1), r(2)), batchFrame(r(3)))},
		// version 3: the batch of records 3-5 (56..112) torn as a machine
		// crash can leave it when the disk wrote its pages out of order:
		// its first 16 bytes (batch header, record 3's frame header) never
		// reached the disk, the rest did. Nothing in it was acknowledged.
		"v3-torn-batch": {seg1: v3Seg(1, batchFrame(r(1), r(2)), make([]byte, 16), batchFrame(r(3), r(4), r(5))[16:])},
		// version 3: the first batch's payload damaged, a valid batch after.
		"v3-corrupt-batch": {seg1: v3Seg(1, flip(batchFrame(r(1), r(2)), 30, 0x04), batchFrame(r(3)))},
		// version 3: a batch whose own checksum holds around a damaged record.
		"v3-bad-record": {seg1: v3Seg(1, rebatch(flip(batchFrame(r(1), r(2)), 34, 0x04)), batchFrame(r(3)))},
		// version 3: a bare record frame where a batch must be, then a batch.
		"v3-not-batch": {seg1: v3Seg(1, frame(r(1)), batchFrame(r(2)))},
	}
}

func writeTestdata(t *testing.T) {
	for name, fs := range testdataDirs() {
		dir := filepath.Join("testdata", name)
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for file, data := range fs {
			if err := os.WriteFile(filepath.Join(dir, file), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// readDir returns the files in dir and their contents.
func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	m := make(map[string][]byte)
	for _, name := range files(t, dir) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		m[name] = b
	}
	return m
}

// TestTestdata opens a copy of each journal directory under testdata (run
// with -update to rebuild them) and checks exactly what Open and Load do.
func TestTestdata(t *testing.T) {
	if *update {
		writeTestdata(t)
	}
	type corrupt struct {
		file   string
		offset int64
		reason string
	}
	for _, tc := range []struct {
		name     string
		err      *corrupt         // the CorruptError Open returns, or nil
		snap     string           // loaded snapshot
		recs     []string         // loaded records
		ends     map[string]int64 // files after Open, and where their records end
		nextWant Pos              // position of the next Append
	}{
		{name: "valid", recs: recs(1, 3), ends: map[string]int64{seg1: 64}, nextWant: 4},
		{name: "torn-header", recs: recs(1, 3), ends: map[string]int64{seg1: 64}, nextWant: 4},
		{name: "torn-payload", recs: recs(1, 3), ends: map[string]int64{seg1: 64}, nextWant: 4},
		{name: "bad-checksum-tail", recs: recs(1, 3), ends: map[string]int64{seg1: 64}, nextWant: 4},
		{name: "huge-length-tail", recs: recs(1, 3), ends: map[string]int64{seg1: 64}, nextWant: 4},
		{name: "junk-after-zeros", recs: recs(1, 3), ends: map[string]int64{seg1: 64}, nextWant: 4},
		{name: "corrupt-middle", err: &corrupt{seg1, 32, "checksum mismatch"}},
		{name: "flipped-length", err: &corrupt{seg1, 32, "checksum mismatch"}},
		{name: "huge-length", err: &corrupt{seg1, 32, "record length 4294967280 exceeds maximum 16777216"}},
		{name: "zeroed-middle", err: &corrupt{seg1, 32, "zero frame header before a valid record at offset 48"}},
		{name: "bad-magic", err: &corrupt{seg1, 0, `bad magic "XLOG", want "JLOG"`}},
		{name: "bad-version", err: &corrupt{seg1, 4, "unsupported version 4"}},
		{name: "header-mismatch", err: &corrupt{seg1, 8, "header position 7 does not match file name"}},
		{name: "corrupt-nonlast", err: &corrupt{seg1, 64, "checksum mismatch"}},
		{name: "gap", err: &corrupt{seg5, 0, "segment starts at position 5, want 4"}},
		{name: "corrupt-snapshot", err: &corrupt{fileName(4, snapshotExt), 16, "checksum mismatch"}},
		{
			name: "snapshot", snap: "state before 4", recs: recs(4, 5), nextWant: 6,
			ends: map[string]int64{fileName(4, snapshotExt): 38, seg4: 48},
		},
		{name: "v1", recs: recs(1, 3), ends: map[string]int64{seg1: 64}, nextWant: 4},
		{name: "zero-tail", recs: recs(1, 3), ends: map[string]int64{seg1: 64}, nextWant: 4},
		{name: "v1-torn-payload", recs: recs(1, 3), ends: map[string]int64{seg1: 64}, nextWant: 4},
		{name: "v1-then-v2", recs: recs(1, 5), ends: map[string]int64{seg1: 64, seg4: 48}, nextWant: 6},
		{name: "v2-then-v3", recs: recs(1, 5), ends: map[string]int64{seg1: 64, seg4: 56}, nextWant: 6},
		{name: "v3-valid", recs: recs(1, 3), ends: map[string]int64{seg1: 80}, nextWant: 4},
		{name: "v3-torn-batch", recs: recs(1, 2), ends: map[string]int64{seg1: 56}, nextWant: 3},
		{name: "v3-corrupt-batch", err: &corrupt{seg1, 16, "checksum mismatch"}},
		{name: "v3-bad-record", err: &corrupt{seg1, 16, "batch: record checksum mismatch at batch offset 16"}},
		{name: "v3-not-batch", err: &corrupt{seg1, 16, "frame is not a batch"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := filepath.Join("testdata", tc.name)
			before := readDir(t, src)
			if len(before) == 0 {
				t.Fatalf("%s is empty; run go test -run TestTestdata -update", src)
			}
			dir := t.TempDir()
			for name, data := range before {
				if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
					t.Fatal(err)
				}
			}

			j, err := Open(dir, Options{SegmentSize: segPad})
			if tc.err != nil {
				var ce *CorruptError
				if !errors.As(err, &ce) {
					t.Fatalf("Open = %v, want a *CorruptError", err)
				}
				want := &CorruptError{Path: filepath.Join(dir, tc.err.file), Offset: tc.err.offset, Reason: tc.err.reason}
				if *ce != *want {
					t.Fatalf("Open = %v\nwant %v", ce, want)
				}
				if got := readDir(t, dir); !maps.EqualFunc(got, before, bytes.Equal) {
					t.Errorf("Open changed the files of a corrupt journal")
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer closeT(t, j)
			snap, got, err := loadAll(j)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if string(snap) != tc.snap || !slices.Equal(got, tc.recs) {
				t.Errorf("loaded snapshot %q, records %q; want %q, %q", snap, got, tc.snap, tc.recs)
			}
			checkEnds(t, dir, before, tc.ends)
			var size int64
			for name, end := range tc.ends {
				if strings.HasSuffix(name, segmentExt) {
					size += end
				}
			}
			if j.Size() != size {
				t.Errorf("Size = %d, want %d", j.Size(), size)
			}
			if p := appendT(t, j, "next"); p != tc.nextWant {
				t.Errorf("next position = %d, want %d", p, tc.nextWant)
			}
		})
	}
}

// checkEnds checks that dir holds exactly the files in ends (and perhaps a
// spare), each the same size as in before, unchanged before its end and all
// zeros after it.
func checkEnds(t *testing.T, dir string, before map[string][]byte, ends map[string]int64) {
	t.Helper()
	after := readDir(t, dir)
	delete(after, spareName)
	for name, data := range after {
		end, ok := ends[name]
		switch {
		case !ok:
			t.Errorf("Open left %s", name)
		case len(data) != len(before[name]):
			t.Errorf("%s is %d bytes after Open, was %d", name, len(data), len(before[name]))
		case !bytes.Equal(data[:end], before[name][:end]):
			t.Errorf("Open changed %s before offset %d", name, end)
		case !isZero(data[end:]):
			t.Errorf("%s after Open: non-zero bytes after its records end at %d", name, end)
		}
	}
	for name := range ends {
		if _, ok := after[name]; !ok {
			t.Errorf("Open removed %s", name)
		}
	}
}

// recs returns the payloads of records from..to.
func recs(from, to int) []string {
	var s []string
	for i := from; i <= to; i++ {
		s = append(s, recName(i))
	}
	return s
}

// TestLegacyAppend opens a version 2 journal: appends go on in version 2
// framing in its last segment (a reader would reject a batch frame there),
// load back after a reopen, and the next segment is version 3.
func TestLegacyAppend(t *testing.T) {
	dir := t.TempDir()
	for name, data := range readDir(t, filepath.Join("testdata", "valid")) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	versionOf := func(name string) uint32 {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return binary.LittleEndian.Uint32(data[4:8])
	}
	j, _, _ := openT(t, dir, Options{SegmentSize: segPad})
	waitT(t, j, appendT(t, j, recName(4)))
	waitT(t, j, appendT(t, j, recName(5)))
	p, err := j.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	waitT(t, j, appendT(t, j, recName(6)))
	closeT(t, j)
	if v := versionOf(seg1); v != 2 {
		t.Errorf("%s is version %d after appends, want 2", seg1, v)
	}
	if v := versionOf(fileName(p, segmentExt)); v != version {
		t.Errorf("the segment after the rotation is version %d, want %d", v, version)
	}
	j, _, got := openT(t, dir, Options{SegmentSize: segPad})
	defer closeT(t, j)
	if want := recs(1, 6); !slices.Equal(got, want) {
		t.Errorf("loaded %q, want %q", got, want)
	}
	if j.Size() != 64+32+16+8+16 {
		t.Errorf("Size = %d, want %d (records 1-5 framed bare in version 2, record 6 in a batch)", j.Size(), 64+32+16+8+16)
	}
}
