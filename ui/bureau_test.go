package ui

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
	"github.com/xuri/excelize/v2"

	"titledesk/app"
	"titledesk/data"
	"titledesk/internal/qrscan"
	"titledesk/internal/testworld"
)

// bureauRig is a reviewer logged in at a bureau desk of the world, synced.
func bureauRig(t *testing.T, w *testworld.World) *rig {
	r := rigOn(t, w.Enrolled(t, ""))
	r.mustShow("市局复审工作站")
	r.loginAs("wang", testworld.Password)
	return r
}

func (r *rig) navLabels() []string {
	var out []string
	for _, t := range r.ws.shell.tasks {
		out = append(out, t.label)
	}
	return out
}

func TestRolesSeeTheirOwnScreens(t *testing.T) {
	w := testworld.New(t)
	b := bureauRig(t, w)
	if got := strings.Join(b.navLabels(), " "); got != "复审 发证 对账 统计 同步 设置" {
		t.Errorf("bureau navigation: %s", got)
	}
	c := rigOn(t, w.Enrolled(t, "DLXH"))
	c.loginAs("chen", testworld.Password)
	for _, l := range c.navLabels() {
		if l == "复审" || l == "发证" || l == "统计" {
			t.Errorf("a clerk desk shows %s", l)
		}
	}
	// A clerk cannot log in at the bureau's desk; a reviewer's account never
	// even reaches a clerk's.
	for _, c := range []struct {
		r          *rig
		login, say string
	}{{b, "chen", "不属于本工作站所在的单位"}, {c, "wang", "用户名或密码不正确"}} {
		c.r.ws.Desk.Logout()
		c.r.ws.showLogin(false)
		c.r.typeLogin(c.login, testworld.Password)
		c.r.mustShow(c.say)
	}
	if _, err := c.ws.Desk.Store.ClerkByLogin(context.Background(), "wang"); data.ErrorCode(err) != data.ENOTFOUND {
		t.Errorf("the reviewer's account reached a clerk desk: %v", err)
	}
}

// column is what the shown table has in the column titled title, row by
// row, as its cells draw it.
func (r *rig) column(title string) []string {
	r.t.Helper()
	tbl := &find(r, func(*keyTable) bool { return true }).Table
	head := tbl.CreateHeader()
	rows, cols := tbl.Length()
	for c := 0; c < cols; c++ {
		tbl.UpdateHeader(widget.TableCellID{Row: -1, Col: c}, head)
		if head.(*widget.Label).Text != title {
			continue
		}
		var out []string
		cell := tbl.CreateCell()
		for i := 0; i < rows; i++ {
			tbl.UpdateCell(widget.TableCellID{Row: i, Col: c}, cell)
			out = append(out, cell.(*widget.Label).Text)
		}
		return out
	}
	r.t.Fatalf("no column %s", title)
	return nil
}

func TestSecondReviewPassRejectAndCertify(t *testing.T) {
	w := testworld.New(t)
	review := append(w.Apps(t, 2, "DLXH", data.StatusBureauReview), w.Apps(t, 1, "JZXH", data.StatusBureauReview)...)
	paid := w.Apps(t, 2, "JZXH", data.StatusPaid)
	r := bureauRig(t, w)
	ctx := context.Background()

	r.ws.shell.Task("复审")
	r.mustShow("共 3 条") // every point's
	if got := strings.Join(r.column("人才联络点"), ","); got != "东莞市电力行业协会,东莞市电力行业协会,东莞市建筑行业协会" {
		t.Errorf("人才联络点 column: %s", got)
	}
	r.openFromQueue("复审", review[0].No)
	if r.shows("初审通过") || r.shows("退回申报人") {
		t.Error("a reviewer is offered a clerk's command")
	}
	r.decide("复审通过")
	if got := r.status(review[0].ID); got != data.StatusAwaitingPaper {
		t.Fatalf("pass: %s", got)
	}
	r.key(fyne.KeyEscape)
	r.openFromQueue("复审", review[2].Name)
	r.tap("复审不通过")
	find(r, func(*widget.CheckGroup) bool { return true }).SetSelected([]string{"从事专业技术工作年限不足"})
	r.typeFocusedInto(func(e *keyEntry) bool { return e.MultiLine }, "2019 年前的业绩不能计入")
	r.key(fyne.KeyReturn)
	if got := r.status(review[2].ID); got != data.StatusBureauRejected {
		t.Fatalf("reject: %s", got)
	}

	// 发证: one number typed, one given by the server.
	r.openFromQueue("发证", paid[0].No)
	r.tap("发证")
	r.typeFocused("粤职证字 2026-000123")
	r.key(fyne.KeyReturn)
	r.mustShow("已发证，证书编号 粤职证字 2026-000123")
	r.key(fyne.KeyEscape)
	// Back on 发证, the application has left 待发证 for the register.
	if r.shows(paid[0].No) {
		t.Errorf("待发证 still lists %s after its certificate:\n%s", paid[0].No, strings.Join(r.texts(), "\n"))
	}
	find(r, func(*tabs) bool { return true }).Select(1)
	r.mustShow(paid[0].No)
	r.openFromQueue("发证", paid[1].No)
	r.tap("发证")
	r.key(fyne.KeyReturn)
	r.mustShow("已发证，证书编号 待市局服务器编号（同步后显示）")

	r.syncNow()
	srv := func(a *data.Application) *data.Application {
		got, err := w.DB.Application(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if a := srv(review[0]); a.Status != data.StatusAwaitingPaper || a.FormSeal == "" {
		t.Errorf("passed on the server: %s, seal %q", a.Status, a.FormSeal)
	}
	if a := srv(review[2]); a.Status != data.StatusBureauRejected || a.Decisions[len(a.Decisions)-1].Note != "2019 年前的业绩不能计入" {
		t.Errorf("rejected on the server: %s %+v", a.Status, a.Decisions[len(a.Decisions)-1])
	}
	if a := srv(paid[0]); a.Certificate == nil || a.Certificate.No != "粤职证字 2026-000123" {
		t.Errorf("certified on the server: %+v", a.Certificate)
	}
	auto := data.DefaultCertificatePattern.Format(time.Now(), 1)
	if a := srv(paid[1]); a.Certificate == nil || a.Certificate.No != auto {
		t.Errorf("server-numbered certificate: %+v, want %s", a.Certificate, auto)
	}

	// The register finds a certificate, and its export reads back.
	r.ws.shell.Task("发证")
	find(r, func(*tabs) bool { return true }).Select(1)
	reg := r.queueSearch()
	reg.SetText(paid[0].Name)
	r.mustShow("共 1 条")
	r.tap("导出 Excel")
	x, err := excelize.OpenFile(r.opened[len(r.opened)-1])
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("证书登记簿")
	x.Close()
	if len(rows) != 2 || strings.Join(rows[0], ",") != strings.Join(app.RegisterColumns, ",") || rows[1][0] != "粤职证字 2026-000123" || rows[1][2] != paid[0].No {
		t.Errorf("register workbook: %q", rows)
	}
	reg.SetText("粤职证字 2026-0001") // a certificate number as printed, typed in part
	r.mustShow("共 1 条")
	reg.SetText("")
	r.tap("导出 CSV")
	f, err := os.Open(r.opened[len(r.opened)-1])
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(recs) != 3 {
		t.Errorf("register CSV: %q %v", recs, err)
	}
}

func TestStatisticsTableChartAndExport(t *testing.T) {
	w := testworld.New(t)
	w.Apps(t, 3, "DLXH", data.StatusLiaisonReview)
	w.Apps(t, 1, "DLXH", data.StatusBureauReview)
	paid := w.Apps(t, 2, "JZXH", data.StatusPaid)
	r := bureauRig(t, w)
	r.ws.shell.Task("统计")
	r.mustShow("当日缴费：")
	r.mustShow(fmt.Sprintf("净额 %s 元　　当月缴费", paid[0].Notice.Amount+paid[1].Notice.Amount))
	// 合计 first on screen, kept in sight while the points scroll.
	if col := r.column("人才联络点"); len(col) != 3 || col[0] != "合计" {
		t.Errorf("on screen the points are %q", col)
	}
	if n := find(r, func(*keyTable) bool { return true }).StickyRowCount; n != 1 {
		t.Errorf("%d rows stay in sight", n)
	}
	chart := find(r, func(*barChart) bool { return true })
	if len(chart.bars) != 2 || chart.bars[0].total+chart.bars[1].total != 6 {
		t.Errorf("chart bars %+v", chart.bars)
	}
	r.tap("导出 Excel")
	x, err := excelize.OpenFile(r.opened[len(r.opened)-1])
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, _ := x.GetRows("各联络点统计")
	got := map[string]string{}
	for _, row := range rows[1:] {
		got[row[0]] = strings.Join(row[1:], ",")
	}
	// Columns: StatsColumns, then 逾期未补正 and 合计.
	if got["东莞市电力行业协会"] != "3,1,0,0,0,0,0,0,0,4" || got["东莞市建筑行业协会"] != "0,0,0,0,0,0,2,0,0,2" ||
		got["合计"] != "3,1,0,0,0,0,2,0,0,6" || rows[len(rows)-1][0] != "合计" {
		t.Errorf("statistics workbook: %q", rows)
	}
	steps, _ := x.GetRows("月度各环节")
	if len(steps) < 1+len(data.Steps) || steps[0][0] != "人才联络点" || steps[len(steps)-1][0] != "合计" || steps[len(steps)-1][1] != "发证" {
		t.Errorf("the month's steps: %q", steps)
	}
	pay, _ := x.GetRows("缴费统计")
	if len(pay) != 5 || pay[1][0] != "当日" || pay[1][2] != "2" || pay[2][1] != "净额" {
		t.Errorf("payments sheet: %q", pay)
	}
	r.tap("导出 CSV")
	b, _ := os.ReadFile(r.opened[len(r.opened)-1])
	if !strings.HasPrefix(string(b), "\uFEFF人才联络点,") {
		t.Errorf("CSV starts %q", string(b[:min(len(b), 40)]))
	}
}

// TestClerkToBureauAndBackOnScreen is TestClerkToBureauAndBack of sync
// driven through both workstations' screens.
func TestClerkToBureauAndBackOnScreen(t *testing.T) {
	w := testworld.New(t)
	a := w.Apps(t, 1, "DLXH", data.StatusLiaisonReview)[0]
	clerk := rigOn(t, w.Enrolled(t, "DLXH"))
	clerk.loginAs("chen", testworld.Password)
	clerk.openFromQueue("初审", a.No)
	clerk.decide("初审通过")
	clerk.syncNow()

	b := bureauRig(t, w)
	b.openFromQueue("复审", a.No)
	b.decide("复审通过")
	b.syncNow()
	sms, _ := w.DB.SMSLog(context.Background(), 10) // newest first
	if len(sms) == 0 || sms[0].ApplicationID != a.ID || sms[0].Template != "bureau_pass/applicant" {
		t.Errorf("SMS queued: %+v", sms)
	}

	clerk.syncNow()
	clerk.scan(a.No)
	clerk.mustShow("复审通过·待交纸质材料")
	clerk.tap("打印申报表")
	clerk.printPreview()
	pdf, err := os.ReadFile(clerk.opened[len(clerk.opened)-1])
	if err != nil {
		t.Fatal(err)
	}
	qr, err := qrscan.FromPDF(pdf)
	if err != nil {
		t.Fatal(err)
	}
	clerk.scan(qr)
	if text, c := clerk.banner(); !strings.HasPrefix(text, "正本有效") || c != colorGood {
		t.Errorf("the printed form's QR: %q", text)
	}
	clerk.mustShow("现场核验：申请 " + a.No)
}

// TestBureauReasonsComeToTheReturn: the bureau refuses at 复审 with two
// reasons and a note; at the liaison point, returning it to the applicant
// starts with them ticked and written, the scans beside.
func TestBureauReasonsComeToTheReturn(t *testing.T) {
	w := testworld.New(t)
	a := w.Apps(t, 1, "DLXH", data.StatusBureauReview)[0]
	b := bureauRig(t, w)
	b.openFromQueue("复审", a.No)
	b.tap("复审不通过")
	reasons := find(b, func(*widget.CheckGroup) bool { return true })
	if len(reasons.Options) < 2 {
		t.Fatalf("the catalogue offers %v", reasons.Options)
	}
	picked := reasons.Options[:2]
	reasons.SetSelected(picked)
	note := find(b, func(e *keyEntry) bool { return e.MultiLine })
	note.SetText("学历证书扫描件缺第二页")
	b.key(fyne.KeyReturn)
	if got := b.status(a.ID); got != data.StatusBureauRejected {
		t.Fatalf("复审不通过: %s", got)
	}
	b.syncNow()

	clerk := rigOn(t, w.Enrolled(t, "DLXH"))
	clerk.loginAs("chen", testworld.Password)
	clerk.syncNow()
	clerk.openFromQueue("市局退回", a.No)
	clerk.tap("退回申报人")
	if got := find(clerk, func(*widget.CheckGroup) bool { return true }).Selected; !slices.Equal(got, picked) {
		t.Errorf("the return starts with %v ticked, the bureau gave %v", got, picked)
	}
	if got := find(clerk, func(e *keyEntry) bool { return e.MultiLine }).Text; got != "学历证书扫描件缺第二页" {
		t.Errorf("the return's note starts as %q", got)
	}
	clerk.mustShow("1 / ") // the scans beside
	clerk.key(fyne.KeyReturn)
	if got := clerk.status(a.ID); got != data.StatusReturnedToApplicant {
		t.Errorf("returned: %s", got)
	}
}

// TestBureauSeesPaymentAndScansAtCertify: a WeChat payment recorded with
// its proof at the liaison point shows on the bureau's desk at 发证: the
// payment in the detail, and the scans and the proof, which a bureau desk
// does not fetch ahead for a paid application, fetched when looked at.
// Offline, the viewer says so instead of asking for a sync.
func TestBureauSeesPaymentAndScansAtCertify(t *testing.T) {
	ctx := context.Background()
	w := testworld.New(t)
	apps := w.Apps(t, 2, "DLXH", data.StatusAwaitingPayment)
	clerk := w.Desk(t, "DLXH", "chen")
	shot := image.NewRGBA(image.Rect(0, 0, 300, 200))
	for i := range shot.Pix {
		shot.Pix[i] = uint8(i % 251) // colours of every kind, opaque or not
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, shot); err != nil {
		t.Fatal(err)
	}
	proof := filepath.Join(t.TempDir(), "微信支付截图.png")
	if err := os.WriteFile(proof, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	const ref = "4200001234202612030000000990"
	for i, a := range apps {
		in := app.PaymentInput{Channel: "微信", Amount: a.Notice.Amount, ReceiptNo: ref[:27] + strconv.Itoa(i), PaidAt: time.Now(), ProofFile: proof}
		if _, err := clerk.RecordPayment(ctx, a.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	testworld.Drain(t, clerk)

	r := bureauRig(t, w)
	net := testworld.Inject(r.ws.Desk)
	r.openFromQueue("发证", apps[0].No)
	n := len(apps[0].Attachments)
	r.mustShow(fmt.Sprintf("1 / %d　%s", n+1, apps[0].Attachments[0].Kind))
	r.key(fyne.KeyPageUp)
	r.mustShow(fmt.Sprintf("%d / %d　%s", n+1, n+1, app.ProofKind))
	if r.shows("本机还没有") || r.shows("无法显示") {
		t.Fatalf("the bureau does not see the proof:\n%s", strings.Join(r.texts(), "\n"))
	}
	r.tap("单位意见")
	r.mustShow("微信　" + apps[0].Notice.Amount.String() + " 元　微信支付交易单号 " + ref)
	r.mustShow("有缴费凭证图片")
	r.key(fyne.KeyEscape)

	net.Offline()
	r.openFromQueue("发证", apps[1].No)
	r.mustShow("本机还没有这份文件；离线，联网后同步时取回")
	net.Set(nil, nil)
	r.key(fyne.KeyPageDown) // and back: shown again, it is fetched again
	r.key(fyne.KeyPageUp)
	r.mustShow(fmt.Sprintf("1 / %d　%s", n+1, apps[1].Attachments[0].Kind))
	if r.shows("本机还没有") {
		t.Errorf("the scan did not come once online:\n%s", strings.Join(r.texts(), "\n"))
	}
}

// TestCertifyAllNumberedByServer: 全部发证 lists what the filters keep
// that may be certified now, says what it does and certifies them all on
// Enter; one certified meanwhile is listed as not done, with why, and the
// rest go on. The server numbers each certificate by the bureau's pattern.
func TestCertifyAllNumberedByServer(t *testing.T) {
	ctx := context.Background()
	w := testworld.New(t)
	paid := w.Apps(t, 3, "DLXH", data.StatusPaid)
	if err := w.DB.SetCertificatePattern(ctx, "东职证〔{YYYY}〕{SEQ:4}号"); err != nil {
		t.Fatal(err)
	}
	r := bureauRig(t, w)
	r.ws.shell.Task("发证")
	r.tap("全部发证…")
	r.mustShow("以下 3 件：申请将从“已缴费”转为“已发证”")
	for _, a := range paid {
		r.mustShow(a.No + "　" + a.Name)
	}
	// Certified from its detail meanwhile, with a number typed.
	if _, err := r.ws.Desk.Certify(ctx, paid[1].ID, "东职证〔2026〕0900号", time.Now()); err != nil {
		t.Fatal(err)
	}
	r.key(fyne.KeyReturn)
	r.mustShow("已发证 2 件；以下 1 件未办，原因见各行")
	r.mustShow(paid[1].No + "　" + paid[1].Name)
	r.mustShow("未办：")
	r.key(fyne.KeyReturn) // nothing left to confirm
	r.key(fyne.KeyEscape)
	r.syncNow()
	var nos []string
	for _, a := range paid {
		got, err := w.DB.Application(ctx, a.ID)
		if err != nil || got.Status != data.StatusCertified {
			t.Fatalf("%s on the server: %+v %v", a.No, got, err)
		}
		nos = append(nos, got.Certificate.No)
	}
	year := time.Now().In(data.Shanghai).Format("2006")
	if want := []string{"东职证〔" + year + "〕0001号", "东职证〔2026〕0900号", "东职证〔" + year + "〕0002号"}; !slices.Equal(nos, want) {
		t.Errorf("numbers %q, want %q", nos, want)
	}
	r.ws.shell.Task("发证")
	find(r, func(*tabs) bool { return true }).Select(1)
	r.mustShow("东职证〔" + year + "〕0002号")
}

// TestRevokeCertificate: the bureau revokes a certificate from the
// detail, with a reason and the consequence said first; the detail then
// shows it revoked and offers it no more.
func TestRevokeCertificate(t *testing.T) {
	ctx := context.Background()
	w := testworld.New(t)
	a := w.Apps(t, 1, "DLXH", data.StatusCertified)[0]
	r := bureauRig(t, w)
	r.scan(a.No)
	r.tap("撤销证书")
	r.mustShow("证书将被撤销：证书查询将答复“已撤销”")
	find(r, func(*widget.CheckGroup) bool { return true }).SetSelected([]string{"材料弄虚作假"})
	r.tap("确定")
	r.mustShow("证书撤销")
	if slices.Contains(r.texts(), "撤销证书") {
		t.Error("a revoked certificate is offered for revoking again")
	}
	r.syncNow()
	got, err := w.DB.Application(ctx, a.ID)
	if err != nil || got.Status != data.StatusCertified || got.Certificate.RevokedAt.IsZero() || got.Certificate.RevokedWhy != "材料弄虚作假" {
		t.Fatalf("on the server: %+v %v", got.Certificate, err)
	}
}

// TestReopenFromTheBureauDesk: a reviewer takes back a 不予受理 made in
// error from the detail, with a reason, the consequence said first; the
// application is back at the counter on the server.
func TestReopenFromTheBureauDesk(t *testing.T) {
	ctx := context.Background()
	w := testworld.New(t)
	a := w.Apps(t, 1, "DLXH", data.StatusAwaitingPaper)[0]
	clerk := w.Desk(t, "DLXH", "chen")
	if _, err := clerk.Do(ctx, data.Command{Action: data.ActionPaperReject, ApplicationID: a.ID, Reasons: []string{"材料弄虚作假"}}); err != nil {
		t.Fatal(err)
	}
	testworld.Drain(t, clerk)
	r := bureauRig(t, w)
	r.scan(a.No)
	r.tap("更正（恢复办理）")
	r.mustShow("撤销最近一次决定，申请恢复到该决定之前的状态")
	if sel := find(r, func(*widget.CheckGroup) bool { return true }).Selected; len(sel) != 0 {
		t.Errorf("the correction starts with the rejection's reasons ticked: %v", sel)
	}
	r.typeFocusedInto(func(e *keyEntry) bool { return e.MultiLine }, "经复核，原件齐全，不予受理系误操作")
	find(r, func(*widget.CheckGroup) bool { return true }).SetSelected([]string{"其他"})
	r.tap("确定")
	r.syncNow()
	got, err := w.DB.Application(ctx, a.ID)
	if err != nil || got.Status != data.StatusAwaitingPaper || got.SupplementDeadline.IsZero() {
		t.Fatalf("on the server: %+v %v", got, err)
	}
}
