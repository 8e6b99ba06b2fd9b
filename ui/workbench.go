package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"titledesk/app"
)

// urgentWithin is how close, in working days, a deadline must be for the
// 工作台 to warn about it.
const urgentWithin = 2

// workbench is the 工作台: each queue's size (a tap opens it) and the
// applications whose deadline is close or past.
func (s *Shell) workbench() fyne.CanvasObject {
	counts, urgent, err := s.ws.Desk.Workbench(s.ws.ctx, s.clerk.Role, urgentWithin)
	errl := errorText()
	showError(errl, err)
	cards := container.NewGridWithColumns(4)
	for _, q := range app.Queues {
		if q.Role != s.clerk.Role {
			continue
		}
		task := q.Task
		b := s.ws.button(fmt.Sprintf("%s\n%d 件", task, counts[task]), func() { s.Task(task) })
		cards.Add(b)
	}
	cal, _ := s.ws.Desk.Store.Calendar(s.ws.ctx)
	now := s.ws.Desk.Now()
	list := widget.NewTable(
		func() (int, int) { return len(urgent) + 1, 5 },
		func() fyne.CanvasObject { return widget.NewLabel("已过期 10 天（03-01）") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			if id.Row == 0 {
				l.TextStyle.Bold = true
				l.SetText([]string{"申请编号", "姓名", "状态", "期限", "剩余工作日"}[id.Col])
				return
			}
			u := urgent[id.Row-1]
			l.TextStyle.Bold = false
			l.Importance = widget.MediumImportance
			if u.Left < 0 {
				l.Importance = widget.DangerImportance
			}
			l.SetText([]string{u.No, u.Name, u.Status.Label(), day(u.Deadline), deadlineText(&u.ApplicationSummary, cal, now)}[id.Col])
		})
	for i, w := range []float32{120, 90, 180, 110, 200} {
		list.SetColumnWidth(i, w)
	}
	list.OnSelected = func(id widget.TableCellID) {
		list.UnselectAll()
		if id.Row > 0 {
			s.openDetail(urgent[id.Row-1].ID)
		}
	}
	head := container.NewVBox(title("工作台"), cards, errl,
		title(fmt.Sprintf("临近或已过期限（%d 个工作日内）：%d 件", urgentWithin, len(urgent))))
	return container.NewBorder(head, nil, nil, nil, list)
}

// settings shows where this desk is enrolled and sets the idle lock.
func (s *Shell) settings() fyne.CanvasObject {
	ws := s.ws
	dev := ws.Desk.Device()
	point := "市人力资源局（全市各联络点）"
	if dev.LiaisonPointID != "" {
		point = s.pointName(dev.LiaisonPointID)
	}
	lock := widget.NewSelect([]string{"2 分钟", "5 分钟", "10 分钟", "15 分钟"}, func(v string) {
		var m int
		fmt.Sscanf(v, "%d", &m)
		ws.mu.Lock()
		ws.cfg.IdleLock = time.Duration(m) * time.Minute
		ws.mu.Unlock()
	})
	lock.SetSelected(fmt.Sprintf("%d 分钟", int(ws.cfg.IdleLock.Minutes())))
	return container.NewVBox(title("设置"), widget.NewForm(
		widget.NewFormItem("联络点", widget.NewLabel(point)),
		widget.NewFormItem("工作站编号", widget.NewLabel(dev.Code)),
		widget.NewFormItem("角色", widget.NewLabel(dev.Role.Label())),
		widget.NewFormItem("服务器", widget.NewLabel(serverOf(ws))),
		widget.NewFormItem("无操作自动锁屏", lock),
		widget.NewFormItem("打印", widget.NewLabel("文件用系统 PDF 查看器打开后打印，保存在数据目录 printed 下")),
	))
}

func serverOf(ws *Workstation) string {
	if sy := ws.Desk.Syncer(); sy != nil {
		return sy.Client.BaseURL
	}
	return ""
}
