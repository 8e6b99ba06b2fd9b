package blobstore

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"strings"
	"testing"

	"titledesk/data"
)

// page draws a w×h scan: off-white paper, lines of dark text, and a red
// seal (as 公章) unless grey; blank is the paper alone.
func page(w, h int, grey, blank bool) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{246, 245, 240, 255}
			switch {
			case blank:
			case y%40 < 6 && x > w/10 && x < w*9/10:
				c = color.RGBA{30, 30, 35, 255}
			case !grey && (x-w*3/4)*(x-w*3/4)+(y-h*3/4)*(y-h*3/4) < (w/12)*(w/12):
				c = color.RGBA{200, 30, 30, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

func encode(t *testing.T, img image.Image, enc func(*bytes.Buffer, image.Image) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := enc(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCheckImage(t *testing.T) {
	pngEnc := func(b *bytes.Buffer, i image.Image) error { return png.Encode(b, i) }
	jpgEnc := func(b *bytes.Buffer, i image.Image) error { return jpeg.Encode(b, i, nil) }
	good := encode(t, page(800, 600, false, false), jpgEnc)
	grey := image.NewGray(image.Rect(0, 0, 800, 600))
	for i := range grey.Pix {
		grey.Pix[i] = uint8(i % 251)
	}
	// A PNG that declares 7000×7000 pixels: refused from its header alone.
	var bomb bytes.Buffer
	png.Encode(&bomb, image.NewGray(image.Rect(0, 0, 7000, 7000)))
	for _, tc := range []struct {
		name string
		b    []byte
		mime string
		says string
	}{
		{"scan.jpg", good, "image/jpeg", ""},
		{"shot.png", encode(t, page(400, 300, false, false), pngEnc), "image/png", ""},
		{"tiny.png", encode(t, page(50, 50, false, false), pngEnc), "", "太小"},
		{"fake.jpg", []byte("%PDF-1.4 not an image"), "", "不是有效的 JPEG 或 PNG"},
		{"header.jpg", good[:20], "", "不是有效的"},
		{"truncated.jpg", good[:len(good)*2/3], "", "不完整或已损坏"},
		{"huge.jpg", append(append([]byte{}, good...), make([]byte, MaxImageBytes)...), "", "过大"},
		// A colour scan of a black-and-white page is a colour scan.
		{"grey-page.png", encode(t, page(800, 600, true, false), pngEnc), "image/png", ""},
		{"grey-model.jpg", encode(t, grey, jpgEnc), "", "黑白（灰度）"},
		{"blank.jpg", encode(t, page(800, 600, false, true), jpgEnc), "", "空白页"},
		{"bomb.png", bomb.Bytes(), "", "像素过多"},
	} {
		mime, err := CheckImage(tc.b, tc.name)
		if mime != tc.mime || (tc.mime == "") != (data.ErrorCode(err) == data.EINVALID) || !strings.Contains(data.ErrorMessage(err), tc.says) {
			t.Errorf("%s: %q %v; want %q %q", tc.name, mime, err, tc.mime, tc.says)
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
