package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"titledesk/app"
	"titledesk/data"
)

// syncView is the 同步 screen: state, progress, 立即同步, the outbox, and
// each refused command beside the server's current state with redo and
// discard.
type syncView struct {
	s        *Shell
	state    *widget.Label
	progress *widget.ProgressBar
	pending  *fyne.Container
	refused  *fyne.Container
	notices  *widget.Label // what sync did by itself: recoveries after restores
	errl     *widget.Label
}

func (s *Shell) syncScreen() fyne.CanvasObject {
	v := &syncView{s: s, state: widget.NewLabel(""), progress: widget.NewProgressBar(), pending: container.NewVBox(),
		refused: container.NewVBox(), notices: widget.NewLabel(""), errl: errorText()}
	v.notices.Wrapping = fyne.TextWrapWord
	s.syncView = v
	now := s.ws.button("立即同步", v.syncNow)
	now.Importance = widget.HighImportance
	v.refresh()
	return container.NewBorder(container.NewVBox(title("同步"), v.state, v.progress, container.NewHBox(now), v.errl), nil, nil, nil,
		container.NewVScroll(container.NewVBox(title("冲突与被拒绝的操作"), v.refused, title("待同步的操作"), v.pending,
			title("本机自动处理记录"), v.notices)))
}

// syncNow runs one sync off the UI goroutine; the shell's watch of the
// syncer redraws the screen as it goes.
func (v *syncView) syncNow() {
	v.s.ws.async(func() {
		err := v.s.ws.Desk.SyncNow(v.s.ws.ctx)
		fyne.Do(func() { showError(v.errl, err) })
	})
}

// refresh shows the status line, as the window's, and the outbox; redo
// and discard change both.
func (v *syncView) refresh() {
	v.s.refreshStatus()
	v.showState()
	v.showOutbox()
}

// showState shows the window's status line and the sync's progress.
func (v *syncView) showState() {
	v.state.SetText(v.s.status.Text)
	v.progress.SetValue(v.s.sync.Progress)
}

// showOutbox lists the pending and the refused commands.
func (v *syncView) showOutbox() {
	ctx, desk := v.s.ws.ctx, v.s.ws.Desk
	entries, err := desk.Outbox(ctx)
	if err != nil {
		showError(v.errl, err)
		return
	}
	v.refused.Objects, v.pending.Objects = nil, nil
	withdrawable := app.Withdrawable(entries)
	for _, e := range entries {
		appText := appNo(v.s, e.Command.ApplicationID)
		switch e.State {
		case app.StatePending:
			var row fyne.CanvasObject = widget.NewLabel(fmt.Sprintf("#%d　%s　%s　申请 %s", e.Seq, e.At.In(data.Shanghai).Format("01-02 15:04"), actionText(e.Command), appText))
			if withdrawable[e.Command.ApplicationID] == e.Seq {
				row = container.NewBorder(nil, nil, nil, v.s.ws.button("撤销", func() {
					v.s.withdraw(e, func(_ *app.View, err error) {
						showError(v.errl, err)
						v.refresh()
					})
				}), row)
			}
			v.pending.Add(row)
		case data.StateRejected, data.StateConflict:
			v.refused.Add(v.refusedRow(e, appText))
		}
	}
	v.showNotices()
	if len(v.refused.Objects) == 0 {
		v.refused.Add(widget.NewLabel("没有"))
	}
	if len(v.pending.Objects) == 0 {
		v.pending.Add(widget.NewLabel("没有待同步的操作"))
	}
	v.pending.Refresh()
	v.refused.Refresh()
}

// withdraw asks to withdraw (撤销) a decision not yet sent, says what that
// does, and withdraws it on Enter; done gets the application after, or why
// not.
func (s *Shell) withdraw(e app.OutboxEntry, done func(*app.View, error)) {
	what := actionText(e.Command)
	body := widget.NewLabel("“" + what + "”还没有同步到市局服务器。撤销后本机不再提交它，申请回到这一操作之前的状态。" +
		"若它在撤销前已送达服务器，以服务器为准，本机会在“同步”的处理记录里说明。")
	body.Wrapping = fyne.TextWrapWord
	s.confirmWith("撤销“"+what+"”：申请 "+appNo(s, e.Command.ApplicationID), body, "确认撤销", false, func() {
		done(s.ws.Desk.Withdraw(s.ws.ctx, e.Seq))
	})
}

// showNotices lists what sync did by itself that the clerk should know,
// newest first.
func (v *syncView) showNotices() {
	notices, err := v.s.ws.Desk.Notices(v.s.ws.ctx)
	if err != nil {
		showError(v.errl, err)
		return
	}
	text := "没有"
	for i, n := range notices {
		if i == 0 {
			text = ""
		}
		text += n.At.In(data.Shanghai).Format("01-02 15:04") + "　" + n.Text + "\n"
	}
	v.notices.SetText(text)
}

func appNo(s *Shell, id string) string {
	if a, err := s.ws.Desk.Application(s.ws.ctx, id); err == nil {
		return a.No + " " + a.Name
	}
	return id
}

// refusedRow shows what the clerk did, why the server refused it and the
// application as the server now has it.
func (v *syncView) refusedRow(e app.OutboxEntry, appText string) fyne.CanvasObject {
	ctx, desk := v.s.ws.ctx, v.s.ws.Desk
	server := "（本机没有该申请）"
	if a, err := desk.ServerSnapshot(ctx, e.Command.ApplicationID); err == nil {
		server = fmt.Sprintf("服务器现状：%s（第 %d 版）", a.Status.Label(), a.Version)
		if n := len(a.Decisions); n > 0 {
			last := a.Decisions[n-1]
			server += fmt.Sprintf("，最后由%s于 %s %s", last.ActorName, last.At.In(data.Shanghai).Format("01-02 15:04"), last.Action.Label())
		}
	}
	what := fmt.Sprintf("#%d　%s　申请 %s　%s：%s\n%s", e.Seq, actionText(e.Command), appText, refusedWord(e.State), e.Message, server)
	l := widget.NewLabel(what)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.DangerImportance
	redo := v.s.ws.button("重做", func() {
		_, err := desk.Redo(ctx, e.Seq)
		showError(v.errl, err)
		v.refresh()
	})
	discard := v.s.ws.button("放弃", func() {
		showError(v.errl, desk.Discard(ctx, e.Seq))
		v.refresh()
	})
	return newPanel(container.NewBorder(nil, nil, nil, container.NewHBox(redo, discard), l))
}
