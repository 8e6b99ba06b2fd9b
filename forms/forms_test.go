package forms

import (
	"bytes"
	"crypto/ed25519"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jung-kurt/gofpdf"

	"titledesk/data"
	"titledesk/internal/qrscan"
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
	notice = PaymentNotice{
		NoticeNo: "4419001-DG0417-20261009-0005", PaymentCode: "44190026100900051", AppNo: "KH2026-000123", Version: 10,
		Payer: "李䶮", PayerID: "441900199001011234", Item: "专业技术资格考核认定费", Amount: 100560,
		Payee: "东莞市人力资源和社会保障局", Account: "4400 1777 0080 5300 0123", Bank: "中国建设银行东莞分行营业部",
		Issuer: "东莞市电力行业协会", Clerk: "陈晓敏", Date: printedAt,
	}
	daily = DailyReport{Date: printedAt, LiaisonPoint: "东莞市电力行业协会", Device: "DG0417", Clerk: "陈晓敏",
		Payments: []Payment{
			{"4419001-DG0417-20261009-0001", "KH2026-000101", "张伟", "专业技术资格考核认定费", "银行柜台", 10000, printedAt.Add(-2 * time.Hour)},
			{"4419001-DG0417-20261009-0002", "KH2026-000117", "王芳", "专业技术资格考核认定费", "微信", 10000, printedAt.Add(-90 * time.Minute)},
			{"4419001-DG0417-20261009-0005", "KH2026-000123", "李䶮", "专业技术资格考核认定费", "微信", 100560, printedAt.Add(time.Hour)},
			{"4419001-DG0417-20261009-0006", "KH2026-000131", "欧阳娜娜", "专业技术资格考核认定费", "银行柜台", 25050, printedAt.Add(2 * time.Hour)},
		}}
)

// samples are the five documents as the benchmarks and screenshots use them.
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

// decodeQR reads the seal off page 1 as a scanner would.
func decodeQR(t *testing.T, pdf []byte) string {
	t.Helper()
	text, err := qrscan.FromPDF(pdf)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

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
				for _, r := range l.rows {
					want = append(want, r...)
				}
			}
			want = append(want, s.notes...)
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
			scanned := decodeQR(t, p.PDF)
			if scanned != p.Payload {
				t.Fatalf("QR decodes to %q, sealed %q", scanned, p.Payload)
			}
			if v := Verify(scanned, keys, lookupOf(c.doc)); v.Status != Genuine {
				t.Errorf("verdict %v %s", v.Status, v.Message)
			}
		})
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
		{"garbage", "https://example.com/", lookupOf(form), Forged},
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

// must is a working-day count of a year the default calendar knows.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
