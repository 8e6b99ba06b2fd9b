package ui

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"titledesk/app"
	"titledesk/data"
)

// detailView is one application: who, the unit's opinion, the history and
// the scans, with a button for each command the clerk may issue now (from
// the state machine, so the bureau's screens get theirs the same way).
// It redraws in place when a sync answers or changes the application.
type detailView struct {
	s      *Shell
	v      *app.View
	viewer *scanViewer
	note   *widget.Label // what the last action did, or why it failed
	done   string        // the last action, shown with whether it has synced
	doneAt int64         // the outbox seq of its last command
	root   *fyne.Container
	tabs   *tabs
	split  *container.Split
}

// openDetail shows an application over the current screen.
func (s *Shell) openDetail(id string) {
	v, err := s.ws.Desk.View(s.ws.ctx, id)
	if err != nil {
		s.setBanner(&bannerText{data.ErrorMessage(err), colorBad})
		return
	}
	s.push(newDetail(s, v).screen())
}

func newDetail(s *Shell, v *app.View) *detailView {
	d := &detailView{s: s, v: v, viewer: newScanViewer(s.ws, app.Pages(&v.Application)), note: widget.NewLabel(""), root: container.NewStack()}
	d.build()
	return d
}

func (d *detailView) screen() screen {
	return screen{obj: d.root, print: d.printDefault, refreshOnTop: d.reload, onSync: d.reload,
		keys: viewerKeys(func() *scanViewer { return d.viewer })}
}

// showAfter shows the application as a command left it (the view the
// command returned), with a note of what was done.
func (d *detailView) showAfter(v *app.View, done string) {
	d.done = done
	for _, e := range v.Pending {
		d.doneAt = max(d.doneAt, e.Seq)
	}
	d.show(v)
	d.s.refreshStatus()
}

// reload shows the application again if it changed: the server answered
// the clerk's commands, a pull brought another desk's, or a screen over
// this one acted on it.
func (d *detailView) reload() {
	v, err := d.s.ws.Desk.View(d.s.ws.ctx, d.v.ID)
	switch {
	case err != nil:
	case sameView(d.v, v):
		d.viewer.retryMissing() // the scans may have arrived with the sync
	default:
		d.show(v)
	}
}

// show redraws the detail for v, keeping the open tab and, while the scans
// are the same files, the viewer with its page, zoom and turn.
func (d *detailView) show(v *app.View) {
	if sameScans(app.Pages(&d.v.Application), app.Pages(&v.Application)) {
		d.viewer.retryMissing()
	} else {
		d.viewer = newScanViewer(d.s.ws, app.Pages(&v.Application))
	}
	open := d.tabs.selected
	d.v = v
	d.build()
	d.tabs.Select(open)
}

// fail shows why the clerk's action did not happen, in place of the note
// of the last one.
func (d *detailView) fail(err error) {
	d.done = ""
	d.note.SetText(data.ErrorMessage(err))
}

// sameView is whether a and b would draw the same detail.
func sameView(a, b *app.View) bool {
	return a.Version == b.Version && a.Status == b.Status && a.AssigneeName == b.AssigneeName &&
		len(a.Decisions) == len(b.Decisions) && sameSeqs(a.Pending, b.Pending) && sameSeqs(a.Refused, b.Refused)
}

func sameSeqs(a, b []app.OutboxEntry) bool {
	return slices.EqualFunc(a, b, func(x, y app.OutboxEntry) bool { return x.Seq == y.Seq })
}

// sameScans is whether two attachment lists are the same files in order.
func sameScans(a, b []data.Attachment) bool {
	return slices.EqualFunc(a, b, func(x, y data.Attachment) bool { return x.ID == y.ID && x.SHA256 == y.SHA256 })
}

// build lays the detail out for d.v.
func (d *detailView) build() {
	v := d.v
	head := fmt.Sprintf("申请编号 %s　%s　%s", v.No, v.Name, v.Status.Label())
	if len(v.Pending) > 0 {
		head += fmt.Sprintf("（待同步 %d 条）", len(v.Pending))
	}
	if v.AssigneeName != "" {
		head += "　经办人：" + v.AssigneeName
	}
	if d.done != "" {
		d.note.SetText(d.done + d.syncedText())
	}
	var note fyne.CanvasObject = d.note
	if e := v.Withdrawable; e != nil {
		note = container.NewBorder(nil, nil, nil, d.s.ws.button("撤销“"+actionText(e.Command)+"”", func() {
			d.s.withdraw(*e, func(v *app.View, err error) {
				if err != nil {
					d.fail(err)
					return
				}
				// Nothing to sync for the clerk: the note says no more.
				d.done = ""
				d.show(v)
				d.note.SetText("已撤销“" + actionText(e.Command) + "”")
				d.s.refreshStatus()
			})
		}), d.note)
	}
	top := container.NewVBox(container.NewBorder(nil, nil, d.s.ws.button("← 返回（Esc）", d.s.pop), nil, title(head)), d.actions(), note)
	for _, r := range v.Refused {
		l := widget.NewLabel(fmt.Sprintf(refusedFormat(r.State), actionText(r.Command), r.Message))
		l.Importance = widget.DangerImportance
		l.Wrapping = fyne.TextWrapWord
		top.Add(l)
	}
	d.tabs = d.s.ws.tabs(tab{"申请人", d.applicant()}, tab{"单位意见", d.unit()}, tab{"历史", d.history()})
	offset := 0.45
	if d.split != nil {
		offset = d.split.Offset // where the clerk dragged it
	}
	d.split = container.NewHSplit(d.tabs, d.viewer.object())
	d.split.Offset = offset
	d.root.Objects = []fyne.CanvasObject{container.NewBorder(top, nil, nil, nil, d.split)}
	d.root.Refresh()
}

// syncedText says where the clerk's last action stands: waiting for the
// server, or taken by it (a refusal is listed under the note).
func (d *detailView) syncedText() string {
	has := func(es []app.OutboxEntry) bool {
		return slices.ContainsFunc(es, func(e app.OutboxEntry) bool { return e.Seq == d.doneAt })
	}
	switch {
	case has(d.v.Pending):
		return "，待同步"
	case has(d.v.Refused):
		return ""
	}
	return "，已同步"
}

func refusedWord(state string) string {
	if state == data.StateConflict {
		return "发现冲突，未执行"
	}
	return "拒绝"
}

// refusedFormat words a refused command (its name, the server's message).
func refusedFormat(state string) string {
	if state == data.StateConflict {
		return "本机的“%s”与服务器上的变化冲突，未执行：%s（请到“同步”重做或放弃）"
	}
	return "服务器拒绝了本机的“%s”：%s（请到“同步”重做或放弃）"
}

// fields lays label/value pairs out as a form.
func fields(pairs ...string) fyne.CanvasObject {
	rows := make([]formRow, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		l := widget.NewLabel(pairs[i+1])
		l.Wrapping = fyne.TextWrapWord
		rows = append(rows, formRow{pairs[i], l})
	}
	return container.NewVScroll(form(rows...))
}

func (d *detailView) applicant() fyne.CanvasObject {
	v := d.v
	var cert []string
	if c := v.Certificate; c != nil {
		cert = []string{"证书编号", app.CertificateNoText(c), "发证日期", day(c.IssuedAt)}
		if !c.RevokedAt.IsZero() {
			cert = append(cert, "证书撤销", day(c.RevokedAt)+"　"+c.RevokedWhy)
		}
	}
	return fields(append([]string{"姓名", v.Name, "身份证号码", v.IDNumber, "手机", v.Mobile, "学历", v.Education, "所学专业", v.Major,
		"从事专业技术工作年限", fmt.Sprintf("%d 年", v.WorkingYears), "系列", v.Series, "资格", v.Qualification, "申报级别", v.Level,
		"申请方式", v.Method.Label(), "送审时间", day(v.SubmittedAt), "审核时间", day(v.ReviewedAt), "材料", attachmentsText(v.Attachments)}, cert...)...)
}

func attachmentsText(as []data.Attachment) string {
	var b strings.Builder
	for i, a := range as {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s（%s）", a.Kind, a.Check.Label())
		if a.CheckNote != "" {
			b.WriteString("：" + a.CheckNote)
		}
	}
	return b.String()
}

func (d *detailView) unit() fyne.CanvasObject {
	v := d.v
	pub := ""
	if !v.Publicity.Start.IsZero() {
		pub = day(v.Publicity.Start) + " 至 " + day(v.Publicity.End)
	}
	pairs := []string{"用人单位", v.UnitName, "统一社会信用代码", v.UnitCreditCode, "单位审核意见", v.UnitOpinion, "公示期", pub}
	if !v.SupplementDeadline.IsZero() {
		pairs = append(pairs, "补正期限", day(v.SupplementDeadline))
	}
	return fields(append(pairs, app.MoneyFacts(&v.Application)...)...)
}

// history lists every event with its reasons, newest last, and the
// commands of this desk not yet confirmed.
func (d *detailView) history() fyne.CanvasObject {
	box := container.NewVBox()
	for _, dec := range d.v.Decisions {
		line := fmt.Sprintf("%s　%s　%s（%s）", dec.At.In(data.Shanghai).Format("2006-01-02 15:04"), dec.Action.Label(), dec.ActorName, dec.Role.Label())
		if dec.From != dec.To {
			line += "　" + dec.From.Label() + " → " + dec.To.Label()
		}
		if len(dec.Reasons) > 0 {
			line += "\n　原因：" + strings.Join(dec.Reasons, "；")
		}
		if dec.Note != "" {
			line += "\n　说明：" + dec.Note
		}
		l := widget.NewLabel(line)
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
	}
	for _, e := range d.v.Pending {
		l := widget.NewLabel(fmt.Sprintf("%s　%s　待同步", e.At.In(data.Shanghai).Format("2006-01-02 15:04"), actionText(e.Command)))
		l.Importance = widget.WarningImportance
		box.Add(l)
	}
	return container.NewVScroll(box)
}

// actionText names a command as a clerk says it.
func actionText(c data.Command) string {
	switch {
	case c.Action == data.ActionPrint:
		return "打印" + c.Document.Label()
	case c.ReturnTo == data.ReturnToApplicant:
		return "退回申报人"
	case c.ReturnTo == data.ReturnToUnit:
		return "退回单位"
	}
	return c.Action.Label()
}

// actionButtons says what each command's button does; the transitions the
// clerk may take now decide which appear.
var actionButtons map[data.Action]func(d *detailView, t data.Transition) *widget.Button

// The table is filled in init: its handlers lead back to it (a command
// reloads the detail, which builds the buttons).
func init() {
	actionButtons = map[data.Action]func(d *detailView, t data.Transition) *widget.Button{
		data.ActionClaim:             (*detailView).direct,
		data.ActionLiaisonPass:       (*detailView).direct,
		data.ActionBureauPass:        (*detailView).direct,
		data.ActionPaperExpire:       (*detailView).direct,
		data.ActionLiaisonReturn:     (*detailView).withReasons,
		data.ActionBureauReject:      (*detailView).withReasons,
		data.ActionPaperReject:       (*detailView).withReasons,
		data.ActionPaperAccept:       (*detailView).counterCheck,
		data.ActionPrint:             (*detailView).printButton,
		data.ActionPaymentRecord:     (*detailView).paymentButton,
		data.ActionCertify:           (*detailView).certifyButton,
		data.ActionPaymentCorrect:    (*detailView).correctButton,
		data.ActionRefund:            (*detailView).withReasons,
		data.ActionCertificateRevoke: (*detailView).withReasons,
		data.ActionReopen:            (*detailView).withReasons,
		data.ActionPaperDeficient:    nil, // part of the counter check
	}
}

// actions are the buttons of the decisions the clerk may take now; those
// that refuse the application stand apart at the right, in red.
func (d *detailView) actions() fyne.CanvasObject {
	bar, refusing := container.NewHBox(), container.NewHBox()
	for _, t := range d.v.Actions {
		f := actionButtons[t.Action]
		if f == nil {
			continue
		}
		b := f(d, t)
		switch {
		case t.Refuses():
			b.Importance = widget.DangerImportance
			refusing.Add(b)
			continue
		case t.Action != data.ActionPrint && t.Action != data.ActionClaim:
			b.Importance = widget.HighImportance
		}
		bar.Add(b)
	}
	return container.NewBorder(nil, nil, nil, refusing, bar)
}

// do issues cmd on the application shown, decided on the version shown
// unless cmd says on which.
func (d *detailView) do(cmd data.Command) error {
	cmd.ApplicationID = d.v.ID
	if cmd.ExpectedVersion == 0 {
		cmd.ExpectedVersion = d.v.Version
	}
	v, err := d.s.ws.Desk.Do(d.s.ws.ctx, cmd)
	if err == nil {
		d.showAfter(v, "已"+actionText(cmd))
	}
	return err
}

// direct is a decision without reasons: one that changes the status says
// what it does and is confirmed first (Enter), or cancelled (Esc).
func (d *detailView) direct(t data.Transition) *widget.Button {
	label := t.Action.Label()
	return d.s.ws.button(label, func() {
		// Decided on what the clerk saw when choosing, though a sync may
		// redraw the detail before the confirmation.
		cmd := data.Command{Action: t.Action, ExpectedVersion: d.v.Version}
		act := func() {
			if err := d.do(cmd); err != nil {
				d.fail(err)
			}
		}
		if t.Consequence() == "" {
			act()
			return
		}
		d.s.confirm(fmt.Sprintf("%s：申请 %s %s", label, d.v.No, d.v.Name), t, act)
	})
}

// withReasons is a decision that takes reasons, with the scans beside
// them. Answering another's decision (a return after 复审不通过), it
// starts with that decision's reasons and note, to change or keep.
func (d *detailView) withReasons(t data.Transition) *widget.Button {
	label := actionText(data.Command{Action: t.Action, ReturnTo: t.ReturnTo})
	step := data.StepReview
	if t.Action == data.ActionPaperReject {
		step = data.StepCounter
	}
	return d.s.ws.button(label, func() {
		dc := decision{heading: fmt.Sprintf("%s：申请 %s %s", label, d.v.No, d.v.Name), t: t, step: step, scans: d.v.Attachments,
			do: func(reasons []string, note string) error {
				if err := d.do(data.Command{Action: t.Action, ReturnTo: t.ReturnTo, Reasons: reasons, Note: note}); err != nil {
					return err
				}
				d.s.pop()
				return nil
			}}
		// The decision that brought the application where it is (not for a
		// correction, which takes that decision back).
		for i := len(d.v.Decisions) - 1; i >= 0 && !t.Undo; i-- {
			if dec := d.v.Decisions[i]; dec.To == t.From && dec.From != dec.To {
				dc.reasons, dc.note = dec.Reasons, dec.Note
				break
			}
		}
		d.s.decisionScreen(dc)
	})
}

func (d *detailView) printButton(t data.Transition) *widget.Button {
	return d.s.ws.button("打印"+t.Document.Label(), func() { d.print(t.Document) })
}

// print renders a document and previews it; printing it from there
// records the print in the history shown.
func (d *detailView) print(kind data.Document) {
	p, err := d.s.ws.Desk.Prepare(d.s.ws.ctx, d.v.ID, kind)
	if err != nil {
		d.fail(err)
		return
	}
	d.s.preview([]*app.Printout{p}, d.afterPrint)
}

// afterPrint shows the application again, its history holding what was
// printed, with note.
func (d *detailView) afterPrint(note string) {
	v, err := d.s.ws.Desk.View(d.s.ws.ctx, d.v.ID)
	if err != nil {
		d.fail(err)
		return
	}
	d.showAfter(v, note)
}

// printFirst is the order Ctrl+P picks a document in: what the counter
// hands over last comes first.
var printFirst = []data.Document{data.DocReceipt, data.DocNotice, data.DocPayment, data.DocForm}

// printDefault is Ctrl+P: the application's most recent document.
func (d *detailView) printDefault() {
	for _, kind := range printFirst {
		for _, t := range d.v.Actions {
			if t.Action == data.ActionPrint && t.Document == kind {
				d.print(kind)
				return
			}
		}
	}
}
