package forms

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jung-kurt/gofpdf"

	"titledesk/data"
)

var (
	printedAt = time.Date(2026, 10, 9, 10, 31, 0, 0, data.Shanghai)
	bureau    = sealer("BUREAU-1", 1)
	device    = sealer("DG0417", 2)
	keys      = KeyRing{
		Bureau:  map[string]ed25519.PublicKey{bureau.KeyID: bureau.Key.Public().(ed25519.PublicKey)},
		Devices: map[string]ed25519.PublicKey{device.KeyID: device.Key.Public().(ed25519.PublicKey)},
	}
)

func sealer(id string, seed byte) Sealer {
	return Sealer{KeyID: id, Key: ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))}
}

// longText wraps over many lines in a table cell, with punctuation that
// tests the line-start rule.
const longText = "2015年7月毕业于华南理工大学电气工程及其自动化专业，同年进入东莞市某电力工程有限公司，" +
	"先后参与了东莞市松山湖高新区110千伏变电站新建工程、虎门镇10千伏配电网改造工程、长安镇工业园区供配电系统设计等项目的施工与调试工作。" +
	"在变电站工程中负责二次回路接线检查、继电保护装置调试及验收资料整理；在配电网改造中负责现场勘察、施工方案编制（含安全技术措施）及施工进度管理，" +
	"累计完成配电线路改造约42.5公里。“安全第一、预防为主”是我一贯坚持的工作原则；近三年未发生任何安全责任事故！" +
	"参与编写的《配电网工程施工质量控制要点》被公司采纳为内部作业指导书。"

var (
	appDate = time.Date(2026, 9, 14, 9, 0, 0, 0, data.Shanghai)
	form    = ApplicationForm{
		AppNo: "KH2026-000123", Version: 7, Name: "李䶮", Gender: "男", IDNumber: "441900199001011234",
		Mobile: "13800138000", Unit: "东莞市明华电力工程有限公司", UnitCode: "91441900MA4UXXXX0X",
		Series: "工程技术人员", Qualification: "电力工程电气助理工程师", Level: "助理级",
		LiaisonPoint: "东莞市电力行业协会", Education: "大学本科", Major: "电气工程及其自动化",
		WorkingYears: 11, UnitOpinion: longText,
		PublicityFrom: time.Date(2026, 8, 24, 0, 0, 0, 0, data.Shanghai), PublicityTo: time.Date(2026, 8, 28, 0, 0, 0, 0, data.Shanghai),
		SubmittedAt: time.Date(2026, 8, 31, 0, 0, 0, 0, data.Shanghai), ApprovedAt: appDate,
		Materials: []string{"居民身份证（正反面）", "学历证书", "学位证书", "学历验证报告", "劳动合同或聘用证明",
			"社会保险缴费证明", "专业技术工作经历（业绩）材料", "继续教育证明", "单位审核意见及公示结果", "近期免冠照片"},
	}
	receipt = Receipt{
		ReceiptNo: "4419001-DG0417-20261009-0003", AppNo: "KH2026-000123", Version: 9, Name: "李䶮",
		IDNumber: "441900199001011234", Qualification: "电力工程电气助理工程师", Level: "助理级",
		LiaisonPoint: "东莞市电力行业协会",
		Materials: []ReceivedMaterial{
			{"居民身份证（正反面）", 1, 1, ""}, {"学历证书", 1, 1, ""}, {"学位证书", 1, 1, ""},
			{"劳动合同或聘用证明", 1, 1, "复印件加盖单位公章"}, {"社会保险缴费证明", 0, 1, "网上打印件"},
			{"专业技术工作经历（业绩）材料", 1, 2, ""}, {"近期免冠照片", 0, 2, "二寸蓝底"},
		},
		Clerk: "陈晓敏", Date: printedAt,
	}
	deficiency = DeficiencyNotice{
		NoticeNo: "4419001-DG0417-20261009-0004", AppNo: "KH2026-000188", Version: 9, Name: "黄𠮷祥",
		IDNumber: "441900198805054321", Qualification: "建材检验工程师", Level: "中级", LiaisonPoint: "东莞市建筑行业协会（南城街道鸿福路106号）",
		Deficiencies: []Deficiency{
			{"学历证书", "未提供原件", "请携带毕业证书原件核验"},
			{"劳动合同或聘用证明", "复印件未签名或未加盖单位公章", "需加盖现工作单位公章"},
			{"社会保险缴费证明", "原件与扫描件不一致", "网上上传为2025年证明，现场提交为2024年证明，请提供近12个月缴费记录"},
			{"继续教育证明", "材料已过有效期", ""},
		},
		WorkingDays: 5, Deadline: must(data.DefaultCalendar().AddWorkingDays(printedAt, 5)),
		Clerk: "陈晓敏", Date: printedAt,
	}
	payURL = "https://fs.example.gov.cn/pay/h5?payCode=44190026100900051&sign=7F3A9C2E1B4D6F80A2C4E6B8D0F1A3C5"
	notice = PaymentNotice{
		NoticeNo: "4419001-DG0417-20261009-0005", PaymentCode: "44190026100900051", AppNo: "KH2026-000123", Version: 10,
		Payer: "李䶮", PayerID: "441900199001011234", Item: "专业技术资格考核认定费", Amount: 100560,
		Payee: "东莞市人力资源和社会保障局", Due: printedAt.AddDate(0, 0, 14), PayURL: payURL, Flow: data.FlowEBill,
		Issuer: "东莞市电力行业协会", Clerk: "陈晓敏", Date: printedAt,
	}
	verifyURL   = "https://zc.example.gov.cn/v/"
	certificate = Certificate{
		CertificateNo: "粤职证字 2026-000123", AppNo: "KH2026-000123", Name: "李䶮", IDNumber: "441900199001011234",
		Series: "工程技术人员", Qualification: "电力工程电气助理工程师", Level: "助理级", Method: "考核认定",
		IssuedAt: time.Date(2026, 10, 12, 0, 0, 0, 0, data.Shanghai), Issuer: "东莞市人力资源和社会保障局", VerifyURL: verifyURL,
	}
	closedAt = time.Date(2026, 10, 9, 17, 45, 0, 0, data.Shanghai)
	fee      = "专业技术资格考核认定费"
	late     = time.Date(2026, 10, 8, 17, 52, 0, 0, data.Shanghai)
	daily    = DailyReport{Date: data.Midnight(printedAt), LiaisonPoint: "东莞市电力行业协会", Device: "DG0417", Clerk: "陈晓敏", ClosedAt: closedAt,
		Entries: []Payment{
			{"4419001-DG0417-20261008-0009", "KH2026-000099", "陈静", fee, "银行柜台", "4419260000123401", 10000, false, late, late},
			{"4419001-DG0417-20261009-0001", "KH2026-000101", "张伟", fee, "银行柜台", "4419260000123456", 10000, false, printedAt.Add(-2 * time.Hour), printedAt},
			{"4419001-DG0417-20261009-0002", "KH2026-000117", "王芳", fee, "微信", "4200001234202610091234567890", 10000, false, printedAt.Add(-90 * time.Minute), printedAt},
			{"4419001-DG0417-20261009-0005", "KH2026-000123", "李䶮", fee, "微信", "4200001234202610091234567891", 100560, false, printedAt.Add(time.Hour), printedAt},
			{"4419001-DG0417-20261009-0006", "KH2026-000131", "欧阳娜娜", fee, "网上缴费", "GDPAY2026100912310000123456", 25050, false, printedAt.Add(2 * time.Hour), printedAt},
			{"4419001-DG0417-20261009-0002", "KH2026-000117", "王芳", fee, "微信", "5030000123202610091234567890", -10000, true, printedAt.Add(5 * time.Hour), printedAt},
		}}
)

// samples are the six documents as the benchmarks and screenshots use them.
var samples = []struct {
	name string
	doc  Document
	by   Sealer
}{
	{"application", form, bureau},
	{"receipt", receipt, device},
	{"deficiency", deficiency, device},
	{"notice", notice, device},
	{"daily", daily, Sealer{}},
	{"certificate", certificate, bureau},
}

// sealCode is what a document's seal QR code holds: its payload, or the
// link to it (a certificate with a VerifyURL).
func sealCode(t testing.TB, doc Document, payload string) string {
	t.Helper()
	u := doc.sheet().verifyURL
	if u == "" {
		return payload
	}
	code, err := SealURL(u, payload)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func render(t testing.TB, doc Document, by Sealer) Printed {
	t.Helper()
	p, err := Render(doc, by, printedAt)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func writeTemp(t *testing.T, b []byte) string {
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func pdfText(t *testing.T, pdf []byte) string {
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", writeTemp(t, pdf), "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func stripSpace(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// scanQRs reads every QR code off page 1 as internal/qrscan does (150 dpi,
// zbarimg), which allows only one code a page. Sorted.
func scanQRs(t *testing.T, pdf []byte) []string {
	t.Helper()
	doc := writeTemp(t, pdf)
	page := strings.TrimSuffix(doc, ".pdf")
	if out, err := exec.Command("pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", doc, page).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	out, err := exec.Command("zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", page+".png").Output()
	if e, ok := err.(*exec.ExitError); ok && e.ExitCode() == 4 { // no code found
		return nil
	} else if err != nil {
		t.Fatal(err)
	}
	codes := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	slices.Sort(codes)
	return codes
}

// word is a word pdftotext finds, with its box in points from the top left.
type word struct {
	text                   string
	xMin, yMin, xMax, yMax float64
}

var wordRE = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)

func pdfWords(t *testing.T, pdf []byte) []word {
	out, err := exec.Command("pdftotext", "-bbox", "-enc", "UTF-8", writeTemp(t, pdf), "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	var ws []word
	for _, m := range wordRE.FindAllStringSubmatch(string(out), -1) {
		w := word{text: m[5]}
		for i, f := range []*float64{&w.xMin, &w.yMin, &w.xMax, &w.yMax} {
			*f, _ = strconv.ParseFloat(m[i+1], 64)
		}
		ws = append(ws, w)
	}
	return ws
}

// onlyWord is the one word reading exactly text: whole, on one line.
func onlyWord(t *testing.T, ws []word, text string) word {
	t.Helper()
	var found []word
	for _, w := range ws {
		if w.text == text {
			found = append(found, w)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%q found as a whole word %d times in %v", text, len(found), ws)
	}
	return found[0]
}

// pt converts millimetres to the points pdftotext measures in.
func pt(mm float64) float64 { return mm / ptMM }

// lookupOf answers Verify's record lookup with the documents' current state.
func lookupOf(docs ...Document) Lookup {
	return func(kind data.Document, appNo string) (CurrentRecord, bool) {
		for _, d := range docs {
			s := d.sheet()
			if s.kind == kind && s.appNo == appNo {
				return CurrentRecord{Version: s.version, Digest: Digest(d)}, true
			}
		}
		return CurrentRecord{}, false
	}
}

func TestDocumentsRoundTrip(t *testing.T) {
	for _, c := range samples {
		t.Run(c.name, func(t *testing.T) {
			p := render(t, c.doc, c.by)
			if len(p.PDF) > 150<<10 {
				t.Errorf("PDF is %d bytes, budget 150 KB", len(p.PDF))
			}
			text := stripSpace(pdfText(t, p.PDF))
			s := c.doc.sheet()
			want := []string{s.title, s.number.value}
			for _, f := range s.fields {
				want = append(want, f.value)
			}
			for _, l := range s.lists {
				for _, r := range append(l.rows, l.foot...) {
					want = append(want, r...)
				}
			}
			want = append(want, s.notes...)
			want = append(want, s.statement, s.verifyURL)
			for _, w := range want {
				w = strings.ReplaceAll(stripSpace(w), "𠮷", "□") // the one unprintable character
				if !strings.Contains(text, w) {
					t.Errorf("pdftotext lost %q", w)
				}
			}
			if s.kind == "" {
				if p.Payload != "" {
					t.Errorf("unsealed document got payload %q", p.Payload)
				}
				return
			}
			codes := []string{sealCode(t, c.doc, p.Payload)}
			if s.payURL != "" {
				codes = append(codes, s.payURL)
			}
			slices.Sort(codes)
			if scanned := scanQRs(t, p.PDF); !slices.Equal(scanned, codes) {
				t.Fatalf("QR codes read %q, printed %q", scanned, codes)
			}
			if v := Verify(p.Payload, keys, lookupOf(c.doc)); v.Status != Genuine {
				t.Errorf("verdict %v %s", v.Status, v.Message)
			}
		})
	}
}

// TestOtherDigestsUnchanged: papers sealed before the payment notice got
// its flow and payment link must still verify as genuine, and certificates,
// which never change, verify for good.
func TestOtherDigestsUnchanged(t *testing.T) {
	for _, c := range []struct {
		doc  Document
		want string
	}{{form, "FXO4ELVRVRZFBZWY"}, {receipt, "FYGKR77E6EPY4YTJ"}, {deficiency, "VDBLJL2SJRDVDDRI"}, {certificate, "3MYHOWAXN7KTNUHH"}} {
		if got := Digest(c.doc); got != c.want {
			t.Errorf("%T digest %s, sealed papers carry %s", c.doc, got, c.want)
		}
	}
}

func TestPaymentNoticeCodes(t *testing.T) {
	p := render(t, notice, device)
	codes := scanQRs(t, p.PDF)
	if len(codes) != 2 || !slices.Contains(codes, payURL) || !slices.Contains(codes, p.Payload) {
		t.Fatalf("codes read %q, want the seal and %q", codes, payURL)
	}
	if v := Verify(p.Payload, keys, lookupOf(notice)); v.Status != Genuine {
		t.Errorf("seal verdict %v %s", v.Status, v.Message)
	}
	// Nothing but its captions is drawn over or beside the payment code.
	ws := pdfWords(t, p.PDF)
	caption := onlyWord(t, ws, "扫码缴费")
	left, top := pt(pageW-marginX-qrSize-2*payFramePad), caption.yMin-pt(qrSize+2*payFramePad)
	for _, w := range ws {
		if w.xMax > left && w.yMax > top && w.yMin < caption.yMax && w != caption && w.text != "微信或手机银行扫码" {
			t.Errorf("%q overlaps the payment code", w.text)
		}
	}
	plain := notice
	plain.PayURL = ""
	p = render(t, plain, device)
	if codes := scanQRs(t, p.PDF); !slices.Equal(codes, []string{p.Payload}) {
		t.Errorf("without a payment link, codes read %q, want only the seal", codes)
	}
}

func TestPaymentNoticeWording(t *testing.T) {
	title := map[data.PaymentFlow]string{data.FlowNotice: "东莞市非税收入缴款通知书", data.FlowEBill: "广东省电子非税收入一般缴款书（缴款信息）"}
	handBack := map[data.PaymentFlow]string{data.FlowNotice: "第三联或缴费截图交回", data.FlowEBill: "无需交回"}
	for _, flow := range []data.PaymentFlow{data.FlowNotice, data.FlowEBill} {
		other := map[data.PaymentFlow]data.PaymentFlow{data.FlowNotice: data.FlowEBill, data.FlowEBill: data.FlowNotice}[flow]
		for _, url := range []string{"", payURL} {
			n := notice
			n.Flow, n.PayURL = flow, url
			text := stripSpace(pdfText(t, render(t, n, device).PDF))
			for _, w := range []string{title[flow], handBack[flow], "广东省统一公共支付平台", "输入缴款码缴款", "到银行柜台缴款", "缴款期限", "打印单位"} {
				if !strings.Contains(text, w) {
					t.Errorf("%s, link %q: no %q", flow, url, w)
				}
			}
			for _, w := range []string{title[other], handBack[other], "收款账号", "开户银行"} {
				if strings.Contains(text, w) {
					t.Errorf("%s, link %q: says %q", flow, url, w)
				}
			}
			switch scan := strings.Contains(text, "扫"); {
			case url == "" && scan:
				t.Errorf("%s without a payment link mentions scanning:\n%s", flow, text)
			case url != "" && !strings.Contains(text, "扫描本页“扫码缴费”二维码缴款"):
				t.Errorf("%s with a payment link does not say to scan it:\n%s", flow, text)
			}
		}
	}
}

// TestPaymentNoticeTitleClearOfSeal: the e-bill's long title is set smaller
// rather than run under the seal.
func TestPaymentNoticeTitleClearOfSeal(t *testing.T) {
	for _, w := range pdfWords(t, render(t, notice, device).PDF) {
		if strings.Contains(w.text, "缴款书") && w.xMax > pt(pageW-marginX-qrSize) {
			t.Errorf("title %q reaches %.1f pt, seal starts at %.1f", w.text, w.xMax, pt(pageW-marginX-qrSize))
		}
	}
}

func TestPaymentNoticeDigestCoversPrintedFields(t *testing.T) {
	for name, change := range map[string]func(*PaymentNotice){
		"due date changed":     func(n *PaymentNotice) { n.Due = n.Due.AddDate(0, 0, 1) },
		"due date removed":     func(n *PaymentNotice) { n.Due = time.Time{} },
		"payment link changed": func(n *PaymentNotice) { n.PayURL += "0" },
		"payment link removed": func(n *PaymentNotice) { n.PayURL = "" },
		"payee changed":        func(n *PaymentNotice) { n.Payee = "东莞市财政局" },
		"flow changed":         func(n *PaymentNotice) { n.Flow = data.FlowNotice },
		"issuer changed":       func(n *PaymentNotice) { n.Issuer = "东莞市建筑行业协会" },
	} {
		n := notice
		change(&n)
		if Digest(n) == Digest(notice) {
			t.Errorf("%s: digest unchanged", name)
		}
	}
}

func TestRefusesWhatCannotPrint(t *testing.T) {
	noFlow := notice
	noFlow.Flow = ""
	open := daily
	open.ClosedAt = time.Time{}
	undated := daily
	undated.Reprint = true
	positive := daily
	positive.Entries = append([]Payment(nil), daily.Entries...)
	positive.Entries[5].Amount = 10000 // still flagged a refund
	for name, doc := range map[string]Document{"no flow": noFlow, "not closed": open, "reprint without time": undated, "refund not negative": positive} {
		if _, err := Render(doc, device, printedAt); data.ErrorCode(err) != data.EINVALID {
			t.Errorf("%s: err %v", name, err)
		}
	}
}

// TestDailyReprintReadsTheSame: a reprint differs from the first print only
// in its 重印 line, whatever time each is printed at.
func TestDailyReprintReadsTheSame(t *testing.T) {
	again := daily
	again.Reprint, again.ReprintAt = true, closedAt.Add(20*time.Hour)
	first, err := Render(daily, Sealer{}, closedAt)
	if err != nil {
		t.Fatal(err)
	}
	reprint, err := Render(again, Sealer{}, again.ReprintAt)
	if err != nil {
		t.Fatal(err)
	}
	a, b := pdfText(t, first.PDF), pdfText(t, reprint.PDF)
	if strings.Contains(a, "重印") {
		t.Errorf("first print mentions 重印:\n%s", a)
	}
	if !strings.Contains(stripSpace(b), "（重印）重印时间：2026年10月10日13:45") {
		t.Errorf("reprint lacks its mark:\n%s", b)
	}
	if !strings.Contains(stripSpace(a), "关账时间：2026年10月9日17:45第1页共1页") || strings.Contains(a+b, "打印时间") {
		t.Errorf("footer does not show the closing time:\n%s", a)
	}
	drop := func(s string) string {
		return strings.Join(slices.DeleteFunc(strings.Split(s, "\n"), func(l string) bool { return strings.Contains(l, "重印") }), "\n")
	}
	if drop(a) != drop(b) {
		t.Errorf("first print and reprint differ:\n%s\n---\n%s", a, b)
	}
}

func TestDailyTotals(t *testing.T) {
	totals := daily.sheet().lists[1]
	want := [][]string{
		{"微信", "2", "1105.60", "壹仟壹佰零伍元陆角"},
		{"网上缴费", "1", "250.50", "贰佰伍拾元伍角"},
		{"银行柜台", "2", "200.00", "贰佰元整"},
		{"退费", "1", "-100.00", "负壹佰元整"},
		{"合计（净额）", "6", "1456.10", "壹仟肆佰伍拾陆元壹角"},
	}
	if got := append(totals.rows, totals.foot...); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("totals %q, want %q", got, want)
	}
	entries := daily.sheet().lists[0].rows
	if entries[0][0] != "4419001-DG0417-20261008-0009\n（10-08补）" || entries[1][0] != "4419001-DG0417-20261009-0001" {
		t.Errorf("late entry marked %q, same-day entry %q", entries[0][0], entries[1][0])
	}
	if entries[5][2] != "微信退费" {
		t.Errorf("refund shown as %q", entries[5][2])
	}
}

// TestDailyLongReferenceFits: a 28-digit WeChat transaction number stays on
// one line in its column, and a six-figure amount whole in the next.
func TestDailyLongReferenceFits(t *testing.T) {
	const ref = "4200001234202610091234567890"
	r := daily
	r.Entries = []Payment{{"4419001-DG0417-20261009-0011", "KH2026-000140", "欧阳娜娜", fee, "微信", ref, 12345678, false, printedAt, printedAt}}
	ws := pdfWords(t, render(t, r, Sealer{}).PDF)
	refW := onlyWord(t, ws, ref)
	row := slices.DeleteFunc(ws, func(w word) bool { return math.Abs(w.yMin-refW.yMin) > 1 })
	amtW := onlyWord(t, row, "123456.78")
	onlyWord(t, row, "4419001-DG0417-20261009-0011")
	onlyWord(t, row, "欧阳娜娜")
	// The column edges, as the table lays them out.
	left, cols := marginX+0.07*contentW, r.sheet().lists[0].cols
	for _, c := range cols[:3] {
		left += c.width * contentW
	}
	edge := left + cols[3].width*contentW
	if refW.xMin < pt(left) || refW.xMax > pt(edge-cellPad) || amtW.xMin < pt(edge+cellPad) {
		t.Errorf("reference %+v and amount %+v cross the column edge at %.1f pt", refW, amtW, pt(edge))
	}
}

func TestLongParagraphComesBackWhole(t *testing.T) {
	text := stripSpace(pdfText(t, render(t, form, bureau).PDF))
	if !strings.Contains(text, stripSpace(longText)) {
		t.Fatalf("paragraph not whole in:\n%s", text)
	}
}

func TestVerify(t *testing.T) {
	p := render(t, form, bureau).Payload
	changed := form
	changed.Mobile = "13900139000"
	bumped := form
	bumped.Version++
	strange := func(s string) string { // one character of the signature changed
		i := len(s) - 10
		c := byte('A')
		if s[i] == 'A' {
			c = 'B'
		}
		return s[:i] + string(c) + s[i+1:]
	}
	devSealed, err := Seal(data.DocForm, form.AppNo, form.Version, Digest(form), device.KeyID, device.Key)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		payload string
		lookup  Lookup
		want    Status
	}{
		{"genuine", p, lookupOf(form), Genuine},
		{"scanner lower case and Enter", "  " + strings.ToLower(p) + "\r\n", lookupOf(form), Genuine},
		{"one character changed", strange(p), lookupOf(form), Forged},
		{"application number changed", strings.Replace(p, "KH2026-000123", "KH2026-000124", 1), lookupOf(form), Forged},
		{"version changed since", p, lookupOf(bumped), Stale},
		{"printed field changed since", p, lookupOf(changed), Stale},
		{"not synced", p, lookupOf(), NoRecord},
		{"unknown key", strings.Replace(p, ".BUREAU-1.", ".BUREAU-2.", 1), lookupOf(form), UnknownKey},
		{"device key on a form", devSealed, lookupOf(form), Forged},
		{"another code", "https://example.com/", lookupOf(form), Unreadable},
		{"the end not read", p[:len(p)-7], lookupOf(form), Unreadable},
		{"read to a dot", p[:strings.LastIndex(p, ".")], lookupOf(form), Unreadable},
		{"a signature too long", p + "A", lookupOf(form), Forged},
		{"inner whitespace", strings.Replace(p, ".", ". ", 1), lookupOf(form), Forged},
	} {
		v := Verify(c.payload, keys, c.lookup)
		if v.Status != c.want || v.Message == "" {
			t.Errorf("%s: got %v %q, want %v", c.name, v.Status, v.Message, c.want)
		}
	}
}

func TestSealRefusesBadInput(t *testing.T) {
	d := Digest(form)
	for _, c := range []struct {
		kind         data.Document
		appNo, keyID string
		version      int
		digest       string
	}{
		{"X", "A1", "K", 1, d},
		{data.DocForm, "a1", "K", 1, d},
		{data.DocForm, "A.1", "K", 1, d},
		{data.DocForm, "A1", "", 1, d},
		{data.DocForm, "A1", "K", -1, d},
		{data.DocForm, "A1", "K", 1, "short"},
	} {
		if _, err := Seal(c.kind, c.appNo, c.version, c.digest, c.keyID, bureau.Key); data.ErrorCode(err) != data.EINVALID {
			t.Errorf("%+v: err %v", c, err)
		}
	}
}

func TestUnprintableIsReportedAndMarked(t *testing.T) {
	m, f, err := faces()
	if err != nil {
		t.Fatal(err)
	}
	const neither = '\u9FEF' // CJK Unified, Unicode 11: in neither font
	if m.has(neither) || f.has(neither) || !f.has('䶮') || m.has('䶮') {
		t.Fatal("test characters no longer fit their roles; pick others")
	}
	n := deficiency
	n.Name = "黄𠮷祥" + string(neither)
	n.Deficiencies = append([]Deficiency(nil), n.Deficiencies...)
	n.Deficiencies[1].Note = "见𠮷"
	p := render(t, n, device)
	want := []Unprintable{
		{Field: "name", Label: "申报人", Chars: "𠮷" + string(neither)},
		{Field: "deficiencies[2].note", Label: "需补正的材料及原因第2行 说明", Chars: "𠮷"},
	}
	if len(p.Unprintable) != len(want) {
		t.Fatalf("got %+v", p.Unprintable)
	}
	for i := range want {
		if p.Unprintable[i] != want[i] {
			t.Errorf("got %+v, want %+v", p.Unprintable[i], want[i])
		}
	}
	text := stripSpace(pdfText(t, p.PDF))
	if !strings.Contains(text, "黄□祥□") || !strings.Contains(text, "见□") {
		t.Errorf("placeholders missing:\n%s", text)
	}
	if len(render(t, receipt, device).Unprintable) != 0 {
		t.Error("Extension A characters must print through the fallback font")
	}
}

func TestLineStartRule(t *testing.T) {
	m, f, err := faces()
	if err != nil {
		t.Fatal(err)
	}
	s := shaper{faces: [fontCount]*face{m, f}}
	gs, _ := s.shape("一二三四五，。」六七八九十（一二三")
	// Five characters per line, so "，。」" would start line two.
	lines := wrap(gs, 5000)
	for _, l := range lines {
		if isClosing(l.glyphs[0].r) || isOpening(l.glyphs[len(l.glyphs)-1].r) {
			t.Errorf("bad break: %q", linesString(lines))
		}
	}
	gs, _ = s.shape("编号 441900199001011234 已受理")
	if got := linesString(wrap(gs, 12000)); strings.Join(got, "|") != "编号 |441900199001011234 已|受理" {
		t.Errorf("ID number split: %q", got)
	}
	gs, _ = s.shape("编号4419001-DG0417-20261009-0003")
	if got := linesString(wrap(gs, 9000)); strings.Join(got, "|") != "编号4419001-|DG0417-20261009-|0003" {
		t.Errorf("hyphenated number: %q", got)
	}
}

func linesString(ls []line) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.String())
	}
	return out
}

// TestWidthsMatchGofpdf: our layout measures from the font tables; gofpdf
// must measure the subset it is given identically, or text would overrun.
func TestWidthsMatchGofpdf(t *testing.T) {
	m, _, err := faces()
	if err != nil {
		t.Fatal(err)
	}
	runes := []rune("申报表ABCgj 0123，。（）￥□")
	p := gofpdf.New("P", "mm", "A4", "")
	p.AddUTF8FontFromBytes("t", "", m.subset(runes))
	p.AddPage()
	p.SetFont("t", "", 12)
	for _, r := range runes {
		if got := p.GetStringSymbolWidth(string(r)); got != m.width(r) {
			t.Errorf("%q: gofpdf %d, ours %d", r, got, m.width(r))
		}
	}
}

// TestScreenshots renders every sample document to a PNG page, as pdftoppm
// (poppler) draws it. FORMS_SCREENSHOTS=1 writes them to docs/screenshots.
func TestScreenshots(t *testing.T) {
	dir := t.TempDir()
	if os.Getenv("FORMS_SCREENSHOTS") != "" {
		dir = filepath.Join("..", "docs", "screenshots")
	}
	for _, c := range samples {
		pdf := writeTemp(t, render(t, c.doc, c.by).PDF)
		out := filepath.Join(dir, "form-"+c.name)
		if err := exec.Command("pdftoppm", "-png", "-r", "80", "-singlefile", pdf, out).Run(); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(out + ".png"); err != nil || fi.Size() < 10_000 {
			t.Errorf("%s: no page rendered (%v)", c.name, err)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	for _, c := range samples {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			size := 0
			for b.Loop() {
				size = len(render(b, c.doc, c.by).PDF)
			}
			b.ReportMetric(float64(size)/1024, "KB")
		})
	}
}

// BenchmarkPages draws each sample's pages as the preview (90 dpi) and a
// Windows printer (300 dpi) take them.
func BenchmarkPages(b *testing.B) {
	for _, c := range samples {
		p := render(b, c.doc, c.by)
		for _, dpi := range []float64{90, 300} {
			b.Run(fmt.Sprintf("%s/%.0fdpi", c.name, dpi), func(b *testing.B) {
				n := 0
				for b.Loop() {
					pages, err := p.Pages(dpi)
					if err != nil {
						b.Fatal(err)
					}
					n = len(pages)
				}
				b.ReportMetric(float64(n), "pages")
			})
		}
	}
}

// must is a working-day count of a year the default calendar knows.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestPagesMatchPDF: the page images are the PDF's pages. Each sample's
// pages at 150 dpi are compared with poppler's drawing of its PDF at the
// same resolution: almost every dark pixel of each has a dark pixel within
// two pixels in the other (glyph edges are antialiased differently), the
// page counts agree, and zbarimg reads the seal straight off the image.
func TestPagesMatchPDF(t *testing.T) {
	for _, c := range samples {
		t.Run(c.name, func(t *testing.T) {
			p := render(t, c.doc, c.by)
			pages, err := p.Pages(150)
			if err != nil {
				t.Fatal(err)
			}
			doc := writeTemp(t, p.PDF)
			prefix := strings.TrimSuffix(doc, ".pdf")
			if out, err := exec.Command("pdftoppm", "-png", "-gray", "-r", "150", doc, prefix).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v: %s", err, out)
			}
			theirs, _ := filepath.Glob(prefix + "-*.png")
			if len(theirs) != len(pages) {
				t.Fatalf("%d page images, the PDF has %d pages", len(pages), len(theirs))
			}
			slices.Sort(theirs)
			for i, path := range theirs {
				f, err := os.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				want, err := png.Decode(f)
				f.Close()
				if err != nil {
					t.Fatal(err)
				}
				// poppler rounds the page's size up, to 1241 pixels for 1240.2.
				if d := want.Bounds().Size().Sub(pages[i].Bounds().Size()); max(d.X, -d.X, d.Y, -d.Y) > 1 {
					t.Fatalf("page %d: %v, poppler draws %v", i+1, pages[i].Bounds(), want.Bounds())
				}
				if miss := unmatchedInk(pages[i], want, 2); miss > 0.01 {
					t.Errorf("page %d: %.1f%% of our ink has none of poppler's near it", i+1, miss*100)
				}
				if miss := unmatchedInk(want, pages[i], 2); miss > 0.01 {
					t.Errorf("page %d: %.1f%% of poppler's ink has none of ours near it", i+1, miss*100)
				}
			}
			if p.Payload == "" {
				return
			}
			path := filepath.Join(t.TempDir(), "page1.png")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := png.Encode(f, pages[0]); err != nil {
				t.Fatal(err)
			}
			f.Close()
			out, err := exec.Command("zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", path).Output()
			if err != nil {
				t.Fatalf("zbarimg: %v", err)
			}
			if code := sealCode(t, c.doc, p.Payload); !slices.Contains(strings.Split(strings.TrimSpace(string(out)), "\n"), code) {
				t.Errorf("zbarimg read %q off the page image, want the seal %q", out, code)
			}
		})
	}
}

// unmatchedInk is the share of a's dark pixels with no dark pixel of b
// within r pixels.
func unmatchedInk(a, b image.Image, r int) float64 {
	dark := func(img image.Image, x, y int) bool {
		g := color.GrayModel.Convert(img.At(x, y)).(color.Gray)
		return g.Y < 128
	}
	bounds := a.Bounds().Intersect(b.Bounds())
	ink, miss := 0, 0
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			if !dark(a, x, y) {
				continue
			}
			ink++
			found := false
			for dy := -r; dy <= r && !found; dy++ {
				for dx := -r; dx <= r && !found; dx++ {
					found = image.Pt(x+dx, y+dy).In(bounds) && dark(b, x+dx, y+dy)
				}
			}
			if !found {
				miss++
			}
		}
	}
	if ink == 0 {
		return 1
	}
	return float64(miss) / float64(ink)
}
