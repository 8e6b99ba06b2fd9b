package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"titledesk/app"
	"titledesk/data"
)

// urgentWithin is how close, in working days, a deadline must be for the
// 工作台 to warn about it.
const urgentWithin = 2

// workbenchTask is the 工作台: each queue's size (a tap opens it) and the
// applications whose deadline is close or past. It is brought up to date in
// place, the list where the clerk has scrolled it, when a sync changed
// something or the clerk comes back to it.
func (s *Shell) workbenchTask() screen {
	var urgent []app.Urgent
	errl := errorText()
	cards := container.NewGridWithColumns(4)
	var queues []string
	var buttons []*widget.Button
	for _, q := range app.Queues {
		if q.Role != s.clerk.Role {
			continue
		}
		task := q.Task
		queues = append(queues, task)
		buttons = append(buttons, s.ws.button(task, func() { s.Task(task) }))
		cards.Add(buttons[len(buttons)-1])
	}
	list := newTable(
		func() (int, int) { return len(urgent), len(urgentColumns) },
		func() fyne.CanvasObject { return widget.NewLabel("已过期 10 天（03-01）") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			u := &urgent[id.Row]
			importance := widget.MediumImportance
			if u.Left < 0 {
				importance = widget.DangerImportance
			}
			setCell(o.(*widget.Label), urgentColumns[id.Col].value(u), importance)
		}, func(col int) (string, float32) { return urgentColumns[col].title, urgentColumns[col].width })
	list.Table.OnSelected = func(id widget.TableCellID) {
		list.Table.UnselectAll()
		if id.Row >= 0 && id.Row < len(urgent) {
			s.openDetail(urgent[id.Row].ID)
		}
	}
	heading := title("")
	// 逾期退件 of every overdue one at once: counted from the list, and
	// asked of the state machine when tapped.
	expireAll := s.ws.button("", func() {
		rows, err := s.ws.Desk.Expirable(s.ws.ctx)
		showError(errl, err)
		s.batch(data.ActionPaperExpire, rows, func(r data.ApplicationSummary) string {
			return fmt.Sprintf("%s　%s　补正期限 %s", r.No, r.Name, day(r.SupplementDeadline))
		}, data.Command{})
	})
	expireAll.Importance = widget.DangerImportance
	load := func() {
		counts, due, err := s.ws.Desk.Workbench(s.ws.ctx, s.clerk.Role, urgentWithin)
		showError(errl, err)
		if err != nil {
			return
		}
		urgent = due
		for i, b := range buttons {
			b.SetText(fmt.Sprintf("%s\n%d 件", queues[i], counts[queues[i]]))
		}
		heading.SetText(fmt.Sprintf("临近或已过期限（%d 个工作日内）：%d 件", urgentWithin, len(urgent)))
		list.Refresh() // where the clerk has scrolled to
		overdue := 0
		for _, u := range urgent {
			if u.Status == data.StatusPaperDeficient && u.Left < 0 {
				overdue++
			}
		}
		expireAll.SetText(fmt.Sprintf("逾期退件：补正期限已过的 %d 件…", overdue))
		if overdue == 0 {
			expireAll.Hide()
		} else {
			expireAll.Show()
		}
	}
	load()
	head := container.NewVBox(title("工作台"), cards, errl, container.NewBorder(nil, nil, nil, expireAll, heading))
	return screen{obj: container.NewBorder(head, nil, nil, nil, list), refreshOnTop: load, onSync: load}
}

// urgentColumns are the columns of the 工作台's list of deadlines.
var urgentColumns = []struct {
	title string
	width float32
	value func(*app.Urgent) string
}{
	{"申请编号", 120, func(u *app.Urgent) string { return u.No }},
	{"姓名", 90, func(u *app.Urgent) string { return u.Name }},
	{"状态", 180, func(u *app.Urgent) string { return u.Status.Label() }},
	{"期限", 110, func(u *app.Urgent) string { return day(u.Deadline) }},
	{"剩余工作日", 200, func(u *app.Urgent) string { return leftText(u.Deadline, u.Left, true) }},
}

// settings shows where this desk is enrolled and sets the idle lock, the
// retention of answered commands, the printers and the card reader.
func (s *Shell) settings() fyne.CanvasObject {
	ws := s.ws
	dev := ws.Desk.Device()
	point := "市人力资源局（全市各联络点）"
	if dev.LiaisonPointID != "" {
		point = s.pointName(dev.LiaisonPointID)
	}
	lockErr := errorText()
	lock := widget.NewSelect([]string{"2 分钟", "5 分钟", "10 分钟", "15 分钟"}, nil)
	ws.mu.Lock()
	lock.SetSelected(fmt.Sprintf("%d 分钟", int(ws.cfg.IdleLock.Minutes())))
	ws.mu.Unlock()
	lock.OnChanged = func(v string) {
		var m int
		fmt.Sscanf(v, "%d", &m)
		ws.mu.Lock()
		ws.cfg.IdleLock = time.Duration(m) * time.Minute
		ws.mu.Unlock()
		showError(lockErr, ws.Desk.SetIdleLock(ws.ctx, time.Duration(m)*time.Minute))
	}
	keep := s.retention()
	return container.NewVBox(title("设置"), form(
		formRow{"联络点", widget.NewLabel(point)},
		formRow{"工作站编号", widget.NewLabel(dev.Code)},
		formRow{"角色", widget.NewLabel(dev.Role.Label())},
		formRow{"服务器", widget.NewLabel(serverOf(ws))},
		formRow{"无操作自动锁屏", container.NewVBox(lock, lockErr)},
		formRow{"已同步操作保留", keep},
		formRow{"打印机", s.printers()},
		formRow{"身份证阅读器", s.cardReader()},
		formRow{"高拍仪图片文件夹", s.cameraFolder()},
		formRow{"修改本人密码", s.passwordChange()},
	))
}

// passwordChange changes the logged-in clerk's password on the server.
func (s *Shell) passwordChange() fyne.CanvasObject {
	ws := s.ws
	errl := errorText()
	current, next, again := ws.newEntry("当前密码"), ws.newEntry("新密码"), ws.newEntry("再次输入新密码")
	for _, e := range []*keyEntry{current, next, again} {
		e.Password = true
	}
	var change *widget.Button
	change = ws.button("修改密码", func() {
		change.Disable()
		cur, n, a := current.Text, next.Text, again.Text
		ws.async(func() {
			err := ws.Desk.ChangePassword(ws.ctx, cur, n, a)
			fyne.Do(func() {
				change.Enable()
				showError(errl, err)
				if err == nil {
					current.SetText("")
					next.SetText("")
					again.SetText("")
					s.setBanner(&bannerText{"密码已修改：本机已生效，其他工作站同步后生效", colorGood})
				}
			})
		})
	})
	return container.NewVBox(container.NewGridWithColumns(4, current, next, again, change), errl)
}

// cameraFolder sets where the document camera (高拍仪) saves its pictures:
// the payment proof's picker shows them first.
func (s *Shell) cameraFolder() fyne.CanvasObject {
	ws := s.ws
	errl := errorText()
	dir := ws.newEntry(`高拍仪软件保存图片的文件夹，如 D:\高拍仪\图片；留空表示没有`)
	dir.SetText(ws.Desk.CameraFolder(ws.ctx))
	save := func() {
		err := ws.Desk.SetCameraFolder(ws.ctx, dir.Text)
		showError(errl, err)
		if err == nil {
			dir.SetText(ws.Desk.CameraFolder(ws.ctx))
			s.setBanner(&bannerText{"已保存高拍仪图片文件夹", colorGood})
		}
	}
	dir.OnSubmitted = func(string) { save() }
	return container.NewVBox(container.NewBorder(nil, nil, nil, ws.button("保存", save), dir), errl)
}

// cardReader sets the identity-card reader: the vendor's termb.dll and its
// port. Without one the counter check offers no 读身份证.
func (s *Shell) cardReader() fyne.CanvasObject {
	ws := s.ws
	if !app.CardReaders {
		note := widget.NewLabel("身份证阅读器的驱动（termb.dll）只能在 Windows 上使用")
		note.Importance = widget.LowImportance
		return note
	}
	errl := errorText()
	c, err := ws.Desk.CardReaderSetting(ws.ctx)
	showError(errl, err)
	dll := ws.newEntry(`驱动文件，如 C:\Program Files\CVR100\termb.dll；留空表示没有阅读器`)
	dll.SetText(c.DLL)
	ports := []string{"自动（USB）"}
	for p := 1001; p <= 1016; p++ {
		ports = append(ports, fmt.Sprintf("USB %d", p))
	}
	for p := 1; p <= 16; p++ {
		ports = append(ports, fmt.Sprintf("串口 COM%d", p))
	}
	port := widget.NewSelect(ports, nil)
	switch {
	case c.Port == 0:
		port.SetSelectedIndex(0)
	case c.Port >= 1001:
		port.SetSelectedIndex(c.Port - 1000)
	default:
		port.SetSelectedIndex(16 + c.Port)
	}
	save := ws.button("保存", func() {
		p := 0
		switch i := port.SelectedIndex(); {
		case i >= 1 && i <= 16:
			p = 1000 + i
		case i > 16:
			p = i - 16
		}
		showError(errl, ws.Desk.SetCardReader(ws.ctx, data.CardReaderSetting{DLL: strings.TrimSpace(dll.Text), Port: p}))
		s.showCardButton()
	})
	return container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(port, save), dll), errl)
}

// printers chooses a printer and a number of copies for each paper the desk
// prints, from the system's printers; every printout is also kept as a PDF
// in the data folder's printed/.
func (s *Shell) printers() fyne.CanvasObject {
	ws := s.ws
	errl := errorText()
	names, def, err := ws.Desk.Printers(ws.ctx)
	choices, cerr := ws.Desk.PrinterChoices(ws.ctx)
	if err == nil {
		err = cerr
	}
	showError(errl, err)
	defaultName := "系统默认打印机"
	if def != "" {
		defaultName += "（" + def + "）"
	}
	rows := container.New(layout.NewFormLayout())
	for _, paper := range data.Papers {
		c := choices[paper]
		printer := widget.NewSelect(append([]string{defaultName}, names...), nil)
		copies := widget.NewSelect([]string{"1 份", "2 份", "3 份"}, nil)
		save := func(string) {
			choice := data.PrinterChoice{Copies: 1}
			fmt.Sscanf(copies.Selected, "%d", &choice.Copies)
			if printer.SelectedIndex() > 0 {
				choice.Printer = printer.Selected
			}
			showError(errl, ws.Desk.SetPrinterChoice(ws.ctx, paper, choice))
		}
		if c.Printer == "" {
			printer.SetSelectedIndex(0)
		} else {
			printer.SetSelected(c.Printer) // a printer since removed still shows
		}
		copies.SetSelected(fmt.Sprintf("%d 份", c.Copies))
		printer.OnChanged, copies.OnChanged = save, save
		rows.Add(widget.NewLabel(paper))
		rows.Add(container.NewBorder(nil, nil, nil, copies, printer))
	}
	note := widget.NewLabel("每份打印件同时保存为 PDF，在数据目录的 printed 文件夹中")
	note.Importance = widget.LowImportance
	return container.NewVBox(rows, note, errl)
}

// retention chooses how long the desk keeps commands the server answered,
// to send them again should the server be restored from an older backup.
func (s *Shell) retention() fyne.CanvasObject {
	ws := s.ws
	errl := errorText()
	days, err := ws.Desk.Retention(ws.ctx)
	showError(errl, err)
	keep := widget.NewSelect([]string{"30 天", "60 天", "90 天", "180 天"}, func(v string) {
		var n int
		fmt.Sscanf(v, "%d", &n)
		showError(errl, ws.Desk.SetRetention(ws.ctx, n))
	})
	keep.SetSelected(fmt.Sprintf("%d 天", days))
	note := widget.NewLabel("服务器从备份恢复后，本机据此重新提交服务器可能遗失的操作")
	note.Importance = widget.LowImportance
	return container.NewVBox(container.NewHBox(keep, note), errl)
}

func serverOf(ws *Workstation) string {
	return ws.Desk.ServerURL()
}

// batch asks once for a decision on every application in rows, naming
// each (line) and saying what the decision does, and takes it on them all
// on Enter (cmd, on each one's id and version). Those the state machine
// refuses stay listed, each with why; Esc goes back.
func (s *Shell) batch(action data.Action, rows []data.ApplicationSummary, line func(data.ApplicationSummary) string, cmd data.Command) {
	if len(rows) == 0 {
		return
	}
	label := action.Label()
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(line(r) + "\n")
	}
	list := widget.NewLabel(b.String())
	said := widget.NewLabel(fmt.Sprintf("以下 %d 件：", len(rows)))
	refuses := false
	for _, t := range data.Transitions {
		if t.Action == action && t.Role == s.clerk.Role {
			said.SetText(said.Text + t.Consequence())
			refuses = t.Refuses()
		}
	}
	said.Wrapping = fyne.TextWrapWord
	if refuses {
		said.Importance = widget.DangerImportance
	}
	errl := errorText()
	var okButton *widget.Button
	ok := func() {
		if okButton.Hidden {
			return
		}
		cmd.Action = action
		done, refused := s.ws.Desk.DoAll(s.ws.ctx, rows, cmd)
		if len(refused) == 0 {
			s.pop()
			s.setBanner(&bannerText{fmt.Sprintf("已%s %d 件，待同步", label, done), colorGood})
			return
		}
		b.Reset()
		for _, r := range refused {
			b.WriteString(line(r.Row) + "　未办：" + data.ErrorMessage(r.Err) + "\n")
		}
		list.SetText(b.String())
		okButton.Hide()
		errl.SetText(fmt.Sprintf("已%s %d 件；以下 %d 件未办，原因见各行", label, done, len(refused)))
	}
	okButton = s.ws.button(fmt.Sprintf("确认%s %d 件（回车）", label, len(rows)), ok)
	okButton.Importance = widget.HighImportance
	if refuses {
		okButton.Importance = widget.DangerImportance
	}
	s.push(screen{obj: container.NewBorder(container.NewVBox(title(label), said, container.NewHBox(okButton, s.ws.button("返回（Esc）", s.pop)), errl),
		nil, nil, nil, container.NewVScroll(list)), enter: ok})
}
