package main

import (
	"encoding/hex"
	"testing"
)

// fyneVersionInfo is the VS_VERSIONINFO resource that `fyne package` (tools
// v1.7.4, via goversioninfo) wrote for TitleDesk 0.1.0 build 1. Note that it
// marks StringFileInfo as a text block.
var fyneVersionInfo = "" +
	"b00134000000560053005f00560045005200530049004f004e005f0049004e0046004f0000000000bd04effe00000100" +
	"010000000100000001000000010000000000000000000000000000000000000000000000000000000000000010010000" +
	"010053007400720069006e006700460069006c00650049006e0066006f000000ec000000010030003000300030003000" +
	"30003000300000003c000a000100460069006c0065004400650073006300720069007000740069006f006e0000000000" +
	"5400690074006c0065004400650073006b000000300008000100460069006c006500560065007200730069006f006e00" +
	"0000000030002e0031002e0030002e003100000034000a000100500072006f0064007500630074004e0061006d006500" +
	"000000005400690074006c0065004400650073006b000000340008000100500072006f00640075006300740056006500" +
	"7200730069006f006e00000030002e0031002e0030002e0031000000440000000100560061007200460069006c006500" +
	"49006e0066006f00000000002400040000005400720061006e0073006c006100740069006f006e000000000000000000"

func TestParseVersionInfo(t *testing.T) {
	b, err := hex.DecodeString(fyneVersionInfo)
	if err != nil {
		t.Fatal(err)
	}
	v, err := parseVersionInfo(b)
	if err != nil {
		t.Fatal(err)
	}
	if v.fileVersion != "0.1.0.1" || v.productVersion != "0.1.0.1" {
		t.Errorf("fixed versions %s, %s; want 0.1.0.1", v.fileVersion, v.productVersion)
	}
	want := map[string]string{"FileDescription": "TitleDesk", "FileVersion": "0.1.0.1", "ProductName": "TitleDesk", "ProductVersion": "0.1.0.1"}
	for k, w := range want {
		if v.strings[k] != w {
			t.Errorf("%s = %q, want %q", k, v.strings[k], w)
		}
	}
	if len(v.strings) != len(want) {
		t.Errorf("strings %v, want %v", v.strings, want)
	}
	for n := range b { // truncated input fails, never panics
		_, _ = parseVersionInfo(b[:n])
	}
}

func TestSameRelease(t *testing.T) {
	for _, c := range []struct {
		got, want string
		ok        bool
	}{
		{"0.1.0.7", "0.1.0", true},
		{"0.1.0", "0.1.0", true},
		{"0.1.1.7", "0.1.0", false},
		{"0.1", "0.1.0", false},
		{"", "0.1.0", false},
		{"10.1.0.1", "1.1.0", false},
	} {
		if sameRelease(c.got, c.want) != c.ok {
			t.Errorf("sameRelease(%q, %q) = %v", c.got, c.want, !c.ok)
		}
	}
}

func TestHasZipEntry(t *testing.T) {
	entry := func(name string) []byte {
		h := make([]byte, 30)
		copy(h, "PK\x03\x04")
		h[26] = byte(len(name))
		return append(h, name...)
	}
	zip := append(append([]byte("junk Asia/Shanghai junk"), entry("Asia/Seoul")...), entry("Asia/Shanghai")...)
	if !hasZipEntry(zip, "Asia/Shanghai") {
		t.Error("entry not found")
	}
	if hasZipEntry([]byte("a string literal Asia/Shanghai"), "Asia/Shanghai") {
		t.Error("a bare string counted as an entry")
	}
}
