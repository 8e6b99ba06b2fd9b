package forms

import (
	"encoding/binary"
	"testing"
)

// TestSubsetHasNoPostScriptName: the subsets carry no PostScript name (see
// withoutPSName) but keep the rest of the name table readable.
func TestSubsetHasNoPostScriptName(t *testing.T) {
	main, fallback, err := faces()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []*face{main, fallback} {
		var runes []rune
		for _, r := range "KH2026-000123 李䶮" {
			if f.has(r) {
				runes = append(runes, r)
			}
		}
		sub, err := parseFace(f.family, f.subset(runes))
		if err != nil {
			t.Fatalf("%s: %v", f.family, err)
		}
		name := sub.tables["name"]
		count, storage := int(binary.BigEndian.Uint16(name[2:])), int(binary.BigEndian.Uint16(name[4:]))
		if storage != 6+12*count {
			t.Fatalf("%s: %d records, strings at %d", f.family, count, storage)
		}
		family := 0
		for i := 0; i < count; i++ {
			rec := name[6+12*i:]
			id := binary.BigEndian.Uint16(rec[6:])
			n, off := int(binary.BigEndian.Uint16(rec[8:])), int(binary.BigEndian.Uint16(rec[10:]))
			if storage+off+n > len(name) {
				t.Fatalf("%s: name record %d past the table", f.family, i)
			}
			switch id {
			case 6:
				t.Errorf("%s: PostScript name %q", f.family, name[storage+off:storage+off+n])
			case 1:
				family++
			}
		}
		if family == 0 {
			t.Errorf("%s: no family name left", f.family)
		}
	}
}
