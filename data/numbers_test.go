package data

import (
	"testing"
	"time"
)

// A number a desk issued reads back as the counter that issued it, so a
// restored desk can continue after it; other texts are not taken for one.
func TestDeviceNumbersReadBack(t *testing.T) {
	at := time.Date(2026, 12, 3, 23, 30, 0, 0, Shanghai)
	next := at.Add(time.Hour) // the next day in Shanghai
	for _, tc := range []struct {
		no     string
		issued string // the counter the desk raised to issue it
		device string
		seq    int64
	}{
		{CertificateNo("B2", next, 7), NumberCounter(SeriesCertificate, next), "B2", 7},
	} {
		n, ok := ParseDeviceNumber(tc.no)
		if !ok || n.Counter() != tc.issued || n.Device != tc.device || n.Seq != tc.seq {
			t.Errorf("%s: %+v %v, want counter %s", tc.no, n, ok, tc.issued)
		}
	}
	if c := NumberCounter(SeriesCertificate, next); c != "certificate/20261204" {
		t.Errorf("counter of %v: %s", next, c)
	}
	for _, no := range []string{"", "R-2026000123-5", DeviceNumber{Series: SeriesCertificate, Device: "B2", Day: "20261203", Seq: 1}.String()[:12], "ZC-B2-20261203-x", "N-DLXH-A7-20261203-0001", "ZC-B2-20261203-0000", "GD2026000001", "4419202612030001"} {
		if n, ok := ParseDeviceNumber(no); ok {
			t.Errorf("%q read as %+v", no, n)
		}
	}
}

func TestCertificatePattern(t *testing.T) {
	at := time.Date(2026, 12, 31, 20, 0, 0, 0, time.UTC) // 2027 in Shanghai
	for _, tc := range []struct {
		p    CertificatePattern
		want string // "" for refused
	}{
		{DefaultCertificatePattern, "粤职证字 2027-000042"},
		{"东职证〔{YYYY}〕{SEQ:4}号", "东职证〔2027〕0042号"},
		{"{SEQ:3}/{YYYY}", "042/2027"},
		{"粤职证字 {SEQ:6}", ""},           // no year: numbers would repeat
		{"粤职证字 {YYYY}", ""},            // no sequence
		{"{YYYY}-{SEQ:6}-{SEQ:6}", ""}, // two sequences
		{"{YYYY}-{SEQ:2}", ""},         // too narrow for a year
		{"{YYYY}-{NO:6}", ""},          // unknown token
		{"{YYYY}-{SEQ:6}}", ""},        // stray brace
		{"粤职证字\x1b{YYYY}-{SEQ:6}", ""}, // control character
		{"粤职证字\n{YYYY}-{SEQ:6}", ""},   // two lines
	} {
		err := tc.p.Check()
		if (err == nil) != (tc.want != "") {
			t.Errorf("%q: %v", tc.p, err)
			continue
		}
		if err == nil {
			if got := tc.p.Format(at, 42); got != tc.want {
				t.Errorf("%q: %q, want %q", tc.p, got, tc.want)
			}
		} else if ErrorCode(err) != EINVALID {
			t.Errorf("%q: %v", tc.p, err)
		}
	}
	if CertificateYear(at) != "certificate-year/2027" {
		t.Errorf("counter %s", CertificateYear(at))
	}
}
