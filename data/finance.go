package data

import (
	"regexp"
	"strings"
	"time"
)

// PaymentFlow is how a deployment collects the fee; the bureau chooses one
// (DESIGN.md section 4: payment notices come from the bureau).
type PaymentFlow string

const (
	// FlowNotice is the guide's flow: the 东莞市非税收入缴款通知书, then the
	// third copy of the 非税收入票据 or a payment screenshot at the counter.
	FlowNotice PaymentFlow = "notice"
	// FlowEBill is Guangdong's since October 2022: the 电子非税收入一般缴款书
	// is the notice and, once paid, the e-receipt; nothing paper comes back.
	FlowEBill PaymentFlow = "ebill"
)

// FinanceSettings are the bureau's choices about money; the server keeps
// them and every desk receives them by sync.
type FinanceSettings struct {
	Flow  PaymentFlow
	Payee string // 收款单位 printed when a notice names none
	Item  string // 收费项目
	// RequireReconciled makes 发证 wait until the payment is 已对账.
	RequireReconciled bool
	// UnreceivedDays: a payment recorded at the counter that no statement
	// holds this many days later is 未到账.
	UnreceivedDays int
	// PaperDays is how many working days after 复审 passes the paper
	// materials are due at the counter (the guide's 规定时间内); after it
	// the application is 逾期退件. 0: no deadline.
	PaperDays int
}

// DefaultFinance is what a new server starts with.
func DefaultFinance() FinanceSettings {
	return FinanceSettings{Flow: FlowNotice, Payee: "东莞市人力资源局", Item: "专业技术资格考核认定费", RequireReconciled: true, UnreceivedDays: 3, PaperDays: 20}
}

// Check refuses settings that cannot work.
func (f FinanceSettings) Check() error {
	switch {
	case f.Flow != FlowNotice && f.Flow != FlowEBill:
		return Errorf(EINVALID, "缴费方式“%s”无效：应为 notice（缴款通知书+票据）或 ebill（电子缴款书）", f.Flow)
	case strings.TrimSpace(f.Payee) == "" || strings.TrimSpace(f.Item) == "":
		return Errorf(EINVALID, "请填写收款单位和收费项目")
	case f.UnreceivedDays < 1 || f.UnreceivedDays > 60:
		return Errorf(EINVALID, "未到账判定天数应在 1 到 60 天之间")
	case f.PaperDays < 0 || f.PaperDays > 120:
		return Errorf(EINVALID, "递交纸质材料的期限应在 0（不设）到 120 个工作日之间")
	}
	return CheckText("收款单位", f.Payee, FieldLength)
}

// Channel is a way to pay and the reference it leaves: the clerk types the
// reference from the applicant's receipt or screenshot.
type Channel struct {
	Name     string // 微信, 银行柜台, 网上缴费, 其他
	RefLabel string // what the reference is called on the proof
	Hint     string // where to find it and what it looks like
	pattern  *regexp.Regexp
}

// PaymentChannels are the ways to pay, in the order the counter offers them.
var PaymentChannels = []Channel{
	{"微信", "微信支付交易单号", "28位数字，在微信支付“账单详情”的“交易单号”中", regexp.MustCompile(`^\d{28}$`)},
	{"银行柜台", "票据号", "《广东省非税收入(电子)票据》上的票据号码，8至20位数字或字母", regexp.MustCompile(`^[0-9A-Z]{8,20}$`)},
	{"网上缴费", "支付流水号", "支付平台缴费记录中的交易流水号，8至32位数字或字母", regexp.MustCompile(`^[0-9A-Z]{8,32}$`)},
	{"其他", "凭证号", "缴费凭证上的编号，4至32位数字、字母或“-”", regexp.MustCompile(`^[0-9A-Z-]{4,32}$`)},
}

// ChannelNamed finds a way to pay by its name.
func ChannelNamed(name string) (Channel, bool) {
	for _, c := range PaymentChannels {
		if c.Name == name {
			return c, true
		}
	}
	return Channel{}, false
}

// NormalizeRef is a reference as stored: no spaces, upper case.
func NormalizeRef(ref string) string {
	return strings.ToUpper(strings.Join(strings.Fields(ref), ""))
}

// CheckRef refuses a reference that cannot be the channel's.
func (c Channel) CheckRef(ref string) error {
	if ref == "" {
		return Errorf(EINVALID, "请填写%s（%s）", c.RefLabel, c.Hint)
	}
	if !c.pattern.MatchString(ref) {
		return Errorf(EINVALID, "%s“%s”格式不对：应为%s", c.RefLabel, clip(ref), c.Hint)
	}
	return nil
}

// ReconcileOutcome is what the finance platform's statement (对账单) says
// about an application's payment.
type ReconcileOutcome string

const (
	Matched        ReconcileOutcome = "matched"         // 已对账: code and amount match
	AmountMismatch ReconcileOutcome = "amount_mismatch" // 金额不符
	NotReceived    ReconcileOutcome = "not_received"    // 未到账: recorded, in no statement after the set days
	Unrecorded     ReconcileOutcome = "unrecorded"      // 无登记: received, not recorded at the counter
)

var reconcileLabels = map[ReconcileOutcome]string{
	Matched: "已对账", AmountMismatch: "金额不符", NotReceived: "未到账", Unrecorded: "已到账未登记",
}

// Label is the outcome's Chinese name; "" (not reconciled yet) is 待对账.
func (o ReconcileOutcome) Label() string {
	if o == "" {
		return "待对账"
	}
	return reconcileLabels[o]
}

// Received reports whether the money is in the bureau's account.
func (o ReconcileOutcome) Received() bool {
	return o == Matched || o == Unrecorded || o == AmountMismatch
}

// StatementEntry is one payment the finance platform received.
type StatementEntry struct {
	PayCode string
	Ref     string // the platform's serial number
	Channel string
	Amount  Fen
	PaidAt  time.Time
}

// Reconciliation is an application's standing against the statements.
type Reconciliation struct {
	Outcome ReconcileOutcome
	// The statement's entry for the notice's code; zero when none.
	Entry StatementEntry
	At    time.Time // when the server reconciled
}

// reconcile compares the entry with the application's notice and payment.
func reconcile(a *Application, e *StatementEntry) ReconcileOutcome {
	switch {
	case e == nil:
		return NotReceived
	case a.Notice != nil && e.Amount != a.Notice.Amount, a.Payment != nil && e.Amount != a.Payment.Amount:
		return AmountMismatch
	case a.Payment == nil:
		return Unrecorded
	}
	return Matched
}

// Unreceived reports whether a's payment is overdue in the statements: it
// was recorded days or more ago (Shanghai days) and none holds it.
func Unreceived(a *Application, now time.Time, days int) bool {
	if a.Payment == nil || (a.Reconciliation != nil && a.Reconciliation.Entry.Ref != "") {
		return false
	}
	return !Midnight(a.Payment.RecordedAt).AddDate(0, 0, days).After(Midnight(now))
}

// Refund is the fee paid back for an application refused after payment.
type Refund struct {
	Amount     Fen
	Reason     string
	ApprovedBy string // the bureau reviewer
	ApprovedAt time.Time
	// PaymentBy is the clerk who recorded the payment refunded: the refund
	// shows in that clerk's settlement.
	PaymentBy string
}
