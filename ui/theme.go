package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"titledesk/assets"
)

// mainFont is the bundled CJK font: Fyne's own fonts have no Chinese glyphs,
// and the counter PCs cannot be relied on to have one installed.
var mainFont = fyne.NewStaticResource("wqy-microhei.ttf", assets.MainFont)

// Theme is Fyne's default theme drawn with the bundled CJK font, in the light
// variant a counter under office lighting reads best.
type Theme struct{}

var _ fyne.Theme = Theme{}

// inputBorder outlines entries and the unticked check boxes and radio
// buttons: Fyne's light grey was nearly invisible on a counter's screen;
// this one stands out from the background by 3.4 : 1, WCAG's 3 : 1 for
// what must be seen to be used.
var inputBorder = color.NRGBA{0x8a, 0x8a, 0x8a, 0xff}

// focusRing is what marks the widget the keys go to (a button's
// background, the ring behind a check box or radio button): Fyne's faint
// blue (16 %) could not be told from a button; this one stands out from a
// button and the background by 3 : 1. Text is near black (Fyne's is grey)
// so that it still reads on the ring at 4.5 : 1, and better everywhere.
var (
	focusRing = color.NRGBA{0x00, 0x6c, 0xff, 0xc8}
	text      = color.NRGBA{0x1a, 0x1a, 0x1a, 0xff}
)

func (Theme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNameInputBorder:
		return inputBorder
	case theme.ColorNameFocus:
		return focusRing
	case theme.ColorNameForeground:
		return text
	}
	return theme.DefaultTheme().Color(n, theme.VariantLight)
}

func (Theme) Font(fyne.TextStyle) fyne.Resource { return mainFont }

func (Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

func (Theme) Size(n fyne.ThemeSizeName) float32 { return theme.DefaultTheme().Size(n) }
