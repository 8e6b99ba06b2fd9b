package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"titledesk/data"
	"titledesk/internal/testcups"
)

// TestPrintRefusedKeepsThePDF: in 设置 the 受理回执 goes to a printer that
// takes no jobs. After 受理 the preview shows both documents; 打印 says why
// the receipt did not print and where its PDF is, stays open and records
// nothing. With the printer set back to the default, 打印 again prints
// both, and the detail says where they went.
func TestPrintRefusedKeepsThePDF(t *testing.T) {
	r := newRig(t)
	r.login()
	r.ws.shell.Task("设置")
	receipt := find(r, func(s *widget.Select) bool { return slices.Contains(s.Options, testcups.Off) })
	receipt.SetSelected(testcups.Off)
	if c, _ := r.ws.Desk.PrinterChoices(r.ws.ctx); c[data.DocReceipt.Label()].Printer != testcups.Off {
		t.Fatalf("设置 kept %+v", c)
	}

	a := r.fx.Apps[data.StatusAwaitingPaper][0]
	r.scan(a.FormSeal)
	r.tap("全部一致")
	r.ws.Win.Canvas().Unfocus()
	r.key(fyne.KeyReturn)
	r.mustShow("受理回执")
	r.mustShow("缴款通知书")
	r.printPreview()
	r.mustShow("打印机“TitleDesk-Off”暂停接收打印任务（已停用或脱机），请检查打印机后重试。受理回执未打印，文件已保存在 ")
	r.mustShow("打印预览")
	kept, _ := filepath.Glob(filepath.Join(r.ws.Desk.Dir, "printed", a.No+"-受理回执-*.pdf"))
	if len(kept) != 1 {
		t.Fatalf("kept %v", kept)
	} else if fi, err := os.Stat(kept[0]); err != nil || fi.Size() < 1000 {
		t.Errorf("the kept PDF: %v", err)
	}
	if len(r.opened) != 0 {
		t.Errorf("printed %v", r.opened)
	}
	for _, c := range r.pending() {
		if c.Action == data.ActionPrint {
			t.Errorf("a refused print was recorded: %+v", c)
		}
	}

	if err := r.ws.Desk.SetPrinterChoice(r.ws.ctx, data.DocReceipt.Label(), data.PrinterChoice{Copies: 1}); err != nil {
		t.Fatal(err)
	}
	r.key(fyne.KeyReturn)
	if len(r.opened) != 2 || !strings.Contains(r.opened[0], "受理回执") || !strings.Contains(r.opened[1], "缴款通知书") {
		t.Errorf("printed %v", r.opened)
	}
	r.mustShow("受理回执已发送到打印机“TitleDesk-PDF”（1 份）；缴款通知书已发送到打印机“TitleDesk-PDF”（1 份）")
	if r.shows("打印预览") {
		t.Error("the preview stayed open")
	}
}
