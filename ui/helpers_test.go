package ui

import (
	"context"
	"fmt"
	"image/color"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	stdsync "sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"titledesk/app"
	"titledesk/internal/testcups"
	"titledesk/internal/testdesk"
	"titledesk/printing"
)

// seeded is one fixture desk, copied for each test: seeding (password
// hashing, driving applications, drawing scans) is the slow part.
var seeded struct {
	once stdsync.Once
	dir  string
	fx   *testdesk.Fixture
	err  error
}

// rig is a workstation on a fresh copy of the fixture desk, with the
// documents it printed (or exported and opened).
type rig struct {
	t      testing.TB
	ws     *Workstation
	fx     *testdesk.Fixture
	opened []string
	home   string // the clerk's home folder, where pictures are looked for
}

// TestMain starts a throwaway spooler (scripts/cups-spooler): every rig
// prints to its cups-pdf printer, the default.
func TestMain(m *testing.M) { testcups.Main(m, nil) }

// keptPrints is the real spooler, with each job it accepted also kept as
// a file in opened, for the tests to read.
type keptPrints struct {
	printing.Spooler
	r *rig
}

func (k keptPrints) Print(ctx context.Context, j printing.Job) (printing.Accepted, error) {
	took, err := k.Spooler.Print(ctx, j)
	if err == nil {
		path := filepath.Join(k.r.t.TempDir(), fmt.Sprintf("%d-%s.pdf", len(k.r.opened), j.Title))
		if err := os.WriteFile(path, j.PDF, 0o600); err != nil {
			k.r.t.Fatal(err)
		}
		k.r.opened = append(k.r.opened, path)
	}
	return took, err
}

// The time between keystrokes of a person and of a scanner.
const (
	personTyping  = 120 * time.Millisecond
	scannerTyping = 4 * time.Millisecond
)

// typeAs makes each keystroke from now on come gap after the one before.
func (r *rig) typeAs(gap time.Duration) {
	at := time.Now()
	r.ws.clock = func() time.Time {
		at = at.Add(gap)
		return at
	}
}

// decide takes a decision without reasons: its button, then Enter on the
// confirmation, which must say what it does.
func (r *rig) decide(label string) {
	r.t.Helper()
	r.tap(label)
	r.mustShow("确认" + label + "（回车）")
	r.mustShow("申请将从“")
	r.key(fyne.KeyReturn)
}

// printPreview prints what the preview shows, as Enter does.
func (r *rig) printPreview() {
	r.t.Helper()
	r.mustShow("打印预览")
	r.key(fyne.KeyReturn)
}

func newRig(t *testing.T) *rig {
	t.Helper()
	seeded.once.Do(func() {
		seeded.dir, seeded.err = os.MkdirTemp("", "ui-fixture-")
		if seeded.err == nil {
			seeded.fx, seeded.err = testdesk.Seed(context.Background(), seeded.dir, 0, time.Now())
		}
	})
	if seeded.err != nil {
		t.Fatal(seeded.err)
	}
	dir := t.TempDir()
	if err := copyDir(seeded.dir, dir); err != nil {
		t.Fatal(err)
	}
	desk, err := app.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { desk.Close() })
	r := rigOn(t, desk)
	r.fx = seeded.fx
	return r
}

// rigOn is a headless workstation on desk; it syncs only when told.
func rigOn(t testing.TB, desk *app.Desk) *rig {
	r := &rig{t: t, home: t.TempDir()}
	desk.Spooler = keptPrints{printing.System(), r}
	a := test.NewTempApp(t)
	r.ws = NewWindow(a, Config{Desk: desk, Open: func(p string) error { r.opened = append(r.opened, p); return nil }, Home: r.home})
	r.ws.async, r.ws.syncLoop, r.ws.cardPoll = func(f func()) { f() }, false, 0
	r.typeAs(personTyping)
	r.ws.Win.Resize(fyne.NewSize(1366, 768))
	r.ws.Win.Show()
	t.Cleanup(r.ws.Win.Close)
	return r
}

// seededRig is a rig on a desk of its own seeded with n applications.
func seededRig(t testing.TB, n int) *rig {
	t.Helper()
	seed := t.TempDir()
	fx, err := testdesk.Seed(context.Background(), seed, n, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	desk, err := app.Open(seed)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { desk.Close() })
	r := rigOn(t, desk)
	r.fx = fx
	return r
}

func copyDir(from, to string) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o600)
	})
}

// focused types into the widget holding the focus.
func (r *rig) typeFocused(text string) {
	f, ok := r.ws.Win.Canvas().Focused().(*keyEntry)
	if !ok {
		r.t.Fatalf("no entry has the focus (%T)", r.ws.Win.Canvas().Focused())
	}
	test.Type(f, text)
}

// key presses a key on the focused widget, or on the window.
func (r *rig) key(name fyne.KeyName) {
	if f := r.ws.Win.Canvas().Focused(); f != nil {
		f.TypedKey(&fyne.KeyEvent{Name: name})
		return
	}
	r.ws.typedKey(&fyne.KeyEvent{Name: name})
}

func (r *rig) login() {
	r.t.Helper()
	r.loginAs(testdesk.Login, testdesk.Password)
}

// loginAs logs in by typing into the login screen.
func (r *rig) loginAs(login, password string) {
	r.t.Helper()
	r.typeLogin(login, password)
	if r.ws.Desk.Clerk() == nil {
		r.t.Fatalf("not logged in: %s", strings.Join(r.texts(), "|"))
	}
}

// typeLogin types a login and password into the login screen.
func (r *rig) typeLogin(login, password string) {
	r.t.Helper()
	r.typeFocused(login)
	r.key(fyne.KeyReturn)
	r.typeFocused(password)
	r.key(fyne.KeyReturn)
}

// walk visits every object shown in the window.
func walk(o fyne.CanvasObject, visit func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	visit(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			walk(c, visit)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			walk(c, visit)
		}
	}
}

// texts are the labels, buttons and texts shown, in tree order.
func (r *rig) texts() []string {
	var out []string
	walk(r.ws.Win.Content(), func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			out = append(out, v.Text)
		case *widget.Button:
			out = append(out, v.Text)
		}
	})
	return out
}

func (r *rig) shows(text string) bool {
	return strings.Contains(strings.Join(r.texts(), "\n"), text)
}

func (r *rig) mustShow(text string) {
	r.t.Helper()
	if !r.shows(text) {
		r.t.Fatalf("screen lacks %q; it shows:\n%s", text, strings.Join(r.texts(), "\n"))
	}
}

// tap taps the button whose text starts with label.
func (r *rig) tap(label string) {
	r.t.Helper()
	var found *widget.Button
	walk(r.ws.Win.Content(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && found == nil && strings.HasPrefix(b.Text, label) {
			found = b
		}
	})
	if found == nil {
		r.t.Fatalf("no button %q; screen shows:\n%s", label, strings.Join(r.texts(), "\n"))
	}
	test.Tap(found)
}

// find returns the first shown object of type T that ok accepts.
func find[T fyne.CanvasObject](r *rig, ok func(T) bool) T {
	r.t.Helper()
	var found T
	var hit bool
	walk(r.ws.Win.Content(), func(o fyne.CanvasObject) {
		if v, is := o.(T); is && !hit && ok(v) {
			found, hit = v, true
		}
	})
	if !hit {
		r.t.Fatalf("no %T on screen:\n%s", found, strings.Join(r.texts(), "\n"))
	}
	return found
}

// scan types into the scan box as a USB scanner does: F2, the text, Enter.
func (r *rig) scan(text string) {
	r.key(fyne.KeyF2)
	if r.ws.Win.Canvas().Focused() != r.ws.shell.ScanBox {
		r.ws.typedKey(&fyne.KeyEvent{Name: fyne.KeyF2})
	}
	r.typeFocused(text)
	r.key(fyne.KeyReturn)
}

func (r *rig) banner() (string, color.Color) { return stripText(r.ws.shell.banner) }

// stripText is the text and colour of a coloured strip (bannerText.strip).
func stripText(c *fyne.Container) (string, color.Color) {
	for _, o := range c.Objects {
		var text string
		walk(o, func(o fyne.CanvasObject) {
			if t, ok := o.(*canvas.Text); ok {
				text = t.Text
			}
		})
		if text != "" {
			return text, c.Objects[0].(*canvas.Rectangle).FillColor
		}
	}
	return "", nil
}

// queueSearch is the search box of the queue shown.
func (r *rig) queueSearch() *keyEntry {
	return find(r, func(e *keyEntry) bool { return strings.HasPrefix(e.PlaceHolder, "申请编号、姓名") })
}
