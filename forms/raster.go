package forms

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	xsfnt "golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"titledesk/assets"
)

// Pages draws the document's pages as grey images at dpi dots per inch,
// from the same layout as its PDF: what the desk previews and what a
// printer that takes pictures prints (a Windows printer's device context)
// is the page the PDF archives. QR module edges fall on whole pixels, so a
// code stays sharp at any resolution.
func (p Printed) Pages(dpi float64) ([]*image.Gray, error) {
	fonts, err := rasterFonts()
	if err != nil {
		return nil, err
	}
	px := func(mm float64) float64 { return mm / 25.4 * dpi }
	w, h := int(math.Round(px(pageW))), int(math.Round(px(pageH)))
	faces := map[[2]float64]font.Face{} // (font, size) → face at dpi
	defer func() {
		for _, f := range faces {
			f.Close()
		}
	}()
	stroke := max(1, int(math.Round(px(borderWidth))))
	var (
		pages []*image.Gray
		page  *image.Gray
	)
	for _, o := range p.ops {
		switch o.kind {
		case opNewPage:
			page = image.NewGray(image.Rect(0, 0, w, h))
			draw.Draw(page, page.Bounds(), image.White, image.Point{}, draw.Src)
			pages = append(pages, page)
		case opSetPage:
			page = pages[o.page-1]
		case opText:
			key := [2]float64{float64(o.font), o.size}
			face, ok := faces[key]
			if !ok {
				if face, err = opentype.NewFace(fonts[o.font], &opentype.FaceOptions{Size: o.size, DPI: dpi, Hinting: font.HintingNone}); err != nil {
					return nil, err
				}
				faces[key] = face
			}
			dr := font.Drawer{Dst: page, Src: image.Black, Face: face, Dot: fixed.Point26_6{X: fixed.Int26_6(px(o.x) * 64), Y: fixed.Int26_6(px(o.y) * 64)}}
			dr.DrawString(o.text)
		case opRect:
			r := pixelRect(px(o.x), px(o.y), px(o.x+o.w), px(o.y+o.h))
			if o.fill {
				draw.Draw(page, r, image.NewUniform(color.Gray{headGray}), image.Point{}, draw.Src)
			}
			frame(page, r, stroke)
		case opLine:
			// Lines are horizontal or vertical (the sign-off blanks).
			r := pixelRect(px(o.x), px(o.y), px(o.x+o.w), px(o.y+o.h))
			if r.Dy() < stroke {
				r.Max.Y = r.Min.Y + stroke
			}
			if r.Dx() < stroke {
				r.Max.X = r.Min.X + stroke
			}
			draw.Draw(page, r, image.Black, image.Point{}, draw.Src)
		case opQR:
			// Each module's edges rounded to whole pixels: sharp, and the
			// code exactly as large as on the PDF, a module a pixel wider
			// here and there.
			m := o.w / float64(len(o.modules))
			for r, row := range o.modules {
				for c, dark := range row {
					if dark {
						draw.Draw(page, pixelRect(px(o.x+float64(c)*m), px(o.y+float64(r)*m), px(o.x+float64(c+1)*m), px(o.y+float64(r+1)*m)),
							image.Black, image.Point{}, draw.Src)
					}
				}
			}
		}
	}
	return pages, nil
}

// pixelRect is the rectangle between two corners in pixels, rounded.
func pixelRect(x0, y0, x1, y1 float64) image.Rectangle {
	return image.Rect(int(math.Round(x0)), int(math.Round(y0)), int(math.Round(x1)), int(math.Round(y1)))
}

// frame draws r's border, stroke pixels wide, centred on its edges as a
// PDF stroke is.
func frame(dst draw.Image, r image.Rectangle, stroke int) {
	in, out := stroke/2, stroke-stroke/2
	for _, e := range []image.Rectangle{
		image.Rect(r.Min.X-in, r.Min.Y-in, r.Max.X+out, r.Min.Y+out),
		image.Rect(r.Min.X-in, r.Max.Y-in, r.Max.X+out, r.Max.Y+out),
		image.Rect(r.Min.X-in, r.Min.Y-in, r.Min.X+out, r.Max.Y+out),
		image.Rect(r.Max.X-in, r.Min.Y-in, r.Max.X+out, r.Max.Y+out),
	} {
		draw.Draw(dst, e, image.Black, image.Point{}, draw.Src)
	}
}

var (
	rasterOnce  sync.Once
	rasterFaces [fontCount]*xsfnt.Font
	rasterErr   error
)

// rasterFonts are the bundled fonts parsed for drawing glyphs, in the order
// of faces (main, fallback).
func rasterFonts() ([fontCount]*xsfnt.Font, error) {
	rasterOnce.Do(func() {
		for i, b := range [fontCount][]byte{assets.MainFont, assets.FallbackFont} {
			if rasterFaces[i], rasterErr = opentype.Parse(b); rasterErr != nil {
				return
			}
		}
	})
	return rasterFaces, rasterErr
}
