package ui

import (
	"context"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"titledesk/data"
	"titledesk/internal/testdesk"
)

func (r *rig) status(id string) data.Status {
	r.t.Helper()
	v, err := r.ws.Desk.View(context.Background(), id)
	if err != nil {
		r.t.Fatal(err)
	}
	return v.Status
}

// pending are the desk's commands waiting for the server.
func (r *rig) pending() []data.Command {
	entries, err := r.ws.Desk.Store.Outbox(context.Background())
	if err != nil {
		r.t.Fatal(err)
	}
	var out []data.Command
	for _, e := range entries {
		out = append(out, e.Command)
	}
	return out
}

func TestLoginOfflineLockoutAndIdleLock(t *testing.T) {
	r := newRig(t)
	r.mustShow("经办人登录")
	r.typeFocused(testdesk.Login)
	r.key(fyne.KeyReturn)
	r.typeFocused("错误密码")
	r.key(fyne.KeyReturn)
	r.mustShow("用户名或密码不正确（还可尝试 4 次）")
	r.typeFocused(testdesk.Password)
	r.key(fyne.KeyReturn)
	r.mustShow("当前用户：陈晓敏（联络点经办人）")
	r.mustShow("离线")

	// Half-typed search survives the lock; the password gives it back.
	r.ws.shell.Task("初审")
	search := r.queueSearch()
	search.SetText("张")
	r.ws.Lock()
	if r.ws.Desk.Clerk() != nil {
		t.Fatal("lock kept the clerk logged in")
	}
	r.mustShow("屏幕已锁定（陈晓敏）")
	r.typeFocused(testdesk.Password)
	r.key(fyne.KeyReturn)
	if search.Text != "张" || !r.shows("共 ") {
		t.Errorf("after unlock the search reads %q", search.Text)
	}

	// Five wrong passwords lock the login.
	r.ws.Lock()
	for i := 0; i < 5; i++ {
		r.typeFocused("错")
		r.key(fyne.KeyReturn)
	}
	r.mustShow("账号已锁定 5 分钟")
}

// openQueueRow opens the queue task and, after a search, its first row.
func (r *rig) openFromQueue(task, search string) {
	r.t.Helper()
	r.ws.shell.Task(task)
	e := r.queueSearch()
	r.ws.Win.Canvas().Focus(e)
	r.typeFocused(search)
	r.mustShow("共 1 条")
	r.key(fyne.KeyReturn)
}

func TestFirstReviewPassAndReturn(t *testing.T) {
	r := newRig(t)
	r.login()
	apps := r.fx.Apps[data.StatusLiaisonReview]

	r.openFromQueue("初审", apps[0].No)
	r.mustShow("申请编号 " + apps[0].No)
	r.mustShow("单位审核意见")
	r.decide("初审通过")
	if got := r.status(apps[0].ID); got != data.StatusBureauReview {
		t.Fatalf("after pass: %s", got)
	}
	r.mustShow("待同步 1 条")

	r.key(fyne.KeyEscape)
	r.openFromQueue("初审", apps[1].Name)
	r.tap("退回申报人")
	r.mustShow("一次性列出全部原因")
	picks := find(r, func(c *widget.CheckGroup) bool { return true })
	picks.SetSelected([]string{"扫描件不清晰或不完整", "缺少必需材料"})
	r.typeFocusedInto(func(e *keyEntry) bool { return e.MultiLine }, "缺少继续教育证明")
	r.key(fyne.KeyEscape) // leaves the note; Esc is cancel only off an entry…
	if got := r.status(apps[1].ID); got != data.StatusLiaisonReview {
		t.Fatalf("Esc must cancel, got %s", got)
	}
	r.tap("退回申报人")
	find(r, func(c *widget.CheckGroup) bool { return true }).SetSelected([]string{"扫描件不清晰或不完整", "缺少必需材料"})
	r.typeFocusedInto(func(e *keyEntry) bool { return e.MultiLine }, "缺少继续教育证明")
	r.tap("确定")
	if got := r.status(apps[1].ID); got != data.StatusReturnedToApplicant {
		t.Fatalf("after return: %s", got)
	}
	cmds := r.pending()
	last := cmds[len(cmds)-1]
	if last.ReturnTo != data.ReturnToApplicant || strings.Join(last.Reasons, ",") != "扫描件不清晰或不完整,缺少必需材料" || last.Note != "缺少继续教育证明" {
		t.Errorf("return command: %+v", last)
	}

	// A bureau return goes back to the unit the same way.
	back := r.fx.Apps[data.StatusBureauRejected][0]
	r.openFromQueue("市局退回", back.No)
	find(r, func(*tabs) bool { return true }).Select(2)
	r.mustShow("所学专业与申报专业不相近") // the bureau's reason in the history
	r.tap("退回单位")
	find(r, func(c *widget.CheckGroup) bool { return true }).SetSelected([]string{"所学专业与申报专业不相近"})
	r.key(fyne.KeyReturn)
	if got := r.status(back.ID); got != data.StatusReturnedToUnit {
		t.Fatalf("bureau return: %s", got)
	}
}

func (r *rig) typeFocusedInto(which func(*keyEntry) bool, text string) {
	r.t.Helper()
	e := find(r, which)
	r.ws.Win.Canvas().Focus(e)
	r.typeFocused(text)
	r.ws.Win.Canvas().Unfocus()
}

func TestScanBoxVerdicts(t *testing.T) {
	r := newRig(t)
	r.login()
	a := r.fx.Apps[data.StatusAwaitingPaper][0]

	forged := a.FormSeal[:len(a.FormSeal)-3] + "AAA"
	if forged == a.FormSeal {
		forged = a.FormSeal[:len(a.FormSeal)-3] + "BBB"
	}
	r.scan(forged)
	if text, c := r.banner(); !strings.HasPrefix(text, "伪造") || c != colorBad {
		t.Errorf("forged: %q %v", text, c)
	}
	if r.shows("申请编号 " + a.No) {
		t.Error("a forged code opened the application")
	}
	// A code read only in part, and the notice's payment code, are asked
	// again, not called forged.
	for _, code := range []string{a.FormSeal[:len(a.FormSeal)-20], "https://pay.gdzwfw.gov.cn/pay/441926120426000001"} {
		r.scan(code)
		if text, c := r.banner(); !strings.HasPrefix(text, "无法识别") || c != colorWarn {
			t.Errorf("%.20s…: %q %v", code, text, c)
		}
		if r.shows("申请编号 " + a.No) {
			t.Errorf("%.20s… opened the application", code)
		}
	}

	r.scan(a.FormSeal)
	if text, c := r.banner(); !strings.HasPrefix(text, "正本有效") || c != colorGood {
		t.Errorf("genuine: %q %v", text, c)
	}
	r.mustShow("现场核验：申请 " + a.No)

	// Back at the task, the verdict on that paper goes.
	r.key(fyne.KeyEscape)
	r.key(fyne.KeyEscape)
	if text, _ := r.banner(); text != "" {
		t.Errorf("back at the task, the banner still says %q", text)
	}
	r.scan(a.FormSeal)

	// A forged paper scanned next must not leave that check on screen.
	r.scan(forged)
	if r.shows("现场核验：申请 " + a.No) {
		t.Error("after a forged scan the previous applicant's counter check is still shown")
	}

	// The record changes after printing: the paper is stale.
	stale := r.fx.Apps[data.StatusAwaitingPaper][1]
	changed := *stale
	changed.Version++
	changed.Mobile = "13900001111"
	if err := r.ws.Desk.Store.SaveApplications(context.Background(), []*data.Application{&changed}); err != nil {
		t.Fatal(err)
	}
	r.scan(stale.FormSeal)
	if text, c := r.banner(); !strings.HasPrefix(text, "已过期") || c != colorWarn {
		t.Errorf("stale: %q %v", text, c)
	}
	if r.shows("现场核验：申请 " + stale.No) {
		t.Error("a stale form opened the counter check")
	}

	// An application number typed by hand opens the detail.
	r.scan(r.fx.Apps[data.StatusPaid][0].No)
	r.mustShow("申请编号 " + r.fx.Apps[data.StatusPaid][0].No)
}

func TestCounterAcceptAndDeficiency(t *testing.T) {
	r := newRig(t)
	r.login()
	a := r.fx.Apps[data.StatusAwaitingPaper][0]
	r.scan(a.FormSeal)
	r.key(fyne.KeyReturn)
	r.mustShow("全部一致才能受理") // nothing checked yet: accept is refused, in words
	r.tap("全部一致")
	if r.shows("全部一致才能受理") {
		t.Error("the refusal stayed after every item was marked")
	}
	r.ws.Win.Canvas().Unfocus()
	r.key(fyne.KeyReturn)
	if got := r.status(a.ID); got != data.StatusAwaitingPayment {
		t.Fatalf("accept: %s", got)
	}
	r.printPreview()
	if len(r.opened) != 2 || !strings.Contains(r.opened[0], "受理回执") || !strings.Contains(r.opened[1], "缴款通知书") {
		t.Errorf("printed %v", r.opened)
	}
	r.mustShow("受理回执已发送到打印机“TitleDesk-PDF”（1 份）")

	b := r.fx.Apps[data.StatusAwaitingPaper][2]
	r.scan(b.FormSeal)
	r.tap("全部一致")
	radios := []*widget.RadioGroup{}
	walk(r.ws.Win.Content(), func(o fyne.CanvasObject) {
		if g, ok := o.(*widget.RadioGroup); ok {
			radios = append(radios, g)
		}
	})
	radios[1].SetSelected(data.CheckMissing.Label())
	r.tap("一次性告知补正")
	r.mustShow("学历证书（未提供原件）")
	find(r, func(c *widget.CheckGroup) bool { return true }).SetSelected([]string{"未提供原件"})
	r.key(fyne.KeyReturn)
	if got := r.status(b.ID); got != data.StatusPaperDeficient {
		t.Fatalf("deficient: %s", got)
	}
	r.printPreview()
	if n := len(r.opened); n != 3 || !strings.Contains(r.opened[2], "一次性告知书") {
		t.Errorf("printed %v", r.opened)
	}

	// The one past its deadline offers 逾期退件.
	r.scan(r.fx.Overdue.No)
	r.decide("逾期退件")
	if got := r.status(r.fx.Overdue.ID); got != data.StatusExpired {
		t.Fatalf("expire: %s", got)
	}
}

func TestPaymentAndReprint(t *testing.T) {
	r := newRig(t)
	r.login()
	a := r.fx.Apps[data.StatusAwaitingPayment][0]
	// 待缴费 shows what each notice asks and since when.
	r.ws.shell.Task("待缴费")
	if amounts, days := r.column("应缴金额（元）"), r.column("通知书日期"); !slices.Contains(amounts, a.Notice.Amount.String()) ||
		!slices.Contains(days, day(a.Notice.IssuedAt)) {
		t.Errorf("待缴费 shows amounts %v on %v; want %s on %s", amounts, days, a.Notice.Amount, day(a.Notice.IssuedAt))
	}
	// Its export: every row, amounts as numbers, and a 合计 row.
	r.tap("导出 Excel")
	x, err := excelize.OpenFile(r.opened[len(r.opened)-1])
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("待缴费")
	waiting := r.fx.Apps[data.StatusAwaitingPayment]
	var sum data.Fen
	for _, w := range waiting {
		sum += w.Notice.Amount
	}
	kind, _ := x.GetCellType("待缴费", "L2")
	x.Close()
	last := rows[len(rows)-1]
	if total, err := data.ParseYuan(last[11]); len(rows) != len(waiting)+2 || last[0] != "合计" || last[1] != fmt.Sprintf("%d 件", len(waiting)) ||
		err != nil || total != sum || kind == excelize.CellTypeSharedString || kind == excelize.CellTypeInlineString {
		t.Errorf("the 待缴费 workbook (amounts stored as %v): %q", kind, rows)
	}
	r.opened = nil
	r.openFromQueue("待缴费", a.No)
	r.tap("登记缴费")
	amount := find(r, func(e *keyEntry) bool { return strings.Contains(e.PlaceHolder, "须与通知书金额一致") })
	amount.SetText("1.00")
	find(r, func(g *widget.RadioGroup) bool { return slices.Contains(g.Options, "银行柜台") }).SetSelected("银行柜台")
	r.ws.Win.Canvas().Focus(find(r, func(e *keyEntry) bool { return e.PlaceHolder == "票据号" }))
	r.typeFocused("44190012345678")
	r.key(fyne.KeyReturn)
	r.mustShow("与缴款通知书金额 " + a.Notice.Amount.String() + " 元不一致")
	amount.SetText(a.Notice.Amount.String())
	r.ws.Win.Canvas().Focus(find(r, func(e *keyEntry) bool { return e.PlaceHolder == "票据号" }))
	r.key(fyne.KeyReturn)
	if got := r.status(a.ID); got != data.StatusPaid {
		t.Fatalf("payment: %s", got)
	}
	cmds := r.pending()
	if p := cmds[len(cmds)-1].Payment; p == nil || p.ReceiptNo != "44190012345678" || p.Channel != "银行柜台" || p.Amount != a.Notice.Amount {
		t.Errorf("payment command %+v", p)
	}

	// Reprint: Ctrl+P prints the receipt again, and the print is recorded.
	r.ws.printShortcut()
	r.printPreview()
	if len(r.opened) != 1 || !strings.Contains(r.opened[0], "受理回执") {
		t.Errorf("reprint opened %v", r.opened)
	}
	cmds = r.pending()
	if c := cmds[len(cmds)-1]; c.Action != data.ActionPrint || c.Document != data.DocReceipt {
		t.Errorf("reprint recorded %+v", c)
	}
}

// TestQueueTableBuildsOnlyVisibleRows: a queue of a thousand rows is drawn
// with separators for the rows on screen only, when it opens and after a
// search (Fyne builds one per row for a table refreshed before it has a
// height; see dataTable).
func TestQueueTableBuildsOnlyVisibleRows(t *testing.T) {
	r := seededRig(t, 4000)
	r.login()
	// Hidden ones count: Fyne keeps them.
	var count func(o fyne.CanvasObject) int
	count = func(o fyne.CanvasObject) int {
		var children []fyne.CanvasObject
		switch v := o.(type) {
		case *widget.Separator:
			return 1
		case *fyne.Container:
			children = v.Objects
		case fyne.Widget:
			children = test.WidgetRenderer(v).Objects()
		}
		n := 0
		for _, c := range children {
			n += count(c)
		}
		return n
	}
	separators := func() int { return count(r.ws.Win.Content()) }
	r.ws.shell.Task("初审")
	rows, _ := find(r, func(*keyTable) bool { return true }).Length()
	if rows < 1000 {
		t.Fatalf("初审 has %d rows; the test needs a long queue", rows)
	}
	if n := separators(); n > 100 {
		t.Errorf("初审 (%d rows) drawn with %d separators", rows, n)
	}
	r.ws.shell.Task("工作台")
	r.ws.shell.Task("初审")
	r.typeFocusedInto(func(e *keyEntry) bool { return strings.HasPrefix(e.PlaceHolder, "申请编号、姓名") }, "2")
	if n := separators(); n > 100 {
		t.Errorf("初审 searched drawn with %d separators", n)
	}
}

// TestQueuesShowOwnCommandsAtOnce: offline, a passed application leaves
// 初审 and the 工作台's count at once, and an accepted one is in 待缴费,
// before any sync.
func TestQueuesShowOwnCommandsAtOnce(t *testing.T) {
	r := newRig(t)
	r.login()
	count := func(task string) string {
		r.ws.shell.Task("工作台")
		for _, s := range r.texts() {
			if n, ok := strings.CutPrefix(s, task+"\n"); ok {
				return n
			}
		}
		t.Fatalf("工作台 has no %s", task)
		return ""
	}
	before := count("初审")
	a := r.fx.Apps[data.StatusLiaisonReview][0]
	r.openFromQueue("初审", a.No)
	r.decide("初审通过")
	if after := count("初审"); after == before {
		t.Errorf("工作台 still counts %s in 初审", after)
	}
	r.ws.shell.Task("初审")
	search := r.queueSearch()
	search.SetText(a.No)
	r.mustShow("共 0 条")

	p := r.fx.Apps[data.StatusAwaitingPaper][0]
	r.scan(p.FormSeal)
	r.tap("全部一致")
	r.key(fyne.KeyReturn)
	r.openFromQueue("待缴费", p.No)
	r.mustShow("登记缴费")
}

// TestDetailSaysWhyAnActionFailed: a pull the detail has not shown yet
// makes the clerk's pass fail its check, whether it changed the status
// (another clerk passed the application) or only the version: the detail
// says why, and once it is shown again it offers only what the new state
// allows.
func TestDetailSaysWhyAnActionFailed(t *testing.T) {
	r := newRig(t)
	r.login()
	a := r.fx.Apps[data.StatusLiaisonReview][0]
	r.openFromQueue("初审", a.No)
	moved := *a
	moved.Status, moved.Version = data.StatusBureauReview, a.Version+1
	if err := r.ws.Desk.Store.SaveApplications(context.Background(), []*data.Application{&moved}); err != nil {
		t.Fatal(err)
	}
	r.decide("初审通过")
	r.mustShow("已被他人处理（当前为“待市局复审”）")
	if cmds := r.pending(); len(cmds) != 0 {
		t.Errorf("a failed pass was kept: %+v", cmds)
	}
	r.ws.shell.top().refreshOnTop()
	offered := false
	walk(r.ws.Win.Content(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == data.ActionLiaisonPass.Label() {
			offered = true
		}
	})
	if offered || !r.shows(data.StatusBureauReview.Label()) {
		t.Errorf("redrawn, the detail still offers the pass:\n%s", strings.Join(r.texts(), "\n"))
	}

	// A pull that changed the application but not its status: the pass is
	// refused all the same, as it was decided on what the clerk saw.
	r.key(fyne.KeyEscape)
	b := r.fx.Apps[data.StatusLiaisonReview][1]
	r.openFromQueue("初审", b.No)
	edited := *b
	edited.Version, edited.Mobile = b.Version+1, "13900000000"
	if err := r.ws.Desk.Store.SaveApplications(context.Background(), []*data.Application{&edited}); err != nil {
		t.Fatal(err)
	}
	r.decide("初审通过")
	r.mustShow("已被他人处理")
	if cmds := r.pending(); len(cmds) != 0 {
		t.Errorf("a pass on a version the clerk never saw was kept: %+v", cmds)
	}
}

// TestQueueEnterOpensTheFirstRow: back from an application opened from the
// middle of a queue (and passed, so it left it), Enter opens the queue's
// first row, not whatever moved into the opened one's place.
func TestQueueEnterOpensTheFirstRow(t *testing.T) {
	r := newRig(t)
	r.login()
	r.ws.shell.Task("初审")
	nos := r.column("申请编号")
	if len(nos) < 4 {
		t.Fatalf("初审 has %d rows; the test needs 4", len(nos))
	}
	find(r, func(*keyTable) bool { return true }).Select(widget.TableCellID{Row: 2, Col: 0})
	r.mustShow("申请编号 " + nos[2])
	r.decide("初审通过")
	r.key(fyne.KeyEscape)
	if got := r.column("申请编号"); got[2] != nos[3] {
		t.Fatalf("after the pass, row 2 is %s, want %s", got[2], nos[3])
	}
	r.ws.Win.Canvas().Focus(r.queueSearch())
	r.key(fyne.KeyReturn)
	r.mustShow("申请编号 " + nos[0])
}

// TestDecisionsAskFirst: a decision says what it does to the application
// and waits for Enter; Esc leaves everything as it was. One that refuses
// the application stands apart in red and says it cannot be taken back.
func TestDecisionsAskFirst(t *testing.T) {
	r := newRig(t)
	r.login()
	a := r.fx.Apps[data.StatusLiaisonReview][0]
	r.openFromQueue("初审", a.No)
	r.tap("初审通过")
	r.mustShow("申请将从“待联络点初审”转为“待市局复审”；同步后短信通知申请人。")
	r.key(fyne.KeyEscape)
	if got := r.status(a.ID); got != data.StatusLiaisonReview || len(r.pending()) != 0 {
		t.Fatalf("cancelled, yet %s with %d commands", got, len(r.pending()))
	}
	r.tap("初审通过")
	r.key(fyne.KeyReturn)
	if got := r.status(a.ID); got != data.StatusBureauReview {
		t.Fatalf("confirmed: %s", got)
	}

	r.scan(r.fx.Overdue.No)
	expire := find(r, func(b *widget.Button) bool { return b.Text == "逾期退件" })
	if expire.Importance != widget.DangerImportance {
		t.Errorf("逾期退件 drawn as %v", expire.Importance)
	}
	r.tap("逾期退件")
	r.mustShow("转为“逾期退件”，办理到此结束，不能撤回；同步后短信通知申请人。")
	if b := find(r, func(b *widget.Button) bool { return b.Text == "确认逾期退件（回车）" }); b.Importance != widget.DangerImportance {
		t.Errorf("its confirmation drawn as %v", b.Importance)
	}
	r.key(fyne.KeyEscape)
	if got := r.status(r.fx.Overdue.ID); got == data.StatusExpired {
		t.Error("Esc expired it")
	}
}

// TestScannerAnywhere: a scanner's keystrokes (4 ms apart, then Enter)
// reach the scan box wherever the focus was: on the navigation just
// clicked, on a queue's table, in a text field, which keeps its own text.
// Each time the seal's verdict shows and its counter check opens. A
// person typing into the field keeps what they type.
func TestScannerAnywhere(t *testing.T) {
	r := newRig(t)
	r.login()
	a := r.fx.Apps[data.StatusAwaitingPaper][0]
	// As the driver delivers keys: to the widget holding the focus, else
	// to the window.
	scan := func(text string) {
		for _, ch := range text {
			if f := r.ws.Win.Canvas().Focused(); f != nil {
				f.TypedRune(ch)
			} else {
				r.ws.typedRune(ch)
			}
		}
		r.key(fyne.KeyReturn)
	}
	scanned := func(where string) {
		t.Helper()
		if text, _ := r.banner(); !strings.HasPrefix(text, "正本有效") {
			t.Errorf("scanned with the focus %s: the banner says %q", where, text)
		}
		if !r.shows("现场核验：申请 " + a.No) {
			t.Errorf("scanned with the focus %s: no counter check", where)
		}
	}
	r.typeAs(scannerTyping)

	r.ws.shell.Task("初审")
	r.ws.Win.Canvas().Focus(find(r, func(*keyList) bool { return true }))
	scan(a.FormSeal)
	scanned("on the navigation")

	r.ws.shell.Task("现场核验")
	r.ws.Win.Canvas().Focus(find(r, func(*keyTable) bool { return true }))
	scan(a.FormSeal)
	scanned("on a table")

	r.ws.shell.Task("现场核验")
	search := r.queueSearch()
	search.SetText("陈")
	r.ws.Win.Canvas().Focus(search)
	scan(a.FormSeal)
	scanned("in a text field")
	if search.Text != "陈" {
		t.Errorf("the search field holds %q after the scan", search.Text)
	}

	// 扫码 focuses the scan box, as F2 does.
	r.tap("扫码（F2）")
	if r.ws.Win.Canvas().Focused() != r.ws.shell.ScanBox {
		t.Error("扫码 left the scan box without the focus")
	}

	r.ws.shell.Task("现场核验")
	r.typeAs(personTyping)
	search = r.queueSearch()
	r.ws.Win.Canvas().Focus(search)
	r.typeFocused("2026")
	if search.Text != "2026" || r.ws.shell.ScanBox.Text != "" {
		t.Errorf("typed by hand: the search holds %q, the scan box %q", search.Text, r.ws.shell.ScanBox.Text)
	}

	// A password is never taken for a scan, however fast it comes.
	r.typeAs(scannerTyping)
	r.ws.Lock()
	password := find(r, func(e *keyEntry) bool { return e.Password })
	r.ws.Win.Canvas().Focus(password)
	r.typeFocused("Abc12345")
	if password.Text != "Abc12345" || r.ws.shell.ScanBox.Text != "" {
		t.Errorf("a fast password: the field holds %q, the scan box %q", password.Text, r.ws.shell.ScanBox.Text)
	}
}

// TestExpireOverdueAtOnce: the 工作台 offers 逾期退件 of every application
// past its supplement deadline at once, lists them in its confirmation,
// and Esc leaves them; Enter expires them all.
func TestExpireOverdueAtOnce(t *testing.T) {
	r := newRig(t)
	r.login()
	r.ws.shell.Task("工作台")
	r.tap("逾期退件：补正期限已过的 1 件")
	r.mustShow(r.fx.Overdue.No + "　" + r.fx.Overdue.Name)
	r.mustShow("以下 1 件：申请将从“材料待补正”转为“逾期退件”，办理到此结束，不能撤回；同步后短信通知申请人。")
	r.key(fyne.KeyEscape)
	if got := r.status(r.fx.Overdue.ID); got != data.StatusPaperDeficient {
		t.Fatalf("Esc: %s", got)
	}
	r.tap("逾期退件：补正期限已过的 1 件")
	r.key(fyne.KeyReturn)
	if got := r.status(r.fx.Overdue.ID); got != data.StatusExpired {
		t.Fatalf("confirmed: %s", got)
	}
	if text, _ := r.banner(); text != "已逾期退件 1 件，待同步" {
		t.Errorf("banner %q", text)
	}
	if r.shows("逾期退件：补正期限已过的") {
		t.Error("the button stays with nothing left to expire")
	}
}

// TestUntickedBoxesShow: the outline of an unticked box (and of every
// entry) stands out from the background by at least WCAG's 3 : 1.
func TestUntickedBoxesShow(t *testing.T) {
	luminance := func(c color.Color) float64 {
		r, g, b, _ := c.RGBA()
		lin := func(v uint32) float64 {
			s := float64(v) / 0xffff
			if s <= 0.03928 {
				return s / 12.92
			}
			return math.Pow((s+0.055)/1.055, 2.4)
		}
		return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
	}
	contrast := func(a, b color.Color) float64 {
		x, y := luminance(a), luminance(b)
		return (max(x, y) + 0.05) / (min(x, y) + 0.05)
	}
	th := Theme{}
	bg := th.Color(theme.ColorNameBackground, 0)
	if ratio := contrast(th.Color(theme.ColorNameInputBorder, 0), bg); ratio < 3 {
		t.Errorf("the box outline stands out by %.2f : 1", ratio)
	}
	// The focus ring: a focused button as drawn (the focus colour over the
	// button's), against an unfocused one and the background; its text on it.
	over := func(top, under color.Color) color.Color {
		tr, tg, tb, ta := top.RGBA()
		ur, ug, ub, _ := under.RGBA()
		mix := func(t, u uint32) uint8 { return uint8((t + u*(0xffff-ta)/0xffff) >> 8) }
		return color.NRGBA{mix(tr, ur), mix(tg, ug), mix(tb, ub), 0xff}
	}
	button := th.Color(theme.ColorNameButton, 0)
	focused := over(th.Color(theme.ColorNameFocus, 0), button)
	for _, c := range []struct {
		what string
		a, b color.Color
		min  float64
	}{{"focused button against a button", focused, button, 3}, {"against the background", focused, bg, 3},
		{"its text", th.Color(theme.ColorNameForeground, 0), focused, 4.5}} {
		if ratio := contrast(c.a, c.b); ratio < c.min {
			t.Errorf("%s: %.2f : 1, want %.1f", c.what, ratio, c.min)
		}
	}
}

// TestSearchByLastFour: the last four characters of an identity number or
// of an application number, as the counter asks for them, find the
// application in a queue.
func TestSearchByLastFour(t *testing.T) {
	r := newRig(t)
	r.login()
	a := r.fx.Apps[data.StatusLiaisonReview][0]
	r.ws.shell.Task("初审")
	search := r.queueSearch()
	r.ws.Win.Canvas().Focus(search)
	for _, tail := range []string{a.IDNumber[len(a.IDNumber)-4:], a.No[len(a.No)-4:]} {
		search.SetText(tail)
		if nos := r.column("申请编号"); !slices.Contains(nos, a.No) {
			t.Errorf("the last four %s found %v, not %s", tail, nos, a.No)
		}
	}
}

// TestTabReachesTheQueue: from the queue's search, Tab goes on to its
// table, the arrows move down it and Enter opens the row.
func TestTabReachesTheQueue(t *testing.T) {
	r := newRig(t)
	r.login()
	r.ws.shell.Task("初审")
	nos := r.column("申请编号")
	if len(nos) < 2 {
		t.Fatalf("初审 has %d rows", len(nos))
	}
	c := r.ws.Win.Canvas()
	c.Focus(r.queueSearch())
	table := find(r, func(*keyTable) bool { return true })
	for range 20 {
		if c.Focused() == fyne.Focusable(table) {
			break
		}
		c.FocusNext()
	}
	if c.Focused() != fyne.Focusable(table) {
		t.Fatalf("Tab never reached the table (stopped at %T)", c.Focused())
	}
	r.key(fyne.KeyDown)
	r.key(fyne.KeyReturn)
	r.mustShow("申请编号 " + nos[1])
}

// TestCounterCheckOffersOnlyWhatItMay: an application already told its
// deficiencies is not offered 一次性告知补正 again (the state machine
// would refuse it); Enter in an item's note ends the note and does not
// accept the papers; Enter outside it does.
func TestCounterCheckOffersOnlyWhatItMay(t *testing.T) {
	r := newRig(t)
	r.login()
	told := r.fx.Apps[data.StatusPaperDeficient][1]
	r.scan(told.FormSeal)
	r.mustShow("现场核验：申请 " + told.No)
	if slices.Contains(r.texts(), "一次性告知补正") {
		t.Errorf("一次性告知补正 offered in 材料待补正:\n%s", strings.Join(r.texts(), "\n"))
	}
	r.mustShow("不予受理")
	r.key(fyne.KeyEscape)
	r.key(fyne.KeyEscape)

	a := r.fx.Apps[data.StatusAwaitingPaper][1]
	r.scan(a.FormSeal)
	r.mustShow("一次性告知补正")
	r.tap("全部一致")
	r.ws.Win.Canvas().Focus(find(r, func(e *keyEntry) bool { return e.PlaceHolder == "说明（可不填）" }))
	r.typeFocused("复印件已核对")
	r.key(fyne.KeyReturn)
	if got := r.status(a.ID); got != data.StatusAwaitingPaper {
		t.Fatalf("Enter in a note: %s", got)
	}
	r.key(fyne.KeyReturn)
	if got := r.status(a.ID); got != data.StatusAwaitingPayment {
		t.Fatalf("Enter after the note: %s", got)
	}
}

// TestCountText: only a search is counted short of the whole (data.SearchCap).
func TestCountText(t *testing.T) {
	for _, tc := range []struct {
		total     int
		searching bool
		want      string
	}{
		{630, false, "共 630 条"},
		{data.SearchCap + 1, true, fmt.Sprintf("超过 %d 条，请输入更多字符", data.SearchCap)},
		{data.SearchCap, true, fmt.Sprintf("共 %d 条", data.SearchCap)},
	} {
		if got := countText(tc.total, tc.searching); got != tc.want {
			t.Errorf("%d, searching %v: %q, want %q", tc.total, tc.searching, got, tc.want)
		}
	}
}
