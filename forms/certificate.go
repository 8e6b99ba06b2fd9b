package forms

import (
	"math"
	"time"

	"github.com/skip2/go-qrcode"

	"titledesk/data"
)

// The 职称证书's page: a framed certificate, not a form. Its title, a
// statement of the qualification, the fields in a table, the seal at the
// bottom left and the issuer with the date at the bottom right.
const (
	certFrame      = 10.0 // the frame's outer double line, from the page edge
	certFrameInner = 14.5 // its inner line
	certLeft       = 30.0 // the text column
	certW          = pageW - 2*certLeft
	certTitleSize  = 30.0
	certTitleGap   = 3.5 // between the title's characters, mm
	certTextSize   = 15.0
	certTableSize  = 12.0
	certRowH       = 11.0
	// The seal's modules are 1/50 inch, whole pixels at the 150, 300 and
	// 600 dpi scanners and printers work at (zbar fails to read some codes
	// whose modules fall on half pixels): the code is 31–37 mm wide for the
	// lengths of link a seal makes, its modules as large as a form seal's.
	certModule   = 25.4 / 50
	certBlockTop = 206.0
	certNoteY    = 274.0
)

// certificate draws a Certificate's sheet on one page; code is what its QR
// code holds (the payload, or its link).
func (d *drawing) certificate(s sheet, code string) error {
	d.newPage()
	d.frame()

	d.spaced(s.title, 50, certTitleSize, certTitleGap)
	for _, y := range []float64{57.5, 58.6} {
		d.ops = append(d.ops, op{kind: opLine, x: pageW/2 - 45, y: y, w: 90})
	}

	// The statement, indented two characters as a Chinese paragraph is.
	// Its parts are fields and reported from the table.
	lh := certTextSize * ptMM * 1.9
	base := d.para("\u3000\u3000"+s.statement, rendererText, "", certLeft, certW, 76, certTextSize, lh, 'L')

	var rows [][]cell
	for _, f := range s.fields {
		if f.key == "issuer" || f.key == "app_no" {
			continue
		}
		rows = append(rows, []cell{{text: f.label, head: true}, {text: f.value, key: f.key, label: f.label}})
	}
	d.y = base - lh + 12
	d.tableAt(certLeft, certW, certRowH, certTableSize, []float64{0.28, 0.72}, nil, rows)

	// The seal at the bottom left, its captions centred under it.
	// Laid out under the table, then moved up as far as the table allows
	// when long values would run it into the note at the foot.
	tableEnd, first := d.y, len(d.ops)
	top := max(certBlockTop, tableEnd+12)
	small := 7 * ptMM * lineGap
	bottom, qrW := top, 0.0
	if code != "" {
		// Level Q (25% recovery), as the forms' seals.
		q, err := qrcode.New(code, qrcode.High)
		if err != nil {
			return data.Errorf(data.EINVALID, "无法生成二维码：%w", err)
		}
		bitmap := q.Bitmap() // with its 4-module quiet zone
		qrW = float64(len(bitmap)) * certModule
		// Its dark modules, not its quiet zone, line up with the table.
		x := certLeft - 4*certModule
		d.ops = append(d.ops, op{kind: opQR, x: x, y: top, w: qrW, h: qrW, modules: bitmap})
		capX, capW := x+qrW/2-25, 50.0
		y := top + qrW + 3.6 // clear of the quiet zone
		d.label("扫码核验", capX, capW, y, bodySize, 'C')
		y += 4.2
		if s.verifyURL != "" {
			y = d.para("核验网址："+s.verifyURL, "verify_url", "核验网址", capX, capW, y, 7, small, 'C')
		}
		no := s.field("app_no")
		bottom = d.para(no.label+"："+no.value, no.key, no.label, capX, capW, y, 7, small, 'C') - small + 1
	}

	// The issuer and the date in Chinese numerals at the bottom right, where
	// a seal would be stamped.
	issuer, issued := s.field("issuer"), s.field("issued_at")
	colX, colW := pageW/2+5, pageW-certLeft-(pageW/2+5)
	y := top + max(qrW, 30)/2 - 2
	y = d.para(issuer.value, issuer.key, issuer.label, colX, colW, y, certTextSize, certTextSize*ptMM*1.6, 'C')
	if t, err := time.ParseInLocation("2006年1月2日", issued.value, data.Shanghai); err == nil {
		y = d.para(cnNumeralDate(t), issued.key, issued.label, colX, colW, y+2, certTextSize, lh, 'C')
	}
	bottom = max(bottom, y-lh+1.5)

	if over := bottom - (certNoteY - 6); over > 0 {
		up := max(0, min(over, top-(tableEnd+6)))
		for i := first; i < len(d.ops); i++ {
			d.ops[i].y -= up
		}
		bottom -= up
	}
	noteY := min(max(certNoteY, bottom+6), pageH-certFrameInner-3)
	for _, n := range s.notes {
		noteY = d.para(n, rendererText, "", certLeft, certW, noteY, smallSize, smallSize*ptMM*lineGap, 'C')
	}
	return nil
}

// frame draws the certificate's border: a double line and, inside it, a
// thin one with corner brackets.
func (d *drawing) frame() {
	for _, in := range []float64{certFrame, certFrame + 1.1} {
		d.rect(in, in, pageW-2*in, pageH-2*in, false)
	}
	in := certFrameInner
	d.rect(in, in, pageW-2*in, pageH-2*in, false)
	const arm, off = 9.0, 2.5
	for _, c := range [][4]float64{ // corner, and which way the arms go
		{in + off, in + off, 1, 1}, {pageW - in - off, in + off, -1, 1},
		{in + off, pageH - in - off, 1, -1}, {pageW - in - off, pageH - in - off, -1, -1},
	} {
		d.ops = append(d.ops,
			op{kind: opLine, x: c[0], y: c[1], w: c[2] * arm},
			op{kind: opLine, x: c[0], y: c[1], h: c[3] * arm})
	}
}

// spaced draws one line of renderer text centred on the page, its
// characters gap mm apart.
func (d *drawing) spaced(s string, baseline, size, gap float64) {
	l := d.lines(s, size, math.Inf(1), rendererText, "")[0]
	w := mm(l.width, size) + gap*float64(len(l.glyphs)-1)
	x := (pageW - w) / 2
	for _, g := range l.glyphs {
		d.text(line{glyphs: []glyph{g}, width: g.w}, x, baseline, size)
		x += mm(g.w, size) + gap
	}
}

// para draws text wrapped to [x, x+w], aligned, lh apart from the first
// baseline on, reporting characters no font draws against key (not when it
// is rendererText). It returns the baseline after its last line.
func (d *drawing) para(text, key, label string, x, w, baseline, size, lh float64, align byte) float64 {
	for _, l := range d.lines(text, size, w, key, label) {
		d.text(l, alignX(l, x, w, size, align), baseline, size)
		baseline += lh
	}
	return baseline
}

// field is the sheet's field of key; a zero field when there is none.
func (s sheet) field(key string) field {
	for _, f := range s.fields {
		if f.key == key {
			return f
		}
	}
	return field{}
}

// cnNumeralDate writes a date as certificates do, in Chinese numerals:
// 二〇二六年十月十二日.
func cnNumeralDate(t time.Time) string {
	const digits = "〇一二三四五六七八九"
	digit := func(n int) string { return string([]rune(digits)[n]) }
	small := func(n int) string { // 1–31
		switch {
		case n < 10:
			return digit(n)
		case n == 10:
			return "十"
		case n < 20:
			return "十" + digit(n%10)
		case n%10 == 0:
			return digit(n/10) + "十"
		}
		return digit(n/10) + "十" + digit(n%10)
	}
	t = t.In(data.Shanghai)
	var y string
	for _, c := range t.Format("2006") {
		y += digit(int(c - '0'))
	}
	return y + "年" + small(int(t.Month())) + "月" + small(t.Day()) + "日"
}
