package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"titledesk/app"
	"titledesk/data"
)

// reconcileTask is 对账: the payments the finance platform's statements did
// not confirm (金额不符, 未到账, 已到账未登记), oldest first; a row opens
// the application, where a reviewer corrects the payment or refunds it.
func (s *Shell) reconcileTask() screen {
	ws := s.ws
	var (
		xs   []app.ReconcileException
		rows [][]string
	)
	info, errl := widget.NewLabel(""), errorText()
	table := textTable(&rows, []float32{116, 76, 150, 110, 80, 80, 80, 80, refWidth, refWidth, 130})
	reload := func() {
		var err error
		xs, err = ws.Desk.ReconcileExceptions(ws.ctx)
		showError(errl, err)
		rows = [][]string{{"申请编号", "姓名", "人才联络点", "对账结果", "应缴（元）", "登记（元）", "到账（元）", "缴费方式", "凭证号", "到账流水号", "登记时间"}}
		for _, x := range xs {
			rows = append(rows, []string{x.ApplicationNo, x.Name, s.pointName(x.LiaisonPointID), x.Outcome.Label(), x.Notice.String(),
				x.Recorded.String(), x.Received.String(), x.Channel, x.Reference, x.StatementRef, datetime(x.RecordedAt)})
		}
		info.SetText(fmt.Sprintf("对账异常 %d 件。", len(xs)) + "对账单由市局管理员导入（titledesk-server admin statement-import）；对账一致后才能发证。")
		table.Reset()
	}
	table.Table.OnSelected = func(id widget.TableCellID) {
		table.Table.UnselectAll()
		if id.Row >= 0 && id.Row < len(xs) {
			s.openDetail(xs[id.Row].ApplicationID)
		}
	}
	reload()
	head := container.NewVBox(container.NewBorder(nil, nil, title("对账异常"), ws.button("刷新", reload)), info, errl)
	return screen{obj: container.NewBorder(head, nil, nil, nil, table), refreshOnTop: reload, onSync: reload}
}

// datetime is a time as lists show it, or nothing.
func datetime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(data.Shanghai).Format("2006-01-02 15:04")
}
