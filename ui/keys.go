package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// ctrlP prints the document of the application shown (打印).
var ctrlP = &desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierShortcutDefault}

// keyEntry is every entry of the workstation. A focused Fyne entry keeps
// every key and shortcut to itself, so it hands the window's keys (F2, Esc,
// Ctrl+P, and Enter when it has no submit of its own) back to the window:
// the common path then needs no mouse.
type keyEntry struct {
	widget.Entry
	ws    *Workstation
	wedge wedge
}

// TypedRune types r, unless it completes a scanner's burst into a field
// other than the scan box: the burst then moves to the scan box (wedge.go).
// A password is never moved, nor anything typed while the desk is locked.
func (e *keyEntry) TypedRune(r rune) {
	e.ws.touch()
	if s := e.ws.shell; s != nil && e != s.ScanBox && !e.Password && !e.ws.isLocked() {
		if burst, before, ok := e.wedge.typed(r, e.Text, e.ws.clock()); ok {
			e.ws.toScanBox(e, burst, before)
			return
		}
	}
	e.Entry.TypedRune(r)
}

func (ws *Workstation) newEntry(placeholder string) *keyEntry {
	e := &keyEntry{ws: ws}
	e.ExtendBaseWidget(e)
	e.SetPlaceHolder(placeholder)
	// Every change is input: it postpones the idle lock.
	e.OnChanged = func(string) { ws.touch() }
	return e
}

func (e *keyEntry) TypedKey(ev *fyne.KeyEvent) {
	switch {
	case ev.Name == fyne.KeyF2 || ev.Name == fyne.KeyEscape:
		e.ws.typedKey(ev)
	case (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter) && !e.MultiLine && e.OnSubmitted == nil:
		e.ws.typedKey(ev)
	default:
		e.ws.touch()
		e.Entry.TypedKey(ev)
	}
}

func (e *keyEntry) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok && cs.ShortcutName() == ctrlP.ShortcutName() {
		e.ws.touch()
		e.ws.printShortcut()
		return
	}
	e.Entry.TypedShortcut(s)
}

// button is a button that counts as input for the idle lock.
func (ws *Workstation) button(label string, tapped func()) *widget.Button {
	return widget.NewButton(label, func() { ws.touch(); tapped() })
}
