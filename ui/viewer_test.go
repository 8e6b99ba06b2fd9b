package ui

import (
	"image"
	"os"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"

	"titledesk/data"
	tdsync "titledesk/sync"
)

// TestScanViewer: a scan decodes only as large as it is drawn, sharper when
// zoomed in; it turns; and a damaged or missing scan says so in words while
// the application stays workable.
func TestScanViewer(t *testing.T) {
	r := newRig(t)
	r.login()
	a := r.fx.Apps[data.StatusLiaisonReview][0]
	if len(a.Attachments) < 3 {
		t.Fatalf("fixture has %d scans; the test needs 3", len(a.Attachments))
	}
	// The second scan is damaged on this desk, the third not yet synced.
	blobs := r.ws.Desk.Blobs()
	if err := os.WriteFile(blobs.Path(a.Attachments[1].SHA256), []byte("not a picture"), 0o600); err != nil {
		t.Fatal(err)
	}
	third, err := os.ReadFile(blobs.Path(a.Attachments[2].SHA256))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(blobs.Path(a.Attachments[2].SHA256)); err != nil {
		t.Fatal(err)
	}
	r.scan(a.No)
	scan := func() image.Image {
		return find(r, func(i *canvas.Image) bool { return i.FillMode == canvas.ImageFillContain }).Image
	}
	long := func() int {
		s := scan().Bounds().Size()
		return max(s.X, s.Y)
	}
	source, err := os.Open(blobs.Path(a.Attachments[0].SHA256))
	if err != nil {
		t.Fatal(err)
	}
	cfg, _, err := image.DecodeConfig(source)
	source.Close()
	if err != nil {
		t.Fatal(err)
	}
	window := int(r.ws.Win.Canvas().Size().Height)
	if max(cfg.Width, cfg.Height) <= window {
		t.Fatalf("fixture scan %d×%d is no larger than the window: the test shows nothing", cfg.Width, cfg.Height)
	}
	r.mustShow("1 / ")
	if got := long(); got != window {
		t.Errorf("fitted scan held at %d px, want the window's %d (the scan is %d×%d)", got, window, cfg.Width, cfg.Height)
	}
	// The viewer's keys: + zooms (as its button does), 0 fits, R turns,
	// Page Down turns the page.
	for range 3 {
		r.tap("放大")
		r.key(fyne.KeyPlus)
	}
	if got := long(); got <= window || got > max(cfg.Width, cfg.Height) {
		t.Errorf("zoomed in, the scan is held at %d px; want sharper than %d, at most its own %d", got, window, max(cfg.Width, cfg.Height))
	}
	drawn := func() fyne.Size {
		return find(r, func(i *canvas.Image) bool { return i.FillMode == canvas.ImageFillContain }).MinSize()
	}
	if drawn().Width <= 1 {
		t.Fatal("zoomed in, the scan is drawn fitted")
	}
	r.key(fyne.Key0)
	if got := drawn(); got.Width > 1 {
		t.Errorf("0 left the scan drawn at %v, not fitted", got)
	}
	portrait := cfg.Height > cfg.Width
	r.key(fyne.KeyR)
	r.ws.typedRune('r') // the character the same press types, as the driver sends it
	if text := r.ws.shell.ScanBox.Text; text != "" {
		t.Errorf("R turned the scan and typed %q into the scan box", text)
	}
	if s := scan().Bounds().Size(); (s.Y > s.X) == portrait {
		t.Errorf("turned, the scan is %v", s)
	}
	r.key(fyne.KeyPageDown)
	r.mustShow("扫描件已损坏或不是图片，无法显示")
	if scan() != nil {
		t.Error("a damaged scan left a picture shown")
	}
	r.tap("下一页")
	r.mustShow("本机还没有这份文件；离线，联网后同步时取回")
	// The sync fetches it: the detail shows it when the round ends.
	if err := os.WriteFile(blobs.Path(a.Attachments[2].SHA256), third, 0o600); err != nil {
		t.Fatal(err)
	}
	r.ws.shell.setSync(tdsync.Status{Online: true, LastSuccess: time.Now(), Changed: true})
	if r.shows("本机还没有") || scan() == nil {
		t.Error("the fetched scan is not shown after the sync")
	}
	r.decide("初审通过")
	r.mustShow("3 / ") // the viewer kept its page through the redraw
	if got := r.status(a.ID); got != data.StatusBureauReview {
		t.Errorf("with a damaged scan the review did not pass: %s", got)
	}
}

// TestWheelZoom: Ctrl with the wheel zooms the scan in and out; the wheel
// alone scrolls it and leaves the zoom.
func TestWheelZoom(t *testing.T) {
	r := newRig(t)
	r.login()
	r.scan(r.fx.Apps[data.StatusLiaisonReview][0].No)
	r.mustShow("1 / ")
	wheel := find(r, func(*wheelZoom) bool { return true })
	sv := wheel.sv
	roll := func(held fyne.KeyModifier, dy float32) {
		r.ws.modifiers = func() fyne.KeyModifier { return held }
		wheel.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.Delta{DY: dy}})
	}
	roll(fyne.KeyModifierControl, 10)
	in := sv.zoom
	if in <= 0 {
		t.Fatalf("Ctrl + wheel up left the scan fitted")
	}
	roll(fyne.KeyModifierControl, 10)
	if sv.zoom <= in {
		t.Errorf("a second turn: zoom %.3f after %.3f", sv.zoom, in)
	}
	zoom := sv.zoom
	roll(0, -40)
	if sv.zoom != zoom || sv.scroll.Offset.Y <= 0 {
		t.Errorf("the wheel alone: zoom %.3f (was %.3f), scrolled to %v", sv.zoom, zoom, sv.scroll.Offset)
	}
	roll(fyne.KeyModifierControl, -10)
	if sv.zoom >= zoom {
		t.Errorf("Ctrl + wheel down: zoom %.3f, was %.3f", sv.zoom, zoom)
	}
}
