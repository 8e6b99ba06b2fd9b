package data

import "time"

// Role is what a person may do. Admin manages reference data, clerks and
// devices on the server; it has no row in the state machine.
type Role string

const (
	RoleApplicant Role = "applicant" // 申报人
	RoleUnit      Role = "unit"      // 用人单位
	RoleClerk     Role = "clerk"     // 人才联络点经办人
	RoleBureau    Role = "bureau"    // 市局复审人员
	RoleAdmin     Role = "admin"     // 系统管理员
	// RoleFinance is the bureau's non-tax revenue system as it acts on the
	// server (issuing notices, reconciling); no person logs in with it.
	RoleFinance Role = "finance" // 非税收入系统
	// RoleDeadline is the server acting when a deadline has passed: it
	// ends an application whose paper materials or payment did not come in
	// time (data/sqlite's RunDeadlines); no person logs in with it.
	RoleDeadline Role = "deadline" // 系统（期限届满）
)

var roleLabels = map[Role]string{
	RoleApplicant: "申报人", RoleUnit: "用人单位", RoleClerk: "联络点经办人", RoleBureau: "市局审核人员", RoleAdmin: "系统管理员", RoleFinance: "非税收入系统",
	RoleDeadline: "系统（期限届满）",
}

// Label is the role's Chinese name.
func (r Role) Label() string { return roleLabels[r] }

// Actor is who issues a command. Scope fields say on which applications
// the actor may act: a clerk on those of his liaison point, a unit user on
// its unit's, an applicant on his own; bureau reviewers on all.
type Actor struct {
	ID             string
	Name           string
	Role           Role
	LiaisonPointID string // clerks
	UnitID         string // unit users
}

// Method is the application method (申请方式).
type Method string

const (
	MethodAssessment Method = "assessment" // 考核认定
	MethodReview     Method = "review"     // 评审
)

var methodLabels = map[Method]string{MethodAssessment: "考核认定", MethodReview: "评审"}

// Label is the method's Chinese name.
func (m Method) Label() string { return methodLabels[m] }

// Form is what the applicant fills in and may change while the
// application is with him (the edit command replaces it).
type Form struct {
	Series         string // 系列, e.g. 工程技术人员
	Qualification  string // 资格, e.g. 电力工程电气助理工程师
	Level          string // 申报级别: 员级, 助理级, 中级
	Method         Method
	LiaisonPointID string // 人才联络点

	ApplicantID string
	Name        string
	IDNumber    string // 居民身份证号
	Mobile      string
	Education   string // 学历
	Major       string // 所学专业
	// WorkingYears is 从事专业技术工作年限, which the first review checks.
	WorkingYears int

	UnitID         string
	UnitName       string
	UnitCreditCode string // 统一社会信用代码

	Attachments []Attachment
}

// Validate checks the form as it must be before it can be sent for review.
func (f *Form) Validate() error {
	for _, req := range []struct{ value, label string }{
		{f.Series, "系列"}, {f.Qualification, "资格"}, {f.Level, "申报级别"}, {f.LiaisonPointID, "人才联络点"},
		{f.Name, "姓名"}, {f.UnitName, "单位名称"},
	} {
		if req.value == "" {
			return Errorf(EINVALID, "请填写%s", req.label)
		}
	}
	if methodLabels[f.Method] == "" {
		return Errorf(EINVALID, "请选择申请方式（考核认定或评审）")
	}
	if err := ValidateIDNumber(f.IDNumber); err != nil {
		return err
	}
	if err := ValidateMobile(f.Mobile); err != nil {
		return err
	}
	if err := ValidateCreditCode(f.UnitCreditCode); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, a := range f.Attachments {
		if a.ID == "" || seen[a.ID] {
			return Errorf(EINVALID, "材料“%s”缺少编号或编号重复", a.Kind)
		}
		seen[a.ID] = true
		if a.Kind == "" || len(a.SHA256) != 64 {
			return Errorf(EINVALID, "材料“%s”的类别或文件不完整，请重新上传", a.FileName)
		}
	}
	return nil
}

// MaterialKinds are the material categories (材料类别) of REFERENCE.md;
// which are required per level is configured by the bureau.
var MaterialKinds = []string{
	"居民身份证", "学历证书", "学位证书", "学历验证报告", "劳动合同或聘用证明", "社会保险缴费证明",
	"专业技术工作经历（业绩）材料", "继续教育证明", "单位审核意见及公示结果", "近期免冠照片",
}

// Attachment is one uploaded scan, content-addressed by SHA256, with the
// counter clerk's check of the paper original against it.
type Attachment struct {
	ID       string
	Kind     string // one of MaterialKinds, or a bureau-configured kind
	FileName string
	SHA256   string // hex; names the blob
	// DisplaySHA256 names a display-size rendition of a large scan
	// (blobstore.CheckScan), shown in browsers and on desks; "" when the
	// original is no larger.
	DisplaySHA256 string
	Size          int64
	ContentType   string // image/jpeg or image/png
	Check         Check
	CheckNote     string
}

// Check is the counter verification of one paper original (现场核验).
type Check string

const (
	CheckNone     Check = ""         // not yet checked
	CheckMatch    Check = "match"    // 一致
	CheckMismatch Check = "mismatch" // 不一致
	CheckMissing  Check = "missing"  // 未提供原件
)

var checkLabels = map[Check]string{CheckNone: "未核验", CheckMatch: "一致", CheckMismatch: "不一致", CheckMissing: "未提供原件"}

// Label is the check's Chinese name.
func (c Check) Label() string { return checkLabels[c] }

// AttachmentCheck is one check carried by a counter command.
type AttachmentCheck struct {
	AttachmentID string
	Check        Check
	Note         string
}

// ReturnTo says whom liaison_return sends the application back to.
type ReturnTo string

const (
	ReturnToApplicant ReturnTo = "applicant"
	ReturnToUnit      ReturnTo = "unit"
)

// Document is a kind of printed document; the letters are the QR seal's
// kind (DESIGN.md section 5).
type Document string

const (
	DocForm    Document = "F" // 申报表
	DocReceipt Document = "R" // 受理回执
	DocNotice  Document = "D" // 一次性告知书
	DocPayment Document = "N" // 缴款通知书
	// DocCertificate is the 职称证书: the bureau seals it, the applicant
	// downloads it, anyone verifies it (证书查询).
	DocCertificate Document = "C"
)

var documentLabels = map[Document]string{DocForm: "申报表", DocReceipt: "受理回执", DocNotice: "一次性告知书", DocPayment: "缴款通知书",
	DocCertificate: "职称证书"}

// Label is the document's Chinese name.
func (d Document) Label() string { return documentLabels[d] }

// BureauSealed is whether the bureau's key seals the document (the
// application form and the certificate); a workstation's key seals the
// others, and a seal by the wrong kind of key is forged.
func (d Document) BureauSealed() bool { return d == DocForm || d == DocCertificate }

// Publicity is the unit's publicity period (公示), both dates inclusive.
type Publicity struct {
	Start, End time.Time
}

// Decision is one applied command as the application's history shows it.
type Decision struct {
	Action    Action
	From, To  Status
	ActorID   string
	ActorName string
	Role      Role
	Reasons   []string
	Note      string
	At        time.Time
}

// PaymentNotice is the 缴款通知书 the bureau's non-tax revenue system
// issued for the application (notice_issue): its number, payment code and
// payee are the finance system's, the amount the level's fee.
type PaymentNotice struct {
	No       string
	PayCode  string // 缴款码
	Amount   Fen
	Payee    string    // 收款单位
	Due      time.Time // 缴款期限, zero when the platform sets none
	PayURL   string    // the platform's payment link, printed as a QR code
	IssuedAt time.Time
	IssuedBy string // how it arrived: the platform, or who imported it
}

// Payment is the recorded payment: the receipt (票据第三联), the
// screenshot or the e-receipt. ReceiptNo is the channel's reference.
type Payment struct {
	Amount       Fen
	ReceiptNo    string
	Channel      string // a PaymentChannels name
	ProofSHA256  string // photo of the receipt or screenshot, optional
	PaidAt       time.Time
	RecordedAt   time.Time
	RecordedBy   string
	RecordedByID string
	// A bureau reviewer's correction (payment_correct), with its reason in
	// the decision.
	CorrectedBy string
	CorrectedAt time.Time
}

// Certificate is the issued title certificate.
type Certificate struct {
	No       string // 证书编号
	IssuedAt time.Time
	// A certificate the bureau revoked (撤销证书), when and why: 证书查询
	// then answers 已撤销.
	RevokedAt  time.Time
	RevokedWhy string
}

// Application is one application (申请) and its whole workflow state.
type Application struct {
	ID      string // UUID
	No      string // 申请编号
	Version int64  // raised by one by every command that changes the record
	Status  Status
	Form

	UnitOpinion string
	Publicity   Publicity

	AssigneeID   string // a claim, not a lock: offline clerks cannot see each other
	AssigneeName string

	SupplementDeadline time.Time // last day to supplement paper materials (Shanghai midnight)
	Decisions          []Decision
	Notice             *PaymentNotice
	Payment            *Payment
	Reconciliation     *Reconciliation
	Refund             *Refund
	Certificate        *Certificate
	// FormSeal is the QR payload of the 申报表 the bureau sealed at
	// bureau_pass; the form is printable from then on.
	FormSeal string

	CreatedAt   time.Time
	UpdatedAt   time.Time
	SubmittedAt time.Time // 送审时间, last submit
	ReviewedAt  time.Time // 审核时间, last decision by a reviewer (unit, clerk or bureau)
}

// LiaisonPoint is a 人才联络点. Code is short and upper-case; it is part of
// the document numbers its devices issue.
type LiaisonPoint struct {
	ID      string
	Code    string
	Name    string
	Place   string // town or subdistrict
	Address string
	Phone   string
	Active  bool
}

// Unit is an employer (用人单位) registered on the portal.
type Unit struct {
	ID            string
	Name          string
	CreditCode    string
	ContactName   string
	ContactMobile string
	Approved      bool
	RejectReason  string // why the bureau refused the registration; "" while pending
	CreatedAt     time.Time
}

// StatusLabel is where the unit's registration stands.
func (u *Unit) StatusLabel() string {
	switch {
	case u.Approved:
		return "已通过"
	case u.RejectReason != "":
		return "未通过"
	}
	return "待审核"
}

// Validate checks a unit's registration.
func (u *Unit) Validate() error {
	if u.Name == "" {
		return Errorf(EINVALID, "请填写单位名称")
	}
	for _, t := range []struct{ label, value string }{{"单位名称", u.Name}, {"单位联系人", u.ContactName}} {
		if err := CheckText(t.label, t.value, FieldLength); err != nil {
			return err
		}
	}
	if err := ValidateCreditCode(u.CreditCode); err != nil {
		return err
	}
	if u.ContactName == "" {
		return Errorf(EINVALID, "请填写单位联系人")
	}
	return ValidateMobile(u.ContactMobile)
}

// Clerk is a desktop user: a liaison clerk or a bureau reviewer (or an
// admin). Password hashes travel by sync so clerks log in offline.
type Clerk struct {
	ID             string
	Login          string
	Name           string
	Role           Role
	LiaisonPointID string // clerks only
	PasswordHash   string
	Active         bool
}

// Actor is the clerk acting.
func (c *Clerk) Actor() Actor {
	return Actor{ID: c.ID, Name: c.Name, Role: c.Role, LiaisonPointID: c.LiaisonPointID}
}

// ReasonStep is where a common reason (常用原因) is offered.
type ReasonStep string

const (
	StepReview  ReasonStep = "review"  // 初审、复审
	StepCounter ReasonStep = "counter" // 现场核验
)

// Reason is an entry of the common reasons catalogue.
type Reason struct {
	ID     int64
	Step   ReasonStep
	Text   string
	Order  int
	Active bool
}

// Fee is the fee for one level (申报级别) in the fee schedule.
type Fee struct {
	Level  string
	Amount Fen
}

// ApplicationFilter selects applications for a queue or a search. Zero
// fields do not filter.
type ApplicationFilter struct {
	Statuses       []Status
	LiaisonPointID string
	UnitID         string
	ApplicantID    string
	AssigneeID     string
	// Search finds by application number (prefix), identity number (whole
	// or prefix), name (any part) or certificate number (prefix), whichever
	// the text looks like.
	Search string
	// DeadlineBefore keeps applications whose supplement deadline is before
	// it, soonest first.
	DeadlineBefore time.Time
	// Series and Level keep exact matches; SubmittedFrom and SubmittedTo
	// bound the 送审时间 by Shanghai date, both inclusive, zero is open.
	Series, Level              string
	SubmittedFrom, SubmittedTo time.Time
	Offset, Limit              int // Limit 0 means 50
}

// SearchCap bounds how many matches of a search are counted: a search
// typed a few characters in ("2025") may match every application, and
// counting them all would make each keystroke slow. A total above it means
// "more than SearchCap": no clerk reads further down a list of matches than
// this, they type the next character. One character of a name ("陈") is
// counted by walking its queue, about 13 µs for each match counted: 500
// keeps that keystroke within its budget at any size.
const SearchCap = 500

// ApplicationSummary is one row of a queue: enough to show and sort the
// list without loading attachments and history.
type ApplicationSummary struct {
	ID                 string
	No                 string
	Version            int64
	Status             Status
	Series             string
	Qualification      string
	Level              string
	Method             Method
	LiaisonPointID     string
	Name               string
	IDNumber           string // show MaskIDNumber(IDNumber) in lists
	UnitName           string
	AssigneeName       string
	SubmittedAt        time.Time
	ReviewedAt         time.Time
	SupplementDeadline time.Time
	CertificateNo      string // 证书编号, once certified
	CertifiedAt        time.Time
	NoticeAmount       Fen       // the 缴款通知书's, once issued
	NoticeIssuedAt     time.Time // zero until then
}
