// Package imaging turns uploaded pictures into the small, uniform images the
// site shows, such as avatars. It trusts nothing about an upload: the format
// is sniffed from the bytes (never the file name), dimensions are checked
// before any pixel is decoded so that a tiny file claiming to be 50,000 ×
// 50,000 pixels cannot exhaust memory, and the output is re-encoded from
// pixels, which also drops any metadata (EXIF location) the upload carried.
package imaging

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// MaxPixels bounds the decoded size of an upload. 40 megapixels is more than
// any phone camera produces; decoding it needs about 160 MB, so a larger
// claim is treated as a decompression bomb.
const MaxPixels = 40_000_000

// MaxSize bounds the requested output edge, a guard against a caller bug
// asking for a huge canvas.
const MaxSize = 4096

// JPEGQuality is the output quality: at avatar sizes 85 is indistinguishable
// from higher settings at a third of the bytes.
const JPEGQuality = 85

// Errors the caller maps to messages for the uploader; match with errors.Is.
var (
	// ErrUnsupported: the bytes are not JPEG, PNG, GIF or WebP.
	ErrUnsupported = errors.New("imaging: unsupported image type")
	// ErrTooLarge: the file is over the byte limit or its dimensions are
	// over MaxPixels.
	ErrTooLarge = errors.New("imaging: image too large")
	// ErrCorrupt: the bytes claim a supported format but do not decode.
	ErrCorrupt = errors.New("imaging: corrupt image")
)

// format knows how to read one sniffed content type.
type format struct {
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

// formats maps http.DetectContentType results to decoders. Using the
// decoders directly, rather than image.Decode, means no package-wide format
// registry decides what is accepted.
var formats = map[string]format{
	"image/jpeg": {jpeg.DecodeConfig, jpeg.Decode},
	"image/png":  {png.DecodeConfig, png.Decode},
	"image/gif":  {gif.DecodeConfig, gif.Decode}, // gif.Decode returns the first frame
	"image/webp": {webp.DecodeConfig, webp.Decode},
}

// Avatar reads an uploaded picture of at most maxBytes bytes and returns a
// size × size JPEG of its centre square, with transparency flattened onto
// white and a JPEG's EXIF orientation applied, so a phone photo is upright.
// The content type returned is always "image/jpeg".
func Avatar(r io.Reader, maxBytes int64, size int) ([]byte, string, error) {
	if size <= 0 || size > MaxSize {
		return nil, "", fmt.Errorf("imaging: avatar size %d outside 1..%d", size, MaxSize)
	}
	data, err := readLimited(r, maxBytes)
	if err != nil {
		return nil, "", err
	}
	src, orientation, err := decode(data)
	if err != nil {
		return nil, "", err
	}
	dst := squareThumbnail(src, size)
	dst = orient(dst, orientation)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: JPEGQuality}); err != nil {
		return nil, "", fmt.Errorf("imaging: encode avatar: %w", err)
	}
	return out.Bytes(), "image/jpeg", nil
}

// readLimited reads all of r, failing with ErrTooLarge past maxBytes.
// An avatar must be decoded whole anyway, so holding it in memory costs
// nothing more than the decoder would.
func readLimited(r io.Reader, maxBytes int64) ([]byte, error) {
	if maxBytes <= 0 {
		return nil, fmt.Errorf("imaging: byte limit %d must be positive", maxBytes)
	}
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("imaging: read upload: %w", err)
	}
	if int64(len(data)) > maxBytes {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, maxBytes)
	}
	return data, nil
}

// decode sniffs, checks dimensions and decodes data. orientation is the EXIF
// orientation (1 when absent or not a JPEG).
func decode(data []byte) (img image.Image, orientation int, err error) {
	ctype := http.DetectContentType(data)
	f, ok := formats[ctype]
	if !ok {
		return nil, 0, fmt.Errorf("%w: %s", ErrUnsupported, ctype)
	}
	cfg, err := f.config(bytes.NewReader(data))
	if err != nil {
		return nil, 0, fmt.Errorf("%w: read %s header: %w", ErrCorrupt, ctype, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, 0, fmt.Errorf("%w: %s has no pixels (%d×%d)", ErrCorrupt, ctype, cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, 0, fmt.Errorf("%w: %d×%d pixels exceeds %d", ErrTooLarge, cfg.Width, cfg.Height, MaxPixels)
	}
	img, err = f.decode(bytes.NewReader(data))
	if err != nil {
		return nil, 0, fmt.Errorf("%w: decode %s: %w", ErrCorrupt, ctype, err)
	}
	if b := img.Bounds(); b.Empty() || int64(b.Dx())*int64(b.Dy()) > MaxPixels {
		return nil, 0, fmt.Errorf("%w: decoded %s has bounds %v", ErrCorrupt, ctype, b)
	}
	orientation = 1
	if ctype == "image/jpeg" {
		orientation = exifOrientation(data)
	}
	return img, orientation, nil
}

// squareThumbnail crops the centre square of src and scales it to size ×
// size over a white background, so transparent pixels become white rather
// than the black a JPEG encoder would make of them.
func squareThumbnail(src image.Image, size int) *image.RGBA {
	b := src.Bounds()
	side := min(b.Dx(), b.Dy())
	x0 := b.Min.X + (b.Dx()-side)/2
	y0 := b.Min.Y + (b.Dy()-side)/2
	crop := image.Rect(x0, y0, x0+side, y0+side)

	dst := image.NewRGBA(image.Rect(0, 0, size, size))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, crop, draw.Over, nil)
	return dst
}
