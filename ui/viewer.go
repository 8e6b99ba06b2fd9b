package ui

import (
	"fmt"
	"image"
	_ "image/jpeg" // scans are JPEG or PNG
	_ "image/png"
	"os"

	xdraw "golang.org/x/image/draw"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"titledesk/data"
)

// scanViewer shows an application's scans one at a time with zoom, rotate,
// fit and previous/next. Images decode on their own goroutine, so a large
// scan never freezes the screen.
type scanViewer struct {
	ws      *Workstation
	scans   []data.Attachment
	i       int
	zoom    float32 // 0 is fit to the viewer
	turns   int     // quarter turns clockwise
	decoded image.Image
	img     *canvas.Image
	scroll  *container.Scroll
	caption *widget.Label
	loading int // generation, so a slow decode of an earlier page is dropped
	// OnShown is called on the UI goroutine when a scan is drawn (tests).
	OnShown func()
	obj     fyne.CanvasObject
}

func newScanViewer(ws *Workstation, scans []data.Attachment) *scanViewer {
	sv := &scanViewer{ws: ws, scans: scans, img: canvas.NewImageFromImage(nil), caption: widget.NewLabel("")}
	sv.img.FillMode = canvas.ImageFillContain
	// The GPU scales; ImageScaleSmooth would scale on the CPU at every
	// redraw, with a buffer of tens of MB for a photo (see fit).
	sv.img.ScaleMode = canvas.ImageScaleFastest
	sv.scroll = container.NewScroll(sv.img)
	bar := container.NewHBox(
		ws.button("上一页", func() { sv.show(sv.i - 1) }), ws.button("下一页", func() { sv.show(sv.i + 1) }),
		ws.button("放大", func() { sv.setZoom(sv.effectiveZoom() * 1.25) }), ws.button("缩小", func() { sv.setZoom(sv.effectiveZoom() / 1.25) }),
		ws.button("适应窗口", func() { sv.setZoom(0) }), ws.button("旋转", sv.rotate))
	sv.obj = container.NewBorder(container.NewVBox(sv.caption, bar), nil, nil, nil, sv.scroll)
	sv.show(0)
	return sv
}

func (sv *scanViewer) object() fyne.CanvasObject { return sv.obj }

// show starts loading scan i.
func (sv *scanViewer) show(i int) {
	if len(sv.scans) == 0 {
		sv.caption.SetText("没有扫描件")
		return
	}
	i = (i + len(sv.scans)) % len(sv.scans)
	sv.i, sv.turns, sv.zoom = i, 0, 0
	a := sv.scans[i]
	sv.caption.SetText(fmt.Sprintf("%d / %d　%s　%s（加载中…）", i+1, len(sv.scans), a.Kind, a.FileName))
	sv.decode(a)
}

func (sv *scanViewer) decode(a data.Attachment) {
	sv.loading++
	gen, turns, path := sv.loading, sv.turns, sv.ws.Desk.Blobs().Path(a.SHA256)
	sv.ws.async(func() {
		img, err := decodeFile(path)
		if err == nil {
			img = rotate(fit(img), turns)
		}
		fyne.Do(func() {
			if gen != sv.loading {
				return
			}
			note := ""
			if err != nil {
				note = "（本机还没有这份扫描件，请同步后再看）"
			}
			sv.caption.SetText(fmt.Sprintf("%d / %d　%s　%s%s", sv.i+1, len(sv.scans), a.Kind, a.FileName, note))
			sv.decoded = img
			sv.img.Image = img
			sv.layout()
			if sv.OnShown != nil {
				sv.OnShown()
			}
		})
	})
}

func decodeFile(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	return img, err
}

func (sv *scanViewer) effectiveZoom() float32 {
	if sv.zoom > 0 || sv.decoded == nil {
		return max(sv.zoom, 0.1)
	}
	b := sv.decoded.Bounds()
	size := sv.scroll.Size()
	return min(size.Width/float32(b.Dx()), size.Height/float32(b.Dy()))
}

func (sv *scanViewer) setZoom(z float32) {
	sv.zoom = min(z, 4)
	sv.layout()
}

func (sv *scanViewer) rotate() {
	if len(sv.scans) == 0 {
		return
	}
	sv.turns = (sv.turns + 1) % 4
	sv.decode(sv.scans[sv.i])
}

// layout sizes the image: fitted, it fills the viewer; zoomed, it scrolls.
func (sv *scanViewer) layout() {
	if sv.decoded == nil || sv.zoom == 0 {
		sv.img.SetMinSize(fyne.NewSize(0, 0))
	} else {
		b := sv.decoded.Bounds()
		sv.img.SetMinSize(fyne.NewSize(float32(b.Dx())*sv.zoom, float32(b.Dy())*sv.zoom))
	}
	sv.img.Refresh()
	sv.scroll.Refresh()
}

// maxScanSide bounds the longer side of a scan as shown. A phone photo of
// 3000×4000 pixels is 48 MB as RGBA; 1600 pixels still read at 2× zoom.
const maxScanSide = 1600

// fit returns img as RGBA, shrunk so that neither side passes maxScanSide:
// the GL driver uploads RGBA as it is, while other formats it copies on the
// UI goroutine at each upload.
func fit(img image.Image) image.Image {
	b := img.Bounds()
	scale := min(1, float64(maxScanSide)/float64(max(b.Dx(), b.Dy())))
	out := image.NewRGBA(image.Rect(0, 0, max(int(float64(b.Dx())*scale), 1), max(int(float64(b.Dy())*scale), 1)))
	// ApproxBiLinear needs no scratch buffer; the kernel scalers need one
	// the size of the source in float64s.
	xdraw.ApproxBiLinear.Scale(out, out.Rect, img, b, xdraw.Src, nil)
	return out
}

// rotate turns img clockwise by quarter turns.
func rotate(img image.Image, turns int) image.Image {
	if turns%4 == 0 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	var out *image.RGBA
	if turns%2 == 1 {
		out = image.NewRGBA(image.Rect(0, 0, h, w))
	} else {
		out = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := img.At(b.Min.X+x, b.Min.Y+y)
			switch turns % 4 {
			case 1:
				out.Set(h-1-y, x, c)
			case 2:
				out.Set(w-1-x, h-1-y, c)
			case 3:
				out.Set(y, w-1-x, c)
			}
		}
	}
	return out
}
