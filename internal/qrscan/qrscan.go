// Package qrscan reads the QR seal off a printed document the way a
// counter's scanner would: the PDF rendered to pixels by poppler's
// pdftoppm, the code found and decoded by gozxing. Tests use it.
package qrscan

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// FromPDF renders page 1 of a PDF at 150 dpi and decodes its QR code.
func FromPDF(pdf []byte) (string, error) {
	f, err := os.CreateTemp("", "qrscan-*.pdf")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(pdf); err != nil {
		f.Close()
		return "", err
	}
	f.Close()
	out, err := exec.Command("pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", f.Name()).Output()
	if err != nil {
		return "", fmt.Errorf("pdftoppm: %w", err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		return "", err
	}
	return Decode(img)
}

// Decode finds and decodes one QR code in an image.
func Decode(img image.Image) (string, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		return "", fmt.Errorf("no QR code found: %w", err)
	}
	return res.GetText(), nil
}
