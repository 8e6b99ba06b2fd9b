package ui

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"titledesk/app"
	"titledesk/data"
	"titledesk/data/sqlite"
	"titledesk/demo"
	"titledesk/internal/testworld"
)

// TestScreenshots draws every screen at 1366×768 with the headless driver
// (the bundled font, as on the counter PCs): into a temporary folder, or
// into $TITLEDESK_SHOTS to refresh the pictures:
// TITLEDESK_SHOTS=docs/screenshots go test ./ui -run TestScreenshots
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("TITLEDESK_SHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	dir, _ = filepath.Abs(dir)
	t.Run("clerk", func(t *testing.T) { clerkShots(t, dir) })
	t.Run("bureau", func(t *testing.T) { bureauShots(t, dir) })
}

func (r *rig) shot(dir, name string) {
	r.t.Helper()
	f, err := os.Create(filepath.Join(dir, "desk-"+name+".png"))
	if err != nil {
		r.t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, r.ws.Win.Canvas().Capture()); err != nil {
		r.t.Fatal(err)
	}
}

// styleRecorder is the desk's theme, noting each text style Fyne asks a
// font for: Fyne asks once per style and parses the font each time.
type styleRecorder struct {
	Theme
	mu     sync.Mutex
	styles map[fyne.TextStyle]bool
}

func (s *styleRecorder) Font(style fyne.TextStyle) fyne.Resource {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.styles[style] = true
	return s.Theme.Font(style)
}

// recordStyles has every screen drawn from now on measured afresh with a
// styleRecorder, and fails the test at the end when text was drawn in a
// style other than the regular one (style.go). Fyne's symbol font is no
// CJK font and may be asked for.
func (r *rig) recordStyles() {
	rec := &styleRecorder{styles: map[fyne.TextStyle]bool{}}
	fyne.CurrentApp().Settings().SetTheme(rec) // also empties Fyne's font cache
	r.t.Cleanup(func() {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		for s := range rec.styles {
			if s != (fyne.TextStyle{}) && s != (fyne.TextStyle{Symbol: true}) {
				r.t.Errorf("text drawn in style %+v: Fyne parses the CJK font again for it", s)
			}
		}
	})
}

func clerkShots(t *testing.T, dir string) {
	r := seededRig(t, 2400)
	r.recordStyles()
	fx, desk := r.fx, r.ws.Desk
	r.shot(dir, "login")
	r.login()
	r.shot(dir, "workbench")
	r.ws.shell.Task("初审")
	r.shot(dir, "first-review")
	a := fx.Apps[data.StatusLiaisonReview][0]
	r.scan(a.No)
	r.shot(dir, "detail")
	r.tap("初审通过")
	r.shot(dir, "confirm-decision")
	r.key(fyne.KeyReturn)
	r.shot(dir, "detail-withdraw")
	r.tap("撤销“初审通过”")
	r.key(fyne.KeyReturn)
	r.scan(fx.Overdue.No)
	r.tap("逾期退件")
	r.shot(dir, "confirm-refusal")
	r.key(fyne.KeyEscape)
	r.scan(a.No)
	r.tap("退回申报人")
	find(r, func(*widget.CheckGroup) bool { return true }).SetSelected([]string{"扫描件不清晰或不完整", "缺少必需材料"})
	r.typeFocusedInto(func(e *keyEntry) bool { return e.MultiLine }, "请补充学历证书原件的清晰扫描件")
	r.shot(dir, "return-reasons")
	r.key(fyne.KeyEscape)
	r.ws.shell.Task("市局退回")
	r.shot(dir, "returned-by-bureau")
	r.ws.shell.Task("现场核验")
	r.shot(dir, "counter-queue")
	p := fx.Apps[data.StatusAwaitingPaper][0]
	r.scan(p.FormSeal)
	r.tap("全部一致")
	r.shot(dir, "counter-check")
	r.scan(p.FormSeal[:len(p.FormSeal)-3] + "AAA")
	r.shot(dir, "scan-forged")
	pay := fx.Apps[data.StatusAwaitingPayment][0]
	r.ws.shell.Task("待缴费")
	r.shot(dir, "awaiting-payment")
	r.scan(pay.No)
	r.tap("登记缴费")
	r.typeFocused("4200001234202612030000001127")
	r.shot(dir, "payment")
	for i, name := range []string{"Downloads/IMG_20261127_093512.jpg", "桌面/微信图片_20261127101522.png",
		"Documents/WeChat Files/wxid_k2v9/FileStorage/File/2026-11/缴费截图.png", "Pictures/Screenshots/屏幕截图 2026-11-26 163045.png"} {
		p := filepath.Join(r.home, filepath.FromSlash(name))
		at := time.Now().Add(-time.Duration(i) * 47 * time.Minute)
		if os.MkdirAll(filepath.Dir(p), 0o700) != nil || os.WriteFile(p, receiptPicture(t, i), 0o600) != nil || os.Chtimes(p, at, at) != nil {
			t.Fatal("cannot write", p)
		}
	}
	r.tap("选择文件")
	r.shot(dir, "proof-picker")
	r.key(fyne.KeyEscape)
	r.key(fyne.KeyReturn)
	r.ws.shell.Task("报表")
	r.shot(dir, "report")
	// A conflict as a sync records it, for the 同步 screen.
	c := fx.Apps[data.StatusLiaisonReview][1]
	if _, err := desk.Do(context.Background(), data.Command{Action: data.ActionLiaisonPass, ApplicationID: c.ID}); err != nil {
		t.Fatal(err)
	}
	entries, _ := desk.Store.Outbox(context.Background())
	last := entries[len(entries)-1]
	if err := desk.Store.RecordResults(context.Background(), []data.CommandResult{{Seq: last.Seq, CommandID: last.Command.ID,
		State: data.StateConflict, Code: data.ECONFLICT, Message: fmt.Sprintf("申请 %s 已被他人处理（当前为“待联络点初审”），请看过最新情况后再办理", c.No)}}, last.Seq, time.Now()); err != nil {
		t.Fatal(err)
	}
	r.ws.shell.Task("同步")
	r.shot(dir, "sync")
	r.ws.shell.Task("设置")
	r.shot(dir, "settings")
	// The counter accepts one more: its two documents previewed.
	q := fx.Apps[data.StatusAwaitingPaper][1]
	r.scan(q.FormSeal)
	r.tap("全部一致")
	r.tap("受理并打印")
	r.mustShow("打印预览")
	r.shot(dir, "print-preview")
	r.key(fyne.KeyReturn)
	r.shot(dir, "printed")
	// A reader on the desk: the applicant's card laid on it and read.
	card := fx.Apps[data.StatusAwaitingPaper][2]
	desk.CardReader = cardOnReader{card: &data.IDCard{Name: card.Name, Number: card.IDNumber,
		ValidTo: time.Date(2036, 5, 1, 0, 0, 0, 0, data.Shanghai)}}
	r.ws.shell.showCardButton()
	r.tap("读卡")
	r.mustShow("现场核验：申请 " + card.No)
	r.shot(dir, "counter-card")
	desk.CardReader = nil
	r.ws.shell.showCardButton()
	r.key(fyne.KeyEscape)
	r.ws.Lock()
	r.shot(dir, "locked")
	fresh, err := app.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	enroll := rigOn(t, fresh)
	enroll.recordStyles()
	enroll.shot(dir, "enroll")
}

func bureauShots(t *testing.T, dir string) {
	w := testworld.New(t)
	for i, p := range demo.Points()[2:] {
		w.AddPoint(t, p[0], p[1], fmt.Sprintf("town%d", i))
	}
	mix := []struct {
		status data.Status
		n      int
	}{{data.StatusLiaisonReview, 4}, {data.StatusBureauReview, 3}, {data.StatusAwaitingPaper, 2}, {data.StatusPaid, 2},
		{data.StatusCertified, 2}, {data.StatusAwaitingPayment, 1}, {data.StatusPaperDeficient, 1}}
	for i, p := range demo.Points() {
		for _, m := range mix {
			if n := (m.n*(len(demo.Points())-i) + 3) / 4; n > 0 {
				w.Apps(t, n, p[0], m.status)
			}
		}
	}
	r := bureauRig(t, w)
	r.recordStyles()
	r.shot(dir, "bureau-review")
	queue, _, _ := r.ws.Desk.Queue(context.Background(), data.ApplicationFilter{Statuses: []data.Status{data.StatusBureauReview}})
	r.scan(queue[0].No)
	r.shot(dir, "bureau-detail")
	r.tap("复审不通过")
	find(r, func(*widget.CheckGroup) bool { return true }).SetSelected([]string{"所学专业与申报专业不相近"})
	r.shot(dir, "bureau-reject")
	r.key(fyne.KeyEscape)
	r.ws.shell.Task("发证")
	r.shot(dir, "bureau-certify")
	r.tap("全部发证…")
	r.shot(dir, "bureau-certify-all")
	r.key(fyne.KeyEscape)
	paid, _, _ := r.ws.Desk.Queue(context.Background(), data.ApplicationFilter{Statuses: []data.Status{data.StatusPaid}})
	r.scan(paid[0].No)
	r.tap("发证")
	r.typeFocused("粤职证字 2026-004417")
	r.shot(dir, "bureau-certify-form")
	r.key(fyne.KeyReturn)
	r.ws.shell.Task("发证")
	find(r, func(*tabs) bool { return true }).Select(1)
	r.shot(dir, "bureau-register")
	// The day's statement: one payment with a short amount, one paid but
	// not recorded at the counter yet.
	unpaid, _, _ := r.ws.Desk.Queue(context.Background(), data.ApplicationFilter{Statuses: []data.Status{data.StatusAwaitingPayment}})
	var lines []sqlite.StatementLine
	for i, x := range []struct {
		id     string
		amount data.Fen
	}{{paid[1].ID, -5000}, {unpaid[0].ID, 0}} {
		a, err := w.DB.Application(context.Background(), x.id)
		if err != nil {
			t.Fatal(err)
		}
		e := demo.StatementEntry(a, a.Notice.Amount+x.amount, time.Now().Add(-3*time.Hour))
		e.Ref += "B"
		lines = append(lines, sqlite.StatementLine{Line: i + 2, Entry: e})
	}
	if rep, err := w.DB.ImportStatement(context.Background(), "对账单.xlsx", "shots", lines, nil, demo.FinanceSystem, time.Now()); err != nil || rep.Applied != 2 {
		t.Fatalf("statement: %+v %v", rep, err)
	}
	testworld.Drain(t, r.ws.Desk)
	r.ws.shell.Task("对账")
	r.shot(dir, "bureau-reconcile")
	r.ws.shell.Task("统计")
	r.shot(dir, "bureau-statistics")
	find(r, func(*tabs) bool { return true }).Select(1)
	r.shot(dir, "bureau-month")
	r.ws.shell.Task("同步")
	r.shot(dir, "bureau-sync")
	r.ws.shell.Task("设置")
	r.shot(dir, "bureau-settings")
}

// receiptPicture is a picture as a phone takes or shows a payment: a
// coloured band (WeChat's green, a bank's red, …) over a white slip with
// lines of print, encoded as PNG.
func receiptPicture(t *testing.T, i int) []byte {
	bands := []color.NRGBA{{7, 193, 96, 255}, {200, 40, 40, 255}, {30, 110, 220, 255}, {240, 150, 0, 255}}
	img := image.NewNRGBA(image.Rect(0, 0, 600, 800))
	for y := 0; y < 800; y++ {
		for x := 0; x < 600; x++ {
			c := color.NRGBA{250, 250, 248, 255}
			switch {
			case y < 140:
				c = bands[i%len(bands)]
			case y%48 < 10 && x > 40 && x < 560-(y*7%200):
				c = color.NRGBA{60, 60, 60, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
