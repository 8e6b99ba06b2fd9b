// Command ttcextract copies one face out of a TrueType collection (.ttc)
// into a standalone .ttf file.
//
// Fyne and gofpdf both refuse collections, and Debian ships WenQuanYi Micro Hei
// only as one, so assets/fonts/wqy-microhei.ttf is made with:
//
//	go run ./tools/ttcextract -face 0 /usr/share/fonts/truetype/wqy/wqy-microhei.ttc assets/fonts/wqy-microhei.ttf
//
// The tables are copied byte for byte; only their offsets and the head
// table's checkSumAdjustment are rewritten.
package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
)

func main() {
	face := flag.Int("face", 0, "index of the face to extract")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: ttcextract [-face N] in.ttc out.ttf")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	in, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, err := extract(in, *face)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ttcextract:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(flag.Arg(1), out, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

type table struct {
	tag            [4]byte
	checksum       uint32
	offset, length uint32
}

func extract(ttc []byte, face int) ([]byte, error) {
	be := binary.BigEndian
	if len(ttc) < 12 || string(ttc[:4]) != "ttcf" {
		return nil, errors.New("not a TrueType collection")
	}
	n := int(be.Uint32(ttc[8:]))
	if face < 0 || face >= n || len(ttc) < 12+4*n {
		return nil, fmt.Errorf("face %d out of range (collection has %d)", face, n)
	}
	base := int(be.Uint32(ttc[12+4*face:]))
	if base+12 > len(ttc) {
		return nil, errors.New("truncated offset table")
	}
	numTables := int(be.Uint16(ttc[base+4:]))
	if base+12+16*numTables > len(ttc) {
		return nil, errors.New("truncated table directory")
	}
	tables := make([]table, numTables)
	for i := range tables {
		r := ttc[base+12+16*i:]
		copy(tables[i].tag[:], r[:4])
		tables[i].checksum = be.Uint32(r[4:])
		tables[i].offset = be.Uint32(r[8:])
		tables[i].length = be.Uint32(r[12:])
		if int(tables[i].offset)+int(tables[i].length) > len(ttc) {
			return nil, fmt.Errorf("table %s runs past the end", tables[i].tag[:])
		}
	}
	sort.Slice(tables, func(i, j int) bool { return string(tables[i].tag[:]) < string(tables[j].tag[:]) })

	head := 12 + 16*numTables
	out := make([]byte, head, len(ttc))
	copy(out, ttc[base:base+12])
	headAt := -1
	for i, t := range tables {
		at := len(out)
		if string(t.tag[:]) == "head" {
			headAt = at
		}
		out = append(out, ttc[t.offset:t.offset+t.length]...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
		r := out[12+16*i:]
		copy(r[:4], t.tag[:])
		be.PutUint32(r[4:], t.checksum)
		be.PutUint32(r[8:], uint32(at))
		be.PutUint32(r[12:], t.length)
	}
	if headAt >= 0 {
		be.PutUint32(out[headAt+8:], 0)
		be.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	}
	return out, nil
}

func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i+4 <= len(b); i += 4 {
		sum += binary.BigEndian.Uint32(b[i:])
	}
	return sum
}
