package forms

import (
	"strings"
	"testing"
	"unicode"
)

func FuzzParsePayload(f *testing.F) {
	p, err := Render(receipt, device, printedAt)
	if err != nil {
		f.Fatal(err)
	}
	c, err := Render(certificate, bureau, printedAt)
	if err != nil {
		f.Fatal(err)
	}
	link, err := SealURL(verifyURL, c.Payload)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{p.Payload, strings.ToLower(p.Payload) + "\n", "TD1", "TD1.F.A.0.AAAAAAAAAAAAAAAA.K.", "TD1.X.......", "",
		link, strings.ToLower(link), "http://a/v/" + p.Payload, "https:///v/TD1", "https://a/v/v/" + c.Payload[:40]} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParsePayload(s)
		if err != nil {
			return
		}
		// Accepted payloads have exactly one spelling, modulo case and
		// surrounding whitespace, besides their links: an http or https
		// address ending in /V/ before it.
		text := strings.ToUpper(strings.TrimSpace(s))
		if link, ok := strings.CutSuffix(text, "/V/"+got.String()); ok {
			if !strings.HasPrefix(link, "HTTP://") && !strings.HasPrefix(link, "HTTPS://") || strings.ContainsFunc(link, unicode.IsSpace) {
				t.Fatalf("%q parsed to %q", s, got.String())
			}
		} else if got.String() != text {
			t.Fatalf("%q parsed to %q", s, got.String())
		}
		Verify(s, keys, lookupOf(receipt, certificate))
	})
}

// FuzzLayout: random text never panics, and every character survives, in
// order: drawable ones as themselves, undrawable ones as the placeholder and
// in the missing list, controls as spaces, newlines as breaks.
func FuzzLayout(f *testing.F) {
	for _, s := range []string{longText, "黄𠮷祥\u9FEF", "，，，，，，，，，，", "a\r\nb\rc\td", "（（（（（（（（（", "\xff\xfe䶮㛃", strings.Repeat("W", 90)} {
		f.Add(s, uint16(3000))
	}
	m, fb, err := faces()
	if err != nil {
		f.Fatal(err)
	}
	sh := shaper{faces: [fontCount]*face{m, fb}}
	f.Fuzz(func(t *testing.T, s string, width uint16) {
		maxW := float64(width%40000) + 1
		gs, missing := sh.shape(s)
		lines := wrap(gs, maxW)
		var out []rune
		for _, l := range lines {
			w := 0.0
			for _, g := range l.glyphs {
				out = append(out, g.r)
				w += g.w
			}
			if l.width > maxW && len(strings.TrimRight(l.String(), " ")) > 1 && canFitSomewhere(l, maxW) {
				t.Errorf("line %q is %v wide, limit %v", l.String(), l.width, maxW)
			}
		}
		var want []rune
		var wantMissing []rune
		for _, r := range strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n") {
			switch {
			case r == '\n':
				continue
			case unicode.IsControl(r):
				r = ' '
			case !m.has(r) && !fb.has(r):
				if !strings.ContainsRune(string(wantMissing), r) {
					wantMissing = append(wantMissing, r)
				}
				r = placeholder
			}
			want = append(want, r)
		}
		if string(out) != string(want) {
			t.Fatalf("text changed:\n in %q\nout %q", string(want), string(out))
		}
		if string(missing) != string(wantMissing) {
			t.Fatalf("missing %q, want %q", string(missing), string(wantMissing))
		}
	})
}

// canFitSomewhere: a line may only overflow when it had no allowed break,
// i.e. it is one unbreakable run (or a run glued by the punctuation rules).
func canFitSomewhere(l line, maxW float64) bool {
	for i := 1; i < len(l.glyphs); i++ {
		if canBreak(l.glyphs[i-1].r, l.glyphs[i].r) {
			w := 0.0
			for _, g := range l.glyphs[:i] {
				w += g.w
			}
			if w <= maxW {
				return true
			}
		}
	}
	return false
}
