package printing_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"os"
	"testing"
	"time"

	"titledesk/data"
	"titledesk/forms"
	"titledesk/printing"
)

// TestGDIPrint prints a sealed 受理回执 through the Windows print spooler
// (GDI) to the default printer, as the desk does, and a job to a printer
// that does not exist. It puts paper in a printer, so it runs only when
// asked: scripts/wine-peripherals runs it under Wine, whose printers are a
// throwaway CUPS spooler's, sets TITLEDESK_PRINT_SEAL to a file for the seal
// it printed, and checks the spooled page against it.
func TestGDIPrint(t *testing.T) {
	sealFile := os.Getenv("TITLEDESK_PRINT_SEAL")
	if sealFile == "" {
		t.Skip("prints on the default printer: set TITLEDESK_PRINT_SEAL (scripts/wine-peripherals)")
	}
	ctx := context.Background()
	names, def, err := printing.System().Printers(ctx)
	if err != nil || def == "" {
		t.Fatalf("printers %v, default %q: %v", names, def, err)
	}
	t.Logf("printers %v, default %q", names, def)
	at := time.Date(2026, 10, 9, 10, 31, 0, 0, data.Shanghai)
	doc := forms.Receipt{ReceiptNo: "R-2026000001-6", AppNo: "2026000001", Version: 6, Name: "陈晓明",
		IDNumber: "441900199001011234", Qualification: "建材检验工程师", Level: "中级", LiaisonPoint: "东莞市电力行业协会",
		Materials: []forms.ReceivedMaterial{{Name: "居民身份证", Originals: 1, Copies: 1}, {Name: "学历证书", Originals: 1, Copies: 1}},
		Clerk:     "陈晓敏", Date: at}
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	p, err := forms.Render(doc, forms.Sealer{KeyID: data.KeyID(key.Public().(ed25519.PublicKey)), Key: key}, at)
	if err != nil {
		t.Fatal(err)
	}
	job, err := printing.System().Print(ctx, printing.Job{Title: "受理回执", Copies: 1, PDF: p.PDF, Pages: p.Pages})
	if err != nil || job.Printer != def {
		t.Fatalf("print: %+v %v, want it on %q", job, err, def)
	}
	t.Logf("job %s", job.Job)
	if err := os.WriteFile(sealFile, []byte(p.Payload), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = printing.System().Print(ctx, printing.Job{Printer: "NoSuchPrinter", Title: "受理回执", PDF: p.PDF, Pages: p.Pages})
	if data.ErrorCode(err) != data.ENOTFOUND || data.ErrorMessage(err) != "找不到打印机“NoSuchPrinter”，请在“设置”中重新选择" {
		t.Errorf("a printer that does not exist: %v", err)
	}
}
