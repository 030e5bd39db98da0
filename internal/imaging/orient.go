package imaging

import (
	"encoding/binary"
	"image"
)

// exifOrientation returns the EXIF orientation tag (1–8) of a JPEG, or 1 when
// there is none or it cannot be read. Phones store photos as the sensor saw
// them and record the rotation here; browsers apply it when showing the
// upload, so an avatar that ignored it would appear on its side.
func exifOrientation(jpg []byte) int {
	if len(jpg) < 4 || jpg[0] != 0xFF || jpg[1] != 0xD8 {
		return 1
	}
	i := 2
	for i+4 <= len(jpg) {
		if jpg[i] != 0xFF {
			return 1
		}
		marker := jpg[i+1]
		if marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) {
			i += 2 // markers without a length
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan or end: no EXIF before it
			return 1
		}
		length := int(binary.BigEndian.Uint16(jpg[i+2:]))
		if length < 2 || i+2+length > len(jpg) {
			return 1
		}
		seg := jpg[i+4 : i+2+length]
		if marker == 0xE1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
		i += 2 + length
	}
	return 1
}

// tiffOrientation reads tag 0x0112 from IFD0 of an EXIF TIFF structure.
func tiffOrientation(tiff []byte) int {
	if len(tiff) < 8 {
		return 1
	}
	var order binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 1
	}
	if order.Uint16(tiff[2:]) != 42 {
		return 1
	}
	ifd := int64(order.Uint32(tiff[4:]))
	if ifd < 8 || ifd+2 > int64(len(tiff)) {
		return 1
	}
	count := int64(order.Uint16(tiff[ifd:]))
	for n := int64(0); n < count; n++ {
		e := ifd + 2 + n*12
		if e+12 > int64(len(tiff)) {
			return 1
		}
		if order.Uint16(tiff[e:]) != 0x0112 {
			continue
		}
		if order.Uint16(tiff[e+2:]) != 3 { // SHORT
			return 1
		}
		if v := int(order.Uint16(tiff[e+8:])); v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}

// orient applies an EXIF orientation to a square image. On a square the
// centre crop commutes with every orientation, so rotating the small
// thumbnail gives the same result as rotating the upload first, at a tiny
// fraction of the cost.
func orient(src *image.RGBA, orientation int) *image.RGBA {
	if orientation <= 1 || orientation > 8 {
		return src
	}
	n := src.Bounds().Dx() // square, origin at 0,0
	dst := image.NewRGBA(src.Bounds())
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			// (sx, sy) is where the displayed pixel (x, y) is stored.
			var sx, sy int
			switch orientation {
			case 2: // mirrored horizontally
				sx, sy = n-1-x, y
			case 3: // rotated 180°
				sx, sy = n-1-x, n-1-y
			case 4: // mirrored vertically
				sx, sy = x, n-1-y
			case 5: // transposed
				sx, sy = y, x
			case 6: // stored rotated 90° anticlockwise: display turns it clockwise
				sx, sy = y, n-1-x
			case 7: // transversed
				sx, sy = n-1-y, n-1-x
			case 8: // stored rotated 90° clockwise
				sx, sy = n-1-y, x
			}
			dst.SetRGBA(x, y, src.RGBAAt(sx, sy))
		}
	}
	return dst
}
