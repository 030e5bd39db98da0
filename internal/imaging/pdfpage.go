package imaging

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// PDF thumbnails: the first page is rendered by poppler's pdftoppm in a
// child process, for the reasons doctext gives for pdftotext (a PDF is a
// hostile format, and a child process, unlike a goroutine, can be killed
// when its time is up). The page comes back as a small PNG that Thumbnail
// then checks and re-encodes like any uploaded picture.

// PDFToPPM is the program that renders PDF pages: poppler's pdftoppm
// (Debian's poppler-utils, installed by make doc-deps with pdftotext).
var PDFToPPM = "pdftoppm"

// ErrNoPDFRenderer means pdftoppm is not installed: PDFs are then stored
// and shown without a thumbnail.
var ErrNoPDFRenderer = errors.New("imaging: pdftoppm (Debian package poppler-utils) is not installed")

// Limits of rendering one PDF page.
const (
	// pdfTimeout bounds one page's rendering; a page of a textbook scan
	// renders in well under a second at thumbnail size.
	pdfTimeout = 30 * time.Second
	// pdfMaxOutput bounds the PNG read from the child: a 480-pixel page
	// is a few hundred KiB at most; more means something is wrong.
	pdfMaxOutput = 4 << 20
	// pdfMemoryKiB bounds the child's address space (ulimit -v, in KiB),
	// so a page built to exhaust memory (a huge embedded image, a deep
	// pattern) makes pdftoppm fail instead of the server swap. Rendering a
	// normal page at thumbnail size needs a few tens of MiB.
	pdfMemoryKiB = 512 << 10
)

// PDFThumbnail renders the first page of a PDF and returns it as a JPEG
// thumbnail within maxW × maxH (see Thumbnail). It fails with
// ErrNoPDFRenderer when pdftoppm is missing, and with an error when the
// PDF is broken, encrypted, or takes longer than its deadline.
func PDFThumbnail(ctx context.Context, r io.ReaderAt, size int64, maxW, maxH int) (*Thumb, error) {
	if maxW <= 0 || maxH <= 0 || maxW > MaxSize || maxH > MaxSize {
		return nil, fmt.Errorf("imaging: thumbnail box %d×%d outside 1..%d", maxW, maxH, MaxSize)
	}
	png, err := renderFirstPage(ctx, r, size, max(maxW, maxH))
	if err != nil {
		return nil, err
	}
	return Thumbnail(bytes.NewReader(png), maxW, maxH)
}

// renderFirstPage copies the PDF to a temporary file (pdftoppm needs to
// seek) and returns page 1 as a PNG whose longer edge is edge pixels, so
// that even a page of absurd proportions gives a bounded picture.
func renderFirstPage(ctx context.Context, r io.ReaderAt, size int64, edge int) ([]byte, error) {
	bin, err := exec.LookPath(PDFToPPM)
	if err != nil {
		return nil, ErrNoPDFRenderer
	}
	f, err := os.CreateTemp("", "yanxiu-thumb-*.pdf")
	if err != nil {
		return nil, fmt.Errorf("imaging: temporary file: %w", err)
	}
	defer os.Remove(f.Name())
	_, err = io.Copy(f, io.NewSectionReader(r, 0, size))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("imaging: copy pdf: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, pdfTimeout)
	defer cancel()
	cmd := limitedCommand(ctx, bin, "-q", "-f", "1", "-l", "1", "-singlefile", "-png",
		"-scale-to", strconv.Itoa(edge), f.Name())
	out := &cappedBuffer{max: pdfMaxOutput}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = out, &stderr
	cmd.WaitDelay = 5 * time.Second
	err = cmd.Run()
	switch {
	case ctx.Err() != nil:
		return nil, fmt.Errorf("imaging: pdftoppm took longer than %v: %w", pdfTimeout, ctx.Err())
	case out.full:
		return nil, fmt.Errorf("imaging: pdftoppm wrote more than %d bytes", pdfMaxOutput)
	case err != nil:
		return nil, fmt.Errorf("imaging: render pdf: %w: %s", err, strings.TrimSpace(stderr.String()))
	case out.Len() == 0:
		return nil, errors.New("imaging: pdftoppm rendered nothing")
	}
	return out.Bytes(), nil
}

// limitedCommand runs bin under an address-space limit. Go cannot set a
// child's resource limits itself, so a POSIX shell sets the limit and then
// replaces itself with the program (exec keeps the process, so the
// context's kill reaches pdftoppm). The program and its arguments are the
// shell's positional parameters, never parsed as shell text. Without a
// shell the program runs with the time limit only.
func limitedCommand(ctx context.Context, bin string, args ...string) *exec.Cmd {
	sh, err := exec.LookPath("sh")
	if err != nil {
		return exec.CommandContext(ctx, bin, args...)
	}
	script := "ulimit -v " + strconv.Itoa(pdfMemoryKiB) + ` 2>/dev/null; exec "$@"`
	return exec.CommandContext(ctx, sh, append([]string{"-c", script, "sh", bin}, args...)...)
}

// cappedBuffer keeps at most max bytes and then fails the write, which
// stops the child (it gets EPIPE).
type cappedBuffer struct {
	bytes.Buffer
	max  int
	full bool
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.max {
		b.full = true
		return 0, errors.New("imaging: output over its limit")
	}
	return b.Buffer.Write(p)
}
