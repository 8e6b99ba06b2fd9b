package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The desk draws all its text in one style. Fyne parses the theme's font once
// per text style it meets, and go-text parses every glyph outline of a TrueType
// CJK font up front: each extra style costs ~12 MB of heap for the same
// outlines (the bundled font has one weight, so "bold" looked no different).
// Headings are set apart by size, and the desk lays out what Fyne's Form,
// AppTabs and Card would draw in bold. TestScreenshots checks every screen.

// Fyne draws button text in RichTextStyleStrong (bold); a button copies the
// style when it is made, so this runs before any is.
func init() { widget.RichTextStyleStrong.TextStyle = fyne.TextStyle{} }

// title is a screen's or a section's heading.
func title(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// formRow is one labelled field of a form.
type formRow struct {
	label  string
	object fyne.CanvasObject
}

// form lays labelled fields out in two columns, labels right-aligned.
func form(rows ...formRow) *fyne.Container {
	objects := make([]fyne.CanvasObject, 0, 2*len(rows))
	for _, r := range rows {
		objects = append(objects, widget.NewLabelWithStyle(r.label, fyne.TextAlignTrailing, fyne.TextStyle{}), r.object)
	}
	return container.New(layout.NewFormLayout(), objects...)
}

// dataTable is a virtualised table of cells under a row of column headings
// in the regular style (Fyne's own heading is bold). Fyne 2.8.1 builds a
// separator for every row of a table laid out or refreshed before it has a
// height (2,000 in a full queue: ~12 MB and a slow first frame), and setting
// a column width refreshes it: so the table is laid out and refreshed only
// once it has a height, and takes its column widths then.
type dataTable struct {
	widget.BaseWidget
	Table *widget.Table
	keys  *keyTable // Table, as it is drawn and takes the keys
	head  func(col int) (title string, width float32)
	sized bool
}

// keyTable is a table that hands the characters typed while it holds the
// focus to the window: a scanner's reach the scan box (wedge.go).
type keyTable struct{ widget.Table }

func (t *keyTable) TypedRune(r rune) { toWindow(t, r) }

// TypedKey moves with the arrows as a table does; Enter opens the row
// under the highlight, as a click does (Fyne's table takes Space for it).
func (t *keyTable) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter {
		ev = &fyne.KeyEvent{Name: fyne.KeySpace}
	}
	t.Table.TypedKey(ev)
}

func newTable(size func() (int, int), create func() fyne.CanvasObject, update func(widget.TableCellID, fyne.CanvasObject), head func(col int) (string, float32)) *dataTable {
	kt := &keyTable{}
	kt.Length, kt.CreateCell, kt.UpdateCell = size, create, update
	kt.ShowHeaderRow = true
	kt.ExtendBaseWidget(kt)
	t := &dataTable{Table: &kt.Table, keys: kt, head: head}
	t.Table.ShowHeaderColumn = false
	t.Table.CreateHeader = func() fyne.CanvasObject { return widget.NewLabel("") }
	t.Table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row < 0 && id.Col >= 0 {
			title, _ := head(id.Col)
			setCell(o.(*widget.Label), title, widget.MediumImportance)
		}
	}
	t.ExtendBaseWidget(t)
	return t
}

// Reset shows the rows from the top again after they changed.
func (t *dataTable) Reset() {
	if t.sized {
		t.Table.Refresh()
		t.Table.ScrollToTop()
	}
}

func (t *dataTable) CreateRenderer() fyne.WidgetRenderer { return &dataTableRenderer{t} }

type dataTableRenderer struct{ t *dataTable }

func (r *dataTableRenderer) Layout(size fyne.Size) {
	if size.Height <= 0 {
		return
	}
	// Sized first: each width set refreshes the table.
	r.t.Table.Resize(size)
	if !r.t.sized {
		r.t.sized = true
		_, cols := r.t.Table.Length()
		for i := range cols {
			_, w := r.t.head(i)
			r.t.Table.SetColumnWidth(i, w)
		}
	}
}

func (r *dataTableRenderer) MinSize() fyne.Size { return fyne.NewSize(200, 200) }

func (r *dataTableRenderer) Refresh() {
	if r.t.sized {
		r.t.Table.Refresh()
	}
}

func (r *dataTableRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.t.keys} }
func (r *dataTableRenderer) Destroy()                     {}

// setCell shows text in a table's label, redrawn only when it changed:
// a table updates every cell on screen at each refresh, and a label
// measures its text again at each.
func setCell(l *widget.Label, text string, importance widget.Importance) {
	if l.Text == text && l.Importance == importance {
		return
	}
	l.Importance = importance
	l.SetText(text)
}

// tab is one page of tabs.
type tab struct {
	label   string
	content fyne.CanvasObject
}

// tabs shows one page at a time under a row of buttons, the open one
// highlighted.
type tabs struct {
	widget.BaseWidget
	pages    []tab
	buttons  []*widget.Button
	selected int
	body     *fyne.Container
	bar      *fyne.Container
}

func (ws *Workstation) tabs(pages ...tab) *tabs {
	t := &tabs{pages: pages, body: container.NewStack(), bar: container.NewHBox()}
	for i, p := range pages {
		b := ws.button(p.label, func() { t.Select(i) })
		t.buttons = append(t.buttons, b)
		t.bar.Add(b)
	}
	t.ExtendBaseWidget(t)
	t.Select(0)
	return t
}

// Select opens page i.
func (t *tabs) Select(i int) {
	for j, b := range t.buttons {
		b.Importance = widget.LowImportance
		if j == i {
			b.Importance = widget.HighImportance
		}
		b.Refresh()
	}
	t.selected = i
	t.body.Objects = []fyne.CanvasObject{t.pages[i].content}
	t.body.Refresh()
}

func (t *tabs) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(container.NewVBox(t.bar, widget.NewSeparator()), nil, nil, nil, t.body))
}

// panel frames content on a light background, one item of a list of them.
type panel struct {
	widget.BaseWidget
	content fyne.CanvasObject
}

func newPanel(content fyne.CanvasObject) *panel {
	p := &panel{content: content}
	p.ExtendBaseWidget(p)
	return p
}

func (p *panel) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	return widget.NewSimpleRenderer(container.NewStack(bg, container.NewPadded(p.content)))
}

// textTable shows rows of text, header first (the shape app's tables and
// exports share), in columns of widths; the caller changes *rows and
// refreshes it.
func textTable(rows *[][]string, widths []float32) *dataTable {
	return newTable(
		func() (int, int) { return max(len(*rows)-1, 0), len(widths) },
		func() fyne.CanvasObject { return widget.NewLabel("0000") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			setCell(o.(*widget.Label), (*rows)[id.Row+1][id.Col], widget.MediumImportance)
		},
		func(col int) (string, float32) {
			if len(*rows) == 0 {
				return "", widths[col]
			}
			return (*rows)[0][col], widths[col]
		})
}

// totalsTable is textTable for rows whose last is their 合计: shown first,
// under the header, and kept there while the rest scroll, so the totals are
// never scrolled out of sight.
func totalsTable(rows *[][]string, widths []float32) *dataTable {
	t := textTable(rows, widths)
	t.Table.StickyRowCount = 1
	t.Table.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		row, importance := id.Row, widget.MediumImportance
		if row == 0 {
			row, importance = len(*rows)-2, widget.HighImportance
		} else {
			row--
		}
		setCell(o.(*widget.Label), (*rows)[row+1][id.Col], importance)
	}
	return t
}
