package forms

import (
	"encoding/binary"
	"errors"
	"math"
	"sort"
	"sync"

	"titledesk/assets"
)

// face is a TrueType font parsed once per process. gofpdf parses the whole
// font file on AddUTF8FontFromBytes and again when it writes the PDF (about
// 24 ms and 34 MB per document for the 4.6 MB main font), so documents never
// hand it the bundled files: each document gets a subset holding only the
// glyphs it draws, built from this index in well under a millisecond, and
// gofpdf parses that instead.
type face struct {
	family  string // gofpdf family name
	upem    float64
	tables  map[string][]byte
	glyphOf []uint16 // BMP rune → glyph id; 0 means the font cannot draw it
	advance []uint16 // per glyph, in font units
	loca    []uint32 // glyph i is glyf[loca[i]:loca[i+1]]
}

var (
	facesOnce sync.Once
	mainFace  *face
	fallFace  *face
	facesErr  error
)

// faces returns the main font and the CJK Extension A fallback.
func faces() (main, fallback *face, err error) {
	facesOnce.Do(func() {
		if mainFace, facesErr = parseFace("main", assets.MainFont); facesErr != nil {
			return
		}
		fallFace, facesErr = parseFace("fallback", assets.FallbackFont)
	})
	return mainFace, fallFace, facesErr
}

var errFont = errors.New("forms: unsupported TrueType font")

func parseFace(family string, b []byte) (*face, error) {
	if len(b) < 12 || binary.BigEndian.Uint32(b) != 0x00010000 {
		return nil, errFont
	}
	f := &face{family: family, tables: map[string][]byte{}}
	n := int(binary.BigEndian.Uint16(b[4:]))
	for i := 0; i < n; i++ {
		rec := b[12+16*i:]
		if len(rec) < 16 {
			return nil, errFont
		}
		off, size := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		if uint64(off)+uint64(size) > uint64(len(b)) {
			return nil, errFont
		}
		f.tables[string(rec[:4])] = b[off : off+size]
	}
	for _, t := range []string{"head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap", "name", "OS/2", "post"} {
		if f.tables[t] == nil {
			return nil, errFont
		}
	}
	head, hhea, maxp := f.tables["head"], f.tables["hhea"], f.tables["maxp"]
	f.upem = float64(binary.BigEndian.Uint16(head[18:]))
	longLoca := binary.BigEndian.Uint16(head[50:]) == 1
	numGlyphs := int(binary.BigEndian.Uint16(maxp[4:]))
	numHMetrics := int(binary.BigEndian.Uint16(hhea[34:]))
	hmtx, loca := f.tables["hmtx"], f.tables["loca"]
	if numHMetrics == 0 || len(hmtx) < 4*numHMetrics {
		return nil, errFont
	}
	f.advance = make([]uint16, numGlyphs)
	for g := range f.advance {
		// Glyphs past numberOfHMetrics share the last advance (TrueType rule).
		f.advance[g] = binary.BigEndian.Uint16(hmtx[4*min(g, numHMetrics-1):])
	}
	f.loca = make([]uint32, numGlyphs+1)
	for g := range f.loca {
		if longLoca {
			f.loca[g] = binary.BigEndian.Uint32(loca[4*g:])
		} else {
			f.loca[g] = 2 * uint32(binary.BigEndian.Uint16(loca[2*g:]))
		}
	}
	var err error
	f.glyphOf, err = parseCmap4(f.tables["cmap"], numGlyphs)
	return f, err
}

// parseCmap4 reads the first Unicode format-4 subtable, the same one gofpdf
// uses, so "the font can draw r" means the same thing here and there.
func parseCmap4(cmap []byte, numGlyphs int) ([]uint16, error) {
	n := int(binary.BigEndian.Uint16(cmap[2:]))
	for i := 0; i < n; i++ {
		rec := cmap[4+8*i:]
		platform, encoding := binary.BigEndian.Uint16(rec), binary.BigEndian.Uint16(rec[2:])
		sub := cmap[binary.BigEndian.Uint32(rec[4:]):]
		if !(platform == 3 && encoding == 1 || platform == 0) || binary.BigEndian.Uint16(sub) != 4 {
			continue
		}
		segs := int(binary.BigEndian.Uint16(sub[6:])) / 2
		ends, starts := sub[14:], sub[16+2*segs:]
		deltas, ranges := sub[16+4*segs:], sub[16+6*segs:]
		out := make([]uint16, 0x10000)
		for s := 0; s < segs; s++ {
			end := int(binary.BigEndian.Uint16(ends[2*s:]))
			start := int(binary.BigEndian.Uint16(starts[2*s:]))
			delta := binary.BigEndian.Uint16(deltas[2*s:])
			ro := int(binary.BigEndian.Uint16(ranges[2*s:]))
			for c := start; c <= end && c < 0xFFFF; c++ {
				g := uint16(c) + delta
				if ro != 0 {
					p := 2*s + ro + 2*(c-start)
					if p+2 > len(ranges) {
						continue
					}
					if g = binary.BigEndian.Uint16(ranges[p:]); g != 0 {
						g += delta
					}
				}
				if int(g) < numGlyphs {
					out[c] = g
				}
			}
		}
		return out, nil
	}
	return nil, errFont
}

// has reports whether the face draws r. Runes outside the BMP are never
// drawable: gofpdf's font code addresses UTF-16 code units only.
func (f *face) has(r rune) bool {
	return r >= 0x20 && r < 0xFFFF && f.glyphOf[r] != 0
}

// width is r's advance in 1/1000 em, rounded exactly as gofpdf rounds it, so
// our layout and gofpdf's own GetStringWidth agree to the unit.
func (f *face) width(r rune) int {
	return int(math.Round(1000 / f.upem * float64(f.advance[f.glyphOf[r]])))
}

// subset builds a TrueType font holding glyph 0 and the glyphs of runes (and
// the components of composite glyphs), renumbered densely, with a format-4
// cmap for exactly those runes.
func (f *face) subset(runes []rune) []byte {
	glyf := f.tables["glyf"]
	newID := map[uint16]uint16{0: 0}
	order := []uint16{0}
	var want func(g uint16)
	want = func(g uint16) {
		if _, ok := newID[g]; ok || int(g) >= len(f.advance) {
			return
		}
		newID[g] = 0
		order = append(order, g)
		forComponents(glyf[f.loca[g]:f.loca[g+1]], func(at int, c uint16) { want(c) })
	}
	sort.Slice(runes, func(i, j int) bool { return runes[i] < runes[j] })
	for _, r := range runes {
		want(f.glyphOf[r])
	}
	sort.Slice(order, func(i, j int) bool { return order[i] < order[j] })
	for i, g := range order {
		newID[g] = uint16(i)
	}

	var outGlyf, outLoca, outHmtx []byte
	hmtx := f.tables["hmtx"]
	numHMetrics := int(binary.BigEndian.Uint16(f.tables["hhea"][34:]))
	for _, g := range order {
		outLoca = binary.BigEndian.AppendUint32(outLoca, uint32(len(outGlyf)))
		data := append([]byte(nil), glyf[f.loca[g]:f.loca[g+1]]...)
		forComponents(data, func(at int, c uint16) { binary.BigEndian.PutUint16(data[at:], newID[c]) })
		outGlyf = append(outGlyf, data...)
		for len(outGlyf)%4 != 0 {
			outGlyf = append(outGlyf, 0)
		}
		lsb := uint16(0)
		if int(g) < numHMetrics {
			lsb = binary.BigEndian.Uint16(hmtx[4*int(g)+2:])
		} else if p := 4*numHMetrics + 2*(int(g)-numHMetrics); p+2 <= len(hmtx) {
			lsb = binary.BigEndian.Uint16(hmtx[p:])
		}
		outHmtx = binary.BigEndian.AppendUint16(outHmtx, f.advance[g])
		outHmtx = binary.BigEndian.AppendUint16(outHmtx, lsb)
	}
	outLoca = binary.BigEndian.AppendUint32(outLoca, uint32(len(outGlyf)))

	head := append([]byte(nil), f.tables["head"]...)
	binary.BigEndian.PutUint32(head[8:], 0)  // checksumAdjustment, not needed by readers
	binary.BigEndian.PutUint16(head[50:], 1) // long loca
	hhea := append([]byte(nil), f.tables["hhea"]...)
	binary.BigEndian.PutUint16(hhea[34:], uint16(len(order)))
	maxp := append([]byte(nil), f.tables["maxp"]...)
	binary.BigEndian.PutUint16(maxp[4:], uint16(len(order)))
	// post version 3: no glyph names, which would refer to the old numbering.
	post := append([]byte{0, 3, 0, 0}, f.tables["post"][4:32]...)

	out := map[string][]byte{
		"cmap": cmap4(runes, func(r rune) uint16 { return newID[f.glyphOf[r]] }),
		"glyf": outGlyf, "head": head, "hhea": hhea, "hmtx": outHmtx, "loca": outLoca,
		"maxp": maxp, "name": withoutPSName(f.tables["name"]), "OS/2": f.tables["OS/2"], "post": post,
	}
	// Hinting programs that glyph instructions may call.
	for _, t := range []string{"cvt ", "fpgm", "prep"} {
		if f.tables[t] != nil {
			out[t] = f.tables[t]
		}
	}
	return sfnt(out)
}

// withoutPSName returns a copy of a name table without its PostScript name
// (name ID 6) records; gofpdf names the PDF font itself and ignores them.
// When cairo (pdftocairo -ps, the renderer CUPS's pdftops filter is set to)
// prints a TrueType font, it splits it into Type 42 subsets of at most 256
// glyphs, a WinAnsi one for the Latin glyphs and others for the rest, each
// renumbered from glyph 1, and names every subset after the font's
// PostScript name. Ghostscript's pdfwrite (cups-pdf, "print to PDF") takes
// Type 42 fonts of one FontName and the same hinting tables for one font;
// when a glyph id is already taken by another subset's glyph it draws the
// text as a bitmap Type 3 font without Unicode, so the digits and Latin
// letters could not be found in the printed PDF. With no PostScript name,
// cairo names the subsets CairoFont-<font>-<subset>, and pdfwrite keeps them
// apart.
func withoutPSName(name []byte) []byte {
	if len(name) < 6 || binary.BigEndian.Uint16(name) != 0 {
		return name // only format 0; format 1 has language tags after the records
	}
	count := int(binary.BigEndian.Uint16(name[2:]))
	storage := int(binary.BigEndian.Uint16(name[4:]))
	if 6+12*count > storage || storage > len(name) {
		return name
	}
	out := make([]byte, 6, len(name))
	kept := 0
	for i := 0; i < count; i++ {
		if rec := name[6+12*i : 18+12*i]; binary.BigEndian.Uint16(rec[6:]) != 6 {
			out = append(out, rec...)
			kept++
		}
	}
	// The records address the strings from the start of the string storage,
	// which now follows the fewer records.
	binary.BigEndian.PutUint16(out[2:], uint16(kept))
	binary.BigEndian.PutUint16(out[4:], uint16(6+12*kept))
	return append(out, name[storage:]...)
}

// forComponents calls fn with the offset and glyph id of each component of a
// composite glyph; simple and empty glyphs have none.
func forComponents(g []byte, fn func(at int, c uint16)) {
	if len(g) < 10 || int16(binary.BigEndian.Uint16(g)) >= 0 {
		return
	}
	for p := 10; p+4 <= len(g); {
		flags := binary.BigEndian.Uint16(g[p:])
		fn(p+2, binary.BigEndian.Uint16(g[p+2:]))
		p += 4
		if flags&0x0001 != 0 { // ARG_1_AND_2_ARE_WORDS
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&0x0008 != 0: // WE_HAVE_A_SCALE
			p += 2
		case flags&0x0040 != 0: // WE_HAVE_AN_X_AND_Y_SCALE
			p += 4
		case flags&0x0080 != 0: // WE_HAVE_A_TWO_BY_TWO
			p += 8
		}
		if flags&0x0020 == 0 { // MORE_COMPONENTS
			return
		}
	}
}

// cmap4 writes a (3,1) format-4 cmap with one segment per rune (runes sorted)
// plus the required 0xFFFF terminator.
func cmap4(runes []rune, glyph func(rune) uint16) []byte {
	segs := len(runes) + 1
	var ends, starts, deltas []byte
	for _, r := range runes {
		ends = binary.BigEndian.AppendUint16(ends, uint16(r))
		starts = binary.BigEndian.AppendUint16(starts, uint16(r))
		deltas = binary.BigEndian.AppendUint16(deltas, glyph(r)-uint16(r))
	}
	ends = binary.BigEndian.AppendUint16(ends, 0xFFFF)
	starts = binary.BigEndian.AppendUint16(starts, 0xFFFF)
	deltas = binary.BigEndian.AppendUint16(deltas, 1)
	sub := []byte{0, 4, 0, 0, 0, 0}
	sub = binary.BigEndian.AppendUint16(sub, uint16(2*segs))
	search := 1
	for search*2 <= segs {
		search *= 2
	}
	sub = binary.BigEndian.AppendUint16(sub, uint16(2*search))
	sub = binary.BigEndian.AppendUint16(sub, uint16(math.Log2(float64(search))))
	sub = binary.BigEndian.AppendUint16(sub, uint16(2*(segs-search)))
	sub = append(append(append(sub, ends...), 0, 0), starts...)
	sub = append(append(sub, deltas...), make([]byte, 2*segs)...) // idRangeOffset 0
	binary.BigEndian.PutUint16(sub[2:], uint16(len(sub)))
	return append([]byte{0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12}, sub...)
}

// sfnt assembles a TrueType file from its tables, sorted by tag as the
// format requires.
func sfnt(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	n := len(tags)
	search := 1
	for search*2 <= n {
		search *= 2
	}
	out := binary.BigEndian.AppendUint32(nil, 0x00010000)
	out = binary.BigEndian.AppendUint16(out, uint16(n))
	out = binary.BigEndian.AppendUint16(out, uint16(16*search))
	out = binary.BigEndian.AppendUint16(out, uint16(math.Log2(float64(search))))
	out = binary.BigEndian.AppendUint16(out, uint16(16*(n-search)))
	off := 12 + 16*n
	var body []byte
	for _, t := range tags {
		d := tables[t]
		out = append(out, t...)
		out = binary.BigEndian.AppendUint32(out, checksum(d))
		out = binary.BigEndian.AppendUint32(out, uint32(off+len(body)))
		out = binary.BigEndian.AppendUint32(out, uint32(len(d)))
		body = append(body, d...)
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
	}
	return append(out, body...)
}

func checksum(d []byte) uint32 {
	var sum uint32
	for i := 0; i < len(d); i += 4 {
		var w [4]byte
		copy(w[:], d[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
