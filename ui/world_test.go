package ui

import (
	"context"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"titledesk/app"
	"titledesk/data"
	"titledesk/internal/testworld"
)

// These tests drive the workstation against the real server of
// internal/testworld, over TLS, with the network cut when they say so.

// syncNow taps 立即同步 on the 同步 screen until the outbox is empty, as a
// clerk would after the network comes back.
func (r *rig) syncNow() {
	r.t.Helper()
	r.ws.shell.Task("同步")
	for i := 0; i < 5; i++ {
		r.tap("立即同步")
		if p, _, _ := r.ws.Desk.Store.OutboxCounts(context.Background()); p == 0 {
			return
		}
	}
	r.t.Fatalf("outbox did not drain:\n%s", strings.Join(r.texts(), "\n"))
}

func TestConflictAfterRealSyncRedoAndDiscard(t *testing.T) {
	w := testworld.New(t)
	apps := w.Apps(t, 2, "DLXH", data.StatusLiaisonReview)
	other := w.Desk(t, "DLXH", "chen2")
	r := rigOn(t, w.Enrolled(t, "DLXH"))
	r.loginAs("chen", testworld.Password)
	net, otherNet := testworld.Inject(r.ws.Desk), testworld.Inject(other)
	net.Offline()
	otherNet.Offline()
	ctx := context.Background()

	// Offline at the other desk of the point, 陈二 returns the first to its
	// unit and passes the second.
	if _, err := other.Do(ctx, data.Command{Action: data.ActionLiaisonReturn, ApplicationID: apps[0].ID, ReturnTo: data.ReturnToUnit,
		Reasons: []string{"单位审核意见或公示材料缺失"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Do(ctx, data.Command{Action: data.ActionLiaisonPass, ApplicationID: apps[1].ID}); err != nil {
		t.Fatal(err)
	}
	// Offline here: pass the first, return the second to its unit.
	r.openFromQueue("初审", apps[0].No)
	r.decide("初审通过")
	r.key(fyne.KeyEscape)
	r.openFromQueue("初审", apps[1].No)
	r.tap("退回单位")
	find(r, func(*widget.CheckGroup) bool { return true }).SetSelected([]string{"公示期不足5个工作日"})
	r.tap("确定")
	r.mustShow("待同步 2 条")
	r.syncNowFails()

	otherNet.Set(nil, nil)
	testworld.Drain(t, other)
	// The unit sends the first back at once, with its publicity attached.
	a, _ := w.DB.Application(ctx, apps[0].ID)
	now := time.Now()
	if _, err := w.DB.Apply(ctx, data.Command{ID: uuid.NewString(), ApplicationID: a.ID, ExpectedVersion: a.Version, Action: data.ActionUnitApprove,
		Actor:   data.Actor{ID: "unit-user-" + a.UnitID, Name: a.UnitName, Role: data.RoleUnit, UnitID: a.UnitID},
		Opinion: "已补充公示材料，同意申报。", Publicity: data.Publicity{Start: now.AddDate(0, 0, -30), End: now.AddDate(0, 0, -12)}},
		data.Env{Now: now, Calendar: mustCalendar(t, w)}); err != nil {
		t.Fatal(err)
	}
	net.Set(nil, nil)
	r.ws.shell.Task("同步")
	r.tap("立即同步")
	r.mustShow("冲突或被拒 2 条")
	// Each refused command beside the server's state.
	r.mustShow("初审通过　申请 " + apps[0].No)
	r.mustShow("服务器现状：待联络点初审")
	r.mustShow("单位审核通过")
	r.mustShow("退回单位　申请 " + apps[1].No)
	r.mustShow("服务器现状：待市局复审")

	// The pass still stands now the unit has answered: redo it. The return
	// does not after the other clerk's pass: discard it.
	redo := r.refusedButton(apps[0].No, "重做")
	test.Tap(redo)
	r.syncNow()
	discard := r.refusedButton(apps[1].No, "放弃")
	test.Tap(discard)
	r.mustShow("没有")
	if p, refused, _ := r.ws.Desk.Store.OutboxCounts(ctx); p != 0 || refused != 0 {
		t.Errorf("after redo and discard: %d pending, %d refused", p, refused)
	}
	for i, want := range []data.Status{data.StatusBureauReview, data.StatusBureauReview} {
		got, _ := w.DB.Application(ctx, apps[i].ID)
		if got.Status != want {
			t.Errorf("%s on the server: %s, want %s", apps[i].No, got.Status, want)
		}
	}
	if got, _ := w.DB.Application(ctx, apps[1].ID); len(got.Decisions) == 0 || got.Decisions[len(got.Decisions)-1].ActorName != "陈二" {
		t.Errorf("the discarded return reached the server: %+v", got.Decisions)
	}
	r.ws.shell.syncView.refresh()
	w.MatchesServer(t, r.ws.Desk)
}

func mustCalendar(t *testing.T, w *testworld.World) *data.Calendar {
	cal, err := w.DB.Calendar(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// syncNowFails taps 立即同步 while the network is down: the screen says
// offline and nothing is lost.
func (r *rig) syncNowFails() {
	r.t.Helper()
	before, _, _ := r.ws.Desk.Store.OutboxCounts(context.Background())
	r.ws.shell.Task("同步")
	r.tap("立即同步")
	r.mustShow("同步：离线")
	if after, _, _ := r.ws.Desk.Store.OutboxCounts(context.Background()); after != before {
		r.t.Errorf("offline sync changed the outbox: %d → %d", before, after)
	}
}

// refusedButton is the redo or discard button of the refused command on
// application no.
func (r *rig) refusedButton(no, label string) *widget.Button {
	r.t.Helper()
	card := find(r, func(c *panel) bool {
		hit := false
		walk(c, func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "申请 "+no) {
				hit = true
			}
		})
		return hit
	})
	var b *widget.Button
	walk(card, func(o fyne.CanvasObject) {
		if x, ok := o.(*widget.Button); ok && x.Text == label {
			b = x
		}
	})
	if b == nil {
		r.t.Fatalf("no %s for %s", label, no)
	}
	return b
}

func TestCounterDayOfflineThenSyncedOnce(t *testing.T) {
	w := testworld.New(t)
	review := w.Apps(t, 1, "DLXH", data.StatusLiaisonReview)[0]
	paper := w.Apps(t, 2, "DLXH", data.StatusAwaitingPaper)
	payment := w.Apps(t, 1, "DLXH", data.StatusAwaitingPayment)[0]
	r := rigOn(t, w.Enrolled(t, "DLXH"))
	r.loginAs("chen", testworld.Password)
	net := testworld.Inject(r.ws.Desk)
	net.Offline()

	// First review.
	r.openFromQueue("初审", review.No)
	r.decide("初审通过")
	// The sealed form scanned at the counter: genuine, checked, accepted,
	// then paid on the spot.
	r.scan(paper[0].FormSeal)
	if text, _ := r.banner(); !strings.HasPrefix(text, "正本有效") {
		t.Fatalf("offline scan of the sealed form: %q", text)
	}
	r.tap("全部一致")
	r.tap("受理并打印")
	r.printPreview()
	r.pay(paper[0].No, "4200001234202612030000000001")
	// The second lacks an original: one notice lists it.
	r.scan(paper[1].FormSeal)
	r.tap("全部一致")
	find(r, func(g *widget.RadioGroup) bool { return true }).SetSelected(data.CheckMissing.Label())
	r.tap("一次性告知补正")
	find(r, func(c *widget.CheckGroup) bool { return true }).SetSelected([]string{"未提供原件"})
	r.tap("确定")
	r.printPreview()
	// A payment from an earlier acceptance, and its receipt printed again.
	r.openFromQueue("待缴费", payment.No)
	r.pay("", "4200001234202612030000000002")
	r.ws.printShortcut()
	r.printPreview()
	// The day's report holds both payments though nothing is synced yet.
	r.ws.shell.Task("报表")
	r.mustShow("共 2 笔")
	r.ws.printShortcut()
	r.key(fyne.KeyReturn) // 确认关账
	r.printPreview()
	if last := r.opened[len(r.opened)-1]; !strings.Contains(last, "日结报表") {
		t.Errorf("Ctrl+P on 报表 opened %s", last)
	}
	wantOpened := []string{"受理回执", "缴款通知书", "一次性告知书", "受理回执", "日结报表"}
	if len(r.opened) != len(wantOpened) {
		t.Fatalf("opened %v", r.opened)
	}
	for i, w := range wantOpened {
		if !strings.Contains(r.opened[i], w) {
			t.Errorf("print %d: %s, want %s", i, r.opened[i], w)
		}
	}

	ids := testworld.OutboxIDs(t, r.ws.Desk)
	if len(ids) < 9 {
		t.Fatalf("the day kept %d commands", len(ids))
	}
	r.syncNowFails()
	net.Set(nil, nil)
	r.syncNow()
	w.AssertOnce(t, ids)
	w.MatchesServer(t, r.ws.Desk)
	ctx := context.Background()
	for _, c := range []struct {
		id   string
		want data.Status
	}{{review.ID, data.StatusBureauReview}, {paper[0].ID, data.StatusPaid}, {paper[1].ID, data.StatusPaperDeficient}, {payment.ID, data.StatusPaid}} {
		if got, _ := w.DB.Application(ctx, c.id); got.Status != c.want {
			t.Errorf("%s on the server: %s, want %s", got.No, got.Status, c.want)
		}
	}
	r.mustShow("待同步 0 条")
}

// pay records a bank payment of the notice's amount on the application
// shown (or, with no, after opening it by number).
func (r *rig) pay(no, receipt string) {
	r.t.Helper()
	if no != "" {
		r.scan(no)
	}
	r.tap("登记缴费")
	r.typeFocused(receipt)
	r.key(fyne.KeyReturn)
	r.mustShow("已登记缴费")
}

// syncRound runs one sync, as the sync loop would; it reports to the
// window on its own.
func (r *rig) syncRound() {
	r.t.Helper()
	if err := r.ws.Desk.Syncer().SyncOnce(context.Background()); err != nil {
		r.t.Fatal(err)
	}
}

// TestQueuesFollowSync: a queue or the 工作台 left open shows what a sync
// brought, without the clerk leaving it.
func TestQueuesFollowSync(t *testing.T) {
	w := testworld.New(t)
	w.Apps(t, 2, "DLXH", data.StatusLiaisonReview)
	r := rigOn(t, w.Enrolled(t, "DLXH"))
	r.loginAs("chen", testworld.Password)
	r.ws.shell.Task("初审")
	r.mustShow("共 2 条")
	arrived := w.Apps(t, 1, "DLXH", data.StatusLiaisonReview)[0]
	r.syncRound()
	r.mustShow("共 3 条")
	r.mustShow(arrived.No)
	r.ws.shell.Task("工作台")
	r.mustShow("初审\n3 件")
	w.Apps(t, 1, "DLXH", data.StatusLiaisonReview)
	r.syncRound()
	r.mustShow("初审\n4 件")
	if r.syncRound(); r.ws.Desk.Syncer().Status().Changed {
		t.Error("a sync that brought nothing says it changed something: the screens would redraw for nothing")
	}
}

// TestDetailFollowsSync: a detail left open redraws when a sync round ends:
// the clerk's pass is marked synced, and the server's refusal of the next
// one appears under it, on the tab the clerk had open.
func TestDetailFollowsSync(t *testing.T) {
	w := testworld.New(t)
	apps := w.Apps(t, 2, "DLXH", data.StatusLiaisonReview)
	other := w.Desk(t, "DLXH", "chen2")
	r := rigOn(t, w.Enrolled(t, "DLXH"))
	r.loginAs("chen", testworld.Password)
	net := testworld.Inject(r.ws.Desk)
	net.Offline()
	ctx := context.Background()
	heading := func() string {
		return find(r, func(l *widget.Label) bool { return strings.HasPrefix(l.Text, "申请编号 ") }).Text
	}

	r.openFromQueue("初审", apps[0].No)
	r.decide("初审通过")
	r.mustShow("已初审通过，待同步")
	if h := heading(); !strings.Contains(h, "（待同步 1 条）") {
		t.Errorf("heading offline: %q", h)
	}
	r.tap("历史")
	net.Set(nil, nil)
	r.syncRound()
	r.mustShow("已初审通过，已同步")
	if h := heading(); strings.Contains(h, "待同步") || !strings.Contains(h, data.StatusBureauReview.Label()) {
		t.Errorf("heading after the sync: %q", h)
	}
	// Still on 历史: the pass is there as the server recorded it.
	r.mustShow("初审通过　经办人chen")
	if r.shows("待同步\n") || r.shows("　待同步") {
		t.Errorf("history still lists a pending command:\n%s", strings.Join(r.texts(), "\n"))
	}

	// The other desk passes the second while this one, offline, returns it.
	net.Offline()
	r.key(fyne.KeyEscape)
	r.openFromQueue("初审", apps[1].No)
	if _, err := other.Do(ctx, data.Command{Action: data.ActionLiaisonPass, ApplicationID: apps[1].ID}); err != nil {
		t.Fatal(err)
	}
	testworld.Drain(t, other)
	r.tap("退回申报人")
	find(r, func(*widget.CheckGroup) bool { return true }).SetSelected([]string{"扫描件不清晰或不完整"})
	r.tap("确定")
	r.mustShow("已退回申报人，待同步")
	net.Set(nil, nil)
	r.syncRound()
	r.mustShow("本机的“退回申报人”与服务器上的变化冲突，未执行")
	if h := heading(); !strings.Contains(h, data.StatusBureauReview.Label()) || strings.Contains(h, "待同步") {
		t.Errorf("heading after the conflict: %q", h)
	}
}

// TestClockBannerNoticesAndRetention: on a PC whose clock is a day slow
// the desk says so on every screen; after a restore of the server the sync
// screen tells the clerk what the desk did; 设置 sets how long answered
// commands are kept.
func TestClockBannerNoticesAndRetention(t *testing.T) {
	w := testworld.New(t)
	r := rigOn(t, w.EnrolledSkewed(t, "DLXH", -24*time.Hour))
	r.loginAs("chen", testworld.Password)
	for _, task := range []string{"工作台", "现场核验", "同步"} {
		r.ws.shell.Task(task)
		if text, c := stripText(r.ws.shell.warnings); !strings.Contains(text, "本机时钟比市局服务器慢了约 1.0 天") || c != colorWarn {
			t.Errorf("%s: clock banner %q in %v", task, text, c)
		}
	}

	// The server says it is another since the last sync: restored.
	ctx := context.Background()
	if _, err := r.ws.Desk.Store.Reconcile(ctx, data.SyncState{Epoch: "restored"}, r.ws.Desk.Now()); err != nil {
		t.Fatal(err)
	}
	r.ws.shell.Task("同步")
	r.mustShow("本机自动处理记录")
	r.mustShow("市局服务器已从备份恢复")
	if dir := os.Getenv("TITLEDESK_SHOTS"); dir != "" {
		r.shot(dir, "sync-restored")
	}

	r.ws.shell.Task("设置")
	r.mustShow("已同步操作保留")
	sel := find(r, func(s *widget.Select) bool { return s.Selected == "30 天" })
	sel.SetSelected("90 天")
	if days, err := r.ws.Desk.Retention(ctx); err != nil || days != 90 {
		t.Errorf("retention after choosing 90 天: %d %v", days, err)
	}

	// A PC whose clock is right shows no such banner.
	right := rigOn(t, w.Enrolled(t, "DLXH"))
	right.loginAs("chen2", testworld.Password)
	if text, _ := stripText(right.ws.shell.warnings); text != "" {
		t.Errorf("a right clock: banner %q", text)
	}
}

// TestBureauWarnedOfMissingCalendarYear: from 1 November (by the server's
// clock) a reviewer's desk says that next year's holidays are not in the
// working-day calendar; a clerk's desk, which cannot import them, does not.
func TestBureauWarnedOfMissingCalendarYear(t *testing.T) {
	w := testworld.New(t)
	desks := []*app.Desk{w.Enrolled(t, ""), w.Enrolled(t, "DLXH")}
	w.Now = func() time.Time { return time.Date(2027, 11, 2, 10, 0, 0, 0, data.Shanghai) }
	for _, d := range desks {
		if err := d.Syncer().SyncOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	bureau := rigOn(t, desks[0])
	bureau.loginAs("wang", testworld.Password)
	if text, _ := stripText(bureau.ws.shell.warnings); !strings.Contains(text, "还没有 2028 年的节假日安排") {
		t.Errorf("bureau desk on 2 November 2027: %q", text)
	}
	clerk := rigOn(t, desks[1])
	clerk.loginAs("chen", testworld.Password)
	if text, _ := stripText(clerk.ws.shell.warnings); strings.Contains(text, "2028") {
		t.Errorf("clerk desk: %q", text)
	}
}

// TestOfflineSyncSaysSo: 立即同步 with the server out of reach says the
// work is kept and goes when the line is back, in those words, and the
// progress bar does not claim a finished round.
func TestOfflineSyncSaysSo(t *testing.T) {
	w := testworld.New(t)
	a := w.Apps(t, 1, "DLXH", data.StatusLiaisonReview)[0]
	r := rigOn(t, w.Enrolled(t, "DLXH"))
	r.loginAs("chen", testworld.Password)
	testworld.Inject(r.ws.Desk).Offline()
	r.openFromQueue("初审", a.No)
	r.decide("初审通过")
	r.ws.shell.Task("同步")
	r.tap("立即同步")
	r.mustShow("离线：操作已保存在本机，联网后自动同步")
	if r.shows("系统内部错误") {
		t.Error("offline said as an internal error")
	}
	if p := find(r, func(*widget.ProgressBar) bool { return true }); p.Value != 0 {
		t.Errorf("progress %.0f%% after a round that reached nothing", p.Value*100)
	}
}

// TestWithdrawUnsentDecisions: a decision not yet sent is withdrawn (撤销)
// from the detail and from the 同步 screen, confirmed first; the server
// never applies it and the seqs after it still go. One that reached the
// server before its answer came back stays applied, and the clerk is told.
func TestWithdrawUnsentDecisions(t *testing.T) {
	ctx := context.Background()
	w := testworld.New(t)
	apps := w.Apps(t, 3, "DLXH", data.StatusLiaisonReview)
	r := rigOn(t, w.Enrolled(t, "DLXH"))
	r.loginAs("chen", testworld.Password)
	net := testworld.Inject(r.ws.Desk)
	net.Offline()

	// From the detail.
	r.openFromQueue("初审", apps[0].No)
	r.decide("初审通过")
	r.tap("撤销“初审通过”")
	r.mustShow("“初审通过”还没有同步到市局服务器")
	r.key(fyne.KeyReturn)
	r.mustShow("已撤销“初审通过”")
	if p, _, _ := r.ws.Desk.Store.OutboxCounts(ctx); p != 0 || slices.Contains(r.texts(), "撤销“初审通过”") || r.status(apps[0].ID) != data.StatusLiaisonReview || len(r.pending()) != 0 {
		t.Fatalf("after withdrawing: %s, pending %v", r.status(apps[0].ID), r.pending())
	}
	r.key(fyne.KeyEscape)

	// From the 同步 screen, where Esc keeps it.
	r.openFromQueue("初审", apps[1].No)
	r.decide("初审通过")
	r.key(fyne.KeyEscape)
	r.ws.shell.Task("同步")
	r.tap("撤销")
	r.key(fyne.KeyEscape)
	r.mustShow("初审通过　申请 " + apps[1].No)
	r.tap("撤销")
	r.key(fyne.KeyReturn)
	r.mustShow("没有待同步的操作")
	// Passed again: a seq after the two withdrawn ones.
	r.openFromQueue("初审", apps[1].No)
	r.decide("初审通过")
	r.key(fyne.KeyEscape)
	net.Set(nil, nil)
	r.syncNow()
	for i, want := range []data.Status{data.StatusLiaisonReview, data.StatusBureauReview} {
		got, _ := w.DB.Application(ctx, apps[i].ID)
		if got.Status != want || i == 1 && len(got.Decisions) != 1+len(apps[1].Decisions) {
			t.Errorf("%s on the server: %s with %d decisions, want %s", apps[i].No, got.Status, len(got.Decisions), want)
		}
	}

	// Sent, but its answer lost: withdrawn all the same, the server's
	// outcome stands.
	r.openFromQueue("初审", apps[2].No)
	net.Set(nil, func(req *http.Request, resp *http.Response) (*http.Response, error) {
		if req.URL.Path == "/api/v1/sync/push" {
			return nil, testworld.ErrOffline
		}
		return resp, nil
	})
	r.decide("初审通过")
	_ = r.ws.Desk.Syncer().SyncOnce(ctx) // its answer never comes
	if got, _ := w.DB.Application(ctx, apps[2].ID); got.Status != data.StatusBureauReview {
		t.Fatalf("the pass did not reach the server: %s", got.Status)
	}
	r.tap("撤销“初审通过”")
	r.key(fyne.KeyReturn)
	r.mustShow("已撤销“初审通过”")
	net.Set(nil, nil)
	r.syncNow()
	r.mustShow("申请 " + apps[2].No + " 的“初审通过”：撤销前该操作已送达市局服务器并已执行，未能撤销")
	if s := r.status(apps[2].ID); s != data.StatusBureauReview {
		t.Errorf("the desk shows %s after the server kept the pass", s)
	}
	w.MatchesServer(t, r.ws.Desk)
}

// TestClerkChangesPassword: in 设置 a clerk changes the password through
// the server, which checks the current one and the policy; the desk takes
// the new one at once, and offline it says so and keeps the old.
func TestClerkChangesPassword(t *testing.T) {
	ctx := context.Background()
	w := testworld.New(t)
	r := rigOn(t, w.Enrolled(t, "DLXH"))
	r.loginAs("chen", testworld.Password)
	net := testworld.Inject(r.ws.Desk)
	r.ws.shell.Task("设置")
	fill := func(cur, next, again string) {
		for i, text := range []string{cur, next, again} {
			e := find(r, func(e *keyEntry) bool {
				return e.PlaceHolder == []string{"当前密码", "新密码", "再次输入新密码"}[i]
			})
			e.SetText(text)
		}
		r.tap("修改密码")
	}
	net.Offline()
	fill(testworld.Password, "柜台新密码Chen27", "柜台新密码Chen27")
	r.mustShow("离线：修改密码须连接市局服务器")
	net.Set(nil, nil)
	fill("错误的密码", "柜台新密码Chen27", "柜台新密码Chen27")
	r.mustShow("当前密码不正确")
	fill(testworld.Password, "12345678", "12345678")
	r.mustShow("密码太容易被猜到")
	fill(testworld.Password, "柜台新密码Chen27", "柜台新密码Chen27")
	if text, _ := r.banner(); !strings.HasPrefix(text, "密码已修改") {
		t.Fatalf("banner %q:\n%s", text, strings.Join(r.texts(), "\n"))
	}
	r.ws.Desk.Logout()
	if _, err := r.ws.Desk.Login(ctx, "chen", testworld.Password); err == nil {
		t.Error("the old password still logs in at the desk")
	}
	if _, err := r.ws.Desk.Login(ctx, "chen", "柜台新密码Chen27"); err != nil {
		t.Errorf("the new password: %v", err)
	}
}
