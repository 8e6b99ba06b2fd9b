package data

import (
	"slices"
	"strings"
	"time"
)

// Status is where an application stands (DESIGN.md section 1).
type Status string

const (
	StatusDraft               Status = "draft"
	StatusUnitReview          Status = "unit_review"
	StatusUnitRejected        Status = "unit_rejected"
	StatusLiaisonReview       Status = "liaison_review"
	StatusReturnedToApplicant Status = "returned_to_applicant"
	StatusReturnedToUnit      Status = "returned_to_unit"
	StatusBureauReview        Status = "bureau_review"
	StatusBureauRejected      Status = "bureau_rejected"
	StatusAwaitingPaper       Status = "awaiting_paper"
	StatusPaperDeficient      Status = "paper_deficient"
	StatusAwaitingPayment     Status = "awaiting_payment"
	StatusPaid                Status = "paid"
	StatusCertified           Status = "certified"
	StatusWithdrawn           Status = "withdrawn"
	StatusRejected            Status = "rejected"
	StatusExpired             Status = "expired"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{
	StatusDraft, StatusUnitReview, StatusUnitRejected, StatusLiaisonReview, StatusReturnedToApplicant,
	StatusReturnedToUnit, StatusBureauReview, StatusBureauRejected, StatusAwaitingPaper, StatusPaperDeficient,
	StatusAwaitingPayment, StatusPaid, StatusCertified, StatusWithdrawn, StatusRejected, StatusExpired,
}

var statusLabels = map[Status]string{
	StatusDraft: "未送审", StatusUnitReview: "待单位审核", StatusUnitRejected: "单位审核不通过",
	StatusLiaisonReview: "待联络点初审", StatusReturnedToApplicant: "退回申报人修改", StatusReturnedToUnit: "退回单位修改",
	StatusBureauReview: "待市局复审", StatusBureauRejected: "市局复审不通过", StatusAwaitingPaper: "复审通过·待交纸质材料",
	StatusPaperDeficient: "材料待补正", StatusAwaitingPayment: "待缴费", StatusPaid: "已缴费", StatusCertified: "已发证",
	StatusWithdrawn: "已撤回", StatusRejected: "不予受理", StatusExpired: "逾期退件",
}

// Label is the status's Chinese name as screens show it.
func (s Status) Label() string { return statusLabels[s] }

// ActionStatuses are the statuses in which some row of the table takes
// action.
func ActionStatuses(action Action) []Status {
	var out []Status
	for _, t := range Transitions {
		if t.Action == action && !slices.Contains(out, t.From) {
			out = append(out, t.From)
		}
	}
	return out
}

// undoneDecision is the decision a correction takes back: the last that
// changed the status.
func undoneDecision(a *Application) Decision {
	for i := len(a.Decisions) - 1; i >= 0; i-- {
		if d := a.Decisions[i]; d.From != d.To {
			return d
		}
	}
	return Decision{}
}

// Terminal reports whether no one's command moves an application on from
// s: its handling has ended. The finance system's facts may still arrive,
// and a certificate may still be printed or revoked.
func (s Status) Terminal() bool {
	for _, t := range Transitions {
		if t.From == s && t.To != s && t.Role != RoleFinance && t.Role != RoleDeadline {
			return false
		}
	}
	return true
}

// refusals are the statuses that refuse an application: a decision that
// reaches one is shown apart from the others, in a danger style.
var refusals = map[Status]bool{StatusUnitRejected: true, StatusBureauRejected: true, StatusRejected: true, StatusExpired: true}

// Refuses reports whether t refuses the application: it brings it into a
// refusal.
func (t Transition) Refuses() bool { return t.To != t.From && refusals[t.To] }

// keepsStatus are the consequences of the decisions whose table row keeps
// the status: they change what it means, or (Undo) go back by the history.
var keepsStatus = map[Action]string{
	ActionReopen:            "撤销最近一次决定，申请恢复到该决定之前的状态继续办理（回到现场核验的，重新给 5 个工作日的补正期限）；同步后短信通知申请人。",
	ActionCertificateRevoke: "证书将被撤销：证书查询将答复“已撤销”，不能再作为取得该资格的凭证；同步后短信通知申请人。",
}

// allReasonsAtOnce are the decisions that send an application back or end
// it, whose reasons the guide says to give all at once (一次性告知); the
// others that need a reason (更正, 撤销证书, 退费, 缴费更正) give theirs.
var allReasonsAtOnce = map[Action]bool{ActionLiaisonReturn: true, ActionBureauReject: true, ActionPaperReject: true}

// NeedsReasons is whether t must carry reasons from the catalogue.
func (t Transition) NeedsReasons() bool {
	return slices.ContainsFunc(t.Requires, func(r Requirement) bool { return r.Name == needReasons.Name })
}

// Consequence says what taking t does to the application, for the
// confirmation a decision asks; "" when it leaves the status as it is.
func (t Transition) Consequence() string {
	if t.To == t.From {
		return keepsStatus[t.Action]
	}
	text := "申请将从“" + t.From.Label() + "”转为“" + t.To.Label() + "”"
	switch {
	case t.To.Terminal() && t.Refuses():
		text += "，办理到此结束，不能撤回"
	case t.To.Terminal():
		text += "，办理结束"
	}
	if t.SMS.Template != "" {
		text += "；同步后短信通知" + t.SMS.To.Label()
	}
	return text + "。"
}

// Action is the verb of a command.
type Action string

const (
	ActionSubmit         Action = "submit"
	ActionWithdraw       Action = "withdraw"
	ActionEdit           Action = "edit"
	ActionUnitApprove    Action = "unit_approve"
	ActionUnitReject     Action = "unit_reject"
	ActionLiaisonPass    Action = "liaison_pass"
	ActionLiaisonReturn  Action = "liaison_return"
	ActionBureauPass     Action = "bureau_pass"
	ActionBureauReject   Action = "bureau_reject"
	ActionPaperAccept    Action = "paper_accept"
	ActionPaperDeficient Action = "paper_deficient"
	ActionPaperReject    Action = "paper_reject"
	ActionPaperExpire    Action = "paper_expire"
	ActionPaymentRecord  Action = "payment_record"
	ActionCertify        Action = "certify"
	ActionClaim          Action = "claim"
	ActionPrint          Action = "print"
	// The bureau's non-tax revenue system issues the payment notice and
	// reconciles payments against its statements.
	ActionNoticeIssue Action = "notice_issue"
	ActionReconcile   Action = "reconcile"
	// A bureau reviewer corrects a recorded payment, or refuses a paid
	// application and approves the refund.
	ActionPaymentCorrect Action = "payment_correct"
	ActionRefund         Action = "refund"
	// The bureau revokes a certificate issued (撤销证书), with the reason:
	// 证书查询 then answers 已撤销.
	ActionCertificateRevoke Action = "certificate_revoke"
	// An application whose payment did not come by the notice's 缴款期限.
	ActionPaymentExpire Action = "payment_expire"
	// ActionReopen is the bureau's correction of a decision made in error
	// (不予受理, 逾期, 复审不通过): the application goes back to where that
	// decision found it, with the reason, and the applicant is told.
	ActionReopen Action = "reopen"
	// ActionCreate only names the audit event of a new application; an
	// application is created, not transitioned, so it has no row below.
	ActionCreate Action = "create"
)

var actionLabels = map[Action]string{
	ActionSubmit: "送审", ActionWithdraw: "撤回", ActionEdit: "修改", ActionUnitApprove: "单位审核通过",
	ActionUnitReject: "单位审核不通过", ActionLiaisonPass: "初审通过", ActionLiaisonReturn: "退回",
	ActionBureauPass: "复审通过", ActionBureauReject: "复审不通过", ActionPaperAccept: "材料受理",
	ActionPaperDeficient: "一次性告知补正", ActionPaperReject: "不予受理", ActionPaperExpire: "逾期退件",
	ActionPaymentRecord: "登记缴费", ActionCertify: "发证", ActionClaim: "认领", ActionPrint: "打印",
	ActionCreate: "新申报", ActionNoticeIssue: "开具缴款通知书", ActionReconcile: "对账",
	ActionPaymentCorrect: "更正缴费", ActionRefund: "不予受理并退费", ActionCertificateRevoke: "撤销证书",
	ActionPaymentExpire: "逾期未缴费", ActionReopen: "更正（恢复办理）",
}

// Label is the action's Chinese name, fit for a button.
func (a Action) Label() string { return actionLabels[a] }

// Transition is one row of the state machine: Role may apply Action in
// From, given what Requires checks, and the application moves to To.
// ReturnTo and Document select among rows of the same action (where a
// return goes, what is printed). Claim and print keep the status and, so
// that they never make another clerk's command stale, the version too.
type Transition struct {
	From     Status
	Action   Action
	Role     Role
	To       Status
	ReturnTo ReturnTo
	Document Document
	Requires []Requirement
	// SMS is the message queued for the party who must act next (or who
	// is told where things stand): a template for SMSText, by default
	// (the bureau may edit it, see Env.Template).
	SMS  Message
	Seal bool // the application form is sealed and becomes printable
	// Undo: the application goes back to the status its last decision
	// found it in, not to To (which is From): the bureau's correction.
	Undo bool
}

// Message is a text a transition sends: to whom, in which words.
type Message struct {
	To       Party
	Template string
}

// MessageKey names the transition's message: its action, how it returns,
// and to whom, e.g. liaison_return.unit/unit. Templates are edited and SMS
// services' registered templates mapped by it.
func (t Transition) MessageKey() string {
	k := string(t.Action)
	if t.ReturnTo != "" {
		k += "." + string(t.ReturnTo)
	}
	return k + "/" + string(t.SMS.To)
}

// toApplicant and toUnit are the messages of the table below.
func toApplicant(tmpl string) Message { return Message{PartyApplicant, tmpl} }
func toUnit(tmpl string) Message      { return Message{PartyUnit, tmpl} }

// Requirement checks what a command must carry or what must hold before it
// applies. It sees the application already updated by the command's data.
type Requirement struct {
	Name  string
	Check func(a *Application, c *Command, env Env) error
	// State: it checks only the application as it stands and env, not what
	// the command carries, so Actions leaves out a row it refuses and no
	// screen offers what the machine would refuse.
	State bool
}

// Transitions is the whole workflow law. The UI and the server derive the
// available actions from it; Apply is its only interpreter.
var Transitions = buildTransitions()

func buildTransitions() []Transition {
	const (
		// Placeholders are filled by SMSText: each message says what to do
		// next, where and by when.
		smsSubmitted  = "【职称考核认定】{name}的职称申请（编号{no}）已送审，请登录专业技术人才服务系统进行单位审核，并按规定公示。"
		smsUnitPassed = "【职称考核认定】您的申请（编号{no}）已通过单位审核，已提交{point}初审。"
		smsUnitNo     = "【职称考核认定】您的申请（编号{no}）单位审核未通过，原因：{reasons}。请登录系统修改后重新送审。"
		smsFirstPass  = "【职称考核认定】您的申请（编号{no}）已通过{point}初审，已提交市局复审。"
		smsReturned   = "【职称考核认定】您的申请（编号{no}）已被退回，原因：{reasons}。请登录专业技术人才服务系统一次性修改后重新送审。"
		smsToUnit     = "【职称考核认定】{name}的申请（编号{no}）被退回单位，原因：{reasons}。请登录系统补充单位审核意见或公示材料后重新审核提交。"
		smsBureauNo   = "【职称考核认定】您的申请（编号{no}）市局复审未通过，原因：{reasons}。{point}将告知处理意见，电话{phone}。"
		smsPaper      = "【职称考核认定】您的申请（编号{no}）已通过复审。请登录系统打印申报表，于{deadline}前携带各项材料原件及复印件到{point}（{address}）递交纸质材料，逾期退件，电话{phone}。"
		smsDeficient  = "【职称考核认定】您的申请（编号{no}）纸质材料需补正：{reasons}。请于{deadline}前（5个工作日内）到{point}一次性补齐，逾期退件。"
		smsAccepted   = "【职称考核认定】您的申请（编号{no}）纸质材料已受理。请按缴款通知书所列方式缴费，并留存缴费凭证。"
		smsRejected   = "【职称考核认定】您的申请（编号{no}）纸质材料经{point}核验不予受理，原因：{reasons}。办理到此结束，电话{phone}。"
		smsExpired    = "【职称考核认定】您的申请（编号{no}）未在期限（{deadline}）内递交或补齐纸质材料，已逾期退件，办理到此结束。如需申报请重新提交，电话{phone}。"
		smsUnpaid     = "【职称考核认定】您的申请（编号{no}）未在缴款期限内缴费，办理到此结束。如需申报请重新提交，电话{phone}。"
		smsPaid       = "【职称考核认定】您的申请（编号{no}）已登记缴费{paid}元（{channel}），财政确认到账后发证。"
		smsCertified  = "【职称考核认定】您的申请（编号{no}）已发证，证书编号{cert}，可登录系统“证书查询”查看。"
		smsNotice     = "【职称考核认定】您的申请（编号{no}）缴款通知书已开具：缴款码{paycode}，金额{amount}元。请登录系统查看缴费方式，并留存缴费凭证。"
		smsRefund     = "【职称考核认定】您的申请（编号{no}）经市局审核不予受理，原因：{reasons}。已缴的{amount}元将按原缴费渠道退还，电话{phone}。"
		smsReopened   = "【职称考核认定】您的申请（编号{no}）经市局更正，已恢复办理，当前为“{status}”。原因：{reasons}。如有疑问请联系{point}，电话{phone}。"
		smsRevoked    = "【职称考核认定】您的职称证书（编号{cert}）已被市局撤销，原因：{reasons}。如有异议请联系{point}，电话{phone}。"
	)
	ts := []Transition{
		{From: StatusDraft, Action: ActionEdit, Role: RoleApplicant, To: StatusDraft, Requires: reqs(needForm)},
		{From: StatusDraft, Action: ActionSubmit, Role: RoleApplicant, To: StatusUnitReview, Requires: reqs(needValidForm), SMS: toUnit(smsSubmitted)},
		{From: StatusDraft, Action: ActionWithdraw, Role: RoleApplicant, To: StatusWithdrawn},
		{From: StatusUnitReview, Action: ActionUnitApprove, Role: RoleUnit, To: StatusLiaisonReview, Requires: reqs(needOpinion, needPublicity), SMS: toApplicant(smsUnitPassed)},
		{From: StatusUnitReview, Action: ActionUnitReject, Role: RoleUnit, To: StatusUnitRejected, Requires: reqs(needReasonsOrNote), SMS: toApplicant(smsUnitNo)},
		{From: StatusUnitRejected, Action: ActionEdit, Role: RoleApplicant, To: StatusUnitRejected, Requires: reqs(needForm)},
		{From: StatusUnitRejected, Action: ActionSubmit, Role: RoleApplicant, To: StatusUnitReview, Requires: reqs(needValidForm), SMS: toUnit(smsSubmitted)},
		{From: StatusLiaisonReview, Action: ActionLiaisonPass, Role: RoleClerk, To: StatusBureauReview, SMS: toApplicant(smsFirstPass)},
		{From: StatusLiaisonReview, Action: ActionLiaisonReturn, Role: RoleClerk, ReturnTo: ReturnToApplicant, To: StatusReturnedToApplicant, Requires: reqs(needReasons), SMS: toApplicant(smsReturned)},
		{From: StatusLiaisonReview, Action: ActionLiaisonReturn, Role: RoleClerk, ReturnTo: ReturnToUnit, To: StatusReturnedToUnit, Requires: reqs(needReasons), SMS: toUnit(smsToUnit)},
		{From: StatusReturnedToApplicant, Action: ActionEdit, Role: RoleApplicant, To: StatusReturnedToApplicant, Requires: reqs(needForm)},
		{From: StatusReturnedToApplicant, Action: ActionSubmit, Role: RoleApplicant, To: StatusUnitReview, Requires: reqs(needValidForm), SMS: toUnit(smsSubmitted)},
		{From: StatusReturnedToUnit, Action: ActionUnitApprove, Role: RoleUnit, To: StatusLiaisonReview, Requires: reqs(needOpinion, needPublicity), SMS: toApplicant(smsUnitPassed)},
		{From: StatusReturnedToUnit, Action: ActionUnitReject, Role: RoleUnit, To: StatusUnitRejected, Requires: reqs(needReasonsOrNote), SMS: toApplicant(smsUnitNo)},
		{From: StatusBureauReview, Action: ActionBureauPass, Role: RoleBureau, To: StatusAwaitingPaper, SMS: toApplicant(smsPaper), Seal: true},
		{From: StatusBureauReview, Action: ActionBureauReject, Role: RoleBureau, To: StatusBureauRejected, Requires: reqs(needReasons), SMS: toApplicant(smsBureauNo)},
		{From: StatusBureauRejected, Action: ActionLiaisonReturn, Role: RoleClerk, ReturnTo: ReturnToApplicant, To: StatusReturnedToApplicant, Requires: reqs(needReasons), SMS: toApplicant(smsReturned)},
		{From: StatusBureauRejected, Action: ActionLiaisonReturn, Role: RoleClerk, ReturnTo: ReturnToUnit, To: StatusReturnedToUnit, Requires: reqs(needReasons), SMS: toUnit(smsToUnit)},
		{From: StatusAwaitingPaper, Action: ActionPaperAccept, Role: RoleClerk, To: StatusAwaitingPayment, Requires: reqs(needAllMatch), SMS: toApplicant(smsAccepted)},
		{From: StatusAwaitingPaper, Action: ActionPaperDeficient, Role: RoleClerk, To: StatusPaperDeficient, Requires: reqs(needAllChecked, needDeficiency), SMS: toApplicant(smsDeficient)},
		{From: StatusAwaitingPaper, Action: ActionPaperReject, Role: RoleClerk, To: StatusRejected, Requires: reqs(needReasons), SMS: toApplicant(smsRejected)},
		{From: StatusPaperDeficient, Action: ActionPaperAccept, Role: RoleClerk, To: StatusAwaitingPayment, Requires: reqs(needAllMatch), SMS: toApplicant(smsAccepted)},
		{From: StatusPaperDeficient, Action: ActionPaperReject, Role: RoleClerk, To: StatusRejected, Requires: reqs(needReasons), SMS: toApplicant(smsRejected)},
		{From: StatusPaperDeficient, Action: ActionPaperExpire, Role: RoleClerk, To: StatusExpired, Requires: reqs(needDeadlinePassed), SMS: toApplicant(smsExpired)},
		{From: StatusAwaitingPaper, Action: ActionPaperExpire, Role: RoleClerk, To: StatusExpired, Requires: reqs(needDeadlinePassed), SMS: toApplicant(smsExpired)},
		{From: StatusAwaitingPayment, Action: ActionPaymentExpire, Role: RoleClerk, To: StatusExpired, Requires: reqs(needNoticeOverdue), SMS: toApplicant(smsUnpaid)},
		{From: StatusAwaitingPayment, Action: ActionPaymentRecord, Role: RoleClerk, To: StatusPaid, Requires: reqs(needNoticeArrived, needPayment), SMS: toApplicant(smsPaid)},
		{From: StatusPaid, Action: ActionCertify, Role: RoleBureau, To: StatusCertified, Requires: reqs(needCertificate, needReconciled), SMS: toApplicant(smsCertified)},
		{From: StatusPaid, Action: ActionPaymentCorrect, Role: RoleBureau, To: StatusPaid, Requires: reqs(needReasons, needNoticeArrived, needPayment)},
		{From: StatusPaid, Action: ActionRefund, Role: RoleBureau, To: StatusRejected, Requires: reqs(needReasons), SMS: toApplicant(smsRefund)},
		{From: StatusCertified, Action: ActionCertificateRevoke, Role: RoleBureau, To: StatusCertified, Requires: reqs(needReasons, needCertificateInForce), SMS: toApplicant(smsRevoked)},
		// The notice is issued once 复审 passes; one that arrives after the
		// counter accepted the papers is texted to the applicant.
		{From: StatusAwaitingPaper, Action: ActionNoticeIssue, Role: RoleFinance, To: StatusAwaitingPaper, Requires: reqs(needNewNotice)},
		{From: StatusPaperDeficient, Action: ActionNoticeIssue, Role: RoleFinance, To: StatusPaperDeficient, Requires: reqs(needNewNotice)},
		{From: StatusAwaitingPayment, Action: ActionNoticeIssue, Role: RoleFinance, To: StatusAwaitingPayment, Requires: reqs(needNewNotice), SMS: toApplicant(smsNotice)},
	}
	// Reconcile: wherever a notice may have been paid: before the counter
	// accepted the papers (an e-bill can be paid at once), after 发证 (when
	// it does not wait), after a refusal or expiry.
	for _, s := range []Status{StatusAwaitingPaper, StatusPaperDeficient, StatusAwaitingPayment, StatusPaid, StatusCertified, StatusRejected, StatusExpired} {
		ts = append(ts, Transition{From: s, Action: ActionReconcile, Role: RoleFinance, To: s, Requires: reqs(needStatement)})
	}
	// Deadlines: past them the server ends the application as a clerk may
	// (data/sqlite's RunDeadlines), the applicant texted a reminder first.
	for _, t := range ts {
		if t.Action == ActionPaperExpire || t.Action == ActionPaymentExpire {
			t.Role = RoleDeadline
			ts = append(ts, t)
		}
	}
	// Correction: the bureau reopens an application a decision ended or
	// sent back in error, to where that decision found it.
	for _, s := range []Status{StatusRejected, StatusExpired, StatusBureauRejected} {
		ts = append(ts, Transition{From: s, Action: ActionReopen, Role: RoleBureau, To: s, Undo: true, Requires: reqs(needReasons, needUndoable), SMS: toApplicant(smsReopened)})
	}
	// Withdrawal: the applicant may withdraw, saying why, until the counter
	// accepts the paper materials (a draft needs no reason).
	for _, s := range []Status{StatusUnitReview, StatusUnitRejected, StatusReturnedToApplicant, StatusReturnedToUnit, StatusLiaisonReview,
		StatusBureauReview, StatusBureauRejected, StatusAwaitingPaper, StatusPaperDeficient} {
		ts = append(ts, Transition{From: s, Action: ActionWithdraw, Role: RoleApplicant, To: StatusWithdrawn, Requires: reqs(needWhy)})
	}
	// Claim: the reviewer or clerk whose turn it is takes the application,
	// while it has a step for them to take.
	for _, s := range Statuses {
		for _, r := range []Role{RoleClerk, RoleBureau} {
			if slices.ContainsFunc(ts, func(t Transition) bool { return t.From == s && t.Role == r && t.To != s }) {
				ts = append(ts, Transition{From: s, Action: ActionClaim, Role: r, To: s})
			}
		}
	}
	// Print: which document may be printed by whom in which status.
	prints := []struct {
		doc      Document
		roles    []Role
		statuses []Status
		requires []Requirement
	}{
		{DocForm, []Role{RoleApplicant, RoleClerk, RoleBureau}, []Status{StatusAwaitingPaper, StatusPaperDeficient, StatusAwaitingPayment, StatusPaid}, nil},
		{DocNotice, []Role{RoleClerk}, []Status{StatusPaperDeficient}, nil},
		{DocReceipt, []Role{RoleClerk}, []Status{StatusAwaitingPayment, StatusPaid}, nil},
		{DocPayment, []Role{RoleClerk}, []Status{StatusAwaitingPayment}, reqs(needNoticeArrived)},
		{DocCertificate, []Role{RoleApplicant}, []Status{StatusCertified}, reqs(needCertificateInForce)}, // sealed by the server's key
	}
	for _, p := range prints {
		for _, s := range p.statuses {
			for _, r := range p.roles {
				ts = append(ts, Transition{From: s, Action: ActionPrint, Role: r, To: s, Document: p.doc, Requires: p.requires})
			}
		}
	}
	return ts
}

func reqs(rs ...Requirement) []Requirement { return rs }

// Versioned tells the actions that raise the version and therefore check
// ExpectedVersion: the decisions. A claim or a print is a fact about who
// holds the application or what was handed over, whatever its version.
//
// The finance system's facts (a notice issued, a statement reconciled)
// arrive whenever the bureau's systems deliver them; they keep the version
// too, so a clerk's offline decision is not made stale by them.
func (a Action) Versioned() bool {
	return a != ActionClaim && a != ActionPrint && a != ActionNoticeIssue && a != ActionReconcile
}

// Command is a request to change an application. Only the fields its action
// needs are read.
type Command struct {
	ID              string // command_id: a UUID chosen where the clerk acted
	Action          Action
	ApplicationID   string
	ExpectedVersion int64
	Actor           Actor

	Reasons  []string // 常用原因 picked from the catalogue, all at once
	Note     string
	ReturnTo ReturnTo // liaison_return
	Document Document // print

	Form        *Form             // edit
	Opinion     string            // unit_approve
	Publicity   Publicity         // unit_approve
	Checks      []AttachmentCheck // paper_accept, paper_deficient
	Notice      *PaymentNotice    // notice_issue
	Payment     *Payment          // payment_record, payment_correct
	Certificate *Certificate      // certify
	// Statement is the finance statement's entry for the notice's code
	// (reconcile); nil says no statement holds it after the set days.
	Statement *StatementEntry
}

// Env is what Apply needs from outside: the time and the bureau's calendar.
type Env struct {
	Now      time.Time
	Calendar *Calendar
	// Point finds a liaison point for SMS texts; where it is nil (or finds
	// nothing) the texts name "the chosen liaison point" instead.
	Point func(id string) *LiaisonPoint
	// Reference reads the reference tables an applicant's choices are
	// checked against, where a command is applied on the server; where it
	// is nil (a workstation, which never edits a form) they are not.
	Reference func() (*Reference, error)
	// Finance is the bureau's settings about money; nil reads as
	// DefaultFinance.
	Finance *FinanceSettings
	// Unit finds a unit, whose contact is texted when it must act; where it
	// is nil (a workstation, which queues no SMS) such texts go nowhere.
	Unit func(id string) *Unit
	// Template is the bureau's wording of a message (by MessageKey), where
	// it edited it; nil, or false, is the default wording.
	Template func(key string) (string, bool)
}

func (e Env) point(id string) *LiaisonPoint {
	if e.Point == nil || id == "" {
		return nil
	}
	return e.Point(id)
}

func (e Env) unit(id string) *Unit {
	if e.Unit == nil || id == "" {
		return nil
	}
	return e.Unit(id)
}

func (e Env) template(key, wording string) string {
	if e.Template != nil {
		if t, ok := e.Template(key); ok {
			return t
		}
	}
	return wording
}

func (e Env) finance() FinanceSettings {
	if e.Finance == nil {
		return DefaultFinance()
	}
	return *e.Finance
}

// EffectKind is a side effect of an applied command.
type EffectKind string

const (
	EffectSMS  EffectKind = "sms"  // queue Text to Mobile
	EffectSeal EffectKind = "seal" // seal the application form at the new version
)

// Effect is to be carried out where the command is applied, in the same
// transaction when it can be.
type Effect struct {
	Kind          EffectKind
	ApplicationID string
	Version       int64
	Party         Party // whom an SMS is for
	Mobile        string
	Text          string
	Params        []SMSParam // its template's placeholders, filled
	Template      string     // the SMS's MessageKey; SMS services map it to a registered template
	DedupeKey     string     // command ID and kind, so delivery retries stay single
}

// Outcome is an applied command: the new application, its audit event and
// the side effects.
type Outcome struct {
	Application Application
	Event       AuditEvent
	Effects     []Effect
}

// Actions lists the commands actor may apply to app now under env, for
// buttons: the rows of its status and role whose state requirements hold.
// Rows that only differ by ReturnTo or Document appear once per variant.
func Actions(app *Application, actor Actor, env Env) []Transition {
	if app == nil || !inScope(app, actor) {
		return nil
	}
	var out []Transition
	for _, t := range Transitions {
		if t.From == app.Status && t.Role == actor.Role && !slices.ContainsFunc(t.Requires, func(r Requirement) bool {
			return r.State && r.Check(app, &Command{Action: t.Action}, env) != nil
		}) {
			out = append(out, t)
		}
	}
	return out
}

// inScope reports whether actor may act on app at all.
func inScope(app *Application, actor Actor) bool {
	switch actor.Role {
	case RoleApplicant:
		return actor.ID != "" && app.ApplicantID == actor.ID
	case RoleUnit:
		return actor.UnitID != "" && app.UnitID == actor.UnitID
	case RoleClerk:
		return actor.LiaisonPointID != "" && app.LiaisonPointID == actor.LiaisonPointID
	case RoleBureau, RoleFinance, RoleDeadline:
		return true
	}
	return false
}

// rolesFor is the set of roles that appear with action anywhere in the
// table.
func rolesFor(action Action) map[Role]bool {
	roles := map[Role]bool{}
	for _, t := range Transitions {
		if t.Action == action {
			roles[t.Role] = true
		}
	}
	return roles
}

// Apply applies cmd to app under env and returns the outcome, or an *Error:
// ENOTFOUND for a missing application, EFORBIDDEN when the actor's role
// never issues the action or the application is outside the actor's scope,
// ECONFLICT when ExpectedVersion is stale, EINVALID when the action does not
// apply in the current status or the command lacks what it requires. app is
// not modified.
func Apply(app *Application, cmd Command, env Env) (Outcome, error) {
	if app == nil || (cmd.ApplicationID != "" && cmd.ApplicationID != app.ID) {
		return Outcome{}, Errorf(ENOTFOUND, "找不到该申请")
	}
	roles := rolesFor(cmd.Action)
	if len(roles) == 0 {
		return Outcome{}, Errorf(EINVALID, "未知的操作“%s”", cmd.Action)
	}
	if !roles[cmd.Actor.Role] {
		return Outcome{}, Errorf(EFORBIDDEN, "%s无权执行“%s”", roleOrUnknown(cmd.Actor.Role), cmd.Action.Label())
	}
	if !inScope(app, cmd.Actor) {
		return Outcome{}, Errorf(EFORBIDDEN, "申请 %s 不在您的办理范围内", app.No)
	}
	if cmd.Action.Versioned() && cmd.ExpectedVersion != app.Version {
		return Outcome{}, Errorf(ECONFLICT, "申请 %s 已被他人处理（当前为“%s”），请看过最新情况后再办理", app.No, app.Status.Label())
	}
	t, err := findTransition(app, &cmd)
	if err != nil {
		return Outcome{}, err
	}
	// What people type travels to papers and screens: no hidden characters.
	if err := CheckText("说明", cmd.Note, NoteLength); err != nil {
		return Outcome{}, err
	}
	for _, r := range cmd.Reasons {
		if err := CheckText("原因", r, FieldLength*2); err != nil {
			return Outcome{}, err
		}
	}

	next := app.clone()
	updateRecord(&next, &cmd)
	for _, r := range t.Requires {
		if err := r.Check(&next, &cmd, env); err != nil {
			return Outcome{}, err
		}
	}
	now := env.Now.UTC()
	to := t.To
	if t.Undo {
		to = undoneDecision(app).From
	}
	if t.Action.Versioned() {
		next.Version++
		next.UpdatedAt = now
		next.Decisions = append(next.Decisions, Decision{
			Action: t.Action, From: t.From, To: to, ActorID: cmd.Actor.ID, ActorName: cmd.Actor.Name,
			Role: cmd.Actor.Role, Reasons: slices.Clone(cmd.Reasons), Note: cmd.Note, At: now,
		})
	}
	switch {
	case t.Action == ActionClaim:
		next.AssigneeID, next.AssigneeName = cmd.Actor.ID, cmd.Actor.Name
	case to != t.From:
		next.Status = to
		// The holder keeps the application only while it is still his turn.
		if !slices.ContainsFunc(Transitions, func(x Transition) bool {
			return x.From == to && x.Role == cmd.Actor.Role && x.Action == ActionClaim
		}) {
			next.AssigneeID, next.AssigneeName = "", ""
		}
	}
	if err := stamp(&next, t, &cmd, env); err != nil {
		return Outcome{}, err
	}

	out := Outcome{Application: next, Event: newEvent(app, &next, &cmd, now)}
	if t.SMS.Template != "" {
		e := Effect{Kind: EffectSMS, ApplicationID: next.ID, Version: next.Version, Party: t.SMS.To, Mobile: next.Mobile,
			Template: t.MessageKey(), DedupeKey: cmd.ID + "/sms"}
		if t.SMS.To == PartyUnit {
			e.Mobile = ""
			if u := env.unit(next.UnitID); u != nil {
				e.Mobile = u.ContactMobile
			}
		}
		e.Text, e.Params = SMSText(env.template(t.MessageKey(), t.SMS.Template), &next, &cmd, env)
		out.Effects = append(out.Effects, e)
	}
	if t.Seal {
		out.Effects = append(out.Effects, Effect{Kind: EffectSeal, ApplicationID: next.ID, Version: next.Version, DedupeKey: cmd.ID + "/seal"})
	}
	return out, nil
}

func roleOrUnknown(r Role) string {
	if l := r.Label(); l != "" {
		return l
	}
	return "未知角色"
}

// findTransition picks the row for the application's status, or explains
// why there is none.
func findTransition(app *Application, cmd *Command) (*Transition, error) {
	found := false
	for i := range Transitions {
		t := &Transitions[i]
		if t.From != app.Status || t.Action != cmd.Action || t.Role != cmd.Actor.Role {
			continue
		}
		found = true
		if t.ReturnTo == cmd.ReturnTo && t.Document == cmd.Document {
			return t, nil
		}
	}
	switch {
	case found && cmd.Action == ActionLiaisonReturn:
		return nil, Errorf(EINVALID, "请选择退回给申报人还是用人单位")
	case found && cmd.Action == ActionPrint:
		return nil, Errorf(EINVALID, "当前状态下不能打印%s", orDefault(cmd.Document.Label(), "该文书"))
	}
	return nil, Errorf(EINVALID, "申请 %s 当前状态为“%s”，不能%s", app.No, app.Status.Label(), cmd.Action.Label())
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// updateRecord copies the command's data into the application before the
// requirements look at it.
func updateRecord(a *Application, c *Command) {
	switch c.Action {
	case ActionEdit:
		if c.Form != nil {
			f := *c.Form
			// The applicant and scope cannot be moved by an edit.
			f.ApplicantID, f.UnitID = a.ApplicantID, a.UnitID
			f.Attachments = slices.Clone(f.Attachments)
			a.Form = f
		}
	case ActionUnitApprove:
		a.UnitOpinion, a.Publicity = c.Opinion, c.Publicity
	case ActionUnitReject:
		a.UnitOpinion = c.Note
	case ActionPaperAccept, ActionPaperDeficient:
		for _, ch := range c.Checks {
			for i := range a.Attachments {
				if a.Attachments[i].ID == ch.AttachmentID {
					a.Attachments[i].Check, a.Attachments[i].CheckNote = ch.Check, ch.Note
				}
			}
		}
	case ActionPaymentRecord, ActionPaymentCorrect:
		if c.Payment != nil {
			p := *c.Payment
			p.ReceiptNo = NormalizeRef(p.ReceiptNo)
			if prev := a.Payment; prev != nil { // a correction keeps who recorded it and when
				p.RecordedAt, p.RecordedBy, p.RecordedByID = prev.RecordedAt, prev.RecordedBy, prev.RecordedByID
				if p.ProofSHA256 == "" {
					p.ProofSHA256 = prev.ProofSHA256
				}
			}
			a.Payment = &p
		}
	case ActionCertify:
		if c.Certificate != nil {
			cert := *c.Certificate
			a.Certificate = &cert
		}
	}
}

// stamp sets the times and deadlines that follow from the transition; a
// deadline the calendar cannot count fails it.
func stamp(a *Application, t *Transition, c *Command, env Env) error {
	now := env.Now.UTC()
	if (t.From == StatusPaperDeficient || t.From == StatusAwaitingPaper) && t.To != t.From && t.To != StatusExpired {
		a.SupplementDeadline = time.Time{} // the papers came (an expired one keeps the deadline it missed)
	}
	switch t.Action {
	case ActionSubmit:
		a.SubmittedAt = now
	case ActionUnitApprove, ActionUnitReject, ActionLiaisonPass, ActionLiaisonReturn, ActionBureauReject:
		a.ReviewedAt = now
	case ActionPaperDeficient:
		deadline, err := SupplementDeadline(env.Calendar, env.Now)
		if err != nil {
			return err
		}
		a.SupplementDeadline = deadline.UTC()
	case ActionReopen:
		// Back at the counter, the applicant gets a deadline anew: the one
		// the error ended has passed.
		if a.Status == StatusAwaitingPaper || a.Status == StatusPaperDeficient {
			deadline, err := SupplementDeadline(env.Calendar, env.Now)
			if err != nil {
				return err
			}
			a.SupplementDeadline = deadline.UTC()
		}
	case ActionBureauPass:
		a.ReviewedAt = now
		// The paper materials are due within the bureau's working days.
		if days := env.finance().PaperDays; days > 0 {
			deadline, err := env.Calendar.AddWorkingDays(env.Now, days)
			if err != nil {
				return err
			}
			a.SupplementDeadline = deadline.UTC()
		}
	case ActionNoticeIssue:
		n := *c.Notice
		if n.IssuedAt.IsZero() {
			n.IssuedAt = now
		}
		if n.IssuedBy == "" {
			n.IssuedBy = c.Actor.Name
		}
		a.Notice = &n
	case ActionPaymentRecord:
		a.Payment.RecordedAt, a.Payment.RecordedBy, a.Payment.RecordedByID = now, c.Actor.Name, c.Actor.ID
		rereconcile(a, now)
	case ActionPaymentCorrect:
		a.Payment.CorrectedBy, a.Payment.CorrectedAt = c.Actor.Name, now
		rereconcile(a, now)
	case ActionReconcile:
		r := &Reconciliation{At: now}
		if e := c.Statement; e != nil {
			r.Entry = *e
			// Another entry for the same code: the applicant paid again, or
			// in parts; what was received is their sum.
			if prev := a.Reconciliation; prev != nil && prev.Entry.Ref != "" && prev.Entry.Ref != e.Ref {
				r.Entry.Amount += prev.Entry.Amount
				r.Entry.Ref = prev.Entry.Ref + "、" + e.Ref
				if prev.Entry.PaidAt.After(e.PaidAt) {
					r.Entry.PaidAt = prev.Entry.PaidAt
				}
			}
			r.Outcome = reconcile(a, &r.Entry)
		} else {
			r.Outcome = reconcile(a, nil)
		}
		a.Reconciliation = r
	case ActionRefund:
		a.Refund = &Refund{Amount: a.Payment.Amount, Reason: strings.Join(append(slices.Clone(c.Reasons), c.Note), "；"),
			ApprovedBy: c.Actor.Name, ApprovedAt: now, PaymentBy: a.Payment.RecordedByID}
		a.Refund.Reason = strings.TrimSuffix(a.Refund.Reason, "；")
	case ActionCertify:
		if a.Certificate.IssuedAt.IsZero() {
			a.Certificate.IssuedAt = now
		}
	case ActionCertificateRevoke:
		cert := *a.Certificate
		cert.RevokedAt, cert.RevokedWhy = now, strings.TrimSuffix(strings.Join(append(slices.Clone(c.Reasons), c.Note), "；"), "；")
		a.Certificate = &cert
	}
	return nil
}

// rereconcile compares a changed payment with the statement entry already
// received for its notice.
func rereconcile(a *Application, now time.Time) {
	if r := a.Reconciliation; r != nil && r.Entry.Ref != "" {
		e := r.Entry
		a.Reconciliation = &Reconciliation{Outcome: reconcile(a, &e), Entry: e, At: now}
	}
}

// PaymentLookback is how far back a payment date may lie: a receipt older
// than a year is a typing mistake or someone else's.
const PaymentLookback = 1

// paidOn checks the payment date a clerk typed against the day the command
// is made (the server's, see DESIGN.md section 4) and the notice it pays.
func paidOn(paid time.Time, n *PaymentNotice, now time.Time) error {
	switch {
	case paid.IsZero():
		return Errorf(EINVALID, "请填写缴费日期")
	case dayKey(paid) > dayKey(now):
		return Errorf(EINVALID, "缴费日期 %s 晚于今天（%s），请按票据核对", paid.In(Shanghai).Format(time.DateOnly), now.In(Shanghai).Format(time.DateOnly))
	case dayKey(paid) < dayKey(now.AddDate(-PaymentLookback, 0, 0)):
		return Errorf(EINVALID, "缴费日期 %s 早于一年前，请按票据核对", paid.In(Shanghai).Format(time.DateOnly))
	case n != nil && !n.IssuedAt.IsZero() && dayKey(paid) < dayKey(n.IssuedAt):
		return Errorf(EINVALID, "缴费日期 %s 早于缴款通知书开具日期 %s，请核对", paid.In(Shanghai).Format(time.DateOnly), n.IssuedAt.In(Shanghai).Format(time.DateOnly))
	}
	return nil
}

// SupplementWorkingDays is the time an applicant has to supplement paper
// materials after the one-time notice (一次性告知).
const SupplementWorkingDays = 5

// SupplementDeadline is the last day to supplement papers listed at from.
func SupplementDeadline(cal *Calendar, from time.Time) (time.Time, error) {
	return cal.AddWorkingDays(from, SupplementWorkingDays)
}

// PublicityWorkingDays is the minimum length of the unit's publicity (公示);
// PublicityLongest the longest a publicity may sensibly run, and how long
// before the online application it may have started (units often publicise
// their candidates first).
const (
	PublicityWorkingDays = 5
	PublicityLongest     = 60 * 24 * time.Hour
)

// MaxAttachments bounds the scans of one application: ten kinds of
// material, a few pages each.
const MaxAttachments = 40

// withReference runs check with the reference tables where env has them.
func withReference(env Env, check func(*Reference) error) error {
	if env.Reference == nil {
		return nil
	}
	r, err := env.Reference()
	if err != nil {
		return err
	}
	return check(r)
}

// clone copies the application deeply enough that Apply never aliases the
// caller's slices or pointers.
func (a *Application) clone() Application {
	c := *a
	c.Attachments = slices.Clone(a.Attachments)
	c.Decisions = slices.Clone(a.Decisions)
	if a.Notice != nil {
		n := *a.Notice
		c.Notice = &n
	}
	if a.Payment != nil {
		p := *a.Payment
		c.Payment = &p
	}
	if a.Reconciliation != nil {
		r := *a.Reconciliation
		c.Reconciliation = &r
	}
	if a.Refund != nil {
		r := *a.Refund
		c.Refund = &r
	}
	if a.Certificate != nil {
		cert := *a.Certificate
		c.Certificate = &cert
	}
	return c
}

var (
	needForm = Requirement{Name: "form", Check: func(a *Application, c *Command, env Env) error {
		if c.Form == nil {
			return Errorf(EINVALID, "修改内容为空")
		}
		if len(a.Attachments) > MaxAttachments {
			return Errorf(EINVALID, "每件申请最多 %d 份材料，请删去重复或无关的文件后再上传", MaxAttachments)
		}
		return withReference(env, func(r *Reference) error { return r.CheckForm(&a.Form) })
	}}
	needValidForm = Requirement{Name: "valid form", Check: func(a *Application, _ *Command, env Env) error {
		if err := a.Form.Validate(); err != nil {
			return err
		}
		err := withReference(env, func(r *Reference) error {
			if err := r.CheckForm(&a.Form); err != nil {
				return err
			}
			if m := r.Missing(a); len(m) > 0 {
				return Errorf(EINVALID, "还缺少以下申报材料，请上传后再送审：%s", strings.Join(m, "、"))
			}
			return nil
		})
		if err == nil && len(a.Attachments) == 0 {
			err = Errorf(EINVALID, "请先上传申报材料再送审")
		}
		// A point the bureau closed takes no new applications.
		if p := env.point(a.LiaisonPointID); err == nil && p != nil && !p.Active {
			err = Errorf(EINVALID, "人才联络点“%s”已停止受理，请改选其他联络点后再送审", p.Name)
		}
		return err
	}}
	needReasons = Requirement{Name: "reasons", Check: func(_ *Application, c *Command, _ Env) error {
		switch {
		case len(c.Reasons) > 0:
			return nil
		case allReasonsAtOnce[c.Action]:
			return Errorf(EINVALID, "请选择至少一条原因，并一次性列出全部原因")
		}
		return Errorf(EINVALID, "请选择至少一条“%s”的原因", c.Action.Label())
	}}
	needUndoable = Requirement{Name: "undoable", State: true, Check: func(a *Application, _ *Command, _ Env) error {
		// Not 逾期未缴费: the notice's 缴款期限 has passed, and only the
		// finance system can give a new one.
		if d := undoneDecision(a); !slices.Contains([]Action{ActionPaperReject, ActionPaperExpire, ActionBureauReject}, d.Action) {
			return Errorf(EINVALID, "申请 %s 的最近一次决定“%s”不能更正恢复", a.No, d.Action.Label())
		}
		return nil
	}}
	needWhy = Requirement{Name: "why", Check: func(_ *Application, c *Command, _ Env) error {
		if strings.TrimSpace(c.Note) == "" {
			return Errorf(EINVALID, "请写明撤回申请的原因")
		}
		return nil
	}}
	needReasonsOrNote = Requirement{Name: "reasons or note", Check: func(_ *Application, c *Command, _ Env) error {
		if len(c.Reasons) == 0 && c.Note == "" {
			return Errorf(EINVALID, "请填写审核不通过的原因")
		}
		return nil
	}}
	needOpinion = Requirement{Name: "opinion", Check: func(a *Application, _ *Command, _ Env) error {
		if a.UnitOpinion == "" {
			return Errorf(EINVALID, "请填写单位审核意见")
		}
		return CheckText("单位审核意见", a.UnitOpinion, NoteLength)
	}}
	needPublicity = Requirement{Name: "publicity", Check: func(a *Application, _ *Command, env Env) error {
		p := a.Publicity
		if p.Start.IsZero() || p.End.IsZero() || p.End.Before(p.Start) {
			return Errorf(EINVALID, "请填写公示起止日期")
		}
		// A mistyped year is told as such, before any working day is counted.
		if p.End.Sub(p.Start) > PublicityLongest {
			return Errorf(EINVALID, "公示期从 %s 到 %s，长于 %d 天，请核对日期", p.Start.In(Shanghai).Format(time.DateOnly), p.End.In(Shanghai).Format(time.DateOnly), int(PublicityLongest.Hours()/24))
		}
		n, err := env.Calendar.WorkingDaysBetween(p.Start.AddDate(0, 0, -1), p.End)
		if err != nil {
			return err
		}
		if n < PublicityWorkingDays {
			return Errorf(EINVALID, "公示期只有%d个工作日，应不少于%d个工作日", n, PublicityWorkingDays)
		}
		if dayKey(p.End) >= dayKey(env.Now) {
			return Errorf(EINVALID, "公示期到 %s 才结束，请公示期满后再审核通过", p.End.In(Shanghai).Format(time.DateOnly))
		}
		if !a.CreatedAt.IsZero() && dayKey(p.Start) < dayKey(a.CreatedAt.Add(-PublicityLongest)) {
			return Errorf(EINVALID, "公示开始日期 %s 比本申请的创建日期 %s 早两个月以上，请核对", p.Start.In(Shanghai).Format(time.DateOnly), a.CreatedAt.In(Shanghai).Format(time.DateOnly))
		}
		return nil
	}}
	needAllChecked = Requirement{Name: "all checked", Check: func(a *Application, _ *Command, _ Env) error {
		for _, at := range a.Attachments {
			if at.Check == CheckNone {
				return Errorf(EINVALID, "还有材料“%s”未核验，请逐项核验后一次性告知", at.Kind)
			}
		}
		return nil
	}}
	// The 一次性告知书 lists the materials marked at the counter, each with
	// its own result and note; reasons from the catalogue are for what no
	// material shows.
	needDeficiency = Requirement{Name: "a deficiency", Check: func(a *Application, c *Command, _ Env) error {
		for _, at := range a.Attachments {
			if at.Check == CheckMismatch || at.Check == CheckMissing {
				return nil
			}
		}
		if len(c.Reasons) > 0 {
			return nil
		}
		return Errorf(EINVALID, "请标出不一致或未提供原件的材料，或选择其他原因")
	}}
	needAllMatch = Requirement{Name: "all match", Check: func(a *Application, _ *Command, _ Env) error {
		for _, at := range a.Attachments {
			if at.Check != CheckMatch {
				return Errorf(EINVALID, "材料“%s”核验结果为“%s”，全部一致才能受理", at.Kind, at.Check.Label())
			}
		}
		return nil
	}}
	needNewNotice = Requirement{Name: "new payment notice", Check: func(a *Application, c *Command, env Env) error {
		n := c.Notice
		switch {
		case a.Notice != nil:
			return Errorf(ECONFLICT, "申请 %s 已有缴款通知书 %s，不能重复开具", a.No, a.Notice.No)
		case n == nil || strings.TrimSpace(n.No) == "" || strings.TrimSpace(n.PayCode) == "":
			return Errorf(EINVALID, "缴款通知书缺少编号或缴款码")
		case n.Amount <= 0:
			return Errorf(EINVALID, "缴款通知书金额无效")
		case n.PayURL != "" && (!strings.HasPrefix(n.PayURL, "https://") || len(n.PayURL) > 500):
			return Errorf(EINVALID, "缴费链接应为 https:// 开头、不超过 500 个字符的网址")
		case dayKey(n.IssuedAt) > dayKey(env.Now):
			return Errorf(EINVALID, "缴款通知书开具日期 %s 晚于今天，请核对", n.IssuedAt.In(Shanghai).Format(time.DateOnly))
		case !n.Due.IsZero() && dayKey(n.Due) < dayKey(env.Now):
			return Errorf(EINVALID, "缴款期限 %s 已过，请由非税系统重新开具", n.Due.In(Shanghai).Format(time.DateOnly))
		}
		for _, t := range [][2]string{{"缴款通知书编号", n.No}, {"缴款码", n.PayCode}, {"收款单位", n.Payee}, {"缴费链接", n.PayURL}} {
			if err := CheckText(t[0], t[1], 500); err != nil {
				return err
			}
		}
		return withReference(env, func(r *Reference) error {
			if fee, ok := r.Fees[a.Level]; ok && fee != n.Amount {
				return Errorf(EINVALID, "缴款通知书金额 %s 元与收费标准（%s %s 元）不符", n.Amount, a.Level, fee)
			}
			return nil
		})
	}}
	needNoticeArrived = Requirement{Name: "notice arrived", State: true, Check: func(a *Application, _ *Command, _ Env) error {
		if a.Notice == nil {
			return Errorf(EINVALID, "市局非税系统尚未开具申请 %s 的缴款通知书；开具后会同步到本机，并短信通知申请人", a.No)
		}
		return nil
	}}
	needStatement = Requirement{Name: "statement", Check: func(a *Application, c *Command, env Env) error {
		e := c.Statement
		switch {
		case a.Notice == nil:
			return Errorf(EINVALID, "申请 %s 没有缴款通知书，无从对账", a.No)
		case e == nil && !Unreceived(a, env.Now, env.finance().UnreceivedDays):
			return Errorf(EINVALID, "申请 %s 的缴费登记未满 %d 天，尚不能判定未到账", a.No, env.finance().UnreceivedDays)
		case e == nil:
			return nil
		case e.PayCode != a.Notice.PayCode:
			return Errorf(EINVALID, "对账记录的缴款码 %s 与申请 %s 的缴款码 %s 不符", e.PayCode, a.No, a.Notice.PayCode)
		case e.Amount <= 0 || e.Ref == "" || e.PaidAt.IsZero():
			return Errorf(EINVALID, "对账记录缺少金额、流水号或缴款时间")
		case dayKey(e.PaidAt) > dayKey(env.Now):
			return Errorf(EINVALID, "对账记录的缴款时间 %s 晚于今天，请核对对账单", e.PaidAt.In(Shanghai).Format(time.DateOnly))
		}
		return nil
	}}
	needReconciled = Requirement{Name: "reconciled", State: true, Check: func(a *Application, _ *Command, env Env) error {
		if !env.finance().RequireReconciled {
			return nil
		}
		if r := a.Reconciliation; r == nil || r.Outcome != Matched {
			o := ReconcileOutcome("")
			if r != nil {
				o = r.Outcome
			}
			return Errorf(EINVALID, "申请 %s 的缴费对账结果为“%s”，对账一致后才能发证", a.No, o.Label())
		}
		return nil
	}}
	needDeadlinePassed = Requirement{Name: "deadline passed", State: true, Check: func(a *Application, _ *Command, env Env) error {
		if a.SupplementDeadline.IsZero() || dayKey(env.Now) <= dayKey(a.SupplementDeadline) {
			return Errorf(EINVALID, "递交纸质材料的期限到 %s 为止，期满后才能逾期退件", a.SupplementDeadline.In(Shanghai).Format(time.DateOnly))
		}
		return nil
	}}
	needNoticeOverdue = Requirement{Name: "notice overdue", State: true, Check: func(a *Application, _ *Command, env Env) error {
		if a.Notice == nil || a.Notice.Due.IsZero() || dayKey(env.Now) <= dayKey(a.Notice.Due) {
			return Errorf(EINVALID, "缴款期限未过，不能按逾期未缴费办结")
		}
		return nil
	}}
	needPayment = Requirement{Name: "payment", Check: func(a *Application, c *Command, env Env) error {
		switch {
		case c.Payment == nil || c.Payment.Amount <= 0:
			return Errorf(EINVALID, "请填写缴费金额")
		case c.Payment.Amount != a.Notice.Amount:
			return Errorf(EINVALID, "缴费金额 %s 元与缴款通知书金额 %s 元不一致", c.Payment.Amount, a.Notice.Amount)
		}
		ch, ok := ChannelNamed(c.Payment.Channel)
		if !ok {
			names := make([]string, len(PaymentChannels))
			for i, c := range PaymentChannels {
				names[i] = c.Name
			}
			return Errorf(EINVALID, "请选择缴费方式（%s）", strings.Join(names, "、"))
		}
		if err := ch.CheckRef(NormalizeRef(c.Payment.ReceiptNo)); err != nil {
			return err
		}
		return paidOn(c.Payment.PaidAt, a.Notice, env.Now)
	}}
	// A blank number is the server's to give (CertificatePattern), when it
	// applies the command.
	needCertificateInForce = Requirement{Name: "certificate in force", State: true, Check: func(a *Application, _ *Command, _ Env) error {
		if a.Certificate == nil || !a.Certificate.RevokedAt.IsZero() {
			return Errorf(EINVALID, "申请 %s 的证书已撤销或不存在", a.No)
		}
		return nil
	}}
	needCertificate = Requirement{Name: "certificate", Check: func(_ *Application, c *Command, _ Env) error {
		if c.Certificate == nil {
			return Errorf(EINVALID, "请填写发证日期")
		}
		return CheckText("证书编号", c.Certificate.No, 40)
	}}
)
