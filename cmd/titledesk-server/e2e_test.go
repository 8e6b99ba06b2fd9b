package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"titledesk/app"
	"titledesk/data"
	"titledesk/forms"
	"titledesk/internal/qrscan"
	tdsync "titledesk/sync"
)

// workstation enrolls a desk at the server through app, as the clerk's
// first-run screen does, and logs login in.
func workstation(t *testing.T, b *bureau, url, role, point, login, password string) *app.Desk {
	t.Helper()
	args := []string{"admin", "enroll", "-data", b.dir, "-role", role}
	if point != "" {
		args = append(args, "-point", point)
	}
	code := strings.TrimSpace(mustCLI(t, "", args...))
	d, err := app.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	ctx := context.Background()
	if err := d.Enroll(ctx, url, code, b.fingerprint, "柜台"); err != nil {
		t.Fatalf("enroll %s: %v", role, err)
	}
	if _, err := d.Login(ctx, login, password); err != nil {
		t.Fatalf("login %s: %v", login, err)
	}
	return d
}

func syncNow(t *testing.T, d *app.Desk) {
	t.Helper()
	if err := d.Syncer().SyncOnce(context.Background()); err != nil {
		t.Fatalf("sync: %v", err)
	}
	if st := d.Syncer().Status(); st.Pending != 0 || st.Refused != 0 {
		t.Fatalf("after sync: %+v", st)
	}
}

// download fetches a portal path with the browser's session, as the
// applicant's "下载申报表" link does.
func (p *person) download(path, certFingerprint string) []byte {
	p.t.Helper()
	got, err := chromedp.Call(p.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{p.base}})
	if err != nil {
		p.t.Fatal(err)
	}
	cookies := got.Cookies
	httpc, err := tdsync.PinnedClient(certFingerprint, 10*time.Second)
	if err != nil {
		p.t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, p.base+path, nil)
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := httpc.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
		p.t.Fatalf("%s: %s %q", path, resp.Status, b[:min(len(b), 80)])
	}
	return b
}

// TestSevenSteps runs the bureau's whole guide once across the real
// server, the portal in Chromium and two workstations (clerk and bureau)
// through their app layer: register, apply with scans, unit review, first
// review, second review with the SMS queued, the applicant's 申报表 PDF
// downloaded, its QR read off the rendered page and typed into the clerk's
// scan box, counter check, payment, certification, and the audit chain
// verified at the end.
func TestSevenSteps(t *testing.T) {
	b, srv, browser := browsedBureau(t)
	files := t.TempDir()
	ctx := context.Background()

	// 1 注册账号: the unit registers and is approved; the applicant registers.
	creditCode := data.MakeCreditCode("91441900MA4UQW8R2")
	unit := newPerson(t, browser, srv.url)
	unit.open("/register/unit")
	unit.fill(`form[action="/register/unit"]`, map[string]string{"name": "东莞市粤建建筑工程有限公司", "credit_code": creditCode,
		"contact_name": "梁志华", "contact_mobile": "13922001101", "login": "yuejian", "password": "单位密码2026", "password2": "单位密码2026"})
	unit.expect("等待市人力资源局审核")
	mustCLI(t, "", "admin", "unit-approve", "-data", b.dir, "-credit-code", creditCode)
	idNumber := data.MakeIDNumber("441900", time.Date(1988, 11, 2, 0, 0, 0, 0, data.Shanghai), 57)
	he := newPerson(t, browser, srv.url)
	he.registerApplicant(map[string]string{"name": "何䶮", "id_number": idNumber, "mobile": "13800138009",
		"unit_credit_code": creditCode, "login": "heyan", "password": "个人密码2026"},
		map[string]string{"education": "大学本科", "major": "土木工程", "working_years": "8"})

	// 2 个人申报: a new application with its scans, 送审.
	appID := he.newApplication(b, "DLXH", "工程技术人员", "建筑工程工程师", "中级")
	required, err := b.store(t).RequiredMaterials(ctx, "中级")
	if err != nil {
		t.Fatal(err)
	}
	for i, kind := range required {
		he.do(chromedp.SetValue(chromedp.CSS(`[name=kind]`), kind),
			chromedp.SetUploadFiles(chromedp.CSS(`[name=file]`), []string{scanFile(t, files, "m"+string(rune('a'+i))+".jpg", uint8(20*i))}))
		he.click(`form.upload button`)
		he.expect("材料已上传")
	}
	he.click(`form[action$="/submit"] button`)
	he.expect("已送审")

	// 3 单位审核: the unit approves with a publicity period.
	unit.open("/login")
	unit.fill(`form[action="/login"]`, map[string]string{"login": "yuejian", "password": "单位密码2026"})
	unit.expect("个人职称审核管理")
	unit.open("/unit/applications/" + appID)
	cal := data.DefaultCalendar()
	unit.fill(`form[action$="/approve"]`, map[string]string{"opinion": "经审核，该同志材料真实，已公示无异议，同意申报。",
		"publicity_start": must(cal.AddWorkingDays(time.Now(), -8)).Format(time.DateOnly), "publicity_end": must(cal.AddWorkingDays(time.Now(), -2)).Format(time.DateOnly)})
	unit.expect("已审核通过")

	// 4 初审 at the liaison point's workstation.
	clerk := workstation(t, b, srv.url, "clerk", "DLXH", "chen", "柜台密码chen2026")
	v, err := clerk.View(ctx, appID)
	if err != nil || v.Status != data.StatusLiaisonReview || len(v.Attachments) != len(required) {
		t.Fatalf("clerk desk sees %+v %v", v, err)
	}
	for _, at := range v.Attachments {
		if !clerk.Blobs().Has(at.SHA256) {
			t.Errorf("scan %s not on the clerk's desk", at.Kind)
		}
	}
	if _, err := clerk.Do(ctx, data.Command{Action: data.ActionLiaisonPass, ApplicationID: appID}); err != nil {
		t.Fatal(err)
	}
	syncNow(t, clerk)

	// 5 复审 at the bureau; the SMS is queued.
	reviewer := workstation(t, b, srv.url, "bureau", "", "wang", "复审密码wang2026")
	if _, err := reviewer.Do(ctx, data.Command{Action: data.ActionBureauPass, ApplicationID: appID}); err != nil {
		t.Fatal(err)
	}
	syncNow(t, reviewer)
	if out := mustCLI(t, "", "admin", "sms-list", "-data", b.dir); !strings.Contains(out, "13800138009") || !strings.Contains(out, "已通过复审") {
		t.Errorf("sms-list after the bureau passed:\n%s", out)
	}

	// The finance system issues the notice; the bureau imports its export.
	stored, err := b.store(t).Application(ctx, appID)
	if err != nil {
		t.Fatal(err)
	}
	appNo := stored.No
	notices := filepath.Join(files, "缴款通知书清单.xlsx")
	writeXLSX(t, notices, [][]any{{"申请编号", "缴款通知书编号", "缴款码", "应缴金额", "收款单位", "缴款期限", "支付链接"},
		{appNo, "4419026000000123", "441926120300000123", 300, "东莞市人力资源局", time.Now().AddDate(0, 0, 30).Format(time.DateOnly), "https://pay.gdzwfw.gov.cn/pay/441926120300000123"},
		{"2099000001", "4419026000000124", "441926120300000124", 300, "东莞市人力资源局", "", ""},
		{appNo, "4419026000000123", "441926120300000123", 300, "东莞市人力资源局", "", ""},
		{appNo, "4419026000000125", "441926120300000125", "3OO.00", "东莞市人力资源局", "", ""}})
	out := mustCLI(t, "", "admin", "notices-import", "-data", b.dir, "-file", notices)
	for _, want := range []string{"4 rows, 1 applied", "第3行 4419026000000124 找不到申请编号 2099000001\n  未导入 第4行 4419026000000123 缴款通知书编号与第 2 行重复\n  未导入 第5行", "3OO.00"} {
		if !strings.Contains(out, want) {
			t.Errorf("notices-import lacks %q:\n%s", want, out)
		}
	}

	// 6 递交纸质材料: the applicant prints the sealed form from the portal; the
	// clerk scans its QR and checks the originals.
	he.open("/applications/" + appID)
	he.expect("下载申报表")
	pdf := he.download("/applications/"+appID+"/form.pdf", b.fingerprint)
	payload, err := qrscan.FromPDF(pdf)
	if err != nil {
		t.Fatal(err)
	}
	syncNow(t, clerk)
	res, err := clerk.Scan(ctx, " "+strings.ToLower(payload)+"\n") // as a scanner in keyboard mode may type it
	if err != nil || res.Verdict.Status != forms.Genuine || res.View == nil || res.View.ID != appID {
		t.Fatalf("scan of the downloaded form: %+v %v", res, err)
	}
	var checks []data.AttachmentCheck
	for _, at := range res.View.Attachments {
		checks = append(checks, data.AttachmentCheck{AttachmentID: at.ID, Check: data.CheckMatch})
	}
	if _, prints, err := clerk.Accept(ctx, appID, checks); err != nil || len(prints) != 2 {
		t.Fatalf("counter accept: %v (%d printed)", err, len(prints))
	} else if text := qrscan.Text(t, prints[1].Path); !strings.Contains(text, "441926120300000123") {
		t.Errorf("the notice printed at the counter lacks the imported 缴款码:\n%s", text)
	}

	// 7 缴费, then 发证.
	fee, _ := clerk.Store.Fee(ctx, "中级")
	proof := scanFile(t, files, "缴费截图.jpg", 90)
	if _, err := clerk.RecordPayment(ctx, appID, app.PaymentInput{Channel: "微信", Amount: fee, ReceiptNo: "4200001234202612030000000123", PaidAt: time.Now(), ProofFile: proof}); err != nil {
		t.Fatal(err)
	}
	syncNow(t, clerk)
	syncNow(t, reviewer)
	// 发证 waits for the statement; once imported the payment is 已对账 and
	// the applicant sees 已到账.
	if v, _ := reviewer.View(ctx, appID); slices.ContainsFunc(v.Actions, func(t data.Transition) bool { return t.Action == data.ActionCertify }) {
		t.Error("发证 offered before the payment reconciled")
	}
	statement := filepath.Join(files, "对账单.csv")
	if err := os.WriteFile(statement, []byte("\uFEFF缴款码,实缴金额,缴款时间,交易流水号,缴款渠道\n441926120300000123,300.00,"+time.Now().Format("2006-01-02 15:04:05")+",JY20261203000123,微信\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := mustCLI(t, "", "admin", "statement-import", "-data", b.dir, "-file", statement); !strings.Contains(out, "已对账 1") {
		t.Errorf("statement-import:\n%s", out)
	}
	he.open("/applications/" + appID)
	he.expect("已到账")
	he.shot("application-paid")
	syncNow(t, reviewer)
	if out := mustCLI(t, "", "admin", "certificate-pattern", "-data", b.dir, "-set", "东职证〔{YYYY}〕{SEQ:5}号"); !strings.Contains(out, "〕00001号") {
		t.Errorf("certificate-pattern:\n%s", out)
	}
	if _, err := reviewer.Certify(ctx, appID, "", time.Now()); err != nil { // numbered by the server
		t.Fatal(err)
	}
	syncNow(t, reviewer)

	final, err := b.store(t).Application(ctx, appID)
	if err != nil {
		t.Fatal(err)
	}
	if final.Status != data.StatusCertified || final.Certificate.No != data.CertificatePattern("东职证〔{YYYY}〕{SEQ:5}号").Format(final.Certificate.IssuedAt, 1) || final.Payment.Channel != "微信" || final.Payment.ProofSHA256 == "" {
		t.Fatalf("server record: %s %+v %+v", final.Status, final.Certificate, final.Payment)
	}
	if _, err := os.Stat(filepath.Join(b.dir, "blobs", final.Payment.ProofSHA256[:2], final.Payment.ProofSHA256)); err != nil {
		t.Errorf("payment proof not uploaded: %v", err)
	}
	he.open("/applications")
	he.expect(final.Certificate.No)

	// The certificate: downloaded by the applicant, its QR a URL of 证书查询
	// that an employer's phone opens; the bureau desk verifies it offline.
	he.open("/applications/" + appID)
	he.expect("下载职称证书（PDF）")
	code, err := qrscan.FromPDF(he.download("/applications/"+appID+"/certificate.pdf", b.fingerprint))
	if err != nil {
		t.Fatal(err)
	}
	if want := "HTTPS://" + strings.ToUpper(strings.TrimPrefix(srv.url, "https://")) + "/V/TD1.C." + final.No + ".1."; !strings.HasPrefix(code, want) {
		t.Fatalf("the certificate's QR reads %q, want %s…", code, want)
	}
	if res, err := reviewer.Scan(ctx, code); err != nil || res.Verdict.Status != forms.Genuine {
		t.Errorf("the bureau desk's verdict: %+v %v", res, err)
	}
	employer := newPerson(t, browser, srv.url)
	employer.do(chromedp.Navigate(code))
	employer.expect("真实有效")
	employer.expect(final.Certificate.No)
	employer.expect(data.MaskIDNumber(idNumber))
	employer.shot("certificate-genuine")
	employer.do(chromedp.EmulateViewport(375, 812))
	employer.open("/V/" + code[strings.Index(code, "TD1."):])
	employer.expect("真实有效")
	employer.shot("certificate-genuine-phone")
	employer.do(chromedp.EmulateViewport(1366, 900))
	// A seal altered by one character, and a number with the wrong name.
	forged := []byte(code)
	forged[len(forged)-5] ^= 'A' ^ 'B'
	employer.do(chromedp.Navigate(string(forged)))
	employer.expect("伪造")
	employer.shot("certificate-forged")
	employer.open("/certificate?no=" + url.QueryEscape(final.Certificate.No) + "&name=" + url.QueryEscape("何岩"))
	employer.expect("查无此证")
	employer.open("/certificate?no=" + url.QueryEscape(final.Certificate.No) + "&name=" + url.QueryEscape("何䶮"))
	employer.expect("真实有效")

	// 站内消息: every step's message to the applicant, and the unit's own.
	he.open("/messages")
	he.expect("已发证，证书编号" + final.Certificate.No)
	he.expect("已通过单位审核")
	if strings.Contains(he.text(), "请登录专业技术人才服务系统进行单位审核") {
		t.Error("the applicant reads the unit's message")
	}
	unit.open("/unit/messages")
	unit.expect("何䶮的职称申请（编号" + final.No + "）已送审")
	unit.shot("messages-unit")

	// Revoked by the bureau: 证书查询 and the desk say so; no more download.
	if _, err := reviewer.Do(ctx, data.Command{Action: data.ActionCertificateRevoke, ApplicationID: appID, Reasons: []string{"材料弄虚作假"}}); err != nil {
		t.Fatal(err)
	}
	syncNow(t, reviewer)
	employer.do(chromedp.Navigate(code))
	employer.expect("已撤销")
	employer.expect("材料弄虚作假")
	employer.shot("certificate-revoked")
	if res, err := reviewer.Scan(ctx, code); err != nil || res.Verdict.Status != forms.Revoked {
		t.Errorf("the bureau desk's verdict after revoking: %+v %v", res, err)
	}
	he.open("/applications/" + appID)
	he.expect("证书已撤销")
	if strings.Contains(he.text(), "下载职称证书") {
		t.Error("a revoked certificate is still offered for download")
	}
	if sms, err := b.store(t).SMSLog(ctx, 1); err != nil || len(sms) != 1 || sms[0].ApplicationID != appID || !strings.Contains(sms[0].Text, "已被市局撤销，原因：材料弄虚作假") {
		t.Errorf("the revocation's SMS: %+v %v", sms, err)
	}
	if out := mustCLI(t, "", "admin", "verify-audit", "-data", b.dir); !strings.Contains(out, "intact") {
		t.Errorf("verify-audit: %s", out)
	}
}

// writeXLSX writes rows to a one-sheet workbook, as the finance system's
// export would be.
func writeXLSX(t *testing.T, path string, rows [][]any) {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	for r, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, r+1)
		if err := x.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// must is a working-day count of a year the default calendar knows.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
