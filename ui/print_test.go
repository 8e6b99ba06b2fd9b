package ui

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"titledesk/data"
	"titledesk/idcard"
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

// cardOnReader is an identity-card reader with a card on it, or failing,
// for the headless tests: a real reader is a vendor's Windows DLL, whose
// path scripts/wine-peripherals runs under Wine.
type cardOnReader struct {
	card *data.IDCard
	err  error
}

func (c cardOnReader) Read(context.Context) (*data.IDCard, error) { return c.card, c.err }

// TestCounterReadsTheCard: on the counter check, 读身份证 with the
// applicant's valid card marks the 居民身份证 item 一致 with the reading;
// another person's card, an expired one or a reader without a card mark
// nothing and say why; a desk without a reader shows no button.
func TestCounterReadsTheCard(t *testing.T) {
	r := newRig(t)
	r.login()
	a := r.fx.Apps[data.StatusAwaitingPaper][0]
	valid := &data.IDCard{Name: a.Name, Number: a.IDNumber, ValidTo: time.Date(2036, 5, 1, 0, 0, 0, 0, data.Shanghai)}
	expired, other := *valid, *valid
	expired.ValidTo = time.Date(2025, 1, 1, 0, 0, 0, 0, data.Shanghai)
	other.Name = "李四"
	r.scan(a.FormSeal) // the sealed form opens the counter check
	r.mustShow("现场核验：申请 " + a.No)
	if r.shows("读身份证") {
		t.Fatal("读身份证 offered without a reader")
	}
	r.key(fyne.KeyEscape)

	item := slices.IndexFunc(a.Attachments, func(at data.Attachment) bool { return at.Kind == data.IDCardKind })
	for _, c := range []struct {
		name   string
		reader cardOnReader
		says   string // "" when the card marks the item
	}{
		{"another person's card", cardOnReader{card: &other}, "姓名与申请不一致：卡上为“李四”"},
		{"an expired card", cardOnReader{card: &expired}, "身份证已于 2025年1月1日 过期"},
		{"no card on the reader", cardOnReader{err: &data.Error{Code: data.ENOTFOUND, Message: "阅读器上没有身份证，请把证件平放在阅读器上再读"}}, "阅读器上没有身份证"},
		{"the applicant's card", cardOnReader{card: valid}, ""},
	} {
		r.ws.Desk.CardReader = c.reader
		r.scan(a.FormSeal)
		r.tap("读身份证")
		radio := radios(r)[item]
		var note *keyEntry
		walk(r.ws.Win.Content(), func(o fyne.CanvasObject) {
			if e, ok := o.(*keyEntry); ok && strings.HasPrefix(e.Text, "已读卡核验") {
				note = e
			}
		})
		switch {
		case c.says == "" && (radio.Selected != data.CheckMatch.Label() || note == nil || note.Text != "已读卡核验，有效期至 2036-05-01"):
			t.Errorf("%s: %q marked, note %v", c.name, radio.Selected, note)
		case c.says != "":
			r.mustShow(c.says)
			if radio.Selected != "" || note != nil {
				t.Errorf("%s marked the item: %q", c.name, radio.Selected)
			}
		}
		if c.says == "" {
			for i, g := range radios(r) {
				if i != item && g.Selected != "" {
					t.Errorf("the card marked item %d too", i)
				}
			}
		}
		r.key(fyne.KeyEscape)
	}

	// A card laid on the reader while the check is open: nothing said
	// while there is none, marked when it comes.
	v, err := r.ws.Desk.View(r.ws.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	r.ws.Desk.CardReader = cardOnReader{err: &data.Error{Code: data.ENOTFOUND, Message: "阅读器上没有身份证", Err: idcard.ErrNoCard}}
	c := newDetail(r.ws.shell, v).openCounterCheck()
	if c.lookForCard() || c.errl.Text != "" || radios(r)[item].Selected != "" {
		t.Errorf("with no card yet: %q, %q marked", c.errl.Text, radios(r)[item].Selected)
	}
	r.ws.Desk.CardReader = cardOnReader{card: valid}
	if !c.lookForCard() || radios(r)[item].Selected != data.CheckMatch.Label() {
		t.Errorf("the card laid on the reader: %q marked", radios(r)[item].Selected)
	}
	r.key(fyne.KeyEscape)

	// The scan box's 读卡: the card opens its application, here at the
	// counter, its check with the 居民身份证 marked.
	r.ws.shell.showCardButton()
	r.tap("读卡")
	if text, c := r.banner(); text != "已读卡："+a.Name+" "+data.MaskIDNumber(a.IDNumber) || c != colorGood {
		t.Errorf("banner after 读卡: %q", text)
	}
	r.mustShow("现场核验：申请 " + a.No)
	if got := radios(r)[item].Selected; got != data.CheckMatch.Label() {
		t.Errorf("读卡 left the 居民身份证 at %q", got)
	}
	stranger := *valid
	stranger.Number = data.MakeIDNumber("441900", time.Date(1980, 2, 2, 0, 0, 0, 0, data.Shanghai), 77)
	r.ws.Desk.CardReader = cardOnReader{card: &stranger}
	r.tap("读卡")
	if text, c := r.banner(); !strings.HasPrefix(text, "本联络点没有身份证号 ") || c != colorBad {
		t.Errorf("a card with no application here: %q", text)
	}
	if r.shows("现场核验：申请") {
		t.Error("the last applicant's check stayed open")
	}
}

// radios are the counter check's answer groups, one per material.
func radios(r *rig) []*widget.RadioGroup {
	var out []*widget.RadioGroup
	walk(r.ws.Win.Content(), func(o fyne.CanvasObject) {
		if g, ok := o.(*widget.RadioGroup); ok {
			out = append(out, g)
		}
	})
	return out
}

// TestDeficiencyNoticeFromTheMarks: the counter marks two materials, one
// with a note, and lists them at once without ticking any reason again;
// the printed 一次性告知书, read back with pdftotext, has a row for each
// marked material with its result and note, and no row without a material.
func TestDeficiencyNoticeFromTheMarks(t *testing.T) {
	r := newRig(t)
	r.login()
	a := r.fx.Apps[data.StatusAwaitingPaper][1]
	r.scan(a.FormSeal)
	r.tap("全部一致")
	groups := radios(r)
	groups[1].SetSelected(data.CheckMismatch.Label())
	groups[2].SetSelected(data.CheckMissing.Label())
	var notes []*keyEntry
	walk(r.ws.Win.Content(), func(o fyne.CanvasObject) {
		if e, ok := o.(*keyEntry); ok && e.PlaceHolder == "说明（可不填）" {
			notes = append(notes, e)
		}
	})
	notes[1].SetText("网上为2025年证明，现场为2024年证明")
	r.tap("一次性告知补正")
	r.mustShow("其他原因（上面的材料之外，可不选）")
	r.key(fyne.KeyReturn)
	if got := r.status(a.ID); got != data.StatusPaperDeficient {
		t.Fatalf("deficient without a reason ticked: %s", got)
	}
	r.printPreview()
	if len(r.opened) != 1 {
		t.Fatalf("printed %v", r.opened)
	}
	out, err := exec.Command("pdftotext", "-layout", r.opened[0], "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{
		a.Attachments[1].Kind, data.CheckMismatch.Label(), "网上为2025年证明", a.Attachments[2].Kind, data.CheckMissing.Label(),
	} {
		if !strings.Contains(stripSpaces(text), stripSpaces(want)) {
			t.Errorf("the printed notice lacks %q:\n%s", want, text)
		}
	}
	for _, at := range []data.Attachment{a.Attachments[0], a.Attachments[3]} {
		if strings.Contains(stripSpaces(text), stripSpaces(at.Kind)) {
			t.Errorf("the notice lists %s, which matched", at.Kind)
		}
	}
	if strings.Contains(text, "其他") {
		t.Errorf("a row without a material:\n%s", text)
	}
}

func stripSpaces(s string) string { return strings.Join(strings.Fields(s), "") }
