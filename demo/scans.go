package demo

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	gosync "sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"titledesk/assets"

	"titledesk/data"
	"titledesk/data/blobstore"
)

var (
	fontsOnce gosync.Once
	fonts     [2]*opentype.Font // main, then the fallback for CJK Extension A
	fontsErr  error
)

// faces are the bundled fonts at one size, main first.
type faces [2]font.Face

func newFaces(size float64) (faces, error) {
	fontsOnce.Do(func() {
		for i, b := range [][]byte{assets.MainFont, assets.FallbackFont} {
			if fonts[i], fontsErr = opentype.Parse(b); fontsErr != nil {
				return
			}
		}
	})
	var fs faces
	if fontsErr != nil {
		return fs, fontsErr
	}
	for i, f := range fonts {
		var err error
		if fs[i], err = opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull}); err != nil {
			return fs, err
		}
	}
	return fs, nil
}

// draw writes s at (x, y), each character in the first face that has it,
// so rare name characters show as they would on the real document.
func (fs faces) draw(dst draw.Image, c color.Color, x, y int, s string) {
	d := &font.Drawer{Dst: dst, Src: image.NewUniform(c), Dot: fixed.P(x, y)}
	for _, r := range s {
		d.Face = fs[0]
		if _, ok := fs[0].GlyphAdvance(r); !ok {
			d.Face = fs[1]
		}
		d.DrawString(string(r))
	}
}

// paper tints per material, as real scans of coloured certificates differ.
var paper = map[string]color.RGBA{
	"居民身份证":     {232, 240, 246, 255},
	"学历证书":      {250, 243, 226, 255},
	"劳动合同或聘用证明": {252, 252, 250, 255},
	"社会保险缴费证明":  {244, 250, 242, 255},
}

// ScanAttachment draws the scan of kind for p (Scan), keeps it in blobs
// and returns the attachment that names it, with id.
func ScanAttachment(blobs blobstore.Dir, id, kind string, p *Person) (data.Attachment, error) {
	b, err := Scan(kind, p)
	if err != nil {
		return data.Attachment{}, err
	}
	sum, err := blobs.Put(b)
	return data.Attachment{ID: id, Kind: kind, FileName: kind + ".jpg", SHA256: sum, Size: int64(len(b)), ContentType: "image/jpeg"}, err
}

// Scan draws a page that looks like the scan of one material: a tinted
// sheet, a red title, the applicant's particulars and a seal. JPEG, as a
// phone photo or a colour scanner delivers.
func Scan(kind string, a *Person) ([]byte, error) {
	const w, h = 1000, 700
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	bg, ok := paper[kind]
	if !ok {
		bg = color.RGBA{248, 248, 244, 255}
	}
	draw.Draw(img, img.Bounds(), &image.Uniform{bg}, image.Point{}, draw.Src)
	border := color.RGBA{170, 40, 40, 255}
	for i := 20; i < 26; i++ {
		for x := i; x < w-i; x++ {
			img.Set(x, i, border)
			img.Set(x, h-1-i, border)
		}
		for y := i; y < h-i; y++ {
			img.Set(i, y, border)
			img.Set(w-1-i, y, border)
		}
	}
	title, err := newFaces(48)
	if err != nil {
		return nil, err
	}
	body, err := newFaces(30)
	if err != nil {
		return nil, err
	}
	title.draw(img, border, 80, 120, kind)
	ink := color.RGBA{30, 30, 40, 255}
	lines := []string{
		"姓    名：" + a.Name,
		"身份证号：" + a.IDNumber,
		"工作单位：" + a.Unit,
		"所学专业：" + a.Major,
		fmt.Sprintf("编    号：%s-%04d", kind[:3], a.Seq),
	}
	for i, l := range lines {
		body.draw(img, ink, 90, 220+i*60, l)
	}
	// A round seal, slightly off the text as stamped seals are.
	seal := color.NRGBA{200, 30, 30, 200}
	cx, cy, r := 790, 520, 95
	for y := cy - r; y <= cy+r; y++ {
		for x := cx - r; x <= cx+r; x++ {
			d := (x-cx)*(x-cx) + (y-cy)*(y-cy)
			if d <= r*r && d >= (r-7)*(r-7) {
				img.Set(x, y, seal)
			}
		}
	}
	body.draw(img, seal, cx-45, cy+12, "专用章")
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Person is what a scan shows of an applicant.
type Person struct {
	Seq                         int
	Name, IDNumber, Unit, Major string
}
