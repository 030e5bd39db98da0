package doctext

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/resource"
)

// officeZip builds a Word document padded with extra empty entries whose
// names are nameLen bytes long.
func officeZip(t *testing.T, extra, nameLen int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range [][2]string{{"[Content_Types].xml", "<Types/>"},
		{"word/document.xml", "<w:document><w:p><w:t>教学设计</w:t></w:p></w:document>"}} {
		w, err := zw.Create(p[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p[1]))
	}
	for i := range extra {
		name := fmt.Sprintf("media/%d", i)
		name += strings.Repeat("x", max(nameLen-len(name), 0))
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store}); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestZipDirectoryBounds(t *testing.T) {
	for _, c := range []struct {
		name           string
		extra, nameLen int
		ok             bool
	}{
		{"a few thousand parts", 5_000, 20, true},
		{"right at the entry cap", maxZipEntries - 2, 10, true},
		{"one entry too many", maxZipEntries - 1, 10, false},
		{"many entries", 50_000, 10, false},
		{"many entries, zip64", 70_000, 10, false},
		{"few entries, huge directory", 4_000, 1200, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := officeZip(t, c.extra, c.nameLen)
			f, _, err := Inspect(bytes.NewReader(data), int64(len(data)), resource.ZipOffice)
			_, xerr := Extract(context.Background(), bytes.NewReader(data), int64(len(data)), resource.OOXMLTypes[resource.Word])
			if c.ok {
				if err != nil || f != resource.Word || xerr != nil {
					t.Fatalf("Inspect = %s, %v; Extract: %v", f, err, xerr)
				}
				return
			}
			if !errors.Is(err, errZipDirectory) || !errors.Is(xerr, errZipDirectory) {
				t.Fatalf("Inspect: %v; Extract: %v; want %v from both", err, xerr, errZipDirectory)
			}
		})
	}
}

// TestZip64CountIsRefusedWhereRead: a zip64 end record claiming millions of
// entries is refused as it is read, before archive/zip sizes its table.
func TestZip64CountIsRefusedWhereRead(t *testing.T) {
	rec := make([]byte, zip64EndLen)
	copy(rec, zip64EndSignature)
	binary.LittleEndian.PutUint64(rec[zip64EndRecords:], 30_000_000)
	b := &budgetReader{r: bytes.NewReader(rec), left: maxZipDirectoryBytes}
	if _, err := b.ReadAt(make([]byte, zip64EndLen), 0); !errors.Is(err, errZipDirectory) {
		t.Fatalf("a zip64 end record claiming 30 million entries: %v", err)
	}
	binary.LittleEndian.PutUint64(rec[zip64EndRecords:], maxZipEntries)
	if _, err := b.ReadAt(make([]byte, zip64EndLen), 0); err != nil {
		t.Fatalf("a zip64 end record at the cap: %v", err)
	}
}
