// Package journal is the durable write-ahead journal of the gateway's ledger:
// an append-only sequence of records, group-committed with one write and one
// fsync per batch, plus snapshots that let old records be thrown away.
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
//
// Names are 20-digit zero-padded decimal positions, so they sort by name.
// Every file starts with a 16-byte header:
//
//	offset 0  magic    4 bytes  "JLOG" (segment) or "JSNP" (snapshot)
//	offset 4  version  uint32 little-endian, 1
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
// A segment record is at most MaxRecordSize bytes, so a garbage length is
// reported as corruption instead of being allocated. A snapshot holds exactly
// one record (up to MaxSnapshotSize bytes) that ends at the end of the file.
// The records of a segment are at consecutive positions starting at the one
// in its name, and each segment starts where the previous one ends.
//
// # Durability contract
//
// Append queues a record and returns its position at once; Wait(p) returns nil
// only once the record at p and every record before it have been written and
// fsynced (unless Options.NoSync is set). A record whose Wait returned nil
// survives a crash of the process or the machine. Records whose Wait has not
// returned may be lost, but only from the end: the journal never loses a
// record and keeps a later one.
//
// One background goroutine writes: while it fsyncs a batch, new records
// collect in the next batch, which it writes with one write and one fsync, so
// concurrent appenders share the cost of an fsync (group commit). If a write
// or fsync fails the journal stops: that batch, every later one and every
// later Append return the error, because after a failed fsync the kernel may
// have dropped the dirty pages and nothing written since can be trusted.
// Reopen the directory to recover what is on disk.
//
// New segments and snapshots are written to a temporary file, fsynced,
// renamed into place and made durable with an fsync of the directory, so a
// crash never leaves a partial header or a partial snapshot behind.
//
// # Recovery
//
// Open reads every segment that the newest snapshot does not make obsolete.
// A crash in the middle of a write leaves a torn tail on the last segment: a
// partial length header, a partial payload, or a final record whose checksum
// does not match, with no valid record anywhere after it. Open truncates the
// torn tail away; what it removes was never acknowledged. Any other damage
// (an invalid record followed by a valid one, any invalid record in a segment
// that is not the last, a bad header, a corrupt snapshot, a gap between
// segments) is returned as a *CorruptError naming the file and byte offset,
// and nothing is changed: the operator decides what to do.
//
// # Snapshots
//
// To bound recovery time the owner of the state calls Rotate while its own
// mutations are stopped, serialises its state (which then reflects exactly
// the records before the position Rotate returned), resumes, and passes the
// bytes to WriteSnapshot. Once the snapshot is durable, segments holding only
// records before it, and older snapshots, are removed. Load hands the newest
// snapshot to its snap callback and then only the records at or after its
// position to rec.
package journal
