package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"titledesk/data"
)

func openTest(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "titledesk.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

var (
	ctx       = context.Background()
	applicant = data.Actor{ID: "ap1", Name: "张伟", Role: data.RoleApplicant}
	unitUser  = data.Actor{ID: "uu1", Name: "李敏", Role: data.RoleUnit, UnitID: "u1"}
	clerk     = data.Actor{ID: "c1", Name: "王芳", Role: data.RoleClerk, LiaisonPointID: "lp1"}
	reviewer  = data.Actor{ID: "b1", Name: "陈静", Role: data.RoleBureau}
)

func newDraft(t *testing.T, s *Store) *data.Application {
	t.Helper()
	a := genApplication(rand.New(rand.NewPCG(1, 2)), 0)
	a.ID, a.No, a.ApplicantID, a.UnitID, a.LiaisonPointID, a.Name = "app1", "", "ap1", "u1", "lp1", "欧阳娜娜"
	a.SubmittedAt, a.SupplementDeadline = time.Time{}, time.Time{}
	if err := s.CreateApplication(ctx, a, applicant, t0.AddDate(0, 0, -30)); err != nil { // a month before its unit publicises it
		t.Fatal(err)
	}
	return a
}

// workflow drives an application from draft to certified through the store
// and returns the command IDs used.
func workflow(t *testing.T, s *Store, id string) {
	t.Helper()
	cal := data.DefaultCalendar()
	now := t0
	step := func(actor data.Actor, c data.Command) data.Outcome {
		t.Helper()
		a, err := s.Application(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		c.ID, c.ApplicationID, c.ExpectedVersion, c.Actor = string(c.Action)+"-"+now.Format("150405"), id, a.Version, actor
		out, err := s.Apply(ctx, c, data.Env{Now: now, Calendar: cal})
		if err != nil {
			t.Fatalf("%s: %v", c.Action, err)
		}
		now = now.Add(time.Hour)
		return out
	}
	step(applicant, data.Command{Action: data.ActionSubmit})
	end := must(cal.AddWorkingDays(now, -1))
	step(unitUser, data.Command{Action: data.ActionUnitApprove, Opinion: "同意", Publicity: data.Publicity{Start: must(cal.AddWorkingDays(end, -4)), End: end}})
	step(clerk, data.Command{Action: data.ActionLiaisonReturn, ReturnTo: data.ReturnToApplicant, Reasons: []string{"扫描件不清晰或不完整"}, Note: "请重新扫描身份证"})
	step(applicant, data.Command{Action: data.ActionSubmit})
	step(unitUser, data.Command{Action: data.ActionUnitApprove, Opinion: "同意", Publicity: data.Publicity{Start: must(cal.AddWorkingDays(end, -4)), End: end}})
	step(clerk, data.Command{Action: data.ActionClaim})
	step(clerk, data.Command{Action: data.ActionLiaisonPass})
	out := step(reviewer, data.Command{Action: data.ActionBureauPass})
	if len(out.Effects) != 2 {
		t.Errorf("bureau_pass effects %+v", out.Effects)
	}
	finance := data.Actor{ID: "platform", Name: "非税平台", Role: data.RoleFinance}
	notice := data.PaymentNotice{No: "44190202600000001", PayCode: "441926091400000001", Amount: 15000, Payee: "东莞市人力资源局"}
	step(finance, data.Command{Action: data.ActionNoticeIssue, Notice: &notice})
	step(clerk, data.Command{Action: data.ActionPrint, Document: data.DocForm})
	a, _ := s.Application(ctx, id)
	var checks []data.AttachmentCheck
	for _, at := range a.Attachments {
		checks = append(checks, data.AttachmentCheck{AttachmentID: at.ID, Check: data.CheckMatch})
	}
	fee, err := s.Fee(ctx, a.Level)
	if err != nil {
		t.Fatal(err)
	}
	step(clerk, data.Command{Action: data.ActionPaperAccept, Checks: checks})
	step(clerk, data.Command{Action: data.ActionPaymentRecord, Payment: &data.Payment{Amount: fee, ReceiptNo: "4200001234202609140000000001", Channel: "微信", PaidAt: now}})
	step(finance, data.Command{Action: data.ActionReconcile, Statement: &data.StatementEntry{PayCode: notice.PayCode, Ref: "JY0001", Amount: fee, PaidAt: now}})
	step(reviewer, data.Command{Action: data.ActionCertify, Certificate: &data.Certificate{No: "2026-4419-000001"}})
}

func TestWorkflowThroughStore(t *testing.T) {
	s, _ := openTest(t)
	a := newDraft(t, s)
	if a.No != "2026000001" || a.Version != 1 || a.Status != data.StatusDraft {
		t.Fatalf("created %s v%d %s", a.No, a.Version, a.Status)
	}
	workflow(t, s, a.ID)
	got, err := s.Application(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	// 10 record-changing commands; claim, print and the finance system's
	// facts keep the version.
	if got.Status != data.StatusCertified || got.Version != 11 || got.Certificate.No != "2026-4419-000001" || got.Payment.Amount != 15000 {
		t.Errorf("after workflow: %s v%d %+v %+v", got.Status, got.Version, got.Certificate, got.Payment)
	}
	if len(got.Decisions) != 10 || !slices.Equal(got.Decisions[2].Reasons, []string{"扫描件不清晰或不完整"}) {
		t.Errorf("decisions %+v", got.Decisions)
	}
	events, err := s.AuditEvents(ctx, a.ID)
	if err != nil || len(events) != 15 || events[0].Action != data.ActionCreate || events[9].Action != data.ActionNoticeIssue || events[10].Document != data.DocForm {
		t.Fatalf("audit events %d %v", len(events), err)
	}
	sms, err := s.PendingSMS(ctx, t0, 20)
	var keys []string
	for _, m := range sms {
		keys = append(keys, m.Template)
	}
	// Each step texts the applicant; the submission texts the unit, whose
	// contact this store does not know: it waits in the portal only.
	if want := []string{"unit_approve/applicant", "liaison_return.applicant/applicant", "unit_approve/applicant", "liaison_pass/applicant",
		"bureau_pass/applicant", "paper_accept/applicant", "payment_record/applicant", "certify/applicant"}; err != nil || !slices.Equal(keys, want) {
		t.Fatalf("pending sms %q %v", keys, err)
	}
	if err := s.MarkSMS(ctx, sms[0].ID, nil, t0, t0); err != nil {
		t.Fatal(err)
	}
	if sms, _ = s.PendingSMS(ctx, t0, 20); len(sms) != 7 {
		t.Errorf("after one sent: %d pending", len(sms))
	}
	if r, err := s.VerifyAudit(ctx, nil, t0); !r.OK() || err != nil {
		t.Errorf("fresh chain: %+v %v", r, err)
	}
}

func TestApplyConflicts(t *testing.T) {
	s, _ := openTest(t)
	a := newDraft(t, s)
	env := data.Env{Now: t0, Calendar: data.DefaultCalendar()}
	submit := data.Command{ID: "c1", Action: data.ActionSubmit, ApplicationID: a.ID, ExpectedVersion: 1, Actor: applicant}
	if _, err := s.Apply(ctx, submit, env); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, submit, env); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("stale version: %v", err)
	}
	withdraw := data.Command{ID: "c1", Action: data.ActionWithdraw, ApplicationID: a.ID, ExpectedVersion: 2, Actor: applicant}
	if _, err := s.Apply(ctx, withdraw, env); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("withdraw in unit_review: %v", err)
	}
	claim := data.Command{ID: "c1", Action: data.ActionPrint, ApplicationID: a.ID, Actor: reviewer}
	if _, err := s.Apply(ctx, claim, env); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("print before bureau_pass: %v", err)
	}
	if _, err := s.Apply(ctx, data.Command{ID: "x", Action: data.ActionSubmit, ApplicationID: "nope", Actor: applicant}, env); data.ErrorCode(err) != data.ENOTFOUND {
		t.Errorf("unknown application: %v", err)
	}
	// A replayed command ID is refused even when its version is current.
	a, _ = s.Application(ctx, a.ID)
	a.Status = data.StatusDraft
	if err := s.SaveApplications(ctx, []*data.Application{a}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, data.Command{ID: "c1", Action: data.ActionSubmit, ApplicationID: a.ID, ExpectedVersion: a.Version, Actor: applicant}, env); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("replayed command: %v", err)
	}
	if got, _ := s.Application(ctx, a.ID); got.Status != data.StatusDraft {
		t.Errorf("replay changed the record: %s", got.Status)
	}
}

func TestSaveAndLoadEveryField(t *testing.T) {
	s, path := openTest(t)
	a := genApplication(rand.New(rand.NewPCG(3, 4)), 7)
	at := func(h int) time.Time { return t0.Add(time.Duration(h)*time.Hour + 123456789).UTC() }
	a.UnitOpinion, a.Publicity = "同意推荐", data.Publicity{Start: at(-200), End: at(-100)}
	a.AssigneeID, a.AssigneeName, a.SupplementDeadline = "c1", "王芳", at(100)
	a.Attachments[1].Check, a.Attachments[1].CheckNote = data.CheckMismatch, "印章模糊"
	a.Decisions = []data.Decision{
		{Action: data.ActionSubmit, From: data.StatusDraft, To: data.StatusUnitReview, ActorID: "ap1", ActorName: "张伟", Role: data.RoleApplicant, At: at(1)},
		{Action: data.ActionLiaisonReturn, From: data.StatusLiaisonReview, To: data.StatusReturnedToUnit, ActorID: "c1", ActorName: "王芳", Role: data.RoleClerk, Reasons: []string{"甲", "乙"}, Note: "注", At: at(2)},
	}
	a.Notice = &data.PaymentNotice{No: "N1", PayCode: "4419001", Amount: 30000, IssuedAt: at(3), IssuedBy: "王芳"}
	a.Payment = &data.Payment{Amount: 30000, ReceiptNo: "R1", Channel: "银行", ProofSHA256: "ab", PaidAt: at(4), RecordedAt: at(5), RecordedBy: "王芳"}
	a.Certificate = &data.Certificate{No: "C1", IssuedAt: at(6)}
	a.ReviewedAt = at(7)
	if err := s.SaveApplications(ctx, []*data.Application{a}); err != nil {
		t.Fatal(err)
	}
	// Saving again replaces, it does not duplicate.
	if err := s.SaveApplications(ctx, []*data.Application{a}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err := Open(path) // migrations are not run twice
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Application(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, a) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, a)
	}
	if byNo, err := s.ApplicationByNo(ctx, a.No); err != nil || byNo.ID != a.ID {
		t.Errorf("by number: %v", err)
	}
	if _, err := s.ApplicationByNo(ctx, "x"); data.ErrorCode(err) != data.ENOTFOUND {
		t.Errorf("missing number: %v", err)
	}
}

func TestReferenceData(t *testing.T) {
	s, _ := openTest(t)
	review, _ := s.Reasons(ctx, data.StepReview)
	counter, _ := s.Reasons(ctx, data.StepCounter)
	if len(review) != 9 || len(counter) != 5 || review[0].Text != "扫描件不清晰或不完整" {
		t.Errorf("seeded reasons %d %d", len(review), len(counter))
	}
	r := review[0]
	r.Active = false
	if err := s.SaveReason(ctx, &r); err != nil {
		t.Fatal(err)
	}
	if review, _ = s.Reasons(ctx, data.StepReview); len(review) != 8 {
		t.Errorf("retired reason still listed")
	}
	if err := s.SaveFee(ctx, data.Fee{Level: "中级", Amount: 35000}); err != nil {
		t.Fatal(err)
	}
	if fee, err := s.Fee(ctx, "中级"); err != nil || fee != 35000 {
		t.Errorf("fee %v %v", fee, err)
	}
	if _, err := s.Fee(ctx, "正高级"); data.ErrorCode(err) != data.ENOTFOUND {
		t.Errorf("unknown level: %v", err)
	}
	if err := s.SaveCalendarDays(ctx, []data.CalendarDay{{Date: "2026-10-10", Work: false, Name: "市局调整"}}); err != nil {
		t.Fatal(err)
	}
	cal, err := s.Calendar(ctx)
	if err != nil || cal.IsWorkingDay(time.Date(2026, 10, 10, 9, 0, 0, 0, data.Shanghai)) || !cal.IsWorkingDay(time.Date(2026, 9, 20, 9, 0, 0, 0, data.Shanghai)) {
		t.Errorf("calendar override: %v", err)
	}
	lp := &data.LiaisonPoint{ID: "lp1", Code: "dlxh", Name: "东莞市电力行业协会", Active: true}
	if err := s.SaveLiaisonPoint(ctx, lp); err != nil {
		t.Fatal(err)
	}
	if pts, _ := s.LiaisonPoints(ctx); len(pts) != 1 || pts[0].Code != "DLXH" {
		t.Errorf("liaison points %+v", pts)
	}
	c := &data.Clerk{ID: "c1", Login: "wangf", Name: "王芳", Role: data.RoleClerk, LiaisonPointID: "lp1", PasswordHash: "h", Active: true}
	if err := s.SaveClerk(ctx, c); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ClerkByLogin(ctx, "wangf"); err != nil || !reflect.DeepEqual(got, c) {
		t.Errorf("clerk %+v %v", got, err)
	}
	u := &data.Unit{ID: "u1", Name: "东莞市某电力工程有限公司", CreditCode: data.MakeCreditCode("91441900MA4UAB12C"), ContactName: "李敏", ContactMobile: "13800138000", CreatedAt: t0.UTC()}
	if err := s.SaveUnit(ctx, u); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Unit(ctx, "u1"); err != nil || !reflect.DeepEqual(got, u) {
		t.Errorf("unit %+v %v", got, err)
	}
	bad := *u
	bad.CreditCode = bad.CreditCode[:17] + "0"
	if bad.CreditCode == u.CreditCode {
		bad.CreditCode = bad.CreditCode[:17] + "1"
	}
	if err := s.SaveUnit(ctx, &bad); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("bad credit code saved: %v", err)
	}
}

func TestQueuesAndSearch(t *testing.T) {
	s, _ := openTest(t)
	r := rand.New(rand.NewPCG(5, 6))
	var apps []*data.Application
	for i := range 2000 {
		apps = append(apps, genApplication(r, i))
	}
	apps[10].Name, apps[11].Name, apps[12].Name = "张伟", "张伟强", "欧阳张伟"
	apps[13].Name = "100%_名"
	if err := s.SaveApplications(ctx, apps); err != nil {
		t.Fatal(err)
	}
	countWhere := func(keep func(a *data.Application) bool) int {
		n := 0
		for _, a := range apps {
			if keep(a) {
				n++
			}
		}
		return n
	}

	counts, err := s.CountByStatus(ctx, "lp03")
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range data.Statuses {
		if want := countWhere(func(a *data.Application) bool { return a.LiaisonPointID == "lp03" && a.Status == st }); counts[st] != want {
			t.Errorf("count %s = %d, want %d", st, counts[st], want)
		}
	}
	all, _ := s.CountByStatus(ctx, "")
	if all[data.StatusDraft] != countWhere(func(a *data.Application) bool { return a.Status == data.StatusDraft }) {
		t.Error("count over all points")
	}

	queue := data.ApplicationFilter{LiaisonPointID: "lp03", Statuses: []data.Status{data.StatusLiaisonReview, data.StatusBureauRejected}, Limit: 5}
	want := countWhere(func(a *data.Application) bool {
		return a.LiaisonPointID == "lp03" && (a.Status == data.StatusLiaisonReview || a.Status == data.StatusBureauRejected)
	})
	var seen []string
	for queue.Offset = 0; ; queue.Offset += 5 {
		page, total, err := s.FindApplications(ctx, queue)
		if err != nil || total != want {
			t.Fatalf("queue total %d, want %d (%v)", total, want, err)
		}
		if len(page) == 0 {
			break
		}
		for _, a := range page {
			seen = append(seen, a.SubmittedAt.Format(time.RFC3339Nano)+a.ID)
		}
	}
	if len(seen) != want || !slices.IsSorted(seen) {
		t.Errorf("paging returned %d rows, sorted %v", len(seen), slices.IsSorted(seen))
	}

	for _, tc := range []struct {
		search string
		want   []string
	}{
		{"张伟", []string{apps[10].ID, apps[11].ID, apps[12].ID}},
		{"100%", []string{apps[13].ID}},
		{apps[42].IDNumber, []string{apps[42].ID}},
		{" " + apps[43].No + " ", []string{apps[43].ID}},
		{apps[44].IDNumber[:17] + "x", nil}, // lower-case x is normalised; only found when that is the real check
	} {
		page, total, err := s.FindApplications(ctx, data.ApplicationFilter{Search: tc.search, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range page {
			ids = append(ids, a.ID)
		}
		if tc.want == nil {
			if apps[44].IDNumber[17] == 'X' && total != 1 {
				t.Errorf("search %q: %v", tc.search, ids)
			}
			continue
		}
		slices.Sort(ids)
		if total != len(tc.want) || !slices.Equal(ids, tc.want) {
			t.Errorf("search %q = %v (total %d), want %v", tc.search, ids, total, tc.want)
		}
	}
	prefix, total, _ := s.FindApplications(ctx, data.ApplicationFilter{Search: "202600001"})
	if total != 10 || len(prefix) != 10 {
		t.Errorf("number prefix found %d", total)
	}

	limit := t0.AddDate(0, 0, -100)
	page, total, err := s.FindApplications(ctx, data.ApplicationFilter{DeadlineBefore: limit, Limit: 1000})
	wantDue := countWhere(func(a *data.Application) bool {
		return !a.SupplementDeadline.IsZero() && a.SupplementDeadline.Before(limit)
	})
	if err != nil || total != wantDue || wantDue == 0 || !slices.IsSortedFunc(page, func(x, y data.ApplicationSummary) int { return x.SupplementDeadline.Compare(y.SupplementDeadline) }) {
		t.Errorf("deadlines: %d of %d (%v)", total, wantDue, err)
	}
}

// TestVerifyPinpointsTampering changes one byte of each column of a stored
// event in turn, as someone with the database file could, and expects
// Verify to name that event.
func TestVerifyPinpointsTampering(t *testing.T) {
	s, path := openTest(t)
	a := newDraft(t, s)
	workflow(t, s, a.ID)
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, col := range []string{"command_id", "application_no", "action", "to_status", "actor_name", "reasons", "note", "prev_hash", "hash"} {
		const target = 4 // the return, which has reasons and a note
		var before string
		if err := raw.QueryRow(`SELECT `+col+` FROM audit_events WHERE seq = ?`, target).Scan(&before); err != nil {
			t.Fatal(err)
		}
		b := []byte(before)
		b[len(b)-1] ^= 0x01 // one bit of the last byte
		if _, err := raw.Exec(`UPDATE audit_events SET `+col+` = ? WHERE seq = ?`, string(b), target); err != nil {
			t.Fatal(err)
		}
		r, err := s.VerifyAudit(ctx, nil, t0)
		if brk := r.Break; err != nil || brk == nil || brk.Seq != target {
			t.Errorf("altered %s: Verify = %v, %v; want event %d", col, brk, err, target)
		}
		if _, err := raw.Exec(`UPDATE audit_events SET `+col+` = ? WHERE seq = ?`, before, target); err != nil {
			t.Fatal(err)
		}
	}
	for _, col := range []string{"version", "at"} {
		if _, err := raw.Exec(`UPDATE audit_events SET ` + col + ` = ` + col + ` + 1 WHERE seq = 7`); err != nil {
			t.Fatal(err)
		}
		if r, _ := s.VerifyAudit(ctx, nil, t0); r.Break == nil || r.Break.Seq != 7 {
			t.Errorf("altered %s: Verify = %+v", col, r)
		}
		raw.Exec(`UPDATE audit_events SET ` + col + ` = ` + col + ` - 1 WHERE seq = 7`)
	}
	if r, _ := s.VerifyAudit(ctx, nil, t0); !r.OK() {
		t.Fatalf("restored chain: %+v", r)
	}
	if _, err := raw.Exec(`DELETE FROM audit_events WHERE seq = 5`); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.VerifyAudit(ctx, nil, t0); r.Break == nil || r.Break.Seq != 5 {
		t.Errorf("deleted event: Verify = %+v", r)
	}
}

// TestSearchWithFiltersMatchesScan: every search (name, number prefix, none
// found) under every mix of statuses, point, level, submission dates and
// offset gives the page and total a scan of the applications gives; names
// are searched within the statuses asked for (searchOf), so the arguments
// of the status list and the search must line up with their placeholders.
// It runs on a store of 30 points, as the server's, and on one where lp03
// holds all, as its desk, since one character is looked for differently
// when the point holds most of its statuses (FindApplications, by the kept counts).
func TestSearchWithFiltersMatchesScan(t *testing.T) {
	for _, desk := range []bool{false, true} {
		apps := genApplications(7, 3000)
		if desk {
			for _, a := range apps {
				a.LiaisonPointID = "lp03"
			}
		}
		t.Run(map[bool]string{false: "30 points", true: "one point"}[desk], func(t *testing.T) { searchMatchesScan(t, apps) })
	}
}

func searchMatchesScan(t *testing.T, apps []*data.Application) {
	s, _ := openTest(t)
	if err := s.SaveApplications(ctx, apps); err != nil {
		t.Fatal(err)
	}
	from, to := t0.AddDate(0, -6, 0), t0.AddDate(0, -1, 0)
	matches := func(a *data.Application, f data.ApplicationFilter) bool {
		q := data.Normalize(f.Search)
		found := strings.Contains(a.Name, f.Search)
		if isNumberLike(q) {
			found = strings.HasPrefix(a.No, q) || strings.HasPrefix(a.IDNumber, q) || len(q) == 4 && (strings.HasSuffix(a.IDNumber, q) || strings.HasSuffix(a.No, q))
		}
		return found && (len(f.Statuses) == 0 || slices.Contains(f.Statuses, a.Status)) &&
			(f.LiaisonPointID == "" || a.LiaisonPointID == f.LiaisonPointID) && (f.Level == "" || a.Level == f.Level) &&
			(f.SubmittedFrom.IsZero() || !a.SubmittedAt.Before(data.Midnight(f.SubmittedFrom))) &&
			(f.SubmittedTo.IsZero() || a.SubmittedAt.Before(data.Midnight(f.SubmittedTo).AddDate(0, 0, 1)))
	}
	for _, search := range []string{"张", "王芳", "2026000", "20260012", "zz", apps[5].IDNumber[14:], "2026", apps[9].No[len(apps[9].No)-4:]} {
		for _, statuses := range [][]data.Status{nil, {data.StatusLiaisonReview}, {data.StatusAwaitingPaper, data.StatusPaperDeficient}} {
			for _, point := range []string{"", "lp03"} {
				for _, level := range []string{"", "中级"} {
					for _, dated := range []bool{false, true} {
						for _, offset := range []int{0, 3} {
							f := data.ApplicationFilter{Search: search, Statuses: statuses, LiaisonPointID: point, Level: level, Offset: offset, Limit: 5}
							if dated {
								f.SubmittedFrom, f.SubmittedTo = from, to
							}
							want := 0
							for _, a := range apps {
								if matches(a, f) {
									want++
								}
							}
							page, total, err := s.FindApplications(ctx, f)
							if err != nil {
								t.Fatalf("%+v: %v", f, err)
							}
							if (total != want && (want <= data.SearchCap || total != data.SearchCap+1)) || len(page) != min(max(want-offset, 0), 5) {
								t.Errorf("%q %v point %q level %q dated %v offset %d: total %d, %d on the page; want %d", search, statuses, point, level, dated, offset, total, len(page), want)
							}
							for _, a := range page {
								if full, _ := s.Application(ctx, a.ID); full == nil || !matches(full, f) {
									t.Errorf("%q %v: %s does not match", search, statuses, a.No)
								}
							}
						}
					}
				}
			}
		}
	}
}

// TestLocalCommandsShowAtOnce: on a workstation a command changes the stored
// application with its outbox row, so queues find it under its new status
// at once; a pulled snapshot gets the unanswered commands laid on again,
// those that still apply; a refused command is taken back off; and once all
// are answered and pulled, the stored application is the server's snapshot.
func TestLocalCommandsShowAtOnce(t *testing.T) {
	s, _ := openTest(t)
	r := rand.New(rand.NewPCG(9, 10))
	a, b := genApplication(r, 1), genApplication(r, 2)
	for _, x := range []*data.Application{a, b} {
		x.Status, x.LiaisonPointID, x.Version = data.StatusLiaisonReview, "lp1", 3
	}
	if err := s.ApplyChanges(ctx, []data.Change{change(t, a, 1), change(t, b, 2)}, 2); err != nil {
		t.Fatal(err)
	}
	do := func(x *data.Application, id string) int64 {
		t.Helper()
		stored, _ := s.Application(ctx, x.ID)
		cmd := data.Command{ID: id, Action: data.ActionLiaisonPass, ApplicationID: x.ID, ExpectedVersion: stored.Version, Actor: clerk}
		seq, err := s.Enqueue(ctx, cmd, localEnv, true, 0)
		if err != nil {
			t.Fatal(err)
		}
		return seq
	}
	in := func(st data.Status) []string {
		t.Helper()
		rows, _, err := s.FindApplications(ctx, data.ApplicationFilter{Statuses: []data.Status{st}})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, x := range rows {
			ids = append(ids, x.ID)
		}
		slices.Sort(ids)
		return ids
	}
	seqA, seqB := do(a, "cmd-a"), do(b, "cmd-b")
	if got := in(data.StatusBureauReview); !slices.Equal(got, []string{a.ID, b.ID}) || len(in(data.StatusLiaisonReview)) != 0 {
		t.Fatalf("after two passes: bureau queue %v, first review %v", got, in(data.StatusLiaisonReview))
	}

	// A pull brings b's snapshot again, unchanged: the pass stays laid on.
	// Then a newer one of a: someone acted first, so a's pass, issued
	// against version 3, no longer applies; the server will say so.
	if err := s.ApplyChanges(ctx, []data.Change{change(t, b, 3)}, 3); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Application(ctx, b.ID); got.Status != data.StatusBureauReview {
		t.Errorf("same snapshot, pass laid on again: %s", got.Status)
	}
	a2 := *a
	a2.Version, a2.UnitName = 4, "东莞市新单位"
	if err := s.ApplyChanges(ctx, []data.Change{change(t, &a2, 4)}, 4); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Application(ctx, a.ID); got.Status != data.StatusLiaisonReview || got.UnitName != "东莞市新单位" {
		t.Errorf("newer snapshot, stale pass left off: %s %s", got.Status, got.UnitName)
	}

	// The server refuses a's pass and applies b's.
	if err := s.RecordResults(ctx, []data.CommandResult{
		{Seq: seqA, CommandID: "cmd-a", State: data.StateConflict, Code: data.ECONFLICT, Message: "已被他人处理"},
		{Seq: seqB, CommandID: "cmd-b", State: data.StateApplied, Version: 4},
	}, seqB, t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Application(ctx, a.ID); got.Status != data.StatusLiaisonReview || got.Version != 4 {
		t.Errorf("refused pass taken back: %s v%d", got.Status, got.Version)
	}
	if got, _ := s.Application(ctx, b.ID); got.Status != data.StatusBureauReview {
		t.Errorf("applied pass kept before the pull: %s", got.Status)
	}
	// The pull brings b as the server applied the pass: nothing is kept aside.
	b2 := *b
	b2.Version, b2.Status = 4, data.StatusBureauReview
	if err := s.ApplyChanges(ctx, []data.Change{change(t, &b2, 5)}, 5); err != nil {
		t.Fatal(err)
	}
	var kept int
	if err := s.read.QueryRow(`SELECT count(*) FROM server_snapshots`).Scan(&kept); err != nil || kept != 0 {
		t.Errorf("snapshots still kept after every command was answered and pulled: %d (%v)", kept, err)
	}
	if got := in(data.StatusBureauReview); !slices.Equal(got, []string{b.ID}) {
		t.Errorf("bureau queue after sync: %v", got)
	}
}

// TestLocalCommandsRefusedUpgradedAndRaced: two commands on one application
// refused in one batch both come off; a claim leaves no snapshot kept once
// answered; a command laid on a newer pull than the clerk saw fails here as
// on the server; and commands queued by a build that did not write their
// changes are laid on when the store opens.
func TestLocalCommandsRefusedUpgradedAndRaced(t *testing.T) {
	s, path := openTest(t)
	a := genApplication(rand.New(rand.NewPCG(11, 12)), 1)
	a.Status, a.LiaisonPointID, a.Version = data.StatusLiaisonReview, "lp1", 3
	if err := s.ApplyChanges(ctx, []data.Change{change(t, a, 1)}, 1); err != nil {
		t.Fatal(err)
	}
	enqueue := func(id string, action data.Action, version int64, local bool) int64 {
		t.Helper()
		seq, err := s.Enqueue(ctx, data.Command{ID: id, Action: action, ApplicationID: a.ID, ExpectedVersion: version, Actor: clerk}, localEnv, local, 0)
		if err != nil {
			t.Fatal(err)
		}
		return seq
	}
	status := func() data.Status {
		t.Helper()
		got, err := s.Application(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Status
	}
	kept := func() int {
		t.Helper()
		var n int
		if err := s.read.QueryRow(`SELECT count(*) FROM server_snapshots`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	claim, pass := enqueue("claim", data.ActionClaim, 3, true), enqueue("pass", data.ActionLiaisonPass, 3, true)
	if status() != data.StatusBureauReview {
		t.Fatalf("after the pass: %s", status())
	}
	if err := s.RecordResults(ctx, []data.CommandResult{
		{Seq: claim, CommandID: "claim", State: data.StateRejected, Code: data.EFORBIDDEN, Message: "账号已停用"},
		{Seq: pass, CommandID: "pass", State: data.StateRejected, Code: data.EFORBIDDEN, Message: "账号已停用"},
	}, pass, t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Application(ctx, a.ID); got.Status != data.StatusLiaisonReview || got.Version != 3 || got.AssigneeID != "" || kept() != 0 {
		t.Errorf("both refused: %s v%d held by %q, %d snapshots kept", got.Status, got.Version, got.AssigneeID, kept())
	}
	// A claim changes no version: once applied, its entry is trimmed at
	// once, and the snapshot with it (the stored application keeps the
	// claim until the pull brings the server's).
	claimed := enqueue("claim-2", data.ActionClaim, 3, true)
	if err := s.RecordResults(ctx, []data.CommandResult{{Seq: claimed, CommandID: "claim-2", State: data.StateApplied, Version: 3}}, claimed, t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Application(ctx, a.ID); kept() != 0 || got.AssigneeID != clerk.ID {
		t.Errorf("an answered claim: %d snapshots kept, held by %q", kept(), got.AssigneeID)
	}
	// The clerk saw version 3; a pull brought 4 before the command was kept.
	a4 := *a
	a4.Version = 4
	if err := s.ApplyChanges(ctx, []data.Change{change(t, &a4, 2)}, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Enqueue(ctx, data.Command{ID: "late", Action: data.ActionLiaisonPass, ApplicationID: a.ID, ExpectedVersion: 3, Actor: clerk}, localEnv, true, 0); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("a pass on a version the clerk never saw: %v", err)
	}
	// An older build, before migration 024, queued a pass without writing
	// its change; this build opens its database.
	enqueue("old-build", data.ActionLiaisonPass, 4, false)
	if status() != data.StatusLiaisonReview {
		t.Fatalf("not written: %s", status())
	}
	s = reopenedAfter(t, s, path, `DROP TABLE server_snapshots; `+before025+`
		DELETE FROM schema_migrations WHERE name = 'migrations/024_local_changes.sql'`)
	if got, _ := s.Application(ctx, a.ID); got.Status != data.StatusBureauReview {
		t.Errorf("reopened, the queued pass is not laid on: %s", got.Status)
	}
	if snap, err := s.ServerSnapshot(ctx, a.ID); err != nil || snap.Status != data.StatusLiaisonReview || snap.Version != 4 {
		t.Errorf("the server's snapshot: %+v, %v", snap, err)
	}
}

// counterAndReview stores, as pulled, an application at the counter and
// one in first review, both at version 3.
func counterAndReview(t *testing.T, s *Store, seed uint64) (counter, review *data.Application) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, seed+1))
	counter, review = genApplication(r, 1), genApplication(r, 2)
	counter.Status, review.Status = data.StatusAwaitingPaper, data.StatusLiaisonReview
	for _, x := range []*data.Application{counter, review} {
		x.LiaisonPointID, x.Version = "lp1", 3
	}
	if err := s.ApplyChanges(ctx, []data.Change{change(t, counter, 1), change(t, review, 2)}, 2); err != nil {
		t.Fatal(err)
	}
	return counter, review
}

// clerkDecision is the clerk's command of action on app at version, with
// what the state machine asks of a deficiency notice or a rejection.
func clerkDecision(id string, app *data.Application, action data.Action, version int64) data.Command {
	cmd := data.Command{ID: id, Action: action, ApplicationID: app.ID, ExpectedVersion: version, Actor: clerk}
	switch action {
	case data.ActionPaperDeficient:
		cmd.Reasons = []string{"未提供原件"}
		for _, x := range app.Attachments {
			cmd.Checks = append(cmd.Checks, data.AttachmentCheck{AttachmentID: x.ID, Check: data.CheckMissing})
		}
	case data.ActionPaperReject:
		cmd.Reasons = []string{"原件与扫描件不一致"}
	}
	return cmd
}

// TestCommandsGoAfterTheirPredecessor: each decision names the desk's
// latest pending decision on the application that shows in it; claims and
// prints stand on their own. Once the predecessor is refused, the decisions
// after it stop showing (the server will refuse them) and a redo goes after
// none of them; a decision a pull left behind is no predecessor either.
func TestCommandsGoAfterTheirPredecessor(t *testing.T) {
	s, _ := openTest(t)
	a, b := counterAndReview(t, s, 21)
	enqueue := func(id string, app *data.Application, action data.Action, version, redoes int64) int64 {
		t.Helper()
		seq, err := s.Enqueue(ctx, clerkDecision(id, app, action, version), localEnv, true, redoes)
		if err != nil {
			t.Fatal(err)
		}
		return seq
	}
	afters := func() map[int64]int64 {
		t.Helper()
		cmds, err := s.ToPush(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		m := map[int64]int64{}
		for _, c := range cmds {
			m[c.Seq] = c.After
		}
		return m
	}
	deficient := enqueue("deficient", a, data.ActionPaperDeficient, 3, 0)
	claim := enqueue("claim", a, data.ActionClaim, 0, 0)
	reject := enqueue("reject", a, data.ActionPaperReject, 4, 0)
	claimB := enqueue("claim-b", b, data.ActionClaim, 0, 0)
	if got, want := afters(), map[int64]int64{deficient: 0, claim: 0, reject: deficient, claimB: 0}; !maps.Equal(got, want) {
		t.Fatalf("after: %v, want %v", got, want)
	}
	if err := s.RecordResults(ctx, []data.CommandResult{{Seq: deficient, CommandID: "deficient", State: data.StateConflict, Code: data.ECONFLICT, Message: "冲突"}}, deficient, t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Application(ctx, a.ID); got.Status != data.StatusAwaitingPaper || got.AssigneeID != clerk.ID {
		t.Errorf("after the refused notice: %s (the rejection on top of it must not show), held by %q (the claim must)", got.Status, got.AssigneeID)
	}
	redo := enqueue("deficient-redo", a, data.ActionPaperDeficient, 3, deficient)
	if got := afters()[redo]; got != 0 {
		t.Errorf("the redo goes after %d, which the server will refuse", got)
	}
	// b moved on at the server; this desk's pass on it, queued before the
	// pull, no longer applies, so the next decision does not wait on it.
	stale := enqueue("pass-b", b, data.ActionLiaisonPass, 3, 0)
	b4 := *b
	b4.Version = 4
	if err := s.ApplyChanges(ctx, []data.Change{change(t, &b4, 3)}, 3); err != nil {
		t.Fatal(err)
	}
	next := enqueue("pass-b-again", &b4, data.ActionLiaisonPass, 4, 0)
	if got := afters(); got[stale] != 0 || got[next] != 0 {
		t.Errorf("after a pull: %v; the pass the pull left behind (%d) is no predecessor", got, stale)
	}
}

// reopenedAfter takes the desk's database back with downgrade (to what an
// older build left), closes it and opens it as this build does.
func reopenedAfter(t *testing.T, s *Store, path, downgrade string) *Store {
	t.Helper()
	if _, err := s.write.Exec(downgrade); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// before026 takes a desk's database back to before migration 026: the
// release before restores were recovered.
const before026 = `DROP INDEX outbox_resend; DROP INDEX outbox_unsettled; DROP TABLE server_epoch; DROP TABLE resync_seen; DROP TABLE resync_orphans; DROP TABLE sync_notices;
	ALTER TABLE command_results DROP COLUMN desk_at; ALTER TABLE identity DROP COLUMN epoch; ALTER TABLE identity DROP COLUMN clock_offset;
	ALTER TABLE identity DROP COLUMN retention_days; ALTER TABLE identity DROP COLUMN resync;
	ALTER TABLE outbox DROP COLUMN answered_at; ALTER TABLE outbox DROP COLUMN settled; ALTER TABLE outbox DROP COLUMN resend;
	DELETE FROM schema_migrations WHERE name = 'migrations/026_recovery.sql';`

// before025 takes a desk's database back to before migration 025.
const before025 = before026 + `ALTER TABLE outbox DROP COLUMN after_seq; ALTER TABLE outbox DROP COLUMN laid;
	DELETE FROM schema_migrations WHERE name = 'migrations/025_command_order.sql';`

// TestUpgradeOrdersQueuedDecisions: a desk upgraded with decisions queued
// by the build before migration 025 puts each after the pending decision
// before it, so one made on a decision a pull has left behind shows no more
// and will be refused with it; a decision left behind is no predecessor of
// the next one made.
func TestUpgradeOrdersQueuedDecisions(t *testing.T) {
	s, path := openTest(t)
	a, b := counterAndReview(t, s, 23)
	printed := clerkDecision("print", a, data.ActionPrint, 0)
	printed.Document = data.DocNotice
	var seqs []int64
	for _, c := range []data.Command{
		clerkDecision("deficient", a, data.ActionPaperDeficient, 3), printed,
		clerkDecision("reject", a, data.ActionPaperReject, 4), clerkDecision("pass-b", b, data.ActionLiaisonPass, 3),
	} {
		seq, err := s.Enqueue(ctx, c, localEnv, true, 0)
		if err != nil {
			t.Fatalf("%s: %v", c.ID, err)
		}
		seqs = append(seqs, seq)
	}
	// Another desk's change reached the server first on both.
	a4, b4 := *a, *b
	a4.Version, b4.Version = 4, 4
	if err := s.ApplyChanges(ctx, []data.Change{change(t, &a4, 3), change(t, &b4, 4)}, 4); err != nil {
		t.Fatal(err)
	}
	s = reopenedAfter(t, s, path, before025)
	cmds, err := s.ToPush(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]int64{}
	for _, c := range cmds {
		got[c.Seq] = c.After
	}
	if want := map[int64]int64{seqs[0]: 0, seqs[1]: 0, seqs[2]: seqs[0], seqs[3]: 0}; !maps.Equal(got, want) {
		t.Errorf("after the upgrade: %v, want %v", got, want)
	}
	next, err := s.Enqueue(ctx, data.Command{ID: "pass-b-again", Action: data.ActionLiaisonPass, ApplicationID: b.ID, ExpectedVersion: 4, Actor: clerk}, localEnv, true, 0)
	if err != nil {
		t.Fatal(err)
	}
	if entries, _ := s.OutboxFor(ctx, b.ID); len(entries) != 2 || entries[0].Laid || entries[1].After != 0 || entries[1].Seq != next {
		t.Errorf("the pass the pull left behind: %+v", entries)
	}
	if got, _ := s.Application(ctx, a.ID); got.Status != data.StatusAwaitingPaper || got.Version != 4 {
		t.Errorf("the rejection made on a notice the server will refuse shows: %s v%d", got.Status, got.Version)
	}
}

// localEnv is when and by which calendar the tests' desk commands are kept.
var localEnv = data.Env{Now: t0, Calendar: data.DefaultCalendar()}

// change is a pulled snapshot of a.
func change(t *testing.T, a *data.Application, seq int64) data.Change {
	t.Helper()
	body, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	return data.Change{Seq: seq, Kind: data.ChangeApplication, ID: a.ID, Data: body}
}

// TestPushRefusesCommandsAfterAConflict: a device's command decided on top
// of its earlier one on the same application (After) is refused when that
// one was, whether they come in one batch or two, while its commands on
// top of an applied one, and on other applications, apply. An After that
// does not point back refuses the batch.
func TestPushRefusesCommandsAfterAConflict(t *testing.T) {
	s, point, c, dev := pushServer(t)
	r := rand.New(rand.NewPCG(13, 14))
	a, b := genApplication(r, 1), genApplication(r, 2)
	for _, x := range []*data.Application{a, b} {
		x.Status, x.LiaisonPointID = data.StatusLiaisonReview, point.ID
	}
	if err := s.SaveApplications(ctx, []*data.Application{a, b}); err != nil {
		t.Fatal(err)
	}
	actor := c.Actor()
	cmds := []data.PushedCommand{
		{Seq: 1, At: t0, Command: data.Command{ID: "pass-a", Action: data.ActionLiaisonPass, ApplicationID: a.ID, ExpectedVersion: a.Version - 1, Actor: actor}},
		{Seq: 2, At: t0, Command: data.Command{ID: "claim-a", Action: data.ActionClaim, ApplicationID: a.ID, Actor: actor}, After: 1},
		{Seq: 3, At: t0, Command: data.Command{ID: "claim-a-again", Action: data.ActionClaim, ApplicationID: a.ID, Actor: actor}, After: 2},
		{Seq: 4, At: t0, Command: data.Command{ID: "claim-b", Action: data.ActionClaim, ApplicationID: b.ID, Actor: actor}},
		{Seq: 5, At: t0, Command: data.Command{ID: "pass-b", Action: data.ActionLiaisonPass, ApplicationID: b.ID, ExpectedVersion: b.Version, Actor: actor}, After: 4},
	}
	bad := []data.PushedCommand{cmds[0], cmds[1]}
	bad[1].After = 2
	if _, _, err := s.Push(ctx, dev, bad, time.Now()); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("a command after itself: %v", err)
	}
	var states []string
	for _, batch := range [][]data.PushedCommand{cmds[:1], cmds[1:3], cmds[3:]} {
		results, _, err := s.Push(ctx, dev, batch, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range results {
			states = append(states, r.State)
		}
	}
	if want := []string{data.StateConflict, data.StateConflict, data.StateConflict, data.StateApplied, data.StateApplied}; !slices.Equal(states, want) {
		t.Fatalf("results %v, want %v", states, want)
	}
	if got, _ := s.Application(ctx, a.ID); got.AssigneeID != "" || got.Version != a.Version {
		t.Errorf("a claim after a refused pass, in the next batch, was applied: held by %q, v%d", got.AssigneeID, got.Version)
	}
	if got, _ := s.Application(ctx, b.ID); got.Status != data.StatusBureauReview {
		t.Errorf("a pass after an applied claim: %s", got.Status)
	}
}

// TestRedoKeptOnce: a refused command issued again sets the refused entry
// aside in the same transaction, so a second redo of it is refused and
// queues nothing.
func TestRedoKeptOnce(t *testing.T) {
	s, _ := openTest(t)
	a := genApplication(rand.New(rand.NewPCG(15, 16)), 1)
	a.Status, a.LiaisonPointID, a.Version = data.StatusLiaisonReview, "lp1", 3
	if err := s.ApplyChanges(ctx, []data.Change{change(t, a, 1)}, 1); err != nil {
		t.Fatal(err)
	}
	pass := func(id string) data.Command {
		return data.Command{ID: id, Action: data.ActionLiaisonPass, ApplicationID: a.ID, ExpectedVersion: 3, Actor: clerk}
	}
	first, err := s.Enqueue(ctx, pass("first"), localEnv, true, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RecordResults(ctx, []data.CommandResult{{Seq: first, CommandID: "first", State: data.StateConflict, Code: data.ECONFLICT, Message: "冲突"}}, first, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Enqueue(ctx, pass("redo"), localEnv, true, first); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Enqueue(ctx, pass("redo-again"), localEnv, true, first); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("a second redo of the same entry: %v", err)
	}
	entries, err := s.Outbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Command.ID != "redo" || entries[0].State != StatePending {
		t.Errorf("outbox after the redo: %+v", entries)
	}
	if got, _ := s.Application(ctx, a.ID); got.Status != data.StatusBureauReview {
		t.Errorf("redone pass not shown: %s", got.Status)
	}
}

// TestServerCheckpointsBesideTheWriter: a server's commit reaches the
// database file itself soon after, by the checkpointer, not by the
// writer's own checkpoint (which waits for 16,384 pages). The file is read
// as it is on disk, WAL ignored.
func TestServerCheckpointsBesideTheWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "server.db")
	s, err := OpenServer(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	onDisk := func(id string) bool {
		db, err := sql.Open("sqlite3", "file:"+path+"?immutable=1")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		err = db.QueryRow(`SELECT count(*) FROM liaison_points WHERE id = ?`, id).Scan(&n)
		return err == nil && n == 1 // "no such table" until the schema is there too
	}
	for i := range 3 {
		id := fmt.Sprintf("lp-ck-%d", i)
		if err := s.SaveLiaisonPoint(ctx, &data.LiaisonPoint{ID: id, Code: fmt.Sprintf("CK%d", i), Name: "检查点测试联络点", Active: true}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for !onDisk(id) {
			if time.Now().After(deadline) {
				t.Fatalf("commit %d not in the database file after 5 s", i)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	// Closed twice, as cleanups sometimes do: the second is harmless.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestTransactionOutlivesItsCaller: a transaction begun runs to its end
// though the caller's context is cancelled midway (txn), whole: a push cut
// off by its client is either all applied or not at all.
func TestTransactionOutlivesItsCaller(t *testing.T) {
	s, _ := openTest(t)
	cctx, cancel := context.WithCancel(ctx)
	err := s.inWrite(cctx, func(tx *txn) error {
		if _, err := nextCounter(cctx, tx, "outlives"); err != nil {
			return err
		}
		cancel()
		_, err := nextCounter(cctx, tx, "outlives")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.Counter(ctx, "outlives"); err != nil || n != 2 {
		t.Fatalf("counter %d, %v: want both statements committed", n, err)
	}
	// A refusal still rolls back everything the transaction did.
	err = s.inWrite(ctx, func(tx *txn) error {
		if _, err := nextCounter(ctx, tx, "outlives"); err != nil {
			return err
		}
		return data.Errorf(data.EINVALID, "拒绝")
	})
	if data.ErrorCode(err) != data.EINVALID {
		t.Fatalf("refusal came back as %v", err)
	}
	if n, _ := s.Counter(ctx, "outlives"); n != 2 {
		t.Fatalf("counter %d after a refused transaction, want 2", n)
	}
}
