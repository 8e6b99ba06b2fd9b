package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// A keyboard-wedge scanner (the counter's QR and barcode gun) types what it
// reads as keystrokes into whatever holds the focus, a character every few
// milliseconds, then Enter. The scan box must get them wherever the clerk
// last clicked: keystrokes with nothing focused start the scan box, and a
// burst typed into another field is moved there (wedge).

// Burst detection: scannerBurst characters of a seal's or a number's
// alphabet, each within wedgeGap of the one before, cannot be a person
// typing (that is over 30 characters a second), nor an input method
// committing Chinese. An input method that commits four or more Latin
// letters at once into a field looks like a scanner and goes to the scan
// box, whose verdict then says it is no code; rare at a counter, as notes
// are Chinese and numbers typed digit by digit.
const (
	wedgeGap     = 30 * time.Millisecond
	scannerBurst = 4
)

// wedge follows one entry's recent keystrokes.
type wedge struct {
	runs   []rune // the latest characters typed within wedgeGap of each other
	last   time.Time
	before string // the entry's text before runs began
}

// scannerRune is whether r can come from a scanner: the seals' and numbers'
// alphabet.
func scannerRune(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '.' || r == '-' || r == ':' || r == '/'
}

// typed notes r typed at now into an entry holding text, and says whether
// it completes a scanner's burst: then burst is what the scanner typed so
// far and before the entry's text without it.
func (w *wedge) typed(r rune, text string, now time.Time) (burst string, before string, ok bool) {
	if !scannerRune(r) || now.Sub(w.last) > wedgeGap {
		w.runs, w.before = nil, text
	}
	w.last = now
	if !scannerRune(r) {
		return "", "", false
	}
	w.runs = append(w.runs, r)
	if len(w.runs) < scannerBurst {
		return "", "", false
	}
	burst, before = string(w.runs), w.before
	w.runs = nil
	return burst, before, true
}

// typedRune is a character typed with no entry focused: it goes to the
// scan box, which it focuses, as a scanner's first character or a number
// typed by hand.
func (ws *Workstation) typedRune(r rune) {
	ws.touch()
	s := ws.shell
	if s == nil || ws.isLocked() || ws.keyTaken {
		ws.keyTaken = false
		return
	}
	ws.Win.Canvas().Focus(s.ScanBox)
	s.ScanBox.TypedRune(r)
}

// toScanBox moves a scanner's burst, typed into entry e, to the scan box,
// which then takes the rest of it.
func (ws *Workstation) toScanBox(e *keyEntry, burst, before string) {
	s := ws.shell
	e.SetText(before)
	s.ScanBox.SetText(burst)
	ws.Win.Canvas().Focus(s.ScanBox)
	s.ScanBox.CursorColumn = len([]rune(burst))
	s.ScanBox.Refresh()
}

// toWindow hands a character typed into o, a widget that takes no text,
// to the window, as if nothing held the focus.
func toWindow(o fyne.CanvasObject, r rune) {
	c := fyne.CurrentApp().Driver().CanvasForObject(o)
	if c == nil || c.OnTypedRune() == nil {
		return
	}
	c.Unfocus()
	c.OnTypedRune()(r)
}

// keyList is a list (the navigation) that hands the characters typed
// while it holds the focus to the window.
type keyList struct{ widget.List }

func (l *keyList) TypedRune(r rune) { toWindow(l, r) }

// unfocus gives the keyboard back to the window after a click on a widget
// that would otherwise keep it and drop what a scanner types (a list, a
// radio group).
func (ws *Workstation) unfocus() { ws.Win.Canvas().Unfocus() }
