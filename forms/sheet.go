package forms

import (
	"crypto/sha256"
	"encoding/binary"
	"strconv"

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
	for _, l := range s.lists {
		put(l.key, strconv.Itoa(len(l.cols)), strconv.Itoa(len(l.rows)))
		for _, c := range l.cols {
			put(c.key)
		}
		for _, r := range l.rows {
			put(r...)
		}
	}
	sum := h.Sum(nil)
	return b32.EncodeToString(sum[:10])
}
