// Command pecheck reads what Windows' Explorer shows under Properties → Details
// (the VERSIONINFO resource) from a PE executable, and checks it.
//
//	go run ./packaging/windows/pecheck -version 0.1.0 -product TitleDesk -gui -icon build/titledesk.exe
//
// It prints the fixed file and product versions and every StringFileInfo
// string, then fails if the first three version fields differ from -version
// (the fourth is Fyne's build number, which `fyne package` bumps on every run,
// so it is not checked), if ProductName differs from -product, if -gui is given
// and the subsystem is not Windows GUI (or, with -console, not console), or if
// -icon is given and the file carries no icon group, or if -tzdata is given
// and the file embeds no time zone database (time/tzdata, a zip with an
// Asia/Shanghai entry: Windows has no zoneinfo of its own).
//
// Only the standard library: debug/pe finds the resource directory, and the
// resource tree and VS_VERSIONINFO blocks are walked by hand as documented in
// Microsoft's "PE Format" and "VS_VERSIONINFO" pages. Libraries that read
// resources (e.g. github.com/tc-hib/winres) would be a new module dependency
// for ~150 lines of parsing in a check that runs only in CI.
package main

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"unicode/utf16"
)

// Resource types (winuser.h).
const (
	rtGroupIcon = 14
	rtVersion   = 16
	rtManifest  = 24
)

func main() {
	version := flag.String("version", "", "expected x.y.z of FileVersion and ProductVersion")
	product := flag.String("product", "", "expected ProductName")
	gui := flag.Bool("gui", false, "require the Windows GUI subsystem (-H=windowsgui: no console window)")
	console := flag.Bool("console", false, "require the console subsystem")
	icon := flag.Bool("icon", false, "require an icon group resource")
	tzdata := flag.Bool("tzdata", false, "require the embedded time zone database (time/tzdata) with Asia/Shanghai")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: pecheck [-version x.y.z] [-product NAME] [-gui|-console] [-icon] [-tzdata] FILE.exe")
		os.Exit(2)
	}
	path := flag.Arg(0)
	info, err := read(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pecheck: %s: %v\n", path, err)
		os.Exit(1)
	}
	fmt.Printf("%s\n  subsystem        %s\n  resources        %s\n", path, subsystemName(info.subsystem), info.typeList())
	var problems []string
	if info.version != nil {
		v := info.version
		fmt.Printf("  FileVersion      %s (fixed)\n  ProductVersion   %s (fixed)\n", v.fileVersion, v.productVersion)
		keys := make([]string, 0, len(v.strings))
		for k := range v.strings {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Printf("  %-16s %s\n", k, v.strings[k])
		}
		if *version != "" {
			for _, got := range []struct{ what, v string }{
				{"fixed FileVersion", v.fileVersion},
				{"fixed ProductVersion", v.productVersion},
				{"ProductVersion string", v.strings["ProductVersion"]},
			} {
				if !sameRelease(got.v, *version) {
					problems = append(problems, fmt.Sprintf("%s is %q, want %s.*", got.what, got.v, *version))
				}
			}
		}
		if *product != "" && v.strings["ProductName"] != *product {
			problems = append(problems, fmt.Sprintf("ProductName is %q, want %q", v.strings["ProductName"], *product))
		}
	} else if *version != "" || *product != "" {
		problems = append(problems, "no VERSIONINFO resource")
	}
	if *gui && info.subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
		problems = append(problems, "not a Windows GUI executable (link with -H=windowsgui)")
	}
	if *console && info.subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_CUI {
		problems = append(problems, "not a console executable")
	}
	if *icon && info.types[rtGroupIcon] == 0 {
		problems = append(problems, "no icon resource")
	}
	if *tzdata {
		raw, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "pecheck: %v\n", err)
			os.Exit(1)
		}
		ok := hasZipEntry(raw, "Asia/Shanghai")
		fmt.Printf("  tzdata           %v\n", ok)
		if !ok {
			problems = append(problems, "no embedded time zone database (build with -tags timetzdata or import _ \"time/tzdata\")")
		}
	}
	for _, p := range problems {
		fmt.Fprintf(os.Stderr, "pecheck: %s: %s\n", path, p)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
}

// sameRelease reports whether the dotted version got starts with the fields of want.
func sameRelease(got, want string) bool {
	g, w := strings.Split(got, "."), strings.Split(want, ".")
	if len(g) < len(w) {
		return false
	}
	for i := range w {
		if strings.TrimLeft(g[i], "0") != strings.TrimLeft(w[i], "0") {
			return false
		}
	}
	return true
}

// hasZipEntry reports whether b holds a zip local file header for name, as
// time/tzdata's embedded zoneinfo zip does (stored uncompressed, so the name
// sits right after the 30-byte header).
func hasZipEntry(b []byte, name string) bool {
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte(name))
		if i < 0 {
			return false
		}
		i += off
		if h := i - 30; h >= 0 && string(b[h:h+4]) == "PK\x03\x04" &&
			int(binary.LittleEndian.Uint16(b[h+26:])) == len(name) {
			return true
		}
		off = i + 1
	}
}

type peInfo struct {
	subsystem uint16
	types     map[uint32]int // resource type ID → number of resources
	version   *versionInfo
}

func (p *peInfo) typeList() string {
	names := map[uint32]string{3: "icon", rtGroupIcon: "icon group", rtVersion: "version", rtManifest: "manifest"}
	var ids []uint32
	for id := range p.types {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var out []string
	for _, id := range ids {
		n := names[id]
		if n == "" {
			n = fmt.Sprintf("type %d", id)
		}
		out = append(out, fmt.Sprintf("%s×%d", n, p.types[id]))
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

func subsystemName(s uint16) string {
	switch s {
	case pe.IMAGE_SUBSYSTEM_WINDOWS_GUI:
		return "Windows GUI"
	case pe.IMAGE_SUBSYSTEM_WINDOWS_CUI:
		return "console"
	}
	return fmt.Sprintf("%d", s)
}

type versionInfo struct {
	fileVersion, productVersion string
	strings                     map[string]string
}

func read(path string) (*peInfo, error) {
	f, err := pe.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var dir pe.DataDirectory
	info := &peInfo{types: map[uint32]int{}}
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader64:
		info.subsystem = oh.Subsystem
		if len(oh.DataDirectory) > pe.IMAGE_DIRECTORY_ENTRY_RESOURCE {
			dir = oh.DataDirectory[pe.IMAGE_DIRECTORY_ENTRY_RESOURCE]
		}
	case *pe.OptionalHeader32:
		info.subsystem = oh.Subsystem
		if len(oh.DataDirectory) > pe.IMAGE_DIRECTORY_ENTRY_RESOURCE {
			dir = oh.DataDirectory[pe.IMAGE_DIRECTORY_ENTRY_RESOURCE]
		}
	default:
		return nil, errors.New("no optional header")
	}
	if dir.VirtualAddress == 0 {
		return info, nil
	}
	// The section holding the resource directory; offsets in the tree are
	// relative to the directory's start, data entries hold RVAs.
	var sec *pe.Section
	for _, s := range f.Sections {
		if dir.VirtualAddress >= s.VirtualAddress && dir.VirtualAddress < s.VirtualAddress+max(s.VirtualSize, s.Size) {
			sec = s
		}
	}
	if sec == nil {
		return nil, fmt.Errorf("resource directory RVA %#x is in no section", dir.VirtualAddress)
	}
	data, err := sec.Data()
	if err != nil {
		return nil, err
	}
	r := &rsrc{data: data, base: dir.VirtualAddress - sec.VirtualAddress, sectionRVA: sec.VirtualAddress}
	types, err := r.entries(0)
	if err != nil {
		return nil, err
	}
	for _, t := range types {
		if !t.dir {
			continue
		}
		leaves, err := r.leaves(t.offset, 2)
		if err != nil {
			return nil, err
		}
		info.types[t.id] += len(leaves)
		if t.id == rtVersion && len(leaves) > 0 {
			blob, err := r.leafData(leaves[0])
			if err != nil {
				return nil, err
			}
			if info.version, err = parseVersionInfo(blob); err != nil {
				return nil, fmt.Errorf("VERSIONINFO: %w", err)
			}
		}
	}
	return info, nil
}

// rsrc walks an IMAGE_RESOURCE_DIRECTORY tree: type → name → language → data.
type rsrc struct {
	data       []byte
	base       uint32 // offset of the resource directory in data
	sectionRVA uint32
}

type rsrcEntry struct {
	id     uint32 // numeric ID, or 0 for a named entry
	dir    bool
	offset uint32 // of the subdirectory or data entry, relative to the root
}

func (r *rsrc) bytes(off, n uint32) ([]byte, error) {
	start := uint64(r.base) + uint64(off)
	if start+uint64(n) > uint64(len(r.data)) {
		return nil, fmt.Errorf("resource offset %#x+%d out of range", off, n)
	}
	return r.data[start : start+uint64(n)], nil
}

func (r *rsrc) entries(off uint32) ([]rsrcEntry, error) {
	hdr, err := r.bytes(off, 16)
	if err != nil {
		return nil, err
	}
	n := uint32(binary.LittleEndian.Uint16(hdr[12:])) + uint32(binary.LittleEndian.Uint16(hdr[14:]))
	raw, err := r.bytes(off+16, 8*n)
	if err != nil {
		return nil, err
	}
	out := make([]rsrcEntry, n)
	for i := range out {
		name := binary.LittleEndian.Uint32(raw[8*i:])
		to := binary.LittleEndian.Uint32(raw[8*i+4:])
		if name&0x80000000 == 0 {
			out[i].id = name
		}
		out[i].dir = to&0x80000000 != 0
		out[i].offset = to &^ 0x80000000
	}
	return out, nil
}

// leaves returns the data-entry offsets below the directory at off, depth levels down.
func (r *rsrc) leaves(off uint32, depth int) ([]uint32, error) {
	if depth > 4 {
		return nil, errors.New("resource tree too deep")
	}
	es, err := r.entries(off)
	if err != nil {
		return nil, err
	}
	var out []uint32
	for _, e := range es {
		if !e.dir {
			out = append(out, e.offset)
			continue
		}
		sub, err := r.leaves(e.offset, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, sub...)
	}
	return out, nil
}

// leafData reads an IMAGE_RESOURCE_DATA_ENTRY and returns the bytes it points at.
func (r *rsrc) leafData(off uint32) ([]byte, error) {
	e, err := r.bytes(off, 16)
	if err != nil {
		return nil, err
	}
	rva, size := binary.LittleEndian.Uint32(e), binary.LittleEndian.Uint32(e[4:])
	if rva < r.sectionRVA+r.base {
		return nil, fmt.Errorf("data RVA %#x before the resource directory", rva)
	}
	return r.bytes(rva-r.sectionRVA-r.base, size)
}

// A VS_VERSIONINFO block, and the StringFileInfo/StringTable/String and
// VarFileInfo/Var blocks inside it, all share one layout: wLength,
// wValueLength, wType, a NUL-terminated UTF-16 key, padding to 32 bits, the
// value, padding, then child blocks up to wLength. wType is not reliable
// (goversioninfo marks StringFileInfo as text), so depth decides: a String
// (depth 3) is a text leaf; everything else may have children.
type block struct {
	key      string
	value    []byte // binary value, or the UTF-16 text of a String
	children []block
}

const stringDepth = 3 // VS_VERSIONINFO → StringFileInfo → StringTable → String

func parseBlock(b []byte, start, depth int) (block, int, error) {
	if start+6 > len(b) {
		return block{}, 0, errors.New("truncated block header")
	}
	length := int(binary.LittleEndian.Uint16(b[start:]))
	valueLen := int(binary.LittleEndian.Uint16(b[start+2:]))
	typ := binary.LittleEndian.Uint16(b[start+4:])
	end := start + length
	if length < 6 || end > len(b) {
		return block{}, 0, fmt.Errorf("block at %d: bad length %d", start, length)
	}
	var blk block
	p := start + 6
	var key []uint16
	for ; p+1 < end; p += 2 {
		c := binary.LittleEndian.Uint16(b[p:])
		if c == 0 {
			p += 2
			break
		}
		key = append(key, c)
	}
	blk.key = string(utf16.Decode(key))
	p = align4(p)
	if depth == stringDepth {
		// wValueLength counts WCHARs, though some writers count bytes: take
		// the rest of the block and stop at the NUL when decoding.
		if p < end {
			blk.value = b[p:end]
		}
		return blk, align4(end), nil
	}
	if typ == 1 {
		valueLen *= 2
	}
	if valueLen > 0 && p < end {
		blk.value = b[p:min(p+valueLen, end)]
		p = align4(p + valueLen)
	}
	for p < end {
		child, next, err := parseBlock(b, p, depth+1)
		if err != nil {
			return block{}, 0, err
		}
		blk.children = append(blk.children, child)
		p = next
	}
	return blk, align4(end), nil
}

func align4(n int) int { return (n + 3) &^ 3 }

func utf16String(b []byte) string {
	var u []uint16
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}

func parseVersionInfo(b []byte) (*versionInfo, error) {
	root, _, err := parseBlock(b, 0, 0)
	if err != nil {
		return nil, err
	}
	if root.key != "VS_VERSION_INFO" {
		return nil, fmt.Errorf("root key %q", root.key)
	}
	if len(root.value) < 52 || binary.LittleEndian.Uint32(root.value) != 0xFEEF04BD {
		return nil, errors.New("no VS_FIXEDFILEINFO")
	}
	v := &versionInfo{strings: map[string]string{}}
	word := func(i int) uint32 { return binary.LittleEndian.Uint32(root.value[4*i:]) }
	four := func(ms, ls uint32) string {
		return fmt.Sprintf("%d.%d.%d.%d", ms>>16, ms&0xffff, ls>>16, ls&0xffff)
	}
	v.fileVersion = four(word(2), word(3))
	v.productVersion = four(word(4), word(5))
	for _, c := range root.children {
		if c.key != "StringFileInfo" {
			continue
		}
		for _, table := range c.children {
			for _, s := range table.children {
				v.strings[s.key] = utf16String(s.value)
			}
		}
	}
	return v, nil
}
