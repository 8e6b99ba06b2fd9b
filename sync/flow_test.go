package sync_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"titledesk/app"
	"titledesk/data"
	"titledesk/demo"
	"titledesk/forms"
	"titledesk/internal/qrscan"
	"titledesk/internal/testworld"
)

// TestClerkToBureauAndBack follows one application across the real server:
// the clerk passes it, the bureau desk receives and passes it, the server
// seals the form and queues the SMS, and the clerk desk receives the sealed
// form, whose QR verifies there as genuine; the bureau's finance system
// issues the payment notice, which reaches the counter; the counter then
// takes the papers and prints the receipt and that notice.
func TestClerkToBureauAndBack(t *testing.T) {
	w := testworld.New(t)
	a := w.Apps(t, 1, "DLXH", data.StatusLiaisonReview)[0]
	clerk, bureau := w.Desk(t, "DLXH", "chen"), w.Desk(t, "", "wang")
	ctx := context.Background()

	if _, err := clerk.Do(ctx, data.Command{Action: data.ActionLiaisonPass, ApplicationID: a.ID}); err != nil {
		t.Fatal(err)
	}
	testworld.Drain(t, clerk)
	testworld.Drain(t, bureau)
	v, err := bureau.View(ctx, a.ID)
	if err != nil || v.Status != data.StatusBureauReview {
		t.Fatalf("bureau desk: %v %v", v, err)
	}
	// A reviewer has the bureau's actions only.
	for _, act := range v.Actions {
		if act.Role != data.RoleBureau {
			t.Errorf("reviewer offered %s of %s", act.Action, act.Role)
		}
	}
	if _, err := bureau.Do(ctx, data.Command{Action: data.ActionLiaisonPass, ApplicationID: a.ID}); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("reviewer issuing a clerk command: %v", err)
	}
	if _, err := bureau.Do(ctx, data.Command{Action: data.ActionBureauPass, ApplicationID: a.ID}); err != nil {
		t.Fatal(err)
	}
	testworld.Drain(t, bureau)
	sms, _ := w.DB.SMSLog(ctx, 10) // newest first
	if len(sms) == 0 || sms[0].ApplicationID != a.ID || sms[0].Template != "bureau_pass/applicant" || !strings.Contains(sms[0].Text, a.No) || !strings.Contains(sms[0].Text, "到东莞市电力行业协会") {
		t.Errorf("sms queued: %+v", sms)
	}

	if err := w.DB.IssueNotice(ctx, a.ID, demo.Notice(a, time.Now()), "非税平台", time.Now()); err != nil {
		t.Fatal(err)
	}
	testworld.Drain(t, clerk)
	cv, err := clerk.View(ctx, a.ID)
	if err != nil || cv.Status != data.StatusAwaitingPaper || cv.FormSeal == "" {
		t.Fatalf("clerk desk after the bureau passed: %+v %v", cv, err)
	}
	// The clerk prints the sealed form and scans its QR back.
	p, err := clerk.Prepare(ctx, a.ID, data.DocForm)
	if err != nil || p.Payload != cv.FormSeal {
		t.Fatalf("print form: %v (payload %q, sealed %q)", err, p.Payload, cv.FormSeal)
	}
	res, err := clerk.Scan(ctx, qrOf(t, p.Path))
	if err != nil || res.Verdict.Status != forms.Genuine || res.View == nil || res.View.ID != a.ID {
		t.Fatalf("scan of the printed form: %+v %v", res, err)
	}
	// One character changed: forged. The counter takes the papers.
	forged := []byte(cv.FormSeal)
	forged[len(forged)-3] ^= 1
	if res, _ := clerk.Scan(ctx, string(forged)); res.Verdict.Status != forms.Forged || res.View != nil {
		t.Errorf("forged seal: %+v", res.Verdict)
	}
	if cv.Notice == nil || cv.Notice.PayCode != demo.Notice(a, time.Now()).PayCode {
		t.Fatalf("the notice did not reach the counter: %+v", cv.Notice)
	}
	// The counter's line is down: the notice prints from what was pulled.
	net := testworld.Inject(clerk)
	net.Offline()
	if _, prints, err := clerk.Accept(ctx, a.ID, allMatch(&cv.Application)); err != nil || len(prints) != 2 {
		t.Fatalf("accept: %v %d", err, len(prints))
	} else if text := qrscan.Text(t, prints[1].Path); !strings.Contains(text, cv.Notice.PayCode) || !strings.Contains(text, "扫码缴费") {
		t.Errorf("the printed notice lacks the bureau's payment code %s:\n%s", cv.Notice.PayCode, text)
	}
	net.Set(nil, nil)
	testworld.Drain(t, clerk)
	if got, _ := w.DB.Application(ctx, a.ID); got.Status != data.StatusAwaitingPayment || got.Notice == nil {
		t.Errorf("server after accept: %s %+v", got.Status, got.Notice)
	}
	// After a new version the printed form still verifies: its fields did not change.
	if res, _ := clerk.Scan(ctx, cv.FormSeal); res.Verdict.Status != forms.Genuine {
		t.Errorf("form after the counter accepted: %v", res.Verdict.Message)
	}
}

// qrOf reads the QR seal of a printed PDF.
func qrOf(t *testing.T, path string) string {
	t.Helper()
	pdf, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text, err := qrscan.FromPDF(pdf)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func TestBureauStatisticsExport(t *testing.T) {
	w := testworld.New(t)
	w.Apps(t, 3, "DLXH", data.StatusLiaisonReview)
	paid := w.Apps(t, 2, "JZXH", data.StatusPaid)
	bureau := w.Desk(t, "", "wang")
	ctx := context.Background()
	st, err := bureau.Statistics(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Today.Channels) == 0 || st.Today.Net() != paid[0].Notice.Amount+paid[1].Notice.Amount {
		t.Errorf("today's payments: %+v", st.Today)
	}
	path := filepath.Join(t.TempDir(), "统计.xlsx")
	if err := st.Export(path); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("各联络点统计")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, r := range rows[1:] {
		got[r[0]] = r
	}
	col := func(s data.Status) int {
		for i, h := range rows[0] {
			if h == s.Label() {
				return i
			}
		}
		t.Fatalf("no column %s in %v", s.Label(), rows[0])
		return 0
	}
	if r := got["东莞市电力行业协会"]; r == nil || r[col(data.StatusLiaisonReview)] != "3" {
		t.Errorf("DLXH row %v", r)
	}
	if r := got["东莞市建筑行业协会"]; r == nil || r[col(data.StatusPaid)] != "2" || r[len(r)-1] != "2" {
		t.Errorf("JZXH row %v", r)
	}
	if err := st.Export(filepath.Join(t.TempDir(), "统计.pdf")); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("export to .pdf: %v", err)
	}
}

// TestServerHoldsRoles: a workstation refuses the other role's commands,
// and when a clerk's command comes from a bureau device or a reviewer's
// from a clerk device anyway (enqueued past the workstation's checks, even
// under the other role's actor), the server refuses it and nothing reaches
// the audit chain.
func TestServerHoldsRoles(t *testing.T) {
	w := testworld.New(t)
	atPoint := w.Apps(t, 1, "DLXH", data.StatusLiaisonReview)[0]
	atBureau := w.Apps(t, 1, "DLXH", data.StatusBureauReview)[0]
	clerk, bureau := w.Desk(t, "DLXH", "chen"), w.Desk(t, "", "wang")
	ctx := context.Background()
	// The workstations refuse first.
	if _, err := clerk.Certify(ctx, atBureau.ID, "ZC-1", time.Now()); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a clerk desk certified: %v", err)
	}
	if _, err := clerk.Do(ctx, data.Command{Action: data.ActionBureauPass, ApplicationID: atBureau.ID}); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a clerk desk passed a second review: %v", err)
	}
	if _, err := bureau.Do(ctx, data.Command{Action: data.ActionLiaisonPass, ApplicationID: atPoint.ID}); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a bureau desk passed a first review: %v", err)
	}
	for _, task := range []string{"复审", "发证"} {
		if app.QueueOf(data.RoleClerk, task) != nil {
			t.Errorf("clerks have a %s queue", task)
		}
	}
	// Then the server, for a workstation that skips those checks.
	forged := []struct {
		desk  *app.Desk
		cmd   data.Command
		actor *data.Clerk
	}{
		{bureau, data.Command{Action: data.ActionLiaisonPass, ApplicationID: atPoint.ID, ExpectedVersion: atPoint.Version}, w.Clerks["wang"]},
		{bureau, data.Command{Action: data.ActionLiaisonPass, ApplicationID: atPoint.ID, ExpectedVersion: atPoint.Version}, w.Clerks["chen"]},
		{clerk, data.Command{Action: data.ActionBureauPass, ApplicationID: atBureau.ID, ExpectedVersion: atBureau.Version}, w.Clerks["chen"]},
		{clerk, data.Command{Action: data.ActionBureauPass, ApplicationID: atBureau.ID, ExpectedVersion: atBureau.Version}, w.Clerks["wang"]},
	}
	for _, f := range forged {
		f.cmd.ID, f.cmd.Actor = uuid.NewString(), f.actor.Actor()
		if _, err := f.desk.Store.Enqueue(ctx, f.cmd, data.Env{Now: time.Now()}, false, 0); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []*app.Desk{clerk, bureau} {
		testworld.Drain(t, d)
		entries, _ := d.Store.Outbox(ctx)
		for _, e := range entries {
			if e.State != data.StateRejected {
				t.Errorf("%s by %s from a %s device: %s %s", e.Command.Action, e.Command.Actor.Name, d.Device().Role, e.State, e.Message)
			}
			if n, _ := w.DB.AuditCount(ctx, e.Command.ID); n != 0 {
				t.Errorf("refused command %s is in the audit chain", e.Command.ID)
			}
		}
	}
	for _, a := range []*data.Application{atPoint, atBureau} {
		if got, _ := w.DB.Application(ctx, a.ID); got.Version != a.Version {
			t.Errorf("%s moved to %s v%d", a.No, got.Status, got.Version)
		}
	}
}

// TestApplicationMovesToAnotherPoint: an application returned to its
// applicant is edited to name another liaison point. The old point's desk
// drops its copy, the new point's desk receives it once the unit passes it
// on, and the bureau's desk keeps it throughout.
func TestApplicationMovesToAnotherPoint(t *testing.T) {
	w := testworld.New(t)
	a := w.Apps(t, 1, "DLXH", data.StatusReturnedToApplicant)[0]
	dl, jz, bureau := w.Desk(t, "DLXH", "chen"), w.Desk(t, "JZXH", "li"), w.Desk(t, "", "wang")
	ctx := context.Background()
	if _, err := dl.View(ctx, a.ID); err != nil {
		t.Fatalf("the first point's desk lacks it: %v", err)
	}
	cal, _ := w.DB.Calendar(ctx)
	env := data.Env{Now: time.Now(), Calendar: cal}
	form := a.Form
	form.LiaisonPointID = w.Points["JZXH"].ID
	applicant := data.Actor{ID: a.ApplicantID, Name: a.Name, Role: data.RoleApplicant}
	unit := data.Actor{ID: "unit-user", Role: data.RoleUnit, UnitID: a.UnitID}
	for _, c := range []data.Command{
		{Action: data.ActionEdit, Actor: applicant, Form: &form},
		{Action: data.ActionSubmit, Actor: applicant},
		{Action: data.ActionUnitApprove, Actor: unit, Opinion: "同意申报。",
			Publicity: data.Publicity{Start: time.Now().AddDate(0, 0, -30), End: time.Now().AddDate(0, 0, -12)}},
	} {
		got, err := w.DB.Application(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		c.ID, c.ApplicationID, c.ExpectedVersion = uuid.NewString(), a.ID, got.Version
		if _, err := w.DB.Apply(ctx, c, env); err != nil {
			t.Fatalf("%s: %v", c.Action, err)
		}
	}
	for _, d := range []*app.Desk{dl, jz, bureau} {
		testworld.Drain(t, d)
	}
	if _, err := dl.View(ctx, a.ID); data.ErrorCode(err) != data.ENOTFOUND {
		t.Errorf("the old point's desk still holds it: %v", err)
	}
	for name, d := range map[string]*app.Desk{"new point": jz, "bureau": bureau} {
		v, err := d.View(ctx, a.ID)
		if err != nil || v.Status != data.StatusLiaisonReview || v.LiaisonPointID != w.Points["JZXH"].ID {
			t.Errorf("%s desk: %+v %v", name, v, err)
		}
	}
}

// TestDecisionOnARefusedOneIsRefused: offline, a clerk lists what an
// application lacks and then rejects it on the strength of that notice,
// while another clerk's notice on it reached the server first. The first
// notice conflicts, and the rejection, though it expects the version the
// server has now, is refused with it: it was decided on a notice the
// applicant never got. The notice's print is kept: it happened.
func TestDecisionOnARefusedOneIsRefused(t *testing.T) {
	w := testworld.New(t)
	a := w.Apps(t, 1, "DLXH", data.StatusAwaitingPaper)[0]
	mine, other := w.Desk(t, "DLXH", "chen"), w.Desk(t, "DLXH", "chen2")
	net := testworld.Inject(mine)
	net.Offline()
	ctx := context.Background()
	var missing []data.AttachmentCheck
	for _, x := range a.Attachments {
		missing = append(missing, data.AttachmentCheck{AttachmentID: x.ID, Check: data.CheckMissing})
	}
	if _, _, err := other.Deficient(ctx, a.ID, missing, []string{"未提供原件"}, ""); err != nil {
		t.Fatal(err)
	}
	testworld.Drain(t, other)
	if _, _, err := mine.Deficient(ctx, a.ID, missing, []string{"复印件未签名或未加盖单位公章"}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := mine.Do(ctx, data.Command{Action: data.ActionPaperReject, ApplicationID: a.ID, Reasons: []string{"原件与扫描件不一致"}}); err != nil {
		t.Fatal(err)
	}
	net.Set(nil, nil)
	testworld.Drain(t, mine)
	entries, err := mine.Store.Outbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[data.Action]string{}
	for _, e := range entries {
		got[e.Command.Action] = e.State
	}
	if got[data.ActionPaperDeficient] != data.StateConflict || got[data.ActionPaperReject] != data.StateConflict {
		t.Errorf("outcomes here: %v", got)
	}
	server, err := w.DB.Application(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if last := server.Decisions[len(server.Decisions)-1]; server.Status != data.StatusPaperDeficient || last.ActorName != w.Clerks["chen2"].Name {
		t.Errorf("on the server: %s, last decided by %s", server.Status, last.ActorName)
	}
	if s := got[data.ActionPrint]; s == data.StateConflict || s == data.StateRejected {
		t.Errorf("the notice's print was refused: %s", s)
	}
	if view, _ := mine.View(ctx, a.ID); view.Status != data.StatusPaperDeficient || len(view.Refused) != 2 {
		t.Errorf("this desk shows %s with %d refused", view.Status, len(view.Refused))
	}
}
