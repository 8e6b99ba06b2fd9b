// Package ui is the Fyne workstation: screens and widgets. It never imports
// the GL driver (fyne.io/fyne/v2/app), so it tests headless.
package ui

import (
	"context"
	"net/url"
	"os"
	"runtime/debug"
	stdsync "sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"titledesk/app"
	"titledesk/assets"
	"titledesk/data"
)

// Config is what main.go hands over.
type Config struct {
	Desk *app.Desk
	// Open shows a printed PDF in the system viewer; nil opens it with the
	// app's OpenURL (xdg-open, or the Windows file association).
	Open func(path string) error
	// IdleLock locks the screen after this long without input; 0 means
	// DefaultIdleLock.
	IdleLock time.Duration
	Hostname string // sent at enrollment
	// Home is where pictures to import are looked for; "" is the user's
	// home folder.
	Home string
}

// DefaultIdleLock suits a counter PC shared by clerks.
const DefaultIdleLock = 5 * time.Minute

// Workstation is the one window and what it shows.
type Workstation struct {
	Win  fyne.Window
	Desk *app.Desk
	cfg  Config
	ctx  context.Context

	shell *Shell
	// async runs slow work (decoding, network) off the UI goroutine; it
	// hands results back with fyne.Do. Tests run it in place.
	async func(func())
	// syncLoop starts the background sync after login; tests sync by hand,
	// as the test driver runs fyne.Do on the caller's goroutine.
	syncLoop bool
	// cardPoll is how often an open counter check looks for a card laid on
	// the reader; tests, 0, never do (they call lookForCard).
	cardPoll time.Duration
	// modifiers are the modifier keys held now (Ctrl with the wheel zooms
	// a scan); tests set them.
	modifiers func() fyne.KeyModifier
	// keys are the current screen's Enter and Esc; nil does nothing.
	onEnter, onEsc func()
	// screenKeys are the current screen's other keys, taken when no entry
	// holds the focus. keyTaken: the last key pressed was one of them, so
	// the character the same press types next (R, 0, +) is not the scan
	// box's.
	screenKeys map[fyne.KeyName]func()
	keyTaken   bool

	// clock times keystrokes, to tell a scanner from a person (wedge.go);
	// tests type with a scanner's timing through it.
	clock func() time.Time

	mu       stdsync.Mutex
	lastUsed time.Time
	locked   bool
}

// heldModifiers asks the desktop driver which modifier keys are down.
func heldModifiers() fyne.KeyModifier {
	if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok {
		return d.CurrentKeyModifiers()
	}
	return 0
}

// NewWindow builds the workstation window on a: enrollment on first run,
// then the clerk login, then the desk (at once if a clerk is logged in).
func NewWindow(a fyne.App, cfg Config) *Workstation {
	a.Settings().SetTheme(Theme{})
	a.SetIcon(fyne.NewStaticResource("Icon.png", assets.Icon))
	if cfg.IdleLock <= 0 {
		cfg.IdleLock = DefaultIdleLock
	}
	if cfg.Open == nil {
		cfg.Open = func(path string) error { return a.OpenURL(&url.URL{Scheme: "file", Path: path}) }
	}
	ws := &Workstation{Win: a.NewWindow(titleOf(cfg.Desk)), Desk: cfg.Desk, cfg: cfg, ctx: context.Background(), lastUsed: time.Now(),
		async: func(f func()) { go f() }, syncLoop: true, cardPoll: 1500 * time.Millisecond, clock: time.Now, modifiers: heldModifiers}
	if kept := cfg.Desk.IdleLock(ws.ctx); kept > 0 {
		ws.cfg.IdleLock = kept // as chosen in 设置
	}
	ws.Win.Resize(fyne.NewSize(1366, 768))
	c := ws.Win.Canvas()
	// These reach the canvas only when no widget holds the focus; entries
	// forward them through keyEntry.
	c.SetOnTypedKey(ws.typedKey)
	c.SetOnTypedRune(ws.typedRune)
	c.AddShortcut(ctrlP, func(fyne.Shortcut) { ws.touch(); ws.printShortcut() })
	switch c := ws.Desk.Clerk(); {
	case c != nil:
		ws.showShell(c) // logged in by the caller (demo, kiosk start-up)
	case ws.Desk.Enrolled():
		ws.showLogin(false)
	default:
		ws.showEnroll()
	}
	return ws
}

// The desk's memory budget is 200 MB resident (DESIGN.md section 9), and
// about 40 MB of the Go heap is the bundled CJK font, parsed once per text
// style: collecting at half the default growth and under a soft limit keeps
// the heap from doubling past the live set between collections. GOGC and
// GOMEMLIMIT in the environment still win.
const (
	gcPercent   = 50
	memoryLimit = 96 << 20
)

// Run shows the window and runs the app until it is closed.
func Run(a fyne.App, cfg Config) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	ws := NewWindow(a, cfg)
	go ws.watchIdle()
	ws.Win.ShowAndRun()
}

func (ws *Workstation) typedKey(ev *fyne.KeyEvent) {
	ws.touch()
	ws.keyTaken = false
	switch ev.Name {
	case fyne.KeyF2:
		if ws.shell != nil && !ws.isLocked() {
			ws.Win.Canvas().Focus(ws.shell.ScanBox)
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		if ws.onEnter != nil {
			ws.onEnter()
		}
	case fyne.KeyEscape:
		if ws.onEsc != nil {
			ws.onEsc()
		}
	default:
		if f := ws.screenKeys[ev.Name]; f != nil {
			f()
			ws.keyTaken = true
		}
	}
}

// keys sets what Enter and Esc do on the screen now shown.
func (ws *Workstation) keys(enter, esc func()) { ws.onEnter, ws.onEsc = enter, esc }

// touch records input, which postpones the idle lock.
func (ws *Workstation) touch() {
	ws.mu.Lock()
	ws.lastUsed = time.Now()
	ws.mu.Unlock()
}

func (ws *Workstation) isLocked() bool {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return ws.locked
}

// watchIdle locks the screen once nobody has used it for cfg.IdleLock.
func (ws *Workstation) watchIdle() {
	for range time.Tick(5 * time.Second) {
		ws.mu.Lock()
		idle := time.Since(ws.lastUsed) >= ws.cfg.IdleLock && !ws.locked && ws.Desk.Clerk() != nil
		ws.mu.Unlock()
		if idle {
			fyne.Do(ws.Lock)
		}
	}
}

// Lock ends the clerk's session but keeps the desk as it is under the lock
// screen, so unsaved input survives; only the same clerk gets it back.
func (ws *Workstation) Lock() {
	if ws.shell == nil || ws.isLocked() {
		return
	}
	ws.mu.Lock()
	ws.locked = true
	ws.mu.Unlock()
	ws.Desk.Logout()
	ws.showLogin(true)
}

// setContent replaces the window's content and forgets the old keys.
func (ws *Workstation) setContent(o fyne.CanvasObject) {
	ws.keys(nil, nil)
	ws.Win.SetContent(o)
}

// errorText is the line under a form where its errors appear, in Chinese.
func errorText() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	return l
}

func showError(l *widget.Label, err error) {
	if err == nil {
		l.SetText("")
		return
	}
	l.SetText(data.ErrorMessage(err))
}

// centered puts a form of a fixed width in the middle of the window.
func centered(width float32, o fyne.CanvasObject) fyne.CanvasObject {
	return container.New(fixedWidth(width), o)
}

// fixedWidth lays its object out at a fixed width, centred. Its height is
// asked at that width: a wrapped label knows how many lines it needs only
// once it has its width.
type fixedWidth float32

func (w fixedWidth) height(o fyne.CanvasObject) float32 {
	o.Resize(fyne.NewSize(float32(w), o.MinSize().Height))
	return o.MinSize().Height
}

func (w fixedWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		h := w.height(o)
		o.Resize(fyne.NewSize(float32(w), h))
		o.Move(fyne.NewPos((size.Width-float32(w))/2, max(size.Height-h, 0)/2))
	}
}

func (w fixedWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h = max(h, w.height(o))
	}
	return fyne.NewSize(float32(w), h)
}
