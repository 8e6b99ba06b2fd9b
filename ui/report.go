package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"titledesk/app"
	"titledesk/data"
)

// settlementWidths are the 报表 list's column widths, for app.Settlement's
// Table.
var settlementWidths = []float32{116, 76, 200, 80, refWidth, 90, 130, 50}

// refWidth is a column of payment references: it takes the longest any
// channel allows (data.PaymentChannels, 32 characters) whole.
const refWidth = 300

// report is 报表: the logged-in clerk's 日结 of a chosen day, by the day
// each payment was recorded; 打印日结并关账 (Ctrl+P) prints it and closes
// the day, 重印 prints a closed day as it was, 导出 Excel writes it.
func (s *Shell) report() screen {
	ws := s.ws
	var (
		st   *app.Settlement
		rows [][]string
	)
	dayEntry := ws.newEntry("2026-03-01")
	dayEntry.SetText(day(ws.Desk.Now()))
	totals, state, printed, errl := widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel(""), errorText()
	totals.Wrapping = fyne.TextWrapWord
	list := textTable(&rows, settlementWidths)
	closeBtn, reprintBtn := ws.button("打印日结并关账（Ctrl+P）", nil), ws.button("重印", nil)
	closeBtn.Importance = widget.HighImportance
	reload := func() {
		at, err := ws.dayOrToday(dayEntry.Text)
		if err == nil {
			st, err = ws.Desk.Settlement(ws.ctx, at)
		}
		showError(errl, err)
		rows = nil
		if st != nil {
			rows = st.Table()
			t := st.Totals()
			totals.SetText(fmt.Sprintf("共 %d 笔　%s（%s）", len(st.Report.Entries), totalsText(t), t.Net().Capital()))
			if st.Closed {
				state.SetText("已于 " + st.Report.ClosedAt.In(data.Shanghai).Format("2006-01-02 15:04") + " 打印关账；之后登记的缴费计入下一个未关账日")
				closeBtn.Disable()
				reprintBtn.Enable()
			} else {
				state.SetText("未关账：打印日结后本日关账，此后登记的缴费计入下一日")
				closeBtn.Enable()
				reprintBtn.Disable()
			}
		}
		list.Refresh()
	}
	print := func(do func(time.Time) (*app.Printout, error)) {
		at, err := ws.dayOrToday(dayEntry.Text)
		var p *app.Printout
		if err == nil {
			p, err = do(at)
		}
		if err != nil {
			showError(errl, err)
			return
		}
		reload()
		s.preview([]*app.Printout{p}, printed.SetText)
	}
	// Closing cannot be undone: it is asked first.
	var confirm *fyne.Container
	confirmed := func() {
		if confirm.Visible() {
			confirm.Hide()
			print(func(at time.Time) (*app.Printout, error) { return ws.Desk.CloseSettlement(ws.ctx, at) })
		}
	}
	sure := ws.button("确认关账（回车）", confirmed)
	sure.Importance = widget.DangerImportance
	confirm = container.NewHBox(widget.NewLabel("关账后本日日结不能再改，此后登记的缴费计入下一日。"), sure, ws.button("取消", func() { confirm.Hide() }))
	confirm.Hide()
	closeDay := func() {
		if st != nil && !st.Closed {
			confirm.Show()
			ws.Win.Canvas().Unfocus() // Enter confirms
		}
	}
	closeBtn.OnTapped = closeDay
	reprintBtn.OnTapped = func() {
		print(func(at time.Time) (*app.Printout, error) { return ws.Desk.ReprintSettlement(ws.ctx, at) })
	}
	dayEntry.OnSubmitted = func(string) { reload() }
	exports := s.exportButtons(func() (string, func(path string) error) {
		at, err := ws.dayOrToday(dayEntry.Text)
		if err != nil {
			showError(errl, err)
			return "", nil
		}
		return "日结-" + s.clerk.Name + "-" + at.Format("20060102"), func(path string) error { return ws.Desk.ExportSettlement(ws.ctx, at, path) }
	})
	reload()
	buttons := container.NewHBox(append([]fyne.CanvasObject{ws.button("查询", reload), closeBtn, reprintBtn}, exports[0])...)
	head := container.NewVBox(title("报表：日结报表（"+s.clerk.Name+"）"),
		container.NewBorder(nil, nil, widget.NewLabel("日期"), buttons, dayEntry), confirm, state, printed, totals, errl)
	return screen{obj: container.NewBorder(head, nil, nil, nil, list), print: closeDay, enter: confirmed, refreshOnTop: reload, onSync: reload}
}
