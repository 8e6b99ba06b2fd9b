package ui

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"titledesk/app"
	"titledesk/data"
)

// certifyButton opens 发证 for a paid application.
func (d *detailView) certifyButton(data.Transition) *widget.Button {
	return d.s.ws.button("发证", d.openCertify)
}

// openCertify asks for the certificate number and the date of issue. An
// empty number is the server's to give, so numbers are only used up when
// a certificate is issued, in the bureau's format.
func (d *detailView) openCertify() {
	ws := d.s.ws
	no, issued := ws.newEntry("证书编号；不填则由市局服务器按本局的编号规则编号"), ws.newEntry("2026-03-01")
	issued.SetText(day(ws.Desk.Now()))
	errl := errorText()
	submit := func() {
		at, err := ws.dayAt(issued.Text)
		if err != nil {
			showError(errl, err)
			return
		}
		v, err := ws.Desk.Certify(ws.ctx, d.v.ID, no.Text, at)
		if err != nil {
			showError(errl, err)
			return
		}
		d.showAfter(v, "已发证，证书编号 "+app.CertificateNoText(v.Certificate))
		d.s.pop()
	}
	no.OnSubmitted = func(string) { submit() }
	ok := ws.button("发证（回车）", submit)
	ok.Importance = widget.HighImportance
	v := d.v
	rows := form(formRow{"申请", widget.NewLabel(fmt.Sprintf("%s　%s　%s %s", v.No, v.Name, v.Qualification, v.Level))},
		formRow{"证书编号", no}, formRow{"发证日期", issued})
	d.s.push(screen{obj: container.NewVBox(title("发证：申请 "+v.No+" "+v.Name), rows, errl,
		container.NewHBox(ok, ws.button("取消（Esc）", d.s.pop))), enter: submit})
	ws.Win.Canvas().Focus(no)
}

// certifyTask is 发证: the paid applications waiting for a certificate,
// and the 证书登记簿 of those certified, searchable and exported. Back from
// a certificate, or after a sync, both show where things stand now.
func (s *Shell) certifyTask() screen {
	queue := newQueueView(s, *app.QueueOf(data.RoleBureau, "发证"), roleColumns[data.RoleBureau])
	reg := newQueueView(s, app.Register, registerColumns(s))
	bar := container.NewHBox(s.exportButtons(func() (string, func(path string) error) {
		return "证书登记簿", func(path string) error { return s.ws.Desk.ExportRegister(s.ws.ctx, reg.filter, path) }
	})...)
	refresh := func() { queue.refresh(); reg.refresh() }
	// 发证 at once of what the filters keep, today, numbered by the server.
	all := s.ws.button("全部发证…", func() {
		rows, err := s.ws.Desk.Offering(s.ws.ctx, data.ActionCertify, queue.filter)
		if err != nil {
			s.setBanner(&bannerText{data.ErrorMessage(err), colorBad})
			return
		}
		if len(rows) == 0 {
			s.setBanner(&bannerText{"筛选出的申请中没有现在可以发证的（须已缴费；本局要求先对账的，还须已对账）", colorWarn})
			return
		}
		s.batch(data.ActionCertify, rows, func(r data.ApplicationSummary) string {
			return fmt.Sprintf("%s　%s　%s %s　%s", r.No, r.Name, r.Qualification, r.Level, s.pointName(r.LiaisonPointID))
		}, data.Command{Certificate: &data.Certificate{}})
	})
	return screen{obj: s.ws.tabs(tab{"待发证", container.NewBorder(nil, container.NewHBox(all), nil, nil, queue.object())},
		tab{"证书登记簿", container.NewBorder(nil, bar, nil, nil, reg.object())}),
		refreshOnTop: refresh, onSync: refresh}
}

// registerColumns show app.RegisterRow.
func registerColumns(s *Shell) []column {
	widths := []float32{190, 96, 110, 70, 160, 110, 190, 70, 170}
	cols := make([]column, len(app.RegisterColumns))
	for i, t := range app.RegisterColumns {
		cols[i] = column{t, widths[i], func(_ *queueView, r *data.ApplicationSummary) string {
			return app.RegisterRow(r, s.pointName(r.LiaisonPointID))[i]
		}, false}
	}
	return cols
}

// exportButtons are 导出 Excel and 导出 CSV of what names: the file's name
// and its writer ("" while there is nothing to export).
func (s *Shell) exportButtons(what func() (name string, write func(path string) error)) []fyne.CanvasObject {
	button := func(label, ext string) fyne.CanvasObject {
		return s.ws.button(label, func() {
			if name, write := what(); name != "" {
				s.export(name, ext, write)
			}
		})
	}
	return []fyne.CanvasObject{button("导出 Excel", ".xlsx"), button("导出 CSV", ".csv")}
}

// export writes a file named after what it holds into the data folder's
// exported/ and opens it, as prints are opened.
func (s *Shell) export(name, ext string, write func(path string) error) {
	dir := filepath.Join(s.ws.Desk.Dir, "exported")
	path := filepath.Join(dir, name+"-"+s.ws.Desk.Now().In(data.Shanghai).Format("20060102-150405")+ext)
	err := os.MkdirAll(dir, 0o700)
	if err == nil {
		err = write(path)
	}
	if err != nil {
		s.setBanner(&bannerText{"导出失败：" + data.ErrorMessage(err), colorBad})
		return
	}
	s.setBanner(&bannerText{"已导出 " + path, colorGood})
	if err := s.ws.cfg.Open(path); err != nil {
		s.setBanner(&bannerText{"已导出 " + path + "，但无法打开：" + err.Error(), colorWarn})
	}
}

// statsView is 统计: per liaison point and status, the overdue ones and
// the payments, as a table and a bar chart, for a chosen day.
type statsView struct {
	s     *Shell
	day   *keyEntry
	st    *app.Stats
	rows  [][]string
	table *dataTable
	chart *barChart
	// monthRows are the month's money per point and channel; stepRows the
	// month's figures per point and step.
	monthRows, stepRows [][]string
	month, steps        *dataTable
	payments            *widget.Label
	errl                *widget.Label
}

func (s *Shell) statistics() fyne.CanvasObject {
	ws := s.ws
	v := &statsView{s: s, day: ws.newEntry("2026-03-01"), chart: newBarChart(), payments: widget.NewLabel(""), errl: errorText()}
	v.day.SetText(day(ws.Desk.Now()))
	v.day.OnSubmitted = func(string) { v.reload() }
	widths := []float32{190}
	for _, st := range app.StatsColumns {
		widths = append(widths, statusWidth(st))
	}
	widths = append(widths, 96, 60)
	v.table = totalsTable(&v.rows, widths)
	v.month = totalsTable(&v.monthRows, []float32{190, 90, 80, 110, 80, 110, 110})
	v.steps = textTable(&v.stepRows, []float32{190, 100, 70, 70, 130, 80, 170, 160})
	buttons := append([]fyne.CanvasObject{ws.button("刷新", v.reload)}, s.exportButtons(func() (string, func(path string) error) {
		if v.st == nil {
			return "", nil // nothing counted yet
		}
		return "统计-" + v.st.Day.Format("20060102"), v.st.Export
	})...)
	bar := container.NewBorder(nil, nil, title("统计"), container.NewHBox(buttons...),
		container.NewBorder(nil, nil, widget.NewLabel("统计日期"), nil, v.day))
	v.reload()
	split := container.NewVSplit(v.table, ws.tabs(tab{"各联络点图示", container.NewVScroll(v.chart)}, tab{"本月缴费（按联络点、缴费方式）", v.month},
		tab{"本月各环节（收到、通过、用时）", v.steps}))
	split.Offset = 0.5
	return container.NewBorder(container.NewVBox(bar, v.payments, v.errl), nil, nil, nil, split)
}

// statusWidth fits a status column to its label: 待联络点初审 needs less
// than 复审通过·待交纸质材料.
func statusWidth(st data.Status) float32 {
	return float32(len([]rune(st.Label())))*15 + 20
}

func (v *statsView) reload() {
	at, err := v.s.ws.dayOrToday(v.day.Text)
	if err == nil {
		v.st, err = v.s.ws.Desk.Statistics(v.s.ws.ctx, at)
	}
	showError(v.errl, err)
	if err != nil {
		return
	}
	v.rows, v.monthRows, v.stepRows = v.st.Table(), v.st.MonthTable(), v.st.StepTable()
	v.payments.SetText("当日缴费：" + totalsText(v.st.Today) + "　　当月缴费：" + totalsText(v.st.Month))
	v.table.Refresh()
	v.month.Refresh()
	v.steps.Refresh()
	bars := make([]bar, len(v.st.Points))
	for i, p := range v.st.Points {
		bars[i] = bar{label: p.Point.Name, total: p.Total}
		for _, st := range app.StatsColumns {
			bars[i].parts = append(bars[i].parts, p.Counts[st])
		}
	}
	v.chart.set(bars)
}

// totalsText is payments per channel, the refunds and the net amount.
func totalsText(t app.Totals) string {
	if len(t.Channels) == 0 && t.Refunds == 0 {
		return "无"
	}
	parts := make([]string, 0, len(t.Channels)+2)
	for _, c := range t.Channels {
		parts = append(parts, fmt.Sprintf("%s %d 笔 %s 元", c.Channel, c.Count, c.Amount))
	}
	if t.Refunds > 0 {
		parts = append(parts, fmt.Sprintf("退费 %d 笔 %s 元", t.Refunds, t.Refunded))
	}
	return strings.Join(parts, "，") + fmt.Sprintf("，净额 %s 元", t.Net())
}

// bar is one liaison point in the chart: its counts per StatsColumns
// status, drawn, and all its applications, written after the bar.
type bar struct {
	label string
	parts []int
	total int
}

// statusColors tell the statuses apart in the chart, in StatsColumns order.
var statusColors = []color.Color{
	color.NRGBA{0x42, 0x85, 0xf4, 0xff}, color.NRGBA{0x7e, 0x57, 0xc2, 0xff}, color.NRGBA{0xe5, 0x39, 0x35, 0xff},
	color.NRGBA{0xfb, 0x8c, 0x00, 0xff}, color.NRGBA{0xfd, 0xd8, 0x35, 0xff}, color.NRGBA{0x26, 0xa6, 0x9a, 0xff},
	color.NRGBA{0x43, 0xa0, 0x47, 0xff}, color.NRGBA{0x78, 0x90, 0x9c, 0xff},
}

// barChart draws one stacked horizontal bar per liaison point, coloured
// by status, under a legend; drawn with canvas shapes, no chart library.
type barChart struct {
	widget.BaseWidget
	bars []bar
}

func newBarChart() *barChart {
	c := &barChart{}
	c.ExtendBaseWidget(c)
	return c
}

func (c *barChart) set(bars []bar) {
	c.bars = bars
	c.Refresh()
}

func (c *barChart) CreateRenderer() fyne.WidgetRenderer {
	r := &chartRenderer{c: c}
	r.build()
	return r
}

// Chart geometry: a row per bar, the label column, the gap before the
// count.
const (
	chartRow     = 26
	chartLabel   = 200
	chartCount   = 60
	legendSwatch = 14
)

type chartRenderer struct {
	c       *barChart
	objects []fyne.CanvasObject
}

// build makes the shapes for the bars as they are; Layout places them.
func (r *chartRenderer) build() {
	r.objects = nil
	for i, st := range app.StatsColumns {
		r.objects = append(r.objects, canvas.NewRectangle(statusColors[i]), chartText(st.Label()))
	}
	for _, b := range r.c.bars {
		r.objects = append(r.objects, chartText(b.label))
		for i := range b.parts {
			r.objects = append(r.objects, canvas.NewRectangle(statusColors[i]))
		}
		r.objects = append(r.objects, chartText(strconv.Itoa(b.total)))
	}
}

func chartText(s string) *canvas.Text {
	t := canvas.NewText(s, color.Black)
	t.TextSize = 13
	return t
}

func (r *chartRenderer) Layout(size fyne.Size) {
	k := 0
	// The legend wraps over as many lines as the width needs.
	x, y := float32(0), float32(4)
	for range app.StatsColumns {
		sw, txt := r.objects[k], r.objects[k+1].(*canvas.Text)
		w := legendSwatch + 4 + txt.MinSize().Width + 16
		if x+w > size.Width && x > 0 {
			x, y = 0, y+chartRow
		}
		sw.Resize(fyne.NewSize(legendSwatch, legendSwatch))
		sw.Move(fyne.NewPos(x, y+3))
		txt.Move(fyne.NewPos(x+legendSwatch+4, y))
		x += w
		k += 2
	}
	y += chartRow + 6
	// The longest bar fills the width.
	most := 1
	for _, b := range r.c.bars {
		sum := 0
		for _, n := range b.parts {
			sum += n
		}
		most = max(most, sum)
	}
	span := max(size.Width-chartLabel-chartCount, 10)
	for _, b := range r.c.bars {
		r.objects[k].Move(fyne.NewPos(0, y))
		k++
		x := float32(chartLabel)
		for _, n := range b.parts {
			w := span * float32(n) / float32(most)
			r.objects[k].Resize(fyne.NewSize(w, chartRow-8))
			r.objects[k].Move(fyne.NewPos(x, y+4))
			x += w
			k++
		}
		r.objects[k].Move(fyne.NewPos(x+6, y))
		k++
		y += chartRow
	}
}

func (r *chartRenderer) MinSize() fyne.Size {
	return fyne.NewSize(chartLabel+chartCount+100, float32(len(r.c.bars)+2)*chartRow+10)
}

func (r *chartRenderer) Refresh() {
	r.build()
	r.Layout(r.c.Size())
	canvas.Refresh(r.c)
}

func (r *chartRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *chartRenderer) Destroy() {}
