package imaging

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net/http"

	"golang.org/x/image/draw"
)

// Thumbnails of uploaded resources: the same distrust as avatars (format
// from the bytes, dimensions checked with DecodeConfig before a pixel is
// decoded), but the picture keeps its proportions instead of being cropped
// square, and it is read from a seekable stored file rather than held in
// memory, since a resource picture may be 20 MB.

// ThumbQuality is the JPEG quality of thumbnails: they are looked at small.
const ThumbQuality = 80

// exifHead is how much of a JPEG's beginning is searched for its EXIF
// orientation: the APP1 segment is at most 64 KiB and comes before the
// image data, after at most a few other small segments.
const exifHead = 256 << 10

// Thumb is a finished thumbnail.
type Thumb struct {
	Data          []byte
	ContentType   string // always "image/jpeg"
	Width, Height int
}

// Thumbnail reads a picture (JPEG, PNG, GIF's first frame or WebP) from r
// and returns a JPEG that fits within maxW × maxH with the picture's
// proportions, turned upright by a JPEG's EXIF orientation, transparency
// flattened onto white. Pictures smaller than the box keep their size. A
// picture claiming more than MaxPixels fails with ErrTooLarge before any
// pixel is decoded.
func Thumbnail(r io.ReadSeeker, maxW, maxH int) (*Thumb, error) {
	if maxW <= 0 || maxH <= 0 || maxW > MaxSize || maxH > MaxSize {
		return nil, fmt.Errorf("imaging: thumbnail box %d×%d outside 1..%d", maxW, maxH, MaxSize)
	}
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("imaging: read picture: %w", err)
	}
	ctype := http.DetectContentType(head[:n])
	f, ok := formats[ctype]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnsupported, ctype)
	}
	rewind := func() (io.Reader, error) {
		if _, err := r.Seek(0, io.SeekStart); err != nil {
			return nil, fmt.Errorf("imaging: rewind picture: %w", err)
		}
		return bufio.NewReaderSize(r, 64<<10), nil
	}
	br, err := rewind()
	if err != nil {
		return nil, err
	}
	cfg, err := f.config(br)
	if err != nil {
		return nil, fmt.Errorf("%w: read %s header: %w", ErrCorrupt, ctype, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("%w: %s has no pixels (%d×%d)", ErrCorrupt, ctype, cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, fmt.Errorf("%w: %d×%d pixels exceeds %d", ErrTooLarge, cfg.Width, cfg.Height, MaxPixels)
	}
	orientation := 1
	if ctype == "image/jpeg" {
		if br, err = rewind(); err != nil {
			return nil, err
		}
		jpg, err := io.ReadAll(io.LimitReader(br, exifHead))
		if err != nil {
			return nil, fmt.Errorf("imaging: read picture: %w", err)
		}
		orientation = exifOrientation(jpg)
	}
	if br, err = rewind(); err != nil {
		return nil, err
	}
	img, err := f.decode(br)
	if err != nil {
		return nil, fmt.Errorf("%w: decode %s: %w", ErrCorrupt, ctype, err)
	}
	if b := img.Bounds(); b.Empty() || int64(b.Dx())*int64(b.Dy()) > MaxPixels {
		return nil, fmt.Errorf("%w: decoded %s has bounds %v", ErrCorrupt, ctype, b)
	}
	return fitThumbnail(img, orientation, maxW, maxH)
}

// fitThumbnail scales src into the box as it will be displayed (a quarter
// turn swaps width and height), then applies the orientation to the small
// result, which is much cheaper than turning the full picture.
func fitThumbnail(src image.Image, orientation, maxW, maxH int) (*Thumb, error) {
	b := src.Bounds()
	dispW, dispH := b.Dx(), b.Dy()
	turned := orientation >= 5 && orientation <= 8
	if turned {
		dispW, dispH = dispH, dispW
	}
	w, h := fit(dispW, dispH, maxW, maxH)
	sw, sh := w, h // the scaled picture as stored, before orientation
	if turned {
		sw, sh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, sw, sh))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	out := orientRect(dst, orientation)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: ThumbQuality}); err != nil {
		return nil, fmt.Errorf("imaging: encode thumbnail: %w", err)
	}
	return &Thumb{Data: buf.Bytes(), ContentType: "image/jpeg", Width: w, Height: h}, nil
}

// fit returns the size of a w × h picture scaled down to fit maxW × maxH,
// at least one pixel each way; a picture that fits keeps its size.
func fit(w, h, maxW, maxH int) (int, int) {
	if w <= maxW && h <= maxH {
		return w, h
	}
	// Compare w/maxW with h/maxH without floating point.
	if int64(w)*int64(maxH) >= int64(h)*int64(maxW) {
		return maxW, max(1, int(int64(h)*int64(maxW)/int64(w)))
	}
	return max(1, int(int64(w)*int64(maxH)/int64(h))), maxH
}

// orientRect applies an EXIF orientation to a picture of any shape; for
// orientations 5 to 8 the result is src's height wide and its width high.
func orientRect(src *image.RGBA, orientation int) *image.RGBA {
	if orientation <= 1 || orientation > 8 {
		return src
	}
	w, h := src.Bounds().Dx(), src.Bounds().Dy() // origin at 0,0
	dw, dh := w, h
	if orientation >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			// (sx, sy) is where the displayed pixel (x, y) is stored.
			var sx, sy int
			switch orientation {
			case 2: // mirrored horizontally
				sx, sy = w-1-x, y
			case 3: // rotated 180°
				sx, sy = w-1-x, h-1-y
			case 4: // mirrored vertically
				sx, sy = x, h-1-y
			case 5: // transposed
				sx, sy = y, x
			case 6: // stored rotated 90° anticlockwise: display turns it clockwise
				sx, sy = y, h-1-x
			case 7: // transversed
				sx, sy = w-1-y, h-1-x
			case 8: // stored rotated 90° clockwise
				sx, sy = w-1-y, x
			}
			dst.SetRGBA(x, y, src.RGBAAt(sx, sy))
		}
	}
	return dst
}
