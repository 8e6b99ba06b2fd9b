package ui

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

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
