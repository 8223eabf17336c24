package journal

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// segmentFile is the file the flusher appends to: an *os.File, or a wrapper
// that tests use to inject failures.
type segmentFile interface {
	Write(p []byte) (int, error)
	Sync() error
	Close() error
}

// mkdir creates dir if it does not exist, and then fsyncs its parent so the
// new directory entry is durable.
func mkdir(dir string, sync bool) error {
	if _, err := os.Stat(dir); !errNotExist(err) {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if sync {
		return syncDir(filepath.Dir(dir))
	}
	return nil
}

// errNotExist reports whether err says a file does not exist.
func errNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// syncDir fsyncs a directory, making renames and new entries in it durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		d.Close()
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return d.Close()
}

// createFile atomically creates path holding the concatenation of chunks:
// it writes them to path+".tmp", fsyncs it, renames it to path and fsyncs the
// directory. With sync false it skips both fsyncs.
func createFile(path string, sync bool, chunks ...[]byte) (err error) {
	tmp := path + tempExt
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	for _, c := range chunks {
		if _, err := f.Write(c); err != nil {
			return err
		}
	}
	if sync {
		if err := f.Sync(); err != nil {
			return err
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	if sync {
		return syncDir(filepath.Dir(path))
	}
	return nil
}
