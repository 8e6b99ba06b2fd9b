package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"titledesk/app"
	"titledesk/data"
)

// paymentColumns are the 报表 list's columns.
var paymentColumns = []struct {
	title string
	width float32
	value func(p *app.PaymentRow) string
}{
	{"申请编号", 116, func(p *app.PaymentRow) string { return p.ApplicationNo }},
	{"姓名", 76, func(p *app.PaymentRow) string { return p.Name }},
	{"缴款通知书", 230, func(p *app.PaymentRow) string { return p.NoticeNo }},
	{"缴费方式", 80, func(p *app.PaymentRow) string { return p.Channel }},
	{"票据号", 170, func(p *app.PaymentRow) string { return p.ReceiptNo }},
	{"金额（元）", 100, func(p *app.PaymentRow) string { return p.Amount.String() }},
	{"缴费时间", 130, func(p *app.PaymentRow) string { return p.PaidAt.In(data.Shanghai).Format("2006-01-02 15:04") }},
}

// report is 报表: the payments of a chosen day at this liaison point, their
// totals, and the 日结报表 to print (Ctrl+P).
func (s *Shell) report() screen {
	ws := s.ws
	var rows []app.PaymentRow
	dayEntry := ws.newEntry("2026-03-01")
	dayEntry.SetText(day(ws.Desk.Now()))
	totals, errl := widget.NewLabel(""), errorText()
	list := newTable(
		func() (int, int) { return len(rows), len(paymentColumns) },
		func() fyne.CanvasObject { return widget.NewLabel("2026000123") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			setCell(o.(*widget.Label), paymentColumns[id.Col].value(&rows[id.Row]), widget.MediumImportance)
		}, func(col int) (string, float32) { return paymentColumns[col].title, paymentColumns[col].width })
	reload := func() {
		at, err := ws.dayOrToday(dayEntry.Text)
		if err == nil {
			rows, err = ws.Desk.Payments(ws.ctx, at)
		}
		showError(errl, err)
		var sum data.Fen
		for _, p := range rows {
			sum += p.Amount
		}
		totals.SetText(fmt.Sprintf("共 %d 笔，合计 %s 元（%s）　%s", len(rows), sum, sum.Capital(), totalsText(app.ChannelTotals(rows))))
		list.Refresh()
	}
	printReport := func() {
		at, err := ws.dayOrToday(dayEntry.Text)
		if err != nil {
			showError(errl, err)
			return
		}
		p, err := ws.Desk.DailyReport(ws.ctx, at)
		if err != nil {
			showError(errl, err)
			return
		}
		ws.openPrintout(p)
	}
	dayEntry.OnSubmitted = func(string) { reload() }
	printBtn := ws.button("打印日结报表（Ctrl+P）", printReport)
	printBtn.Importance = widget.HighImportance
	reload()
	head := container.NewVBox(title("报表：日结报表"),
		container.NewBorder(nil, nil, widget.NewLabel("日期"), container.NewHBox(ws.button("查询", reload), printBtn), dayEntry), totals, errl)
	return screen{obj: container.NewBorder(head, nil, nil, nil, list), print: printReport}
}
