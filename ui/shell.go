package ui

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"titledesk/app"
	"titledesk/data"
	tdsync "titledesk/sync"
)

// WindowTitle is the title of the one workstation window.
const WindowTitle = "职称考核认定 · 联络点工作站"

// task is one entry of the navigation: a job the person at the desk does.
type task struct {
	label string
	// about says what the screen is for; placeholder screens show it.
	about string
	// open builds the screen; nil shows about.
	open func(s *Shell) fyne.CanvasObject
}

func queueTask(label, about string) task {
	return task{label, about, func(s *Shell) fyne.CanvasObject {
		return newQueueView(s, *app.QueueOf(s.clerk.Role, label)).object()
	}}
}

// tasks is the navigation of DESIGN.md section 6, per role.
var tasks = map[data.Role][]task{
	data.RoleClerk: {
		{"工作台", "各队列的数量，以及临近或已过期限的申请。", (*Shell).workbench},
		queueTask("初审", "待联络点初审的申请：通过，或一次性告知全部原因后退回申报人或单位。"),
		queueTask("市局退回", "市局复审不通过、退回联络点的申请：再退回申报人或单位。"),
		queueTask("现场核验", "扫描申报表二维码，逐项核对原件与网上扫描件，受理或一次性告知补正。"),
		queueTask("待缴费", "已受理待缴费的申请：登记缴费票据。"),
		{"报表", "日结报表：当日各缴费方式的笔数与金额。", nil},
		{"同步", "待同步的操作、同步进度、冲突与被拒绝的操作。", (*Shell).syncScreen},
		{"设置", "服务器地址、锁屏时间、打印设置。", (*Shell).settings},
	},
	data.RoleBureau: {
		queueTask("复审", "全市各联络点初审通过的申请：复审通过（签章申报表并短信通知），或不通过退回联络点。"),
		queueTask("发证", "已缴费的申请：登记证书编号与发证时间；证书登记簿。"),
		{"统计", "各联络点各状态的数量、逾期申请、当日与当月缴费。", nil},
		{"同步", "待同步的操作、同步进度、冲突与被拒绝的操作。", (*Shell).syncScreen},
		{"设置", "服务器地址、锁屏时间、打印设置。", (*Shell).settings},
	},
}

// screen is what the content area shows, with its keys.
type screen struct {
	obj          fyne.CanvasObject
	enter, esc   func()
	print        func() // Ctrl+P
	refreshOnTop func() // called when the screen comes back to the top
}

// Shell is the desk after login: navigation, scan box, verdict banner,
// content and status line.
type Shell struct {
	ws      *Workstation
	clerk   *data.Clerk
	ScanBox *keyEntry
	banner  *fyne.Container
	status  *widget.Label
	content *fyne.Container
	nav     *widget.List
	tasks   []task
	stack   []screen
	root    fyne.CanvasObject
	sync    tdsync.Status
	// syncView is the open sync screen, refreshed on sync changes.
	syncView *syncView
}

func (ws *Workstation) showShell(c *data.Clerk) {
	s := &Shell{ws: ws, clerk: c, tasks: tasks[c.Role], status: widget.NewLabel(""), content: container.NewStack(),
		banner: container.NewStack()}
	s.ScanBox = ws.newEntry("扫描二维码或输入申请编号，回车（F2）")
	s.ScanBox.OnSubmitted = func(text string) { ws.touch(); s.scan(text) }
	s.nav = widget.NewList(
		func() int { return len(s.tasks) },
		func() fyne.CanvasObject { return widget.NewLabel("市局退回") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(s.tasks[i].label) },
	)
	s.nav.OnSelected = func(i widget.ListItemID) { ws.touch(); s.openTask(i) }
	top := container.NewBorder(nil, nil, widget.NewLabelWithStyle("扫码", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		ws.button("锁屏", ws.Lock), s.ScanBox)
	body := container.NewHSplit(s.nav, container.NewBorder(s.banner, nil, nil, nil, s.content))
	body.Offset = 0.11
	s.root = container.NewBorder(top, s.status, nil, nil, body)
	ws.shell = s
	ws.Win.SetContent(s.root)
	s.nav.Select(0)
	if sy := ws.Desk.Syncer(); sy != nil && ws.syncLoop {
		s.sync = sy.Status()
		ws.Desk.StartSync(func(st tdsync.Status) { fyne.Do(func() { s.setSync(st) }) })
	}
	s.refreshStatus()
}

// resume shows the desk again as the clerk left it.
func (s *Shell) resume() {
	s.ws.Win.SetContent(s.root)
	s.top().show(s)
}

// openTask starts a task afresh.
func (s *Shell) openTask(i int) {
	t := s.tasks[i]
	s.setBanner(nil)
	s.stack = nil
	if t.open == nil {
		title := widget.NewLabelWithStyle(t.label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		about := widget.NewLabel(t.about + "（本期未实现）")
		about.Wrapping = fyne.TextWrapWord
		s.push(screen{obj: container.NewVBox(title, about)})
		return
	}
	s.push(screen{obj: t.open(s)})
}

// Task opens the task labelled label, as a click on the navigation does.
func (s *Shell) Task(label string) {
	for i, t := range s.tasks {
		if t.label == label {
			s.nav.Unselect(i) // so that selecting it again starts it afresh
			s.nav.Select(i)
			return
		}
	}
}

func (s *Shell) top() screen { return s.stack[len(s.stack)-1] }

func (sc screen) show(s *Shell) {
	s.content.Objects = []fyne.CanvasObject{sc.obj}
	s.content.Refresh()
	esc := sc.esc
	if esc == nil && len(s.stack) > 1 {
		esc = s.pop
	}
	s.ws.keys(sc.enter, esc)
}

// push shows a screen over the current one; Esc or 返回 go back to it.
func (s *Shell) push(sc screen) {
	s.stack = append(s.stack, sc)
	sc.show(s)
}

// replace swaps the top screen, keeping what is under it.
func (s *Shell) replace(sc screen) {
	if len(s.stack) > 0 {
		s.stack = s.stack[:len(s.stack)-1]
	}
	s.push(sc)
}

func (s *Shell) pop() {
	if len(s.stack) < 2 {
		return
	}
	s.stack = s.stack[:len(s.stack)-1]
	top := s.top()
	if top.refreshOnTop != nil {
		top.refreshOnTop()
	}
	top.show(s)
}

// Verdict colours: the clerk sees the seal's verdict before anything else.
var (
	colorGood = color.NRGBA{0x1b, 0x7f, 0x3b, 0xff}
	colorBad  = color.NRGBA{0xc6, 0x28, 0x28, 0xff}
	colorWarn = color.NRGBA{0xd9, 0x77, 0x06, 0xff}
)

// setBanner shows a coloured line of text above the content, nil hides it.
func (s *Shell) setBanner(b *bannerText) {
	if b == nil {
		s.banner.Objects = nil
		s.banner.Refresh()
		return
	}
	bg := canvas.NewRectangle(b.color)
	txt := canvas.NewText(b.text, color.White)
	txt.TextStyle.Bold = true
	txt.TextSize = 20
	s.banner.Objects = []fyne.CanvasObject{bg, container.NewPadded(txt)}
	s.banner.Refresh()
}

type bannerText struct {
	text  string
	color color.Color
}

func (s *Shell) setSync(st tdsync.Status) {
	s.sync = st
	s.refreshStatus()
	if s.syncView != nil {
		s.syncView.refresh()
	}
}

// refreshStatus redraws the status line; pending counts come from the
// outbox itself so they move the moment the clerk acts.
func (s *Shell) refreshStatus() {
	st := s.sync
	if p, r, err := s.ws.Desk.Store.OutboxCounts(s.ws.ctx); err == nil {
		st.Pending, st.Refused = p, r
	}
	s.status.SetText(statusLine(st, s.clerk))
}

// statusLine is the window's status line.
func statusLine(st tdsync.Status, c *data.Clerk) string {
	parts := []string{"离线"}
	if st.Online {
		parts[0] = "在线"
	}
	if st.Syncing {
		parts[0] += "（同步中）"
	}
	parts = append(parts, fmt.Sprintf("待同步 %d 条", st.Pending))
	if st.Refused > 0 {
		parts = append(parts, fmt.Sprintf("冲突或被拒 %d 条，请到“同步”处理", st.Refused))
	}
	last := "从未"
	if !st.LastSuccess.IsZero() {
		last = st.LastSuccess.In(data.Shanghai).Format("01-02 15:04")
	}
	parts = append(parts, "上次同步成功："+last)
	if st.Upgrade {
		parts = append(parts, "服务器已升级，请更新本软件")
	}
	user := "未登录"
	if c != nil {
		user = c.Name + "（" + c.Role.Label() + "）"
	}
	return "同步：" + strings.Join(parts, " · ") + " · 当前用户：" + user
}

// printShortcut is Ctrl+P: the print of the screen shown, if it has one.
func (ws *Workstation) printShortcut() {
	if s := ws.shell; s != nil && !ws.isLocked() && len(s.stack) > 0 && s.top().print != nil {
		s.top().print()
	}
}

// title is a screen's heading.
func title(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}
