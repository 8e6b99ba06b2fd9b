package ui

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"titledesk/app"
	"titledesk/data"
	"titledesk/internal/testdesk"
)

// BenchmarkDesk100k times search and scan box → detail on a desk holding
// 100,000 applications (DESIGN.md section 9), reporting the worst of 10 of
// each. It seeds one (about 20 s) unless TITLEDESK_BENCH_DIR names a desk
// seeded before with
// TITLEDESK_SEED_DIR=/tmp/desk100k TITLEDESK_SEED_N=100000 go test ./internal/testdesk -run TestSeedDir
func BenchmarkDesk100k(b *testing.B) {
	dir := os.Getenv("TITLEDESK_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
		if _, err := testdesk.Seed(context.Background(), dir, 100_000, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
	copyTo := b.TempDir()
	if err := copyDir(dir, copyTo); err != nil {
		b.Fatal(err)
	}
	desk, err := app.Open(copyTo)
	if err != nil {
		b.Fatal(err)
	}
	defer desk.Close()
	ws := NewWindow(test.NewTempApp(b), Config{Desk: desk, Open: func(string) error { return nil }})
	// Background work (scan decodes) is held and run between measurements:
	// it is off the clerk's path, and the test driver runs fyne.Do in place,
	// so on a goroutine it would draw widgets beside the benchmark.
	var held []func()
	ws.async, ws.syncLoop = func(f func()) { held = append(held, f) }, false
	drain := func() {
		for len(held) > 0 {
			f := held[0]
			held = held[1:]
			f()
		}
	}
	ws.Win.Resize(fyne.NewSize(1366, 768))
	ws.Win.Show()
	r := &rig{t: b, ws: ws}
	r.login()
	ws.shell.Task("初审")
	q := find(r, func(e *keyEntry) bool { return strings.HasPrefix(e.PlaceHolder, "申请编号、姓名") })
	rows, _, err := desk.Queue(ws.ctx, data.ApplicationFilter{Offset: 5000, Limit: 1})
	if err != nil || len(rows) == 0 {
		b.Fatal(err)
	}
	// worst times f over 10 runs, each after reset: an entry only searches
	// when its text changes.
	worst := func(reset, f func()) time.Duration {
		var w time.Duration
		for range 10 {
			reset()
			start := time.Now()
			f()
			w = max(w, time.Since(start))
			drain()
		}
		return w
	}
	for b.Loop() {
		var search time.Duration
		for _, s := range []string{"陈", "2025", "4419", "黄嘉"} {
			w := worst(func() { q.SetText("") }, func() { q.SetText(s) })
			b.Logf("search %q: worst %v", s, w)
			search = max(search, w)
		}
		filter := worst(func() { q.SetText("黄嘉") }, func() { q.SetText("") })
		scan := worst(func() {}, func() { ws.shell.scan(rows[0].No) })
		b.ReportMetric(float64(search.Microseconds())/1000, "ms-search-worst")
		b.ReportMetric(float64(filter.Microseconds())/1000, "ms-clear-worst")
		b.ReportMetric(float64(scan.Microseconds())/1000, "ms-scan-to-detail-worst")
	}
}

// BenchmarkCounterTasks times three of a clerk's tasks through the
// screens, with the keys and taps a clerk gives them and no time to think
// (DESIGN.md section 9): a return with two reasons, a WeChat payment with
// its proof picture, and a counter acceptance with both documents handed
// to the spooler (the test's CUPS). Each is done on an application of its
// own, from the scan box, and checked done. -benchtime at most 20x: the
// desk holds that many of each.
func BenchmarkCounterTasks(b *testing.B) {
	r := seededRig(b, 400)
	r.login()
	ctx := context.Background()
	waiting := func(st data.Status) []data.ApplicationSummary {
		rows, _, err := r.ws.Desk.Queue(ctx, data.ApplicationFilter{Statuses: []data.Status{st}, Limit: 50})
		if err != nil {
			b.Fatal(err)
		}
		return rows
	}
	review, paper, unpaid := waiting(data.StatusLiaisonReview), waiting(data.StatusAwaitingPaper), waiting(data.StatusAwaitingPayment)
	reasons, err := r.ws.Desk.Reasons(ctx, data.StepReview)
	if err != nil || len(reasons) < 2 {
		b.Fatalf("reasons %v %v", reasons, err)
	}
	proof := filepath.Join(b.TempDir(), "微信支付截图.png")
	shot := image.NewRGBA(image.Rect(0, 0, 720, 1280)) // a phone's screenshot
	for i := range shot.Pix {
		shot.Pix[i] = uint8(i * 7 % 251)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, shot); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(proof, buf.Bytes(), 0o600); err != nil {
		b.Fatal(err)
	}
	done := func(id string, want data.Status) {
		if got := r.status(id); got != want {
			b.Fatalf("%s: %s, want %s:\n%s", id, got, want, strings.Join(r.texts(), "\n"))
		}
	}
	// Background work (scan decodes, the print's hand-over to the spooler)
	// is held while the screens are driven, then run: a task's screens are
	// what the clerk waits for, its whole adds what runs meanwhile.
	var held []func()
	r.ws.async = func(f func()) { held = append(held, f) }
	var screens, whole [3]time.Duration
	task := func(k int, steps func()) {
		start := time.Now()
		steps()
		screens[k] += time.Since(start)
		for len(held) > 0 {
			f := held[0]
			held = held[1:]
			f()
		}
		whole[k] += time.Since(start)
	}
	n, printed := 0, len(r.opened)
	for b.Loop() {
		if n >= min(len(review), len(paper), len(unpaid)) {
			b.Fatalf("the desk holds %d, %d and %d to work on: lower -benchtime", len(review), len(paper), len(unpaid))
		}
		task(0, func() {
			r.scan(review[n].No)
			r.tap("退回申报人")
			find(r, func(*widget.CheckGroup) bool { return true }).SetSelected([]string{reasons[0].Text, reasons[1].Text})
			r.tap("确定")
		})
		done(review[n].ID, data.StatusReturnedToApplicant)
		task(1, func() {
			r.scan(unpaid[n].No)
			r.tap("登记缴费")
			r.typeFocused(fmt.Sprintf("42000012342026120300000%05d", n))
			r.tap("选择文件")
			r.typeFocused(proof)
			r.key(fyne.KeyReturn)
			r.key(fyne.KeyReturn)
		})
		done(unpaid[n].ID, data.StatusPaid)
		task(2, func() {
			r.scan(paper[n].No)
			r.tap("现场核验")
			r.tap("全部一致")
			r.key(fyne.KeyReturn)
			r.key(fyne.KeyReturn) // 打印 on the preview
		})
		done(paper[n].ID, data.StatusAwaitingPayment)
		if len(r.opened) != printed+2 {
			b.Fatalf("the acceptance printed %d documents, want its 受理回执 and 缴款通知书", len(r.opened)-printed)
		}
		printed = len(r.opened)
		n++
	}
	each := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(n) }
	for k, name := range []string{"return-two-reasons", "wechat-payment-with-proof", "acceptance-both-documents"} {
		b.ReportMetric(each(screens[k]), "ms-"+name+"-screens")
		b.ReportMetric(each(whole[k]), "ms-"+name+"-whole")
	}
}
