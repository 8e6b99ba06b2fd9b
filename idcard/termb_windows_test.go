package idcard_test

import (
	"context"
	"os"
	"testing"

	"titledesk/data"
	"titledesk/idcard"
)

// TestTermbReads: the desk's reader (idcard.Termb) runs the helper beside
// it, which loads the termb.dll at $TITLEDESK_TERMB_DLL and reads the card.
// scripts/wine-peripherals runs it under Wine with the stub DLL
// (packaging/windows/wine/termb.c) and both helpers in
// $TITLEDESK_IDCARD_HELPERS; there is no reader to read otherwise.
func TestTermbReads(t *testing.T) {
	dll, helpers := os.Getenv("TITLEDESK_TERMB_DLL"), os.Getenv("TITLEDESK_IDCARD_HELPERS")
	if dll == "" || helpers == "" {
		t.Skip("needs a termb.dll and the helpers: scripts/wine-peripherals")
	}
	if name, err := idcard.HelperFor(dll); err != nil || name != "titledesk-idcard.exe" {
		t.Fatalf("helper for the 64-bit stub: %q %v", name, err)
	}
	reader := idcard.Termb{DLL: dll, HelperDir: helpers}
	card, err := reader.Read(context.Background())
	if err != nil || card.Name != "陈晓明" || card.Number != "11010519491231002X" || !card.ValidTo.IsZero() {
		t.Fatalf("read %+v, %v", card, err)
	}
	t.Setenv("TERMB_STUB", "nocard")
	if card, err := reader.Read(context.Background()); card != nil || data.ErrorMessage(err) != "阅读器上没有身份证，请把证件平放在阅读器上再读" {
		t.Errorf("no card: %+v %v", card, err)
	}
	reader.Port = 7 // a serial port with nothing on it
	t.Setenv("TERMB_STUB", "")
	if _, err := reader.Read(context.Background()); data.ErrorCode(err) != data.ENOTFOUND {
		t.Errorf("no reader on the port: %v", err)
	}
}
