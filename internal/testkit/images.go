package testkit

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
)

// Pictures for tests of thumbnails: their colours say which way up they
// were drawn, and their headers can claim what their pixels are not.

// Colours of HalvesJPEG.
var (
	Red  = color.NRGBA{R: 220, G: 20, B: 20, A: 255}
	Blue = color.NRGBA{R: 20, G: 20, B: 220, A: 255}
)

// HalvesJPEG returns a w×h JPEG whose left half is Red and right half is
// Blue, with an EXIF orientation tag when orientation is 2 to 8 (a phone
// held upright stores its photo sideways with orientation 6).
func HalvesJPEG(w, h, orientation int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := Red
			if x >= w/2 {
				c = Blue
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	jpg := b.Bytes()
	if orientation < 2 || orientation > 8 {
		return jpg
	}
	// An APP1 segment with a big-endian TIFF header and one IFD entry.
	tiff := make([]byte, 8+2+12+4)
	copy(tiff, "MM")
	binary.BigEndian.PutUint16(tiff[2:], 42)
	binary.BigEndian.PutUint32(tiff[4:], 8)
	binary.BigEndian.PutUint16(tiff[8:], 1)
	binary.BigEndian.PutUint16(tiff[10:], 0x0112) // orientation
	binary.BigEndian.PutUint16(tiff[12:], 3)      // SHORT
	binary.BigEndian.PutUint32(tiff[14:], 1)
	binary.BigEndian.PutUint16(tiff[18:], uint16(orientation))
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(2+len(payload)))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

// PNGClaiming returns a tiny PNG whose header claims w×h pixels (with a
// valid header checksum): a decompression bomb's calling card.
func PNGClaiming(w, h uint32) []byte {
	data := PNG()
	// Signature (8), IHDR length (4), "IHDR" (4), width, height ...
	binary.BigEndian.PutUint32(data[16:], w)
	binary.BigEndian.PutUint32(data[20:], h)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	return data
}

// BrokenPDF returns bytes that start like a PDF (so an upload takes them
// as one) and are nothing of the kind after the header.
func BrokenPDF() []byte {
	return []byte("%PDF-1.7\n%\xE2\xE3\xCF\xD3\nthis is no PDF body at all\n%%EOF\n")
}

// Near reports whether c is within a JPEG's error of want.
func Near(c color.Color, want color.NRGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(x uint32, y uint8) int { return abs(int(x>>8) - int(y)) }
	return d(r, want.R) < 40 && d(g, want.G) < 40 && d(b, want.B) < 40
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
