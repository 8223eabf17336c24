// Package journal is the durable write-ahead journal of the gateway's ledger:
// an append-only sequence of records, group-committed with one write and one
// fdatasync per batch into preallocated, zero-filled segment files, plus
// snapshots that let old records be thrown away.
//
// # Positions
//
// Every record has a position (Pos), its sequence number: the first record
// ever appended is 1 and each Append adds one. Positions keep counting across
// segments, snapshots and restarts. Position 0 is before every record.
//
// # Files
//
// A journal is one directory holding segment files and snapshot files:
//
//	00000000000000000001.log   segment whose first record is at position 1
//	00000000000000000742.log   segment whose first record is at position 742
//	00000000000000000742.snap  snapshot of the state before position 742
//	prealloc.tmp               zero-filled spare for the next segment, if any
//
// Names are 20-digit zero-padded decimal positions, so they sort by name.
// Every segment and snapshot file starts with a 16-byte header:
//
//	offset 0  magic    4 bytes  "JLOG" (segment) or "JSNP" (snapshot)
//	offset 4  version  uint32 little-endian, 3 (1 and 2 are still read)
//	offset 8  position uint64 little-endian, the position in the file name
//
// After the header come records, each framed as
//
//	offset 0  length   uint32 little-endian, payload bytes
//	offset 4  checksum uint32 little-endian, CRC-32C (Castagnoli) of the
//	          4 length bytes followed by the payload
//	offset 8  payload  length bytes
//
// Because the checksum covers the length, a flipped length byte is caught.
//
// # Batches (version 3)
//
// A version 3 segment holds batch frames, one per group commit: the same
// 8-byte frame header, but with bit 31 of the length set (no record length
// reaches it), whose payload is the batch's record frames back to back. A
// batch is written with one write and one fdatasync, so it is the unit that
// a crash can tear. A machine crash during that fdatasync can leave some of
// its disk pages written and others not, in any order; the batch frame lets
// recovery see the whole batch as one torn frame, where record frames alone
// would show a later record of the batch whole after a missing one, which
// looks like damage to acknowledged records. The records inside a batch
// whose checksum holds must all be valid; if one is not, that is damage.
// Version 1 and 2 segments hold bare record frames; a journal opened on a
// version 2 last segment keeps appending to it in that framing, and every
// segment it starts is version 3.
// A segment record is at most MaxRecordSize bytes, so a garbage length is
// reported as corruption instead of being allocated. A snapshot holds exactly
// one record (up to MaxSnapshotSize bytes) that ends at the end of the file.
// The records of a segment are at consecutive positions starting at the one
// in its name, and each segment starts where the previous one ends.
//
// # Preallocated segments (version 2 and later)
//
// A segment file is created at its full size, Options.SegmentSize (64 MiB by
// default), with zeros written over all of it and fsynced, before its name
// appears; records are then written over the zeros in place, at the
// segment's logical end. Such a write changes neither the file's size nor
// its block map, so a commit is one pwrite and one fdatasync, which flushes
// the data and skips the inode. The records end at the first all-zero frame
// header (a valid frame's header is never all zeros: the checksum of an
// empty record is not 0) or at the end of the file. Version 1 files, written
// by appending, end at the end of the file and read the same way.
//
// When a batch does not fit in the rest of the last segment, the flusher
// starts the next segment at the batch's first position on its own; Load,
// Size and positions do not show it. A background goroutine keeps one spare,
// zero-filled and fsynced, in prealloc.tmp, made when the current segment is
// half full and again after each new segment, so that a new segment costs a
// header write, one fdatasync, a rename and a directory fsync. It fills the
// spare 256 KiB at a time, syncing and resting 2 ms after each, so
// that commits, whose cache flushes would otherwise also write out its
// zeros, do not wait behind it. (Open creates the first segment of a new
// journal itself, zero-filled, before returning.) If no spare is
// ready, the flusher creates the segment with its space reserved by
// fallocate(2) instead of written (a sparse file where fallocate is
// missing), which is as durable but makes the file system record the first
// write to each block at the next sync, rather than stall appenders while it
// writes 64 MiB of zeros. Close and Open remove the spare.
//
// # Durability contract
//
// Append queues a record and returns its position at once; Wait(p) returns nil
// only once the record at p and every record before it have been written and
// synced (unless Options.NoSync is set). A record whose Wait returned nil
// survives a crash of the process or the machine. Records whose Wait has not
// returned may be lost, but only from the end: the journal never loses a
// record and keeps a later one.
//
// One background goroutine, the flusher, writes: while it syncs a batch, new
// records collect in the next batch, which it writes with one write and one
// sync, so concurrent appenders share the cost of a sync (group commit). On
// Linux the sync is fdatasync(2), issued as a raw system call that keeps the
// flusher's Go processor when Options.HoldProcessor is set; elsewhere it is
// (*os.File).Sync. With Options.Realtime the flusher has an OS thread of its
// own at real-time priority where permitted, so that it runs the moment a
// sync returns even when every core is busy. If a write or sync fails the
// journal stops: that batch, every later one and every later Append return
// the error, because after a failed sync the kernel may have dropped the
// dirty pages and nothing written since can be trusted. Reopen the
// directory to recover what is on disk.
//
// New segments and snapshots are written under a temporary name, synced,
// renamed into place and made durable with an fsync of the directory, so a
// crash never leaves a partial header or a partial snapshot behind. No
// record is written to a segment before its directory entry is durable, and
// a segment is synced with its last batch before the next one is created.
//
// # Commit delay
//
// When records arrive while the flusher is busy at a rate of at least one
// per Options.CommitDelay (1 ms by default), the flusher holds the next
// batch open for more before writing it, like PostgreSQL's commit_delay with
// commit_siblings: at most for the delay, and only until the batch holds as
// many records as the recent arrival rate predicts (no more than the
// previous batch held, but at least one more than it holds), reaches a
// quarter of MaxBatchBytes, or an Append is blocked on a full batch; Rotate
// and Close end the wait too. Only records appended while the flusher was
// writing, syncing or holding a batch count towards the rate, so a lone
// writer that waits for each record never makes it wait, and the rate is
// forgotten after 100 ms with nothing to write. The wait uses a Go timer,
// which can fire up to a millisecond late in an otherwise idle process;
// such a wait ends with the next Append instead. A negative CommitDelay
// turns this off; NoSync does too.
//
// # Recovery
//
// Open reads every segment that the newest snapshot does not make obsolete.
// A crash in the middle of a commit leaves a torn tail on the last segment:
// a final record (in version 3, a final batch) that is partial, zeroed or
// fails its checksum, or stray bytes after the last record, with no valid
// record (in version 3, no valid batch frame) anywhere after them. Open
// overwrites the torn tail with zeros (and syncs), so the logical end is the
// end of the last valid record and later records are written over zeros;
// what it removes was never acknowledged. Any other damage is returned as a
// *CorruptError naming the file and byte offset, and nothing is changed,
// so the operator decides what to do:
//
//   - an invalid record, or an all-zero frame header, followed anywhere in
//     the last segment by a valid record;
//   - any invalid record in a segment that is not the last (the rest of
//     such a segment after an all-zero header is not read: a record lost
//     there shows as a gap before the next segment);
//   - a bad header, a corrupt snapshot, a gap between segments;
//   - in version 3, a frame without the batch flag, or an invalid record
//     inside a batch whose own checksum holds.
//
// In version 1 and 2 segments a batch is not marked, so a machine crash
// that wrote a later page of the last batch but not an earlier one is
// reported as damage there (nothing acknowledged is lost either way); in
// version 3 it is a torn tail (testdata/v3-torn-batch).
//
// Appends after Open continue at the logical end of the last segment, not at
// the end of its file.
//
// # Snapshots
//
// To bound recovery time the owner of the state calls Rotate and serialises
// its state so that it reflects every record before the position Rotate
// returned: either with its own mutations stopped around both, or, as the
// reference gateway's ledger does, while appends go on, noting which later
// records the copy already reflects. It passes the bytes (in one slice or in
// chunks) to WriteSnapshot, which writes it at the same background pace as
// the spare (256 KiB, a sync, 2 ms of rest). Once the snapshot is durable,
// segments holding only records before it, and older snapshots, are
// removed, shrunk 8 MiB at a time first so that the file system frees their
// blocks in small pieces. Load hands the
// newest snapshot to its snap callback and then the records at or after its
// position, each with its position, to rec, so that an owner whose copy ran
// ahead of that position can skip what it already holds.
package journal
