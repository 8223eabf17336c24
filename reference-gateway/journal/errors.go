package journal

import (
	"errors"
	"fmt"
)

// ErrClosed is returned by methods called after Close.
var ErrClosed = errors.New("journal: closed")

var (
	errNotLoaded = errors.New("journal: not loaded")
	errLoaded    = errors.New("journal: already loaded")
)

// CorruptError reports damage in a journal file that is not a torn tail:
// Open and Load return it, naming the file and the byte offset of the first
// bad header field or record.
type CorruptError struct {
	Path   string
	Offset int64
	Reason string
}

// Error implements error.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("journal: corrupt record at %s offset %d: %s", e.Path, e.Offset, e.Reason)
}
