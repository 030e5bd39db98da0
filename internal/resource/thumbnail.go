package resource

// Thumbnails: a small picture of an uploaded file for listings and the
// resource's page, made after the upload by a background job (pictures are
// scaled down, a PDF's first page is rendered) and stored in blob storage
// like the file itself.

// Thumbnail bounds: a thumbnail fits within ThumbWidth × ThumbHeight
// pixels, keeping its proportions. Cards show it smaller; the resource's
// page shows it at this size, where an A4 page keeps its shape.
const (
	ThumbWidth  = 320
	ThumbHeight = 480
)

// ThumbContentType is the type of every thumbnail: photos and rendered
// pages compress best as JPEG, and every browser shows it.
const ThumbContentType = "image/jpeg"

// Thumbnailable reports whether a thumbnail can be made of the resource:
// a file in one of the picture formats the platform decodes (JPEG, PNG,
// GIF, WebP; not BMP), or a PDF. Office files would need an office suite
// to render and get none; neither do sound and video.
func (r *Resource) Thumbnailable() bool {
	if r.Kind != File {
		return false
	}
	switch r.ContentType {
	case "image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf":
		return true
	}
	return false
}
