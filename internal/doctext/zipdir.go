package doctext

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Bounds on a zip container's directory. archive/zip reads the whole
// central directory into memory when it opens an archive, one File per
// entry, and it reads entries until the headers stop, whatever count the
// end record claims; a crafted 1 GB upload could hold millions of tiny
// entries and cost gigabytes before Inspect looks at a single name. Real
// Office files hold tens to a few thousand parts (a large workbook with
// many sheets and images), with a directory well under a megabyte.
const (
	// maxZipEntries is the most entries Inspect and Extract accept.
	maxZipEntries = 10_000
	// maxZipDirectoryBytes bounds what opening an archive may read: the
	// end record search (at most 66 KiB) and the central directory. It
	// bounds memory before the entry count can be checked.
	maxZipDirectoryBytes = 4 << 20
)

// errZipDirectory refuses an archive whose directory is past the bounds.
var errZipDirectory = errors.New("doctext: zip directory too large")

// zip64 end record: its signature, length, and where it holds the total
// number of entries.
const (
	zip64EndSignature = "PK\x06\x06"
	zip64EndLen       = 56
	zip64EndRecords   = 32
)

// budgetReader fails reads once its budget is spent, until lifted. It also
// refuses a zip64 end record that claims more than maxZipEntries entries:
// archive/zip allocates room for the claimed count (up to one pointer per
// 30 bytes of the file, 280 MB for a 1 GB upload) before it reads a single
// directory header, so the count must be stopped where it is read.
type budgetReader struct {
	r         io.ReaderAt
	left      int64
	unlimited bool
}

func (b *budgetReader) ReadAt(p []byte, off int64) (int, error) {
	if b.unlimited {
		return b.r.ReadAt(p, off)
	}
	if b.left <= 0 {
		return 0, errZipDirectory
	}
	short := int64(len(p)) > b.left
	if short {
		p = p[:b.left]
	}
	n, err := b.r.ReadAt(p, off)
	b.left -= int64(n)
	if short && err == nil {
		err = errZipDirectory
	}
	if n == zip64EndLen && len(p) == zip64EndLen && bytes.HasPrefix(p, []byte(zip64EndSignature)) &&
		binary.LittleEndian.Uint64(p[zip64EndRecords:]) > maxZipEntries {
		return n, errZipDirectory
	}
	return n, err
}

// openZip opens a zip archive within the directory bounds. The reader it
// returns reads entries without a budget: their sizes are bounded where
// they are read (maxEntryBytes).
func openZip(r io.ReaderAt, size int64) (*zip.Reader, error) {
	b := &budgetReader{r: r, left: maxZipDirectoryBytes}
	z, err := zip.NewReader(b, size)
	b.unlimited = true
	if err != nil {
		return nil, err
	}
	if len(z.File) > maxZipEntries {
		return nil, fmt.Errorf("%w: %d entries, at most %d", errZipDirectory, len(z.File), maxZipEntries)
	}
	return z, nil
}
