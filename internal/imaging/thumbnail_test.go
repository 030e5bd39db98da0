package imaging

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/testkit"
)

func decodeThumb(t *testing.T, th *Thumb) image.Image {
	t.Helper()
	if th.ContentType != "image/jpeg" {
		t.Fatalf("content type %q", th.ContentType)
	}
	img, err := jpeg.Decode(bytes.NewReader(th.Data))
	if err != nil {
		t.Fatalf("thumbnail is not a JPEG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != th.Width || b.Dy() != th.Height {
		t.Fatalf("thumbnail is %v, says %d×%d", b, th.Width, th.Height)
	}
	return img
}

func TestThumbnailFitsTheBox(t *testing.T) {
	tests := []struct {
		name         string
		data         []byte
		wantW, wantH int
	}{
		{"wide png", encodePNG(t, stripes(640, 480, red, blue)), 320, 240},
		{"tall jpeg", encodeJPEG(t, stripes(300, 900, red)), 160, 480},
		{"gif", encodeGIF(t, stripes(800, 100, green)), 320, 40},
		{"webp", solidWebP(1000, 1000, green), 320, 320},
		{"small stays small", encodePNG(t, stripes(40, 30, red)), 40, 30},
		{"a line", encodePNG(t, stripes(4000, 1, red)), 320, 1},
	}
	for _, tt := range tests {
		th, err := Thumbnail(bytes.NewReader(tt.data), 320, 480)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		decodeThumb(t, th)
		if th.Width != tt.wantW || th.Height != tt.wantH {
			t.Errorf("%s: %d×%d, want %d×%d", tt.name, th.Width, th.Height, tt.wantW, tt.wantH)
		}
	}
}

// A portrait photo stored landscape with orientation 6 becomes a portrait
// thumbnail with the stored left side (red) on top.
func TestThumbnailAppliesEXIFOrientation(t *testing.T) {
	plain := encodeJPEG(t, stripes(400, 200, red, blue)) // left red, right blue
	tests := []struct {
		orientation int
		w, h        int
		// first and last: the colours at the left and right ends of the
		// middle row (landscape), or the top and bottom of the middle
		// column (portrait).
		first, last color.NRGBA
	}{
		{1, 320, 160, red, blue},
		{3, 320, 160, blue, red},
		{6, 200, 400, red, blue},
		{8, 200, 400, blue, red},
	}
	for _, tt := range tests {
		data := withEXIFOrientation(plain, tt.orientation, binary.BigEndian)
		th, err := Thumbnail(bytes.NewReader(data), 320, 480)
		if err != nil {
			t.Fatalf("orientation %d: %v", tt.orientation, err)
		}
		img := decodeThumb(t, th)
		if th.Width != tt.w || th.Height != tt.h {
			t.Errorf("orientation %d: %d×%d, want %d×%d", tt.orientation, th.Width, th.Height, tt.w, tt.h)
			continue
		}
		first, last := img.At(5, th.Height/2), img.At(th.Width-5, th.Height/2)
		if th.Height > th.Width {
			first, last = img.At(th.Width/2, 5), img.At(th.Width/2, th.Height-5)
		}
		if !near(first, tt.first) || !near(last, tt.last) {
			t.Errorf("orientation %d: ends %v and %v, want %v and %v", tt.orientation, first, last, tt.first, tt.last)
		}
	}
}

// Every orientation keeps every pixel of a non-square picture, and 6 then
// 8 gives the original back.
func TestOrientRectIsAPermutation(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 5, 3))
	for i := range src.Pix {
		src.Pix[i] = uint8(i)
	}
	for o := 1; o <= 8; o++ {
		got := orientRect(src, o)
		b := got.Bounds()
		if o >= 5 && (b.Dx() != 3 || b.Dy() != 5) || o < 5 && (b.Dx() != 5 || b.Dy() != 3) {
			t.Errorf("orientation %d: bounds %v", o, b)
			continue
		}
		seen := map[[4]uint8]bool{}
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				c := got.RGBAAt(x, y)
				seen[[4]uint8{c.R, c.G, c.B, c.A}] = true
			}
		}
		if len(seen) != 15 {
			t.Errorf("orientation %d keeps %d of 15 distinct pixels", o, len(seen))
		}
	}
	back := orientRect(orientRect(src, 6), 8)
	if !bytes.Equal(back.Pix, src.Pix) {
		t.Fatal("orientation 6 then 8 is not the identity")
	}
}

func TestThumbnailRejects(t *testing.T) {
	okPNG := encodePNG(t, stripes(40, 40, red))
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"png bomb", pngClaiming(t, 20000, 20000), ErrTooLarge},
		{"gif bomb", gifClaiming(t, 65535, 65535), ErrTooLarge},
		{"webp bomb", solidWebP(16384, 16384, red), ErrTooLarge},
		{"pdf is no picture", testkit.PDF("不是图片"), ErrUnsupported},
		{"bmp", append([]byte("BM"), make([]byte, 60)...), ErrUnsupported},
		{"empty", nil, ErrUnsupported},
		{"truncated png", okPNG[:len(okPNG)/2], ErrCorrupt},
		{"zero width png", pngClaiming(t, 0, 10), ErrCorrupt},
	}
	for _, tt := range tests {
		if _, err := Thumbnail(bytes.NewReader(tt.data), 320, 480); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
	for _, box := range [][2]int{{0, 10}, {10, -1}, {MaxSize + 1, 10}} {
		if _, err := Thumbnail(bytes.NewReader(okPNG), box[0], box[1]); err == nil {
			t.Errorf("box %v accepted", box)
		}
	}
}

func needPDFToPPM(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath(PDFToPPM); err != nil {
		t.Skip("pdftoppm is not installed (make doc-deps installs poppler-utils)")
	}
}

func TestPDFThumbnail(t *testing.T) {
	needPDFToPPM(t)
	pdf := testkit.PDF("小学数学课例研修", "第一页")
	th, err := PDFThumbnail(context.Background(), bytes.NewReader(pdf), int64(len(pdf)), 320, 480)
	if err != nil {
		t.Fatal(err)
	}
	decodeThumb(t, th)
	// An A4 page (595 × 842 points) keeps its proportions: 320 wide, about 453 high.
	if th.Width != 320 || th.Height < 445 || th.Height > 460 {
		t.Errorf("first page is %d×%d, want 320×~453", th.Width, th.Height)
	}
}

func TestPDFThumbnailFailures(t *testing.T) {
	needPDFToPPM(t)
	pdf := testkit.PDF("课件")
	for name, data := range map[string][]byte{
		"broken":    []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF"),
		"truncated": pdf[:len(pdf)/3],
		"empty":     nil,
	} {
		if _, err := PDFThumbnail(context.Background(), bytes.NewReader(data), int64(len(data)), 320, 480); err == nil {
			t.Errorf("%s PDF: a thumbnail", name)
		}
	}
}

func TestPDFThumbnailWithoutRenderer(t *testing.T) {
	old := PDFToPPM
	t.Cleanup(func() { PDFToPPM = old })
	PDFToPPM = "yanxiu-no-such-pdftoppm"
	pdf := testkit.PDF("课件")
	if _, err := PDFThumbnail(context.Background(), bytes.NewReader(pdf), int64(len(pdf)), 320, 480); !errors.Is(err, ErrNoPDFRenderer) {
		t.Errorf("err = %v, want ErrNoPDFRenderer", err)
	}
}

// A renderer that hangs is killed when the caller's deadline passes.
func TestPDFThumbnailDeadline(t *testing.T) {
	if _, err := exec.LookPath("sleep"); err != nil {
		t.Skip("no sleep program")
	}
	script := filepath.Join(t.TempDir(), "hang")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nexec sleep 60\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	old := PDFToPPM
	t.Cleanup(func() { PDFToPPM = old })
	PDFToPPM = script
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	pdf := testkit.PDF("课件")
	start := time.Now()
	_, err := PDFThumbnail(ctx, bytes.NewReader(pdf), int64(len(pdf)), 320, 480)
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want a deadline error", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("returned after %v", d)
	}
}

// BenchmarkThumbnailLargePhoto measures the worst picture that is still
// accepted: a photo just under MaxPixels.
func BenchmarkThumbnailLargePhoto(b *testing.B) {
	data := encodeJPEG(b, stripes(7200, 5400, red, green, blue)) // 38.9 megapixels
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := Thumbnail(bytes.NewReader(data), 320, 480); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPDFThumbnail measures a one-page PDF's first page, child
// process included.
func BenchmarkPDFThumbnail(b *testing.B) {
	if _, err := exec.LookPath(PDFToPPM); err != nil {
		b.Skip("pdftoppm is not installed")
	}
	pdf := testkit.PDF("小学数学课例研修", "第一页")
	for b.Loop() {
		if _, err := PDFThumbnail(context.Background(), bytes.NewReader(pdf), int64(len(pdf)), 320, 480); err != nil {
			b.Fatal(err)
		}
	}
}
