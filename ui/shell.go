package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// WindowTitle is the title of the one workstation window.
const WindowTitle = "职称考核认定 · 联络点工作站"

// Role decides which tasks the navigation offers: a liaison-point clerk or a
// bureau reviewer.
type Role int

const (
	RoleClerk Role = iota
	RoleBureau
)

// task is one entry of the navigation: a job the person at the desk does.
type task struct {
	label string
	// about says what the screen is for; placeholder screens show it.
	about string
}

// tasks is the navigation of DESIGN.md section 6, per role.
var tasks = map[Role][]task{
	RoleClerk: {
		{"工作台", "各队列的数量，以及临近或已过期限的申请。"},
		{"初审", "待联络点初审的申请：通过，或一次性告知全部原因后退回申报人或单位。"},
		{"市局退回", "市局复审不通过、退回联络点的申请：再退回申报人或单位。"},
		{"现场核验", "扫描申报表二维码，逐项核对原件与网上扫描件，受理或一次性告知补正。"},
		{"待缴费", "已受理待缴费的申请：开具缴款通知书，登记缴费票据。"},
		{"报表", "日结报表：当日各缴费方式的笔数与金额。"},
		{"同步", "待同步的操作、同步进度、冲突与被拒绝的操作。"},
		{"设置", "服务器地址、锁屏时间、打印设置。"},
	},
	RoleBureau: {
		{"复审", "全市各联络点初审通过的申请：复审通过（签章申报表并短信通知），或不通过退回联络点。"},
		{"发证", "已缴费的申请：登记证书编号与发证时间；证书登记簿。"},
		{"统计", "各联络点各状态的数量、逾期申请、当日与当月缴费。"},
		{"同步", "待同步的操作、同步进度、冲突与被拒绝的操作。"},
		{"设置", "服务器地址、锁屏时间、打印设置。"},
	},
}

// Status is what the status line shows.
type Status struct {
	Online  bool
	Pending int
	User    string
}

func (s Status) String() string {
	net := "离线"
	if s.Online {
		net = "在线"
	}
	user := s.User
	if user == "" {
		user = "未登录"
	}
	return fmt.Sprintf("同步：%s · 待同步 %d 条 · 当前用户：%s", net, s.Pending, user)
}

// Shell is the window's frame: navigation, scan box, content and status line.
type Shell struct {
	ScanBox *widget.Entry
	status  *widget.Label
	content *fyne.Container
	nav     *widget.List
	tasks   []task
}

// NewShell builds the frame for a role, showing its first task.
func NewShell(role Role) *Shell {
	s := &Shell{tasks: tasks[role], status: widget.NewLabel("")}
	s.ScanBox = widget.NewEntry()
	s.ScanBox.SetPlaceHolder("扫码或输入申请编号（F2）")
	s.content = container.NewStack()
	s.nav = widget.NewList(
		func() int { return len(s.tasks) },
		func() fyne.CanvasObject { return widget.NewLabel("市局退回") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(s.tasks[i].label) },
	)
	s.nav.OnSelected = func(i widget.ListItemID) { s.show(s.tasks[i]) }
	s.nav.Select(0)
	s.SetStatus(Status{})
	return s
}

// Object is the frame's canvas object.
func (s *Shell) Object() fyne.CanvasObject {
	top := container.NewBorder(nil, nil, widget.NewLabel("扫码"), nil, s.ScanBox)
	body := container.NewHSplit(s.nav, s.content)
	body.Offset = 0.15
	return container.NewBorder(top, s.status, nil, nil, body)
}

// SetStatus updates the status line.
func (s *Shell) SetStatus(st Status) { s.status.SetText(st.String()) }

func (s *Shell) show(t task) {
	title := widget.NewLabelWithStyle(t.label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	about := widget.NewLabel(t.about)
	about.Wrapping = fyne.TextWrapWord
	s.content.Objects = []fyne.CanvasObject{container.NewVBox(title, about)}
	s.content.Refresh()
}
