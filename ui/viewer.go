package ui

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // scans are JPEG or PNG
	_ "image/png"
	"io/fs"
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
// scan never freezes the screen, and only as large as they are drawn: a
// fitted scan is held at the window's height, and zooming in decodes it again
// sharper (the GPU stretches the one shown until then).
type scanViewer struct {
	ws    *Workstation
	scans []data.Attachment
	i     int
	zoom  float32 // drawn units per pixel of the scan; 0 is fit to the viewer
	turns int     // quarter turns clockwise
	// decoded is the scan as drawn, at most as large as shown; source is the
	// scan's own size in pixels, turned as shown.
	decoded image.Image
	source  image.Point
	img     *canvas.Image
	scroll  *container.Scroll
	caption *widget.Label
	// busy is a decode running; again, one asked for meanwhile (another
	// page, turn or zoom): decodes run one at a time and the latest wish
	// wins, so quick clicks on a photo do not decode it several times over
	// at once, and a slow decode of an earlier page is never shown.
	busy, again bool
	missing     bool // the scan shown is not on this PC yet
	// fetched is the scan last fetched from the server on demand, so a
	// file that cannot be had is asked for once per showing, not in a loop.
	fetched string
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
		ws.button("上一页（PgUp）", sv.prev), ws.button("下一页（PgDn）", sv.next),
		ws.button("放大（+）", sv.zoomIn), ws.button("缩小（-）", sv.zoomOut),
		ws.button("适应窗口（0）", sv.fit), ws.button("旋转（R）", sv.rotate))
	wheel := &wheelZoom{sv: sv}
	wheel.ExtendBaseWidget(wheel)
	sv.obj = container.NewBorder(container.NewVBox(sv.caption, bar), nil, nil, nil, container.NewStack(sv.scroll, wheel))
	sv.show(0)
	return sv
}

func (sv *scanViewer) object() fyne.CanvasObject { return sv.obj }

// wheelZoom lies over the scan: the wheel with Ctrl zooms, as a browser or
// a photo viewer does; without it, it scrolls the scan.
type wheelZoom struct {
	widget.BaseWidget
	sv *scanViewer
}

func (w *wheelZoom) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

func (w *wheelZoom) Scrolled(ev *fyne.ScrollEvent) {
	switch ctrl := w.sv.ws.modifiers()&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0; {
	case !ctrl:
		w.sv.scroll.Scrolled(ev)
	case ev.Scrolled.DY > 0:
		w.sv.zoomIn()
	case ev.Scrolled.DY < 0:
		w.sv.zoomOut()
	}
}

// viewerKeys are the scan viewer's keys on a screen that shows one (the
// one current gives): + and − zoom, 0 fits, R turns, Page Up and Page Down
// go to the previous and next scan. "+" is also "=" unshifted.
func viewerKeys(current func() *scanViewer) map[fyne.KeyName]func() {
	on := func(do func(*scanViewer)) func() { return func() { do(current()) } }
	return map[fyne.KeyName]func(){
		fyne.KeyPlus: on((*scanViewer).zoomIn), fyne.KeyEqual: on((*scanViewer).zoomIn), fyne.KeyMinus: on((*scanViewer).zoomOut),
		fyne.Key0: on((*scanViewer).fit), fyne.KeyR: on((*scanViewer).rotate),
		fyne.KeyPageUp: on((*scanViewer).prev), fyne.KeyPageDown: on((*scanViewer).next),
	}
}

func (sv *scanViewer) prev()    { sv.show(sv.i - 1) }
func (sv *scanViewer) next()    { sv.show(sv.i + 1) }
func (sv *scanViewer) zoomIn()  { sv.setZoom(sv.effectiveZoom() * 1.25) }
func (sv *scanViewer) zoomOut() { sv.setZoom(sv.effectiveZoom() / 1.25) }
func (sv *scanViewer) fit()     { sv.setZoom(0) }

// show starts loading scan i.
func (sv *scanViewer) show(i int) {
	if len(sv.scans) == 0 {
		sv.caption.SetText("没有扫描件")
		return
	}
	i = (i + len(sv.scans)) % len(sv.scans)
	sv.i, sv.turns, sv.zoom, sv.fetched = i, 0, 0, ""
	sv.decoded, sv.source, sv.img.Image = nil, image.Point{}, nil
	sv.img.Refresh()
	a := sv.scans[i]
	sv.caption.SetText(fmt.Sprintf("%d / %d　%s　%s（加载中…）", i+1, len(sv.scans), a.Kind, a.FileName))
	sv.decode()
}

// decode loads the scan shown at the size it is drawn at.
func (sv *scanViewer) decode() {
	if sv.busy {
		sv.again = true
		return
	}
	sv.busy = true
	a := sv.scans[sv.i]
	turns, side, path := sv.turns, sv.drawnSide(), sv.ws.Desk.ScanPath(a)
	sv.ws.async(func() {
		img, err := decodeFile(path)
		var source image.Point
		if err == nil {
			source = img.Bounds().Size()
			if turns%2 == 1 {
				source.X, source.Y = source.Y, source.X
			}
			img = rotate(shrink(img, side), turns)
		}
		fyne.Do(func() {
			sv.busy = false
			if sv.again {
				sv.again = false
				sv.decode()
				return
			}
			note := ""
			sv.missing = errors.Is(err, fs.ErrNotExist)
			switch {
			case sv.missing && sv.fetched != path:
				note = "（正在从市局服务器取这份文件…）"
				defer sv.fetch(a, path) // its answer is said over this caption
			case sv.missing:
				note = "（本机还没有这份文件，联网后同步时取回）"
			case err != nil:
				note = "（扫描件已损坏或不是图片，无法显示；请申报人重新上传）"
			}
			sv.caption.SetText(fmt.Sprintf("%d / %d　%s　%s%s", sv.i+1, len(sv.scans), a.Kind, a.FileName, note))
			sv.decoded, sv.source = img, source
			sv.img.Image = img
			sv.layout()
		})
	})
}

// fetch downloads scan a, missing at path, off the UI goroutine, and shows
// it if it is still the one shown; otherwise it says why it is not here.
func (sv *scanViewer) fetch(a data.Attachment, path string) {
	sv.fetched = path
	sv.ws.async(func() {
		err := sv.ws.Desk.FetchScan(sv.ws.ctx, a)
		fyne.Do(func() {
			if sv.scans[sv.i] != a {
				return
			}
			if err != nil {
				why := "离线，联网后同步时取回"
				if data.ErrorCode(err) != data.EOFFLINE {
					why = "无法从市局服务器取得：" + data.ErrorMessage(err)
				}
				sv.caption.SetText(fmt.Sprintf("%d / %d　%s　%s（本机还没有这份文件；%s）", sv.i+1, len(sv.scans), a.Kind, a.FileName, why))
				return
			}
			sv.decode()
		})
	})
}

// drawnSide is the longer side, in pixels, the scan shown is drawn at:
// fitted, at most the window's height (a portrait scan fits the viewer's
// height, a landscape one its narrower width); zoomed, its zoomed size.
func (sv *scanViewer) drawnSide() int {
	c := sv.ws.Win.Canvas()
	side := c.Size().Height
	if sv.zoom > 0 && sv.source != (image.Point{}) {
		side = float32(max(sv.source.X, sv.source.Y)) * sv.zoom
	}
	if side <= 0 {
		return maxScanSide
	}
	return min(int(side*c.Scale()+0.5), maxScanSide)
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
	if sv.zoom > 0 || sv.source == (image.Point{}) {
		return max(sv.zoom, 0.1)
	}
	size := sv.scroll.Size()
	return min(size.Width/float32(sv.source.X), size.Height/float32(sv.source.Y))
}

// setZoom draws the scan z times its size (0 fits it), and decodes it again
// when the one held is too coarse or much finer than that.
func (sv *scanViewer) setZoom(z float32) {
	if sv.decoded == nil {
		return // still loading (or unreadable): nothing to size yet
	}
	sv.zoom = min(z, 4)
	sv.layout()
	have, want := sv.decoded.Bounds().Size(), sv.drawnSide()
	long := max(have.X, have.Y)
	if min(want, max(sv.source.X, sv.source.Y)) > long*11/10 || want < long/2 {
		sv.decode()
	}
}

// retryMissing loads the scan shown again if it was not on this PC: a sync
// may have fetched it since, or the server be reachable now.
func (sv *scanViewer) retryMissing() {
	if sv.missing && !sv.busy {
		sv.fetched = ""
		sv.decode()
	}
}

func (sv *scanViewer) rotate() {
	if len(sv.scans) == 0 {
		return
	}
	sv.turns = (sv.turns + 1) % 4
	sv.decode()
}

// layout sizes the image: fitted, it fills the viewer; zoomed, it scrolls.
func (sv *scanViewer) layout() {
	if sv.decoded == nil || sv.zoom == 0 {
		sv.img.SetMinSize(fyne.NewSize(0, 0))
	} else {
		sv.img.SetMinSize(fyne.NewSize(float32(sv.source.X)*sv.zoom, float32(sv.source.Y)*sv.zoom))
	}
	sv.img.Refresh()
	sv.scroll.Refresh()
}

// maxScanSide bounds the longer side of a scan as held. A phone photo of
// 3000×4000 pixels is 48 MB as RGBA; 1600 pixels still read at 2× zoom.
const maxScanSide = 1600

// shrink returns img as RGBA with its longer side at most side pixels: the
// GL driver uploads RGBA as it is, while other formats it copies on the UI
// goroutine at each upload.
func shrink(img image.Image, side int) image.Image {
	b := img.Bounds()
	scale := min(1, float64(side)/float64(max(b.Dx(), b.Dy())))
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
