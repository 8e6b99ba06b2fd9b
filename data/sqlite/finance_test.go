package sqlite

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"titledesk/data"
)

var (
	financeActor = data.Actor{ID: "platform", Name: "非税平台", Role: data.RoleFinance}
	importer     = data.Actor{ID: "admin@host", Name: "管理员"}
)

func openServerTest(t testing.TB) *Store {
	t.Helper()
	s, err := OpenServer(filepath.Join(t.TempDir(), "titledesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// seedAt stores n applications of level 助理级 (fee 150 yuan) at liaison
// point lp1 in status, numbered from 2026000001.
func seedAt(t testing.TB, s *Store, n int, status data.Status) []*data.Application {
	t.Helper()
	r := rand.New(rand.NewPCG(7, uint64(n)))
	var apps []*data.Application
	for i := range n {
		a := genApplication(r, i)
		a.Status, a.Level, a.LiaisonPointID, a.SupplementDeadline = status, "助理级", "lp1", time.Time{}
		apps = append(apps, a)
	}
	if err := s.SaveApplications(ctx, apps); err != nil {
		t.Fatal(err)
	}
	return apps
}

func issued(line int, appNo, id, no string, amount data.Fen) IssuedNotice {
	return IssuedNotice{Line: line, AppNo: appNo, IDNumber: id, Notice: data.PaymentNotice{No: no, PayCode: "4419" + no, Amount: amount,
		Payee: "东莞市人力资源局", Due: t0.AddDate(0, 0, 30), PayURL: "https://pay.gdzwfw.gov.cn/pay/4419" + no}}
}

func lines(issues []ImportIssue) []int {
	var out []int
	for _, x := range issues {
		out = append(out, x.Line)
	}
	slices.Sort(out)
	return out
}

// An import of issued notices takes exactly the rows that fit and reports
// the others, each with its reason: a duplicate row, an unknown
// application, an amount that is not the level's fee, a number another
// application already holds, and what the file reader could not read.
func TestImportNotices(t *testing.T) {
	s := openServerTest(t)
	apps := seedAt(t, s, 5, data.StatusAwaitingPaper)
	rep, err := s.ImportNotices(ctx, "notices.xlsx", "sum", []IssuedNotice{
		issued(2, apps[0].No, "", "0001", 15000),
		issued(3, "", apps[1].IDNumber, "0002", 15000), // by identity number
		issued(4, apps[2].No, "", "0001", 15000),       // the number of line 2 again
		issued(5, "2099999999", "", "0005", 15000),     // no such application
		issued(6, apps[3].No, "", "0006", 14000),       // not the fee
		issued(7, apps[0].No, "", "0007", 15000),       // apps[0] again
		issued(8, apps[4].No, apps[1].IDNumber, "0008", 15000),
	}, []ImportIssue{{Line: 9, Message: "金额“12O.00”格式不正确"}}, importer, t0)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Applied != 2 || rep.Rows != 8 || !slices.Equal(lines(rep.Refused), []int{4, 5, 6, 7, 8, 9}) {
		t.Fatalf("report %+v", rep)
	}
	for _, tc := range []struct {
		line int
		want string
	}{{4, "与第 2 行重复"}, {5, "找不到申请编号 2099999999"}, {6, "与收费标准（助理级 150.00 元）不符"}, {7, "已在第 2 行开具"}, {8, "身份证号与申请"}} {
		i := slices.IndexFunc(rep.Refused, func(x ImportIssue) bool { return x.Line == tc.line })
		if !strings.Contains(rep.Refused[i].Message, tc.want) {
			t.Errorf("line %d: %q, want %q", tc.line, rep.Refused[i].Message, tc.want)
		}
	}
	for i, a := range apps {
		got, err := s.Application(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if has := got.Notice != nil; has != (i < 2) {
			t.Errorf("%s has a notice: %v", a.No, has)
		}
		if i == 0 && (got.Notice.PayCode != "44190001" || got.Notice.Payee != "东莞市人力资源局" || !got.Notice.Due.Equal(t0.AddDate(0, 0, 30)) ||
			got.Notice.PayURL == "" || got.Version != a.Version) {
			t.Errorf("stored notice %+v, version %d → %d", got.Notice, a.Version, got.Version)
		}
	}
	// Once issued, a notice is not issued again; a number held elsewhere
	// is refused naming the holder and leaves the application untouched.
	rep, err = s.ImportNotices(ctx, "again.csv", "sum2", []IssuedNotice{issued(2, apps[0].No, "", "0009", 15000), issued(3, apps[3].No, "", "0002", 15000)}, nil, importer, t0)
	if err != nil || rep.Applied != 0 || len(rep.Refused) != 2 || !strings.Contains(rep.Refused[0].Message, "已有缴款通知书") || !strings.Contains(rep.Refused[1].Message, apps[1].No) {
		t.Fatalf("second import: %+v %v", rep, err)
	}
	if got, _ := s.Application(ctx, apps[3].ID); got.Notice != nil {
		t.Errorf("a refused row left a notice: %+v", got.Notice)
	}
	if r, err := s.VerifyAudit(ctx, nil, t0); err != nil || !r.OK() {
		t.Errorf("audit after imports: %+v %v", r, err)
	}
}

// paidApps are applications with a notice each, accepted, and paid at
// the times given (zero: not paid).
func paidApps(t *testing.T, s *Store, paidAt ...time.Time) []*data.Application {
	t.Helper()
	apps := seedAt(t, s, len(paidAt), data.StatusAwaitingPayment)
	for i, a := range apps {
		if err := s.IssueNotice(ctx, a.ID, issued(0, "", "", fmt.Sprintf("%04d", i+1), 15000).Notice, "非税平台", t0.AddDate(0, 0, -10)); err != nil {
			t.Fatal(err)
		}
		if paidAt[i].IsZero() {
			continue
		}
		cmd := data.Command{ID: "pay-" + a.ID, Action: data.ActionPaymentRecord, ApplicationID: a.ID, ExpectedVersion: a.Version, Actor: clerk,
			Payment: &data.Payment{Amount: 15000, Channel: "银行柜台", ReceiptNo: fmt.Sprintf("44000000%02d", i), PaidAt: paidAt[i]}}
		if _, err := s.Apply(ctx, cmd, data.Env{Now: paidAt[i], Calendar: data.DefaultCalendar()}); err != nil {
			t.Fatal(err)
		}
	}
	return apps
}

// A statement import gives each payment its outcome: 已对账, 金额不符,
// 已到账未登记 (then 已对账 once recorded), 未到账 after the set days, and
// 无登记 for a code of no notice; importing it again changes nothing; 发证
// waits for 已对账.
func TestImportStatementOutcomes(t *testing.T) {
	s := openServerTest(t)
	now := t0
	apps := paidApps(t, s, now.AddDate(0, 0, -1), now.AddDate(0, 0, -1), time.Time{}, now.AddDate(0, 0, -5), now)
	entry := func(line int, a *data.Application, amount data.Fen) StatementLine {
		return StatementLine{line, data.StatementEntry{PayCode: "4419" + fmt.Sprintf("%04d", slices.Index(apps, a)+1), Ref: fmt.Sprintf("JY%03d", line), Amount: amount, PaidAt: now.AddDate(0, 0, -1)}}
	}
	future := entry(6, apps[4], 15000)
	future.Entry.PaidAt = now.AddDate(0, 0, 2)
	statement := []StatementLine{entry(2, apps[0], 15000), entry(3, apps[1], 14000), entry(4, apps[2], 15000),
		{5, data.StatementEntry{PayCode: "4419999999", Ref: "JY005", Amount: 15000, PaidAt: now}}, future}
	rep, err := s.ImportStatement(ctx, "statement.csv", "sum", statement, nil, importer, now)
	if err != nil {
		t.Fatal(err)
	}
	want := map[data.ReconcileOutcome]int{data.Matched: 1, data.AmountMismatch: 1, data.Unrecorded: 1, data.NotReceived: 1}
	if rep.Applied != 3 || len(rep.Unmatched) != 1 || !strings.Contains(rep.Unmatched[0].Message, "4419999999") || fmt.Sprint(rep.Outcomes) != fmt.Sprint(want) ||
		len(rep.Refused) != 1 || rep.Refused[0].Line != 6 || !strings.Contains(rep.Refused[0].Message, "晚于今天") {
		t.Fatalf("report %+v", rep)
	}
	outcome := func(a *data.Application) data.ReconcileOutcome {
		got, err := s.Application(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Reconciliation == nil {
			return ""
		}
		return got.Reconciliation.Outcome
	}
	for i, w := range []data.ReconcileOutcome{data.Matched, data.AmountMismatch, data.Unrecorded, data.NotReceived, ""} {
		if got := outcome(apps[i]); got != w {
			t.Errorf("%s: %q, want %q", apps[i].No, got, w)
		}
	}
	xs, err := s.ReconcileExceptions(ctx)
	if err != nil || len(xs) != 3 {
		t.Errorf("exceptions %+v %v", xs, err)
	}
	head, _ := s.AuditHead(ctx)
	rep, err = s.ImportStatement(ctx, "statement.csv", "sum", statement, nil, importer, now)
	// A refused entry is not kept: the next import tries it again.
	if after, _ := s.AuditHead(ctx); err != nil || rep.Applied != 0 || rep.Known != 4 || len(rep.Refused) != 1 || after != head { // nothing changed
		t.Errorf("again: %+v %v, audit %d → %d", rep, err, head, after)
	}
	// Recorded after the money arrived: reconciled at once.
	a := apps[2]
	cur, _ := s.Application(ctx, a.ID)
	if _, err := s.Apply(ctx, data.Command{ID: "late-pay", Action: data.ActionPaymentRecord, ApplicationID: a.ID, ExpectedVersion: cur.Version, Actor: clerk,
		Payment: &data.Payment{Amount: 15000, Channel: "微信", ReceiptNo: "4200001234202609140000000003", PaidAt: now}}, data.Env{Now: now, Calendar: data.DefaultCalendar()}); err != nil {
		t.Fatal(err)
	}
	if got := outcome(a); got != data.Matched {
		t.Errorf("recorded after the statement: %q", got)
	}
	// Paid twice: a second entry for the same code adds up.
	again := entry(7, apps[0], 15000)
	if rep, err := s.ImportStatement(ctx, "next.csv", "sum2", []StatementLine{again}, nil, importer, now); err != nil || rep.Applied != 1 {
		t.Fatalf("a second payment: %+v %v", rep, err)
	}
	if got, _ := s.Application(ctx, apps[0].ID); got.Reconciliation.Outcome != data.AmountMismatch || got.Reconciliation.Entry.Amount != 30000 ||
		got.Reconciliation.Entry.Ref != "JY002、JY007" {
		t.Errorf("paid twice: %+v", got.Reconciliation)
	}

	// 发证 waits for 已对账.
	for i, want := range []string{"", "金额不符"} {
		cur, _ := s.Application(ctx, []*data.Application{a, apps[1]}[i].ID)
		_, err := s.Apply(ctx, data.Command{ID: "cert-" + cur.ID, Action: data.ActionCertify, ApplicationID: cur.ID, ExpectedVersion: cur.Version, Actor: reviewer,
			Certificate: &data.Certificate{No: "ZC-" + cur.No}}, data.Env{Now: now, Calendar: data.DefaultCalendar()})
		if want == "" && err != nil || want != "" && !strings.Contains(data.ErrorMessage(err), want) {
			t.Errorf("certify %s: %v, want %q", cur.No, err, want)
		}
	}
	if r, err := s.VerifyAudit(ctx, nil, now); err != nil || !r.OK() {
		t.Errorf("audit: %+v %v", r, err)
	}
}

// A clerk's day holds the payments the clerk recorded that day; once
// closed, one recorded for it later falls into the next open day, and a
// refund of the clerk's payment shows on the day it was approved.
func TestSettlementDays(t *testing.T) {
	s, _ := openTest(t)
	day1 := time.Date(2026, 12, 1, 0, 0, 0, 0, data.Shanghai)
	day2 := day1.AddDate(0, 0, 1)
	apps := seedAt(t, s, 5, data.StatusPaid)
	pay := func(a *data.Application, by string, at time.Time) {
		a.Payment = &data.Payment{Amount: 15000, Channel: "微信", ReceiptNo: "42" + a.No, PaidAt: at, RecordedAt: at, RecordedBy: by, RecordedByID: by}
	}
	pay(apps[0], "c1", day1.Add(10*time.Hour))
	pay(apps[1], "c1", day1.Add(15*time.Hour))
	pay(apps[2], "c2", day1.Add(11*time.Hour)) // another clerk's
	if err := s.SaveApplications(ctx, apps[:3]); err != nil {
		t.Fatal(err)
	}
	open, err := s.OpenSettlement(ctx, "c1", day1)
	if err != nil || len(open) != 2 || open[0].ApplicationNo != apps[0].No {
		t.Fatalf("day 1: %+v %v", open, err)
	}
	if err := s.CloseSettlement(ctx, "c1", day1, open, []byte(`{"closed":1}`), day1.Add(17*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.CloseSettlement(ctx, "c1", day1, open, []byte(`{}`), day1.Add(18*time.Hour)); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("closing twice: %v", err)
	}
	// Recorded for day 1 after it closed (a desk that was offline), and a
	// refund of the clerk's first payment approved on day 2.
	pay(apps[3], "c1", day1.Add(16*time.Hour))
	apps[0].Refund = &data.Refund{Amount: 15000, Reason: "材料弄虚作假", ApprovedBy: "陈静", ApprovedAt: day2.Add(9 * time.Hour), PaymentBy: "c1"}
	if err := s.SaveApplications(ctx, []*data.Application{apps[0], apps[3]}); err != nil {
		t.Fatal(err)
	}
	if open, _ := s.OpenSettlement(ctx, "c1", day1); len(open) != 0 {
		t.Errorf("a closed day still takes entries: %+v", open)
	}
	open, err = s.OpenSettlement(ctx, "c1", day2)
	if err != nil || len(open) != 2 || open[0].ApplicationNo != apps[3].No || !open[1].Refund || open[1].Amount != -15000 {
		t.Fatalf("day 2: %+v %v", open, err)
	}
	kept, ok, err := s.ClosedSettlement(ctx, "c1", day1)
	if err != nil || !ok || string(kept) != `{"closed":1}` {
		t.Errorf("kept report %q %v %v", kept, ok, err)
	}
	if _, ok, _ := s.ClosedSettlement(ctx, "c1", day2); ok {
		t.Error("day 2 closed")
	}
	// A payment of a closed day recorded again (the server refused the
	// first, and the clerk redid it) is a new entry of its own day.
	pay(apps[1], "c1", day2.Add(11*time.Hour))
	if err := s.SaveApplications(ctx, apps[1:2]); err != nil {
		t.Fatal(err)
	}
	if open, _ = s.OpenSettlement(ctx, "c1", day2); len(open) != 3 || open[2].ApplicationNo != apps[1].No {
		t.Errorf("a payment recorded again: %+v", open)
	}
}

// The month's summary adds up payments by the day they were recorded, per
// point and channel, with refunds.
func TestMonthSummary(t *testing.T) {
	s, _ := openTest(t)
	month := time.Date(2026, 11, 1, 0, 0, 0, 0, data.Shanghai)
	apps := seedAt(t, s, 4, data.StatusPaid)
	for i, a := range apps {
		at := month.AddDate(0, 0, i*10) // the 4th falls in December
		a.Payment = &data.Payment{Amount: 15000, Channel: []string{"微信", "银行柜台"}[i%2], ReceiptNo: "X" + a.No, PaidAt: at.AddDate(0, 0, -3), RecordedAt: at}
	}
	apps[1].LiaisonPointID = "lp2"
	apps[2].Refund = &data.Refund{Amount: 15000, ApprovedAt: month.AddDate(0, 0, 25)}
	if err := s.SaveApplications(ctx, apps); err != nil {
		t.Fatal(err)
	}
	rows, err := s.MonthSummary(ctx, month, month.AddDate(0, 1, 0))
	want := []MonthRow{{"lp1", "微信", 2, 1, 30000, 15000}, {"lp2", "银行柜台", 1, 0, 15000, 0}}
	if err != nil || !slices.Equal(rows, want) {
		t.Errorf("summary %+v %v, want %+v", rows, err, want)
	}
}
