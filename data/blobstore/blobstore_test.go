package blobstore

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"testing"

	"titledesk/data"
)

func encode(t *testing.T, w, h int, enc func(*bytes.Buffer, image.Image) error) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, x%h, color.RGBA{200, 30, 30, 255})
	}
	var b bytes.Buffer
	if err := enc(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCheckImage(t *testing.T) {
	pngEnc := func(b *bytes.Buffer, i image.Image) error { return png.Encode(b, i) }
	jpgEnc := func(b *bytes.Buffer, i image.Image) error { return jpeg.Encode(b, i, nil) }
	good := encode(t, 800, 600, jpgEnc)
	for _, tc := range []struct {
		name string
		b    []byte
		mime string
	}{
		{"scan.jpg", good, "image/jpeg"},
		{"shot.png", encode(t, 400, 300, pngEnc), "image/png"},
		{"tiny.png", encode(t, 50, 50, pngEnc), ""},
		{"fake.jpg", []byte("%PDF-1.4 not an image"), ""},
		{"truncated.jpg", good[:20], ""},
		{"huge.jpg", append(append([]byte{}, good...), make([]byte, MaxImageBytes)...), ""},
	} {
		mime, err := CheckImage(tc.b, tc.name)
		if mime != tc.mime || (tc.mime == "") != (data.ErrorCode(err) == data.EINVALID) {
			t.Errorf("%s: %q %v; want %q", tc.name, mime, err, tc.mime)
		}
	}
}

func TestPutOpenVerify(t *testing.T) {
	d := Dir(t.TempDir())
	sum, err := d.Put([]byte("扫描件"))
	if err != nil || !d.Has(sum) {
		t.Fatalf("put: %s %v", sum, err)
	}
	got, _ := os.ReadFile(d.Path(sum))
	if string(got) != "扫描件" {
		t.Errorf("stored %q", got)
	}
	if err := d.PutVerified(sum, []byte("篡改")); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("mismatching bytes accepted: %v", err)
	}
	if _, err := d.Open("../../etc/passwd"); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("path outside the store: %v", err)
	}
	if _, err := d.Open(sum[:63] + "0"); data.ErrorCode(err) != data.ENOTFOUND && sum[63] != '0' {
		t.Errorf("missing blob: %v", err)
	}
}
