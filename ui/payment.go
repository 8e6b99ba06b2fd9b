package ui

import (
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"titledesk/app"
	"titledesk/data"
)

func (d *detailView) paymentButton(data.Transition) *widget.Button {
	return d.s.ws.button("登记缴费", d.openPayment)
}

// openPayment is 登记缴费: what the clerk copies from the receipt (票据
// 第三联) or the WeChat screenshot; app validates it.
func (d *detailView) openPayment() {
	ws := d.s.ws
	notice := d.v.Notice
	channel := widget.NewRadioGroup(app.Channels, func(string) { ws.touch() })
	channel.Horizontal = true
	channel.SetSelected(app.Channels[0])
	amount := ws.newEntry("按票据填写，须与通知书金额一致")
	receipt, paid, proof := ws.newEntry("《广东省非税收入(电子)票据》号码"), ws.newEntry("2026-03-01"), ws.newEntry("票据照片或缴费截图（可不选）")
	noticeText := "（无缴款通知书）"
	if notice != nil {
		amount.SetText(notice.Amount.String())
		noticeText = notice.No + "　应缴 " + notice.Amount.String() + " 元（" + notice.Amount.Capital() + "）"
	}
	paid.SetText(day(ws.Desk.Now()))
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
		v, err := ws.Desk.RecordPayment(ws.ctx, d.v.ID, in)
		if err != nil {
			showError(errl, err)
			return
		}
		d.showAfter(v, "已登记缴费")
		d.s.pop()
	}
	receipt.OnSubmitted = func(string) { submit() }
	ok := ws.button("登记（回车）", submit)
	ok.Importance = widget.HighImportance
	inputs := form(formRow{"缴款通知书", widget.NewLabel(noticeText)}, formRow{"缴费方式", channel},
		formRow{"缴费金额（元）", amount}, formRow{"票据号", receipt},
		formRow{"缴费日期", paid}, formRow{"缴费凭证", container.NewBorder(nil, nil, nil, pick, proof)})
	d.s.push(screen{obj: container.NewVBox(title("登记缴费：申请 "+d.v.No+" "+d.v.Name), inputs, errl,
		container.NewHBox(ok, ws.button("取消（Esc）", d.s.pop))), enter: submit})
	ws.Win.Canvas().Focus(receipt)
}
