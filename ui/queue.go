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

// column is one column of a queue table, named as REFERENCE.md names it.
type column struct {
	title string
	width float32
	value func(q *queueView, r *data.ApplicationSummary) string
	// deadline makes it the time left before the row's deadline, coloured
	// by how close it is (value is unused).
	deadline bool
}

var queueColumns = []column{
	{"申请编号", 110, func(_ *queueView, r *data.ApplicationSummary) string { return r.No }, false},
	{"姓名", 70, func(_ *queueView, r *data.ApplicationSummary) string { return r.Name }, false},
	{"身份证号码", 160, func(_ *queueView, r *data.ApplicationSummary) string { return data.MaskIDNumber(r.IDNumber) }, false},
	{"系列", 100, func(_ *queueView, r *data.ApplicationSummary) string { return r.Series }, false},
	{"申报资格", 190, func(_ *queueView, r *data.ApplicationSummary) string { return r.Qualification }, false},
	{"申报级别", 76, func(_ *queueView, r *data.ApplicationSummary) string { return r.Level }, false},
	{"送审时间", 96, func(_ *queueView, r *data.ApplicationSummary) string { return day(r.SubmittedAt) }, false},
	{"状态", 150, func(_ *queueView, r *data.ApplicationSummary) string { return r.Status.Label() }, false},
	{"经办人", 70, func(_ *queueView, r *data.ApplicationSummary) string { return r.AssigneeName }, false},
	{"剩余工作日", 170, nil, true},
}

// roleColumns are the queue columns per role: a reviewer works every
// liaison point's applications, a clerk sees who holds each.
var roleColumns = map[data.Role][]column{
	data.RoleClerk: queueColumns,
	// A reviewer's queues each hold one status and nobody claims in them:
	// up to 送审时间 as a clerk's, then the point instead.
	data.RoleBureau: append(append([]column{}, queueColumns[:7]...),
		column{"人才联络点", 170, func(q *queueView, r *data.ApplicationSummary) string { return q.s.pointName(r.LiaisonPointID) }, false},
		queueColumns[len(queueColumns)-1]),
}

// taskColumns are the columns of the queues that show other facts than
// the role's: 待缴费 shows each notice's amount and day where the others
// show a supplement deadline.
var taskColumns = map[string][]column{
	"待缴费": append(append([]column{}, queueColumns[:8]...),
		column{"应缴金额（元）", 110, func(_ *queueView, r *data.ApplicationSummary) string {
			if r.NoticeIssuedAt.IsZero() {
				return "通知书未开具"
			}
			return r.NoticeAmount.String()
		}, false},
		column{"通知书日期", 96, func(_ *queueView, r *data.ApplicationSummary) string { return day(r.NoticeIssuedAt) }, false},
		queueColumns[8]),
}

// columnsFor are the columns of a role's queue.
func columnsFor(role data.Role, task string) []column {
	if c, ok := taskColumns[task]; ok {
		return c
	}
	return roleColumns[role]
}

// Levels are the 申报级别 in use (REFERENCE.md).
var Levels = []string{"员级", "助理级", "中级"}

const pageSize = 100

// allStatuses is the status filter's choice of the whole queue.
const allStatuses = "全部状态"

// queueView is a task's list: filters, search and a virtualised table
// whose rows are loaded a page at a time as they scroll into view.
type queueView struct {
	s       *Shell
	q       app.Queue
	columns []column
	filter  data.ApplicationFilter
	total   int
	pages   map[int][]data.ApplicationSummary
	cal     *data.Calendar
	now     time.Time

	search        *keyEntry
	status, level *widget.Select
	series        *widget.SelectEntry
	from, to      *keyEntry
	count, err    *widget.Label
	table         *dataTable
	selected      int
	OnOpen        func(id string) // row opened; the shell's detail by default
}

func newQueueView(s *Shell, q app.Queue, columns []column) *queueView {
	v := &queueView{s: s, q: q, columns: columns, pages: map[int][]data.ApplicationSummary{}, count: widget.NewLabel(""), err: errorText(),
		selected: -1}
	v.OnOpen = s.openDetail
	ws := s.ws
	v.search = ws.newEntry("申请编号、姓名、身份证号码，或编号、身份证号的后四位")
	v.search.OnChanged = func(string) { ws.touch(); v.reload() }
	v.search.OnSubmitted = func(string) { v.openSelected() }
	opts := []string{allStatuses}
	for _, st := range q.Statuses {
		opts = append(opts, st.Label())
	}
	v.status = widget.NewSelect(opts, func(string) { v.reload() })
	v.status.PlaceHolder = allStatuses // Fyne's own reads "(Select one)"
	v.level = widget.NewSelect(append([]string{"全部级别"}, Levels...), func(string) { v.reload() })
	v.level.PlaceHolder = "全部级别"
	v.series = widget.NewSelectEntry(nil)
	v.series.SetPlaceHolder("全部系列")
	v.series.OnChanged = func(string) { v.reload() }
	v.from, v.to = ws.newEntry("送审起 2026-01-01"), ws.newEntry("送审止")
	v.from.OnChanged = func(string) { v.reload() }
	v.to.OnChanged = func(string) { v.reload() }
	v.table = newTable(
		func() (int, int) { return v.total, len(v.columns) },
		func() fyne.CanvasObject { return widget.NewLabel("2026000123") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			r := v.row(id.Row)
			if r == nil {
				setCell(l, "", widget.MediumImportance)
				return
			}
			if c := v.columns[id.Col]; !c.deadline {
				setCell(l, c.value(v, r), widget.MediumImportance)
				return
			}
			// Counted once per cell drawn: the count walks the calendar.
			at, left, ok := app.Deadline(r, v.cal, v.now)
			setCell(l, leftText(at, left, ok), urgency(left, ok))
		}, func(col int) (string, float32) { return v.columns[col].title, v.columns[col].width })
	v.table.Table.OnSelected = func(id widget.TableCellID) {
		ws.touch()
		v.selected = id.Row
		if r := v.row(id.Row); r != nil && v.OnOpen != nil {
			v.table.Table.UnselectAll()
			v.OnOpen(r.ID)
		}
	}
	v.reload()
	return v
}

// object is the queue's screen, tools beside its count. Column widths are
// set once the table has a size: set on a table not yet laid out, Fyne 2.7
// built one separator per row (see docs/BENCHMARKS.md).
func (v *queueView) object(tools ...fyne.CanvasObject) fyne.CanvasObject {
	filters := container.NewGridWithColumns(5, v.status, v.series, v.level, v.from, v.to)
	head := container.NewVBox(container.NewBorder(nil, nil, title(v.q.Task), container.NewHBox(append([]fyne.CanvasObject{v.count}, tools...)...), v.search),
		filters, v.err)
	return container.NewBorder(head, nil, nil, nil, v.table)
}

// export is 导出 Excel of what the filters keep, every row, with totals.
func (v *queueView) export() fyne.CanvasObject {
	return v.s.exportButtons(func() (string, func(path string) error) {
		return v.q.Task, func(path string) error { return v.s.ws.Desk.ExportQueue(v.s.ws.ctx, v.q, v.filter, path) }
	})[0]
}

// reload applies the filters from the top of the list.
func (v *queueView) reload() {
	if v.load() {
		v.table.Reset()
	}
}

// refresh shows the list again where the clerk has scrolled to: back from
// a decision, or after a sync changed it (the calendar too, maybe).
func (v *queueView) refresh() {
	v.cal = nil
	if v.load() {
		v.table.Refresh() // where the clerk has scrolled to
	}
}

// load applies the filters: the count and the first page come now, the
// rest as the clerk scrolls. It says whether the table needs redrawing (a
// date still being typed leaves it as it was).
func (v *queueView) load() bool {
	f := data.ApplicationFilter{Statuses: v.q.Statuses, Search: v.search.Text, Level: v.level.Selected, Series: v.series.Text, Limit: pageSize}
	if f.Level == "全部级别" {
		f.Level = ""
	}
	for _, st := range v.q.Statuses {
		if st.Label() == v.status.Selected {
			f.Statuses = []data.Status{st}
		}
	}
	var err error
	if f.SubmittedFrom, err = parseDay(v.from.Text); err == nil {
		f.SubmittedTo, err = parseDay(v.to.Text)
	}
	if err != nil {
		showError(v.err, err)
		return false
	}
	v.filter = f
	v.pages = map[int][]data.ApplicationSummary{}
	// Rows move: Enter opens the first one shown again, not whatever took
	// the place of the one opened last.
	v.selected = -1
	v.now = v.s.ws.Desk.Now()
	// The calendar changes only by sync (refresh drops it): loaded once, it
	// spares every keystroke of a search its load.
	if v.cal == nil {
		v.cal, err = v.s.ws.Desk.Calendar(v.s.ws.ctx)
	}
	if err == nil {
		var first []data.ApplicationSummary
		first, v.total, err = v.s.ws.Desk.Queue(v.s.ws.ctx, f)
		v.pages[0] = first
		v.fillSeries(first)
	}
	showError(v.err, err)
	v.count.SetText(countText(v.total, f.Search != ""))
	return true
}

// fillSeries offers the series seen in the list as choices.
func (v *queueView) fillSeries(rows []data.ApplicationSummary) {
	seen := map[string]bool{}
	opts := []string{}
	for _, r := range rows {
		if !seen[r.Series] {
			seen[r.Series] = true
			opts = append(opts, r.Series)
		}
	}
	if len(opts) > 0 && v.series.Text == "" {
		v.series.SetOptions(opts)
	}
}

// row returns row i, loading its page on first sight.
func (v *queueView) row(i int) *data.ApplicationSummary {
	p := i / pageSize
	rows, ok := v.pages[p]
	if !ok {
		f := v.filter
		f.Offset = p * pageSize
		rows, _, _ = v.s.ws.Desk.Queue(v.s.ws.ctx, f)
		v.pages[p] = rows
	}
	if k := i % pageSize; k < len(rows) {
		return &rows[k]
	}
	return nil
}

func (v *queueView) openSelected() {
	if v.total == 0 {
		return
	}
	if r := v.row(max(v.selected, 0)); r != nil {
		v.OnOpen(r.ID)
	}
}

// leftText says how many working days are left before a deadline at.
func leftText(at time.Time, left int, ok bool) string {
	switch {
	case !ok:
		return "—"
	case left < 0:
		return fmt.Sprintf("已过期 %d 天（%s）", -left, at.In(data.Shanghai).Format("01-02"))
	case left == 0:
		return "今天到期"
	}
	return fmt.Sprintf("%d 个工作日", left)
}

// urgency colours a deadline left working days away.
func urgency(left int, ok bool) widget.Importance {
	switch {
	case !ok:
		return widget.MediumImportance
	case left < 0:
		return widget.DangerImportance
	case left <= 1:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(data.Shanghai).Format("2006-01-02")
}

// parseDay reads a typed date; empty is no date.
func parseDay(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, data.Shanghai)
	if err != nil {
		return t, data.Errorf(data.EINVALID, "日期“%s”格式不对，请写成 2026-03-01", s)
	}
	return t, nil
}

// dayOrToday reads the day a report is for; empty is today.
func (ws *Workstation) dayOrToday(s string) (time.Time, error) {
	t, err := parseDay(s)
	if err == nil && t.IsZero() {
		t = ws.Desk.Now()
	}
	return t, err
}

// dayAt reads the date of an event the clerk records: today is now, an
// earlier day is its midday (inside the day in every zone); empty is zero.
func (ws *Workstation) dayAt(s string) (time.Time, error) {
	t, err := parseDay(s)
	switch {
	case err != nil || t.IsZero():
		return t, err
	case day(t) == day(ws.Desk.Now()):
		return ws.Desk.Now(), nil
	}
	return t.Add(12 * time.Hour), nil
}

// countText says how many applications a queue shows; a search counts only
// up to data.SearchCap (the table then holds the first of them), a list
// without one counts them all.
func countText(total int, searching bool) string {
	if searching && total > data.SearchCap {
		return fmt.Sprintf("超过 %d 条，请输入更多字符", data.SearchCap)
	}
	return fmt.Sprintf("共 %d 条", total)
}
