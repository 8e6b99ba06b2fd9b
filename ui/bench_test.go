package ui

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"titledesk/app"
	"titledesk/data"
)

// TestBudgets100k times search and scan box → detail on a seeded desk
// (DESIGN.md section 9). Seed one with
// TITLEDESK_SEED_DIR=/tmp/desk100k TITLEDESK_SEED_N=100000 go test ./internal/testdesk -run TestSeedDir
// and run with TITLEDESK_BENCH_DIR=/tmp/desk100k.
func TestBudgets100k(t *testing.T) {
	dir := os.Getenv("TITLEDESK_BENCH_DIR")
	if dir == "" {
		t.Skip("TITLEDESK_BENCH_DIR not set")
	}
	copyTo := t.TempDir()
	if err := copyDir(dir, copyTo); err != nil {
		t.Fatal(err)
	}
	desk, err := app.Open(filepath.Join(copyTo))
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	ws := NewWindow(test.NewTempApp(t), Config{Desk: desk, Open: func(string) error { return nil }})
	ws.async, ws.syncLoop = func(f func()) { go f() }, false
	ws.Win.Resize(fyne.NewSize(1366, 768))
	ws.Win.Show()
	r := &rig{t: t, ws: ws}
	r.login()
	ws.shell.Task("初审")
	q := find(r, func(e *keyEntry) bool { return e.PlaceHolder == "申请编号、姓名或身份证号码" })
	worst := func(name string, n int, f func()) {
		var max time.Duration
		for i := 0; i < n; i++ {
			start := time.Now()
			f()
			if d := time.Since(start); d > max {
				max = d
			}
		}
		t.Logf("%s: worst of %d %s", name, n, max)
	}
	for _, s := range []string{"陈", "2025", "4419", "黄嘉"} {
		worst("queue search "+s+" (typed, table refreshed)", 10, func() { q.SetText(s) })
	}
	worst("status filter change", 10, func() { q.SetText(""); q.SetText("") })
	rows, _, err := desk.Queue(ws.ctx, data.ApplicationFilter{Offset: 50000, Limit: 1})
	if err != nil || len(rows) == 0 {
		t.Fatal(err)
	}
	worst("scan box (application number) → detail shown", 10, func() { ws.shell.scan(rows[0].No) })

}
