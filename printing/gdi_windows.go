package printing

import (
	"context"
	"errors"
	"fmt"
	"image"
	"unsafe"

	"golang.org/x/sys/windows"

	"titledesk/data"
)

// GDI prints through the Windows print spooler: each page, drawn as an
// image at up to the printer's resolution, is stretched onto the printer's
// device context, the whole A4 sheet from its top left corner. Any printer
// with a Windows driver takes it; what prints is the page the preview
// shows.
type GDI struct{}

// System is this system's spooler.
func System() Spooler { return GDI{} }

var (
	winspool              = windows.NewLazySystemDLL("winspool.drv")
	procGetDefaultPrinter = winspool.NewProc("GetDefaultPrinterW")
	procEnumPrinters      = winspool.NewProc("EnumPrintersW")

	gdi32              = windows.NewLazySystemDLL("gdi32.dll")
	procCreateDC       = gdi32.NewProc("CreateDCW")
	procDeleteDC       = gdi32.NewProc("DeleteDC")
	procGetDeviceCaps  = gdi32.NewProc("GetDeviceCaps")
	procStartDoc       = gdi32.NewProc("StartDocW")
	procEndDoc         = gdi32.NewProc("EndDoc")
	procAbortDoc       = gdi32.NewProc("AbortDoc")
	procStartPage      = gdi32.NewProc("StartPage")
	procEndPage        = gdi32.NewProc("EndPage")
	procStretchDIBits  = gdi32.NewProc("StretchDIBits")
	procSetStretchMode = gdi32.NewProc("SetStretchBltMode")
)

const (
	printerEnumLocal       = 0x2
	printerEnumConnections = 0x4
	logPixelsX             = 88
	logPixelsY             = 90
	physicalOffsetX        = 112
	physicalOffsetY        = 113
	dibRGBColors           = 0
	srcCopy                = 0x00CC0020
	halftone               = 4
	// maxDPI bounds the page images: 300 dpi keeps an A4 page at 8.7 MB
	// and prints text and QR codes sharp; GDI stretches them to a finer
	// printer.
	maxDPI = 300
)

// printerInfo4 is PRINTER_INFO_4W.
type printerInfo4 struct {
	name, server *uint16
	attributes   uint32
}

func (GDI) Printers(ctx context.Context) ([]string, string, error) {
	var needed, returned uint32
	flags := uintptr(printerEnumLocal | printerEnumConnections)
	procEnumPrinters.Call(flags, 0, 4, 0, 0, uintptr(unsafe.Pointer(&needed)), uintptr(unsafe.Pointer(&returned)))
	var names []string
	if needed > 0 {
		buf := make([]byte, needed)
		r, _, err := procEnumPrinters.Call(flags, 0, 4, uintptr(unsafe.Pointer(&buf[0])), uintptr(needed),
			uintptr(unsafe.Pointer(&needed)), uintptr(unsafe.Pointer(&returned)))
		if r == 0 {
			return nil, "", &data.Error{Code: data.EINTERNAL, Message: "无法列出本机的打印机，请检查打印服务（Print Spooler）是否运行", Err: err}
		}
		infos := unsafe.Slice((*printerInfo4)(unsafe.Pointer(&buf[0])), returned)
		for _, in := range infos {
			names = append(names, windows.UTF16PtrToString(in.name))
		}
	}
	return names, defaultPrinter(), nil
}

func defaultPrinter() string {
	var n uint32
	procGetDefaultPrinter.Call(0, uintptr(unsafe.Pointer(&n)))
	if n == 0 {
		return ""
	}
	buf := make([]uint16, n)
	if r, _, _ := procGetDefaultPrinter.Call(uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&n))); r == 0 {
		return ""
	}
	return windows.UTF16ToString(buf)
}

// docInfo is DOCINFOW.
type docInfo struct {
	size     int32
	docName  *uint16
	output   *uint16
	datatype *uint16
	flags    uint32
}

// bitmapInfo is BITMAPINFO for an 8-bit top-down grey image: the header and
// a palette of the 256 greys.
type bitmapInfo struct {
	size                      uint32
	width, height             int32
	planes, bitCount          uint16
	compression, sizeImage    uint32
	xPerMeter, yPerMeter      int32
	colorsUsed, colorsImportd uint32
	palette                   [256][4]byte
}

func (GDI) Print(ctx context.Context, j Job) (Accepted, error) {
	printer := j.Printer
	if printer == "" {
		if printer = defaultPrinter(); printer == "" {
			return Accepted{}, &data.Error{Code: data.EINVALID, Message: "本机没有默认打印机，请在“设置”中选择打印机", Err: errors.New("no default printer")}
		}
	}
	driver, _ := windows.UTF16PtrFromString("WINSPOOL")
	device, err := windows.UTF16PtrFromString(printer)
	if err != nil {
		return Accepted{}, &data.Error{Code: data.EINVALID, Message: "打印机名称无效", Err: err}
	}
	dc, _, err := procCreateDC.Call(uintptr(unsafe.Pointer(driver)), uintptr(unsafe.Pointer(device)), 0, 0)
	if dc == 0 {
		return Accepted{}, &data.Error{Code: data.ENOTFOUND, Message: "找不到打印机“" + printer + "”，请在“设置”中重新选择", Err: fmt.Errorf("CreateDC: %w", err)}
	}
	defer procDeleteDC.Call(dc)
	caps := func(i uintptr) int32 { r, _, _ := procGetDeviceCaps.Call(dc, i); return int32(r) }
	dpiX, dpiY := caps(logPixelsX), caps(logPixelsY)
	if dpiX <= 0 || dpiY <= 0 {
		return Accepted{}, &data.Error{Code: data.EINTERNAL, Message: "打印机“" + printer + "”没有报告分辨率，无法打印", Err: fmt.Errorf("GetDeviceCaps: %d×%d dpi", dpiX, dpiY)}
	}
	srcDPI := float64(min(dpiX, maxDPI))
	pages, err := j.Pages(srcDPI)
	if err != nil {
		return Accepted{}, err
	}
	name, _ := windows.UTF16PtrFromString(j.Title)
	di := docInfo{size: int32(unsafe.Sizeof(docInfo{})), docName: name}
	job, _, err := procStartDoc.Call(dc, uintptr(unsafe.Pointer(&di)))
	if int32(job) <= 0 {
		return Accepted{}, &data.Error{Code: data.ECONFLICT, Message: "打印机“" + printer + "”拒绝了打印任务（可能已暂停或脱机），请检查打印机后重试", Err: fmt.Errorf("StartDoc: %w", err)}
	}
	procSetStretchMode.Call(dc, halftone)
	// The page's corner is the paper's: the printable area starts at the
	// physical offset.
	offX, offY := caps(physicalOffsetX), caps(physicalOffsetY)
	dibs := make([]dib, len(pages))
	for i, p := range pages {
		dibs[i] = dibOf(p)
	}
	for c := 0; c < max(j.Copies, 1); c++ {
		for _, d := range dibs {
			if err := d.draw(dc, srcDPI, -offX, -offY, dpiX, dpiY); err != nil {
				procAbortDoc.Call(dc)
				return Accepted{}, &data.Error{Code: data.EINTERNAL, Message: "打印机“" + printer + "”打印中途出错，请检查打印机后重试", Err: err}
			}
		}
	}
	if r, _, err := procEndDoc.Call(dc); int32(r) <= 0 {
		return Accepted{}, &data.Error{Code: data.EINTERNAL, Message: "打印机“" + printer + "”没有接收打印任务", Err: fmt.Errorf("EndDoc: %w", err)}
	}
	return Accepted{Printer: printer, Job: fmt.Sprintf("%s-%d", printer, job)}, nil
}

// dib is a page as GDI takes it: grey pixels in DWORD-aligned rows and
// their header with the palette of the 256 greys. Made once, drawn for each
// copy.
type dib struct {
	w, h int
	bits []byte
	info *bitmapInfo
}

func dibOf(p *image.Gray) dib {
	w, h := p.Rect.Dx(), p.Rect.Dy()
	bits := p.Pix
	if stride := (w + 3) &^ 3; stride != p.Stride {
		bits = make([]byte, stride*h)
		for row := 0; row < h; row++ {
			copy(bits[row*stride:], p.Pix[row*p.Stride:row*p.Stride+w])
		}
	}
	info := &bitmapInfo{size: 40, width: int32(w), height: -int32(h), planes: 1, bitCount: 8, colorsUsed: 256} // 40: the header alone
	for i := range info.palette {
		info.palette[i] = [4]byte{byte(i), byte(i), byte(i), 0}
	}
	return dib{w, h, bits, info}
}

// draw puts the page on the device context at (x, y), stretched from its
// resolution, dpi, to the printer's.
func (d dib) draw(dc uintptr, dpi float64, x, y, dpiX, dpiY int32) error {
	if r, _, err := procStartPage.Call(dc); int32(r) <= 0 {
		return fmt.Errorf("StartPage: %w", err)
	}
	dw := int32(float64(d.w) / dpi * float64(dpiX))
	dh := int32(float64(d.h) / dpi * float64(dpiY))
	r, _, err := procStretchDIBits.Call(dc, uintptr(x), uintptr(y), uintptr(dw), uintptr(dh), 0, 0, uintptr(d.w), uintptr(d.h),
		uintptr(unsafe.Pointer(&d.bits[0])), uintptr(unsafe.Pointer(d.info)), dibRGBColors, srcCopy)
	if int32(r) <= 0 {
		return fmt.Errorf("StretchDIBits: %w", err)
	}
	if r, _, err := procEndPage.Call(dc); int32(r) <= 0 {
		return fmt.Errorf("EndPage: %w", err)
	}
	return nil
}
