package imaging

import (
	"encoding/binary"
	"image"
	"image/color"
	"testing"
)

func TestEXIFOrientation(t *testing.T) {
	jpg := encodeJPEG(t, stripes(8, 8, red))
	tests := []struct {
		name string
		data []byte
		want int
	}{
		{"no exif", jpg, 1},
		{"big endian 6", withEXIFOrientation(jpg, 6, binary.BigEndian), 6},
		{"little endian 8", withEXIFOrientation(jpg, 8, binary.LittleEndian), 8},
		{"out of range", withEXIFOrientation(jpg, 9, binary.BigEndian), 1},
		{"not a jpeg", []byte("GIF89a"), 1},
		{"truncated segment", withEXIFOrientation(jpg, 6, binary.BigEndian)[:12], 1},
		{"empty", nil, 1},
	}
	for _, tt := range tests {
		if got := exifOrientation(tt.data); got != tt.want {
			t.Errorf("%s: orientation %d, want %d", tt.name, got, tt.want)
		}
	}
}

// Every orientation must map the image onto itself without losing a pixel,
// and applying 6 then 8 (a quarter turn each way) must give the original.
func TestOrientIsAPermutation(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 5, 5))
	for i := range src.Pix {
		src.Pix[i] = uint8(i)
	}
	for o := 1; o <= 8; o++ {
		got := orient(src, o)
		seen := map[color.RGBA]bool{}
		for y := 0; y < 5; y++ {
			for x := 0; x < 5; x++ {
				seen[got.RGBAAt(x, y)] = true
			}
		}
		if len(seen) != 25 {
			t.Errorf("orientation %d keeps %d of 25 distinct pixels", o, len(seen))
		}
	}
	back := orient(orient(src, 6), 8)
	for i := range src.Pix {
		if back.Pix[i] != src.Pix[i] {
			t.Fatal("orientation 6 then 8 is not the identity")
		}
	}
}

func FuzzEXIFOrientation(f *testing.F) {
	f.Add(withEXIFOrientation([]byte{0xFF, 0xD8, 0xFF, 0xD9}, 6, binary.BigEndian))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x08, 'E', 'x', 'i', 'f', 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := exifOrientation(data); o < 1 || o > 8 {
			t.Errorf("orientation %d out of range", o)
		}
	})
}

func FuzzAvatar(f *testing.F) {
	f.Add(solidWebP(3, 2, green))
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, _, err := Avatar(bytesReader(data), 1<<20, 16)
		if err == nil && len(out) == 0 {
			t.Error("no error and no output")
		}
	})
}
