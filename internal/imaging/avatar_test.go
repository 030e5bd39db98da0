package imaging

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

var (
	red   = color.NRGBA{R: 220, G: 20, B: 20, A: 255}
	green = color.NRGBA{R: 20, G: 200, B: 20, A: 255}
	blue  = color.NRGBA{R: 20, G: 20, B: 220, A: 255}
)

// stripes returns a w×h image split into vertical bands of the given colours.
func stripes(w, h int, colours ...color.NRGBA) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, colours[x*len(colours)/w])
		}
	}
	return img
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeGIF(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// decodeAvatar checks that out is a size×size JPEG and returns its pixels.
func decodeAvatar(t *testing.T, out []byte, ctype string, size int) image.Image {
	t.Helper()
	if ctype != "image/jpeg" {
		t.Fatalf("content type %q, want image/jpeg", ctype)
	}
	img, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("output is not a JPEG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
		t.Fatalf("output is %v, want %d×%d", b, size, size)
	}
	return img
}

// near reports whether c is within a JPEG's error of want.
func near(c color.Color, want color.NRGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, b uint8) int { return abs(int(a>>8) - int(b)) }
	return d(r, want.R) < 40 && d(g, want.G) < 40 && d(b, want.B) < 40
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func TestAvatarFormats(t *testing.T) {
	src := stripes(120, 120, green)
	tests := []struct {
		name string
		data []byte
	}{
		{"jpeg", encodeJPEG(t, src)},
		{"png", encodePNG(t, src)},
		{"gif", encodeGIF(t, src)},
		{"webp", solidWebP(120, 120, green)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, ctype, err := Avatar(bytes.NewReader(tt.data), 1<<20, 64)
			if err != nil {
				t.Fatalf("Avatar: %v", err)
			}
			img := decodeAvatar(t, out, ctype, 64)
			for _, p := range []image.Point{{0, 0}, {32, 32}, {63, 63}} {
				if c := img.At(p.X, p.Y); !near(c, green) {
					t.Errorf("pixel %v = %v, want about %v", p, c, green)
				}
			}
		})
	}
}

func TestAvatarCropsCentre(t *testing.T) {
	tests := []struct {
		name string
		img  image.Image
	}{
		{"landscape", stripes(300, 100, red, green, blue)},
		{"portrait", rotate(stripes(300, 100, red, green, blue))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, ctype, err := Avatar(bytes.NewReader(encodePNG(t, tt.img)), 1<<20, 90)
			if err != nil {
				t.Fatalf("Avatar: %v", err)
			}
			img := decodeAvatar(t, out, ctype, 90)
			for _, p := range []image.Point{{2, 2}, {45, 45}, {87, 87}, {2, 87}, {87, 2}} {
				if c := img.At(p.X, p.Y); !near(c, green) {
					t.Errorf("pixel %v = %v, want the green centre", p, c)
				}
			}
		})
	}
}

// rotate turns img a quarter to make a portrait from a landscape.
func rotate(img *image.NRGBA) *image.NRGBA {
	b := img.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dy(), b.Dx()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			out.Set(y, x, img.At(x, y))
		}
	}
	return out
}

func TestAvatarFlattensTransparencyOnWhite(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 50, 50)) // all transparent
	out, ctype, err := Avatar(bytes.NewReader(encodePNG(t, src)), 1<<20, 32)
	if err != nil {
		t.Fatalf("Avatar: %v", err)
	}
	img := decodeAvatar(t, out, ctype, 32)
	white := color.NRGBA{255, 255, 255, 255}
	if c := img.At(16, 16); !near(c, white) {
		t.Errorf("transparent pixel became %v, want white", c)
	}
}

func TestAvatarUpscalesSmallImages(t *testing.T) {
	out, ctype, err := Avatar(bytes.NewReader(encodePNG(t, stripes(8, 8, blue))), 1<<20, 256)
	if err != nil {
		t.Fatalf("Avatar: %v", err)
	}
	if img := decodeAvatar(t, out, ctype, 256); !near(img.At(128, 128), blue) {
		t.Errorf("centre = %v, want blue", img.At(128, 128))
	}
}

func TestAvatarAppliesEXIFOrientation(t *testing.T) {
	plain := encodeJPEG(t, stripes(100, 100, red, blue)) // left red, right blue
	tests := []struct {
		orientation          int
		topLeft, bottomRight color.NRGBA
	}{
		{1, red, blue},
		{3, blue, red}, // upside down: left and right swap
		{6, red, blue}, // turned clockwise: the left (red) becomes the top
		{8, blue, red}, // turned anticlockwise: the right (blue) becomes the top
	}
	for _, tt := range tests {
		data := withEXIFOrientation(plain, tt.orientation, binary.BigEndian)
		out, ctype, err := Avatar(bytes.NewReader(data), 1<<20, 40)
		if err != nil {
			t.Fatalf("orientation %d: %v", tt.orientation, err)
		}
		img := decodeAvatar(t, out, ctype, 40)
		if c := img.At(3, 3); !near(c, tt.topLeft) {
			t.Errorf("orientation %d: top left %v, want %v", tt.orientation, c, tt.topLeft)
		}
		if c := img.At(36, 36); !near(c, tt.bottomRight) {
			t.Errorf("orientation %d: bottom right %v, want %v", tt.orientation, c, tt.bottomRight)
		}
	}
	// Orientation 6 puts red on top and blue at the bottom.
	out, _, err := Avatar(bytes.NewReader(withEXIFOrientation(plain, 6, binary.LittleEndian)), 1<<20, 40)
	if err != nil {
		t.Fatal(err)
	}
	img, _ := jpeg.Decode(bytes.NewReader(out))
	if !near(img.At(36, 3), red) || !near(img.At(3, 36), blue) {
		t.Errorf("orientation 6: top right %v (want red), bottom left %v (want blue)", img.At(36, 3), img.At(3, 36))
	}
}

// withEXIFOrientation inserts an APP1 EXIF segment holding only the
// orientation tag right after the JPEG's start-of-image marker.
func withEXIFOrientation(jpg []byte, orientation int, order binary.ByteOrder) []byte {
	tiff := make([]byte, 8+2+12+4)
	if order == binary.LittleEndian {
		copy(tiff, "II")
	} else {
		copy(tiff, "MM")
	}
	order.PutUint16(tiff[2:], 42)
	order.PutUint32(tiff[4:], 8)
	order.PutUint16(tiff[8:], 1)       // one entry
	order.PutUint16(tiff[10:], 0x0112) // orientation
	order.PutUint16(tiff[12:], 3)      // SHORT
	order.PutUint32(tiff[14:], 1)      // count
	order.PutUint16(tiff[18:], uint16(orientation))
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(2+len(payload)))
	seg = append(seg, payload...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

func TestAvatarRejects(t *testing.T) {
	okPNG := encodePNG(t, stripes(40, 40, red))
	tests := []struct {
		name     string
		data     []byte
		maxBytes int64
		want     error
	}{
		{"over the byte limit", okPNG, int64(len(okPNG)) - 1, ErrTooLarge},
		{"png bomb", pngClaiming(t, 20000, 20000), 1 << 20, ErrTooLarge},
		{"gif bomb", gifClaiming(t, 65535, 65535), 1 << 20, ErrTooLarge},
		{"webp bomb", solidWebP(16384, 16384, red), 1 << 20, ErrTooLarge},
		{"plain text", []byte("hello, 你好"), 1 << 20, ErrUnsupported},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`), 1 << 20, ErrUnsupported},
		{"bmp", append([]byte("BM"), make([]byte, 60)...), 1 << 20, ErrUnsupported},
		{"empty", nil, 1 << 20, ErrUnsupported},
		{"truncated png", okPNG[:len(okPNG)/2], 1 << 20, ErrCorrupt},
		{"truncated jpeg", encodeJPEG(t, stripes(64, 64, red))[:300], 1 << 20, ErrCorrupt},
		{"png header only", okPNG[:33], 1 << 20, ErrCorrupt},
		{"zero width png", pngClaiming(t, 0, 10), 1 << 20, ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Avatar(bytes.NewReader(tt.data), tt.maxBytes, 64)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestAvatarBadArguments(t *testing.T) {
	data := encodePNG(t, stripes(10, 10, red))
	for _, size := range []int{0, -1, MaxSize + 1} {
		if _, _, err := Avatar(bytes.NewReader(data), 1<<20, size); err == nil {
			t.Errorf("size %d accepted", size)
		}
	}
	if _, _, err := Avatar(bytes.NewReader(data), 0, 64); err == nil {
		t.Error("byte limit 0 accepted")
	}
	if _, _, err := Avatar(failingReader{}, 1<<20, 64); err == nil || !strings.Contains(err.Error(), "read upload") {
		t.Errorf("read failure: err = %v", err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

// pngClaiming returns a small PNG whose header claims w×h pixels, with the
// header checksum fixed so that only the dimensions give it away.
func pngClaiming(t *testing.T, w, h uint32) []byte {
	data := encodePNG(t, stripes(4, 4, red))
	// Signature (8), IHDR length (4), "IHDR" (4), width, height ...
	binary.BigEndian.PutUint32(data[16:], w)
	binary.BigEndian.PutUint32(data[20:], h)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	return data
}

// gifClaiming returns a small GIF whose logical screen claims w×h pixels.
func gifClaiming(t *testing.T, w, h uint16) []byte {
	data := encodeGIF(t, stripes(4, 4, red))
	binary.LittleEndian.PutUint16(data[6:], w)
	binary.LittleEndian.PutUint16(data[8:], h)
	return data
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
