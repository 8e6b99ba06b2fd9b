package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"titledesk/app"
	"titledesk/data"
)

// checkChoices are the counter check's answers per original, in order.
var checkChoices = []data.Check{data.CheckMatch, data.CheckMismatch, data.CheckMissing}

// counterCheck is 现场核验: each original against its scan, then accept,
// list the deficiencies once, or reject.
type counterCheck struct {
	d      *detailView
	id     string // the application's: the detail may redraw under a read
	radios []*widget.RadioGroup
	notes  []*keyEntry
	errl   *widget.Label
}

func (d *detailView) counterCheck(data.Transition) *widget.Button {
	return d.s.ws.button("现场核验", func() { d.openCounterCheck() })
}

func (d *detailView) openCounterCheck() *counterCheck {
	ws := d.s.ws
	c := &counterCheck{d: d, id: d.v.ID, errl: errorText()}
	viewer := newScanViewer(ws, d.v.Attachments)
	rows := container.NewVBox()
	labels := make([]string, len(checkChoices))
	for i, ch := range checkChoices {
		labels[i] = ch.Label()
	}
	for i, at := range d.v.Attachments {
		// Marking an item answers what a refused 受理 said was missing.
		r := widget.NewRadioGroup(labels, func(string) {
			ws.touch()
			c.errl.SetText("")
			// The next scan or Enter is the window's, unless a note is
			// being typed (a card read marks its item while it is).
			if _, typing := ws.Win.Canvas().Focused().(*keyEntry); !typing {
				ws.unfocus()
			}
		})
		r.Horizontal = true
		if at.Check != data.CheckNone {
			r.SetSelected(at.Check.Label())
		}
		n := ws.newEntry("说明（可不填）")
		n.SetText(at.CheckNote)
		// Enter ends the note; it does not accept the papers from inside it.
		n.OnSubmitted = func(string) { ws.unfocus() }
		c.radios, c.notes = append(c.radios, r), append(c.notes, n)
		rows.Add(newPanel(container.NewVBox(
			container.NewBorder(nil, nil, widget.NewLabel(fmt.Sprintf("%d. %s", i+1, at.Kind)),
				ws.button("看扫描件", func() { viewer.show(i) })),
			r, n)))
	}
	allMatch := ws.button("全部一致", func() {
		for _, r := range c.radios {
			r.SetSelected(data.CheckMatch.Label())
		}
	})
	buttons := []fyne.CanvasObject{allMatch}
	if ws.Desk.CardReader != nil {
		buttons = append(buttons, ws.button("读身份证", c.readCard))
	}
	accept := ws.button("受理并打印回执和缴款通知书（回车）", c.accept)
	accept.Importance = widget.HighImportance
	buttons = append(buttons, accept)
	// Only what the state machine offers now: an application already told
	// its deficiencies (材料待补正) cannot be told them again.
	if t, ok := d.offered(data.ActionPaperDeficient); ok {
		deficient := ws.button("一次性告知补正", func() { c.deficient(t) })
		deficient.Importance = widget.WarningImportance
		buttons = append(buttons, deficient)
	}
	if t, ok := d.offered(data.ActionPaperReject); ok {
		reject := ws.button("不予受理", func() { c.reject(t) })
		reject.Importance = widget.DangerImportance
		buttons = append(buttons, reject)
	}
	head := container.NewVBox(container.NewBorder(nil, nil, ws.button("← 返回（Esc）", d.s.pop), nil,
		title(fmt.Sprintf("现场核验：申请 %s %s（%s）", d.v.No, d.v.Name, d.v.Qualification))),
		widget.NewLabel("逐项核对原件及复印件与网上扫描件，选择一致、不一致或未提供原件。"))
	left := container.NewBorder(nil, container.NewVBox(c.errl, container.NewHBox(buttons...)), nil, nil,
		container.NewVScroll(rows))
	split := container.NewHSplit(left, viewer.object())
	split.Offset = 0.5
	obj := container.NewBorder(head, nil, nil, nil, split)
	d.s.push(screen{obj: obj, enter: c.accept, keys: viewerKeys(func() *scanViewer { return viewer })})
	if ws.Desk.CardReader != nil && ws.cardPoll > 0 {
		go c.watchCard(obj)
	}
	return c
}

// watchCard looks for a card laid on the reader while the check (obj) is
// open, until one is read.
func (c *counterCheck) watchCard(obj fyne.CanvasObject) {
	s := c.d.s
	t := time.NewTicker(s.ws.cardPoll)
	defer t.Stop()
	for range t.C {
		open := false
		fyne.DoAndWait(func() { open = s.top().obj == obj })
		switch {
		case !open:
			return
		case s.ws.isLocked(): // nobody at the counter to read for
		case c.lookForCard():
			return
		}
	}
}

// lookForCard reads the reader once: a card laid on it marks the item or
// says why not, as 读身份证 does, and is done; no card yet says nothing.
func (c *counterCheck) lookForCard() (done bool) {
	ws := c.d.s.ws
	res, err := ws.Desk.ReadCard(ws.ctx, c.id)
	if app.NoCard(err) {
		return false
	}
	fyne.Do(func() { c.showRead(res, err) })
	return true
}

// offered is the application's transition by action, if the state
// machine offers it to this clerk now.
func (d *detailView) offered(action data.Action) (data.Transition, bool) {
	for _, t := range d.v.Actions {
		if t.Action == action {
			return t, true
		}
	}
	return data.Transition{}, false
}

// readCard reads the card on the reader: the applicant's, valid, marks the
// 居民身份证 item 一致 with the reading noted; any other card, or a reader
// that fails, is said in red and marks nothing.
func (c *counterCheck) readCard() {
	ws := c.d.s.ws
	c.errl.SetText("正在读卡…")
	ws.async(func() {
		res, err := ws.Desk.ReadCard(ws.ctx, c.id)
		fyne.Do(func() { c.showRead(res, err) })
	})
}

// showRead shows a card read: the item it marks, or why it marks none.
func (c *counterCheck) showRead(res *app.CardCheck, err error) {
	showError(c.errl, err)
	if err == nil {
		c.mark(res)
	}
}

// mark marks the item a card passed for 一致, noting the reading.
func (c *counterCheck) mark(res *app.CardCheck) {
	c.radios[res.Item].SetSelected(data.CheckMatch.Label())
	c.notes[res.Item].SetText(res.Note)
}

// checks reads the answers; unanswered ones stay unchecked.
func (c *counterCheck) checks() []data.AttachmentCheck {
	out := make([]data.AttachmentCheck, len(c.radios))
	for i, r := range c.radios {
		out[i] = data.AttachmentCheck{AttachmentID: c.d.v.Attachments[i].ID, Note: strings.TrimSpace(c.notes[i].Text)}
		for _, ch := range checkChoices {
			if ch.Label() == r.Selected {
				out[i].Check = ch
			}
		}
	}
	return out
}

func (c *counterCheck) accept() {
	ws := c.d.s.ws
	v, prints, err := ws.Desk.Accept(ws.ctx, c.d.v.ID, c.checks())
	if err != nil {
		showError(c.errl, err)
		return
	}
	note := ""
	if v.Notice == nil {
		note = "；市局尚未开具缴款通知书：开具后会同步到本机并短信通知申请人，届时在“待缴费”中打印"
	}
	c.done(v, prints, note)
}

// done leaves the check for the application's detail with the documents
// to print previewed over it; the detail then says what was printed and
// what else the clerk should know.
func (c *counterCheck) done(v *app.View, prints []*app.Printout, more string) {
	c.d.showAfter(v, "已办理"+more)
	c.d.s.pop()
	if len(prints) > 0 {
		c.d.s.preview(prints, func(note string) { c.d.afterPrint("已办理；" + note + more) })
	}
}

func (c *counterCheck) deficient(t data.Transition) {
	checks := c.checks()
	var missing []string
	for i, ch := range checks {
		if ch.Check == data.CheckMismatch || ch.Check == data.CheckMissing {
			missing = append(missing, c.d.v.Attachments[i].Kind+"（"+ch.Check.Label()+"）")
		}
	}
	ws := c.d.s.ws
	deadline := "期限无法计算：" // the decision then says why
	if cal, err := ws.Desk.Calendar(ws.ctx); err == nil {
		if at, err := data.SupplementDeadline(cal, ws.Desk.Now()); err == nil {
			deadline = day(at)
		}
	}
	summary := widget.NewLabel(fmt.Sprintf("核验有问题的材料：%s\n申报人须在 %d 个工作日内（%s 前）补齐，逾期退件。",
		orNone(missing), data.SupplementWorkingDays, deadline))
	summary.Wrapping = fyne.TextWrapWord
	c.d.s.decisionScreen(decision{heading: "一次性告知补正：申请 " + c.d.v.No + " " + c.d.v.Name, t: t,
		step: data.StepCounter, extra: summary, do: func(reasons []string, note string) error {
			v, p, err := ws.Desk.Deficient(ws.ctx, c.d.v.ID, checks, reasons, note)
			if err != nil {
				return err
			}
			c.d.s.pop()
			c.done(v, []*app.Printout{p}, "")
			return nil
		}})
}

func (c *counterCheck) reject(t data.Transition) {
	ws := c.d.s.ws
	c.d.s.decisionScreen(decision{heading: "不予受理：申请 " + c.d.v.No + " " + c.d.v.Name, t: t,
		step: data.StepCounter, do: func(reasons []string, note string) error {
			v, err := ws.Desk.Do(ws.ctx, data.Command{Action: data.ActionPaperReject, ApplicationID: c.d.v.ID, ExpectedVersion: c.d.v.Version, Reasons: reasons, Note: note})
			if err != nil {
				return err
			}
			c.d.s.pop()
			c.done(v, nil, "")
			return nil
		}})
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "无"
	}
	return strings.Join(s, "、")
}
