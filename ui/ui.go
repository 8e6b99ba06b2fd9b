// Package ui is the Fyne workstation: screens and widgets. It never imports
// the GL driver (fyne.io/fyne/v2/app), so it tests headless.
package ui

import (
	"fyne.io/fyne/v2"

	"titledesk/assets"
)

// Config is what main.go hands over from its flags.
type Config struct {
	DataDir string
	Role    Role
}

// NewWindow builds the workstation window on a, ready to show.
func NewWindow(a fyne.App, cfg Config) fyne.Window {
	a.Settings().SetTheme(Theme{})
	a.SetIcon(fyne.NewStaticResource("Icon.png", assets.Icon))
	w := a.NewWindow(WindowTitle)
	shell := NewShell(cfg.Role)
	w.SetContent(shell.Object())
	w.Resize(fyne.NewSize(1366, 768))
	// F2 reaches the canvas only when no widget holds the focus.
	w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyF2 {
			w.Canvas().Focus(shell.ScanBox)
		}
	})
	return w
}

// Run shows the window and runs the app until it is closed.
func Run(a fyne.App, cfg Config) {
	NewWindow(a, cfg).ShowAndRun()
}
