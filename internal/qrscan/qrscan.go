// Package qrscan reads the QR seal off a printed document the way a
// counter's scanner would: the PDF rendered to pixels by poppler's pdftoppm,
// the code found and decoded by zbar's zbarimg. Tests use it.
//
// zbar rather than gozxing: gozxing's detector misreads about 1 in 60 of
// perfectly drawn seals (version 8, level Q; the same codes decode with its
// PURE_BARCODE hint, so the symbols are sound), which made tests flaky.
package qrscan

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// FromPDF renders page 1 of a PDF at 150 dpi, a cheap office scanner's
// resolution, and decodes its QR code.
func FromPDF(pdf []byte) (string, error) {
	dir, err := os.MkdirTemp("", "qrscan-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	doc := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(doc, pdf, 0o600); err != nil {
		return "", err
	}
	page := filepath.Join(dir, "page")
	if out, err := exec.Command("pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", doc, page).CombinedOutput(); err != nil {
		return "", fmt.Errorf("pdftoppm: %w: %s", err, out)
	}
	return FromImage(page + ".png")
}

// FromImage decodes the one QR code in an image file.
func FromImage(path string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", path)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		// zbarimg exits 4 when it finds no code.
		return "", fmt.Errorf("no QR code found in %s: %w: %s", path, err, stderr.Bytes())
	}
	text := bytes.TrimSuffix(stdout.Bytes(), []byte("\n"))
	if bytes.Contains(text, []byte("\n")) {
		return "", fmt.Errorf("more than one QR code in %s: %q", path, text)
	}
	return string(text), nil
}

// Text is a printed document's text as poppler's pdftotext reads it: what
// tests check a print says.
func Text(t testing.TB, path string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}
