package data

import (
	"strings"
	"testing"
	"time"
)

// paidApplication is an application paid by WeChat at t0, with its notice.
func paidApplication() *Application {
	a := testApplication()
	a.Status = StatusPaid
	a.Notice = &PaymentNotice{No: "4419202600012345", PayCode: "441900260001234567", Amount: 15000, IssuedAt: t0.AddDate(0, 0, -3)}
	a.Payment = &Payment{Amount: 15000, Channel: "微信", ReceiptNo: "4200001234202609140000000001", ProofSHA256: "proof", PaidAt: t0,
		RecordedAt: t0, RecordedBy: clerk.Name, RecordedByID: clerk.ID}
	return a
}

// Only a bureau reviewer corrects a payment, with a reason; the correction
// is checked as a payment, keeps who recorded it and when (the clerk's
// settlement does not move) and its proof, and reconciles again.
func TestPaymentCorrection(t *testing.T) {
	env := Env{Now: t0.Add(time.Hour), Calendar: DefaultCalendar()}
	a := paidApplication()
	a.Reconciliation = &Reconciliation{Outcome: AmountMismatch, Entry: StatementEntry{PayCode: a.Notice.PayCode, Ref: "JY1", Amount: 15000, PaidAt: t0}}
	fixed := Payment{Amount: 15000, Channel: "银行柜台", ReceiptNo: "44001234", PaidAt: t0}
	cmd := Command{ID: "c", Action: ActionPaymentCorrect, ApplicationID: a.ID, ExpectedVersion: a.Version, Payment: &fixed}
	for _, tc := range []struct {
		actor   Actor
		reasons []string
		want    string
	}{
		{clerk, []string{"录入有误"}, "无权"},
		{reviewer, nil, "请选择至少一条“更正缴费”的原因"},
	} {
		cmd.Actor, cmd.Reasons = tc.actor, tc.reasons
		if _, err := Apply(a, cmd, env); !strings.Contains(ErrorMessage(err), tc.want) {
			t.Errorf("%s: %v, want %q", tc.actor.Role, err, tc.want)
		}
	}
	cmd.Actor, cmd.Reasons = reviewer, []string{"票据号录入有误"}
	out, err := Apply(a, cmd, env)
	if err != nil {
		t.Fatal(err)
	}
	p := out.Application.Payment
	if p.Channel != "银行柜台" || p.RecordedBy != clerk.Name || !p.RecordedAt.Equal(t0) || p.ProofSHA256 != "proof" || p.CorrectedBy != reviewer.Name ||
		out.Application.Status != StatusPaid || out.Application.Reconciliation.Outcome != Matched {
		t.Errorf("corrected: %+v, reconciled %+v", p, out.Application.Reconciliation)
	}
	if !strings.Contains(strings.Join(out.Application.Decisions[len(out.Application.Decisions)-1].Reasons, ""), "票据号录入有误") {
		t.Error("the reason is not in the history")
	}
}

// Refusing a paid application records the refund for the clerk who took
// the payment and texts the applicant the amount.
func TestRefund(t *testing.T) {
	a := paidApplication()
	out, err := Apply(a, Command{ID: "r", Action: ActionRefund, ApplicationID: a.ID, ExpectedVersion: a.Version, Actor: reviewer,
		Reasons: []string{"材料弄虚作假"}, Note: "学历证书与学信网记录不符"}, Env{Now: t0.Add(time.Hour), Calendar: DefaultCalendar()})
	if err != nil {
		t.Fatal(err)
	}
	r := out.Application.Refund
	if out.Application.Status != StatusRejected || r == nil || r.Amount != 15000 || r.PaymentBy != clerk.ID || r.ApprovedBy != reviewer.Name ||
		r.Reason != "材料弄虚作假；学历证书与学信网记录不符" {
		t.Errorf("refund %+v in %s", r, out.Application.Status)
	}
	if len(out.Effects) != 1 || !strings.Contains(out.Effects[0].Text, "150.00元将按原缴费渠道退还") {
		t.Errorf("effects %+v", out.Effects)
	}
}

// A notice issued once 复审 passed waits quietly for the counter; one that
// arrives after the counter accepted the papers is texted, with its code.
// It is issued once, for the level's fee, and never by a person.
func TestNoticeIssue(t *testing.T) {
	env := Env{Now: t0, Calendar: DefaultCalendar(), Reference: func() (*Reference, error) {
		return &Reference{Fees: map[string]Fen{"助理级": 15000}}, nil
	}}
	n := PaymentNotice{No: "4419202600012345", PayCode: "441900260001234567", Amount: 15000, PayURL: "https://pay.gdzwfw.gov.cn/pay/1"}
	for _, tc := range []struct {
		status Status
		sms    int
	}{{StatusAwaitingPaper, 0}, {StatusAwaitingPayment, 1}} {
		a := testApplication()
		a.Status = tc.status
		out, err := Apply(a, Command{ID: "n", Action: ActionNoticeIssue, ApplicationID: a.ID, Actor: finance, Notice: &n}, env)
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Effects) != tc.sms || out.Application.Version != a.Version || out.Application.Notice.IssuedBy != finance.Name {
			t.Errorf("%s: effects %+v, version %d, notice %+v", tc.status, out.Effects, out.Application.Version, out.Application.Notice)
		}
		if tc.sms == 1 && !strings.Contains(out.Effects[0].Text, "缴款码441900260001234567，金额150.00元") {
			t.Errorf("sms %q", out.Effects[0].Text)
		}
		again := out.Application
		if _, err := Apply(&again, Command{ID: "n2", Action: ActionNoticeIssue, ApplicationID: a.ID, Actor: finance, Notice: &n}, env); ErrorCode(err) != ECONFLICT {
			t.Errorf("a second notice: %v", err)
		}
	}
	a := testApplication()
	a.Status = StatusAwaitingPaper
	for _, tc := range []struct {
		change func(*PaymentNotice)
		actor  Actor
		want   string
	}{
		{func(n *PaymentNotice) { n.Amount = 14000 }, finance, "与收费标准（助理级 150.00 元）不符"},
		{func(n *PaymentNotice) { n.PayCode = "" }, finance, "缺少编号或缴款码"},
		{func(n *PaymentNotice) { n.PayURL = "http://evil.example/pay" }, finance, "https://"},
		{func(n *PaymentNotice) { n.Payee = "东莞\u202e局" }, finance, "收款单位"},
		{func(*PaymentNotice) {}, reviewer, "无权"},
	} {
		bad := n
		tc.change(&bad)
		if _, err := Apply(a, Command{ID: "n", Action: ActionNoticeIssue, ApplicationID: a.ID, Actor: tc.actor, Notice: &bad}, env); !strings.Contains(ErrorMessage(err), tc.want) {
			t.Errorf("%+v by %s: %v, want %q", bad, tc.actor.Role, err, tc.want)
		}
	}
}

// The desk offers no print of a notice that has not come, and no 发证
// before the payment reconciled (unless the bureau does not wait).
func TestActionsLeaveOutWhatStateRefuses(t *testing.T) {
	has := func(a *Application, actor Actor, env Env, action Action, doc Document) bool {
		for _, tr := range Actions(a, actor, env) {
			if tr.Action == action && tr.Document == doc {
				return true
			}
		}
		return false
	}
	env := Env{Now: t0, Calendar: DefaultCalendar()}
	a := testApplication()
	a.Status = StatusAwaitingPayment
	if has(a, clerk, env, ActionPrint, DocPayment) {
		t.Error("a notice not yet issued is offered for printing")
	}
	a.Notice = &PaymentNotice{No: "1", PayCode: "2", Amount: 15000}
	if !has(a, clerk, env, ActionPrint, DocPayment) {
		t.Error("the issued notice is not offered for printing")
	}
	p := paidApplication()
	if has(p, reviewer, env, ActionCertify, "") {
		t.Error("发证 offered before the payment reconciled")
	}
	noWait := DefaultFinance()
	noWait.RequireReconciled = false
	if !has(p, reviewer, Env{Now: t0, Finance: &noWait}, ActionCertify, "") {
		t.Error("发证 not offered where the bureau does not wait for the statement")
	}
	p.Reconciliation = &Reconciliation{Outcome: Matched}
	if !has(p, reviewer, env, ActionCertify, "") {
		t.Error("发证 not offered once reconciled")
	}
}
