package forms

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"titledesk/data"
)

// The six documents. Each is the list of fields it prints; the caller maps
// its domain records onto them. Dates print in Asia/Shanghai.

// ApplicationForm is the 申报表 the applicant prints after the bureau's
// second review, sealed with the bureau key.
type ApplicationForm struct {
	AppNo         string
	Version       int
	Name          string
	Gender        string
	IDNumber      string // printed in full: the clerk checks it against the card
	Mobile        string
	Unit          string
	UnitCode      string // 统一社会信用代码
	Series        string // 系列
	Qualification string // 资格
	Level         string // 申报级别
	LiaisonPoint  string // 人才联络点
	Education     string // 最高学历
	Major         string // 所学专业
	WorkingYears  int    // 从事专业技术工作年限, which the first review checks
	UnitOpinion   string // 单位审核意见
	PublicityFrom time.Time
	PublicityTo   time.Time
	SubmittedAt   time.Time
	ApprovedAt    time.Time // 复审通过
	Materials     []string  // 已上传材料
}

func (a ApplicationForm) sheet() sheet {
	mats := make([][]string, len(a.Materials))
	for i, m := range a.Materials {
		mats[i] = []string{m}
	}
	publicity := ""
	if !a.PublicityFrom.IsZero() {
		publicity = cnDate(a.PublicityFrom) + "至" + cnDate(a.PublicityTo)
	}
	return sheet{
		kind: data.DocForm, appNo: a.AppNo, version: a.Version,
		title:  "专业技术人才职称考核认定申报表",
		number: field{"app_no", "申请编号", a.AppNo, false},
		fields: []field{
			{"name", "姓名", a.Name, false},
			{"gender", "性别", a.Gender, false},
			{"id_number", "身份证号码", a.IDNumber, false},
			{"mobile", "手机号码", a.Mobile, false},
			{"unit", "工作单位", a.Unit, true},
			{"unit_code", "统一社会信用代码", a.UnitCode, false},
			{"liaison_point", "人才联络点", a.LiaisonPoint, false},
			{"series", "系列", a.Series, false},
			{"level", "申报级别", a.Level, false},
			{"qualification", "申报资格", a.Qualification, true},
			{"education", "最高学历", a.Education, false},
			{"major", "所学专业", a.Major, false},
			{"working_years", "从事专业技术工作年限", strconv.Itoa(a.WorkingYears) + " 年", false},
			{"unit_opinion", "单位审核意见", a.UnitOpinion, true},
			{"publicity", "公示期", publicity, true},
			{"submitted_at", "送审时间", cnDate(a.SubmittedAt), false},
			{"approved_at", "复审通过时间", cnDate(a.ApprovedAt), false},
		},
		lists: []list{{key: "materials", label: "已上传材料", cols: []column{{"name", "材料名称", 0.93, false}}, rows: mats}},
		notes: []string{
			"本表由系统根据网上申报信息生成，须与原件及复印件一并递交人才联络点。右上角二维码用于现场核验，涂改无效。",
			"本人承诺所填信息及所交材料真实、准确，如有虚假，愿承担相应责任。",
		},
		signOff: []string{"申报人签字", "日期", "单位（盖章）", "日期"},
	}
}

// ReceivedMaterial is one row of an acceptance receipt.
type ReceivedMaterial struct {
	Name      string
	Originals int // 原件 checked and returned
	Copies    int // 复印件 kept
	Note      string
}

// Receipt is the 受理回执 printed when the paper materials are complete.
type Receipt struct {
	ReceiptNo     string
	AppNo         string
	Version       int
	Name          string
	IDNumber      string // printed masked
	Qualification string
	Level         string
	LiaisonPoint  string
	Materials     []ReceivedMaterial
	Clerk         string
	Date          time.Time
}

func (r Receipt) sheet() sheet {
	rows := make([][]string, len(r.Materials))
	for i, m := range r.Materials {
		rows[i] = []string{m.Name, strconv.Itoa(m.Originals), strconv.Itoa(m.Copies), m.Note}
	}
	return sheet{
		kind: data.DocReceipt, appNo: r.AppNo, version: r.Version,
		title:  "职称考核认定纸质材料受理回执",
		number: field{"receipt_no", "回执编号", r.ReceiptNo, false},
		fields: []field{
			{"app_no", "申请编号", r.AppNo, false},
			{"name", "申报人", r.Name, false},
			{"id_number", "身份证号码", data.MaskIDNumber(r.IDNumber), false},
			{"level", "申报级别", r.Level, false},
			{"qualification", "申报资格", r.Qualification, true},
			{"liaison_point", "受理联络点", r.LiaisonPoint, true},
			{"clerk", "受理人", r.Clerk, false},
			{"date", "受理日期", cnDate(r.Date), false},
		},
		lists: []list{{key: "materials", label: "收到材料", rows: rows, cols: []column{
			{"name", "材料名称", 0.48, false},
			{"originals", "原件（份）", 0.13, true},
			{"copies", "复印件（份）", 0.14, true},
			{"note", "备注", 0.18, false},
		}}},
		notes: []string{
			"您的纸质材料齐全，已予受理。原件已当场核验并退还，复印件由联络点留存。请按缴款通知书缴纳费用，并妥善保管本回执。",
		},
		signOff: []string{"受理人签字", "联络点（盖章）"},
	}
}

// Deficiency is one problem found at the counter check.
type Deficiency struct {
	Material string
	Reason   string // from the 常用原因 catalogue
	Note     string
}

// DeficiencyNotice is the 一次性告知书: every deficiency at once, and the
// deadline to supplement them. Deadline is the stored one the state machine
// expires on (data.Calendar.AddWorkingDays(Date, WorkingDays) when issued),
// so a later calendar change cannot make the paper disagree with the record.
type DeficiencyNotice struct {
	NoticeNo      string
	AppNo         string
	Version       int
	Name          string
	IDNumber      string // printed masked
	Qualification string
	Level         string
	LiaisonPoint  string
	Deficiencies  []Deficiency
	WorkingDays   int
	Deadline      time.Time
	Clerk         string
	Date          time.Time
}

func (n DeficiencyNotice) sheet() sheet {
	rows := make([][]string, len(n.Deficiencies))
	for i, df := range n.Deficiencies {
		rows[i] = []string{df.Material, df.Reason, df.Note}
	}
	return sheet{
		kind: data.DocNotice, appNo: n.AppNo, version: n.Version,
		title:  "职称考核认定材料补正一次性告知书",
		number: field{"notice_no", "告知书编号", n.NoticeNo, false},
		fields: []field{
			{"app_no", "申请编号", n.AppNo, false},
			{"name", "申报人", n.Name, false},
			{"id_number", "身份证号码", data.MaskIDNumber(n.IDNumber), false},
			{"level", "申报级别", n.Level, false},
			{"qualification", "申报资格", n.Qualification, true},
			{"deadline", "补正期限", fmt.Sprintf("%d个工作日内（%s前）", n.WorkingDays, cnDate(n.Deadline)), true},
			{"liaison_point", "补正地点", n.LiaisonPoint, true},
			{"clerk", "经办人", n.Clerk, false},
			{"date", "告知日期", cnDate(n.Date), false},
		},
		lists: []list{{key: "deficiencies", label: "需补正的材料及原因", rows: rows, cols: []column{
			{"material", "材料", 0.28, false},
			{"reason", "原因", 0.38, false},
			{"note", "说明", 0.27, false},
		}}},
		notes: []string{
			"经核验，您递交的纸质材料不齐全或不符合法定形式，现一次性告知如上。请在补正期限内将上述材料一次补齐，逾期未补正的，按逾期退件处理。",
		},
		signOff: []string{"经办人签字", "联络点（盖章）", "申报人签收", "签收日期"},
	}
}

// PaymentNotice prints what the non-tax revenue system issued for a fee:
// NoticeNo, PaymentCode (缴款码, which carries the payee's account), Payee,
// Due and PayURL come from it as they are.
type PaymentNotice struct {
	NoticeNo    string
	PaymentCode string // 缴款码
	AppNo       string
	Version     int
	Payer       string
	PayerID     string // printed masked
	Item        string
	Amount      data.Fen
	Payee       string    // 收款单位
	Due         time.Time // 缴款期限; zero: none given, not printed
	PayURL      string    // the payment platform's link, printed as the 扫码缴费 QR code; may be empty
	Flow        data.PaymentFlow
	Issuer      string    // 打印单位: the liaison point that printed it
	Clerk       string    // 经办人
	Date        time.Time // 开具日期
}

func (n PaymentNotice) sheet() sheet {
	s := sheet{
		kind: data.DocPayment, appNo: n.AppNo, version: n.Version,
		flow: string(n.Flow), payURL: n.PayURL,
		// The notes speak of a 缴款码 and maybe a code to scan; this one
		// must not be taken for either.
		sealCaption: "核验码（联络点专用）",
		fields: []field{
			{"payment_code", "缴款码", n.PaymentCode, false},
			{"app_no", "申请编号", n.AppNo, false},
			{"payer", "缴款人", n.Payer, false},
			{"payer_id", "身份证号码", data.MaskIDNumber(n.PayerID), false},
			{"item", "收费项目", n.Item, true},
			{"amount", "金额（小写）", "￥" + n.Amount.String(), false},
			{"amount_capital", "金额（大写）", n.Amount.Capital(), false},
			{"payee", "收款单位", n.Payee, true},
			{"issuer", "打印单位", n.Issuer, false},
			{"clerk", "经办人", n.Clerk, false},
			{"date", "开具日期", cnDate(n.Date), false},
		},
		signOff: []string{"缴款人签字", "日期"},
	}
	if !n.Due.IsZero() {
		s.fields = append(s.fields, field{"due", "缴款期限", cnDate(n.Due), false})
	}
	var name, handBack string // name: what the page calls itself
	switch n.Flow {
	case data.FlowNotice:
		s.title, name = "东莞市非税收入缴款通知书", "通知书"
		handBack = "缴款后，请将《广东省非税收入（电子）票据》第三联或缴费截图交回人才联络点。"
	case data.FlowEBill:
		// Not the e-receipt itself but its payment information: the
		// receipt exists only on the province's platform once paid.
		s.title, name = "广东省电子非税收入一般缴款书（缴款信息）", "缴款书"
		handBack = "本缴款书缴款后即为电子票据，无需交回任何凭证，人才联络点在系统中核对缴款情况。" +
			"电子票据可在广东省统一公共支付平台下载、查验。请保存缴款记录备查。"
	default:
		s.invalid = data.Errorf(data.EINVALID, "缴款通知书的缴款流程“%s”未知", n.Flow)
	}
	s.number = field{"notice_no", name + "编号", n.NoticeNo, false}
	ways := []string{"登录广东省统一公共支付平台（网上或手机），输入缴款码缴款", "持本" + name + "到银行柜台缴款"}
	if n.PayURL != "" {
		ways = append([]string{"用微信或手机银行App扫描本页“扫码缴费”二维码缴款"}, ways...)
	}
	for i, w := range ways {
		ways[i] = "（" + string([]rune("一二三")[i]) + "）" + w
	}
	s.notes = []string{"缴款方式：" + strings.Join(ways, "；") + "。", "右上角核验码供人才联络点核验本页，不能用于缴款。", handBack}
	return s
}

// Payment is one entry of a settlement: a payment the clerk recorded, or a
// refund (退费).
type Payment struct {
	NoticeNo   string
	AppNo      string
	Payer      string
	Item       string
	Method     string    // channel: 微信, 银行柜台, 网上缴费, 其他
	Reference  string    // 票据号, 微信交易单号 (28 digits) or 流水号; up to 32 characters
	Amount     data.Fen  // negative for a refund
	Refund     bool      // a refund, shown as such and totalled apart
	RecordedAt time.Time // when the clerk recorded it, or the refund was approved: 登记时间
	Day        time.Time // the day it belongs to by its recording; marked when not the report's Date
}

// DailyReport is the 日结报表: one clerk's settlement of a day, closed when
// first printed. A later print is a reprint of the closed settlement and
// reads the same but for its 重印 marks. It carries no seal.
type DailyReport struct {
	Date         time.Time // the settlement day
	LiaisonPoint string
	Device       string
	Clerk        string    // 收款人/结算人: whose settlement this is
	ClosedAt     time.Time // when it was first printed and closed (关账时间)
	Reprint      bool      // a later print: marked （重印） with its ReprintAt
	ReprintAt    time.Time
	Entries      []Payment
}

func (r DailyReport) sheet() sheet {
	type total struct {
		n   int
		sum data.Fen
	}
	byMethod := map[string]total{}
	var refunds, all total
	var items []string
	var invalid error
	rows := make([][]string, len(r.Entries))
	for i, p := range r.Entries {
		no, method := p.NoticeNo, p.Method
		if !p.Day.IsZero() && !sameDay(p.Day, r.Date) {
			no += "\n（" + p.Day.In(data.Shanghai).Format("01-02") + "补）"
		}
		if p.Refund {
			method += "退费"
			refunds = total{refunds.n + 1, refunds.sum + p.Amount}
		} else {
			t := byMethod[p.Method]
			byMethod[p.Method] = total{t.n + 1, t.sum + p.Amount}
		}
		all = total{all.n + 1, all.sum + p.Amount}
		// A sign that disagrees with the flag would make the totals lie.
		if p.Refund != (p.Amount < 0) && invalid == nil {
			invalid = data.Errorf(data.EINVALID, "日结报表第%d笔：退费的金额须为负数，收款的金额须为正数", i+1)
		}
		if !slices.Contains(items, p.Item) {
			items = append(items, p.Item)
		}
		rows[i] = []string{no, p.Payer, method, p.Reference, p.Amount.String(), p.RecordedAt.In(data.Shanghai).Format("01-02 15:04")}
	}
	var sums [][]string
	for _, m := range sortedKeys(byMethod) {
		t := byMethod[m]
		sums = append(sums, []string{m, strconv.Itoa(t.n), t.sum.String(), t.sum.Capital()})
	}
	var foot [][]string
	if refunds.n > 0 {
		foot = append(foot, []string{"退费", strconv.Itoa(refunds.n), refunds.sum.String(), refunds.sum.Capital()})
	}
	foot = append(foot, []string{"合计（净额）", strconv.Itoa(all.n), all.sum.String(), all.sum.Capital()})
	switch {
	case r.ClosedAt.IsZero():
		invalid = data.Errorf(data.EINVALID, "日结报表没有关账时间")
	case r.Reprint && r.ReprintAt.IsZero():
		invalid = data.Errorf(data.EINVALID, "重印的日结报表没有重印时间")
	}
	s := sheet{
		title:    "职称考核认定缴费日结报表",
		closedAt: r.ClosedAt,
		invalid:  invalid,
		fields: []field{
			{"date", "结算日期", cnDate(r.Date), false},
			{"closed_at", "关账时间", cnTime(r.ClosedAt), false},
			{"clerk", "结算人", r.Clerk, false},
			{"device", "设备编号", r.Device, false},
			{"liaison_point", "联络点", r.LiaisonPoint, true},
			{"item", "收费项目", strings.Join(items, "、"), true}, // one column fewer in the table
		},
		lists: []list{
			// In 小五 so that a device-coded notice number, a 28-digit
			// WeChat transaction number, "-123456.78" and a four-character
			// name or channel each fit on one line, the time on two; in 五号
			// that needs 202 mm of the 180.
			{key: "entries", label: "缴费明细", rows: rows, size: denseSize, cols: []column{
				{"notice_no", "通知书编号", 0.285, false},
				{"payer", "缴款人", 0.09, false},
				{"method", "缴费方式", 0.09, false},
				{"reference", "票据/交易号", 0.292, false},
				{"amount", "金额（元）", 0.108, true},
				{"recorded_at", "登记时间", 0.065, false},
			}},
			{key: "totals", label: "按缴费方式汇总", rows: sums, foot: foot, cols: []column{
				{"method", "缴费方式", 0.20, false},
				{"count", "笔数", 0.10, true},
				{"amount", "金额（元）", 0.18, true},
				{"capital", "金额（大写）", 0.45, false},
			}},
		},
		signOff: []string{"结算人", "复核人", "负责人", "日期"},
	}
	if r.Reprint {
		s.subtitle = "（重印）重印时间：" + cnTime(r.ReprintAt)
	}
	return s
}

// sameDay reports whether a and b fall on the same day in Shanghai.
func sameDay(a, b time.Time) bool {
	return data.Midnight(a).Equal(data.Midnight(b))
}

// Certificate is the 职称证书 the bureau issues, sealed with the bureau key
// and laid out as a certificate (a framed page) rather than a form. Its
// seal names the application (AppNo): a certificate number may hold
// characters a seal cannot ("粤职证字 2026-000123").
type Certificate struct {
	CertificateNo string // 证书编号
	AppNo         string
	Name          string
	IDNumber      string // printed in full
	Series        string // 系列
	Qualification string // 资格名称
	Level         string // 级别
	Method        string // 取得方式, e.g. 考核认定
	IssuedAt      time.Time
	Issuer        string // 发证机关, e.g. 东莞市人力资源和社会保障局
	// VerifyURL, when set, is the address of the verification page, e.g.
	// "https://zc.example.gov.cn/v/": the QR code then holds it, upper-cased,
	// followed by the seal (see SealURL), so a phone's camera opens the page
	// and a desk's scanner still reads the seal. Printed under the code, and
	// not part of the digest: the address may move without making issued
	// certificates stale.
	VerifyURL string
}

func (c Certificate) sheet() sheet {
	s := sheet{
		// A certificate does not change once issued (a correction is a
		// revocation and a new certificate), so its seal is always at
		// version 1, whatever the application's version.
		kind: data.DocCertificate, appNo: c.AppNo, version: 1,
		title: "专业技术资格证书",
		fields: []field{
			{"name", "姓名", c.Name, false},
			{"id_number", "身份证号码", c.IDNumber, false},
			{"series", "系列", c.Series, false},
			{"qualification", "资格名称", c.Qualification, false},
			{"level", "级别", c.Level, false},
			{"method", "取得方式", c.Method, false},
			{"certificate_no", "证书编号", c.CertificateNo, false},
			{"issued_at", "发证日期", cnDate(c.IssuedAt), false},
			{"app_no", "申请编号", c.AppNo, false},
			{"issuer", "发证机关", c.Issuer, false},
		},
		certificate: true,
		verifyURL:   c.VerifyURL,
	}
	how, level := "审核", ""
	if c.Method != "" {
		how = c.Method
	}
	if c.Level != "" {
		level = "（" + c.Level + "）"
	}
	// Made of printed fields only, so the digest covers it.
	s.statement = fmt.Sprintf("经%s，%s同志具备%s专业技术资格%s，特发此证。", how, c.Name, c.Qualification, level)
	s.notes = []string{"本证书由发证机关电子签章，可扫描二维码或登录核验网址查验真伪，涂改无效。"}
	switch {
	case c.CertificateNo == "":
		s.invalid = data.Errorf(data.EINVALID, "证书尚未编号（离线发证的证书由市局服务器编号，同步后再打印）")
	case c.IssuedAt.IsZero():
		s.invalid = data.Errorf(data.EINVALID, "证书没有发证日期")
	case c.Issuer == "":
		s.invalid = data.Errorf(data.EINVALID, "证书没有发证机关")
	}
	if c.VerifyURL != "" && s.invalid == nil {
		if _, err := SealURL(c.VerifyURL, ""); err != nil {
			s.invalid = err
		}
	}
	return s
}
