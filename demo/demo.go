// Package demo makes realistic applications through the real code paths:
// the demo server's data and the fixtures of tests that need applications
// in a given status.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"titledesk/data"
	"titledesk/data/sqlite"
)

// Cast is who drives applications through the workflow.
type Cast struct {
	Clerk, Reviewer data.Actor
	// Withhold are the decisions after which the finance system's fact
	// does not come (yet): no notice after 复审, no statement after payment.
	Withhold map[data.Action]bool
}

// Unit is the employer every demo application comes from unless a caller
// sets another.
func Unit(i int) *data.Unit {
	u := units[i%len(units)]
	return &data.Unit{ID: fmt.Sprintf("unit-%03d", i%len(units)), Name: u.name,
		CreditCode: data.MakeCreditCode(u.code), ContactName: u.contact, ContactMobile: fmt.Sprintf("1380769%04d", i%len(units)), Approved: true}
}

// Application is the draft of applicant i at point, from unit, with the
// given scans: every field filled as the portal would, identity numbers
// checksum-valid and fictitious.
func Application(i int, point *data.LiaisonPoint, unit *data.Unit, scans []data.Attachment) *data.Application {
	q := qualifications[i%len(qualifications)]
	birth := time.Date(1975+i%25, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, data.Shanghai)
	return &data.Application{ID: uuid.NewString(), Form: data.Form{
		Series: q.series, Qualification: q.name, Level: q.level, Method: data.MethodAssessment,
		LiaisonPointID: point.ID, ApplicantID: fmt.Sprintf("applicant-%05d", i), Name: Name(i),
		IDNumber:  data.MakeIDNumber(regions[i%len(regions)], birth, 2*(i%499)+1+i%2),
		Mobile:    fmt.Sprintf("13%d%08d", 5+i%5, 10000000+i*7919%90000000),
		Education: educations[i%len(educations)], Major: q.major, WorkingYears: 3 + i%15,
		UnitID: unit.ID, UnitName: unit.Name, UnitCreditCode: unit.CreditCode,
		Attachments: scans,
	}}
}

// step is how an application reaches a status from the one before it.
type step struct {
	from  data.Status
	build func(a *data.Application, c Cast, now time.Time) data.Command
}

func applicant(a *data.Application) data.Actor {
	return data.Actor{ID: a.ApplicantID, Name: a.Name, Role: data.RoleApplicant}
}

func unitActor(a *data.Application) data.Actor {
	return data.Actor{ID: "unit-user-" + a.UnitID, Name: a.UnitName, Role: data.RoleUnit, UnitID: a.UnitID}
}

func checks(a *data.Application, first data.Check) []data.AttachmentCheck {
	out := make([]data.AttachmentCheck, len(a.Attachments))
	for i, at := range a.Attachments {
		out[i] = data.AttachmentCheck{AttachmentID: at.ID, Check: data.CheckMatch}
	}
	if len(out) > 0 {
		out[0].Check = first
	}
	return out
}

// steps is the path the demo takes to each status: one fixed route per
// status, so Drive is a walk back to draft.
var steps = map[data.Status]step{
	data.StatusUnitReview: {data.StatusDraft, func(a *data.Application, _ Cast, _ time.Time) data.Command {
		return data.Command{Action: data.ActionSubmit, Actor: applicant(a)}
	}},
	data.StatusWithdrawn: {data.StatusDraft, func(a *data.Application, _ Cast, _ time.Time) data.Command {
		return data.Command{Action: data.ActionWithdraw, Actor: applicant(a)}
	}},
	data.StatusUnitRejected: {data.StatusUnitReview, func(a *data.Application, _ Cast, _ time.Time) data.Command {
		return data.Command{Action: data.ActionUnitReject, Actor: unitActor(a), Note: "专业技术工作年限不足，暂不同意申报。"}
	}},
	data.StatusLiaisonReview: {data.StatusUnitReview, func(a *data.Application, _ Cast, now time.Time) data.Command {
		return data.Command{Action: data.ActionUnitApprove, Actor: unitActor(a), Opinion: "经审核，该同志申报材料真实，符合申报条件，同意申报。",
			Publicity: data.Publicity{Start: now.AddDate(0, 0, -20), End: now.AddDate(0, 0, -5)}}
	}},
	data.StatusReturnedToApplicant: {data.StatusLiaisonReview, func(a *data.Application, c Cast, _ time.Time) data.Command {
		return data.Command{Action: data.ActionLiaisonReturn, Actor: c.Clerk, ReturnTo: data.ReturnToApplicant,
			Reasons: []string{"扫描件不清晰或不完整", "继续教育证明缺失"}, Note: "请重新扫描学历证书并补充继续教育证明。"}
	}},
	data.StatusReturnedToUnit: {data.StatusLiaisonReview, func(a *data.Application, c Cast, _ time.Time) data.Command {
		return data.Command{Action: data.ActionLiaisonReturn, Actor: c.Clerk, ReturnTo: data.ReturnToUnit, Reasons: []string{"公示期不足5个工作日"}}
	}},
	data.StatusBureauReview: {data.StatusLiaisonReview, func(a *data.Application, c Cast, _ time.Time) data.Command {
		return data.Command{Action: data.ActionLiaisonPass, Actor: c.Clerk}
	}},
	data.StatusBureauRejected: {data.StatusBureauReview, func(a *data.Application, c Cast, _ time.Time) data.Command {
		return data.Command{Action: data.ActionBureauReject, Actor: c.Reviewer, Reasons: []string{"所学专业与申报专业不相近"}}
	}},
	data.StatusAwaitingPaper: {data.StatusBureauReview, func(a *data.Application, c Cast, _ time.Time) data.Command {
		return data.Command{Action: data.ActionBureauPass, Actor: c.Reviewer}
	}},
	data.StatusPaperDeficient: {data.StatusAwaitingPaper, func(a *data.Application, c Cast, _ time.Time) data.Command {
		return data.Command{Action: data.ActionPaperDeficient, Actor: c.Clerk, Checks: checks(a, data.CheckMissing), Reasons: []string{"未提供原件"}}
	}},
	data.StatusRejected: {data.StatusAwaitingPaper, func(a *data.Application, c Cast, _ time.Time) data.Command {
		return data.Command{Action: data.ActionPaperReject, Actor: c.Clerk, Reasons: []string{"原件与扫描件不一致"}}
	}},
	data.StatusExpired: {data.StatusPaperDeficient, func(a *data.Application, c Cast, _ time.Time) data.Command {
		return data.Command{Action: data.ActionPaperExpire, Actor: c.Clerk}
	}},
	data.StatusAwaitingPayment: {data.StatusAwaitingPaper, func(a *data.Application, c Cast, now time.Time) data.Command {
		return data.Command{Action: data.ActionPaperAccept, Actor: c.Clerk, Checks: checks(a, data.CheckMatch)}
	}},
	data.StatusPaid: {data.StatusAwaitingPayment, func(a *data.Application, c Cast, now time.Time) data.Command {
		p := &data.Payment{Amount: a.Notice.Amount, Channel: "银行柜台", ReceiptNo: "4400" + a.No, PaidAt: now}
		if len(a.No)%2 == 1 {
			p.Channel, p.ReceiptNo = "微信", "42000"+now.In(data.Shanghai).Format("20060102")+"0000000"+a.No[len(a.No)-8:]
		}
		return data.Command{Action: data.ActionPaymentRecord, Actor: c.Clerk, Payment: p}
	}},
	data.StatusCertified: {data.StatusPaid, func(a *data.Application, c Cast, now time.Time) data.Command {
		return data.Command{Action: data.ActionCertify, Actor: c.Reviewer, Certificate: &data.Certificate{No: "GD" + a.No, IssuedAt: now}}
	}},
}

// The demo plays the bureau's finance system too: after the decision
// with the action, the fact it delivers (DESIGN.md section 4).
var facts = map[data.Action]func(a *data.Application, now time.Time) data.Command{
	// The platform issues the notice when 复审 passes.
	data.ActionBureauPass: func(a *data.Application, now time.Time) data.Command {
		n := Notice(a, now)
		return data.Command{Action: data.ActionNoticeIssue, Notice: &n}
	},
	// The day's statement holds the payment.
	data.ActionPaymentRecord: func(a *data.Application, now time.Time) data.Command {
		return data.Command{Action: data.ActionReconcile, Statement: ptr(StatementEntry(a, a.Notice.Amount, now))}
	},
}

func ptr[T any](v T) *T { return &v }

// Notice is the notice the demo's finance system issues for a.
func Notice(a *data.Application, now time.Time) data.PaymentNotice {
	code := "4419" + now.In(data.Shanghai).Format("060102") + a.No[max(len(a.No)-8, 0):]
	return data.PaymentNotice{No: "44190" + now.In(data.Shanghai).Format("2006") + a.No[max(len(a.No)-7, 0):], PayCode: code,
		Amount: fee(a.Level), Payee: "东莞市人力资源局", Due: data.Midnight(now).AddDate(0, 0, 30),
		PayURL: "https://pay.gdzwfw.gov.cn/pay/" + code, IssuedBy: FinanceSystem.Name}
}

// StatementEntry is the platform's statement line for a's notice.
func StatementEntry(a *data.Application, amount data.Fen, now time.Time) data.StatementEntry {
	return data.StatementEntry{PayCode: a.Notice.PayCode, Ref: "JY" + now.In(data.Shanghai).Format("20060102") + a.No[max(len(a.No)-8, 0):],
		Channel: "网上缴费", Amount: amount, PaidAt: now}
}

// FinanceSystem is the actor of the demo's finance facts.
var FinanceSystem = data.Actor{ID: "demo-finance", Name: "非税收入系统（演示）", Role: data.RoleFinance}

// fee is the seeded fee of a level (002_reference.sql); demo notices charge it.
func fee(level string) data.Fen {
	return map[string]data.Fen{"员级": 10000, "助理级": 15000, "中级": 30000}[level]
}

// Create stores a draft through the store, as the portal does, with every
// material its level requires (the state machine refuses 送审 without):
// the scans given, and the first of them again for each kind still missing.
func Create(ctx context.Context, db *sqlite.Store, a *data.Application, now time.Time) error {
	if len(a.Attachments) > 0 {
		ref, err := db.Reference(ctx)
		if err != nil {
			return err
		}
		for i, kind := range ref.Missing(a) {
			at := a.Attachments[0]
			at.ID, at.Kind, at.FileName = fmt.Sprintf("%s-r%d", at.ID, i), kind, kind+".jpg"
			a.Attachments = append(a.Attachments, at)
		}
	}
	return db.CreateApplication(ctx, a, applicant(a), now)
}

// Drive takes a stored application to status to along the demo's path,
// applying each command through the store at times a day (or, to expire,
// ten days) apart ending at now, since deadlines count from them.
func Drive(ctx context.Context, db *sqlite.Store, a *data.Application, to data.Status, c Cast, now time.Time) (*data.Application, error) {
	var path []step
	for s := to; s != a.Status; {
		st, ok := steps[s]
		if !ok {
			return nil, fmt.Errorf("demo: no path from %s to %s", a.Status, to)
		}
		path = append([]step{st}, path...)
		s = st.from
	}
	cal, err := db.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	gap := 1
	if to == data.StatusExpired {
		gap = 10 // the 5-working-day supplement deadline must have passed
	}
	for i, st := range path {
		at := now.AddDate(0, 0, (i-len(path)+1)*gap)
		cmd := st.build(a, c, at)
		cmd.ID, cmd.ApplicationID, cmd.ExpectedVersion = uuid.NewString(), a.ID, a.Version
		out, err := db.Apply(ctx, cmd, data.Env{Now: at, Calendar: cal})
		if err != nil {
			return nil, fmt.Errorf("demo: %s → %s: %w", a.Status, cmd.Action, err)
		}
		a = &out.Application
		if fact := facts[cmd.Action]; fact != nil && !c.Withhold[cmd.Action] {
			f := fact(a, at)
			f.ID, f.ApplicationID, f.Actor = uuid.NewString(), a.ID, FinanceSystem
			out, err := db.Apply(ctx, f, data.Env{Now: at, Calendar: cal})
			if err != nil {
				return nil, fmt.Errorf("demo: %s: %w", f.Action, err)
			}
			a = &out.Application
		}
	}
	return a, nil
}
