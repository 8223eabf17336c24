package ledger

// pos is a journal position. Zero means "nothing to wait for".
type pos = uint64
