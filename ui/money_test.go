package ui

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"titledesk/app"
	"titledesk/data"
	"titledesk/internal/qrscan"
	"titledesk/internal/testworld"
)

// keepPage renders a printed document's first page into $TITLEDESK_SHOTS
// as name.png, when set, to look at.
func keepPage(t *testing.T, pdf, name string) {
	t.Helper()
	if dir := os.Getenv("TITLEDESK_SHOTS"); dir != "" {
		if out, err := exec.Command("pdftoppm", "-png", "-r", "80", "-singlefile", pdf, filepath.Join(dir, name)).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v %s", err, out)
		}
	}
}

// withoutReprint drops the lines that mark a reprint and the blank lines
// that set them apart, and the layout's spacing within lines.
func withoutReprint(text string) string {
	var keep []string
	for _, l := range strings.Split(text, "\n") {
		if !strings.Contains(l, "重印") && strings.TrimSpace(l) != "" {
			keep = append(keep, strings.Join(strings.Fields(l), " "))
		}
	}
	return strings.Join(keep, "\n")
}

// TestSettlementClosesOnPrintAndReprintsAsPrinted: the clerk's 日结 holds
// the payments the clerk recorded today (WeChat and bank, by the day they
// were recorded, with a refund the bureau approved of one of them); printing
// closes the day; a payment recorded afterwards falls into tomorrow's; the
// reprint is the first print's page, marked 重印; the workbook holds numbers
// and a totals row; the bureau's month shows the refund.
func TestSettlementClosesOnPrintAndReprintsAsPrinted(t *testing.T) {
	ctx := context.Background()
	w := testworld.New(t)
	unpaid := w.Apps(t, 3, "DLXH", data.StatusAwaitingPayment)
	paid := w.Apps(t, 1, "DLXH", data.StatusPaid)[0] // recorded today by one of the point's clerks
	r := rigOn(t, w.Enrolled(t, "DLXH"))
	for login, c := range w.Clerks {
		if c.ID == paid.Payment.RecordedByID {
			r.loginAs(login, testworld.Password)
		}
	}
	d := r.ws.Desk
	pay := func(a *data.Application, channel, ref string) {
		t.Helper()
		if _, err := d.RecordPayment(ctx, a.ID, app.PaymentInput{Channel: channel, Amount: a.Notice.Amount, ReceiptNo: ref, PaidAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	pay(unpaid[0], "微信", "4200001234202612010000000777")
	pay(unpaid[1], "银行柜台", "4400556677")
	bureau := w.Desk(t, "", "wang")
	if _, err := bureau.Do(ctx, data.Command{Action: data.ActionRefund, ApplicationID: paid.ID, Reasons: []string{"材料弄虚作假"}}); err != nil {
		t.Fatal(err)
	}
	testworld.Drain(t, bureau)
	testworld.Drain(t, d)

	r.ws.shell.Task("报表")
	want := unpaid[0].Notice.Amount + unpaid[1].Notice.Amount + paid.Notice.Amount - paid.Notice.Amount
	r.mustShow("共 4 笔") // the refunded payment and its refund
	r.mustShow("退费 1 笔 " + paid.Notice.Amount.String() + " 元，净额 " + want.String() + " 元")
	r.tap("打印日结并关账（Ctrl+P）")
	if len(r.opened) != 0 {
		t.Fatalf("closed without asking: %v", r.opened)
	}
	r.tap("确认关账（回车）")
	r.printPreview()
	if len(r.opened) != 1 {
		t.Fatalf("opened %v", r.opened)
	}
	first := qrscan.Text(t, r.opened[0])
	for _, s := range []string{unpaid[0].Notice.No, "4200001234202612010000000777", "4400556677", "退费", want.Capital()} {
		if !strings.Contains(first, s) {
			t.Errorf("the 日结 lacks %q:\n%s", s, first)
		}
	}
	r.mustShow("打印关账")
	keepPage(t, r.opened[0], "form-daily")
	if p, err := d.Prepare(ctx, unpaid[2].ID, data.DocPayment); err != nil {
		t.Fatal(err)
	} else {
		keepPage(t, p.Path, "form-payment")
	}

	// Recorded after the day was closed: tomorrow's.
	pay(unpaid[2], "微信", "4200001234202612010000000778")
	today, err := d.Settlement(ctx, d.Now())
	if err != nil || !today.Closed || len(today.Report.Entries) != 4 {
		t.Fatalf("today after closing: %+v %v", today, err)
	}
	next, err := d.Settlement(ctx, d.Now().AddDate(0, 0, 1))
	if err != nil || len(next.Report.Entries) != 1 || next.Report.Entries[0].AppNo != unpaid[2].No {
		t.Fatalf("tomorrow: %+v %v", next, err)
	}
	if _, err := d.CloseSettlement(ctx, d.Now()); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("closing today again: %v", err)
	}

	r.tap("重印")
	r.printPreview()
	if len(r.opened) != 2 {
		t.Fatalf("opened %v", r.opened)
	}
	again := qrscan.Text(t, r.opened[1])
	if !strings.Contains(again, "重印") || strings.Contains(first, "重印") || withoutReprint(again) != withoutReprint(first) {
		t.Errorf("the reprint differs from the first print:\n%s", lineDiff(withoutReprint(first), withoutReprint(again)))
	}

	path := filepath.Join(t.TempDir(), "日结.xlsx")
	if err := d.ExportSettlement(ctx, d.Now(), path); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, _ := x.GetRows("日结明细")
	last := rows[len(rows)-1]
	if total, err := data.ParseYuan(last[5]); len(rows) != 6 || last[0] != "合计" || err != nil || total != want {
		t.Errorf("workbook rows %q", rows)
	}
	if typ, _ := x.GetCellType("日结明细", "F2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("amounts stored as %v", typ)
	}
	if v, _ := x.GetCellValue("日结明细", "E2"); len(v) < 10 {
		t.Errorf("the reference lost its digits: %q", v)
	}

	st, err := bureau.Statistics(ctx, time.Now())
	if err != nil || st.Month.Refunds != 1 || st.Month.Refunded != paid.Notice.Amount || st.Today.Refunds != 1 {
		t.Errorf("the bureau's month: %+v %v", st.Month, err)
	}
}

// lineDiff lists the lines of a and b that differ, side by side.
func lineDiff(a, b string) string {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := range max(len(x), len(y)) {
		var l, r string
		if i < len(x) {
			l = x[i]
		}
		if i < len(y) {
			r = y[i]
		}
		if l != r {
			out = append(out, l+"  |  "+r)
		}
	}
	return strings.Join(out, "\n")
}

// TestReferenceColumnsFit: the longest reference any channel takes fits a
// reference column whole, as a label draws it.
func TestReferenceColumnsFit(t *testing.T) {
	test.NewApp().Settings().SetTheme(Theme{})
	longest := 0
	for _, c := range data.PaymentChannels {
		for _, l := range []int{28, 32} { // the widest the checks allow
			if c.CheckRef(strings.Repeat("8", l)) == nil {
				longest = max(longest, l)
			}
		}
	}
	th := Theme{}
	size := th.Size(theme.SizeNameText)
	need := fyne.MeasureText(strings.Repeat("8", longest), size, fyne.TextStyle{}).Width + 2*th.Size(theme.SizeNameInnerPadding)
	if longest != 32 || need > refWidth {
		t.Errorf("a reference of %d characters needs %.0f px, the column has %d", longest, need, refWidth)
	}
}
