package forms

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Our own line breaker: gofpdf's MultiCell/SplitText drop one CJK character
// at every automatic break and panic on runes outside U+FFFF.

const (
	fontMain = iota
	fontFallback
	fontCount
)

// placeholder is drawn where a character neither font can draw stands, so
// the clerk sees where to write it by hand.
const placeholder = '□'

// glyph is one laid-out character.
type glyph struct {
	r    rune
	font int
	w    float64 // advance in 1/1000 em
}

// line is a laid-out line; width in 1/1000 em excludes trailing spaces.
type line struct {
	glyphs []glyph
	width  float64
}

func (l line) String() string {
	var b strings.Builder
	for _, g := range l.glyphs {
		b.WriteRune(g.r)
	}
	return b.String()
}

// shaper picks a font per character and measures it.
type shaper struct {
	faces [fontCount]*face
}

// shape maps text to glyphs: "\r\n" and "\r" become "\n" (a forced break,
// kept as a zero-width glyph), other control characters a space, and a
// character no font draws the placeholder. missing lists those characters
// once each, in order of appearance.
func (s shaper) shape(text string) (gs []glyph, missing []rune) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	gs = make([]glyph, 0, utf8.RuneCountInString(text))
	for _, r := range text {
		switch {
		case r == '\n' || r == '\r':
			gs = append(gs, glyph{r: '\n'})
			continue
		case unicode.IsControl(r):
			r = ' '
		}
		g, ok := s.glyph(r)
		if !ok {
			if !strings.ContainsRune(string(missing), r) {
				missing = append(missing, r)
			}
			g, _ = s.glyph(placeholder)
		}
		gs = append(gs, g)
	}
	return gs, missing
}

func (s shaper) glyph(r rune) (glyph, bool) {
	for i, f := range s.faces {
		if f.has(r) {
			return glyph{r: r, font: i, w: float64(f.width(r))}, true
		}
	}
	return glyph{}, false
}

// wrap breaks shaped text into lines no wider than maxW (1/1000 em) where it
// can: breaks fall between CJK characters or at spaces, never inside a run of
// Latin letters and digits (ID numbers, amounts) unless the run alone is
// wider than a line; a line never starts with closing punctuation nor ends
// with opening punctuation; trailing spaces may overhang. Every glyph except
// the forced-break markers ends up in exactly one line, in order.
func wrap(gs []glyph, maxW float64) []line {
	var lines []line
	start, w := 0, 0.0
	emit := func(end int) {
		l := line{glyphs: gs[start:end]}
		ink := len(l.glyphs)
		for ink > 0 && l.glyphs[ink-1].r == ' ' {
			ink--
		}
		for _, g := range l.glyphs[:ink] {
			l.width += g.w
		}
		lines = append(lines, l)
	}
	for i := 0; i < len(gs); i++ {
		if gs[i].r == '\n' {
			emit(i)
			start, w = i+1, 0
			continue
		}
		if w+gs[i].w > maxW && i > start && gs[i].r != ' ' {
			j := i
			for j > start && !canBreak(gs[j-1].r, gs[j].r) {
				j--
			}
			if j == start { // no break opportunity: cut the run, still not before closing punctuation
				for j = i; j > start+1 && isClosing(gs[j].r); j-- {
				}
			}
			emit(j)
			start, w = j, 0
			for _, g := range gs[start:i] {
				w += g.w
			}
		}
		w += gs[i].w
	}
	emit(len(gs))
	return lines
}

// canBreak reports whether a line may end after a and the next begin with b.
func canBreak(a, b rune) bool {
	switch {
	case isClosing(b) || isOpening(a) || b == ' ':
		return false
	case a == ' ' || a == '-': // long hyphenated numbers may break after a hyphen
		return true
	}
	return !(isWordChar(a) && isWordChar(b))
}

// isWordChar: characters of alphabetic scripts and digits, which break only
// at spaces. Everything from CJK Radicals (U+2E80) up breaks anywhere.
func isWordChar(r rune) bool { return r < 0x2E80 && r != ' ' }

// Closing and opening punctuation for the line-start and line-end rules
// (禁则): full-width and ASCII forms.
const (
	closingPunct = "，。、；：？！）」』》〉】〕｝〗〙”’…‥·〃々ー～%％‰℃°,.;:?!)]}"
	openingPunct = "（「『《〈【〔｛〖〘“‘([{￥$"
)

func isClosing(r rune) bool { return strings.ContainsRune(closingPunct, r) }
func isOpening(r rune) bool { return strings.ContainsRune(openingPunct, r) }
