package ui

import (
	"strings"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"titledesk/app"
	"titledesk/data"
)

func (d *detailView) paymentButton(data.Transition) *widget.Button {
	return d.s.ws.button("登记缴费", func() { d.openPayment(false) })
}

// correctButton is a bureau reviewer's 更正缴费.
func (d *detailView) correctButton(data.Transition) *widget.Button {
	return d.s.ws.button("更正缴费", func() { d.openPayment(true) })
}

// openPayment is 登记缴费: the way the applicant paid, then what the clerk
// copies from the receipt (票据第三联), the WeChat screenshot or the
// e-receipt; app validates it. correct: a bureau reviewer corrects the
// recorded payment, with the reason.
func (d *detailView) openPayment(correct bool) {
	ws := d.s.ws
	notice := d.v.Notice
	names := make([]string, len(app.Channels))
	for i, c := range app.Channels {
		names[i] = c.Name
	}
	refLabel, hint := widget.NewLabel(""), widget.NewLabel("")
	receipt := ws.newEntry("")
	channel := widget.NewRadioGroup(names, func(name string) {
		ws.touch()
		for _, c := range app.Channels {
			if c.Name == name {
				refLabel.SetText(c.RefLabel)
				receipt.SetPlaceHolder(c.RefLabel)
				hint.SetText(c.Hint)
			}
		}
	})
	channel.Horizontal = true
	amount := ws.newEntry("按凭证填写，须与通知书金额一致")
	paid, proof := ws.newEntry("2026-03-01"), ws.newEntry("票据照片或缴费截图（可不选）")
	reason := ws.newEntry("更正原因，例如：交易单号录入有误")
	noticeText := "（无缴款通知书）"
	if notice != nil {
		amount.SetText(notice.Amount.String())
		noticeText = notice.No + "　缴款码 " + notice.PayCode + "　应缴 " + notice.Amount.String() + " 元（" + notice.Amount.Capital() + "）"
	}
	paid.SetText(day(ws.Desk.Now()))
	channel.SetSelected(names[0])
	if p := d.v.Payment; correct && p != nil {
		channel.SetSelected(p.Channel)
		receipt.SetText(p.ReceiptNo)
		amount.SetText(p.Amount.String())
		paid.SetText(day(p.PaidAt))
	}
	errl := errorText()
	// Not Fyne's file dialog: it browses from the home folder, and draws its
	// title in bold, which costs a second parse of the CJK font (style.go).
	pick := ws.button("选择文件…", func() {
		d.s.pickImage("选择缴费凭证（票据照片或缴费截图）", func(path string) {
			proof.SetText(path)
			ws.Win.Canvas().Focus(receipt)
		})
	})
	submit := func() {
		in := app.PaymentInput{Channel: channel.Selected, ReceiptNo: receipt.Text, ProofFile: proof.Text}
		var err error
		if in.Amount, err = data.ParseYuan(amount.Text); err != nil {
			showError(errl, data.Errorf(data.EINVALID, "缴费金额“%s”不是有效的金额", amount.Text))
			return
		}
		if in.PaidAt, err = ws.dayAt(paid.Text); err != nil {
			showError(errl, err)
			return
		}
		var v *app.View
		if correct {
			var reasons []string // none: the state machine asks for one
			if why := strings.TrimSpace(reason.Text); why != "" {
				reasons = []string{why}
			}
			v, err = ws.Desk.CorrectPayment(ws.ctx, d.v.ID, in, reasons, "")
		} else {
			v, err = ws.Desk.RecordPayment(ws.ctx, d.v.ID, in)
		}
		if err != nil {
			showError(errl, err)
			return
		}
		d.showAfter(v, map[bool]string{false: "已登记缴费", true: "已更正缴费"}[correct])
		d.s.pop()
	}
	receipt.OnSubmitted = func(string) { submit() }
	label := map[bool]string{false: "登记缴费", true: "更正缴费"}[correct]
	ok := ws.button(label+"（回车）", submit)
	ok.Importance = widget.HighImportance
	rows := []formRow{{"缴款通知书", widget.NewLabel(noticeText)}, {"缴费方式", channel},
		{"凭证编号", container.NewBorder(nil, nil, refLabel, nil, receipt)}, {"", hint},
		{"缴费金额（元）", amount}, {"缴费日期", paid}}
	if correct {
		rows = append(rows, formRow{"更正原因", reason})
	} else {
		rows = append(rows, formRow{"缴费凭证", container.NewBorder(nil, nil, nil, pick, proof)})
	}
	d.s.push(screen{obj: container.NewVBox(title(label+"：申请 "+d.v.No+" "+d.v.Name), form(rows...), errl,
		container.NewHBox(ok, ws.button("取消（Esc）", d.s.pop))), enter: submit})
	ws.Win.Canvas().Focus(receipt)
}
