package forms

import (
	"crypto/sha256"
	"encoding/binary"
	"strconv"
	"time"

	"titledesk/data"
)

// sheet is everything a document prints, in print order. Each document type
// builds one; the renderer draws it and Digest hashes it, so what the seal
// covers is exactly what is on the paper.
type sheet struct {
	kind    data.Document // "": not sealed (日结报表)
	appNo   string
	version int
	title   string
	number  field   // the document number, printed under the title
	fields  []field // the key/value table
	lists   []list  // column tables after it
	notes   []string
	signOff []string // labels of the lines left blank for signatures

	subtitle    string    // under the title, not digested: the 日结报表's 重印 mark
	sealCaption string    // under the seal; "扫码核验" when empty
	flow        string    // the payment flow, printed as the title and notes it picks
	payURL      string    // printed as the payment QR code, not as text
	closedAt    time.Time // when set, the footer shows it instead of the print time
	invalid     error     // why the document cannot be printed as given

	// The 职称证书's: laid out as a certificate (certificate.go), its
	// statement made of its fields, its seal printed as a link to verifyURL
	// when set. None of them is digested (the statement's parts are).
	certificate bool
	statement   string
	verifyURL   string
}

// field is one printed value. The digest covers key and value, not label,
// so rewording a label in a later release does not turn old papers stale.
type field struct {
	key, label, value string
	wide              bool // takes a whole table row (long text)
}

type list struct {
	key, label string
	cols       []column
	rows       [][]string
	foot       [][]string // unnumbered rows after the others (totals)
	size       float64    // font size; bodySize when 0
}

type column struct {
	key, label string
	width      float64 // share of the table width
	right      bool    // amounts
}

// Digest is the seal digest of a document's printed fields: the first 80
// bits of SHA-256 over their canonical encoding, in base32. The caller
// computes it from the current record to detect stale papers (see
// CurrentRecord).
func Digest(doc Document) string {
	return doc.sheet().digest()
}

// digest encodes every string with a length prefix, so no field value can
// imitate a boundary.
func (s sheet) digest() string {
	h := sha256.New()
	put := func(strs ...string) {
		for _, v := range strs {
			h.Write(binary.AppendUvarint(nil, uint64(len(v))))
			h.Write([]byte(v))
		}
	}
	put("TD-DIGEST-1", string(s.kind), s.appNo, strconv.Itoa(s.version), s.number.key, s.number.value)
	for _, f := range s.fields {
		put(f.key, f.value)
	}
	// Only the payment notice has these; leaving them out when empty keeps
	// every other document's digest, and so its sealed papers, as it was.
	for _, f := range []field{{key: "flow", value: s.flow}, {key: "pay_url", value: s.payURL}} {
		if f.value != "" {
			put(f.key, f.value)
		}
	}
	for _, l := range s.lists {
		put(l.key, strconv.Itoa(len(l.cols)), strconv.Itoa(len(l.rows)))
		for _, c := range l.cols {
			put(c.key)
		}
		for _, r := range l.rows {
			put(r...)
		}
		if len(l.foot) > 0 {
			put("foot", strconv.Itoa(len(l.foot)))
			for _, r := range l.foot {
				put(r...)
			}
		}
	}
	sum := h.Sum(nil)
	return b32.EncodeToString(sum[:10])
}
