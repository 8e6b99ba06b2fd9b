package ui

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"titledesk/data"
)

// reasonPicker is the one way reasons are given — first review, bureau
// review, counter deficiency and rejection: every reason ticked from the
// catalogue at once (一次性告知), plus an optional note. Ticking, not
// typing, because input methods misplace their candidate window.
type reasonPicker struct {
	checks *widget.CheckGroup
	note   *keyEntry
	obj    fyne.CanvasObject
}

func (ws *Workstation) newReasonPicker(step data.ReasonStep, required bool) *reasonPicker {
	reasons, _ := ws.Desk.Reasons(ws.ctx, step)
	texts := make([]string, len(reasons))
	for i, r := range reasons {
		texts[i] = r.Text
	}
	p := &reasonPicker{checks: widget.NewCheckGroup(texts, func([]string) { ws.touch() }), note: ws.newEntry("补充说明（可不填），例如缺少哪份材料")}
	p.note.MultiLine = true
	p.note.SetMinRowsVisible(3)
	heading := "常用原因（可多选，一次性列出全部原因）"
	if !required {
		heading = "其他原因（上面的材料之外，可不选）"
	}
	p.obj = container.NewVBox(widget.NewLabel(heading), p.checks, widget.NewLabel("补充说明"), p.note)
	return p
}

func (p *reasonPicker) Reasons() []string { return p.checks.Selected }
func (p *reasonPicker) Note() string      { return strings.TrimSpace(p.note.Text) }

// confirm asks for a decision without reasons: what it does, then
// 确认 (Enter) or 取消 (Esc); one that refuses the application in red.
// Confirmed, it goes back to the screen below and does it there, where a
// failure is said.
func (s *Shell) confirm(heading string, t data.Transition, do func()) {
	s.confirmWith(heading, consequence(t), "确认"+t.Action.Label(), t.Refuses(), do)
}

// confirmWith is confirm for any step: body says what it does, ok names
// the button, danger draws it in red.
func (s *Shell) confirmWith(heading string, body fyne.CanvasObject, ok string, danger bool, do func()) {
	act := func() {
		s.pop()
		do()
	}
	okButton := s.ws.button(ok+"（回车）", act)
	okButton.Importance = widget.HighImportance
	if danger {
		okButton.Importance = widget.DangerImportance
	}
	s.push(screen{obj: container.NewVBox(title(heading), body, container.NewHBox(okButton, s.ws.button("取消（Esc）", s.pop))), enter: act})
}

// consequence says what a decision does to the application, in red when
// it refuses it (data.Transition.Consequence).
func consequence(t data.Transition) fyne.CanvasObject {
	l := widget.NewLabel(t.Consequence())
	l.Wrapping = fyne.TextWrapWord
	if t.Refuses() {
		l.Importance = widget.DangerImportance
	}
	return l
}

// decision is a decision that takes reasons, as decisionScreen asks for it.
type decision struct {
	heading string
	t       data.Transition
	step    data.ReasonStep
	extra   fyne.CanvasObject // what the clerk should see first, if anything
	// reasons and note start ticked and written: those of the decision
	// this one answers (the bureau's, for a return after 复审不通过).
	reasons []string
	note    string
	scans   []data.Attachment // shown beside, when the reasons are about them
	do      func(reasons []string, note string) error
}

// decisionScreen asks for reasons before a command that needs them (or
// takes them), with its consequence, and runs do with them; Enter
// confirms and Esc goes back.
func (s *Shell) decisionScreen(dc decision) {
	p := s.ws.newReasonPicker(dc.step, dc.t.NeedsReasons())
	p.checks.SetSelected(slices.DeleteFunc(slices.Clone(dc.reasons), func(r string) bool { return !slices.Contains(p.checks.Options, r) }))
	p.note.SetText(dc.note)
	errl := errorText()
	confirm := func() {
		if err := dc.do(p.Reasons(), p.Note()); err != nil {
			showError(errl, err)
		}
	}
	ok := s.ws.button("确定（回车）", confirm)
	ok.Importance = widget.HighImportance
	body := container.NewVBox(title(dc.heading))
	if dc.extra != nil {
		body.Add(dc.extra)
	}
	body.Add(consequence(dc.t))
	body.Add(p.obj)
	body.Add(errl)
	var obj fyne.CanvasObject = container.NewBorder(nil, container.NewHBox(ok, s.ws.button("取消（Esc）", s.pop)), nil, nil, container.NewVScroll(body))
	var keys map[fyne.KeyName]func()
	if len(dc.scans) > 0 {
		viewer := newScanViewer(s.ws, dc.scans)
		split := container.NewHSplit(obj, viewer.object())
		split.Offset = 0.5
		obj, keys = split, viewerKeys(func() *scanViewer { return viewer })
	}
	s.push(screen{obj: obj, enter: confirm, keys: keys})
}
