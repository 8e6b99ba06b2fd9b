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
)

// WindowTitle is the title of the one workstation window; a bureau desk
// has its own (windowTitles).
const WindowTitle = "职称考核认定 · 联络点工作站"

var windowTitles = map[data.Role]string{data.RoleClerk: WindowTitle, data.RoleBureau: "职称考核认定 · 市局复审工作站"}

// titleOf is the window title for the desk's enrolled role.
func titleOf(d *app.Desk) string {
	if dev := d.Device(); dev != nil && windowTitles[dev.Role] != "" {
		return windowTitles[dev.Role]
	}
	return WindowTitle
}

// task is one entry of the navigation: a job the person at the desk does.
type task struct {
	label string
	// open builds the screen.
	open func(s *Shell) screen
}

func queueTask(label string) task {
	return task{label, func(s *Shell) screen {
		v := newQueueView(s, *app.QueueOf(s.clerk.Role, label), columnsFor(s.clerk.Role, label))
		// Back from a decision, or after a sync, the queue shows where
		// things stand now.
		return screen{obj: v.object(v.export()), refreshOnTop: v.refresh, onSync: v.refresh}
	}}
}

// plain is a screen with no keys of its own.
func plain(f func(s *Shell) fyne.CanvasObject) func(s *Shell) screen {
	return func(s *Shell) screen { return screen{obj: f(s)} }
}

// tasks is the navigation of DESIGN.md section 6, per role.
var tasks = map[data.Role][]task{
	data.RoleClerk: {
		{"工作台", (*Shell).workbenchTask},
		queueTask("初审"),
		queueTask("市局退回"),
		queueTask("现场核验"),
		queueTask("待缴费"),
		{"报表", (*Shell).report},
		{"同步", plain((*Shell).syncScreen)},
		{"设置", plain((*Shell).settings)},
	},
	data.RoleBureau: {
		queueTask("复审"),
		{"发证", (*Shell).certifyTask},
		{"对账", (*Shell).reconcileTask},
		{"统计", plain((*Shell).statistics)},
		{"同步", plain((*Shell).syncScreen)},
		{"设置", plain((*Shell).settings)},
	},
}

// screen is what the content area shows, with its keys.
type screen struct {
	obj          fyne.CanvasObject
	enter, esc   func()
	keys         map[fyne.KeyName]func() // other keys of the screen (the scan viewer's)
	print        func()                  // Ctrl+P
	refreshOnTop func()                  // called when the screen comes back to the top
	onSync       func()                  // called on the top screen when a sync changed something
}

// Shell is the desk after login: navigation, scan box, verdict banner,
// content and status line.
type Shell struct {
	ws          *Workstation
	clerk       *data.Clerk
	ScanBox     *keyEntry
	cardButton  *widget.Button
	banner      *fyne.Container
	warnings    *fyne.Container // what is wrong with the desk's time, while it is (showWarnings)
	warningText string
	main        *fyne.Container // banner over content
	status      *widget.Label
	content     *fyne.Container
	nav         *widget.List
	tasks       []task
	stack       []screen
	root        fyne.CanvasObject
	sync        app.SyncStatus
	// syncView is the open sync screen, refreshed on sync changes.
	syncView *syncView
	points   map[string]string // liaison point names by ID
}

func (ws *Workstation) showShell(c *data.Clerk) {
	s := &Shell{ws: ws, clerk: c, tasks: tasks[c.Role], status: widget.NewLabel(""), content: container.NewStack(),
		banner: container.NewStack(), warnings: container.NewStack()}
	s.ScanBox = ws.newEntry("扫描二维码或输入申请编号，回车（F2）")
	s.ScanBox.OnSubmitted = func(text string) { ws.touch(); s.scan(text) }
	nav := &keyList{}
	nav.Length = func() int { return len(s.tasks) }
	nav.CreateItem = func() fyne.CanvasObject { return widget.NewLabel("市局退回") }
	nav.UpdateItem = func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(s.tasks[i].label) }
	nav.ExtendBaseWidget(nav)
	s.nav = &nav.List
	s.nav.OnSelected = func(i widget.ListItemID) { ws.touch(); s.openTask(i) }
	// 读卡: the identity card on the reader opens its application, as a
	// scan does; only with a reader (设置).
	s.cardButton = ws.button("读卡", s.readCard)
	s.showCardButton()
	scanLabel := ws.button("扫码（F2）", func() { ws.Win.Canvas().Focus(s.ScanBox) })
	scanLabel.Importance = widget.LowImportance
	top := container.NewBorder(nil, nil, scanLabel,
		container.NewHBox(s.cardButton, ws.button("锁屏", ws.Lock)), s.ScanBox)
	s.main = container.NewBorder(s.banner, nil, nil, nil, s.content)
	body := container.NewHSplit(nav, s.main)
	body.Offset = 0.11
	s.root = container.NewBorder(container.NewVBox(top, s.warnings), s.status, nil, nil, body)
	ws.shell = s
	ws.Win.SetContent(s.root)
	s.nav.Select(0)
	if st, enrolled := ws.Desk.SyncStatus(); enrolled {
		s.sync = st
		// Every sync reports here, the loop's and 立即同步's alike.
		ws.Desk.WatchSync(func(st app.SyncStatus) { fyne.Do(func() { s.setSync(st) }) })
		if ws.syncLoop {
			ws.Desk.StartSync()
		}
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
	s.setBanner(nil)
	s.stack = nil
	s.syncView = nil // a sync screen left behind is not refreshed any more
	s.push(s.tasks[i].open(s))
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

// showCardButton shows 读卡 while the desk has a card reader.
func (s *Shell) showCardButton() {
	if s.ws.Desk.CardReader != nil {
		s.cardButton.Show()
	} else {
		s.cardButton.Hide()
	}
	// The top bar lays out again around it.
	if s.root != nil {
		s.root.Refresh()
	}
}

func (sc screen) show(s *Shell) {
	// The keys belong to the screen shown, not to an entry of the one left,
	// hidden now (Enter would submit it), nor to the navigation list
	// clicked: typed with nothing focused, they reach the scan box.
	s.ws.unfocus()
	s.content.Objects = []fyne.CanvasObject{sc.obj}
	s.content.Refresh()
	esc := sc.esc
	if esc == nil && len(s.stack) > 1 {
		esc = s.pop
	}
	s.ws.keys(sc.enter, esc)
	s.ws.screenKeys = sc.keys
}

// push shows a screen over the current one; Esc or 返回 go back to it.
func (s *Shell) push(sc screen) {
	s.stack = append(s.stack, sc)
	sc.show(s)
}

func (s *Shell) pop() {
	if len(s.stack) < 2 {
		return
	}
	s.stack = s.stack[:len(s.stack)-1]
	if len(s.stack) == 1 {
		// Back at the task: a verdict on the paper scanned for the
		// application just left is not this screen's.
		s.setBanner(nil)
	}
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
	// The banner's height changes: the container around it lays out again.
	defer s.main.Refresh()
	if b == nil {
		s.banner.Objects = nil
		s.banner.Refresh()
		return
	}
	s.banner.Objects = b.strip(20)
	s.banner.Refresh()
}

// strip is the banner's text in white on its colour, at size.
func (b *bannerText) strip(size float32) []fyne.CanvasObject {
	txt := canvas.NewText(b.text, color.White)
	txt.TextSize = size
	return []fyne.CanvasObject{canvas.NewRectangle(b.color), container.NewPadded(txt)}
}

// showWarnings shows, under the scan box on every screen, what is wrong
// with the desk's time for as long as it is: the PC's clock off the
// server's, a year missing from the working-day calendar.
func (s *Shell) showWarnings() {
	var texts []string
	for _, w := range []string{s.ws.Desk.ClockWarning(), s.ws.Desk.CalendarWarning(s.ws.ctx)} {
		if w != "" {
			texts = append(texts, w)
		}
	}
	text := strings.Join(texts, "　")
	if text == s.warningText {
		return
	}
	s.warningText, s.warnings.Objects = text, nil
	if text != "" {
		s.warnings.Objects = (&bannerText{text, colorWarn}).strip(15)
	}
	// Its height changes: the window lays out again.
	s.root.Refresh()
}

type bannerText struct {
	text  string
	color color.Color
}

func (s *Shell) setSync(st app.SyncStatus) {
	s.sync = st
	s.refreshStatus()
	if v := s.syncView; v != nil {
		v.showState()
		// The lists once a sync is over, not at each step of its progress.
		if !st.Syncing {
			v.showOutbox()
		}
	}
	if !st.Syncing && st.Changed && len(s.stack) > 0 && s.top().onSync != nil {
		s.top().onSync()
	}
}

// refreshStatus redraws the status line; pending counts come from the
// outbox itself so they move the moment the clerk acts.
func (s *Shell) refreshStatus() {
	s.status.SetText(statusLine(s.syncState(), s.clerk))
	s.showWarnings()
}

// syncState is the last sync status with the outbox's counts as they are.
func (s *Shell) syncState() app.SyncStatus {
	st := s.sync
	if p, r, err := s.ws.Desk.OutboxCounts(s.ws.ctx); err == nil {
		st.Pending, st.Refused = p, r
	}
	return st
}

// statusLine is the window's status line.
func statusLine(st app.SyncStatus, c *data.Clerk) string {
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
		parts = append(parts, st.LastError) // which side to update
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

// pointName names a liaison point; the list is small and loaded once.
func (s *Shell) pointName(id string) string {
	if s.points == nil {
		s.points, _ = s.ws.Desk.PointNames(s.ws.ctx) // none named: the ids' cells stay empty
	}
	return s.points[id]
}
