// Package blobstore keeps scans and photos as content-addressed files: the
// name is the SHA-256 of the bytes, so a file is written once, verified by
// its name and never changed.
package blobstore

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"  // scans and photos; display renditions
	_ "image/png" // screenshots
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"

	xdraw "golang.org/x/image/draw"

	"titledesk/data"
)

// Image limits: a clear A4 colour scan at 300 dpi is about 9 megapixels and
// a few MB; the pixel cap fits an A4 page at 600 dpi (4961×7016), and is
// checked from the header before anything is decoded.
const (
	MaxImageBytes  = 10 << 20
	MaxImagePixels = 4961 * 7016
)

// Dir is a folder of blobs.
type Dir string

// ValidSum reports whether s looks like a blob name: 64 lower-case hex digits.
func ValidSum(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && s == string(bytes.ToLower([]byte(s)))
}

// Path is where the blob named sum lives.
func (d Dir) Path(sum string) string { return filepath.Join(string(d), sum[:2], sum) }

// Has reports whether the blob is stored.
func (d Dir) Has(sum string) bool {
	if !ValidSum(sum) {
		return false
	}
	_, err := os.Stat(d.Path(sum))
	return err == nil
}

// Put stores b and returns its name. Writing to a temporary file and
// renaming makes a crash leave either the whole blob or none.
func (d Dir) Put(b []byte) (string, error) {
	h := sha256.Sum256(b)
	sum := hex.EncodeToString(h[:])
	if d.Has(sum) {
		return sum, nil
	}
	if err := os.MkdirAll(filepath.Dir(d.Path(sum)), 0o700); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(filepath.Dir(d.Path(sum)), "put-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return sum, os.Rename(f.Name(), d.Path(sum))
}

// PutVerified stores b only if it hashes to sum, as a download or upload
// must; a mismatch stores nothing.
func (d Dir) PutVerified(sum string, b []byte) error {
	h := sha256.Sum256(b)
	if got := hex.EncodeToString(h[:]); got != sum {
		return data.Errorf(data.EINVALID, "文件内容与其校验值不符（%s…），已丢弃", got[:12])
	}
	_, err := d.Put(b)
	return err
}

// Remove deletes a blob, for one stored for a change that was then
// refused and that nothing names.
func (d Dir) Remove(sum string) error {
	if !ValidSum(sum) {
		return data.Errorf(data.EINVALID, "文件编号格式不正确")
	}
	if err := os.Remove(d.Path(sum)); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

// Open opens a stored blob.
func (d Dir) Open(sum string) (*os.File, error) {
	if !ValidSum(sum) {
		return nil, data.Errorf(data.EINVALID, "文件编号格式不正确")
	}
	f, err := os.Open(d.Path(sum))
	if os.IsNotExist(err) {
		return nil, data.Errorf(data.ENOTFOUND, "文件 %s… 不存在", sum[:12])
	}
	return f, err
}

// decoding bounds the images decoded at once: a scan at the pixel cap
// takes up to 140 MB decoded, and uploads come in parallel.
var decoding = make(chan struct{}, runtime.NumCPU())

// CheckImage accepts only JPEG and PNG within the limits, judged by their
// bytes rather than a file name or a declared type, and decoded whole: a
// truncated file, a greyscale one where the guide asks for colour scans,
// and a blank page are refused, each saying so. It returns the MIME type.
func CheckImage(b []byte, name string) (string, error) {
	mime, _, err := inspect(b, name, false)
	return mime, err
}

// CheckScan is CheckImage for a scan an applicant uploads, which also
// returns its display rendition (nil when the scan is no larger than
// DisplaySide), from the one decode.
func CheckScan(b []byte, name string) (mime string, display []byte, err error) {
	return inspect(b, name, true)
}

func inspect(b []byte, name string, rendition bool) (string, []byte, error) {
	if len(b) > MaxImageBytes {
		return "", nil, data.Errorf(data.EINVALID, "“%s”过大（%.1f MB），请压缩到 10 MB 以内", name, float64(len(b))/(1<<20))
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || (format != "jpeg" && format != "png") {
		return "", nil, data.Errorf(data.EINVALID, "“%s”不是有效的 JPEG 或 PNG 图片，请上传清晰的彩色扫描件或照片", name)
	}
	if cfg.Width < 200 || cfg.Height < 200 {
		return "", nil, data.Errorf(data.EINVALID, "“%s”太小（%d×%d 像素），无法看清，请重新扫描", name, cfg.Width, cfg.Height)
	}
	if cfg.Width*cfg.Height > MaxImagePixels {
		return "", nil, data.Errorf(data.EINVALID, "“%s”像素过多（%d×%d），超过 A4 纸 600 dpi 的大小，请缩小后再上传", name, cfg.Width, cfg.Height)
	}
	// A scan made in greyscale mode says so in its colour model; a colour
	// scan of a black-and-white page is a colour scan and is taken.
	if cfg.ColorModel == color.GrayModel || cfg.ColorModel == color.Gray16Model {
		return "", nil, data.Errorf(data.EINVALID, "“%s”是黑白（灰度）模式的图片，按要求须上传彩色扫描件或照片：请在扫描设置中选择“彩色”后重新扫描", name)
	}
	decoding <- struct{}{}
	defer func() { <-decoding }()
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return "", nil, data.Errorf(data.EINVALID, "“%s”不完整或已损坏，无法打开（可能上传或导出时中断），请重新扫描或导出后再上传", name)
	}
	if blank(img) {
		return "", nil, data.Errorf(data.EINVALID, "“%s”看起来是一张空白页，请确认扫描的是材料本身", name)
	}
	var display []byte
	if rendition {
		if display, err = renditionOf(img); err != nil {
			return "", nil, err
		}
	}
	return "image/" + format, display, nil
}

// blank samples about 40,000 pixels of img: a page whose brightness hardly
// varies holds nothing.
func blank(img image.Image) bool {
	r := img.Bounds()
	step := max(1, int(math.Sqrt(float64(r.Dx()*r.Dy())/40000)))
	var n, sum, sumSq float64
	for y := r.Min.Y; y < r.Max.Y; y += step {
		for x := r.Min.X; x < r.Max.X; x += step {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			l := 0.299*float64(cr>>8) + 0.587*float64(cg>>8) + 0.114*float64(cb>>8)
			sum, sumSq, n = sum+l, sumSq+l*l, n+1
		}
	}
	mean := sum / n
	return sumSq/n-mean*mean < 4*4
}

// DisplaySide is the longest side of a display rendition: an A4 page at
// about 170 dpi, sharp on a counter's screen, a tenth of a 600 dpi scan.
const DisplaySide = 2000

// renditionOf is a display-size JPEG of img, nil when img is no larger
// than DisplaySide and is shown as it is.
func renditionOf(img image.Image) ([]byte, error) {
	r := img.Bounds()
	long := max(r.Dx(), r.Dy())
	if long <= DisplaySide {
		return nil, nil
	}
	dst := image.NewRGBA(image.Rect(0, 0, r.Dx()*DisplaySide/long, r.Dy()*DisplaySide/long))
	xdraw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, r, xdraw.Src, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 85}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// ReadLimited reads at most MaxImageBytes+1 bytes, so an oversized upload
// is refused without holding all of it.
func ReadLimited(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxImageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	return b, nil
}
