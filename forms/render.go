package forms

import (
	"bytes"
	"cmp"
	"crypto/ed25519"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"
	"github.com/skip2/go-qrcode"

	"titledesk/data"
)

// Document is one of the six printed documents: ApplicationForm, Receipt,
// DeficiencyNotice, PaymentNotice, DailyReport, Certificate.
type Document interface {
	sheet() sheet
}

// Sealer is the key that seals what is printed: the bureau key for
// application forms and certificates, the workstation's device key for
// counter documents.
type Sealer struct {
	KeyID string
	Key   ed25519.PrivateKey
	// Payload, when set, is a seal made elsewhere and printed as it is: a
	// workstation reprints the 申报表 the bureau sealed but holds no bureau key.
	Payload string
}

// Unprintable names a field holding characters neither bundled font can
// draw (or outside U+FFFF, which gofpdf cannot address). The document still
// prints, with □ in their place, and the clerk writes them in by hand.
type Unprintable struct {
	Field string // stable key, e.g. "name" or "materials[2].name"
	Label string // what the clerk sees, e.g. "姓名" or "材料清单第2行 材料名称"
	Chars string // the characters, once each
}

// Printed is a rendered document: its pages laid out once, as a PDF and,
// drawn from the same layout, as page images (Pages) for the preview and
// the printers that take pictures.
type Printed struct {
	PDF         []byte
	Payload     string // the seal's QR payload; empty for the daily report. A certificate's QR code may print it as a link (SealURL)
	Unprintable []Unprintable
	ops         []op
}

// Page geometry in millimetres; sizes in points.
const (
	pageW, pageH  = 210.0, 297.0
	marginX       = 15.0
	contentW      = pageW - 2*marginX
	topY, bottomY = 12.0, 282.0
	ptMM          = 25.4 / 72
	bodySize      = 10.5 // 五号
	denseSize     = 9.0  // 小五, for tables of long numbers
	titleSize     = 18.0
	subtitleSize  = 12.0
	smallSize     = 8.0
	lineGap       = 1.45 // line height as a multiple of the font size
	cellPad       = 1.6
	minRowH       = 8.5
	qrSize        = 30.0 // either code, quiet zone included: a phone reads it off paper
	payFramePad   = 1.5
	headGray      = 236
	borderWidth   = 0.3
	signOffRowH   = 13.0
	blockGap      = 4.0
	rendererText  = "" // text drawn by the renderer itself, never unprintable
)

// Render lays out and seals a document. at is the print time shown in the
// footer (not part of the digest: a reprint of an unchanged record carries
// the same seal data) and in the PDF's metadata. A 日结报表's footer shows
// its 关账时间 instead, so that each print of it reads the same.
func Render(doc Document, by Sealer, at time.Time) (Printed, error) {
	main, fallback, err := faces()
	if err != nil {
		return Printed{}, err
	}
	s := doc.sheet()
	if s.invalid != nil {
		return Printed{}, s.invalid
	}
	var out Printed
	switch {
	case by.Payload != "":
		out.Payload = by.Payload
	case s.kind != "":
		out.Payload, err = Seal(s.kind, s.appNo, s.version, s.digest(), by.KeyID, by.Key)
		if err != nil {
			return Printed{}, err
		}
	}
	d := &drawing{shaper: shaper{faces: [fontCount]*face{main, fallback}}, problem: map[string]int{}}
	for i := range d.used {
		d.used[i] = map[rune]bool{}
	}
	code := out.Payload
	if s.verifyURL != "" && code != "" {
		if code, err = SealURL(s.verifyURL, code); err != nil {
			return Printed{}, err
		}
	}
	switch {
	case s.certificate:
		// A certificate carries no print time: each print reads the same.
		err = d.certificate(s, code)
	default:
		err = d.sheet(s, code)
		if s.closedAt.IsZero() {
			d.footers("打印时间", at)
		} else {
			d.footers("关账时间", s.closedAt)
		}
	}
	if err != nil {
		return Printed{}, err
	}
	out.Unprintable, out.ops = d.problems, d.ops
	out.PDF, err = d.pdf(s.title, at)
	return out, err
}

// op is one drawing operation of the laid-out pages, in millimetres from
// the page's top left. The layout is recorded, not drawn at once: gofpdf
// must be given the fonts before anything is drawn, the font subsets can
// only be built once every character on every page is known, and the same
// operations draw the page images (raster.go).
type op struct {
	kind       opKind
	x, y, w, h float64 // text: x and baseline y; line: from (x, y) to (x+w, y+h)
	fill       bool    // rect: shaded, with its border
	font       int     // text: index into faces
	size       float64 // text: points
	text       string
	page       int      // setPage: 1-based
	modules    [][]bool // qr: the bitmap with its quiet zone, w wide
}

type opKind uint8

const (
	opNewPage opKind = iota
	opSetPage
	opText
	opRect
	opLine
	opQR
)

// drawing lays a document out into ops.
type drawing struct {
	shaper
	ops      []op
	used     [fontCount]map[rune]bool
	y        float64
	pages    int
	problems []Unprintable
	problem  map[string]int // field key → index in problems
}

func (d *drawing) pdf(title string, at time.Time) ([]byte, error) {
	p := gofpdf.New("P", "mm", "A4", "")
	p.SetCatalogSort(true) // byte-identical output for identical input
	p.SetCreationDate(at)
	p.SetModificationDate(at)
	p.SetTitle(title, true)
	p.SetCreator("TitleDesk", true)
	p.SetAutoPageBreak(false, 0)
	p.SetLineWidth(borderWidth)
	for i, f := range d.faces {
		if len(d.used[i]) == 0 {
			continue
		}
		runes := make([]rune, 0, len(d.used[i]))
		for r := range d.used[i] {
			runes = append(runes, r)
		}
		p.AddUTF8FontFromBytes(f.family, "", f.subset(runes))
	}
	for _, o := range d.ops {
		switch o.kind {
		case opNewPage:
			p.AddPage()
		case opSetPage:
			p.SetPage(o.page)
		case opText:
			p.SetFont(d.faces[o.font].family, "", o.size)
			p.Text(o.x, o.y, o.text)
		case opRect:
			if o.fill {
				p.SetFillColor(headGray, headGray, headGray)
				p.Rect(o.x, o.y, o.w, o.h, "FD")
			} else {
				p.Rect(o.x, o.y, o.w, o.h, "D")
			}
		case opLine:
			p.Line(o.x, o.y, o.x+o.w, o.y+o.h)
		case opQR:
			// Vector modules, a run of dark ones to a rectangle: crisp at any
			// print resolution and a few hundred bytes.
			p.SetFillColor(0, 0, 0)
			m := o.w / float64(len(o.modules))
			for r, row := range o.modules {
				for c := 0; c < len(row); {
					if !row[c] {
						c++
						continue
					}
					start := c
					for c < len(row) && row[c] {
						c++
					}
					p.Rect(o.x+float64(start)*m, o.y+float64(r)*m, float64(c-start)*m, m, "F")
				}
			}
		}
	}
	var buf bytes.Buffer
	err := p.Output(&buf)
	return buf.Bytes(), err
}

func (d *drawing) newPage() {
	d.pages++
	d.y = topY
	d.ops = append(d.ops, op{kind: opNewPage})
}

// lines shapes and wraps text to width (mm) at size, noting characters no
// font draws against the field key.
func (d *drawing) lines(text string, size, width float64, key, label string) []line {
	gs, missing := d.shape(text)
	if len(missing) > 0 && key != rendererText {
		i, ok := d.problem[key]
		if !ok {
			i = len(d.problems)
			d.problem[key] = i
			d.problems = append(d.problems, Unprintable{Field: key, Label: label})
		}
		d.problems[i].Chars += string(missing)
	}
	return wrap(gs, width/(size*ptMM)*1000)
}

// mm converts a width in 1/1000 em at size to millimetres.
func mm(w, size float64) float64 { return w / 1000 * size * ptMM }

// text draws one line with its left edge at x and baseline at y, one op per
// run of characters in the same font.
func (d *drawing) text(l line, x, y, size float64) {
	for i := 0; i < len(l.glyphs); {
		f := l.glyphs[i].font
		var run strings.Builder
		w := 0.0
		for ; i < len(l.glyphs) && l.glyphs[i].font == f; i++ {
			g := l.glyphs[i]
			run.WriteRune(g.r)
			d.used[f][g.r] = true
			w += g.w
		}
		d.ops = append(d.ops, op{kind: opText, x: x, y: y, font: f, size: size, text: run.String()})
		x += mm(w, size)
	}
}

// label draws renderer text (titles, captions) aligned within [x, x+w].
func (d *drawing) label(s string, x, w, baseline, size float64, align byte) {
	for _, l := range d.lines(s, size, w, rendererText, "") {
		d.text(l, alignX(l, x, w, size, align), baseline, size)
		baseline += size * ptMM * lineGap
	}
}

func alignX(l line, x, w, size float64, align byte) float64 {
	switch align {
	case 'C':
		return x + (w-mm(l.width, size))/2
	case 'R':
		return x + w - mm(l.width, size)
	}
	return x
}

func (d *drawing) rect(x, y, w, h float64, fill bool) {
	d.ops = append(d.ops, op{kind: opRect, x: x, y: y, w: w, h: h, fill: fill})
}

// sheet draws the whole document: header with seal, the field table, the
// lists, notes and sign-off lines.
func (d *drawing) sheet(s sheet, payload string) error {
	d.newPage()
	if payload != "" {
		// Level Q (25% recovery) survives a creased or smudged paper.
		x, y := pageW-marginX-qrSize, topY-4
		if err := d.qr(payload, qrcode.High, x, y); err != nil {
			return err
		}
		d.label(cmp.Or(s.sealCaption, "扫码核验"), x, qrSize, y+qrSize+2.5, smallSize, 'C')
	}
	// Title and subtitle are centred in the band clear of the seal; a title
	// too long for it is set smaller rather than run under the seal.
	bandW := contentW - 2*(qrSize+4)
	size := titleSize
	if w := mm(d.lines(s.title, titleSize, math.Inf(1), rendererText, "")[0].width, titleSize); w > bandW {
		size *= bandW / w
	}
	d.label(s.title, marginX, contentW, topY+12, size, 'C')
	if s.subtitle != "" {
		d.label(s.subtitle, marginX+qrSize+4, bandW, topY+18.5, subtitleSize, 'C')
	}
	numW := contentW - qrSize - 4
	if s.number.value != "" {
		base := topY + 24
		x := marginX + d.label1(s.number.label+"：", marginX, base, bodySize)
		for i, l := range d.lines(s.number.value, bodySize, marginX+numW-x, s.number.key, s.number.label) {
			d.text(l, x, base+float64(i)*bodySize*ptMM*lineGap, bodySize)
		}
	}
	d.y = topY + qrSize
	d.table(bodySize, []float64{0.17, 0.33, 0.17, 0.33}, nil, fieldRows(s.fields))
	for _, l := range s.lists {
		d.y += blockGap
		widths, head, rows := listTable(l)
		d.table(cmp.Or(l.size, bodySize), widths, head, rows)
	}
	if s.payURL != "" {
		if err := d.payBlock(s.payURL, s.notes); err != nil {
			return err
		}
	} else {
		d.notes(s.notes, contentW)
	}
	d.signOff(s.signOff)
	return nil
}

// notes draws the notes in a column w wide at the left margin.
func (d *drawing) notes(notes []string, w float64) {
	lh := (bodySize - 1) * ptMM * lineGap
	for _, n := range notes {
		d.y += 2
		for _, l := range d.lines(n, bodySize-1, w, rendererText, "") {
			d.breakIfBelow(lh)
			d.y += lh
			d.text(l, marginX, d.y-1, bodySize-1)
		}
	}
}

// payBlock draws the payment QR code framed at the right, captioned apart
// from the seal, with the notes (how to pay) in a column beside it.
func (d *drawing) payBlock(url string, notes []string) error {
	frameW := qrSize + 2*payFramePad
	capTop := payFramePad + qrSize + 3.6 // the caption stays out of the quiet zone
	frameH := capTop + 3.6 + payFramePad
	d.y += blockGap
	d.breakIfBelow(frameH)
	top, page := d.y, d.pages
	x := marginX + contentW - frameW
	d.rect(x, top, frameW, frameH, false)
	// Level M: a phone reads it close up, and a long link keeps larger modules.
	if err := d.qr(url, qrcode.Medium, x+payFramePad, top+payFramePad); err != nil {
		return err
	}
	d.label("扫码缴费", x, frameW, top+capTop, bodySize, 'C')
	d.label("微信或手机银行扫码", x, frameW, top+capTop+3.6, smallSize, 'C')
	d.y -= 2 // the first note's gap is the block's
	d.notes(notes, contentW-frameW-4)
	if d.pages == page {
		d.y = max(d.y, top+frameH)
	}
	return nil
}

func (d *drawing) breakIfBelow(h float64) {
	if d.y+h > bottomY {
		d.newPage()
	}
}

// signOff draws label + blank line pairs, two per row.
func (d *drawing) signOff(labels []string) {
	if len(labels) == 0 {
		return
	}
	d.y += 4
	d.breakIfBelow(signOffRowH * math.Ceil(float64(len(labels))/2))
	half := contentW / 2
	for i, lb := range labels {
		x := marginX + float64(i%2)*half
		if i%2 == 0 {
			d.y += signOffRowH
		}
		lbW := d.label1(lb+"：", x, d.y, bodySize)
		d.ops = append(d.ops, op{kind: opLine, x: x + lbW, y: d.y + 1, w: half - 8 - lbW})
	}
}

// label1 draws one-line renderer text at x and returns its width.
func (d *drawing) label1(s string, x, baseline, size float64) float64 {
	l := d.lines(s, size, contentW, rendererText, "")[0]
	d.text(l, x, baseline, size)
	return mm(l.width, size)
}

// footers adds the time stamp and page numbers once the page count is known.
func (d *drawing) footers(label string, at time.Time) {
	n := d.pages
	for i := 1; i <= n; i++ {
		d.ops = append(d.ops, op{kind: opSetPage, page: i})
		d.label(fmt.Sprintf("%s：%s　　第 %d 页 共 %d 页", label, cnTime(at), i, n), marginX, contentW, pageH-9, smallSize, 'C')
	}
}

// qr draws a QR code qrSize square at (x, y).
func (d *drawing) qr(content string, level qrcode.RecoveryLevel, x, y float64) error {
	q, err := qrcode.New(content, level)
	if err != nil {
		return data.Errorf(data.EINVALID, "无法生成二维码：%w", err)
	}
	// The bitmap includes the 4-module quiet zone.
	d.ops = append(d.ops, op{kind: opQR, x: x, y: y, w: qrSize, h: qrSize, modules: q.Bitmap()})
	return nil
}

// cell is one table cell.
type cell struct {
	text       string
	key, label string // the field it prints, for unprintable reports
	head       bool   // shaded, centred label
	span       int    // columns covered; 0 means 1
	right      bool
}

// fieldRows lays key/value fields out two pairs to a row; a wide field, or a
// field left alone before one, takes the whole row.
func fieldRows(fs []field) [][]cell {
	var rows [][]cell
	for i := 0; i < len(fs); i++ {
		f := fs[i]
		row := []cell{{text: f.label, head: true}, {text: f.value, key: f.key, label: f.label, span: 3}}
		if !f.wide && i+1 < len(fs) && !fs[i+1].wide {
			g := fs[i+1]
			row[1].span = 1
			row = append(row, cell{text: g.label, head: true}, cell{text: g.value, key: g.key, label: g.label})
			i++
		}
		rows = append(rows, row)
	}
	return rows
}

// listTable turns a list into a numbered column table whose two header rows
// (the list's title, the column names) repeat after a page break.
func listTable(l list) (widths []float64, head, rows [][]cell) {
	widths = []float64{0.07}
	cols := []cell{{text: "序号", head: true}}
	for _, c := range l.cols {
		widths = append(widths, c.width)
		cols = append(cols, cell{text: c.label, head: true})
	}
	head = [][]cell{{{text: l.label, head: true, span: len(widths)}}, cols}
	for i, r := range l.rows {
		row := []cell{{text: fmt.Sprint(i + 1), head: true}}
		for j, v := range r {
			c := l.cols[j]
			row = append(row, cell{text: v, right: c.right,
				key:   fmt.Sprintf("%s[%d].%s", l.key, i+1, c.key),
				label: fmt.Sprintf("%s第%d行 %s", l.label, i+1, c.label)})
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		rows = [][]cell{{{text: "（无）", span: len(widths)}}}
	}
	// A foot row's first value is its label and takes the 序号 column too.
	for _, r := range l.foot {
		row := []cell{{text: r[0], head: true, span: 2}}
		for j, v := range r[1:] {
			row = append(row, cell{text: v, right: l.cols[j+1].right})
		}
		rows = append(rows, row)
	}
	return widths, head, rows
}

// table is the one bordered-table renderer every document uses, in font
// size. widths are shares of the content width. A row taller than the space
// left continues on the next page, under repeated header rows.
func (d *drawing) table(size float64, widths []float64, head, rows [][]cell) {
	d.tableAt(marginX, contentW, minRowH, size, widths, head, rows)
}

// tableAt is table at left edge x0, totalW wide, rows at least minH tall.
func (d *drawing) tableAt(x0, totalW, minH, size float64, widths []float64, head, rows [][]cell) {
	lh := size * ptMM * lineGap
	type laid struct {
		x, w  float64
		c     cell
		lines []line
	}
	layRow := func(row []cell) []laid {
		var out []laid
		x, col := x0, 0
		for _, c := range row {
			w := 0.0
			for k := 0; k < max(c.span, 1); k++ {
				w += widths[col+k] * totalW
			}
			col += max(c.span, 1)
			out = append(out, laid{x, w, c, d.lines(c.text, size, w-2*cellPad, c.key, c.label)})
			x += w
		}
		return out
	}
	// drawChunk draws up to n lines of each cell, from line `from`, as one
	// bordered band.
	drawChunk := func(cells []laid, from, n int) {
		h := max(float64(n)*lh+2*cellPad, minH)
		for _, c := range cells {
			d.rect(c.x, d.y, c.w, h, c.c.head)
			ls := c.lines[min(from, len(c.lines)):min(from+n, len(c.lines))]
			top := d.y + (h-float64(len(ls))*lh)/2
			for i, l := range ls {
				align := byte('L')
				if c.c.head {
					align = 'C'
				} else if c.c.right {
					align = 'R'
				}
				x := alignX(l, c.x+cellPad, c.w-2*cellPad, size, align)
				// Baseline about 78% down the line box suits CJK faces.
				d.text(l, x, top+float64(i)*lh+lh*0.78, size)
			}
		}
		d.y += h
	}
	var drawRow func(row []cell, isHead bool)
	drawRow = func(row []cell, isHead bool) {
		cells := layRow(row)
		n := 0
		for _, c := range cells {
			n = max(n, len(c.lines))
		}
		for from := 0; ; {
			left := n - from
			fit := int((bottomY - d.y - 2*cellPad) / lh)
			if max(float64(left)*lh+2*cellPad, minH) <= bottomY-d.y {
				drawChunk(cells, from, left)
				return
			}
			if isHead || fit < 2 { // start afresh rather than leave a sliver
				d.newPage()
				if !isHead {
					for _, h := range head {
						drawRow(h, true)
					}
				}
				continue
			}
			drawChunk(cells, from, fit)
			from += fit
		}
	}
	// Keep the header rows with at least one row under them.
	d.breakIfBelow(float64(len(head)+1) * minH)
	for _, h := range head {
		drawRow(h, true)
	}
	for _, r := range rows {
		drawRow(r, false)
	}
}

// cnDate formats a date the way Chinese forms print it; zero prints blank.
func cnDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(data.Shanghai).Format("2006年1月2日")
}

// cnTime is cnDate with the time of day.
func cnTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(data.Shanghai).Format("2006年1月2日 15:04")
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
