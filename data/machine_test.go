package data

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

var (
	applicant  = Actor{ID: "ap1", Name: "张伟", Role: RoleApplicant}
	unitUser   = Actor{ID: "uu1", Name: "人事部李敏", Role: RoleUnit, UnitID: "u1"}
	clerk      = Actor{ID: "c1", Name: "王芳", Role: RoleClerk, LiaisonPointID: "lp1"}
	reviewer   = Actor{ID: "b1", Name: "陈静", Role: RoleBureau}
	otherClerk = Actor{ID: "c2", Name: "刘洋", Role: RoleClerk, LiaisonPointID: "lp2"}
	finance    = Actor{ID: "finance", Name: "非税平台", Role: RoleFinance}
	// actorPool mixes actors of every role, in and out of scope.
	actorPool = []Actor{
		applicant, unitUser, clerk, reviewer, otherClerk, finance,
		{ID: "ap2", Name: "李娜", Role: RoleApplicant},
		{ID: "uu2", Name: "别的单位", Role: RoleUnit, UnitID: "u2"},
		{ID: "a1", Name: "管理员", Role: RoleAdmin},
		{ID: "x", Name: "无角色"},
	}
	allActions = []Action{
		ActionSubmit, ActionWithdraw, ActionEdit, ActionUnitApprove, ActionUnitReject, ActionLiaisonPass,
		ActionLiaisonReturn, ActionBureauPass, ActionBureauReject, ActionPaperAccept, ActionPaperDeficient,
		ActionPaperReject, ActionPaperExpire, ActionPaymentRecord, ActionCertify, ActionClaim, ActionPrint,
		ActionCreate, ActionNoticeIssue, ActionReconcile, ActionPaymentCorrect, ActionRefund, "nonsense",
	}
	t0 = time.Date(2026, 9, 14, 10, 0, 0, 0, Shanghai) // a Monday
)

func testForm() Form {
	birth := time.Date(1990, 3, 7, 0, 0, 0, 0, Shanghai)
	f := Form{
		Series: "工程技术人员", Qualification: "电力工程电气助理工程师", Level: "助理级", Method: MethodAssessment,
		LiaisonPointID: "lp1", ApplicantID: "ap1", Name: "张伟", IDNumber: MakeIDNumber("441900", birth, 21),
		Mobile: "13800138000", Education: "本科", Major: "电气工程及其自动化",
		UnitID: "u1", UnitName: "东莞市某电力工程有限公司", UnitCreditCode: MakeCreditCode("91441900MA4UAB12C"),
	}
	for i, kind := range MaterialKinds[:3] {
		f.Attachments = append(f.Attachments, Attachment{
			ID: fmt.Sprintf("att%d", i), Kind: kind, FileName: kind + ".jpg",
			SHA256: strings.Repeat(fmt.Sprint(i), 64), Size: 1000, ContentType: "image/jpeg",
		})
	}
	return f
}

func testApplication() *Application {
	return &Application{ID: "app1", No: "2026000001", Version: 1, Status: StatusDraft, Form: testForm(), CreatedAt: t0.AddDate(0, 0, -30).UTC()} // a month before the tests act on it
}

// goodCommand fills in everything the action requires, so the state
// machine can only refuse it for who, when or in which status.
func goodCommand(app *Application, t Transition, actor Actor, now time.Time) Command {
	c := Command{
		ID: fmt.Sprintf("cmd-%d-%s", app.Version, t.Action), Action: t.Action, ApplicationID: app.ID,
		ExpectedVersion: app.Version, Actor: actor, ReturnTo: t.ReturnTo, Document: t.Document,
	}
	switch t.Action {
	case ActionEdit:
		f := app.Form
		f.Major = "电气工程"
		c.Form = &f
	case ActionUnitApprove:
		c.Opinion = "同意推荐"
		end := must(DefaultCalendar().AddWorkingDays(now, -1))
		c.Publicity = Publicity{Start: must(DefaultCalendar().AddWorkingDays(end, -(PublicityWorkingDays - 1))), End: end}
	case ActionUnitReject:
		c.Note = "业绩材料不足"
	case ActionLiaisonReturn, ActionBureauReject, ActionPaperReject:
		c.Reasons = []string{"扫描件不清晰或不完整", "公示期不足5个工作日"}
	case ActionPaperDeficient:
		for i, a := range app.Attachments {
			c.Checks = append(c.Checks, AttachmentCheck{AttachmentID: a.ID, Check: []Check{CheckMissing, CheckMatch}[min(i, 1)]})
		}
	case ActionPaperAccept:
		for _, a := range app.Attachments {
			c.Checks = append(c.Checks, AttachmentCheck{AttachmentID: a.ID, Check: CheckMatch})
		}
	case ActionNoticeIssue:
		c.Notice = &PaymentNotice{No: "4419202600012345", PayCode: "441900260001234567", Amount: 15000, Payee: "东莞市人力资源局"}
	case ActionReconcile:
		c.Statement = &StatementEntry{PayCode: "441900260001234567", Ref: "JY2026091400001", Amount: 15000, PaidAt: now}
	case ActionPaymentRecord, ActionPaymentCorrect:
		c.Payment = &Payment{Amount: 15000, ReceiptNo: "4200001234202609140000000001", Channel: "微信", PaidAt: now}
		if t.Action == ActionPaymentCorrect {
			c.Reasons = []string{"交易单号录入有误"}
		}
	case ActionRefund:
		c.Reasons = []string{"材料弄虚作假"}
	case ActionCertify:
		c.Certificate = &Certificate{No: "2026-441900-000123"}
	}
	return c
}

// actorFor returns the in-scope actor of a role.
func actorFor(r Role) Actor {
	for _, a := range actorPool {
		if a.Role == r {
			return a
		}
	}
	panic(r)
}

func TestEveryStatusReachableFromDraft(t *testing.T) {
	// Breadth-first over the table, then replay each path through Apply so
	// the requirements are shown to be satisfiable too.
	paths := map[Status][]Transition{StatusDraft: nil}
	queue := []Status{StatusDraft}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, tr := range Transitions {
			if _, seen := paths[tr.To]; tr.From == s && !seen {
				paths[tr.To] = append(slices.Clone(paths[s]), tr)
				queue = append(queue, tr.To)
			}
		}
	}
	for _, want := range Statuses {
		path, ok := paths[want]
		if !ok {
			t.Errorf("%s is not reachable from draft in the table", want)
			continue
		}
		app, now := testApplication(), t0
		for _, tr := range path {
			if tr.Action == ActionPaperExpire {
				now = must(DefaultCalendar().AddWorkingDays(now, DefaultFinance().PaperDays+1))
			}
			// The finance system's facts come between the decisions: a
			// notice before payment, a statement before 发证.
			for _, fact := range []struct {
				before, fact Action
				from         Status
			}{{ActionPaymentRecord, ActionNoticeIssue, StatusAwaitingPayment}, {ActionCertify, ActionReconcile, StatusPaid}} {
				if tr.Action == fact.before {
					ft := Transition{From: fact.from, Action: fact.fact, Role: RoleFinance, To: fact.from}
					out, err := Apply(app, goodCommand(app, ft, finance, now), Env{Now: now, Calendar: DefaultCalendar()})
					if err != nil {
						t.Fatalf("path to %s: %s: %v", want, fact.fact, err)
					}
					app = &out.Application
				}
			}
			out, err := Apply(app, goodCommand(app, tr, actorFor(tr.Role), now), Env{Now: now, Calendar: DefaultCalendar()})
			if err != nil {
				t.Fatalf("path to %s: %s from %s: %v", want, tr.Action, tr.From, err)
			}
			app = &out.Application
			now = now.Add(time.Hour)
		}
		if app.Status != want {
			t.Errorf("path ended in %s, want %s", app.Status, want)
		}
	}
}

func TestStateMachineProperties(t *testing.T) {
	cal := DefaultCalendar()
	visited := map[Status]bool{}
	defer func() {
		for _, s := range Statuses {
			if !visited[s] && !s.Terminal() {
				t.Errorf("random runs never visited %s", s)
			}
		}
	}()
	rapid.Check(t, func(rt *rapid.T) {
		app := testApplication()
		now := t0
		inRun := map[Status]bool{}
		for step := range rapid.IntRange(30, 80).Draw(rt, "steps") {
			// After a terminal status has been tried a little, start over
			// so that one run covers several paths.
			if app.Status.Terminal() && rapid.Bool().Draw(rt, "restart") {
				app, inRun = testApplication(), map[Status]bool{}
			}
			actor := rapid.SampledFrom(actorPool).Draw(rt, "actor")
			action := rapid.SampledFrom(allActions).Draw(rt, "action")
			row := Transition{Action: action}
			// Mostly pick an available row for whoever may act, so that
			// runs go deep enough to reach the terminal statuses.
			var avail []Transition
			for _, a := range actorPool {
				avail = append(avail, Actions(app, a, Env{Now: now, Calendar: cal})...)
			}
			// Half of those go to a status this run has not been in yet.
			fresh := slices.DeleteFunc(slices.Clone(avail), func(tr Transition) bool { return inRun[tr.To] })
			if len(fresh) > 0 && rapid.Bool().Draw(rt, "fresh") {
				avail = fresh
			}
			if len(avail) > 0 && rapid.IntRange(0, 9).Draw(rt, "guided") > 0 {
				row = rapid.SampledFrom(avail).Draw(rt, "row")
				action, actor = row.Action, actorFor(row.Role)
			}
			visited[app.Status], inRun[app.Status] = true, true
			cmd := goodCommand(app, row, actor, now)
			if rapid.IntRange(0, 9).Draw(rt, "stale") == 0 {
				cmd.ExpectedVersion = app.Version - int64(rapid.IntRange(1, 3).Draw(rt, "behind"))
			}
			now = now.Add(time.Duration(rapid.IntRange(0, 72).Draw(rt, "hours")) * time.Hour)
			before := app.clone()

			out, err := Apply(app, cmd, Env{Now: now, Calendar: cal})

			if !reflect.DeepEqual(before, *app) {
				rt.Fatalf("step %d: Apply modified its input", step)
			}
			changes := action.Versioned()
			roles := rolesFor(action)
			switch {
			case len(roles) > 0 && !roles[actor.Role]:
				if ErrorCode(err) != EFORBIDDEN {
					rt.Fatalf("step %d: %s by role %q: got %v, want forbidden", step, action, actor.Role, err)
				}
			case len(roles) > 0 && !inScope(app, actor):
				if ErrorCode(err) != EFORBIDDEN {
					rt.Fatalf("step %d: %s by out-of-scope %s: got %v, want forbidden", step, action, actor.ID, err)
				}
			case len(roles) > 0 && changes && cmd.ExpectedVersion != app.Version:
				if ErrorCode(err) != ECONFLICT {
					rt.Fatalf("step %d: stale %s: got %v, want conflict", step, action, err)
				}
			}
			if err == nil {
				visited[out.Application.Status] = true
			}
			if app.Status.Terminal() && err == nil && actor.Role != RoleFinance && out.Application.Status != app.Status {
				rt.Fatalf("step %d: terminal %s accepted %s", step, app.Status, action)
			}
			if err != nil {
				if code := ErrorCode(err); !slices.Contains([]string{EINVALID, EFORBIDDEN, ECONFLICT, ENOTFOUND}, code) || ErrorMessage(err) == "" {
					rt.Fatalf("step %d: bad error %v", step, err)
				}
				continue
			}
			next := out.Application
			if !slices.Contains(Statuses, next.Status) {
				rt.Fatalf("step %d: left the table's statuses: %q", step, next.Status)
			}
			want := app.Version
			if changes {
				want++
			}
			if next.Version != want || out.Event.Version != next.Version {
				rt.Fatalf("step %d: %s: version %d → %d (event %d), want %d", step, action, app.Version, next.Version, out.Event.Version, want)
			}
			if !slices.ContainsFunc(Transitions, func(tr Transition) bool {
				return tr.From == app.Status && tr.Action == action && tr.Role == actor.Role && tr.To == next.Status
			}) {
				rt.Fatalf("step %d: %s → %s by %s is not in the table", step, app.Status, next.Status, actor.Role)
			}
			app = &next
		}
	})
}

func TestApplyRequirements(t *testing.T) {
	cal := DefaultCalendar()
	at := func(s Status) *Application {
		a := testApplication()
		a.Status = s
		return a
	}
	row := func(from Status, action Action, rt ReturnTo) Transition {
		for _, tr := range Transitions {
			if tr.From == from && tr.Action == action && tr.ReturnTo == rt {
				return tr
			}
		}
		t.Fatalf("no row %s %s", from, action)
		return Transition{}
	}
	env := Env{Now: t0, Calendar: cal}

	// A return without reasons is refused; with them it goes where asked.
	a := at(StatusLiaisonReview)
	c := goodCommand(a, row(StatusLiaisonReview, ActionLiaisonReturn, ReturnToUnit), clerk, t0)
	c.Reasons = nil
	if _, err := Apply(a, c, env); ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "一次性") {
		t.Errorf("return without reasons: %v", err)
	}
	c.ReturnTo = ""
	c.Reasons = []string{"扫描件不清晰或不完整"}
	if _, err := Apply(a, c, env); ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "退回给申报人还是用人单位") {
		t.Errorf("return without target: %v", err)
	}

	// Acceptance needs every original checked and matching.
	a = at(StatusAwaitingPaper)
	c = goodCommand(a, row(StatusAwaitingPaper, ActionPaperAccept, ""), clerk, t0)
	c.Checks = c.Checks[:2]
	if _, err := Apply(a, c, env); ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "未核验") {
		t.Errorf("accept with an unchecked attachment: %v", err)
	}
	c.Checks = append(c.Checks, AttachmentCheck{AttachmentID: "att2", Check: CheckMismatch})
	if _, err := Apply(a, c, env); ErrorCode(err) != EINVALID {
		t.Errorf("accept with a mismatch: %v", err)
	}

	// A payment is dated by the day the command is made (the server's):
	// not later, not over a year back, not before its notice.
	a = at(StatusAwaitingPayment)
	a.Notice = &PaymentNotice{No: "N-LP1-A7-20261012-0001", Amount: 15000, IssuedAt: t0.AddDate(0, 0, -3)}
	for _, tc := range []struct {
		paid time.Time
		want string
	}{
		{time.Time{}, "请填写缴费日期"},
		{t0.AddDate(0, 0, 1), "晚于今天"},
		{t0.AddDate(1, 0, 0), "晚于今天"},
		{t0.AddDate(-1, 0, -1), "早于一年前"},
		{t0.AddDate(0, 0, -4), "早于缴款通知书开具日期"},
		{t0, ""},
		{t0.AddDate(0, 0, -3), ""},
	} {
		c := goodCommand(a, row(StatusAwaitingPayment, ActionPaymentRecord, ""), clerk, t0)
		c.Payment.PaidAt = tc.paid
		_, err := Apply(a, c, env)
		if tc.want == "" && err != nil || tc.want != "" && !strings.Contains(ErrorMessage(err), tc.want) {
			t.Errorf("paid %s: %v, want %q", tc.paid.Format(time.DateOnly), err, tc.want)
		}
	}

	// The amount is the notice's, the channel one of the guide's, and there
	// is no payment without a notice: the desk offers nothing else.
	c = goodCommand(a, row(StatusAwaitingPayment, ActionPaymentRecord, ""), clerk, t0)
	for _, tc := range []struct {
		change func()
		want   string
	}{
		{func() { c.Payment.Amount = 14999 }, "不一致"},
		{func() { c.Payment.Channel = "现金" }, "请选择缴费方式（微信、银行柜台、网上缴费、其他）"},
		{func() { c.Payment.ReceiptNo = "4400123456" }, "微信支付交易单号“4400123456”格式不对"},
		{func() { c.Payment.Channel, c.Payment.ReceiptNo = "银行柜台", " 4400 1234 56 " }, ""},
		{func() { a.Notice = nil }, "尚未开具申请"},
	} {
		saved, savedNotice := *c.Payment, a.Notice
		tc.change()
		if _, err := Apply(a, c, env); tc.want == "" && err != nil || !strings.Contains(ErrorMessage(err), tc.want) {
			t.Errorf("payment: %v, want %q", err, tc.want)
		}
		*c.Payment, a.Notice = saved, savedNotice
	}

	// The one-time notice lists what the counter marked: with every
	// original matching, only a reason from the catalogue makes one.
	{
		now := time.Date(2026, 9, 29, 15, 0, 0, 0, Shanghai)
		a := at(StatusAwaitingPaper)
		cmd := goodCommand(a, row(StatusAwaitingPaper, ActionPaperDeficient, ""), clerk, now)
		for i := range cmd.Checks {
			cmd.Checks[i].Check = CheckMatch
		}
		if _, err := Apply(a, cmd, Env{Now: now, Calendar: cal}); ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "请标出不一致或未提供原件的材料") {
			t.Errorf("a notice of nothing: %v", err)
		}
		cmd.Reasons = []string{"复印件未签名或未加盖单位公章"}
		if _, err := Apply(a, cmd, Env{Now: now, Calendar: cal}); err != nil {
			t.Errorf("a notice of a reason alone: %v", err)
		}
	}

	// The one-time notice sets the supplement deadline five working days
	// later by the calendar: from Tuesday 29 September 2026 over National
	// Day to Monday 12 October; expiry is refused until that day is over.
	now := time.Date(2026, 9, 29, 15, 0, 0, 0, Shanghai)
	a = at(StatusAwaitingPaper)
	out, err := Apply(a, goodCommand(a, row(StatusAwaitingPaper, ActionPaperDeficient, ""), clerk, now), Env{Now: now, Calendar: cal})
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Application.SupplementDeadline.In(Shanghai).Format(time.DateOnly); got != "2026-10-12" {
		t.Errorf("supplement deadline %s, want 2026-10-12", got)
	}
	a = &out.Application
	expire := goodCommand(a, row(StatusPaperDeficient, ActionPaperExpire, ""), clerk, now)
	for _, tc := range []struct {
		now time.Time
		ok  bool
	}{
		{time.Date(2026, 10, 12, 23, 59, 0, 0, Shanghai), false},
		{time.Date(2026, 10, 13, 0, 1, 0, 0, Shanghai), true},
	} {
		_, err := Apply(a, expire, Env{Now: tc.now, Calendar: cal})
		if (err == nil) != tc.ok {
			t.Errorf("paper_expire at %s: %v", tc.now, err)
		}
	}

	// Payment must match the notice.
	a = at(StatusAwaitingPayment)
	a.Notice = &PaymentNotice{No: "N1", Amount: 20000}
	c = goodCommand(a, row(StatusAwaitingPayment, ActionPaymentRecord, ""), clerk, t0)
	if _, err := Apply(a, c, env); ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "150.00 元与缴款通知书金额 200.00 元不一致") {
		t.Errorf("payment mismatch: %v", err)
	}

	// Publicity shorter than five working days is refused.
	a = at(StatusUnitReview)
	c = goodCommand(a, row(StatusUnitReview, ActionUnitApprove, ""), unitUser, t0)
	c.Publicity.Start = c.Publicity.End.AddDate(0, 0, -2)
	if _, err := Apply(a, c, env); ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "公示期只有") {
		t.Errorf("short publicity: %v", err)
	}

	// Submitting an invalid form names the problem.
	a = at(StatusDraft)
	a.IDNumber = a.IDNumber[:17] + "0"
	if a.IDNumber == testForm().IDNumber {
		a.IDNumber = a.IDNumber[:17] + "1"
	}
	if _, err := Apply(a, goodCommand(a, row(StatusDraft, ActionSubmit, ""), applicant, t0), env); ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "校验位") {
		t.Errorf("submit with a bad identity number: %v", err)
	}
}

func TestApplyEffectsClaimAndScope(t *testing.T) {
	env := Env{Now: t0, Calendar: DefaultCalendar()}
	a := testApplication()
	a.Status = StatusBureauReview
	out, err := Apply(a, Command{ID: "k1", Action: ActionClaim, Actor: reviewer, ExpectedVersion: 0}, env)
	if err != nil || out.Application.Version != a.Version || out.Application.AssigneeID != reviewer.ID {
		t.Fatalf("claim: %v, %+v", err, out.Application)
	}
	a = &out.Application
	out, err = Apply(a, Command{ID: "k2", Action: ActionBureauPass, Actor: reviewer, ExpectedVersion: a.Version}, env)
	if err != nil {
		t.Fatal(err)
	}
	if out.Application.AssigneeID != "" {
		t.Error("assignee kept after the application left the reviewer")
	}
	kinds := []EffectKind{}
	for _, e := range out.Effects {
		kinds = append(kinds, e.Kind)
		if e.Kind == EffectSMS && (e.Mobile != a.Mobile || !strings.Contains(e.Text, a.No) || e.DedupeKey != "k2/sms") {
			t.Errorf("sms effect %+v", e)
		}
	}
	if !slices.Equal(kinds, []EffectKind{EffectSMS, EffectSeal}) {
		t.Errorf("effects %v", kinds)
	}
	if ev := out.Event; ev.Action != ActionBureauPass || ev.FromStatus != StatusBureauReview || ev.ToStatus != StatusAwaitingPaper || ev.ActorID != reviewer.ID {
		t.Errorf("event %+v", ev)
	}

	a = &out.Application
	if _, err := Apply(a, Command{Action: ActionPrint, Document: DocForm, Actor: otherClerk}, env); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("clerk of another liaison point: %v", err)
	}
	if _, err := Apply(a, Command{Action: ActionPrint, Document: DocReceipt, Actor: clerk}, env); ErrorCode(err) != EINVALID {
		t.Errorf("receipt before acceptance: %v", err)
	}
	if _, err := Apply(nil, Command{Action: ActionPrint, Actor: clerk}, env); ErrorCode(err) != ENOTFOUND {
		t.Errorf("nil application: %v", err)
	}

	var labels []string
	for _, tr := range Actions(a, clerk, env) {
		labels = append(labels, tr.Action.Label()+tr.Document.Label())
	}
	want := []string{"材料受理", "一次性告知补正", "不予受理", "认领", "打印申报表"}
	if !slices.Equal(labels, want) {
		t.Errorf("Actions for the clerk in awaiting_paper = %v, want %v", labels, want)
	}
}

func TestLabels(t *testing.T) {
	for _, s := range Statuses {
		if s.Label() == "" {
			t.Errorf("status %s has no label", s)
		}
	}
	for _, tr := range Transitions {
		if tr.Action.Label() == "" || tr.Role.Label() == "" {
			t.Errorf("row %+v lacks a label", tr)
		}
	}
	if StatusLiaisonReview.Label() != "待联络点初审" {
		t.Error(StatusLiaisonReview.Label())
	}
	var terminal []Status
	for _, s := range Statuses {
		if s.Terminal() {
			terminal = append(terminal, s)
		}
	}
	if !slices.Equal(terminal, []Status{StatusCertified, StatusWithdrawn, StatusRejected, StatusExpired}) {
		t.Errorf("terminal statuses %v", terminal)
	}
}

func TestTerminalStatusesAcceptNothing(t *testing.T) {
	env := Env{Now: t0.AddDate(1, 0, 0), Calendar: DefaultCalendar()}
	for _, s := range Statuses {
		if !s.Terminal() {
			continue
		}
		a := testApplication()
		a.Status = s
		for _, actor := range actorPool {
			for _, action := range allActions {
				for _, doc := range []Document{"", DocForm, DocReceipt} {
					c := goodCommand(a, Transition{Action: action, Document: doc}, actor, env.Now)
					if out, err := Apply(a, c, env); err == nil && out.Application.Status != s {
						t.Errorf("%s accepted %s %s by %s into %s", s, action, doc, actor.ID, out.Application.Status)
					}
				}
			}
		}
	}
}

// TestConsequences: every decision that changes the status says into what;
// those that end an application by refusing it say it cannot be taken
// back, and only those; those that text the applicant say so.
func TestConsequences(t *testing.T) {
	for _, tr := range Transitions {
		c := tr.Consequence()
		switch {
		// A row that keeps the status says nothing, unless it changes what
		// the status means or goes back by the history, and texts.
		case tr.To == tr.From && c != "" && ((tr.Action != ActionCertificateRevoke && !tr.Undo) || !strings.Contains(c, "短信")):
			t.Errorf("%s %s keeps the status, yet says %q", tr.From, tr.Action, c)
		case tr.To != tr.From && !strings.Contains(c, "转为“"+tr.To.Label()+"”"):
			t.Errorf("%s %s: %q", tr.From, tr.Action, c)
		case strings.Contains(c, "不能撤回") != (tr.Refuses() && tr.To.Terminal()):
			t.Errorf("%s %s to %s: %q", tr.From, tr.Action, tr.To, c)
		case tr.To != tr.From && strings.Contains(c, "短信") != (tr.SMS.Template != ""):
			t.Errorf("%s %s: %q, SMS %q", tr.From, tr.Action, c, tr.SMS)
		}
	}
	if !(Transition{From: StatusAwaitingPaper, To: StatusExpired}).Refuses() || (Transition{From: StatusLiaisonReview, To: StatusBureauReview}).Refuses() {
		t.Error("Refuses")
	}
}

// TestEveryStepTextsWhoActsNext: every step a person takes that moves an
// application on texts someone: the unit where the unit must act next
// (review, or a return to it), the applicant everywhere else, including
// the end of the road; and each message names the application.
func TestEveryStepTextsWhoActsNext(t *testing.T) {
	unitActs := map[Status]bool{StatusUnitReview: true, StatusReturnedToUnit: true}
	keys := map[string]Message{}
	for _, tr := range Transitions {
		moves := tr.To != tr.From && tr.Role != RoleFinance && !(tr.Role == RoleApplicant && tr.Action == ActionWithdraw)
		switch want := map[bool]Party{false: PartyApplicant, true: PartyUnit}[unitActs[tr.To]]; {
		case moves && tr.SMS.Template == "":
			t.Errorf("%s %s → %s texts no one", tr.From, tr.Action, tr.To)
		case moves && tr.SMS.To != want:
			t.Errorf("%s %s → %s texts the %s, want the %s", tr.From, tr.Action, tr.To, tr.SMS.To, want)
		case tr.SMS.Template != "" && !strings.Contains(tr.SMS.Template, "{no}") && !strings.Contains(tr.SMS.Template, "{cert}"):
			t.Errorf("%s %s: the message names no application: %q", tr.From, tr.Action, tr.SMS.Template)
		}
		if tr.SMS.Template != "" {
			if prev, ok := keys[tr.MessageKey()]; ok && prev != tr.SMS {
				t.Errorf("key %s names two messages", tr.MessageKey())
			}
			keys[tr.MessageKey()] = tr.SMS
		}
	}
	// The unit's texts go to its contact's mobile.
	a := testApplication()
	a.Status = StatusLiaisonReview
	unit := &Unit{ID: a.UnitID, ContactMobile: "13922001101"}
	env := Env{Now: t0, Calendar: DefaultCalendar(), Unit: func(id string) *Unit {
		if id == unit.ID {
			return unit
		}
		return nil
	}}
	out, err := Apply(a, goodCommand(a, Transition{Action: ActionLiaisonReturn, ReturnTo: ReturnToUnit}, clerk, t0), env)
	if err != nil {
		t.Fatal(err)
	}
	if e := out.Effects[0]; e.Party != PartyUnit || e.Mobile != unit.ContactMobile || !strings.Contains(e.Text, a.Name+"的申请") || e.Template != "liaison_return.unit/unit" {
		t.Errorf("return to the unit: %+v", e)
	}
}

// TestReopenGoesBackByTheHistory: the bureau's correction takes back the
// last decision that ended or sent back the application, to where it found
// it, with the reason, texting the applicant; back at the counter with a
// fresh supplement deadline. A decision that may not be taken back stays.
func TestReopenGoesBackByTheHistory(t *testing.T) {
	env := Env{Now: t0, Calendar: DefaultCalendar()}
	reviewer := Actor{ID: "r1", Name: "王立新", Role: RoleBureau}
	for _, c := range []struct {
		from, ended Status
		by          Action
		ok          bool
	}{
		{StatusPaperDeficient, StatusExpired, ActionPaperExpire, true},
		{StatusAwaitingPaper, StatusRejected, ActionPaperReject, true},
		{StatusBureauReview, StatusBureauRejected, ActionBureauReject, true},
		{StatusPaid, StatusRejected, ActionRefund, false}, // the money went back: a new application
	} {
		a := testApplication()
		a.Status = c.ended
		a.Decisions = append(a.Decisions, Decision{Action: c.by, From: c.from, To: c.ended, At: t0.Add(-time.Hour)})
		if _, err := Apply(a, Command{ID: "k", Action: ActionReopen, ApplicationID: a.ID, ExpectedVersion: a.Version, Actor: reviewer}, env); c.ok &&
			(ErrorCode(err) != EINVALID || ErrorMessage(err) != "请选择至少一条“更正（恢复办理）”的原因") {
			// Its one reason, not the returns' "一次性列出全部原因".
			t.Errorf("reopen without a reason: %v", err)
		}
		out, err := Apply(a, Command{ID: "k", Action: ActionReopen, ApplicationID: a.ID, ExpectedVersion: a.Version, Actor: reviewer,
			Reasons: []string{"补正材料已于期限内递交，系录入有误"}}, env)
		if !c.ok {
			if err == nil {
				t.Errorf("%s by %s reopened", c.ended, c.by)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s by %s: %v", c.ended, c.by, err)
		}
		got := out.Application
		last := got.Decisions[len(got.Decisions)-1]
		if got.Status != c.from || last.Action != ActionReopen || last.From != c.ended || last.To != c.from || len(out.Effects) != 1 ||
			!strings.Contains(out.Effects[0].Text, "已恢复办理，当前为“"+c.from.Label()+"”") {
			t.Errorf("%s by %s: now %s, decision %+v, effects %+v", c.ended, c.by, got.Status, last, out.Effects)
		}
		if counter := c.from == StatusPaperDeficient || c.from == StatusAwaitingPaper; counter != !got.SupplementDeadline.IsZero() {
			t.Errorf("%s: supplement deadline %v", c.from, got.SupplementDeadline)
		}
	}
}
