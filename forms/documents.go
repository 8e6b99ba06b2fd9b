package forms

import (
	"fmt"
	"strconv"
	"time"

	"titledesk/data"
)

// The five documents. Each is the list of fields it prints; the caller maps
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

// PaymentNotice is the 缴款通知书. NoticeNo and PaymentCode come from the
// number provider (the finance system's, or the device-coded default).
type PaymentNotice struct {
	NoticeNo    string
	PaymentCode string // 缴款码
	AppNo       string
	Version     int
	Payer       string
	PayerID     string // printed masked
	Item        string
	Amount      data.Fen
	Payee       string // 收款单位
	Account     string // 收款账号
	Bank        string // 开户银行
	Issuer      string // issuing liaison point
	Clerk       string
	Date        time.Time
}

func (n PaymentNotice) sheet() sheet {
	return sheet{
		kind: data.DocPayment, appNo: n.AppNo, version: n.Version,
		title:  "东莞市非税收入缴款通知书",
		number: field{"notice_no", "通知书编号", n.NoticeNo, false},
		fields: []field{
			{"payment_code", "缴款码", n.PaymentCode, false},
			{"app_no", "申请编号", n.AppNo, false},
			{"payer", "缴款人", n.Payer, false},
			{"payer_id", "身份证号码", data.MaskIDNumber(n.PayerID), false},
			{"item", "收费项目", n.Item, true},
			{"amount", "金额（小写）", "￥" + n.Amount.String(), false},
			{"amount_capital", "金额（大写）", n.Amount.Capital(), false},
			{"payee", "收款单位", n.Payee, true},
			{"account", "收款账号", n.Account, false},
			{"bank", "开户银行", n.Bank, false},
			{"issuer", "开具单位", n.Issuer, true},
			{"clerk", "经办人", n.Clerk, false},
			{"date", "开具日期", cnDate(n.Date), false},
		},
		notes: []string{
			"请凭本通知书到银行柜台缴款，或使用微信扫描缴款码缴费。缴费后请将《广东省非税收入(电子)票据》第三联或缴费截图交回人才联络点。",
		},
		signOff: []string{"缴款人签字", "日期"},
	}
}

// Payment is one payment recorded during the day.
type Payment struct {
	NoticeNo string
	AppNo    string
	Payer    string
	Item     string
	Method   string // 银行柜台, 微信, …
	Amount   data.Fen
	At       time.Time
}

// DailyReport is the 日结报表: the day's payments and their totals by
// method. It carries no seal.
type DailyReport struct {
	Date         time.Time
	LiaisonPoint string
	Device       string
	Clerk        string
	Payments     []Payment
}

func (r DailyReport) sheet() sheet {
	type total struct {
		n   int
		sum data.Fen
	}
	totals := map[string]total{}
	var all total
	rows := make([][]string, len(r.Payments))
	for i, p := range r.Payments {
		rows[i] = []string{p.NoticeNo, p.Payer, p.Item, p.Method, p.Amount.String(), p.At.In(data.Shanghai).Format("15:04")}
		t := totals[p.Method]
		totals[p.Method] = total{t.n + 1, t.sum + p.Amount}
		all = total{all.n + 1, all.sum + p.Amount}
	}
	var sums [][]string
	for _, m := range sortedKeys(totals) {
		sums = append(sums, []string{m, strconv.Itoa(totals[m].n), totals[m].sum.String()})
	}
	return sheet{
		title: "职称考核认定缴费日结报表",
		fields: []field{
			{"date", "结算日期", cnDate(r.Date), false},
			{"liaison_point", "联络点", r.LiaisonPoint, false},
			{"device", "设备编号", r.Device, false},
			{"clerk", "结算人", r.Clerk, false},
			{"total", "合计", fmt.Sprintf("%d笔，%s元（%s）", all.n, all.sum, all.sum.Capital()), true},
		},
		lists: []list{
			{key: "payments", label: "缴费明细", rows: rows, cols: []column{
				{"notice_no", "通知书编号", 0.34, false}, // one line for a device-coded number
				{"payer", "缴款人", 0.11, false},
				{"item", "收费项目", 0.18, false},
				{"method", "缴费方式", 0.11, false},
				{"amount", "金额（元）", 0.12, true},
				{"at", "时间", 0.07, false},
			}},
			{key: "totals", label: "按缴费方式汇总", rows: sums, cols: []column{
				{"method", "缴费方式", 0.40, false},
				{"count", "笔数", 0.23, true},
				{"amount", "金额（元）", 0.30, true},
			}},
		},
		signOff: []string{"结算人", "复核人", "负责人", "日期"},
	}
}
